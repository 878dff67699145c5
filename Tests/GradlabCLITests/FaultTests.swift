#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

/// Real kills and signals at random moments (issue 13, fault tests): what is
/// left on disk always loads, and stop signals are always honoured at once.
@Suite("Faults: kills and signals at random moments", .serialized)
struct FaultTests {
    /// Seconds since `start`.
    static func since(_ start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Waits (up to 20 s) until `path` exists: the run has begun recording.
    static func waitUntilExists(_ path: String) {
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: path), ContinuousClock.now < deadline { usleep(500) }
    }

    static func temporaries(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.contains(".tmp-") }
    }

    /// SIGKILL during --record, 30 times: 10 in the first 20 ms, 10 in the
    /// first 300 ms, 10 within 100 ms after the file appears (start-up is
    /// slower when the machine is busy). The file is absent or loads; never
    /// an empty one (it was created empty and the header written after, so
    /// an early kill left 0 bytes).
    @Test func sigkillDuringRecordLeavesAFileThatLoadsOrNone() throws {
        let directory = try Fixtures.temporaryDirectory().path
        var outcomes: [String: Int] = [:]
        for run in 0..<30 {
            let path = "\(directory)/run\(run).json"
            let delay = run < 10 ? Double.random(in: 0...0.020) : Double.random(in: 0.020...0.300)
            let child = try Subprocess.spawn([Gradlab.binary, "--headless", "--quiet", "--epochs", "100000000", "--record", path],
                                             captureOutput: false)
            if run >= 20 { Self.waitUntilExists(path) }
            Thread.sleep(forTimeInterval: run >= 20 ? delay / 3 : delay)
            child.signal(SIGKILL)
            _ = child.wait()
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
                outcomes["no file", default: 0] += 1
                continue
            }
            #expect(size > 0, "run \(run) killed after \(delay) s left an empty file")
            let file = try RunFile.load(path: path)
            #expect(file.config.lab == .landscape)
            outcomes[file.epochs.isEmpty ? "header only" : "epochs", default: 0] += 1
        }
        // The next recording removes what the killed ones left half-made.
        let last = try Gradlab.run(["--headless", "--quiet", "--epochs", "3", "--record", "\(directory)/run0.json"])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(Self.temporaries(in: directory).isEmpty, "\(Self.temporaries(in: directory))")
        print("sigkill during --record: \(outcomes)")
    }

    /// SIGINT, SIGTERM or SIGHUP at a random moment: 20 in the first 300 ms
    /// (start-up, where one was lost), 10 within 200 ms after recording
    /// began. The run stops within 200 ms, exits 128+N, and leaves no file
    /// or a complete one.
    @Test func stopSignalsAtAnyMomentStopTheRunPromptly() throws {
        let directory = try Fixtures.temporaryDirectory().path
        var slowest = 0.0
        var complete = 0
        for run in 0..<30 {
            let path = "\(directory)/run\(run).json"
            let number = [SIGINT, SIGTERM, SIGHUP][run % 3]
            let child = try Subprocess.spawn([Gradlab.binary, "--headless", "--quiet", "--epochs", "100000000", "--record", path],
                                             captureOutput: false)
            if run >= 20 { Self.waitUntilExists(path) }
            Thread.sleep(forTimeInterval: run < 10 ? Double.random(in: 0...0.030) : run < 20 ? Double.random(in: 0.030...0.300) : Double.random(in: 0...0.200))
            let sent = ContinuousClock.now
            child.signal(number)
            let result = child.wait()
            let took = Self.since(sent)
            slowest = max(slowest, took)
            #expect(took < 0.2, "run \(run): stopped \(took) s after signal \(number)")
            #expect(result.status == 128 + number)
            if FileManager.default.fileExists(atPath: path) {
                let file = try RunFile.load(path: path)
                #expect(file.status == "interrupted" && file.warning == nil, "run \(run): \(file.warning ?? "")")
                complete += 1
            }
        }
        print("stop signals: slowest stop \(Int(slowest * 1000)) ms; \(complete) of 30 runs had begun recording")
    }

    /// SIGTERM during a long set-up (many points) ended the run only once the
    /// set-up was over; now at once, before anything is written.
    @Test func sigtermDuringALongSetUpIsHonouredAtOnce() throws {
        let directory = try Fixtures.temporaryDirectory().path
        let path = "\(directory)/big.json"
        let child = try Subprocess.spawn([Gradlab.binary, "--headless", "--quiet", "--points", "30000000", "--epochs", "2",
                                          "--record", path])
        Thread.sleep(forTimeInterval: 0.4)
        let sent = ContinuousClock.now
        child.signal(SIGTERM)
        let result = child.wait()
        #expect(Self.since(sent) < 0.3, "took \(Self.since(sent)) s")
        #expect(result.status == 143)
        #expect(result.stderr.contains("stopped by signal 15 before the run started"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// kill -9 at random moments around --save (20 times: 10 anywhere in the
    /// run's last stretch, 10 within 8 ms of the first temporary appearing,
    /// which is the save itself): the checkpoint and its optimizer file
    /// always load as a pair, and the next load removes the temporaries of
    /// the killed saves.
    @Test func sigkillDuringSaveNeverLeavesAnUnusablePair() throws {
        let directory = try Fixtures.temporaryDirectory().path
        let path = "\(directory)/ck.safetensors"
        let arguments = [Gradlab.binary, "--headless", "--quiet", "--points", "20000", "--optimizer", "adam", "--epochs", "1", "--save", path]
        let started = ContinuousClock.now
        #expect(try Subprocess.run(arguments).status == 0)
        let duration = Self.since(started)
        var outcomes: [String: Int] = [:]
        for run in 0..<20 {
            let child = try Subprocess.spawn(arguments + ["--seed", "\(run + 1)"], captureOutput: false)
            if run < 10 {
                Thread.sleep(forTimeInterval: max(0, Double.random(in: (duration - 0.25)...(duration + 0.02))))
            } else {
                let deadline = ContinuousClock.now + .seconds(20)
                while Self.temporaries(in: directory).isEmpty, ContinuousClock.now < deadline { usleep(500) }
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.008))
            }
            child.signal(SIGKILL)
            let status = child.wait().status
            let leftovers = Self.temporaries(in: directory).count
            let loaded = try Checkpoint.load(path: path)
            #expect(loaded.optimizer != nil && loaded.params[0].values.count == 20000)
            #expect(Self.temporaries(in: directory).isEmpty, "load removes what killed saves left")
            outcomes[status == 0 ? "finished" : leftovers > 0 ? "killed mid-save" : "killed", default: 0] += 1
        }
        print("sigkill during --save: \(outcomes)")
    }
}

