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
    private var theme: Theme
    private let recordPath: String?
    /// Whether the terminal reports the mouse (`--no-mouse` leaves it to the terminal).
    private let mouse: Bool
    /// The `:` command line.
    private var prompt = CommandPrompt()
    /// The recorder attached now (`--record`, or `:record`); the Session
    /// finishes it at the end, `:record stop` before.
    private var recorder: Recorder?
    /// The last frame's model and size, for the mouse's hit map.
    private var drawn: (model: DashboardModel, width: Int, height: Int)?
    private var pointer = PointerState()
    private let savePath: String
    /// A fork: the session has started (and any recorder is attached) already.
    private let continuing: Bool
    /// The inspector as last drawn (the scroll keys page by its height).
    private var inspectorExtent = InspectorExtent(lines: 0, visible: 0)
    /// The frame as last drawn (`E` writes it).
    private var lastScreen: Screen?

    /// - Parameter history: for a session that has already run (a fork of a
    ///   replay), what the screen shows so far; the app then neither starts
    ///   the session nor attaches a recorder (`recordPath` only shows REC).
    init(session: Session, config: LabConfig, dataset: LabDataset, theme: Theme, recordPath: String?,
         savePath: String? = nil, history: RunView? = nil, mouse: Bool = true) async {
        self.mouse = mouse
        self.recordPath = recordPath
        self.savePath = savePath ?? "gradlab-\(config.lab.rawValue).safetensors"
        self.session = session
        self.theme = theme
        var initial = RunView()
        initial.lr = config.optimizer.lr
        initial.optimizer = config.optimizer.summary
        initial.optimizerConfig = config.optimizer
        initial.startSeed = config.seed
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
        terminal.setMouseReporting(mouse)
        // Only now that the terminal is ours: a run that cannot start never
        // truncates an existing recording.
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
                // ncurses asks for every motion (for drags): a move with no
                // drag in progress changes nothing and draws nothing.
                if !PlaneGestures.isIdleMotion(event, pointer) { viewChanged = true }
                if prompt.isOpen {
                    if case .submit(let line) = prompt.handle(event, themes: Theme.availableNames()) { await run(line) }
                } else {
                    switch event {
                    case .key(let key):
                        if let action = Keymap.action(for: key, in: Keymap.table(for: .normal)) {
                            if handle(action) == .quit {
                                // Ctrl-C interrupts (130, as headless); q quits (0).
                                if key == .ctrl("c") { status = 130 }
                                break loop
                            }
                        }
                    case .mouse(let report): handle(report)
                    case .paste: explain("paste: : opens the command line, which takes pasted text")
                    case .resize: break
                    }
                }
            }
            followConfig()
            view.running = driver.isRunning
            if view.recording, let failure = recorder?.failure {
                // At once, and REC goes out: the file holds only what was written.
                view.recording = false
                explain(failure)
            }
            let version = live.version
            let now = ContinuousClock.now
            // At least once a second: what a frame says can change with time (a fresh message ages);
            // while long work is under way, often enough for its spinner to turn.
            let every: Duration = live.isBusy ? .milliseconds(100) : .seconds(1)
            if viewChanged || (version != drawnVersion && now - lastDraw >= .milliseconds(16)) || now - lastDraw >= every {
                let model = builder.model(run: live.snapshot, view: view, width: terminal.size.width, height: terminal.size.height)
                var screen = Dashboard.render(model, width: terminal.size.width, height: terminal.size.height,
                                              theme: theme, caps: terminal.capabilities)
                prompt.render(into: &screen, theme: theme, caps: terminal.capabilities)
                terminal.draw(screen)
                live.frameDrawn(version)
                lastScreen = screen
                drawn = (model, terminal.size.width, terminal.size.height)
                inspectorExtent = InspectorExtent(model: model, width: terminal.size.width, height: terminal.size.height,
                                                  caps: terminal.capabilities)
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

    /// Rebuilds the frame builder when the run's f, domain or point count
    /// changed (`:f`, `:domain`, `:points`), so the plane shows the new ones.
    private func followConfig() {
        guard let config = live.snapshot.config else { return }
        let shown = builder.config
        guard config.function != shown.function || config.domain != shown.domain || config.points != shown.points
                || config.starts?.count != shown.starts?.count else { return }
        builder = FrameBuilder(config: config, dataset: builder.dataset)
        if config.function != shown.function || config.domain != shown.domain { view.planeRange = nil }
    }

    /// Parses and runs a `:` line; a line that does not parse changes
    /// nothing and stays in the prompt with a caret under the fault.
    private func run(_ line: String) async {
        var config = live.snapshot.config ?? builder.config
        if let optimizer = live.snapshot.optimizerConfig { config.optimizer = optimizer }
        let command: LabCommand
        do {
            command = try LabCommand.parse(line, config: config)
        } catch {
            prompt.reject(line, error: error)
            return
        }
        // Failures found only when applying (a theme file, a record path) also stay in the prompt.
        let argumentColumn = line.firstIndex(of: " ").map { line.distance(from: line.startIndex, to: $0) + 1 } ?? 0
        switch command {
        case .function(let expression, let name, let domain):
            driver.send(.setFunction(expression: expression, name: name, domain: domain))
        case .learningRate(let lr): driver.send(.setLearningRate(lr))
        case .optimizer(let optimizer): driver.send(.setOptimizer(optimizer))
        case .points(let n):
            builder.resetRange()
            live.update { $0.resetReason = "\(NumberText.count(n)) point\(n == 1 ? "" : "s"), new starts (seed \(config.seed))" }
            driver.send(.reconfigure(points: n, domain: nil))
        case .domain(let domain):
            builder.resetRange()
            live.update { $0.resetReason = "domain → \(domain.map(NumberText.short).joined(separator: ",")), new starts (seed \(config.seed))" }
            driver.send(.reconfigure(points: nil, domain: domain))
        case .seed(let seed):
            builder.resetRange()
            driver.send(.resetSeed(seed))
        case .epochsPerFrame(let n):
            view.epochsPerFrame = n
            driver.send(.epochsPerFrame(n))
            live.say("\(n) epoch\(n == 1 ? "" : "s") per frame", warning: false)
        case .save(let path): driver.send(.save(path))
        case .record(let path):
            if let recorder {
                prompt.reject(line, error: CommandLineError(message: "already recording (\(recorder.path)); :record stop first", column: argumentColumn))
                return
            }
            do {
                // The recording starts with a reset to the seed, not from a --load'ed checkpoint.
                var recorded = await session.config
                recorded.resume = nil
                let made = try Recorder(path: path, config: recorded)
                recorder = made
                view.recording = true
                builder.resetRange()
                // Said when the recording's reset comes (the reset's own message would replace it).
                live.update { $0.resetReason = "recording to \(path), from the same starts (epoch 0)" }
                driver.send(.startRecording(made))
            } catch {
                // The prompt names the path itself; the command line's flag does not belong here.
                let message = error.message.hasPrefix("--record ") ? String(error.message.dropFirst("--record ".count)) : error.message
                prompt.reject(line, error: CommandLineError(message: message, column: argumentColumn))
                return
            }
        case .recordStop:
            guard let recorder else {
                prompt.reject(line, error: CommandLineError(message: "not recording", column: argumentColumn))
                return
            }
            driver.send(.stopRecording(recorder))
            self.recorder = nil
            view.recording = false
            live.say("recording stopped (\(recorder.path))", warning: false)
        case .theme(let name):
            do {
                theme = try Theme.load(nameOrPath: name)
                live.say("theme → \(theme.name)", warning: false)
            } catch {
                prompt.reject(line, error: CommandLineError(message: error.description, column: argumentColumn))
                return
            }
        case .device(let name): driver.send(.setDevice(name))
        case .help:
            view.showHelp = true
            view.helpPage = 2
        }
        prompt.accept(line)
    }

    /// A mouse report: the plane's gestures, a click on the status bar or a pane.
    private func handle(_ report: MouseEvent) {
        if view.showHelp {
            if let action = PlaneGestures.underHelp(report) { _ = handle(action) }
            return
        }
        guard let drawn, let hits = HitMap(model: drawn.model, width: drawn.width, height: drawn.height) else { return }
        let run = live.snapshot
        var gesture = pointer
        let result = PlaneGestures.apply(report, hits: hits, view: &view, run: run, pointer: &gesture, replay: false,
                                         landscape: builder.config.lab == .landscape)
        pointer = gesture
        switch result {
        case .none: break
        case .runPause: driver.send(.toggleRunning)
        case .dropPoint(let point): driver.send(.addPoint(point))
        case .setParameters(let point):
            let names = builder.config.parameterNames, axes = builder.planeAxes
            driver.send(.setParameters([NamedValues(names[axes.0], [point.x]), NamedValues(names[axes.1], [point.y])]))
        case .selected(let path):
            driver.send(.select(live.labPoint(forPath: path, pointsPerGroup: builder.config.starts?.count ?? builder.config.points)))
        case .message(let text, let warning): live.say(text, warning: warning)
        }
    }

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
        case .commandLine: prompt.open()
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
        case .selectNext, .selectPrevious, .selectNextGroup, .selectPreviousGroup:
            view.selected = ViewState.selection(after: action, from: view.selected, paths: live.pathCount,
                                                groups: builder.config.groups.count)
            // The inspector shows the point marked ◉: the lab's index of that path.
            let perGroup = builder.config.starts?.count ?? builder.config.points
            driver.send(.select(live.labPoint(forPath: view.selected, pointsPerGroup: perGroup)))
        case .save: driver.send(.save(savePath))
        case .rewind: driver.send(.rewind)
        case .exportFigures, .captureScreen:
            let result = action == .exportFigures
                ? FigureKeys.writeFigures(builder: builder, run: live.snapshot, view: view, theme: theme)
                : lastScreen.map { FigureKeys.writeCapture($0, lab: builder.config.lab, epoch: live.snapshot.epoch, theme: theme) }
                    ?? .done(message: "E: nothing drawn yet", warning: true)
            if case .done(let message?, let warning) = result { live.say(message, warning: warning) }
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
