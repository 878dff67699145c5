/// The one table of key bindings: key handling and the help overlay both read it,
/// so the help can never disagree with what the keys do.
public enum Keymap {
    /// Every binding, in help-screen order.
    public static let `default`: [KeyBinding] = [
        KeyBinding([.character(" "), .character(".")], .stepOnce, "step one epoch", group: .training),
        KeyBinding([.character("r"), .enter], .runPause, "run / pause training", group: .training),
        KeyBinding([.character("n")], .epochsPerFrameUp, "more epochs per frame", group: .training),
        KeyBinding([.character("N")], .epochsPerFrameDown, "fewer epochs per frame", group: .training),
        KeyBinding([.character("R")], .resetNewSeed, "reset with a new seed", group: .training),
        KeyBinding([.character("x")], .restartSameStarts, "restart, same starts", group: .training),
        KeyBinding([.character("u")], .rewind, "rewind to the last finite epoch", group: .training),
        KeyBinding([.character("s")], .save, "save a checkpoint", group: .training),

        KeyBinding([.character("+"), .character("=")], .lrUpQuarter, "lr up a quarter decade", group: .learningRate),
        KeyBinding([.character("-")], .lrDownQuarter, "lr down a quarter decade", group: .learningRate),
        KeyBinding([.character("]")], .lrUpDecade, "lr up a decade (x10)", group: .learningRate),
        KeyBinding([.character("[")], .lrDownDecade, "lr down a decade (/10)", group: .learningRate),

        KeyBinding([.character("o")], .nextOptimizer, "next optimizer", group: .model),
        KeyBinding([.character("d")], .nextDevice, "next device (cpu, cuda)", group: .model),

        KeyBinding([.character("v")], .switchView, "switch landscape / data", group: .view),
        KeyBinding([.character("l")], .toggleLogScale, "loss axis: linear / log", group: .view),
        KeyBinding([.character("b")], .toggleBasins, "colour by basin", group: .view),
        KeyBinding([.character("p")], .nextParameterPair, "next parameter pair", group: .view),
    ] + planeKeys + figureKeys + [

        KeyBinding([.tab], .focusNext, "focus next panel", group: .navigation),
        KeyBinding([.backTab], .focusPrevious, "focus previous panel", group: .navigation),
        KeyBinding([.right], .selectNext, "select next point", group: .navigation),
        KeyBinding([.left], .selectPrevious, "select previous point", group: .navigation),
        KeyBinding([.down], .selectNextGroup, "same point, next group", group: .navigation),
        KeyBinding([.up], .selectPreviousGroup, "same point, group before", group: .navigation),
    ] + scrollKeys + [

        KeyBinding([.character(":")], .commandLine, "command line (:help lists commands)", group: .app),
        KeyBinding([.character("?")], .help, "help; again: mouse, commands", group: .app),
        KeyBinding([.escape], .dismiss, "close help", group: .app),
        KeyBinding([.character("q"), .ctrl("c")], .quit, "quit", group: .app),
        suspendKey,
    ]

    /// The `:` prompt's keys (``InputMode/commandLine``); any other
    /// printable character is typed.
    public static let commandLine: [KeyBinding] = [
        KeyBinding([.enter], .submitLine, "run the command", group: .commandLine),
        KeyBinding([.escape, .ctrl("c")], .cancelLine, "cancel (changes nothing)", group: .commandLine),
        KeyBinding([.tab], .complete, "complete a command or its argument", group: .commandLine),
        KeyBinding([.up], .historyPrevious, "previous command", group: .commandLine),
        KeyBinding([.down], .historyNext, "next command", group: .commandLine),
        KeyBinding([.left], .cursorLeft, "cursor left", group: .commandLine),
        KeyBinding([.right], .cursorRight, "cursor right", group: .commandLine),
        KeyBinding([.home, .ctrl("a")], .lineStart, "start of the line", group: .commandLine),
        KeyBinding([.end, .ctrl("e")], .lineEnd, "end of the line", group: .commandLine),
        KeyBinding([.backspace, .delete], .deleteBackward, "delete before the cursor (empty: close)", group: .commandLine),
    ]

    /// The replay's go-to prompt (``InputMode/goTo``): digits are typed.
    public static let goTo: [KeyBinding] = [
        KeyBinding([.enter], .submitLine, "go to the epoch typed", group: .commandLine),
        KeyBinding([.escape], .cancelLine, "cancel", group: .commandLine),
        KeyBinding([.backspace, .delete], .deleteBackward, "delete a digit", group: .commandLine),
    ]

    /// Mouse gestures (on when the terminal reports the mouse; `--no-mouse`
    /// turns them off). Listed in the help like keys.
    public static let mouse: [KeyBinding] = [
        KeyBinding(gesture: "click plane", .dropPoint, "new start point (data lab: the parameters)", group: .mouse),
        KeyBinding(gesture: "right-click", .selectNearest, "select the nearest point (or shift-click)", group: .mouse),
        KeyBinding(gesture: "wheel", .zoomAtCursor, "zoom around the cursor (Z: the domain)", group: .mouse),
        KeyBinding(gesture: "middle-drag", .pan, "pan the plane", group: .mouse),
        KeyBinding(gesture: "click status", .statusClick, "run / pause", group: .mouse),
        KeyBinding(gesture: "click pane", .focusPane, "focus that pane", group: .mouse),
    ]

