import Foundation
import Testing
@testable import GradlabMath
import GradlabSIMD

/// sin a and cos a from sin(a/2) and cos(a/2) (``LaneOperation/doubleAngle``):
/// when the plan uses it, and the error it adds, held to the bounds the
/// PyTorch fixtures use (float64 1e-10, float32 1e-5 over a fixture's run)
/// for random starts and several functions, against the scalar reference.
@Suite("Double-angle sin and cos")
struct DoubleAngleTests {
    static let tutorial = "sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)"

    /// Functions with sin and cos of a value and of its half (written three
    /// ways), and one where the half is also read elsewhere.
    static let functions = [
        tutorial,
        "sin(x1)*cos(x1/2) + cos(x2)*sin(x2*0.5) - x1*x2/10",
        "cos(x1 + x2) * sin(0.5*(x1 + x2)) + sin(x1 + x2)*cos((x1 + x2)/2) + (x1/2)^2 / 50",
        "sin(3*x1) + cos(3*x1/2)*sin(3*x1/2)*x2 - cos(3*x1)*cos(x2)",
    ]

    static func program(_ text: String) throws -> Program {
        let expression = try Expression.parse(text, variables: ["x1", "x2"])
        return Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
    }

    static func count(_ operation: LaneOperation, in plan: LanePlan) -> Int {
        plan.steps.filter { $0.operation == operation }.count
    }

    /// The tutorial's gradient: two sincos steps and two double-angle steps
    /// instead of four sincos steps.
    @Test func theTutorialFunctionTakesTwoReductionsInsteadOfFour() throws {
        let program = try Self.program(Self.tutorial)
        let rewritten = LanePlanBuilder.build(program, lanes: [true, true], stored: [false, true, true]).plan
        let plain = LanePlanBuilder.build(program, lanes: [true, true], stored: [false, true, true], doubleAngles: false).plan
        #expect(Self.count(.sincos, in: rewritten) == 2)
        #expect(Self.count(.doubleAngle, in: rewritten) == 2)
        #expect(Self.count(.sincos, in: plain) == 4)
        #expect(Self.count(.doubleAngle, in: plain) == 0)
    }

    /// Only sin and cos of a value and of exactly its half qualify.
    @Test(arguments: ["sin(x1)*cos(x1) + sin(0.4*x1)*cos(0.4*x1)", "exp(x1) + sin(0.5*x1)*cos(0.5*x1)",
                      "sin(x1)*cos(x1) + sin(0.5*x2)*cos(0.5*x2)", "sin(x1)*cos(x1) + sin(x1/3)*cos(x1/3)"])
    func otherPairsAreLeftAlone(_ text: String) throws {
        let program = try Self.program(text)
        let plan = LanePlanBuilder.build(program, lanes: [true, true], stored: [true, true, true]).plan
        #expect(Self.count(.doubleAngle, in: plan) == 0, "\(text)")
    }

    /// Every output of every function, the rewritten plan against the
    /// plain one (each output stored), at every level: within 1e-6
    /// (Float) and 1e-15 (Double) of it, relative to the larger of 1 and
    /// the value, over [-1e4, 1e4]; the special values agree.
    @Test(arguments: functions)
    func rewrittenOutputsStayWithinTheBound(_ text: String) throws {
        let program = try Self.program(text)
        #expect(Self.count(.doubleAngle, in: LanePlanBuilder.build(program, lanes: [true, true], stored: [true, true, true]).plan) > 0)
        var random = SplitMix64(seed: 0xA17)
        let specials: [Double] = [0, -0.0, .infinity, -.infinity, .nan, 1e-30, .pi, -.pi / 2, 12_800, 25_600.5]
        let x1 = specials + (0..<4000).map { _ in Double.random(in: -1e4...1e4, using: &random) }
        let x2 = specials.reversed() + (0..<4000).map { _ in Double.random(in: -20...20, using: &random) }
        for level in SIMDLevel.available {
            let floats = [x1.map { Float($0) }, x2.map { Float($0) }]
            let f = CompoundStepTests.runPlan(program, fusing: true, doubleAngles: true, floats, level: level)
            let fPlain = CompoundStepTests.runPlan(program, fusing: true, doubleAngles: false, floats, level: level)
            #expect(Self.worst(f, fPlain) <= 1e-6, "\(text), Float, \(level): \(Self.worst(f, fPlain))")
            let d = CompoundStepTests.runPlan(program, fusing: true, doubleAngles: true, [x1, x2], level: level)
            let dPlain = CompoundStepTests.runPlan(program, fusing: true, doubleAngles: false, [x1, x2], level: level)
            #expect(Self.worst(d, dPlain) <= 1e-15, "\(text), Double, \(level): \(Self.worst(d, dPlain))")
        }
    }

