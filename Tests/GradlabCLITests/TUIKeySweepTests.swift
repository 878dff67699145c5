import Foundation
import Testing
import GradlabUI
import GradlabTestSupport

/// A new user pressing every key in `?` (issue 12), in a real terminal:
/// on each lab, with and without --compare, at 256 colours and in
/// truecolor, every key leaves a drawn frame whose badge tells the truth,
/// and q leaves a usable shell.
@Suite("Every key on every lab", .enabled(if: TmuxSession.isAvailable), .serialized)
struct TUIKeySweepTests {
    /// tmux's name for a key, or nil for the ones that end the run.
    private static func tmuxName(_ key: Key) -> String? {
        switch key {
        case .character(let c): return String(c)
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "BTab"
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .pageUp: return "PPage"
        case .pageDown: return "NPage"
        case .home: return "Home"
        case .end: return "End"
        case .escape: return "Escape"
        default: return nil
        }
    }

    /// The status line's epoch and badge.
    private static func status(_ screen: String) -> (badge: String, epoch: Int)? {
        // The status bar: its badge, then `epoch N` (after the lab's name, which a warning may push out).
        guard let line = screen.split(separator: "\n").last(where: { ($0.contains("LIVE") || $0.contains("PAUSED")) && $0.contains(" epoch ") })
        else { return nil }
        let badge = line.contains("LIVE") ? "LIVE" : (line.contains("PAUSED") ? "PAUSED" : "?")
        let epoch = line.components(separatedBy: "epoch ").dropFirst().first?.split(separator: " ").first.flatMap { Int($0) }
        return epoch.map { (badge, $0) }
    }

    @Test(arguments: [
        ("--points 30", "256"), ("--points 30", "truecolor"),
        ("--points 30 --compare sgd,momentum,adam:lr=0.05", "256"), ("--f rosenbrock --points 30 --compare sgd,adam", "truecolor"),
        ("--lab quadratic", "256"), ("--lab linear", "truecolor"),
    ])
    func everyKeyLeavesATruthfulFrame(arguments: String, colour: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        let tmux = try TmuxSession(width: 120, height: 40, environment: colour == "truecolor" ? ["COLORTERM": "truecolor"] : [:])
        try tmux.enter("cd \(directory.path) && \(Gradlab.binary) \(arguments); echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        for binding in Keymap.default where binding.action != .quit {
            for key in binding.keys {
                guard let name = Self.tmuxName(key) else { continue }
                if case .character = key { try tmux.type(name) } else { try tmux.send(name) }
                // `:` opens the command line over the status bar (CommandLineTests and
                // MouseTerminalTests cover it); Esc leaves it, changing nothing.
                if binding.action == .commandLine {
                    try tmux.waitFor("the prompt") { $0.split(separator: "\n").last?.hasPrefix(":") == true }
                    try tmux.send("Escape")
                }
                try tmux.waitFor("a frame after \(name)") { Self.status($0) != nil }
            }
        }
        try tmux.send("Escape")
        // The badge is what happens: LIVE advances the epoch, PAUSED holds it.
        for _ in 0..<2 {
            let first = try #require(Self.status(try tmux.capture()))
            Thread.sleep(forTimeInterval: 0.6)
            let second = try #require(Self.status(try tmux.capture()))
            if first.badge == "PAUSED", second.badge == "PAUSED" {
                #expect(first.epoch == second.epoch, "PAUSED while the epoch moved: \(arguments)")
            } else if first.badge == "LIVE", second.badge == "LIVE" {
                #expect(second.epoch > first.epoch, "LIVE while nothing ran: \(arguments)")
            }
            try tmux.type("r")
        }
        try tmux.type("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
        try tmux.expectUsable()
    }

    /// u after a divergence: back to the last finite epoch, paused, the
    /// inspector finite again.
    @Test func rewindAfterADivergence() throws {
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --f 'x1^2 + 3*x2^2' --lr 5 --points 10; echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        try tmux.type("u")
        try tmux.waitFor("u: nothing to rewind")
        try tmux.type("r")
        let diverged = try tmux.waitFor("diverged", timeout: 20) { screen in
            Self.status(screen)?.badge == "PAUSED" && screen.contains("NaN")
        }
        let epoch = try #require(Self.status(diverged)?.epoch)
        try tmux.type("u")
        let rewound = try tmux.waitFor("rewound to epoch \(epoch - 1)")
        #expect(Self.status(rewound)?.epoch == epoch - 1)
        #expect(Self.status(rewound)?.badge == "PAUSED")
        let inspector = rewound.split(separator: "\n").filter { $0.contains("mean f") }
        #expect(!inspector.isEmpty && inspector.allSatisfy { !$0.contains("NaN") }, "\(rewound)")
        try tmux.type("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
    }

    /// At 80×24 the selected point's rows are below the inspector's fold:
    /// PgDn and j bring them into view.
    @Test func theInspectorScrollsAt80x24() throws {
        let tmux = try TmuxSession(width: 80, height: 24)
        try tmux.enter("\(Gradlab.binary) --points 10; echo GRADLAB_EXIT=$?")
        let first = try tmux.waitFor("PAUSED")
        #expect(!first.contains("∂f/∂x2"), "the fold hides it at first (else this test shows nothing)")
        try tmux.send("NPage")
        try tmux.type("jjj")
        try tmux.waitFor("∂f/∂x2")
        try tmux.type("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
    }
}
