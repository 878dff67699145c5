import Foundation

/// One figure's axes on the page: the plot rectangle, the data-to-page
/// scales, and the frame around it (spines, ticks, labels, title), in
/// matplotlib's default proportions.
public struct FigureAxes: Sendable {
    public let plot: (x: Double, y: Double, width: Double, height: Double)
    public let x: LinearScale
    public let y: LinearScale
    public let style: FigureStyle
    /// The clip path that keeps data inside the plot.
    public static let clipID = "plot"

    /// - Parameter rightMargin: room kept right of the plot (a colour bar).
    public init(style: FigureStyle, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                yLog: Bool = false, rightMargin: Double = 0) {
        self.style = style
        // matplotlib's subplot parameters: left .125, right .9, bottom .11, top .88.
        // Wide tick labels push the plot right, so the y axis name never overlaps them.
        let probe = LinearScale(domain: yRange, range: 0...1, flipped: true, logarithmic: yLog)
        let labelWidth = Self.textWidth(probe.ticks(maxCount: Self.maxYTicks).map(\.label).max { $0.count < $1.count } ?? "", size: style.fontSize)
        let left = max(style.width * 0.125, 7 + labelWidth + 6 + style.fontSize * 1.6), right = style.width * 0.9 - rightMargin
        let top = style.height * 0.13, bottom = style.height * 0.89
        plot = (left, top, right - left, bottom - top)
        x = LinearScale(domain: xRange, range: left...right)
        y = LinearScale(domain: yRange, range: top...bottom, flipped: true, logarithmic: yLog)
    }

    /// A data point on the page.
    @inline(__always)
    public func page(_ point: SIMD2<Double>) -> SIMD2<Double> {
        SIMD2(x.map(point.x), y.map(point.y))
    }

    public func contains(_ point: SIMD2<Double>) -> Bool {
        x.domain.contains(point.x) && y.domain.contains(point.y)
    }

    /// The page background, the plot's, and the clip path.
    public func begin(_ svg: inout SVGDocument, plotBackground: String? = nil) {
        svg.rect(x: 0, y: 0, width: style.width, height: style.height, fill: style.background)
        svg.rect(x: plot.x, y: plot.y, width: plot.width, height: plot.height, fill: plotBackground ?? style.background)
        svg.clipRect(id: Self.clipID, x: plot.x, y: plot.y, width: plot.width, height: plot.height)
    }

    /// Spines, ticks and their labels, axis names, the title; a grid under
    /// the data when `grid` (drawn first by calling ``grid(_:)``).
    public func frame(_ svg: inout SVGDocument, title: String, xName: String, yName: String, xIntegers: Bool = false) {
        let fg = style.foreground, size = style.fontSize
        svg.rect(x: plot.x, y: plot.y, width: plot.width, height: plot.height, fill: "none", stroke: fg, strokeWidth: 0.8)
        let bottom = plot.y + plot.height
        for tick in xTicks(integers: xIntegers) {
            let px = x.map(tick.value)
            svg.line(x1: px, y1: bottom, x2: px, y2: bottom + 3.5, stroke: fg, width: 0.8)
            svg.text(tick.label, x: px, y: bottom + 3.5 + 3.5 + size * 0.8, size: size, anchor: .middle, fill: fg)
        }
        for tick in yTicks() {
            let py = y.map(tick.value)
            svg.line(x1: plot.x - 3.5, y1: py, x2: plot.x, y2: py, stroke: fg, width: 0.8)
            svg.text(tick.label, x: plot.x - 3.5 - 3.5, y: py + size * 0.35, size: size, anchor: .end, fill: fg)
        }
        svg.text(xName, x: plot.x + plot.width / 2, y: bottom + 3.5 + 3.5 + size * 0.8 + 4 + size, size: size,
                 anchor: .middle, fill: fg)
        let labelWidth = Self.textWidth(yTicks().map(\.label).max { $0.count < $1.count } ?? "", size: size)
        svg.text(yName, x: plot.x - 7 - labelWidth - 6, y: plot.y + plot.height / 2, size: size,
                 anchor: .middle, fill: fg, rotate: -90)
        // The figure's name, then what run it shows (lab, function, optimizer, epoch).
        let lines = title.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let centre = style.width / 2
        if lines.count == 2 {
            svg.text(lines[0], x: centre, y: plot.y - 8 - size * 1.1, size: size * 1.2, anchor: .middle, fill: fg)
            svg.text(lines[1], x: centre, y: plot.y - 7, size: size * 0.9, anchor: .middle, fill: style.muted)
        } else {
            svg.text(title, x: centre, y: plot.y - 8, size: size * 1.2, anchor: .middle, fill: fg)
        }
    }

