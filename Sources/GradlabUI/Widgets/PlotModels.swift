/// A path through the plane, oldest point first; its last point is the current position.
public struct Trajectory: Sendable, Equatable {
    public var points: [SIMD2<Double>]
    public var role: ThemeRole

    public init(points: [SIMD2<Double>], role: ThemeRole = .series(0)) {
        self.points = points
        self.role = role
    }

    /// The last finite point.
    public var current: SIMD2<Double>? {
        points.last { $0.x.isFinite && $0.y.isFinite }
    }
}

/// One entry of a plot legend.
public struct LegendEntry: Sendable, Equatable {
    public var label: String
    public var role: ThemeRole

    public init(_ label: String, role: ThemeRole) {
        self.label = label
        self.role = role
    }
}

/// Draws legends and similar right-aligned runs of styled text in a header row.
enum HeaderText {
    typealias Part = (text: String, style: Style)

    /// Writes groups of parts right-aligned in `row`, keeping clear of the
    /// first `reserved` columns; drops whole groups from the front while they
    /// do not fit, so the last group (the most important) goes last. With
    /// `cutNote`, what was dropped is counted in front (`+2 more`), never
    /// silently.
    /// - Returns: the first column written (or `row.maxX` if nothing fit).
    @discardableResult
    static func putRight(_ groups: [[Part]], in row: Rect, reserved: Int, into screen: inout Screen,
                         cutNote: ((Int) -> Part)? = nil) -> Int {
        var groups = groups
        let room = row.width - reserved
        func width(_ groups: [[Part]]) -> Int {
            groups.reduce(0) { total, group in total + group.reduce(0) { $0 + $1.text.unicodeScalars.count } }
        }
        var cut = 0
        func noted(_ groups: [[Part]]) -> [[Part]] {
            guard cut > 0, let cutNote else { return groups }
            return [[cutNote(cut)]] + groups
        }
        while !groups.isEmpty, width(noted(groups)) > room {
            groups.removeFirst()
            cut += 1
        }
        groups = noted(groups)
        if width(groups) > room { groups = [] }
        guard !groups.isEmpty, row.height > 0 else { return row.maxX }
        var x = row.maxX - width(groups)
        let start = x
        for part in groups.joined() { x = screen.put(part.text, x: x, y: row.y, style: part.style, clip: row) }
        return start
    }
}

/// A line drawn on the plane over the trajectories: curvature guides at
/// the selected point.
public struct PlaneGuide: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// −∇f: where plain gradient descent heads.
        case descent
        /// A principal axis of the Hessian whose eigenvalue is ≥ 0 / < 0.
        case curvesUp, curvesDown
        /// From the point to where the optimizer's next step lands (marked).
        case nextStep
    }

    public var from: SIMD2<Double>
    public var to: SIMD2<Double>
    public var kind: Kind

    public init(from: SIMD2<Double>, to: SIMD2<Double>, kind: Kind) {
        self.from = from
        self.to = to
        self.kind = kind
    }
}
