#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// `torch.optim.Adamax` (Kingma and Ba, "Adam: A Method for Stochastic
/// Optimization", 2014, section 7.1): Adam with the infinity norm in place
/// of the second moment.
///
/// In PyTorch's order:
/// ```
/// g = -g if maximize
/// g = g + weight_decay * p                    if weight_decay != 0
/// m = lerp(m, g, 1 - beta1)                   (exp_avg)
/// u = maximum(u * beta2, |g| + eps)           (exp_inf; torch.maximum, NaN-propagating)
/// p = p + (-lr / (1 - beta1^t)) * m / u
/// ```
public enum Adamax: OptimizerRule {
    public static let kind = OptimizerKind.adamax
    public static let stateNames = ["exp_avg", "exp_inf"]
    public static let options = ["betas", "eps", "weight_decay", "maximize"]

    public static func defaults(_ config: inout OptimizerConfig) { config.lr = 2e-3 }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        Adam.summary(config, defaults: defaults).filter { $0 != "amsgrad" }
    }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        var g = config.maximize ? -e.gradient : e.gradient
        if config.weightDecay != 0 { g = g + e.scalar("weight_decay") { c in c.weightDecay } * e.parameter }
        let m = e.lerp(e.state("exp_avg"), g, weight: 1 - config.beta1, scalar: e.scalar("1-beta1") { c in 1 - c.beta1 })
        e.setState("exp_avg", m)
        let u = (e.state("exp_inf") * e.scalar("beta2") { c in c.beta2 }).maximum(g.magnitude() + e.scalar("eps") { c in c.eps })
        e.setState("exp_inf", u)
        let stepSize = e.stepScalar("-lr/bias_correction") { c, t in -(c.lr / (1 - pow(c.beta1, Double(t)))) }
        e.setParameter(e.parameter + stepSize * m / u)
    }
}

extension OptimizerKind {
    public static let adamax = OptimizerKind(named: "adamax")
}
