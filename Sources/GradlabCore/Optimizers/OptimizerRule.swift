import GradlabMath

/// One torch.optim optimizer, defined once: its state, its defaults, and
/// its elementwise update as instructions emitted into a Program, which
/// every device runs (the CPU's chunk kernels, CUDA's generated kernels).
///
/// A new optimizer is one file with a type conforming to this, one line in
/// ``OptimizerRules/all``, and CLI options for hyperparameters the config
/// does not have yet. The contract that keeps it torch-exact:
/// - hyperparameters are ``UpdateEmitter/scalar(_:_:)`` values computed in
///   Double on the host for each step, then cast to the parameters' dtype,
///   as torch casts Python floats;
/// - decisions torch makes on the host (weight decay or not, `lerp`'s
///   switch at weight 0.5, the first momentum step) are Swift `if`s in
///   ``emit(_:_:variant:)``, taken with the dtype's rounding (``UpdateEmitter/cast(_:)``);
/// - operations follow torch's order; the Program builder only makes exact
///   rewrites, so each one rounds as torch's kernel does.
public protocol OptimizerRule: Sendable {
    /// The name (`--optimizer`, run files, `state_dict`'s kind).
    static var kind: OptimizerKind { get }
    /// The state buffers torch keeps per parameter, in `state_dict` order.
    static var stateNames: [String] { get }
    /// The options torch.optim's constructor takes besides `lr`, in its
    /// order, named in snake_case: what the command line, `--compare` and
    /// `:optimizer` accept for this optimizer (Newton: `damping`).
    static var options: [String] { get }
    /// torch.optim's defaults for this optimizer (the config starts from
    /// gradlab's neutral values: no momentum, betas 0.9/0.999, eps 1e-8, ...).
    static func defaults(_ config: inout OptimizerConfig)
    /// Checks what torch.optim's constructor checks beyond the shared ranges,
    /// naming the options as `spelling` writes them.
    static func validate(_ config: OptimizerConfig, spelling: OptionSpelling) throws(GradlabError)
    /// The options that differ from the defaults, as `name=value` parts.
    static func summary(_ config: OptimizerConfig, defaults: OptimizerConfig) -> [String]
    /// The value a state buffer starts at (torch creates state lazily, at
    /// the first step).
    static func initialValue(of state: String, _ config: OptimizerConfig) -> Double
    /// Which form of the update step `step` (1-based) takes, when it is not
    /// always the same (SGD copies the gradient into the momentum buffer
    /// on its first step). The form may depend on the config but not on `lr`.
    static func variant(_ config: OptimizerConfig, step: Int) -> Int
    /// Emits one parameter's update for the given variant.
    static func emit(_ e: UpdateEmitter, _ config: OptimizerConfig, variant: Int)
    /// Whether the optimizer takes `weight_decay` (Rprop does not).
    static var hasWeightDecay: Bool { get }
}

extension OptimizerRule {
    public static var hasWeightDecay: Bool { true }
    public static func validate(_ config: OptimizerConfig, spelling: OptionSpelling) throws(GradlabError) {}
    public static func initialValue(of state: String, _ config: OptimizerConfig) -> Double { 0 }
    public static func variant(_ config: OptimizerConfig, step: Int) -> Int { 0 }
}

/// The optimizers gradlab has, in the order the TUI's `o` key cycles them.
public enum OptimizerRules {
    /// The registration: one line per optimizer.
    public static let all: [any OptimizerRule.Type] = [
        SGD.self, Adam.self, AdamW.self, RMSprop.self, Adagrad.self,
        NAdam.self, RAdam.self, Adamax.self, Adadelta.self, Rprop.self,
        Newton.self,
    ]

    static func rule(for kind: OptimizerKind) -> any OptimizerRule.Type {
        guard let rule = all.first(where: { $0.kind == kind }) else { preconditionFailure("no optimizer rule for '\(kind.rawValue)'") }
        return rule
    }
}

/// The Program builder as an optimizer rule sees it, for one parameter at
/// a time: the parameter, its gradient, its state, and the step's scalars.
///
///     // p = p - lr * g
///     e.setParameter(e.parameter + e.scalar("-lr") { c, _ in -c.lr } * e.gradient)
public final class UpdateEmitter {
    var composer: ProgramComposer
    private let castToScalar: @Sendable (Double) -> Double
    /// The scalars, in the order of their ``SweepInput/scalar(_:)`` slots.
    private(set) var scalars: [StepScalar] = []
    private var scalarIndex: [String: Int] = [:]
    /// Inputs and outputs the rule added, with what they are.
    private(set) var addedInputs: [(name: String, role: UpdateInputRole)] = []
    private(set) var addedOutputs: [(name: String, value: ProgramValue, role: UpdateOutputRole)] = []

