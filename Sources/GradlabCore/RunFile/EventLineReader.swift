import Foundation

/// Reads one event line of a run file straight from its bytes into an
/// ``Event``: the hot path of loading a recording (no `JSONDecoder`, no
/// intermediate JSON tree, no String per number).
///
/// It accepts what `JSONDecoder` accepted with the `EventLine` shapes, field
/// for field, with the same leniency: a number field that holds something
/// else (`null` for NaN, a string) reads as NaN, an unknown key is skipped
/// (its value still has to be valid JSON), and of a key given twice the
/// first counts. Numbers are converted exactly (``DecimalNumber``), and an
/// integer field is its number's exact value. Every byte of a line must be
/// JSON text (RFC 8259), the values it skips included: a string that is not
/// UTF-8, holds a control character or half a surrogate pair, a trailing
/// comma, or more than ``depthLimit`` levels make the line malformed (where
/// `JSONDecoder` checked only what it decoded; the reference reader,
/// `RunFile.parseWithJSONDecoder`, checks the same first).
/// Malformed JSON is a ``Failure/syntax(offset:reason:)`` the caller turns
/// into a cut-off last line or a damaged file; a well-formed line with a
/// missing or wrong required field is a ``Failure/field(offset:message:)``.
struct EventLineReader {
    /// What a line held.
    enum Outcome {
        case event(Event)
        /// The `end` line (not an ``Event``).
        case end(status: String?)
    }

    enum Failure: Error {
        /// Not valid JSON at byte `offset` of the line.
        case syntax(offset: Int, reason: String)
        /// Valid JSON, but not a valid event (`message` as the error says it).
        case field(offset: Int, message: String)
    }

    /// Parameter names in the labs' order (the old reader's, since JSON
    /// objects are unordered once parsed).
    static let parameterOrder = ["weight", "bias", "a", "b", "c"]
    /// Deeper nesting than any run file has is refused, not recursed into:
    /// at most this many arrays and objects open at once, the event's own
    /// braces included (the reference reader checks the same).
    static let depthLimit = 128

    // Scratch buffers, reused line after line; each result is copied out at
    // its exact size, so arrays carry no growth slack.
    var numbers: [Double] = []
    var pairs: [SIMD2<Double>] = []

    // The line being read (a placeholder until the first).
    nonisolated(unsafe) static let noLine = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    var p = UnsafePointer(noLine)
    var end = 0
    var i = 0
    /// Arrays and objects open at `i`, the event's braces included.
    var depth = 0

    init() {
        numbers.reserveCapacity(1024)
        pairs.reserveCapacity(1024)
    }

