import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

/// The real binary in a real terminal (tmux).
@Suite("TUI end to end in tmux", .enabled(if: TmuxSession.isAvailable), .serialized)
struct TerminalTests {
    private func isBraille(_ scalar: Unicode.Scalar) -> Bool { (0x2801...0x28FF).contains(scalar.value) }

    @Test func stepRaiseLRHelpResizeQuit() throws {
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --lr 0.01; echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        try tmux.waitFor("epoch 0 ")

        for _ in 0..<3 { try tmux.send("Space") }
        var screen = try tmux.waitFor("epoch 3 ")
        // Trajectories and markers are drawn in braille.
        #expect(screen.unicodeScalars.contains { isBraille($0) })

        try tmux.send("+")
        screen = try tmux.waitFor("lr 0.01778")
        #expect(screen.contains("lr 0.01778"))

        try tmux.send("?")
        try tmux.waitFor("step one epoch")
        try tmux.send("Escape")
        try tmux.waitFor("help closed") { !$0.contains("step one epoch") }

        try tmux.resize(width: 90, height: 30)
        screen = try tmux.waitFor("relayout at 90 columns") { screen in
            let lines = screen.split(separator: "\n")
            return lines.contains { $0.contains("PAUSED") } && lines.allSatisfy { $0.count <= 90 } && lines.count <= 30
        }
        try tmux.resize(width: 40, height: 10)
        try tmux.waitFor("need 60×18, have 40×10")
        try tmux.resize(width: 120, height: 40)
        try tmux.waitFor("epoch 3 ")

        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
        // The terminal is usable again: the shell echoes what we type and runs it.
        try tmux.expectUsable()
    }

    @Test func ctrlCAndSIGTERMRestoreTheTerminal() throws {
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary); echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        try tmux.send("C-c")
        try tmux.waitFor("GRADLAB_EXIT=130")

        try tmux.enter("clear; \(Gradlab.binary); echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        let pid = try #require(try tmux.foregroundChild(named: "gradlab"))
        kill(pid, SIGTERM)
        try tmux.waitFor("GRADLAB_EXIT=143", timeout: 15)
        try tmux.expectUsable()
    }

    @Test func notATerminalSuggestsHeadless() throws {
        let result = try Gradlab.run([])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--headless"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func dumbTerminalSuggestsHeadless() throws {
        let tmux = try TmuxSession(width: 100, height: 30)
        try tmux.enter("TERM=dumb \(Gradlab.binary); echo GRADLAB_EXIT=$?")
        let screen = try tmux.waitFor("GRADLAB_EXIT=1")
        #expect(screen.contains("--headless"))
    }
}

@Suite("TUI options", .enabled(if: TmuxSession.isAvailable), .serialized)
struct TerminalOptionTests {
    @Test func recordingInTheTUIWritesTheSameRunFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("tui.json").path
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --lab linear --record \(path); echo GRADLAB_EXIT=$?")
        try tmux.waitFor("REC")
        for _ in 0..<3 { try tmux.send("Space") }
        try tmux.waitFor("epoch 3 ")
        try tmux.send("]")
        try tmux.waitFor("lr 0.01")
        try tmux.send("Space")
        try tmux.waitFor("epoch 4 ")
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
        let run = try RunFile.load(path: path)
        #expect(run.status == "quit")
        #expect(run.epochs.map(\.epoch) == [0, 1, 2, 3, 4])
        #expect(run.events.contains(.learningRate(epoch: 3, lr: 0.01)))
        #expect(run.config.lab == .linear)
    }

    @Test func malformedThemeNamesTheLine() throws {
        let directory = try Fixtures.temporaryDirectory()
        let theme = try Fixtures.write("# mine\nbackground = #000000\naccent = #12345z\n", named: "mine.theme", in: directory)
        let result = try Gradlab.run(["--theme", theme])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(theme):3:"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
