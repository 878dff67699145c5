/// `torch.optim.RMSprop`: alpha, eps, momentum, centered, weight decay, maximize.
///
/// `s = alpha*s + (1 - alpha)*g*g`; centered: `a = lerp(a, g, 1 - alpha)`,
/// `avg = sqrt(s - a*a)`, else `avg = sqrt(s)`; `avg += eps`; with momentum
/// `buf = momentum*buf + g/avg`, `p -= lr*buf`, else `p -= lr*g/avg`.
public enum RMSprop: OptimizerRule {
    public static let kind = OptimizerKind.rmsprop
    public static let stateNames = ["square_avg", "momentum_buffer", "grad_avg"]
    public static let options = ["alpha", "eps", "weight_decay", "momentum", "centered", "maximize"]

    public static func defaults(_ config: inout OptimizerConfig) { config.lr = 1e-2 }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        OptimizerConfig.options([("alpha", config.alpha, defaults.alpha), ("eps", config.eps, defaults.eps),
                                 ("momentum", config.momentum, defaults.momentum)])
            + (config.centered ? ["centered"] : [])
    }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        var g = config.maximize ? -e.gradient : e.gradient
        if config.weightDecay != 0 { g = g + e.scalar("weight_decay") { c in c.weightDecay } * e.parameter }
        let s = e.state("square_avg") * e.scalar("alpha") { c in c.alpha } + e.scalar("1-alpha") { c in 1 - c.alpha } * g * g
        e.setState("square_avg", s)
        var average: RuleValue
        if config.centered {
            let a = e.lerp(e.state("grad_avg"), g, weight: 1 - config.alpha, scalar: e.scalar("1-alpha") { c in 1 - c.alpha })
            e.setState("grad_avg", a)
            average = (s - a * a).squareRoot()
        } else {
            average = s.squareRoot()
        }
        average = average + e.scalar("eps") { c in c.eps }
        let negativeLR = e.scalar("-lr") { c in -c.lr }
        if config.momentum > 0 {
            let buffer = e.state("momentum_buffer") * e.scalar("momentum") { c in c.momentum } + g / average
            e.setState("momentum_buffer", buffer)
            e.setParameter(e.parameter + negativeLR * buffer)
        } else {
            e.setParameter(e.parameter + negativeLR * g / average)
        }
    }
}

extension OptimizerKind {
    public static let rmsprop = OptimizerKind(named: "rmsprop")
}
