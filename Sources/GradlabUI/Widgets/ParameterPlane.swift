import Foundation

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
    /// How f maps to the ramp; nil picks from the field (``FieldShading/suited(to:)``).
    public var shading: FieldShading?
    /// Known minima (or a data lab's optimum), marked ✕ and named in the legend.
    public var markers: [SIMD2<Double>] = []
    /// The trajectories' roles are `--compare`'s groups: on a monochrome
    /// terminal each group's markers get their own shape.
    public var rolesAreGroups = false
    public var markerLabel = "minimum"
    /// When set, points whose position is outside the ranges are counted in
    /// the title, with this hint (`z zooms out`), and marked on the edge
    /// where they left.
    public var outsideHint: String?
    /// Curvature guides at the selected point (`h`), drawn over the trails.
    public var guides: [PlaneGuide] = []

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

        // The ramp as the terminal shows it: 8 colours give fewer bands.
        let ramp = Palette.ramp(theme.ramp, for: caps.colorMode)
        let levels = caps.isMonochrome ? caps.glyphs.shades.count : ramp.count
        let bands = field.flatMap { FieldBands(field: $0, shading: shading, levels: levels) }
        if let field, let bands { shade(field, bands: bands, plot: plot, into: &screen, ramp: ramp, caps: caps) }

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
        for guide in guides {
            PathShape([guide.from, guide.to], color: Self.color(of: guide.kind, theme: theme)).draw(on: &canvas)
        }
        canvas.render(into: &screen, area: plot)
        markMinima(canvas: canvas, plot: plot, into: &screen, theme: theme, caps: caps)
        markCurrentPositions(canvas: canvas, plot: plot, into: &screen, theme: theme, caps: caps)
        for guide in guides where guide.kind == .nextStep {
            guard isShown(guide.to), let dot = canvas.dot(x: guide.to.x, y: guide.to.y) else { continue }
            screen.modify(x: plot.x + dot.x / caps.glyphs.dotColumns, y: plot.y + dot.y / caps.glyphs.dotRows) { cell in
                cell.scalar = caps.glyphs.landingMarker
                cell.style.fg = Self.color(of: .nextStep, theme: theme)
                cell.style.bold = true
            }
        }
        if outsideHint != nil { markOutside(plot: plot, into: &screen, theme: theme, caps: caps) }
        frame.draw(layout, canvas: canvas, into: &screen, area: inner, theme: theme, caps: caps)
        drawHeader(layout.header, bands: bands, ramp: ramp, into: &screen, theme: theme, caps: caps)
    }

    /// Each guide's colour: descent in the accent, axes in the text colour
    /// (a downward-curving one in the warning colour), the next step in the marker's.
    static func color(of kind: PlaneGuide.Kind, theme: Theme) -> Color {
        switch kind {
        case .descent: return theme.accent
        case .curvesUp: return theme.foreground
        case .curvesDown: return theme.warning
        case .nextStep: return theme.marker
        }
    }

    /// Whether a point is inside the plotted ranges.
    private func isShown(_ point: SIMD2<Double>) -> Bool {
        shownXRange.contains(point.x) && shownYRange.contains(point.y)
    }

    /// "12 points outside (z zooms out)", "3 not finite", or nil when every
    /// point is in view; `short`: "12 out (z)", "3 NaN".
    public func outsideNote(hint: String, short: Bool = false) -> String? {
        var outside = 0, notFinite = 0
        for trajectory in trajectories {
            guard let last = trajectory.points.last else { continue }
            if !(last.x.isFinite && last.y.isFinite) {
                notFinite += 1
            } else if !isShown(last) {
                outside += 1
            }
        }
        var parts: [String] = []
        let key = hint.split(separator: " ").first.map(String.init) ?? hint
        if outside > 0 {
            parts.append(short ? "\(outside) out (\(key))" : "\(outside) point\(outside == 1 ? "" : "s") outside (\(hint))")
        }
        if notFinite > 0 { parts.append(short ? "\(notFinite) NaN" : "\(notFinite) not finite") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// Where a path that is outside now left the plotted area: the crossing
    /// of the border by its last step out (the position clamped to the
    /// border when it never was inside). Nil while it is inside.
    public func exitPoint(of trajectory: Trajectory) -> SIMD2<Double>? {
        guard let current = trajectory.points.last, current.x.isFinite, current.y.isFinite, !isShown(current) else {
            return nil
        }
        let x = shownXRange, y = shownYRange
        func clamp(_ p: SIMD2<Double>) -> SIMD2<Double> {
            SIMD2(min(max(p.x, x.lowerBound), x.upperBound), min(max(p.y, y.lowerBound), y.upperBound))
        }
        guard let insideIndex = trajectory.points.lastIndex(where: { $0.x.isFinite && $0.y.isFinite && isShown($0) }),
              insideIndex + 1 < trajectory.points.count else { return clamp(current) }
        let a = trajectory.points[insideIndex], b = trajectory.points[insideIndex + 1]
        guard b.x.isFinite, b.y.isFinite else { return clamp(a) }
        // The largest t in (0, 1] for which a + t (b − a) is still inside.
        var t = 1.0
        let d = b - a
        if d.x > 0, b.x > x.upperBound { t = min(t, (x.upperBound - a.x) / d.x) }
        if d.x < 0, b.x < x.lowerBound { t = min(t, (x.lowerBound - a.x) / d.x) }
        if d.y > 0, b.y > y.upperBound { t = min(t, (y.upperBound - a.y) / d.y) }
        if d.y < 0, b.y < y.lowerBound { t = min(t, (y.lowerBound - a.y) / d.y) }
        return clamp(a + max(0, t) * d)
    }

    /// Where the arrow of a point outside goes, and which way it points:
    /// on the edge where its path left, pointing out through that edge, while
    /// the point is still beyond that edge; on the edge it is beyond now,
    /// level with it, once it has crossed to another side (a run that
    /// oscillates as it diverges left through the bottom and is above now).
    /// Nil while it is inside.
    public func outsideMark(of trajectory: Trajectory) -> (at: SIMD2<Double>, edge: Edge)? {
        guard let exit = exitPoint(of: trajectory), let current = trajectory.points.last else { return nil }
        let x = shownXRange, y = shownYRange
        let beyond: [(Edge, Bool)] = [
            (.right, current.x > x.upperBound), (.left, current.x < x.lowerBound),
            (.top, current.y > y.upperBound), (.bottom, current.y < y.lowerBound),
        ]
        let onEdge: [Edge: Bool] = [
            .right: exit.x == x.upperBound, .left: exit.x == x.lowerBound,
            .top: exit.y == y.upperBound, .bottom: exit.y == y.lowerBound,
        ]
        if let edge = beyond.first(where: { $0.1 && onEdge[$0.0] == true })?.0 { return (exit, edge) }
        guard let edge = beyond.first(where: \.1)?.0 else { return nil }
        let clamped = SIMD2(min(max(current.x, x.lowerBound), x.upperBound), min(max(current.y, y.lowerBound), y.upperBound))
        return (clamped, edge)
    }

    /// A side of the plot.
    public enum Edge: Sendable { case left, right, top, bottom }

    /// An arrow on the border where each point outside left, pointing the way it went.
    private func markOutside(plot: Rect, into screen: inout Screen, theme: Theme, caps: Capabilities) {
        let x = shownXRange, y = shownYRange
        for (index, trajectory) in trajectories.enumerated() {
            guard let (mark, edge) = outsideMark(of: trajectory) else { continue }
            let column = min(plot.width - 1, max(0, Int((mark.x - x.lowerBound) / (x.upperBound - x.lowerBound) * Double(plot.width))))
            let row = min(plot.height - 1, max(0, Int((y.upperBound - mark.y) / (y.upperBound - y.lowerBound) * Double(plot.height))))
            let glyph = switch edge {
            case .right: caps.glyphs.edgeArrows.right
            case .left: caps.glyphs.edgeArrows.left
            case .top: caps.glyphs.edgeArrows.up
            case .bottom: caps.glyphs.edgeArrows.down
            }
            let color = index == selected ? theme.marker : theme.color(trajectory.role)
            screen.modify(x: plot.x + column, y: plot.y + row) { cell in
                cell.scalar = glyph
                cell.style.fg = color
                cell.style.bold = true
                cell.style.reverse = caps.isMonochrome && index == selected
            }
        }
    }

    /// ✕ on each known minimum inside the plot.
    private func markMinima(canvas: BrailleCanvas, plot: Rect, into screen: inout Screen, theme: Theme, caps: Capabilities) {
        for point in markers {
            guard isShown(point), let dot = canvas.dot(x: point.x, y: point.y) else { continue }
            screen.modify(x: plot.x + dot.x / caps.glyphs.dotColumns, y: plot.y + dot.y / caps.glyphs.dotRows) { cell in
                cell.scalar = caps.glyphs.minimumMarker
                cell.style.fg = theme.foreground
                cell.style.bold = true
            }
        }
    }

    // MARK: - Parts

    private var frame: AxisFrame {
        AxisFrame(xRange: shownXRange, yRange: shownYRange, xName: xName, yName: yName)
    }

    /// The ranges, widened when empty so the mapping never divides by zero.
    private var shownXRange: ClosedRange<Double> { Self.nonEmpty(xRange) }
    private var shownYRange: ClosedRange<Double> { Self.nonEmpty(yRange) }

    public static func nonEmpty(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
        guard range.lowerBound.isFinite, range.upperBound.isFinite else { return 0...1 }
        if range.upperBound > range.lowerBound { return range }
        let pad = max(1, abs(range.lowerBound) * 0.1)
        return (range.lowerBound - pad)...(range.upperBound + pad)
    }

    static func inner(_ area: Rect) -> Rect { area.inset(by: 1) }

    /// Bands the field into the ramp: colour in the cell background, or
    /// shading glyphs in monochrome (braille drawn later replaces them, so
    /// the dots win where a trajectory passes). `ramp`: the theme's as the
    /// terminal shows it (``Palette/ramp(_:for:)``), one colour a band.
    private func shade(_ field: ScalarField, bands: FieldBands, plot: Rect,
                       into screen: inout Screen, ramp: [Color], caps: Capabilities) {
        for row in 0..<plot.height {
            for column in 0..<plot.width {
                let value = field.value(column: column, row: row, width: plot.width, height: plot.height)
                guard value.isFinite else { continue }
                let level = bands.level(of: value)
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
            mark(trajectory, glyph: caps.glyphs.marker(for: trajectory.role, monochrome: caps.isMonochrome && rolesAreGroups),
                 color: theme.color(trajectory.role), reverse: false)
        }
        if let s = selected, trajectories.indices.contains(s) {
            mark(trajectories[s], glyph: caps.glyphs.selectedMarker, color: theme.marker, reverse: caps.isMonochrome)
        }
    }

    /// Legend and colour bar, right-aligned after the y axis name.
    private func drawHeader(_ header: Rect, bands: FieldBands?, ramp: [Color], into screen: inout Screen,
                            theme: Theme, caps: Capabilities) {
        guard header.height > 0 else { return }
        func width(_ parts: [[HeaderText.Part]]) -> Int { parts.joined().reduce(0) { $0 + $1.text.unicodeScalars.count } }
        var bar: [HeaderText.Part] = []
        if let bands {
            let muted = theme.mutedText
            // Which shading (linear goes unsaid), then f at the ends of the bar.
            let mode = bands.shading == .linear ? "" : " \(bands.shading.rawValue)"
            bar = [("\(fieldName)\(mode) \(NumberText.short(bands.low)) ", muted)]
            for level in 0..<bands.levels {
                if caps.isMonochrome {
                    bar.append((String(caps.glyphs.shades[level]), theme.text))
                } else {
                    bar.append((" ", Style(fg: theme.foreground, bg: ramp[level])))
                }
            }
            bar.append((" \(NumberText.short(bands.high))", muted))
        }
        // Points outside, in warning colour after the y axis's name; short
        // (`3 out, z`) where the colour bar needs the room.
        var reserved = yName.count + 1
        if let outsideHint, let note = outsideNote(hint: outsideHint) {
            let room = header.width - reserved - 1 - width([bar]) - 2
            var text = note
            if text.count > room, let short = outsideNote(hint: outsideHint, short: true) { text = short }
            text = TextFit.truncate(text, to: max(0, header.width - reserved - 1), ellipsis: caps.glyphs.ellipsis)
            screen.put(text, x: header.x + reserved + 1, y: header.y,
                       style: Style(fg: theme.warning, bg: theme.background, bold: true), clip: header)
            reserved += 1 + text.unicodeScalars.count + 2
        }
        let entries: [[HeaderText.Part]] = legend.map { entry in
            [("\(caps.glyphs.marker(for: entry.role, monochrome: caps.isMonochrome && rolesAreGroups))", Style(fg: theme.color(entry.role), bg: theme.background, bold: true)),
             (" \(entry.label)  ", theme.text)]
        }
        // The minima's key goes last: where the header is short it gives way
        // before the legend's entries (a --compare run's groups, the basins).
        let key: [HeaderText.Part]? = markers.contains(where: isShown)
            ? [("\(caps.glyphs.minimumMarker)", Style(fg: theme.foreground, bg: theme.background, bold: true)),
               (" \(markerLabel)  ", theme.text)]
            : nil
        var shown = LegendFit.fit(entries, key: key, room: header.width - reserved - width([bar]),
                                  ellipsis: caps.glyphs.ellipsis, noteStyle: theme.mutedText)
        if !bar.isEmpty { shown.append(bar) }
        HeaderText.putRight(shown, in: header, reserved: reserved, into: &screen)
    }
}
