/// A data lab's view as a figure: data points (train and test in two
/// colours, the model's predictions in a third, as the tutorial's
/// `show_preds`) and the fitted line or curve.
public struct ScatterFigure: Sendable {
    public struct PointSet: Sendable, Equatable {
        public enum Glyph: Sendable, Equatable { case dot, cross }
        public var name: String
        public var points: [SIMD2<Double>]
        public var color: Color
        public var glyph: Glyph
        public init(name: String, points: [SIMD2<Double>], color: Color, glyph: Glyph = .dot) {
            self.name = name
            self.points = points
            self.color = color
            self.glyph = glyph
        }
    }

    public struct Curve: Sendable, Equatable {
        public var name: String
        public var points: [SIMD2<Double>]
        public var color: Color
        public init(name: String, points: [SIMD2<Double>], color: Color) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    public var title: String
    public var xName: String
    public var yName: String
    public var pointSets: [PointSet]
    public var curves: [Curve]
    /// The window shown; nil fits the data and curves with 5 % margins (matplotlib's).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?

    public init(title: String, xName: String, yName: String, pointSets: [PointSet], curves: [Curve] = [],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xName = xName
        self.yName = yName
        self.pointSets = pointSets
        self.curves = curves
        self.xRange = xRange
        self.yRange = yRange
    }

    var fittedRanges: (ClosedRange<Double>, ClosedRange<Double>) {
        let all = (pointSets.flatMap(\.points) + curves.flatMap(\.points)).filter { $0.x.isFinite && $0.y.isFinite }
        func padded(_ values: [Double]) -> ClosedRange<Double> {
            guard let low = values.min(), let high = values.max() else { return 0...1 }
            if high == low { return (low - 1)...(high + 1) }
            let pad = (high - low) * 0.05
            return (low - pad)...(high + pad)
        }
        return (xRange ?? padded(all.map(\.x)), yRange ?? padded(all.map(\.y)))
    }

    public func svg(style: FigureStyle) -> String {
        let (x, y) = fittedRanges
        let axes = FigureAxes(style: style, xRange: x, yRange: y)
        var svg = SVGDocument(width: style.width, height: style.height)
        axes.begin(&svg)
        axes.grid(&svg)
        let total = pointSets.reduce(0) { $0 + $1.points.count }
        let radius = total <= 300 ? 3.0 : 1.6
        for set in pointSets {
            let ink = style.ink(set.color)
            for point in set.points where point.x.isFinite && point.y.isFinite && axes.contains(point) {
                let p = axes.page(point)
                switch set.glyph {
                case .dot: svg.circle(x: p.x, y: p.y, radius: radius, fill: ink)
                case .cross: FigureMarks.cross(&svg, at: p, size: radius, color: ink, width: 1)
                }
            }
        }
        var painter = SVGPainter(svg: svg, axes: axes, strokeWidth: 2, ink: { [style] in style.ink($0) })
        for curve in curves { PathShape(curve.points, color: curve.color).draw(on: &painter) }
        svg = painter.svg
        axes.frame(&svg, title: title, xName: xName, yName: yName)
        axes.legend(&svg, entries: pointSets.map { LegendItem($0.name, color: style.ink($0.color), mark: $0.glyph == .dot ? .dot : .cross) }
            + curves.map { LegendItem($0.name, color: style.ink($0.color), mark: .line) },
            avoid: (pointSets.flatMap(\.points) + curves.flatMap(\.points)).filter(axes.contains).map(axes.page))
        return svg.text
    }
}
