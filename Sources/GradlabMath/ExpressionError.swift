/// Why a text did not parse, and where.
///
/// `oneLine` fits a status bar; `description` adds the source and a caret:
///
///     column 7: expected ')'
///       sin(x1
///             ^
public struct ExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, e.g. `expected ')'` or `unknown name 'x3' (known: x1, x2, pi, e, sin, ...)`.
    public let message: String
    /// The text that was parsed.
    public let source: String
    /// The 1-based column, counted in Characters, that the message points at.
    /// One past the end means the end of the input.
    public let column: Int

    /// Creates an error pointing at `column` of `source`.
    public init(message: String, source: String, column: Int) {
        self.message = message
        self.source = source
        self.column = column
    }

    /// The message prefixed by its column: `column 7: expected ')'`.
    public var oneLine: String { "column \(column): \(message)" }

    /// ``oneLine``, then the source and a caret under the column, each indented two spaces.
    public var description: String {
        // Tabs before the column are kept as tabs so the caret lines up
        // whatever the terminal's tab width.
        let padding = source.prefix(max(column - 1, 0)).map { $0 == "\t" ? "\t" : " " }.joined()
        let extra = String(repeating: " ", count: max(column - 1 - source.count, 0))
        return "\(oneLine)\n  \(source)\n  \(padding)\(extra)^"
    }
}
