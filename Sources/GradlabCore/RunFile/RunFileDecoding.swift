import Foundation

// The Decodable shapes a run file is read with. `JSONDecoder` converts
// decimal text to the nearest Double exactly (Foundation's JSONSerialization
// on Linux can be an ulp off), so a recorded number reads back bit for bit.
// Every field is read leniently (`try?`), so a line that is a JSON object
// always decodes and the reader can say precisely which field is wrong.

/// A key of any name, for objects whose keys are data (`params`).
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A JSON number; `null` (written for NaN and infinities) and anything that
/// is not a number read as NaN.
struct LenientNumber: Decodable {
    var value: Double

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = (try? container.decode(Double.self)) ?? .nan
    }
}

/// A `summary` object as ``EventLineReader`` reads one: a missing field or
/// one that is not a number is NaN; nil for a value that is not an object.
struct LenientSummary: Decodable {
    var value: PointSummary?

    init(from decoder: any Decoder) throws {
        guard let c = try? decoder.container(keyedBy: AnyKey.self) else {
            value = nil
            return
        }
        func number(_ name: String) -> Double {
            (try? c.decode(LenientNumber.self, forKey: AnyKey(stringValue: name)))?.value ?? .nan
        }
        let mean = (try? c.decode([LenientNumber].self, forKey: AnyKey(stringValue: "mean"))) ?? []
        value = PointSummary(fMin: number("fMin"), fMax: number("fMax"),
                             mean: SIMD2(mean.first?.value ?? .nan, mean.dropFirst().first?.value ?? .nan))
    }
}

/// A JSON number that is exactly an integer (`1`, `1.0`, `1e2`), read from
/// its decimal value as ``EventLineReader`` reads one; nil for anything else.
/// (`JSONDecoder`'s own Int goes through a rounded Double first, and reads
/// `1.00000000000000000001` as 1 and `1e-400` as 0.) Its `Decimal` holds 38
/// digits: a longer number is read by its first 38 (the one place this
/// reader, the reference, is less exact than the line reader).
struct ExactInteger: Decodable {
    var value: Int?
    /// The number's text when it is an integer past Int's range.
    var beyondInt: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        var beyond: String?
        if let decimal = try? container.decode(Decimal.self) {
            let digits = "\(decimal)"
            value = digits.contains(".") ? nil : Int(digits)
            if value == nil, !digits.contains(".") { beyond = digits }
        } else {
            // Past Decimal's exponents (1e-130, 1e200): only a zero is an integer,
            // and a Double that large (its text has too few digits for a fraction).
            let double = try? container.decode(Double.self)
            value = double == 0 ? 0 : nil
            if let double, double.magnitude >= 0x1p63 { beyond = "\(double)" }
        }
        if beyond != nil {
            // The number as written, where Foundation's error holds it.
            do { _ = try container.decode(Int.self) } catch {
                if let text = IntegerText.parsedNumber(error) { beyond = String(text) }
            }
            beyondInt = beyond
        }
    }
}

/// A JSON number read for an integer field: the Int `JSONDecoder` reads
/// from it (as the config's own fields are read), or nil with the number's
/// text when it holds none (`1e300`, `1.5`); not a number at all: `text`
/// is nil too (the config's decoding names that).
struct IntegerText: Decodable {
    var value: Int?
    var text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            let value = try container.decode(Int.self)
            self.value = value
            text = String(value)
        } catch {
            value = nil
            text = Self.parsedNumber(error).map { String($0.prefix(40)) }
                ?? (try? container.decode(Decimal.self)).map { "\($0)" }
                ?? (try? container.decode(Double.self)).map { "\($0)" }
        }
    }

    /// The number's own text in Foundation's error for a number that is
    /// not a Swift value (an internal enum, known only by its description).
    static func parsedNumber(_ error: any Error) -> Substring? {
        let text = String(describing: error)
        guard let start = text.range(of: "numberIsNotRepresentableInSwift(parsed: \"") else { return nil }
        return text[start.upperBound...].prefix { $0 != "\"" }
    }
}

