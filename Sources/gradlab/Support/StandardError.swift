#if canImport(Glibc)
import Glibc
#endif

/// Writes text to standard error unbuffered (stderr the C global is shared
/// mutable state to Swift 6; the file descriptor is not).
func writeError(_ text: String) {
    var remaining = Array(text.utf8)[...]
    while !remaining.isEmpty {
        let written = remaining.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        if written <= 0 { return }
        remaining = remaining.dropFirst(written)
    }
}
