import Foundation
@testable import GradlabCore
import GradlabTestSupport

/// Small recordings made in-process for the replay tests.
enum ReplayRecordings {
    /// A linear run with every kind of event: an lr change at epoch 3, an
    /// optimizer change at epoch 5, a device event at epoch 7, a reset after
    /// epoch 8, and 3 epochs after the reset (13 epoch records in all).
    static func linearWithChanges(in directory: URL) async throws -> (path: String, file: RunFile) {
        var config = LabConfig(lab: .linear)
        config.device = "cpu"
        let path = directory.appendingPathComponent("changes.json").path
        let session = try Session(config: config)
        await session.attach(try Recorder(path: path, config: config))
        await session.start()
        await session.step(3)
        try await session.setLearningRate(0.01)
        await session.step(2)
        var adam = OptimizerConfig(kind: .adam)
        adam.lr = 0.005
        try await session.setOptimizer(adam)
        await session.step(2)
        await session.setDevice("cpu")
        await session.step(1)
        try await session.reset(seed: 7)
        await session.step(3)
        await session.finish(status: "quit")
        return (path, try RunFile.load(path: path))
    }

    /// A headless-style landscape recording (of `compare`'s groups side by
    /// side when given).
    static func landscape(points: Int, track: Int, epochs: Int, compare: [OptimizerConfig]? = nil,
                          in directory: URL) async throws -> RunFile {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = points
        config.trackedPoints = track
        config.optimizer.lr = 0.1
        if let compare {
            config.compare = compare
            config.optimizer = compare[0]
        }
        let name = "landscape-\(points)-\(track)\(compare.map { "-" + $0.map(\.summary).joined(separator: "-") } ?? "").json"
        let path = directory.appendingPathComponent(name).path
        let session = try Session(config: config)
        await session.attach(try Recorder(path: path, config: config))
        await session.start()
        await session.step(epochs)
        await session.finish(status: "completed")
        return try RunFile.load(path: path)
    }

    /// Events as the run file prints them (parsed f32 values are the decimal
    /// the file holds, so compare text, not Doubles).
    static func lines(_ events: some Sequence<Event>, single: Bool) -> [String] {
        events.map { $0.jsonLine(single: single) }
    }
}
