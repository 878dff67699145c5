import ArgumentParser
import Foundation
import Testing
import GradlabTestSupport
@testable import gradlab

/// Every command's help as a user reads it on an 80-column terminal.
@Suite("Help text: 80 columns, unknown topics refused")
struct HelpTextTests {
    /// The root and each subcommand, by the names `gradlab help` takes.
    static let commands: [(name: String?, type: ParsableCommand.Type)] =
        [(nil, Gradlab.self)] + Gradlab.configuration.subcommands.map { ($0.configuration.commandName, $0) }

    /// ArgumentParser wraps a discussion line wider than the terminal (80
    /// columns off a TTY), so an example's comment tail lands at column 0:
    /// every line is written to fit, and comes out whole.
    @Test(arguments: commands.map { $0.name ?? "" })
    func discussionLinesFitAndComeOutWhole(name: String) throws {
        let type = try #require(Self.commands.first { ($0.name ?? "") == name }).type
        let result = try Gradlab.run(name.isEmpty ? ["--help"] : [name, "--help"], environment: ["COLUMNS": "80"])
        #expect(result.status == 0)
        let printed = Set(result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        for line in type.configuration.discussion.split(separator: "\n").map(String.init) {
            #expect(line.count <= 80, "\(name): \(line.count) columns: \(line)")
            #expect(printed.contains(line), "\(name): wrapped: \(line)")
        }
    }

    /// Every line of `gradlab NAME --help` and `gradlab help NAME`, usage
    /// included (ArgumentParser prints its generated usage as one line:
    /// `export`'s ran to 209 columns), fits an 80-column terminal.
    @Test(arguments: commands.map { $0.name ?? "" })
    func everyHelpLineFitsEightyColumns(name: String) throws {
        for arguments in name.isEmpty ? [["--help"], ["help"]] : [[name, "--help"], ["help", name]] {
            let result = try Gradlab.run(arguments, environment: ["COLUMNS": "80"])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            for line in result.stdout.split(separator: "\n").map(String.init) {
                #expect(line.count <= 80, "gradlab \(arguments.joined(separator: " ")): \(line.count) columns: \(line)")
            }
        }
    }

    /// A usage written by hand (``Usage``, wrapped) still names every option
    /// the command's OPTIONS list does.
    @Test(arguments: commands.filter { $0.type.configuration.usage != nil }.map { $0.name ?? "" })
    func aWrappedUsageNamesEveryOption(name: String) throws {
        let result = try Gradlab.run([name, "--help"], environment: ["COLUMNS": "80"])
        let text = result.stdout
        let usage = try #require(text.components(separatedBy: "\n\n").first { $0.hasPrefix("USAGE: ") })
        // Option lines, under OPTIONS or a group's title, start at column 2
        // (their descriptions' continuations further in).
        let flags = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  -") else { return nil }
            return line.split(separator: " ").first { $0.hasPrefix("--") }.map(String.init)
        }
        #expect(flags.count > 3, "\(name): \(text)")
        let words = Set(Usage.items(usage.replacingOccurrences(of: "\n", with: " "))
            .flatMap { $0.split { " []<>".contains($0) } }.map(String.init))
        for flag in flags where !["--help", "-h", "--version"].contains(flag) {
            #expect(words.contains(flag), "\(name): the usage lacks \(flag)")
        }
    }

    @Test(arguments: [
        (["help", "nosuch"], "gradlab: error: help: no subcommand 'nosuch'; the subcommands are run, export, functions, eval, inspect, bench, devices (see 'gradlab --help')\n"),
        (["help", "export", "nosuch"], "gradlab: error: help: 'export' has no subcommand 'nosuch' (see 'gradlab --help')\n"),
    ])
    func helpForAnUnknownSubcommandIsAnError(arguments: [String], message: String) throws {
        let result = try Gradlab.run(arguments)
        #expect(result.status == ExitCode.validationFailure.rawValue)
        #expect(result.stderr == message)
        #expect(result.stdout.isEmpty)
    }

    /// `gradlab help help`, as `git help help`: help's own help, not an error.
    @Test func helpHelpIsHelpsHelp() throws {
        let result = try Gradlab.run(["help", "help"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout.contains("USAGE: gradlab help [<subcommands> ...]"), "\(result.stdout)")
    }

    /// A parse error points at the help that lists the flag: the root's
    /// help lists subcommands only, so `--lr x` pointed at no `--lr`.
    @Test(arguments: [
        (["export", "r.json", "--sped", "2"], "Unknown option '--sped'. Did you mean '--speed'? (see 'gradlab help export')"),
        (["--headless", "--lr", "x"], "The value 'x' is invalid for '--lr <lr>' (see 'gradlab help run')"),
        (["run", "--epochs"], "Missing value for '--epochs <epochs>' (see 'gradlab help run')"),
        (["inspect", "--at"], "Missing value for '--at <x1,x2>' (see 'gradlab help inspect')"),
        (["expor"], "Unexpected argument 'expor' (see 'gradlab --help')"),
    ])
    func aParseErrorPointsAtTheCommandsHelp(arguments: [String], message: String) throws {
        let result = try Gradlab.run(arguments)
        #expect(result.status == ExitCode.validationFailure.rawValue)
        #expect(result.stderr == "gradlab: error: \(message)\n")
        let help = try #require(message.split(separator: "'").last { $0.hasPrefix("gradlab ") })
        let shown = try Gradlab.run(help.split(separator: " ").dropFirst().map(String.init))
        #expect(shown.status == 0)
        if let flag = message.split(separator: "'").first(where: { $0.hasPrefix("--") && !$0.contains("sped") }) {
            #expect(shown.stdout.contains(flag.split(separator: " ")[0]), "\(help) lists \(flag)")
        }
    }

    @Test(arguments: [["help"], ["help", "run"], ["help", "devices"], ["help", "--help"]])
    func helpForKnownSubcommandsStillShowsIt(arguments: [String]) throws {
        let result = try Gradlab.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("USAGE: gradlab"))
    }
}

/// A count of one reads in the singular.
@Suite("Counts of one are singular")
struct SingularCountTests {
    @Test func oneLandscapePointAndOneEpochEvent() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("one.json").path
        let run = try Gradlab.run(["run", "--headless", "--quiet", "--epochs", "1", "--points", "1", "--record", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(" over 1 point\n"), "\(run.stdout)")
        // The header, the device event and epoch 0: a recording cut after one epoch event.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").prefix(3)
        let cut = try Fixtures.write(lines.joined(separator: "\n") + "\n", named: "cut.json", in: directory)
        let replay = try Gradlab.run(["run", "--replay", cut, "--headless"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stderr == "gradlab: warning: \(cut): recording was cut short; recovered 1 epoch event (through epoch 0)\n")
        #expect(replay.stdout.contains("\ncut short at epoch 0; 1 epoch event\nmean f "), "\(replay.stdout)")
        #expect(replay.stdout.contains(" over 1 point\n"), "\(replay.stdout)")
    }
}
