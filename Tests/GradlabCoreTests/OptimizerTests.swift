import Foundation
import Testing
import GradlabTestSupport
@testable import GradlabCore

/// The tutorial's hand-written gradient, so these tests check the optimizers
/// alone against torch.optim's trajectories.
private func tutorialGradient(_ x1: Double, _ x2: Double) -> (Double, Double) {
    (cos(x1) * cos(x2) + 0.5 * cos(0.5 * x1) * cos(0.5 * x2),
     -sin(x1) * sin(x2) - 0.5 * sin(0.5 * x1) * sin(0.5 * x2))
}

/// Runs `optimizer` over the reference's start points and compares every epoch.
private func checkTrajectory(_ name: String, _ config: OptimizerConfig, tolerance: Double) throws {
    let reference = try Fixtures.reference(name)
    let trajectory = try #require(reference["trajectory"] as? [[[Double]]])
    let starts = trajectory[0]
    let n = starts.count
    var params = starts.map(\.[0]) + starts.map(\.[1])
    var grads = [Double](repeating: 0, count: 2 * n)
    let optimizer = makeOptimizer(config, scalar: Double.self)
    var worst = 0.0
    for epoch in 1..<trajectory.count {
        for i in 0..<n {
            (grads[i], grads[n + i]) = tutorialGradient(params[i], params[n + i])
        }
        optimizer.step(parameters: &params, gradients: grads, count: 2 * n)
        for i in 0..<n {
            worst = max(worst, relativeError(params[i], trajectory[epoch][i][0]), relativeError(params[n + i], trajectory[epoch][i][1]))
        }
    }
    #expect(worst <= tolerance, "\(name): worst relative error \(worst)")
}

@Suite("torch.optim semantics")
struct OptimizerTests {
    @Test func sgdMomentumMatchesPyTorch() throws {
        var config = OptimizerConfig(kind: .sgd)
        config.lr = 0.05
        config.momentum = 0.9
        try checkTrajectory("optim_sgd_momentum", config, tolerance: 1e-10)
    }

    @Test func adamMatchesPyTorch() throws {
        var config = OptimizerConfig(kind: .adam)
        config.lr = 0.05
        try checkTrajectory("optim_adam", config, tolerance: 1e-10)
    }

    @Test func defaultsAreTorchOptims() {
        #expect(OptimizerConfig(kind: .sgd).lr == 1e-3)
        #expect(OptimizerConfig(kind: .adam).eps == 1e-8)
        #expect(OptimizerConfig(kind: .adamw).weightDecay == 1e-2)
        #expect(OptimizerConfig(kind: .rmsprop).alpha == 0.99)
        #expect(OptimizerConfig(kind: .rmsprop).lr == 1e-2)
        #expect(OptimizerConfig(kind: .adagrad).eps == 1e-10)
    }

    @Test func sgdFirstMomentumStepCopiesTheGradient() {
        var config = OptimizerConfig(kind: .sgd)
        config.lr = 0.1
        config.momentum = 0.9
        config.dampening = 0.5
        let sgd = makeOptimizer(config, scalar: Double.self)
        var p = [1.0]
        sgd.step(parameters: &p, gradients: [2.0], count: 1)
        // buf = g on the first step (no dampening): p = 1 - 0.1*2
        #expect(p == [0.8])
        sgd.step(parameters: &p, gradients: [2.0], count: 1)
        // buf = 0.9*2 + 0.5*2 = 2.8: p = 0.8 - 0.28
        #expect(abs(p[0] - 0.52) < 1e-15)
    }

    @Test func nesterovNeedsMomentum() {
        var config = OptimizerConfig(kind: .sgd)
        config.nesterov = true
        #expect(throws: GradlabError.self) { try config.validate() }
    }

    @Test func invalidLearningRateIsRejected() {
        var config = OptimizerConfig(kind: .adam)
        config.lr = -1
        #expect(throws: GradlabError("invalid optimizer option: --lr must be a positive number, got -1")) { try config.validate() }
    }

    @Test func summaryListsOnlyNonDefaults() {
        var config = OptimizerConfig(kind: .sgd)
        config.lr = 0.05
        config.momentum = 0.9
        #expect(config.summary == "sgd lr=0.05 momentum=0.9")
    }
}
