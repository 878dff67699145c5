import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

@Suite("Named functions, comparisons, schedules and checkpoints through the CLI")
struct OptimizerZooCLITests {
    @Test func functionsListsTheCatalogue() throws {
        let result = try Gradlab.run(["functions"])
        #expect(result.status == 0)
        for name in ["tutorial", "rosenbrock", "himmelblau", "rastrigin", "beale", "booth", "ackley", "goldstein-price", "six-hump-camel", "saddle"] {
            #expect(result.stdout.contains(name), "\(name) missing")
        }
    }

    @Test func namedFunctionSetsExpressionDomainAndName() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        let result = try Gradlab.run(["--headless", "--quiet", "--f", "Rosenbrock", "--epochs", "2", "--record", path])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try RunFile.load(path: path)
        #expect(run.config.functionName == "rosenbrock")
        #expect(run.config.domain == TestFunction.named("rosenbrock")?.domain)
        #expect(run.config.function == TestFunction.named("rosenbrock")?.expression)
    }

    /// `--optimizer` knows `--compare`'s shorthands (any case): SGD with
    /// momentum 0.9, and Nesterov's; `--momentum` still says how much.
    @Test func momentumAndNesterovAreOptimizerNames() throws {
        let directory = try Fixtures.temporaryDirectory()
        for (arguments, momentum, nesterov) in [(["--optimizer", "momentum"], 0.9, false),
                                                (["--optimizer", "Nesterov"], 0.9, true),
                                                (["--optimizer", "momentum", "--momentum", "0.5"], 0.5, false)] {
            let path = directory.appendingPathComponent("run.json").path
            let result = try Gradlab.run(["--headless", "--quiet", "--points", "5", "--epochs", "1", "--record", path] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            let run = try RunFile.load(path: path)
            #expect(run.config.optimizer.kind == .sgd && run.config.optimizer.momentum == momentum
                    && run.config.optimizer.nesterov == nesterov, "\(arguments)")
        }
    }

    @Test func compareRecordsEveryGroupFromTheSameStarts() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        let result = try Gradlab.run(["--headless", "--quiet", "--f", "himmelblau", "--points", "10", "--lr", "0.01",
                                      "--compare", "sgd,momentum:momentum=0.5,adam:lr=0.1:amsgrad", "--epochs", "50", "--record", path])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try RunFile.load(path: path)
        #expect(run.config.compare?.map(\.kind) == [.sgd, .sgd, .adam])
        #expect(run.config.compare?[1].momentum == 0.5)
        #expect(run.config.compare?[2].amsgrad == true)
        let first = try #require(run.epochs.first?.points)
        #expect(first.count == 30)
        // Every group starts from the same points...
        #expect(Array(first[0..<10]) == Array(first[10..<20]) && Array(first[0..<10]) == Array(first[20..<30]))
        // ...and moves its own way.
        let last = try #require(run.epochs.last)
        #expect(last.groupLoss?.count == 3)
        #expect(last.points?[0] != last.points?[20])
        #expect(result.stdout.contains("adam lr=0.1 amsgrad: mean f"))
        // Basins of the named function's minima are in the end line.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"basins\":["))
        // The CSV export has one loss column per group, and each group's points, named so.
        let csv = try Gradlab.run(["export", path, "--csv"])
        #expect(csv.stdout.hasPrefix("epoch,loss,loss.g0,loss.g1,loss.g2,g0.p0.x1"), "\(csv.stdout.prefix(80))")
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        for g in 0..<3 {
            let column = try #require(header.firstIndex(of: "g\(g).p0.x1"), "group \(g)'s first point")
            // The same start in every group, at epoch 0; each group's own point afterwards.
            #expect(rows[1][column] == rows[1][try #require(header.firstIndex(of: "g0.p0.x1"))])
            #expect(Double(rows[rows.count - 1][column]) == run.epochs.last?.points?[g * 10].x)
        }
    }

    /// The headless summary's mean f is over every group's points, and says
    /// so; each group's line has its own mean f and its own first points
    /// (the points line showed the first 5 of all groups' points together).
    @Test func compareSummarySaysHowManyPointsItsMeanIsOver() throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("run.json").path
        let result = try Gradlab.run(["--headless", "--quiet", "--f", "himmelblau", "--points", "30", "--track", "4", "--epochs", "5",
                                      "--compare", "sgd:lr=0.01,momentum:lr=0.003,adam:lr=0.05", "--record", path])
        #expect(result.status == 0, "\(result.stderr)")
        let last = try #require(try RunFile.load(path: path).epochs.last)
        let groupLoss = try #require(last.groupLoss)
        let points = try #require(last.points)
        #expect(abs(last.loss - groupLoss.reduce(0, +) / 3) < 1e-12)
        func shown(_ g: Int) -> String {
            points[(g * 4)..<(g * 4 + 4)].map { String(format: "(%.4f, %.4f)", $0.x, $0.y) }.joined(separator: " ")
        }
        let expected = [
            String(format: "mean f %.10f over 90 points (3 groups of 30)", last.loss),
            String(format: "  sgd lr=0.01: mean f %.8f", groupLoss[0]), "    points: " + shown(0),
            String(format: "  sgd lr=0.003 momentum=0.9: mean f %.8f", groupLoss[1]), "    points: " + shown(1),
            String(format: "  adam lr=0.05: mean f %.8f", groupLoss[2]), "    points: " + shown(2),
        ]
        #expect(result.stdout.contains("completed at epoch 5\n" + expected.joined(separator: "\n") + "\nrecorded: "), "\(result.stdout)")
    }

    @Test func badCompareAndScheduleAreOneLineErrors() throws {
        for (arguments, fragment) in [
            (["--compare", "sgd,lion"], "--compare: unknown optimizer 'lion'"),
            (["--compare", "adam:lr=x"], "--compare: 'lr=x' in 'adam:lr=x' needs a number"),
            (["--lab", "linear", "--compare", "sgd,adam"], "--compare applies to the landscape lab only"),
            (["--schedule", "step:0,0.5"], "--schedule"),
            (["--schedule", "warp:3"], "--schedule"),
        ] {
            let result = try Gradlab.run(["--headless"] + arguments)
            #expect(result.status != 0)
            #expect(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }

    @Test func saveThenLoadResumesExactly() throws {
        let directory = try Fixtures.temporaryDirectory()
        let straight = directory.appendingPathComponent("straight.safetensors").path
        let half = directory.appendingPathComponent("half.safetensors").path
        let resumed = directory.appendingPathComponent("resumed.safetensors").path
        let common = ["--headless", "--quiet", "--lab", "linear", "--optimizer", "adam", "--lr", "0.01"]
        #expect(try Gradlab.run(common + ["--epochs", "20", "--save", straight]).status == 0)
        #expect(try Gradlab.run(common + ["--epochs", "10", "--save", half]).status == 0)
        #expect(FileManager.default.fileExists(atPath: Checkpoint.optimizerPath(for: half)))
        let result = try Gradlab.run(common + ["--epochs", "10", "--load", half, "--save", resumed])
        #expect(result.status == 0, "\(result.stderr)")
        let a = try Checkpoint.load(path: straight), b = try Checkpoint.load(path: resumed)
        #expect(a.params == b.params)
        #expect(b.epoch == 20)
        #expect(a.optimizer?.stepCount == b.optimizer?.stepCount)
        #expect(a.optimizer?.buffers == b.optimizer?.buffers)
    }

    /// A resumed landscape takes its point count from the checkpoint, and
    /// its table goes on as the uninterrupted run's: no line for the loaded
    /// epoch (whose start record is the next epoch's loss).
    @Test func aResumedLandscapePrintsTheUninterruptedRunsLines() throws {
        let directory = try Fixtures.temporaryDirectory()
        let half = directory.appendingPathComponent("half.safetensors").path
        let common = ["--headless", "--domain", "-5,5,-5,5", "--seed", "3", "--optimizer", "adam", "--lr", "0.1"]
        func lines(_ output: String) -> [String] { output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("Epoch ") } }
        let straight = try Gradlab.run(common + ["--points", "60", "--epochs", "6"])
        #expect(try Gradlab.run(common + ["--points", "60", "--epochs", "4", "--save", half]).status == 0)
        let resumed = try Gradlab.run(common + ["--epochs", "2", "--load", half])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(lines(resumed.stdout) == Array(lines(straight.stdout).suffix(2)), "\(resumed.stdout)")
        #expect(lines(resumed.stdout).first?.hasPrefix("Epoch 5,") == true)
    }

    /// A landscape checkpoint names its f: eval and --load use it without
    /// --f, and refuse another one, rather than evaluating the wrong f.
    @Test func aLandscapeCheckpointKeepsItsFunction() throws {
        let checkpoint = try Fixtures.temporaryDirectory().appendingPathComponent("rosen.safetensors").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--f", "rosenbrock", "--points", "10", "--epochs", "3", "--save", checkpoint]).status == 0)
        let implicit = try Gradlab.run(["eval", "--load", checkpoint])
        let explicit = try Gradlab.run(["eval", "--load", checkpoint, "--f", "rosenbrock"])
        #expect(implicit.status == 0 && implicit.stdout == explicit.stdout, "\(implicit.stdout)\(implicit.stderr)")
        let resumed = try Gradlab.run(["--headless", "--quiet", "--load", checkpoint, "--epochs", "1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let wrong = try Gradlab.run(["--headless", "--quiet", "--load", checkpoint, "--epochs", "1", "--f", "himmelblau"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("trained on f = rosenbrock, but this run's f is himmelblau; run with --f rosenbrock to resume it"),
                "\(wrong.stderr)")
        let evalWrong = try Gradlab.run(["eval", "--load", checkpoint, "--f", "x1^2"])
        #expect(evalWrong.status == 1 && evalWrong.stderr.contains("trained on f = rosenbrock"), "\(evalWrong.stderr)")
    }

    @Test func evalPrintsPredictionsAndTheTestLoss() throws {
        let directory = try Fixtures.temporaryDirectory()
        let checkpoint = directory.appendingPathComponent("linear.safetensors").path
        let run = try Gradlab.run(["--headless", "--lab", "linear", "--save", checkpoint])
        #expect(run.status == 0)
        let eval = try Gradlab.run(["eval", "--lab", "linear", "--load", checkpoint])
        #expect(eval.status == 0, "\(eval.stderr)")
        let lines = eval.stdout.split(separator: "\n")
        #expect(lines.count == 1 + 1 + 15 + 1)  // params, header, 15 test rows, loss
        // The same test loss the training run printed last.
        let trainLine = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("train loss") })
        let testLoss = try #require(trainLine.split(separator: " ").last)
        #expect(lines.last?.hasSuffix(String(testLoss)) == true, "\(eval.stdout)")
        let wrongLab = try Gradlab.run(["eval", "--lab", "quadratic", "--load", checkpoint])
        #expect(wrongLab.status != 0)
        #expect(wrongLab.stderr.contains("pass --lab linear"))
    }

    @Test func pythonSafetensorsReadsWhatGradlabSaves() throws {
        guard (try? Subprocess.run(["python3", "-c", "import safetensors.numpy, numpy"]))?.status == 0 else {
            Issue.record("python3 with safetensors+numpy is not installed here (.ci/run installs it)")
            return
        }
        let directory = try Fixtures.temporaryDirectory()
        let checkpoint = directory.appendingPathComponent("linear.safetensors").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--save", checkpoint]).status == 0)
        let script = """
        import sys
        from safetensors.numpy import load_file
        t = load_file(sys.argv[1])
        assert sorted(t) == ["bias", "weight"], t
        assert t["weight"].dtype.name == "float32" and t["weight"].shape == (1,)
        print(repr(float(t["weight"][0])), repr(float(t["bias"][0])))
        """
        let result = try Subprocess.run(["python3", "-c", script, checkpoint])
        #expect(result.status == 0, "\(result.stderr)")
        let saved = try Checkpoint.load(path: checkpoint)
        let values = result.stdout.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(values == saved.params.map { $0.values[0] })
    }
}
