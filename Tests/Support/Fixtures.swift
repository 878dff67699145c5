import Foundation

/// Reads the reference results in `Tests/Fixtures/reference/`, produced by the
/// tutorial's own NumPy / PyTorch / scikit-learn code (see the README there).
public enum Fixtures {
    /// `Tests/Fixtures` in the source tree.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The package root (for locating the built binary and themes).
    public static let packageRoot: URL = directory.deletingLastPathComponent().deletingLastPathComponent()

    /// A reference file as a JSON dictionary.
    public static func reference(_ name: String) throws -> [String: Any] {
        let url = directory.appendingPathComponent("reference/\(name).json")
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError("\(name).json is not a JSON object")
        }
        return object
    }

    /// A fresh temporary directory for a test's files.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradlab-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to a file in `directory`, returning its path.
    public static func write(_ text: String, named name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Relative difference with an absolute floor, as the references' tolerances mean it.
public func relativeError(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(abs(b), 1e-300)
}

extension Array where Element == Any {
    /// Numbers from a JSON array.
    public var doubles: [Double] { compactMap { ($0 as? NSNumber)?.doubleValue } }
}

/// The result of running the built `gradlab` binary.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum Gradlab {
    /// The `gradlab` executable built beside the test bundle (or `GRADLAB_BIN`).
    public static var binary: String {
        if let override = ProcessInfo.processInfo.environment["GRADLAB_BIN"] { return override }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gradlab").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return Fixtures.packageRoot.appendingPathComponent(".build/debug/gradlab").path
    }

    /// Runs gradlab with `arguments`, waiting for it to exit.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
        try Subprocess.run([binary] + arguments, environment: environment)
    }
}
