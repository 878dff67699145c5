#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and crash-safe whole-file writes with POSIX calls, so
/// that failures carry the system's own reason (`No such file or directory`).
enum FileBytes {
    /// The bytes of the file at `path`.
    static func read(_ path: String) throws(GradlabError) -> [UInt8] {
        let (fd, info) = try openForReading(path)
        defer { close(fd) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path, "cannot read")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Opens the regular file at `path` for reading (blocking reads), and its
    /// `stat`; anything that is not a regular file is refused by name. The
    /// caller closes the descriptor.
    static func openForReading(_ path: String) throws(GradlabError) -> (fd: Int32, info: stat) {
        // Before open: opening a FIFO blocks until someone writes to it.
        var before = stat()
        if stat(path, &before) == 0, let kind = kind(before.st_mode) { throw GradlabError("\(path): \(kind)") }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw failure(path, "cannot open") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = failure(path, "cannot stat")
            close(fd)
            throw error
        }
        if let kind = kind(info.st_mode) {
            close(fd)
            throw GradlabError("\(path): \(kind)")
        }
        _ = fcntl(fd, F_SETFL, 0)
        return (fd, info)
    }

    /// Reads up to `count` bytes into `buffer`, retrying on EINTR; 0 at the
    /// end of the file.
    static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, path: String) throws(GradlabError) -> Int {
        while true {
            let read = systemRead(fd, buffer, count)
            if read >= 0 { return read }
            if errno != EINTR { throw failure(path, "cannot read") }
        }
    }

    /// Replaces the file at `path` with `bytes` so that a crash or a full
    /// disk leaves either the old file or the new one, never a mix: the bytes
    /// go to a temporary file in the same directory (same filesystem, so the
    /// rename is atomic), are flushed with `fsync`, and the file is renamed
    /// over `path`; the directory is then synced so the rename itself lasts.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(GradlabError) {
        // Through a symbolic link, its target is replaced and the link kept
        // (each step below resolves it: `destination(of:)`).
        let temporary = try writeTemporary(bytes, beside: path)
        try commit(temporary, to: path)
    }

    /// Writes `bytes` to a fresh temporary beside `path` (``temporaryPath(for:)``)
    /// and flushes it to disk; returns its path. Nothing is left on failure.
    static func writeTemporary(_ bytes: [UInt8], beside path: String) throws(GradlabError) -> String {
        let path = destination(of: path)
        let (directory, name) = split(path)
        guard !name.isEmpty else { throw GradlabError("\(path): names a directory, not a file") }
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw failure(path, "cannot create a temporary file in \(directory.isEmpty ? "/" : directory)") }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress.map { $0 + written }, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = failure(path, "cannot write")
                close(fd)
                unlink(temporary)
                throw error
            }
            written += count
        }
        if fsync(fd) != 0 {
            let error = failure(path, "cannot flush to disk")
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        return temporary
    }

    /// Renames a temporary written by ``writeTemporary(_:beside:)`` over
    /// `path` and syncs the directory (best effort: some filesystems refuse).
    static func commit(_ temporary: String, to path: String) throws(GradlabError) {
        let path = destination(of: path)
        if rename(temporary, path) != 0 {
            let error = failure(path, "cannot replace")
            unlink(temporary)
            throw error
        }
        let directory = split(path).directory
        let directoryFD = open(directory.isEmpty ? "/" : directory, O_RDONLY)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Where a write to `path` lands: the file a symbolic link there leads
    /// to (through every link on the way), else `path` itself (a link to a
    /// missing file too). Renaming a temporary over a link replaced the
    /// link (`export -o /dev/stdout`, a `--save` into a linked file) and left
    /// its target as it was.
    static func destination(of path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The temporaries beside `path` (`.NAME.tmp-PID-N`) and the process that
    /// wrote each.
    static func temporaries(beside path: String) -> [(path: String, pid: pid_t)] {
        let path = destination(of: path)
        let (directory, name) = split(path)
        guard !name.isEmpty, let stream = opendir(directory.isEmpty ? "/" : directory) else { return [] }
        defer { closedir(stream) }
        let prefix = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        let start = ".\(name).tmp-"
        var found: [(path: String, pid: pid_t)] = []
        // The name is read where it lies: an entry is only as long as its
        // name, so copying `d_name`'s whole 256 bytes out of it reads past
        // the directory buffer (AddressSanitizer caught it; at a page's end
        // it crashes).
        guard let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { return [] }
        while let entry = readdir(stream) {
            let entryName = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
            guard entryName.hasPrefix(start) else { continue }
            let fields = entryName.dropFirst(start.count).split(separator: "-")
            guard fields.count == 2, let pid = pid_t(fields[0]), UInt32(fields[1]) != nil else { continue }
            found.append((prefix + entryName, pid))
        }
        return found
    }

    /// Removes the temporaries beside `path` whose writer is gone (a save
    /// killed or crashed half-way left them; they can be 100s of MB).
    static func removeStaleTemporaries(beside path: String) {
        for (temporary, pid) in temporaries(beside: path) where pid != getpid() {
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(temporary) }
        }
    }

    /// What a path that is not a regular file is, said plainly; nil for a
    /// regular file.
    static func kind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a directory, not a file"
        case S_IFIFO: return "is a FIFO (named pipe) or a pipe, not a regular file; give the path of a file"
        case S_IFCHR: return "is a character device (a terminal, /dev/stdin, /dev/null), not a regular file; give the path of a file"
        case S_IFBLK: return "is a block device, not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        default: return "is not a regular file"
        }
    }

    /// Why no file can be made at `path` for want of its folder, said the same
    /// for every file gradlab writes (`:save`, `:record`): `no folder d`,
    /// `d is not a folder` (naming the part of the path that is a file),
    /// `folder d is not writable`; nil when the folder is there to write in.
    static func folderProblem(for path: String) -> String? {
        let folder = split(path).directory
        let directory = folder.isEmpty ? "/" : folder
        var info = stat()
        if stat(directory, &info) != 0 {
            guard errno == ENOTDIR else { return "no folder \(directory)" }
            // Some folder on the way is a file: name the first such.
            var prefix = directory.hasPrefix("/") ? "" : nil as String?
            for part in directory.split(separator: "/") {
                let next = prefix.map { $0 + "/" + part } ?? String(part)
                if stat(next, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR { return "\(next) is not a folder" }
                prefix = next
            }
            return "no folder \(directory)"
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return "\(directory) is not a folder" }
        guard access(directory, W_OK) == 0 else { return "folder \(directory) is not writable" }
        return nil
    }

    /// The directory (`.` when none) and the file name of `path`.
    static func split(_ path: String) -> (directory: String, name: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return (directory, name)
    }

    /// A fresh temporary name beside `path`: `.NAME.tmp-PID-N`, so a stale
    /// one (its process dead) can be told and removed later.
    static func temporaryPath(for path: String) -> String {
        let prefix = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        return prefix + ".\(split(path).name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// `path: what: reason` with the text of the current `errno`.
    private static func failure(_ path: String, _ what: String) -> GradlabError {
        GradlabError("\(path): \(what): \(String(cString: strerror(errno)))")
    }
}

// The bare names `read` and `write` would resolve to FileBytes' own methods.
#if canImport(Glibc)
@inline(__always) private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { Glibc.read(fd, buffer, count) }
@inline(__always) private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { Glibc.write(fd, buffer, count) }
#else
@inline(__always) private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { Darwin.read(fd, buffer, count) }
@inline(__always) private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { Darwin.write(fd, buffer, count) }
#endif

/// Text files gradlab writes for the user (`export -o`): a regular file is
/// replaced atomically (a temporary, synced, renamed), a device or a FIFO is
/// written directly; every failure is the system's reason, one line. A
/// symbolic link is written through: its target is replaced, the link
/// kept (`-o /dev/stdout` with stdout in a file renamed the CSV over the
/// `/dev/stdout` link itself, and the output went nowhere).
public enum OutputFile {
    /// Why `write(_:to:what:)` could not make the file, said before any
    /// work (export's figures were written, then the CSV's folder refused);
    /// nil when it can try: a device, a FIFO or a file whose folder is there.
    public static func problem(with path: String, what: String) -> GradlabError? {
        var info = stat()
        if stat(path, &info) == 0 {
            return (info.st_mode & S_IFMT) == S_IFDIR ? GradlabError("\(what): is a directory, not a file") : nil
        }
        return FileBytes.folderProblem(for: FileBytes.destination(of: path)).map { GradlabError("\(what): cannot write (\($0))") }
    }

    /// - Parameters:
    ///   - what: how messages name the file (`--output out.csv`).
    public static func write(_ text: String, to path: String, what: String) throws(GradlabError) {
        let bytes = Array(text.utf8)
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw GradlabError("\(what): is a directory, not a file") }
            let fd = open(path, O_WRONLY)
            guard fd >= 0 else { throw GradlabError("\(what): cannot write (\(String(cString: strerror(errno))))") }
            defer { close(fd) }
            var written = 0
            while written < bytes.count {
                let count = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress.map { $0 + written }, bytes.count - written) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    throw GradlabError("\(what): cannot write (\(count < 0 ? String(cString: strerror(errno)) : "nothing written"))")
                }
                written += count
            }
            return
        }
        let target = FileBytes.destination(of: path)
        FileBytes.removeStaleTemporaries(beside: target)
        do {
            try FileBytes.writeAtomically(bytes, to: target)
        } catch {
            // FileBytes names the path first; say it as the flag the user gave.
            let message = error.message.hasPrefix(target + ": ") ? String(error.message.dropFirst(target.count + 2)) : error.message
            throw GradlabError("\(what): \(message)")
        }
    }

}
