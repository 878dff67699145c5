#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
import Synchronization

/// `torch.optim.NAdam` (Dozat, "Incorporating Nesterov Momentum into Adam",
/// 2016): Adam with a Nesterov look-ahead whose momentum warms up as
/// `mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))`.
///
/// In PyTorch's order:
/// ```
/// g = -g if maximize
/// p = p * (1 - lr * weight_decay)      if decoupled_weight_decay, else g = g + weight_decay * p
/// m = lerp(m, g, 1 - beta1)            (exp_avg)
/// v = v * beta2 + (1 - beta2) * g * g  (exp_avg_sq)
/// denom = sqrt(v / (1 - beta2^t)) + eps
/// p = p + (-lr * (1 - mu_t) / (1 - mu_product_t)) * g / denom
/// p = p + (-lr * mu_{t+1} / (1 - mu_product_t * mu_{t+1})) * m / denom
/// ```
/// `mu_product` (torch's per-parameter scalar state) is the running product
/// of the `mu_t`, kept as torch keeps it: a float32 tensor (torch's default
/// scalar dtype) multiplied by each `mu_t` in float32. It depends only on
/// beta1, momentum_decay and t, so gradlab derives it on the host.
public enum NAdam: OptimizerRule {
    public static let kind = OptimizerKind.nadam
    public static let stateNames = ["exp_avg", "exp_avg_sq"]
    public static let options = ["betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay", "maximize"]

    public static func defaults(_ config: inout OptimizerConfig) { config.lr = 2e-3 }

    public static func validate(_ config: OptimizerConfig, spelling s: OptionSpelling) throws(GradlabError) {
        guard config.momentumDecay >= 0 && config.momentumDecay.isFinite else {
            throw GradlabError("invalid optimizer option: \(s.name("momentum_decay")) must be >= 0, got \(displayNumber(config.momentumDecay))")
        }
    }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        Adam.summary(config, defaults: defaults).filter { $0 != "amsgrad" }
            + OptimizerConfig.options([("momentum_decay", config.momentumDecay, defaults.momentumDecay)])
            + (config.decoupledWeightDecay ? ["decoupled_weight_decay"] : [])
    }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        var p = e.parameter
        let (g, m, v) = Adam.moments(e, config, parameter: &p, decoupled: config.decoupledWeightDecay)
        let denominator = (v / e.stepScalar("bias_correction2") { c, t in 1 - pow(c.beta2, Double(t)) }).squareRoot()
            + e.scalar("eps") { c in c.eps }
        let gradientStep = e.stepScalar("-lr*(1-mu)/(1-mu_product)") { c, t in
            -c.lr * (1 - mu(c, step: t)) / (1 - Double(muProduct(c, step: t)))
        }
        let momentumStep = e.stepScalar("-lr*mu_next/(1-mu_product_next)") { c, t in
            let next = mu(c, step: t + 1)
            return -c.lr * next / (1 - Double(muProduct(c, step: t)) * next)
        }
        p = p + gradientStep * g / denominator
        e.setParameter(p + momentumStep * m / denominator)
    }

    /// `mu_t`, as torch computes it in Python floats.
    static func mu(_ config: OptimizerConfig, step t: Int) -> Double {
        config.beta1 * (1 - 0.5 * pow(0.96, Double(t) * config.momentumDecay))
    }

    /// torch's `mu_product` after step `t`: `mu_1 * ... * mu_t`, each
    /// product rounded to float32 (`mu_product *= mu` on a float32 tensor
    /// casts `mu` to float32 first).
    static func muProduct(_ config: OptimizerConfig, step t: Int) -> Float {
        let key = MuKey(beta1: config.beta1, momentumDecay: config.momentumDecay)
        return muProducts.withLock { table in extend(&table[key, default: [1]], to: t, config) }
    }

    /// Extends `products` (in place: steps come one at a time) to step `t`.
    private static func extend(_ products: inout [Float], to t: Int, _ config: OptimizerConfig) -> Float {
        while products.count <= t {
            let step = products.count
            products.append(products[step - 1] * Float(mu(config, step: step)))
        }
        return products[t]
    }

    private struct MuKey: Hashable {
        var beta1, momentumDecay: Double
    }

    /// `mu_product` by step for each (beta1, momentum_decay) seen: steps come
    /// one after another, so each product is computed once (4 bytes a step).
    private static let muProducts = Mutex<[MuKey: [Float]]>([:])
}

extension OptimizerKind {
    public static let nadam = OptimizerKind(named: "nadam")
}
