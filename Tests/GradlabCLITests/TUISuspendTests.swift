#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import GradlabTestSupport

/// Ctrl-Z and SIGTSTP suspend the TUI as they suspend any program in a
/// shell, with the terminal given back, and `fg` brings the whole frame
/// back at once (it came back blank, then drew only the cells that changed:
/// ncurses' own SIGTSTP handler repainted its empty screen and the direct
/// writer's last frame was never forgotten; the Ctrl-Z key did nothing).
///
/// gradlab runs as a job of `sh -i` (dash where /bin/sh is dash), not of
/// bash: bash puts back its own terminal modes when a job stops, which
/// would hide the modes gradlab left; dash leaves them as they are.
@Suite("TUI suspend and resume", .serialized, .enabled(if: TmuxSession.isAvailable))
struct TUISuspendTests {
    enum Way: String, CaseIterable, CustomTestStringConvertible {
        /// Ctrl-Z typed (raw mode delivers it as a key), twice in a row.
        case key
        /// `kill -TSTP` from outside, twice; the window is resized during
        /// the second suspension.
        case signal
        /// Ctrl-Z while training runs, frames drawn through ncurses
        /// (`GRADLAB_TERMINAL_WRITER=ncurses`).
        case keyWhileTrainingThroughNcurses
        var testDescription: String { rawValue }
    }

    @Test(arguments: Way.allCases)
    func suspendsWithTheTerminalGivenBackAndComesBackWhole(way: Way) throws {
        let environment = way == .keyWhileTrainingThroughNcurses ? ["GRADLAB_TERMINAL_WRITER": "ncurses"] : [:]
        let tmux = try TmuxSession(width: 120, height: 40, environment: environment)
        try tmux.enter("PS1='$ ' exec sh -i")
        try tmux.waitFor("the sh prompt") { $0.split(separator: "\n").last == "$" }
        try tmux.enter("\(Gradlab.binary) --points 50")
        try tmux.waitFor("PAUSED")
        // As the review's repro: run, then pause, so the panes hold a run.
        let running = way == .keyWhileTrainingThroughNcurses
        try tmux.send("r")
        try tmux.waitFor("LIVE")
        if !running {
            try tmux.send("r")
            try tmux.waitFor(" PAUSED ")
        }
        var size = (width: 120, height: 40)
        // The shell's "Stopped" lines seen so far (the normal screen keeps them).
        var stopped = 0
        for round in 1...2 {
            let before = try running ? tmux.capture() : stableScreen(tmux)

            switch way {
            case .key, .keyWhileTrainingThroughNcurses:
                try tmux.send("C-z")
            case .signal:
                let pid = try #require(try tmux.foregroundChild(named: "gradlab"))
                kill(pid, SIGTSTP)
            }
            let suspended = try tmux.waitFor("the job to stop (round \(round))") {
                $0.components(separatedBy: "Stopped").count - 1 > stopped
            }
            stopped = suspended.components(separatedBy: "Stopped").count - 1
            #expect(!suspended.contains("│"), "the frame is gone: \(suspended)")
            #expect(try tmux.format("#{alternate_on}") == "0", "the alternate screen is left")
            #expect(try tmux.format("#{cursor_flag}") == "1", "the cursor is shown")
            #expect(try tmux.format("#{mouse_any_flag}") == "0", "mouse reports are off")
            // The modes gradlab left (sh does not repair them): cooked, echo on.
            // (The command line spells the markers with "" so only the output matches.)
            let modes = "stty -a | tr ' ;' '\\n\\n' | grep -x -e -icanon -e icanon -e -echo -e echo -e -isig -e isig | tr '\\n' ' '"
            try tmux.enter("echo MO\"\"DES\(round): $(\(modes)) EN\"\"D")
            let screen = try tmux.waitFor("MODES\(round):") { $0.contains("MODES\(round):") && $0.contains(" END") }
            let line = screen.split(separator: "\n").first { $0.contains("MODES\(round):") }.map(String.init) ?? ""
            for mode in ["icanon", "echo", "isig"] {
                #expect(line.contains(" \(mode)") && !line.contains("-\(mode)"), "\(mode) on while suspended: \(line)")
            }
            try tmux.expectUsable()

            if way == .signal && round == 2 {
                size = (width: 100, height: 30)
                try tmux.resize(width: size.width, height: size.height)
            }
            try tmux.enter("fg")
            // No key after fg: the whole frame must come back by itself.
            let back = try tmux.waitFor("the whole frame after fg (round \(round))", timeout: 5) { screen in
                let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                return ["╭─ Landscape", "╭─ Loss", "╭─ Inspector"].allSatisfy(screen.contains)
                    && lines.first?.hasPrefix("╭─ Landscape") == true
                    && lines.count >= size.height && lines[size.height - 1].contains(running ? " LIVE " : " PAUSED ")
                    && lines[size.height - 1].contains("epoch")
            }
            #expect(try tmux.format("#{alternate_on}") == "1", "full-screen again")
            #expect(try tmux.format("#{cursor_flag}") == "0", "the cursor hidden again")
            #expect(try tmux.format("#{mouse_any_flag}") == "1", "mouse reports on again")
            let lines = back.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if size.width != 120 {
                // Laid out for the size the window has now, not clipped from the old one.
                #expect(lines[0].count == size.width && lines[0].hasSuffix("╮"), "\(lines[0])")
                #expect(lines[size.height - 2].hasSuffix("╯"), "\(back)")
            } else if !running {
                // Paused: every pane cell as before the suspension (the status line's message may age).
                let old = before.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                #expect(Array(lines.prefix(size.height - 1)) == Array(old.prefix(size.height - 1)),
                        "the frame after fg is the frame before:\n\(back)\nbefore:\n\(before)")
            }
        }

