import Foundation
import Testing
import GradlabMath
import GradlabTestSupport
@testable import GradlabCore

/// A torch.optim run from `Tests/Fixtures/optimizers/` (the landscape) or
/// `Tests/Fixtures/optimizers/quadratic/` (the quadratic lab), as
/// `Benchmarks/reference/make_optimizer_fixtures.py` wrote it. Read with
/// `JSONDecoder`, which parses numbers exactly.
struct TorchOptimizerRun: Decodable {
    /// torch's keyword arguments; a missing one is torch's default.
    struct Options: Decodable {
        var lr, weightDecay, eps, momentumDecay, rho: Double?
        var maximize, decoupledWeightDecay: Bool?
        var betas, etas, stepSizes: [Double]?

        enum CodingKeys: String, CodingKey {
            case lr, eps, rho, maximize, betas, etas
            case weightDecay = "weight_decay", momentumDecay = "momentum_decay"
            case decoupledWeightDecay = "decoupled_weight_decay", stepSizes = "step_sizes"
        }
    }

    var optimizer: OptimizerKind
    var options: Options
    var dtype: String
    /// Landscape: `grad[epoch][point] = [d/dx1, d/dx2]`; quadratic: `grad[epoch] = [d/da, d/db, d/dc]`.
    var grad: [[Double]]?
    var landscapeGrad: [[[Double]]]?
    /// Landscape: `trajectory[epoch][point] = [x1, x2]`, epoch 0 the start.
    var trajectory: [[[Double]]]?
    /// Quadratic: `params[epoch] = [a, b, c]`, epoch 0 the start; `loss[epoch]`
    /// the MSE before epoch+1's step; the data and the start.
    var params: [[Double]]?
    var loss: [Double]?
    var data: [String: [Double]]?
    var `init`: [String: Double]?

    enum CodingKeys: String, CodingKey { case optimizer, options, dtype, grad, trajectory, params, loss, data, `init` }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        optimizer = try c.decode(OptimizerKind.self, forKey: .optimizer)
        options = try c.decode(Options.self, forKey: .options)
        dtype = try c.decode(String.self, forKey: .dtype)
        trajectory = try c.decodeIfPresent([[[Double]]].self, forKey: .trajectory)
        if trajectory != nil {
            landscapeGrad = try c.decode([[[Double]]].self, forKey: .grad)
        } else {
            grad = try c.decode([[Double]].self, forKey: .grad)
        }
        params = try c.decodeIfPresent([[Double]].self, forKey: .params)
        loss = try c.decodeIfPresent([Double].self, forKey: .loss)
        data = try c.decodeIfPresent([String: [Double]].self, forKey: .data)
        `init` = try c.decodeIfPresent([String: Double].self, forKey: .`init`)
    }

    static func named(_ name: String) throws -> TorchOptimizerRun {
        let url = Fixtures.directory.appendingPathComponent("optimizers/\(name).json")
        return try JSONDecoder().decode(TorchOptimizerRun.self, from: Data(contentsOf: url))
    }

    /// The torch keyword arguments as gradlab's config (torch's defaults for the rest).
    var config: OptimizerConfig {
        var config = OptimizerConfig(kind: optimizer)
        config.lr = options.lr ?? config.lr
        config.weightDecay = options.weightDecay ?? config.weightDecay
        config.eps = options.eps ?? config.eps
        config.momentumDecay = options.momentumDecay ?? config.momentumDecay
        config.rho = options.rho ?? config.rho
        config.maximize = options.maximize ?? config.maximize
        config.decoupledWeightDecay = options.decoupledWeightDecay ?? config.decoupledWeightDecay
        if let betas = options.betas, betas.count == 2 { (config.beta1, config.beta2) = (betas[0], betas[1]) }
        if let etas = options.etas, etas.count == 2 { (config.etaMinus, config.etaPlus) = (etas[0], etas[1]) }
        if let sizes = options.stepSizes, sizes.count == 2 { (config.stepSizeMin, config.stepSizeMax) = (sizes[0], sizes[1]) }
        return config
    }
}

