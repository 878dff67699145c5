import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

/// The mouse and the `:` command line in a real terminal (tmux), as issue 15
/// asks: tmux passes what `send-keys -l` types to the program as it is, so a
/// test types the terminal's own mouse report. Under TERM=tmux-256color
/// terminfo's `kmous` is `\e[M`: ncurses turns on the normal (X10-encoded)
/// mouse mode and reads `\e[M` + (32+button) + (33+column) + (33+row), 0-based.
/// Under TERM=xterm-256color `kmous` is `\e[<`: the SGR mode (1006), whose
/// reports are `\e[<button;column;rowM` (1-based; `m` on release). Both
/// were tried here; both reach ncurses as KEY_MOUSE.
@Suite("Mouse and : in tmux", .enabled(if: TmuxSession.isAvailable), .serialized)
struct MouseTerminalTests {
    /// A press and release of `button` (0 left, 2 right, 64 wheel up) at a 0-based cell, X10-encoded.
    private func x10Click(_ tmux: TmuxSession, column: Int, row: Int, button: Int = 0) throws {
        let cell = String(UnicodeScalar(UInt8(33 + column))) + String(UnicodeScalar(UInt8(33 + row)))
        try tmux.type("\u{1B}[M" + String(UnicodeScalar(UInt8(32 + button))) + cell)
        if button < 64 { try tmux.type("\u{1B}[M#" + cell) }
    }

    private func sgrClick(_ tmux: TmuxSession, column: Int, row: Int, button: Int = 0) throws {
        try tmux.type("\u{1B}[<\(button);\(column + 1);\(row + 1)M")
        if button < 64 { try tmux.type("\u{1B}[<\(button);\(column + 1);\(row + 1)m") }
    }

    /// The plane's bottom axis labels (the row above the x-axis name's).
    private func xAxis(_ screen: String) -> String {
        screen.split(separator: "\n").first { $0.contains("x1│") }.map(String.init) ?? ""
    }

    @Test func aClickAddsAPointThatMovesAndTheWheelZooms() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("clicked.json").path
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --points 3 --lr 0.05 --record \(path); echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        try tmux.waitFor("epoch 0 ")
        try x10Click(tmux, column: 20, row: 10)
        try tmux.waitFor("new point at")
        for _ in 0..<3 { try tmux.send("Space") }
        try tmux.waitFor("epoch 3 ")

        let domain = xAxis(try tmux.capture())
        #expect(!domain.isEmpty)
        try x10Click(tmux, column: 30, row: 15, button: 64)
        let zoomed = try tmux.waitFor("the axis to change") { xAxis($0) != domain && !xAxis($0).isEmpty }
        #expect(xAxis(zoomed) != domain)
        try tmux.send("Z")
        try tmux.waitFor("back to the domain") { xAxis($0) == domain }

        // Right-click on the status bar does nothing; a left click runs, another pauses.
        try x10Click(tmux, column: 3, row: 39)
        try tmux.waitFor("LIVE")
        try x10Click(tmux, column: 3, row: 39)
        try tmux.waitFor("PAUSED")
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
        try tmux.expectUsable()

