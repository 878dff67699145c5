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

/// ArgumentParser's error message on one line: its first line, with a
/// bullet list of valid values after it ("  - sgd" on lines of their own,
/// as it lists six or more) folded in as "sgd, adam, ...".
func oneLine(_ message: String) -> String {
    let lines = message.split(separator: "\n").map(String.init)
    guard let first = lines.first else { return message }
    let values = lines.dropFirst().compactMap { $0.hasPrefix("  - ") ? String($0.dropFirst(4)) : nil }
    return values.isEmpty ? first : first + " " + values.joined(separator: ", ") + "."
}
