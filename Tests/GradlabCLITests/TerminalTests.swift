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

    /// With no UTF-8 locale (LC_ALL=C) every glyph has an ASCII stand-in
    /// in the same cell: the frame is the UTF-8 one cell for cell. The plane
    /// had half the dots (1×2 a cell), so its ticks, markers, ✕ and paths
    /// landed a cell off (the x1 tick 9 one column left).
    @Test(arguments: ["--points 30", "--lab linear", "--compare sgd:lr=0.1,adam:lr=0.1 --points 10"])
    func anASCIIFrameHasEveryCellWhereTheUTF8OneHasIt(options: String) throws {
        var frames: [[[Character]]] = []
        for locale in [["LANG": "C.UTF-8"], ["LC_ALL": "C"]] {
            let tmux = try TmuxSession(width: 120, height: 40, environment: locale.merging(["NO_COLOR": "1"]) { $1 })
            try tmux.enter("\(Gradlab.binary) --device cpu \(options)")
            try tmux.waitFor("PAUSED")
            for _ in 0..<5 { try tmux.send(".") }
            let screen = try tmux.waitFor("epoch 5 ")
            try tmux.send("q")
            frames.append(screen.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) })
        }
        let (utf8, ascii) = (frames[0], frames[1])
        #expect(utf8.joined().contains { $0.unicodeScalars.contains(where: isBraille) }, "the UTF-8 frame draws braille")
        #expect(ascii.joined().allSatisfy { $0.isASCII }, "the C frame is ASCII")
        #expect(utf8.count == ascii.count)
        for (row, (wide, plain)) in zip(utf8, ascii).enumerated() {
            #expect(wide.count == plain.count, "row \(row): \(String(wide)) | \(String(plain))")
            for (column, (a, b)) in zip(wide, plain).enumerated() {
                // Blank where blank, and ASCII text (labels, ticks, numbers) the same.
                let same = a.isASCII ? a == b : b != " "
                #expect(same, "row \(row) column \(column): '\(a)' but '\(b)'\n\(String(wide))\n\(String(plain))")
                if !same { break }
            }
        }
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
        #expect(result.stderr.contains("(stdin and stdout are not TTYs); use --headless"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    /// `gradlab > out.txt` from a shell: only stdout is not a terminal, and
    /// the message says so (it said both were not).
    @Test func notATerminalNamesTheStreamThatIsNot() throws {
        let directory = try Fixtures.temporaryDirectory()
        let out = directory.appendingPathComponent("out.txt").path
        let tmux = try TmuxSession(width: 120, height: 30)
        try tmux.enter("\(Gradlab.binary) > \(out); echo GRADLAB_EXIT=$?")
        var screen = try tmux.waitFor("GRADLAB_EXIT=1")
        #expect(screen.contains("gradlab needs an interactive terminal (stdout is not a TTY); use --headless"))
        // Another marker: the first one may still be on screen before `clear` runs.
        try tmux.enter("clear; \(Gradlab.binary) < /dev/null; echo GRADLAB_STDIN_EXIT=$?")
        screen = try tmux.waitFor("GRADLAB_STDIN_EXIT=1")
        #expect(screen.contains("gradlab needs an interactive terminal (stdin is not a TTY); use --headless"))
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
