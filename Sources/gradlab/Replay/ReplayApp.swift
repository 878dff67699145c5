import GradlabCore
import GradlabUI
import Synchronization

/// `gradlab --replay run.json`: a recording in the live lab's panes, with
/// playback and seeking (``ReplayPlayer``), and `f` to fork: re-run the
/// recording up to the epoch shown and hand the terminal to a live
/// ``LabApp`` that goes on from there.
@MainActor
final class ReplayApp {
    private let file: RunFile
    private let frames: ReplayFrames
    private var builder: FrameBuilder
    private var view: ViewState
    private var player: ReplayPlayer
    private let theme: Theme
    private let dataset: LabDataset
    private let recordPath: String?
    private let mouse: Bool
    /// The inspector as last drawn (the scroll keys page by its height).
    private var inspectorExtent = InspectorExtent(lines: 0, visible: 0)
    /// The frame as last drawn (`E` writes it).
    private var lastScreen: Screen?

    /// - Parameters:
    ///   - name: the recording's file name, for the status bar.
    ///   - dataset: the data a data lab's plots show (rebuilt from the config).
    ///   - recordPath: where a fork is recorded (`--record`); untouched unless one is made.
    init(file: RunFile, index: RunIndex, name: String, dataset: LabDataset, theme: Theme, recordPath: String?, mouse: Bool = true) {
        self.mouse = mouse
        self.file = file
        frames = ReplayFrames(index: index, name: name)
        builder = FrameBuilder(config: file.config, dataset: dataset)
        view = ViewState(main: file.config.lab == .quadratic ? .data : .plane)
        view.replay = true
        player = ReplayPlayer(lastPosition: index.lastPosition)
        if file.warning != nil {
            // RunFile's warning, short enough for the status bar (the file is named in the inspector).
            let last = index.records.last?.epoch ?? 0
            player.note = ReplayPlayer.Note(text: "cut short: recovered \(index.count) epoch\(index.count == 1 ? "" : "s") (through epoch \(last))",
                                            isWarning: true)
        }
        self.theme = theme
        self.dataset = dataset
        self.recordPath = recordPath
    }

    /// Runs until the user quits, a signal arrives, or a fork's live lab ends;
    /// returns the exit status.
    func run(on existing: (any TerminalBackend)? = nil) async throws(GradlabError) -> Int32 {
        let terminal: any TerminalBackend
        do {
            terminal = try existing ?? Terminal.start()
        } catch {
            throw GradlabError("\(error)")
        }
        defer { terminal.restore() }
        terminal.setMouseReporting(mouse)
        var changed = true
        var lastTick = ContinuousClock.now
        while true {
            if let signal = terminal.pendingSignal { return 128 + signal }
            if let event = terminal.nextEvent(timeoutMilliseconds: 10) {
                if !PlaneGestures.isIdleMotion(event, pointer) { changed = true }
                switch event {
                case .key(let key):
                    switch player.handle(key, index: frames.index) {
                    // Ctrl-C interrupts (130, as headless); q quits (0).
                    case .quit: return key == .ctrl("c") ? 130 : 0
                    case .fork:
                        if let status = try await fork(on: terminal) { return status }
                    case .view(let action): apply(action)
                    case .handled, .ignored: break
                    }
                case .mouse(let mouse): handleMouse(mouse, on: terminal)
                case .paste, .resize: break
                }
            }
            let now = ContinuousClock.now
            if now - lastTick >= .milliseconds(33) {
                lastTick = now
                if player.tick() { changed = true }
            }
            if changed {
                draw(on: terminal, message: nil)
                changed = false
            }
        }
    }

    /// The mouse in a replay: the plane's zoom, pan and selection, as live
    /// (a recording cannot take new points).
    private func handleMouse(_ mouse: MouseEvent, on terminal: any TerminalBackend) {
        if PlaneGestures.isIdleMotion(.mouse(mouse), pointer) { return }
        if view.showHelp {
            if let action = PlaneGestures.underHelp(mouse) { apply(action) }
            return
        }
        let run = frames.runView(at: player.position)
        let (width, height) = terminal.size
        let model = frames.model(player: player, view: view, builder: &builder, status: file.status, width: width, height: height)
        guard let hits = HitMap(model: model, width: width, height: height) else { return }
        var gesture = pointer
        let result = PlaneGestures.apply(mouse, hits: hits, view: &view, run: run, pointer: &gesture, replay: true,
                                         landscape: file.config.lab == .landscape)
        pointer = gesture
        switch result {
        case .runPause: _ = player.apply(.runPause)
        case .message(let text, let warning): player.note = ReplayPlayer.Note(text: text, isWarning: warning)
        case .dropPoint, .setParameters, .selected, .none: break
        }
    }

    /// The frame builder for the f shown at this position (`:f` in the recording).
    private func follow(_ function: FunctionChange?) {
        var config = file.config
        if let function {
            config.function = function.expression
            config.functionName = function.name
            config.domain = function.domain
        }
        guard config.function != builder.config.function || config.domain != builder.config.domain else { return }
        builder = FrameBuilder(config: config, dataset: dataset)
        view.planeRange = nil
    }

    /// Where a middle-button drag started (pan).
    private var pointer = PointerState()

