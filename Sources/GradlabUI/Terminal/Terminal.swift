import CGradlabSignals
import CNcurses
import Foundation

/// Why the full-screen interface cannot start.
public enum TerminalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// stdin or stdout is not a terminal (a pipe, a file, CI): `stdin` and
    /// `stdout` say which is not.
    case notATerminal(stdin: Bool, stdout: Bool)
    /// `TERM` is unset, empty or `dumb`.
    case unsupportedTerminal(term: String)
    /// ncurses could not start (an unknown `TERM`, no terminfo).
    case initializationFailed(reason: String)

    public var description: String {
        switch self {
        case .notATerminal(let stdin, let stdout):
            let which = stdin && stdout ? "stdin and stdout are not TTYs" : stdin ? "stdin is not a TTY" : "stdout is not a TTY"
            return "gradlab needs an interactive terminal (\(which)); use --headless to run without one"
        case .unsupportedTerminal(let term):
            let name = term.isEmpty ? "TERM is not set" : "TERM=\(term) cannot draw a full-screen interface"
            return "\(name); set TERM (e.g. xterm-256color) or use --headless"
        case .initializationFailed(let reason):
            return "cannot start the terminal interface: \(reason); use --headless to run without one"
        }
    }
}

/// The ncurses backend: the only code that talks to the terminal.
///
/// Every call must come from the main thread (ncurses is not thread-safe),
/// which the main-actor isolation enforces. Signals are caught off the main
/// thread but only recorded; the main loop polls ``pendingSignal``, and
/// ``nextEvent(timeoutMilliseconds:)`` acts on a recorded SIGTSTP (see
/// ``suspend()``).
///
/// ```swift
/// let terminal = try Terminal.start()
/// defer { terminal.restore() }
/// while true {
///     if terminal.pendingSignal != nil { break }
///     let size = terminal.size
///     terminal.draw(Dashboard.render(model, width: size.width, height: size.height,
///                                    theme: theme, caps: terminal.capabilities))
///     if let key = terminal.readKey(timeoutMilliseconds: 16) { ... }
/// }
/// ```
@MainActor
public final class Terminal {
    /// Colours and glyphs detected at start.
    public let capabilities: Capabilities
    /// Columns and rows, updated when a `.resize` key is read.
    public private(set) var size: (width: Int, height: Int)

    private let screenHandle: OpaquePointer
    private let files: [UnsafeMutablePointer<FILE>]
    private let signals: SignalMonitor?
    private let interactive: Bool
    /// Whether Ctrl-Z and SIGTSTP suspend the app (SIGTSTP is caught: it is
    /// not ignored by whoever started gradlab).
    let suspendable: Bool
    /// Whether mouse reports were asked for (``setMouseReporting(_:)``), to
    /// ask again after a stop.
    var mouseReporting = false
    /// Whether this is the user's terminal (not ``offscreen(width:height:term:colorMode:)``).
    var isInteractive: Bool { interactive }
    private var restored = false
    /// The last frame drawn; nil forces a full repaint.
    var previous: Screen?
    var palette: TerminalPalette
    /// Writes frames as escape sequences (nil: through ncurses); see ``FrameWriter``.
    let encoder: FrameEncoder?
    /// Where the encoder's bytes go: the terminal's file descriptor.
    let outputDescriptor: Int32
    /// Reused between frames so a frame allocates nothing.
    var outputBuffer: [UInt8] = []

    /// How frames reach the terminal.
    public var writer: FrameWriter { encoder == nil ? .ncurses : .direct }

    private init(screen: OpaquePointer, files: [UnsafeMutablePointer<FILE>], capabilities: Capabilities,
                 interactive: Bool, suspendable: Bool = false, signals: SignalMonitor?, writer: FrameWriter,
                 output: Int32) {
        screenHandle = screen
        self.files = files
        self.capabilities = capabilities
        self.interactive = interactive
        self.suspendable = suspendable
        self.signals = signals
        size = (Int(gl_cols()), Int(gl_lines()))
        palette = TerminalPalette(mode: capabilities.colorMode)
        outputDescriptor = output
        if writer == .direct {
            encoder = FrameEncoder(colorMode: capabilities.colorMode, terminalColors: Int(gl_colors()),
                                   asciiOnly: capabilities.glyphs == .ascii)
            // ncurses clears the screen on its first refresh: let it do so
            // now, not in the first key read after a frame is up. From here
            // stdscr is never written, so ncurses sends nothing of its own.
            wnoutrefresh(gl_stdscr())
            doupdate()
        } else {
            encoder = nil
        }
    }

