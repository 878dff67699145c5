import Foundation
import Testing
import GradlabMath
import GradlabTestSupport
@testable import GradlabCore

/// One case of `Tests/Fixtures/optimizers/`, written by
/// `Benchmarks/reference/make_optimizer_fixtures.py` with torch.optim.
///
/// Read with `JSONDecoder`, which parses numbers exactly; Foundation's
/// `JSONSerialization` on Linux can be an ulp off, which would hide or fake
/// bit-level differences.
struct OptimizerFixture: Decodable {
    struct Options: Decodable {
        var lr: Double
        var momentum, dampening, weightDecay, eps, alpha, lrDecay, initialAccumulatorValue: Double?
        var nesterov, maximize, amsgrad, centered: Bool?
        var betas: [Double]?

        enum CodingKeys: String, CodingKey {
            case lr, momentum, dampening, eps, alpha, nesterov, maximize, amsgrad, centered, betas
            case weightDecay = "weight_decay", lrDecay = "lr_decay", initialAccumulatorValue = "initial_accumulator_value"
        }
    }

    struct Schedule: Decodable {
        var kind: String
        var stepSize, tMax: Int?
        var gamma, etaMin: Double?

        enum CodingKeys: String, CodingKey {
            case kind, gamma
            case stepSize = "step_size", tMax = "T_max", etaMin = "eta_min"
        }
    }

    var optimizer: OptimizerKind
    var options: Options
    var schedule: Schedule?
    var dtype: String
    /// The rate each epoch's step used.
    var lr: [Double]
    /// `grad[epoch][point]`: the autograd gradient epoch+1's step used.
    var grad: [[[Double]]]
    /// `trajectory[epoch][point] = [x1, x2]`; epoch 0 is the start.
    var trajectory: [[[Double]]]

    static func named(_ name: String) throws -> OptimizerFixture {
        let url = Fixtures.directory.appendingPathComponent("optimizers/\(name).json")
        return try JSONDecoder().decode(OptimizerFixture.self, from: Data(contentsOf: url))
    }

    var isFloat32: Bool { dtype == "f32" }

    /// The fixture's torch keyword arguments as gradlab's config.
    var config: OptimizerConfig {
        var config = OptimizerConfig(kind: optimizer)
        config.lr = options.lr
        config.momentum = options.momentum ?? config.momentum
        config.dampening = options.dampening ?? config.dampening
        config.nesterov = options.nesterov ?? config.nesterov
        config.weightDecay = options.weightDecay ?? config.weightDecay
        config.maximize = options.maximize ?? config.maximize
        if let betas = options.betas, betas.count == 2 { (config.beta1, config.beta2) = (betas[0], betas[1]) }
        config.eps = options.eps ?? config.eps
        config.amsgrad = options.amsgrad ?? config.amsgrad
        config.alpha = options.alpha ?? config.alpha
        config.centered = options.centered ?? config.centered
        config.lrDecay = options.lrDecay ?? config.lrDecay
        config.initialAccumulatorValue = options.initialAccumulatorValue ?? config.initialAccumulatorValue
        return config
    }

    var learningRateSchedule: LearningRateSchedule {
        switch schedule?.kind {
        case "step": .step(stepSize: schedule?.stepSize ?? 0, gamma: schedule?.gamma ?? .nan)
        case "exponential": .exponential(gamma: schedule?.gamma ?? .nan)
        case "cosine": .cosine(tMax: schedule?.tMax ?? 0, etaMin: schedule?.etaMin ?? .nan)
        default: .constant
        }
    }
}

/// The tutorial's hand-written gradient (as `OptimizerTests` uses), so the
/// optimizers are checked alone.
private func tutorialGradient(_ x1: Double, _ x2: Double) -> (Double, Double) {
    (cos(x1) * cos(x2) + 0.5 * cos(0.5 * x1) * cos(0.5 * x2),
     -sin(x1) * sin(x2) - 0.5 * sin(0.5 * x1) * sin(0.5 * x2))
}