/// Steps `optimizer` over `start` with the given gradient each epoch and
/// compares every epoch with `expected`: the worst relative error and how
/// many values differed at all.
private func replay<Scalar: ProgramScalar>(
    _ config: OptimizerConfig, as _: Scalar.Type, start: [Double], epochs: Int,
    gradient: (_ epoch: Int, _ params: [Scalar]) -> [Double], expected: (_ epoch: Int) -> [Double]
) -> (worst: Double, inexact: Int) {
    var params = start.map { Scalar($0) }
    let optimizer = makeOptimizer(config, scalar: Scalar.self)
    var worst = 0.0, inexact = 0
    for epoch in 1...epochs {
        let grads = gradient(epoch, params).map { Scalar($0) }
        optimizer.step(parameters: &params, gradients: grads, count: params.count)
        for (value, want) in zip(params, expected(epoch)) {
            worst = max(worst, relativeError(Double(value), want))
            if Double(value) != want { inexact += 1 }
        }
    }
    return (worst, inexact)
}

/// The landscape fixtures in the lab's layout (all x1, then all x2).
private func replayLandscape<Scalar: ProgramScalar>(_ run: TorchOptimizerRun, as _: Scalar.Type, handGradient: Bool = false) throws -> (worst: Double, inexact: Int) {
    let trajectory = try #require(run.trajectory), grads = try #require(run.landscapeGrad)
    let flat = { (points: [[Double]]) in points.map { $0[0] } + points.map { $0[1] } }
    let n = trajectory[0].count
    return replay(run.config, as: Scalar.self, start: flat(trajectory[0]), epochs: trajectory.count - 1, gradient: { epoch, params in
        guard handGradient else { return flat(grads[epoch - 1]) }
        // The tutorial's hand gradient, as the landscape lab computes it.
        let x = (0..<n).map { (Double(params[$0]), Double(params[n + $0])) }
        return x.map { cos($0.0) * cos($0.1) + 0.5 * cos(0.5 * $0.0) * cos(0.5 * $0.1) }
            + x.map { -sin($0.0) * sin($0.1) - 0.5 * sin(0.5 * $0.0) * sin(0.5 * $0.1) }
    }, expected: { flat(trajectory[$0]) })
}

@Suite("NAdam, RAdam, Adamax, Adadelta and Rprop against torch.optim 2.13")
struct TorchOptimizerRuleTests {
    static let float64Cases = [
        "nadam_default", "nadam_momentum_decay_betas", "nadam_weight_decay_maximize", "nadam_decoupled_weight_decay",
        "radam_default", "radam_betas_weight_decay", "radam_decoupled_weight_decay_maximize",
        "adamax_default", "adamax_betas_weight_decay", "adamax_maximize",
        "adadelta_default", "adadelta_rho_eps_weight_decay", "adadelta_maximize",
        "rprop_default", "rprop_etas_step_sizes", "rprop_maximize",
    ]
    static let float32Cases = [
        "nadam_decoupled_weight_decay_f32", "radam_default_f32", "adamax_betas_weight_decay_f32",
        "adadelta_default_f32", "adadelta_rho_f32", "rprop_etas_step_sizes_f32",
    ]
    static let quadraticCases = ["nadam_decoupled_weight_decay", "radam", "adamax", "adadelta", "rprop", "rprop_etas_step_sizes"]

    /// torch's float64 `sqrt` on CPU is not always correctly rounded (the
    /// root of 2667462.559244389 comes out 1633.2368350133393, one ulp above
    /// the IEEE root); where such an ulp reaches the parameters, the runs
    /// agree to a few ulps instead of to the bit.
    static let torchSqrtUlp: Set = ["nadam_decoupled_weight_decay", "quadratic/adadelta"]

    /// Given torch's own gradients, every step rounds as torch's
    /// default-capability kernels do: the trajectories agree to the bit.
    @Test(arguments: float64Cases)
    func float64TrajectoryIsBitExact(_ name: String) throws {
        let run = try TorchOptimizerRun.named(name)
        #expect(run.dtype == "f64" && run.trajectory?.count == 101)
        try run.config.validate()
        let result = try replayLandscape(run, as: Double.self)
        #expect(result.worst <= (Self.torchSqrtUlp.contains(name) ? 1e-14 : 0), "\(name): worst relative error \(result.worst)")
        #expect(result.inexact == 0 || Self.torchSqrtUlp.contains(name), "\(name): \(result.inexact) coordinates differ in the last bits")
    }

