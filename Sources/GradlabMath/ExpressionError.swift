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

    /// The most source characters ``description`` echoes: a longer source is
    /// shown as a window around the column, with `…` where it is cut (a
    /// 100 KB expression echoed whole buried the message).
    public static let echoLimit = 72

    /// ``oneLine``, then the source (or a window of it around the column)
    /// and a caret under the column, each indented two spaces.
    public var description: String {
        let characters = Array(source)
        let caret = max(column - 1, 0)
        var start = 0, end = characters.count
        if characters.count > Self.echoLimit {
            start = max(0, min(caret - Self.echoLimit / 2, characters.count - Self.echoLimit))
            end = min(characters.count, start + Self.echoLimit)
        }
        let head = start > 0 ? "…" : ""
        let tail = end < characters.count ? "…" : ""
        let shown = String(characters[start..<end])
        // Tabs before the column are kept as tabs so the caret lines up
        // whatever the terminal's tab width.
        let before = characters[start..<min(max(caret, start), end)]
        let padding = (head.isEmpty ? "" : " ") + before.map { $0 == "\t" ? "\t" : " " }.joined()
        let extra = String(repeating: " ", count: max(caret - max(end, start), 0))
        return "\(oneLine)\n  \(head)\(shown)\(tail)\n  \(padding)\(extra)^"
    }
}