    /// The table for an input mode.
    public static func table(for mode: InputMode, replay: Bool = false) -> [KeyBinding] {
        switch mode {
        case .normal: return replay ? Self.replay : Self.default
        case .commandLine: return commandLine
        case .goTo: return goTo
        }
    }

    /// The bindings while replaying a recording (`gradlab --replay`): the
    /// help overlay shows this table in replay mode. It reuses the live
    /// keys' characters where the meaning carries over (space and `.`
    /// differ: play/pause and step forward).
    public static let replay: [KeyBinding] = [
        KeyBinding([.character(" "), .character("r"), .enter], .runPause, "play / pause", group: .playback),
        KeyBinding([.character("."), .right], .stepOnce, "step forward one epoch", group: .playback),
        KeyBinding([.character(","), .left], .stepBack, "step back one epoch", group: .playback),
        KeyBinding([.home, .character("<")], .jumpToStart, "jump to the start", group: .playback),
        KeyBinding([.end, .character(">")], .jumpToEnd, "jump to the end", group: .playback),
        KeyBinding([.character("g")], .goToEpoch, "go to epoch: g, digits, Enter", group: .playback),
        KeyBinding([.character("+"), .character("="), .character("n")], .epochsPerFrameUp, "faster (more epochs per frame)", group: .playback),
        KeyBinding([.character("-"), .character("N")], .epochsPerFrameDown, "slower", group: .playback),
        KeyBinding([.character("f")], .fork, "fork: train live from this epoch", group: .training),

        KeyBinding([.character("v")], .switchView, "switch landscape / data", group: .view),
        KeyBinding([.character("l")], .toggleLogScale, "loss axis: linear / log", group: .view),
        KeyBinding([.character("b")], .toggleBasins, "colour by basin", group: .view),
        KeyBinding([.character("p")], .nextParameterPair, "next parameter pair", group: .view),
    ] + planeKeys + figureKeys + [

        KeyBinding([.tab], .focusNext, "focus next panel", group: .navigation),
        KeyBinding([.backTab], .focusPrevious, "focus previous panel", group: .navigation),
        KeyBinding([.down], .selectNext, "select next point", group: .navigation),
        KeyBinding([.up], .selectPrevious, "select previous point", group: .navigation),
    ] + scrollKeys + [

        KeyBinding([.character("?")], .help, "show / hide this help", group: .app),
        KeyBinding([.escape], .dismiss, "close help, cancel go to", group: .app),
        KeyBinding([.character("q"), .ctrl("c")], .quit, "quit", group: .app),
        suspendKey,
    ]

    /// Ctrl-Z, the same live and in a replay (and in the prompts: the
    /// terminal backend takes it before any table is read).
    static let suspendKey = KeyBinding([.ctrl("z")], .suspend, "suspend to the shell (fg resumes)", group: .app)

    /// The plane's view keys, the same live and in a replay.
    static let planeKeys: [KeyBinding] = [
        KeyBinding([.character("c")], .cycleShading, "shading: linear / log / quantile", group: .view),
        KeyBinding([.character("h")], .toggleGuides, "curvature guides: -∇f, axes, next step", group: .view),
        KeyBinding([.character("z")], .fitView, "zoom out to every point", group: .view),
        KeyBinding([.character("Z")], .domainView, "back to the domain", group: .view),
    ]

    /// The figure keys, the same live and in a replay (docs/figures.md).
    static let figureKeys: [KeyBinding] = [
        KeyBinding([.character("e")], .exportFigures, "write this view's figures (SVG)", group: .view),
        KeyBinding([.character("E")], .captureScreen, "write the screen as SVG", group: .view),
    ]

    /// The inspector's scroll keys, the same live and in a replay.
    static let scrollKeys: [KeyBinding] = [
        KeyBinding([.character("j")], .scrollDown, "scroll the inspector down", group: .navigation),
        KeyBinding([.character("k")], .scrollUp, "scroll the inspector up", group: .navigation),
        KeyBinding([.pageDown], .pageDown, "inspector: page down", group: .navigation),
        KeyBinding([.pageUp], .pageUp, "inspector: page up", group: .navigation),
    ]

    /// The action bound to a key in `Keymap.default`, if any.
    public static func action(for key: Key) -> Action? { defaultLookup[key] }

    /// The action bound to a key in any table (first binding wins).
    public static func action(for key: Key, in bindings: [KeyBinding]) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The binding for an action in `Keymap.default`, or in `Keymap.replay`
    /// for the replay-only actions.
    public static func binding(for action: Action) -> KeyBinding? {
        (`default` + replay + commandLine + goTo + mouse).first { $0.action == action }
    }

    /// Keys bound more than once in a table (a test keeps this empty for the default).
    public static func conflicts(in bindings: [KeyBinding]) -> [Key] {
        var seen = Set<Key>(), repeated: [Key] = []
        for key in bindings.flatMap(\.keys) where !seen.insert(key).inserted { repeated.append(key) }
        return repeated
    }

    private static let defaultLookup: [Key: Action] = {
        var table: [Key: Action] = [:]
        for binding in `default` {
            for key in binding.keys where table[key] == nil { table[key] = binding.action }
        }
        return table
    }()
}
