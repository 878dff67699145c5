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

extension Gradlab {
    /// The help that lists the options of the command `arguments` run,
    /// for a parse error's pointer: `gradlab help export` for
    /// `export --sped 2`, `gradlab help run` for `--lr x` (the root's own
    /// help lists the subcommands, not run's options); the root's for a
    /// first word that names no command (`gradlab expor`).
    static func helpCommand(for arguments: [String]) -> String {
        guard let first = arguments.first else { return "gradlab --help" }
        let match = configuration.subcommands.first { type in
            type.configuration.commandName == first || type.configuration.aliases.contains(first)
        }
        if let name = match?.configuration.commandName { return "gradlab help \(name)" }
        return first.hasPrefix("-") ? "gradlab help run" : "gradlab --help"
    }

    /// Why `gradlab help NAME...` names no command, or nil. ArgumentParser's
    /// `help` stops at the first name it does not know and shows the help
    /// of the command before it, exiting 0: `gradlab help nosuch` printed
    /// the main help as if it had been asked for.
    static func unknownHelpTopic(_ arguments: [String]) -> String? {
        guard arguments.first == "help" else { return nil }
        var parent: String?
        var subcommands = configuration.subcommands
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            // `help help`, as `git help help`: the main help.
            if name == "help", parent == nil { return nil }
            let match = subcommands.first { type in
                type.configuration.commandName == name || type.configuration.aliases.contains(name)
            }
            guard let match else {
                if let parent { return "help: '\(parent)' has no subcommand '\(name)'" }
                let known = subcommands.compactMap { $0.configuration.commandName }
                return "help: no subcommand '\(name)'; the subcommands are \(known.joined(separator: ", "))"
            }
            parent = name
            subcommands = match.configuration.subcommands
        }
        return nil
    }
}
