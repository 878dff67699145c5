import GradlabCore
import GradlabMath
import GradlabUI

/// What the plane and the inspector show of curvature (issue 14): the
/// Hessian's eigenvalues at the selected point, the rate above which plain
/// gradient descent diverges there, and guides for the next step.
struct CurvatureView {
    /// The value, gradient and Hessian: the landscape's over (x1, x2), a
    /// data lab's per-sample loss over its parameters.
    private let program: Program?
    private let config: LabConfig
    private let dataset: LabDataset
    private var cached: (point: [Double], curvature: Curvature?)?
    private var cachedCount: (epoch: Int, version: Int, counts: (above: Int, of: Int))?

    init(config: LabConfig, dataset: LabDataset) {
        self.config = config
        self.dataset = dataset
        program = config.lab == .landscape ? try? Curvature.landscapeProgram(config.function)
            : try? Curvature.lossProgram(config: config, dataset: dataset)
    }

    /// The curvature at `point` (the landscape's x1, x2 or a data lab's parameters), cached.
    mutating func curvature(at point: [Double]) -> Curvature? {
        if let cached, cached.point == point { return cached.curvature }
        var result: Curvature?
        if let program {
            result = config.lab == .landscape ? Curvature(outputs: program.evaluate(point), parameters: 2)
                : try? Curvature.loss(program: program, config: config, dataset: dataset, at: point)
        }
        cached = (point, result)
        return result
    }

    /// How many of the drawn landscape points sit where `optimizer` with its
    /// lr is above the critical rate; cached per epoch.
    mutating func pointsAboveCritical(_ run: RunView, optimizers: [OptimizerConfig]) -> (above: Int, of: Int) {
        if let cachedCount, cachedCount.epoch == run.epoch, cachedCount.version == run.paths.count { return cachedCount.counts }
        guard config.lab == .landscape, let program else { return (0, 0) }
        var above = 0, of = 0
        let perGroup = max(run.pathsPerGroup, 1)
        var outputs = [Double](repeating: 0, count: program.outputCount)
        for (index, path) in run.paths.enumerated() {
            guard let p = path.last, p.x.isFinite, p.y.isFinite else { continue }
            let optimizer = optimizers[min(optimizers.count - 1, index / perGroup)]
            of += 1
            [p.x, p.y].withUnsafeBufferPointer { input in
                outputs.withUnsafeMutableBufferPointer { out in
                    guard let input = input.baseAddress, let out = out.baseAddress else { return }
                    program.evaluate(input, into: out)
                }
            }
            if let critical = Curvature.criticalRate(optimizer, lambdaMax: Curvature.lambdaMax(h11: outputs[3], h12: outputs[4], h22: outputs[6])),
               optimizer.lr > critical {
                above += 1
            }
        }
        cachedCount = (run.epoch, run.paths.count, (above, of))
        return (above, of)
    }
}

extension FrameBuilder {
    /// Where the selected point is: the inspection's (live), else the
    /// selected path's last position (a replay's landscape) or the latest
    /// parameters (a replay's data lab).
    func selectedPosition(_ run: RunView, selected: Int) -> [Double]? {
        if let parameters = run.inspection?.parameters, !parameters.isEmpty { return parameters.map(\.value) }
        if config.lab == .landscape {
            guard !run.paths.isEmpty, let last = run.paths[min(max(0, selected), run.paths.count - 1)].last else { return nil }
            return [last.x, last.y]
        }
        let values = run.latest?.params.compactMap(\.values.first) ?? []
        return values.count == config.parameterNames.count ? values : nil
    }

    /// The optimizer (with its lr now) that moves the selected point.
    func selectedOptimizer(_ run: RunView, selected: Int = 0) -> OptimizerConfig {
        guard let compare = config.compare else {
            var current = run.optimizerConfig ?? config.optimizer
            current.lr = run.lr
            return current
        }
        let perGroup = max(1, config.starts?.count ?? config.points)
        let group = min(compare.count - 1, run.inspection?.selectedPoint.map { $0 / perGroup } ?? selected / max(1, run.pathsPerGroup))
        var chosen = compare[group]
        if run.groupLearningRates.count == compare.count { chosen.lr = run.groupLearningRates[group] }
        return chosen
    }

