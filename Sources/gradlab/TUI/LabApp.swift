import GradlabCore
import GradlabUI

/// The full-screen lab: reads keys and draws frames on the main thread (the
/// only thread that touches ncurses) while a ``TrainingDriver`` task trains.
@MainActor
final class LabApp {
    private let session: Session
    private let live: LiveRun
    private let driver: TrainingDriver
    private var builder: FrameBuilder
    private var view: ViewState
    private let theme: Theme
    private let recordPath: String?
    private let savePath: String
    /// A fork: the session has started (and any recorder is attached) already.
    private let continuing: Bool
    /// The inspector as last drawn (the scroll keys page by its height).
    private var inspectorExtent = InspectorExtent(lines: 0, visible: 0)

    /// - Parameter history: for a session that has already run (a fork of a
    ///   replay), what the screen shows so far; the app then neither starts
    ///   the session nor attaches a recorder (`recordPath` only shows REC).
    init(session: Session, config: LabConfig, dataset: LabDataset, theme: Theme, recordPath: String?,
         savePath: String? = nil, history: RunView? = nil) async {
        self.recordPath = recordPath
        self.savePath = savePath ?? "gradlab-\(config.lab.rawValue).safetensors"
        self.session = session
        self.theme = theme
        var initial = RunView()
        initial.lr = config.optimizer.lr
        initial.optimizer = config.optimizer.summary
        initial.optimizerConfig = config.optimizer
        continuing = history != nil
        live = LiveRun(history ?? initial)
        driver = TrainingDriver(session: session, live: live)
        builder = FrameBuilder(config: config, dataset: dataset)
        view = ViewState(main: config.lab == .quadratic ? .data : .plane)
        view.recording = recordPath != nil
    }

    /// Runs until the user quits or a signal arrives; returns the exit status.
    /// - Parameter existing: a terminal already started (the replay's, on a fork).
    func run(on existing: (any TerminalBackend)? = nil) async throws(GradlabError) -> Int32 {
        let terminal: any TerminalBackend
        do {
            terminal = try existing ?? Terminal.start()
        } catch {
            throw GradlabError("\(error)")
        }
        defer { terminal.restore() }
        // Only now that the terminal is ours: a run that cannot start never
        // truncates an existing recording.
        var recorder: Recorder?
        if let recordPath, !continuing {
            let made = try Recorder(path: recordPath, config: builder.config)
            await session.attach(made)
            recorder = made
        }

        let groups = builder.config.groups.count
        let live = self.live
        let events = session.events
        let consumer = Task.detached {
            for await event in events {
                live.update { $0.apply(event, groups: groups, pathOf: FrameBuilder.pathPoint) }
            }
        }
        if !continuing { await session.start() }
        let driver = self.driver
        let training = Task.detached { await driver.run() }

        var drawnVersion = -1
        var lastDraw = ContinuousClock.now - .seconds(1)
        var status: Int32 = 0
        var viewChanged = true
        loop: while true {
            if let signal = terminal.pendingSignal {
                status = 128 + signal
                break
            }
            if let event = terminal.nextEvent(timeoutMilliseconds: 10) {
                viewChanged = true
                if case .key(let key) = event, let action = Keymap.action(for: key) {
                    if handle(action) == .quit {
                        // Ctrl-C interrupts (130, as headless); q quits (0).
                        if key == .ctrl("c") { status = 130 }
                        break loop
                    }
                }
            }
            view.running = driver.isRunning
            if view.recording, let failure = recorder?.failure {
                // At once, and REC goes out: the file holds only what was written.
                view.recording = false
                explain(failure)
            }
            let version = live.version
            let now = ContinuousClock.now
            // At least once a second: what a frame says can change with time (a fresh message ages).
            if viewChanged || (version != drawnVersion && now - lastDraw >= .milliseconds(16)) || now - lastDraw >= .seconds(1) {
                let model = builder.model(run: live.snapshot, view: view, width: terminal.size.width, height: terminal.size.height)
                let screen = Dashboard.render(model, width: terminal.size.width, height: terminal.size.height,
                                              theme: theme, caps: terminal.capabilities)
                terminal.draw(screen)
                inspectorExtent = InspectorExtent(model: model, width: terminal.size.width, height: terminal.size.height)
                drawnVersion = version
                lastDraw = now
                viewChanged = false
            }
        }
        driver.send(.quit)
        await training.value
        // The run file says how it ended: `quit` for q, `interrupted` for
        // Ctrl-C and signals (SIGTERM, SIGHUP), as a headless run says.
        await session.finish(status: status == 0 ? "quit" : "interrupted")
        await consumer.value
        return status
    }

    private enum Outcome { case continueRunning, quit }

    /// Says in the status line why a key did nothing here.
    private func explain(_ message: String) {
        live.say(message, warning: true)
    }

    /// Applies one action: view changes here, training changes to the driver.
    private func handle(_ action: Action) -> Outcome {
        switch builder.apply(action, to: &view, run: live.snapshot, inspector: inspectorExtent) {
        case .done(let message, let warning):
            if let message { live.say(message, warning: warning) }
            return .continueRunning
        case .notView:
            break
        }
        switch action {
        case .quit: return .quit
        case .stepOnce: driver.send(.step)
        case .runPause: driver.send(.toggleRunning)
        case .lrUpQuarter: driver.send(.scaleLearningRate(quarterDecades: 1))
        case .lrDownQuarter: driver.send(.scaleLearningRate(quarterDecades: -1))
        case .lrUpDecade: driver.send(.scaleLearningRate(quarterDecades: 4))
        case .lrDownDecade: driver.send(.scaleLearningRate(quarterDecades: -4))
        case .epochsPerFrameUp, .epochsPerFrameDown:
            view.epochsPerFrame = ViewState.nextEpochsPerFrame(view.epochsPerFrame, up: action == .epochsPerFrameUp)
            driver.send(.epochsPerFrame(view.epochsPerFrame))
        case .nextOptimizer: driver.send(.nextOptimizer)
        case .nextDevice: driver.send(.nextDevice)
        case .resetNewSeed:
            builder.resetRange()
            driver.send(.reset)
        case .restartSameStarts:
            builder.resetRange()
            driver.send(.restart)
        case .selectNext, .selectPrevious:
            let count = max(1, live.pathCount)
            view.selected = (view.selected + (action == .selectNext ? 1 : count - 1)) % count
            // The inspector shows the point marked ◉: the lab's index of that path.
            let perGroup = builder.config.starts?.count ?? builder.config.points
            driver.send(.select(live.labPoint(forPath: view.selected, pointsPerGroup: perGroup)))
        case .save: driver.send(.save(savePath))
        case .rewind: driver.send(.rewind)
        case .stepBack, .jumpToStart, .jumpToEnd, .goToEpoch, .fork: break // replay keys (ReplayApp)
        default: break // view keys, applied above
        }
        return .continueRunning
    }

}

extension FrameBuilder {
    /// A data lab's epoch as a point of its path: all its parameters (the
    /// plane shows two of them at a time, see ``FrameBuilder/planeAxes``).
    static func pathPoint(_ record: EpochRecord) -> [Double]? {
        let values = record.params.compactMap(\.values.first)
        return values.count >= 2 ? values : nil
    }
}