/// The worst relative error of gradlab's trajectory against the fixture's, and
/// the rates gradlab's scheduler gave each epoch.
/// Replays a fixture through gradlab's optimizer and scheduler.
///
/// - Parameter handGradient: use the tutorial's hand gradient (computed in
///   Double, rounded to `Scalar`) instead of the fixture's autograd one.
/// - Returns: the worst relative error over all epochs and points, how many
///   coordinates differed at all, and the rate each epoch used.
private func replay<Scalar: ProgramScalar>(
    _ fixture: OptimizerFixture, as _: Scalar.Type, handGradient: Bool = false
) -> (worst: Double, inexact: Int, rates: [Double]) {
    let starts = fixture.trajectory[0]
    let n = starts.count
    // The lab layout: all x1 first, then all x2.
    var params = (starts.map { Scalar($0[0]) }) + (starts.map { Scalar($0[1]) })
    var grads = [Scalar](repeating: 0, count: 2 * n)
    let optimizer = makeOptimizer(fixture.config, scalar: Scalar.self)
    var scheduler = LearningRateScheduler(fixture.learningRateSchedule, base: fixture.config.lr)
    var rates: [Double] = []
    var worst = 0.0
    var inexact = 0
    for epoch in 1..<fixture.trajectory.count {
        rates.append(scheduler.learningRate)
        optimizer.config.lr = scheduler.learningRate
        for i in 0..<n {
            let (g1, g2) = handGradient
                ? tutorialGradient(Double(params[i]), Double(params[n + i]))
                : (fixture.grad[epoch - 1][i][0], fixture.grad[epoch - 1][i][1])
            (grads[i], grads[n + i]) = (Scalar(g1), Scalar(g2))
        }
        optimizer.step(parameters: &params, gradients: grads, count: 2 * n)
        scheduler.step()
        for i in 0..<n {
            for (value, expected) in [(params[i], fixture.trajectory[epoch][i][0]), (params[n + i], fixture.trajectory[epoch][i][1])] {
                worst = max(worst, relativeError(Double(value), expected))
                if Double(value) != expected { inexact += 1 }
            }
        }
    }
    return (worst, inexact, rates)
}

@Suite("torch.optim zoo against PyTorch 2.15")
struct OptimizerZooTests {
    static let float64Cases = [
        "sgd_momentum_dampening", "sgd_nesterov", "sgd_weight_decay", "sgd_maximize",
        "adam_weight_decay", "adam_amsgrad", "adam_maximize", "adam_betas_eps", "adam_low_beta1",
        "adamw_default", "adamw_amsgrad",
        "rmsprop_default", "rmsprop_momentum", "rmsprop_centered", "rmsprop_centered_momentum_wd",
        "adagrad_default", "adagrad_lr_decay",
    ]
    static let float32Cases = ["adam_amsgrad_f32", "adam_low_beta1_f32", "rmsprop_centered_momentum_wd_f32"]
    static let scheduleCases = ["schedule_step", "schedule_exponential", "schedule_cosine", "schedule_cosine_long"]

    /// Given PyTorch's own gradients, gradlab's update rounds every operation
    /// as PyTorch's default-capability kernels do, so the trajectories agree
    /// to the bit. (PyTorch's float64 `sqrt` is correctly rounded for tensors
    /// this small; for tensors of hundreds of elements it is not always.)
    @Test(arguments: float64Cases + scheduleCases)
    func float64TrajectoryIsBitExact(_ name: String) throws {
        let fixture = try OptimizerFixture.named(name)
        #expect(!fixture.isFloat32)
        #expect(fixture.trajectory.count == 101)
        try fixture.config.validate()
        let result = replay(fixture, as: Double.self)
        #expect(result.worst <= 1e-10, "\(name): worst relative error \(result.worst)")
        #expect(result.inexact == 0, "\(name): \(result.inexact) coordinates differ in the last bits")
    }

