import Foundation

/// Constants and shared encoding of the run-file format (docs/run-file.md).
public enum RunFileFormat {
    public static let format = "gradlab.run"
    /// The newest version this build reads and the one it writes.
    public static let version = 1
    public static let generator = "gradlab \(GradlabVersion.current)"

    /// Compact JSON with sorted keys, for the config and optimizer objects.
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }

    /// The first line of a run file, ending with the opening of `events`.
    static func header(config: LabConfig, created: Date) -> String {
        var json = JSONText(single: false)
        json.raw("{")
        json.key("format", first: true); json.string(format)
        json.key("version"); json.raw(String(version))
        json.key("generator"); json.string(generator)
        json.key("created"); json.string(ISO8601DateFormatter().string(from: created))
        json.key("config"); json.raw(configText(config))
        json.key("events"); json.raw("[")
        return json.text
    }

    /// The config as a header holds it: its keys sorted, but for a resumed
    /// run's `resume` state, written last by its own writer (its numbers
    /// can be millions: ``ResumeState/jsonText(single:)``).
    static func configText(_ config: LabConfig) -> String {
        guard let resume = config.resume else { return encode(config) }
        var rest = config
        rest.resume = nil
        let text = encode(rest)
        return text.dropLast() + (text.count > 2 ? "," : "") + "\"resume\":" + resume.jsonText(single: config.dtype == .f32) + "}"
    }

    /// The last event line: how the run ended. It has no trailing comma, and
    /// `]}` follows it, so a complete file is one JSON document.
    static func footer(status: String, epochs: Int, basins: [Int?]? = nil) -> String {
        var json = JSONText(single: false)
        json.raw("{")
        json.key("type", first: true); json.string("end")
        json.key("status"); json.string(status)
        json.key("epochs"); json.raw(String(epochs))
        if let basins {
            json.key("basins")
            json.raw("[" + basins.map { $0.map(String.init) ?? "null" }.joined(separator: ",") + "]")
        }
        json.raw("}")
        return json.text
    }
}
