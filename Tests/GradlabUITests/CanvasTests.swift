import Foundation
import Testing
@testable import GradlabUI

@Suite struct CanvasTests {
    /// Each of the 8 dots of a cell, with the bit DESIGN.md gives it.
    @Test(arguments: [
        (0, 0, 0x01), (0, 1, 0x02), (0, 2, 0x04), (0, 3, 0x40),
        (1, 0, 0x08), (1, 1, 0x10), (1, 2, 0x20), (1, 3, 0x80),
    ])
    func brailleDotBits(dotX: Int, dotY: Int, bit: Int) {
        var canvas = BrailleCanvas(width: 1, height: 1)
        canvas.set(dotX: dotX, dotY: dotY, color: .default)
        var screen = Screen(width: 1, height: 1)
        canvas.render(into: &screen, area: screen.bounds)
        #expect(screen[0, 0].scalar.value == 0x2800 + UInt32(bit))
    }

    @Test func allDotsMakeAFullCellAndEmptyStaysBlank() {
        var canvas = BrailleCanvas(width: 2, height: 1)
        for x in 0..<2 { for y in 0..<4 { canvas.set(dotX: x, dotY: y, color: .default) } }
        var screen = Screen(width: 2, height: 1)
        canvas.render(into: &screen, area: screen.bounds)
        #expect(screen.lines == ["⣿"])
    }

    @Test func lastWriterSetsTheCellColour() {
        var canvas = BrailleCanvas(width: 1, height: 1)
        canvas.set(dotX: 0, dotY: 0, color: .indexed(1))
        canvas.set(dotX: 1, dotY: 1, color: .indexed(2))
        var screen = Screen(width: 1, height: 1, fill: Cell(" ", style: Style(bg: .indexed(9))))
        canvas.render(into: &screen, area: screen.bounds)
        #expect(screen[0, 0].style.fg == .indexed(2))
        #expect(screen[0, 0].style.bg == .indexed(9), "the canvas keeps the background under the dots")
    }

    @Test(arguments: [
        (DotPoint(x: 0, y: 0), DotPoint(x: 7, y: 3)),
        (DotPoint(x: 7, y: 3), DotPoint(x: 0, y: 0)),
        (DotPoint(x: 2, y: 7), DotPoint(x: 3, y: 0)),
        (DotPoint(x: 5, y: 5), DotPoint(x: 5, y: 5)),
    ])
    func bresenhamIncludesBothEndpointsAndIsConnected(from start: DotPoint, to end: DotPoint) {
        var canvas = BrailleCanvas(width: 4, height: 2)
        canvas.line(from: start, to: end, color: .default)
        let lit = litDots(canvas)
        #expect(lit.contains(start) && lit.contains(end))
        let steps = max(abs(end.x - start.x), abs(end.y - start.y))
        #expect(lit.count == steps + 1, "one dot per step along the major axis")
    }

    @Test func farPointsAreClippedNotWalked() {
        var canvas = BrailleCanvas(width: 4, height: 2, xRange: 0...1, yRange: 0...1)
        canvas.plotPath([SIMD2(0.5, 0.5), SIMD2(1e300, 0.5), SIMD2(.nan, 0), SIMD2(0, 0)], color: .default)
        let lit = litDots(canvas)
        #expect(lit.contains(DotPoint(x: 7, y: 4)), "the segment runs to the right edge")
        #expect(lit.contains(DotPoint(x: 0, y: 7)), "a point after a NaN starts a new line")
        #expect(!lit.contains(DotPoint(x: 2, y: 6)), "no line is drawn across the NaN")
    }

