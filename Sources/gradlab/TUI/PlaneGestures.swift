import GradlabCore
import GradlabUI

/// A middle-button drag in progress: where it started and the plane's range then.
struct PointerState {
    var panStart: (column: Int, row: Int, range: PlaneRange)?
}

/// What a mouse report asks of the app beyond the view changes made here.
enum GestureResult: Equatable {
    case none
    case runPause
    /// Landscape: a new start point at these coordinates.
    case dropPoint(SIMD2<Double>)
    /// A data lab: the two plane parameters set to these values.
    case setParameters(SIMD2<Double>)
    /// The point (path index) selected for the inspector.
    case selected(Int)
    case message(String, warning: Bool)
}

/// The mouse on the lab's panes, as ``Keymap/mouse`` lists it: the live lab
/// and the replay share it (a replay takes no new points or parameters).
enum PlaneGestures {
    /// A pointer move with no drag in progress: nothing to do (ncurses'
    /// any-motion mode reports every move so that a drag can be followed).
    static func isIdleMotion(_ event: InputEvent, _ pointer: PointerState) -> Bool {
        guard case .mouse(let mouse) = event, mouse.kind == .motion else { return false }
        return pointer.panStart == nil
    }

    /// What the mouse does while the help overlay covers the panes: a wheel
    /// notch scrolls the help; a click reaches nothing under it (nil).
    static func underHelp(_ mouse: MouseEvent) -> Action? {
        guard mouse.kind == .press else { return nil }
        switch mouse.button {
        case .wheelDown: return .scrollDown
        case .wheelUp: return .scrollUp
        default: return nil
        }
    }

    /// How much one wheel notch zooms (in: the span times this; out: divided).
    static let zoomStep = 0.8

    static func apply(_ mouse: MouseEvent, hits: HitMap, view: inout ViewState, run: RunView,
                      pointer: inout PointerState, replay: Bool, landscape: Bool = true) -> GestureResult {
        let (column, row) = (mouse.column, mouse.row)
        // A drag in progress owns the pointer until its button comes up.
        if let start = pointer.panStart {
            switch mouse.kind {
            case .motion, .release:
                let step = hits.dataPerCell
                let dx = Double(column - start.column) * step.x, dy = Double(row - start.row) * step.y
                view.planeRange = PlaneRange(x: (start.range.x.lowerBound - dx)...(start.range.x.upperBound - dx),
                                             y: (start.range.y.lowerBound + dy)...(start.range.y.upperBound + dy))
                if mouse.kind == .release { pointer.panStart = nil }
                return .none
            case .press:
                pointer.panStart = nil
            }
        }
        guard mouse.kind == .press, let pane = hits.pane(column: column, row: row) else { return .none }
        switch pane {
        case .status:
            return mouse.button == .left ? .runPause : .none
        case .loss, .inspector:
            if mouse.button == .left { view.focus = pane == .loss ? .loss : .inspector }
            return .none
        case .main:
            // The data view (v) has no plane to click on: say where the clicks go.
            if hits.plot == nil, [.left, .wheelUp, .wheelDown].contains(mouse.button) {
                view.focus = .main
                return .message("the data view takes no clicks: v shows the loss plane, where a click sets the parameters", warning: false)
            }
        }
        let point = hits.dataPoint(column: column, row: row)
        switch mouse.button {
        case .wheelUp, .wheelDown:
            guard let point else { return .none }
            guard landscape else {
                return .message("wheel: the loss plane follows the path; the wheel zooms the landscape", warning: true)
            }
            let factor = mouse.button == .wheelUp ? zoomStep : 1 / zoomStep
            let (x, y) = (hits.xRange, hits.yRange)
            view.planeRange = PlaneRange(x: (point.x + (x.lowerBound - point.x) * factor)...(point.x + (x.upperBound - point.x) * factor),
                                         y: (point.y + (y.lowerBound - point.y) * factor)...(point.y + (y.upperBound - point.y) * factor))
            return .none
        case .middle:
            guard landscape, point != nil else { return .none }
            pointer.panStart = (column, row, PlaneRange(x: hits.xRange, y: hits.yRange))
            return .none
        case .right:
            return select(near: point, run: run, hits: hits, view: &view)
        case .left where mouse.shift:
            return select(near: point, run: run, hits: hits, view: &view)
        case .left:
            view.focus = .main
            guard let point else { return .none }
            if replay { return .message("click: a recording takes no new points (f forks a live run from here)", warning: true) }
            return landscape ? .dropPoint(point) : .setParameters(point)
        case .none:
            return .none
        }
    }

    /// The drawn point nearest `point` (in cells, so both axes weigh alike).
    private static func select(near point: SIMD2<Double>?, run: RunView, hits: HitMap, view: inout ViewState) -> GestureResult {
        guard let point else { return .none }
        let scale = hits.dataPerCell
        guard scale.x > 0, scale.y > 0 else { return .none }
        var best: (index: Int, distance: Double)?
        for (index, path) in run.paths.enumerated() {
            guard let last = path.last, last.x.isFinite, last.y.isFinite else { continue }
            let d = (last - point) / scale
            let distance = (d * d).sum()
            if best == nil || distance < best?.distance ?? .infinity { best = (index, distance) }
        }
        guard let best else { return .none }
        view.selected = best.index
        return .selected(best.index)
    }
}
