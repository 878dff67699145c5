import ArgumentParser
import GradlabCore

/// `gradlab functions`: the named landscapes for `--f NAME`.
struct FunctionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "functions",
        abstract: "List the named test functions, their domains and known minima."
    )

    func run() {
        print(TestFunction.listing, terminator: TestFunction.listing.hasSuffix("\n") ? "" : "\n")
    }
}