    /// A slowly diverging run's segments, both ends at 1e20...1e300: the
    /// TUI crashed converting a clipped end past Int's range to a dot.
    @Test func segmentsBetweenFarEndsNeitherCrashNorLie() {
        var canvas = BrailleCanvas(width: 4, height: 2, xRange: 0...1, yRange: 0...1)
        canvas.plotPath([SIMD2(1e300, 1e300), SIMD2(-1e300, -7e299), SIMD2(3e299, -1e300), SIMD2(-1e20, 2e20)], color: .default)
        #expect(litDots(canvas).isEmpty, "where such a line crosses the grid is below Double's precision")
        // One far end, one near: the crossing measured from the near end.
        // From dot (0.5, 3.5)'s point to far right on a slope of 1/2 in dots
        // (y up in data, down in dots): it leaves through the right edge at
        // dot y = 3.5 - 7 / 2 = 0.
        var slope = BrailleCanvas(width: 4, height: 2, xRange: 0...1, yRange: 0...1)
        let start = SIMD2(1.0 / 16, 1 - 4.0 / 8), far = 3e299
        slope.plotPath([start, start + SIMD2(far, far / 2)], color: .default)
        let lit = litDots(slope)
        #expect(lit.contains(DotPoint(x: 7, y: 0)) && lit.contains(DotPoint(x: 0, y: 4)), "\(lit)")
        #expect(lit.allSatisfy { abs(Double($0.y) - (3.5 - Double($0.x) / 2)) <= 1 }, "\(lit)")
        // Back from far away: the same line drawn the other way.
        var back = BrailleCanvas(width: 4, height: 2, xRange: 0...1, yRange: 0...1)
        back.plotPath([start + SIMD2(far, far / 2), start], color: .default)
        #expect(litDots(back) == lit)
        // An end near Double's largest (1.2e308 dots).
        var widest = BrailleCanvas(width: 4, height: 2, xRange: 0...1, yRange: 0...1)
        widest.plotLine(from: SIMD2(0.5, 0.5), to: SIMD2(-1.5e307, 0.5), color: .default)
        #expect(litDots(widest) == Set((0...4).map { DotPoint(x: $0, y: 4) }), "\(litDots(widest))")
    }

    @Test func dataCoordinatesPutYUp() {
        var canvas = BrailleCanvas(width: 2, height: 1, xRange: 0...3, yRange: 0...3)
        canvas.plot(x: 0, y: 3, color: .default)
        canvas.plot(x: 3, y: 0, color: .default)
        #expect(litDots(canvas) == [DotPoint(x: 0, y: 0), DotPoint(x: 3, y: 3)])
        #expect(canvas.dot(x: 4, y: 0) == nil)
    }

    /// The block and ASCII sets keep braille's 2×4 dots a cell (so nothing
    /// lands in another cell than in braille) and show a cell's upper two
    /// dot rows as its top half, the lower two as its bottom half.
    @Test func blockAndAsciiGlyphs() {
        for (glyphs, expected) in [(GlyphSet.block, "▀▄█"), (.ascii, "'.:")] {
            var canvas = BrailleCanvas(width: 3, height: 1, glyphs: glyphs)
            #expect(canvas.dotWidth == 6 && canvas.dotHeight == 4)
            canvas.set(dotX: 1, dotY: 1, color: .default)
            canvas.set(dotX: 2, dotY: 3, color: .default)
            canvas.set(dotX: 4, dotY: 0, color: .default)
            canvas.set(dotX: 5, dotY: 2, color: .default)
            var screen = Screen(width: 3, height: 1)
            canvas.render(into: &screen, area: screen.bounds)
            #expect(screen.lines == [expected])
        }
    }

    /// A data point lands in the same cell with every glyph set.
    @Test func everyGlyphSetPutsAPointInTheSameCell() {
        let points: [SIMD2<Double>] = (0..<200).map { SIMD2(Double($0 % 37) / 36, Double($0 % 23) / 22) }
        var cells: [[Bool]] = []
        for glyphs in GlyphSet.allCases {
            var canvas = BrailleCanvas(width: 17, height: 9, glyphs: glyphs)
            for point in points { canvas.plot(x: point.x, y: point.y, color: .default) }
            cells.append((0..<9).flatMap { row in (0..<17).map { canvas.hasDots(column: $0, row: row) } })
        }
        #expect(cells.allSatisfy { $0 == cells[0] })
    }

    private func litDots(_ canvas: BrailleCanvas) -> Set<DotPoint> {
        var lit = Set<DotPoint>()
        for y in 0..<canvas.dotHeight {
            for x in 0..<canvas.dotWidth where canvas.isLit(dotX: x, dotY: y) { lit.insert(DotPoint(x: x, y: y)) }
        }
        return lit
    }
}

@Suite struct ParallelPathTests {
    /// Splitting paths across cores must give exactly the sequential picture,
    /// colours included (later paths win a cell).
    @Test func parallelPathsMatchSequentialDrawing() {
        let paths: [(points: [SIMD2<Double>], color: Color)] = (0..<64).map { k in
            let angle = Double(k) * 0.7
            let points = (0..<4000).map { t -> SIMD2<Double> in
                let r = 2.5 * (1 - Double(t) / 4000)
                return SIMD2(r * cos(angle + Double(t) * 0.01), r * sin(angle + Double(t) * 0.01))
            }
            return (points, Color.indexed(UInt8(k % 8)))
        }
        var sequential = BrailleCanvas(width: 60, height: 20, xRange: -3...3, yRange: -3...3)
        for path in paths { sequential.plotPath(path.points, color: path.color) }
        var parallel = BrailleCanvas(width: 60, height: 20, xRange: -3...3, yRange: -3...3)
        parallel.plotPaths(paths)
        var a = Screen(width: 60, height: 20), b = Screen(width: 60, height: 20)
        sequential.render(into: &a, area: a.bounds)
        parallel.render(into: &b, area: b.bounds)
        #expect(a == b)
    }
}

