import Foundation
import Testing
@testable import GradlabUI

@Suite struct DashboardTests {
    static func model(showHelp: Bool = false) -> DashboardModel {
        var plane = WidgetSnapshotTests.plane()
        plane.field = nil
        let train = (0..<120).map { 2.0 * exp(-Double($0) / 20) + 0.05 }
        let test = (0..<120).map { 2.3 * exp(-Double($0) / 22) + 0.09 }
        var model = DashboardModel(
            status: WidgetSnapshotTests.status, main: .plane(plane),
            loss: LossChart(series: [LossSeries(name: "train", values: train, role: .train),
                                     LossSeries(name: "test", values: test, role: .test)], logScale: true),
            inspector: WidgetSnapshotTests.inspector, showHelp: showHelp, focus: .loss)
        return withField(model: &model)
    }

    /// Fills the plane's field the way the app does: at the size the layout asks for.
    static func withField(model: inout DashboardModel, width: Int = 120, height: Int = 40) -> DashboardModel {
        guard case .plane(var plane) = model.main,
              let grid = Dashboard.fieldGridSize(for: model, width: width, height: height) else { return model }
        plane.field = bowlField(columns: grid.columns, rows: grid.rows, xRange: plane.xRange, yRange: plane.yRange)
        model.main = .plane(plane)
        return model
    }

    @Test func frame120x40() {
        assertSnapshot(Dashboard.render(Self.model(), width: 120, height: 40, theme: .dark, caps: .full),
                       named: "dashboard-120x40")
    }

    @Test func frame80x24() {
        var model = Self.model()
        model = Self.withField(model: &model, width: 80, height: 24)
        assertSnapshot(Dashboard.render(model, width: 80, height: 24, theme: .dark, caps: .full),
                       named: "dashboard-80x24")
    }

    @Test func frame80x24AsciiMonochrome() {
        var model = Self.model()
        model = Self.withField(model: &model, width: 80, height: 24)
        assertSnapshot(Dashboard.render(model, width: 80, height: 24, theme: .dark, caps: .plain),
                       named: "dashboard-80x24-ascii-mono")
    }

    @Test func frameWithHelp() {
        assertSnapshot(Dashboard.render(Self.model(showHelp: true), width: 120, height: 40, theme: .dark, caps: .full),
                       named: "dashboard-help-120x40")
    }

    @Test func dataViewFrame() {
        var model = Self.model()
        model.main = .data(ScatterPlot(pointSets: [PointSet(name: "train", points: [SIMD2(0, 0), SIMD2(1, 2)], role: .train)],
                                       curves: [Curve(name: "fit", points: [SIMD2(0, 0), SIMD2(1, 2)])]))
        model.focus = .main
        let screen = Dashboard.render(model, width: 100, height: 30, theme: .dark, caps: .full)
        #expect(screen.lines[0].hasPrefix("╭─ Data "))
    }

    @Test func tooSmallShowsTheNotice() {
        let screen = Dashboard.render(Self.model(), width: 59, height: 30, theme: .dark, caps: .full)
        #expect(screen.lines.joined().contains("terminal too small: need at least 60×18, have 59×30"))
        let narrow = Dashboard.render(Self.model(), width: 30, height: 10, theme: .dark, caps: .plain)
        #expect(narrow.lines.joined().contains("need 60x18, have 30x10"))
        #expect(Dashboard.layout(width: 60, height: 18) != nil)
        #expect(Dashboard.layout(width: 60, height: 17) == nil)
    }

    /// Every size from the minimum to a large terminal renders without trapping,
    /// and panes tile the screen without overlapping.
    @Test func everySizeLaysOut() {
        let model = Self.model()
        for width in stride(from: 40, through: 250, by: 7) {
            for height in stride(from: 10, through: 80, by: 5) {
                let screen = Dashboard.render(model, width: width, height: height, theme: .dark, caps: .full)
                #expect(screen.lines.count == height)
                guard let layout = Dashboard.layout(for: model, width: width, height: height) else { continue }
                #expect(layout.main.maxX == layout.loss.x)
                #expect(layout.loss.maxY == layout.inspector.y)
                #expect(layout.inspector.maxY == layout.status.y)
                #expect(layout.loss.height >= 6, "\(width)x\(height)")
            }
        }
    }

