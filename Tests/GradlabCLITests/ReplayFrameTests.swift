import Foundation
import Testing
@testable import gradlab
@testable import GradlabCore
import GradlabUI
import GradlabTestSupport

@Suite("Replay frames and playback")
struct ReplayFrameTests {
    /// Records a run with the real binary, headless, and loads it.
    private func recordHeadless(_ arguments: [String]) throws -> RunFile {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("run.json").path
        let result = try Gradlab.run(["--headless", "--quiet", "--device", "cpu", "--record", path] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try RunFile.load(path: path)
    }

    /// A data lab's recording as the replay draws its last position, 120×40.
    private func lastFrame(of file: RunFile) async throws -> DashboardModel {
        let index = RunIndex(file)
        var builder = FrameBuilder(config: file.config, dataset: try await ReplayRun.dataset(of: file.config))
        var player = ReplayPlayer(lastPosition: index.lastPosition)
        player.seek(index.lastPosition)
        return ReplayFrames(index: index, name: "run.json").model(player: player, view: ViewState(main: .data), builder: &builder,
                                                                  status: file.status, width: 120, height: 40)
    }

    private func rows(_ model: DashboardModel) -> [String: String] {
        var rows: [String: String] = [:]
        for section in model.inspector.sections {
            for row in section.rows where rows[row.label] == nil { rows[row.label] = row.value }
        }
        return rows
    }

    @Test func theFrameAtEpochKShowsTheRecordedValues() async throws {
        let file = try recordHeadless(["--lab", "quadratic", "--epochs", "20"])
        let index = RunIndex(file)
        var builder = FrameBuilder(config: file.config, dataset: try await ReplayRun.dataset(of: file.config))
        let frames = ReplayFrames(index: index, name: "run.json")
        var player = ReplayPlayer(lastPosition: index.lastPosition)
        for k in [0, 1, 7, 20] {
            player.seek(k)
            let model = frames.model(player: player, view: ViewState(main: .data), builder: &builder,
                                     status: file.status, width: 120, height: 40)
            let record = index.records[k]
            #expect(model.status.mode == .replay)
            #expect(model.status.epoch == k && record.epoch == k)
            #expect(model.status.learningRate == file.config.optimizer.lr)
            // The start state's loss is epoch 1's (before its step): drawn once, at epoch 1.
            #expect(model.loss.series.first?.values == file.epochs[(k == 0 ? 0 : 1)...k].map(\.loss))
            #expect(model.loss.firstEpoch == min(k, 1))
            let shown = rows(model)
            #expect(shown["MSE, pre-step"] == compact(record.loss))
            for name in ["a", "b", "c"] {
                #expect(shown[name] == compact(try #require(record.param(name)?.first)), "\(name) at epoch \(k)")
            }
            let screen = Dashboard.render(model, width: 120, height: 40, theme: .dark, caps: .full)
            let text = screen.lines.joined(separator: "\n")
            #expect(text.contains("REPLAY") && text.contains("epoch \(k) "))
        }
    }

    /// A recording resumed from a checkpoint starts at its epoch: the loss
    /// chart's epochs are the recording's (they were counted from 0).
    @Test func aResumedRecordingsLossChartKeepsItsEpochs() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let checkpoint = directory.appendingPathComponent("q.safetensors").path
        let saved = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--epochs", "3", "--save", checkpoint])
        #expect(saved.status == 0, "\(saved.stderr)")
        let file = try recordHeadless(["--lab", "quadratic", "--load", checkpoint, "--epochs", "4"])
        #expect(file.epochs.first?.epoch == 3)
        let model = try await lastFrame(of: file)
        #expect(model.loss.firstEpoch == 4 && model.loss.series.first?.values == file.epochs.dropFirst().map(\.loss))
    }

    /// A scheduled run's replay says the rate each epoch ran at (it said
    /// the base rate), as the live view does.
    @Test func aScheduledRecordingShowsEachEpochsRate() async throws {
        let file = try recordHeadless(["--lab", "quadratic", "--schedule", "step:2,0.5", "--epochs", "6"])
        let model = try await lastFrame(of: file)
        let last = try #require(file.epochs.last?.lr)
        #expect(last == 1e-5 * 0.25 && model.status.learningRate == last, "\(model.status.learningRate)")
    }

