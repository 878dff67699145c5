/// A named group of data points (a training or test set).
public struct PointSet: Sendable, Equatable {
    public enum Glyph: Sendable, Equatable {
        /// `•` (ASCII `o`)
        case dot
        /// `×` (ASCII `x`)
        case cross
    }

    public var name: String
    public var points: [SIMD2<Double>]
    public var role: ThemeRole
    public var glyph: Glyph

    public init(name: String, points: [SIMD2<Double>], role: ThemeRole, glyph: Glyph = .dot) {
        self.name = name
        self.points = points
        self.role = role
        self.glyph = glyph
    }
}

/// A curve given as samples (a fitted line, a fitted quadratic), drawn as a braille polyline.
public struct Curve: Sendable, Equatable {
    public var name: String
    public var points: [SIMD2<Double>]
    public var role: ThemeRole

    public init(name: String, points: [SIMD2<Double>], role: ThemeRole = .accent) {
        self.name = name
        self.points = points
        self.role = role
    }
}

/// The data view: point sets as glyphs, model curves in braille, axes and a legend.
public struct ScatterPlot: Sendable {
    /// A point of one of the sets.
    public struct PointReference: Sendable, Equatable {
        public var set: Int
        public var index: Int
        public init(set: Int, index: Int) {
            self.set = set
            self.index = index
        }
    }

    public var title: String
    /// The window shown; nil fits the data (and curves) with a margin.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var xName: String
    public var yName: String
    public var pointSets: [PointSet]
    public var curves: [Curve]
    public var selected: PointReference?
    public var focused: Bool

    public init(
        title: String = "Data", xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
        xName: String = "x", yName: String = "y", pointSets: [PointSet] = [], curves: [Curve] = [],
        selected: PointReference? = nil, focused: Bool = false
    ) {
        self.title = title
        self.xRange = xRange
        self.yRange = yRange
        self.xName = xName
        self.yName = yName
        self.pointSets = pointSets
        self.curves = curves
        self.selected = selected
        self.focused = focused
    }

    public func render(into screen: inout Screen, area: Rect, theme: Theme, caps: Capabilities) {
        let inner = Panel(title: title, focused: focused).render(into: &screen, area: area, theme: theme, caps: caps)
        let (shownX, shownY) = shownRanges
        let frame = AxisFrame(xRange: shownX, yRange: shownY, xName: xName, yName: yName)
        let layout = frame.layout(in: inner)
        let plot = layout.plot
        guard !plot.isEmpty else { return }
        var canvas = BrailleCanvas(width: plot.width, height: plot.height, glyphs: caps.glyphs,
                                   xRange: shownX, yRange: shownY)
        for curve in curves { PathShape(curve.points, color: theme.color(curve.role)).draw(on: &canvas) }
        canvas.render(into: &screen, area: plot)

        func mark(_ point: SIMD2<Double>, glyph: Unicode.Scalar, color: Color, reverse: Bool = false) {
            guard let dot = canvas.dot(x: point.x, y: point.y) else { return }
            screen.modify(x: plot.x + dot.x / caps.glyphs.dotColumns, y: plot.y + dot.y / caps.glyphs.dotRows) { cell in
                cell.scalar = glyph
                cell.style.fg = color
                cell.style.bold = true
                cell.style.reverse = reverse
            }
        }
        for set in pointSets {
            let glyph = set.glyph == .dot ? caps.glyphs.pointMarker : caps.glyphs.crossMarker
            let color = theme.color(set.role)
            for point in set.points { mark(point, glyph: glyph, color: color) }
        }
        if let s = selected, pointSets.indices.contains(s.set), pointSets[s.set].points.indices.contains(s.index) {
            mark(pointSets[s.set].points[s.index], glyph: caps.glyphs.selectedMarker, color: theme.marker,
                 reverse: caps.isMonochrome)
        }

        frame.draw(layout, canvas: canvas, into: &screen, area: inner, theme: theme, caps: caps)
        var groups: [[HeaderText.Part]] = []
        for set in pointSets {
            let glyph = set.glyph == .dot ? caps.glyphs.pointMarker : caps.glyphs.crossMarker
            groups.append([(String(glyph), Style(fg: theme.color(set.role), bg: theme.background, bold: true)),
                           (" \(set.name)  ", theme.text)])
        }
        for curve in curves {
            groups.append([(caps.glyphs.legendLine, Style(fg: theme.color(curve.role), bg: theme.background, bold: true)),
                           (" \(curve.name)", theme.text)])
        }
        HeaderText.putRight(groups, in: layout.header, reserved: yName.count + 1, into: &screen)
    }

    /// The given ranges, or the data's extent with a 5 % margin.
    var shownRanges: (ClosedRange<Double>, ClosedRange<Double>) {
        var lowX = Double.infinity, highX = -Double.infinity, lowY = Double.infinity, highY = -Double.infinity
        for point in pointSets.flatMap(\.points) + curves.flatMap(\.points) where point.x.isFinite && point.y.isFinite {
            lowX = min(lowX, point.x)
            highX = max(highX, point.x)
            lowY = min(lowY, point.y)
            highY = max(highY, point.y)
        }
        func padded(_ low: Double, _ high: Double) -> ClosedRange<Double> {
            guard low <= high else { return 0...1 }
            let pad = (high - low) * 0.05
            return ParameterPlane.nonEmpty((low - pad)...(high + pad))
        }
        return (xRange.map(ParameterPlane.nonEmpty) ?? padded(lowX, highX),
                yRange.map(ParameterPlane.nonEmpty) ?? padded(lowY, highY))
    }
}
