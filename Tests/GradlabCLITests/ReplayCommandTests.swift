import Foundation
import Testing
import GradlabCore
import GradlabTestSupport

/// `gradlab export` and `gradlab --replay` without a terminal.
@Suite("Replay and export commands")
struct ReplayCommandTests {
    private func record(_ arguments: [String], in directory: URL, named name: String = "run.json") throws -> String {
        let path = directory.appendingPathComponent(name).path
        let result = try Gradlab.run(["--headless", "--quiet", "--device", "cpu", "--record", path] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return path
    }

    @Test func exportWritesThePerEpochTable() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try record(["--lab", "linear", "--epochs", "5"], in: directory)
        let result = try Gradlab.run(["export", path, "--csv"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "epoch,loss,trainLoss,testLoss,weight,bias")
        #expect(lines.count == 7)
        let file = try RunFile.load(path: path)
        for (line, record) in zip(lines.dropFirst(), file.epochs) {
            let cells = line.split(separator: ",").map(String.init)
            let weight = try #require(record.param("weight")?.first), bias = try #require(record.param("bias")?.first)
            #expect(cells == ["\(record.epoch)", "\(Float(record.loss))", "\(Float(record.trainLoss ?? .nan))",
                              "\(Float(record.testLoss ?? .nan))", "\(Float(weight))", "\(Float(bias))"])
        }

