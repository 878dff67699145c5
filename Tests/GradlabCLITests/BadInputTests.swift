import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

/// Bad input: one line on stderr naming what and where, a non-zero exit, and
/// no existing file harmed.
@Suite("Bad input")
struct BadInputTests {
    static let cases: [([String], String)] = [
        (["--f", "sin(x1"], "--f: column 7: expected ')'"),
        (["--f", "x1 + x3"], "unknown name 'x3'"),
        (["--lr", "0"], "--lr must be a positive number"),
        (["--lr=-1"], "--lr must be a positive number"),
        (["--epochs", "0"], "--epochs must be at least 1"),
        (["--points", "0"], "--points must be at least 1"),
        (["--points=-3"], "--points must be at least 1"),
        (["--lr", "abc"], "'abc' is invalid for '--lr"),
        (["--lab", "cubic"], "'cubic' is invalid for '--lab"),
        (["--domain", "0,10,5"], "--domain needs 4 comma-separated numbers"),
        (["--domain", "10,0,0,10"], "--domain must be x1min,x1max,x2min,x2max with min < max"),
        (["--domain", "-1e308,1e308,0,1"], "--domain must be x1min,x1max,x2min,x2max with min < max and max - min finite, got -1e+308,1e+308,0,1"),
        (["--device", "tpu"], "--device must be auto, cpu or cuda"),
        (["--starts", "/nonexistent/s.csv"], "/nonexistent/s.csv: cannot read file (no such file)"),
        (["--lab", "linear", "--init", "w=1"], "--init: unknown parameter 'w' (names: weight, bias)"),
        // The last of two silently won; an f32 value past Float's range was inf, and the run "diverged" at once.
        (["--lab", "quadratic", "--init", "a=1,b=2,a=3"], "--init: a is given twice (in 'a=1,b=2,a=3')"),
        (["--lab", "linear", "--init", "weight=1e39"], "--init: weight=1e39 is beyond f32's range (±3.4028235e+38); use --dtype f64"),
        (["--lab", "linear", "--test-size", "1.5"], "--test-size must be in (0, 1)"),
        (["--optimizer", "sgd", "--nesterov"], "--nesterov needs --momentum > 0"),
        // A negative value is the value, not a missing one (issue 12).
        (["--lr", "-1"], "--lr must be a positive number, got -1"),
        (["--momentum", "-0.5"], "--momentum must be >= 0"),
        // A misspelt name is a function's, not an expression with an unknown variable.
        (["--f", "rosenbrok"], "--f: unknown function 'rosenbrok'; did you mean 'rosenbrock'?"),
        (["--f", "Himelblau"], "did you mean 'himmelblau'?"),
        (["--record", "/nonexistent-dir/run.json"], "--record /nonexistent-dir/run.json: cannot write"),
        // Malformed compare lists were crashes (issue 13, defect 2).
        (["--compare", "adam:"], "--compare: an empty option in 'adam:'"),
        (["--compare", "sgd::lr=0.1"], "--compare: an empty option in 'sgd::lr=0.1'"),
        (["--compare", "adam:="], "--compare: an empty option in 'adam:='"),
        (["--compare", "sgd,,adam"], "--compare: an empty item"),
        (["--compare", "adam:lr="], "needs a number"),
        // ArgumentParser's list of six or more values, folded into the one line.
        (["--optimizer", "foo"], "'foo' is invalid for '--optimizer <optimizer>'. Please provide one of the following: sgd, adam, adamw"),
        (["--points", "-3"], "--points must be at least 1, got -3"),
        (["--seed", "-1"], "'-1' is invalid for '--seed <seed>'"),
        // Said before the run, not after it (headless uses a theme only for --plot).
        (["--theme", "nosuch"], "--theme: no theme named 'nosuch' (known: dark,"),
        // Before the run, naming the file asked for (not its optimizer file).
        (["--save", "/nonexistent-dir/c.safetensors"], "--save /nonexistent-dir/c.safetensors: cannot write (no folder /nonexistent-dir)"),
    ]

