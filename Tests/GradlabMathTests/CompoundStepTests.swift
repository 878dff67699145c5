import Testing
import GradlabSIMD
@testable import GradlabMath

/// Compound steps: an arithmetic value read by exactly one arithmetic step
/// is folded into it (`LaneStep.inner`). Each operation still rounds on its
/// own, so runs stay bit for bit equal to the scalar reference on
/// arithmetic, at every kernel level.
@Suite("Compound steps")
struct CompoundStepTests {
    static let operators = ["+", "-", "*", "/"]

    /// Every (inner, outer) pair, with the folded value first and second,
    /// and with a uniform third operand.
    static let expressions: [String] = operators.flatMap { inner in
        operators.flatMap { outer in
            ["(x \(inner) y) \(outer) z", "z \(outer) (x \(inner) y)", "(x \(inner) y) \(outer) w", "w \(outer) (y \(inner) x)"]
        }
    }

    @Test(arguments: expressions)
    func foldedStepsEqualTheScalarReference(_ text: String) throws {
        let expression = try Expression.parse(text, variables: ["x", "y", "z", "w"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x", "y", "z", "w"], respect: [])
        let plan = LanePlanBuilder.build(program, lanes: [true, true, true, false], stored: [true]).plan
        #expect(plan.steps.contains { $0.inner != nil }, "\(text) was not folded")
        let count = 1000
        let x: [Float] = ExecutorTests.data(count, seed: 11), y: [Float] = ExecutorTests.data(count, seed: 12)
        let z: [Float] = ExecutorTests.data(count, seed: 13)
        for level in SIMDLevel.available {
            let run = runLanes(program, [.lanes(x), .lanes(y), .lanes(z), .uniform(Float(0.7))], count: count, level: level)[0]
            let mismatches = (0..<count).filter { i in
                run[i].bitPattern != program.evaluate([x[i], y[i], z[i], Float(0.7)])[0].bitPattern
            }
            #expect(mismatches.isEmpty, "\(text) at \(level): lanes \(mismatches.prefix(5))")
        }
    }

    /// The tutorial's gradient: 14 arithmetic steps become 9, and the run
    /// is the unfused plan's, bit for bit (checked through the reference in
    /// the executor tests); values read twice or returned are not folded.
    @Test func tutorialPlanFoldsFiveSteps() throws {
        let expression = try Expression.parse("sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)", variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let fused = LanePlanBuilder.build(program, lanes: [true, true], stored: [true, true, true]).plan
        let plain = LanePlanBuilder.build(program, lanes: [true, true], stored: [true, true, true], fusing: false).plan
        #expect(plain.steps.count - fused.steps.count == 5)
        #expect(fused.steps.filter { $0.inner != nil }.count == 5)
        #expect(fused.registerCount <= plain.registerCount)
    }

    @Test func valuesReadTwiceOrReturnedAreNotFolded() throws {
        for text in ["(x * y) * (x * y)", "(x + y) * z + (x + y)"] {
            let expression = try Expression.parse(text, variables: ["x", "y", "z"])
            // The gradient returns intermediate values and reads some twice.
            let program = Program.valueAndGradient(of: expression, inputs: ["x", "y", "z"], respect: ["x", "y", "z"])
            let count = 257
            let x: [Double] = ExecutorTests.data(count, seed: 1), y: [Double] = ExecutorTests.data(count, seed: 2)
            let z: [Double] = ExecutorTests.data(count, seed: 3)
            for level in SIMDLevel.available {
                let run = runLanes(program, [.lanes(x), .lanes(y), .lanes(z)], count: count, level: level)
                for i in 0..<count {
                    #expect(run.map { $0[i] } == program.evaluate([x[i], y[i], z[i]]), "\(text) at \(level), lane \(i)")
                }
            }
        }
    }
}
