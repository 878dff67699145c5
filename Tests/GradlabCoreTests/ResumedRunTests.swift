import Foundation
import Testing
import GradlabTestSupport
@testable import GradlabCore

/// A run resumed from a checkpoint (`--load`) continues its schedule, and
/// its recording holds the state it started from, so a fork re-runs it.
@Suite("Resumed runs")
struct ResumedRunTests {
    /// The landscape under Adam and a cosine schedule, on the CPU.
    static var config: LabConfig {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = 7
        config.optimizer = OptimizerConfig(kind: .adam)
        config.optimizer.lr = 0.2
        config.schedule = .cosine(tMax: 3, etaMin: 0.01)
        return config
    }

    /// Saves `config` after `epochs` epochs in `directory`; returns the loaded checkpoint.
    static func saved(_ config: LabConfig, epochs: Int, in directory: URL) async throws -> LoadedCheckpoint {
        let session = try Session(config: config, streaming: false)
        await session.start()
        await session.step(epochs)
        let state = try await session.checkpoint()
        let path = directory.appendingPathComponent("half.safetensors").path
        try Checkpoint.save(params: state.params, dtype: config.dtype, lab: config.lab, epoch: state.epoch,
                            optimizer: state.optimizer, function: LandscapeFunction(config), path: path)
        return try Checkpoint.load(path: path)
    }

    @Test func aRestoredScheduleGoesOnAndTheRecordingForksToTheRecordedState() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let straight = try Session(config: Self.config, streaming: false)
        let whole = EventCollector(readsCurvature: true)
        await straight.attach(whole)
        await straight.start()
        await straight.step(9)

        // Restored into a session built with no schedule and another optimizer: the saved ones run.
        let checkpoint = try await Self.saved(Self.config, epochs: 4, in: directory)
        var plain = Self.config
        plain.schedule = nil
        plain.optimizer = OptimizerConfig(kind: .sgd)
        let resumed = try Session(config: plain, streaming: false)
        try await resumed.restore(checkpoint)
        let config = await resumed.config
        #expect(config.optimizer == Self.config.optimizer && config.schedule == Self.config.schedule)
        #expect(config.resume == ResumeState(checkpoint))
        let path = directory.appendingPathComponent("resumed.json").path
        await resumed.attach(try Recorder(path: path, config: config))
        let continued = EventCollector()
        await resumed.attach(continued)
        await resumed.start()
        await resumed.step(5)
        await resumed.finish(status: "completed")

        func epochs(_ events: [Event]) -> [String] {
            events.compactMap { event in
                guard case .epoch(let record) = event, record.epoch > 4 else { return nil }
                return Event.epoch(record).jsonLine(single: false)
            }
        }
        #expect(epochs(continued.events).count == 5)
        #expect(epochs(continued.events) == epochs(whole.events))

        let file = try RunFile.load(path: path)
        #expect(file.config == config)
        let index = RunIndex(file)
        for position in 0..<index.count {
            let fork = try await RunFork.rerun(file, index: index, through: position)
            #expect(fork.mismatch == nil, "position \(position): \(fork.mismatch ?? "")")
            #expect(ReplayRecordings.lines(fork.events, single: false)
                    == ReplayRecordings.lines(file.events.prefix(index.eventCounts[position]), single: false), "position \(position)")
        }
    }

    /// A reset rebuilds the lab from its seed: the config no longer says it resumed.
    @Test func aResetForgetsTheCheckpoint() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let session = try Session(config: Self.config, streaming: false)
        try await session.restore(try await Self.saved(Self.config, epochs: 2, in: directory))
        #expect(await session.config.resume != nil)
        try await session.reset(seed: 3)
        let (resume, epoch) = (await session.config.resume, await session.epoch)
        #expect(resume == nil && epoch == 0)
    }

    /// A checkpoint saved after a divergence holds NaN and infinities: the
    /// recording's config keeps them (as "nan", "inf", "-inf") and reads back.
    @Test func nonFiniteStateReadsBack() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = LabConfig(lab: .quadratic)
        config.optimizer.momentum = 0.9
        config.resume = ResumeState(checkpoint: "q.safetensors", epoch: 3, params: ["a": [.nan], "b": [.infinity], "c": [0.1]],
                                    optimizer: .init(step: 3, lr: 1e-5, state: ["momentum_buffer": [-.infinity, 2, .nan]], scheduler: nil))
        let path = directory.appendingPathComponent("nan.json").path
        let recorder = try Recorder(path: path, config: config)
        recorder.finish(status: "completed")
        // The header's own writer, and the Codable form JSONEncoder writes, alike.
        let encoded = try JSONDecoder().decode(LabConfig.self, from: Data(RunFileFormat.encode(config).utf8))
        for read in [try #require(try RunFile.load(path: path).config.resume), try #require(encoded.resume)] {
            #expect(read.params["a"]?.first?.isNaN == true && read.params["b"] == [.infinity] && read.params["c"] == [0.1])
            let buffer = try #require(read.optimizer?.state["momentum_buffer"])
            #expect(buffer.count == 3 && buffer[0] == -.infinity && buffer[1] == 2 && buffer[2].isNaN)
            #expect(read.epoch == 3 && read.checkpoint == "q.safetensors" && read.optimizer?.step == 3 && read.optimizer?.lr == 1e-5)
        }
    }

    /// A recording whose resume state does not fit its lab says so in one line.
    @Test func aResumeStateThatDoesNotFitItsLabIsRefused() {
        var config = LabConfig(lab: .quadratic)
        config.device = "cpu"
        config.resume = ResumeState(checkpoint: nil, epoch: 2, params: ["weight": [1], "bias": [2]], optimizer: nil)
        #expect(throws: GradlabError("resume: a quadratic run resumes parameters a, b, c, the config has bias, weight")) {
            try Session(config: config)
        }
    }
}
