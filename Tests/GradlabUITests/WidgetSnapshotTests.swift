import Foundation
import Testing
@testable import GradlabUI

/// Golden text for each widget; `Snapshots/<name>.txt`.
@Suite struct WidgetSnapshotTests {
    static let xRange = -3.0...3.0, yRange = -2.0...2.0

    static func plane(selected: Int? = 1) -> ParameterPlane {
        var plane = ParameterPlane(
            title: "Landscape f = x1² + 3·x2²", xRange: xRange, yRange: yRange,
            trajectories: [
                Trajectory(points: descent(from: SIMD2(-2.8, 1.8), rate: 0.05, steps: 60), role: .series(0)),
                Trajectory(points: descent(from: SIMD2(2.5, 1.5), rate: 0.15, steps: 40), role: .series(1)),
                Trajectory(points: descent(from: SIMD2(2.0, -1.9), rate: 0.3, steps: 30), role: .series(2)),
            ],
            selected: selected, legend: [LegendEntry("sgd", role: .series(0))])
        let area = Rect(x: 0, y: 0, width: 60, height: 20)
        let grid = plane.fieldGridSize(for: area)
        plane.field = bowlField(columns: grid.columns, rows: grid.rows, xRange: xRange, yRange: yRange)
        return plane
    }

    @Test func parameterPlane() {
        var screen = Screen(width: 60, height: 20)
        Self.plane().render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        assertSnapshot(screen, named: "plane")
    }

    /// Basins come largest first; those that do not fit are counted, never
    /// dropped silently (issue 12).
    @Test func aLegendThatDoesNotFitSaysHowManyItCut() {
        var plane = Self.plane()
        plane.legend = (1...8).map { LegendEntry("min \($0): \(100 - $0)", role: .series($0 % 6)) }
        var screen = Screen(width: 60, height: 20)
        plane.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let header = screen.lines[1]
        #expect(header.contains("min 1: 99"), "\(header)")
        let cut = header.components(separatedBy: "+").last?.split(separator: " ").first.flatMap { Int($0) } ?? 0
        let shown = (1...8).filter { header.contains("min \($0):") }.count
        #expect(header.contains("more") && cut > 0 && shown + cut == 8, "\(header)")
    }

    /// One entry that does not fit is its own text shortened, not "+1 more".
    @Test func aSingleLegendEntryThatDoesNotFitIsShortened() {
        var plane = Self.plane()
        plane.legend = [LegendEntry("a legend entry far too long for this header line", role: .series(0))]
        var screen = Screen(width: 60, height: 20)
        plane.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let header = screen.lines[1]
        #expect(header.contains("a legend") && header.contains("…") && !header.contains("more"), "\(header)")
    }

    /// The header as a 30-column plane shows it (room for about one entry
    /// beside the colour bar), with the minima's key.
    static func narrowHeader(_ legend: [LegendEntry]) -> String {
        var plane = Self.plane()
        plane.legend = legend
        plane.markers = [SIMD2(0, 0)]
        var screen = Screen(width: 48, height: 12)
        plane.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        return screen.lines[1]
    }

    /// Basins in a short header showed only `+7 more`, counting the minima's
    /// key too: the first entry is shortened instead, and the count is of
    /// entries only.
    @Test func aLegendWithNoRoomForAWholeEntryShowsTheFirstShortened() {
        let basins = [LegendEntry("none: 60", role: .muted)] + (1...5).map { LegendEntry("min \($0): 0", role: .series($0)) }
        let header = Self.narrowHeader(basins)
        #expect(header.contains("● no") && header.contains("  +5 more"), "\(header)")
        #expect(header.filter { $0 == "●" }.count == 1, "\(header)")
    }

    /// `--compare sgd,adam` in a short header said `sgd  +2 more`: the
    /// minima's key was counted as a second optimizer.
    @Test func theMinimasKeyIsNotCountedAsAnEntry() {
        let header = Self.narrowHeader([LegendEntry("sgd", role: .series(0)), LegendEntry("adam", role: .series(1))])
        #expect(!header.contains("+2"), "\(header)")
        #expect(header.contains("sgd") && (header.contains("+1 more") || header.contains("adam") || header.contains("ad…")), "\(header)")
    }

