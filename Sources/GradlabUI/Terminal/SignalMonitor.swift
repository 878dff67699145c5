import CGradlabSignals
import Synchronization

/// Catches stop signals without running anything in signal context.
///
/// The handlers are plain `sigaction` handlers (`CGradlabSignals`, installed
/// first thing in main) that only count the signal; nothing here calls
/// ncurses, which must stay on the main thread: the main loop polls
/// ``take()``, then restores the terminal and exits in the ordinary way.
/// Before a monitor exists (and after ``cancel()``) a stop signal exits the
/// process at once, restoring the terminal first if it is taken.
final class SignalMonitor: Sendable {
    private let cancelled = Atomic<Bool>(false)

    /// - Parameter signals: kept for the callers' documentation: SIGINT,
    ///   SIGTERM, SIGHUP and SIGQUIT are always the ones watched.
    init(signals: [Int32]) {
        gradlab_signals_install()
        gradlab_signals_defer()
    }

    /// The oldest signal not yet taken.
    func take() -> Int32? {
        let number = gradlab_signals_take()
        return number == 0 ? nil : number
    }

    /// Stops watching: a stop signal exits at once again.
    func cancel() {
        guard !cancelled.exchange(true, ordering: .sequentiallyConsistent) else { return }
        gradlab_signals_undefer()
    }
}
