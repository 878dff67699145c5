#if canImport(Glibc)
import Glibc
#endif

/// Timing and memory helpers for `gradlab bench`.
enum BenchTimer {
    /// Timed runs per measurement; the best one counts, as in the peers'
    /// script (`Benchmarks/peers.py`), so that a moment of load from other
    /// processes does not decide a figure.
    static let repeats = 3

    /// The best time of ``repeats`` runs of `body`, in seconds.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            try body()
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        return best
    }

    /// The best time of ``repeats`` runs of an async `body`, in seconds.
    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            try await body()
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        return best
    }

    /// The process's peak resident set so far, in MiB (getrusage maxrss).
    static var peakResidentMiB: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // KiB on Linux
    }

    /// Deterministic start points uniform in [0, 10]^2 (SplitMix64), as `count` x1 then `count` x2.
    static func startPoints<T: BinaryFloatingPoint>(_ count: Int, into buffer: UnsafeMutablePointer<T>) {
        var state: UInt64 = 0x5EED
        for i in 0..<(2 * count) {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            buffer[i] = T(Double(z >> 11) * 0x1p-53 * 10)
        }
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
