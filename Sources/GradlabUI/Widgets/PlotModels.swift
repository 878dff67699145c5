/// Values of a function f(x, y) sampled on a grid, for contour shading.
///
/// Row 0 is the top of the plot (the highest y) and column 0 the left, the
/// same order as the cells, so sample (column, row) shades cell (column, row)
/// when the grid has the size ``ParameterPlane/fieldGridSize(for:)`` asked for.
/// A grid of another size is resampled to the nearest sample, so a field
/// computed for the previous terminal size still draws after a resize.
public struct ScalarField: Sendable, Equatable {
    public let columns: Int
    public let rows: Int
    /// Row-major, `row * columns + column`.
    public let values: [Double]

    /// - Parameter values: `columns × rows` values; missing ones read as NaN (unshaded).
    public init(columns: Int, rows: Int, values: [Double]) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        let count = self.columns * self.rows
        self.values = values.count >= count
            ? Array(values.prefix(count))
            : values + [Double](repeating: .nan, count: count - values.count)
        sortedFinite = self.values.filter(\.isFinite).sorted()
    }

    /// The finite values, ascending (the bands' quantiles and range).
    public let sortedFinite: [Double]

    /// Samples `f` at the centres of a grid over the given ranges.
    public init(columns: Int, rows: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                _ f: (Double, Double) -> Double) {
        let (xs, ys) = Self.sampleCoordinates(columns: columns, rows: rows, xRange: xRange, yRange: yRange)
        var values: [Double] = []
        values.reserveCapacity(xs.count * ys.count)
        for y in ys { for x in xs { values.append(f(x, y)) } }
        self.init(columns: columns, rows: rows, values: values)
    }

    /// The x of each column's centre (left to right) and the y of each row's
    /// centre (top to bottom): where the app should evaluate f.
    public static func sampleCoordinates(
        columns: Int, rows: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
    ) -> (xs: [Double], ys: [Double]) {
        let spanX = xRange.upperBound - xRange.lowerBound, spanY = yRange.upperBound - yRange.lowerBound
        let xs = (0..<max(0, columns)).map { xRange.lowerBound + (Double($0) + 0.5) / Double(columns) * spanX }
        let ys = (0..<max(0, rows)).map { yRange.upperBound - (Double($0) + 0.5) / Double(rows) * spanY }
        return (xs, ys)
    }

    /// The smallest and largest finite values, or nil when there are none.
    public var finiteRange: ClosedRange<Double>? {
        guard let low = sortedFinite.first, let high = sortedFinite.last else { return nil }
        return low...high
    }

    /// The sample nearest to a cell of a `width × height` plot.
    @inline(__always)
    func value(column: Int, row: Int, width: Int, height: Int) -> Double {
        guard columns > 0, rows > 0, width > 0, height > 0 else { return .nan }
        let c = min(columns - 1, column * columns / width), r = min(rows - 1, row * rows / height)
        return values[r * columns + c]
    }
}

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
    /// do not fit, so the last group (the most important) goes last.
    /// - Returns: the first column written (or `row.maxX` if nothing fit).
    @discardableResult
    static func putRight(_ groups: [[Part]], in row: Rect, reserved: Int, into screen: inout Screen) -> Int {
        var groups = groups
        let room = row.width - reserved
        func width(_ groups: [[Part]]) -> Int {
            groups.reduce(0) { total, group in total + group.reduce(0) { $0 + $1.text.unicodeScalars.count } }
        }
        while !groups.isEmpty, width(groups) > room { groups.removeFirst() }
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