    @Test func focusCycles() {
        #expect(DashboardFocus.main.next == .loss)
        #expect(DashboardFocus.main.previous == .inspector)
        #expect(DashboardFocus.inspector.next == .main)
    }
}

/// The ncurses backend, with no TTY: an offscreen screen on /dev/null.
@Suite(.serialized) struct TerminalTests {
    @Test @MainActor func offscreenTerminalDrawsAndRestores() throws {
        let terminal = try Terminal.offscreen(width: 80, height: 24)
        #expect(terminal.size.width == 80 && terminal.size.height == 24)
        let frame = Dashboard.render(DashboardTests.model(), width: 80, height: 24, theme: .dark,
                                     caps: terminal.capabilities)
        terminal.draw(frame)
        terminal.draw(frame)  // unchanged: nothing to send
        terminal.restore()
        terminal.restore()  // idempotent
    }

    /// xterm-class terminfo gets the direct writer; a terminal whose cursor
    /// moves are not the ANSI ones (vt100 pads them) keeps ncurses; the
    /// environment can ask for ncurses.
    @Test @MainActor func theDirectWriterIsUsedOnlyWhereTerminfoAllowsIt() throws {
        for (term, expected) in [("xterm-256color", FrameWriter.direct), ("screen-256color", .direct), ("tmux-256color", .direct),
                                 ("linux", .direct), ("vt100", .ncurses)] {
            let terminal = try Terminal.offscreen(width: 40, height: 12, term: term)
            #expect(terminal.writer == expected, "TERM=\(term)")
            #expect(FrameWriter.choose(environment: ["GRADLAB_TERMINAL_WRITER": "ncurses"]) == .ncurses)
            terminal.restore()
        }
        let forced = try Terminal.offscreen(width: 40, height: 12, writer: .ncurses)
        #expect(forced.writer == .ncurses)
        forced.restore()
    }

    /// Both writers draw a frame, a changed one and a repaint without trapping.
    @Test @MainActor func bothWritersDrawFrames() throws {
        for writer in FrameWriter.allCases {
            let terminal = try Terminal.offscreen(width: 80, height: 24, writer: writer)
            var frame = Dashboard.render(DashboardTests.model(), width: 80, height: 24, theme: .dark,
                                         caps: terminal.capabilities)
            terminal.draw(frame)
            frame.put("changed", x: 3, y: 3, style: .plain)
            terminal.draw(frame)
            terminal.invalidate()
            terminal.draw(frame)
            #expect(terminal.previous == frame)
            terminal.restore()
        }
    }

    /// Prints the frame time; speed is measured, not asserted (see DESIGN.md).
    @Test @MainActor func frameBenchmarkReportsTimes() {
        // Defaults are the documented benchmark; the environment can vary them when profiling.
        let environment = ProcessInfo.processInfo.environment
        func setting(_ name: String, _ fallback: Int) -> Int { environment[name].flatMap { Int($0) } ?? fallback }
        let result = FrameBenchmark.run(
            width: 200, height: 60, trajectories: setting("GRADLAB_BENCH_TRAJECTORIES", 1000),
            epochs: setting("GRADLAB_BENCH_EPOCHS", 1000), iterations: setting("GRADLAB_BENCH_ITERATIONS", 3))
        print("frame build \(result.buildMilliseconds) ms, flush \(result.flushMilliseconds.map { "\($0) ms" } ?? "n/a")")
        #expect(result.buildMilliseconds > 0)
    }

    /// The live case: trails kept in a TrailCache, one new epoch per frame.
    @Test @MainActor func incrementalFrameBenchmarkReportsTimes() {
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["GRADLAB_BENCH_ITERATIONS"].flatMap { Int($0) } ?? 3
        let result = FrameBenchmark.runIncremental(width: 200, height: 60, trajectories: 1000, epochs: 1000,
                                                   iterations: iterations)
        print("incremental frame build \(result.buildMilliseconds) ms, flush \(result.flushMilliseconds.map { "\($0) ms" } ?? "n/a")")
        #expect(result.buildMilliseconds > 0)
    }
}
