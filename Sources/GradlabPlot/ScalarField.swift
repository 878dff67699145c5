/// Values of a function f(x, y) sampled on a grid, for contour shading.
///
/// Row 0 is the top of the plot (the highest y) and column 0 the left, the
/// same order as the cells, so sample (column, row) shades cell (column, row)
/// when the grid has the size the plane asked for (`ParameterPlane.fieldGridSize(for:)`).
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
    public func value(column: Int, row: Int, width: Int, height: Int) -> Double {
        guard columns > 0, rows > 0, width > 0, height > 0 else { return .nan }
        let c = min(columns - 1, column * columns / width), r = min(rows - 1, row * rows / height)
        return values[r * columns + c]
    }
}
