import Foundation

/// The byte-level tokens of an event line (spaces, literals, strings, keys),
/// shared by ``EventLineReader``'s value readers.
extension EventLineReader {
    @inline(__always)
    mutating func skipSpace() {
        while i < end, p[i] <= 0x20, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ reason: String) throws(Failure) {
        guard i < end, p[i] == byte else { throw unexpected(reason) }
        i += 1
    }

    /// A syntax error at `i` that names the byte found there.
    func unexpected(_ reason: String) -> Failure {
        guard i < end else { return .syntax(offset: i, reason: "the line ends early: \(reason)") }
        switch p[i] {
        case 0: return .syntax(offset: i, reason: "a NUL byte (a binary file, or UTF-16?)")
        case 0x21...0x7E: return .syntax(offset: i, reason: "\(reason), found '\(Character(Unicode.Scalar(p[i])))'")
        default: return .syntax(offset: i, reason: "\(reason), found byte \(Self.hex(p[i]))")
        }
    }

    /// `0x1F`: a byte as a message names it.
    static func hex(_ byte: UInt8) -> String {
        "0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }

    mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard end - i >= count, memcmp(p + i, literal.utf8Start, count) == 0 else { return false }
        i += count
        return true
    }

    /// Steps over the string at `p[i]` (a `"`), checking that it is JSON
    /// text (RFC 8259 section 7): escapes, no unescaped control character,
    /// UTF-8, no lone surrogate. Returns its contents' range and whether it
    /// has escapes.
    @inline(__always)
    mutating func scanString() throws(Failure) -> (start: Int, end: Int, escaped: Bool) {
        let open = i
        i += 1
        let start = i
        var escaped = false
        var nonASCII = false
        while i < end {
            let byte = p[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                if nonASCII { try checkUTF8(start, i - 1) }
                return (start, i - 1, escaped)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard i + 1 < end else { break }
                switch p[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard let unit = hexUnit(at: i + 2) else {
                        throw .syntax(offset: i, reason: "a \\u escape without four hex digits")
                    }
                    // A UTF-16 surrogate is half a character: the high half
                    // must be followed by the low one.
                    if unit & 0xF800 == 0xD800 {
                        guard unit < 0xDC00, i + 7 < end, p[i + 6] == UInt8(ascii: "\\"), p[i + 7] == UInt8(ascii: "u"),
                              let low = hexUnit(at: i + 8), low & 0xFC00 == 0xDC00 else {
                            throw .syntax(offset: i, reason: "a \\u escape of half a surrogate pair (not a character)")
                        }
                        i += 12
                    } else {
                        i += 6
                    }
                default:
                    throw .syntax(offset: i, reason: "an invalid escape in a string")
                }
                continue
            }
            if byte < 0x20 {
                if byte == 0 { throw .syntax(offset: i, reason: "a NUL byte in a string (a binary file, or UTF-16?)") }
                throw .syntax(offset: i, reason: "a control character (byte \(Self.hex(byte))) in a string, where JSON has it escaped")
            }
            if byte >= 0x80 { nonASCII = true }
            i += 1
        }
        throw .syntax(offset: open, reason: "a string that does not end (no closing quote)")
    }

    /// The four hex digits at `p[start...]` as a UTF-16 code unit, nil when
    /// they are not four hex digits.
    @inline(__always)
    func hexUnit(at start: Int) -> UInt16? {
        guard start + 4 <= end else { return nil }
        var unit: UInt16 = 0
        for k in start..<start + 4 {
            guard let digit = Self.hexValue(p[k]) else { return nil }
            unit = unit << 4 | digit
        }
        return unit
    }

    /// Throws unless `p[start..<stop]` (a string's contents) is UTF-8.
    func checkUTF8(_ start: Int, _ stop: Int) throws(Failure) {
        var iterator = UnsafeBufferPointer(start: p + start, count: stop - start).makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = start
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return
            case .error(let length):
                let bytes = (0..<length).map { Self.hex(p[offset + $0]) }.joined(separator: " ")
                throw .syntax(offset: offset, reason: "a string that is not UTF-8 text (\(length == 1 ? "byte" : "bytes") \(bytes))")
            }
        }
    }

    /// Matches the key at `p[i]` against the event fields, without making a
    /// String for the ones it knows.
    @inline(__always)
    mutating func readKey() throws(Failure) -> Key {
        guard i < end, p[i] == UInt8(ascii: "\"") else { throw unexpected("expected a key in quotes") }
        let (start, stop, escaped) = try scanString()
        if escaped {
            guard let name = Self.text(p, start, stop, escaped: true) else { return .other }
            return Self.keys.first { $0.name == name }?.key ?? .other
        }
        let length = stop - start
        let here = UnsafeRawPointer(p + start)
        for entry in Self.keys where entry.bytes.count == length {
            let same = entry.bytes.withUnsafeBytes { known in known.baseAddress.map { memcmp(here, $0, length) == 0 } ?? false }
            if same { return entry.key }
        }
        return .other
    }

    static let keys: [(name: String, bytes: [UInt8], key: Key)] = {
        let table: [(String, Key)] = [
            ("type", .type), ("epoch", .epoch), ("loss", .loss), ("points", .points), ("lambdaMax", .lambdaMax),
            ("params", .params), ("trainLoss", .trainLoss), ("testLoss", .testLoss), ("summary", .summary),
            ("groupSummary", .groupSummary), ("diverged", .diverged), ("groupLoss", .groupLoss), ("lr", .lr), ("lrs", .lrs),
            ("optimizer", .optimizer),
            ("device", .device), ("note", .note), ("seed", .seed), ("message", .message), ("status", .status),
            ("function", .function), ("name", .name), ("domain", .domain), ("point", .point),
        ]
        return table.map { (name: $0.0, bytes: Array($0.0.utf8), key: $0.1) }
    }()

    static func hexValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt16(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt16(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// A string's contents as text, escapes decoded. `scanString` checked
    /// them (UTF-8, surrogates in pairs), so nil only for text it did not.
    static func text(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) -> String? {
        let raw = UnsafeBufferPointer(start: p + start, count: end - start)
        guard escaped else { return String(validating: raw, as: UTF8.self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var j = 0
        func unit(at k: Int) -> UInt16 {
            (0..<4).reduce(0) { $0 << 4 | (hexValue(raw[k + $1]) ?? 0) }
        }
        while j < raw.count {
            guard raw[j] == UInt8(ascii: "\\") else {
                bytes.append(raw[j])
                j += 1
                continue
            }
            let kind = raw[j + 1]
            j += 2
            switch kind {
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                let first = unit(at: j)
                j += 4
                var scalar: Unicode.Scalar?
                if (0xD800..<0xDC00).contains(first) {
                    guard j + 6 <= raw.count, raw[j] == UInt8(ascii: "\\"), raw[j + 1] == UInt8(ascii: "u") else { return nil }
                    let second = unit(at: j + 2)
                    guard (0xDC00..<0xE000).contains(second) else { return nil }
                    j += 6
                    scalar = Unicode.Scalar(0x10000 + (UInt32(first - 0xD800) << 10 | UInt32(second - 0xDC00)))
                } else {
                    scalar = Unicode.Scalar(first)
                }
                guard let scalar else { return nil }
                bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: bytes.append(kind)  // " \ /
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
