/// Something plots are drawn on, in data coordinates: the terminal's braille
/// canvas and the SVG page both implement it, so a shape drawn through it
/// looks the same on both (ratatui's canvas `Painter`).
public protocol PlotPainter {
    /// The data window the painter shows.
    var xRange: ClosedRange<Double> { get }
    var yRange: ClosedRange<Double> { get }
    /// A polyline through data points; a non-finite point breaks it. Parts
    /// outside the window are clipped.
    mutating func polyline(_ points: [SIMD2<Double>], color: Color)
}

/// A drawable made of data-space primitives (ratatui's canvas `Shape`).
public protocol PlotShape {
    func draw<P: PlotPainter>(on painter: inout P)
}

/// A path through data points in one colour: a trajectory, a fitted curve,
/// a loss series with a sample per column, a curvature guide.
public struct PathShape: PlotShape, Sendable, Equatable {
    public var points: [SIMD2<Double>]
    public var color: Color

    public init(_ points: [SIMD2<Double>], color: Color) {
        self.points = points
        self.color = color
    }

    public func draw<P: PlotPainter>(on painter: inout P) {
        painter.polyline(points, color: color)
    }
}