    /// Float32 agrees to a few ulps, not to the bit: PyTorch's float32
    /// `sqrt` on CPU is not correctly rounded (about 1 result in 5 is an ulp
    /// off, even in 3-element tensors), while gradlab's is IEEE `sqrt`.
    @Test(arguments: float32Cases)
    func float32TrajectoryMatches(_ name: String) throws {
        let fixture = try OptimizerFixture.named(name)
        #expect(fixture.isFloat32)
        let result = replay(fixture, as: Float.self)
        #expect(result.worst <= 1e-5, "\(name): worst relative error \(result.worst)")
    }

    /// Settings where one ulp of the gradient moves the trajectory by far
    /// more than 1e-10, so only PyTorch's own gradients can check them.
    ///
    /// Centered RMSprop with alpha 0.9 takes sqrt(E[g^2] - E[g]^2) of a nearly
    /// constant gradient, which cancels to a few ulps; Adam with beta1 0.3
    /// divides a first moment that flips sign near the minimum. PyTorch's own
    /// AVX kernels (which fuse multiply-adds) differ from its default ones by
    /// as much on these.
    static let illConditioned: Set = ["rmsprop_centered_momentum_wd", "adam_low_beta1"]

    /// With the tutorial's hand gradient (glibc's sin and cos instead of
    /// PyTorch's), as the landscape lab computes it.
    @Test(arguments: (float64Cases + scheduleCases).filter { !illConditioned.contains($0) })
    func handGradientTrajectoryMatches(_ name: String) throws {
        let fixture = try OptimizerFixture.named(name)
        let result = replay(fixture, as: Double.self, handGradient: true)
        #expect(result.worst <= 1e-10, "\(name): worst relative error \(result.worst)")
    }

    @Test(arguments: illConditioned.sorted())
    func illConditionedSettingsStayClose(_ name: String) throws {
        let fixture = try OptimizerFixture.named(name)
        let result = replay(fixture, as: Double.self, handGradient: true)
        #expect(result.worst <= 1e-6, "\(name): worst relative error \(result.worst)")
    }

    @Test(arguments: scheduleCases)
    func scheduledRatesAreBitExact(_ name: String) throws {
        let fixture = try OptimizerFixture.named(name)
        #expect(fixture.learningRateSchedule != .constant)
        let rates = replay(fixture, as: Double.self).rates
        let firstDifference = zip(rates, fixture.lr).enumerated().first { $1.0 != $1.1 }?.offset
        #expect(rates == fixture.lr, "\(name): first difference at epoch \(firstDifference ?? -1)")
    }

    @Test func float32LerpCastsTheWeightFirst() {
        // torch.tensor([a], dtype=float32).lerp(torch.tensor([b]), 0.9) under
        // ATEN_CPU_CAPABILITY=default: b - (b - a) * (1 - float32(0.9)).
        let a = Float(-0.5263789892196655), b = Float(0.4212418496608734)
        #expect(lerp(a, b, 0.9) == Float(0.3264797329902649))
        #expect(lerp(Float(1), Float(3), 0.25) == 1.5)
    }

    @Test func float32RunDiffersFromFloat64() throws {
        // Guards the f32 comparison against silently running in Double.
        let single = try OptimizerFixture.named("adam_amsgrad_f32")
        let double = try OptimizerFixture.named("adam_amsgrad")
        let last = single.trajectory.count - 1
        #expect(single.trajectory[last][0][0] != double.trajectory[last][0][0])
        #expect(replay(double, as: Float.self).worst > 1e-12)
    }

    @Test func everyFixtureMovesItsPoints() throws {
        // A setting that leaves its points in place would prove nothing.
        for name in Self.float64Cases + Self.float32Cases + Self.scheduleCases {
            let fixture = try OptimizerFixture.named(name)
            let first = fixture.trajectory[0], last = fixture.trajectory[fixture.trajectory.count - 1]
            #expect(zip(first, last).allSatisfy { $0 != $1 }, "\(name) leaves a point in place")
        }
    }
}
