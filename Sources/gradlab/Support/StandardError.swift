#if canImport(Glibc)
import Glibc
#endif
import GradlabCore

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

/// Writes text to standard output, all of it or an error that says why (a
/// full disk, a closed pipe): never a crash, never a silent loss.
func writeOutput(_ text: String, what: String) throws(GradlabError) {
    var remaining = Array(text.utf8)[...]
    while !remaining.isEmpty {
        let written = remaining.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else {
            let reason = written < 0 ? String(cString: strerror(errno)) : "nothing written"
            throw GradlabError("\(what): cannot write to standard output (\(reason))")
        }
        remaining = remaining.dropFirst(written)
    }
}
