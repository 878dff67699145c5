import Foundation
import Testing
@testable import GradlabUI

/// What the plane says is so (issue 12): points outside are counted and
/// marked where they left, shading follows f monotonically in every mode
/// and says which, known minima are marked, and the help hides nothing by halves.
@Suite struct PlaneTruthTests {
    private static let unit = 0.0...1.0

    private func screen(_ plane: ParameterPlane, width: Int = 40, height: Int = 16, caps: Capabilities = .full) -> Screen {
        var screen = Screen(width: width, height: height)
        plane.render(into: &screen, area: screen.bounds, theme: .dark, caps: caps)
        return screen
    }

    @Test func pointsOutsideAreCountedAndMarkedWhereTheyLeft() {
        var plane = ParameterPlane(title: "Landscape", xRange: Self.unit, yRange: Self.unit, trajectories: [
            Trajectory(points: [SIMD2(0.2, 0.2), SIMD2(0.3, 0.3)]),
            // Leaves through the right edge at y = 0.5, on to x = 3.
            Trajectory(points: [SIMD2(0.5, 0.5), SIMD2(1.5, 0.5), SIMD2(3, 0.5)]),
            Trajectory(points: [SIMD2(0.5, 0.5), SIMD2(.nan, .nan)]),
        ])
        plane.outsideHint = "z zooms out"
        #expect(plane.exitPoint(of: plane.trajectories[1]) == SIMD2(1, 0.5))
        #expect(plane.exitPoint(of: plane.trajectories[0]) == nil)
        let lines = screen(plane, width: 70).lines
        #expect(lines[1].contains("x2  1 point outside (z zooms out), 1 not finite"), "\(lines[1])")
        // The arrow sits in the plot's last column, pointing right.
        #expect(lines.contains { $0.contains("▸ │") }, "\n\(lines.joined(separator: "\n"))")

        plane.outsideHint = nil
        #expect(!screen(plane, width: 70).lines[1].contains("outside"))
        var ascii = plane
        ascii.outsideHint = "z"
        #expect(screen(ascii, width: 70, caps: .plain).lines.contains { $0.contains("> |") })
    }

    /// A run that oscillates as it diverges (x2 flips sign each step):
    /// its path left through the bottom, and the point is above now. The
    /// arrow was ▴ on the bottom edge, pointing into the plot.
    @Test func aPointThatCrossedToTheOtherSideIsMarkedOnThatSide() {
        let plane = ParameterPlane(title: "Landscape", xRange: Self.unit, yRange: Self.unit, trajectories: [
            Trajectory(points: [SIMD2(0.5, 0.6), SIMD2(0.5, 0.3), SIMD2(0.5, -2), SIMD2(0.25, 9)]),
            Trajectory(points: [SIMD2(0.5, 0.5), SIMD2(0.5, -2), SIMD2(0.75, -5)]),
        ])
        let crossed = plane.outsideMark(of: plane.trajectories[0])
        #expect(crossed?.edge == .top && crossed?.at == SIMD2(0.25, 1), "\(String(describing: crossed))")
        let left = plane.outsideMark(of: plane.trajectories[1])
        #expect(left?.edge == .bottom && left?.at == SIMD2(0.5, 0), "\(String(describing: left))")
        var marked = plane
        marked.outsideHint = "z zooms out"
        let lines = screen(marked, width: 40).lines
        let rows = { (glyph: String) in lines.indices.filter { lines[$0].contains(glyph) } }
        #expect(rows("▴").count == 1 && rows("▴").allSatisfy { $0 < lines.count / 2 }, "\n\(lines.joined(separator: "\n"))")
        #expect(rows("▾").count == 1 && rows("▾").allSatisfy { $0 > lines.count / 2 }, "\n\(lines.joined(separator: "\n"))")
    }

