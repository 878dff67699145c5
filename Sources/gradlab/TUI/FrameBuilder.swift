import GradlabCore
import GradlabMath
import GradlabUI

/// Turns a run's state and the view state into a ``DashboardModel``: the
/// only place that knows how each lab is shown.
struct FrameBuilder {
    let config: LabConfig
    let dataset: LabDataset
    /// f (landscape) or the per-sample loss (data labs), for the plane's field.
    let valueProgram: Program?
    private var field = PlaneField()
    private var range = FollowingRange()
    private let basins: BasinClassifier?
    /// The named function the landscape shows (the tutorial's by default):
    /// its minima are marked, its f_min shifts a log loss axis.
    let knownFunction: TestFunction?
    /// A data lab's optimum (all parameters), marked on its loss plane.
    private let optimum: [Double]?
    /// The Hessian at the selected point: the inspector's Curvature section and the guides.
    var curvatureView: CurvatureView
    /// Whether `b` can colour by basin: the function is a named one with known minima.
    var hasBasins: Bool { basins != nil }
    /// Figures: the data view also shows the model's predictions at the
    /// data's inputs (the tutorial's `show_preds`); off in the terminal.
    var showsPredictions = false
    /// Draws only each trajectory's new points from frame to frame.
    private let trails = TrailCache()
    /// The plane's axes: (x index, y index) into the lab's parameters.
    private(set) var planeAxes = (0, 1)

    init(config: LabConfig, dataset: LabDataset) {
        self.config = config
        self.dataset = dataset
        let variables = config.lab == .landscape ? ["x1", "x2"] : config.parameterNames + [dataset.inputName, dataset.targetName]
        valueProgram = (try? GradlabMath.Expression.parse(config.function, variables: variables)).map { Program.value(of: $0, inputs: variables) }
        knownFunction = config.lab != .landscape ? nil
            : config.functionName.flatMap(TestFunction.named) ?? (config.function == LabConfig.tutorialFunction ? .tutorial : nil)
        basins = knownFunction.map { BasinClassifier(function: $0) }
        optimum = DataOptimum.of(config: config, dataset: dataset)
        curvatureView = CurvatureView(config: config, dataset: dataset)
    }

    /// The shading the plane shows now: the user's, or the one the field suits.
    var shading: FieldShading {
        field.field.map(FieldShading.suited(to:)) ?? .linear
    }

    mutating func resetRange() { range.reset() }

    /// Cycles the loss plane through the parameter pairs: (a, b), (a, c), (b, c).
    mutating func nextParameterPair() {
        let n = config.parameterNames.count
        guard config.lab != .landscape, n > 2 else { return }
        let pairs = (0..<n).flatMap { i in ((i + 1)..<n).map { (i, $0) } }
        let index = pairs.firstIndex { $0 == planeAxes } ?? 0
        planeAxes = pairs[(index + 1) % pairs.count]
        range.reset()
    }

    mutating func model(run: RunView, view: ViewState, width: Int, height: Int) -> DashboardModel {
        let curvature = curvatureSection(run, selected: view.selected)
        var model = DashboardModel(status: status(run, view, warning: curvature?.warning), main: mainView(run, view),
                                   loss: lossChart(run, view), inspector: inspector(run, view, curvature: curvature?.0),
                                   showHelp: view.showHelp, focus: view.focus)
        model.lastMessage = run.message.isEmpty ? nil : run.message
        model.helpPage = view.helpPage
        model.helpScroll = view.helpScroll
        model.commandHelp = LabCommand.helpLines
        if let warning = curvature?.warning, model.status.message == warning {
            model.lastMessage = run.message.isEmpty || run.message == warning ? warning : warning + " — also: " + run.message
        }
        if case .plane(var plane) = model.main,
           let size = Dashboard.fieldGridSize(for: model, width: width, height: height), let program = valueProgram,
           size.columns > 0, size.rows > 0 {
            if config.lab == .landscape {
                plane.field = field.landscape(program: program, columns: size.columns, rows: size.rows,
                                              xRange: plane.xRange, yRange: plane.yRange)
            } else {
                let current = run.latest?.params.compactMap(\.values.first) ?? []
                if current.count == config.parameterNames.count {
                    let samples = [dataset.trainInputs, dataset.trainTargets]
                    plane.field = field.loss(program: program, parameters: config.parameterNames, axes: planeAxes,
                                             fixed: current, samples: samples, columns: size.columns, rows: size.rows,
                                             xRange: plane.xRange, yRange: plane.yRange)
                }
            }
            model.main = .plane(plane)
        }
        return model
    }

