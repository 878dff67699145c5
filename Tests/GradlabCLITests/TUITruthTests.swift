import Foundation
import Testing
import GradlabCore
import GradlabMath
import GradlabUI
import GradlabTestSupport
@testable import gradlab

/// What the TUI shows must be true (issue 12): the inspector describes the
/// point marked ◉; a restart comes back to the same starts.
@Suite("The TUI tells the truth")
struct TUITruthTests {
    /// Under --compare, the drawn paths are the first points of each group:
    /// selecting group 2's first path inspects group 2's first point, which
    /// the inspector reports with that group's optimizer.
    @Test func theInspectorDescribesTheMarkedPointOfEveryGroup() async throws {
        var config = LabConfig(lab: .landscape)
        config.points = 1000
        config.trackedPoints = 1000
        config.compare = [OptimizerConfig(kind: .sgd), OptimizerConfig(kind: .adam), OptimizerConfig(kind: .rmsprop)]
        let session = try Session(config: config)
        var view = RunView()
        await session.start()
        await session.step(2)
        await session.finish(status: "completed")
        for await event in session.events { view.apply(event, groups: 3, pathOf: FrameBuilder.pathPoint) }
        let perGroup = view.pathsPerGroup
        #expect(perGroup == 133)  // 400 drawn, a third a group
        for path in [0, 5, perGroup, perGroup + 7, 2 * perGroup + 1] {
            let index = view.labPoint(forPath: path, pointsPerGroup: 1000)
            let inspection = await session.inspect(selectedPoint: index)
            // The marker is drawn at the path's last point: the inspector's x1, x2.
            let marked = try #require(view.paths[path].last)
            #expect(inspection.parameters.map(\.value) == [marked.x, marked.y], "path \(path) -> point \(index)")
            #expect(inspection.group == config.compare?[path / perGroup].summary)
        }
    }

