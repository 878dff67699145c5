import Foundation

extension RunFile {
    /// How the streaming reader (``parse(_:path:)``) and the JSONDecoder
    /// reference (``parseWithJSONDecoder(_:path:)``) disagree on `data`;
    /// nil when they agree. The fuzz target and the tests share it.
    ///
    /// They agree when both refuse the bytes, naming the same line (the
    /// wording differs by design: the streaming reader adds the column and
    /// why the JSON is not valid), or when both accept them with the same
    /// version, config, status, warning and events (compared as text, which
    /// tells every bit of every number apart, NaN aside).
    ///
    /// One difference is by design and not counted: the reference reads an
    /// integer field (`epoch`, `seed`, a `configure`'s `points`) through
    /// `Decimal`, exact up to 38 digits, so where the bytes hold a number
    /// written with more (`1.000…0001`, `100…0e-140`) a disagreement is
    /// not reported.
    @_spi(Testing)
    public static func readersDisagree(on data: Data) -> String? {
        guard let difference = difference(data) else { return nil }
        return holdsNumberLongerThanDecimal(data) ? nil : difference
    }

    private static func difference(_ data: Data) -> String? {
        let path = "fuzz.json"
        let fast = Result { () throws(GradlabError) in try parse(data, path: path) }
        let reference = Result { () throws(GradlabError) in try parseWithJSONDecoder(data, path: path) }
        switch (fast, reference) {
        case (.failure(let fast), .failure(let reference)):
            let (fastLine, referenceLine) = (line(of: fast, path: path), line(of: reference, path: path))
            return fastLine == referenceLine ? nil
                : "both refuse it, at different lines: \(fast.message) | reference: \(reference.message)"
        case (.success(let file), .failure(let error)):
            return "only the reference refuses it: \(error.message) | the reader read \(file.events.count) events"
        case (.failure(let error), .success(let file)):
            return "only the reader refuses it: \(error.message) | the reference read \(file.events.count) events"
        case (.success(let fast), .success(let reference)):
            if fast.version != reference.version { return "version \(fast.version) | reference \(reference.version)" }
            if fast.config != reference.config { return "different configs" }
            if fast.status != reference.status {
                return "status \(fast.status ?? "nil") | reference \(reference.status ?? "nil")"
            }
            if fast.warning != reference.warning {
                return "warning \(fast.warning ?? "nil") | reference \(reference.warning ?? "nil")"
            }
            if fast.events.count != reference.events.count {
                return "\(fast.events.count) events | reference \(reference.events.count)"
            }
            for (index, (mine, theirs)) in zip(fast.events, reference.events).enumerated() where "\(mine)" != "\(theirs)" {
                return "event \(index): \(mine) | reference \(theirs)"
            }
            return nil
        }
    }

    /// Whether some run of digits (a `.` between them allowed) in `data` is
    /// longer than `Decimal`'s 38.
    private static func holdsNumberLongerThanDecimal(_ data: Data) -> Bool {
        var digits = 0
        for byte in data {
            if byte &- 0x30 < 10 {
                digits += 1
                if digits > 38 { return true }
            } else if byte != UInt8(ascii: ".") {
                digits = 0
            }
        }
        return false
    }

    /// The line an error names (`path:LINE:` or `path:LINE:COLUMN:`); nil
    /// for an error about the whole file.
    private static func line(of error: GradlabError, path: String) -> Int? {
        guard error.message.hasPrefix(path + ":") else { return nil }
        let digits = error.message.dropFirst(path.count + 1).prefix { $0.isASCII && $0.isNumber }
        return Int(digits)
    }
}