    /// With glibc's sin and cos in the gradient, as the landscape lab has it.
    @Test(arguments: float64Cases)
    func handGradientTrajectoryMatches(_ name: String) throws {
        let result = try replayLandscape(try TorchOptimizerRun.named(name), as: Double.self, handGradient: true)
        #expect(result.worst <= 1e-10, "\(name): worst relative error \(result.worst)")
    }

    /// Float32 to a few ulps (torch's float32 sqrt on CPU is not correctly
    /// rounded); Rprop takes no square root and matches to the bit.
    @Test(arguments: float32Cases)
    func float32TrajectoryMatches(_ name: String) throws {
        let run = try TorchOptimizerRun.named(name)
        #expect(run.dtype == "f32")
        let result = try replayLandscape(run, as: Float.self)
        #expect(result.worst <= 1e-5, "\(name): worst relative error \(result.worst)")
        if run.optimizer == .rprop { #expect(result.inexact == 0, "\(name): \(result.inexact) coordinates differ") }
    }

    /// The quadratic lab's a, b, c given torch's gradients: to the bit
    /// (Adadelta: to an ulp of torch's sqrt).
    @Test(arguments: quadraticCases)
    func quadraticParametersAreBitExact(_ name: String) throws {
        let run = try TorchOptimizerRun.named("quadratic/\(name)")
        let params = try #require(run.params), grads = try #require(run.grad)
        let result = replay(run.config, as: Double.self, start: params[0], epochs: params.count - 1,
                            gradient: { epoch, _ in grads[epoch - 1] }, expected: { params[$0] })
        #expect(result.worst <= (Self.torchSqrtUlp.contains("quadratic/\(name)") ? 1e-14 : 0), "\(name): worst relative error \(result.worst)")
        #expect(result.inexact == 0 || Self.torchSqrtUlp.contains("quadratic/\(name)"), "\(name): \(result.inexact) values differ")
    }

    /// The quadratic lab itself (its own MSE gradient, summed in Double) in
    /// float64 against torch's run: loss and parameters to 1e-10.
    @Test(arguments: quadraticCases)
    func quadraticLabMatches(_ name: String) async throws {
        let run = try TorchOptimizerRun.named("quadratic/\(name)")
        let params = try #require(run.params), losses = try #require(run.loss)
        let data = try #require(run.data), initial = try #require(run.`init`)
        var config = LabConfig(lab: .quadratic)
        config.device = "cpu"
        config.dtype = .f64
        config.data = data
        config.initial = initial
        config.optimizer = run.config
        config.epochs = params.count - 1
        let session = try Session(config: config, streaming: false)
        _ = await session.start()
        var worst = 0.0
        for epoch in 1...config.epochs {
            let record = try #require(await session.step())
            worst = max(worst, relativeError(record.loss, losses[epoch - 1]))
            for (k, parameter) in ["a", "b", "c"].enumerated() {
                worst = max(worst, relativeError(record.param(parameter)?.first ?? .nan, params[epoch][k]))
            }
        }
        #expect(worst <= 1e-10, "\(name): worst relative error \(worst)")
    }

    @Test func everyFixtureMovesItsPoints() throws {
        for name in Self.float64Cases + Self.float32Cases {
            let trajectory = try #require(try TorchOptimizerRun.named(name).trajectory)
            #expect(zip(trajectory[0], trajectory[trajectory.count - 1]).allSatisfy { $0 != $1 }, "\(name) leaves a point in place")
        }
    }

    /// RAdam's fixtures take both branches: plain momentum while rho_t <= 5,
    /// the rectified adaptive step after.
    @Test func radamTakesBothBranches() {
        let config = OptimizerConfig(kind: .radam)
        #expect((1...5).map { RAdam.variant(config, step: $0) } == [0, 0, 0, 0, 0])
        #expect(RAdam.variant(config, step: 6) == 1 && RAdam.variant(config, step: 100) == 1)
    }

    /// torch's mu_product is a float32 tensor: each product rounds to float32.
    @Test func nadamMuProductRoundsLikeTorchsFloat32State() {
        let config = OptimizerConfig(kind: .nadam)
        var product: Float = 1
        for t in 1...50 { product = product * Float(NAdam.mu(config, step: t)) }
        #expect(NAdam.muProduct(config, step: 50) == product)
        // torch 2.13: NAdam(...).state[p]["mu_product"] after 3 steps.
        #expect(NAdam.muProduct(config, step: 3) == Float(0.09121428430080414))
        #expect(NAdam.muProduct(config, step: 50) == Float(5.6305183407943405e-18))
        #expect(NAdam.muProduct(config, step: 0) == 1)
    }
}

@Suite("The newer optimizers' options")
struct TorchOptimizerOptionTests {
    @Test func defaultsAreTorchs() {
        let nadam = OptimizerConfig(kind: .nadam), radam = OptimizerConfig(kind: .radam), adamax = OptimizerConfig(kind: .adamax)
        let adadelta = OptimizerConfig(kind: .adadelta), rprop = OptimizerConfig(kind: .rprop)
        #expect(nadam.lr == 2e-3 && nadam.momentumDecay == 4e-3 && !nadam.decoupledWeightDecay && nadam.eps == 1e-8)
        #expect(radam.lr == 1e-3 && radam.beta1 == 0.9 && radam.beta2 == 0.999)
        #expect(adamax.lr == 2e-3 && adamax.eps == 1e-8)
        #expect(adadelta.lr == 1.0 && adadelta.rho == 0.9 && adadelta.eps == 1e-6 && adadelta.weightDecay == 0)
        #expect(rprop.lr == 1e-2 && rprop.etaMinus == 0.5 && rprop.etaPlus == 1.2 && rprop.stepSizeMin == 1e-6 && rprop.stepSizeMax == 50)
    }