    // The parameter being emitted.
    private var parameterIndex = 0
    private var parameterName = ""
    private var stateWritten: Set<String> = []
    private var parameterWritten = false
    private var stateRead: [String: ProgramValue] = [:]
    private var current: (parameter: ProgramValue, gradient: ProgramValue)?

    /// The parameter's value before the step.
    public var parameter: RuleValue {
        guard let current else { preconditionFailure("optimizer rule: no parameter begun") }
        return RuleValue(current.parameter, self)
    }

    /// The parameter's gradient.
    public var gradient: RuleValue {
        guard let current else { preconditionFailure("optimizer rule: no parameter begun") }
        return RuleValue(current.gradient, self)
    }

    init(composer: ProgramComposer, cast: @escaping @Sendable (Double) -> Double) {
        self.composer = composer
        castToScalar = cast
    }

    /// Starts parameter `index` (named `name` in input and output names).
    func begin(parameter index: Int, name: String, value: ProgramValue, gradient: ProgramValue) {
        parameterIndex = index
        parameterName = name
        stateWritten = []
        stateRead = [:]
        parameterWritten = false
        current = (value, gradient)
    }

    /// Ends the parameter: checks the rule set its new value.
    func end() {
        precondition(parameterWritten, "optimizer rule: emit must call setParameter")
    }

    /// The state buffer `name`'s value for this parameter, before the step.
    public func state(_ name: String) -> RuleValue {
        if let read = stateRead[name] { return RuleValue(read, self) }
        let input = "\(name)[\(parameterName)]"
        let value = composer.input(input)
        addedInputs.append((input, .state(name: name, parameter: parameterIndex)))
        stateRead[name] = value
        return RuleValue(value, self)
    }

    /// Sets the state buffer `name`'s value after the step.
    public func setState(_ name: String, _ value: RuleValue) {
        precondition(stateWritten.insert(name).inserted, "optimizer rule: state '\(name)' set twice")
        addedOutputs.append(("\(name)[\(parameterName)]'", value.value, .state(name: name, parameter: parameterIndex)))
    }

    /// Sets the parameter's value after the step.
    public func setParameter(_ value: RuleValue) {
        precondition(!parameterWritten, "optimizer rule: setParameter called twice")
        parameterWritten = true
        addedOutputs.append(("\(parameterName)'", value.value, .parameter(parameterIndex)))
    }

    /// A hyperparameter: `value(config)`, computed in Double on the host
    /// and cast to the dtype, as torch casts a Python float. Scalars are
    /// shared by name across parameters: name each after what it is
    /// (`-lr`, `beta2`, `1-dampening`).
    public func scalar(_ name: String, _ value: @escaping @Sendable (OptimizerConfig) -> Double) -> RuleValue {
        add(StepScalar(name: name, perStep: false) { config, _ in value(config) })
    }

    /// A hyperparameter that changes with the step: `value(config, t)` for
    /// step `t` (1-based), such as Adam's bias corrections.
    public func stepScalar(_ name: String, _ value: @escaping @Sendable (OptimizerConfig, Int) -> Double) -> RuleValue {
        add(StepScalar(name: name, perStep: true, value: value))
    }

    private func add(_ scalar: StepScalar) -> RuleValue {
        if scalarIndex[scalar.name] == nil {
            scalarIndex[scalar.name] = scalars.count
            scalars.append(scalar)
            addedInputs.append((scalar.name, .scalar(scalars.count - 1)))
        }
        return RuleValue(composer.input(scalar.name), self)
    }

    /// A constant, as a literal in the update (`1` in `1 - w`): converted to
    /// the dtype like every constant of a Program.
    public func constant(_ value: Double) -> RuleValue { RuleValue(composer.constant(value), self) }

    /// `value` rounded to the parameters' dtype, for the host's decisions
    /// (torch casts a weight to the tensor's dtype before comparing it).
    public func cast(_ value: Double) -> Double { castToScalar(value) }

