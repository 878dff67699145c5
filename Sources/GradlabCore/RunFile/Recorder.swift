#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Writes a run file as events arrive: a header line, one event per line,
/// then an `end` line and `]}`.
///
/// Each event line ends with a comma, and lines are written to the kernel at
/// least every 50 ms, so a run killed at any moment leaves a file that
/// ``RunFile/load(path:)`` reads up to its last complete line.
///
/// Lines are buffered here, not by stdio, so that the recorder knows how
/// many bytes each `write` took: after a failed write (a full disk) it
/// knows the last epoch line that is whole in the file, and says that epoch,
/// the one the file loads and replays to.
public final class Recorder: EventSink {
    private struct State {
        var fd: Int32?
        /// Lines not yet written to the kernel.
        var buffer: [UInt8] = []
        /// Bytes the kernel has taken, the header's included.
        var written = 0
        /// The epoch lines in ``buffer``: where each one's JSON object ends
        /// (counted from the file's start, as ``written`` is) and its epoch.
        var pending: [(end: Int, epoch: Int)] = []
        /// The epoch of the last epoch line that is whole in the file (the
        /// epoch ``RunFile/load(path:)`` recovers through); nil before any.
        var epochOnDisk: Int?
        var lastFlush: ContinuousClock.Instant
        var epochs = 0
        var single = false
        /// The last recorded positions, for the basins in the end line.
        var lastPoints: [SIMD2<Double>]?
        /// Why writing stopped (a full disk, an I/O error), once it has.
        var failure: String?
    }