    @Test(arguments: 0...70)
    func legendCountsAreExactlyWhatIsNotShown(room: Int) {
        let entries: [[HeaderText.Part]] = (0..<5).map { [("●", .plain), (" entry \($0)  ", .plain)] }
        let key: [HeaderText.Part] = [("✕", .plain), (" minima  ", .plain)]
        let groups = LegendFit.fit(entries, key: key, room: room, ellipsis: "…", noteStyle: .plain)
        let text = groups.joined().map(\.text).joined()
        #expect(text.unicodeScalars.count <= room, "\(text)")
        let shown = text.unicodeScalars.filter { $0 == "●" }.count
        if text.contains("more") {
            let count = Int(text.components(separatedBy: "+").last!.split(separator: " ")[0])!
            #expect(count == 5 - shown, "\(text)")
            #expect(shown >= 1, "never '+N more' alone: \(text)")
        } else if text.contains("not shown") {
            #expect(text == "5 not shown  " && shown == 0)
        } else {
            #expect(shown == 5 || (text.isEmpty && room < 13), "\(text)")
        }
        #expect((room >= 65) == text.contains("minima"), "the key shows where everything fits: \(text)")
    }

    @Test func parameterPlaneAsciiMonochrome() {
        var screen = Screen(width: 60, height: 20)
        Self.plane().render(into: &screen, area: screen.bounds, theme: .dark, caps: .plain)
        assertSnapshot(screen, named: "plane-ascii-mono")
    }

    @Test func parameterPlaneShadesTheBackgroundByBand() {
        var screen = Screen(width: 60, height: 20)
        let plane = Self.plane()
        plane.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let grid = plane.fieldGridSize(for: screen.bounds)
        #expect(grid.columns > 40 && grid.rows > 10)
        // Which cells got which ramp level: the bowl is lowest in the middle.
        let centre = screen[8 + grid.columns / 2, 2 + grid.rows / 2].style.bg
        let corner = screen[6, 2].style.bg
        #expect(centre == Theme.dark.ramp[0])
        #expect(corner == Theme.dark.ramp[9])
    }

    @Test func planeMarksCurrentPositions() {
        var screen = Screen(width: 60, height: 20)
        Self.plane().render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let text = screen.lines.joined()
        #expect(text.contains("◉"), "the selected trajectory's position")
        #expect(text.contains("●"))
    }

    @Test func lossChartLinear() {
        var screen = Screen(width: 50, height: 14)
        let train = (0..<40).map { 2.0 * exp(-Double($0) / 8) + 0.1 }
        let test = (0..<40).map { 2.2 * exp(-Double($0) / 9) + 0.2 }
        LossChart(series: [LossSeries(name: "train", values: train, role: .train),
                           LossSeries(name: "test", values: test, role: .test)])
            .render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        assertSnapshot(screen, named: "loss-linear")
    }

    @Test func lossChartLogSkipsNonPositiveAndFlagsNaN() {
        var screen = Screen(width: 50, height: 14)
        var values = (0..<60).map { 10 * exp(-Double($0) / 6) }
        values[10] = 0
        values[20] = -1
        values[59] = Double.nan
        LossChart(series: [LossSeries(name: "loss", values: values, role: .series(0))], logScale: true)
            .render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        assertSnapshot(screen, named: "loss-log")
        #expect(screen.lines.joined().contains("diverged"))
    }

    /// 5,000 epochs on ~80 dot columns: the single spike must still reach the top.
    @Test func lossChartCompressionKeepsASpike() {
        var screen = Screen(width: 50, height: 14)
        var values = (0..<5000).map { 1.0 + 0.1 * sin(Double($0) / 300) }
        values[3217] = 5
        LossChart(series: [LossSeries(name: "loss", values: values, role: .series(0))])
            .render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        assertSnapshot(screen, named: "loss-compressed-spike")
        // Above the baseline (rows 2-6: values 2 to 6) exactly one column has braille: the spike's.
        var columns = Set<Int>()
        for row in 2...6 {
            for (column, scalar) in screen.lines[row].unicodeScalars.enumerated()
            where scalar.value > 0x2800 && scalar.value <= 0x28FF {
                columns.insert(column)
            }
        }
        #expect(columns.count == 1)
    }

    @Test func scatterPlotWithFit() {
        var screen = Screen(width: 60, height: 18)
        let train = (0..<30).map { i -> SIMD2<Double> in
            let x = Double(i) / 3
            return SIMD2(x, 2 * x + 1 + sin(Double(i)) * 1.5)
        }
        let test = (0..<10).map { i -> SIMD2<Double> in
            let x = Double(i)
            return SIMD2(x, 2 * x + 1 + cos(x) * 1.5)
        }
        ScatterPlot(xName: "x", yName: "y",
                    pointSets: [PointSet(name: "train", points: train, role: .train),
                                PointSet(name: "test", points: test, role: .test, glyph: .cross)],
                    curves: [Curve(name: "fit", points: [SIMD2(0, 1), SIMD2(10, 21)])],
                    selected: .init(set: 0, index: 5))
            .render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        assertSnapshot(screen, named: "scatter")
    }

