#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

/// The bounded soak (issue 13): a long headless run and a resize storm in
/// the TUI hold their memory flat. (By hand, 1 M epochs and longer storms
/// held too: docs/reliability.md.)
@Suite("Soak: memory stays flat", .serialized)
struct SoakTests {
    /// Resident memory of `pid` in KB (VmRSS), nil once it is gone.
    static func residentKB(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }

    /// 100,000 epochs, every one recorded (to /dev/null): memory after the
    /// first seconds does not grow by more than a few MB.
    @Test func aLongHeadlessRunHoldsItsMemory() throws {
        let child = try Subprocess.spawn([Gradlab.binary, "--headless", "--quiet", "--epochs", "100000", "--record", "/dev/null"])
        Thread.sleep(forTimeInterval: 1.5)
        var samples: [Int] = []
        while let kb = Self.residentKB(child.pid), samples.count < 2000 {
            samples.append(kb)
            Thread.sleep(forTimeInterval: 0.25)
        }
        // (A finished child is a zombie until reaped: no VmRSS, the loop ends.)
        let result = child.wait()
        #expect(result.status == 0, "\(result.stderr)")
        guard let first = samples.first, let peak = samples.max() else { return }
        print("soak headless: RSS \(first) KB after 1.5 s, peak \(peak) KB, \(samples.count) samples")
        #expect(peak - first < 8 * 1024, "grew from \(first) KB to \(peak) KB")
    }

    /// 50 resizes while the TUI trains: it keeps drawing and its memory
    /// stays within a few MB of where it was.
    @Test(.enabled(if: TmuxSession.isAvailable))
    func aResizeStormInTheTUIHoldsItsMemory() throws {
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --points 500; echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        try tmux.send("r")
        try tmux.waitFor("LIVE", timeout: 20)
        let pid = try #require(try tmux.foregroundChild(named: "gradlab"))
        Thread.sleep(forTimeInterval: 1)
        let before = try #require(Self.residentKB(pid))
        for step in 0..<50 {
            try tmux.resize(width: 60 + (step * 37) % 140, height: 15 + (step * 13) % 45)
            Thread.sleep(forTimeInterval: 0.05)
        }
        try tmux.resize(width: 120, height: 40)
        try tmux.waitFor("epoch")
        Thread.sleep(forTimeInterval: 0.5)
        let after = try #require(Self.residentKB(pid))
        print("soak TUI: RSS \(before) KB before 50 resizes, \(after) KB after")
        #expect(after - before < 16 * 1024, "grew from \(before) KB to \(after) KB")
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
    }
}
