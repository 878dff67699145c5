/// The SVG page as a ``PlotPainter``: polylines in data coordinates become
/// `<polyline>` elements, clipped to the plot, broken at non-finite points.
public struct SVGPainter: PlotPainter {
    public var svg: SVGDocument
    public let axes: FigureAxes
    public var strokeWidth: Double
    /// Resolves a colour (``SVGDocument/hex(_:fallback:)`` with the figure's foreground).
    public let ink: @Sendable (Color) -> String

    public init(svg: SVGDocument, axes: FigureAxes, strokeWidth: Double = 1.5, ink: @escaping @Sendable (Color) -> String) {
        self.svg = svg
        self.axes = axes
        self.strokeWidth = strokeWidth
        self.ink = ink
    }

    public var xRange: ClosedRange<Double> { axes.x.domain }
    public var yRange: ClosedRange<Double> { axes.y.domain }

    /// Points closer than this to the last one kept (in points, 1/72 in)
    /// are dropped: a converged trajectory's thousand steps on one spot
    /// would otherwise be most of the file, and no renderer shows them.
    public static let resolution = 0.25

    public mutating func polyline(_ points: [SIMD2<Double>], color: Color) {
        var run: [SIMD2<Double>] = []
        let stroke = ink(color)
        for (index, point) in points.enumerated() {
            if point.x.isFinite, point.y.isFinite {
                let p = axes.page(point)
                let isLast = index == points.count - 1 || !(points[index + 1].x.isFinite && points[index + 1].y.isFinite)
                if let kept = run.last, !isLast, abs(p.x - kept.x) < Self.resolution, abs(p.y - kept.y) < Self.resolution { continue }
                run.append(p)
            } else {
                svg.polyline(run, stroke: stroke, width: strokeWidth, clip: FigureAxes.clipID)
                run.removeAll(keepingCapacity: true)
            }
        }
        svg.polyline(run, stroke: stroke, width: strokeWidth, clip: FigureAxes.clipID)
    }
}