    /// Takes over the terminal: UTF-8 check, raw keys, no echo, hidden cursor, colours.
    ///
    /// Ctrl-C arrives as the key `.ctrl("c")` (raw mode), not as a signal.
    /// SIGINT, SIGTERM and SIGHUP sent from outside are reported by
    /// ``pendingSignal``; the app should then ``restore()`` and exit.
    /// Ctrl-Z, and SIGTSTP sent from outside, suspend the app inside
    /// ``nextEvent(timeoutMilliseconds:)`` (``suspend()``).
    /// - Parameter environment: the process environment (for `TERM`, `NO_COLOR`, `COLORTERM`).
    /// - Throws: ``TerminalError`` when there is no usable terminal.
    public static func start(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(TerminalError) -> Terminal {
        let stdinIsTTY = isatty(STDIN_FILENO) == 1, stdoutIsTTY = isatty(STDOUT_FILENO) == 1
        guard stdinIsTTY, stdoutIsTTY else { throw .notATerminal(stdin: !stdinIsTTY, stdout: !stdoutIsTTY) }
        let term = environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else { throw .unsupportedTerminal(term: term) }

        // Before ncurses starts, or it assumes the C locale and drops every
        // non-ASCII glyph.
        setlocale(LC_ALL, "")
        let utf8 = gl_locale_is_utf8() != 0
        // From here every way out (a stop signal, a crash, a trap) puts the
        // terminal back: these modes, and the screen left (docs/reliability.md).
        gradlab_signals_install()
        gradlab_terminal_taken(Self.fallbackRestoreSequence)
        // Before newterm: ncurses installs its own SIGTSTP handler where the
        // action is the default, and that one repaints ncurses' (empty)
        // screen on fg, not the frame the direct writer drew.
        let suspendable = gradlab_suspend_catch() != 0
        // newterm, unlike initscr, returns nil instead of exiting the process.
        guard let screen = newterm(nil, gl_stdout(), gl_stdin()) else {
            gradlab_terminal_given_back()
            if gradlab_suspend_release() != 0 { gradlab_suspend_now() }
            throw .initializationFailed(reason: "ncurses does not know TERM=\(term)")
        }
        set_term(screen)
        atexit { gl_endwin_if_active() }
        let caps = setUp(environment: environment, utf8: utf8)
        gradlab_terminal_sequence(restoreSequence())
        let signals = SignalMonitor(signals: [SIGINT, SIGTERM, SIGHUP, SIGQUIT])
        let terminal = Terminal(screen: screen, files: [], capabilities: caps, interactive: true,
                                suspendable: suspendable, signals: signals,
                                writer: FrameWriter.choose(environment: environment), output: STDOUT_FILENO)
        terminal.setBracketedPaste(true)
        // From here a SIGCONT (after a `kill -STOP` nothing here could see
        // coming) brings a whole frame back (``resumeAfterStop()``).
        gradlab_continue_catch()
        return terminal
    }

    /// A terminal that writes to `/dev/null`: a real ncurses screen with no
    /// TTY, so benchmarks can time a flush and tests can exercise the backend.
    /// - Parameters:
    ///   - width: columns.
    ///   - height: rows.
    ///   - term: the terminfo entry to emulate.
    ///   - colorMode: forced, since there is no environment to detect from.
    ///   - writer: how frames are sent (``FrameWriter/direct`` falls back to
    ///     ncurses where terminfo does not allow it, as on a real terminal).
    public static func offscreen(
        width: Int, height: Int, term: String = "xterm-256color", colorMode: ColorMode = .palette256,
        writer: FrameWriter = .direct
    ) throws(TerminalError) -> Terminal {
        setlocale(LC_ALL, "")
        if gl_locale_is_utf8() == 0 { setlocale(LC_CTYPE, "C.UTF-8") }
        guard let output = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else {
            throw .initializationFailed(reason: "cannot open /dev/null")
        }
        guard let screen = newterm(term, output, input) else {
            fclose(output)
            fclose(input)
            throw .initializationFailed(reason: "ncurses does not know TERM=\(term)")
        }
        set_term(screen)
        _ = setUp(environment: [:], utf8: true)
        resizeterm(Int32(height), Int32(width))
        let caps = Capabilities(colorMode: colorMode, glyphs: .braille)
        let chosen: FrameWriter = writer == .direct && FrameWriter.terminfoAllowsDirect() ? .direct : .ncurses
        return Terminal(screen: screen, files: [output, input], capabilities: caps, interactive: false, signals: nil,
                        writer: chosen, output: fileno(output))
    }

    /// What leaves full-screen mode on an xterm-like terminal (attributes
    /// off, mouse reports off, cursor shown, main screen back), used until
    /// terminfo is loaded.
    static let fallbackRestoreSequence = "\u{1B}[0m\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1003l\u{1B}[?1006l\u{1B}[?2004l\u{1B}[?25h\u{1B}[?1049l"

    /// The terminal's own sequences for the same (sgr0, cnorm, rmcup), plus
    /// the mouse modes off; the fallback where terminfo has none.
    private static func restoreSequence() -> String {
        var sequence = "\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1003l\u{1B}[?1006l\u{1B}[?2004l"
        var found = 0
        for capability in ["sgr0", "cnorm", "rmcup"] {
            guard let value = tigetstr(capability), Int(bitPattern: value) != -1 else { continue }
            sequence += String(cString: value)
            found += 1
        }
        return found == 3 ? sequence : fallbackRestoreSequence
    }

    /// Modes shared by both kinds of terminal; returns what was detected.
    private static func setUp(environment: [String: String], utf8: Bool) -> Capabilities {
        raw()
        noecho()
        nonl()
        keypad(gl_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        var colors = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(gl_colors())
        }
        return Capabilities.detect(environment: environment, terminalColors: colors, utf8: utf8)
    }

    /// A signal (SIGINT, SIGTERM, SIGHUP) received since the last call, if any.
    public var pendingSignal: Int32? { signals?.take() }

    /// Forgets the last frame so the next ``draw(_:)`` repaints everything.
    public func invalidate() {
        previous = nil
    }

    /// Gives the terminal back: leaves curses mode, shows the cursor, stops
    /// catching signals. Safe to call more than once and on every exit path.
    public func restore() {
        guard !restored else { return }
        restored = true
        signals?.cancel()
        if interactive { gradlab_continue_release() }
        set_term(screenHandle)
        curs_set(1)
        if interactive { gl_bracketed_paste(0) }
        endwin()
        if interactive { gradlab_terminal_given_back() }
        // A SIGTSTP not acted on yet is honoured now that the terminal is
        // given back: the process stops before it ends, as asked.
        if suspendable, gradlab_suspend_release() != 0 { gradlab_suspend_now() }
        if !interactive {
            delscreen(screenHandle)
            for file in files { fclose(file) }
        }
    }

    /// Suspends the app as Ctrl-Z suspends a program in a shell: gives the
    /// terminal back (its modes, the normal screen, the cursor shown, mouse
    /// reports and bracketed paste off), stops the process group, and once it
    /// is continued (`fg`) takes the terminal again.
    ///
    /// Called on the main thread by ``nextEvent(timeoutMilliseconds:)`` for
    /// the Ctrl-Z key and for a SIGTSTP the handler recorded. The screen the
    /// terminal shows after `fg` is ncurses' own (cleared), so the last frame
    /// is forgotten and ``size`` re-read (the terminal may have been resized
    /// meanwhile): the returned resize event makes the app draw a whole frame
    /// at once.
    func suspend() -> InputEvent {
        set_term(screenHandle)
        gl_bracketed_paste(0)
        // ncurses leaves its modes: the shell's modes back, the cursor shown,
        // mouse reports off, the alternate screen left.
        endwin()
        gradlab_terminal_given_back()
        gradlab_suspend_now()
        // Continued. From here every way out restores the terminal again.
        gradlab_terminal_taken(Self.restoreSequence())
        // The first refresh after endwin takes the terminal again: program
        // modes, the alternate screen (cleared), mouse reports, and the
        // screen's size if it changed while stopped.
        doupdate()
        curs_set(0)
        gl_bracketed_paste(1)
        size = (Int(gl_cols()), Int(gl_lines()))
        previous = nil
        return .resize(width: size.width, height: size.height)
    }

    /// Takes the terminal again after the process was stopped and continued
    /// from outside (`kill -STOP`, then `kill -CONT` or a shell's `fg`):
    /// SIGSTOP cannot be caught, so nothing gave the terminal back, and
    /// whatever ran meanwhile may have drawn over the frame or put back its
    /// own modes (a job-control shell does, on the stop).
    ///
    /// Called on the main thread by ``nextEvent(timeoutMilliseconds:)`` for
    /// a SIGCONT the handler recorded (never in the handler: ncurses is not
    /// async-signal-safe). The program's terminal modes go back (raw keys, no
    /// echo), the cursor is hidden and bracketed paste and mouse reports are
    /// asked for again, the last frame is forgotten and ``size`` re-read: the
    /// returned resize event makes the app draw a whole frame at once (the
    /// ncurses writer clears with `clearok`, the direct one clears and writes
    /// every cell).
    func resumeAfterStop() -> InputEvent {
        set_term(screenHandle)
        reset_prog_mode()
        // ncurses sends no cursor change it believes is made already.
        curs_set(1)
        curs_set(0)
        if mouseReporting {
            gl_mouse_reporting(0)
            gl_mouse_reporting(1)
        }
        gl_bracketed_paste(1)
        doupdate()
        size = (Int(gl_cols()), Int(gl_lines()))
        previous = nil
        return .resize(width: size.width, height: size.height)
    }

    // MARK: - Input

    /// Waits up to `timeoutMilliseconds` for a key (0 polls, negative waits
    /// forever); anything else (a mouse report) reads as nil. See
    /// ``nextEvent(timeoutMilliseconds:)`` for every kind of input.
    ///
    /// On `.resize`, ``size`` already holds the new size and the next frame is
    /// repainted in full.
    public func readKey(timeoutMilliseconds: Int) -> Key? {
        nextEvent(timeoutMilliseconds: timeoutMilliseconds).flatMap { event in
            if case .resize = event { return .resize }
            return event.key
        }
    }

    /// What `wget_wch` returned: a `KEY_*` code or a character.
    enum InputCode {
        case function(Int32)
        case character(UInt32)
    }

    /// Waits for one code from ncurses; keeps ``size`` current on a resize.
    func readCode(timeoutMilliseconds: Int) -> InputCode? {
        guard !restored else { return nil }
        wtimeout(gl_stdscr(), Int32(clamping: timeoutMilliseconds))
        var code: wint_t = 0
        let status = wget_wch(gl_stdscr(), &code)
        if status == gl_err() { return nil }
        if status == gl_key_code_yes() {
            let value = Int32(bitPattern: code)
            if value == gl_key_resize() {
                size = (Int(gl_cols()), Int(gl_lines()))
                previous = nil
                // ncurses resized (and may clear) its own screen: let it
                // finish now, before the next frame repaints everything.
                if encoder != nil {
                    wnoutrefresh(gl_stdscr())
                    doupdate()
                }
            }
            return .function(value)
        }
        return .character(UInt32(code))
    }

    /// Keys ncurses reports as `KEY_*` codes.
    nonisolated static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case gl_key_resize(): return .resize
        case gl_key_up(): return .up
        case gl_key_down(): return .down
        case gl_key_left(): return .left
        case gl_key_right(): return .right
        case gl_key_btab(): return .backTab
        case gl_key_enter(): return .enter
        case gl_key_home(): return .home
        case gl_key_end(): return .end
        case gl_key_ppage(): return .pageUp
        case gl_key_npage(): return .pageDown
        case gl_key_backspace(): return .backspace
        case gl_key_dc(): return .delete
        case (gl_key_f0() + 1)...(gl_key_f0() + 63): return .function(Int(code - gl_key_f0()))
        default: return nil
        }
    }

    /// Keys that arrive as characters; control codes become named keys.
    nonisolated static func characterKey(_ code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return Unicode.Scalar(code + 0x60).map { .ctrl(Character($0)) }
        default: return Unicode.Scalar(code).map { .character(Character($0)) }
        }
    }
}
