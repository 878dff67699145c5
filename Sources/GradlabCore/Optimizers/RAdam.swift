#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// `torch.optim.RAdam` (Liu et al., "On the Variance of the Adaptive
/// Learning Rate and Beyond", 2019): Adam whose adaptive rate is switched
/// on, and rectified, once the approximated SMA length `rho_t` exceeds 5.
///
/// In PyTorch's order:
/// ```
/// g = -g if maximize
/// p = p * (1 - lr * weight_decay)      if decoupled_weight_decay, else g = g + weight_decay * p
/// m = lerp(m, g, 1 - beta1)            (exp_avg)
/// v = v * beta2 + (1 - beta2) * g * g  (exp_avg_sq)
/// rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
/// if rho_t > 5:
///     rect = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
///     p = p - m / (1 - beta1^t) * lr * (reciprocal(sqrt(v) + eps) * sqrt(1 - beta2^t)) * rect
/// else:
///     p = p - m / (1 - beta1^t) * lr
/// ```
/// The branch is torch's host-side decision on `rho_t`, so it is a variant
/// (1: rectified). torch writes the adaptive rate as `float / tensor`, which
/// is `tensor.reciprocal() * float`.
public enum RAdam: OptimizerRule {
    public static let kind = OptimizerKind.radam
    public static let stateNames = ["exp_avg", "exp_avg_sq"]
    public static let options = ["betas", "eps", "weight_decay", "decoupled_weight_decay", "maximize"]

    public static func defaults(_ config: inout OptimizerConfig) { config.lr = 1e-3 }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        Adam.summary(config, defaults: defaults).filter { $0 != "amsgrad" }
            + (config.decoupledWeightDecay ? ["decoupled_weight_decay"] : [])
    }

    public static func variant(_ config: OptimizerConfig, step: Int) -> Int { rho(config, step: step).t > 5 ? 1 : 0 }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        var p = e.parameter
        let (_, m, v) = Adam.moments(e, config, parameter: &p, decoupled: config.decoupledWeightDecay)
        let corrected = m / e.stepScalar("bias_correction1") { c, t in 1 - pow(c.beta1, Double(t)) }
        var update = corrected * e.scalar("lr") { c in c.lr }
        if variant == 1 {
            let adaptive = e.constant(1) / (v.squareRoot() + e.scalar("eps") { c in c.eps })
                * e.stepScalar("bias_correction2^0.5") { c, t in pow(1 - pow(c.beta2, Double(t)), 0.5) }
            update = update * adaptive * e.stepScalar("rect") { c, t in rectification(c, step: t) }
        }
        e.setParameter(p - update)
    }

    /// `rho_inf` and `rho_t`, in torch's Python-float order.
    static func rho(_ config: OptimizerConfig, step t: Int) -> (inf: Double, t: Double) {
        let step = Double(t)
        let power = pow(config.beta2, step)
        let inf = 2 / (1 - config.beta2) - 1
        return (inf, inf - 2 * step * power / (1 - power))
    }

    /// The variance rectification term (used when `rho_t > 5`).
    static func rectification(_ config: OptimizerConfig, step t: Int) -> Double {
        let (inf, rho) = rho(config, step: t)
        return pow((rho - 4) * (rho - 2) * inf / ((inf - 4) * (inf - 2) * rho), 0.5)
    }
}

extension OptimizerKind {
    public static let radam = OptimizerKind(named: "radam")
}
