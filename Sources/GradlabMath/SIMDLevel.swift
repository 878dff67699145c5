import CGradlabCPU
import Foundation

/// Which copy of the chunk kernels runs: they are compiled three times, for
/// the x86-64 baseline and for AVX2 and AVX-512, and chosen at run time.
///
/// The AVX2 and AVX-512 sets evaluate polynomials with fused multiply-adds
/// and agree with each other bit for bit; the baseline agrees with them to
/// rounding, within the bounds in docs/performance.md.
public enum SIMDLevel: String, Sendable, CaseIterable, Comparable {
    /// x86-64 baseline (SSE2): runs on any x86-64 CPU, and elsewhere.
    case sse2
    /// AVX2 and FMA (x86-64-v3 CPUs: Haswell, Zen and later).
    case avx2
    /// AVX-512 F/VL/BW/DQ (Skylake-SP, Ice Lake, Zen 4 and later).
    case avx512

    public static func < (a: SIMDLevel, b: SIMDLevel) -> Bool { a.rank < b.rank }

    private var rank: Int {
        switch self {
        case .sse2: 0
        case .avx2: 1
        case .avx512: 2
        }
    }

    /// The widest level this CPU and OS support (CPUID and XGETBV).
    public static let detected: SIMDLevel = {
        switch gradlab_cpu_simd_level() {
        case 2: .avx512
        case 1: .avx2
        default: .sse2
        }
    }()

    /// The level ``Program/run(count:inputs:outputs:)`` uses: ``detected``,
    /// or the environment variable `GRADLAB_SIMD` (`sse2`, `avx2`, `avx512`)
    /// when it names a level at or below it.
    public static let active: SIMDLevel = {
        guard let text = ProcessInfo.processInfo.environment["GRADLAB_SIMD"],
              let asked = SIMDLevel(rawValue: text.lowercased()) else { return detected }
        return min(asked, detected)
    }()

    /// Every level this machine can run, narrowest first.
    public static var available: [SIMDLevel] { allCases.filter { $0 <= detected } }
}
