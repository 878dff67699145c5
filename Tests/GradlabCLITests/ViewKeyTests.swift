import Foundation
import Testing
import GradlabCore
import GradlabUI
@testable import gradlab

/// The view keys and what the frame then says (issue 12), on frames the app
/// composes from real sessions.
@Suite("View keys tell the truth")
struct ViewKeyTests {
    private func run(_ config: LabConfig, epochs: Int, selected: Int = 0) async throws -> (RunView, LabDataset) {
        try await sessionRunView(config, epochs: epochs, selected: selected)
    }

    private func landscape(_ function: String? = nil) throws -> LabConfig {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = 12
        config.optimizer.lr = 0.01
        if let function {
            let named = try TestFunction.lookup(function)
            config.function = named.expression
            config.functionName = named.name
            config.domain = named.domain
        }
        return config
    }

    private let extent = InspectorExtent(lines: 30, visible: 10)

    /// Ctrl-Z reaches the app only where the terminal could not suspend
    /// (SIGTSTP ignored): it says why instead of doing nothing.
    @Test func ctrlZWhereItCannotSuspendSaysWhy() async throws {
        let config = try landscape()
        let (run, dataset) = try await run(config, epochs: 1)
        var builder = FrameBuilder(config: config, dataset: dataset)
        var view = ViewState(main: .plane)
        let result = builder.apply(.suspend, to: &view, run: run, inspector: extent)
        guard case .done(let message?, true) = result else { Issue.record("\(result)"); return }
        #expect(message.hasPrefix("Ctrl-Z: cannot suspend") && message.contains("SIGTSTP"))
    }

    @Test func aLogLossAxisPlotsFMinusFMin() async throws {
        let config = try landscape()
        let (run, dataset) = try await run(config, epochs: 10)
        var builder = FrameBuilder(config: config, dataset: dataset)
        var view = ViewState(main: .plane)
        #expect(builder.apply(.toggleLogScale, to: &view, run: run, inspector: extent) == .done(message: nil, warning: false))
        let model = builder.model(run: run, view: view, width: 120, height: 40)
        let series = try #require(model.loss.series.first)
        #expect(series.name == "mean f - f_min")
        #expect(model.loss.title == "Loss (log, f_min = -1.76)")
        #expect(series.values.allSatisfy { $0 > 0 })
        #expect(run.loss.contains { $0 < 0 }, "the tutorial's mean f is negative: the shift is what makes it plottable")
    }

    @Test func aLogAxisIsRefusedWhenItWouldHideTheLoss() async throws {
        var config = try landscape()
        config.function = "x1^2 + x2^2 - 500"
        config.functionName = nil
        let (run, dataset) = try await run(config, epochs: 3)
        var builder = FrameBuilder(config: config, dataset: dataset)
        var view = ViewState(main: .plane)
        let result = builder.apply(.toggleLogScale, to: &view, run: run, inspector: extent)
        guard case .done(let message?, true) = result else { Issue.record("\(result)"); return }
        #expect(message.contains("goes below 0"))
        #expect(!view.logScale)
    }

    @Test func shadingCyclesFromWhatIsShown() async throws {
        let config = try landscape("rosenbrock")
        let (run, dataset) = try await run(config, epochs: 2)
        var builder = FrameBuilder(config: config, dataset: dataset)
        var view = ViewState(main: .plane)
        _ = builder.model(run: run, view: view, width: 120, height: 40)
        #expect(builder.shading == .log, "rosenbrock's range picks log")
        var result = builder.apply(.cycleShading, to: &view, run: run, inspector: extent)
        #expect(view.shading == .quantile)
        #expect(result == .done(message: "shading: " + FrameBuilder.describe(.quantile), warning: false))
        result = builder.apply(.cycleShading, to: &view, run: run, inspector: extent)
        #expect(view.shading == .linear)
        guard case .plane(let plane) = builder.model(run: run, view: view, width: 120, height: 40).main else {
            Issue.record("no plane"); return
        }
        #expect(plane.shading == .linear)
        #expect(plane.markers == [SIMD2(1, 1)])
    }