    // MARK: - Panes

    private mutating func mainView(_ run: RunView, _ view: ViewState) -> MainView {
        switch (config.lab, view.main) {
        case (.landscape, _):
            return .plane(landscapePlane(run, view))
        case (_, .plane):
            let names = config.parameterNames
            let path = run.parameterPath.map { SIMD2($0[planeAxes.0], $0[planeAxes.1]) }
            let (x, y) = range.fit(path)
            let fixed = Self.fixedParameters(names, axes: planeAxes)
            let title = "Loss over (\(names[planeAxes.0]), \(names[planeAxes.1]))" + (fixed.map { ", \($0)  [p: next pair]" } ?? "")
            var plane = ParameterPlane(title: title, xRange: x, yRange: y, xName: names[planeAxes.0], yName: names[planeAxes.1],
                                       fieldName: "loss", trajectories: [Trajectory(points: path, role: .series(0))], selected: 0)
            plane.shading = view.shading
            if let optimum { plane.markers = [SIMD2(optimum[planeAxes.0], optimum[planeAxes.1])] }
            plane.markerLabel = "optimum"
            if view.showGuides { plane.guides = guides(run, selected: view.selected, range: (x, y)) }
            return .plane(plane)
        case (_, .data):
            return .data(dataPlot(run))
        }
    }

    /// What a data lab's loss plane holds still: `c fixed` when it shows
    /// (a, b) of the quadratic's (a, b, c); nil when it shows every parameter.
    /// The pane's title and the figure's say it the same way.
    static func fixedParameters(_ names: [String], axes: (Int, Int)) -> String? {
        let fixed = names.indices.filter { $0 != axes.0 && $0 != axes.1 }.map { names[$0] }
        return fixed.isEmpty ? nil : "\(fixed.joined(separator: ", ")) fixed"
    }

    /// The landscape: one colour per point, per optimizer group under
    /// `--compare`, or per basin of attraction in the basin view.
    private mutating func landscapePlane(_ run: RunView, _ view: ViewState) -> ParameterPlane {
        let d = config.domain
        let groups = config.groups
        var legend: [LegendEntry] = []
        var roles: [ThemeRole] = run.paths.indices.map { .series($0 % Theme.seriesCount) }
        if groups.count > 1 {
            let perGroup = max(run.pathsPerGroup, 1)
            roles = run.paths.indices.map { .series(($0 / perGroup) % Theme.seriesCount) }
            legend = groups.enumerated().map { LegendEntry(Self.label($1), role: .series($0)) }
        }
        var title = "Landscape  f = \(config.functionName ?? config.function)"
        if view.showBasins, let basins {
            roles = run.paths.map { path in
                guard let current = path.last, let basin = basins.basin(of: current) else { return .muted }
                return .series(basin % Theme.seriesCount)
            }
            let counts = basins.counts(run.paths.compactMap(\.last))
            legend = Self.basinLegend(perMinimum: counts.perMinimum, none: counts.none)
            title += "  (basins)"
        }
        let trajectories = zip(run.paths, roles).map { Trajectory(points: $0, role: $1) }
        let range = view.planeRange ?? PlaneRange(x: d[0]...d[1], y: d[2]...d[3])
        var plane = ParameterPlane(title: title, xRange: range.x, yRange: range.y, trajectories: trajectories,
                                   selected: run.paths.isEmpty ? nil : min(view.selected, run.paths.count - 1), legend: legend,
                                   trailCache: trails)
        plane.shading = view.shading
        plane.rolesAreGroups = groups.count > 1 && !view.showBasins
        plane.markers = knownFunction?.allMinima ?? []
        plane.markerLabel = (knownFunction?.allMinima.count ?? 0) > 1 ? "minima" : "minimum"
        plane.outsideHint = view.planeRange == nil ? "z zooms out" : "z refits, Z domain"
        if view.showGuides { plane.guides = guides(run, selected: view.selected, range: (range.x, range.y)) }
        return plane
    }

