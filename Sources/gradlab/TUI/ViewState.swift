import GradlabUI

/// The plane's x and y ranges.
struct PlaneRange: Equatable {
    var x: ClosedRange<Double>
    var y: ClosedRange<Double>
}

/// The UI's own state, kept on the main thread: what is shown and how.
struct ViewState {
    enum MainKind { case plane, data }

    var main: MainKind
    var logScale = false
    var focus: DashboardFocus = .main
    var selected = 0
    var showHelp = false
    /// The help's page (`?` turns it: keys, the mouse and the `:` prompt, the commands).
    var helpPage = 0
    /// The help's first line shown, where its keys do not fit (j/k scroll it).
    var helpScroll = 0
    /// Landscape: colour each trajectory by the minimum it is heading to.
    var showBasins = false
    var running = false
    var epochsPerFrame = 1
    var recording = false
    var replay = false
    /// A replay's state for the status badge: `playing`, `paused` or `at end`.
    var replayState: String?
    /// The landscape's shading; nil while gradlab picks it (log for a huge range).
    var shading: FieldShading?
    /// The plane's ranges after `z` (zoomed out to every point); nil: the domain.
    var planeRange: PlaneRange?
    /// Curvature guides at the selected point (`h`): −∇f, the Hessian's axes, the next step.
    var showGuides = false
    /// The inspector's first line shown (j/k, PgUp/PgDn).
    var inspectorScroll = 0

    /// Epochs per frame step through 1, 2, 5, 10, 20, 50, ...
    static func nextEpochsPerFrame(_ n: Int, up: Bool) -> Int {
        var ladder = [1]
        while ladder.last ?? 1 < 100_000 {
            let last = ladder.last ?? 1
            ladder.append(last * (String(last).first == "2" ? 5 : 2) / (String(last).first == "2" ? 2 : 1))
        }
        if up { return ladder.first { $0 > n } ?? n }
        return ladder.last { $0 < n } ?? n
    }
}

extension ViewState {
    /// The path selected after an arrow key: ←/→ the previous/next path,
    /// ↑/↓ under `--compare` the same point of the previous/next group
    /// (paths come group after group), else as ←/→; both wrap around.
    static func selection(after action: Action, from selected: Int, paths: Int, groups: Int) -> Int {
        let count = max(1, paths)
        let step = groups > 1 && [.selectNextGroup, .selectPreviousGroup].contains(action) ? max(1, count / groups) : 1
        let forward = action == .selectNext || action == .selectNextGroup
        return (selected + (forward ? step : count - step % count)) % count
    }
}
