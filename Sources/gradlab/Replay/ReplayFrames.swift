import GradlabCore
import GradlabMath
import GradlabUI

/// What the live lab's panes show, built from a recording at one position:
/// a ``RunView`` made of slices of a ``RunIndex`` (the loss up to the
/// position, paths sampled to at most ``RunView/pathLimit`` points), so the
/// same ``FrameBuilder`` draws it and a seek costs the same anywhere.
struct ReplayFrames {
    let index: RunIndex
    /// The recording's file name, for messages.
    let name: String
    private let valueProgram: Program?

    init(index: RunIndex, name: String) {
        self.index = index
        self.name = name
        valueProgram = index.config.lab == .landscape
            ? (try? Expression.parse(index.config.function, variables: ["x1", "x2"])).map { Program.value(of: $0, inputs: ["x1", "x2"]) }
            : nil
    }

    /// The run as the live lab would show it after the epoch at `position`.
    func runView(at position: Int) -> RunView {
        var run = RunView()
        guard let state = index.state(at: position) else { return run }
        let range = index.segment(containing: state.position).lowerBound...state.position
        // The loss chart's epochs, as the live view keeps them (RunView.apply).
        var lossStart = range.lowerBound
        if let changed = state.functionPosition, changed >= range.lowerBound, changed < state.position {
            lossStart = changed + 1  // since `:f`: the old f's losses are of another function
        } else if index.trainLoss == nil, state.position > range.lowerBound {
            lossStart += 1  // a full-batch lab's start state: its loss is the first epoch's again
        }
        let lossRange = lossStart...state.position
        run.firstEpoch = index.records[lossStart].epoch
        run.loss = Array(index.loss[lossRange])
        if let train = index.trainLoss { run.trainLoss = Array(train[lossRange]) }
        if let test = index.testLoss { run.testLoss = Array(test[lossRange]) }
        run.latest = state.record
        run.epoch = state.epoch
        // Under a schedule, the rate the epoch ran at, as the live view shows it.
        run.lr = index.config.groups.count <= 1 ? state.record.lr ?? state.learningRate : state.learningRate
        run.optimizer = state.optimizer.summary
        run.device = state.device
        run.diverged = state.record.diverged
        if index.config.lab == .landscape {
            let groups = index.config.groups.count
            (run.paths, run.pathsPerGroup) = paths(through: range, groups: groups)
            if groups > 1 {
                run.groupLoss = (0..<groups).map { g in index.records[lossRange].map { $0.groupLoss?[g] ?? .nan } }
            }
        } else {
            run.parameterPath = RunIndex.sample(range, limit: RunView.pathLimit).compactMap { FrameBuilder.pathPoint(index.records[$0]) }
        }
        if let change = state.lastChange, let at = state.lastChangePosition {
            // The live lab's own wording for the change, with its epoch.
            var scratch = RunView()
            scratch.apply(change, groups: index.config.groups.count) { _ in nil }
            run.message = "epoch \(index.records[at].epoch): \(scratch.message)"
            run.messageIsWarning = scratch.messageIsWarning
        }
        run.version = position
        return run
    }

    /// Each drawn point's path (landscape), the first ones of each optimizer
    /// group as the live view draws them; and how many per group.
    private func paths(through range: ClosedRange<Int>, groups: Int) -> ([[SIMD2<Double>]], Int) {
        let sampled = RunIndex.sample(range, limit: RunView.pathLimit)
        let records = index.records
        let perGroup = (records[range.upperBound].points?.count ?? 0) / max(groups, 1)
        let shown = min(perGroup, RunView.drawnPoints / max(groups, 1))
        var paths = [[SIMD2<Double>]](repeating: [], count: shown * groups)
        for i in paths.indices { paths[i].reserveCapacity(sampled.count) }
        for position in sampled {
            // Points dropped on the plane join later records: an earlier
            // record has fewer per group, and its paths start later.
            guard let points = records[position].points, !points.isEmpty else { continue }
            let recorded = points.count / max(groups, 1)
            for g in 0..<groups {
                for i in 0..<min(shown, recorded) { paths[g * shown + i].append(points[g * recorded + i]) }
            }
        }
        return (paths, shown)
    }

