extension Expression: CustomStringConvertible {
    /// Canonical text that parses back to an equal tree (when parsed with
    /// the same `variables`).
    ///
    /// Parentheses appear only where precedence needs them; `*`, `/` and `^`
    /// are written tight and `+`, `-` with spaces, so the tutorial's function
    /// prints exactly as the tutorial writes it:
    /// `sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)`.
    /// The constants print as numbers; NaN prints as `nan`, which does not parse.
    public var description: String { rendered.text }

    /// Binding strength of each printed form, matching the parser's levels.
    private enum Level: Int, Comparable {
        case sum = 1, product, unary, power, primary
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    private var rendered: (text: String, level: Level) {
        switch self {
        case .number(let value):
            // A negative literal reads back through the unary-minus rule, so
            // it binds like a unary expression.
            let text = Self.format(value)
            return (text, text.hasPrefix("-") ? .unary : .primary)
        case .variable(let name):
            return (name, .primary)
        case .unary(.negate, let operand):
            let inner = operand.rendered
            // `-2` would read back as the literal -2, so a negated number
            // keeps its parentheses: `-(2)`; a negative one needs none: `--2`.
            if case .number = operand, !inner.text.hasPrefix("-") { return ("-(\(inner.text))", .unary) }
            // The grammar's `unary = "-" unary`: a sign before a sign or a
            // power needs no parentheses. (Writing `-(-x)` doubled the
            // nesting of a chain of signs, so a deep one that parsed printed
            // as text too deeply nested to parse: found by FuzzExpression.)
            return ("-" + Self.wrap(inner, below: .unary), .unary)
        case .unary(let function, let operand):
            return ("\(function.rawValue)(\(operand.rendered.text))", .primary)
        case .binary(let op, let lhs, let rhs):
            switch op {
            case .minimum, .maximum:
                return ("\(op.rawValue)(\(lhs.rendered.text), \(rhs.rendered.text))", .primary)
            case .add, .subtract:
                return (Self.wrap(lhs.rendered, below: .sum) + " \(op.rawValue) " + Self.wrap(rhs.rendered, below: .product), .sum)
            case .multiply, .divide:
                return (Self.wrap(lhs.rendered, below: .product) + op.rawValue + Self.wrap(rhs.rendered, below: .unary), .product)
            case .power:
                // Right-associative: the base must be primary, the exponent
                // may be any unary expression (`2^-1`, `2^3^2`).
                return (Self.wrap(lhs.rendered, below: .primary) + "^" + Self.wrap(rhs.rendered, below: .unary), .power)
            }
        }
    }

    private static func wrap(_ part: (text: String, level: Level), below minimum: Level) -> String {
        part.level < minimum ? "(\(part.text))" : part.text
    }

    /// Shortest text that reads back as exactly `value`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        let sign = value.sign == .minus ? "-" : ""
        let magnitude = value.magnitude
        // 1e999 overflows to infinity when parsed, so it stands for infinity.
        if magnitude.isInfinite { return sign + "1e999" }
        if magnitude < 1e15, magnitude == magnitude.rounded(.towardZero) {
            return sign + String(Int64(magnitude))
        }
        // Swift's description is the shortest round-tripping decimal.
        return sign + magnitude.description
    }
}