    /// Buffered bytes that are written at once, whatever the time.
    static let bufferLimit = 64 << 10

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
        let header = Array((RunFileFormat.header(config: config, created: Date()) + "\n").utf8)
        let fd = try Self.open(path, header: header)
        var initial = State(fd: fd, written: header.count, lastFlush: .now, single: config.dtype == .f32)
        initial.buffer.reserveCapacity(Self.bufferLimit + 4096)
        state = Mutex(initial)
        basins = config.functionName.flatMap(TestFunction.named).map { BasinClassifier(function: $0) }
    }

    /// Opens the run file with its header already in it: a regular file is
    /// written as a temporary beside it and renamed into place once the header
    /// is there, so a kill at any moment leaves no file, the old one, or one
    /// that loads, never an empty one. A device or a FIFO is written directly.
    private static func open(_ path: String, header: [UInt8]) throws(GradlabError) -> Int32 {
        func failure(_ code: Int32) -> GradlabError {
            GradlabError("--record \(path): cannot write (\(code != 0 ? String(cString: strerror(code)) : "nothing written"))")
        }
        var info = stat()
        let special = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
        if !special, let problem = FileBytes.folderProblem(for: path) {
            throw GradlabError("--record \(path): cannot write (\(problem))")
        }
        if !special { FileBytes.removeStaleTemporaries(beside: path) }
        let temporary = special ? nil : FileBytes.temporaryPath(for: path)
        let fd = systemOpen(temporary ?? path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure(errno) }
        let (count, code) = header.withUnsafeBytes { writeAll(fd, $0) }
        guard count == header.count else {
            systemClose(fd)
            if let temporary { unlink(temporary) }
            throw failure(code)
        }
        if let temporary, rename(temporary, path) != 0 {
            let code = errno
            systemClose(fd)
            unlink(temporary)
            throw failure(code)
        }
        return fd
    }

    public func receive(_ event: Event, config: LabConfig) {
        state.withLock { state in
            guard state.fd != nil else { return }
            if case .epoch(let record) = event {
                state.epochs = record.epoch
                state.lastPoints = record.points
            }
            if case .reset = event { state.epochs = 0 }
            state.buffer.append(contentsOf: event.jsonLine(single: state.single).utf8)
            // The object is whole once its closing brace is in the file: the
            // reader takes a last line without its comma.
            if case .epoch(let record) = event { state.pending.append((state.written + state.buffer.count, record.epoch)) }
            state.buffer.append(contentsOf: ",\n".utf8)
            let now = ContinuousClock.now
            if state.buffer.count >= Self.bufferLimit || now - state.lastFlush > .milliseconds(50) {
                drain(&state)
                state.lastFlush = now
            }
        }
    }

    /// Writes the buffered lines to the kernel; a failed write stops
    /// recording (``fail(_:_:)``). Returns whether every byte was taken.
    @discardableResult
    private func drain(_ state: inout State) -> Bool {
        guard let fd = state.fd else { return false }
        guard !state.buffer.isEmpty else { return true }
        let (count, code) = state.buffer.withUnsafeBytes { Self.writeAll(fd, $0) }
        state.written += count
        // The epoch lines now whole in the file.
        let whole = state.pending.prefix { $0.end <= state.written }
        if let last = whole.last { state.epochOnDisk = last.epoch }
        state.pending.removeFirst(whole.count)
        if count < state.buffer.count {
            fail(&state, code)
            return false
        }
        state.buffer.removeAll(keepingCapacity: true)
        return true
    }

    /// Writes `bytes` to `fd`, across short writes; returns how many the
    /// kernel took and, when that is not all, why (errno; 0 when a write
    /// took nothing without one).
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> (count: Int, code: Int32) {
        guard let base = bytes.baseAddress else { return (0, 0) }
        var done = 0
        while done < bytes.count {
            let count = systemWrite(fd, base + done, bytes.count - done)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return (done, count < 0 ? errno : 0) }
            done += count
        }
        return (done, 0)
    }

    /// Stops recording after a failed write, keeping why and the last epoch
    /// the file holds whole (every write error is surfaced: the run says so
    /// and exits non-zero; the TUI stops REC).
    private func fail(_ state: inout State, _ code: Int32) {
        guard let fd = state.fd else { return }
        let reason = code != 0 ? String(cString: strerror(code)) : "write error"
        let held = state.epochOnDisk.map { "the file holds the epochs through \($0)" } ?? "the file holds no epochs"
        state.failure = "--record \(path): writing stopped at epoch \(state.epochs) (\(reason)); \(held)"
        systemClose(fd)
        state.fd = nil
        state.buffer = []
        state.pending = []
    }

    /// Why recording stopped early, if it did (nil while every write succeeds).
    public var failure: String? { state.withLock { $0.failure } }

    public func finish(status: String) {
        state.withLock { state in
            guard let fd = state.fd else { return }
            let basins = state.lastPoints.flatMap { points in self.basins.map { $0.classify(points) } }
            state.buffer.append(contentsOf: (RunFileFormat.footer(status: status, epochs: state.epochs, basins: basins) + "\n]}\n").utf8)
            guard drain(&state) else { return }
            let synced = fsync(fd) == 0 || errno == EINVAL  // EINVAL: a device such as /dev/full cannot sync
            let syncCode = errno
            let closed = systemClose(fd) == 0
            let closeCode = errno
            state.fd = nil
            if !closed || !synced {
                state.failure = "--record \(path): writing stopped at the end (\(String(cString: strerror(synced ? closeCode : syncCode))))"
            }
        }
    }

    /// Pushes buffered lines to the kernel now (before an abrupt exit).
    public func flush() {
        state.withLock { state in
            drain(&state)
            state.lastFlush = .now
        }
    }
}

#if canImport(Glibc)
@inline(__always) private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Glibc.open(path, flags, mode) }
@inline(__always) private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Glibc.write(fd, buffer, count) }
@discardableResult @inline(__always) private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
#else
@inline(__always) private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Darwin.open(path, flags, mode) }
@inline(__always) private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Darwin.write(fd, buffer, count) }
@discardableResult @inline(__always) private func systemClose(_ fd: Int32) -> Int32 { Darwin.close(fd) }
#endif
