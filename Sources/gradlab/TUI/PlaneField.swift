import GradlabCore
import GradlabMath
import GradlabUI

/// Computes and caches the contour field of the main plane: f over the
/// landscape's domain, or a data lab's loss over two of its parameters.
///
/// Recomputed only when the grid size, the ranges or the fixed parameters
/// change, so a frame costs nothing here while training runs.
struct PlaneField {
    private struct Key: Equatable {
        var columns: Int, rows: Int
        var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
        var fixed: [Double]
    }

    private var key: Key?
    private(set) var field: ScalarField?

    /// The landscape: f(x1, x2) at the grid's sample points.
    mutating func landscape(program: Program, columns: Int, rows: Int,
                            xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) -> ScalarField? {
        let wanted = Key(columns: columns, rows: rows, xRange: xRange, yRange: yRange, fixed: [])
        if wanted == key, let field { return field }
        let (xs, ys) = ScalarField.sampleCoordinates(columns: columns, rows: rows, xRange: xRange, yRange: yRange)
        var gridX: [Double] = [], gridY: [Double] = []
        gridX.reserveCapacity(columns * rows)
        gridY.reserveCapacity(columns * rows)
        for y in ys { for x in xs { gridX.append(x); gridY.append(y) } }
        var values = [Double](repeating: .nan, count: gridX.count)
        gridX.withUnsafeBufferPointer { px in
            gridY.withUnsafeBufferPointer { py in
                values.withUnsafeMutableBufferPointer { out in
                    guard let px = px.baseAddress, let py = py.baseAddress, let out = out.baseAddress else { return }
                    program.run(count: gridX.count, inputs: [.lanes(px), .lanes(py)], outputs: [out])
                }
            }
        }
        key = wanted
        field = ScalarField(columns: columns, rows: rows, values: values)
        return field
    }

    /// A data lab: the mean per-sample loss with parameters `axes` on the grid
    /// and the others at `fixed`.
    /// - Parameters:
    ///   - program: the loss's value Program over `parameters + data columns`.
    ///   - parameters: every parameter name, in the Program's input order.
    ///   - axes: the indices (into `parameters`) on x and y.
    ///   - fixed: every parameter's current value (the axes' are ignored).
    ///   - samples: the data columns, in the Program's input order after the parameters.
    mutating func loss(program: Program, parameters: [String], axes: (Int, Int), fixed: [Double],
                       samples: [[Double]], columns: Int, rows: Int,
                       xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) -> ScalarField? {
        var others = fixed
        others[axes.0] = 0
        others[axes.1] = 0
        let wanted = Key(columns: columns, rows: rows, xRange: xRange, yRange: yRange, fixed: others)
        if wanted == key, let field { return field }
        guard let count = samples.first?.count, count > 0 else { return nil }
        let (xs, ys) = ScalarField.sampleCoordinates(columns: columns, rows: rows, xRange: xRange, yRange: yRange)
        var values: [Double] = []
        values.reserveCapacity(columns * rows)
        var out = [Double](repeating: 0, count: count)
        for y in ys {
            for x in xs {
                var params = fixed
                params[axes.0] = x
                params[axes.1] = y
                out.withUnsafeMutableBufferPointer { output in
                    guard let output = output.baseAddress else { return }
                    withLanes(samples) { lanes in
                        program.run(count: count, inputs: params.map { .uniform($0) } + lanes.map { .lanes($0) }, outputs: [output])
                    }
                }
                values.append(out.reduce(0, +) / Double(count))
            }
        }
        key = wanted
        field = ScalarField(columns: columns, rows: rows, values: values)
        return field
    }
}

/// Calls `body` with stable pointers to each column.
private func withLanes(_ columns: [[Double]], _ body: ([UnsafePointer<Double>]) -> Void) {
    func recurse(_ index: Int, _ acc: [UnsafePointer<Double>]) {
        if index == columns.count { return body(acc) }
        columns[index].withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            recurse(index + 1, acc + [base])
        }
    }
    recurse(0, [])
}

/// A range that holds a path with a margin, grown (never shrunk) as the path
/// leaves it, so the field is not recomputed every epoch.
struct FollowingRange {
    private(set) var x: ClosedRange<Double>?
    private(set) var y: ClosedRange<Double>?

    mutating func fit(_ points: [SIMD2<Double>]) -> (ClosedRange<Double>, ClosedRange<Double>) {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard let first = finite.first else { return (x ?? -1...1, y ?? -1...1) }
        var low = first, high = first
        for p in finite {
            low = pointwiseMin(low, p)
            high = pointwiseMax(high, p)
        }
        if let x, let y, x.contains(low.x), x.contains(high.x), y.contains(low.y), y.contains(high.y) {
            return (x, y)
        }
        let span = SIMD2(max(high.x - low.x, 0.5), max(high.y - low.y, 0.5))
        let centre = (low + high) / 2
        let newX = (centre.x - span.x)...(centre.x + span.x)
        let newY = (centre.y - span.y)...(centre.y + span.y)
        x = newX
        y = newY
        return (newX, newY)
    }

    mutating func reset() {
        x = nil
        y = nil
    }
}
