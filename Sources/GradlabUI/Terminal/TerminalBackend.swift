import CGradlabSignals
import CNcurses
import Foundation

/// What an app needs of a terminal: input as ``InputEvent``s, its size and
/// capabilities, and a place to draw frames. ``Terminal`` (ncurses) is the
/// real one; ``ScriptedBackend`` plays a fixed script for tests (as
/// ratatui's TestBackend), so whole sessions run without a TTY.
@MainActor
public protocol TerminalBackend: AnyObject {
    var size: (width: Int, height: Int) { get }
    var capabilities: Capabilities { get }
    /// Waits up to `timeoutMilliseconds` for the next event (0 polls).
    func nextEvent(timeoutMilliseconds: Int) -> InputEvent?
    func draw(_ screen: Screen)
    /// Forgets the last frame so the next draw repaints everything.
    func invalidate()
    /// A stop signal received since the last call (SIGINT, SIGTERM, ...).
    var pendingSignal: Int32? { get }
    /// Mouse reports on or off (off: the terminal's own text selection works).
    func setMouseReporting(_ on: Bool)
    /// Gives the terminal back (idempotent).
    func restore()
}

extension Terminal: TerminalBackend {
    /// Also where Ctrl-Z (raw mode delivers it as a key) and a SIGTSTP sent
    /// from outside suspend the app: the call returns once it is continued,
    /// with a resize event so the app draws a whole frame (``suspend()``).
    /// A SIGCONT after a stop from outside (`kill -STOP`) returns the same
    /// event (``resumeAfterStop()``).
    public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        if suspendable, gradlab_suspend_take() != 0 { return suspend() }
        if isInteractive, gradlab_continue_take() != 0 { return resumeAfterStop() }
        guard let code = readCode(timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        switch code {
        case .function(let value) where value == gl_key_mouse():
            return Self.mouseEvent()
        case .function(let value) where value == gl_key_paste_start():
            return readPaste()
        case .function(let value) where value == gl_key_paste_end():
            return nil
        case .function(let value):
            guard let key = Self.functionKey(value) else { return nil }
            if key == .resize { return .resize(width: size.width, height: size.height) }
            return .key(key)
        case .character(26) where suspendable:
            return suspend()
        case .character(let value):
            return Self.characterKey(value).map(InputEvent.key)
        }
    }

    /// The text up to the paste's end marker (or a pause of a second, or
    /// 1 MB: a terminal that never sends the end does not hang the app).
    private func readPaste() -> InputEvent {
        var text = ""
        while text.utf8.count < 1 << 20, let code = readCode(timeoutMilliseconds: 1000) {
            switch code {
            case .function(let value) where value == gl_key_paste_end(): return .paste(text)
            case .function(let value):
                if Self.functionKey(value) == .enter { text.append("\n") }
            case .character(let value):
                if value == 13 { text.append("\n") } else if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
            }
        }
        return .paste(text)
    }

    /// The pending ncurses mouse report as an event.
    private static func mouseEvent() -> InputEvent? {
        var x: Int32 = 0, y: Int32 = 0, button: Int32 = 0, kind: Int32 = 0, shift: Int32 = 0, control: Int32 = 0
        guard gl_read_mouse(&x, &y, &button, &kind, &shift, &control) == 0 else { return nil }
        let buttons: [Int32: MouseButton] = [1: .left, 2: .middle, 3: .right, 4: .wheelUp, 5: .wheelDown]
        let kinds: [Int32: MouseEvent.Kind] = [0: .press, 1: .release, 2: .motion]
        return .mouse(MouseEvent(kinds[kind] ?? .motion, buttons[button] ?? .none, column: Int(x), row: Int(y),
                                 shift: shift != 0, control: control != 0))
    }

    public func setMouseReporting(_ on: Bool) {
        mouseReporting = on
        gl_mouse_reporting(on ? 1 : 0)
    }

    /// Pastes as one ``InputEvent/paste(_:)`` (bracketed paste mode), for an interactive terminal.
    public func setBracketedPaste(_ on: Bool) {
        guard isInteractive else { return }
        gl_bracketed_paste(on ? 1 : 0)
    }
}

/// A terminal that plays a script: each event is delivered once a frame
/// has been drawn since the one before, the first once there is a frame
/// (a click needs a frame to land on),
/// and every frame drawn is kept, so a test can read what the user saw.
/// When the script runs out it delivers `then` (`q` by default) forever.
@MainActor
public final class ScriptedBackend: TerminalBackend {
    public enum Step: Sendable {
        case event(InputEvent)
        /// Delivers nothing for `milliseconds`, so training can run.
        case wait(milliseconds: Int)
        /// Delivers nothing until a frame drawn satisfies `condition` (or
        /// `timeoutMilliseconds` pass; ``timedOut`` then says so).
        case until(timeoutMilliseconds: Int, _ condition: @Sendable (Screen) -> Bool)
    }

    public private(set) var size: (width: Int, height: Int)
    public let capabilities: Capabilities
    public private(set) var frames: [Screen] = []
    public private(set) var mouseReporting = false
    private var steps: [Step]
    private let then: InputEvent
    /// Whether a frame was drawn since the last event (the first event waits for the first frame).
    private var drawnSinceLast = false
    private var waitingUntil: ContinuousClock.Instant?
    private var condition: (test: @Sendable (Screen) -> Bool, deadline: ContinuousClock.Instant)?
    /// Each ``Step/until(timeoutMilliseconds:_:)`` that was never met, by its
    /// 0-based index in the script.
    public private(set) var timedOut: [Int] = []
    private var stepIndex = 0

    public init(width: Int = 100, height: Int = 30, capabilities: Capabilities = Capabilities(colorMode: .monochrome, glyphs: .braille),
                script: [Step], then: InputEvent = .key(.character("q"))) {
        size = (width, height)
        self.capabilities = capabilities
        steps = script
        self.then = then
    }

    /// The last frame drawn.
    public var lastFrame: Screen? { frames.last }

    public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        let event = scriptedEvent()
        // Nothing to deliver: wait as a terminal read does (up to 10 ms), so
        // the app's loop does not spin while the tasks it waits for run.
        if event == nil, timeoutMilliseconds > 0 { Thread.sleep(forTimeInterval: Double(min(timeoutMilliseconds, 10)) / 1000) }
        return event
    }

    private func scriptedEvent() -> InputEvent? {
        if let until = waitingUntil {
            guard ContinuousClock.now >= until else { return nil }
            waitingUntil = nil
        }
        if let (test, deadline) = condition {
            let met = frames.last.map(test) ?? false
            guard met || ContinuousClock.now >= deadline else { return nil }
            if !met { timedOut.append(stepIndex - 1) }
            condition = nil
        }
        guard drawnSinceLast else { return nil }
        guard !steps.isEmpty else { return then }
        stepIndex += 1
        switch steps.removeFirst() {
        case .wait(let milliseconds):
            waitingUntil = .now + .milliseconds(milliseconds)
            return nil
        case .until(let timeout, let test):
            condition = (test, .now + .milliseconds(timeout))
            return nil
        case .event(let event):
            drawnSinceLast = false
            if case .resize(let width, let height) = event { size = (width, height) }
            return event
        }
    }

    public func draw(_ screen: Screen) {
        frames.append(screen)
        if frames.count > 8 { frames.removeFirst(frames.count - 8) }
        drawnSinceLast = true
    }

    public func invalidate() {}
    public var pendingSignal: Int32? { nil }
    public func setMouseReporting(_ on: Bool) { mouseReporting = on }
    public func restore() {}
}
