import Foundation
import Testing
import GradlabCore
import GradlabUI
import GradlabTestSupport
@testable import gradlab

/// The mouse: the hit map against the frame actually drawn, each gesture's
/// effect, and a whole session played through the scripted backend (the
/// same LabApp loop as in a terminal).
@Suite("Mouse and the hit map")
@MainActor
struct MouseTests {
    private func landscape(points: Int = 6) -> LabConfig {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = points
        config.optimizer.lr = 0.01
        return config
    }

    private func frame(_ config: LabConfig, view: ViewState = ViewState(main: .plane), width: Int = 100, height: Int = 30)
        async throws -> (model: DashboardModel, screen: Screen, run: RunView) {
        let (run, dataset) = try await sessionRunView(config, epochs: 3)
        var builder = FrameBuilder(config: config, dataset: dataset)
        let model = builder.model(run: run, view: view, width: width, height: height)
        let screen = Dashboard.render(model, width: width, height: height, theme: .dark, caps: .full)
        return (model, screen, run)
    }

    @Test func theHitMapFindsTheSelectedPointWhereItIsDrawn() async throws {
        let config = landscape()
        let (model, screen, run) = try await frame(config)
        let hits = try #require(HitMap(model: model, width: 100, height: 30))
        // The cell showing ◉ maps back to the selected point, within a cell.
        let lines = screen.lines
        let row = try #require(lines.firstIndex { $0.contains("◉") })
        let column = try #require(Array(lines[row]).firstIndex(of: "◉"))
        let mapped = try #require(hits.dataPoint(column: column, row: row))
        let point = try #require(run.paths[0].last)
        let cell = hits.dataPerCell
        #expect(abs(mapped.x - point.x) <= cell.x && abs(mapped.y - point.y) <= cell.y, "\(mapped) vs \(point)")
        // The plot's corners are the domain's corners, half a dot in.
        let plot = try #require(hits.plot)
        let corner = try #require(hits.dataPoint(column: plot.x, row: plot.maxY - 1))
        #expect(abs(corner.x - config.domain[0]) < cell.x && abs(corner.y - config.domain[2]) < cell.y)
        #expect(hits.dataPoint(column: plot.x - 1, row: plot.y) == nil, "the axis is not the plot")
        #expect(hits.pane(column: 0, row: 29) == .status)
        #expect(hits.pane(column: 99, row: 1) == .loss)
        #expect(hits.pane(column: 99, row: 27) == .inspector)
    }

