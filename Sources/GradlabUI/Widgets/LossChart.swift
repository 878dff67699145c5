import Foundation

/// One loss curve: a value per epoch.
public struct LossSeries: Sendable, Equatable {
    public var name: String
    /// `values[i]` belongs to epoch `LossChart.firstEpoch + i`.
    public var values: [Double]
    public var role: ThemeRole
    /// The latest value is not this series' now (the landscape's f changed
    /// since it was taken): the legend shows `–` for it.
    public var latestIsStale = false

    public init(name: String, values: [Double], role: ThemeRole) {
        self.name = name
        self.values = values
        self.role = role
    }

    /// True when some value is NaN or infinite: training blew up.
    public var diverged: Bool { values.contains { !$0.isFinite } }

    /// The last finite value.
    public var lastFinite: Double? { values.last { $0.isFinite } }
}

/// Loss by epoch for one or more series, linear or log y.
///
/// When there are more epochs than dot columns, each column shows the min
/// and max of its bucket of epochs as a vertical stroke, so a one-epoch spike
/// is never averaged away. NaN and infinite values are skipped (the line
/// breaks) and the series is tagged `diverged` in the legend; on a log axis
/// values ≤ 0 are skipped too.
public struct LossChart: Sendable {
    public var title: String
    public var series: [LossSeries]
    public var logScale: Bool
    /// The epoch of each series' first value (0 when it holds the start state).
    public var firstEpoch: Int
    public var xName: String
    public var yName: String
    public var focused: Bool

    public init(
        title: String = "Loss", series: [LossSeries] = [], logScale: Bool = false, firstEpoch: Int = 0,
        xName: String = "epoch", yName: String = "loss", focused: Bool = false
    ) {
        self.title = title
        self.series = series
        self.logScale = logScale
        self.firstEpoch = firstEpoch
        self.xName = xName
        self.yName = yName
        self.focused = focused
    }

    public func render(into screen: inout Screen, area: Rect, theme: Theme, caps: Capabilities) {
        // A log axis cannot place values ≤ 0: say how many it leaves out.
        let hidden = logScale ? series.reduce(0) { $0 + $1.values.count { $0.isFinite && $0 <= 0 } } : 0
        let detail = logScale ? (hidden > 0 ? "log, \(hidden) ≤ 0 not shown" : "log") : "linear"
        let panel = Panel(title: title, detail: detail, focused: focused)
        let inner = panel.render(into: &screen, area: area, theme: theme, caps: caps)
        guard let yRange = plottedRange else {
            let message = "no data yet"
            let spot = inner.centered(width: message.count, height: 1)
            screen.put(message, x: spot.x, y: spot.y, style: theme.mutedText, clip: inner)
            return
        }
        let xRange = Double(firstEpoch)...Double(firstEpoch + max(1, epochs - 1))
        let frame = AxisFrame(xRange: xRange, yRange: yRange, xName: xName, yName: yName,
                              yLog: logScale, xIntegers: true)
        let layout = frame.layout(in: inner)
        guard !layout.plot.isEmpty else { return }
        var canvas = BrailleCanvas(width: layout.plot.width, height: layout.plot.height, glyphs: caps.glyphs,
                                   xRange: xRange, yRange: yRange)
        for line in series {
            draw(line, on: &canvas, color: theme.color(line.role))
        }
        canvas.render(into: &screen, area: layout.plot)
        frame.draw(layout, canvas: canvas, into: &screen, area: inner, theme: theme, caps: caps)

        // Monochrome, several series of --compare's groups: the plane's marker
        // of each, the one thing that tells the groups apart.
        let groupMarkers = caps.isMonochrome && series.count > 1
            && series.allSatisfy { if case .series = $0.role { true } else { false } }
        // Names with last values; when that is too wide, names only.
        func legend(withValues: Bool) -> [[HeaderText.Part]] {
            series.map { line in
                // The latest value, as the inspector shows it (NaN once diverged).
                let value = line.latestIsStale ? " –" : line.values.last.map { " " + NumberText.short($0) } ?? ""
                var group: [HeaderText.Part] = [
                    ("  " + (groupMarkers ? "\(caps.glyphs.marker(for: line.role, monochrome: true))" : caps.glyphs.legendLine),
                     Style(fg: theme.color(line.role), bg: theme.background, bold: true)),
                    (" \(line.name)\(withValues ? value : "")", theme.text),
                ]
                if line.diverged {
                    group.append((" diverged", Style(fg: theme.error, bg: theme.background, bold: true,
                                                     reverse: caps.isMonochrome)))
                }
                return group
            }
        }
        let full = legend(withValues: true)
        let fullWidth = full.joined().reduce(0) { $0 + $1.text.unicodeScalars.count }
        let groups = fullWidth <= layout.header.width - yName.count - 1 ? full : legend(withValues: false)
        HeaderText.putRight(groups, in: layout.header, reserved: yName.count + 1, into: &screen,
                            cutNote: { ("  +\($0) more", theme.mutedText) })
    }

