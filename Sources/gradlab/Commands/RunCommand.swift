import ArgumentParser
import GradlabCore

/// Runs a lab: the full-screen TUI by default, or `--headless`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a lab in the TUI, or headless with --headless (the default command)."
    )

    @OptionGroup(title: "Lab") var labOptions: LabOptions
    @OptionGroup(title: "Optimizer") var optimizerOptions: OptimizerOptions

    @Option(help: "Epochs to run headless (default: the lab's, as in the tutorial).")
    var epochs: Int?

    @Flag(help: "Run without the TUI: progress on stderr, the loss table and a summary on stdout.")
    var headless = false

    @Option(help: ArgumentHelp("Record the run to a JSON run file.", valueName: "run.json"))
    var record: String?

    @Flag(help: "Headless: print only the summary, not every epoch.")
    var quiet = false

    func run() async throws {
        let config = try labOptions.labConfig(optimizer: optimizerOptions, epochs: epochs)
        if headless {
            let code = try await HeadlessRun(config: config, recordPath: record, quiet: quiet).run()
            if code != 0 { throw ExitCode(code) }
        } else {
            throw GradlabError("the TUI is not built yet; use --headless")
        }
    }
}
