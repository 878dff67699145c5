/// `torch.optim.Adagrad`: lr_decay, initial_accumulator_value, eps, weight
/// decay, maximize.
///
/// `clr = lr / (1 + (t - 1)*lr_decay)`, `sum += g*g`, `p -= clr*g/(sqrt(sum) + eps)`.
public enum Adagrad: OptimizerRule {
    public static let kind = OptimizerKind.adagrad
    public static let stateNames = ["sum"]
    public static let options = ["lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize"]

    public static func defaults(_ config: inout OptimizerConfig) {
        config.lr = 1e-2
        config.eps = 1e-10
    }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        OptimizerConfig.options([("lr_decay", config.lrDecay, defaults.lrDecay), ("eps", config.eps, defaults.eps),
                                 ("initial_accumulator_value", config.initialAccumulatorValue, defaults.initialAccumulatorValue)])
    }

    public static func initialValue(of state: String, _ config: OptimizerConfig) -> Double { config.initialAccumulatorValue }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        var g = config.maximize ? -e.gradient : e.gradient
        if config.weightDecay != 0 { g = g + e.scalar("weight_decay") { c in c.weightDecay } * e.parameter }
        let sum = e.state("sum") + g * g
        e.setState("sum", sum)
        let clr = e.stepScalar("-clr") { c, t in -(c.lr / (1 + Double(t - 1) * c.lrDecay)) }
        e.setParameter(e.parameter + clr * g / (sum.squareRoot() + e.scalar("eps") { c in c.eps }))
    }
}

extension OptimizerKind {
    public static let adagrad = OptimizerKind(named: "adagrad")
}