    /// Worst |a - b| / max(1, |b|) over all outputs; infinity where one is
    /// NaN or infinite and the other is not the same.
    static func worst<T: BinaryFloatingPoint>(_ a: [[T]], _ b: [[T]]) -> Double {
        var worst = 0.0
        for (x, y) in zip(a, b) {
            for (p, q) in zip(x, y) {
                if p.isNaN || q.isNaN || p.isInfinite || q.isInfinite {
                    if !(p.isNaN && q.isNaN) && p != q { worst = .infinity }
                    continue
                }
                worst = max(worst, Double((p - q).magnitude) / max(1, Double(q.magnitude)))
            }
        }
        return worst
    }

    /// Gradient descent from random starts, as a fixture runs it, step by
    /// step in the same type: the kernels with the rewrite and without it,
    /// each against the scalar reference. Over the fixtures' two runs (lr
    /// 1e-3 for 30 steps, lr 0.1 for 100) the rewrite stays within float64
    /// 1e-10 relative, or, where the plain kernels are already further off
    /// (a run whose steps are unstable, lr times the curvature above 2,
    /// magnifies every rounding difference), within what they give. Float
    /// plans do not use it: the third function's lr-0.1 run reached 2.5e-5
    /// with it in Float, 4.1e-6 without (docs/performance.md), so Float
    /// descends exactly as the plain kernels do.
    @Test(arguments: functions)
    func descentFromRandomStartsAgreesWithTheScalarReference(_ text: String) throws {
        let program = try Self.program(text)
        for (lr, steps) in [(1e-3, 30), (0.1, 100)] {
            let double = Self.descentErrors(Double.self, program, lr: lr, steps: steps, seed: 8)
            let label = "\(text), lr \(lr): Double \(double)"
            if ProcessInfo.processInfo.environment["GRADLAB_PRINT_ERRORS"] != nil {
                print(label, "Float", Self.descentErrors(Float.self, program, lr: lr, steps: steps, seed: 7))
            }
            #expect(double.rewritten <= max(1e-10, 2 * double.plain), "\(label)")
        }
    }

    /// What the executors run: Float plans are the plain ones (four
    /// sincos steps for the tutorial), Double plans take the rewrite.
    @Test(arguments: functions)
    func floatPlansAreThePlainOnesAndDoublePlansTakeTheRewrite(_ text: String) throws {
        let program = try Self.program(text)
        let lanes = [true, true], stored = [false, true, true]
        let float = PreparedRun<Float>(program, lanes: lanes, stored: stored).plan
        let double = PreparedRun<Double>(program, lanes: lanes, stored: stored).plan
        #expect(Self.count(.doubleAngle, in: float) == 0)
        #expect(Self.count(.sincos, in: float) == Self.count(.sincos, in: LanePlanBuilder.build(program, lanes: lanes, stored: stored, doubleAngles: false).plan))
        #expect(Self.count(.doubleAngle, in: double) > 0)
    }

    /// The worst relative difference of positions (to the larger of 1 and
    /// the reference's), over every step, between SGD through the kernels
    /// (with and without the rewrite) and SGD through `Program.evaluate`,
    /// from 600 starts uniform in [-50, 50]^2.
    static func descentErrors<T: LaneScalar>(
        _: T.Type, _ program: Program, lr: Double, steps: Int, seed: UInt64
    ) -> (rewritten: Double, plain: Double) {
        var random = SplitMix64(seed: seed)
        let count = 600
        let start1 = (0..<count).map { _ in T(Double.random(in: -50...50, using: &random)) }
        let start2 = (0..<count).map { _ in T(Double.random(in: -50...50, using: &random)) }
        let rate = T(lr)
        var errors: [Double] = []
        for doubleAngles in [true, false] {
            var (x1, x2, r1, r2) = (start1, start2, start1, start2)
            var worst = 0.0
            for _ in 0..<steps {
                let outputs = CompoundStepTests.runPlan(program, fusing: true, doubleAngles: doubleAngles, [x1, x2], level: .active)
                for i in 0..<count {
                    x1[i] = x1[i] - rate * outputs[1][i]
                    x2[i] = x2[i] - rate * outputs[2][i]
                    let g = program.evaluate([r1[i], r2[i]])
                    r1[i] = r1[i] - rate * g[1]
                    r2[i] = r2[i] - rate * g[2]
                    for (a, b) in [(x1[i], r1[i]), (x2[i], r2[i])] {
                        worst = max(worst, Double((a - b).magnitude) / max(1, Double(b.magnitude)))
                    }
                }
            }
            errors.append(worst)
        }
        return (errors[0], errors[1])
    }
}
