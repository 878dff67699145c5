import Foundation
import Testing
import GradlabTestSupport
@testable import GradlabCore

/// `--load` of a checkpoint saved under `--schedule`: the resumed run took
/// the saved schedule's rates, but its recording named the flag's schedule
/// (or none) and the current rate as the base, so a fork re-ran something
/// else.
@Suite("Resuming a learning-rate schedule")
struct ResumeScheduleTests {
    /// The run the checkpoint comes from: SGD with momentum, the rate halved every 2 epochs.
    static let original = ["--lab", "quadratic", "--optimizer", "sgd", "--momentum", "0.9", "--schedule", "step:2,0.5"]

    /// Saves the first 5 epochs of ``original`` in `directory`.
    static func savedHalf(in directory: URL) throws -> String {
        let checkpoint = directory.appendingPathComponent("a.safetensors").path
        let saved = try Gradlab.run(["--headless", "--quiet", "--device", "cpu"] + original + ["--epochs", "5", "--save", checkpoint])
        #expect(saved.status == 0, "\(saved.stderr)")
        return checkpoint
    }

    /// stdout without the line naming the recording (its path differs).
    static func printed(_ result: ProcessResult) -> [String] {
        result.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("recorded: ") }
    }

    @Test func tenEpochsStraightAreFiveSavedAndFiveResumedBitForBit() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let straightPath = directory.appendingPathComponent("straight.json").path
        let straight = try Gradlab.run(["--headless", "--device", "cpu"] + Self.original + ["--epochs", "10", "--record", straightPath])
        #expect(straight.status == 0, "\(straight.stderr)")
        let checkpoint = try Self.savedHalf(in: directory)
        let resumedPath = directory.appendingPathComponent("resumed.json").path
        let resumed = try Gradlab.run(["--headless", "--device", "cpu", "--lab", "quadratic", "--load", checkpoint, "--epochs", "5", "--record", resumedPath])
        #expect(resumed.status == 0, "\(resumed.stderr)")

        // The printed epochs 6 to 10 and the summary (`sgd lr=1e-5 momentum=0.9`, not the current 2.5e-6).
        let later = Self.printed(straight).filter { line in !(1...5).contains { line.hasPrefix("Epoch \($0),") } }
        #expect(Self.printed(resumed) == later)
        #expect(Self.printed(resumed).contains { $0.hasPrefix("gradlab quadratic: sgd lr=1e-5 momentum=0.9,") })

        // The run files' epochs 6 to 10, as written: loss, params, λmax and the scheduled lr.
        let whole = try RunFile.load(path: straightPath), continued = try RunFile.load(path: resumedPath)
        let lines = { (file: RunFile) in file.epochs.filter { $0.epoch > 5 }.map { Event.epoch($0).jsonLine(single: true) } }
        #expect(lines(continued).count == 5)
        #expect(lines(continued) == lines(whole))
        #expect(continued.epochs.dropFirst().map(\.lr) == [2.5e-6, 1.25e-6, 1.25e-6, 6.25e-7, 6.25e-7])

        // The config says what ran: the saved optimizer at its base rate, the saved schedule, and the state it resumed.
        #expect(continued.config.optimizer == whole.config.optimizer)
        #expect(continued.config.schedule == .step(stepSize: 2, gamma: 0.5))
        let resume = try #require(continued.config.resume)
        #expect(resume.epoch == 5 && resume.checkpoint == checkpoint)
        #expect(resume.optimizer?.step == 5 && resume.optimizer?.lr == 2.5e-6)
        #expect(resume.optimizer?.scheduler?.epoch == 5 && resume.optimizer?.scheduler?.base == 1e-5)

        // A fork re-runs it from that state: at every epoch the recorded events, no "re-run differs".
        let index = RunIndex(continued)
        for position in 0..<index.count {
            let fork = try await RunFork.rerun(continued, index: index, through: position)
            #expect(fork.mismatch == nil, "position \(position): \(fork.mismatch ?? "")")
            #expect(fork.events.map { $0.jsonLine(single: true) }
                    == continued.events.prefix(index.eventCounts[position]).map { $0.jsonLine(single: true) }, "position \(position)")
        }
        // And without the checkpoint, which the recording does not need.
        try FileManager.default.removeItem(atPath: checkpoint)
        let fork = try await RunFork.rerun(continued, index: index, through: index.lastPosition)
        let reached = await fork.session.epoch
        #expect(fork.mismatch == nil && reached == 10)
        // The replay prints the recorded epochs.
        let replay = try Gradlab.run(["--replay", resumedPath, "--headless"])
        #expect(replay.status == 0 && replay.stdout.contains("Epoch 10, loss: 7179.4575"), "\(replay.stdout)\(replay.stderr)")
    }
}
