#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A tqdm-style progress bar on stderr, drawn only when stderr is a terminal
/// and at most every 100 ms:
/// ` 45%|████▌     | 9/20 [00:01<00:01, 8.31 epoch/s]`
final class ProgressBar: Sendable {
    private struct State {
        var started = ContinuousClock.now
        var lastDraw: ContinuousClock.Instant?
        var visible = false
    }

    let total: Int
    /// The epoch the run starts from (a `--load`ed checkpoint's).
    let offset: Int
    private let enabled: Bool
    private let state = Mutex(State())

    init(total: Int, offset: Int = 0, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = total
        self.offset = offset
        self.enabled = enabled
    }

    /// Moves the bar to epoch `epoch`.
    func update(_ epoch: Int) {
        let done = epoch - offset
        guard enabled else { return }
        state.withLock { state in
            let now = ContinuousClock.now
            if let last = state.lastDraw, now - last < .milliseconds(100), done < total { return }
            state.lastDraw = now
            state.visible = true
            let elapsed = seconds(now - state.started)
            writeError("\r" + ProgressBar.render(done: done, total: total, elapsed: elapsed, width: 20) + "\u{1B}[K")
        }
    }

    /// Erases the bar so a stdout line can be printed cleanly.
    func clear() {
        guard enabled else { return }
        state.withLock { state in
            if state.visible {
                writeError("\r\u{1B}[K")
                state.visible = false
                state.lastDraw = nil
            }
        }
    }

    /// The bar's text (pure, for tests).
    static func render(done: Int, total: Int, elapsed: Double, width: Int) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let eighths = Int((fraction * Double(width * 8)).rounded(.down))
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var bar = String(repeating: "█", count: eighths / 8)
        if eighths / 8 < width { bar += partials[eighths % 8] }
        bar += String(repeating: " ", count: max(0, width - bar.count))
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let percent = String(Int(fraction * 100)).leftPadded(3)
        return "\(percent)%|\(bar)| \(done)/\(total) [\(clock(elapsed))<\(clock(remaining)), \(fixed(rate, 2)) epoch/s]"
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds)
        let text = "\(String(total / 60).leftPadded(2, "0")):\(String(total % 60).leftPadded(2, "0"))"
        return text
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

extension String {
    func leftPadded(_ width: Int, _ pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
