import ArgumentParser
import Foundation
import GradlabCore
import GradlabUI

/// `gradlab export run.json --csv`: a recording's per-epoch table as CSV
/// (columns in ``RunCSV``), on stdout or in a file.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a recorded run: its per-epoch table (CSV), its figures (SVG), or a replay (asciicast).",
        usage: Usage.wrapped("gradlab export <run.json> [--csv] [--svg <dir>] [--epoch <K>] [--log] [--basins] [--cast <out.cast>] [--size <COLUMNSxROWS>] [--speed <N>] [--theme <name|path>] [--output <file.csv>] [--points <points>]"),
        discussion: """
        Columns: epoch, loss, trainLoss and testLoss (linear), one per parameter
        (weight, bias / a, b, c); for the landscape p0.x1,p0.x2,... for the first
        --points tracked points, and fMin,fMax,mean.x1,mean.x2 when recorded.
        A recording cut short exports what it holds, with a warning on stderr.
        --cast FILE writes the replay as an asciicast (asciinema play FILE),
        at --speed epochs a second (0.01 to 1000; 10) in a --size terminal
        (120x40; at least the dashboard's \(Dashboard.minimumWidth)x\(Dashboard.minimumHeight)).
        --svg DIR writes the run's figures at its last epoch (or --epoch K) as
        SVG files: plane.svg and loss.svg, and for the data labs data.svg and
        data-start.svg (docs/figures.md).
        """
    )

    @Argument(help: ArgumentHelp("The run file.", valueName: "run.json"))
    var path: String

    @Flag(help: "Write CSV (the default when no other format is asked for).")
    var csv = false

    @Option(help: ArgumentHelp("Write the run's figures as SVG files into this directory.", valueName: "dir"))
    var svg: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Figures at this epoch instead of the last one.", valueName: "K"), transform: WholeNumber.int)
    var epoch: Int?

    @Flag(help: "Figures: the loss on a log axis (the TUI's l).")
    var log = false

    @Flag(help: "Figures: colour the landscape's trajectories by basin (the TUI's b; named functions).")
    var basins = false

    @Option(help: ArgumentHelp("Render the replay as an asciicast v2 file (asciinema play, the asciinema player).", valueName: "out.cast"))
    var cast: String?

    @Option(help: ArgumentHelp("The cast's terminal size.", valueName: "COLUMNSxROWS"))
    var size: String = "120x40"

    @Option(parsing: .unconditional, help: ArgumentHelp("The cast's speed in epochs per second.", valueName: "N"))
    var speed: Double = 10

    @Option(help: ArgumentHelp("Colours: dark, light, high-contrast, or a .theme file (default: light for figures, dark for a cast, as the TUI).", valueName: "name|path"))
    var theme: String?

    /// The largest cast terminal: a frame's text grows with its cells.
    static let maximumSize = (columns: 1000, rows: 500)
    /// Epochs per second a cast may play at: slower, a frame would wait
    /// minutes; faster, a second would hold more frames than a player draws.
    static let speeds = 0.01...1000.0

    /// `120x40` → (120, 40); at least the size the dashboard draws in (below
    /// it every frame would be the "terminal too small" notice).
    static func parseSize(_ text: String) throws(GradlabError) -> (Int, Int) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let columns = Int(parts[0]), let rows = Int(parts[1]) else {
            throw GradlabError("--size: expected COLUMNSxROWS like 120x40, got '\(text)'")
        }
        guard columns >= Dashboard.minimumWidth, rows >= Dashboard.minimumHeight else {
            throw GradlabError("--size \(text): the replay's dashboard needs at least \(Dashboard.minimumWidth)x\(Dashboard.minimumHeight)")
        }
        guard columns <= maximumSize.columns, rows <= maximumSize.rows else {
            throw GradlabError("--size \(text): a cast is at most \(maximumSize.columns)x\(maximumSize.rows)")
        }
        return (columns, rows)
    }

    /// `--speed`, in ``speeds``.
    static func checkSpeed(_ speed: Double) throws(GradlabError) {
        guard speeds.contains(speed) else {
            throw GradlabError("--speed must be from \(formatNumber(speeds.lowerBound)) to \(formatNumber(speeds.upperBound)) epochs per second, got \(formatNumber(speed))")
        }
    }

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file.csv"))
    var output: String?

    @Option(parsing: .unconditional, help: "Landscape: columns for at most this many tracked points. (default: 10)", transform: WholeNumber.int)
    var points: Int = 10

    func run() async throws {
        guard points >= 0 else { throw GradlabError("--points must be >= 0, got \(points)") }
        try DistinctPaths.check(outputs: [("--output", output), ("--cast", cast)], inputs: [("run file", path)])
        // The cast's options are checked before the file is read.
        let castSize = cast == nil ? nil : try Self.parseSize(size)
        if cast != nil { try Self.checkSpeed(speed) }
        // Every output that cannot be written is said before any is.
        for (flag, file) in [("--output", output), ("--cast", cast)] {
            if let file, let problem = OutputFile.problem(with: file, what: "\(flag) \(file)") { throw problem }
        }
        let file = try RunFile.load(path: path)
        if let warning = file.warning { writeError("gradlab: warning: \(warning)\n") }
        // Nothing to export (a header-only CSV and exit 0 said it worked), as --replay says.
        guard !file.epochs.isEmpty else {
            throw GradlabError("\(path): no epoch events to export\(file.warning == nil ? "" : " (the recording was cut short before its first epoch)")")
        }
        if svg == nil, let flag = epoch.map({ _ in "--epoch" }) ?? (log ? "--log" : nil) ?? (basins ? "--basins" : nil) {
            throw GradlabError("\(flag) needs --svg")
        }
        if let cast, let (columns, rows) = castSize {
            let index = RunIndex(file)
            let castTheme: Theme
            do { castTheme = try Theme.load(nameOrPath: theme ?? "dark") } catch { throw GradlabError("--theme: \(error.description)") }
            let export = CastExport(file: file, index: index, name: URL(fileURLWithPath: path).lastPathComponent, theme: castTheme,
                                    width: columns, height: rows, epochsPerSecond: speed)
            try OutputFile.write(export.text(dataset: try await ReplayRun.dataset(of: file.config)), to: cast, what: "--cast \(cast)")
            writeError("gradlab: wrote \(cast) (\(export.positions.count) frame\(export.positions.count == 1 ? "" : "s"), \(columns)x\(rows))\n")
            guard csv || output != nil || svg != nil else { return }
        }
        if let svg {
            let figureTheme: Theme
            do { figureTheme = try Theme.load(nameOrPath: theme ?? "light") } catch { throw GradlabError("--theme: \(error.description)") }
            let figures = try await FigureSet.of(file: file, epoch: epoch, theme: figureTheme, logLoss: log, basins: basins)
            for written in try FigureSet.write(figures, to: svg, what: "--svg") { writeError("gradlab: wrote \(written)\n") }
            guard csv || output != nil else { return }
        }
        if cast != nil, !(csv || output != nil) { return }
        let text = RunCSV.table(RunIndex(file), points: points)
        guard let output else {
            try writeOutput(text, what: "export \(path)")
            return
        }
        // Never Foundation's "NSCocoaErrorDomain error 512": the system's reason.
        try OutputFile.write(text, to: output, what: "--output \(output)")
    }
}
