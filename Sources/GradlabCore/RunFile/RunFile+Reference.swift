import Foundation

// The reader before ``EventLineReader``: every event line through
// `JSONDecoder`. Kept as the reference the tests and the fuzz target compare
// the streaming reader with (`RunFile.readersDisagree`), so it reads lines
// by the same contract (docs/run-file.md): a byte-order mark before the
// header is skipped; spaces, tabs and CRs end a line harmlessly (CRLF
// files); a blank line is skipped; and a line must be JSON text by RFC 8259,
// which `JSONDecoder` does not check for a value it never decodes (it skips
// an unknown key's value unchecked, takes `[1,]` and `{"a":1,}`, reads
// UTF-16, and nests 512 deep): `StrictJSON` checks that first.
extension RunFile {
    @_spi(Testing)
    public static func parseWithJSONDecoder(_ data: Data, path: String) throws(GradlabError) -> RunFile {
        guard !data.isEmpty else { throw GradlabError("\(path): empty file (0 bytes), not a gradlab run file") }
        let decoder = JSONDecoder()
        var lines = lineRanges(data)
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { lines[0] = lines[0].lowerBound + 3 ..< lines[0].upperBound }
        lines = lines.map { trimmingTrailingSpace($0, of: data) }
        let first = data[lines[0]]
        guard String(bytes: first, encoding: .utf8) != nil else {
            throw GradlabError("\(path): not a gradlab run file (not UTF-8 text)")
        }
        guard first.first == UInt8(ascii: "{") else {
            throw GradlabError("\(path):1: not a gradlab run file (expected a JSON object)")
        }
        if first.suffix(eventsOpening.count).elementsEqual(eventsOpening),
           let header = try? decoder.decode(RunDocument.self, from: Data(first) + Data("]}".utf8)) {
            return try parseLines(header: header, data: data, lines: lines.dropFirst(), decoder: decoder, path: path)
        }
        return try parseDocument(data, path: path)
    }

    /// The ranges of `data`'s lines, without their newlines (found with
    /// `memchr`: a run file can hold millions of bytes per second of run).
    private static func lineRanges(_ data: Data) -> [Range<Data.Index>] {
        let origin = data.startIndex
        return data.withUnsafeBytes { raw -> [Range<Data.Index>] in
            guard let base = raw.baseAddress else { return [] }
            var ranges: [Range<Data.Index>] = []
            var start = 0
            while true {
                guard let found = memchr(base + start, 0x0A, raw.count - start) else {
                    ranges.append((origin + start)..<(origin + raw.count))
                    return ranges
                }
                let end = base.distance(to: UnsafeRawPointer(found))
                ranges.append((origin + start)..<(origin + end))
                start = end + 1
            }
        }
    }

    /// `range` without the spaces, tabs and CRs that end it.
    private static func trimmingTrailingSpace(_ range: Range<Data.Index>, of data: Data) -> Range<Data.Index> {
        var end = range.upperBound
        while end > range.lowerBound, [0x20, 0x09, 0x0D].contains(data[end - 1]) { end -= 1 }
        return range.lowerBound..<end
    }

    private static func parseLines(header: RunDocument, data: Data, lines: ArraySlice<Range<Data.Index>>,
                                   decoder: JSONDecoder, path: String) throws(GradlabError) -> RunFile {
        var file = try parseHeader(header, path: path, line: 1)
        var closed = false
        // Line `index + 1` is lines[index] (the header is line 1).
        for index in lines.indices {
            let lineNumber = index + 1
            var line = data[lines[index]]
            if line.isEmpty { continue }
            let later = lines[(index + 1)...].lazy.filter { !$0.isEmpty }
            if line.elementsEqual("]}".utf8) {
                closed = true
                // Nothing may follow the closing bracket but blank lines.
                if let extra = lines[(index + 1)...].firstIndex(where: { !$0.isEmpty }) {
                    throw GradlabError("\(path):\(extra + 1): text after the run file's closing ]}")
                }
                break
            }
            if line.last == UInt8(ascii: ",") { line = line.dropLast() }
            let valid = line.withUnsafeBytes { StrictJSON.isValid($0, depthLimit: EventLineReader.depthLimit) }
            guard valid, let item = try? decoder.decode(EventLine.self, from: line) else {
                // A cut-off last line is what kill -9 leaves; a bad line with
                // lines after it is damage, not a cut.
                if !later.isEmpty {
                    throw GradlabError("\(path):\(lineNumber): corrupt event line (not valid JSON), with \(later.count) more line\(later.count == 1 ? "" : "s") after it: the file is damaged, not cut short")
                }
                break
            }
            if case .end(let status) = item.fields {
                file.status = status
                continue
            }
            file.events.append(try event(item, place: "\(path):\(lineNumber)"))
        }
        if !closed || file.status == nil {
            let count = file.epochs.last?.epoch ?? 0
            file.warning = "\(path): recording was cut short; recovered \(file.epochs.count) epoch event\(file.epochs.count == 1 ? "" : "s") (through epoch \(count))"
        }
        return file
    }
}

