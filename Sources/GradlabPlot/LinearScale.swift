/// A linear map from a data interval onto an output interval (dots, cells,
/// points on a page), with the axis ticks for the data interval.
///
/// ```swift
/// let x = LinearScale(domain: -2...2, range: 0...400)
/// x.map(0)                  // 200
/// x.ticks(maxCount: 5)      // [-2, -1, 0, 1, 2] with labels
/// ```
public struct LinearScale: Sendable, Equatable {
    /// The data interval; a log axis passes log10 of its values.
    public var domain: ClosedRange<Double>
    /// Where `domain.lowerBound` and `domain.upperBound` land; may run
    /// downward (`300...0` is not a valid range, so use ``flipped``).
    public var range: ClosedRange<Double>
    /// Maps `domain.lowerBound` to `range.upperBound`: a y axis on a page, which grows downward.
    public var flipped: Bool
    /// The ticks are log10 values of a log axis.
    public var logarithmic: Bool

    public init(domain: ClosedRange<Double>, range: ClosedRange<Double>, flipped: Bool = false, logarithmic: Bool = false) {
        self.domain = domain
        self.range = range
        self.flipped = flipped
        self.logarithmic = logarithmic
    }

    /// Where a data value lands (unclamped).
    @inline(__always)
    public func map(_ value: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        let t = span > 0 ? (value - domain.lowerBound) / span : 0.5
        let width = range.upperBound - range.lowerBound
        return flipped ? range.upperBound - t * width : range.lowerBound + t * width
    }

    /// One tick: its data value and its label.
    public struct Tick: Sendable, Equatable {
        public var value: Double
        public var label: String
    }

    /// At most about `maxCount` ticks at nice values inside the domain
    /// (``Ticks/linear(_:maxCount:)``; whole decades, or nice values, on a
    /// log axis), labelled as the terminal's axes label them.
    /// - Parameter integers: only whole numbers (epoch axes).
    public func ticks(maxCount: Int, integers: Bool = false) -> [Tick] {
        if logarithmic {
            return Ticks.logarithmic(domain, maxCount: maxCount).map { Tick(value: $0, label: Ticks.logLabel($0)) }
        }
        var (values, step) = Ticks.linear(domain, maxCount: maxCount)
        if integers && step < 1 {
            values = values.filter { $0 == $0.rounded() }
            step = 1
        }
        return values.map { Tick(value: $0, label: Ticks.label($0, step: step)) }
    }
}
