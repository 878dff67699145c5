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

    /// Runs a plan built with or without folding straight through the
    /// kernels of `level` (one worker): every output, stored.
    static func runPlan<T: LaneScalar>(
        _ program: Program, fusing: Bool, doubleAngles: Bool = T.usesDoubleAngles, _ inputs: [[T]], level: SIMDLevel
    ) -> [[T]] {
        let count = inputs[0].count
        let prepared = PreparedRun<T>(program, lanes: inputs.map { _ in true },
                                      stored: Array(repeating: true, count: program.outputCount), fusing: fusing,
                                      doubleAngles: doubleAngles)
        let buffers = inputs.map { values in
            let buffer = UnsafeMutablePointer<T>.allocate(capacity: count)
            buffer.initialize(from: values, count: count)
            return buffer
        }
        let outputs = (0..<program.outputCount).map { _ in UnsafeMutablePointer<T>.allocate(capacity: count) }
        defer { for buffer in buffers + outputs { buffer.deallocate() } }
        prepared.computeUniforms(buffers.map { .lanes(UnsafePointer($0)) })
        for (i, buffer) in buffers.enumerated() { prepared.inputTable[i] = UnsafePointer(buffer) }
        for (k, buffer) in outputs.enumerated() { prepared.outputTable[k] = buffer }
        let chunkCount = (count + prepared.chunkLanes - 1) / prepared.chunkLanes
        prepared.reserve(workers: 1, chunks: chunkCount, summing: false)
        let run = LaneRun<T>(count: count, chunkLanes: prepared.chunkLanes, inputs: prepared.inputTable, outputs: prepared.outputTable,
                             uniforms: prepared.uniforms, chunkSums: nil, descentPairs: prepared.descentPairs, descentCount: 0,
                             descentStep: 0, afterChunk: nil)
        T.runKernels(level, prepared.plan, run, 0..<chunkCount, prepared.scratch[0], prepared.chunkOutputs[0])
        return outputs.map { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// Folding changes no bit: the folded plan's outputs equal the plain
    /// plan's, with transcendental steps too, at every level and in both
    /// types.
    @Test(arguments: [
        "sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)",
        "x1^2 + 3*sin(x2)*x1 - exp(-x2^2)",
        "sin(x1/3 + x2) * cos(x1/3 + x2) - (x1 - x2)*(x1 + x2)",
        "-(x1*x2 + x2) + tanh(2*x1 - x2)",
    ])
    func foldedPlanEqualsPlainPlan(_ text: String) throws {
        let expression = try Expression.parse(text, variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let x1: [Float] = ExecutorTests.data(3001, seed: 21), x2: [Float] = ExecutorTests.data(3001, seed: 22)
        let y1: [Double] = ExecutorTests.data(3001, seed: 23), y2: [Double] = ExecutorTests.data(3001, seed: 24)
        for level in SIMDLevel.available {
            #expect(Self.differences(Self.runPlan(program, fusing: true, [x1, x2], level: level),
                                     Self.runPlan(program, fusing: false, [x1, x2], level: level)).isEmpty, "\(text), Float, \(level)")
            #expect(Self.differences(Self.runPlan(program, fusing: true, [y1, y2], level: level),
                                     Self.runPlan(program, fusing: false, [y1, y2], level: level)).isEmpty, "\(text), Double, \(level)")
        }
    }

    /// Negation flips the sign bit, as the scalar reference does: -(+0) is
    /// -0 (a vector `-v` had given +0).
    @Test func negationOfZeroIsNegativeZero() throws {
        let program = Program.valueAndGradient(of: try Expression.parse("-x", variables: ["x"]), inputs: ["x"], respect: [])
        let x: [Double] = [0, -0.0, 1.5, -2, .infinity] + Array(repeating: 0, count: 27)
        for level in SIMDLevel.available {
            let run = runLanes(program, [.lanes(x)], count: x.count, level: level)[0]
            #expect(run.map(\.bitPattern) == x.map { program.evaluate([$0])[0].bitPattern }, "\(level)")
            #expect(run[0].sign == .minus)
        }
    }

    /// "output k, lane i: a vs b" for the first few lanes whose bits differ.
    static func differences<T: BinaryFloatingPoint>(_ a: [[T]], _ b: [[T]]) -> [String] {
        var found: [String] = []
        for k in a.indices {
            for i in a[k].indices where found.count < 4 && (a[k][i] != b[k][i] || a[k][i].sign != b[k][i].sign) && !(a[k][i].isNaN && b[k][i].isNaN) {
                found.append("output \(k), lane \(i): \(a[k][i]) vs \(b[k][i])")
            }
        }
        return found
    }

    /// Random expressions and their gradients: folding must not change a
    /// bit, whatever shape the plan's registers take (a register reused
    /// too early would).
    @Test func randomProgramsFoldWithoutChangingABit() throws {
        var random = SplitMix64(seed: 2026)
        func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        func expression(_ depth: Int) -> String {
            if depth == 0 || pick(4) == 0 {
                return ["x1", "x2", "0.5", "3", "x1", "x2"][pick(6)]
            }
            switch pick(9) {
            case 0: return "sin(\(expression(depth - 1)))"
            case 1: return "cos(\(expression(depth - 1)))"
            case 2: return "-(\(expression(depth - 1)))"
            case 3: return "tanh(\(expression(depth - 1)))"
            default:
                let op = ["+", "-", "*", "/"][pick(4)]
                return "(\(expression(depth - 1)) \(op) \(expression(depth - 1)))"
            }
        }
        let x1: [Double] = ExecutorTests.data(700, seed: 31), x2: [Double] = ExecutorTests.data(700, seed: 32)
        var compound = 0, sincos = 0, negations = 0
        for _ in 0..<150 {
            let text = expression(5)
            let parsed = try Expression.parse(text, variables: ["x1", "x2"])
            let program = Program.valueAndGradient(of: parsed, inputs: ["x1", "x2"], respect: ["x1", "x2"])
            let steps = LanePlanBuilder.build(program, lanes: [true, true], stored: [true, true, true]).plan.steps
            compound += steps.filter { $0.inner != nil && $0.operation != .sincos }.count
            sincos += steps.filter { $0.inner != nil && $0.operation == .sincos }.count
            negations += steps.filter(\.negated).count
            let folded = Self.runPlan(program, fusing: true, [x1, x2], level: .active)
            let plain = Self.runPlan(program, fusing: false, [x1, x2], level: .active)
            #expect(Self.differences(folded, plain).isEmpty, "\(text)")
        }
        // Every kind of folding was exercised.
        #expect(compound > 100 && sincos > 5 && negations > 5, "compound \(compound), sincos \(sincos), negations \(negations)")
    }

    /// The tutorial's gradient: 18 steps become 10 (five compound steps,
    /// sincos of 0.5*x1 and of 0.5*x2, and the negation of d/dx2 folded).
    @Test func tutorialPlanFolds() throws {
        let expression = try Expression.parse("sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)", variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let fused = LanePlanBuilder.build(program, lanes: [true, true], stored: [false, false, false]).plan
        let plain = LanePlanBuilder.build(program, lanes: [true, true], stored: [false, false, false], fusing: false).plan
        #expect(plain.steps.count == 18)
        #expect(fused.steps.count == 10)
        #expect(fused.steps.filter { $0.operation == .sincos && $0.inner == .multiply }.count == 2)
        #expect(fused.steps.filter(\.negated).count == 1)
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