    /// The selected point's f and ∂f are where the point is now (after the
    /// epoch's step), not where the epoch's gradient was taken.
    @Test func theSelectedPointsGradientIsWhereItIsNow() async throws {
        var config = LabConfig(lab: .landscape)
        config.points = 1
        config.optimizer.lr = 0.1
        let session = try Session(config: config, streaming: false)
        await session.start()
        await session.step(3)
        let inspection = await session.inspect(selectedPoint: 0)
        let position = inspection.parameters.map(\.value)
        let expression = try Expression.parse(config.function, variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let here = program.evaluate(position)
        #expect(inspection.valueAtSelected == here[0])
        #expect(inspection.parameters.map(\.gradient) == [here[1], here[2]])
        // The step just taken used the gradient before it: a different one.
        let before = program.evaluate(zip(position, inspection.parameters.map { $0.lastStep ?? 0 }).map { $0 - $1 })
        #expect(before[1] != here[1])
    }

    /// After `:f` the losses on screen are the old f's until an epoch runs
    /// under the new one: the inspector's rows and the legend say `–`.
    @Test func afterANewFunctionTheOldLossIsNotShownAsItsLoss() async throws {
        let (config, view) = try await Self.runAfterANewFunction(restarting: false)
        var builder = FrameBuilder(config: config, dataset: .empty)
        func rows(_ model: DashboardModel) -> [String: String] {
            Dictionary(model.inspector.sections.flatMap(\.rows).map { ($0.label, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        let model = builder.model(run: view, view: ViewState(main: .plane), width: 120, height: 40)
        #expect(rows(model)["mean f, pre-step"] == "–")
        #expect(model.loss.series.allSatisfy { $0.latestIsStale })
        // The point's own f is the new f's, where it is.
        let position = try #require(view.inspection?.parameters.map(\.value))
        let expected = position[0] * position[0] + position[1] * position[1]
        #expect(abs((view.inspection?.valueAtSelected ?? .nan) - expected) <= 1e-12 * expected)
    }

    /// A restart after `:f` starts the records over under the new f: the
    /// epoch-0 loss is the new f's and is shown.
    @Test func aRestartAfterANewFunctionShowsTheNewLoss() async throws {
        let (config, view) = try await Self.runAfterANewFunction(restarting: true)
        #expect(view.latest?.epoch == 0 && !view.lossIsStale)
        var builder = FrameBuilder(config: config, dataset: .empty)
        let model = builder.model(run: view, view: ViewState(main: .plane), width: 120, height: 40)
        let rows = Dictionary(model.inspector.sections.flatMap(\.rows).map { ($0.label, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(rows["mean f, pre-step"] != "–" && rows["mean f, pre-step"] != nil)
        #expect(model.loss.series.allSatisfy { !$0.latestIsStale })
    }

    /// Two epochs on the landscape, then `:f x1^2 + x2^2` (then `x`'s
    /// restart if `restarting`): the config and the view of its events.
    static func runAfterANewFunction(restarting: Bool) async throws -> (LabConfig, RunView) {
        var config = LabConfig(lab: .landscape)
        config.points = 20
        let session = try Session(config: config)
        await session.start()
        await session.step(2)
        try await session.setFunction("x1^2 + x2^2", name: nil, domain: [-5, 5, -5, 5])
        if restarting { try await session.reset(seed: 0) }
        var view = RunView()
        view.inspection = await session.inspect(selectedPoint: 0)
        await session.finish(status: "completed")
        for await event in session.events { view.apply(event, groups: 1, pathOf: FrameBuilder.pathPoint) }
        return (config, view)
    }

    /// A click that sets a data lab's parameters leaves the loss and the
    /// gradients unknown until the next epoch: `–`, not the old values.
    @Test func afterAClickOnTheParametersTheOldLossAndGradientsAreNotShown() async throws {
        let config = LabConfig(lab: .quadratic)
        let session = try Session(config: config)
        await session.start()
        await session.step(3)
        try await session.setParameters([NamedValues("a", [-2.688]), NamedValues("b", [0.787])])
        var view = RunView()
        view.inspection = await session.inspect()
        var builder = FrameBuilder(config: config, dataset: await session.dataset)
        func rows() -> [String: String] {
            let model = builder.model(run: view, view: ViewState(main: .plane), width: 120, height: 40)
            return Dictionary(model.inspector.sections.flatMap(\.rows).map { ($0.label, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        await session.finish(status: "completed")
        for await event in session.events { view.apply(event, groups: 1, pathOf: FrameBuilder.pathPoint) }
        var after = rows()
        #expect(after["MSE, pre-step"] == "–" && after["‖grad‖, pre-step"] == "–" && after["  grad, pre-step"] == "–", "\(after)")
        #expect(after["a"] == "-2.688", "the new value is shown at once")
        // The next epoch measures them.
        view.apply(.epoch(EpochRecord(epoch: 4, loss: 5, params: view.latest?.params ?? [])), groups: 1, pathOf: FrameBuilder.pathPoint)
        after = rows()
        #expect(after["MSE, pre-step"] == "5" && after["‖grad‖, pre-step"] != "–", "\(after)")
    }

    /// The loss chart's epochs (a review found a flat first segment, and
    /// the old f's history re-offset by a new f's f_min): a full-batch
    /// lab's start state and first epoch share one loss (taken before the
    /// step), drawn once, at epoch 1; after `:f` the chart starts anew at
    /// the first epoch under the new f; the linear lab keeps its start state.
    @Test func theLossChartDrawsEachLossOnceAtItsEpoch() async throws {
        func view(_ config: LabConfig, newFunctionAfter: Int? = nil, epochs: Int) async throws -> RunView {
            let session = try Session(config: config)
            await session.start()
            if let newFunctionAfter {
                await session.step(newFunctionAfter)
                try await session.setFunction("x1^2 + x2^2", name: nil, domain: [-5, 5, -5, 5])
            }
            await session.step(epochs)
            await session.finish(status: "completed")
            var view = RunView()
            for await event in session.events { view.apply(event, groups: config.groups.count, pathOf: FrameBuilder.pathPoint) }
            return view
        }
        var landscape = LabConfig(lab: .landscape)
        landscape.points = 20
        let fresh = try await view(landscape, epochs: 3)
        #expect(fresh.firstEpoch == 1 && fresh.loss.count == 3, "\(fresh.firstEpoch) \(fresh.loss) \(fresh.epoch)")
        #expect(Set(fresh.loss).count == 3, "no loss twice: \(fresh.loss)")
        let quadratic = try await view(LabConfig(lab: .quadratic), epochs: 2)
        #expect(quadratic.firstEpoch == 1 && quadratic.loss.count == 2)
        let linear = try await view(LabConfig(lab: .linear), epochs: 2)
        #expect(linear.firstEpoch == 0 && linear.trainLoss.count == 3, "the start state's loss is not the first epoch's")
        // Only the start state: shown at epoch 0.
        let started = try await view(landscape, epochs: 0)
        #expect(started.firstEpoch == 0 && started.loss.count == 1)
        // `:f` after 4 epochs, then 3 more: epochs 5...7, all under x1^2 + x2^2.
        let changed = try await view(landscape, newFunctionAfter: 4, epochs: 3)
        #expect(changed.firstEpoch == 5 && changed.loss.count == 3, "\(changed.firstEpoch) \(changed.loss)")
        #expect(changed.loss.allSatisfy { $0 >= 0 }, "x1^2 + x2^2 is never negative: \(changed.loss)")
        #expect(changed.paths.allSatisfy { $0.count == 8 }, "the paths keep every epoch")
    }

    /// Under a schedule the status line, the inspector and the optimizer's
    /// summary say the rate the epoch ran at: after 20 halvings of
    /// `step:5,0.5` they said the base rate 0.1. A replay says the same.
    @Test func aScheduledRateIsShownAsItIs() async throws {
        var config = LabConfig(lab: .landscape)
        config.points = 5
        config.optimizer.lr = 0.1
        config.schedule = .step(stepSize: 5, gamma: 0.5)
        let session = try Session(config: config)
        await session.start()
        await session.step(101)
        await session.finish(status: "completed")
        var view = RunView()
        (view.optimizer, view.optimizerConfig) = (config.optimizer.summary, config.optimizer)  // as LabApp starts it
        for await event in session.events { view.apply(event, groups: 1, pathOf: FrameBuilder.pathPoint) }
        let rate = try #require(view.latest?.lr)
        #expect(rate == 0.1 * pow(0.5, 20), "\(rate)")
        var builder = FrameBuilder(config: config, dataset: .empty)
        let model = builder.model(run: view, view: ViewState(main: .plane), width: 120, height: 40)
        #expect(model.status.learningRate == rate)
        let rows = Dictionary(model.inspector.sections.flatMap(\.rows).map { ($0.label, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(rows["lr"] == compact(rate) && rows["optimizer"] == "sgd lr=9.53674e-8", "\(String(describing: rows["optimizer"]))")
    }

    /// A reset says what it was for: `x`'s restart, `R`'s new starts, or
    /// the command that asked for it (`:points`, `:domain`, `:record`).
    @Test func aResetSaysWhatItWasFor() {
        var view = RunView()
        view.startSeed = 0
        view.apply(.reset(epoch: 0, seed: 0), groups: 1, pathOf: FrameBuilder.pathPoint)
        #expect(view.message == "restarted from the same starts (seed 0)")
        view.apply(.reset(epoch: 0, seed: 1), groups: 1, pathOf: FrameBuilder.pathPoint)
        #expect(view.message == "reset: new starts (seed 1)")
        view.resetReason = "120 points, new starts (seed 0)"
        view.apply(.reset(epoch: 0, seed: 0), groups: 1, pathOf: FrameBuilder.pathPoint)
        #expect(view.message == "120 points, new starts (seed 0)" && view.resetReason == nil)
    }

    /// A GPU's description is news, not a warning, and so is why `auto`
    /// chose the CPU (nothing asked for was refused); a device asked for by
    /// name (`d`, `:device cuda`) and refused is a warning.
    @Test func aDevicesDescriptionIsNoWarning() {
        var view = RunView()
        view.apply(.device(epoch: 0, name: "cuda", note: "cuda: NVIDIA H200, sm_90"), groups: 1, pathOf: FrameBuilder.pathPoint)
        #expect(view.message == "device → cuda: NVIDIA H200, sm_90" && !view.messageIsWarning)
        view.apply(.device(epoch: 0, name: "cpu", note: "no CUDA driver (libcuda.so.1: not found); using cpu"), groups: 1, pathOf: FrameBuilder.pathPoint)
        #expect(view.message == "no CUDA driver (libcuda.so.1: not found); using cpu" && !view.messageIsWarning)
        view.apply(.device(epoch: 0, name: "cpu", note: "cuda: CUDA unavailable; staying on cpu"), groups: 1, pathOf: FrameBuilder.pathPoint)
        #expect(view.message == "cuda: CUDA unavailable; staying on cpu" && view.messageIsWarning)
    }

    /// ←/→ step through the paths; ↑/↓ under --compare go to the same
    /// point of the neighbouring group (wrapping), else step as ←/→.
    @Test func upAndDownChangeGroupUnderCompare() {
        func after(_ action: Action, _ selected: Int, groups: Int) -> Int {
            ViewState.selection(after: action, from: selected, paths: 399, groups: groups)
        }
        #expect(after(.selectNext, 0, groups: 3) == 1 && after(.selectPrevious, 0, groups: 3) == 398)
        #expect(after(.selectNextGroup, 5, groups: 3) == 138 && after(.selectNextGroup, 271, groups: 3) == 5)
        #expect(after(.selectPreviousGroup, 5, groups: 3) == 271)
        #expect(after(.selectNextGroup, 5, groups: 1) == 6 && after(.selectPreviousGroup, 0, groups: 1) == 398)
    }

    /// The basin legend is largest first, the points in no basin included.
    @Test func theBasinLegendPutsTheLargestFirstNoneIncluded() {
        let labels = FrameBuilder.basinLegend(perMinimum: [0, 3, 0, 5], none: 52).map(\.label)
        #expect(labels == ["none: 52", "min 4: 5", "min 2: 3", "min 1: 0", "min 3: 0"])
        #expect(FrameBuilder.basinLegend(perMinimum: [2, 2], none: 0).map(\.label) == ["min 1: 2", "min 2: 2"])
    }

    /// `x` restarts from the seed in use: the same starts as the first run.
    @Test func aRestartReturnsToTheSameStarts() async throws {
        var config = LabConfig(lab: .landscape)
        config.points = 50
        let session = try Session(config: config, streaming: false)
        let first = await session.start()
        await session.step(3)
        try await session.reset(seed: await session.config.seed)
        let again = await session.latest
        #expect(again?.points == first.points && again?.epoch == 0)
    }
}

@Suite("Command-line values that start with a minus")
struct NegativeValueTests {
    @Test func aNegativeDomainIsAValue() throws {
        let result = try Gradlab.run(["--headless", "--quiet", "--domain", "-5,5,-4,4", "--points", "20", "--epochs", "1"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aNegativeCountIsAValueAndSaidToBeWrong() throws {
        let result = try Gradlab.run(["--headless", "--quiet", "--points", "-3"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--points must be at least 1, got -3"), "\(result.stderr)")
    }

    @Test func anExpressionStartingWithAMinusIsAValue() throws {
        let result = try Gradlab.run(["--headless", "--quiet", "--f", "-x1^2 - x2^2", "--points", "5", "--epochs", "1", "--lr", "0.01"])
        #expect(result.status == 0, "\(result.stderr)")
    }
}

/// The lr keys under --compare scale every group's own rate (issue 12).
@Suite("Learning rates per group")
struct GroupLearningRateTests {
    static func compareConfig() -> LabConfig {
        var config = LabConfig(lab: .landscape)
        config.points = 20
        var sgd = OptimizerConfig(kind: .sgd)
        sgd.lr = 0.001
        var adam = OptimizerConfig(kind: .adam)
        adam.lr = 0.05
        config.compare = [sgd, adam]
        config.optimizer = sgd
        return config
    }

    @Test func eachGroupIsScaledByTheSameFactorAndComesBackExactly() async throws {
        let session = try Session(config: Self.compareConfig(), streaming: false)
        await session.start()
        try await session.scaleLearningRate(quarterDecades: 1)
        var lrs = await session.config.compare?.map(\.lr) ?? []
        #expect(abs(lrs[0] - 0.001 * 1.7782794100389228) < 1e-15 && abs(lrs[1] - 0.05 * 1.7782794100389228) < 1e-15)
        #expect(await session.inspect(selectedPoint: 25).learningRate == lrs[1])  // group 2's point
        for _ in 0..<3 { try await session.scaleLearningRate(quarterDecades: 1) }
        for _ in 0..<4 { try await session.scaleLearningRate(quarterDecades: -1) }
        lrs = await session.config.compare?.map(\.lr) ?? []
        #expect(lrs == [0.001, 0.05])
    }

    @Test func oneGroupStepsUpAndDownToTheSameValue() async throws {
        var config = LabConfig(lab: .quadratic)
        config.optimizer.lr = 0.1
        let session = try Session(config: config, streaming: false)
        await session.start()
        for steps in [1, 1, 4, -1, -4, -1] { try await session.scaleLearningRate(quarterDecades: steps) }
        #expect(await session.config.optimizer.lr == 0.1)
    }

    /// Under --compare the gradient norm shown under `group f` was every
    /// group's together, the same for each: it is the selected group's own,
    /// over its points where the epoch's step started.
    @Test func theGradientNormIsTheSelectedGroups() async throws {
        let config = Self.compareConfig()
        let session = try Session(config: config)
        await session.start()
        await session.step(3)
        let expression = try Expression.parse(config.function, variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        var norms: [Double] = []
        for group in 0..<2 {
            var squares = 0.0
            for i in 0..<20 {
                let p = await session.inspect(selectedPoint: group * 20 + i).parameters
                let before = p.map { $0.value - ($0.lastStep ?? .nan) }
                let g = program.evaluate(before)
                squares += g[1] * g[1] + g[2] * g[2]
            }
            let inspection = await session.inspect(selectedPoint: group * 20 + 3)
            let norm = try #require(inspection.groupGradientNorm)
            #expect(abs(norm - squares.squareRoot()) <= 1e-9 * norm, "group \(group)")
            norms.append(norm)
        }
        #expect(norms[0] != norms[1])
        let whole = await session.inspect(selectedPoint: 0).gradientNorm
        #expect(abs(whole - (norms[0] * norms[0] + norms[1] * norms[1]).squareRoot()) <= 1e-9 * whole)

        var view = RunView()
        view.inspection = await session.inspect(selectedPoint: 20 + 3)
        await session.finish(status: "completed")
        for await event in session.events { view.apply(event, groups: 2, pathOf: FrameBuilder.pathPoint) }
        var builder = FrameBuilder(config: config, dataset: .empty)
        let model = builder.model(run: view, view: ViewState(main: .plane), width: 120, height: 40)
        let rows = Dictionary(model.inspector.sections.flatMap(\.rows).map { ($0.label, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(rows["group ‖grad‖ pre-step"] == compact(norms[1]), "\(rows)")
        #expect(rows["‖grad‖, pre-step"] == nil)
    }

    @Test func theStatusBarSaysTheRateIsPerGroup() {
        let compare = Self.compareConfig().compare
        #expect(FrameBuilder.learningRateText(compare: nil, now: []) == nil)
        #expect(FrameBuilder.learningRateText(compare: compare, now: []) == "lr: per group")
        #expect(FrameBuilder.learningRateText(compare: compare, now: [0.001 * 1.7782794100389228, 0.05 * 1.7782794100389228]) == "lr ×1.778 each")
        // `:lr 0.05` sets every group's rate: no one factor moved them all.
        #expect(FrameBuilder.learningRateText(compare: compare, now: [0.05, 0.05]) == "lr 0.05 all")
        #expect(FrameBuilder.learningRateText(compare: compare, now: [0.002, 0.07]) == "lr: per group")
    }

    /// A recording keeps each group's rates, and a fork replays them.
    @Test func recordingsAndForksKeepEveryGroupsRate() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        let config = Self.compareConfig()
        let recorder = try Recorder(path: path, config: config)
        let session = try Session(config: config, sinks: [recorder], streaming: false)
        await session.start()
        await session.step(2)
        try await session.scaleLearningRate(quarterDecades: 2)
        await session.step(2)
        await session.finish(status: "completed")
        let run = try RunFile.load(path: path)
        let changes = run.events.compactMap { event -> [Double]? in
            if case .groupLearningRates(_, let lrs) = event { return lrs }
            return nil
        }
        #expect(changes.count == 1 && changes[0].count == 2)
        #expect(abs(changes[0][1] - 0.05 * 3.1622776601683795) < 1e-12)
    }
}

/// In a real terminal: a divergence pauses and says what to do, the help
/// shows the whole last message, and keys that do not apply say why.
@Suite("The TUI explains itself", .enabled(if: TmuxSession.isAvailable), .serialized)
struct TUIExplanationTests {
    /// Started with the default `--device auto` where CUDA cannot load, the
    /// status line keeps the lab's name and epochs per frame and says, in
    /// the room left, why it runs on the CPU (the fallback was a warning that
    /// pushed them out); `d`, asking for CUDA by name, is refused with a
    /// warning, which does take their room.
    @Test func anAutomaticFallbackIsNewsAndARefusedRequestAWarning() throws {
        let devices = try Gradlab.run(["devices"])
        guard devices.stdout.contains("cuda: not usable") else { return }  // a GPU here: auto takes it
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --points 10")
        var status = try tmux.waitFor("the fallback's note") { $0.contains("PAUSED") && $0.contains("CUDA") }
            .split(separator: "\n").last.map(String.init) ?? ""
        #expect(status.hasPrefix(" PAUSED  landscape │ epoch 0 │ lr 0.1 │ 1/frame │ sgd │ cpu ") && status.contains("no CUDA"), "\(status)")
        try tmux.send("d")
        status = try tmux.waitFor("the refusal") { $0.contains("cuda: CUDA unavailable") }
            .split(separator: "\n").last.map(String.init) ?? ""
        #expect(status.hasPrefix(" PAUSED  epoch 0 │") && status.contains("cuda: CUDA unavailable"), "\(status)")
        try tmux.send("q")
        try tmux.waitFor("the shell after q") { !$0.contains("PAUSED") }
    }

    @Test func divergenceKeysThatDoNotApplyAndTheLastMessage() throws {
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --f 'x1^2 + 3*x2^2' --lr 5 --points 10; echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        try tmux.send("r")
        var screen = try tmux.waitFor("diverged and paused", timeout: 20) { screen in
            screen.split(separator: "\n").last { $0.contains("epoch") }.map { $0.contains("PAUSED") && $0.contains("NaN") } ?? false
        }
        #expect(!screen.contains("LIVE"))
        try tmux.send("?")
        screen = try tmux.waitFor("Last message")
        // Whole, though the status line cut it.
        let flat = screen.replacingOccurrences(of: "│", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("u rewinds to the last finite epoch, x restarts from the same starts, R resets"), "\(flat)")
        try tmux.send("Escape")
        try tmux.send("b")
        try tmux.waitFor("basins are known for named functions only")
        try tmux.send("p")
        try tmux.waitFor("only the quadratic lab")
        try tmux.send("v")
        try tmux.waitFor("the landscape has one view")
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
        try tmux.expectUsable()
    }
}

@Suite("Help lists what applies")
struct HelpTests {
    /// `eval` trains nothing: its help has no training options (issue 12).
    @Test func evalHelpListsOnlyWhatEvaluationUses() throws {
        let result = try Gradlab.run(["eval", "--help"])
        #expect(result.status == 0)
        for option in ["--lab", "--data", "--test-size", "--split-seed", "--dtype", "--load"] {
            #expect(result.stdout.contains(option), "\(option) missing")
        }
        for option in ["--points", "--domain", "--starts", "--compare", "--schedule", "--init", "--track", "--seed "] {
            #expect(!result.stdout.contains(option), "\(option) listed but does not apply to eval")
        }
    }
}
