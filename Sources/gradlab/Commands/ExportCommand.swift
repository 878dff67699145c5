import ArgumentParser
import Foundation
import GradlabCore

/// `gradlab export run.json --csv`: a recording's per-epoch table as CSV
/// (columns in ``RunCSV``), on stdout or in a file.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a recorded run's per-epoch table (CSV) for spreadsheets and plotting tools.",
        discussion: """
        Columns: epoch, loss, trainLoss and testLoss (linear), one per parameter
        (weight, bias / a, b, c); for the landscape p0.x1,p0.x2,... for the first
        --points tracked points, and fMin,fMax,mean.x1,mean.x2 when recorded.
        A recording cut short exports what it holds, with a warning on stderr.
        """
    )

    @Argument(help: ArgumentHelp("The run file.", valueName: "run.json"))
    var path: String

    @Flag(help: "Write CSV (the only format, and the default).")
    var csv = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file.csv"))
    var output: String?

    @Option(help: "Landscape: columns for at most this many tracked points.")
    var points: Int = 10

    func run() async throws {
        guard points >= 0 else { throw GradlabError("--points must be >= 0, got \(points)") }
        try DistinctPaths.check(outputs: [("--output", output)], inputs: [("run file", path)])
        let file = try RunFile.load(path: path)
        if let warning = file.warning { writeError("gradlab: warning: \(warning)\n") }
        let text = RunCSV.table(RunIndex(file), points: points)
        guard let output else {
            try writeOutput(text, what: "export \(path)")
            return
        }
        // Never Foundation's "NSCocoaErrorDomain error 512": the system's reason.
        try OutputFile.write(text, to: output, what: "--output \(output)")
    }
}
