/// The optimizers gradlab offers, each with `torch.optim` semantics.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    case sgd, adam, adamw, rmsprop, adagrad

    /// The cycle order of the TUI's `o` key.
    public var next: OptimizerKind {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }
}

/// An optimizer and its hyperparameters, named as PyTorch names them.
///
/// Defaults are `torch.optim`'s: `OptimizerConfig(kind: .adam)` is
/// `torch.optim.Adam(params)` with lr 1e-3, betas (0.9, 0.999), eps 1e-8.
/// Fields that a kind does not use are ignored by it and left out of
/// ``summary``.
public struct OptimizerConfig: Codable, Sendable, Equatable {
    public var kind: OptimizerKind
    public var lr: Double
    public var momentum: Double = 0
    public var dampening: Double = 0
    public var nesterov = false
    public var weightDecay: Double = 0
    public var maximize = false
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var eps: Double = 1e-8
    public var amsgrad = false
    public var alpha: Double = 0.99
    public var centered = false
    public var lrDecay: Double = 0
    public var initialAccumulatorValue: Double = 0

    /// `torch.optim`'s defaults for `kind`.
    public init(kind: OptimizerKind) {
        self.kind = kind
        switch kind {
        case .sgd, .adam:
            lr = 1e-3
        case .adamw:
            lr = 1e-3
            weightDecay = 1e-2
        case .rmsprop:
            lr = 1e-2
        case .adagrad:
            lr = 1e-2
            eps = 1e-10
        }
    }

    /// Keeps the learning rate and the options the new kind shares with this
    /// one, as a user switching optimizer mid-run expects; the rest take the
    /// new kind's defaults.
    public func switched(to newKind: OptimizerKind) -> OptimizerConfig {
        var config = OptimizerConfig(kind: newKind)
        config.lr = lr
        config.maximize = maximize
        return config
    }

    /// Checks every hyperparameter's range as `torch.optim` does.
    public func validate() throws(GradlabError) {
        func require(_ ok: Bool, _ what: String) throws(GradlabError) {
            if !ok { throw GradlabError("invalid optimizer option: \(what)") }
        }
        try require(lr > 0 && lr.isFinite, "--lr must be a positive number, got \(lr)")
        try require(momentum >= 0 && momentum.isFinite, "--momentum must be >= 0, got \(momentum)")
        try require(weightDecay >= 0 && weightDecay.isFinite, "--weight-decay must be >= 0, got \(weightDecay)")
        try require(eps >= 0 && eps.isFinite, "--eps must be >= 0, got \(eps)")
        try require((0..<1).contains(beta1) && (0..<1).contains(beta2), "--betas must each be in [0, 1), got \(beta1),\(beta2)")
        try require(alpha >= 0 && alpha.isFinite, "--alpha must be >= 0, got \(alpha)")
        try require(lrDecay >= 0 && lrDecay.isFinite, "--lr-decay must be >= 0, got \(lrDecay)")
        try require(initialAccumulatorValue >= 0, "--initial-accumulator-value must be >= 0, got \(initialAccumulatorValue)")
        if kind == .sgd && nesterov {
            try require(momentum > 0 && dampening == 0, "--nesterov needs --momentum > 0 and --dampening 0")
        }
    }

    /// A short text such as `sgd lr=0.05 momentum=0.9` (only non-default options).
    public var summary: String {
        let defaults = OptimizerConfig(kind: kind)
        var parts = ["\(kind.rawValue) lr=\(formatNumber(lr))"]
        func add(_ name: String, _ value: Double, _ base: Double) {
            if value != base { parts.append("\(name)=\(formatNumber(value))") }
        }
        func flag(_ name: String, _ value: Bool) {
            if value { parts.append(name) }
        }
        switch kind {
        case .sgd:
            add("momentum", momentum, defaults.momentum)
            add("dampening", dampening, defaults.dampening)
            flag("nesterov", nesterov)
        case .adam, .adamw:
            if beta1 != defaults.beta1 || beta2 != defaults.beta2 {
                parts.append("betas=\(formatNumber(beta1)),\(formatNumber(beta2))")
            }
            add("eps", eps, defaults.eps)
            flag("amsgrad", amsgrad)
        case .rmsprop:
            add("alpha", alpha, defaults.alpha)
            add("eps", eps, defaults.eps)
            add("momentum", momentum, defaults.momentum)
            flag("centered", centered)
        case .adagrad:
            add("lr_decay", lrDecay, defaults.lrDecay)
            add("eps", eps, defaults.eps)
            add("initial_accumulator_value", initialAccumulatorValue, defaults.initialAccumulatorValue)
        }
        add("weight_decay", weightDecay, defaults.weightDecay)
        flag("maximize", maximize)
        return parts.joined(separator: " ")
    }
}

/// Shortest text that reads back to the same Double (`1e-05`, `0.05`).
public func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 {
        return String(Int64(value))
    }
    return "\(value)"
}
