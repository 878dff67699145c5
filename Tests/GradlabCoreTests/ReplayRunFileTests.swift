import Foundation
import Testing
@testable import GradlabCore
import GradlabTestSupport

@Suite("Replay: reading run files exactly and robustly")
struct ReplayRunFileTests {
    /// Writes `values` as one epoch's parameter through the Recorder and reads them back.
    private func roundTrip(_ values: [Double], dtype: DType) throws -> [Double] {
        var config = LabConfig(lab: .linear)
        config.dtype = dtype
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("exact.json").path
        let recorder = try Recorder(path: path, config: config)
        recorder.receive(.epoch(EpochRecord(epoch: 0, loss: values[0], params: [NamedValues("weight", values)])), config: config)
        recorder.finish(status: "completed")
        let file = try RunFile.load(path: path)
        #expect(file.warning == nil)
        return try #require(file.epochs.first?.param("weight"))
    }

    @Test func f64ValuesRoundTripBitForBit() throws {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0.1, 1 / 3, -2.5e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0x1.fffffffffffffp-1,
                                2.2250738585072014e-308, 123456789012345680, 0.30000000000000004]
        // Random bit patterns over the whole finite range (JSONSerialization
        // on Linux misreads about a third of these by an ulp).
        while values.count < 2000 {
            let value = Double(bitPattern: generator.next())
            if value.isFinite { values.append(value) }
        }
        let read = try roundTrip(values, dtype: .f64)
        #expect(read.count == values.count)
        for (a, b) in zip(values, read) where a.bitPattern != b.bitPattern {
            Issue.record("\(a) read back as \(b)")
        }
    }

    @Test func f32ValuesRoundTripBitForBit() throws {
        var generator = SystemRandomNumberGenerator()
        var floats: [Float] = [0.1, 1 / 3, 0.021603525, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -Float.leastNormalMagnitude / 3]
        while floats.count < 2000 {
            let value = Float(bitPattern: UInt32.random(in: .min ... .max, using: &generator))
            if value.isFinite { floats.append(value) }
        }
        let read = try roundTrip(floats.map(Double.init), dtype: .f32)
        for (a, b) in zip(floats, read) where a.bitPattern != Float(b).bitPattern {
            Issue.record("\(a) read back as \(Float(b))")
        }
    }

    @Test func nonFiniteValuesReadAsNaN() throws {
        let read = try roundTrip([.nan, .infinity, -.infinity, 1], dtype: .f64)
        #expect(read[0].isNaN && read[1].isNaN && read[2].isNaN && read[3] == 1)
    }

    @Test func aRecordingCutAtEveryByteLoadsAPrefixOrFailsCleanly() async throws {
        let (path, full) = try await ReplayRecordings.linearWithChanges(in: try Fixtures.temporaryDirectory())
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let fullLines = ReplayRecordings.lines(full.events, single: true)
        var loaded = 0, failed = 0, previousEpochs = 0
        for length in 0...bytes.count {
            let cut = bytes.prefix(length)
            let file: RunFile
            do {
                file = try RunFile.parse(Data(cut), path: "cut.json")
            } catch {
                #expect(!error.message.contains("\n"))
                #expect(loaded == 0, "a longer prefix failed after a shorter one loaded (\(length) bytes): \(error.message)")
                failed += 1
                continue
            }
            loaded += 1
            let lines = ReplayRecordings.lines(file.events, single: true)
            #expect(Array(fullLines.prefix(lines.count)) == lines, "\(length) bytes: not a prefix")
            #expect(file.epochs.count >= previousEpochs)
            previousEpochs = file.epochs.count
            if length < bytes.count - 1 {
                let warning = try #require(file.warning, "\(length) bytes: no warning")
                let count = file.epochs.count
                #expect(warning.contains("recovered \(count) epoch event\(count == 1 ? "" : "s") (through"), "\(warning)")
            }
        }
        #expect(failed > 0 && loaded > 0)
        #expect(previousEpochs == 13)
    }

    @Test func badFilesAreOneLineErrors() throws {
        let directory = try Fixtures.temporaryDirectory()
        let header = #"{"format":"gradlab.run","version":1,"generator":"x","created":"y","config":"#
        let config = String(decoding: try JSONEncoder().encode(LabConfig(lab: .linear)), as: UTF8.self)
        let cases: [(String, String)] = [
            ("", "empty file (0 bytes)"),
            ("\u{FF}\u{FE}garbage", "not a gradlab run file"),
            ("[1,2,3]", "expected a JSON object"),
            ("{\"format\":\"gradlab.run\"", "not valid JSON"),
            ("{\"format\":\"gradlab.checkpoint\",\"version\":1}", "format is 'gradlab.checkpoint'"),
            ("{\"format\":\"gradlab.run\",\"version\":2,\"config\":{},\"events\":[]}", "version 2 is newer"),
            ("{\"format\":\"gradlab.run\",\"version\":\"1\",\"config\":{},\"events\":[]}", "no integer \"version\""),
            ("{\"format\":\"gradlab.run\",\"version\":1,\"events\":[]}", "no \"config\" object"),
            ("{\"format\":\"gradlab.run\",\"version\":1,\"config\":{\"lab\":\"nope\"},\"events\":[]}", "invalid \"config\""),
            (header + config + ",\"events\":[\n{\"epoch\":1},\n", "event has no \"type\""),
            (header + config + ",\"events\":[\n{\"type\":\"lr\",\"epoch\":1},\n", "lr event has no number \"lr\""),
            (header + config + ",\"events\":[\n{\"type\":\"lr\",\"lr\":1},\n", "lr event has no integer \"epoch\""),
            (header + config + ",\"events\":[\n{\"type\":\"reset\",\"epoch\":0,\"seed\":-4},\n", "\"seed\" is not a 32-bit"),
            (header + config + ",\"events\":[\n{\"type\":\"warp\",\"epoch\":0},\n", "unknown event type 'warp'"),
            (header + config + ",\"events\":{}}", "\"events\" is missing or not an array"),
        ]
        for (number, (text, fragment)) in cases.enumerated() {
            let path = try Fixtures.write(text, named: "bad\(number).json", in: directory)
            do {
                _ = try RunFile.load(path: path)
                Issue.record("case \(number) loaded")
            } catch {
                #expect(error.message.contains(fragment), "case \(number): \(error.message)")
                #expect(error.message.contains(path))
                #expect(!error.message.contains("\n"))
            }
        }
    }

    /// `:record` mid-run writes the device line a run from the start does
    /// (a file without it replays with no device in its status bar).
    @Test func aRecordingStartedMidRunNamesTheDeviceAsAStartedOneDoes() async throws {
        let directory = try Fixtures.temporaryDirectory()
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = 4
        let fromStart = directory.appendingPathComponent("start.json").path
        let started = try Session(config: config, sinks: [try Recorder(path: fromStart, config: config)], streaming: false)
        await started.start()
        await started.step(2)
        await started.finish(status: "completed")

        let midRun = directory.appendingPathComponent("mid.json").path
        let session = try Session(config: config, streaming: false)
        await session.start()
        await session.step(3)
        try await session.startRecording(try Recorder(path: midRun, config: config))
        await session.step(2)
        await session.finish(status: "completed")

        let first = try RunFile.load(path: fromStart), second = try RunFile.load(path: midRun)
        let device = try #require(first.events.first)
        guard case .device(0, "cpu", nil) = device else { Issue.record("\(device)"); return }
        #expect(second.events.first == device)
        #expect(second.events.dropFirst().first == .reset(epoch: 0, seed: config.seed))
        #expect(second.epochs.map(\.epoch) == [0, 1, 2])
        let index = RunIndex(second)
        #expect(index.state(at: index.lastPosition)?.device == "cpu")
        // The start's device line is no change in the replay: the reset is the last one.
        #expect(index.state(at: index.lastPosition)?.lastChange == .reset(epoch: 0, seed: config.seed))
    }

    @Test func aReIndentedDocumentReadsTheSame() async throws {
        let (path, file) = try await ReplayRecordings.linearWithChanges(in: try Fixtures.temporaryDirectory())
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted])
        let again = try RunFile.parse(pretty, path: "pretty.json")
        #expect(again.status == "quit" && again.warning == nil)
        #expect(again.config == file.config)
        // JSONSerialization may have rewritten numbers; the events are all there in order.
        #expect(again.events.map(\.epoch) == file.events.map(\.epoch))
    }
}

