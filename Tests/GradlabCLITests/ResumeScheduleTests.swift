import Foundation
import Testing
import GradlabTestSupport
@testable import GradlabCore

/// `--load` of a checkpoint saved under `--schedule`: the resumed run took
/// the saved schedule's rates, but its recording named the flag's schedule
/// (or none) and the current rate as the base, so a fork re-ran something
/// else; `--schedule` itself was ignored, and the original flags repeated
/// were refused (the current rate was compared with `--lr`'s).
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

    @Test func aScheduleOtherThanTheSavedOneIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpoint = try Self.savedHalf(in: directory)
        let optimizerFile = Checkpoint.optimizerPath(for: checkpoint)
        let record = directory.appendingPathComponent("x.json").path
        let saved = "sgd lr=1e-5 momentum=0.9 with --schedule step:2,0.5 at step 5 (epoch 5, lr now 2.5e-6)"
        for (schedule, asked) in [("exp:0.5", "with --schedule exp:0.5"), ("none", "with no schedule"), ("step:3,0.5", "with --schedule step:3,0.5")] {
            let refused = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--optimizer", "sgd", "--momentum", "0.9",
                                           "--schedule", schedule, "--load", checkpoint, "--epochs", "5", "--record", record])
            #expect(refused.status == 1)
            #expect(refused.stderr == "gradlab: error: --load \(checkpoint): its optimizer file resumes \(saved), "
                    + "not the sgd lr=1e-5 momentum=0.9 \(asked) the flags ask for: drop the flags to resume, or move \(optimizerFile) away to start afresh\n")
            #expect(!FileManager.default.fileExists(atPath: record))
        }
        // --schedule alone describes the default optimizer with it, as --optimizer sgd alone does.
        let alone = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--schedule", "exp:0.5", "--load", checkpoint, "--epochs", "1"])
        #expect(alone.status == 1 && alone.stderr.contains("not the sgd lr=1e-5 with --schedule exp:0.5 the flags ask for"), "\(alone.stderr)")

        // A checkpoint saved with no schedule refuses one too.
        let plain = directory.appendingPathComponent("plain.safetensors").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--epochs", "3", "--save", plain]).status == 0)
        let scheduled = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--schedule", "exp:0.5", "--load", plain, "--epochs", "1"])
        #expect(scheduled.status == 1 && scheduled.stderr.contains("resumes sgd lr=1e-5 with no schedule at step 3, not the sgd lr=1e-5 with --schedule exp:0.5"),
                "\(scheduled.stderr)")
        // `--schedule none` is no schedule, and the saved optimizer named exactly resumes it.
        let none = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--schedule", "none", "--load", plain, "--epochs", "1"])
        #expect(none.status == 0, "\(none.stderr)")
    }

    /// The comparison is with the base rate the flags gave, not the rate the schedule has reached.
    @Test func theOriginalFlagsRepeatedResumeAsNoFlagsDo() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpoint = try Self.savedHalf(in: directory)
        let common = ["--headless", "--device", "cpu", "--load", checkpoint, "--epochs", "5"]
        let bare = try Gradlab.run(common + ["--lab", "quadratic"])
        #expect(bare.status == 0, "\(bare.stderr)")
        for flags in [Self.original, Self.original + ["--lr", "1e-5"], ["--lab", "quadratic", "--lr", "0.00001", "--schedule", "step:2,0.5", "--momentum", "0.9"]] {
            let repeated = try Gradlab.run(common + flags)
            #expect(repeated.status == 0, "\(flags): \(repeated.stderr)")
            #expect(repeated.stdout == bare.stdout, "\(flags)")
        }
        // Another base rate is another optimizer.
        let other = try Gradlab.run(common + Self.original + ["--lr", "2.5e-6"])
        #expect(other.status == 1 && other.stderr.contains("not the sgd lr=2.5e-6 momentum=0.9 with --schedule step:2,0.5"), "\(other.stderr)")
    }
}
