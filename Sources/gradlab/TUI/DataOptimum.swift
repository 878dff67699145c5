import GradlabCore

/// A data lab's optimum: the parameters that minimize its default loss over
/// the training data, marked on the loss plane (the tutorial's line lab
/// reaches (0.7, 0.3): its data lie exactly on y = 0.7 x + 0.3).
enum DataOptimum {
    /// Nil for the landscape, and for a loss other than the lab's own (its
    /// optimum is not known in closed form).
    static func of(config: LabConfig, dataset: LabDataset) -> [Double]? {
        guard config.lab != .landscape, config.function == LabConfig(lab: config.lab).function else { return nil }
        let x = dataset.trainInputs, y = dataset.trainTargets
        guard x.count == y.count, x.count >= 3 else { return nil }
        switch config.lab {
        case .linear:
            return leastAbsoluteLine(x, y)
        case .quadratic:
            // Least squares over the columns t², t, 1 (the loss is squared error).
            return solve(normalEquations(x, y, weights: nil, columns: { [$0 * $0, $0, 1] }))
        case .landscape:
            return nil
        }
    }

    /// The line minimizing the mean |w x + b − y| (the line lab's loss), by
    /// iteratively reweighted least squares.
    private static func leastAbsoluteLine(_ x: [Double], _ y: [Double]) -> [Double]? {
        guard var estimate = solve(normalEquations(x, y, weights: nil, columns: { [$0, 1] })) else { return nil }
        for _ in 0..<200 {
            let weights = zip(x, y).map { 1 / max(abs(estimate[0] * $0 + estimate[1] - $1), 1e-12) }
            guard let next = solve(normalEquations(x, y, weights: weights, columns: { [$0, 1] })) else { break }
            let moved = abs(next[0] - estimate[0]) + abs(next[1] - estimate[1])
            estimate = next
            if moved < 1e-15 { break }
        }
        return estimate
    }

    /// (AᵀWA | AᵀWy) for the rows `columns(x_i)`.
    private static func normalEquations(_ x: [Double], _ y: [Double], weights: [Double]?,
                                        columns: (Double) -> [Double]) -> [[Double]] {
        let n = columns(0).count
        var system = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: n)
        for i in x.indices {
            let row = columns(x[i]), w = weights?[i] ?? 1
            for r in 0..<n {
                for c in 0..<n { system[r][c] += w * row[r] * row[c] }
                system[r][n] += w * row[r] * y[i]
            }
        }
        return system
    }

    /// Gaussian elimination with partial pivoting; nil when singular.
    private static func solve(_ augmented: [[Double]]) -> [Double]? {
        var m = augmented
        let n = m.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(m[$0][col]) < abs(m[$1][col]) }), abs(m[pivot][col]) > 1e-300 else {
                return nil
            }
            m.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let factor = m[row][col] / m[col][col]
                for k in col...n { m[row][k] -= factor * m[col][k] }
            }
        }
        var solution = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = m[row][n]
            for k in (row + 1)..<n { sum -= m[row][k] * solution[k] }
            solution[row] = sum / m[row][row]
        }
        return solution.allSatisfy(\.isFinite) ? solution : nil
    }
}
