#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// Turns SIGINT/SIGTERM/SIGHUP into a flag the run loop polls, so the run
/// stops between epochs, finishes its recording, and (in the TUI) restores
/// the terminal on the main thread. Nothing is done inside a signal handler.
///
/// `@unchecked Sendable`: the dispatch sources are only kept alive here and
/// never touched after `init`; the flag itself is atomic.
final class SignalFlag: @unchecked Sendable {
    private final class Received: Sendable {
        let value = Atomic<Int32>(0)
    }

    private let received = Received()
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        let queue = DispatchQueue(label: "gradlab.signals")
        let received = self.received
        sources = signals.map { number in
            _ = Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                received.value.store(number, ordering: .sequentiallyConsistent)
            }
            source.resume()
            return source
        }
    }

    /// The last signal received, or nil.
    var signal: Int32? {
        let value = received.value.load(ordering: .sequentiallyConsistent)
        return value == 0 ? nil : value
    }
}
