import Foundation
import Testing
@testable import GradlabMath

// Foundation has its own `Expression` type; ours is written `GradlabMath.Expression` here.

/// The tutorial's Example 1: its function, its hand-written gradient, and
/// the NumPy trajectory in `reference/landscape_seed.json`.
@Suite("Tutorial landscape")
struct TutorialTests {
    static let text = "sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)"

    let program: Program

    init() throws {
        let f = try GradlabMath.Expression.parse(Self.text, variables: ["x1", "x2"])
        program = Program.valueAndGradient(of: f, inputs: ["x1", "x2"], respect: ["x1", "x2"])
    }

    /// The tutorial's `function` and `gradient_fn`, transcribed operation for operation.
    static func handWritten(_ x1: Double, _ x2: Double) -> (value: Double, dx1: Double, dx2: Double) {
        let value = sin(x1) * cos(x2) + sin(0.5 * x1) * cos(0.5 * x2)
        let dx1 = cos(x1) * cos(x2) + 0.5 * cos(0.5 * x1) * cos(0.5 * x2)
        let dx2 = -sin(x1) * sin(x2) - 0.5 * sin(0.5 * x1) * sin(0.5 * x2)
        return (value, dx1, dx2)
    }

    @Test func valueAndGradientEqualTheHandWrittenGradient() {
        var random = SplitMix64(seed: 7)
        var points: [(Double, Double)] = []
        for i in 0..<40 { for j in 0..<40 { points.append((Double(i) * 0.25, Double(j) * 0.25)) } }
        for _ in 0..<2000 { points.append((Double.random(in: -50...50, using: &random), Double.random(in: -50...50, using: &random))) }
        for (x1, x2) in points {
            let outputs = program.evaluate([x1, x2])
            let expected = Self.handWritten(x1, x2)
            #expect(close(outputs[0], expected.value, relative: 1e-15), "value at \(x1), \(x2)")
            #expect(close(outputs[1], expected.dx1, relative: 1e-15), "d/dx1 at \(x1), \(x2)")
            #expect(close(outputs[2], expected.dx2, relative: 1e-15), "d/dx2 at \(x1), \(x2)")
        }
    }

    // From reference/landscape_seed.json (NumPy 2.4.6, float64): the start
    // points and the positions after 30 steps of X = X - 1e-3 * grad.
    static let starts: [(Double, Double)] = [
        (6.2509546660466695, 8.972138009695755),
        (7.756856902451935, 2.2520718999059186),
        (3.0016628491122543, 8.735534453962618),
        (0.052653045655747244, 8.212284183827663),
        (7.9706942875204625, 4.679349528437208),
    ]
    static let finals: [(Double, Double)] = [
        (6.274556349624122, 8.971712525304637),
        (7.763382777584743, 2.266015036880361),
        (2.9792619721215425, 8.72435560674185),
        (0.07170956973852115, 8.213639327040934),
        (7.963641368631173, 4.641470050718556),
    ]
    static let firstMeanLoss = -0.1763908827602801
    static let lastMeanLoss = -0.1981935274625706

    @Test func sgdMatchesNumPyTrajectoryWithEvaluate() {
        var points = Self.starts
        #expect(close(meanLoss(points), Self.firstMeanLoss, relative: 1e-12))
        for _ in 0..<30 {
            points = points.map { x1, x2 in
                let g = program.evaluate([x1, x2])
                return (x1 - 1e-3 * g[1], x2 - 1e-3 * g[2])
            }
        }
        for (point, expected) in zip(points, Self.finals) {
            #expect(close(point.0, expected.0, relative: 1e-12), "\(point) vs \(expected)")
            #expect(close(point.1, expected.1, relative: 1e-12), "\(point) vs \(expected)")
        }
        #expect(close(meanLoss(points), Self.lastMeanLoss, relative: 1e-12))
    }

    @Test func sgdMatchesNumPyTrajectoryWithRun() {
        var x1 = Self.starts.map(\.0)
        var x2 = Self.starts.map(\.1)
        var value = [Double](repeating: 0, count: 5)
        var d1 = value
        var d2 = value
        for _ in 0..<30 {
            x1.withUnsafeBufferPointer { p1 in
                x2.withUnsafeBufferPointer { p2 in
                    value.withUnsafeMutableBufferPointer { v in
                        d1.withUnsafeMutableBufferPointer { g1 in
                            d2.withUnsafeMutableBufferPointer { g2 in
                                program.run(
                                    count: 5, inputs: [.lanes(p1.baseAddress!), .lanes(p2.baseAddress!)],
                                    outputs: [v.baseAddress!, g1.baseAddress!, g2.baseAddress!])
                            }
                        }
                    }
                }
            }
            for i in 0..<5 {
                x1[i] -= 1e-3 * d1[i]
                x2[i] -= 1e-3 * d2[i]
            }
        }
        for i in 0..<5 {
            #expect(close(x1[i], Self.finals[i].0, relative: 1e-12))
            #expect(close(x2[i], Self.finals[i].1, relative: 1e-12))
        }
    }

    private func meanLoss(_ points: [(Double, Double)]) -> Double {
        points.map { program.evaluate([$0.0, $0.1])[0] }.reduce(0, +) / Double(points.count)
    }

    // MARK: - Common subexpressions

    @Test func eachSineAndCosineIsComputedOnce() throws {
        func count(_ op: Program.UnaryOperation) -> Int {
            program.instructions.filter { if case .unary(op, _) = $0 { true } else { false } }.count
        }
        // sin and cos of x1, x2, 0.5*x1, 0.5*x2: each partner once, shared
        // between the value and the gradient.
        #expect(count(.sin) == 4)
        #expect(count(.cos) == 4)
        #expect(Set(program.instructions).count == program.instructionCount)

        // The value and the hand-written gradient as separate trees.
        let naive = try ["sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)",
                         "cos(x1)*cos(x2) + 0.5*cos(0.5*x1)*cos(0.5*x2)",
                         "-sin(x1)*sin(x2) - 0.5*sin(0.5*x1)*sin(0.5*x2)"]
            .map { nodeCount(try GradlabMath.Expression.parse($0)) }.reduce(0, +)
        #expect(naive == 50)
        #expect(program.instructionCount <= 25)
    }

    private func nodeCount(_ e: GradlabMath.Expression) -> Int {
        switch e {
        case .number, .variable: 1
        case .unary(_, let a): 1 + nodeCount(a)
        case .binary(_, let a, let b): 1 + nodeCount(a) + nodeCount(b)
        }
    }
}