    @Test func landscapePathsAreTheTrackedPointsUpToTheEpoch() throws {
        let file = try recordHeadless(["--points", "5", "--epochs", "30"])
        let frames = ReplayFrames(index: RunIndex(file), name: "run.json")
        let run = frames.runView(at: 12)
        #expect(run.paths.count == 5)
        #expect(run.paths.allSatisfy { $0.count == 13 })
        #expect(run.paths.map { $0.last } == file.epochs[12].points?.map { Optional($0) })
        #expect(run.loss == file.epochs[1...12].map(\.loss) && run.firstEpoch == 1, "the start state's loss is epoch 1's")
    }

    /// Under --compare the inspector's summary section is the selected
    /// point's group's, named by its optimizer.
    @Test func compareSummaryIsTheSelectedPointsGroups() throws {
        let file = try recordHeadless(["--f", "himmelblau", "--points", "30", "--track", "4", "--epochs", "3",
                                       "--compare", "sgd:lr=0.01,momentum:lr=0.003,adam:lr=0.05"])
        let frames = ReplayFrames(index: RunIndex(file), name: "run.json")
        let summaries = try #require(file.epochs[3].groupSummary)
        for (selected, title, g) in [(0, "All 30 sgd points", 0), (5, "All 30 sgd+momentum points", 1), (11, "All 30 adam points", 2)] {
            let section = try #require(frames.recordedSections(at: 3, selected: selected, status: file.status).first { $0.title.hasPrefix("All") })
            #expect(section.title == title)
            #expect(section.rows.first { $0.label == "f min" }?.value == compact(summaries[g].fMin), "\(title)")
            #expect(section.rows.first { $0.label == "mean x2" }?.value == compact(summaries[g].mean.y), "\(title)")
        }
    }

