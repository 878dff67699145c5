import Foundation
import Testing
@_spi(Testing) @testable import GradlabCore

/// Integer fields holding numbers past their range: the config's counts and
/// seeds, and an event's epoch. Each is refused by name and range, by both
/// readers, not as a Double out of range or as "no integer".
@Suite("Run-file reader: integers past their range")
struct RunFileIntegerRangeTests {
    private static let epochLine = #"{"type":"epoch","epoch":0,"loss":0.5,"params":{"a":[1],"b":[2],"c":[3]}},"#
    private static let end = #"{"type":"end","status":"completed","epochs":0}"#

    /// A quadratic recording whose config has `field` as `value`, and whose
    /// line 2 is `event`.
    private static func file(field: String = "epochs", value: String? = nil, event: String = epochLine) -> Data {
        var header = RunFileFormat.header(config: LabConfig(lab: .quadratic), created: Date(timeIntervalSince1970: 0))
        if let value, let range = header.range(of: "\"\(field)\":[0-9]+", options: .regularExpression) {
            header.replaceSubrange(range, with: "\"\(field)\":\(value)")
        }
        return Data([header, event, end, "]}", ""].joined(separator: "\n").utf8)
    }

    /// `data` as one JSON document: its first line no longer ends by
    /// opening `events`, so it is not read line by line.
    private static func document(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"events\":[", with: "\"events\":\n[")
    }

    private static func refusal(_ data: Data) -> String { RunFile.refusal(of: data) }

    @Test(arguments: [
        ("epochs", "1e300", #"run.json:1: invalid "config": "epochs" must be an integer from 0 to 9223372036854775807, got 1e300"#),
        ("epochs", "1.5", #"run.json:1: invalid "config": "epochs" must be an integer from 0 to 9223372036854775807, got 1.5"#),
        ("epochs", "-1", #"run.json:1: invalid "config": "epochs" must be an integer from 0 to 9223372036854775807, got -1"#),
        ("epochs", "99999999999999999999999",
         #"run.json:1: invalid "config": "epochs" must be an integer from 0 to 9223372036854775807, got 99999999999999999999999"#),
        ("points", "1e300", #"run.json:1: invalid "config": "points" must be an integer from 0 to 9223372036854775807, got 1e300"#),
        ("seed", "4294967296", #"run.json:1: invalid "config": "seed" must be an integer from 0 to 4294967295, got 4294967296"#),
        ("splitSeed", "1e999", #"run.json:1: invalid "config": "splitSeed" must be an integer from 0 to 4294967295, got 1e999"#),
    ])
    func aConfigIntegerPastItsRangeSaysTheRange(field: String, value: String, message: String) {
        let data = Self.file(field: field, value: value)
        #expect(Self.refusal(data) == message)
        #expect(RunFile.readersDisagree(on: data) == nil)
    }

    @Test func aConfigIntegerInRangeStillReads() throws {
        let file = try RunFile.parse(Self.file(value: "1e3"), path: "run.json")
        #expect(file.config.epochs == 1000)
    }

    /// One JSON document (re-indented) has no header line to name.
    @Test func aDocumentsConfigIntegerIsNamedWithoutALine() throws {
        let text = Self.document(Self.file(field: "trackedPoints", value: "-3"))
        #expect(Self.refusal(Data(text.utf8))
                == #"run.json: invalid "config": "trackedPoints" must be an integer from 0 to 9223372036854775807, got -3"#)
    }

    /// A nested integer field (a schedule's) is not said to be past a Double's range.
    @Test func aNestedIntegerFieldIsNotCalledADouble() {
        var config = LabConfig(lab: .quadratic)
        config.schedule = .step(stepSize: 3, gamma: 0.5)
        let header = RunFileFormat.header(config: config, created: Date(timeIntervalSince1970: 0))
            .replacingOccurrences(of: "\"stepSize\":3", with: "\"stepSize\":2.5")
        let data = Data([header, Self.epochLine, Self.end, "]}", ""].joined(separator: "\n").utf8)
        #expect(Self.refusal(data) == #"run.json:1: invalid "config": number 2.5 is not an integer its field can hold"#)
    }

    @Test(arguments: [
        ("99999999999999999999999", #"run.json:2:25: epoch event's "epoch" 99999999999999999999999 is too large for an integer (at most 9223372036854775807)"#),
        ("1e30", #"run.json:2:25: epoch event's "epoch" 1e30 is too large for an integer (at most 9223372036854775807)"#),
        ("9223372036854775808", #"run.json:2:25: epoch event's "epoch" 9223372036854775808 is too large for an integer (at most 9223372036854775807)"#),
        ("-9223372036854775809", #"run.json:2:25: epoch event's "epoch" -9223372036854775809 is too small for an integer (at least -9223372036854775808)"#),
        ("1.5", #"run.json:2:25: epoch event has no integer "epoch""#),
    ])
    func anEpochPastAnIntSaysSo(epoch: String, message: String) {
        let data = Self.file(event: #"{"type":"epoch","epoch":"# + epoch + #","loss":0.5},"#)
        #expect(Self.refusal(data) == message)
        #expect(RunFile.readersDisagree(on: data) == nil)
        #expect((try? RunFile.parseWithJSONDecoder(data, path: "run.json")) == nil)
    }

    @Test func aDocumentsEpochPastAnIntSaysSo() {
        let event = #"{"type":"lr","epoch":99999999999999999999999,"lr":0.5},"#
        let text = Self.document(Self.file(event: event))
        #expect(Self.refusal(Data(text.utf8))
                == #"run.json: event 0: lr event's "epoch" 99999999999999999999999 is too large for an integer (at most 9223372036854775807)"#)
    }
}