        try tmux.send("q")
        try tmux.waitFor("the sh prompt after q") { $0.split(separator: "\n").last == "$" }
        try tmux.enter("echo EX\"\"IT=$?")
        try tmux.waitFor("EXIT=0")
        #expect(try tmux.format("#{alternate_on}") == "0")
        try tmux.expectUsable()
    }

    /// Stopped from outside (`kill -STOP`, which cannot be caught, so the
    /// terminal is not given back) and continued (`kill -CONT`): meanwhile
    /// something drew over the frame and put cooked modes back (as a shell
    /// would); on SIGCONT the whole frame comes back by itself and keys are
    /// read raw again (a `q` with no Enter quits). It stayed drawn over,
    /// and a paused app sent nothing until its cells changed.
    ///
    /// gradlab runs under `sh -c` (no job control), so no shell takes the
    /// terminal when it stops.
    @Test func aStopAndContinueFromOutsideRepaintsTheWholeFrame() throws {
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("exec sh -c '\(Gradlab.binary) --points 50; echo EX\"\"IT=$?; sleep 60'")
        try tmux.waitFor("PAUSED")
        let before = try stableScreen(tmux)
        let pid = try #require(try tmux.foregroundChild(named: "gradlab"))
        let tty = try tmux.format("#{pane_tty}")
        kill(pid, SIGSTOP)
        let handle = try #require(FileHandle(forWritingAtPath: tty))
        handle.write(Data("\u{1B}[H\u{1B}[2JDRAWN-OVER\r\n".utf8))
        try handle.close()
        _ = try Subprocess.run(["stty", "-F", tty, "sane"])
        try tmux.waitFor("DRAWN-OVER")
        kill(pid, SIGCONT)
        // No key: the frame must come back whole by itself.
        let back = try tmux.waitFor("the whole frame after SIGCONT", timeout: 5) { screen in
            !screen.contains("DRAWN-OVER") && screen.hasPrefix("╭─ Landscape") && screen.contains("╭─ Inspector")
                && screen.contains(" PAUSED ")
        }
        let lines = back.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let old = before.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(Array(lines.prefix(39)) == Array(old.prefix(39)), "the frame after SIGCONT is the frame before:\n\(back)")
        #expect(try tmux.format("#{cursor_flag}") == "0", "the cursor hidden again")
        // Raw keys again: q needs no Enter.
        try tmux.send("q")
        try tmux.waitFor("EXIT=0")
    }

    /// `?` lists Ctrl-Z with the other global keys (it was missing: the
    /// backend acts on it, so no table named it).
    @Test func theHelpListsCtrlZ() throws {
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --points 10")
        try tmux.waitFor("PAUSED")
        try tmux.send("?")
        let help = try tmux.waitFor("the help overlay") { $0.contains("q Ctrl-C") }
        let line = help.split(separator: "\n").first { $0.contains("Ctrl-Z") }.map(String.init) ?? ""
        #expect(line.contains("suspend to the shell (fg resumes)"), "\(help)")
        try tmux.send("q")
        try tmux.waitFor("the shell after q") { !$0.contains("PAUSED") }
    }

    /// The screen once two captures in a row agree (a frame being drawn, or
    /// a training step, is not half-caught).
    private func stableScreen(_ tmux: TmuxSession) throws -> String {
        var last = try tmux.capture()
        for _ in 0..<40 {
            Thread.sleep(forTimeInterval: 0.15)
            let now = try tmux.capture()
            if now == last { return now }
            last = now
        }
        return last
    }
}
