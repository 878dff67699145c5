import Foundation
import GradlabMath

/// f's value, gradient and Hessian at one point, with what the Hessian says
/// about gradient descent there: on a quadratic, plain GD with rate lr
/// diverges exactly when lr > 2/λmax (each eigen-direction's error is
/// multiplied by 1 − lr·λ per step), so 2/λmax is the critical rate.
public struct Curvature: Sendable, Equatable {
    public var value: Double
    public var gradient: [Double]
    /// Row by row (symmetric).
    public var hessian: [[Double]]
    /// Ascending.
    public var eigenvalues: [Double]
    /// `eigenvectors[k]` belongs to `eigenvalues[k]` (unit length).
    public var eigenvectors: [[Double]]

    /// The largest eigenvalue.
    public var maxEigenvalue: Double { eigenvalues.last ?? .nan }
    /// The smallest eigenvalue.
    public var minEigenvalue: Double { eigenvalues.first ?? .nan }

    /// 2/λmax, or nil where λmax ≤ 0 (no direction curves up: no rate
    /// makes plain GD diverge from the curvature alone).
    public var criticalLearningRate: Double? {
        let top = maxEigenvalue
        return top > 0 && top.isFinite ? 2 / top : nil
    }

    /// Whether every entry of the Hessian is a finite number (ackley's at
    /// its minimum, `(-2)^x1`'s: NaN, where nothing about curvature holds).
    public var isFinite: Bool { hessian.allSatisfy { $0.allSatisfy(\.isFinite) } && eigenvalues.allSatisfy(\.isFinite) }

    /// |λ|max / |λ|min (infinite when a direction is flat; NaN, undefined,
    /// where every direction is: a zero Hessian; NaN where the Hessian is
    /// not finite).
    public var conditionNumber: Double {
        let magnitudes = eigenvalues.map(abs)
        guard isFinite, let high = magnitudes.max(), let low = magnitudes.min() else { return .nan }
        if high == 0 { return .nan }
        return low == 0 ? .infinity : high / low
    }

    public init(value: Double, gradient: [Double], hessian: [[Double]]) {
        self.value = value
        self.gradient = gradient
        self.hessian = hessian
        (eigenvalues, eigenvectors) = SymmetricEigen.decompose(hessian)
    }

    /// The rate above which `optimizer` diverges on a quadratic whose top
    /// eigenvalue is `lambdaMax`: 2/λ for plain SGD, 2(1+μ)/λ with
    /// heavy-ball momentum μ (weight decay adds to every eigenvalue). Nil for
    /// adaptive optimizers, whose steps are not lr·gradient, and where λ ≤ 0.
    public static func criticalRate(_ optimizer: OptimizerConfig, lambdaMax: Double) -> Double? {
        guard optimizer.kind == .sgd, !optimizer.maximize else { return nil }
        let lambda = lambdaMax + optimizer.weightDecay
        guard lambda > 0, lambda.isFinite else { return nil }
        if optimizer.momentum == 0 { return 2 / lambda }
        guard !optimizer.nesterov, optimizer.dampening == 0 else { return nil }
        return 2 * (1 + optimizer.momentum) / lambda
    }

    /// The run header's warning when the starting lr is past the critical
    /// rate: at the data lab's initial parameters, or at how many of the
    /// landscape's (tracked) start points. Nil when it is not, or the
    /// optimizer has no such limit.
    public static func startWarning(config: LabConfig, start: EpochRecord, dataset: LabDataset) -> String? {
        let groups = config.compare ?? [config.optimizer]
        if config.lab == .landscape {
            guard let points = start.points, !points.isEmpty, let program = try? landscapeProgram(config.function) else { return nil }
            let perGroup = max(1, points.count / groups.count)
            var above = 0, lowest = Double.infinity
            for (index, point) in points.enumerated() {
                let optimizer = groups[min(groups.count - 1, index / perGroup)]
                let h = program.evaluate([point.x, point.y])
                guard let critical = criticalRate(optimizer, lambdaMax: lambdaMax(h11: h[3], h12: h[4], h22: h[6])) else { continue }
                lowest = min(lowest, critical)
                if optimizer.lr > critical { above += 1 }
            }
            guard above > 0 else { return nil }
            return "warning: the lr is above 2/λmax (the critical rate of the Hessian's steepest direction) at \(above) of "
                + "\(points.count) start points\(points.count < config.points ? " (those the run file tracks)" : ""); "
                + "gradient descent overshoots and diverges there (the lowest limit is \(short(lowest)); `gradlab inspect` shows one point's curvature)"
        }
        let parameters = start.params.compactMap(\.values.first)
        guard parameters.count == config.parameterNames.count,
              let curvature = try? loss(config: config, dataset: dataset, at: parameters),
              let critical = criticalRate(config.optimizer, lambdaMax: curvature.maxEigenvalue),
              config.optimizer.lr > critical else { return nil }
        return "warning: lr \(short(config.optimizer.lr)) is above 2/λmax = \(short(critical)) of the loss at the "
            + "initial parameters: gradient descent overshoots and diverges (`gradlab inspect --lab \(config.lab.rawValue)` shows the Hessian)"
    }

