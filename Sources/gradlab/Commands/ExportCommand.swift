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
        discussion: """
        Columns: epoch, loss, trainLoss and testLoss (linear), one per parameter
        (weight, bias / a, b, c); for the landscape p0.x1,p0.x2,... for the first
        --points tracked points, and fMin,fMax,mean.x1,mean.x2 when recorded.
        A recording cut short exports what it holds, with a warning on stderr.
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

    @Option(help: ArgumentHelp("Figures at this epoch instead of the last one.", valueName: "K"))
    var epoch: Int?

    @Option(help: ArgumentHelp("Figures' colours: dark, light, high-contrast, or a .theme file.", valueName: "name|path"))
    var theme: String = "light"

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file.csv"))
    var output: String?

    @Option(help: "Landscape: columns for at most this many tracked points.")
    var points: Int = 10

    func run() async throws {
        guard points >= 0 else { throw GradlabError("--points must be >= 0, got \(points)") }
        try DistinctPaths.check(outputs: [("--output", output)], inputs: [("run file", path)])
        let file = try RunFile.load(path: path)
        if let warning = file.warning { writeError("gradlab: warning: \(warning)\n") }
        if epoch != nil, svg == nil { throw GradlabError("--epoch needs --svg") }
        if let svg {
            let figureTheme: Theme
            do { figureTheme = try Theme.load(nameOrPath: theme) } catch { throw GradlabError("--theme: \(error.description)") }
            let figures = try await FigureSet.of(file: file, epoch: epoch, theme: figureTheme)
            for written in try FigureSet.write(figures, to: svg, what: "--svg") { writeError("gradlab: wrote \(written)\n") }
            guard csv || output != nil else { return }
        }
        let text = RunCSV.table(RunIndex(file), points: points)
        guard let output else {
            try writeOutput(text, what: "export \(path)")
            return
        }
        // Never Foundation's "NSCocoaErrorDomain error 512": the system's reason.
        try OutputFile.write(text, to: output, what: "--output \(output)")
    }
}