    /// About how wide a label is in DejaVu Sans at `size` (digits are 0.64 em).
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.64
    }

    static let maxYTicks = 7

    /// Light grid lines at the ticks (`plt.grid()`).
    public func grid(_ svg: inout SVGDocument, xIntegers: Bool = false) {
        for tick in xTicks(integers: xIntegers) {
            let px = x.map(tick.value)
            svg.line(x1: px, y1: plot.y, x2: px, y2: plot.y + plot.height, stroke: style.grid, width: 0.8)
        }
        for tick in yTicks() {
            let py = y.map(tick.value)
            svg.line(x1: plot.x, y1: py, x2: plot.x + plot.width, y2: py, stroke: style.grid, width: 0.8)
        }
    }

    func xTicks(integers: Bool) -> [LinearScale.Tick] { x.ticks(maxCount: 8, integers: integers) }
    func yTicks() -> [LinearScale.Tick] { y.ticks(maxCount: Self.maxYTicks) }

    /// A legend box in the upper right corner of the plot (matplotlib's
    /// `loc="best"` without the search): one row per entry.
    /// - Parameter avoid: page points the box should not cover: of the four
    ///   corners (upper right first) it takes the one covering fewest
    ///   (matplotlib's `loc="best"`, over corners only).
    public func legend(_ svg: inout SVGDocument, entries: [LegendItem], avoid: [SIMD2<Double>] = []) {
        guard !entries.isEmpty else { return }
        let size = style.fontSize, row = size * 1.4
        let widest = entries.map { Double($0.label.count) }.max() ?? 0
        let width = 28 + widest * size * 0.6 + 8, height = Double(entries.count) * row + 6
        let corners = [(plot.x + plot.width - width - 6, plot.y + 6), (plot.x + 6, plot.y + 6),
                       (plot.x + 6, plot.y + plot.height - height - 6), (plot.x + plot.width - width - 6, plot.y + plot.height - height - 6)]
        func covered(_ corner: (Double, Double)) -> Int {
            avoid.count { $0.x >= corner.0 - 4 && $0.x <= corner.0 + width + 4 && $0.y >= corner.1 - 4 && $0.y <= corner.1 + height + 4 }
        }
        var best = corners[0], fewest = covered(corners[0])
        for corner in corners.dropFirst() where fewest > 0 {
            let count = covered(corner)
            if count < fewest { (best, fewest) = (corner, count) }
        }
        let (left, top) = best
        svg.raw("<rect x=\"\(SVGDocument.number(left))\" y=\"\(SVGDocument.number(top))\" width=\"\(SVGDocument.number(width))\" "
            + "height=\"\(SVGDocument.number(height))\" rx=\"2\" fill=\"\(style.background)\" fill-opacity=\"0.8\" "
            + "stroke=\"\(style.grid)\" stroke-width=\"0.8\"/>")
        for (index, entry) in entries.enumerated() {
            let cy = top + 3 + row * (Double(index) + 0.5)
            let cx = left + 14
            switch entry.mark {
            case .line: svg.line(x1: cx - 9, y1: cy, x2: cx + 9, y2: cy, stroke: entry.color, width: 1.5)
            case .dot: svg.circle(x: cx, y: cy, radius: 3, fill: entry.color)
            case .ring: svg.circle(x: cx, y: cy, radius: 3, fill: style.background, stroke: entry.color, strokeWidth: 1.2)
            case .cross: FigureMarks.cross(&svg, at: SIMD2(cx, cy), size: 4, color: entry.color)
            }
            svg.text(entry.label, x: left + 28, y: cy + size * 0.35, size: size, fill: style.foreground)
        }
    }
}

/// One line of a figure's legend.
public struct LegendItem: Sendable, Equatable {
    public enum Mark: Sendable, Equatable { case line, dot, ring, cross }
    public var label: String
    public var color: String
    public var mark: Mark

    public init(_ label: String, color: String, mark: Mark) {
        self.label = label
        self.color = color
        self.mark = mark
    }
}

/// Point markers drawn the same way by every figure.
public enum FigureMarks {
    /// ✕, as two strokes.
    public static func cross(_ svg: inout SVGDocument, at p: SIMD2<Double>, size: Double, color: String, width: Double = 1.5) {
        svg.line(x1: p.x - size, y1: p.y - size, x2: p.x + size, y2: p.y + size, stroke: color, width: width)
        svg.line(x1: p.x - size, y1: p.y + size, x2: p.x + size, y2: p.y - size, stroke: color, width: width)
    }
}