/// The top-level object: the header line (closed with `]}`), or a whole
/// document re-indented by another tool, which also carries `events`.
struct RunDocument: Decodable {
    var format: String?
    var version: Int?
    /// nil when there is no `config` key; the decoding error when it is invalid.
    var config: Result<LabConfig, any Error>?
    /// The first of the config's integer fields that holds a number outside
    /// its range (`"epochs":1e300`, `"seed":-1`), said as such: `JSONDecoder`
    /// reports one only as a number it cannot represent, without its key.
    var configInteger: (key: String, text: String, range: ClosedRange<Int>)?
    /// nil when `events` is missing or not an array of objects.
    var events: [EventLine]?

    private enum Keys: String, CodingKey { case format, version, config, events }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        format = try? container.decode(String.self, forKey: .format)
        version = try? container.decode(Int.self, forKey: .version)
        if container.contains(.config) {
            do {
                config = .success(try container.decode(LabConfig.self, forKey: .config))
            } catch {
                config = .failure(error)
            }
            if let fields = try? container.nestedContainer(keyedBy: AnyKey.self, forKey: .config) {
                for (name, range) in LabConfig.integerRanges {
                    let key = AnyKey(stringValue: name)
                    guard let field = try? fields.decode(IntegerText.self, forKey: key), let text = field.text else { continue }
                    if let value = field.value, range.contains(value) { continue }
                    configInteger = (name, text, range)
                    break
                }
            }
        }
        events = try? container.decode([EventLine].self, forKey: .events)
    }
}

/// One event object, with every field any event type has.
struct EventLine: Decodable {
    var type: String?
    var epoch: Int?
    /// The epoch's text when it is an integer an Int cannot hold.
    var epochBeyondInt: String?
    var fields: Fields

    /// What the event carries, by type.
    enum Fields {
        case epoch(EpochRecord)
        case lr(Double?)
        case lrs([Double]?)
        case optimizer(OptimizerConfig?)
        case device(name: String, note: String?)
        /// nil when `seed` is present but not a valid UInt32.
        case reset(seed: UInt32?)
        case divergence(message: String)
        /// nil fields: present but not valid (the reader names them).
        case function(expression: String?, name: String?, domain: [Double]?)
        case point([Double]?)
        case parameters([NamedValues]?)
        case configure(points: Int??, domain: [Double]??)
        case end(status: String?)
        case other
    }

    private enum Keys: String, CodingKey {
        case type, epoch, loss, trainLoss, testLoss, params, points, summary, groupSummary, diverged, groupLoss, lambdaMax
        case lr, lrs, optimizer, device, note, seed, message, status
        case function, name, domain, point
    }

