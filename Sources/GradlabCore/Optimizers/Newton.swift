/// Newton's method on absolute eigenvalues: p ← p − lr·d with
/// d = |H|⁻¹ ∇f, where |H| has H's eigenvectors and each eigenvalue λ
/// replaced by max(|λ|, damping). Where every λ ≥ damping that is the exact
/// Newton step (a quadratic's minimum in one step at lr 1); where H is
/// indefinite it still descends (a saddle's negative curvature is stepped
/// down, not up, as "saddle-free Newton" does); where it is nearly singular
/// the step along that direction is at most ∇f/damping. So d is always
/// defined and a descent direction.
///
/// The update itself is elementwise (`p − lr·d`, below); the lab solves for
/// d: the landscape in the same sweep as f, ∇f and the Hessian (a 2×2
/// solve per point), the quadratic lab on the host from the batch's mean
/// Hessian (3×3). The linear lab's L1 loss has no curvature (its Hessian is
/// 0 wherever it is defined), so Newton is refused there.
public enum Newton: OptimizerRule {
    public static let kind = OptimizerKind.newton
    public static let stateNames: [String] = []
    public static let options = ["damping"]

    public static func defaults(_ config: inout OptimizerConfig) {
        config.lr = 1
        config.damping = 0.1
    }

    public static func validate(_ config: OptimizerConfig, spelling s: OptionSpelling) throws(GradlabError) {
        guard config.damping > 0, config.damping.isFinite else {
            throw GradlabError("invalid optimizer option: \(s.name("damping")) must be a positive number, got \(displayNumber(config.damping))")
        }
        if config.momentum != 0 || config.maximize || config.weightDecay != 0 {
            throw GradlabError("invalid optimizer option: newton takes \(s.name("lr")) and \(s.name("damping")) only")
        }
    }

    public static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String] {
        OptimizerConfig.options([("damping", config.damping, defaults.damping)])
    }

    public static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int) {
        // `gradient` is the Newton direction d the lab solved for.
        e.setParameter(e.parameter + e.scalar("-lr") { c in -c.lr } * e.gradient)
    }
}

extension OptimizerKind {
    public static let newton = OptimizerKind(named: "newton")
}
