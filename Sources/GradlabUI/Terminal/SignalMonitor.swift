import Dispatch
import Foundation

/// Catches termination signals without running anything in signal context.
///
/// Each signal's default action is turned off (`SIG_IGN`) and a dispatch
/// source on a background queue records it. Nothing here calls ncurses,
/// which must stay on the main thread: the main loop polls ``take()``, then
/// restores the terminal and exits in the ordinary way.
final class SignalMonitor: @unchecked Sendable {
    // @unchecked: `pending` is only touched under `lock`; `sources` and
    // `watched` are written once in init and read in cancel.
    private let lock = NSLock()
    private var pending: [Int32] = []
    private var sources: [any DispatchSourceSignal] = []
    private let watched: [Int32]
    private let queue = DispatchQueue(label: "gradlab.signals")

    init(signals: [Int32]) {
        watched = signals
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in self?.record(number) }
            source.resume()
            sources.append(source)
        }
    }

    private func record(_ number: Int32) {
        lock.lock()
        pending.append(number)
        lock.unlock()
    }

    /// The oldest signal not yet taken.
    func take() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    /// Stops watching and gives the signals their default actions back.
    func cancel() {
        for source in sources { source.cancel() }
        for number in watched { signal(number, SIG_DFL) }
    }
}