    /// A landscape's f(x1, x2), ∇f and Hessian: outputs f, ∂f/∂x1, ∂f/∂x2,
    /// H11, H12, H21, H22 (read them with ``init(outputs:parameters:)`` or
    /// ``lambdaMax(h11:h12:h22:)``).
    public static func landscapeProgram(_ function: String) throws(GradlabError) -> Program {
        let names = ["x1", "x2"]
        let expression: GradlabMath.Expression
        do { expression = try GradlabMath.Expression.parse(function, variables: names) } catch {
            throw GradlabError("--f: \(error)")
        }
        return Program.valueGradientHessian(of: expression, inputs: names, respect: names)
    }

    /// The top eigenvalue of a symmetric 2×2 Hessian, in closed form.
    public static func lambdaMax(h11: Double, h12: Double, h22: Double) -> Double {
        let mean = (h11 + h22) / 2, half = (h11 - h22) / 2
        return mean + (half * half + h12 * h12).squareRoot()
    }

    /// f(x1, x2) of a landscape at `point`.
    public static func landscape(function: String, at point: [Double]) throws(GradlabError) -> Curvature {
        guard point.count == 2 else { throw GradlabError("--at: expected two numbers x1,x2, got \(point.count)") }
        return Curvature(outputs: try landscapeProgram(function).evaluate(point), parameters: 2)
    }

    /// A data lab's loss over its parameters, the mean over `inputs`/`targets`
    /// of the per-sample loss (the lab's `function` over parameters, input and target).
    public static func loss(config: LabConfig, dataset: LabDataset, at parameters: [Double]) throws(GradlabError) -> Curvature {
        try loss(program: lossProgram(config: config, dataset: dataset), config: config, dataset: dataset, at: parameters)
    }

    /// A data lab's per-sample loss, ∇ and Hessian over its parameters (build
    /// it once; ``loss(program:config:dataset:at:)`` evaluates it anywhere).
    public static func lossProgram(config: LabConfig, dataset: LabDataset) throws(GradlabError) -> Program {
        let names = config.parameterNames
        let variables = names + [dataset.inputName, dataset.targetName]
        let expression: GradlabMath.Expression
        do { expression = try GradlabMath.Expression.parse(config.function, variables: variables) } catch {
            throw GradlabError("the \(config.lab.rawValue) lab's loss: \(error)")
        }
        return Program.valueGradientHessian(of: expression, inputs: variables, respect: names)
    }

    /// The mean over the training samples of `program`
    /// (``lossProgram(config:dataset:)``) at `parameters`.
    public static func loss(program: Program, config: LabConfig, dataset: LabDataset,
                            at parameters: [Double]) throws(GradlabError) -> Curvature {
        let names = config.parameterNames
        guard parameters.count == names.count else {
            throw GradlabError("expected \(names.count) parameters (\(names.joined(separator: ", "))), got \(parameters.count)")
        }
        let count = dataset.trainInputs.count
        guard count > 0 else { throw GradlabError("the \(config.lab.rawValue) lab has no training data") }
        var sum = [Double](repeating: 0, count: 1 + names.count + names.count * names.count)
        for (input, target) in zip(dataset.trainInputs, dataset.trainTargets) {
            let outputs = program.evaluate(parameters + [input, target])
            for k in sum.indices { sum[k] += outputs[k] }
        }
        return Curvature(outputs: sum.map { $0 / Double(count) }, parameters: names.count)
    }

    /// From a ``Program/valueGradientHessian(of:inputs:respect:)`` Program's
    /// outputs over `n` parameters: value, gradient, Hessian row by row.
    public init(outputs: [Double], parameters n: Int) {
        let gradient = Array(outputs[1...n])
        let hessian = (0..<n).map { i in Array(outputs[(1 + n + i * n)..<(1 + n + (i + 1) * n)]) }
        self.init(value: outputs[0], gradient: gradient, hessian: hessian)
    }
}

/// Four significant digits, for the run header's warning.
private func short(_ value: Double) -> String {
    var text = String(format: "%.4g", value)
    if text.contains("e") { text = text.replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e+", with: "e") }
    return text
}

/// Eigenvalues and eigenvectors of a small symmetric matrix (cyclic Jacobi).
enum SymmetricEigen {
    /// - Returns: eigenvalues ascending and their unit eigenvectors; NaN
    ///   throughout when the matrix is not finite.
    static func decompose(_ matrix: [[Double]]) -> ([Double], [[Double]]) {
        let n = matrix.count
        guard n > 0, matrix.allSatisfy({ $0.count == n && $0.allSatisfy(\.isFinite) }) else {
            return ([Double](repeating: .nan, count: n), [[Double]](repeating: [Double](repeating: .nan, count: n), count: n))
        }
        var a = matrix
        // Symmetrize (the two passes may differ in the last bit).
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { let m = (a[i][j] + a[j][i]) / 2; a[i][j] = m; a[j][i] = m } }
        var v = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where j != i { off += a[i][j] * a[i][j] } }
            if off < 1e-300 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where a[p][q] != 0 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k][p], akq = a[k][q]
                        a[k][p] = c * akp - s * akq
                        a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p][k], aqk = a[q][k]
                        a[p][k] = c * apk - s * aqk
                        a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k][p], vkq = v[k][q]
                        v[k][p] = c * vkp - s * vkq
                        v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0][$0] < a[$1][$1] }
        let values = order.map { a[$0][$0] }
        let vectors = order.map { column -> [Double] in
            var vector = (0..<n).map { v[$0][column] }
            // A sign convention: the largest component positive.
            if let big = vector.indices.max(by: { abs(vector[$0]) < abs(vector[$1]) }), vector[big] < 0 {
                vector = vector.map { -$0 }
            }
            return vector
        }
        return (values, vectors)
    }
}