    /// Parameter names in the labs' order (JSON objects are unordered once parsed).
    private static let parameterOrder = ["weight", "bias", "a", "b", "c"]

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        type = try? c.decode(String.self, forKey: .type)
        let exactEpoch = try? c.decode(ExactInteger.self, forKey: .epoch)
        (epoch, epochBeyondInt) = (exactEpoch?.value, exactEpoch?.beyondInt)
        switch type {
        case "epoch":
            fields = .epoch(Self.record(c, epoch: epoch ?? 0))
        case "lr":
            fields = .lr(try? c.decode(Double.self, forKey: .lr))
        case "lrs":
            fields = .lrs(try? c.decode([Double].self, forKey: .lrs))
        case "optimizer":
            fields = .optimizer(try? c.decode(OptimizerConfig.self, forKey: .optimizer))
        case "device":
            fields = .device(name: (try? c.decode(String.self, forKey: .device)) ?? "cpu",
                             note: try? c.decode(String.self, forKey: .note))
        case "reset":
            if c.contains(.seed) {
                fields = .reset(seed: (try? c.decode(ExactInteger.self, forKey: .seed))?.value.flatMap { UInt32(exactly: $0) })
            } else {
                fields = .reset(seed: 0)
            }
        case "divergence":
            fields = .divergence(message: (try? c.decode(String.self, forKey: .message)) ?? "diverged")
        case "function":
            fields = .function(expression: try? c.decode(String.self, forKey: .function),
                               name: try? c.decode(String.self, forKey: .name),
                               domain: try? c.decode([Double].self, forKey: .domain))
        case "point":
            fields = .point(try? c.decode([Double].self, forKey: .point))
        case "params":
            if let params = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: .params) {
                let rank = { (name: String) in (Self.parameterOrder.firstIndex(of: name) ?? Self.parameterOrder.count, name) }
                let names = params.allKeys.map(\.stringValue).sorted { rank($0) < rank($1) }
                let values = names.map { name in (name, try? params.decode([Double].self, forKey: AnyKey(stringValue: name))) }
                fields = .parameters(values.allSatisfy { $0.1 != nil } && !values.isEmpty
                                     ? values.map { NamedValues($0.0, $0.1 ?? []) } : nil)
            } else {
                fields = .parameters(nil)
            }
        case "configure":
            // Absent: unchanged (nil); present but not valid: .some(nil).
            fields = .configure(points: c.contains(.points) ? .some((try? c.decode(ExactInteger.self, forKey: .points))?.value) : nil,
                                domain: c.contains(.domain) ? .some(try? c.decode([Double].self, forKey: .domain)) : nil)
        case "end":
            fields = .end(status: try? c.decode(String.self, forKey: .status))
        default:
            fields = .other
        }
    }

    private static func record(_ c: KeyedDecodingContainer<Keys>, epoch: Int) -> EpochRecord {
        func number(_ key: Keys) -> Double? {
            guard c.contains(key) else { return nil }
            return (try? c.decode(Double.self, forKey: key)) ?? .nan
        }
        var record = EpochRecord(epoch: epoch, loss: number(.loss) ?? .nan)
        record.trainLoss = number(.trainLoss)
        record.testLoss = number(.testLoss)
        if let params = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: .params) {
            let rank = { (name: String) in (parameterOrder.firstIndex(of: name) ?? parameterOrder.count, name) }
            let names = params.allKeys.map(\.stringValue).sorted { rank($0) < rank($1) }
            record.params = names.map { name in
                let key = AnyKey(stringValue: name)
                let values = (try? params.decode([Double].self, forKey: key))
                    ?? (try? params.decode([LenientNumber].self, forKey: key))?.map(\.value) ?? []
                return NamedValues(name, values)
            }
        }
        // Plain numbers first (the fast path); nulls (NaN) and oddities through LenientNumber.
        if let points = try? c.decode([[Double]].self, forKey: .points) {
            record.points = points.map { SIMD2($0.first ?? .nan, $0.dropFirst().first ?? .nan) }
        } else if let points = try? c.decode([[LenientNumber]].self, forKey: .points) {
            record.points = points.map { SIMD2($0.first?.value ?? .nan, $0.dropFirst().first?.value ?? .nan) }
        }
        record.summary = (try? c.decode(LenientSummary.self, forKey: .summary))?.value
        // An element that is not an object reads as all NaN.
        record.groupSummary = (try? c.decode([LenientSummary].self, forKey: .groupSummary))?.map {
            $0.value ?? .unknown
        }
        if c.contains(.lambdaMax) {
            record.lambdaMax = (try? c.decode([Double].self, forKey: .lambdaMax))
                ?? (try? c.decode([LenientNumber].self, forKey: .lambdaMax))?.map(\.value)
        }
        record.diverged = (try? c.decode(Bool.self, forKey: .diverged)) ?? false
        if c.contains(.groupLoss) {
            record.groupLoss = (try? c.decode([Double].self, forKey: .groupLoss))
                ?? (try? c.decode([LenientNumber].self, forKey: .groupLoss))?.map(\.value)
        }
        record.lr = number(.lr)
        return record
    }
}
