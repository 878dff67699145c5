#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

/// Every way out of the TUI gives the terminal back (issue 13, defect 10 and
/// the TUI check): canonical mode and echo on, the alternate screen left.
///
/// gradlab runs under `sh -c` so that the interactive shell, which repairs
/// the modes of a job killed by a signal, cannot hide what gradlab left:
/// `stty -a` runs in the same `sh` right after it.
@Suite("TUI exit paths", .serialized, .enabled(if: TmuxSession.isAvailable))
struct TUIExitPathTests {
    enum Ending: String, CaseIterable, CustomTestStringConvertible {
        case q, ctrlC, sigterm, sighup, sigquit, crash, internalError
        var testDescription: String { rawValue }
        /// The exit status gradlab must end with.
        var status: Int32 {
            switch self {
            case .q: 0
            case .ctrlC: 130
            case .sigterm: 143
            case .sighup: 129
            case .sigquit: 131
            case .crash: 134
            case .internalError: 1
            }
        }
    }

    @Test(arguments: Ending.allCases)
    func theTerminalIsNormalAfterwards(ending: Ending) throws {
        let directory = try Fixtures.temporaryDirectory()
        let record = ending == .internalError ? "/dev/full" : directory.appendingPathComponent("run.json").path
        let tmux = try TmuxSession(width: 120, height: 40)
        let modes = "stty -a | tr \" ;\" \"\\n\\n\" | grep -x -e -icanon -e icanon -e -echo -e echo | tr \"\\n\" \" \""
        try tmux.enter("sh -c '\(Gradlab.binary) --points 50 --record \(record); echo GRADLAB_EX\"\"IT=$?; echo MO\"\"DES: $(\(modes)) EN\"\"D'")
        if ending != .internalError {
            try tmux.waitFor("PAUSED")
            #expect(try alternateScreen(tmux), "the TUI draws on the alternate screen")
        }
        switch ending {
        case .q: try tmux.send("q")
        case .ctrlC: try tmux.send("C-c")
        case .sigterm, .sighup, .sigquit, .crash:
            let pid = try #require(try grandchild(tmux))
            let number: Int32 = switch ending {
            case .sigterm: SIGTERM
            case .sighup: SIGHUP
            case .sigquit: SIGQUIT
            default: SIGABRT  // what a failed precondition or an abort() delivers
            }
            kill(pid, number)
        case .internalError: break
        }
        if ending == .crash {
            // The Swift runtime's backtrace, on a normal screen; any key ends it.
            let screen = try tmux.waitFor("Program crashed", timeout: 20)
            #expect(!screen.contains("│"), "the TUI's frame is gone before the report")
            try tmux.waitFor("any other key to quit", timeout: 30)
            try tmux.send("q")
        }
        // (The command line spells the markers with "" so only the output matches.)
        let screen = try tmux.waitFor("MODES:", timeout: 30) { $0.contains("MODES:") && $0.contains(" END") }
        #expect(screen.contains("GRADLAB_EXIT=\(ending.status)"), "\(screen)")
        let line = screen.split(separator: "\n").first { $0.contains("MODES:") }.map(String.init) ?? ""
        #expect(line.contains(" icanon") && line.contains(" echo") && !line.contains("-icanon") && !line.contains("-echo"),
                "canonical mode and echo are back: \(line)")
        #expect(try !alternateScreen(tmux), "the alternate screen is left")
        if ending != .internalError && ending != .crash {
            #expect(try RunFile.load(path: record).status == (ending == .q ? "quit" : "interrupted"))
        }
        if ending == .sigquit { #expect(!screen.contains("Program crashed"), "SIGQUIT is a stop, not a crash") }
        try tmux.expectUsable()
    }

    private func alternateScreen(_ tmux: TmuxSession) throws -> Bool {
        let result = try Subprocess.run(["tmux", "-L", tmux.socket, "display-message", "-p", "-t", tmux.name, "#{alternate_on}"])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// gradlab under `sh -c`: the window shell's child's child.
    private func grandchild(_ tmux: TmuxSession) throws -> Int32? {
        func child(of parent: String, named name: String) throws -> String? {
            try Subprocess.run(["pgrep", "-P", parent, "-x", name]).stdout.split(separator: "\n").first.map(String.init)
        }
        let pane = try Subprocess.run(["tmux", "-L", tmux.socket, "display-message", "-p", "-t", tmux.name, "#{pane_pid}"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let shell = try child(of: pane, named: "sh") else { return nil }
        return try child(of: shell, named: "gradlab").flatMap { Int32($0) }
    }
}
