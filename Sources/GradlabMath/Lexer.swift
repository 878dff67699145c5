/// One token of the expression language, with the column it starts at.
struct Token: Equatable {
    enum Kind: Equatable {
        case number(Double)
        case name(String)
        /// One of `+ - * / ^ ( ) ,`; `**` is read as `^`.
        case symbol(Character)
        /// A run of digits and dots that is not a number; the parser reports it.
        case malformedNumber(String, reason: String)
        /// A character the language has no use for; the parser reports it.
        case invalid(Character)
        case end
    }

    let kind: Kind
    /// 1-based column in Characters.
    let column: Int
    /// The text the token was read from, for error messages.
    let text: String
}

/// Splits source text into tokens.
///
/// Lexing never fails: bad characters and malformed numbers become tokens of
/// their own, so errors are reported in source order by the parser, which
/// knows what it expected there.
enum Lexer {
    static func tokens(_ source: String) -> [Token] {
        let chars = Array(source)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
            } else if isDigit(c) || c == "." {
                let start = i
                let kind = lexNumber(chars, &i)
                tokens.append(Token(kind: kind, column: start + 1, text: String(chars[start..<i])))
            } else if c.isLetter || c == "_" {
                let start = i
                while i < chars.count, chars[i].isLetter || chars[i] == "_" || isDigit(chars[i]) { i += 1 }
                let name = String(chars[start..<i])
                tokens.append(Token(kind: .name(name), column: start + 1, text: name))
            } else if c == "*", i + 1 < chars.count, chars[i + 1] == "*" {
                tokens.append(Token(kind: .symbol("^"), column: i + 1, text: "**"))
                i += 2
            } else if "+-*/^(),".contains(c) {
                tokens.append(Token(kind: .symbol(c), column: i + 1, text: String(c)))
                i += 1
            } else {
                tokens.append(Token(kind: .invalid(c), column: i + 1, text: String(c)))
                i += 1
            }
        }
        tokens.append(Token(kind: .end, column: chars.count + 1, text: ""))
        return tokens
    }

    private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    /// Reads `digits [. digits] [(e|E) [+|-] digits]` greedily, so that `1.2.3`
    /// and `..5` are one malformed token rather than a confusing sequence.
    private static func lexNumber(_ chars: [Character], _ i: inout Int) -> Token.Kind {
        let start = i
        var digits = 0
        var dots = 0
        while i < chars.count, isDigit(chars[i]) || chars[i] == "." {
            if chars[i] == "." { dots += 1 } else { digits += 1 }
            i += 1
        }
        var exponentDigits = -1  // -1: no exponent
        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
            i += 1
            if i < chars.count, chars[i] == "+" || chars[i] == "-" { i += 1 }
            exponentDigits = 0
            while i < chars.count, isDigit(chars[i]) {
                exponentDigits += 1
                i += 1
            }
        }
        let text = String(chars[start..<i])
        if dots > 1 { return .malformedNumber(text, reason: "more than one '.'") }
        if digits == 0 { return .malformedNumber(text, reason: "no digits") }
        if exponentDigits == 0 { return .malformedNumber(text, reason: "no digits in the exponent") }
        // Swift's Double(String) accepts exactly this shape (and returns
        // infinity on overflow, which the language allows).
        guard let value = Double(text) else { return .malformedNumber(text, reason: "not a number") }
        return .number(value)
    }
}