    /// The basin view's legend: every basin and the points in none, largest
    /// first (the plane says "+k more" when they do not fit), ties in
    /// minimum order, none after the basins.
    static func basinLegend(perMinimum: [Int], none: Int) -> [LegendEntry] {
        let entries = perMinimum.enumerated().map {
            (count: $0.element, order: $0.offset, entry: LegendEntry("min \($0.offset + 1): \($0.element)", role: .series($0.offset % Theme.seriesCount)))
        } + (none > 0 ? [(count: none, order: perMinimum.count, entry: LegendEntry("none: \(none)", role: .muted))] : [])
        return entries.sorted { $0.count > $1.count || ($0.count == $1.count && $0.order < $1.order) }.map(\.entry)
    }

    /// The ranges `z` zooms out to: the domain and every drawn point's
    /// position (finite ones), with a margin.
    static func fittedRange(paths: [[SIMD2<Double>]], domain: [Double]) -> PlaneRange {
        var low = SIMD2(domain[0], domain[2]), high = SIMD2(domain[1], domain[3])
        for path in paths {
            guard let p = path.last, p.x.isFinite, p.y.isFinite else { continue }
            low = pointwiseMin(low, p)
            high = pointwiseMax(high, p)
        }
        let margin = (high - low) * 0.05
        return PlaneRange(x: (low.x - margin.x)...(high.x + margin.x), y: (low.y - margin.y)...(high.y + margin.y))
    }

    /// A short name for a compared optimizer: `adam`, `sgd+momentum`, `sgd+nesterov`.
    static func label(_ config: OptimizerConfig) -> String {
        guard config.kind == .sgd, config.momentum > 0 else { return config.kind.rawValue }
        return config.nesterov ? "sgd+nesterov" : "sgd+momentum"
    }

    /// A `--compare` run's groups as titles name them: `sgd vs sgd+momentum vs adam`.
    static func groupsLabel(_ config: LabConfig) -> String {
        config.groups.map(label).joined(separator: " vs ")
    }

    private func dataPlot(_ run: RunView) -> ScatterPlot {
        var sets = [PointSet(name: config.lab == .linear ? "train" : "data",
                             points: zip(dataset.trainInputs, dataset.trainTargets).map { SIMD2($0, $1) }, role: .train)]
        if !dataset.testInputs.isEmpty {
            sets.append(PointSet(name: "test", points: zip(dataset.testInputs, dataset.testTargets).map { SIMD2($0, $1) },
                                 role: .test, glyph: .cross))
        }
        let inputs = dataset.trainInputs + dataset.testInputs
        var curves: [Curve] = []
        if let low = inputs.min(), let high = inputs.max(), let params = run.latest?.params {
            let p = params.compactMap(\.values.first)
            let model: (Double) -> Double = config.lab == .linear
                ? { p.count == 2 ? p[0] * $0 + p[1] : .nan }
                : { p.count == 3 ? p[0] * $0 * $0 + p[1] * $0 + p[2] : .nan }
            let xs = (0...96).map { low + (high - low) * Double($0) / 96 }
            curves.append(Curve(name: "model", points: xs.map { SIMD2($0, model($0)) }, role: .accent))
            if showsPredictions {
                // The tutorial predicts the test set (linear) or the data (quadratic).
                let at = dataset.testInputs.isEmpty ? dataset.trainInputs : dataset.testInputs
                sets.append(PointSet(name: "predicted", points: at.map { SIMD2($0, model($0)) }, role: .series(0)))
            }
        }
        return ScatterPlot(title: config.lab == .linear ? "Data and fitted line" : "Data and fitted curve",
                           xName: dataset.inputName, yName: dataset.targetName, pointSets: sets, curves: curves)
    }

    private func lossChart(_ run: RunView, _ view: ViewState) -> LossChart {
        var series: [LossSeries]
        switch config.lab {
        case .linear:
            series = [LossSeries(name: "train", values: run.trainLoss, role: .train),
                      LossSeries(name: "test", values: run.testLoss, role: .test)]
        case .quadratic:
            series = [LossSeries(name: "MSE", values: run.loss, role: .series(0))]
        case .landscape where !run.groupLoss.isEmpty:
            series = zip(config.groups, run.groupLoss).enumerated().map { index, pair in
                LossSeries(name: Self.label(pair.0), values: pair.1, role: .series(index % Theme.seriesCount))
            }
        case .landscape:
            series = [LossSeries(name: "mean f", values: run.loss, role: .series(0))]
        }
        series = series.filter { !$0.values.isEmpty }
        // Since `:f` or a click on the parameters, no epoch has run: the legend's values are from before.
        if run.lossIsStale {
            for index in series.indices { series[index].latestIsStale = true }
        }
        // A log axis shows f − f_min (f is negative on most landscapes), named so.
        var title = view.logScale ? "Loss (log)" : "Loss"
        if view.logScale, let shift = logShift {
            series = series.map { LossSeries(name: $0.name + " - f_min", values: $0.values.map { $0 - shift }, role: $0.role) }
            title = "Loss (log, f_min = \(NumberText.short(shift)))"
        }
        return LossChart(title: title, series: series, logScale: view.logScale, firstEpoch: run.firstEpoch)
    }