    static let inspector = Inspector(sections: [
        InspectorSection("Optimizer", rows: [
            InspectorRow("name", "adam"), InspectorRow("learning rate", "0.0178", emphasis: .accent),
            InspectorRow("betas", "(0.9, 0.999)"), InspectorRow("weight decay", "0"),
        ]),
        InspectorSection("Parameters", rows: [
            InspectorRow("weight", "1.99871234"), InspectorRow("bias", "-0.99713"),
            InspectorRow("a very long label that cannot fit", "3.14159265358979", emphasis: .strong),
            InspectorRow("status", "diverged", emphasis: .error),
        ]),
    ])

    @Test func inspector() {
        var screen = Screen(width: 32, height: 14)
        Self.inspector.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        assertSnapshot(screen, named: "inspector")
    }

    @Test func inspectorNarrowAndScrolled() {
        var screen = Screen(width: 20, height: 8)
        var inspector = Self.inspector
        inspector.scrollOffset = 4
        inspector.focused = true
        inspector.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        assertSnapshot(screen, named: "inspector-narrow-scrolled")
    }

    static let status = StatusBar(mode: .live, lab: "landscape", epoch: 1234, learningRate: 0.0178,
                                  optimizer: "adam", device: "cuda (H100)", epochsPerFrame: 10, recording: true,
                                  message: "recording to run.json")

    @Test func statusBar() {
        var screen = Screen(width: 100, height: 3)
        Self.status.render(into: &screen, area: Rect(x: 0, y: 0, width: 100, height: 1), theme: .dark, caps: .full)
        var paused = Self.status
        paused.mode = .paused
        paused.recording = false
        paused.message = "a long message that will not fit in the space that is left on the line"
        paused.render(into: &screen, area: Rect(x: 0, y: 1, width: 70, height: 1), theme: .dark, caps: .full)
        var replay = Self.status
        replay.mode = .replay
        replay.render(into: &screen, area: Rect(x: 0, y: 2, width: 40, height: 1), theme: .dark, caps: .plain)
        assertSnapshot(screen, named: "status-bar")
    }

    /// Long work says so in place of the message: a spinner, the text, and
    /// from a second on the seconds spent; in ASCII with ASCII glyphs.
    @Test func statusBarBusy() {
        var bar = Self.status
        bar.busy = BusyNote("placing 100,000,000 points", elapsed: .milliseconds(3_250))
        var screen = Screen(width: 100, height: 1)
        bar.render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        #expect(screen.lines[0].hasSuffix("⠹ placing 100,000,000 points… 3 s"), "\(screen.lines[0])")
        #expect(!screen.lines[0].contains("recording to"))
        bar.busy = BusyNote("placing 100,000,000 points", elapsed: .milliseconds(120))
        bar.render(into: &screen, area: screen.bounds, theme: .dark, caps: .plain)
        #expect(screen.lines[0].hasSuffix("/ placing 100,000,000 points..."), "\(screen.lines[0])")
        #expect(screen.lines[0].unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func statusBadgesDifferInMonochrome() {
        var styles: [Style] = []
        for mode in RunMode.allCases {
            var screen = Screen(width: 40, height: 1)
            var bar = Self.status
            bar.mode = mode
            bar.render(into: &screen, area: screen.bounds, theme: .dark, caps: .plain)
            styles.append(screen[1, 0].style)
        }
        #expect(Set(styles).count == 3)
    }

    @Test func helpOverlay() {
        var screen = Screen(width: 80, height: 24)
        screen.fill(screen.bounds, with: "·", style: .plain)
        HelpOverlay().render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        assertSnapshot(screen, named: "help")
    }

    @Test func notice() {
        var screen = Screen(width: 50, height: 9)
        Notice.terminalTooSmall(needWidth: 60, needHeight: 18, width: 50, height: 9)
            .render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        assertSnapshot(screen, named: "notice")
    }

    @Test func panelAsciiFallback() {
        var screen = Screen(width: 20, height: 4)
        Panel(title: "Loss", detail: "log").render(into: &screen, area: screen.bounds, theme: .dark, caps: .plain)
        #expect(screen.lines == ["+- Loss ----- log -+", "|                  |", "|                  |", "+------------------+"])
    }
}
