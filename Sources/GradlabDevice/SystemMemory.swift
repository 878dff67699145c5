#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// How much memory this process can still take: the kernel's estimate of
/// what can be allocated without swapping (`MemAvailable` in
/// `/proc/meminfo`), capped by a cgroup limit when the process runs in one
/// (a container: v2 `memory.max` less `memory.current`, or v1
/// `memory.limit_in_bytes` less `memory.usage_in_bytes`).
///
/// The CPU device checks every large allocation against it, so a run too big
/// for the machine is refused with a line naming both numbers instead of
/// being OOM-killed minutes later or aborting in the allocator.
public enum SystemMemory {
    /// Bytes available, and what limited them; nil where nothing says (not Linux).
    public static func available() -> (bytes: Int, source: String)? {
        var best: (bytes: Int, source: String)?
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            best = (kilobytes * 1024, "MemAvailable")
        }
        for (limitFile, usageFile, name) in [
            ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current", "cgroup memory.max"),
            ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes", "cgroup memory limit"),
        ] {
            guard let limit = number(limitFile), limit < (1 << 60), let usage = number(usageFile) else { continue }
            let left = max(limit - usage, 0)
            if left < (best?.bytes ?? Int.max) { best = (left, "\(name) \(format(limit))") }
        }
        return best
    }

    /// `12.3 GB`, `512 MB`, `96 KB` (powers of 1000, as disks and `free --si` count).
    public static func format(_ bytes: Int) -> String {
        let value = Double(bytes)
        switch value {
        case 1e12...: return String(format: "%.1f TB", value / 1e12)
        case 1e9...: return String(format: "%.1f GB", value / 1e9)
        case 1e6...: return String(format: "%.0f MB", value / 1e6)
        default: return String(format: "%.0f KB", value / 1e3)
        }
    }

    private static func number(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
