import ArgumentParser
import GradlabCore

/// `gradlab`: the root command; with no subcommand it runs a lab (the TUI,
/// or `--headless`).
struct Gradlab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradlab",
        abstract: "A terminal lab for gradient descent.",
        discussion: """
        With no subcommand, opens the full-screen lab (or runs --headless).
        Examples:
          gradlab                                  # the landscape, in the TUI
          gradlab --lab linear --headless          # the tutorial's loss table
          gradlab --headless --record run.json     # record a run to replay later
          gradlab --replay run.json                # play, seek and fork a recording
          gradlab export run.json --csv            # a recording's per-epoch table
        """,
        version: GradlabVersion.current,
        subcommands: [RunCommand.self, ExportCommand.self, FunctionsCommand.self, EvalCommand.self, InspectCommand.self, BenchCommand.self, DevicesCommand.self],
        defaultSubcommand: RunCommand.self
    )
}