    @Test func oCyclesThroughEveryOptimizer() {
        var kind = OptimizerKind.sgd
        var seen: [OptimizerKind] = []
        for _ in 0..<11 { seen.append(kind); kind = kind.next }
        #expect(kind == .sgd)
        #expect(seen.map(\.rawValue) == ["sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam", "radam", "adamax", "adadelta", "rprop", "newton"])
        #expect(OptimizerKind(rawValue: "rprop") == .rprop && OptimizerKind(rawValue: "lion") == nil)
    }

    /// A `--compare` item's flag takes a value: `=false` (`0`, `no`, `off`)
    /// turns it off; alone or `=true` turns it on.
    @Test func compareFlagsTakeValues() throws {
        let configs = try CompareList.parse("sgd:maximize=false:lr=0.1,nesterov:nesterov=0,adam:amsgrad=off,adam:amsgrad,rmsprop:centered=yes",
                                            base: OptimizerConfig(kind: .sgd))
        #expect(!configs[0].maximize && configs[0].lr == 0.1)
        #expect(!configs[1].nesterov && configs[1].momentum == 0.9)
        #expect(!configs[2].amsgrad && configs[3].amsgrad && configs[4].centered)
    }

    @Test func badValuesAreOneLineNamingTheFlag() {
        func message(_ kind: OptimizerKind, _ change: (inout OptimizerConfig) -> Void) -> String? {
            var config = OptimizerConfig(kind: kind)
            change(&config)
            do { try config.validate(); return nil } catch { return error.message }
        }
        #expect(message(.nadam) { $0.momentumDecay = -1 } == "invalid optimizer option: --momentum-decay must be >= 0, got -1")
        #expect(message(.adadelta) { $0.rho = 1.5 } == "invalid optimizer option: --rho must be in [0, 1], got 1.5")
        #expect(message(.rprop) { $0.etaMinus = 1.5 } == "invalid optimizer option: --etas etaminus,etaplus must have 0 < etaminus < 1 < etaplus, got --etas 1.5,1.2")
        #expect(message(.rprop) { $0.etaPlus = 0.9 }?.contains("--etas") == true)
        #expect(message(.rprop) { ($0.stepSizeMin, $0.stepSizeMax) = (1, 0.5) } == "invalid optimizer option: --step-sizes min,max must have 0 <= min <= max, got --step-sizes 1,0.5")
        #expect(message(.radam) { $0.beta2 = 1 }?.contains("--betas") == true)
        #expect(message(.adamax) { $0.eps = -1 }?.contains("--eps") == true)
        // As a --compare item's or the prompt's options.
        func spelled(_ spelling: OptionSpelling, _ kind: OptimizerKind, _ change: (inout OptimizerConfig) -> Void) -> String? {
            var config = OptimizerConfig(kind: kind)
            change(&config)
            do { try config.validate(spelling: spelling); return nil } catch { return error.message }
        }
        #expect(spelled(.compareItem, .rprop) { $0.etaMinus = 1.5 }
            == "invalid optimizer option: etas=etaminus/etaplus must have 0 < etaminus < 1 < etaplus, got etas=1.5/1.2")
        #expect(spelled(.prompt, .rprop) { $0.etaMinus = 1.5 }
            == "invalid optimizer option: etas=etaminus,etaplus must have 0 < etaminus < 1 < etaplus, got etas=1.5,1.2")
        #expect(spelled(.prompt, .sgd) { $0.nesterov = true } == "invalid optimizer option: nesterov needs momentum > 0 and dampening 0")
        #expect(spelled(.prompt, .nadam) { $0.momentumDecay = -1 } == "invalid optimizer option: momentum_decay must be >= 0, got -1")
        // Options an optimizer does not use are not its concern.
        #expect(message(.adam) { $0.rho = 7 } == nil)
        #expect(message(.rprop) { $0.stepSizeMax = .infinity } == nil)
    }

    @Test func summariesNameTheNonDefaultOptions() {
        var nadam = OptimizerConfig(kind: .nadam)
        nadam.momentumDecay = 0.01
        nadam.decoupledWeightDecay = true
        nadam.weightDecay = 0.1
        #expect(nadam.summary == "nadam lr=0.002 momentum_decay=0.01 decoupled_weight_decay weight_decay=0.1")
        var rprop = OptimizerConfig(kind: .rprop)
        (rprop.etaMinus, rprop.etaPlus, rprop.stepSizeMax) = (0.3, 1.5, 1)
        rprop.weightDecay = 0.5  // ignored: Rprop has none
        #expect(rprop.summary == "rprop lr=0.01 etas=0.3,1.5 step_sizes=1e-6,1")
        var adadelta = OptimizerConfig(kind: .adadelta)
        adadelta.rho = 0.5
        #expect(adadelta.summary == "adadelta lr=1 rho=0.5")
        #expect(OptimizerConfig(kind: .radam).summary == "radam lr=0.001")
    }

    /// Run files and checkpoints written before these options existed still read.
    @Test func configsWithoutTheNewFieldsStillDecode() throws {
        let old = #"{"kind":"adam","lr":0.05,"momentum":0,"dampening":0,"nesterov":false,"weightDecay":0,"maximize":false,"beta1":0.9,"beta2":0.999,"eps":1e-08,"amsgrad":true,"alpha":0.99,"centered":false,"lrDecay":0,"initialAccumulatorValue":0}"#
        let config = try JSONDecoder().decode(OptimizerConfig.self, from: Data(old.utf8))
        var expected = OptimizerConfig(kind: .adam)
        expected.lr = 0.05
        expected.amsgrad = true
        #expect(config == expected)
        var rprop = OptimizerConfig(kind: .rprop)
        (rprop.etaMinus, rprop.stepSizeMin) = (0.25, 1e-4)
        #expect(try JSONDecoder().decode(OptimizerConfig.self, from: JSONEncoder().encode(rprop)) == rprop)
    }

    /// Rprop's step sizes start at lr, as `torch.full_like(p, lr)`, and its
    /// state has torch's names.
    @Test func rpropStateStartsAtTheLearningRate() {
        let optimizer = makeOptimizer(OptimizerConfig(kind: .rprop), scalar: Double.self)
        var params = [1.0, -2.0, 3.0]
        optimizer.step(parameters: &params, gradients: [0.5, -0.25, 0], count: 3)
        #expect(params == [0.99, -1.99, 3.0])
        let state = Dictionary(uniqueKeysWithValues: optimizer.stateBuffers.map { ($0.name, $0.values) })
        #expect(state["step_size"] == [0.01, 0.01, 0.01])
        #expect(state["prev"] == [0.5, -0.25, 0])
        // A flip cuts the step and does not move; a NaN gradient leaves all as is (torch.sign(nan) is 0).
        optimizer.step(parameters: &params, gradients: [-1, .nan, 2], count: 3)
        #expect(params == [0.99, -1.99, 3.0 - 0.01])
        let after = Dictionary(uniqueKeysWithValues: optimizer.stateBuffers.map { ($0.name, $0.values) })
        #expect(after["step_size"] == [0.005, 0.01, 0.01])
        #expect(after["prev"]?[0] == 0 && after["prev"]?[1].isNaN == true && after["prev"]?[2] == 2)
    }
}
