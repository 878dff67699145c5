import CGradlabSignals
import Synchronization

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT as a flag the run loop polls, so the
/// run stops between epochs and finishes its recording.
///
/// The handlers are plain `sigaction` handlers installed first thing in
/// main (``installSignalHandlers()``), so no signal is lost between start
/// and this flag: until a flag exists a stop signal exits at once (nothing
/// has been written yet); from its creation on, signals are counted for it.
/// Create it just before the first file is opened.
final class SignalFlag: Sendable {
    private let received = Atomic<Int32>(0)

    init() {
        gradlab_signals_install()
        gradlab_signals_defer()
    }

    /// The first stop signal received since the flag was made, or nil.
    var signal: Int32? {
        var value = received.load(ordering: .sequentiallyConsistent)
        if value == 0 {
            let taken = gradlab_signals_take()
            if taken != 0 {
                received.store(taken, ordering: .sequentiallyConsistent)
                value = taken
            }
        }
        return value == 0 ? nil : value
    }
}

/// Installs gradlab's signal handlers (see `CGradlabSignals`).
func installSignalHandlers() {
    gradlab_signals_install()
}