    @Test func everyShadingIsMonotoneInF() throws {
        // Rosenbrock over its domain: a range of thousands around a valley near 0.
        let field = ScalarField(columns: 60, rows: 30, xRange: -2...2, yRange: -1...3) { x, y in
            (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
        }
        #expect(FieldShading.suited(to: field) == .log)
        let bowl = ScalarField(columns: 60, rows: 30, xRange: -1...1, yRange: -1...1) { x, y in x * x + y * y }
        #expect(FieldShading.suited(to: bowl) == .linear)
        for shading in FieldShading.allCases {
            let bands = try #require(FieldBands(field: field, shading: shading, levels: 8))
            let levels = field.sortedFinite.map(bands.level(of:))
            #expect(levels == levels.sorted(), "\(shading)")
            #expect(levels.first == 0 && levels.last == 7, "\(shading)")
        }
        // Quantiles: each band an equal share of the plane (within one band's ties).
        let quantile = try #require(FieldBands(field: field, shading: .quantile, levels: 8))
        let counts = Dictionary(grouping: field.values, by: quantile.level(of:)).mapValues(\.count)
        #expect(counts.count == 8)
        #expect(counts.values.allSatisfy { abs($0 - field.values.count / 8) <= 2 }, "\(counts)")
        // Linear leaves most of the plane in its lowest band; log spreads it.
        let linear = try #require(FieldBands(field: field, shading: .linear, levels: 8))
        let logBands = try #require(FieldBands(field: field, shading: .log, levels: 8))
        let inLowest = { (b: FieldBands) in field.values.count { b.level(of: $0) == 0 } }
        #expect(inLowest(linear) > field.values.count / 2)
        #expect(inLowest(logBands) < field.values.count / 8)
    }

    @Test func theColourBarSaysWhichShading() {
        var plane = ParameterPlane(title: "Landscape", xRange: -2...2, yRange: -1...3)
        let grid = plane.fieldGridSize(for: Rect(x: 0, y: 0, width: 60, height: 16))
        plane.field = ScalarField(columns: grid.columns, rows: grid.rows, xRange: -2...2, yRange: -1...3) { x, y in
            (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
        }
        #expect(screen(plane, width: 60).lines[1].contains("f log "))
        plane.shading = .quantile
        #expect(screen(plane, width: 60).lines[1].contains("f quantile "))
        plane.shading = .linear
        let header = screen(plane, width: 60).lines[1]
        #expect(!header.contains("log") && !header.contains("quantile") && header.contains(" f "), "\(header)")
    }

    @Test func knownMinimaAreMarkedAndNamed() {
        var plane = ParameterPlane(title: "Landscape", xRange: -2...2, yRange: -1...3)
        plane.markers = [SIMD2(1, 1), SIMD2(10, 10)]
        let lines = screen(plane, width: 60).lines
        #expect(lines[1].contains("✕ minimum"))
        #expect(lines.dropFirst(2).filter { $0.contains("✕") }.count == 1)
        plane.markers = [SIMD2(10, 10)]
        #expect(!screen(plane, width: 60).lines[1].contains("minimum"), "a minimum out of view is not named")
    }

    @Test func aLogLossAxisSaysWhatItCannotShow() {
        let chart = LossChart(series: [LossSeries(name: "mean f", values: [3, 1, -0.5, -1, 0.2], role: .series(0))],
                              logScale: true)
        var screen = Screen(width: 50, height: 12)
        chart.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        #expect(screen.lines[0].contains("log, 2 ≤ 0 not shown"), "\(screen.lines[0])")
    }

    /// The legend shows the latest value, as the inspector does: NaN once
    /// diverged, never the last finite one beside the inspector's NaN.
    @Test func theLegendShowsTheLatestValue() {
        let chart = LossChart(series: [LossSeries(name: "mean f", values: [3, 2, .nan], role: .series(0))])
        var screen = Screen(width: 50, height: 12)
        chart.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        #expect(screen.lines[1].contains("mean f NaN diverged"), "\(screen.lines[1])")
    }

    /// A loss legend too wide for its pane counts what it leaves out
    /// (`--compare` at 80×24 showed one group of three, silently).
    @Test func aLossLegendThatDoesNotFitSaysHowManyItCut() {
        let names = ["sgd lr=0.001", "sgd+momentum lr=0.001", "adam lr=0.05"]
        let chart = LossChart(series: names.enumerated().map { LossSeries(name: $1, values: [1, 0.5], role: .series($0)) })
        var screen = Screen(width: 40, height: 12)
        chart.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let header = screen.lines[1]
        let shown = names.filter { header.contains($0) }.count
        let cut = header.components(separatedBy: "+").dropFirst().compactMap { $0.split(separator: " ").first.flatMap { Int($0) } }.first ?? 0
        #expect(shown < 3 && cut > 0 && shown + cut == 3, "\(header)")
    }

    /// Without colour, --compare's groups differ in shape: on the plane
    /// and in both legends.
    @Test func monochromeGroupsHaveTheirOwnMarkers() {
        let glyphs = GlyphSet.braille
        let shapes = (0..<3).map { glyphs.marker(for: .series($0), monochrome: true) }
        #expect(Set(shapes).count == 3)
        #expect(glyphs.marker(for: .series(2), monochrome: false) == glyphs.currentMarker)
        let chart = LossChart(series: ["sgd", "adam", "rmsprop"].enumerated().map { LossSeries(name: $1, values: [1, 0.5], role: .series($0)) })
        var screen = Screen(width: 60, height: 12)
        chart.render(into: &screen, area: screen.bounds, theme: .dark, caps: .plain)
        let asciiShapes = (0..<3).map { GlyphSet.ascii.marker(for: .series($0), monochrome: true) }
        for (shape, name) in zip(asciiShapes, ["sgd", "adam", "rmsprop"]) {
            #expect(screen.lines[1].contains("\(shape) \(name)"), "\(screen.lines[1])")
        }
    }

    /// Nothing of the panes shows around the help box: a label cut in half
    /// (`-0.5` as `-`) would read as another value.
    @Test func theHelpOverlayLeavesNoHalfHiddenData() {
        var screen = Screen(width: 120, height: 40)
        for y in 0..<40 { screen.put(String(repeating: "-0.5 ", count: 24), x: 0, y: y, style: Theme.dark.text) }
        HelpOverlay().render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        #expect(!screen.lines.joined().contains("-0.5"))
        #expect(!screen.lines.joined().contains("0.5"))
    }
}
