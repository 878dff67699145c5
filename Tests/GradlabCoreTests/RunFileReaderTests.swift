import Foundation
import Testing
@_spi(Testing) @testable import GradlabCore
import GradlabTestSupport

/// A JSON value read as `try? decode(Double.self)`: what JSONDecoder makes
/// of a number's text (nil where it refuses one).
private struct DecodedDouble: Decodable {
    var value: Double?
    init(_ value: Double?) { self.value = value }
    init(from decoder: any Decoder) throws {
        value = try? decoder.singleValueContainer().decode(Double.self)
    }
}

/// The events, status and warning of a file as text that tells every bit of
/// every number apart (Double's description is its shortest round trip;
/// every NaN reads the same).
private func summary(_ file: RunFile) -> String {
    "\(file.version) \(file.status ?? "-") \(file.warning ?? "-")\n" + file.events.map { "\($0)" }.joined(separator: "\n")
}

@Suite("Run-file reader: numbers exactly as JSONDecoder reads them")
struct RunFileNumberTests {
    /// Each text through DecimalNumber and through JSONDecoder: the same bits,
    /// or both refuse it.
    private func expectSameAsJSONDecoder(_ texts: [String]) throws {
        // One text at a time: swift-foundation refuses a document whose
        // number it cannot hold at all (a value text JSON allows).
        let decoded = texts.map { text in
            (try? JSONDecoder().decode([DecodedDouble].self, from: Data("[\(text)]".utf8)))?.first ?? DecodedDouble(nil)
        }
        #expect(decoded.count == texts.count)
        var mismatches = 0
        for (text, reference) in zip(texts, decoded) {
            let bytes = Array(text.utf8)
            let scanned: DecimalNumber.Scanned
            do {
                scanned = try bytes.withUnsafeBufferPointer { buffer in
                    try DecimalNumber.scan(buffer.baseAddress.unsafelyUnwrapped, from: 0, end: buffer.count)
                }
            } catch {
                Issue.record("\(text): \(error)")
                continue
            }
            #expect(scanned.end == bytes.count, "\(text): stopped at \(scanned.end)")
            let mine = scanned.representable ? scanned.value : nil
            if mine?.bitPattern != reference.value?.bitPattern {
                mismatches += 1
                if mismatches <= 10 { Issue.record("\(text): read \(mine.map { "\($0)" } ?? "nil"), JSONDecoder \(reference.value.map { "\($0)" } ?? "nil")") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func edgeCases() throws {
        try expectSameAsJSONDecoder([
            "0", "-0", "0.0", "-0.0", "0e999", "-0e-999", "1", "-1", "1.0", "1e2", "1E+2", "1e-2", "0.1", "0.2", "0.3",
            "0.30000000000000004", "1e308", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
            "1e309", "-1e309", "1e400", "2.2250738585072014e-308", "2.2250738585072011e-308", "2.225073858507201e-308",
            "4.9406564584124654e-324", "5e-324", "-5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
            "3e-324", "1e-323", "1e-400", "-1e-400", "9007199254740992", "9007199254740993", "9007199254740994",
            "9007199254740995", "18446744073709551615", "18446744073709551616", "123456789012345678901234567890",
            "0.000000000000000000000000000001234567890123456789", "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124", "7.038531e-26", "0.021603525", "1e22", "1e23",
            "8.98846567431158e307", "4.35e-322", "1.5e-320", "100000000000000000000", "3.141592653589793",
            "2.718281828459045", "0.1e1", "10e-1", "123456789e-300", "987654321e300", "1e-5", "1.5e300",
        ])
    }

    @Test func randomBitPatternsAsSwiftWritesThem() throws {
        var generator = SystemRandomNumberGenerator()
        var texts: [String] = []
        while texts.count < 5000 {
            let value = Double(bitPattern: generator.next())
            if value.isFinite { texts.append("\(value)") }
            let float = Float(bitPattern: UInt32.random(in: .min ... .max, using: &generator))
            if float.isFinite { texts.append("\(float)") }
            // Subnormals, all of them small.
            texts.append("\(Double(bitPattern: UInt64.random(in: 1 ..< (1 << 52), using: &generator)))")
        }
        try expectSameAsJSONDecoder(texts)
    }

    @Test func randomDecimalTextsOfEveryLength() throws {
        var generator = SystemRandomNumberGenerator()
        var texts: [String] = []
        for _ in 0..<6000 {
            let digits = Int.random(in: 1...24, using: &generator)
            var mantissa = String(Int.random(in: 1...9, using: &generator))
            for _ in 1..<digits { mantissa += String(Int.random(in: 0...9, using: &generator)) }
            let point = Int.random(in: 0...digits, using: &generator)
            if point > 0, point < digits {
                mantissa.insert(".", at: mantissa.index(mantissa.startIndex, offsetBy: point))
            }
            let sign = Bool.random(using: &generator) ? "-" : ""
            let exponent = Int.random(in: -345...330, using: &generator)
            texts.append(sign + mantissa + (Bool.random(using: &generator) ? "e\(exponent)" : ""))
        }
        // 17 and 19 significant digits next to random Doubles: the texts
        // closest to the halfway points between neighbours.
        for _ in 0..<2000 {
            let value = Double(bitPattern: generator.next() & ~(1 << 63))
            guard value.isFinite, value.nextUp.isFinite else { continue }
            texts.append(String(format: "%.16e", value))
            texts.append(String(format: "%.18e", value))
            texts.append(String(format: "%.18e", value / 2 + value.nextUp / 2))  // no overflow at the top
        }
        try expectSameAsJSONDecoder(texts)
    }

    /// An integer field's number is an Int when its decimal value is
    /// exactly one (JSONDecoder's Int rounds through a Double first: it
    /// read `1.00000000000000000001` as 1 and `1e-400` as 0).
    @Test func integersReadExactly() throws {
        for (text, expected) in [("1", 1), ("-0", 0), ("1.0", 1), ("1e2", 100), ("1E+2", 100), ("1.5", nil),
                                 ("1.5e1", 15), ("100e-2", 1), ("0.0001e4", 1), ("0e-400", 0), ("1e-400", nil),
                                 ("9223372036854775807", Int.max), ("9223372036854775808", nil),
                                 ("-9223372036854775808", Int.min), ("-9223372036854775808.0", Int.min),
                                 ("-9223372036854775809", nil), ("9007199254740993.0", 9_007_199_254_740_993),
                                 ("1.00000000000000000001", nil), ("1.00000000000000000000", 1),
                                 ("12345678901234567890e-1", 1_234_567_890_123_456_789),
                                 ("1234567890123456789.0000000000000", 1_234_567_890_123_456_789),
                                 ("0.000000000000000000000000000123e30", 123), ("1e19", nil), ("1e18", 1_000_000_000_000_000_000),
                                 ("100000000000000000000000e-22", 10)] as [(String, Int?)] {
            let bytes = Array(text.utf8)
            let scanned = try bytes.withUnsafeBufferPointer {
                try DecimalNumber.scan($0.baseAddress.unsafelyUnwrapped, from: 0, end: $0.count, integer: true)
            }
            #expect(scanned.integer == expected, "\(text)")
        }
    }

    @Test(arguments: [("01", "leading zero"), ("-", "'-' without digits"), ("1.", "no digits after the decimal point"),
                      ("1e", "no digits in the exponent"), ("1e+", "no digits in the exponent"), ("-x", "'-' without digits")])
    func malformedNumbersSayWhy(text: String, reason: String) {
        let bytes = Array(text.utf8)
        #expect { try bytes.withUnsafeBufferPointer { try DecimalNumber.scan($0.baseAddress.unsafelyUnwrapped, from: 0, end: $0.count) } }
            throws: { error in (error as? DecimalNumber.Invalid)?.reason.contains(reason) == true }
    }
}

@Suite("Run-file reader: the same events as JSONDecoder on every recording")
struct RunFileReaderEquivalenceTests {
    private func expectSameAsReference(_ data: Data, _ name: String) throws {
        let fast = try RunFile.parse(data, path: name)
        let reference = try RunFile.parseWithJSONDecoder(data, path: name)
        #expect(fast.config == reference.config, "\(name)")
        #expect(fast.events.count == reference.events.count, "\(name)")
        #expect(summary(fast) == summary(reference), "\(name)")
    }

    private func record(_ config: LabConfig, epochs: Int, named name: String, in directory: URL) async throws -> Data {
        let path = directory.appendingPathComponent(name).path
        let session = try Session(config: config, sinks: [try Recorder(path: path, config: config)], streaming: false)
        await session.start()
        await session.step(epochs)
        await session.finish(status: "completed")
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test func everyLabAndEventKind() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let (changes, _) = try await ReplayRecordings.linearWithChanges(in: directory)
        try expectSameAsReference(try Data(contentsOf: URL(fileURLWithPath: changes)), "changes.json")

        var landscape = LabConfig(lab: .landscape)
        landscape.device = "cpu"
        landscape.points = 50
        landscape.trackedPoints = 10
        try expectSameAsReference(try await record(landscape, epochs: 6, named: "summary.json", in: directory), "summary.json")

        var compare = landscape
        compare.points = 20
        compare.trackedPoints = 20
        compare.compare = [OptimizerConfig(kind: .sgd), OptimizerConfig(kind: .adam)]
        try expectSameAsReference(try await record(compare, epochs: 6, named: "compare.json", in: directory), "compare.json")
        // Fewer tracked than points: each group's summary (groupSummary).
        compare.trackedPoints = 3
        let summaries = try await record(compare, epochs: 6, named: "compare-summary.json", in: directory)
        try expectSameAsReference(summaries, "compare-summary.json")
        #expect(try RunFile.parse(summaries, path: "compare-summary.json").epochs.allSatisfy { $0.groupSummary?.count == 2 })

        for dtype in [DType.f32, .f64] {
            var quadratic = LabConfig(lab: .quadratic)
            quadratic.dtype = dtype
            try expectSameAsReference(try await record(quadratic, epochs: 12, named: "q.json", in: directory), "quadratic \(dtype)")
        }

        // A run that diverges: NaN and infinities are written as null.
        var diverging = LabConfig(lab: .quadratic)
        diverging.optimizer.lr = 50
        let diverged = try await record(diverging, epochs: 40, named: "diverged.json", in: directory)
        #expect(String(decoding: diverged, as: UTF8.self).contains("null"))
        try expectSameAsReference(diverged, "diverged.json")
    }

    @Test func theFuzzCorpus() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/FuzzRunFile")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        #expect(names.count >= 40)
        for name in names {
            let difference = RunFile.readersDisagree(on: try Data(contentsOf: corpus.appendingPathComponent(name)))
            #expect(difference == nil, "\(name): \(difference ?? "")")
        }
    }

    /// Every prefix of a recording: both readers load it, with the same
    /// events and warning, or both refuse it at the same line.
    @Test func everyCutOfARecording() async throws {
        let (path, _) = try await ReplayRecordings.linearWithChanges(in: try Fixtures.temporaryDirectory())
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for length in 0...bytes.count {
            let difference = RunFile.readersDisagree(on: Data(bytes.prefix(length)))
            #expect(difference == nil, "\(length) bytes: \(difference ?? "")")
        }
    }

    /// Lines a hand might write: unknown keys (skipped, still checked),
    /// nulls and strings where numbers go, a key given twice, an escaped
    /// key, keys in another order, spaces everywhere.
    @Test func lenientLinesReadAsJSONDecoderReadsThem() throws {
        let header = try Self.header()
        let lines = [
            #"{"type":"epoch","epoch":0,"loss":0.5,"future":{"a":[1,true,null,{"b":"c\"}"}],"z":-1e-3},"params":{"c":[3],"a":[1],"b":[2]}},"#,
            #"{"type":"epoch","epoch":1,"loss":null,"params":{"a":[null,"x",1e999,[1]],"b":7,"c":[]}},"#,
            #"{"type":"epoch","epoch":2,"loss":"nan","trainLoss":1,"testLoss":true},"#,
            #"{"type":"epoch","epoch":3,"loss":1,"loss":2},"#,
            #"{"\u0074ype":"epoch","epoch":4,"\u006coss":0.25,"note":"caf\u00e9 \ud83d\ude00"},"#,
            #"{"epoch":5,"loss":0.125,"type":"epoch","diverged":"yes"},"#,
            " { \"type\" : \"epoch\" , \"epoch\" : 6 , \"loss\" : 0.5 , \"points\" : [ [ 1 , 2 ] , [ 3 ] , [ ] , [ 4 , 5 , 6 ] ] },",
            #"{"type":"epoch","epoch":7,"loss":1,"points":[[1,2],null]},"#,
            #"{"type":"epoch","epoch":8,"loss":1,"summary":{"fMin":1,"mean":[2]},"lambdaMax":[1,null],"groupLoss":"x"},"#,
            #"{"type":"epoch","epoch":8,"loss":1,"groupSummary":[{"fMax":2,"mean":[1,null,3]},null,7,{"fMin":"x","fMin":1}]},"#,
            #"{"type":"epoch","epoch":8,"loss":1,"groupSummary":{"fMin":1}},"#,
            #"{"type":"epoch","epoch":9.0,"loss":1e-400,"lr":null},"#,
            #"{"type":"lr","epoch":9,"lr":0.5},"#,
            #"{"type":"lrs","epoch":9,"lrs":[0.5,0.25]},"#,
            #"{"type":"optimizer","epoch":9,"optimizer":{"kind":"adam","lr":0.001}},"#,
            #"{"type":"device","epoch":9,"device":7},"#,
            #"{"type":"reset","epoch":9},"#,
            #"{"type":"reset","epoch":9,"seed":4294967295},"#,
            #"{"type":"divergence","epoch":9,"message":null},"#,
            #"{"type":"end","status":"completed","epochs":9,"basins":[0,null]}"#,
            "]}",
        ]
        let data = Data((header + "\n" + lines.joined(separator: "\n") + "\n").utf8)
        try expectSameAsReference(data, "lenient.json")
        let file = try RunFile.parse(data, path: "lenient.json")
        #expect(file.warning == nil && file.status == "completed")
        #expect(file.epochs.map(\.epoch) == Array(0...8) + [8, 8, 9])
        // An element of groupSummary that is not an object is all NaN; one that is not an array, none.
        let groupSummary = try #require(file.epochs[9].groupSummary)
        #expect(groupSummary.count == 4 && groupSummary[0].fMax == 2 && groupSummary[0].mean.x == 1 && groupSummary[0].mean.y.isNaN)
        #expect(groupSummary[1].fMin.isNaN && groupSummary[2].fMax.isNaN && groupSummary[3].fMin.isNaN)
        #expect(file.epochs[10].groupSummary == nil)
        #expect(file.epochs[0].params.map(\.name) == ["a", "b", "c"])
        #expect(file.epochs[3].loss == 1 && file.epochs[4].loss == 0.25)
        #expect(file.epochs[6].points?.count == 4)
    }

    static func header() throws -> String {
        let lines = try String(contentsOf: URL(fileURLWithPath: ReplayRecordingsPath.quadratic()), encoding: .utf8)
        return String(lines.prefix { $0 != "\n" })
    }
}

/// A small quadratic recording's path, made once per process.
enum ReplayRecordingsPath {
    static func quadratic() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gradlab-reader-\(getpid()).json").path
        if FileManager.default.fileExists(atPath: path) { return path }
        let config = LabConfig(lab: .quadratic)
        let recorder = try Recorder(path: path, config: config)
        recorder.receive(.epoch(EpochRecord(epoch: 0, loss: 1)), config: config)
        recorder.finish(status: "completed")
        return path
    }
}

@Suite("Run-file reader: malformed lines")
struct RunFileReaderMalformedTests {
    /// A recorded quadratic run with line 4 (epoch 1) replaced by `line`.
    private func damaged(_ line: String) async throws -> Data {
        var lines = try await RunFileDamageTests.lines()
        lines[3] = line
        return Data(lines.joined(separator: "\n").utf8)
    }

    @Test(arguments: [
        (#"{"type":"epoch","epoch":1,"loss":01},"#, "4:34:", "a number with a leading zero"),
        (#"{"type":"epoch","epoch":1,"loss":1.},"#, "4:36:", "no digits after the decimal point"),
        (#"{"type":"epoch","epoch":1,"loss":-},"#, "4:35:", "'-' without digits"),
        (#"{"type":"epoch","epoch":1,"loss":1e},"#, "4:36:", "no digits in the exponent"),
        (#"{"type":"epoch","epoch":1,"loss":+1},"#, "4:34:", "expected a value, found '+'"),
        (#"{"type":"epoch","epoch":1,"loss":0.5,"note":"abc},"#, "4:45:", "a string that does not end"),
        (#"{"type":"epoch","epoch":1,"loss":0.5,"note":"a\qb"},"#, "4:47:", "an invalid escape"),
        (#"{"type":"epoch","epoch":1,"loss":0.5,"note":"\u12G4"},"#, "4:46:", "a \\u escape without four hex digits"),
        ("{\"type\":\"epoch\",\"epoch\":1,\"loss\":0.5\u{0}},", "4:37:", "a NUL byte"),
        ("{\"type\":\"epoch\",\"note\":\"a\u{0}\"},", "4:26:", "a NUL byte in a string"),
        (#"{"type" "epoch"},"#, "4:9:", "expected ':' after a key, found '\"'"),
        (#"{"type":"epoch","epoch":1,"loss":0.5} x"#, "4:39:", "text after the event's closing '}'"),
        (#"{"type":"epoch","epoch":1,"loss":0.5"#, "4:37:", "the line ends inside the event"),
        (#"["type","epoch"],"#, "4:1:", "expected '{' to open the event, found '['"),
        ("{\"type\":\"épo\",x}", "4:15:", "expected a key in quotes, found 'x'"),
        (#"{"type":"epoch","epoch":1,"x":"# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}",
         "4:", "nested too deeply"),
    ])
    func aCorruptLineWithLinesAfterItNamesLineColumnAndWhy(line: String, place: String, reason: String) async throws {
        let data = try await damaged(line)
        #expect { try RunFile.parse(data, path: "run.json") } throws: { error in
            let message = (error as? GradlabError)?.message ?? ""
            let ok = message.hasPrefix("run.json:\(place)") && message.contains("corrupt event line (not valid JSON: ")
                && message.contains(reason) && message.contains("more lines after it") && !message.contains("\n")
            if !ok { Issue.record("\(message)") }
            return ok
        }
        // The same text as the file's last line is a cut, not damage.
        var lines = try await RunFileDamageTests.lines()
        lines = Array(lines.prefix(3)) + [line]
        let cut = try RunFile.parse(Data(lines.joined(separator: "\n").utf8), path: "run.json")
        #expect(cut.warning?.contains("cut short") == true && cut.epochs.count == 1)
    }

    @Test(arguments: [
        (#"{"type":"lr","epoch":1,"lr":"fast"},"#, "run.json:4:29: lr event has no number \"lr\""),
        (#"{"type":"lr","epoch":1},"#, "run.json:4:1: lr event has no number \"lr\""),
        (#"{"epoch":1,"loss":2},"#, "run.json:4:1: event has no \"type\""),
        (#"{"type":"epoch","epoch":"1"},"#, "run.json:4:25: epoch event has no integer \"epoch\""),
        (#"{"type":"reset","epoch":0,"seed":4294967296},"#, "run.json:4:34: reset event's \"seed\" is not a 32-bit unsigned integer"),
        (#"{"type":"lrs","epoch":0,"lrs":[1,-1]},"#, "run.json:4:31: lrs event has no array of positive numbers \"lrs\""),
        (#"{"type":"optimizer","epoch":0,"optimizer":{"kind":"newton?"}},"#, "run.json:4:43: optimizer event has no valid \"optimizer\" object"),
        (#"{"type":"warp","epoch":0},"#, "run.json:4:9: unknown event type 'warp'"),
    ])
    func aValidLineThatIsNotAnEventNamesLineAndColumn(line: String, message: String) async throws {
        let data = try await damaged(line)
        #expect(throws: GradlabError(message)) { try RunFile.parse(data, path: "run.json") }
    }

    @Test func crlfLinesReadTheSameAndStillCutCleanly() async throws {
        let lines = try await RunFileDamageTests.lines()
        let unix = try RunFile.parse(Data(lines.joined(separator: "\n").utf8), path: "lf.json")
        let windows = Data(lines.joined(separator: "\r\n").utf8)
        let read = try RunFile.parse(windows, path: "crlf.json")
        #expect(read.warning == nil && summary(read) == summary(unix))
        let cut = try RunFile.parse(Data(windows.prefix(windows.count - 40)), path: "crlf.json")
        #expect(cut.warning?.contains("cut short") == true && cut.epochs.count > 0 && cut.epochs.count <= unix.epochs.count)
    }

    @Test func aByteOrderMarkIsSkipped() async throws {
        let text = (try await RunFileDamageTests.lines()).joined(separator: "\n")
        let plain = try RunFile.parse(Data(text.utf8), path: "run.json")
        let marked = try RunFile.parse(Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)), path: "run.json")
        #expect(marked.warning == nil && summary(marked) == summary(plain))
    }

    /// What a power loss can leave: the last block filled with NUL bytes.
    @Test func aTailOfNULBytesIsACut() async throws {
        let text = (try await RunFileDamageTests.lines()).joined(separator: "\n")
        let bytes = Array(text.utf8)
        let lineEnd = try #require(bytes[(bytes.count / 2)...].firstIndex(of: 0x0A)) + 1
        // Cut after a whole line, or in the middle of one.
        for keep in [lineEnd, bytes.count / 2] {
            let damaged = Array(bytes.prefix(keep)) + [UInt8](repeating: 0, count: 4096)
            let file = try RunFile.parse(Data(damaged), path: "run.json")
            #expect(file.warning?.contains("cut short") == true)
        }
    }

    /// A line longer than the reader's chunk, and a file of several chunks,
    /// streamed from disk read the same as from memory.
    @Test func hugeLinesAndFilesOfManyChunksStream() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let header = try RunFileReaderEquivalenceTests.header()
        var line = #"{"type":"epoch","epoch":0,"loss":1,"points":["#
        let count = 200_000
        line += (0..<count).map { "[\(Double($0) * 0.001),-\(Double($0) / 3)]" }.joined(separator: ",")
        line += "]},"
        #expect(line.utf8.count > RunFileLines.chunk)
        let text = header + "\n" + line + "\n" + line.replacingOccurrences(of: "\"epoch\":0", with: "\"epoch\":1") + "\n"
        let path = try Fixtures.write(text, named: "huge.json", in: directory)
        let streamed = try RunFile.load(path: path)
        #expect(streamed.epochs.count == 2 && streamed.epochs[1].points?.count == count)
        #expect(streamed.epochs[0].points?[count - 1] == SIMD2(Double(count - 1) * 0.001, -(Double(count - 1) / 3)))
        #expect(summary(streamed) == summary(try RunFile.parseWithJSONDecoder(Data(text.utf8), path: path)))

        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = 1000
        config.trackedPoints = 1000
        let recorded = directory.appendingPathComponent("chunks.json").path
        let session = try Session(config: config, sinks: [try Recorder(path: recorded, config: config)], streaming: false)
        await session.start()
        await session.step(120)
        await session.finish(status: "completed")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: recorded))
        #expect(bytes.count > RunFileLines.chunk)
        let loaded = try RunFile.load(path: recorded)
        #expect(loaded.warning == nil && loaded.epochs.count == 121)
        #expect(summary(loaded) == summary(try RunFile.parseWithJSONDecoder(bytes, path: recorded)))
    }
}
