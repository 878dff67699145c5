import Foundation
import Testing
@_spi(Testing) @testable import GradlabCore

/// Every way the streaming reader and the JSONDecoder reference read the
/// same bytes differently before they were settled (found by FuzzRunFile
/// and by reading both), each as it is read now, by both. The inputs are in
/// Fuzz/Corpus/FuzzRunFile too (`divergence-*`).
@Suite("Run-file reader: where it and the JSONDecoder reference disagreed")
struct RunFileReaderDivergenceTests {
    private static let first = #"{"type":"epoch","epoch":0,"loss":0.5,"params":{"a":[1],"b":[2],"c":[3]}},"#
    private static let third = #"{"type":"epoch","epoch":2,"loss":0.125,"params":{"a":[1],"b":[2],"c":[3]}},"#
    private static let end = #"{"type":"end","status":"completed","epochs":2}"#

    /// `text`'s UTF-8, with `«FF»` standing for the byte 0xFF.
    private static func bytes(_ text: String) -> [UInt8] {
        var result: [UInt8] = []
        for (index, part) in text.split(separator: "«", omittingEmptySubsequences: false).enumerated() {
            if index > 0, let close = part.firstIndex(of: "»"), let byte = UInt8(part[..<close], radix: 16) {
                result.append(byte)
                result += Array(part[part.index(after: close)...].utf8)
            } else {
                result += Array(part.utf8)
            }
        }
        return result
    }

    /// A quadratic recording whose line 3 is `line`: between two epochs, or
    /// (`last`) as the last line, where a cut leaves one.
    private static func file(_ line: [UInt8], last: Bool = false) throws -> Data {
        let header = Array(try RunFileReaderEquivalenceTests.header().utf8)
        let lines = last ? [header, bytes(first), line] : [header, bytes(first), line, bytes(third), bytes(end), bytes("]}")]
        return Data(lines.joined(separator: [0x0A]) + [0x0A])
    }

    private static func refusal(_ data: Data) -> String { RunFile.refusal(of: data) }

