import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

/// Defects from the hostile-user review (issue 13), each kept fixed.
@Suite("Reliability")
struct ReliabilityTests {
    /// `export` onto a full device crashed on Foundation's `try!` write.
    @Test func exportToAFullDeviceIsAnErrorNotACrash() throws {
        let directory = try Fixtures.temporaryDirectory()
        let run = directory.appendingPathComponent("run.json").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--epochs", "3", "--record", run]).status == 0)
        let result = try Subprocess.run(["/bin/sh", "-c", "'\(Gradlab.binary)' export '\(run)' > /dev/full"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot write to standard output (No space left on device)"))
        #expect(!result.stderr.contains("Fatal error"))
    }
}

/// A full disk under --record (issue 13, defect 1): it exited 0 and said
/// "recorded" over a file that had lost most epochs.
@Suite("Recording onto a full disk", .serialized)
struct FullDiskTests {
    /// A 256 KB tmpfs of our own, when this machine lets us mount one (root).
    static func smallFilesystem() throws -> String? {
        let directory = try Fixtures.temporaryDirectory().appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let mounted = try Subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", directory])
        return mounted.status == 0 ? directory : nil
    }

    static func unmount(_ directory: String) { _ = try? Subprocess.run(["umount", directory]) }

    /// `gradlab arguments` under a file size limit of `blocks` (`ulimit -f`,
    /// SIGXFSZ ignored): the write that crosses it is cut short and the next
    /// fails with EFBIG, as a full disk cuts one short and fails with ENOSPC.
    /// Needs no root, unlike a tmpfs.
    static func runLimited(_ arguments: [String], blocks: Int) throws -> ProcessResult {
        let quoted = ([Gradlab.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try Subprocess.run(["/bin/sh", "-c", "trap '' XFSZ; ulimit -f \(blocks) && exec \(quoted)"])
    }

    /// The epochs a write failure's message names: the one whose write failed
    /// and the last one the file holds whole (nil: "holds no epochs").
    static func claimed(_ message: String, path: String) -> (failed: Int, held: Int?)? {
        func number(after marker: String, in text: Substring) -> (Int, Substring)? {
            guard let range = text.range(of: marker) else { return nil }
            let digits = text[range.upperBound...].prefix { $0.isNumber }
            return Int(digits).map { ($0, text[digits.endIndex...]) }
        }
        guard let (failed, rest) = number(after: "--record \(path): writing stopped at epoch ", in: message[...]) else { return nil }
        if rest.contains("); the file holds no epochs") { return (failed, nil) }
        guard let (held, _) = number(after: "); the file holds the epochs through ", in: rest) else { return nil }
        return (failed, held)
    }

    /// What the file recovers agrees with the message: its last epoch is the
    /// one the message says the file holds through.
    static func expectTheFileHoldsWhatIsClaimed(_ message: String, path: String) throws -> (failed: Int, held: Int?) {
        let claim = try #require(claimed(message, path: path), "\(message)")
        let file = try RunFile.load(path: path)
        #expect(file.warning != nil)
        #expect(file.epochs.last?.epoch == claim.held, "\(message); the file holds \(file.epochs.count) epochs")
        #expect((claim.held ?? -1) <= claim.failed)
        return claim
    }

    @Test func devFullIsRefusedAtOnce() throws {
        let result = try Gradlab.run(["--headless", "--quiet", "--epochs", "50", "--record", "/dev/full"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--record /dev/full: cannot write (No space left on device)"), "\(result.stderr)")
        #expect(!result.stdout.contains("recorded"))
    }

    @Test func aDiskThatFillsUpStopsTheRunAndSaysWhere() throws {
        guard let directory = try Self.smallFilesystem() else {
            Issue.record("cannot mount a tmpfs here (needs root); /dev/full is tested instead")
            return
        }
        defer { Self.unmount(directory) }
        let path = "\(directory)/run.json"
        let result = try Gradlab.run(["--headless", "--quiet", "--epochs", "5000", "--record", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--record \(path): writing stopped at epoch"), "\(result.stderr)")
        #expect(result.stderr.contains("No space left on device"))
        #expect(!result.stdout.contains("recorded"))
        // What was written still loads, up to the epoch the message names.
        let file = try RunFile.load(path: path)
        #expect(file.epochs.count > 10 && file.warning != nil)
        _ = try Self.expectTheFileHoldsWhatIsClaimed(result.stderr, path: path)
    }

    /// The message said epochs that were buffered but never reached the file
    /// (it named 499; the file held 493), and the run went on to the end of
    /// its batch (511). Now the message names the last epoch the file holds,
    /// and the run stops at the epoch whose write failed, in the state of
    /// that epoch (a landscape run inside an epoch block too).
    @Test(arguments: [["--lab", "quadratic", "--epochs", "100000"], ["--epochs", "5000"], ["--epochs", "5000", "--points", "300"]])
    func aWriteThatFailsNamesTheLastEpochInTheFileAndStopsThere(run: [String]) throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        let saved = directory.appendingPathComponent("stopped.safetensors").path
        let result = try Self.runLimited(["--headless", "--quiet"] + run + ["--record", path, "--save", saved], blocks: 64)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("(File too large)"), "\(result.stderr)")
        #expect(!result.stdout.contains("recorded"))
        let claim = try Self.expectTheFileHoldsWhatIsClaimed(result.stderr, path: path)
        #expect(result.stdout.contains("stopped at epoch \(claim.failed)\n"), "\(result.stdout)")
        // The state it stopped in is the failed epoch's, as a run of that many epochs ends.
        let epochs = run.firstIndex(of: "--epochs").map { run.index(after: $0) } ?? run.endIndex
        var plain = run
        plain[epochs] = "\(claim.failed)"
        let referenceSaved = directory.appendingPathComponent("reference.safetensors").path
        let reference = try Gradlab.run(["--headless", "--quiet"] + plain + ["--save", referenceSaved])
        #expect(reference.status == 0, "\(reference.stderr)")
        #expect(result.stdout.split(separator: "\n").dropFirst(2).dropLast() == reference.stdout.split(separator: "\n").dropFirst(2).dropLast(),
                "\(result.stdout)\n\(reference.stdout)")
        let stopped = try Checkpoint.load(path: saved), expected = try Checkpoint.load(path: referenceSaved)
        #expect(stopped.epoch == claim.failed)
        #expect(stopped.params == expected.params && stopped.optimizer == expected.optimizer)
    }

    /// Until the status line says the recording failed and REC has gone out.
    static func waitForTheWriteError(_ tmux: TmuxSession) throws {
        try tmux.waitFor("the write error, REC gone", timeout: 60) { screen in
            let status = screen.split(separator: "\n").last { $0.contains("epoch") } ?? ""
            return status.contains("--record") && !status.contains("REC")
        }
    }

    @Test(.enabled(if: TmuxSession.isAvailable))
    func theTUISaysTheLastEpochTheFileHolds() throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("run.json").path
        let tmux = try TmuxSession(width: 140, height: 40)
        try tmux.enter("/bin/sh -c \"trap '' XFSZ; ulimit -f 64 && exec '\(Gradlab.binary)' --points 200 --record '\(path)'\"; echo GRADLAB_EXIT=$?")
        try tmux.waitFor("REC")
        try tmux.send("r")
        try Self.waitForTheWriteError(tmux)
        try tmux.send("?")
        let help = try tmux.waitFor("Last message")
        // The message as the help wraps it, between the box's borders.
        let lines = help.split(separator: "\n")
        let first = try #require(lines.firstIndex { $0.contains("Last message: ") })
        let message = lines[first...].prefix { !$0.contains("Esc closes") }.map { line in
            let inner = line.split(separator: "│", omittingEmptySubsequences: false).dropFirst().dropLast().joined(separator: "│")
            return inner.trimmingCharacters(in: .whitespaces)
        }.joined(separator: " ")
        try tmux.send("Escape")
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
        _ = try Self.expectTheFileHoldsWhatIsClaimed(message, path: path)
        try tmux.expectUsable()
    }

    @Test(.enabled(if: TmuxSession.isAvailable))
    func theTUIShowsItAtOnceAndStopsRecording() throws {
        guard let directory = try Self.smallFilesystem() else {
            Issue.record("cannot mount a tmpfs here (needs root)")
            return
        }
        defer { Self.unmount(directory) }
        let tmux = try TmuxSession(width: 140, height: 40)
        try tmux.enter("\(Gradlab.binary) --points 200 --record \(directory)/run.json; echo GRADLAB_EXIT=$?")
        try tmux.waitFor("REC")
        try tmux.send("n")
        try tmux.send("n")
        try tmux.send("r")
        // The status line says so (cut to fit; the help shows it whole) and REC goes out.
        try Self.waitForTheWriteError(tmux)
        try tmux.send("?")
        let help = try tmux.waitFor("Last message")
        #expect(help.contains("device);"), "the whole message, wrapped")
        try tmux.send("Escape")
        try tmux.send("q")
        try tmux.waitFor("GRADLAB_EXIT=")
        try tmux.expectUsable()
    }
}

/// No output path may be an input or another output (issue 13, defect 9).
@Suite("Outputs never overwrite inputs")
struct DistinctPathTests {
    @Test func exportOntoItsOwnRunFileIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        let run = directory.appendingPathComponent("run.json").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--epochs", "2", "--record", run]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: run))
        let result = try Gradlab.run(["export", run, "-o", directory.appendingPathComponent("./run.json").path])
        #expect(result.status != 0 && result.stderr.contains("that is the run file input"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: run)) == before)
    }

    @Test func recordAndSaveOntoOneFileAreRefused() throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("x.out").path
        let result = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--record", path, "--save", path])
        #expect(result.status != 0 && result.stderr.contains("--save \(path): the same file as --record"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// A path flag given as an empty string names its flag, before any
    /// work: `--save ""` ran the whole run, then said `: names a directory,
    /// not a file`; `--data ""` said `: cannot read file (no such file)`.
    @Test(arguments: [
        (["--headless", "--epochs", "1", "--save", ""], "--save needs a file path, not an empty string"),
        (["--headless", "--record", ""], "--record needs a file path, not an empty string"),
        (["--headless", "--load", ""], "--load needs a file path, not an empty string"),
        (["--headless", "--starts", ""], "--starts needs a file path, not an empty string"),
        (["--headless", "--lab", "linear", "--data", ""], "--data needs a file path, not an empty string"),
        (["--replay", "", "--headless"], "--replay needs a file path, not an empty string"),
        (["export", ""], "the run file's path is empty"),
        (["export", "RUN", "-o", ""], "--output needs a file path, not an empty string"),
        (["export", "RUN", "--cast", ""], "--cast needs a file path, not an empty string"),
        (["eval", "--lab", "linear", "--load", ""], "--load needs a file path, not an empty string"),
        (["inspect", "--lab", "linear", "--data", ""], "--data needs a file path, not an empty string"),
    ])
    func anEmptyPathNamesItsFlag(arguments: [String], message: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = directory.appendingPathComponent("run.json").path
        if arguments.contains("RUN") { #expect(try Gradlab.run(["--headless", "--quiet", "--epochs", "1", "--record", run]).status == 0) }
        let result = try Gradlab.run(arguments.map { $0 == "RUN" ? run : $0 })
        #expect(result.status == 1 && result.stderr == "gradlab: error: \(message)\n", "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty, "no run: \(result.stdout)")
    }

    @Test func aCastAndACSVOntoOneFileAreRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = directory.appendingPathComponent("run.json").path, out = directory.appendingPathComponent("x.out").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--epochs", "1", "--record", run]).status == 0)
        let result = try Gradlab.run(["export", run, "--cast", out, "-o", out])
        #expect(result.status == 1 && result.stderr.contains("--cast \(out): the same file as --output"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func recordingOverTheDataIsRefused() throws {
        let data = try Fixtures.temporaryDirectory().appendingPathComponent("d.csv").path
        try "x,y\n0,0.3\n0.5,0.65\n1,1\n0.2,0.44\n".write(toFile: data, atomically: true, encoding: .utf8)
        let result = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--data", data, "--record", data])
        #expect(result.status != 0 && result.stderr.contains("that is the --data input"), "\(result.stderr)")
        #expect(try String(contentsOfFile: data, encoding: .utf8).hasPrefix("x,y\n0,0.3"))
    }
}

/// Exit codes and end statuses agree between the TUI and headless runs
/// (issue 13, defect 13): q quits (0, `quit`); Ctrl-C (130), SIGTERM (143)
/// and SIGHUP (129) interrupt (`interrupted`).
@Suite("How a TUI run ends", .enabled(if: TmuxSession.isAvailable), .serialized)
struct TUIEndingTests {
    @Test(arguments: [("q", "0", "quit"), ("C-c", "130", "interrupted"), ("TERM", "143", "interrupted"), ("HUP", "129", "interrupted")])
    func theExitCodeAndTheRecordingAgree(ending: (String, String, String)) throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("run.json").path
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("\(Gradlab.binary) --points 50 --record \(path); echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        try tmux.send("Space")
        try tmux.waitFor("epoch 1 ")
        switch ending.0 {
        case "TERM", "HUP":
            let pid = try #require(try tmux.foregroundChild(named: "gradlab"))
            kill(pid, ending.0 == "TERM" ? SIGTERM : SIGHUP)
        default:
            try tmux.send(ending.0)
        }
        try tmux.waitFor("GRADLAB_EXIT=\(ending.1)", timeout: 15)
        #expect(try RunFile.load(path: path).status == ending.2)
        try tmux.expectUsable()
    }
}

/// `--load` with optimizer flags (issue 13, defect 5): the recording said
/// sgd 0.5 while Adam 0.001 ran.
@Suite("Resuming a checkpoint")
struct ResumeTests {
    /// The checkpoint's epoch plus `--epochs` overflowed an Int: a trap and a backtrace.
    @Test func epochsPastTheLargestEpochAreRefusedNotATrap() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpoint = directory.appendingPathComponent("c.safetensors").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--epochs", "2", "--save", checkpoint]).status == 0)
        let record = directory.appendingPathComponent("r.json").path
        let result = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--load", checkpoint, "--epochs", "\(Int.max)", "--record", record])
        #expect(result.status == 1)
        #expect(result.stderr == "gradlab: error: --epochs \(Int.max): the checkpoint is at epoch 2, so the run would end past epoch \(Int.max)\n")
        #expect(!FileManager.default.fileExists(atPath: record))
    }

    @Test func flagsThatWouldNotApplyAreRefusedAndTheRecordingSaysWhatRan() throws {
        let directory = try Fixtures.temporaryDirectory()
        let checkpoint = directory.appendingPathComponent("adam.safetensors").path
        let saved = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--optimizer", "adam", "--epochs", "3", "--save", checkpoint])
        #expect(saved.status == 0, "\(saved.stderr)")
        let record = directory.appendingPathComponent("r.json").path
        let refused = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--optimizer", "sgd", "--lr", "0.5",
                                       "--load", checkpoint, "--record", record])
        #expect(refused.status != 0 && refused.stderr.contains("resumes adam"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: record))
        let resumed = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--load", checkpoint, "--epochs", "2", "--record", record])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try RunFile.load(path: record).config.optimizer.kind == .adam)
    }