        let file = try RunFile.load(path: path)
        #expect(file.events.contains { if case .pointAdded(0, _) = $0 { return true } else { return false } })
        // The 4th point (the click) moved at each step.
        let tracks = file.epochs.prefix(4).dropFirst().compactMap { $0.points?.count == 4 ? $0.points?[3] : nil }
        #expect(tracks.count == 3)
        #expect(Set(tracks.map { "\($0)" }).count == 3)
    }

    /// The help covers the panes: a click on it adds no point and a click
    /// on the status bar under it does not run; the wheel scrolls the help.
    @Test func theHelpTakesTheMouseItCovers() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("help.json").path
        let tmux = try TmuxSession(width: 80, height: 24)
        try tmux.enter("\(Gradlab.binary) --points 3 --record \(path); echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        try tmux.send("?")
        let help = try tmux.waitFor("the help's footer") { $0.contains("lines 1-") }
        try x10Click(tmux, column: 20, row: 10)
        try x10Click(tmux, column: 3, row: 23)
        try x10Click(tmux, column: 20, row: 10, button: 65)  // wheel down: the help scrolls
        let scrolled = try tmux.waitFor("the help to scroll") { $0.contains("lines ") && !$0.contains("lines 1-") }
        #expect(scrolled != help)
        #expect(!scrolled.contains("new point at") && scrolled.contains("PAUSED"), "\(scrolled)")
        try tmux.send("Escape")
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
        let file = try RunFile.load(path: path)
        #expect(!file.events.contains { if case .pointAdded = $0 { return true } else { return false } })
    }

    @Test func theCommandLineSwitchesTheFunctionAndShowsACaret() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("commands.json").path
        // xterm's terminfo: the SGR mouse mode.
        let tmux = try TmuxSession(width: 120, height: 40, environment: ["TERM": "xterm-256color"])
        try tmux.enter("\(Gradlab.binary) --points 4 --lr 0.01 --record \(path); echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        try tmux.type(":f sin(x1")
        try tmux.send("Enter")
        var screen = try tmux.waitFor("expected ')'")
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let prompt = try #require(lines.firstIndex { $0.hasPrefix(":f sin(x1") })
        #expect(lines[prompt + 1].hasPrefix("         ^ expected ')'"), "the caret under the missing ')'")
        try tmux.send("Escape")
        try tmux.waitFor("prompt closed") { !$0.contains("expected ')'") }
        #expect(try tmux.capture().contains("f = sin(x1)*cos(x2)"), "nothing changed")

        try sgrClick(tmux, column: 25, row: 12)
        try tmux.waitFor("new point at")
        try tmux.send("Space")
        try tmux.waitFor("epoch 1 ")
        try tmux.type(":f himm")
        try tmux.send("Tab")
        try tmux.waitFor(":f himmelblau")
        try tmux.send("Enter")
        screen = try tmux.waitFor("f = himmelblau")
        // A paste is one event: outside the prompt it runs no keys (this
        // one would quit), inside it is typed.
        try tmux.paste("qq")
        try tmux.waitFor("the paste hint") { $0.contains("paste:") }
        try tmux.type(":")
        try tmux.paste("lr 0.001")
        try tmux.send("Enter")
        try tmux.waitFor("lr 0.001 ")
        try tmux.send("Space")
        try tmux.send("Space")
        try tmux.waitFor("epoch 3 ")
        // `?` turns the help's pages: the keys, the mouse and the prompt, the commands, closed.
        try tmux.send("?")
        try tmux.waitFor("step one epoch")
        try tmux.send("?")
        try tmux.waitFor("click plane")
        try tmux.send("?")
        try tmux.waitFor(":f EXPR|NAME")
        try tmux.send("?")
        try tmux.waitFor("help closed") { !$0.contains("Commands (3/3)") && $0.contains("x1") }
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")

        // The recording replays the clicks and commands: a fork at its end
        // re-runs them and reaches the recorded numbers.
        try tmux.enter("clear; \(Gradlab.binary) --replay \(path); echo GRADLAB_EXIT=$?")
        try tmux.waitFor("REPLAY")
        try tmux.type(">")
        try tmux.waitFor("epoch 3 ")
        screen = try tmux.waitFor("f = himmelblau")
        try tmux.send("f")
        screen = try tmux.waitFor("forked from")
        #expect(!screen.contains("re-run differs"))
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
        try tmux.expectUsable()
    }

    @Test func noMouseLeavesTheMouseToTheTerminal() throws {
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --no-mouse; echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        // With mouse reports off, a report typed in is only keys (no point is added).
        try x10Click(tmux, column: 20, row: 10)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(!(try tmux.capture()).contains("new point at"))
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
    }
}
