/// A key press as the terminal reports it.
public enum Key: Hashable, Sendable {
    /// A printable character, including space (`.character(" ")`).
    case character(Character)
    /// A control chord, by its lowercase letter: Ctrl-C is `.ctrl("c")`.
    case ctrl(Character)
    case up, down, left, right
    case tab, backTab, enter, escape, backspace, delete
    case home, end, pageUp, pageDown
    /// F1 is `.function(1)`.
    case function(Int)
    /// The terminal changed size (ncurses `KEY_RESIZE`); ask ``Terminal/size`` for the new one.
    case resize

    /// How the help screen writes the key.
    public func displayName(glyphs: GlyphSet = .braille) -> String {
        let ascii = glyphs == .ascii
        switch self {
        case .character(" "): return "space"
        case .character(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .up: return ascii ? "Up" : "↑"
        case .down: return ascii ? "Down" : "↓"
        case .left: return ascii ? "Left" : "←"
        case .right: return ascii ? "Right" : "→"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .function(let n): return "F\(n)"
        case .resize: return "resize"
        }
    }
}

/// Something the user asked for. The app maps each to a Session command or a view change.
public enum Action: String, Hashable, Sendable, CaseIterable {
    case stepOnce
    case runPause
    case lrUpQuarter
    case lrDownQuarter
    case lrUpDecade
    case lrDownDecade
    case epochsPerFrameUp
    case epochsPerFrameDown
    case nextOptimizer
    case nextDevice
    case switchView
    case toggleLogScale
    case resetNewSeed
    /// Back to epoch 0 from the same starts and data (compare settings from identical points).
    case restartSameStarts
    /// After a divergence: back to the last finite epoch.
    case rewind
    /// The landscape's shading: linear, log of (f − f_min), quantiles.
    case cycleShading
    /// Curvature guides at the selected point: −∇f, the Hessian's axes, the next step.
    case toggleGuides
    /// Zoom the plane out to hold every point; ``domainView`` goes back.
    case fitView
    case domainView
    /// Scroll the inspector a line or a page (it takes the focus).
    case scrollDown
    case scrollUp
    case pageDown
    case pageUp
    case focusNext
    case focusPrevious
    case selectNext
    case selectPrevious
    /// Under `--compare`: the same point of the next (previous) group.
    case selectNextGroup
    case selectPreviousGroup
    case save
    case toggleBasins
    case nextParameterPair
    case help
    /// Close the help overlay (or whatever is open); no-op otherwise.
    case dismiss
    case quit
    /// Ctrl-Z: suspend to the shell (`fg` resumes). The terminal backend
    /// acts on it where keys are read (``Terminal/suspend()``), in every
    /// mode; it reaches an app only where it cannot (SIGTSTP ignored).
    case suspend
    // Replay only (``Keymap/replay``).
    case stepBack
    case jumpToStart
    case jumpToEnd
    /// Start typing an epoch number to go to.
    case goToEpoch
    /// Continue training live from the replayed epoch.
    case fork
    // Figures (docs/figures.md), live and in a replay.
    /// Write the current view's figures as SVG files.
    case exportFigures
    /// Write the screen as it is, in colour, as an SVG of text cells.
    case captureScreen
    /// Open the `:` command line.
    case commandLine
    // The command line's and the go-to prompt's editing (``Keymap/commandLine``).
    /// Run the line (the command, or the epoch to go to).
    case submitLine
    /// Leave the prompt, changing nothing.
    case cancelLine
    case historyPrevious
    case historyNext
    /// Complete the command or function name under the cursor.
    case complete
    case deleteBackward
    case cursorLeft
    case cursorRight
    case lineStart
    case lineEnd
    // Mouse gestures (``Keymap/mouse``): the help lists them with the keys.
    /// Click on the plane: a new start point there (a data lab: the parameters there).
    case dropPoint
    /// Right-click (or shift-click) on the plane: select the nearest point.
    case selectNearest
    /// Wheel on the plane: zoom around the cursor.
    case zoomAtCursor
    /// Middle-drag on the plane: pan.
    case pan
    /// Click on the status bar: run / pause.
    case statusClick
    /// Click on a pane: focus it.
    case focusPane
}

/// Which table the keys are looked up in: the app's input mode.
public enum InputMode: String, Hashable, Sendable, CaseIterable {
    /// The panes: ``Keymap/default`` (``Keymap/replay`` in a replay).
    case normal
    /// Typing a `:` command (``Keymap/commandLine``).
    case commandLine
    /// Typing an epoch to go to in a replay (``Keymap/goTo``).
    case goTo
}

/// Sections of the help screen.
public enum KeyGroup: String, Hashable, Sendable, CaseIterable {
    /// Replay: playing and seeking a recording.
    case playback = "Playback"
    case training = "Training"
    case learningRate = "Learning rate"
    case model = "Optimizer & device"
    case view = "View"
    case navigation = "Navigation"
    case app = "App"
    case mouse = "Mouse"
    /// Editing keys of the `:` prompt (and the replay's go-to prompt).
    case commandLine = "Command line"
    /// The `:` commands.
    case commands = "Commands (:)"
}

/// Keys, the action they trigger, and the help line that describes them.
public struct KeyBinding: Hashable, Sendable {
    public var keys: [Key]
    public var action: Action
    public var help: String
    public var group: KeyGroup
    /// What the help writes in place of keys: a mouse gesture (`wheel`) or
    /// a command's form (`:lr X`).
    public var gesture: String?

    public init(_ keys: [Key], _ action: Action, _ help: String, group: KeyGroup) {
        self.keys = keys
        self.action = action
        self.help = help
        self.group = group
    }

    /// A binding that is not a key: a mouse gesture or a command.
    public init(gesture: String, _ action: Action, _ help: String, group: KeyGroup) {
        self.init([], action, help, group: group)
        self.gesture = gesture
    }

    /// The keys as the help screen writes them, e.g. `space .`.
    public func keyText(glyphs: GlyphSet = .braille) -> String {
        gesture ?? keys.map { $0.displayName(glyphs: glyphs) }.joined(separator: " ")
    }
}
