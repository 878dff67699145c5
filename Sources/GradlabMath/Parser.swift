extension Expression {
    /// Parses text such as `sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)`.
    ///
    /// The language (numbers, `+ - * / ^`, unary minus and plus, parentheses,
    /// functions, `min`/`max`, `pi`, `e`) is described in `docs/expressions.md`.
    /// Function and constant names are reserved: they are never variables.
    ///
    ///     try Expression.parse("x^2 + 1", variables: ["x"])
    ///
    /// - Parameters:
    ///   - text: the source, on one line; whitespace is free.
    ///   - variables: the names allowed; nil allows any identifier that is
    ///     not a function or constant.
    /// - Throws: an ``ExpressionError`` naming the first problem and its column.
    public static func parse(_ text: String, variables: [String]? = nil) throws(ExpressionError) -> Expression {
        var parser = Parser(source: text, variables: variables)
        return try parser.parseAll()
    }
}

/// The constants the language names. They parse to numbers.
let namedConstants: [(name: String, value: Double)] = [("pi", Double.pi), ("e", 2.718281828459045)]

/// A recursive-descent parser, one method per precedence level:
///
///     sum     = product { ("+" | "-") product }
///     product = unary { ("*" | "/") unary }
///     unary   = ("-" | "+") unary | power
///     power   = primary [ "^" unary ]        (right-associative)
///     primary = number | name | call | "(" sum ")"
struct Parser {
    let source: String
    let variables: [String]?
    private let tokens: [Token]
    private var position = 0
    /// Current nesting of unary expressions (parentheses, calls, signs, exponents).
    private var depth = 0

    /// Trees are walked recursively (printing, evaluating, compiling), so a
    /// pathological input must not nest deeper than a thread's stack allows.
    static let maximumNesting = 256
    static let maximumTokens = 10_000

    init(source: String, variables: [String]?) {
        self.source = source
        self.variables = variables
        self.tokens = Lexer.tokens(source)
    }

    private var current: Token { tokens[position] }

