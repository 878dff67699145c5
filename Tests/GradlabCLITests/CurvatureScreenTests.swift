import Foundation
import Testing
import GradlabCore
import GradlabUI
import GradlabTestSupport
@testable import gradlab

/// Curvature on screen and in the run header (issue 14): on
/// f = x1² + 10·x2² (λmax = 20, so 2/λmax = 0.1), lr 0.09 converges
/// quietly and lr 0.11 is warned about before it oscillates.
@Suite("Curvature on screen")
struct CurvatureScreenTests {
    private func frame(lr: Double, optimizer: OptimizerConfig? = nil, guides: Bool = false)
        async throws -> (DashboardModel, RunView) {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.function = "x1^2 + 10*x2^2"
        config.points = 10
        config.optimizer = optimizer ?? OptimizerConfig(kind: .sgd)
        config.optimizer.lr = lr
        let session = try Session(config: config)
        var run = RunView()
        run.lr = lr
        run.optimizer = config.optimizer.summary
        run.optimizerConfig = config.optimizer
        await session.start()
        await session.finish(status: "completed")
        for await event in session.events { run.apply(event, groups: 1, pathOf: FrameBuilder.pathPoint) }
        run.inspection = await session.inspect(selectedPoint: 0)
        run.message = ""
        var builder = FrameBuilder(config: config, dataset: await session.dataset)
        var view = ViewState(main: .plane)
        view.showGuides = guides
        return (builder.model(run: run, view: view, width: 120, height: 40), run)
    }

    private func curvatureRows(_ model: DashboardModel) -> [String: InspectorRow] {
        let section = model.inspector.sections.first { $0.title.hasPrefix("Curvature") }
        return Dictionary((section?.rows ?? []).map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func aRateAboveTwoOverLambdaMaxIsWarnedBeforeItRuns() async throws {
        let (model, _) = try await frame(lr: 0.11)
        #expect(model.status.messageEmphasis == .warning)
        #expect(model.status.message.contains("lr 0.11 > 2/λmax = 0.1 at the selected point (10 of 10 drawn points past theirs)"),
                "\(model.status.message)")
        let rows = curvatureRows(model)
        #expect(rows["λmin"]?.value == "2" && rows["λmax"]?.value == "20" && rows["condition"]?.value == "10")
        #expect(rows["2/λmax"]?.value == "0.1" && rows["2/λmax"]?.emphasis == .warning)
    }

    @Test func belowTheLimitNothingIsWarned() async throws {
        let (model, _) = try await frame(lr: 0.09)
        #expect(model.status.messageEmphasis != .warning)
        #expect(curvatureRows(model)["2/λmax"]?.emphasis == .normal)
    }

    /// Heavy-ball momentum raises the limit to 2(1+μ)/λmax; Adam has none.
    @Test func theLimitFollowsTheOptimizer() async throws {
        var momentum = OptimizerConfig(kind: .sgd)
        momentum.momentum = 0.9
        let (withMomentum, _) = try await frame(lr: 0.15, optimizer: momentum)
        #expect(curvatureRows(withMomentum)["limit for sgd"]?.value == "0.19")
        #expect(withMomentum.status.messageEmphasis != .warning, "0.15 < 2(1.9)/20 = 0.19")
        let (adam, _) = try await frame(lr: 5, optimizer: OptimizerConfig(kind: .adam))
        #expect(adam.status.messageEmphasis != .warning)
        #expect(curvatureRows(adam)["2/λmax"]?.value == "0.1")
    }

    /// `h`: −∇f, the two principal axes, and the next step where SGD puts it: x − lr·∇f.
    @Test func guidesShowTheNextStepWhereTheRuleLandsIt() async throws {
        let (model, run) = try await frame(lr: 0.05, guides: true)
        guard case .plane(let plane) = model.main else { Issue.record("no plane"); return }
        #expect(plane.guides.filter { $0.kind == .curvesUp }.count == 2)
        #expect(plane.guides.contains { $0.kind == .descent })
        let landing = try #require(plane.guides.first { $0.kind == .nextStep }?.to)
        let p = try #require(run.inspection?.parameters)
        #expect(abs(landing.x - (p[0].value - 0.05 * p[0].gradient)) < 1e-12)
        #expect(abs(landing.y - (p[1].value - 0.05 * p[1].gradient)) < 1e-12)
    }

    /// A replay has no live inspection: the section comes from the selected
    /// path's position (and the warning with it).
    @Test func aReplayShowsTheCurvatureOfTheSelectedPath() async throws {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.function = "x1^2 + 10*x2^2"
        config.points = 5
        config.optimizer.lr = 0.11
        var (run, dataset) = try await sessionRunView(config, epochs: 2)
        run.inspection = nil
        var builder = FrameBuilder(config: config, dataset: dataset)
        var view = ViewState(main: .plane)
        view.selected = 3
        view.showGuides = true
        let model = builder.model(run: run, view: view, width: 120, height: 40)
        #expect(curvatureRows(model)["λmax"]?.value == "20")
        #expect(model.status.message.contains("2/λmax = 0.1"))
        guard case .plane(let plane) = model.main else { Issue.record("no plane"); return }
        #expect(plane.guides.contains { $0.kind == .descent } && !plane.guides.contains { $0.kind == .nextStep })
    }

    @Test func theHeadlessHeaderWarnsAtTheStart() throws {
        let above = try Gradlab.run(["--headless", "--f", "x1^2 + 10*x2^2", "--lr", "0.11", "--points", "10", "--epochs", "3"])
        #expect(above.stderr.contains("the lr is above 2/λmax") && above.stderr.contains("at 10 of 10 start points"), "\(above.stderr)")
        let below = try Gradlab.run(["--headless", "--f", "x1^2 + 10*x2^2", "--lr", "0.09", "--points", "10", "--epochs", "200"])
        #expect(!below.stderr.contains("2/λmax"))
        let final = below.stdout.split(separator: "\n").first { $0.hasPrefix("mean f ") }
        let value = final.flatMap { Double($0.split(separator: " ")[2]) } ?? .nan
        #expect(value < 1e-9, "lr 0.09 converges: \(final ?? "")")
        let data = try Gradlab.run(["--headless", "--lab", "quadratic", "--lr", "1e-4", "--epochs", "1"])
        #expect(data.stderr.contains("above 2/λmax = 3.54e-5 of the loss at the initial parameters"), "\(data.stderr)")
    }
}

/// In a real terminal: the warning is on the status line at epoch 0, paused.
@Suite("Curvature warning in the TUI", .enabled(if: TmuxSession.isAvailable))
struct CurvatureTerminalTests {
    @Test func theStatusLineWarnsBeforeTheFirstStep() throws {
        let tmux = try TmuxSession(width: 160, height: 40)
        try tmux.enter("\(Gradlab.binary) --f 'x1^2 + 10*x2^2' --lr 0.11 --points 20; echo GRADLAB_EXIT=$?")
        let screen = try tmux.waitFor("lr 0.11 > 2/λmax = 0.1")
        #expect(screen.contains("PAUSED") && screen.contains("epoch 0"))
        try tmux.type("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
    }
}
