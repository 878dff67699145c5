import Foundation
import Testing
@testable import GradlabCore
import GradlabTestSupport

/// `gradlab --replay` in a real terminal (tmux): seek, fork, record the fork.
@Suite("Replay end to end in tmux", .enabled(if: TmuxSession.isAvailable), .serialized)
struct ReplayTerminalTests {
    /// The status bar: the screen's last non-empty line.
    private func statusLine(_ screen: String) -> String {
        screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
    }

    private func waitForStatus(_ tmux: TmuxSession, _ fragments: String...) throws {
        try tmux.waitFor("status bar with \(fragments)") { screen in
            let status = statusLine(screen)
            return fragments.allSatisfy { status.contains($0) }
        }
    }

    @Test func seekThenForkAndRecordTheFork() throws {
        let directory = try Fixtures.temporaryDirectory()
        let run = directory.appendingPathComponent("run.json").path
        let fork = directory.appendingPathComponent("fork.json").path
        let recorded = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--epochs", "30", "--device", "cpu",
                                        "--record", run])
        #expect(recorded.status == 0)

        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --replay \(run) --record \(fork); echo GRADLAB_EXIT=$?")
        try waitForStatus(tmux, "REPLAY", "epoch 0 ", "1/frame", "replay run.json")

        for _ in 0..<3 { try tmux.send(".") }
        try waitForStatus(tmux, "REPLAY paused", "epoch 3 ")
        try tmux.send("End")
        try waitForStatus(tmux, "REPLAY at end", "epoch 30 ")
        try tmux.send("g")
        try waitForStatus(tmux, "go to epoch: ")
        try tmux.send("1", "2")
        try waitForStatus(tmux, "go to epoch: 12")
        try tmux.send("Enter")
        try waitForStatus(tmux, "REPLAY", "epoch 12 ")
        try tmux.send("Left")
        try waitForStatus(tmux, "REPLAY", "epoch 11 ")
        try tmux.send("+")
        try waitForStatus(tmux, "REPLAY", "2/frame")

        // The replay keys' help.
        try tmux.send("?")
        try tmux.waitFor("fork: train live from this epoch")
        try tmux.send("Escape")
        try tmux.waitFor("help closed") { !$0.contains("fork: train live from this epoch") }

        // Fork at epoch 11, then step live twice.
        try tmux.send("f")
        try waitForStatus(tmux, "PAUSED", "epoch 11 ", "forked from run.json @ epoch 11")
        try tmux.send("Space")
        try waitForStatus(tmux, "PAUSED", "epoch 12 ")
        try tmux.send("Space")
        try waitForStatus(tmux, "PAUSED", "epoch 13 ", "REC")
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")

        // The fork's file starts with the re-run (epochs 0 to 11, as recorded) and goes on live.
        let original = try RunFile.load(path: run)
        let forked = try RunFile.load(path: fork)
        #expect(forked.status == "quit" && forked.warning == nil)
        #expect(forked.config == original.config)
        #expect(forked.epochs.map(\.epoch) == Array(0...13))
        #expect(Array(forked.epochs.prefix(14)) == Array(original.epochs.prefix(14)))
    }

    @Test func aCutRecordingOpensWithAWarning() throws {
        let directory = try Fixtures.temporaryDirectory()
        let run = directory.appendingPathComponent("run.json").path
        _ = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--epochs", "20", "--device", "cpu", "--record", run])
        let lines = try String(contentsOfFile: run, encoding: .utf8).split(separator: "\n")
        let cut = try Fixtures.write(lines.prefix(9).joined(separator: "\n") + "\n{\"type\":\"ep", named: "cut.json", in: directory)

        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --replay \(cut); echo GRADLAB_EXIT=$?")
        try waitForStatus(tmux, "REPLAY", "epoch 0 ", "cut short: recovered 7 epochs (through epoch 6)")
        try tmux.send("End")
        try waitForStatus(tmux, "REPLAY", "epoch 6 ")
        try tmux.send("C-c")
        try tmux.waitFor("GRADLAB_EXIT=130")
        try tmux.expectUsable()
    }

    /// A run resumed from a checkpoint under a schedule forks from its own
    /// state (it forked from epoch 0: `re-run differs: epoch 5 re-run, 10
    /// recorded`), and the live lab after the fork goes on with the schedule.
    @Test func aResumedRecordingForksWithoutADifference() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let flags = ["--headless", "--quiet", "--device", "cpu", "--lab", "quadratic"]
        let schedule = ["--optimizer", "sgd", "--momentum", "0.9", "--schedule", "step:2,0.5"]
        let checkpoint = directory.appendingPathComponent("a.safetensors").path
        let straight = directory.appendingPathComponent("straight.json").path
        let resumed = directory.appendingPathComponent("resumed.json").path
        let fork = directory.appendingPathComponent("fork.json").path
        #expect(try Gradlab.run(flags + schedule + ["--epochs", "11", "--record", straight]).status == 0)
        #expect(try Gradlab.run(flags + schedule + ["--epochs", "5", "--save", checkpoint]).status == 0)
        #expect(try Gradlab.run(flags + ["--load", checkpoint, "--epochs", "5", "--record", resumed]).status == 0)

        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --replay \(resumed) --record \(fork); echo GRADLAB_EXIT=$?")
        try waitForStatus(tmux, "REPLAY", "epoch 5 ")
        try tmux.send("End")
        try waitForStatus(tmux, "REPLAY at end", "epoch 10 ")
        try tmux.send("f")
        let screen = try tmux.waitFor("the fork") { statusLine($0).contains("forked from resumed.json @ epoch 10") }
        #expect(!screen.contains("re-run differs"), "\(statusLine(screen))")
        try tmux.send("Space")
        try waitForStatus(tmux, "PAUSED", "epoch 11 ", "REC")
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")

        // Epoch 11, trained live after the fork, is the straight run's.
        let lines = { (path: String) in try RunFile.load(path: path).epochs.filter { $0.epoch > 5 }.map { Event.epoch($0).jsonLine(single: true) } }
        #expect(try lines(fork) == lines(straight))
    }
}
