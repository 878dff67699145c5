import GradlabPlot

/// An optimizer's name, as torch.optim and gradlab's CLI spell it. The
/// known ones are the kinds of ``OptimizerRules/all``.
public struct OptimizerKind: RawRepresentable, Hashable, Codable, Sendable, CaseIterable, CustomStringConvertible {
    public let rawValue: String

    /// A registered optimizer's kind; nil for any other name.
    public init?(rawValue: String) {
        guard OptimizerRules.all.contains(where: { $0.kind.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    /// A kind a rule declares (its `kind` constant).
    init(named name: String) { rawValue = name }

    // Each optimizer's file declares its kind (`OptimizerKind.sgd` in SGD.swift).

    public static var allCases: [OptimizerKind] { OptimizerRules.all.map { $0.kind } }

    public var description: String { rawValue }

    /// The rule that defines this optimizer.
    public var rule: any OptimizerRule.Type { OptimizerRules.rule(for: self) }

    /// The cycle order of the TUI's `o` key.
    public var next: OptimizerKind {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let kind = OptimizerKind(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "unknown optimizer '\(name)' (known: \(Self.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        self = kind
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
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
    /// NAdam's `momentum_decay` (psi in its paper).
    public var momentumDecay: Double = 4e-3
    /// NAdam and RAdam: weight decay as AdamW's (`p *= 1 - lr * weight_decay`)
    /// instead of added to the gradient.
    public var decoupledWeightDecay = false
    /// Adadelta's `rho`, the running averages' coefficient.
    public var rho: Double = 0.9
    /// Rprop's `etas` (multiplicative decrease, increase).
    public var etaMinus: Double = 0.5
    public var etaPlus: Double = 1.2
    /// Rprop's `step_sizes` (the least and the largest step).
    public var stepSizeMin: Double = 1e-6
    public var stepSizeMax: Double = 50
    /// Newton's damping: the least |eigenvalue| its Hessian is taken to have.
    public var damping: Double = 0.1

    /// `torch.optim`'s defaults for `kind`.
    public init(kind: OptimizerKind) {
        self.kind = kind
        lr = 1e-3
        kind.rule.defaults(&self)
    }

    /// The presets `--optimizer`, `--compare` and `:optimizer` know besides
    /// the optimizers' names: SGD with momentum 0.9, and with Nesterov's.
    public static let presetNames = ["momentum", "nesterov"]

    /// Torch's defaults for an optimizer's name or a preset's (any case):
    /// `momentum` is SGD with momentum 0.9, `nesterov` also Nesterov's; nil
    /// for another name.
    public init?(named name: String) {
        let name = name.lowercased()
        if Self.presetNames.contains(name) {
            self.init(kind: .sgd)
            momentum = 0.9
            nesterov = name == "nesterov"
            return
        }
        guard let kind = OptimizerKind(rawValue: name) else { return nil }
        self.init(kind: kind)
    }

    /// Reads a config written before the NAdam/RAdam/Adamax/Adadelta/Rprop
    /// options existed: those take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(OptimizerKind.self, forKey: .kind))
        lr = try c.decode(Double.self, forKey: .lr)
        func read<V: Decodable>(_ key: CodingKeys, _ value: inout V) throws {
            if let decoded = try c.decodeIfPresent(V.self, forKey: key) { value = decoded }
        }
        try read(.momentum, &momentum)
        try read(.dampening, &dampening)
        try read(.nesterov, &nesterov)
        try read(.weightDecay, &weightDecay)
        try read(.maximize, &maximize)
        try read(.beta1, &beta1)
        try read(.beta2, &beta2)
        try read(.eps, &eps)
        try read(.amsgrad, &amsgrad)
        try read(.alpha, &alpha)
        try read(.centered, &centered)
        try read(.lrDecay, &lrDecay)
        try read(.initialAccumulatorValue, &initialAccumulatorValue)
        try read(.momentumDecay, &momentumDecay)
        try read(.decoupledWeightDecay, &decoupledWeightDecay)
        try read(.rho, &rho)
        try read(.etaMinus, &etaMinus)
        try read(.etaPlus, &etaPlus)
        try read(.stepSizeMin, &stepSizeMin)
        try read(.stepSizeMax, &stepSizeMax)
        try read(.damping, &damping)
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
    /// Refuses an option this optimizer does not take (torch.optim's
    /// constructors raise a TypeError): `given`, in snake_case, is what the
    /// user set besides `lr`. The message names options as `spelling` writes them.
    public func checkTakes(_ given: [String], spelling s: OptionSpelling = .flags) throws(GradlabError) {
        let takes = kind.rule.options
        if let extra = given.first(where: { $0 != "lr" && !takes.contains($0) }) {
            let list = (["lr"] + takes).map { s.name($0) }.joined(separator: ", ")
            throw GradlabError("\(kind.rawValue) takes no \(s.name(extra)) (its options: \(list))")
        }
    }

    /// Checks the ranges torch.optim's constructors check; the message
    /// names the options as `spelling` writes them (command-line flags
    /// unless given).
    public func validate(spelling s: OptionSpelling = .flags) throws(GradlabError) {
        func require(_ ok: Bool, _ key: String, _ what: String, _ value: Double) throws(GradlabError) {
            if !ok { throw GradlabError("invalid optimizer option: \(s.name(key)) must be \(what), got \(displayNumber(value))") }
        }
        try require(lr > 0 && lr.isFinite, "lr", "a positive number", lr)
        try require(momentum >= 0 && momentum.isFinite, "momentum", ">= 0", momentum)
        try require(weightDecay >= 0 && weightDecay.isFinite, "weight_decay", ">= 0", weightDecay)
        try require(eps >= 0 && eps.isFinite, "eps", ">= 0", eps)
        guard (0..<1).contains(beta1) && (0..<1).contains(beta2) else {
            throw GradlabError("invalid optimizer option: \(s.name("betas")) must each be in [0, 1), got \(s.pair("betas", displayNumber(beta1), displayNumber(beta2)))")
        }
        try require(alpha >= 0 && alpha.isFinite, "alpha", ">= 0", alpha)
        try require(lrDecay >= 0 && lrDecay.isFinite, "lr_decay", ">= 0", lrDecay)
        try require(initialAccumulatorValue >= 0, "initial_accumulator_value", ">= 0", initialAccumulatorValue)
        try kind.rule.validate(self, spelling: s)
    }

    /// `name=value` for each option that differs from its default, in order
    /// (for ``OptimizerRule/summary(_:defaults:)``).
    public static func options(_ options: [(name: String, value: Double, base: Double)]) -> [String] {
        options.filter { $0.value != $0.base }.map { "\($0.name)=\(displayNumber($0.value))" }
    }

    /// A short text such as `sgd lr=0.05 momentum=0.9` (only non-default
    /// options), its numbers as the screen writes them (``displayNumber(_:)``).
    public var summary: String {
        let defaults = OptimizerConfig(kind: kind)
        var parts = ["\(kind.rawValue) lr=\(displayNumber(lr))"]
        func add(_ name: String, _ value: Double, _ base: Double) {
            if value != base { parts.append("\(name)=\(displayNumber(value))") }
        }
        func flag(_ name: String, _ value: Bool) {
            if value { parts.append(name) }
        }
        parts += kind.rule.summary(self, defaults: defaults)
        if kind.rule.hasWeightDecay { add("weight_decay", weightDecay, defaults.weightDecay) }
        flag("maximize", maximize)
        return parts.joined(separator: " ")
    }
}

/// A number as the screen and the summaries write it: six significant
/// digits (`0.01` for the lr `[` leaves at 0.010000000000000002, `1e-8`),
/// as the inspector (GradlabPlot's `NumberText.long`).
public func displayNumber(_ value: Double) -> String { NumberText.long(value) }

/// Shortest text that reads back to the same Double (`1e-05`, `0.05`): for
/// run files and specs that are read back.
public func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 {
        return String(Int64(value))
    }
    return "\(value)"
}
