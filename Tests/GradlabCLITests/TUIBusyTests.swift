import Foundation
import Testing
import GradlabTestSupport

/// Work that takes long says so before it starts: `:points 1e8` left the
/// screen as it was for minutes, with no sign that anything was under way.
@Suite("The TUI says when work takes long", .enabled(if: TmuxSession.isAvailable), .serialized)
struct TUIBusyTests {
    @Test func manyPointsSayTheyAreBeingPlacedAndTooManyAreRefused() throws {
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --device cpu --points 20")
        try tmux.waitFor("PAUSED")

        // Beyond memory: one line says why, and nothing changed (x restarts the 20 points, not the refused count).
        try tmux.type(":points 1e15")
        try tmux.send("Enter")
        let refused = try tmux.waitFor(":points 1000000000000000: the points alone need")
        #expect(refused.split(separator: "\n").last?.contains(":points 1000000000000000: the points alone need") == true)
        try tmux.send("x")
        let restarted = try tmux.waitFor("restarted from the same starts")
        #expect(restarted.contains("Point 1 of 20"), "\(restarted)")

        // Two million points (written as a person writes them): the status
        // line says they are being placed before the work starts, then what was done.
        try tmux.type(":points 2e6")
        try tmux.send("Enter")
        let busy = try tmux.waitFor("placing 2,000,000 points…", timeout: 20)
        #expect(busy.split(separator: "\n").last?.contains("placing 2,000,000 points…") == true, "\(busy)")
        try tmux.waitFor("the points placed", timeout: 180) { $0.contains("2,000,000 points, new starts") && !$0.contains("placing") }
        try tmux.send("q")
        try tmux.waitFor("the shell after q") { !$0.contains("PAUSED") }
    }
}
