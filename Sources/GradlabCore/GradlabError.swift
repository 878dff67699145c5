/// A user-facing failure: one line that says what was wrong and where.
///
/// Loaders put the location first, compiler style:
/// `starts.csv:4:7: 'abc' is not a number (column x2)`.
public struct GradlabError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    /// This error with the flag that named `path` in front, where it speaks
    /// of that path first: `--data nope.csv: cannot read file (no such file)`.
    public func naming(flag: String, path: String) -> GradlabError {
        message.hasPrefix(path + ":") ? GradlabError("\(flag) \(message)") : self
    }

    /// An error at a place in a file; line and column are 1-based.
    public static func at(_ path: String, line: Int, column: Int? = nil, _ message: String) -> GradlabError {
        if let column {
            return GradlabError("\(path):\(line):\(column): \(message)")
        }
        return GradlabError("\(path):\(line): \(message)")
    }

    public var description: String { message }
}
