import ArgumentParser
import Foundation
import GradlabCore
import GradlabUI

/// Runs a lab: the full-screen TUI by default, or `--headless`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a lab in the TUI, or headless with --headless (the default command)."
    )

    @OptionGroup(title: "Lab") var labOptions: LabOptions
    @OptionGroup(title: "Optimizer") var optimizerOptions: OptimizerOptions

    @Option(parsing: .unconditional, help: "Epochs to run headless (default: the lab's, as in the tutorial).", transform: WholeNumber.int)
    var epochs: Int?

    @Flag(help: "Run without the TUI: progress on stderr, the loss table and a summary on stdout.")
    var headless = false

    @Option(help: ArgumentHelp("Record the run to a JSON run file.", valueName: "run.json"))
    var record: String?

    @Flag(help: "Headless: print only the summary, not every epoch.")
    var quiet = false

    @Option(help: ArgumentHelp("Save the parameters as safetensors at the end (optimizer state beside it, in NAME.optim.safetensors).", valueName: "ckpt.safetensors"))
    var save: String?

    @Option(help: ArgumentHelp("Start from a checkpoint (and its optimizer state, when saved beside it); --epochs then counts further epochs.", valueName: "ckpt.safetensors"))
    var load: String?

    @Option(help: ArgumentHelp("Headless: write the run's figures (SVG) into this directory at the end (docs/figures.md); their colours are the light theme's unless --theme says.", valueName: "dir"))
    var plot: String?

    @Option(help: ArgumentHelp("TUI colour theme: dark, light, high-contrast, or a .theme file.", valueName: "name|path"))
    var theme: String?

    @Flag(help: "TUI: leave the mouse to the terminal, so its text selection works (no clicks, wheel or drags in gradlab).")
    var noMouse = false

    @Option(help: ArgumentHelp("Open a recorded run to play, seek and fork (f); --record then records a fork; with --headless, print its table. Lab options are taken from the file.", valueName: "run.json"))
    var replay: String?

    /// The lab, optimizer and run flags given beside `--replay`, which takes
    /// all of them from the file (a flag given at its default value is not
    /// told apart).
    var replayIgnores: [String] {
        let s = labOptions.selection
        let lab: [(String, Bool)] = [
            ("--lab", s.lab != .landscape), ("--f", s.function != nil), ("--data", s.data != nil), ("--test-size", s.testSize != 0.3),
            ("--split-seed", s.splitSeed != 42), ("--dtype", s.dtype != nil), ("--device", s.device != "auto"),
            ("--points", labOptions.points != nil), ("--seed", labOptions.seed != 0), ("--domain", labOptions.domain != nil),
            ("--starts", labOptions.starts != nil), ("--track", labOptions.track != nil), ("--init", labOptions.initial != nil),
            ("--compare", labOptions.compare != nil), ("--schedule", labOptions.schedule != nil),
            ("--optimizer", optimizerOptions.optimizer != nil), ("--lr", optimizerOptions.lr != nil),
            ("--epochs", epochs != nil), ("--save", save != nil), ("--load", load != nil),
        ]
        return lab.filter(\.1).map(\.0) + optimizerOptions.given.map(OptionSpelling.flags.name)
    }

    func run() async throws {
        try DistinctPaths.check(outputs: [("--record", record), ("--save", save)],
                                inputs: [("--replay", replay), ("--load", load), ("--data", labOptions.selection.data),
                                         ("--starts", labOptions.starts),
                                         ("--load", load.map(Checkpoint.optimizerPath(for:)))])
        if plot != nil, let replay {
            throw GradlabError("--plot does not apply to --replay; `gradlab export \(replay) --svg DIR` writes a recording's figures")
        }
        if let replay {
            if let flag = replayIgnores.first {
                throw GradlabError("\(flag) does not apply to --replay: the recording's lab and optimizer are its own (fork with f, then change them there)")
            }
            let code = try await ReplayRun(path: replay, themeName: theme ?? "dark", recordPath: record, headless: headless, quiet: quiet,
                                           mouse: !noMouse).run()
            if code != 0 { throw ExitCode(code) }
            return
        }
        var config = try labOptions.labConfig(optimizer: optimizerOptions, epochs: epochs)
        if !headless, config.lab == .landscape {
            // The tutorial's 5 points at lr 1e-3 barely move on screen: the
            // TUI opens on many points and a visible step unless told otherwise.
            if labOptions.points == nil, labOptions.starts == nil { config.points = TerminalRun.defaultPoints }
            if optimizerOptions.lr == nil, optimizerOptions.choice.kind == .sgd { config.optimizer.lr = TerminalRun.defaultLandscapeLR }
        }
        // The checkpoint, read once: a landscape's resumes its own points and
        // f unless flags say otherwise, and its optimizer refuses other flags.
        var checkpoint: LoadedCheckpoint?
        if let load {
            let loaded: LoadedCheckpoint
            do { loaded = try Checkpoint.load(path: load) } catch { throw error.naming(flag: "--load", path: load) }
            config.adopt(loaded, pointsGiven: labOptions.points != nil, functionGiven: labOptions.selection.function != nil,
                         domainGiven: labOptions.domain != nil)
            // A resume keeps the checkpoint's precision (an f64 one ran on in f32), unless --dtype asks for another.
            if labOptions.selection.dtype == nil { config.dtype = loaded.dtype }
            // Optimizer flags and --schedule (`--optimizer sgd` alone too) must match the saved state.
            let flagsGiven = optimizerOptions.anyGiven || labOptions.schedule != nil
            try Checkpoint.checkResumable(loaded, path: load, requested: flagsGiven ? (config.optimizer, config.schedule) : nil)
            checkpoint = loaded
        }
        if plot != nil, !headless { throw GradlabError("--plot needs --headless (in the TUI, e writes the figures)") }
        if headless {
            // A theme that does not load is said before the run, not after it.
            let figureTheme: Theme
            do { figureTheme = try Theme.load(nameOrPath: theme ?? "light") } catch { throw GradlabError("--theme: \(error.description)") }
            // So is a --plot folder that cannot be made (made now, as --save's is checked);
            // a run that then fails leaves no empty folder of its own behind.
            let madeFolders = try plot.map { path throws(GradlabError) in try FigureSet.makeFolder(path, what: "--plot") } ?? []
            defer { FigureSet.removeEmpty(madeFolders) }
            // Figures come from the run's recording: the one asked for, or a temporary one.
            let temporary = plot != nil && record == nil
                ? FileManager.default.temporaryDirectory.appendingPathComponent("gradlab-plot-\(getpid()).json").path : nil
            defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
            let code = try await HeadlessRun(config: config, recordPath: record ?? temporary, quiet: quiet, savePath: save, checkpoint: checkpoint,
                                             recordingIsTemporary: temporary != nil).run()
            if let plot, let recording = record ?? temporary, code == 0 || code == 130 || code == 143 {
                let file = try RunFile.load(path: recording)
                let written = try FigureSet.write(try await FigureSet.of(file: file, epoch: nil, theme: figureTheme), to: plot, what: "--plot")
                writeError("gradlab: figures in \(plot): \(written.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))\n")
            }
            if code != 0 { throw ExitCode(code) }
        } else {
            let code = try await TerminalRun(config: config, recordPath: record, themeName: theme ?? "dark", savePath: save, checkpoint: checkpoint,
                                             mouse: !noMouse).run()
            if code != 0 { throw ExitCode(code) }
        }
    }
}
