import Foundation
import GradlabCore
import GradlabUI

/// `gradlab export run.json --cast out.cast`: the replay rendered as an
/// asciicast v2 file (a JSON header line, then one `[time, "o", text]`
/// event a line) that `asciinema play` and the asciinema player show. Each
/// frame is the replay's own dashboard (``ReplayFrames``, ``Dashboard``),
/// written as the cells that changed since the frame before.
struct CastExport {
    let file: RunFile
    let index: RunIndex
    let name: String
    let theme: Theme
    let width: Int
    let height: Int
    /// Epochs shown per second of the cast.
    let epochsPerSecond: Double
    /// At most this many frames: a long recording plays every k-th epoch.
    var maxFrames = 600

    /// The positions drawn: every one, or evenly spaced ones (first and last always).
    var positions: [Int] {
        let count = index.count
        guard count > maxFrames, maxFrames > 1 else { return Array(0..<count) }
        var result = (0..<maxFrames).map { $0 * (count - 1) / (maxFrames - 1) }
        result = result.reduce(into: []) { if $0.last != $1 { $0.append($1) } }
        return result
    }

    /// The frame the replay shows at `position` (what the cast's text draws there).
    func screen(at position: Int, dataset: LabDataset, builder: inout FrameBuilder) -> Screen {
        let frames = ReplayFrames(index: index, name: name)
        var player = ReplayPlayer(lastPosition: index.lastPosition)
        player.seek(position)
        let model = frames.model(player: player, view: Self.view(for: file.config), builder: &builder, status: file.status,
                                 width: width, height: height)
        return Dashboard.render(model, width: width, height: height, theme: theme, caps: .full)
    }

    /// The replay's opening view: a quadratic run shows its data, the others their plane.
    static func view(for config: LabConfig) -> ViewState {
        var view = ViewState(main: config.lab == .quadratic ? .data : .plane)
        view.replay = true
        return view
    }

    /// The whole file.
    func text(dataset: LabDataset) -> String {
        var builder = FrameBuilder(config: file.config, dataset: dataset)
        var encoder = ANSIFrames()
        let optimizers = file.config.compare == nil ? file.config.optimizer.summary
            : FrameBuilder.groupsLabel(file.config)
        let title = "gradlab replay of \(name): \(file.config.lab.rawValue), \(optimizers)"
        var out = "{\"version\": 2, \"width\": \(width), \"height\": \(height), \"title\": \(JSONLiteral.string(title)), "
            + "\"env\": {\"TERM\": \"xterm-256color\", \"SHELL\": \"/bin/sh\"}}\n"
        for position in positions {
            let text = encoder.text(for: screen(at: position, dataset: dataset, builder: &builder))
            // Time follows the recording's position (one epoch event each), so
            // a sampled cast plays at the chosen speed and time never runs back
            // (a reset starts the epochs again, not the clock).
            let time = Double(position) / epochsPerSecond
            out += "[\(String(format: "%.6f", time)), \"o\", \(JSONLiteral.string(text))]\n"
        }
        return out
    }
}
