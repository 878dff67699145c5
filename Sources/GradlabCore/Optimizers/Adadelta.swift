/// `torch.optim.Adadelta` (Zeiler, "ADADELTA: An Adaptive Learning Rate
/// Method", 2012): rho, eps, weight decay, maximize; `lr` scales the delta
/// (default 1.0, the paper's method).
///
/// In PyTorch's order:
/// ```
/// g = -g if maximize
/// g = g + weight_decay * p                    if weight_decay != 0
/// s = s * rho + (1 - rho) * g * g             (square_avg)
/// delta = sqrt(a + eps) / sqrt(s + eps) * g   (a: acc_delta)
/// a = a * rho + (1 - rho) * delta * delta
/// p = p + (-lr) * delta
/// ```
public enum Adadelta: OptimizerRule {
    public static let kind = OptimizerKind.adadelta
    public static let stateNames = ["square_avg", "acc_delta"]
    public static let options = ["rho", "eps", "weight_decay", "maximize"]

    public static func defaults(_ config: inout OptimizerConfig) {
        config.lr = 1.0
        config.eps = 1e-6
    }

    public static func validate(_ config: OptimizerConfig, spelling s: OptionSpelling) throws(GradlabError) {
        guard (0...1).contains(config.rho) else {
            throw GradlabError("invalid optimizer option: \(s.name("rho")) must be in [0, 1], got \(displayNumber(config.rho))")
        }
    }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        OptimizerConfig.options([("rho", config.rho, defaults.rho), ("eps", config.eps, defaults.eps)])
    }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        var g = config.maximize ? -e.gradient : e.gradient
        if config.weightDecay != 0 { g = g + e.scalar("weight_decay") { c in c.weightDecay } * e.parameter }
        let rho = e.scalar("rho") { c in c.rho }, oneMinusRho = e.scalar("1-rho") { c in 1 - c.rho }
        let eps = e.scalar("eps") { c in c.eps }
        let s = e.state("square_avg") * rho + oneMinusRho * g * g
        e.setState("square_avg", s)
        let accumulated = e.state("acc_delta")
        let delta = (accumulated + eps).squareRoot() / (s + eps).squareRoot() * g
        e.setState("acc_delta", accumulated * rho + oneMinusRho * delta * delta)
        e.setParameter(e.parameter + e.scalar("-lr") { c in -c.lr } * delta)
    }
}

extension OptimizerKind {
    public static let adadelta = OptimizerKind(named: "adadelta")
}
