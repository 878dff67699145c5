import Foundation
import GradlabCore
import GradlabUI

/// `gradlab --replay run.json`: loads and indexes the recording, then opens
/// it in the TUI (``ReplayApp``), or with `--headless` prints its epoch
/// table and summary as the run printed them.
struct ReplayRun {
    let path: String
    let themeName: String
    /// Where a fork is recorded (`--record`).
    let recordPath: String?
    let headless: Bool
    let quiet: Bool
    /// Whether the terminal reports the mouse (`--no-mouse`: no).
    var mouse = true

    func run() async throws(GradlabError) -> Int32 {
        let file = try RunFile.load(path: path)
        let index = RunIndex(file)
        guard index.count > 0 else {
            throw GradlabError("\(path): no epoch events to replay\(file.warning == nil ? "" : " (the recording was cut short before its first epoch)")")
        }
        if headless {
            if let warning = file.warning { writeError("gradlab: warning: \(warning)\n") }
            printTable(file, index: index)
            return 0
        }
        let theme: Theme
        do {
            theme = try Theme.load(nameOrPath: themeName)
        } catch {
            throw GradlabError("--theme: \(error.description)")
        }
        let app = await ReplayApp(file: file, index: index, name: URL(fileURLWithPath: path).lastPathComponent,
                                  dataset: try await Self.dataset(of: file.config), theme: theme, recordPath: recordPath,
                                  mouse: mouse)
        return try await app.run()
    }

    /// The data a data lab shows, rebuilt from the config (generated data is
    /// seeded, loaded data is in the config); the landscape has none.
    static func dataset(of config: LabConfig) async throws(GradlabError) -> LabDataset {
        guard config.lab != .landscape else { return .empty }
        var viewing = config
        viewing.device = "cpu"
        viewing.resume = nil
        let session = try Session(config: viewing)
        return await session.dataset
    }

    /// The tutorial's per-epoch lines for the recorded epochs, then a summary.
    private func printTable(_ file: RunFile, index: RunIndex) {
        let last = index.records[index.lastPosition]
        let table = EpochTable(lab: file.config.lab, total: max(last.epoch, 1), first: index.records.first?.epoch ?? 0, quiet: quiet,
                               dtype: file.config.dtype)
        var started = false
        for event in file.events {
            switch event {
            case .epoch(let record):
                started = true
                if table.shouldPrint(record.epoch) { print(table.line(record)) }
            case .device where !started:
                continue // the start's device line (the summary names the device)
            default:
                guard !quiet else { continue }
                var scratch = RunView()
                scratch.apply(event, groups: file.config.groups.count) { _ in nil }
                print("epoch \(event.epoch): \(scratch.message)")
            }
        }
        let state = index.state(at: index.lastPosition)
        let config = Self.endConfig(of: file)
        // Under --compare the groups, as the run's own summary names them.
        let optimizer = config.groups.count > 1 ? FrameBuilder.groupsLabel(config)
            : state?.optimizer.summary ?? file.config.optimizer.summary
        // An older file may name no device: then the line names none.
        let fields = [file.config.lab.rawValue, optimizer, file.config.dtype.rawValue, state?.device ?? ""].filter { !$0.isEmpty }
        print("replay of \(path): " + fields.joined(separator: ", "))
        print("\(file.status ?? "cut short") at epoch \(last.epoch); \(index.count) epoch event\(index.count == 1 ? "" : "s")")
        for line in Summary.results(config: config, last: last) { print(line) }
    }

    /// The recorded config as the run had it at its end: each `--compare`
    /// group's rate after the recorded changes (`lrs`, and `lr`, which sets
    /// every group's), and the point count after a `:points` that a reset
    /// applied, as the live session's config is changed by them.
    static func endConfig(of file: RunFile) -> LabConfig {
        var config = file.config
        var pendingPoints: Int?
        for event in file.events {
            switch event {
            case .groupLearningRates(_, let lrs):
                guard var groups = config.compare, groups.count == lrs.count else { continue }
                for g in groups.indices { groups[g].lr = lrs[g] }
                config.compare = groups
            case .learningRate(_, let lr):
                config.compare = config.compare?.map { var group = $0; group.lr = lr; return group }
            case .configure(_, let points, _):
                pendingPoints = points ?? pendingPoints
            case .reset:
                if let points = pendingPoints {
                    config.points = points
                    config.starts = nil
                }
                pendingPoints = nil
            default:
                continue
            }
        }
        return config
    }
}