    @Test func gestures() async throws {
        let config = landscape()
        let (model, _, run) = try await frame(config)
        let hits = try #require(HitMap(model: model, width: 100, height: 30))
        let plot = try #require(hits.plot)
        var view = ViewState(main: .plane), pointer = PointerState()
        let (column, row) = (plot.x + plot.width / 3, plot.y + plot.height / 2)
        let under = try #require(hits.dataPoint(column: column, row: row))

        // Wheel up zooms in around the cursor: the point under it stays put.
        #expect(PlaneGestures.apply(MouseEvent(.press, .wheelUp, column: column, row: row), hits: hits, view: &view, run: run,
                                    pointer: &pointer, replay: false) == .none)
        let zoomed = try #require(view.planeRange)
        #expect(abs((zoomed.x.upperBound - zoomed.x.lowerBound) - 0.8 * (config.domain[1] - config.domain[0])) < 1e-9)
        let fraction = (under.x - zoomed.x.lowerBound) / (zoomed.x.upperBound - zoomed.x.lowerBound)
        let before = (under.x - config.domain[0]) / (config.domain[1] - config.domain[0])
        #expect(abs(fraction - before) < 1e-9)

        // Middle-drag: the plane follows the pointer, three cells right.
        view.planeRange = nil
        _ = PlaneGestures.apply(MouseEvent(.press, .middle, column: column, row: row), hits: hits, view: &view, run: run, pointer: &pointer, replay: false)
        _ = PlaneGestures.apply(MouseEvent(.motion, .none, column: column + 3, row: row), hits: hits, view: &view, run: run, pointer: &pointer, replay: false)
        _ = PlaneGestures.apply(MouseEvent(.release, .middle, column: column + 3, row: row), hits: hits, view: &view, run: run, pointer: &pointer, replay: false)
        let panned = try #require(view.planeRange)
        #expect(abs(panned.x.lowerBound - (config.domain[0] - 3 * hits.dataPerCell.x)) < 1e-9)
        #expect(pointer.panStart == nil)

        // A click drops a point there; in a replay it only says why not.
        #expect(PlaneGestures.apply(MouseEvent(.press, .left, column: column, row: row), hits: hits, view: &view, run: run,
                                    pointer: &pointer, replay: false) == .dropPoint(under))
        guard case .message = PlaneGestures.apply(MouseEvent(.press, .left, column: column, row: row), hits: hits, view: &view,
                                                  run: run, pointer: &pointer, replay: true) else {
            Issue.record("a replay took a point")
            return
        }
        // Right-click (and shift-click) selects the nearest drawn point.
        let target = try #require(run.paths[4].last)
        var cellOfTarget = (column, row), best = Double.infinity
        for c in plot.x..<plot.maxX {
            for r in plot.y..<plot.maxY {
                guard let p = hits.dataPoint(column: c, row: r) else { continue }
                let d = abs(p.x - target.x) + abs(p.y - target.y)
                if d < best { (best, cellOfTarget) = (d, (c, r)) }
            }
        }
        #expect(PlaneGestures.apply(MouseEvent(.press, .right, column: cellOfTarget.0, row: cellOfTarget.1), hits: hits, view: &view,
                                    run: run, pointer: &pointer, replay: false) == .selected(4))
        view.selected = 0
        #expect(PlaneGestures.apply(MouseEvent(.press, .left, column: cellOfTarget.0, row: cellOfTarget.1, shift: true), hits: hits,
                                    view: &view, run: run, pointer: &pointer, replay: false) == .selected(4))
        // The status bar runs and pauses; a pane takes the focus.
        #expect(PlaneGestures.apply(MouseEvent(.press, .left, column: 10, row: 29), hits: hits, view: &view, run: run,
                                    pointer: &pointer, replay: false) == .runPause)
        _ = PlaneGestures.apply(MouseEvent(.press, .left, column: 99, row: 27), hits: hits, view: &view, run: run, pointer: &pointer, replay: false)
        #expect(view.focus == .inspector)
    }

    @Test func aScriptedSessionClicksStepsAndSwitchesTheFunction() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("scripted.json").path
        let config = landscape(points: 3)
        // Where the click lands, in data coordinates: the plane shows the domain.
        let (model, _, _) = try await frame(config)
        let hits = try #require(HitMap(model: model, width: 100, height: 30))
        let plot = try #require(hits.plot)
        let (column, row) = (plot.x + plot.width / 4, plot.y + plot.height / 4)
        let expected = try #require(hits.dataPoint(column: column, row: row))

        let session = try Session(config: config)
        let app = await LabApp(session: session, config: config, dataset: await session.dataset, theme: .dark,
                               recordPath: path)
        let backend = ScriptedBackend(width: 100, height: 30, script: [
            .wait(milliseconds: 100),
            .event(.mouse(MouseEvent(.press, .left, column: column, row: row))),
            .event(.mouse(MouseEvent(.release, .left, column: column, row: row))),
            .event(.key(.character(" "))),
            .event(.key(.character(" "))),
            .event(.key(.character(":"))),
            .event(.paste("f sin(x1")),
            .event(.key(.enter)),
            .until(timeoutMilliseconds: 60_000) { $0.lines.joined().contains("expected ')'") },
            .event(.key(.escape)),
            .event(.key(.character(":"))),
            .event(.paste("f himmelblau")),
            .event(.key(.enter)),
            .event(.key(.character(" "))),
            .until(timeoutMilliseconds: 60_000) { screen in
                let text = screen.lines.joined(separator: "\n")
                return text.contains("f = himmelblau") && text.contains("epoch 3 ")
            },
        ])
        let status = try await app.run(on: backend)
        #expect(status == 0)
        #expect(backend.mouseReporting)
        let file = try RunFile.load(path: path)
        let added = file.events.compactMap { event -> SIMD2<Double>? in
            if case .pointAdded(0, let point) = event { return point } else { return nil }
        }
        #expect(added == [expected])
        let functions = file.events.compactMap { event -> String? in
            if case .function(_, _, let name, _) = event { return name } else { return nil }
        }
        #expect(functions == ["himmelblau"], "the bad line changed nothing")
        let epochs = file.epochs
        #expect(epochs.map(\.epoch) == [0, 1, 2, 3])
        // The dropped point is the 4th and moved with every step.
        let tracks = epochs.compactMap { $0.points?.count == 4 ? $0.points?[3] : nil }
        #expect(tracks.count == 3 && Set(tracks.map { "\($0)" }).count == 3)
        // What the frames show waits on the app's event task; when the whole
        // suite runs, tmux tests block the cooperative threads for long
        // stretches and a frame can miss the timeout. The recording above is
        // the deterministic check; the frame is checked when it came.
        if backend.timedOut.isEmpty {
            let frame = try #require(backend.lastFrame).lines.joined(separator: "\n")
            #expect(frame.contains("f = himmelblau"))
            #expect(frame.contains("epoch 3 "))
        }
    }

    @Test func aClickOnADataLabsLossPlaneSetsItsParameters() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("linear.json").path
        var config = LabConfig(lab: .linear)
        config.device = "cpu"
        let session = try Session(config: config)
        let app = await LabApp(session: session, config: config, dataset: await session.dataset, theme: .dark, recordPath: path)
        let backend = ScriptedBackend(width: 100, height: 30, script: [
            .wait(milliseconds: 100),
            .event(.mouse(MouseEvent(.press, .left, column: 20, row: 8))),
            .event(.key(.character(" "))),
            .until(timeoutMilliseconds: 60_000) { $0.lines.last?.contains("epoch 1 ") == true },
        ])
        #expect(try await app.run(on: backend) == 0)
        let file = try RunFile.load(path: path)
        let set = file.events.compactMap { event -> [NamedValues]? in
            if case .parameters(0, let values) = event { return values } else { return nil }
        }
        let values = try #require(set.first)
        #expect(values.map(\.name) == ["weight", "bias"])
        // The first epoch starts from the clicked parameters: a headless run from them agrees.
        let check = try Session(config: config)
        await check.start()
        try await check.setParameters(values)
        let expected = try #require(await check.step(1))
        // f32: the file holds each Float's shortest text.
        let floats = { (params: [NamedValues]?) in params?.map { $0.values.map { Float($0) } } }
        #expect(floats(file.epochs.last?.params) == floats(expected.params))
        // What the frames show waits on the app's event task; when the whole
        // suite runs, tmux tests block the cooperative threads for long
        // stretches and a frame can miss the timeout. The recording above is
        // the deterministic check; the frame is checked when it came.
        if backend.timedOut.isEmpty {
            #expect(try #require(backend.lastFrame).lines.last?.contains("epoch 1 ") == true)
        }
    }

    /// The data view has no plane: a click there says where clicks go.
    @Test func aClickOnTheDataViewSaysWhereClicksGo() async throws {
        var config = LabConfig(lab: .quadratic)
        config.device = "cpu"
        let session = try Session(config: config)
        let app = await LabApp(session: session, config: config, dataset: await session.dataset, theme: .dark, recordPath: nil)
        let backend = ScriptedBackend(width: 100, height: 30, script: [
            .wait(milliseconds: 100),
            // A data lab opens on its data view.
            .event(.mouse(MouseEvent(.press, .left, column: 20, row: 8))),
            .until(timeoutMilliseconds: 60_000) { $0.lines.last?.contains("the data view takes no clicks") == true },
        ])
        #expect(try await app.run(on: backend) == 0)
        if backend.timedOut.isEmpty {
            #expect(try #require(backend.lastFrame).lines.last?.contains("the data view takes no clicks") == true)
        } else {
            Issue.record("no message: \(backend.lastFrame?.lines.last ?? "")")
        }
    }

    @Test func theMouseInAReplayZoomsAndTakesNoPoints() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("replayed.json").path
        let config = landscape(points: 4)
        let session = try Session(config: config)
        await session.attach(try Recorder(path: path, config: config))
        await session.start()
        await session.step(5)
        await session.finish(status: "completed")
        let file = try RunFile.load(path: path)
        let (model, _, _) = try await frame(config)
        let plot = try #require(HitMap(model: model, width: 100, height: 30)?.plot)
        let (column, row) = (plot.x + plot.width / 2, plot.y + plot.height / 2)
        let app = ReplayApp(file: file, index: RunIndex(file), name: "replayed.json", dataset: .empty, theme: .dark, recordPath: nil)
        let backend = ScriptedBackend(width: 100, height: 30, script: [
            .event(.mouse(MouseEvent(.press, .left, column: column, row: row))),
            .event(.mouse(MouseEvent(.press, .wheelUp, column: column, row: row))),
            .event(.mouse(MouseEvent(.press, .wheelUp, column: column, row: row))),
            .wait(milliseconds: 50),
        ])
        #expect(try await app.run(on: backend) == 0)
        let frames = backend.frames.map { $0.lines.joined(separator: "\n") }
        #expect(frames.contains { $0.contains("click: a recording takes") })
        // Zoomed in twice about the middle: the x axis no longer ends at the domain's 10.
        let axis = { (text: String) in text.split(separator: "\n").first { $0.contains("x1│") }.map(String.init) ?? "" }
        let last = try #require(frames.last)
        #expect(axis(last) != axis(frames[0]))
        #expect(!axis(last).contains("10"))
    }
}
