import GradlabCore

/// The closing lines of a headless run.
struct Summary {
    let config: LabConfig
    let device: DeviceDescription
    let last: EpochRecord?
    let status: String
    let recordPath: String?
    var savePath: String? = nil

    var text: String {
        var lines: [String] = []
        let functionNote = config.lab == .landscape ? " f=\(config.functionName ?? config.function)," : ""
        // Under --compare each group's line below says its optimizer.
        let optimizers = config.compare == nil ? config.optimizer.summary : FrameBuilder.groupsLabel(config)
        lines.append("gradlab \(config.lab.rawValue):\(functionNote) \(optimizers), \(config.dtype.rawValue), \(device.kind == .cpu ? device.name : device.detail)\(device.note.map { " (\($0))" } ?? "")")
        guard let last else { return lines.joined(separator: "\n") + "\n" }
        lines.append("\(status) at epoch \(last.epoch)\(last.diverged ? " (diverged: NaN or infinite values)" : "")")
        lines += Self.results(config: config, last: last)
        if let recordPath { lines.append("recorded: \(recordPath)") }
        if let savePath { lines.append("saved: \(savePath) (optimizer state: \(Checkpoint.optimizerPath(for: savePath)))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the run reached at `last`: its losses, and its parameters or
    /// first points. Under `--compare` the mean f is over every group's
    /// points, and each group's line follows with its own mean f and points.
    /// (A replay ends with the same lines: ``ReplayRun``.)
    static func results(config: LabConfig, last: EpochRecord) -> [String] {
        var lines: [String] = []
        switch config.lab {
        case .linear:
            lines.append("train loss \(fixed(last.trainLoss ?? .nan, 6)), test loss \(fixed(last.testLoss ?? .nan, 6))")
        case .quadratic:
            lines.append("loss \(shortest(last.loss, config.dtype))")
        case .landscape:
            let groups = config.groups.count, all = config.points * groups
            lines.append("mean f \(fixed(last.loss, 10)) over \(all) point\(all == 1 ? "" : "s")"
                         + (groups > 1 ? " (\(groups) groups of \(config.points))" : ""))
        }
        if !last.params.isEmpty {
            lines.append("params: " + last.params.map { param in
                "\(param.name) = \(param.values.map { shortest($0, config.dtype) }.joined(separator: ","))"
            }.joined(separator: ", "))
        }
        // The tracked points come group after group.
        func shown(_ points: ArraySlice<SIMD2<Double>>) -> String {
            points.prefix(5).map { "(\(fixed($0.x, 4)), \(fixed($0.y, 4)))" }.joined(separator: " ") + (points.count > 5 ? " ..." : "")
        }
        let points = last.points ?? []
        if let groupLoss = last.groupLoss, let groups = config.compare, groups.count > 1 {
            let perGroup = points.count / groups.count
            for (g, (group, loss)) in zip(groups, groupLoss).enumerated() {
                lines.append("  \(group.summary): mean f \(fixed(loss, 8))")
                if perGroup > 0 { lines.append("    points: " + shown(points[(g * perGroup)..<((g + 1) * perGroup)])) }
            }
        } else if !points.isEmpty {
            lines.append("points: " + shown(points[...]))
        }
        return lines
    }
}