    /// The longest series' length: the x axis spans this many epochs.
    var epochs: Int { series.map(\.values.count).max() ?? 0 }

    /// A value as plotted: log10 on a log axis; NaN when it cannot be shown.
    @inline(__always)
    private func plotted(_ value: Double) -> Double {
        guard value.isFinite else { return .nan }
        if logScale { return value > 0 ? log10(value) : .nan }
        return value
    }

    /// The y range in plot space, widened to whole ticks (linear) or decades (log).
    var plottedRange: ClosedRange<Double>? {
        var low = Double.infinity, high = -Double.infinity
        for line in series {
            for value in line.values {
                let v = plotted(value)
                if v.isFinite {
                    low = min(low, v)
                    high = max(high, v)
                }
            }
        }
        guard low <= high else { return nil }
        if logScale {
            let bottom = low.rounded(.down), top = high.rounded(.up)
            return bottom...(top > bottom ? top : bottom + 1)
        }
        if high == low { return ParameterPlane.nonEmpty(low...high) }
        let step = Ticks.niceStep(span: high - low, maxCount: 4)
        return ((low / step).rounded(.down) * step)...((high / step).rounded(.up) * step)
    }

    /// One series: a polyline when every epoch has its own dot column, else
    /// per-column min–max strokes joined to the previous column.
    private func draw(_ line: LossSeries, on canvas: inout BrailleCanvas, color: Color) {
        let count = line.values.count
        guard count > 0, canvas.dotWidth > 0 else { return }
        if epochs <= canvas.dotWidth {
            let points = line.values.enumerated().map { SIMD2(Double(firstEpoch + $0.offset), plotted($0.element)) }
            PathShape(points, color: color).draw(on: &canvas)
            if count == 1, let dot = canvas.dot(x: Double(firstEpoch), y: points[0].y) {
                canvas.set(dotX: dot.x, dotY: dot.y, color: color)
            }
            return
        }

        let top = canvas.yRange.upperBound
        let rowScale = Double(canvas.dotHeight - 1) / (canvas.yRange.upperBound - canvas.yRange.lowerBound)
        func row(_ v: Double) -> Int { min(canvas.dotHeight - 1, max(0, Int((top - v) * rowScale + 0.5))) }
        // One bucket per dot column, on the same linear map the canvas uses,
        // so strokes sit exactly above the axis ticks.
        let envelope = SeriesEnvelope(line.values.map(plotted), columns: canvas.dotWidth, span: epochs)
        var previous: SeriesEnvelope.Bucket?
        for bucket in envelope.buckets {
            var strokeLow = bucket.low, strokeHigh = bucket.high
            // Join to the previous column so the curve reads as one line.
            if let previous, previous.column == bucket.column - 1, previous.last.isFinite {
                strokeLow = min(strokeLow, previous.last)
                strokeHigh = max(strokeHigh, previous.last)
            }
            canvas.line(from: DotPoint(x: bucket.column, y: row(strokeHigh)), to: DotPoint(x: bucket.column, y: row(strokeLow)),
                        color: color)
            previous = bucket
        }
    }
}
