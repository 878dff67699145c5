/// The 2-D landscape: f(x1, x2) shaded into contour bands, trajectories of
/// the points descending it drawn in braille on top, current positions marked.
///
/// The app computes f: ask ``fieldGridSize(for:)`` (one sample per plot
/// cell) or ``fieldSampleCoordinates(for:)`` for the area the plane will get,
/// evaluate f there, and pass the result as ``field``.
public struct ParameterPlane: Sendable {
    public var title: String
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var xName: String
    public var yName: String
    /// f on a grid (see ``ScalarField``); nil leaves the background plain.
    public var field: ScalarField?
    /// Label before the colour bar's values.
    public var fieldName: String
    public var trajectories: [Trajectory]
    /// Index into ``trajectories`` of the highlighted one.
    public var selected: Int?
    public var legend: [LegendEntry]
    public var focused: Bool
    /// Keeps rasterized trails between frames (pass the same one every frame);
    /// nil draws every point every frame.
    public var trailCache: TrailCache?

    public init(
        title: String = "Landscape", xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
        xName: String = "x1", yName: String = "x2", field: ScalarField? = nil, fieldName: String = "f",
        trajectories: [Trajectory] = [], selected: Int? = nil, legend: [LegendEntry] = [], focused: Bool = false,
        trailCache: TrailCache? = nil
    ) {
        self.title = title
        self.xRange = xRange
        self.yRange = yRange
        self.xName = xName
        self.yName = yName
        self.field = field
        self.fieldName = fieldName
        self.trajectories = trajectories
        self.selected = selected
        self.legend = legend
        self.focused = focused
        self.trailCache = trailCache
    }

    /// The field grid that gives one sample per plot cell for this area.
    public func fieldGridSize(for area: Rect) -> (columns: Int, rows: Int) {
        let plot = frame.layout(in: Self.inner(area)).plot
        return (plot.width, plot.height)
    }

    /// Where to evaluate f for this area: column centres left to right, row
    /// centres top to bottom (pass the values row by row to ``ScalarField``).
    public func fieldSampleCoordinates(for area: Rect) -> (xs: [Double], ys: [Double]) {
        let size = fieldGridSize(for: area)
        return ScalarField.sampleCoordinates(columns: size.columns, rows: size.rows,
                                             xRange: shownXRange, yRange: shownYRange)
    }

    public func render(into screen: inout Screen, area: Rect, theme: Theme, caps: Capabilities) {
        let inner = Panel(title: title, focused: focused).render(into: &screen, area: area, theme: theme, caps: caps)
        let layout = frame.layout(in: inner)
        let plot = layout.plot
        guard !plot.isEmpty else { return }
        var canvas = BrailleCanvas(width: plot.width, height: plot.height, glyphs: caps.glyphs,
                                   xRange: shownXRange, yRange: shownYRange)

        let bands = field.flatMap { f in f.finiteRange.map { (f, $0) } }
        if let (field, range) = bands { shade(field, range: range, plot: plot, into: &screen, theme: theme, caps: caps) }

        let colors = trajectories.map { theme.color($0.role) }
        if let trailCache {
            canvas = trailCache.canvas(drawing: trajectories, colors: colors, selected: selected, on: canvas)
        } else {
            canvas.plotPaths(trajectories.indices.compactMap { index in
                index == selected ? nil : (trajectories[index].points, colors[index])
            })
        }
        if let s = selected, trajectories.indices.contains(s) {
            canvas.plotPath(trajectories[s].points, color: theme.accent)
        }
        canvas.render(into: &screen, area: plot)
        markCurrentPositions(canvas: canvas, plot: plot, into: &screen, theme: theme, caps: caps)
        frame.draw(layout, canvas: canvas, into: &screen, area: inner, theme: theme, caps: caps)
        drawHeader(layout.header, range: bands?.1, into: &screen, theme: theme, caps: caps)
    }

    // MARK: - Parts

    private var frame: AxisFrame {
        AxisFrame(xRange: shownXRange, yRange: shownYRange, xName: xName, yName: yName)
    }

    /// The ranges, widened when empty so the mapping never divides by zero.
    private var shownXRange: ClosedRange<Double> { Self.nonEmpty(xRange) }
    private var shownYRange: ClosedRange<Double> { Self.nonEmpty(yRange) }

    static func nonEmpty(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
        guard range.lowerBound.isFinite, range.upperBound.isFinite else { return 0...1 }
        if range.upperBound > range.lowerBound { return range }
        let pad = max(1, abs(range.lowerBound) * 0.1)
        return (range.lowerBound - pad)...(range.upperBound + pad)
    }

