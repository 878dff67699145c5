import Foundation

/// A run file read back: its configuration and events.
///
/// Reads complete files (one JSON document, even re-indented by another
/// tool) and interrupted ones, which it recovers up to the last complete
/// event line and explains in ``warning``.
public struct RunFile: Sendable {
    public var version: Int
    public var config: LabConfig
    public var events: [Event]
    /// `completed`, `interrupted`, `diverged`, `quit`; nil when the file was cut off.
    public var status: String?
    /// Set when the file was truncated: how much was recovered.
    public var warning: String?

    /// The epoch records in file order.
    public var epochs: [EpochRecord] {
        events.compactMap { if case .epoch(let record) = $0 { return record } else { return nil } }
    }

    /// Loads `path`; every failure is one line naming the file (and line).
    public static func load(path: String) throws(GradlabError) -> RunFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GradlabError("\(path): cannot read file (\(FileManager.default.fileExists(atPath: path) ? "permission denied or a directory" : "no such file"))")
        }
        return try parse(data, path: path)
    }

    public static func parse(_ data: Data, path: String) throws(GradlabError) -> RunFile {
        guard let text = String(data: data, encoding: .utf8) else {
            throw GradlabError("\(path): not a gradlab run file (not UTF-8 text)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix("{") else {
            throw GradlabError("\(path):1: not a gradlab run file (expected a JSON object)")
        }
        // A line-structured file: line 1 is the header, opening "events".
        if first.hasSuffix("\"events\":["), let header = object(first + "]}") {
            return try parseLines(header: header, lines: lines.dropFirst(), path: path)
        }
        // Otherwise it must be one complete JSON document.
        guard let document = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw GradlabError("\(path): not a gradlab run file (not valid JSON, and not a recording cut short)")
        }
        var file = try parseHeader(document, path: path)
        guard let items = document["events"] as? [[String: Any]] else {
            throw GradlabError("\(path): \"events\" is missing or not an array of objects")
        }
        for (index, item) in items.enumerated() {
            if item["type"] as? String == "end" {
                file.status = item["status"] as? String
                continue
            }
            file.events.append(try event(item, path: path, line: nil, index: index))
        }
        return file
    }

    private static func parseLines(header: [String: Any], lines: ArraySlice<Substring>, path: String) throws(GradlabError) -> RunFile {
        var file = try parseHeader(header, path: path)
        var lineNumber = 1
        var closed = false
        for line in lines {
            lineNumber += 1
            if line.isEmpty { continue }
            if line == "]}" {
                closed = true
                break
            }
            let body = line.hasSuffix(",") ? line.dropLast() : line
            guard let item = object(body) else {
                // A cut-off last line is expected after kill -9; anything else
                // after it would be corruption, which we also stop at.
                break
            }
            if item["type"] as? String == "end" {
                file.status = item["status"] as? String
                continue
            }
            file.events.append(try event(item, path: path, line: lineNumber, index: nil))
        }
        if !closed || file.status == nil {
            let count = file.epochs.last?.epoch ?? 0
            file.warning = "\(path): recording was cut short; recovered \(file.epochs.count) epoch events (through epoch \(count))"
        }
        return file
    }

    private static func object(_ text: Substring) -> [String: Any]? {
        guard let data = text.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    private static func parseHeader(_ header: [String: Any], path: String) throws(GradlabError) -> RunFile {
        guard header["format"] as? String == RunFileFormat.format else {
            let found = (header["format"] as? String).map { "'\($0)'" } ?? "none"
            throw GradlabError("\(path): not a gradlab run file (format is \(found), expected '\(RunFileFormat.format)')")
        }
        guard let version = header["version"] as? Int else {
            throw GradlabError("\(path): run file has no integer \"version\"")
        }
        guard version <= RunFileFormat.version else {
            throw GradlabError("\(path): run file version \(version) is newer than this gradlab reads (\(RunFileFormat.version)); update gradlab")
        }
        guard let configObject = header["config"],
              let configData = try? JSONSerialization.data(withJSONObject: configObject) else {
            throw GradlabError("\(path): run file has no \"config\" object")
        }
        let config: LabConfig
        do {
            config = try JSONDecoder().decode(LabConfig.self, from: configData)
        } catch {
            throw GradlabError("\(path): invalid \"config\": \(describe(error))")
        }
        return RunFile(version: version, config: config, events: [], status: nil, warning: nil)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            let where_ = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(where_.isEmpty ? "" : "'\(where_)': ")\(context.debugDescription)"
        default: return "\(error)"
        }
    }

    private static func event(_ item: [String: Any], path: String, line: Int?, index: Int?) throws(GradlabError) -> Event {
        let place = line.map { "\(path):\($0)" } ?? "\(path): event \(index ?? 0)"
        func fail(_ what: String) -> GradlabError { GradlabError("\(place): \(what)") }
        guard let type = item["type"] as? String else { throw fail("event has no \"type\"") }
        guard let epoch = item["epoch"] as? Int else { throw fail("\(type) event has no integer \"epoch\"") }
        switch type {
        case "epoch":
            var record = EpochRecord(epoch: epoch, loss: number(item["loss"]))
            record.trainLoss = item["trainLoss"].map(number)
            record.testLoss = item["testLoss"].map(number)
            if let params = item["params"] as? [String: Any] {
                // JSON objects are unordered once parsed: keep the lab's order.
                let order = ["weight", "bias", "a", "b", "c"]
                let names = params.keys.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
                record.params = names.map { NamedValues($0, (params[$0] as? [Any] ?? []).map(number)) }
            }
            if let points = item["points"] as? [[Any]] {
                record.points = points.map { SIMD2(number($0.first), number($0.dropFirst().first)) }
            }
            record.diverged = item["diverged"] as? Bool ?? false
            record.groupLoss = (item["groupLoss"] as? [Any])?.map(number)
            record.lr = item["lr"].map(number)
            return .epoch(record)
        case "lr":
            guard let lr = item["lr"] as? Double else { throw fail("lr event has no number \"lr\"") }
            return .learningRate(epoch: epoch, lr: lr)
        case "optimizer":
            guard let object = item["optimizer"], let data = try? JSONSerialization.data(withJSONObject: object),
                  let config = try? JSONDecoder().decode(OptimizerConfig.self, from: data) else {
                throw fail("optimizer event has no valid \"optimizer\" object")
            }
            return .optimizer(epoch: epoch, config: config)
        case "device":
            return .device(epoch: epoch, name: item["device"] as? String ?? "cpu", note: item["note"] as? String)
        case "reset":
            return .reset(epoch: epoch, seed: UInt32(item["seed"] as? Int ?? 0))
        case "divergence":
            return .divergence(epoch: epoch, message: item["message"] as? String ?? "diverged")
        default:
            throw fail("unknown event type '\(type)'")
        }
    }

    /// JSON `null` (written for NaN and infinities) reads back as NaN.
    private static func number(_ value: Any?) -> Double {
        (value as? NSNumber)?.doubleValue ?? .nan
    }
}
