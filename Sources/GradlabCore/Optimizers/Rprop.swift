/// `torch.optim.Rprop` (Riedmiller and Braun, "A Direct Adaptive Method for
/// Faster Backpropagation Learning: The RPROP Algorithm", 1993): each
/// element keeps its own step size, grown by etaplus while its gradient
/// keeps its sign and cut by etaminus when it flips; only the gradient's
/// sign moves the parameter. `lr` is the initial step size; there is no
/// weight decay.
///
/// In PyTorch's order:
/// ```
/// g = -g if maximize
/// s = sign(g * prev)                                 (0 at NaN, as torch.sign)
/// factor = etaplus if s > 0, etaminus if s < 0, 1 if s == 0
/// step_size = clamp(step_size * factor, step_size_min, step_size_max)
/// g = 0 where s < 0                                  (no move after a flip)
/// p = p + (-1 * sign(g)) * step_size;  prev = g
/// ```
/// torch's masked assignments are exact choices, made here from 0/1 masks
/// of the sign: `factor = [s>0] * etaplus + [s<0] * etaminus + (1 - |s|)`
/// (exactly one term is not 0) and `g * (1 - [s<0])`. One difference: a
/// gradient of ±inf that flips sign stores NaN in `prev` where torch stores
/// 0; both make the next step's sign 0, so the steps are the same.
public enum Rprop: OptimizerRule {
    public static let kind = OptimizerKind.rprop
    public static let stateNames = ["prev", "step_size"]
    public static let options = ["etas", "step_sizes", "maximize"]
    public static var hasWeightDecay: Bool { false }

    public static func defaults(_ config: inout OptimizerConfig) { config.lr = 1e-2 }

    public static func validate(_ config: OptimizerConfig, spelling s: OptionSpelling) throws(GradlabError) {
        guard 0 < config.etaMinus && config.etaMinus < 1 && 1 < config.etaPlus && config.etaPlus.isFinite else {
            throw GradlabError("invalid optimizer option: \(s.pair("etas", "etaminus", "etaplus")) must have 0 < etaminus < 1 < etaplus, got \(s.pair("etas", displayNumber(config.etaMinus), displayNumber(config.etaPlus)))")
        }
        guard 0 <= config.stepSizeMin && config.stepSizeMin <= config.stepSizeMax && !config.stepSizeMax.isNaN else {
            throw GradlabError("invalid optimizer option: \(s.pair("step_sizes", "min", "max")) must have 0 <= min <= max, got \(s.pair("step_sizes", displayNumber(config.stepSizeMin), displayNumber(config.stepSizeMax)))")
        }
    }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        var parts: [String] = []
        if config.etaMinus != defaults.etaMinus || config.etaPlus != defaults.etaPlus {
            parts.append("etas=\(displayNumber(config.etaMinus)),\(displayNumber(config.etaPlus))")
        }
        if config.stepSizeMin != defaults.stepSizeMin || config.stepSizeMax != defaults.stepSizeMax {
            parts.append("step_sizes=\(displayNumber(config.stepSizeMin)),\(displayNumber(config.stepSizeMax))")
        }
        return parts
    }

    /// Every step size starts at `lr` (`torch.full_like(p, lr)`).
    public static func initialValue(of state: String, _ config: OptimizerConfig) -> Double { state == "step_size" ? config.lr : 0 }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        let g = config.maximize ? -e.gradient : e.gradient
        let s = (g * e.state("prev")).sign()
        let flipped = (-s).isPositive()
        let factor = s.isPositive() * e.scalar("etaplus") { c in c.etaPlus } + flipped * e.scalar("etaminus") { c in c.etaMinus }
            + (e.constant(1) - s.magnitude())
        let stepSize = (e.state("step_size") * factor)
            .maximum(e.scalar("step_size_min") { c in c.stepSizeMin })
            .minimum(e.scalar("step_size_max") { c in c.stepSizeMax })
        e.setState("step_size", stepSize)
        let kept = g * (e.constant(1) - flipped)
        e.setState("prev", kept)
        e.setParameter(e.parameter + (e.constant(-1) * kept.sign()) * stepSize)
    }
}

extension OptimizerKind {
    public static let rprop = OptimizerKind(named: "rprop")
}
