import GradlabMath

/// Statistics over every point of a landscape, recorded in each epoch event
/// when the lab has more points than the run file tracks (`--track N`), so a
/// million-point run stays replayable in a bounded file.
///
/// Written as `"summary":{"fMin":…,"fMax":…,"mean":[x1,x2]}`, and under
/// `--compare` one per group as `"groupSummary":[{…},…]` (docs/run-file.md).
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

    /// All NaN: what a summary with nothing known reads as.
    static let unknown = PointSummary(fMin: .nan, fMax: .nan, mean: SIMD2(.nan, .nan))

    /// The summary of `count` points from a sweep's reductions: the
    /// extremes of f (NaN values make fMin and fMax NaN, as they make the
    /// loss NaN) and the sums of the positions after the update.
    static func combining(extremes: SweepExtremes?, positionSums: SIMD2<Double>, count: Int) -> PointSummary {
        guard count > 0, let extremes else { return .unknown }
        let (low, high) = extremes.sawNaN ? (Double.nan, Double.nan) : (extremes.min, extremes.max)
        return PointSummary(fMin: low, fMax: high, mean: positionSums / Double(count))
    }
}
