import Foundation

/// The parameter plane as a figure: f's filled contour bands with a colour
/// bar, every trajectory as a polyline (a dot on each step while they are
/// few, as the tutorial's `marker="o"`), start and end markers, known minima,
/// a legend, axes with ticks and labels.
public struct PlaneFigure: Sendable {
    public struct Path: Sendable, Equatable {
        public var points: [SIMD2<Double>]
        public var color: Color
        public init(points: [SIMD2<Double>], color: Color) {
            self.points = points
            self.color = color
        }
    }

    public var title: String
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var xName: String
    public var yName: String
    /// f at grid nodes spanning the ranges edge to edge (``sampleRanges(xRange:yRange:columns:rows:)``).
    public var field: ScalarField?
    public var fieldName: String
    public var shading: FieldShading?
    public var paths: [Path]
    public var markers: [SIMD2<Double>]
    public var markerLabel: String
    /// Named colours (optimizer groups under `--compare`, basins).
    public var legend: [(label: String, color: Color)]
    public var guides: [PathShape]

    public init(title: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, xName: String, yName: String,
                field: ScalarField? = nil, fieldName: String = "f", shading: FieldShading? = nil, paths: [Path] = [],
                markers: [SIMD2<Double>] = [], markerLabel: String = "minimum",
                legend: [(label: String, color: Color)] = [], guides: [PathShape] = []) {
        self.title = title
        self.xRange = xRange
        self.yRange = yRange
        self.xName = xName
        self.yName = yName
        self.field = field
        self.fieldName = fieldName
        self.shading = shading
        self.paths = paths
        self.markers = markers
        self.markerLabel = markerLabel
        self.legend = legend
        self.guides = guides
    }

    /// The contour grid a figure samples: 64 × 48 nodes (smooth at 6.4 × 4.8 in, files of 100–200 kB).
    public static let defaultGrid = (columns: 64, rows: 48)