    /// Where a lab's inspected gradient is taken, said after its label: full
    /// batch, at the parameters before the epoch's step (the rows of the
    /// parameters are after it); the linear lab's per-sample SGD, at its
    /// epoch's last sample.
    static func gradientWhen(_ lab: LabKind) -> String {
        lab == .linear ? ", last sample" : ", pre-step"
    }

    /// What a log loss axis subtracts: the landscape's known f_min, when it is not 0.
    var logShift: Double? {
        guard let minimum = knownFunction?.minimumValue, minimum != 0 else { return nil }
        return minimum
    }


    private func inspector(_ run: RunView, _ view: ViewState, curvature: InspectorSection?) -> Inspector {
        var sections: [InspectorSection] = []
        // Under --compare the Run section speaks of the selected point's group.
        let groupLR = config.compare == nil ? nil : run.inspection?.learningRate
        var runRows = [InspectorRow("epoch", "\(run.epoch)"),
                       InspectorRow(groupLR == nil ? "lr" : "lr (this group)", compact(groupLR ?? run.lr))]
        if config.compare == nil { runRows.append(InspectorRow("optimizer", run.optimizer)) }
        if let last = run.latest {
            // Since `:f` or a click on the parameters, no epoch has run: the loss is not known yet.
            let stale = run.lossIsStale
            switch config.lab {
            case .linear:
                runRows.append(InspectorRow("train loss", stale ? "–" : compact(last.trainLoss ?? .nan), emphasis: last.diverged ? .error : .normal))
                runRows.append(InspectorRow("test loss", stale ? "–" : compact(last.testLoss ?? .nan)))
            case .quadratic:
                // Full batch, as the landscape: the loss before the epoch's step.
                runRows.append(InspectorRow("MSE, pre-step", stale ? "–" : compact(last.loss), emphasis: last.diverged ? .error : .normal))
            case .landscape:
                // Under --compare, the selected point's group: the value its loss legend shows.
                // The epoch's loss, as the tutorial takes it: at the points
                // before the epoch's step (the point rows below are after it).
                let perGroup = max(1, config.starts?.count ?? config.points)
                if config.compare != nil, let groupLoss = last.groupLoss, let point = run.inspection?.selectedPoint,
                   groupLoss.indices.contains(point / perGroup) {
                    runRows.append(InspectorRow("group f pre-step", stale ? "–" : compact(groupLoss[point / perGroup]),
                                                emphasis: last.diverged ? .error : .normal))
                } else {
                    runRows.append(InspectorRow("mean f, pre-step", stale ? "–" : compact(last.loss), emphasis: last.diverged ? .error : .normal))
                }
            }
        }
        if let inspection = run.inspection {
            // NaN before any step measured it (a fresh lab, a new f), unless the run diverged;
            // the linear lab's is its last sample's, so none before its first step.
            // Under --compare the selected point's group's, as the row above:
            // the norm over every group's points read as the group's.
            let groupNorm = config.compare == nil ? nil : inspection.groupGradientNorm
            let value = groupNorm ?? inspection.gradientNorm
            let unmeasured = (value.isNaN && run.latest?.diverged != true) || run.gradientsAreStale
                || (config.lab == .linear && inspection.optimizerSteps == 0)
            let label = groupNorm != nil ? "group ‖grad‖ pre-step" : "‖grad‖" + Self.gradientWhen(config.lab)
            runRows.append(InspectorRow(label, unmeasured ? "–" : compact(value)))
            runRows.append(InspectorRow("steps", "\(inspection.optimizerSteps)"))
        }
        sections.append(InspectorSection("Run", rows: runRows))
        guard let inspection = run.inspection else {
            // A replay: no live inspection, but the curvature where the selected path is.
            if let curvature { sections.append(curvature) }
            return Inspector(sections: sections, scrollOffset: view.inspectorScroll)
        }
        if let point = inspection.selectedPoint {
            var rows: [InspectorRow] = []
            if let value = inspection.valueAtSelected { rows.append(InspectorRow("f", compact(value), emphasis: .strong)) }
            for parameter in inspection.parameters {
                rows.append(InspectorRow(parameter.name, compact(parameter.value), emphasis: .strong))
                rows.append(InspectorRow("  ∂f/∂\(parameter.name)", compact(parameter.gradient)))
                if let step = parameter.lastStep { rows.append(InspectorRow("  last step", compact(step))) }
                for state in parameter.state { rows.append(InspectorRow("  \(state.name)", compact(state.values.first ?? .nan))) }
            }
            if let group = inspection.group { rows.insert(InspectorRow("optimizer", group, emphasis: .strong), at: 0) }
            sections.append(InspectorSection("Point \(point + 1) of \(inspection.pointCount)", rows: rows))
        } else {
            var rows: [InspectorRow] = []
            for parameter in inspection.parameters {
                rows.append(InspectorRow(parameter.name, compact(parameter.value), emphasis: .strong))
                let unmeasured = run.gradientsAreStale || (config.lab == .linear && inspection.optimizerSteps == 0)
                rows.append(InspectorRow("  grad" + Self.gradientWhen(config.lab), unmeasured ? "–" : compact(parameter.gradient)))
                if let step = parameter.lastStep { rows.append(InspectorRow("  last step", compact(step))) }
                for state in parameter.state { rows.append(InspectorRow("  \(state.name)", compact(state.values.first ?? .nan))) }
            }
            sections.append(InspectorSection("Parameters", rows: rows))
        }
        if let curvature { sections.append(curvature) }
        return Inspector(sections: sections, scrollOffset: view.inspectorScroll)
    }

