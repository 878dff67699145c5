import Foundation

/// The value readers of an event line (numbers, strings, points,
/// parameters, summaries, optimizers, nested objects and arrays), which
/// ``EventLineReader``'s field reader calls for each key.
extension EventLineReader {
    /// A number, or nil (after skipping it) for anything else and for a
    /// number a Double cannot hold.
    @inline(__always)
    mutating func readNumber() throws(Failure) -> Double? {
        guard i < end, p[i] == UInt8(ascii: "-") || p[i] &- 0x30 < 10 else {
            try skipValue()
            return nil
        }
        let scanned = try scanNumber()
        return scanned.representable ? scanned.value : nil
    }

    /// A number; NaN for anything else (`null`, which NaN is written as).
    @inline(__always)
    mutating func readLenientNumber() throws(Failure) -> Double {
        try readNumber() ?? .nan
    }

    mutating func readInteger() throws(Failure) -> Int? {
        guard i < end, p[i] == UInt8(ascii: "-") || p[i] &- 0x30 < 10 else {
            try skipValue()
            return nil
        }
        return try scanNumber(integer: true).integer
    }

    /// An integer; for an integer past Int's range, nil and its text.
    mutating func readIntegerOrText() throws(Failure) -> (Int?, String?) {
        guard i < end, p[i] == UInt8(ascii: "-") || p[i] &- 0x30 < 10 else {
            try skipValue()
            return (nil, nil)
        }
        let start = i
        let scanned = try scanNumber(integer: true)
        guard scanned.integerBeyondInt else { return (scanned.integer, nil) }
        return (nil, String(decoding: UnsafeBufferPointer(start: p + start, count: scanned.end - start), as: UTF8.self))
    }

    @inline(__always)
    mutating func scanNumber(integer: Bool = false) throws(Failure) -> DecimalNumber.Scanned {
        do {
            let scanned = try DecimalNumber.scan(p, from: i, end: end, integer: integer)
            i = scanned.end
            return scanned
        } catch {
            throw .syntax(offset: error.offset, reason: error.reason)
        }
    }

    mutating func readBool() throws(Failure) -> Bool? {
        if matchLiteral("true") { return true }
        if matchLiteral("false") { return false }
        try skipValue()
        return nil
    }

    mutating func readString() throws(Failure) -> String? {
        guard i < end, p[i] == UInt8(ascii: "\"") else {
            try skipValue()
            return nil
        }
        let (start, stop, escaped) = try scanString()
        return Self.text(p, start, stop, escaped: escaped)
    }

    /// An array's elements as numbers, NaN for each that is not one; nil
    /// (after skipping it) when the value is not an array.
    mutating func readNumberArray() throws(Failure) -> [Double]? {
        guard i < end, p[i] == UInt8(ascii: "[") else {
            try skipValue()
            return nil
        }
        numbers.removeAll(keepingCapacity: true)
        try readArray { reader throws(Failure) in reader.numbers.append(try reader.readLenientNumber()) }
        return Array(numbers)
    }

    /// `[[x1, x2], ...]`: nil when it is not an array of arrays; a missing
    /// coordinate or one that is not a number is NaN, extra ones are ignored.
    mutating func readPoints() throws(Failure) -> [SIMD2<Double>]? {
        guard i < end, p[i] == UInt8(ascii: "[") else {
            try skipValue()
            return nil
        }
        pairs.removeAll(keepingCapacity: true)
        var allPairs = true
        try readArray { reader throws(Failure) in
            guard reader.i < reader.end, reader.p[reader.i] == UInt8(ascii: "[") else {
                allPairs = false
                try reader.skipValue()
                return
            }
            var pair = SIMD2<Double>(.nan, .nan)
            var count = 0
            try reader.readArray { reader throws(Failure) in
                if count < 2 {
                    pair[count] = try reader.readLenientNumber()
                } else {
                    try reader.skipValue()
                }
                count += 1
            }
            reader.pairs.append(pair)
        }
        return allPairs ? Array(pairs) : nil
    }

    /// `{"weight": [...], ...}` in the labs' parameter order; a value that
    /// is not an array reads as no values.
    mutating func readParams() throws(Failure) -> [NamedValues]? {
        guard i < end, p[i] == UInt8(ascii: "{") else {
            try skipValue()
            return nil
        }
        var params: [NamedValues] = []
        try readObject { reader, name throws(Failure) in
            let values = try reader.readNumberArray() ?? []
            if let name, !params.contains(where: { $0.name == name }) { params.append(NamedValues(name, values)) }
        }
        let rank = { (name: String) in (Self.parameterOrder.firstIndex(of: name) ?? Self.parameterOrder.count, name) }
        return params.sorted { rank($0.name) < rank($1.name) }
    }