@Suite struct TrailCacheTests {
    static func plane(length: Int, cache: TrailCache?) -> ParameterPlane {
        ParameterPlane(xRange: -3...3, yRange: -2...2, trajectories: [
            Trajectory(points: Array(descent(from: SIMD2(-2.8, 1.8), rate: 0.05, steps: 60).prefix(length)), role: .series(0)),
            Trajectory(points: Array(descent(from: SIMD2(2.0, -1.9), rate: 0.3, steps: 30).prefix(length)), role: .series(2)),
        ], selected: 1, trailCache: cache)
    }

    /// Growing trails drawn incrementally look like trails drawn at once.
    @Test func incrementalDrawingMatchesAFreshFrame() {
        let cache = TrailCache()
        var screen = Screen(width: 60, height: 20)
        for length in stride(from: 1, through: 61, by: 3) {
            Self.plane(length: length, cache: cache).render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        }
        var fresh = Screen(width: 60, height: 20)
        Self.plane(length: 61, cache: nil).render(into: &fresh, area: fresh.bounds, theme: .dark, caps: .full)
        #expect(screen.lines == fresh.lines)
    }

    /// A trail that got shorter (a reset) is redrawn from scratch.
    @Test func shorterTrailsStartOver() {
        let cache = TrailCache()
        var screen = Screen(width: 60, height: 20)
        Self.plane(length: 61, cache: cache).render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        Self.plane(length: 5, cache: cache).render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        var fresh = Screen(width: 60, height: 20)
        Self.plane(length: 5, cache: nil).render(into: &fresh, area: fresh.bounds, theme: .dark, caps: .full)
        #expect(screen.lines == fresh.lines)
    }
}

/// Contours read in order on every terminal (issue 12): each theme's ramp,
/// as 256- and 16-colour terminals show it, rises (or falls) strictly in
/// lightness as in truecolor, and the colour bar draws those colours.
@Suite("Ramps at every colour depth")
struct RampDepthTests {
    static func lightness(_ color: Color) -> Double {
        switch color {
        case .rgb(let r, let g, let b): return Palette.lightness(r: r, g: g, b: b)
        case .indexed(let i):
            let c = Palette.rgb(ofIndex: i)
            return Palette.lightness(r: c.r, g: c.g, b: c.b)
        case .default: return .nan
        }
    }

    static func theme(_ name: String) throws -> Theme {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes").path
        return try Theme.load(nameOrPath: name, searchPaths: [folder])
    }

    @Test(arguments: ["dark", "light", "high-contrast"], [ColorMode.palette256, .palette16, .palette8])
    func rampLightnessStaysMonotone(name: String, mode: ColorMode) throws {
        let theme = (name, try Self.theme(name))
        let truecolor = theme.1.ramp.map(Self.lightness)
        let rising = truecolor.last ?? 0 >= truecolor.first ?? 0
        let ramp = Palette.ramp(theme.1.ramp, for: mode)
        let mapped = ramp.map(Self.lightness)
        // 8 colours have 8 lightnesses: the ramp is resampled to them, in the terminal's own 8.
        #expect(mapped.count == (mode == .palette8 ? min(8, truecolor.count) : truecolor.count))
        if mode == .palette8 {
            #expect(ramp.allSatisfy { if case .indexed(let i) = $0 { i < 8 } else { false } }, "\(ramp)")
        }
        for (a, b) in zip(mapped, mapped.dropFirst()) {
            #expect(rising ? b > a : b < a, "\(theme.0) at \(mode): \(mapped.map { Int($0) })")
        }
    }

    @Test(arguments: [ColorMode.palette256, .palette16, .palette8])
    func theColourBarDrawsTheMappedRamp(mode: ColorMode) {
        let plane = WidgetSnapshotTests.plane()
        var screen = Screen(width: 70, height: 20)
        plane.render(into: &screen, area: screen.bounds, theme: .dark, caps: Capabilities(colorMode: mode, glyphs: .braille))
        let expected = Palette.ramp(Theme.dark.ramp, for: mode)
        // The colour bar is the row whose backgrounds run through the whole ramp.
        let rows = (0..<20).map { y in (0..<70).compactMap { x -> Color? in
            let bg = screen[x, y].style.bg
            return expected.contains(bg) ? bg : nil
        } }
        #expect(rows.contains { $0 == expected }, "no row draws the ramp \(expected) in order")
    }
}
