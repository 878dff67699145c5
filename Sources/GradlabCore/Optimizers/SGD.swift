/// `torch.optim.SGD`: momentum, dampening, Nesterov, weight decay, maximize.
///
/// ```
/// g = grad (negated if maximize) + weight_decay * p
/// buf = g on the first step, else momentum * buf + (1 - dampening) * g
/// g = g + momentum * buf if nesterov, else buf
/// p = p - lr * g
/// ```
public enum SGD: OptimizerRule {
    public static let kind = OptimizerKind.sgd
    public static let stateNames = ["momentum_buffer"]
    public static let options = ["momentum", "dampening", "weight_decay", "nesterov", "maximize"]

    public static func defaults(_ config: inout OptimizerConfig) { config.lr = 1e-3 }

    public static func validate(_ config: OptimizerConfig, spelling s: OptionSpelling) throws(GradlabError) {
        if config.nesterov && (config.momentum <= 0 || config.dampening != 0) {
            throw GradlabError("invalid optimizer option: \(s.name("nesterov")) needs \(s.name("momentum")) > 0 and \(s.name("dampening")) 0")
        }
    }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        OptimizerConfig.options([("momentum", config.momentum, defaults.momentum), ("dampening", config.dampening, defaults.dampening)])
            + (config.nesterov ? ["nesterov"] : [])
    }

    /// The first step with momentum starts the buffer at the gradient.
    public static func variant(_ config: OptimizerConfig, step: Int) -> Int { config.momentum != 0 && step == 1 ? 1 : 0 }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        var g = config.maximize ? -e.gradient : e.gradient
        if config.weightDecay != 0 { g = g + e.scalar("weight_decay") { c in c.weightDecay } * e.parameter }
        if config.momentum != 0 {
            let momentum = e.scalar("momentum") { c in c.momentum }
            let buffer = variant == 1 ? g
                : momentum * e.state("momentum_buffer") + e.scalar("1-dampening") { c in 1 - c.dampening } * g
            e.setState("momentum_buffer", buffer)
            g = config.nesterov ? g + momentum * buffer : buffer
        }
        e.setParameter(e.parameter + e.scalar("-lr") { c in -c.lr } * g)
    }
}

extension OptimizerKind {
    public static let sgd = OptimizerKind(named: "sgd")
}