/// A full disk under --save and export (issue 13): one line naming the file
/// and the reason, exit 1, nothing half-written left, the old files intact.
@Suite("Saving and exporting onto a full disk", .serialized)
struct FullDiskSaveTests {
    @Test func saveOntoAFullDiskKeepsTheOldPair() throws {
        guard let directory = try FullDiskTests.smallFilesystem() else {
            Issue.record("cannot mount a tmpfs here (needs root)")
            return
        }
        defer { FullDiskTests.unmount(directory) }
        let path = "\(directory)/ck.safetensors"
        let small = try Gradlab.run(["--headless", "--quiet", "--points", "100", "--optimizer", "adam", "--epochs", "2", "--save", path])
        #expect(small.status == 0, "\(small.stderr)")
        // 20,000 points: 320 KB of parameters and 640 KB of state, on 256 KB.
        let big = try Gradlab.run(["--headless", "--quiet", "--points", "20000", "--optimizer", "adam", "--epochs", "1", "--save", path])
        #expect(big.status == 1)
        #expect(big.stderr.contains("No space left on device") && big.stderr.contains(directory), "\(big.stderr)")
        #expect(big.stderr.split(separator: "\n").count == 1, "\(big.stderr)")
        #expect(FaultTests.temporaries(in: directory).isEmpty)
        let loaded = try Checkpoint.load(path: path)
        #expect(loaded.epoch == 2 && loaded.params[0].values.count == 100 && loaded.optimizer != nil)
    }

    @Test func exportOntoAFullDiskSaysWhy() throws {
        guard let directory = try FullDiskTests.smallFilesystem() else {
            Issue.record("cannot mount a tmpfs here (needs root)")
            return
        }
        defer { FullDiskTests.unmount(directory) }
        let run = try Fixtures.temporaryDirectory().appendingPathComponent("run.json").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--epochs", "3000", "--record", run]).status == 0)
        let output = "\(directory)/out.csv"
        let result = try Gradlab.run(["export", run, "-o", output])
        #expect(result.status == 1)
        #expect(result.stderr == "gradlab: error: --output \(output): cannot write: No space left on device\n", "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        #expect(FaultTests.temporaries(in: directory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