    /// The ranges whose cell centres (``ScalarField/sampleCoordinates(columns:rows:xRange:yRange:)``)
    /// are the nodes of a `columns × rows` grid spanning `xRange × yRange`
    /// edge to edge: half a step wider on each side.
    public static func sampleRanges(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, columns: Int, rows: Int)
        -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let hx = (xRange.upperBound - xRange.lowerBound) / Double(max(1, columns - 1)) / 2
        let hy = (yRange.upperBound - yRange.lowerBound) / Double(max(1, rows - 1)) / 2
        return ((xRange.lowerBound - hx)...(xRange.upperBound + hx), (yRange.lowerBound - hy)...(yRange.upperBound + hy))
    }

    /// The SVG file.
    public func svg(style: FigureStyle) -> String {
        let bands = field.flatMap { FieldBands(field: $0, shading: shading, levels: style.ramp.count) }
        let axes = FigureAxes(style: style, xRange: xRange, yRange: yRange, rightMargin: bands == nil ? 0 : 62)
        var svg = SVGDocument(width: style.width, height: style.height)
        axes.begin(&svg)
        if let field, let bands { drawBands(field: field, bands: bands, axes: axes, into: &svg) }
        if bands == nil { axes.grid(&svg) }

        var painter = SVGPainter(svg: svg, axes: axes, ink: { [style] in style.ink($0) })
        for path in paths { PathShape(path.points, color: path.color).draw(on: &painter) }
        painter.strokeWidth = 1.2
        for guide in guides { guide.draw(on: &painter) }
        svg = painter.svg

        let pointCount = paths.reduce(0) { $0 + $1.points.count }
        let radius = paths.count <= 20 ? 2.5 : 1.6
        for path in paths {
            let ink = style.ink(path.color)
            if pointCount <= 3_000 {
                for point in path.points.dropFirst().dropLast() where axes.contains(point) {
                    let p = axes.page(point)
                    svg.circle(x: p.x, y: p.y, radius: radius * 0.6, fill: ink)
                }
            }
            if let start = path.points.first, axes.contains(start) {
                let p = axes.page(start)
                svg.circle(x: p.x, y: p.y, radius: radius, fill: style.background, stroke: ink, strokeWidth: 1.2)
            }
            if path.points.count > 1, let end = path.points.last, axes.contains(end) {
                let p = axes.page(end)
                svg.circle(x: p.x, y: p.y, radius: radius, fill: ink, stroke: style.background, strokeWidth: 0.6)
            }
        }
        for marker in markers where axes.contains(marker) {
            FigureMarks.cross(&svg, at: axes.page(marker), size: 4.5, color: style.foreground, width: 2)
        }
        axes.frame(&svg, title: title, xName: xName, yName: yName)
        if let bands { drawColorBar(bands: bands, axes: axes, into: &svg) }

        var entries = legend.map { LegendItem($0.label, color: style.ink($0.color), mark: .line) }
        if !paths.isEmpty {
            entries.append(LegendItem("start", color: style.foreground, mark: .ring))
            entries.append(LegendItem("end", color: style.foreground, mark: .dot))
        }
        if markers.contains(where: axes.contains) { entries.append(LegendItem(markerLabel, color: style.foreground, mark: .cross)) }
        axes.legend(&svg, entries: entries, avoid: (paths.flatMap(\.points) + markers).filter(axes.contains).map(axes.page))
        return svg.text
    }

    private func drawBands(field: ScalarField, bands: FieldBands, axes: FigureAxes, into svg: inout SVGDocument) {
        let polygons = Isobands.polygons(field: field, bands: bands, xRange: xRange, yRange: yRange)
        for (level, band) in polygons.enumerated() where !band.isEmpty {
            var data = ""
            for polygon in band {
                for (index, point) in polygon.enumerated() {
                    let p = axes.page(point)
                    data += (index == 0 ? "M" : "L") + SVGDocument.number(p.x, tenths: true) + " " + SVGDocument.number(p.y, tenths: true)
                }
                data += "Z"
            }
            // A hairline of the band's own colour hides the anti-aliasing seams between polygons.
            let color = style(axes).ramp[min(level, style(axes).ramp.count - 1)]
            svg.path(data, fill: color, stroke: color, strokeWidth: 0.3, clip: FigureAxes.clipID)
        }
    }

    private func style(_ axes: FigureAxes) -> FigureStyle { axes.style }

    /// matplotlib's `colorbar()`: the bands stacked upward, f at their boundaries.
    private func drawColorBar(bands: FieldBands, axes: FigureAxes, into svg: inout SVGDocument) {
        let style = axes.style
        let left = axes.plot.x + axes.plot.width + 14, width = 12.0
        let top = axes.plot.y, height = axes.plot.height
        let step = height / Double(bands.levels)
        for level in 0..<bands.levels {
            let y = top + height - Double(level + 1) * step
            svg.rect(x: left, y: y, width: width, height: step + 0.3, fill: style.ramp[min(level, style.ramp.count - 1)])
        }
        svg.rect(x: left, y: top, width: width, height: height, fill: "none", stroke: style.foreground, strokeWidth: 0.8)
        let values = [bands.low] + bands.boundaries + [bands.high]
        let stride = max(1, Int((Double(values.count) / 9).rounded(.up)))
        for (index, value) in values.enumerated() where index % stride == 0 || index == values.count - 1 {
            let y = top + height - Double(index) * step
            svg.line(x1: left + width, y1: y, x2: left + width + 3, y2: y, stroke: style.foreground, width: 0.8)
            svg.text(NumberText.short(value), x: left + width + 5, y: y + style.fontSize * 0.3, size: style.fontSize * 0.8,
                     fill: style.foreground)
        }
        let mode = bands.shading == .linear ? "" : " (\(bands.shading.rawValue) bands)"
        svg.text(fieldName + mode, x: left + width / 2, y: top - 10, size: style.fontSize * 0.9, anchor: .middle,
                 fill: style.foreground)
    }
}