    @Test(arguments: cases)
    func oneLineErrorAndNonZeroExit(arguments: [String], fragment: String) throws {
        let result = try Gradlab.run(["--headless"] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(fragment), "stderr was: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        // Expression errors add the source line and a caret under the column
        // (a misspelt function name is one line: it is not an expression).
        if arguments.first == "--f", !fragment.contains("did you mean") {
            #expect(lines.count == 3)
            #expect(lines[2].hasSuffix("^"))
        } else {
            #expect(lines.count == 1, "stderr was: \(result.stderr)")
        }
        #expect(result.stdout.isEmpty)
    }

    /// A file where a folder should be is said one way by `--save` and
    /// `--record` (and so by `:save` and `:record`), naming the path typed.
    @Test func aFileWhereAFolderShouldBeIsSaidTheSameWay() throws {
        let directory = try Fixtures.temporaryDirectory()
        let file = try Fixtures.write("x", named: "afile", in: directory)
        for (flag, name) in [("--save", "x"), ("--record", "x.json"), ("--save", "sub/x"), ("--record", "sub/x.json")] {
            let path = file + "/" + name
            let result = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--epochs", "1", flag, path])
            #expect(result.status != 0)
            #expect(result.stderr == "gradlab: error: \(flag) \(path): cannot write (\(file) is not a folder)\n")
        }
    }

    /// A whole-number flag ArgumentParser cannot take says why (it said
    /// only `The value '-1' is invalid for '--seed <seed>'`).
    @Test(arguments: [
        (["--seed", "-1"], "'-1' is invalid for '--seed <seed>': a seed is a whole number from 0 to 4294967295"),
        (["--split-seed", "4294967296"], "'4294967296' is invalid for '--split-seed <split-seed>': a seed is a whole number from 0 to 4294967295"),
        (["--seed", "1e3"], "'1e3' is invalid for '--seed <seed>': a seed is a whole number from 0 to 4294967295; write 1000"),
        (["--epochs", "99999999999999999999"], "'99999999999999999999' is invalid for '--epochs <epochs>': too large (at most 9223372036854775807)"),
        (["--epochs", "1e30"], "'1e30' is invalid for '--epochs <epochs>': too large (at most 9223372036854775807)"),
        (["--points", "1e6"], "'1e6' is invalid for '--points <points>': write the whole number as 1000000"),
        (["--track", "2.5"], "'2.5' is invalid for '--track <track>': not a whole number"),
        (["--epochs", ""], "'' is invalid for '--epochs <epochs>': not a whole number"),
    ])
    func aWholeNumberFlagSaysWhyAValueIsRefused(arguments: [String], message: String) throws {
        let result = try Gradlab.run(["--headless"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr == "gradlab: error: The value \(message) (see 'gradlab help run')\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func theWholeNumberFlagsOfTheSubcommandsToo() throws {
        for arguments in [["export", "r.json", "--points", "x"], ["export", "r.json", "--epoch", "1.5"], ["inspect", "--seed", "-2"],
                          ["bench", "--steps", "x"], ["bench", "--points", "1e99"]] {
            let result = try Gradlab.run(arguments)
            #expect(result.status == 64 && result.stderr.contains("': "), "\(arguments): \(result.stderr)")
        }
    }

    /// `--save` naming a folder is refused before the run: it ran every
    /// epoch, then failed at the rename (`/tmp: cannot replace: Is a
    /// directory`) and the run's parameters were lost.
    @Test func aSaveOntoAFolderIsRefusedBeforeTheRun() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = directory.appendingPathComponent("ckpts").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: directory.appendingPathComponent("x.optim.safetensors").path,
                                                withIntermediateDirectories: false)
        let cases = [(folder, "\(folder): is a directory, not a file"), (folder + "/", "\(folder)/: is a directory, not a file"),
                     (directory.path + "/x", "\(directory.path)/x: its optimizer file \(directory.path)/x.optim.safetensors is a directory, not a file")]
        for (save, message) in cases {
            let result = try Gradlab.run(["--headless", "--lab", "quadratic", "--optimizer", "adam", "--epochs", "1", "--save", save])
            #expect(result.status == 1 && result.stderr == "gradlab: error: --save \(message)\n", "\(save): \(result.stderr)")
            #expect(result.stdout.isEmpty, "before the run: \(result.stdout)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    /// The checkpoint's optimizer file is written first, but a failure names
    /// the file asked for.
    @Test func aSaveThatCannotBeWrittenNamesTheCheckpoint() throws {
        let result = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--epochs", "1", "--save", "/proc/x.safetensors"])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("gradlab: error: --save /proc/x.safetensors: ") || result.stderr.hasPrefix("gradlab: error: /proc/x.safetensors: "),
                "\(result.stderr)")
        #expect(!result.stderr.contains(".optim"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func malformedCSVNamesLineAndColumn() throws {
        let directory = try Fixtures.temporaryDirectory()
        let csv = try Fixtures.write("x1,x2\n1,2\n3,oops\n", named: "s.csv", in: directory)
        let result = try Gradlab.run(["--headless", "--starts", csv])
        #expect(result.status != 0)
        #expect(result.stderr == "gradlab: error: --starts \(csv):3:3: 'oops' is not a number (column x2)\n")
    }

    @Test func badInputNeverTouchesAnExistingRunFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        let good = try Gradlab.run(["--headless", "--quiet", "--record", path])
        #expect(good.status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for arguments in [["--lr", "0"], ["--f", "sin("], ["--starts", "/nonexistent.csv"]] {
            let bad = try Gradlab.run(["--headless", "--record", path] + arguments)
            #expect(bad.status != 0)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func divergenceIsReportedNotACrash() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        let result = try Gradlab.run(["--headless", "--lab", "quadratic", "--lr", "1", "--epochs", "200", "--record", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("diverged"))
        let run = try RunFile.load(path: path)
        #expect(run.status == "diverged")
        #expect(run.events.contains { if case .divergence = $0 { return true } else { return false } })
    }
}

@Suite("Data files")
struct DataFileTests {
    @Test func splitColumnChoosesTrainAndTestRows() throws {
        let directory = try Fixtures.temporaryDirectory()
        var rows = ["x,y,split"]
        for i in 0..<10 { rows.append("\(Double(i) / 10),\(0.7 * Double(i) / 10 + 0.3),\(i < 7 ? "train" : "test")") }
        let csv = try Fixtures.write(rows.joined(separator: "\n") + "\n", named: "d.csv", in: directory)
        let path = directory.appendingPathComponent("run.json").path
        let result = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--data", csv, "--epochs", "2", "--record", path])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try RunFile.load(path: path)
        #expect(run.config.splitLabels == ["train", "train", "train", "train", "train", "train", "train", "test", "test", "test"])
        #expect(run.epochs.last?.testLoss != nil)
        let bad = try Fixtures.write("x,y,split\n0,1,train\n1,2,validate\n", named: "bad.csv", in: directory)
        let failed = try Gradlab.run(["--headless", "--lab", "linear", "--data", bad])
        #expect(failed.status != 0)
        #expect(failed.stderr == "gradlab: error: --data \(bad):3:5: split must be 'train' or 'test', got 'validate'\n")
    }
}
