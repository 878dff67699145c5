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
        switch config.lab {
        case .linear:
            lines.append("train loss \(fixed(last.trainLoss ?? .nan, 6)), test loss \(fixed(last.testLoss ?? .nan, 6))")
        case .quadratic:
            lines.append("loss \(shortest(last.loss, config.dtype))")
        case .landscape:
            lines.append("mean f \(fixed(last.loss, 10)) over \(config.points) point\(config.points == 1 ? "" : "s")")
        }
        if !last.params.isEmpty {
            lines.append("params: " + last.params.map { param in
                "\(param.name) = \(param.values.map { shortest($0, config.dtype) }.joined(separator: ","))"
            }.joined(separator: ", "))
        }
        if let points = last.points, !points.isEmpty {
            let shown = points.prefix(5).map { "(\(fixed($0.x, 4)), \(fixed($0.y, 4)))" }.joined(separator: " ")
            lines.append("points: \(shown)\(points.count > 5 ? " ..." : "")")
        }
        if let groupLoss = last.groupLoss, let groups = config.compare {
            for (group, loss) in zip(groups, groupLoss) { lines.append("  \(group.summary): mean f \(fixed(loss, 8))") }
        }
        if let recordPath { lines.append("recorded: \(recordPath)") }
        if let savePath { lines.append("saved: \(savePath) (optimizer state: \(Checkpoint.optimizerPath(for: savePath)))") }
        return lines.joined(separator: "\n") + "\n"
    }
}
