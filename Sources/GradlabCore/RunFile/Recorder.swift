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
        /// Why writing stopped (a full disk, an I/O error), once it has.
        var failure: String?
    }

    public let path: String
    /// The run file records λmax per epoch (docs/run-file.md).
    public var readsCurvature: Bool { true }
    private let state: Mutex<State>
    /// Classifies final positions by the minimum reached, for named functions.
    private let basins: BasinClassifier?

    /// Opens `path` for writing (replacing it). Call only after the run's
    /// configuration is known to be valid, so bad input never truncates an
    /// existing file.
    public init(path: String, config: LabConfig) throws(GradlabError) {
        self.path = path
        let header = RunFileFormat.header(config: config, created: Date()) + "\n"
        let file = try Self.open(path, header: header)
        state = Mutex(State(file: file, lastFlush: .now, single: config.dtype == .f32))
        basins = config.functionName.flatMap(TestFunction.named).map { BasinClassifier(function: $0) }
    }

    /// Opens the run file with its header already in it: a regular file is
    /// written as a temporary beside it and renamed into place once the header
    /// is there, so a kill at any moment leaves no file, the old one, or one
    /// that loads, never an empty one. A device or a FIFO is written directly.
    private static func open(_ path: String, header: String) throws(GradlabError) -> UnsafeMutablePointer<FILE> {
        func failure(_ code: Int32) -> GradlabError {
            GradlabError("--record \(path): cannot write (\(String(cString: strerror(code))))")
        }
        var info = stat()
        let special = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
        if !special, let problem = FileBytes.folderProblem(for: path) {
            throw GradlabError("--record \(path): cannot write (\(problem))")
        }
        if !special { FileBytes.removeStaleTemporaries(beside: path) }
        let temporary = special ? nil : FileBytes.temporaryPath(for: path)
        guard let file = fopen(temporary ?? path, "w") else { throw failure(errno) }
        guard fputs(header, file) >= 0, fflush(file) == 0 else {
            let code = errno
            fclose(file)
            if let temporary { unlink(temporary) }
            throw failure(code)
        }
        if let temporary, rename(temporary, path) != 0 {
            let code = errno
            fclose(file)
            unlink(temporary)
            throw failure(code)
        }
        return file
    }

    public func receive(_ event: Event, config: LabConfig) {
        state.withLock { state in
            guard let file = state.file else { return }
            if case .epoch(let record) = event {
                state.epochs = record.epoch
                state.lastPoints = record.points
            }
            if case .reset = event { state.epochs = 0 }
            var ok = fputs(event.jsonLine(single: state.single), file) >= 0 && fputs(",\n", file) >= 0
            let now = ContinuousClock.now
            if ok, now - state.lastFlush > .milliseconds(50) {
                ok = fflush(file) == 0
                state.lastFlush = now
            }
            if !ok || ferror(file) != 0 { fail(&state, errno) }
        }
    }

    /// Stops recording after a failed write, keeping why (every write error
    /// is surfaced: the run says so and exits non-zero; the TUI stops REC).
    private func fail(_ state: inout State, _ code: Int32) {
        guard let file = state.file else { return }
        let reason = code != 0 ? String(cString: strerror(code)) : "write error"
        state.failure = "--record \(path): writing stopped at epoch \(state.epochs) (\(reason)); the file holds the epochs before it"
        clearerr(file)
        fclose(file)
        state.file = nil
    }

    /// Why recording stopped early, if it did (nil while every write succeeds).
    public var failure: String? { state.withLock { $0.failure } }

    public func finish(status: String) {
        state.withLock { state in
            guard let file = state.file else { return }
            let basins = state.lastPoints.flatMap { points in self.basins.map { $0.classify(points) } }
            let written = fputs(RunFileFormat.footer(status: status, epochs: state.epochs, basins: basins), file) >= 0
                && fputs("\n]}\n", file) >= 0 && fflush(file) == 0
            let code = errno
            if !written || ferror(file) != 0 { return fail(&state, code) }
            let synced = fsync(fileno(file)) == 0 || errno == EINVAL  // EINVAL: a device such as /dev/full cannot sync
            let syncCode = errno
            if fclose(file) != 0 || !synced {
                state.file = nil
                state.failure = "--record \(path): writing stopped at the end (\(String(cString: strerror(synced ? errno : syncCode))))"
                return
            }
            state.file = nil
        }
    }

    /// Pushes buffered lines to the kernel now (before an abrupt exit).
    public func flush() {
        state.withLock { state in
            if let file = state.file, fflush(file) != 0 { fail(&state, errno) }
        }
    }
}
