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

    /// The summary of `count` points from their chunks' parts (in chunk
    /// order, as a landscape sweep leaves them; ``ChunkStatistics``).
    /// NaN values make fMin/fMax NaN, as they make the loss NaN.
    static func combining(_ parts: UnsafePointer<ChunkStatistics>, chunks: Int, count: Int) -> PointSummary {
        guard count > 0, chunks > 0 else { return PointSummary(fMin: .nan, fMax: .nan, mean: SIMD2(.nan, .nan)) }
        var low = Double.infinity, high = -Double.infinity
        var sawNaN = false
        var sum = SIMD2<Double>()
        for c in 0..<chunks {
            let part = parts[c]
            sawNaN = sawNaN || part.sawNaN
            low = Swift.min(low, part.fMin)
            high = Swift.max(high, part.fMax)
            sum += part.positionSum
        }
        if sawNaN { (low, high) = (.nan, .nan) }
        return PointSummary(fMin: low, fMax: high, mean: sum / Double(count))
    }
}
