/// A malformed theme file: where and what, printed as `path:LINE:COL: what`.
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// A line with a key but no `=`.
        case missingEquals
        /// A line starting with `=`.
        case missingKey
        /// A key the format does not define.
        case unknownKey(String)
        /// A value that is not `#RRGGBB` or `default`.
        case badColor(String)
        /// Something after the colour other than a `#` comment.
        case trailingText(String)
        /// A key set twice.
        case duplicateKey(String, firstLine: Int)
        /// `ramp.N` keys must run 0, 1, 2, … with no gaps.
        case rampGap(missing: Int)
        /// `ramp.N` or `series.N` past the last one there can be.
        case indexTooLarge(String, count: Int)
    }

    /// The file as the user named it (or the theme name for in-memory text).
    public var path: String
    /// 1-based line.
    public var line: Int
    /// 1-based column of the offending text.
    public var column: Int
    public var reason: Reason

    public var description: String { "\(path):\(line):\(column): \(message)" }

    /// `text` with control characters written as escapes (`\r`, `\u{1B}`),
    /// so a message never moves the cursor or hides what is there.
    static func visible(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": shown += "\\r"
            case "\t": shown += "\\t"
            case "\n": shown += "\\n"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { shown += "\\u{\(String(scalar.value, radix: 16))}" } else { shown.unicodeScalars.append(scalar) }
            }
        }
        return shown
    }

    /// What was wrong, without the location.
    public var message: String {
        switch reason {
        case .missingEquals: return "expected '=' between key and colour"
        case .missingKey: return "expected a key before '='"
        case .unknownKey(let key): return "unknown key '\(key)' (see docs/themes.md for the keys)"
        case .badColor(let text):
            return text.isEmpty
                ? "missing colour after '=' (expected #RRGGBB or default)"
                : "bad colour '\(text)' (expected #RRGGBB or default)"
        case .trailingText(let text): return "unexpected '\(Self.visible(text))' after the colour"
        case .duplicateKey(let key, let first): return "duplicate key '\(key)' (first set on line \(first))"
        case .rampGap(let missing): return "ramp.\(missing) is missing: ramp levels must be numbered 0, 1, 2, ... without gaps"
        case .indexTooLarge(let key, let count):
            let prefix = key.prefix { $0 != "." }
            return "\(key): there are at most \(count) (\(prefix).0 to \(prefix).\(count - 1))"
        }
    }
}

extension Theme {
    /// Parses theme text; keys it leaves out come from the dark theme.
    ///
    /// Format: one `key = #RRGGBB` (or `key = default`) per line; blank lines
    /// and `#` comments (whole-line, or after the value) are ignored.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - name: the theme's name.
    ///   - path: how errors name the file (defaults to `name`).
    /// - Throws: ``ThemeError`` at the first malformed line.
    public static func parse(_ text: String, name: String, path: String? = nil) throws(ThemeError) -> Theme {
        try parse(text, name: name, path: path, base: .dark)
    }

    static func parse(_ text: String, name: String, path: String? = nil, base: Theme?) throws(ThemeError) -> Theme {
        let file = path ?? name
        var theme = base ?? .blank
        theme.name = name
        var seen: [String: Int] = [:]
        var ramp: [Int: (color: Color, line: Int, column: Int)] = [:]

        // "\r\n" is one Character in Swift: split on both (a Windows-edited
        // theme read as one long line showed a raw "\r" in its error).
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let lineNumber = index + 1
            var line = Array(rawLine.unicodeScalars)
            if line.last == "\r" { line.removeLast() }
            func fail(_ column: Int, _ reason: ThemeError.Reason) -> ThemeError {
                ThemeError(path: file, line: lineNumber, column: column + 1, reason: reason)
            }
            var i = skipSpaces(line, from: 0)
            if i == line.count || line[i] == "#" { continue }

            // key
            let keyStart = i
            while i < line.count, line[i] != "=", !isSpace(line[i]) { i += 1 }
            let key = String(String.UnicodeScalarView(line[keyStart..<i]))
            i = skipSpaces(line, from: i)
            if key.isEmpty { throw fail(keyStart, .missingKey) }
            guard i < line.count, line[i] == "=" else { throw fail(i, .missingEquals) }

            // value
            i = skipSpaces(line, from: i + 1)
            let valueStart = i
            while i < line.count, !isSpace(line[i]) { i += 1 }
            let value = String(String.UnicodeScalarView(line[valueStart..<i]))
            let rest = skipSpaces(line, from: i)
            if rest < line.count, line[rest] != "#" {
                let junk = String(String.UnicodeScalarView(line[rest...])).trimmingTrailingSpaces
                throw fail(rest, .trailingText(junk))
            }
            guard let color = parseColor(value) else { throw fail(valueStart, .badColor(value)) }

            if let first = seen[key] { throw fail(keyStart, .duplicateKey(key, firstLine: first)) }
            if let keyPath = scalarKeys[key] {
                theme[keyPath: keyPath] = color
            } else if let n = indexedKey(key, prefix: "ramp.", below: maximumRampLevels) {
                ramp[n] = (color, lineNumber, keyStart + 1)
            } else if let n = indexedKey(key, prefix: "series.", below: seriesCount) {
                theme.series[n] = color
            } else if indexedKey(key, prefix: "ramp.", below: Int.max) != nil {
                throw fail(keyStart, .indexTooLarge(key, count: maximumRampLevels))
            } else if indexedKey(key, prefix: "series.", below: Int.max) != nil {
                throw fail(keyStart, .indexTooLarge(key, count: seriesCount))
            } else {
                throw fail(keyStart, .unknownKey(key))
            }
            seen[key] = lineNumber
        }

        if !ramp.isEmpty {
            // A ramp given in part would mix two themes' shading: all or nothing.
            let count = ramp.count
            if let (highest, entry) = ramp.max(by: { $0.key < $1.key }), highest != count - 1 {
                let missing = (0..<highest).first { ramp[$0] == nil } ?? count
                throw ThemeError(path: file, line: entry.line, column: entry.column, reason: .rampGap(missing: missing))
            }
            theme.ramp = (0..<count).compactMap { ramp[$0]?.color }
        }
        return theme
    }

    /// `#RRGGBB` (either case) or `default`.
    static func parseColor(_ text: String) -> Color? {
        if text == "default" { return .default }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 7, scalars[0] == "#" else { return nil }
        var channels: [UInt8] = []
        for pair in stride(from: 1, to: 7, by: 2) {
            guard let high = hexDigit(scalars[pair]), let low = hexDigit(scalars[pair + 1]) else { return nil }
            channels.append(high << 4 | low)
        }
        return .rgb(channels[0], channels[1], channels[2])
    }

    private static func hexDigit(_ s: Unicode.Scalar) -> UInt8? {
        switch s.value {
        case 0x30...0x39: return UInt8(s.value - 0x30)
        case 0x41...0x46: return UInt8(s.value - 0x41 + 10)
        case 0x61...0x66: return UInt8(s.value - 0x61 + 10)
        default: return nil
        }
    }

    /// `prefix` followed by a plain decimal below `limit` (no sign, no leading zeros).
    private static func indexedKey(_ key: String, prefix: String, below limit: Int) -> Int? {
        guard key.hasPrefix(prefix) else { return nil }
        let digits = key.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              digits == "0" || !digits.hasPrefix("0"), let n = Int(digits), n < limit
        else { return nil }
        return n
    }

    private static func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\r" }

    private static func skipSpaces(_ line: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < line.count, isSpace(line[i]) { i += 1 }
        return i
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s.removeLast() }
        return s
    }
}
