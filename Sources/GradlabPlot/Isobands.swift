/// Filled contour bands of a field by marching squares: for each cell of
/// the sample grid and each band its corners span, the cell's polygon
/// clipped to the band's value interval, with f interpolated linearly
/// along the cell's edges. Neighbouring cells cut their shared edge at the
/// same points, so the bands meet without gaps; a cell lying wholly in one
/// band is a rectangle, merged with its neighbours along the row.
///
/// The field's samples are read as grid *nodes*: sample (column, row) sits
/// at `x = xRange.lowerBound + column · Δx`, row 0 at the top (the highest
/// y), so a `columns × rows` field spans `xRange × yRange` edge to edge.
public enum Isobands {
    /// A polygon in data coordinates.
    public typealias Polygon = [SIMD2<Double>]

    /// The polygons of each band, index = band level (0 lowest).
    public static func polygons(field: ScalarField, bands: FieldBands,
                                xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) -> [[Polygon]] {
        var out = [[Polygon]](repeating: [], count: bands.levels)
        let columns = field.columns, rows = field.rows
        guard columns > 1, rows > 1, bands.levels > 0 else { return out }
        let dx = (xRange.upperBound - xRange.lowerBound) / Double(columns - 1)
        let dy = (yRange.upperBound - yRange.lowerBound) / Double(rows - 1)
        let boundaries = bands.boundaries
        func node(_ c: Int, _ r: Int) -> SIMD2<Double> {
            SIMD2(xRange.lowerBound + Double(c) * dx, yRange.upperBound - Double(r) * dy)
        }
        func value(_ c: Int, _ r: Int) -> Double { field.values[r * columns + c] }

        for r in 0..<(rows - 1) {
            // A run of whole cells in one band, from column `runStart`.
            var runLevel = -1, runStart = 0
            func closeRun(at end: Int) {
                guard runLevel >= 0 else { return }
                let a = node(runStart, r), b = node(end, r + 1)
                out[runLevel].append([a, SIMD2(b.x, a.y), b, SIMD2(a.x, b.y)])
                runLevel = -1
            }
            for c in 0..<(columns - 1) {
                // Corners in order around the cell: top-left, top-right, bottom-right, bottom-left.
                let corners = [(c, r), (c + 1, r), (c + 1, r + 1), (c, r + 1)]
                let values = corners.map { value($0.0, $0.1) }
                guard values.allSatisfy(\.isFinite) else {
                    closeRun(at: c)
                    continue
                }
                let levels = values.map(bands.level(of:))
                let low = levels.min() ?? 0, high = levels.max() ?? 0
                if low == high {
                    if runLevel != low {
                        closeRun(at: c)
                        runLevel = low
                        runStart = c
                    }
                    continue
                }
                closeRun(at: c)
                let polygon = corners.map { node($0.0, $0.1) }
                for level in low...high {
                    var clipped = Array(zip(polygon, values))
                    if level > 0 { clipped = clip(clipped, keepAbove: boundaries[level - 1]) }
                    if level < bands.levels - 1 { clipped = clip(clipped, keepBelow: boundaries[level]) }
                    if clipped.count >= 3 { out[level].append(clipped.map(\.0)) }
                }
            }
            closeRun(at: columns - 1)
        }
        return out
    }

    typealias Vertex = (SIMD2<Double>, Double)

    /// Sutherland–Hodgman against `v ≥ t`.
    static func clip(_ polygon: [Vertex], keepAbove t: Double) -> [Vertex] {
        clip(polygon) { $0 >= t } cut: { t }
    }

    /// Sutherland–Hodgman against `v ≤ t`.
    static func clip(_ polygon: [Vertex], keepBelow t: Double) -> [Vertex] {
        clip(polygon) { $0 <= t } cut: { t }
    }

    private static func clip(_ polygon: [Vertex], inside: (Double) -> Bool, cut: () -> Double) -> [Vertex] {
        guard !polygon.isEmpty else { return [] }
        var out: [Vertex] = []
        let t = cut()
        for index in polygon.indices {
            let a = polygon[index], b = polygon[(index + 1) % polygon.count]
            let aIn = inside(a.1), bIn = inside(b.1)
            if aIn { out.append(a) }
            if aIn != bIn, a.1 != b.1 {
                let s = (t - a.1) / (b.1 - a.1)
                out.append((a.0 + s * (b.0 - a.0), t))
            }
        }
        return out
    }
}
