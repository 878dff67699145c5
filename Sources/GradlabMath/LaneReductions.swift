import GradlabSIMD

/// Reductions over many values with the SIMD kernels of the active level
/// (``SIMDLevel/active``), for callers that keep per-chunk results of a
/// fused run (``Program/run(count:inputs:outputs:sums:threads:descent:afterChunk:)``)
/// while the chunk is in cache.
///
/// Each result depends only on the values and their order, not on the
/// thread that computes it; sums are in Double.
public enum LaneReductions {
    /// The sum of `count` values, in the fixed order of a run's sums
    /// (64 running sums, lane i into sum i mod 64, folded pairwise).
    public static func sum<T: ProgramScalar>(_ x: UnsafePointer<T>, count: Int) -> Double {
        T._sum(x, count, SIMDLevel.active)
    }

    /// The smallest and largest of `count` values, NaN ignored, and
    /// whether any was NaN (`+inf` and `-inf` when none is a number).
    public static func extremes<T: ProgramScalar>(_ x: UnsafePointer<T>, count: Int) -> (min: T, max: T, sawNaN: Bool) {
        T._extremes(x, count, SIMDLevel.active)
    }

    /// The sum of `a[i]^2 + b[i]^2` over `count` lanes, in Double, in the
    /// order of ``sum(_:count:)``.
    public static func sumOfSquares<T: ProgramScalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, count: Int) -> Double {
        T._sumOfSquares(a, b, count, SIMDLevel.active)
    }
}

extension Float {
    public static func _sum(_ x: UnsafePointer<Float>, _ count: Int, _ level: SIMDLevel) -> Double {
        level.kernels.sum(x, count)
    }

    public static func _extremes(_ x: UnsafePointer<Float>, _ count: Int, _ level: SIMDLevel) -> (min: Float, max: Float, sawNaN: Bool) {
        level.kernels.extremes(x, count)
    }

    public static func _sumOfSquares(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int, _ level: SIMDLevel) -> Double {
        level.kernels.sumOfSquares(a, b, count)
    }
}

extension Double {
    public static func _sum(_ x: UnsafePointer<Double>, _ count: Int, _ level: SIMDLevel) -> Double {
        level.kernels.sum(x, count)
    }

    public static func _extremes(_ x: UnsafePointer<Double>, _ count: Int, _ level: SIMDLevel) -> (min: Double, max: Double, sawNaN: Bool) {
        level.kernels.extremes(x, count)
    }

    public static func _sumOfSquares(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int, _ level: SIMDLevel) -> Double {
        level.kernels.sumOfSquares(a, b, count)
    }
}
