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

    /// Loads `path`; every failure is one line naming the file (and line
    /// and column).
    ///
    /// A line-structured file (what the recorder writes) is streamed: read
    /// in large chunks, each event line parsed from its bytes by
    /// ``EventLineReader``, so loading takes the events' memory, not the
    /// file's. Any other file is read whole as one JSON document.
    public static func load(path: String) throws(GradlabError) -> RunFile {
        guard FileManager.default.fileExists(atPath: path) else { throw GradlabError("\(path): cannot read file (no such file)") }
        let (fd, _) = try FileBytes.openForReading(path)
        defer { close(fd) }
        if let file = try read(RunFileLines(fd: fd, path: path), path: path) { return file }
        return try parseDocument(Data(try FileBytes.read(path)), path: path)
    }

    /// Parses a run file's bytes; `path` names it in messages.
    public static func parse(_ data: Data, path: String) throws(GradlabError) -> RunFile {
        let lines: Result<RunFile?, GradlabError> = data.withUnsafeBytes { raw in
            Result { () throws(GradlabError) -> RunFile? in try read(RunFileLines(bytes: raw), path: path) }
        }
        if let file = try lines.get() { return file }
        return try parseDocument(data, path: path)
    }

    /// Reads a line-structured run file; nil when its first line is not a
    /// header line (the file may still be one JSON document).
    private static func read(_ lines: RunFileLines, path: String) throws(GradlabError) -> RunFile? {
        guard var first = try lines.next(), lines.bytesRead > 0 else {
            throw GradlabError("\(path): empty file (0 bytes), not a gradlab run file")
        }
        // A byte-order mark (some editors add one) is not part of the text.
        if first.starts(with: [0xEF, 0xBB, 0xBF]) { first = UnsafeRawBufferPointer(rebasing: first.dropFirst(3)) }
        first = trimmingTrailingSpace(first)
        guard String(validating: first.bindMemory(to: UInt8.self), as: UTF8.self) != nil else {
            throw GradlabError("\(path): not a gradlab run file (not UTF-8 text)")
        }
        guard first.first == UInt8(ascii: "{") else {
            throw GradlabError("\(path):1: not a gradlab run file (expected a JSON object)")
        }
        // A line-structured file: line 1 is the header, opening "events".
        guard first.suffix(eventsOpening.count).elementsEqual(eventsOpening),
              let header = try? JSONDecoder().decode(RunDocument.self, from: Data(first) + Data("]}".utf8)) else { return nil }
        return try readEvents(header: header, lines: lines, path: path)
    }

    private static func readEvents(header: RunDocument, lines: RunFileLines, path: String) throws(GradlabError) -> RunFile {
        var file = try parseHeader(header, path: path, line: 1)
        var reader = EventLineReader()
        var closed = false
        reading: while let raw = try lines.next() {
            let line = trimmingTrailingSpace(raw)
            if line.isEmpty { continue }
            let number = lines.lineNumber
            if line.elementsEqual("]}".utf8) {
                closed = true
                // Nothing may follow the closing bracket but blank lines.
                while let extra = try lines.next() {
                    if let offset = extra.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                        throw GradlabError("\(path):\(lines.lineNumber):\(column(extra, offset)): text after the run file's closing ]}")
                    }
                }
                break
            }
            do {
                switch try reader.read(line) {
                case .end(let status): file.status = status
                case .event(let event): file.events.append(event)
                }
            } catch {
                switch error {
                case .field(let offset, let message):
                    throw GradlabError("\(path):\(number):\(column(line, offset)): \(message)")
                case .syntax(let offset, let reason):
                    // A cut-off last line is what kill -9 leaves; a bad line with
                    // lines after it is damage, not a cut, and dropping every later
                    // epoch silently would be a lie.
                    let place = "\(path):\(number):\(column(line, offset))"
                    var later = 0
                    while let next = try lines.next() {
                        if !trimmingTrailingSpace(next).isEmpty { later += 1 }
                    }
                    if later > 0 {
                        throw GradlabError("\(place): corrupt event line (not valid JSON: \(reason)), with \(later) more line\(later == 1 ? "" : "s") after it: the file is damaged, not cut short")
                    }
                    break reading
                }
            }
        }
        if !closed || file.status == nil {
            let count = file.epochs.last?.epoch ?? 0
            file.warning = "\(path): recording was cut short; recovered \(file.epochs.count) epoch event\(file.epochs.count == 1 ? "" : "s") (through epoch \(count))"
        }
        return file
    }

    /// `line` without trailing spaces, tabs and CRs (a CRLF file's lines).
    private static func trimmingTrailingSpace(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var count = line.count
        while count > 0, line[count - 1] == 0x20 || line[count - 1] == 0x0D || line[count - 1] == 0x09 { count -= 1 }
        return UnsafeRawBufferPointer(rebasing: line[0..<count])
    }

    /// The 1-based column of byte `offset` of `line`, in characters (UTF-8
    /// continuation bytes do not count).
    private static func column(_ line: UnsafeRawBufferPointer, _ offset: Int) -> Int {
        line.prefix(min(offset, line.count)).reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// A file that is not line-structured: one complete JSON document.
    static func parseDocument(_ data: Data, path: String) throws(GradlabError) -> RunFile {
        let decoder = JSONDecoder()
        guard let document = try? decoder.decode(RunDocument.self, from: data) else {
            throw GradlabError("\(path): not a gradlab run file (not valid JSON, and not a recording cut short)")
        }
        var file = try parseHeader(document, path: path)
        guard let items = document.events else {
            throw GradlabError("\(path): \"events\" is missing or not an array of objects")
        }
        for (index, item) in items.enumerated() {
            if case .end(let status) = item.fields {
                file.status = status
                continue
            }
            file.events.append(try event(item, place: "\(path): event \(index)"))
        }
        return file
    }

    /// The end of a header line.
    static let eventsOpening = Array("\"events\":[".utf8)

    /// - Parameter line: the header's line (1) in a line-structured file;
    ///   nil for one JSON document, whose header has no line of its own.
    static func parseHeader(_ header: RunDocument, path: String, line: Int? = nil) throws(GradlabError) -> RunFile {
        let place = line.map { "\(path):\($0)" } ?? path
        guard header.format == RunFileFormat.format else {
            let found = header.format.map { "'\($0)'" } ?? "none"
            throw GradlabError("\(place): not a gradlab run file (format is \(found), expected '\(RunFileFormat.format)')")
        }
        guard let version = header.version else {
            throw GradlabError("\(place): run file has no integer \"version\"")
        }
        guard version >= 1 else {
            throw GradlabError("\(place): run file version \(version) is not a version (they start at 1)")
        }
        guard version <= RunFileFormat.version else {
            throw GradlabError("\(place): run file version \(version) is newer than this gradlab reads (\(RunFileFormat.version)); update gradlab")
        }
        if let (key, text, range) = header.configInteger {
            throw GradlabError("\(place): invalid \"config\": \"\(key)\" must be an integer from \(range.lowerBound) to \(range.upperBound), got \(text)")
        }
        switch header.config {
        case nil:
            throw GradlabError("\(place): run file has no \"config\" object")
        case .failure(let error):
            throw GradlabError("\(place): invalid \"config\": \(describe(error))")
        case .success(let config):
            return RunFile(version: version, config: config, events: [], status: nil, warning: nil)
        }
    }

    private static func describe(_ error: any Error) -> String {
        // Paths are relative to `config` (the first component).
        func place(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.dropFirst().map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "" : "'\(path)': "
        }
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            return "\(place(context))\(context.debugDescription)"
        default:
            // Foundation's own JSON errors are internal enums; never show their case names.
            if let number = IntegerText.parsedNumber(error).map({ $0.prefix(40) }) {
                // A Double's field refuses only what no Double holds; a finite
                // one was refused by an integer field (a schedule's stepSize).
                if let value = Double(number), value.isFinite {
                    return "number \(number) is not an integer its field can hold"
                }
                return "number \(number) is out of range (a Double's magnitude is at most about 1.8e308, and a nonzero one at least about 4.9e-324)"
            }
            return "not valid JSON"
        }
    }

    static func event(_ item: EventLine, place: String) throws(GradlabError) -> Event {
        func fail(_ what: String) -> GradlabError { GradlabError("\(place): \(what)") }
        guard let type = item.type else { throw fail("event has no \"type\"") }
        guard let epoch = item.epoch else {
            if let text = item.epochBeyondInt { throw fail(EventLineReader.beyondInt("epoch", of: type, text: text)) }
            throw fail("\(type) event has no integer \"epoch\"")
        }
        switch item.fields {
        case .epoch(var record):
            record.epoch = epoch
            return .epoch(record)
        case .lr(let lr):
            guard let lr else { throw fail("lr event has no number \"lr\"") }
            return .learningRate(epoch: epoch, lr: lr)
        case .lrs(let lrs):
            guard let lrs, !lrs.isEmpty, lrs.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw fail("lrs event has no array of positive numbers \"lrs\"")
            }
            return .groupLearningRates(epoch: epoch, lrs: lrs)
        case .optimizer(let config):
            guard let config else { throw fail("optimizer event has no valid \"optimizer\" object") }
            return .optimizer(epoch: epoch, config: config)
        case .device(let name, let note):
            return .device(epoch: epoch, name: name, note: note)
        case .reset(let seed):
            guard let seed else { throw fail("reset event's \"seed\" is not a 32-bit unsigned integer") }
            return .reset(epoch: epoch, seed: seed)
        case .divergence(let message):
            return .divergence(epoch: epoch, message: message)
        case .function(let expression, let name, let domain):
            guard let expression, !expression.isEmpty else { throw fail("function event has no string \"function\"") }
            guard let domain, LabConfig.isDomain(domain) else {
                throw fail("function event's \"domain\" is not 4 finite numbers [x1 min, x1 max, x2 min, x2 max]")
            }
            return .function(epoch: epoch, expression: expression, name: name, domain: domain)
        case .point(let point):
            guard let point, point.count == 2, point.allSatisfy(\.isFinite) else {
                throw fail("point event's \"point\" is not 2 finite numbers [x1, x2]")
            }
            return .pointAdded(epoch: epoch, point: SIMD2(point[0], point[1]))
        case .parameters(let values):
            guard let values, values.allSatisfy({ !$0.values.isEmpty && $0.values.allSatisfy(\.isFinite) }) else {
                throw fail("params event's \"params\" is not an object of arrays of finite numbers")
            }
            return .parameters(epoch: epoch, values: values)
        case .configure(let points, let domain):
            if let points, (points ?? 0) < 1 { throw fail("configure event's \"points\" is not a positive integer") }
            if let domain, !(domain.map(LabConfig.isDomain) ?? false) {
                throw fail("configure event's \"domain\" is not 4 finite numbers [x1 min, x1 max, x2 min, x2 max]")
            }
            return .configure(epoch: epoch, points: points ?? nil, domain: domain ?? nil)
        case .end, .other:
            throw fail("unknown event type '\(type)'")
        }
    }
}