    /// The UTF-16 line (what JSONDecoder detects and reads) and a
    /// UTF-8 byte-order mark before an event.
    private static let utf16 = Array(#"{"type":"epoch","epoch":1,"loss":0.25}"#.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }

    /// A line that is not JSON text (RFC 8259) in a place JSONDecoder never
    /// checks (it skips an unknown key's value unread, and checks a string's
    /// text only when it decodes it) or never refuses (a trailing comma,
    /// UTF-16, 512 levels): a corrupt line for both, named by line and
    /// column, and a cut when it is the last line. The reader had skipped
    /// broken keys and read broken strings; the reference had read the rest.
    @Test(arguments: [
        (#"{"type":"epoch","epoch":1,"loss":0.25,"n«FF»ote":1},"#, 41, "a string that is not UTF-8 text (byte 0xFF)"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"params":{"«AF»weight":[1],"bias":[2]}},"#, 50, "not UTF-8 text (byte 0xAF)"),
        (#"{"type":"device","epoch":1,"device":"cpu","note":"caf«E9»"},"#, 54, "not UTF-8 text (byte 0xE9)"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"future":"caf«E9»"},"#, 52, "not UTF-8 text (byte 0xE9)"),
        (#"{"type":"device","epoch":1,"device":"cpu","note":"a«01»b"},"#, 52, "a control character (byte 0x01) in a string"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"lo«1F»ss":2},"#, 42, "a control character (byte 0x1F)"),
        (#"{"type":"ep«0C»och","epoch":1,"loss":0.25},"#, 12, "a control character (byte 0x0C)"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"params":{"wei«00»ght":[1]}},"#, 53, "a NUL byte in a string"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"future":"a\qb"},"#, 50, "an invalid escape in a string"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"future":"\u12G4"},"#, 49, "a \\u escape without four hex digits"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"\ud800x":1},"#, 40, "a \\u escape of half a surrogate pair"),
        (#"{"type":"device","epoch":1,"device":"cpu","note":"\udc00"},"#, 51, "half a surrogate pair"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"params":{"\ud83dweight":[1],"bias":[2]}},"#, 50, "half a surrogate pair"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"groupLoss":[1,2,]},"#, 56, "expected a value, found ']'"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,},"#, 39, "expected a key in quotes, found '}'"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"params":{"a":[1],}},"#, 57, "expected a key in quotes, found '}'"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"future":-},"#, 49, "'-' without digits"),
        (#"{"type":"epoch","epoch":1,"loss":1.2.3},"#, 37, "expected ',' or '}' after a value, found '.'"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"future":1.2.3},"#, 51, "found '.'"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"future":[01]},"#, 49, "a number with a leading zero"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"future":1e},"#, 50, "no digits in the exponent"),
        ("«EF»«BB»«BF»" + #"{"type":"epoch","epoch":1,"loss":0.25},"#, 1, "expected '{' to open the event, found byte 0xEF"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"x":"# + String(repeating: "[", count: 128) + String(repeating: "]", count: 128) + "},",
         170, "arrays or objects nested too deeply"),
        (#"{"type":"epoch","epoch":1,"loss":0.25,"params":{"a":["# + String(repeating: "[", count: 126) + String(repeating: "]", count: 126) + "]}},",
         179, "nested too deeply"),
    ])
    func notJSONTextIsACorruptLineForBoth(line: String, column: Int, reason: String) throws {
        try expectCorrupt(Self.bytes(line), column: column, reason: reason)
    }

    @Test func aUTF16LineIsCorruptForBoth() throws {
        try expectCorrupt(Self.utf16, column: 2, reason: "a NUL byte (a binary file, or UTF-16?)")
    }

    private func expectCorrupt(_ line: [UInt8], column: Int, reason: String) throws {
        let damaged = try Self.file(line)
        #expect(RunFile.readersDisagree(on: damaged) == nil)
        let message = Self.refusal(damaged)
        #expect(message.hasPrefix("run.json:3:\(column): corrupt event line (not valid JSON: ") && message.contains(reason)
                && message.hasSuffix("with 3 more lines after it: the file is damaged, not cut short"), "\(message)")
        #expect(throws: (any Error).self) { try RunFile.parseWithJSONDecoder(damaged, path: "run.json") }

        let cut = try Self.file(line, last: true)
        #expect(RunFile.readersDisagree(on: cut) == nil)
        let file = try RunFile.parse(cut, path: "run.json")
        #expect(file.epochs.map(\.epoch) == [0] && file.warning?.contains("cut short") == true)
    }

    /// The line layout the reader allows and the reference did not: it
    /// refused a file with a byte-order mark, read a CRLF or space-ended
    /// header as a whole document (and refused it cut), took a line of
    /// spaces or `},` with spaces after it for a corrupt line, a tab after
    /// `]}` for text, and `]}` with spaces after it for a cut. Now both read
    /// each as the plain file.
    @Test func lineLayoutReadsAsThePlainFile() throws {
        let header = try RunFileReaderEquivalenceTests.header()
        let lines = [header, Self.first, Self.third, Self.end, "]}"]
        let plain = Data((lines.joined(separator: "\n") + "\n").utf8)
        let complete = try RunFile.parse(plain, path: "run.json")
        #expect(complete.warning == nil && complete.epochs.map(\.epoch) == [0, 2])
        let cutLines = [header, Self.first, String(Self.third.prefix(20))]
        let variants: [(name: String, text: [UInt8], cut: Bool)] = [
            ("CRLF", Array((lines.joined(separator: "\r\n") + "\r\n").utf8), false),
            ("CRLF, cut", Array(cutLines.joined(separator: "\r\n").utf8), true),
            ("byte-order mark", [0xEF, 0xBB, 0xBF] + Array(plain), false),
            ("space after the header, cut", Array(([header + " "] + cutLines.dropFirst()).joined(separator: "\n").utf8), true),
            ("a line of spaces", Array(([header, Self.first, "   \t ", Self.third, Self.end, "]}"]).joined(separator: "\n").utf8), false),
            ("spaces after an event's comma", Array(([header, Self.first + "  \t", Self.third, Self.end, "]}"]).joined(separator: "\n").utf8), false),
            ("a tab after ]}", Array((lines.joined(separator: "\n") + "\n\t\n").utf8), false),
            ("spaces after ]}", Array(([header, Self.first, Self.third, Self.end, "]}  "]).joined(separator: "\n").utf8), false),
            ("spaces after a cut line", Array((cutLines + ["   "]).joined(separator: "\n").utf8), true),
        ]
        for variant in variants {
            let data = Data(variant.text)
            #expect(RunFile.readersDisagree(on: data) == nil, "\(variant.name)")
            let file = try RunFile.parse(data, path: "run.json")
            #expect(file.epochs.map(\.epoch) == (variant.cut ? [0] : [0, 2]), "\(variant.name)")
            #expect((file.warning != nil) == variant.cut && (file.status == nil) == variant.cut, "\(variant.name)")
        }
    }

    /// An integer field is its number's exact decimal value in both:
    /// JSONDecoder's Int rounded through a Double (it read `1e-400` as epoch
    /// 0 and `1.00000000000000000001` as 1), and the reader's did too (it
    /// read `9007199254740993.0` as …992, and refused Int.min).
    @Test(arguments: [
        (#""epoch":9007199254740993.0"#, 9_007_199_254_740_993), (#""epoch":-9223372036854775808"#, Int.min),
        (#""epoch":-9223372036854775808.0"#, Int.min), (#""epoch":1.5e1"#, 15), (#""epoch":100e-2"#, 1),
    ])
    func anIntegerFieldReadsItsExactValue(field: String, epoch: Int) throws {
        let data = try Self.file(Self.bytes(#"{"type":"epoch","# + field + #","loss":0.25},"#))
        #expect(RunFile.readersDisagree(on: data) == nil)
        #expect(try RunFile.parse(data, path: "run.json").epochs.map(\.epoch) == [0, epoch, 2])
    }

    @Test(arguments: [
        (#"{"type":"epoch","epoch":1e-400,"loss":0.25},"#, #"run.json:3:25: epoch event has no integer "epoch""#),
        (#"{"type":"epoch","epoch":1.00000000000000000001,"loss":0.25},"#, #"run.json:3:25: epoch event has no integer "epoch""#),
        (#"{"type":"reset","epoch":1,"seed":7.0000000000000000001},"#, #"run.json:3:34: reset event's "seed" is not a 32-bit unsigned integer"#),
        (#"{"type":"configure","epoch":1,"points":1e-400},"#, #"run.json:3:9: configure event's "points" is not a positive integer"#),
    ])
    func aNumberThatIsNotExactlyAnIntegerIsNoInteger(line: String, message: String) throws {
        for last in [false, true] {
            let data = try Self.file(Self.bytes(line), last: last)
            #expect(RunFile.readersDisagree(on: data) == nil)
            #expect(Self.refusal(data) == message)
        }
    }

    /// 128 levels (the event's braces included) are read by both; the
    /// reader had counted them from where each field's reader started.
    @Test func nestingOf128LevelsIsReadByBoth() throws {
        for line in [
            #"{"type":"epoch","epoch":1,"loss":0.25,"x":"# + String(repeating: "[", count: 127) + String(repeating: "]", count: 127) + "},",
            #"{"type":"epoch","epoch":1,"loss":0.25,"params":{"a":["# + String(repeating: "[", count: 125) + String(repeating: "]", count: 125) + "]}},",
        ] {
            let data = try Self.file(Self.bytes(line))
            #expect(RunFile.readersDisagree(on: data) == nil)
            #expect(try RunFile.parse(data, path: "run.json").epochs.map(\.epoch) == [0, 1, 2])
        }
    }

    /// The difference by design: an integer field written with more than
    /// 38 digits, which the reference's Decimal cuts to 38 (it reads this
    /// epoch as 1). The reader is exact; the comparison does not count it.
    @Test func moreThan38DigitsAreNotCompared() throws {
        let data = try Self.file(Self.bytes(#"{"type":"epoch","epoch":1.000000000000000000000000000000000000001,"loss":0.25},"#))
        #expect(Self.refusal(data) == #"run.json:3:25: epoch event has no integer "epoch""#)
        #expect(try RunFile.parseWithJSONDecoder(data, path: "run.json").epochs.map(\.epoch) == [0, 1, 2])
        #expect(RunFile.readersDisagree(on: data) == nil)
    }
}
