#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// `torch.optim.Adam`, with amsgrad and maximize; weight decay adds
/// `weight_decay * p` to the gradient.
///
/// In PyTorch's order: weight decay, `m = lerp(m, g, 1 - beta1)`,
/// `v = beta2*v + (1 - beta2)*g*g`, `denom = sqrt(v) / sqrt(1 - beta2^t) + eps`
/// (amsgrad: `v_max = max(v_max, v)` under the root), `p += (-lr / (1 - beta1^t)) * m / denom`.
public enum Adam: OptimizerRule {
    public static let kind = OptimizerKind.adam
    public static let stateNames = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    public static let options = ["betas", "eps", "weight_decay", "amsgrad", "maximize"]

    public static func defaults(_ config: inout OptimizerConfig) { config.lr = 1e-3 }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        var parts: [String] = []
        if config.beta1 != defaults.beta1 || config.beta2 != defaults.beta2 {
            parts.append("betas=\(displayNumber(config.beta1)),\(displayNumber(config.beta2))")
        }
        return parts + OptimizerConfig.options([("eps", config.eps, defaults.eps)]) + (config.amsgrad ? ["amsgrad"] : [])
    }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        emit(e, config, decoupled: false)
    }

    /// Weight decay, then Adam's two moments, as Adam, AdamW, NAdam and
    /// RAdam share them: the gradient (negated if maximize) with
    /// `weight_decay * p` added, or, `decoupled`, `p *= 1 - lr * weight_decay`;
    /// `exp_avg` by `lerp`, `exp_avg_sq` by `beta2 * v + (1 - beta2) * g * g`,
    /// both stored. Returns that gradient and the two moments.
    static func moments(_ e: UpdateEmitter, _ config: OptimizerConfig, parameter p: inout RuleValue,
                        decoupled: Bool) -> (gradient: RuleValue, m: RuleValue, v: RuleValue) {
        var g = config.maximize ? -e.gradient : e.gradient
        if config.weightDecay != 0 {
            if decoupled {
                p = p * e.scalar("1-lr*weight_decay") { c in 1 - c.lr * c.weightDecay }
            } else {
                g = g + e.scalar("weight_decay") { c in c.weightDecay } * p
            }
        }
        let m = e.lerp(e.state("exp_avg"), g, weight: 1 - config.beta1, scalar: e.scalar("1-beta1") { c in 1 - c.beta1 })
        e.setState("exp_avg", m)
        let v = e.state("exp_avg_sq") * e.scalar("beta2") { c in c.beta2 } + e.scalar("1-beta2") { c in 1 - c.beta2 } * g * g
        e.setState("exp_avg_sq", v)
        return (g, m, v)
    }

    /// Adam's update; `decoupled` is AdamW's weight decay, `p *= 1 - lr * weight_decay`.
    static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, decoupled: Bool) {
        var p = e.parameter
        let (_, m, v) = Adam.moments(e, config, parameter: &p, decoupled: decoupled)
        var second = v
        if config.amsgrad {
            second = e.state("max_exp_avg_sq").larger(v)
            e.setState("max_exp_avg_sq", second)
        }
        let denominator = second.squareRoot() / e.stepScalar("bias_correction2_sqrt") { c, t in (1 - pow(c.beta2, Double(t))).squareRoot() }
            + e.scalar("eps") { c in c.eps }
        let stepSize = e.stepScalar("-lr/bias_correction1") { c, t in -(c.lr / (1 - pow(c.beta1, Double(t)))) }
        e.setParameter(p + stepSize * m / denominator)
    }
}

/// `torch.optim.AdamW`: Adam with decoupled weight decay (default 0.01),
/// `p *= 1 - lr * weight_decay` before the step.
public enum AdamW: OptimizerRule {
    public static let kind = OptimizerKind.adamw
    public static let stateNames = Adam.stateNames
    public static let options = Adam.options

    public static func defaults(_ config: inout OptimizerConfig) {
        config.lr = 1e-3
        config.weightDecay = 1e-2
    }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        Adam.summary(config, defaults: defaults)
    }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        Adam.emit(e, config, decoupled: true)
    }
}

extension OptimizerKind {
    public static let adam = OptimizerKind(named: "adam")
}

extension OptimizerKind {
    public static let adamw = OptimizerKind(named: "adamw")
}