    /// View keys, as in the live lab.
    private func apply(_ action: Action) {
        switch action {
        case .exportFigures, .captureScreen:
            let run = frames.runView(at: player.position)
            let result = action == .exportFigures
                ? FigureKeys.writeFigures(builder: builder, run: run, view: view, theme: theme)
                : lastScreen.map { FigureKeys.writeCapture($0, lab: file.config.lab, epoch: run.epoch, theme: theme) }
                    ?? .done(message: "E: nothing drawn yet", warning: true)
            if case .done(let message?, let warning) = result { player.note = ReplayPlayer.Note(text: message, isWarning: warning) }
        case .selectNext, .selectPrevious:
            let count = max(1, frames.index.records[player.position].points?.count ?? 1)
            view.selected = (view.selected + (action == .selectNext ? 1 : count - 1)) % count
        default:
            let run = frames.runView(at: player.position)
            if case .done(let message?, let warning) = builder.apply(action, to: &view, run: run, inspector: inspectorExtent) {
                player.note = ReplayPlayer.Note(text: message, isWarning: warning)
            }
        }
    }

    /// One frame; `message` (a fork's progress) overrides the status message.
    private func draw(on terminal: any TerminalBackend, message: (String, Bool)?) {
        let (width, height) = terminal.size
        follow(frames.index.state(at: player.position)?.function)
        let model = frames.model(player: player, view: view, builder: &builder, status: file.status,
                                 message: message, width: width, height: height)
        var screen = Dashboard.render(model, width: width, height: height, theme: theme, caps: terminal.capabilities)
        var help = HelpOverlay(bindings: Keymap.replay, title: "Replay keys")
        help.scroll = view.helpScroll
        let showsHelp = view.showHelp && Dashboard.layout(for: model, width: width, height: height) != nil
        inspectorExtent = InspectorExtent(model: model, width: width, height: height, help: showsHelp ? help : nil,
                                          caps: terminal.capabilities)
        if showsHelp { help.render(into: &screen, area: Dashboard.helpArea(of: screen.bounds), theme: theme, caps: terminal.capabilities) }
        terminal.draw(screen)
        lastScreen = screen
    }

    /// Re-runs the recording to the epoch shown, then runs the live lab on
    /// the same terminal. Returns the live lab's exit status, or nil when the
    /// fork failed or was cancelled (the replay goes on, with a note).
    private func fork(on terminal: any TerminalBackend) async throws(GradlabError) -> Int32? {
        let position = player.position
        let epoch = frames.index.records[position].epoch
        var recorder: Recorder?
        if let recordPath {
            do {
                recorder = try Recorder(path: recordPath, config: file.config)
            } catch {
                player.note = ReplayPlayer.Note(text: "fork: \(error.message)", isWarning: true)
                return nil
            }
        }
        let box = ForkBox()
        let file = self.file, index = frames.index, sinks: [any EventSink] = recorder.map { [$0] } ?? []
        let task = Task.detached {
            let result: Result<ForkResult, GradlabError>
            do throws(GradlabError) {
                result = .success(try await RunFork.rerun(file, index: index, through: position, sinks: sinks) {
                    box.epochs.store($0, ordering: .relaxed)
                })
            } catch {
                result = .failure(error)
            }
            box.result.withLock { $0 = result }
        }
        // Keep drawing (and let Esc, q or a signal cancel) while the re-run works.
        var signal: Int32?
        var finished: Result<ForkResult, GradlabError>?
        while finished == nil {
            if let received = terminal.pendingSignal { signal = received }
            let key = terminal.nextEvent(timeoutMilliseconds: 30)?.key
            if signal != nil || key == .escape || key == .character("q") || key == .ctrl("c") { task.cancel() }
            let done = box.epochs.load(ordering: .relaxed)
            draw(on: terminal, message: ("forking: re-running epoch \(done) of \(epoch)…  Esc cancels", false))
            finished = box.result.withLock { $0 }
        }
        if let signal {
            recorder?.finish(status: "interrupted")
            return 128 + signal
        }
        switch finished {
        case .success(let fork)?:
            var history = RunView()
            history.lr = file.config.optimizer.lr
            history.optimizer = file.config.optimizer.summary
            for event in fork.events {
                history.apply(event, groups: file.config.groups.count, pathOf: FrameBuilder.pathPoint)
            }
            history.message = "forked from \(frames.name) @ epoch \(epoch)" + (fork.mismatch.map { "; re-run differs: \($0)" } ?? "")
            history.messageIsWarning = fork.mismatch != nil
            let app = await LabApp(session: fork.session, config: await fork.session.config, dataset: dataset, theme: theme,
                                   recordPath: recordPath, history: history, mouse: mouse)
            terminal.invalidate()
            return try await app.run(on: terminal)
        case .failure(let error)?:
            recorder?.finish(status: "interrupted")
            player.note = ReplayPlayer.Note(text: "fork: \(error.message)", isWarning: true)
            return nil
        case nil:
            return nil
        }
    }
}

/// Shared between a fork's re-run task and the UI: progress and the result.
private final class ForkBox: Sendable {
    let epochs = Atomic<Int>(0)
    let result = Mutex<Result<ForkResult, GradlabError>?>(nil)
}