        let output = directory.appendingPathComponent("out.csv").path
        let toFile = try Gradlab.run(["export", path, "--csv", "--output", output])
        #expect(toFile.status == 0 && toFile.stdout.isEmpty)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == result.stdout)
    }

    /// The CSV's numbers are the run file's (its shortest round-trip text),
    /// so parsing a cell gives back the recorded Double bit for bit: under
    /// `--compare` (each group's loss and points, f64) and in an f32 run.
    /// The headless table prints the same Doubles rounded as the tutorial
    /// prints them (`mean f: 88.28750385` for 88.28750384962261).
    @Test(arguments: [
        ["--f", "himmelblau", "--points", "50", "--compare", "sgd:lr=0.01,adam:lr=0.05", "--epochs", "5"],
        ["--f", "himmelblau", "--points", "30", "--track", "4", "--compare", "sgd:lr=0.01,adam:lr=0.05", "--epochs", "5"],
        ["--lab", "quadratic", "--epochs", "5"],
    ])
    func exportedNumbersParseBackToTheRecordedValues(flags: [String]) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try record(flags, in: directory)
        let result = try Gradlab.run(["export", path, "--csv", "--points", "50"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.first).split(separator: ",").map(String.init)
        let file = try RunFile.load(path: path)
        #expect(lines.count == file.epochs.count + 1)
        for (line, record) in zip(lines.dropFirst(), file.epochs) {
            var expected: [Double] = [Double(record.epoch), record.loss] + (record.groupLoss ?? [])
            for param in record.params { expected += param.values }
            // Each group's points, in the order of the columns g0.p0.x1, g0.p0.x2, ...
            for point in record.points ?? [] { expected += [point.x, point.y] }
            // Then the summary columns: each group's under --compare.
            for summary in record.groupSummary ?? [] { expected += [summary.fMin, summary.fMax, summary.mean.x, summary.mean.y] }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(cells.count == header.count)
            let parsed = cells.map { Double($0) }
            #expect(parsed.count == expected.count, "\(header)")
            for (column, (cell, value)) in zip(header, zip(parsed, expected)) {
                #expect(cell?.bitPattern == value.bitPattern, "epoch \(record.epoch) \(column): CSV \(cell.map { "\($0)" } ?? "?") != \(value)")
            }
        }
    }

    /// An f64 data lab's headless lines print its values as the run file
    /// does (Double's shortest text): they were rounded to Float, so
    /// `--init weight=1e39 --dtype f64` printed `weight = inf`.
    @Test func anF64RunPrintsItsParametersAndLossAsTheRunFileDoes() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for lab in ["quadratic", "linear"] {
            let path = directory.appendingPathComponent("\(lab).json").path
            let result = try Gradlab.run(["--headless", "--device", "cpu", "--lab", lab, "--dtype", "f64", "--epochs", "2",
                                          "--init", lab == "linear" ? "weight=1e39" : "a=0.1", "--record", path])
            #expect(result.status == 0, "\(result.stderr)")
            let last = try #require(try RunFile.load(path: path).epochs.last)
            let params = last.params.map { "\($0.name) = \($0.values[0])" }.joined(separator: ", ")
            #expect(result.stdout.contains("\nparams: \(params)\n"), "\(result.stdout)")
            if lab == "quadratic" {
                #expect(result.stdout.contains("Epoch 2, loss: \(last.loss)\n") && result.stdout.contains("\nloss \(last.loss)\n"),
                        "\(result.stdout)")
                let replay = try Gradlab.run(["--replay", path, "--headless"])
                #expect(replay.stdout.contains("Epoch 2, loss: \(last.loss)\n"), "\(replay.stdout)")
            } else {
                #expect(params.hasPrefix("weight = 1e+39"))
            }
        }
    }

    /// `-o` through a symbolic link writes its target and keeps the link:
    /// the CSV was renamed over the link (`-o /dev/stdout` with stdout in
    /// a file replaced the system's `/dev/stdout` link and printed nothing).
    @Test func exportThroughASymbolicLinkWritesItsTarget() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try record(["--lab", "quadratic", "--epochs", "2"], in: directory)
        let expected = try Gradlab.run(["export", path]).stdout
        let files = FileManager.default
        let target = try Fixtures.write("old\n", named: "target.csv", in: directory)
        let link = directory.appendingPathComponent("link.csv").path
        try files.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try Gradlab.run(["export", path, "-o", link]).status == 0)
        #expect(try files.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == expected)
        // A link to this process's stdout (as /dev/stdout is), stdout in a file.
        let stdout = directory.appendingPathComponent("stdout").path
        try files.createSymbolicLink(atPath: stdout, withDestinationPath: "/proc/self/fd/1")
        let out = directory.appendingPathComponent("out.csv").path
        let result = try Subprocess.run(["sh", "-c", "exec \"$1\" export \"$2\" -o \"$3\" > \"$4\"", "sh", Gradlab.binary, path, stdout, out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try files.destinationOfSymbolicLink(atPath: stdout) == "/proc/self/fd/1")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == expected)
    }

    @Test func exportOfALandscapeHasPointColumnsAndSummaries() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try record(["--points", "200", "--track", "4", "--epochs", "3"], in: directory)
        let result = try Gradlab.run(["export", path, "--points", "3"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "epoch,loss,p0.x1,p0.x2,p1.x1,p1.x2,p2.x1,p2.x2,fMin,fMax,mean.x1,mean.x2")
        #expect(lines.count == 5)
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",").count == 12 })
    }

    /// A --compare run records each group's summary and exports it; a file
    /// from before groupSummary (a --compare run recorded none) still loads
    /// and exports, without those columns.
    @Test func exportOfACompareRunHasEachGroupsSummaryAndOldFilesStillLoad() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try record(["--f", "himmelblau", "--points", "30", "--track", "4", "--epochs", "5",
                               "--compare", "sgd:lr=0.01,momentum:lr=0.003,adam:lr=0.05"], in: directory)
        let result = try Gradlab.run(["export", path, "--points", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        let groups = ["loss.g0,loss.g1,loss.g2", "g0.p0.x1,g0.p0.x2,g1.p0.x1,g1.p0.x2,g2.p0.x1,g2.p0.x2"]
        let summaries = (0..<3).map { "g\($0).fMin,g\($0).fMax,g\($0).mean.x1,g\($0).mean.x2" }
        #expect(lines.first.map(String.init) == (["epoch,loss"] + groups + summaries).joined(separator: ","))
        #expect(lines.count == 7 && lines.dropFirst().allSatisfy { $0.split(separator: ",").count == 23 })

        let text = try String(contentsOfFile: path, encoding: .utf8)
        let older = text.replacing(/,"groupSummary":\[.*?\}\]/, with: "")
        #expect(older != text && !older.contains("groupSummary"))
        let old = try Fixtures.write(older, named: "old.json", in: directory)
        #expect(try RunFile.load(path: old).epochs.count == 6)
        let exported = try Gradlab.run(["export", old, "--points", "1"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.split(separator: "\n").first.map(String.init) == (["epoch,loss"] + groups).joined(separator: ","))
        let replayed = try Gradlab.run(["--replay", old, "--headless"])
        #expect(replayed.status == 0 && replayed.stdout.contains("completed at epoch 5"), "\(replayed.stderr)")
    }

    /// An output that cannot be written is refused before any other is
    /// written: the figures were written, then the CSV's folder refused.
    @Test func anUnwritableOutputIsRefusedBeforeTheFigures() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try record(["--lab", "quadratic", "--epochs", "3"], in: directory)
        let figures = directory.appendingPathComponent("figs").path
        for (flag, target, message) in [("-o", "/nonexistent/x.csv", "--output /nonexistent/x.csv: cannot write (no folder /nonexistent)"),
                                         ("--cast", directory.path, "--cast \(directory.path): is a directory, not a file")] {
            let result = try Gradlab.run(["export", path, "--csv", "--svg", figures, flag, target])
            #expect(result.status == 1 && result.stderr == "gradlab: error: \(message)\n", "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: figures), "no figure written")
        }
    }

    @Test func exportOfACutFileWarnsOnStderrAndOfGarbageFails() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try record(["--lab", "quadratic", "--epochs", "10"], in: directory)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let cutLines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(6).joined(separator: "\n")
        let cut = try Fixtures.write(cutLines + "\n{\"type\":\"epoch\",\"epo", named: "cut.json", in: directory)
        let result = try Gradlab.run(["export", cut])
        #expect(result.status == 0)
        #expect(result.stderr == "gradlab: warning: \(cut): recording was cut short; recovered 4 epoch events (through epoch 3)\n")
        #expect(result.stdout.split(separator: "\n").count == 5)
        // Cut before its first epoch: nothing to export is an error, not a header-only table and exit 0.
        let headerOnly = try Fixtures.write(text.split(separator: "\n").prefix(2).joined(separator: "\n") + "\n", named: "early.json",
                                            in: directory)
        let early = try Gradlab.run(["export", headerOnly, "--csv"])
        #expect(early.status == 1 && early.stdout.isEmpty, "\(early.stdout)")
        #expect(early.stderr.hasSuffix("gradlab: error: \(headerOnly): no epoch events to export (the recording was cut short before its first epoch)\n"),
                "\(early.stderr)")

        for (name, content, fragment) in [("garbage.json", "PK\u{3}\u{4} not json", "not a gradlab run file"),
                                          ("newer.json", "{\"format\":\"gradlab.run\",\"version\":7,\"config\":{},\"events\":[]}", "version 7 is newer")] {
            let bad = try Fixtures.write(content, named: name, in: directory)
            for arguments in [["export", bad], ["--replay", bad], ["--replay", bad, "--headless"]] {
                let failed = try Gradlab.run(arguments)
                #expect(failed.status == 1, "\(arguments)")
                #expect(failed.stdout.isEmpty)
                #expect(failed.stderr.hasPrefix("gradlab: error: \(bad)") && failed.stderr.contains(fragment), "\(failed.stderr)")
                #expect(failed.stderr.split(separator: "\n").count == 1)
            }
        }
        let missing = try Gradlab.run(["export", directory.appendingPathComponent("none.json").path])
        #expect(missing.status == 1 && missing.stderr.contains("no such file"))
    }

    @Test func headlessReplayPrintsTheRecordedTable() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try record(["--lab", "linear", "--epochs", "4"], in: directory)
        let live = try Gradlab.run(["--headless", "--lab", "linear", "--epochs", "4", "--device", "cpu"])
        let replayed = try Gradlab.run(["--replay", path, "--headless"])
        #expect(replayed.status == 0)
        let table = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("Epoch") } }
        #expect(table(replayed.stdout) == table(live.stdout))
        #expect(table(replayed.stdout).count == 4)
        #expect(replayed.stdout.contains("completed at epoch 4"))
    }

    /// The summary names the device; a file with no device line (from before
    /// `:record` wrote one) ends the line at the dtype, not at a comma.
    @Test func headlessReplaySummaryNamesTheDeviceOrNothing() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try record(["--lab", "quadratic", "--epochs", "2"], in: directory)
        let replayed = try Gradlab.run(["--replay", path, "--headless", "--quiet"])
        #expect(replayed.stdout.contains("replay of \(path): quadratic, sgd lr=1e-5, f32, cpu\n"), "\(replayed.stdout)")

        let text = try String(contentsOfFile: path, encoding: .utf8)
        let older = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("\"type\":\"device\"") }
        let old = try Fixtures.write(older.joined(separator: "\n"), named: "old.json", in: directory)
        let summary = try Gradlab.run(["--replay", old, "--headless", "--quiet"])
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.stdout.contains("replay of \(old): quadratic, sgd lr=1e-5, f32\n"), "\(summary.stdout)")
    }

    /// A --compare run's replay names its groups, as the run did (it named
    /// the first group's optimizer only), and ends with the run's own
    /// result lines: the mean over every group's points, then each group's.
    @Test func headlessReplayOfACompareRunSaysWhatTheRunSaid() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("c.json").path
        let live = try Gradlab.run(["--headless", "--device", "cpu", "--f", "himmelblau", "--points", "30", "--track", "4", "--epochs", "5",
                                    "--compare", "sgd:lr=0.01,momentum:lr=0.003,adam:lr=0.05", "--record", path])
        #expect(live.status == 0, "\(live.stderr)")
        let replayed = try Gradlab.run(["--replay", path, "--headless"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdout.contains("replay of \(path): landscape, sgd vs sgd+momentum vs adam, f64, cpu\n"), "\(replayed.stdout)")
        // What follows the line saying how the run ended.
        func results(_ text: String) -> [Substring] {
            Array(text.split(separator: "\n").drop { !$0.hasPrefix("completed at epoch 5") }.dropFirst().prefix { !$0.hasPrefix("recorded: ") })
        }
        #expect(results(live.stdout).count == 7)
        #expect(results(replayed.stdout) == results(live.stdout), "\(replayed.stdout)")

        // Rates changed during the run (the TUI's lr keys): each group's line has its rate at the end.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let changed = text.replacingOccurrences(of: "\n{\"type\":\"end\"", with: "\n{\"type\":\"lrs\",\"epoch\":5,\"lrs\":[0.02,0.006,0.1]},\n{\"type\":\"end\"")
        #expect(changed != text)
        let rates = try Gradlab.run(["--replay", try Fixtures.write(changed, named: "rates.json", in: directory), "--headless", "--quiet"])
        #expect(rates.status == 0, "\(rates.stderr)")
        for line in ["  sgd lr=0.02: mean f ", "  sgd lr=0.006 momentum=0.9: mean f ", "  adam lr=0.1: mean f "] {
            #expect(rates.stdout.contains("\n" + line), "\(line): \(rates.stdout)")
        }
    }

    @Test func replayWithoutATerminalSaysSo() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try record(["--lab", "linear", "--epochs", "2"], in: directory)
        let result = try Gradlab.run(["--replay", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--headless") && result.stderr.split(separator: "\n").count == 1)
    }

    /// A replay takes its lab and optimizer from the file: a flag that would
    /// change them is refused, not silently ignored; a replay's own flags work.
    @Test func replayRefusesTheFlagsItWouldIgnore() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try record(["--lab", "linear", "--epochs", "2"], in: directory)
        for (flags, named) in [(["--lr", "5"], "--lr"), (["--lab", "quadratic"], "--lab"), (["--epochs", "9"], "--epochs"),
                               (["--momentum", "0.9"], "--momentum"), (["--seed", "3"], "--seed")] {
            let result = try Gradlab.run(["--replay", path, "--headless"] + flags)
            #expect(result.status == 1 && result.stderr.contains("\(named) does not apply to --replay"), "\(flags): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        let quiet = try Gradlab.run(["--replay", path, "--headless", "--quiet", "--theme", "light"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
    }
}
