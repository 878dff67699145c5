/// The big pane on the left: the landscape or the data view.
public enum MainView: Sendable {
    case plane(ParameterPlane)
    case data(ScatterPlot)
}

/// Which pane keyboard navigation (Tab) is on.
public enum DashboardFocus: String, Hashable, Sendable, CaseIterable {
    case main
    case loss
    case inspector

    public var next: DashboardFocus {
        let all = Self.allCases
        return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
    }

    public var previous: DashboardFocus {
        let all = Self.allCases
        return all[((all.firstIndex(of: self) ?? 0) + all.count - 1) % all.count]
    }
}

/// Everything one frame shows, as plain values: the app fills it from a
/// Session snapshot and hands it to ``Dashboard/render(_:width:height:theme:caps:)``.
public struct DashboardModel: Sendable {
    public var status: StatusBar
    public var main: MainView
    public var loss: LossChart
    public var inspector: Inspector
    public var showHelp: Bool
    public var focus: DashboardFocus
    /// The last status message, shown whole in the help overlay.
    public var lastMessage: String?
    /// The help's page: 0 the keys, 1 the mouse and the `:` prompt's keys, 2 the `:` commands.
    public var helpPage = 0
    /// The help's first line shown, where its keys do not fit (``HelpOverlay/scroll``).
    public var helpScroll = 0
    /// The `:` commands, listed on the help's third page (the app's table).
    public var commandHelp: [KeyBinding] = []

    public init(status: StatusBar, main: MainView, loss: LossChart, inspector: Inspector,
                showHelp: Bool = false, focus: DashboardFocus = .main) {
        self.status = status
        self.main = main
        self.loss = loss
        self.inspector = inspector
        self.showHelp = showHelp
        self.focus = focus
    }
}

/// Where each pane goes for a terminal size.
public struct DashboardLayout: Hashable, Sendable {
    public var main: Rect
    public var loss: Rect
    public var inspector: Rect
    public var status: Rect
}

/// A whole frame: the main view large on the left, the loss chart over the
/// inspector on the right, the status bar at the bottom.
///
/// ```
/// ╭─ Landscape ────────────────────╮╭─ Loss ──────────╮
/// │                                ││                 │
/// │                                │╰─────────────────╯
/// │                                │╭─ Inspector ─────╮
/// ╰────────────────────────────────╯╰─────────────────╯
///  LIVE  landscape │ epoch 120 │ lr 0.01 │ adam │ cpu
/// ```
/// Below ``minimumWidth`` × ``minimumHeight`` it shows a ``Notice`` instead.
public enum Dashboard {
    public static let minimumWidth = 60
    public static let minimumHeight = 18

    /// The panes for a terminal size, or nil when it is below the minimum.
    ///
    /// The right column gets about 38 % of the width (30 to 90 columns); the
    /// inspector takes the height its content needs (at least 6 rows, at most
    /// 55 % of the column, scrolling beyond that), and the loss chart the rest.
    public static func layout(width: Int, height: Int, inspectorLines: Int = 12) -> DashboardLayout? {
        guard width >= minimumWidth, height >= minimumHeight else { return nil }
        let body = Rect(x: 0, y: 0, width: width, height: height - 1)
        let rightWidth = min(90, max(30, Int((Double(width) * 0.38).rounded())))
        let parts = body.columns([.fill, .fixed(rightWidth)])
        let wanted = inspectorLines + 2
        let inspectorHeight = min(max(wanted, 6), Int(Double(body.height) * 0.55))
        let right = parts[1].rows([.fill, .fixed(inspectorHeight)])
        return DashboardLayout(main: parts[0], loss: right[0], inspector: right[1],
                               status: Rect(x: 0, y: height - 1, width: width, height: 1))
    }

    /// The layout this model would get (the app uses `main` to size the field grid).
    public static func layout(for model: DashboardModel, width: Int, height: Int) -> DashboardLayout? {
        layout(width: width, height: height, inspectorLines: model.inspector.lineCount)
    }

    /// The field grid the landscape wants at this terminal size, if it is showing.
    public static func fieldGridSize(for model: DashboardModel, width: Int, height: Int) -> (columns: Int, rows: Int)? {
        guard case .plane(let plane) = model.main, let panes = layout(for: model, width: width, height: height) else {
            return nil
        }
        return plane.fieldGridSize(for: panes.main)
    }

    /// Draws a frame into an existing screen (sized to the terminal).
    public static func render(_ model: DashboardModel, into screen: inout Screen, theme: Theme, caps: Capabilities) {
        screen.fill(screen.bounds, style: theme.text)
        guard let panes = layout(for: model, width: screen.width, height: screen.height) else {
            Notice.terminalTooSmall(needWidth: minimumWidth, needHeight: minimumHeight,
                                    width: screen.width, height: screen.height)
                .render(into: &screen, area: screen.bounds, theme: theme, caps: caps)
            return
        }
        switch model.main {
        case .plane(var plane):
            plane.focused = model.focus == .main
            plane.render(into: &screen, area: panes.main, theme: theme, caps: caps)
        case .data(var plot):
            plot.focused = model.focus == .main
            plot.render(into: &screen, area: panes.main, theme: theme, caps: caps)
        }
        var loss = model.loss
        loss.focused = model.focus == .loss
        loss.render(into: &screen, area: panes.loss, theme: theme, caps: caps)
        var inspector = model.inspector
        inspector.focused = model.focus == .inspector
        inspector.render(into: &screen, area: panes.inspector, theme: theme, caps: caps)
        model.status.render(into: &screen, area: panes.status, theme: theme, caps: caps)
        if let overlay = helpOverlay(for: model) {
            overlay.render(into: &screen, area: helpArea(of: screen.bounds), theme: theme, caps: caps)
        }
    }

    /// The help the model shows (its page, scrolled), or nil.
    public static func helpOverlay(for model: DashboardModel) -> HelpOverlay? {
        guard model.showHelp else { return nil }
        var overlay: HelpOverlay
        switch model.helpPage {
        case 0: overlay = HelpOverlay(title: "Keys (1/3)", lastMessage: model.lastMessage)
        case 1: overlay = HelpOverlay(bindings: Keymap.mouse + Keymap.commandLine, title: "Mouse and the : prompt (2/3)")
        default: overlay = HelpOverlay(bindings: model.commandHelp, title: "Commands (3/3)")
        }
        if model.helpPage < 2 { overlay.footer = "? next page, Esc closes" }
        overlay.scroll = model.helpScroll
        return overlay
    }

    /// Where the help goes on a screen: all of it but the status bar.
    public static func helpArea(of bounds: Rect) -> Rect { bounds.inset(top: 0, bottom: 1) }

    /// A new screen of the given size holding the frame.
    public static func render(_ model: DashboardModel, width: Int, height: Int, theme: Theme,
                              caps: Capabilities) -> Screen {
        var screen = Screen(width: width, height: height)
        render(model, into: &screen, theme: theme, caps: caps)
        return screen
    }
}
