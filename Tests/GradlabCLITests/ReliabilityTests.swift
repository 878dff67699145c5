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
        try tmux.waitFor("the write error, REC gone", timeout: 60) { screen in
            let status = screen.split(separator: "\n").last { $0.contains("epoch") } ?? ""
            return status.contains("--record") && !status.contains("REC")
        }
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
}