    /// An f64 checkpoint resumes in f64 without `--dtype` (the lab's f32
    /// default took over and rounded it): 2 + 2 epochs equal 4, to the bit.
    @Test func aResumeKeepsTheCheckpointsPrecision() throws {
        let directory = try Fixtures.temporaryDirectory()
        let checkpoint = directory.appendingPathComponent("q.safetensors").path
        let straight = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--dtype", "f64", "--epochs", "4"])
        let saved = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--dtype", "f64", "--epochs", "2", "--save", checkpoint])
        #expect(saved.status == 0, "\(saved.stderr)")
        let resumed = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--load", checkpoint, "--epochs", "2"])
        let params = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("params:") }.map(String.init) }
        #expect(params(resumed.stdout) != nil && params(resumed.stdout) == params(straight.stdout), "\(resumed.stdout)")
        #expect(resumed.stdout.contains(", f64, "), "\(resumed.stdout)")
        let eval = try Gradlab.run(["eval", "--lab", "quadratic", "--load", checkpoint])
        #expect(eval.stdout.hasPrefix("a = -0.41478494712"), "eval shows the f64 values: \(eval.stdout)")
    }

    /// `--save` into a symbolic link writes the files it leads to and keeps
    /// the links (the rename of the temporary replaced each link with a
    /// file, and the linked checkpoint stayed as it was); a load through
    /// the links resumes.
    @Test func aSaveThroughSymbolicLinksWritesTheirTargets() throws {
        let directory = try Fixtures.temporaryDirectory()
        let store = directory.appendingPathComponent("store")
        let files = FileManager.default
        try files.createDirectory(at: store, withIntermediateDirectories: true)
        let link = directory.appendingPathComponent("model.safetensors").path
        let target = store.appendingPathComponent("real.safetensors").path
        let optimizerLink = Checkpoint.optimizerPath(for: link)
        let optimizerTarget = store.appendingPathComponent("real.optim.safetensors").path
        for (from, to) in [(link, target), (optimizerLink, optimizerTarget)] {
            try Data("old".utf8).write(to: URL(fileURLWithPath: to))
            try files.createSymbolicLink(atPath: from, withDestinationPath: to)
        }
        let saved = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--optimizer", "adam", "--epochs", "2", "--save", link])
        #expect(saved.status == 0, "\(saved.stderr)")
        for (from, to) in [(link, target), (optimizerLink, optimizerTarget)] {
            #expect((try? files.destinationOfSymbolicLink(atPath: from)) == to, "\(from) is still a link")
            #expect((try? Data(contentsOf: URL(fileURLWithPath: to)).count) ?? 0 > 100, "\(to) holds the checkpoint")
        }
        #expect(try files.contentsOfDirectory(atPath: store.path).sorted() == ["real.optim.safetensors", "real.safetensors"],
                "no temporary left beside the targets")
        let resumed = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--load", link, "--epochs", "1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }

    /// `--optimizer sgd` names the default, and is still a flag given: it
    /// was told apart from no flag by comparing configs, so an Adam
    /// checkpoint resumed Adam under it without a word.
    @Test func theDefaultOptimizerNamedOnItsOwnIsStillRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        let checkpoint = directory.appendingPathComponent("adam.safetensors").path
        let saved = try Gradlab.run(["--headless", "--quiet", "--optimizer", "adam", "--epochs", "3", "--save", checkpoint])
        #expect(saved.status == 0, "\(saved.stderr)")
        let refused = try Gradlab.run(["--headless", "--quiet", "--optimizer", "sgd", "--load", checkpoint, "--epochs", "2"])
        #expect(refused.status == 1 && refused.stderr.contains("resumes adam") && refused.stderr.contains("not the sgd"), "\(refused.stderr)")
        let resumed = try Gradlab.run(["--headless", "--quiet", "--load", checkpoint, "--epochs", "2"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }
}
