import Foundation

/// Small, allocation-light JSON text building for run files, where key order
/// and number formatting are part of the contract (shortest round-trip
/// numbers; NaN and infinities as `null`, which JSON has no numbers for).
struct JSONText {
    private(set) var text = ""
    /// Format numbers as Float's shortest round-trip text (f32 runs).
    let single: Bool

    init(single: Bool, capacity: Int = 256) {
        self.single = single
        text.reserveCapacity(capacity)
    }

    mutating func raw(_ value: String) { text += value }

    mutating func number(_ value: Double) {
        guard value.isFinite else {
            text += "null"
            return
        }
        if single {
            text += Float(value).description
        } else if value == value.rounded(), abs(value) < 1e15 {
            text += String(Int64(value))
        } else {
            text += value.description
        }
    }

    mutating func numbers(_ values: [Double]) {
        text += "["
        for (i, value) in values.enumerated() {
            if i > 0 { text += "," }
            number(value)
        }
        text += "]"
    }

    /// `{"fMin":…,"fMax":…,"mean":[x1,x2]}` (`summary`, and each of `groupSummary`).
    mutating func summary(_ summary: PointSummary) {
        text += "{"
        key("fMin", first: true); number(summary.fMin)
        key("fMax"); number(summary.fMax)
        key("mean"); numbers([summary.mean.x, summary.mean.y])
        text += "}"
    }

    /// A JSON string literal (one escaping rule for run files and checkpoint headers).
    mutating func string(_ value: String) {
        text += HeaderJSON.quoted(value)
    }

    /// `"key":` with the leading comma when `first` is false.
    mutating func key(_ name: String, first: Bool = false) {
        if !first { text += "," }
        string(name)
        text += ":"
    }
}

extension Event {
    /// The event as one line of a run file (no trailing comma or newline).
    func jsonLine(single: Bool) -> String {
        var json = JSONText(single: single)
        json.raw("{")
        switch self {
        case .epoch(let record):
            json.key("type", first: true); json.string("epoch")
            json.key("epoch"); json.raw(String(record.epoch))
            json.key("loss"); json.number(record.loss)
            if let train = record.trainLoss { json.key("trainLoss"); json.number(train) }
            if let test = record.testLoss { json.key("testLoss"); json.number(test) }
            if !record.params.isEmpty {
                json.key("params"); json.raw("{")
                for (i, param) in record.params.enumerated() {
                    json.key(param.name, first: i == 0)
                    json.numbers(param.values)
                }
                json.raw("}")
            }
            if let points = record.points {
                json.key("points"); json.raw("[")
                for (i, point) in points.enumerated() {
                    if i > 0 { json.raw(",") }
                    json.raw("["); json.number(point.x); json.raw(","); json.number(point.y); json.raw("]")
                }
                json.raw("]")
            }
            if let lambdaMax = record.lambdaMax { json.key("lambdaMax"); json.numbers(lambdaMax) }
            if let groupLoss = record.groupLoss { json.key("groupLoss"); json.numbers(groupLoss) }
            if let lr = record.lr { json.key("lr"); json.raw(formatNumber(lr)) }
            if let summary = record.summary { json.key("summary"); json.summary(summary) }
            if let summaries = record.groupSummary {
                json.key("groupSummary"); json.raw("[")
                for (i, summary) in summaries.enumerated() {
                    if i > 0 { json.raw(",") }
                    json.summary(summary)
                }
                json.raw("]")
            }
            if record.diverged { json.key("diverged"); json.raw("true") }
        case .learningRate(let epoch, let lr):
            json.key("type", first: true); json.string("lr")
            json.key("epoch"); json.raw(String(epoch))
            json.key("lr"); json.raw(formatNumber(lr))
        case .groupLearningRates(let epoch, let lrs):
            json.key("type", first: true); json.string("lrs")
            json.key("epoch"); json.raw(String(epoch))
            json.key("lrs"); json.raw("[" + lrs.map(formatNumber).joined(separator: ",") + "]")
        case .optimizer(let epoch, let config):
            json.key("type", first: true); json.string("optimizer")
            json.key("epoch"); json.raw(String(epoch))
            json.key("optimizer"); json.raw(RunFileFormat.encode(config))
        case .device(let epoch, let name, let note):
            json.key("type", first: true); json.string("device")
            json.key("epoch"); json.raw(String(epoch))
            json.key("device"); json.string(name)
            if let note { json.key("note"); json.string(note) }
        case .reset(let epoch, let seed):
            json.key("type", first: true); json.string("reset")
            json.key("epoch"); json.raw(String(epoch))
            json.key("seed"); json.raw(String(seed))
        case .divergence(let epoch, let message):
            json.key("type", first: true); json.string("divergence")
            json.key("epoch"); json.raw(String(epoch))
            json.key("message"); json.string(message)
        case .function(let epoch, let expression, let name, let domain):
            json.key("type", first: true); json.string("function")
            json.key("epoch"); json.raw(String(epoch))
            json.key("function"); json.string(expression)
            if let name { json.key("name"); json.string(name) }
            json.key("domain"); json.raw("[" + domain.map(formatNumber).joined(separator: ",") + "]")
        case .pointAdded(let epoch, let point):
            json.key("type", first: true); json.string("point")
            json.key("epoch"); json.raw(String(epoch))
            json.key("point"); json.raw("[" + formatNumber(point.x) + "," + formatNumber(point.y) + "]")
        case .parameters(let epoch, let values):
            json.key("type", first: true); json.string("params")
            json.key("epoch"); json.raw(String(epoch))
            json.key("params"); json.raw("{")
            for (i, param) in values.enumerated() {
                json.key(param.name, first: i == 0)
                json.raw("[" + param.values.map(formatNumber).joined(separator: ",") + "]")
            }
            json.raw("}")
        case .configure(let epoch, let points, let domain):
            json.key("type", first: true); json.string("configure")
            json.key("epoch"); json.raw(String(epoch))
            if let points { json.key("points"); json.raw(String(points)) }
            if let domain { json.key("domain"); json.raw("[" + domain.map(formatNumber).joined(separator: ",") + "]") }
        }
        json.raw("}")
        return json.text
    }
}

/// JSON string literals, escaped as run files and checkpoint headers escape
/// them, for other writers of JSON lines (an asciicast's events).
public enum JSONLiteral {
    /// `text` as a JSON string literal, quotes included.
    public static func string(_ text: String) -> String {
        HeaderJSON.quoted(text)
    }
}
