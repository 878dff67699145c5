import GradlabCore

/// Parses the whole-number flags (`--epochs`, `--points`, `--seed`, ...)
/// so that a value ArgumentParser cannot take says why. Its own error named
/// no reason (`The value '-1' is invalid for '--seed <seed>'`); now it
/// ends `: a seed is a whole number from 0 to 4294967295`, and `1e6` or
/// `99999999999999999999` say what is wrong with them.
enum WholeNumber {
    /// `--epochs`, `--points`, `--track`, ...: any Int (each flag checks its own range after).
    static func int(_ text: String) throws(GradlabError) -> Int {
        if let value = Int(text) { return value }
        if let whole = written(text, as: Int.self) { throw GradlabError("write the whole number as \(whole)") }
        let whole = Double(text).map { $0.isFinite && $0 == $0.rounded() } ?? false
        guard whole || isDigits(text) else { throw GradlabError("not a whole number") }
        throw GradlabError(text.hasPrefix("-") ? "too small (at least \(Int.min))" : "too large (at most \(Int.max))")
    }

    /// `--seed`, `--split-seed`: NumPy's seeds, 0 to 2^32 - 1.
    static func seed(_ text: String) throws(GradlabError) -> UInt32 {
        if let value = UInt32(text) { return value }
        let range = "a seed is a whole number from 0 to \(UInt32.max)"
        if let whole = written(text, as: UInt32.self) { throw GradlabError("\(range); write \(whole)") }
        throw GradlabError(range)
    }

    /// The whole number `text` writes another way (`1e6`, `100.0`), or nil.
    static func written<T: FixedWidthInteger>(_ text: String, as: T.Type) -> T? {
        guard let double = Double(text), double.isFinite, double == double.rounded() else { return nil }
        return T(exactly: double)
    }

    /// Digits, with an optional sign: a whole number, if one too big for an Int.
    private static func isDigits(_ text: String) -> Bool {
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
