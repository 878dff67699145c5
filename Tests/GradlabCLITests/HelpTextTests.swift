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
        // The rest (abstract, options) is wrapped by ArgumentParser; only its
        // usage line may run long.
        for line in printed where !line.hasPrefix("USAGE: ") {
            #expect(line.count <= 80, "\(name): \(line.count) columns: \(line)")
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
        #expect(replay.stdout.hasSuffix("cut short at epoch 0; 1 epoch event\n"), "\(replay.stdout)")
    }
}
