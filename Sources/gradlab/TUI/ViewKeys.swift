import GradlabCore
import GradlabUI

/// What a view key did.
enum ViewKeyResult: Equatable {
    /// Applied; the message (if any) goes to the status line.
    case done(message: String?, warning: Bool)
    /// Not a view key: the app handles it.
    case notView
}

/// The inspector's size in the last frame, for scrolling, and how far the
/// help scrolls (its lines that did not fit).
struct InspectorExtent {
    var lines: Int
    var visible: Int
    var helpOverflow = 0
}

extension FrameBuilder {
    /// Applies a key that changes only what is shown (the live lab and the
    /// replay share them), or says why it does not apply here.
    mutating func apply(_ action: Action, to view: inout ViewState, run: RunView,
                        inspector: InspectorExtent) -> ViewKeyResult {
        func done(_ message: String? = nil) -> ViewKeyResult { .done(message: message, warning: false) }
        func refuse(_ message: String) -> ViewKeyResult { .done(message: message, warning: true) }
        switch action {
        case .switchView:
            guard config.lab != .landscape else {
                return refuse("v: the landscape has one view (v switches a data lab between its loss plane and its data)")
            }
            view.main = view.main == .plane ? .data : .plane
            return done()
        case .toggleLogScale:
            if !view.logScale, let refusal = logRefusal(run) { return refuse(refusal) }
            view.logScale.toggle()
            return done()
        case .cycleShading:
            guard view.main == .plane else { return refuse("c: shading applies to the plane (v shows it)") }
            let next = (view.shading ?? shading).next
            view.shading = next
            return done("shading: " + Self.describe(next))
        case .fitView:
            guard config.lab == .landscape else {
                return refuse("z: the loss plane already follows the path; z zooms the landscape out to its points")
            }
            view.planeRange = Self.fittedRange(paths: run.paths, domain: config.domain)
            let r = view.planeRange ?? PlaneRange(x: 0...1, y: 0...1)
            return done("zoomed out to x1 \(NumberText.short(r.x.lowerBound))…\(NumberText.short(r.x.upperBound)), "
                        + "x2 \(NumberText.short(r.y.lowerBound))…\(NumberText.short(r.y.upperBound)) (Z: back to the domain)")
        case .domainView:
            guard config.lab == .landscape else { return refuse("Z: only the landscape has a domain to return to") }
            view.planeRange = nil
            return done("back to the domain")
        case .toggleBasins:
            guard hasBasins else {
                return refuse(config.lab == .landscape
                              ? "b: basins are known for named functions only (see gradlab functions), not a typed --f"
                              : "b: basins belong to the landscape lab")
            }
            view.showBasins.toggle()
            return done()
        case .nextParameterPair:
            guard config.lab == .quadratic else {
                return refuse("p: only the quadratic lab has more parameters than the plane shows (a, b, c)")
            }
            nextParameterPair()
            return done()
        case .scrollDown, .scrollUp, .pageDown, .pageUp:
            // Open over a terminal too small for its keys, the help scrolls.
            let page = view.showHelp ? 10 : max(1, inspector.visible - 1)
            let delta = [Action.scrollDown: 1, .scrollUp: -1, .pageDown: page, .pageUp: -page][action] ?? 0
            if view.showHelp {
                view.helpScroll = min(max(0, view.helpScroll + delta), inspector.helpOverflow)
                return done()
            }
            view.focus = .inspector
            view.inspectorScroll = min(max(0, view.inspectorScroll + delta), max(0, inspector.lines - inspector.visible))
            return done()
        case .toggleGuides:
            view.showGuides.toggle()
            return done(view.showGuides
                        ? "guides at the selected point: −∇f (accent), the Hessian's axes (each arm ∝ its eigenvalue), ◌ where the next step lands"
                        : nil)
        case .focusNext: view.focus = view.focus.next
        case .focusPrevious: view.focus = view.focus.previous
        case .help:
            // Live: keys, the mouse and the prompt, the commands, then closed; a replay has one page.
            if view.showHelp, view.helpPage < 2, !view.replay {
                view.helpPage += 1
            } else {
                view.showHelp.toggle()
                view.helpPage = 0
            }
            view.helpScroll = 0
        case .suspend:
            // Only here where the terminal backend could not suspend.
            return refuse("Ctrl-Z: cannot suspend here: whoever started gradlab ignores SIGTSTP (no job control)")
        case .dismiss:
            view.showHelp = false
            view.helpPage = 0
            view.helpScroll = 0
        default: return .notView
        }
        return done()
    }

    /// How each shading reads, for the status line.
    static func describe(_ shading: FieldShading) -> String {
        switch shading {
        case .linear: return "linear (equal steps of f)"
        case .log: return "log (equal steps of log(f - f_min)): valleys of a huge range"
        case .quantile: return "quantile (each band an equal share of the plane)"
        }
    }

    /// Why a log loss axis cannot show this run, or nil when it can: a value
    /// below 0 with no known f_min to subtract.
    func logRefusal(_ run: RunView) -> String? {
        guard logShift == nil else { return nil }
        let values = run.loss + run.trainLoss + run.testLoss + run.groupLoss.joined()
        guard let lowest = values.filter(\.isFinite).min(), lowest < 0 else { return nil }
        return "l: the loss goes below 0 here (to \(NumberText.short(lowest))) and this f's minimum is not known, "
            + "so a log axis would hide it; the axis stays linear"
    }
}

extension InspectorExtent {
    /// The inspector of a drawn frame.
    /// `help`, the overlay drawn over the frame (nil: the model's own, if any).
    init(model: DashboardModel, width: Int, height: Int, help: HelpOverlay? = nil, caps: Capabilities) {
        let visible = Dashboard.layout(for: model, width: width, height: height).map { max(0, $0.inspector.height - 2) } ?? 0
        let overflow = (help ?? Dashboard.helpOverlay(for: model))
            .map { $0.overflow(area: Dashboard.helpArea(of: Rect(x: 0, y: 0, width: width, height: height)), caps: caps) } ?? 0
        self.init(lines: model.inspector.lineCount, visible: visible, helpOverflow: overflow)
    }
}