/// JSON text as RFC 8259 defines it, checked byte by byte (nothing is
/// decoded): whitespace, literals, numbers, strings (escapes, no control
/// character, UTF-8, surrogates in pairs), arrays and objects without
/// trailing commas, at most `depthLimit` of them open at once. The
/// reference reader's check; written apart from ``EventLineReader`` on
/// purpose, so the two can be compared.
enum StrictJSON {
    static func isValid(_ bytes: UnsafeRawBufferPointer, depthLimit: Int) -> Bool {
        var checker = Checker(bytes: bytes, depthLimit: depthLimit)
        checker.skipSpace()
        guard checker.value() else { return false }
        checker.skipSpace()
        return checker.atEnd
    }

    private struct Checker {
        let bytes: UnsafeRawBufferPointer
        let depthLimit: Int
        var index = 0
        var depth = 0

        init(bytes: UnsafeRawBufferPointer, depthLimit: Int) {
            self.bytes = bytes
            self.depthLimit = depthLimit
        }

        var atEnd: Bool { index == bytes.count }

        func peek(_ ascii: Unicode.Scalar) -> Bool { index < bytes.count && bytes[index] == UInt8(ascii: ascii) }

        mutating func take(_ ascii: Unicode.Scalar) -> Bool {
            guard peek(ascii) else { return false }
            index += 1
            return true
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value() -> Bool {
            guard index < bytes.count else { return false }
            switch Unicode.Scalar(bytes[index]) {
            case "{": return container(close: "}") { $0.member() }
            case "[": return container(close: "]") { $0.value() }
            case "\"": return string()
            case "t": return literal("true")
            case "f": return literal("false")
            case "n": return literal("null")
            default: return number()
            }
        }

        /// An array or object: `member`s between commas, none after the last.
        mutating func container(close: Unicode.Scalar, member: (inout Checker) -> Bool) -> Bool {
            guard depth < depthLimit else { return false }
            depth += 1
            defer { depth -= 1 }
            index += 1
            skipSpace()
            if take(close) { return true }
            while true {
                skipSpace()
                guard member(&self) else { return false }
                skipSpace()
                if take(",") { continue }
                return take(close)
            }
        }

        /// `"key": value`
        mutating func member() -> Bool {
            guard peek("\""), string() else { return false }
            skipSpace()
            guard take(":") else { return false }
            skipSpace()
            return value()
        }

        mutating func literal(_ word: String) -> Bool {
            let utf8 = Array(word.utf8)
            guard bytes.count - index >= utf8.count, bytes[index..<index + utf8.count].elementsEqual(utf8) else { return false }
            index += utf8.count
            return true
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() -> Bool {
            func isDigit(_ k: Int) -> Bool { k < bytes.count && (0x30...0x39).contains(bytes[k]) }
            _ = take("-")
            if take("0") {
                // no more digits: a leading zero stands alone
            } else {
                guard isDigit(index) else { return false }
                while isDigit(index) { index += 1 }
            }
            if take(".") {
                guard isDigit(index) else { return false }
                while isDigit(index) { index += 1 }
            }
            if take("e") || take("E") {
                if !take("+") { _ = take("-") }
                guard isDigit(index) else { return false }
                while isDigit(index) { index += 1 }
            }
            return true
        }

        mutating func string() -> Bool {
            guard take("\"") else { return false }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let contents = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    return String(validating: contents, as: UTF8.self) != nil
                }
                if byte < 0x20 { return false }
                if byte != UInt8(ascii: "\\") {
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { return false }
                let kind = Unicode.Scalar(bytes[index])
                index += 1
                if "\"\\/bfnrt".unicodeScalars.contains(kind) { continue }
                guard kind == "u", let unit = hex() else { return false }
                if (0xDC00...0xDFFF).contains(unit) { return false }
                if (0xD800...0xDBFF).contains(unit) {
                    guard take("\\"), take("u"), let low = hex(), (0xDC00...0xDFFF).contains(low) else { return false }
                }
            }
            return false
        }

        /// Four hex digits as a UTF-16 code unit.
        mutating func hex() -> Int? {
            guard bytes.count - index >= 4 else { return nil }
            var unit = 0
            for byte in bytes[index..<index + 4] {
                guard let digit = Int(String(Unicode.Scalar(byte)), radix: 16) else { return nil }
                unit = unit * 16 + digit
            }
            index += 4
            return unit
        }
    }
}