    private func peek(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func isSymbol(_ token: Token, _ symbol: Character) -> Bool { token.kind == .symbol(symbol) }

    private func error(_ message: String, at column: Int) -> ExpressionError {
        ExpressionError(message: message, source: source, column: column)
    }

    mutating func parseAll() throws(ExpressionError) -> Expression {
        if current.kind == .end { throw error("empty expression", at: 1) }
        if tokens.count > Self.maximumTokens + 1 {
            throw error("expression too long (more than \(Self.maximumTokens) tokens)", at: tokens[Self.maximumTokens].column)
        }
        let expression = try parseSum()
        switch current.kind {
        case .end: return expression
        case .symbol(")"): throw error("unmatched ')'", at: current.column)
        case .invalid, .malformedNumber: throw badToken(current)
        default: throw error("expected an operator before '\(current.text)'", at: current.column)
        }
    }

    private mutating func parseSum() throws(ExpressionError) -> Expression {
        var lhs = try parseProduct()
        while true {
            let op: BinaryOperator
            if isSymbol(current, "+") { op = .add } else if isSymbol(current, "-") { op = .subtract } else { return lhs }
            advance()
            lhs = .binary(op, lhs, try parseProduct())
        }
    }

    private mutating func parseProduct() throws(ExpressionError) -> Expression {
        var lhs = try parseUnary()
        while true {
            let op: BinaryOperator
            if isSymbol(current, "*") { op = .multiply } else if isSymbol(current, "/") { op = .divide } else { return lhs }
            advance()
            lhs = .binary(op, lhs, try parseUnary())
        }
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumNesting {
            throw error("expression nested too deeply (more than \(Self.maximumNesting) levels)", at: current.column)
        }
        if isSymbol(current, "-") {
            // `-2` is the literal -2 (so that a negative number prints and
            // parses back to the same tree), but `-2^2` is -(2^2).
            if case .number(let value) = peek(1).kind, !isSymbol(peek(2), "^") {
                advance()
                advance()
                return .number(-value)
            }
            advance()
            return .unary(.negate, try parseUnary())
        }
        if isSymbol(current, "+") {
            advance()
            return try parseUnary()
        }
        return try parsePower()
    }

    private mutating func parsePower() throws(ExpressionError) -> Expression {
        let base = try parsePrimary()
        guard isSymbol(current, "^") else { return base }
        advance()
        // The exponent is a unary expression: `2^-1` is allowed, and since
        // unary recurses into power, `2^3^2` groups as 2^(3^2).
        return .binary(.power, base, try parseUnary())
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expression {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return .number(value)
        case .name(let name):
            advance()
            return try parseName(name, at: token.column)
        case .symbol("("):
            advance()
            let inner = try parseSum()
            guard isSymbol(current, ")") else { throw expected("')'") }
            advance()
            return inner
        case .end:
            throw error("unexpected end of input", at: token.column)
        case .symbol:
            throw error("expected a number, name or '(' before '\(token.text)'", at: token.column)
        case .invalid, .malformedNumber:
            throw badToken(token)
        }
    }

    /// "expected X" at the current token, unless that token is itself bad.
    private func expected(_ what: String) -> ExpressionError {
        switch current.kind {
        case .invalid, .malformedNumber: badToken(current)
        default: error("expected \(what)", at: current.column)
        }
    }

    private func badToken(_ token: Token) -> ExpressionError {
        switch token.kind {
        case .malformedNumber(let text, let reason):
            return error("malformed number '\(text)' (\(reason))", at: token.column)
        case .invalid(let character):
            return error("unexpected character '\(character)'", at: token.column)
        default:
            return error("unexpected '\(token.text)'", at: token.column)
        }
    }

    /// A name is a call, a constant, or a variable, in that order.
    private mutating func parseName(_ name: String, at column: Int) throws(ExpressionError) -> Expression {
        let unary = UnaryFunction.named.first { $0.rawValue == name }
        let binary = BinaryOperator.named.first { $0.rawValue == name }
        if isSymbol(current, "(") {
            if let unary {
                let arguments = try parseArguments(of: name, arity: 1, at: column)
                return .unary(unary, arguments[0])
            }
            if let binary {
                let arguments = try parseArguments(of: name, arity: 2, at: column)
                return .binary(binary, arguments[0], arguments[1])
            }
            throw error("unknown function '\(name)' (known: \(functionNames.joined(separator: ", ")))", at: column)
        }
        if unary != nil || binary != nil {
            throw error("expected '(' after function '\(name)'", at: current.column)
        }
        if let constant = namedConstants.first(where: { $0.name == name }) {
            return .number(constant.value)
        }
        guard let variables else { return .variable(name) }
        if variables.contains(name) { return .variable(name) }
        let known = variables + namedConstants.map(\.name) + functionNames
        throw error("unknown name '\(name)' (known: \(known.joined(separator: ", ")))", at: column)
    }

    private var functionNames: [String] {
        UnaryFunction.named.map(\.rawValue) + BinaryOperator.named.map(\.rawValue)
    }

    /// Parses `( sum {, sum} )` after a function name and checks the count.
    private mutating func parseArguments(of name: String, arity: Int, at column: Int) throws(ExpressionError) -> [Expression] {
        advance()  // "("
        var arguments: [Expression] = []
        if !isSymbol(current, ")") {
            while true {
                arguments.append(try parseSum())
                if isSymbol(current, ",") {
                    advance()
                } else if isSymbol(current, ")") {
                    break
                } else {
                    throw expected(arguments.count < arity ? "',' or ')'" : "')'")
                }
            }
        }
        advance()  // ")"
        guard arguments.count == arity else {
            let noun = arity == 1 ? "argument" : "arguments"
            throw error("\(name) takes \(arity) \(noun), got \(arguments.count)", at: column)
        }
        return arguments
    }
}
