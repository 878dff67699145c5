#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import GradlabCore

func runAsync(_ command: some AsyncParsableCommand) async throws {
    var command = command
    try await command.run()
}

// First of all: from here on no stop signal is lost (docs/reliability.md).
installSignalHandlers()

// Every failure leaves as one line on stderr and a non-zero exit; ArgumentParser's
// own errors are folded to one line too.
if let unknown = Gradlab.unknownHelpTopic(Array(CommandLine.arguments.dropFirst())) {
    writeError("gradlab: error: \(unknown) (see 'gradlab --help')\n")
    exit(ExitCode.validationFailure.rawValue)
}
do {
    let command = try Gradlab.parseAsRoot()
    if let asyncCommand = command as? any AsyncParsableCommand {
        try await runAsync(asyncCommand)
    } else {
        var syncCommand = command
        try syncCommand.run()
    }
} catch let error as GradlabError {
    writeError("gradlab: error: \(error.message)\n")
    exit(1)
} catch let error as ExitCode {
    exit(error.rawValue)
} catch {
    let code = Gradlab.exitCode(for: error)
    if code == .success {
        print(Gradlab.fullMessage(for: error))
        exit(0)
    }
    let message = oneLine(Gradlab.message(for: error))
    writeError("gradlab: error: \(message) (see '\(Gradlab.helpCommand(for: Array(CommandLine.arguments.dropFirst())))')\n")
    exit(code.rawValue == 0 ? 2 : code.rawValue)
}