    /// `{"fMin":…,"fMax":…,"mean":[x1,x2]}`; what is missing is NaN.
    mutating func readSummary() throws(Failure) -> PointSummary? {
        guard i < end, p[i] == UInt8(ascii: "{") else {
            try skipValue()
            return nil
        }
        var fMin: Double?, fMax: Double?, mean: [Double]?
        try readObject { reader, name throws(Failure) in
            switch name {
            case "fMin" where fMin == nil: fMin = try reader.readLenientNumber()
            case "fMax" where fMax == nil: fMax = try reader.readLenientNumber()
            case "mean" where mean == nil: mean = try reader.readNumberArray() ?? []
            default: try reader.skipValue()
            }
        }
        let pair = mean ?? []
        return PointSummary(fMin: fMin ?? .nan, fMax: fMax ?? .nan,
                            mean: SIMD2(pair.first ?? .nan, pair.dropFirst().first ?? .nan))
    }

    /// `[{summary}, ...]` (`groupSummary`): nil when it is not an array; an
    /// element that is not an object reads as all NaN.
    mutating func readSummaries() throws(Failure) -> [PointSummary]? {
        guard i < end, p[i] == UInt8(ascii: "[") else {
            try skipValue()
            return nil
        }
        var summaries: [PointSummary] = []
        try readArray { reader throws(Failure) in
            summaries.append(try reader.readSummary() ?? .unknown)
        }
        return summaries
    }

    /// The optimizer object, decoded as the config is (an optimizer change
    /// is a rare event: `JSONDecoder` on its bytes is no cost).
    mutating func readOptimizer() throws(Failure) -> OptimizerConfig? {
        let start = i
        let isObject = i < end && p[i] == UInt8(ascii: "{")
        try skipValue()
        guard isObject else { return nil }
        let bytes = Data(UnsafeBufferPointer(start: p + start, count: i - start))
        return try? JSONDecoder().decode(OptimizerConfig.self, from: bytes)
    }

    /// Reads an object at `p[i]` (a `{`), calling `value` with each key (nil
    /// when it is not valid UTF-8) to read or skip that key's value.
    mutating func readObject(_ value: (inout EventLineReader, String?) throws(Failure) -> Void) throws(Failure) {
        try open()
        skipSpace()
        if i < end, p[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return
        }
        while true {
            skipSpace()
            guard i < end, p[i] == UInt8(ascii: "\"") else { throw unexpected("expected a key in quotes") }
            let (start, stop, escaped) = try scanString()
            let name = Self.text(p, start, stop, escaped: escaped)
            skipSpace()
            try expect(UInt8(ascii: ":"), "expected ':' after a key")
            skipSpace()
            try value(&self, name)
            skipSpace()
            guard i < end else { throw .syntax(offset: i, reason: "the line ends inside an object") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return }
            throw unexpected("expected ',' or '}' after a value")
        }
    }

    /// Reads an array at `p[i]` (a `[`), calling `element` at each element
    /// (spaces skipped) to read or skip it.
    @inline(__always)
    mutating func readArray(_ element: (inout EventLineReader) throws(Failure) -> Void) throws(Failure) {
        try open()
        skipSpace()
        if i < end, p[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return
        }
        while true {
            skipSpace()
            try element(&self)
            skipSpace()
            guard i < end else { throw .syntax(offset: i, reason: "the line ends inside an array") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return }
            throw unexpected("expected ',' or ']' in an array")
        }
    }

    /// Steps into the array or object at `p[i]`. (A failure ends the line,
    /// so only a return closes one.)
    @inline(__always)
    mutating func open() throws(Failure) {
        guard depth < Self.depthLimit else { throw .syntax(offset: i, reason: "arrays or objects nested too deeply") }
        depth += 1
        i += 1
    }

    /// Checks and steps over any JSON value.
    mutating func skipValue() throws(Failure) {
        guard i < end else { throw .syntax(offset: i, reason: "the line ends where a value should be") }
        switch p[i] {
        case UInt8(ascii: "\""):
            _ = try scanString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanNumber()
        case UInt8(ascii: "{"):
            try readObject { reader, _ throws(Failure) in try reader.skipValue() }
        case UInt8(ascii: "["):
            try readArray { reader throws(Failure) in try reader.skipValue() }
        default:
            if matchLiteral("true") || matchLiteral("false") || matchLiteral("null") { return }
            throw unexpected("expected a value")
        }
    }
}