    /// - Parameter warning: the lr is past the curvature's limit at the
    ///   selected point: said unless the run has diverged.
    private func status(_ run: RunView, _ view: ViewState, warning: String?) -> StatusBar {
        let mode: RunMode = view.replay ? .replay : (view.running ? .live : .paused)
        var bar = StatusBar(mode: mode, lab: config.lab.rawValue, epoch: run.epoch, learningRate: run.lr,
                            optimizer: config.compare == nil ? run.optimizer.split(separator: " ").first.map(String.init) ?? ""
                                : Self.groupsLabel(config),
                            device: run.device, epochsPerFrame: view.epochsPerFrame, recording: view.recording,
                            message: run.message.isEmpty ? "? help  q quit" : run.message,
                            messageEmphasis: run.messageIsWarning ? .warning : .normal)
        bar.learningRateText = Self.learningRateText(compare: config.compare, now: run.groupLearningRates)
        if view.replay { bar.modeDetail = view.replayState }
        // Above the limit beats any message but a divergence and fresh news
        // (a key's effect or explanation, a failure): those get 4 s first (the help shows both).
        let fresh = !run.message.isEmpty && run.messageTime.map { ContinuousClock.now - $0 < .seconds(4) } == true
        if let warning, !run.diverged, !fresh {
            bar.message = warning
            bar.messageEmphasis = .warning
        }
        bar.busy = run.busy.map { BusyNote($0.text, elapsed: ContinuousClock.now - $0.since) }
        return bar
    }

    /// Under `--compare` the status bar shows what the lr keys did to every
    /// group (`lr ×1.78 each`, `lr: per group` before any change): no single
    /// rate is every group's. Nil without `--compare`.
    static func learningRateText(compare: [OptimizerConfig]?, now: [Double]) -> String? {
        guard let compare, let start = compare.first?.lr else { return nil }
        guard let current = now.first, current != start else { return "lr: per group" }
        // One factor only where every group's rate moved by it (`+`, `-`);
        // `:lr` sets them all to one value instead.
        let factor = current / start
        let scaled = now.count == compare.count
            && zip(now, compare).allSatisfy { abs($0 - $1.lr * factor) <= 1e-9 * abs($0) }
        if scaled { return "lr ×\(NumberText.short(factor)) each" }
        if Set(now).count == 1 { return "lr \(NumberText.short(current)) all" }
        return "lr: per group"
    }
}

/// Six significant digits, for inspector values (``NumberText/long(_:)``).
func compact(_ value: Double) -> String { NumberText.long(value) }
