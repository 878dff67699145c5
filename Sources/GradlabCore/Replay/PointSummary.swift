/// Statistics over every point of a landscape, recorded in each epoch event
/// when the lab has more points than the run file tracks (`--track N`), so a
/// million-point run stays replayable in a bounded file.
///
/// Written as `"summary":{"fMin":…,"fMax":…,"mean":[x1,x2]}` (docs/run-file.md).
public struct PointSummary: Sendable, Equatable {
    /// The smallest f over all points, evaluated before the epoch's update
    /// (like the epoch's `loss`, which is the mean of the same values).
    public var fMin: Double
    /// The largest f over all points, before the update.
    public var fMax: Double
    /// The mean position [x1, x2] of all points after the update.
    public var mean: SIMD2<Double>

    public init(fMin: Double, fMax: Double, mean: SIMD2<Double>) {
        self.fMin = fMin
        self.fMax = fMax
        self.mean = mean
    }

    /// The summary of `count` points whose f values are `values` and whose
    /// positions are `positions` (all x1, then all x2). NaN values make
    /// fMin/fMax NaN, as they make the loss NaN.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func of<T: BinaryFloatingPoint>(values: UnsafePointer<T>, positions: UnsafePointer<T>,
                                           count: Int) -> PointSummary {
        guard count > 0 else { return PointSummary(fMin: .nan, fMax: .nan, mean: SIMD2(.nan, .nan)) }
        var low = Double(values[0]), high = low
        var sawNaN = false
        var sumX = 0.0, sumY = 0.0
        for i in 0..<count {
            let f = Double(values[i])
            if f.isNaN { sawNaN = true }
            low = Swift.min(low, f)
            high = Swift.max(high, f)
            sumX += Double(positions[i])
            sumY += Double(positions[count + i])
        }
        if sawNaN { (low, high) = (.nan, .nan) }
        let n = Double(count)
        return PointSummary(fMin: low, fMax: high, mean: SIMD2(sumX / n, sumY / n))
    }
}
