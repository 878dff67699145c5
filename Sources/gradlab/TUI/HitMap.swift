import GradlabUI

/// Where things are in a drawn frame, so a mouse report maps to a pane and,
/// on the plane, to data coordinates: the panes' rectangles
/// (``Dashboard/layout(for:width:height:)``) and the plane's plot cells with
/// the ranges they show (the same mapping as ``BrailleCanvas``: the range's
/// ends at the centres of the first and last dot).
struct HitMap: Equatable {
    enum Pane: Equatable { case main, loss, inspector, status }

    let layout: DashboardLayout
    /// The plane's plot area, when the main pane shows the plane.
    let plot: Rect?
    let xRange: ClosedRange<Double>
    let yRange: ClosedRange<Double>

    init?(model: DashboardModel, width: Int, height: Int) {
        guard let layout = Dashboard.layout(for: model, width: width, height: height) else { return nil }
        self.layout = layout
        guard case .plane(let plane) = model.main else {
            (plot, xRange, yRange) = (nil, 0...1, 0...1)
            return
        }
        // The plot is the axis frame's: one row below the header, flush
        // against the inner area's right edge but one column (AxisFrame's
        // layout); with no room for axes, the whole inner area.
        let inner = layout.main.inset(by: 1)
        let grid = plane.fieldGridSize(for: layout.main)
        if grid.columns == inner.width, grid.rows == inner.height {
            plot = inner
        } else {
            plot = Rect(x: inner.maxX - 1 - grid.columns, y: inner.y + 1, width: grid.columns, height: grid.rows)
        }
        xRange = Self.nonEmpty(plane.xRange)
        yRange = Self.nonEmpty(plane.yRange)
    }

    /// The pane under a cell.
    func pane(column: Int, row: Int) -> Pane? {
        if layout.status.contains(x: column, y: row) { return .status }
        if layout.main.contains(x: column, y: row) { return .main }
        if layout.loss.contains(x: column, y: row) { return .loss }
        if layout.inspector.contains(x: column, y: row) { return .inspector }
        return nil
    }

    /// The data point at a cell's centre, when the cell is on the plot.
    func dataPoint(column: Int, row: Int) -> SIMD2<Double>? {
        guard let plot, plot.contains(x: column, y: row) else { return nil }
        // A cell is 2×4 dots; its centre is dot (2c + 0.5, 4r + 1.5).
        let dotsX = Double(max(1, 2 * plot.width - 1)), dotsY = Double(max(1, 4 * plot.height - 1))
        let dx = Double(2 * (column - plot.x)) + 0.5, dy = Double(4 * (row - plot.y)) + 1.5
        let x = xRange.lowerBound + dx / dotsX * (xRange.upperBound - xRange.lowerBound)
        let y = yRange.upperBound - dy / dotsY * (yRange.upperBound - yRange.lowerBound)
        return SIMD2(x, y)
    }

    /// Data units per cell across and down (a drag's pan per cell moved).
    var dataPerCell: SIMD2<Double> {
        guard let plot, plot.width > 0, plot.height > 0 else { return .zero }
        let dotsX = Double(max(1, 2 * plot.width - 1)), dotsY = Double(max(1, 4 * plot.height - 1))
        return SIMD2(2 * (xRange.upperBound - xRange.lowerBound) / dotsX, 4 * (yRange.upperBound - yRange.lowerBound) / dotsY)
    }

    /// As ParameterPlane widens an empty range, so the map never divides by zero.
    static func nonEmpty(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
        guard range.lowerBound.isFinite, range.upperBound.isFinite else { return 0...1 }
        if range.upperBound > range.lowerBound { return range }
        let pad = max(1, abs(range.lowerBound) * 0.1)
        return (range.lowerBound - pad)...(range.upperBound + pad)
    }
}