    /// Reads `line` (without its newline; a trailing `,` and whitespace,
    /// CR included, are allowed after the object).
    mutating func read(_ line: UnsafeRawBufferPointer) throws(Failure) -> Outcome {
        guard let base = line.baseAddress, line.count > 0 else { throw .syntax(offset: 0, reason: "an empty line") }
        p = base.assumingMemoryBound(to: UInt8.self)
        end = line.count
        i = 0
        depth = 1
        var fields = Fields()
        skipSpace()
        try expect(UInt8(ascii: "{"), "expected '{' to open the event")
        skipSpace()
        if i < end, p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                let key = try readKey()
                skipSpace()
                try expect(UInt8(ascii: ":"), "expected ':' after a key")
                skipSpace()
                try readValue(for: key, into: &fields)
                skipSpace()
                guard i < end else { throw .syntax(offset: i, reason: "the line ends inside the event") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; break }
                throw unexpected("expected ',' or '}' after a value")
            }
        }
        skipSpace()
        if i < end, p[i] == UInt8(ascii: ",") { i += 1 }
        skipSpace()
        guard i == end else { throw unexpected("text after the event's closing '}'") }
        return try fields.outcome()
    }

    /// Why an integer field holds no Int: `text` (an integer's JSON text)
    /// is past Int's range. Both readers say it so.
    static func beyondInt(_ field: String, of type: String, text: String) -> String {
        let negative = text.hasPrefix("-")
        let number = text.count > 40 ? text.prefix(39) + "…" : Substring(text)
        return "\(type) event's \"\(field)\" \(number) is too \(negative ? "small" : "large") for an integer "
            + (negative ? "(at least \(Int.min))" : "(at most \(Int.max))")
    }

    // MARK: - Fields

    enum Key: Int {
        case type, epoch, loss, trainLoss, testLoss, params, points, summary, groupSummary, diverged, groupLoss, lambdaMax
        case lr, lrs, optimizer, device, note, seed, message, status
        case function, name, domain, point
        case other
    }

    /// Every field any event type has; `…At` is the byte offset of the value
    /// (for the column of a message), and a field seen once is not read again.
    private struct Fields {
        /// Bit `Key.rawValue` is set once that key was read.
        var seen: UInt32 = 0
        var type: String?, typeAt: Int?
        var epoch: Int?, epochAt: Int?
        /// The epoch's text when it is an integer an Int cannot hold.
        var epochBeyondInt: String?
        var loss: Double?, trainLoss: Double?, testLoss: Double?
        var params: [NamedValues]?
        var points: [SIMD2<Double>]?
        var summary: PointSummary?, groupSummary: [PointSummary]?
        var diverged = false
        var groupLoss: [Double]?, lambdaMax: [Double]?
        /// Present (possibly NaN for a non-number), and the number itself when it is one.
        var lrPresent = false, lr: Double?, lrAt: Int?
        var lrs: [Double]?, lrsAt: Int?
        var optimizer: OptimizerConfig?, optimizerAt: Int?
        var device: String?, note: String?
        var seedPresent = false, seed: Int?, seedAt: Int?
        var message: String?, status: String?
        // The direct-manipulation events (`function`, `point`, `params`, `configure`).
        var function: String?, name: String?
        var domainPresent = false, domain: [Double]?
        var point: [Double]?
        /// `configure`'s `points` is a count, where an epoch's is an array.
        var pointsPresent = false, pointCount: Int?

        func outcome() throws(Failure) -> Outcome {
            func fail(_ at: Int?, _ message: String) -> Failure { .field(offset: at ?? 0, message: message) }
            if type == "end" { return .end(status: status) }
            guard let type else { throw fail(typeAt, "event has no \"type\"") }
            guard let epoch else {
                if let text = epochBeyondInt { throw fail(epochAt, EventLineReader.beyondInt("epoch", of: type, text: text)) }
                throw fail(epochAt, "\(type) event has no integer \"epoch\"")
            }
            switch type {
            case "epoch":
                var record = EpochRecord(epoch: epoch, loss: loss ?? .nan, trainLoss: trainLoss, testLoss: testLoss,
                                         params: params ?? [], points: points, diverged: diverged,
                                         groupLoss: groupLoss, lr: lrPresent ? (lr ?? .nan) : nil, summary: summary,
                                         groupSummary: groupSummary)
                record.lambdaMax = lambdaMax
                return .event(.epoch(record))
            case "lr":
                guard let lr else { throw fail(lrAt, "lr event has no number \"lr\"") }
                return .event(.learningRate(epoch: epoch, lr: lr))
            case "lrs":
                guard let lrs, !lrs.isEmpty, lrs.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                    throw fail(lrsAt, "lrs event has no array of positive numbers \"lrs\"")
                }
                return .event(.groupLearningRates(epoch: epoch, lrs: lrs))
            case "optimizer":
                guard let optimizer else { throw fail(optimizerAt, "optimizer event has no valid \"optimizer\" object") }
                return .event(.optimizer(epoch: epoch, config: optimizer))
            case "device":
                return .event(.device(epoch: epoch, name: device ?? "cpu", note: note))
            case "reset":
                guard !seedPresent || seed != nil else {
                    throw fail(seedAt, "reset event's \"seed\" is not a 32-bit unsigned integer")
                }
                return .event(.reset(epoch: epoch, seed: UInt32(seed ?? 0)))
            case "divergence":
                return .event(.divergence(epoch: epoch, message: message ?? "diverged"))
            case "function":
                guard let function, !function.isEmpty else { throw fail(typeAt, "function event has no string \"function\"") }
                guard let domain, LabConfig.isDomain(domain) else {
                    throw fail(typeAt, "function event's \"domain\" is not 4 finite numbers [x1 min, x1 max, x2 min, x2 max]")
                }
                return .event(.function(epoch: epoch, expression: function, name: name, domain: domain))
            case "point":
                guard let point, point.count == 2, point.allSatisfy(\.isFinite) else {
                    throw fail(typeAt, "point event's \"point\" is not 2 finite numbers [x1, x2]")
                }
                return .event(.pointAdded(epoch: epoch, point: SIMD2(point[0], point[1])))
            case "params":
                guard let params, !params.isEmpty,
                      params.allSatisfy({ !$0.values.isEmpty && $0.values.allSatisfy(\.isFinite) }) else {
                    throw fail(typeAt, "params event's \"params\" is not an object of arrays of finite numbers")
                }
                return .event(.parameters(epoch: epoch, values: params))
            case "configure":
                if pointsPresent, (pointCount ?? 0) < 1 {
                    throw fail(typeAt, "configure event's \"points\" is not a positive integer")
                }
                if domainPresent, !(domain.map(LabConfig.isDomain) ?? false) {
                    throw fail(typeAt, "configure event's \"domain\" is not 4 finite numbers [x1 min, x1 max, x2 min, x2 max]")
                }
                return .event(.configure(epoch: epoch, points: pointsPresent ? pointCount : nil,
                                         domain: domainPresent ? domain : nil))
            default:
                throw fail(typeAt, "unknown event type '\(type)'")
            }
        }
    }

    private mutating func readValue(for key: Key, into fields: inout Fields) throws(Failure) {
        let at = i
        // Of a key given twice the first counts (as JSONDecoder reads it).
        if key != .other {
            let bit: UInt32 = 1 << UInt32(key.rawValue)
            if fields.seen & bit != 0 {
                try skipValue()
                return
            }
            fields.seen |= bit
        }
        switch key {
        case .type: fields.type = try readString(); fields.typeAt = at
        case .epoch:
            (fields.epoch, fields.epochBeyondInt) = try readIntegerOrText()
            fields.epochAt = at
        case .loss: fields.loss = try readLenientNumber()
        case .trainLoss: fields.trainLoss = try readLenientNumber()
        case .testLoss: fields.testLoss = try readLenientNumber()
        case .params: fields.params = try readParams()
        case .points:
            fields.pointsPresent = true
            if i < end, p[i] == UInt8(ascii: "-") || p[i] &- 0x30 < 10 {
                fields.pointCount = try readInteger()
            } else {
                fields.points = try readPoints()
            }
        case .summary: fields.summary = try readSummary()
        case .groupSummary: fields.groupSummary = try readSummaries()
        case .diverged: fields.diverged = try readBool() ?? false
        case .groupLoss: fields.groupLoss = try readNumberArray()
        case .lambdaMax: fields.lambdaMax = try readNumberArray()
        case .lr: fields.lrPresent = true; fields.lr = try readNumber(); fields.lrAt = at
        case .lrs: fields.lrs = try readNumberArray(); fields.lrsAt = at
        case .optimizer: fields.optimizer = try readOptimizer(); fields.optimizerAt = at
        case .device: fields.device = try readString()
        case .note: fields.note = try readString()
        case .seed:
            fields.seedPresent = true
            fields.seed = try readInteger().flatMap { UInt32(exactly: $0) }.map(Int.init)
            fields.seedAt = at
        case .message: fields.message = try readString()
        case .status: fields.status = try readString()
        case .function: fields.function = try readString()
        case .name: fields.name = try readString()
        case .domain: fields.domainPresent = true; fields.domain = try readNumberArray()
        case .point: fields.point = try readNumberArray()
        case .other: try skipValue()
        }
    }
}