    /// The inspector's recorded values at `position`: the parameters and how
    /// far the epoch moved them, or the selected tracked point and the
    /// statistics over all points; then where the recording came from.
    func recordedSections(at position: Int, selected: Int, status: String?) -> [InspectorSection] {
        guard let state = index.state(at: position) else { return [] }
        let record = state.record
        let segment = index.segment(containing: state.position)
        let previous = state.position > segment.lowerBound ? index.records[state.position - 1] : nil
        var sections: [InspectorSection] = []
        if let points = record.points, !points.isEmpty {
            let i = min(max(selected, 0), points.count - 1)
            let point = points[i]
            var rows: [InspectorRow] = []
            // f as of this position (`:f` in the recording changes it).
            let program = state.function.flatMap { change in
                (try? Expression.parse(change.expression, variables: ["x1", "x2"])).map { Program.value(of: $0, inputs: ["x1", "x2"]) }
            } ?? valueProgram
            if let program {
                rows.append(InspectorRow("f", compact(program.evaluate([point.x, point.y])[0]), emphasis: .strong))
            }
            let before = previous?.points.flatMap { i < $0.count ? $0[i] : nil }
            rows.append(InspectorRow("x1", compact(point.x), emphasis: .strong))
            if let before { rows.append(InspectorRow("  last step", compact(point.x - before.x))) }
            rows.append(InspectorRow("x2", compact(point.y), emphasis: .strong))
            if let before { rows.append(InspectorRow("  last step", compact(point.y - before.y))) }
            sections.append(InspectorSection("Point \(i + 1) of \(points.count) tracked", rows: rows))
        } else if !record.params.isEmpty {
            var rows: [InspectorRow] = []
            for param in record.params {
                let value = param.values.first ?? .nan
                rows.append(InspectorRow(param.name, compact(value), emphasis: .strong))
                if let before = previous?.param(param.name)?.first {
                    rows.append(InspectorRow("  last step", compact(value - before)))
                }
            }
            sections.append(InspectorSection("Parameters", rows: rows))
        }
        // Under --compare: the selected point's group's summary.
        let groups = index.config.groups
        let perGroup = max((record.points?.count ?? 0) / max(groups.count, 1), 1)
        let group = min(max(selected, 0) / perGroup, groups.count - 1)
        if let summary = groups.count > 1 ? record.groupSummary.flatMap({ group < $0.count ? $0[group] : nil }) : record.summary {
            let count = index.config.points
            let which = groups.count > 1 ? " " + FrameBuilder.label(groups[group]) : ""
            sections.append(InspectorSection(count == 1 ? "The 1\(which) point" : "All \(count)\(which) points", rows: [
                InspectorRow("f min", compact(summary.fMin)), InspectorRow("f max", compact(summary.fMax)),
                InspectorRow("mean x1", compact(summary.mean.x)), InspectorRow("mean x2", compact(summary.mean.y)),
            ]))
        }
        var source = [InspectorRow("file", name), InspectorRow("epochs", "\(index.records.last?.epoch ?? 0)"),
                      InspectorRow("ended", status ?? "cut short")]
        if let note = state.deviceNote { source.append(InspectorRow("device", note, emphasis: .muted)) }
        sections.append(InspectorSection("Recording", rows: source))
        return sections
    }
}

extension ReplayFrames {
    /// What the screen shows for the player's position: the live lab's
    /// panes (``FrameBuilder``) over ``runView(at:)``, the recorded values in
    /// the inspector, and in the status bar REPLAY, the epoch, the speed
    /// (epochs per frame) and a message: `message` if given (a fork's
    /// progress), else the go-to prompt, the player's note, the latest
    /// recorded change, or a key hint. The help overlay is left to the
    /// caller, which draws ``Keymap/replay``'s.
    func model(player: ReplayPlayer, view: ViewState, builder: inout FrameBuilder, status: String?,
               message: (String, Bool)? = nil, width: Int, height: Int) -> DashboardModel {
        var run = runView(at: player.position)
        if let (text, warning) = message ?? player.prompt.map({ ($0, false) }) ?? player.note.map({ ($0.text, $0.isWarning) }) {
            run.message = text
            run.messageIsWarning = warning
        } else if run.message.isEmpty {
            run.message = "replay \(name) · space play · g go to · f fork · ? help"
        }
        var view = view
        view.replay = true
        view.replayState = player.playing ? "playing" : (player.position >= player.lastPosition ? "at end" : "paused")
        view.epochsPerFrame = player.speed
        view.showHelp = false
        var model = builder.model(run: run, view: view, width: width, height: height)
        model.inspector.sections += recordedSections(at: player.position, selected: view.selected, status: status)
        return model
    }
}
