/// An expression tree over named variables.
///
/// Trees come from ``parse(_:variables:)`` (the expression language is
/// described in `docs/expressions.md`) or are built directly:
///
///     let f = try Expression.parse("sin(x1)*cos(x2)")
///     f.evaluate(["x1": 1, "x2": 0])   // sin(1)
///
/// The constants `pi` and `e` parse to ``number(_:)``; there is no constant case.
public indirect enum Expression: Hashable, Sendable {
    /// A literal number; negative literals come from `-2` written directly.
    case number(Double)
    /// A named variable (or model parameter), bound at evaluation time.
    case variable(String)
    /// A one-argument function, or negation.
    case unary(UnaryFunction, Expression)
    /// An infix operator, or the two-argument functions `min` and `max`.
    case binary(BinaryOperator, Expression, Expression)
}

/// A function of one argument (negation included).
///
/// The raw value is the name in the expression language (`-` for negation).
public enum UnaryFunction: String, Sendable, CaseIterable {
    case negate = "-"
    case sin, cos, tan, exp, log, sqrt, abs, tanh, sigmoid, relu

    /// The functions callable by name, in the order error messages list them.
    static let named: [UnaryFunction] = allCases.filter { $0 != .negate }
}

/// An operator or function of two arguments.
///
/// The raw value is the operator symbol or function name in the language.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case power = "^"
    case minimum = "min"
    case maximum = "max"

    /// The two-argument functions (as opposed to infix operators).
    static let named: [BinaryOperator] = [.minimum, .maximum]
}

extension Expression {
    /// The names of the variables the expression uses.
    public var variables: Set<String> {
        var names = Set<String>()
        collectVariables(into: &names)
        return names
    }

    private func collectVariables(into names: inout Set<String>) {
        switch self {
        case .number: break
        case .variable(let name): names.insert(name)
        case .unary(_, let operand): operand.collectVariables(into: &names)
        case .binary(_, let lhs, let rhs):
            lhs.collectVariables(into: &names)
            rhs.collectVariables(into: &names)
        }
    }

    /// Whether the expression uses no variables (so its value is a constant).
    var isConstant: Bool {
        switch self {
        case .number: true
        case .variable: false
        case .unary(_, let operand): operand.isConstant
        case .binary(_, let lhs, let rhs): lhs.isConstant && rhs.isConstant
        }
    }

    /// Evaluates in Double: the slow reference that Programs are checked against.
    ///
    /// The math is the C library's (through RealModule, the same functions
    /// Foundation calls), with exactly the operation semantics of a compiled
    /// ``Program``: a constant exponent takes PyTorch's fast paths
    /// (`x^2` is `x*x`, `x^0.5` is `sqrt(x)`, ...), `min`/`max` propagate NaN.
    ///
    /// - Parameter bindings: a value for each variable; a missing one reads as NaN.
    /// - Returns: the value, never throwing.
    public func evaluate(_ bindings: [String: Double]) -> Double {
        switch self {
        case .number(let value):
            return value
        case .variable(let name):
            return bindings[name] ?? .nan
        case .unary(let function, let operand):
            return ScalarMath.apply(Program.UnaryOperation(function), operand.evaluate(bindings))
        case .binary(.power, let base, let exponent) where exponent.isConstant:
            // Mirrors the compiler, which folds a constant exponent and then
            // picks a fast path for it.
            return ScalarMath.power(base.evaluate(bindings), constantExponent: exponent.evaluate(bindings))
        case .binary(let op, let lhs, let rhs):
            return ScalarMath.apply(Program.BinaryOperation(op), lhs.evaluate(bindings), rhs.evaluate(bindings))
        }
    }
}
