import Foundation
import Testing
@testable import GradlabCore

/// `u` after a divergence (issue 12): back to the last finite epoch, exactly
/// the state a run that stopped there holds, with the lr lowered since kept.
@Suite("Rewinding to the last finite epoch")
struct RewindTests {
    private func config(optimizer: OptimizerKind = .sgd, momentum: Double = 0) -> LabConfig {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.function = "x1^2 + 3*x2^2"
        config.domain = [-5, 5, -5, 5]
        config.points = 8
        config.optimizer = OptimizerConfig(kind: optimizer)
        config.optimizer.lr = 0.01
        config.optimizer.momentum = momentum
        return config
    }

    /// Steps 5 epochs at 0.01, then at 5 until it diverges; returns the epoch it diverged at.
    private func diverge(_ session: Session) async throws -> Int {
        await session.start()
        await session.step(5)
        try await session.setLearningRate(5)
        await session.step(2000)
        #expect(await session.isDiverged)
        return await session.epoch
    }

    /// Plain SGD and SGD with momentum (whose velocity must come back too).
    @Test(arguments: [0.0, 0.9])
    func rewindReachesTheStateOfARunThatStoppedThere(momentum: Double) async throws {
        let session = try Session(config: config(momentum: momentum), streaming: false)
        let diverged = try await diverge(session)
        try await session.setLearningRate(0.001)
        let reached = try await session.rewind()
        #expect(reached == diverged - 1)
        #expect(await session.epoch == diverged - 1)
        #expect(!(await session.isDiverged))
        // The lr given after the divergence holds from here on.
        #expect(await session.config.optimizer.lr == 0.001)

        let twin = try Session(config: config(momentum: momentum), streaming: false)
        await twin.start()
        await twin.step(5)
        try await twin.setLearningRate(5)
        await twin.step(diverged - 1 - 5)
        let rewound = await session.latest, expected = await twin.latest
        #expect(rewound?.epoch == expected?.epoch)
        #expect(rewound?.points == expected?.points)
        #expect(rewound?.loss == expected?.loss)
        #expect(rewound?.loss.isFinite == true)
        let state = await session.inspect(selectedPoint: 0), twinState = await twin.inspect(selectedPoint: 0)
        #expect(state.parameters.map(\.state) == twinState.parameters.map(\.state))
        // It goes on: the next epoch runs from there.
        #expect(await session.step(1)?.epoch == diverged)
    }

    @Test func aRunThatHasNotDivergedHasNothingToRewind() async throws {
        let session = try Session(config: config(), streaming: false)
        await session.start()
        await session.step(3)
        await #expect(throws: GradlabError.self) { try await session.rewind() }
        #expect(await session.epoch == 3)
    }

    /// The recording shows the rewind as a reset and the re-run epochs: a
    /// fork of it re-runs to the same numbers.
    @Test func aRecordedRewindForksToTheSameState() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gradlab-rewind-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("run.json").path
        // Adam from the start, switched to SGD: the rewind re-runs from Adam.
        let start = config(optimizer: .adam)
        let recorder = try Recorder(path: path, config: start)
        let session = try Session(config: start, sinks: [recorder], streaming: false)
        await session.start()
        await session.step(3)
        var sgd = OptimizerConfig(kind: .sgd)
        sgd.lr = 0.01
        try await session.setOptimizer(sgd)
        await session.step(2)
        try await session.setLearningRate(5)
        await session.step(2000)
        #expect(await session.isDiverged)
        try await session.setLearningRate(0.001)
        try await session.rewind()
        await session.step(4)
        let final = await session.latest
        await session.finish(status: "completed")

        let file = try RunFile.load(path: path)
        let index = RunIndex(file)
        let fork = try await RunFork.rerun(file, index: index, through: index.lastPosition)
        #expect(fork.mismatch == nil, "\(fork.mismatch ?? "")")
        #expect(await fork.session.latest?.points == final?.points)
        #expect(await fork.session.config.optimizer.lr == 0.001)
    }
}
