/// A long series squeezed into fewer columns: per column, the lowest and
/// highest value of its bucket of samples, so a one-sample spike is never
/// averaged away (the loss chart's strokes, the SVG loss band).
public struct SeriesEnvelope: Sendable, Equatable {
    /// One column's bucket; only columns holding a finite value appear.
    public struct Bucket: Sendable, Equatable {
        public var column: Int
        public var low: Double
        public var high: Double
        /// The bucket's last finite value: where the next column joins.
        public var last: Double

        public init(column: Int, low: Double, high: Double, last: Double) {
            self.column = column
            self.low = low
            self.high = high
            self.last = last
        }
    }

    public let buckets: [Bucket]

    /// - Parameters:
    ///   - values: the series in plot space (log10 on a log axis); NaN and
    ///     infinities are skipped.
    ///   - columns: the columns across the plot.
    ///   - span: the samples the x axis spans (the longest series' count), so
    ///     every series of one chart shares one column map: sample `i` falls
    ///     in column `round(i · (columns − 1) / (span − 1))`, the same linear
    ///     map the axis ticks use.
    public init(_ values: [Double], columns: Int, span: Int) {
        guard columns > 0, !values.isEmpty else {
            buckets = []
            return
        }
        let columnScale = Double(columns - 1) / Double(max(1, span - 1))
        var result: [Bucket] = []
        var column = -1, low = Double.infinity, high = -Double.infinity, last = Double.nan
        func flush() {
            guard column >= 0, low <= high else { return }
            result.append(Bucket(column: column, low: low, high: high, last: last))
        }
        for (index, v) in values.enumerated() {
            let c = Int(Double(index) * columnScale + 0.5)
            if c != column {
                flush()
                column = c
                low = .infinity
                high = -.infinity
                last = .nan
            }
            if v.isFinite {
                low = min(low, v)
                high = max(high, v)
                last = v
            }
        }
        flush()
        buckets = result
    }
}
