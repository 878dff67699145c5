#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Writes a run file as events arrive: a header line, one event per line,
/// then an `end` line and `]}`.
///
/// Each event line ends with a comma, and lines are flushed to the kernel at
/// least every 50 ms, so a run killed at any moment leaves a file that
/// ``RunFile/load(path:)`` reads up to its last complete line.
public final class Recorder: EventSink {
    private struct State {
        var file: UnsafeMutablePointer<FILE>?
        var lastFlush: ContinuousClock.Instant
        var epochs = 0
        var single = false
        /// The last recorded positions, for the basins in the end line.
        var lastPoints: [SIMD2<Double>]?
    }

    public let path: String
    private let state: Mutex<State>
    /// Classifies final positions by the minimum reached, for named functions.
    private let basins: BasinClassifier?

    /// Opens `path` for writing (replacing it). Call only after the run's
    /// configuration is known to be valid, so bad input never truncates an
    /// existing file.
    public init(path: String, config: LabConfig) throws(GradlabError) {
        self.path = path
        guard let file = fopen(path, "w") else {
            throw GradlabError("--record \(path): cannot write (\(String(cString: strerror(errno))))")
        }
        let header = RunFileFormat.header(config: config, created: Date()) + "\n"
        fputs(header, file)
        fflush(file)
        state = Mutex(State(file: file, lastFlush: .now, single: config.dtype == .f32))
        basins = config.functionName.flatMap(TestFunction.named).map { BasinClassifier(function: $0) }
    }

    public func receive(_ event: Event, config: LabConfig) {
        state.withLock { state in
            guard let file = state.file else { return }
            if case .epoch(let record) = event {
                state.epochs = record.epoch
                state.lastPoints = record.points
            }
            if case .reset = event { state.epochs = 0 }
            fputs(event.jsonLine(single: state.single), file)
            fputs(",\n", file)
            let now = ContinuousClock.now
            if now - state.lastFlush > .milliseconds(50) {
                fflush(file)
                state.lastFlush = now
            }
        }
    }

    public func finish(status: String) {
        state.withLock { state in
            guard let file = state.file else { return }
            let basins = state.lastPoints.flatMap { points in self.basins.map { $0.classify(points) } }
            fputs(RunFileFormat.footer(status: status, epochs: state.epochs, basins: basins), file)
            fputs("\n]}\n", file)
            fflush(file)
            fsync(fileno(file))
            fclose(file)
            state.file = nil
        }
    }

    /// Pushes buffered lines to the kernel now (before an abrupt exit).
    public func flush() {
        state.withLock { state in
            if let file = state.file { fflush(file) }
        }
    }
}
