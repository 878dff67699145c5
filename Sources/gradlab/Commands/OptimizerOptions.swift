import ArgumentParser
import Foundation
import GradlabCore

/// Optimizer options, named as torch.optim names them.
struct OptimizerOptions: ParsableArguments {
    @Option(help: "sgd, adam, adamw, rmsprop, adagrad, nadam, radam, adamax, adadelta, rprop or newton (docs/curvature.md); momentum and nesterov are SGD with momentum 0.9 (and Nesterov's), as in --compare. Default: sgd.")
    var optimizer: OptimizerChoice?

    /// `--optimizer`'s value, or SGD where it was not given.
    var choice: OptimizerChoice { optimizer ?? OptimizerChoice(kind: .sgd) }

    /// Whether any optimizer flag was given, `--optimizer sgd` and `--lr`
    /// included (a flag given at its default value still counts).
    var anyGiven: Bool { optimizer != nil || lr != nil || !given.isEmpty }

    @Option(parsing: .unconditional, help: "Learning rate (default: the lab's, as in the tutorial).")
    var lr: Double?

    @Option(parsing: .unconditional, help: "SGD/RMSprop momentum.")
    var momentum: Double?

    @Option(parsing: .unconditional, help: "SGD dampening.")
    var dampening: Double?

    @Flag(help: "SGD Nesterov momentum.")
    var nesterov = false

    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "L2 penalty (AdamW: decoupled).")
    var weightDecay: Double?

    @Flag(help: "Maximize instead of minimize.")
    var maximize = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Adam/AdamW/NAdam/RAdam/Adamax betas.", valueName: "b1,b2"))
    var betas: String?

    @Option(parsing: .unconditional, help: "Term added to the denominator.")
    var eps: Double?

    @Flag(help: "Adam/AdamW AMSGrad variant.")
    var amsgrad = false

    @Option(parsing: .unconditional, help: "RMSprop smoothing constant.")
    var alpha: Double?

    @Flag(help: "RMSprop centered variant.")
    var centered = false

    @Option(name: .customLong("lr-decay"), parsing: .unconditional, help: "Adagrad learning-rate decay.")
    var lrDecay: Double?

    @Option(name: .customLong("initial-accumulator-value"), parsing: .unconditional, help: "Adagrad initial accumulator.")
    var initialAccumulatorValue: Double?

    @Option(name: .customLong("momentum-decay"), parsing: .unconditional, help: "NAdam momentum decay.")
    var momentumDecay: Double?

    @Flag(name: .customLong("decoupled-weight-decay"), help: "NAdam/RAdam: AdamW-style weight decay.")
    var decoupledWeightDecay = false

    @Option(parsing: .unconditional, help: "Adadelta running-average coefficient.")
    var rho: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Rprop step-size decrease and increase factors.", valueName: "etaminus,etaplus"))
    var etas: String?

    @Option(parsing: .unconditional, help: "Newton: the least |eigenvalue| of the Hessian (absolute-eigenvalue rule; default 0.1).")
    var damping: Double?

    @Option(name: .customLong("step-sizes"), parsing: .unconditional, help: ArgumentHelp("Rprop least and largest step size.", valueName: "min,max"))
    var stepSizes: String?

    /// The options given besides `--lr`, in torch's snake_case names.
    var given: [String] {
        let numbers: [(String, Double?)] = [
            ("momentum", momentum), ("dampening", dampening), ("weight_decay", weightDecay), ("eps", eps), ("alpha", alpha),
            ("lr_decay", lrDecay), ("initial_accumulator_value", initialAccumulatorValue), ("momentum_decay", momentumDecay),
            ("rho", rho), ("damping", damping),
        ]
        let flags = [("nesterov", nesterov), ("maximize", maximize), ("amsgrad", amsgrad), ("centered", centered),
                     ("decoupled_weight_decay", decoupledWeightDecay)]
        let pairs: [(String, String?)] = [("betas", betas), ("etas", etas), ("step_sizes", stepSizes)]
        return numbers.filter { $0.1 != nil }.map(\.0) + flags.filter(\.1).map(\.0) + pairs.filter { $0.1 != nil }.map(\.0)
    }

    /// The optimizer config, starting from torch's defaults for the kind and
    /// the lab's learning rate; an option the optimizer does not take is an error.
    func config(labDefaultLR: Double) throws(GradlabError) -> OptimizerConfig {
        let optimizer = choice
        var config = optimizer.preset
        config.lr = lr ?? (optimizer.kind == .sgd ? labDefaultLR : config.lr)
        if let momentum { config.momentum = momentum }
        if let dampening { config.dampening = dampening }
        config.nesterov = nesterov || optimizer.preset.nesterov
        if let weightDecay { config.weightDecay = weightDecay }
        config.maximize = maximize
        if let betas { (config.beta1, config.beta2) = try Self.pair(betas, flag: "--betas", example: "0.9,0.999") }
        if let eps { config.eps = eps }
        config.amsgrad = amsgrad
        if let alpha { config.alpha = alpha }
        config.centered = centered
        if let lrDecay { config.lrDecay = lrDecay }
        if let initialAccumulatorValue { config.initialAccumulatorValue = initialAccumulatorValue }
        if let momentumDecay { config.momentumDecay = momentumDecay }
        config.decoupledWeightDecay = decoupledWeightDecay
        if let rho { config.rho = rho }
        if let damping { config.damping = damping }
        if let etas { (config.etaMinus, config.etaPlus) = try Self.pair(etas, flag: "--etas", example: "0.5,1.2") }
        if let stepSizes { (config.stepSizeMin, config.stepSizeMax) = try Self.pair(stepSizes, flag: "--step-sizes", example: "1e-6,50") }
        do {
            try config.checkTakes(given)
        } catch {
            throw GradlabError("--optimizer " + error.message)
        }
        try config.validate()
        return config
    }

    /// Two numbers separated by a comma (`0.9,0.999`).
    private static func pair(_ text: String, flag: String, example: String) throws(GradlabError) -> (Double, Double) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let first = parts[0], let second = parts[1] else {
            throw GradlabError("\(flag) must be two numbers like \(example), got '\(text)'")
        }
        return (first, second)
    }
}

/// `--optimizer`'s value: a registered optimizer's name (any case), or
/// `momentum` or `nesterov`, the presets `--compare` and the `:` prompt
/// know (``OptimizerConfig/init(named:)``).
struct OptimizerChoice: ExpressibleByArgument, Equatable {
    /// The name as given, lowercased.
    var name: String
    /// Torch's defaults for it (a preset's momentum and Nesterov set).
    var preset: OptimizerConfig

    var kind: OptimizerKind { preset.kind }

    init(kind: OptimizerKind) {
        name = kind.rawValue
        preset = OptimizerConfig(kind: kind)
    }

    init?(argument: String) {
        guard let preset = OptimizerConfig(named: argument) else { return nil }
        name = argument.lowercased()
        self.preset = preset
    }

    static var allValueStrings: [String] { OptimizerKind.allCases.map(\.rawValue) + OptimizerConfig.presetNames }

    var defaultValueDescription: String { name }
}