    func unary(_ op: Program.UnaryOperation, _ a: RuleValue) -> RuleValue {
        RuleValue(composer.unary(op, a.value), self)
    }

    func binary(_ op: Program.BinaryOperation, _ a: RuleValue, _ b: RuleValue) -> RuleValue {
        RuleValue(composer.binary(op, a.value, b.value), self)
    }

    /// `torch.lerp(start, end, weight)` as ATen computes it: the formula
    /// switches at weight 0.5 so that both ends are exact, decided with the
    /// weight cast to the dtype, and `1 - weight` is computed in the dtype.
    /// - Parameters:
    ///   - weight: the weight's value, for the decision (from the config).
    ///   - scalar: the same weight as a step scalar.
    public func lerp(_ start: RuleValue, _ end: RuleValue, weight: Double, scalar: RuleValue) -> RuleValue {
        if abs(cast(weight)) < 0.5 { return start + scalar * (end - start) }
        return end - (end - start) * (constant(1) - scalar)
    }
}

/// One hyperparameter of an update, computed on the host for each step.
struct StepScalar: Sendable {
    var name: String
    /// Whether it depends on the step number (else only on the config).
    var perStep: Bool
    var value: @Sendable (OptimizerConfig, Int) -> Double
}

/// What an input a rule added is.
enum UpdateInputRole: Equatable {
    case state(name: String, parameter: Int)
    /// The step's scalar of that index.
    case scalar(Int)
}

/// What an output a rule added is.
enum UpdateOutputRole: Equatable {
    case parameter(Int)
    case state(name: String, parameter: Int)
    /// The parameter's new value minus its old one (the inspector's last step).
    case step(parameter: Int)
}

/// A value in an update rule; arithmetic on it emits instructions.
public struct RuleValue {
    let value: ProgramValue
    unowned let emitter: UpdateEmitter

    init(_ value: ProgramValue, _ emitter: UpdateEmitter) {
        self.value = value
        self.emitter = emitter
    }

    public static func + (a: RuleValue, b: RuleValue) -> RuleValue { a.emitter.binary(.add, a, b) }
    public static func - (a: RuleValue, b: RuleValue) -> RuleValue { a.emitter.binary(.subtract, a, b) }
    public static func * (a: RuleValue, b: RuleValue) -> RuleValue { a.emitter.binary(.multiply, a, b) }
    public static func / (a: RuleValue, b: RuleValue) -> RuleValue { a.emitter.binary(.divide, a, b) }
    public static prefix func - (a: RuleValue) -> RuleValue { a.emitter.unary(.negate, a) }

    /// The correctly rounded square root.
    public func squareRoot() -> RuleValue { emitter.unary(.sqrt, self) }

    /// `other >= self ? other : self`: Swift's `max(self, other)`, which
    /// keeps `self` when `other` is NaN (amsgrad's running maximum).
    public func larger(_ other: RuleValue) -> RuleValue { emitter.binary(.larger, self, other) }

    /// `torch.maximum(self, other)` and `torch.minimum`: NaN-propagating.
    public func maximum(_ other: RuleValue) -> RuleValue { emitter.binary(.maximum, self, other) }
    public func minimum(_ other: RuleValue) -> RuleValue { emitter.binary(.minimum, self, other) }

    /// `|self|`.
    public func magnitude() -> RuleValue { emitter.unary(.abs, self) }

    /// `torch.sign`: -1, 0 or 1, and 0 at NaN.
    public func sign() -> RuleValue { emitter.unary(.sign, self) }

    /// `self <= 0 ? 0 : 1` (1 at NaN). Of a ``sign()`` it is an exact 0/1
    /// mask, for a per-element choice between finite values
    /// (`mask * a + (1 - mask) * b`), as Rprop makes.
    public func isPositive() -> RuleValue { emitter.unary(.step, self) }
}

/// `torch.lerp` on one value, as ATen computes it (the scalar form of
/// ``UpdateEmitter/lerp(_:_:weight:scalar:)``): the weight is cast to the
/// type first, and `1 - w` is computed in the type.
func lerp<Scalar: BinaryFloatingPoint>(_ start: Scalar, _ end: Scalar, _ weight: Double) -> Scalar {
    let w = Scalar(weight)
    if abs(w) < 0.5 { return start + w * (end - start) }
    return end - (end - start) * (1 - w)
}
