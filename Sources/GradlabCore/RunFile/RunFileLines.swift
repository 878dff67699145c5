#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run file's lines, one at a time: from an open file in large chunks
/// (never the whole file in memory: a recording's events take less room
/// than its text, and the text is dropped as it is read), or from bytes
/// already in memory.
///
/// A line is returned without its `\n`, and is valid until the next call.
/// A line longer than the buffer grows it; the last line may lack its `\n`.
final class RunFileLines {
    /// Bytes read per system call.
    static let chunk = 4 << 20

    private let fd: Int32
    private let path: String
    /// The owned buffer when reading a file; nil over bytes in memory.
    private var storage: UnsafeMutableRawPointer?
    private var base: UnsafeRawPointer?
    private var capacity: Int
    /// The unread bytes are base[start..<filled].
    private var start = 0
    private var filled: Int
    private var atEnd: Bool
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0
    /// Bytes taken from the source so far.
    private(set) var bytesRead: Int

    /// Lines of the open file `fd` (the caller closes it).
    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        capacity = Self.chunk
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        base = UnsafeRawPointer(storage)
        filled = 0
        atEnd = false
        bytesRead = 0
    }

    /// Lines of `bytes`, which must outlive the reader.
    init(bytes: UnsafeRawBufferPointer) {
        fd = -1
        path = ""
        storage = nil
        base = bytes.baseAddress
        capacity = bytes.count
        filled = bytes.count
        atEnd = true
        bytesRead = bytes.count
    }

    deinit { storage?.deallocate() }

    /// The next line, or nil after the last.
    func next() throws(GradlabError) -> UnsafeRawBufferPointer? {
        while true {
            if let base, start < filled, let newline = memchr(base + start, 0x0A, filled - start) {
                let stop = base.distance(to: UnsafeRawPointer(newline))
                let line = UnsafeRawBufferPointer(start: base + start, count: stop - start)
                start = stop + 1
                lineNumber += 1
                return line
            }
            if atEnd {
                guard let base, start < filled else { return nil }
                let line = UnsafeRawBufferPointer(start: base + start, count: filled - start)
                start = filled
                lineNumber += 1
                return line
            }
            try refill()
        }
    }

    /// Moves the unread tail to the front (growing the buffer when a line
    /// fills it) and reads the next chunk.
    private func refill() throws(GradlabError) {
        guard let storage else { atEnd = true; return }
        let unread = filled - start
        if start > 0 {
            if unread > 0 { memmove(storage, storage + start, unread) }
            start = 0
            filled = unread
        }
        if capacity - filled < Self.chunk / 2 {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            grown.copyMemory(from: storage, byteCount: filled)
            storage.deallocate()
            self.storage = grown
            base = UnsafeRawPointer(grown)
            capacity *= 2
        }
        guard let storage = self.storage else { return }
        let count = try FileBytes.readSome(fd, into: storage + filled, count: capacity - filled, path: path)
        if count == 0 { atEnd = true }
        filled += count
        bytesRead += count
    }
}
