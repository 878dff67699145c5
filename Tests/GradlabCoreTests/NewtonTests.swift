import Foundation
import Testing
@testable import GradlabCore

/// `--optimizer newton` (issue 14): the Hessian's absolute eigenvalues,
/// floored at --damping; exact on a quadratic, descending at saddles.
@Suite("Newton's method")
struct NewtonTests {
    private func landscape(_ function: String, points: Int = 6, damping: Double? = nil) -> LabConfig {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.function = function
        config.domain = [-3, 3, -3, 3]
        config.points = points
        config.optimizer = OptimizerConfig(kind: .newton)
        if let damping { config.optimizer.damping = damping }
        return config
    }

    @Test(arguments: ["x1^2 + 10*x2^2", "x1^2 + x1*x2 + 3*x2^2 - 2*x1 + x2"])
    func aQuadraticIsSolvedInOneStep(function: String) async throws {
        let session = try Session(config: landscape(function), streaming: false)
        await session.start()
        let after = try #require(await session.step(1))
        // The minimum of x1² + x1·x2 + 3·x2² − 2·x1 + x2 solves [[2, 1], [1, 6]] x = [2, −1].
        let minimum = function.contains("x1*x2") ? SIMD2(13.0 / 11, -4.0 / 11) : SIMD2(0.0, 0.0)
        for point in after.points ?? [] {
            #expect(abs(point.x - minimum.x) < 1e-12 && abs(point.y - minimum.y) < 1e-12, "\(point)")
        }
    }

    @Test func rosenbrockReachesItsMinimum() async throws {
        var config = landscape("(1 - x1)^2 + 100*(x2 - x1^2)^2", points: 8)
        config.domain = [-2, 2, -1, 3]
        let session = try Session(config: config, streaming: false)
        await session.start()
        let after = try #require(await session.step(40))
        #expect((after.points ?? []).allSatisfy { abs($0.x - 1) < 1e-9 && abs($0.y - 1) < 1e-9 }, "\(after.points ?? [])")
    }

    /// At a saddle's side plain Newton jumps to the saddle; on absolute
    /// eigenvalues the step goes down the negative curvature instead.
    @Test func atASaddleItDescends() async throws {
        var config = landscape("x1^2 - x2^2", points: 1)
        config.starts = [[1, 0.5]]
        let session = try Session(config: config, streaming: false)
        let start = await session.start()
        let after = try #require(await session.step(1))
        let point = try #require(after.points?.first)
        #expect(point == SIMD2(0, 1), "x1 to its minimum, x2 away from the saddle: d = (2·1/2, −2·0.5/2)")
        #expect(after.loss <= start.loss)
    }

    /// Nearly flat directions step at most ∇f/damping.
    @Test func dampingBoundsTheStepWhereTheCurvatureVanishes() async throws {
        var config = landscape("x1^4 + x2^2", points: 1, damping: 0.5)
        config.starts = [[0.1, 1]]
        let session = try Session(config: config, streaming: false)
        await session.start()
        let point = try #require(await session.step(1)?.points?.first)
        // ∂/∂x1 = 4·0.001 = 0.004, curvature 12·0.01 = 0.12 < 0.5: the step is 0.004/0.5.
        #expect(abs(point.x - (0.1 - 0.004 / 0.5)) < 1e-15)
        #expect(abs(point.y) < 1e-15, "x2's curvature 2 ≥ 0.5: the exact step")
    }

    @Test func theQuadraticLabReachesTheLeastSquaresFitInOneStep() async throws {
        var config = LabConfig(lab: .quadratic)
        config.device = "cpu"
        config.dtype = .f64
        config.optimizer = OptimizerConfig(kind: .newton)
        let session = try Session(config: config, streaming: false)
        await session.start()
        await session.step(1)
        let inspection = await session.inspect()
        let gradient = inspection.parameters.map(\.gradient)
        // The inspector's gradient is the gradient (not Newton's direction): at the fit, 0.
        let again = try #require(await session.step(1))
        let after = await session.inspect().parameters.map(\.gradient)
        #expect(after.allSatisfy { abs($0) < 1e-6 }, "\(after) (first step's gradient \(gradient))")
        #expect(again.loss.isFinite)
    }

    @Test func theLinearLabAndBadDampingAreRefused() async throws {
        var linear = LabConfig(lab: .linear)
        linear.optimizer = OptimizerConfig(kind: .newton)
        #expect(throws: GradlabError.self) { try linear.validate() }
        var sgd = LabConfig(lab: .linear)
        sgd.device = "cpu"
        let session = try Session(config: sgd, streaming: false)
        await #expect(throws: GradlabError.self) { try await session.setOptimizer(OptimizerConfig(kind: .newton)) }
        var bad = OptimizerConfig(kind: .newton)
        bad.damping = 0
        #expect(throws: GradlabError("invalid optimizer option: --damping must be a positive number, got 0")) { try bad.validate() }
    }
}