    @Test func zoomOutHoldsEveryPointAndZGoesBack() async throws {
        var config = try landscape()
        config.function = "-(x1^2) + x2^2"
        config.functionName = nil
        config.optimizer.lr = 0.3
        let (run, dataset) = try await run(config, epochs: 40)
        var builder = FrameBuilder(config: config, dataset: dataset)
        var view = ViewState(main: .plane)
        guard case .plane(let before) = builder.model(run: run, view: view, width: 120, height: 40).main else { return }
        let note = try #require(before.outsideNote(hint: "z zooms out"), "x1 runs away from the saddle")
        #expect(note.contains("outside (z zooms out)"))
        _ = builder.apply(.fitView, to: &view, run: run, inspector: extent)
        guard case .plane(let after) = builder.model(run: run, view: view, width: 120, height: 40).main else { return }
        #expect(after.outsideNote(hint: "z") == nil)
        #expect(after.xRange.lowerBound <= 0 && after.xRange.upperBound >= 10)
        _ = builder.apply(.domainView, to: &view, run: run, inspector: extent)
        #expect(view.planeRange == nil)
    }

    @Test func scrollKeysPageTheInspectorAndFocusIt() async throws {
        let config = try landscape()
        let (run, dataset) = try await run(config, epochs: 1)
        var builder = FrameBuilder(config: config, dataset: dataset)
        var view = ViewState(main: .plane)
        _ = builder.apply(.pageDown, to: &view, run: run, inspector: extent)
        #expect(view.inspectorScroll == 9 && view.focus == .inspector)
        _ = builder.apply(.pageDown, to: &view, run: run, inspector: extent)
        _ = builder.apply(.pageDown, to: &view, run: run, inspector: extent)
        #expect(view.inspectorScroll == 20, "clamped to the last page")
        _ = builder.apply(.scrollUp, to: &view, run: run, inspector: extent)
        #expect(view.inspectorScroll == 19)
        _ = builder.apply(.pageUp, to: &view, run: run, inspector: extent)
        _ = builder.apply(.pageUp, to: &view, run: run, inspector: extent)
        _ = builder.apply(.scrollDown, to: &view, run: run, inspector: extent)
        #expect(view.inspectorScroll == 2)
    }

    /// Under --compare the inspector's loss is the selected point's group:
    /// the number that group's legend entry shows.
    @Test func theInspectorsLossIsTheLegendsValue() async throws {
        var config = try landscape()
        config.compare = [OptimizerConfig(kind: .sgd), OptimizerConfig(kind: .adam)]
        config.compare?[0].lr = 0.01
        config.compare?[1].lr = 0.05
        let (run, dataset) = try await run(config, epochs: 5, selected: 13)
        var builder = FrameBuilder(config: config, dataset: dataset)
        let model = builder.model(run: run, view: ViewState(main: .plane), width: 120, height: 40)
        let row = try #require(model.inspector.sections.first?.rows.first { $0.label == "group f pre-step" })
        let adam = try #require(model.loss.series.first { $0.name == "adam" }?.values.last)
        #expect(row.value == NumberText.long(adam))
        #expect(NumberText.short(Double(row.value) ?? .nan) == NumberText.short(adam))
    }

    @Test func theLineLabsOptimumIsTheTutorialsLine() async throws {
        var config = LabConfig(lab: .linear)
        config.device = "cpu"
        let dataset = try await Session(config: config).dataset
        let optimum = try #require(DataOptimum.of(config: config, dataset: dataset))
        #expect(abs(optimum[0] - 0.7) < 1e-5 && abs(optimum[1] - 0.3) < 1e-5, "\(optimum)")
        var builder = FrameBuilder(config: config, dataset: dataset)
        let (run, _) = try await run(config, epochs: 3)
        guard case .plane(let plane) = builder.model(run: run, view: ViewState(main: .plane), width: 120, height: 40).main else {
            Issue.record("no plane"); return
        }
        #expect(plane.markers.count == 1 && plane.markerLabel == "optimum")
    }

    /// The quadratic lab's optimum is the least-squares fit: the MSE's
    /// gradient vanishes there.
    @Test func theQuadraticLabsOptimumZeroesTheGradient() async throws {
        var config = LabConfig(lab: .quadratic)
        config.device = "cpu"
        let dataset = try await Session(config: config).dataset
        let p = try #require(DataOptimum.of(config: config, dataset: dataset))
        var gradient = [0.0, 0.0, 0.0]
        for (t, v) in zip(dataset.trainInputs, dataset.trainTargets) {
            let r = p[0] * t * t + p[1] * t + p[2] - v
            gradient[0] += r * t * t
            gradient[1] += r * t
            gradient[2] += r
        }
        #expect(gradient.allSatisfy { abs($0) < 1e-6 }, "\(gradient)")
        var custom = config
        custom.function = "abs(v - (a*t^2 + b*t + c))"
        #expect(DataOptimum.of(config: custom, dataset: dataset) == nil, "only the lab's own loss has a known optimum")
    }
}