/// Damage is not a cut (issue 13, defects 8 and 12): a bad line with valid
/// lines after it, text after the closing bracket, a version below 1.
@Suite("Run files: damage is an error")
struct RunFileDamageTests {
    static func lines() async throws -> [String] {
        var config = LabConfig(lab: .quadratic)
        config.epochs = 5
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gradlab-damage-\(UUID().uuidString).json").path
        let recorder = try Recorder(path: path, config: config)
        let session = try Session(config: config, sinks: [recorder], streaming: false)
        await session.start()
        await session.step(5)
        await session.finish(status: "completed")
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
    }

    @Test func aCorruptLineInTheMiddleNamesItsLine() async throws {
        var lines = try await Self.lines()
        lines[3] = String(lines[3].prefix(20))
        #expect(throws: GradlabError.self) { try RunFile.parse(Data(lines.joined(separator: "\n").utf8), path: "run.json") }
        do {
            _ = try RunFile.parse(Data(lines.joined(separator: "\n").utf8), path: "run.json")
        } catch {
            // Line, column (where the cut string opens), and what is wrong.
            #expect(error.message.hasPrefix("run.json:4:17: corrupt event line (not valid JSON: a string that does not end (no closing quote)), with 6 more lines after it"))
        }
    }

    @Test func aCutLastLineIsStillACut() async throws {
        let lines = try await Self.lines()
        var cut = Array(lines.prefix(5))
        cut[4] = String(cut[4].prefix(15))
        let file = try RunFile.parse(Data(cut.joined(separator: "\n").utf8), path: "run.json")
        #expect(file.warning?.contains("cut short") == true && file.epochs.count == 2)
    }

    @Test func textAfterTheClosingBracketIsRefused() async throws {
        let text = (try await Self.lines()).joined(separator: "\n") + "garbage\n"
        #expect(throws: GradlabError.self) { try RunFile.parse(Data(text.utf8), path: "run.json") }
    }

    @Test func aVersionBelowOneIsRefused() async throws {
        let text = (try await Self.lines()).joined(separator: "\n").replacingOccurrences(of: "\"version\":1", with: "\"version\":-1")
        #expect(throws: GradlabError("run.json:1: run file version -1 is not a version (they start at 1)")) { try RunFile.parse(Data(text.utf8), path: "run.json") }
    }
}