    static func inner(_ area: Rect) -> Rect { area.inset(by: 1) }

    /// Bands the field into the ramp: colour in the cell background, or
    /// shading glyphs in monochrome (braille drawn later replaces them, so
    /// the dots win where a trajectory passes).
    private func shade(_ field: ScalarField, range: ClosedRange<Double>, plot: Rect,
                       into screen: inout Screen, theme: Theme, caps: Capabilities) {
        let levels = caps.isMonochrome ? caps.glyphs.shades.count : theme.ramp.count
        let ramp = Palette.ramp(theme.ramp, for: caps.colorMode)
        let span = range.upperBound - range.lowerBound
        let scale = span > 0 ? Double(levels) / span : 0
        for row in 0..<plot.height {
            for column in 0..<plot.width {
                let value = field.value(column: column, row: row, width: plot.width, height: plot.height)
                guard value.isFinite else { continue }
                let level = min(levels - 1, max(0, Int((value - range.lowerBound) * scale)))
                screen.modify(x: plot.x + column, y: plot.y + row) { cell in
                    if caps.isMonochrome {
                        cell.scalar = caps.glyphs.shades[level]
                    } else {
                        cell.style.bg = ramp[level]
                    }
                }
            }
        }
    }

    /// A glyph on each trajectory's current position, the selected one last
    /// so it stays visible in a crowd.
    private func markCurrentPositions(canvas: BrailleCanvas, plot: Rect, into screen: inout Screen,
                                      theme: Theme, caps: Capabilities) {
        func mark(_ trajectory: Trajectory, glyph: Unicode.Scalar, color: Color, reverse: Bool) {
            guard let point = trajectory.current, let dot = canvas.dot(x: point.x, y: point.y) else { return }
            screen.modify(x: plot.x + dot.x / caps.glyphs.dotColumns, y: plot.y + dot.y / caps.glyphs.dotRows) { cell in
                cell.scalar = glyph
                cell.style.fg = color
                cell.style.bold = true
                cell.style.reverse = reverse
            }
        }
        for (index, trajectory) in trajectories.enumerated() where index != selected {
            mark(trajectory, glyph: caps.glyphs.currentMarker, color: theme.color(trajectory.role), reverse: false)
        }
        if let s = selected, trajectories.indices.contains(s) {
            mark(trajectories[s], glyph: caps.glyphs.selectedMarker, color: theme.marker, reverse: caps.isMonochrome)
        }
    }

    /// Legend and colour bar, right-aligned after the y axis name.
    private func drawHeader(_ header: Rect, range: ClosedRange<Double>?, into screen: inout Screen,
                            theme: Theme, caps: Capabilities) {
        guard header.height > 0 else { return }
        let groups: [[HeaderText.Part]] = legend.map { entry in
            [("\(caps.glyphs.currentMarker)", Style(fg: theme.color(entry.role), bg: theme.background, bold: true)),
             (" \(entry.label)  ", theme.text)]
        }
        var bar: [HeaderText.Part] = []
        defer {
            // Entries come largest first: when they do not all fit, the last
            // ones give way to a count of them, never silently.
            let room = header.width - (yName.count + 1)
            func width(_ parts: [[HeaderText.Part]]) -> Int { parts.joined().reduce(0) { $0 + $1.0.count } }
            var shown = groups, cut = 0
            if width(shown + [bar]) > room {
                while !shown.isEmpty {
                    shown.removeLast()
                    cut += 1
                    if width(shown + [bar]) + "+\(cut) more  ".count <= room { break }
                }
            }
            if cut > 0 { shown.append([("+\(cut) more  ", theme.mutedText)]) }
            if !bar.isEmpty { shown.append(bar) }
            HeaderText.putRight(shown, in: header, reserved: yName.count + 1, into: &screen)
        }
        if let range {
            let muted = theme.mutedText
            bar = [("\(fieldName) \(NumberText.short(range.lowerBound)) ", muted)]
            let levels = caps.isMonochrome ? caps.glyphs.shades.count : theme.ramp.count
            let ramp = Palette.ramp(theme.ramp, for: caps.colorMode)
            for level in 0..<levels {
                if caps.isMonochrome {
                    bar.append((String(caps.glyphs.shades[level]), theme.text))
                } else {
                    bar.append((" ", Style(fg: theme.foreground, bg: ramp[level])))
                }
            }
            bar.append((" \(NumberText.short(range.upperBound))", muted))
        }
    }
}