    /// The inspector's Curvature section at the selected point (or the data
    /// lab's parameters), and the warning when the lr is past the limit.
    mutating func curvatureSection(_ run: RunView, selected: Int) -> (InspectorSection, warning: String?)? {
        guard let point = selectedPosition(run, selected: selected),
              point.allSatisfy(\.isFinite), let c = curvatureView.curvature(at: point) else { return nil }
        let optimizer = selectedOptimizer(run, selected: selected)
        let critical = Curvature.criticalRate(optimizer, lambdaMax: c.maxEigenvalue)
        let over = critical.map { optimizer.lr > $0 } ?? false
        var rows = [InspectorRow("λmin", compact(c.minEigenvalue)), InspectorRow("λmax", compact(c.maxEigenvalue)),
                    InspectorRow("condition", !c.isFinite ? "–" : c.conditionNumber.isNaN ? "– (H = 0)" : compact(c.conditionNumber))]
        rows.append(InspectorRow("2/λmax", c.criticalLearningRate.map(compact) ?? (c.isFinite ? "none (λmax ≤ 0)" : "– (H not finite)"),
                                 emphasis: over ? .warning : .normal))
        if let critical, critical != c.criticalLearningRate {
            rows.append(InspectorRow("limit for \(optimizer.kind.rawValue)", compact(critical), emphasis: over ? .warning : .normal))
        }
        let title = config.lab == .landscape ? "Curvature here" : "Curvature (loss Hessian)"
        guard over, let critical else { return (InspectorSection(title, rows: rows), nil) }
        var counted = ""
        if config.lab == .landscape {
            let (above, of) = curvatureView.pointsAboveCritical(run, optimizers: config.compare ?? [optimizer])
            counted = " (\(above) of \(of) drawn points past theirs)"
        }
        let limit = critical == c.criticalLearningRate ? "2/λmax" : "its limit 2(1+momentum)/λmax"
        let warning = "lr \(NumberText.short(optimizer.lr)) > \(limit) = \(NumberText.short(critical)) at the selected point"
            + counted + ": each step overshoots along the steepest axis and grows; lower the lr (- or [)"
        return (InspectorSection(title, rows: rows), warning)
    }

    /// Guides at the selected point for `h`: the −∇f direction, the
    /// Hessian's principal axes (a cross, each arm ∝ its eigenvalue), and
    /// where the optimizer's next step lands.
    mutating func guides(_ run: RunView, selected: Int, range: (x: ClosedRange<Double>, y: ClosedRange<Double>)) -> [PlaneGuide] {
        guard let values = selectedPosition(run, selected: selected), values.count >= 2 else { return [] }
        let axes = config.lab == .landscape ? (0, 1) : planeAxes
        guard values.allSatisfy(\.isFinite), let c = curvatureView.curvature(at: values) else { return [] }
        let here = SIMD2(values[axes.0], values[axes.1])
        let span = min(range.x.upperBound - range.x.lowerBound, range.y.upperBound - range.y.lowerBound)
        var guides: [PlaneGuide] = []
        let g = SIMD2(c.gradient[axes.0], c.gradient[axes.1])
        let gNorm = (g * g).sum().squareRoot()
        if gNorm > 0, gNorm.isFinite {
            guides.append(PlaneGuide(from: here, to: here - g / gNorm * span * 0.12, kind: .descent))
        }
        let top = c.eigenvalues.map(abs).max() ?? 0
        if top > 0, top.isFinite {
            for (lambda, vector) in zip(c.eigenvalues, c.eigenvectors) {
                let v = SIMD2(vector[axes.0], vector[axes.1])
                let arm = v * span * 0.08 * max(abs(lambda) / top, 0.08)
                guides.append(PlaneGuide(from: here - arm, to: here + arm, kind: lambda >= 0 ? .curvesUp : .curvesDown))
            }
        }
        // The next step needs the optimizer's state: the live lab's inspection has it, a replay does not.
        if let inspection = run.inspection, let landing = nextStep(run, from: values, gradient: inspection.parameters.map(\.gradient)) {
            guides.append(PlaneGuide(from: here, to: SIMD2(landing[axes.0], landing[axes.1]), kind: .nextStep))
        }
        return guides
    }

    /// Where the selected point's optimizer moves it next: the rule itself,
    /// run on a copy of the point's state.
    private func nextStep(_ run: RunView, from values: [Double], gradient: [Double]) -> [Double]? {
        guard let inspection = run.inspection else { return nil }
        let optimizer = makeOptimizer(selectedOptimizer(run), scalar: Double.self)
        var buffers: [String: [Double]] = [:]
        for parameter in inspection.parameters {
            for state in parameter.state { buffers[state.name, default: []].append(state.values.first ?? 0) }
        }
        // Stateless rules (plain SGD) have nothing to restore; a state needs every parameter's value.
        if !buffers.isEmpty {
            guard buffers.values.allSatisfy({ $0.count == values.count }) else { return nil }
            do { try optimizer.restore(stepCount: inspection.optimizerSteps, buffers: buffers) } catch { return nil }
        }
        var parameters = values
        gradient.withUnsafeBufferPointer { g in
            parameters.withUnsafeMutableBufferPointer { p in
                guard let g = g.baseAddress, let p = p.baseAddress else { return }
                optimizer.step(parameters: p, gradients: g, count: values.count)
            }
        }
        return parameters.allSatisfy(\.isFinite) ? parameters : nil
    }
}
