import ArgumentParser
import Foundation
import GradlabCore

/// Optimizer options, named as torch.optim names them.
struct OptimizerOptions: ParsableArguments {
    @Option(help: "sgd, adam, adamw, rmsprop or adagrad.")
    var optimizer: OptimizerKind = .sgd

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

    @Option(parsing: .unconditional, help: ArgumentHelp("Adam/AdamW betas.", valueName: "b1,b2"))
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

    /// The optimizer config, starting from torch's defaults for the kind and
    /// the lab's learning rate.
    func config(labDefaultLR: Double) throws(GradlabError) -> OptimizerConfig {
        var config = OptimizerConfig(kind: optimizer)
        config.lr = lr ?? (optimizer == .sgd ? labDefaultLR : config.lr)
        if let momentum { config.momentum = momentum }
        if let dampening { config.dampening = dampening }
        config.nesterov = nesterov
        if let weightDecay { config.weightDecay = weightDecay }
        config.maximize = maximize
        if let betas {
            let parts = betas.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let b1 = parts[0], let b2 = parts[1] else {
                throw GradlabError("--betas must be two numbers like 0.9,0.999, got '\(betas)'")
            }
            (config.beta1, config.beta2) = (b1, b2)
        }
        if let eps { config.eps = eps }
        config.amsgrad = amsgrad
        if let alpha { config.alpha = alpha }
        config.centered = centered
        if let lrDecay { config.lrDecay = lrDecay }
        if let initialAccumulatorValue { config.initialAccumulatorValue = initialAccumulatorValue }
        try config.validate()
        return config
    }
}
