import Foundation

/// Loss curves by epoch, one per series (train/test, per optimizer group),
/// on a linear or log axis. While there are no more epochs than twice the
/// plot's width in points each series is a polyline; past that it is its
/// ``SeriesEnvelope`` (min–max per column) filled, so spikes stay visible.
public struct LossFigure: Sendable {
    public struct Series: Sendable, Equatable {
        public var name: String
        public var values: [Double]
        public var color: Color
        public init(name: String, values: [Double], color: Color) {
            self.name = name
            self.values = values
            self.color = color
        }
    }

    public var title: String
    public var series: [Series]
    /// The epoch of each series' first value.
    public var firstEpoch: Int
    public var logScale: Bool
    public var xName: String
    public var yName: String

    public init(title: String, series: [Series], firstEpoch: Int = 0, logScale: Bool = false,
                xName: String = "epoch", yName: String = "loss") {
        self.title = title
        self.series = series
        self.firstEpoch = firstEpoch
        self.logScale = logScale
        self.xName = xName
        self.yName = yName
    }

    /// A value in plot space: log10 on a log axis; NaN where it cannot be shown.
    func plotted(_ value: Double) -> Double {
        guard value.isFinite else { return .nan }
        if logScale { return value > 0 ? log10(value) : .nan }
        return value
    }

    var epochs: Int { series.map(\.values.count).max() ?? 0 }

    /// The y range in plot space with matplotlib's 5 % margins.
    var yRange: ClosedRange<Double> {
        let values = series.flatMap { $0.values.map(plotted) }.filter(\.isFinite)
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        if high == low { return (low - max(1, abs(low) * 0.1))...(high + max(1, abs(high) * 0.1)) }
        let pad = (high - low) * 0.05
        return (low - pad)...(high + pad)
    }

    public func svg(style: FigureStyle) -> String {
        let lastEpoch = firstEpoch + max(1, epochs - 1)
        let span = Double(lastEpoch - firstEpoch)
        let xRange = (Double(firstEpoch) - span * 0.05)...(Double(lastEpoch) + span * 0.05)
        let axes = FigureAxes(style: style, xRange: xRange, yRange: yRange, yLog: logScale)
        var svg = SVGDocument(width: style.width, height: style.height)
        axes.begin(&svg)
        axes.grid(&svg, xIntegers: true)
        var painter = SVGPainter(svg: svg, axes: axes, ink: { [style] in style.ink($0) })
        let columns = Int(axes.plot.width * 2)
        for line in series {
            let values = line.values.map(plotted)
            if values.count <= columns {
                let points = values.enumerated().map { SIMD2(Double(firstEpoch + $0.offset), $0.element) }
                PathShape(points, color: line.color).draw(on: &painter)
                if values.count == 1, values[0].isFinite {
                    let p = axes.page(points[0])
                    painter.svg.circle(x: p.x, y: p.y, radius: 2.5, fill: style.ink(line.color))
                }
                continue
            }
            // The envelope: highs left to right, then lows back, filled.
            let envelope = SeriesEnvelope(values, columns: columns, span: epochs)
            let epochPerColumn = Double(max(1, epochs - 1)) / Double(max(1, columns - 1))
            func x(_ column: Int) -> Double { Double(firstEpoch) + Double(column) * epochPerColumn }
            let upper = envelope.buckets.map { axes.page(SIMD2(x($0.column), $0.high)) }
            let lower = envelope.buckets.reversed().map { axes.page(SIMD2(x($0.column), $0.low)) }
            let outline = upper + lower
            guard let first = outline.first else { continue }
            var data = "M\(SVGDocument.number(first.x)) \(SVGDocument.number(first.y))"
            for p in outline.dropFirst() { data += "L\(SVGDocument.number(p.x)) \(SVGDocument.number(p.y))" }
            let ink = style.ink(line.color)
            painter.svg.path(data + "Z", fill: ink, stroke: ink, strokeWidth: 1, clip: FigureAxes.clipID)
        }
        svg = painter.svg
        axes.frame(&svg, title: title, xName: xName, yName: logScale ? "\(yName) (log)" : yName, xIntegers: true)
        axes.legend(&svg, entries: series.map { line in
            let last = line.values.last.map { " " + NumberText.short($0) } ?? ""
            let diverged = line.values.contains { !$0.isFinite } ? " (diverged)" : ""
            return LegendItem(line.name + last + diverged, color: style.ink(line.color), mark: .line)
        }, avoid: series.flatMap { line in
            line.values.enumerated().map { SIMD2(Double(firstEpoch + $0.offset), plotted($0.element)) }
        }.filter { $0.y.isFinite }.map(axes.page))
        return svg.text
    }
}