    /// The replay's summary counts the points the run had at its end: a
    /// `:points` applies from the reset that follows it, not before.
    @Test func theReplaysEndConfigHasThePointsAResetApplied() {
        var config = LabConfig(lab: .landscape)
        config.points = 5
        let record = EpochRecord(epoch: 0, loss: 1)
        func file(_ events: [Event]) -> RunFile {
            RunFile(version: 1, config: config, events: [.epoch(record)] + events, status: "quit", warning: nil)
        }
        #expect(ReplayRun.endConfig(of: file([.configure(epoch: 0, points: 12, domain: nil)])).points == 5)
        #expect(ReplayRun.endConfig(of: file([.configure(epoch: 0, points: 12, domain: nil), .reset(epoch: 0, seed: 0),
                                             .epoch(record)])).points == 12)
        #expect(ReplayRun.endConfig(of: file([.configure(epoch: 0, points: 12, domain: nil), .configure(epoch: 0, points: nil, domain: [0, 1, 0, 1]),
                                             .reset(epoch: 0, seed: 0), .reset(epoch: 0, seed: 0)])).points == 12)
    }

    @Test func recordedChangesShowAtTheirEpochs() async throws {
        let directory = try Fixtures.temporaryDirectory()
        var config = LabConfig(lab: .linear)
        config.device = "cpu"
        let path = directory.appendingPathComponent("changes.json").path
        let session = try Session(config: config)
        await session.attach(try Recorder(path: path, config: config))
        await session.start()
        await session.step(4)
        try await session.setLearningRate(0.05)
        await session.step(4)
        await session.finish(status: "quit")
        let frames = ReplayFrames(index: RunIndex(try RunFile.load(path: path)), name: "changes.json")
        #expect(frames.runView(at: 3).lr == 0.001)
        #expect(frames.runView(at: 3).message.isEmpty)
        #expect(frames.runView(at: 4).lr == 0.05)
        #expect(frames.runView(at: 4).message == "epoch 4: lr → 0.05")
        #expect(frames.runView(at: 8).message == "epoch 4: lr → 0.05")
    }

    @Test func keysSeekPlayAndGoTo() throws {
        let file = try recordHeadless(["--lab", "linear", "--epochs", "30"])
        let index = RunIndex(file)
        var player = ReplayPlayer(lastPosition: index.lastPosition)
        func press(_ keys: Key...) { for key in keys { _ = player.handle(key, index: index) } }
        press(.character("."), .character("."), .right)
        #expect(player.position == 3)
        press(.left, .character(","))
        #expect(player.position == 1)
        press(.end)
        #expect(player.position == 30)
        press(.character(">"), .right)
        #expect(player.position == 30)
        press(.home, .left)
        #expect(player.position == 0)

        press(.character("g"), .character("1"), .character("2"))
        #expect(player.prompt?.contains("12") == true)
        press(.backspace, .character("5"), .enter)
        #expect(player.position == 15 && player.prompt == nil)
        press(.character("g"), .character("9"), .escape)
        #expect(player.position == 15 && player.prompt == nil)
        press(.character("g"), .character("9"), .character("9"), .enter)
        #expect(player.position == 15)
        #expect(player.note?.text == "no epoch 99 (epochs 0-30)")

        // Play: speed 5 moves 5 epochs a frame and stops at the end.
        press(.character("+"), .character("+"), .character("-"))
        #expect(player.speed == 2)
        press(.character("n"), .character("n"))
        #expect(player.speed == 10)
        press(.character(" "))
        #expect(player.playing)
        var moved = player.tick()
        #expect(moved && player.position == 25)
        moved = player.tick()
        #expect(moved && player.position == 30 && !player.playing)
        moved = player.tick()
        #expect(!moved)
        // Play at the end starts over.
        press(.character(" "))
        #expect(player.position == 0 && player.playing)
        press(.character("."))
        #expect(!player.playing && player.position == 1)

        #expect(player.handle(.character("f"), index: index) == .fork)
        #expect(player.handle(.character("v"), index: index) == .view(.switchView))
        #expect(player.handle(.character("q"), index: index) == .quit)
        #expect(player.handle(.character("y"), index: index) == .ignored)
    }

    @Test func replayKeymapHasNoConflictsAndEveryBindingInItsHelp() {
        #expect(Keymap.conflicts(in: Keymap.replay).isEmpty)
        var screen = Screen(width: 120, height: 40)
        HelpOverlay(bindings: Keymap.replay, title: "Replay keys").render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let text = screen.lines.joined(separator: "\n")
        for binding in Keymap.replay {
            #expect(text.contains(binding.help), "help for \(binding.action) is missing")
        }
        for action in [Action.stepBack, .jumpToStart, .jumpToEnd, .goToEpoch, .fork] {
            #expect(Keymap.replay.contains { $0.action == action })
            #expect(!Keymap.default.contains { $0.action == action })
        }
    }

    @Test func seekingAHundredThousandEpochRecordingIsImmediate() {
        var config = LabConfig(lab: .landscape)
        config.points = 60
        var events: [Event] = []
        for epoch in 0...100_000 {
            let x = Double(epoch) / 100_000
            events.append(.epoch(EpochRecord(epoch: epoch, loss: -x, points: (0..<60).map { SIMD2(x, Double($0)) })))
        }
        let index = RunIndex(RunFile(version: 1, config: config, events: events, status: "completed", warning: nil))
        let frames = ReplayFrames(index: index, name: "big.json")
        var builder = FrameBuilder(config: config, dataset: .empty)
        var player = ReplayPlayer(lastPosition: index.lastPosition)
        var slowest = Duration.zero
        for position in [100_000, 3, 50_000, 99_999, 0, 77_777] {
            let started = ContinuousClock.now
            player.seek(position)
            let model = frames.model(player: player, view: ViewState(main: .plane), builder: &builder, status: nil,
                                     width: 120, height: 40)
            slowest = max(slowest, ContinuousClock.now - started)
            #expect(model.status.epoch == position)
            guard case .plane(let plane) = model.main else { Issue.record("no plane"); continue }
            #expect(plane.trajectories.count == 60)
            #expect(plane.trajectories.allSatisfy { $0.points.count <= RunView.pathLimit + 1 })
            #expect(plane.trajectories.first?.points.last == SIMD2(Double(position) / 100_000, 0))
        }
        print("replay: slowest seek+frame model at 100,000 epochs × 60 points: \(slowest) (debug build)")
    }
}
