import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

/// The reference results, reproduced through the CLI and read back from the
/// run file it records.
@Suite("Conformance with NumPy / PyTorch / scikit-learn, through the CLI")
struct ConformanceTests {
    /// Runs headless with `arguments` plus `--record`, returning the run file.
    private func record(_ arguments: [String], in directory: URL) throws -> (RunFile, ProcessResult) {
        let path = directory.appendingPathComponent("run.json").path
        let result = try Gradlab.run(["--headless", "--record", path] + arguments)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return (try RunFile.load(path: path), result)
    }

    private func startsCSV(_ reference: [String: Any], in directory: URL) throws -> String {
        let starts = try #require(reference["starts"] as? [[Double]])
        let rows = starts.map { "\($0[0]),\($0[1])" }.joined(separator: "\n")
        return try Fixtures.write("x1,x2\n" + rows + "\n", named: "starts.csv", in: directory)
    }

    /// Compares every epoch's points with the reference trajectory.
    private func checkLandscape(_ name: String, _ options: [String], tolerance: Double) throws {
        let reference = try Fixtures.reference(name)
        let directory = try Fixtures.temporaryDirectory()
        let starts = try startsCSV(reference, in: directory)
        let (run, _) = try record(["--lab", "landscape", "--starts", starts, "--dtype", "f64", "--quiet"] + options, in: directory)
        let trajectory = try #require(reference["trajectory"] as? [[[Double]]])
        let epochs = run.epochs
        #expect(epochs.count == trajectory.count)
        #expect(run.status == "completed")
        var worst = 0.0
        for (record, expected) in zip(epochs, trajectory) {
            let points = try #require(record.points)
            for (point, want) in zip(points, expected) {
                worst = max(worst, relativeError(point.x, want[0]), relativeError(point.y, want[1]))
            }
        }
        #expect(worst <= tolerance, "\(name): worst relative error \(worst)")
        if let meanLoss = (reference["meanLoss"] as? [Any])?.doubles {
            // Epoch k's loss is f before its update: the mean at epoch k-1's positions.
            #expect(relativeError(epochs[0].loss, meanLoss[0]) <= tolerance)
            for k in 1..<epochs.count {
                #expect(relativeError(epochs[k].loss, meanLoss[k - 1]) <= tolerance, "epoch \(k)")
            }
        }
    }

    @Test func landscapeSeed() throws {
        try checkLandscape("landscape_seed", ["--lr", "0.001", "--epochs", "30"], tolerance: 1e-12)
    }

    @Test func landscapeLearningRate0_1() throws {
        try checkLandscape("landscape_lr0.1", ["--lr", "0.1", "--epochs", "100"], tolerance: 1e-10)
    }

    @Test func sgdMomentum() throws {
        try checkLandscape("optim_sgd_momentum", ["--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9", "--epochs", "100"], tolerance: 1e-10)
    }

    @Test func adam() throws {
        try checkLandscape("optim_adam", ["--optimizer", "adam", "--lr", "0.05", "--epochs", "100"], tolerance: 1e-10)
    }

    @Test func quadraticSeed() throws {
        let reference = try Fixtures.reference("quadratic_seed")
        let directory = try Fixtures.temporaryDirectory()
        let data = try #require(reference["data"] as? [String: [Double]])
        let rows = zip(try #require(data["t"]), try #require(data["v"])).map { "\($0),\($1)" }.joined(separator: "\n")
        let csv = try Fixtures.write("t,v\n" + rows + "\n", named: "data.csv", in: directory)
        let initial = try #require(reference["init"] as? [String: Double])
        let initText = ["a", "b", "c"].map { "\($0)=\(initial[$0] ?? .nan)" }.joined(separator: ",")
        let (run, result) = try record(["--lab", "quadratic", "--data", csv, "--init", initText, "--lr", "1e-5", "--epochs", "20", "--dtype", "f32"], in: directory)
        let losses = try #require((reference["loss_per_epoch"] as? [Any])?.doubles)
        let params = try #require(reference["params_per_epoch"] as? [[String: Double]])
        let epochs = run.epochs
        #expect(epochs.count == 21)
        for k in 1...20 {
            #expect(relativeError(epochs[k].loss, losses[k - 1]) <= 1e-5, "loss, epoch \(k)")
            for name in ["a", "b", "c"] {
                let value = try #require(epochs[k].param(name)?.first)
                #expect(relativeError(value, params[k - 1][name] ?? .nan) <= 1e-5, "\(name), epoch \(k)")
            }
        }
        #expect(result.stdout.contains("Epoch 1, loss: 8509.98"))
    }

    @Test func linearSeedReproducesTheTutorialsTable() throws {
        let reference = try Fixtures.reference("linear_seed")
        let directory = try Fixtures.temporaryDirectory()
        let data = try #require(reference["data"] as? [String: [Double]])
        let rows = zip(try #require(data["x"]), try #require(data["y"])).map { "\($0),\($1)" }.joined(separator: "\n")
        let csv = try Fixtures.write("x,y\n" + rows + "\n", named: "data.csv", in: directory)
        let initial = try #require(reference["init"] as? [String: Double])
        let initText = "weight=\(initial["weight"] ?? .nan),bias=\(initial["bias"] ?? .nan)"
        let (run, result) = try record(["--lab", "linear", "--data", csv, "--split-seed", "42", "--test-size", "0.3",
                                        "--init", initText, "--epochs", "50"], in: directory)
        let perEpoch = try #require(reference["per_epoch"] as? [[String: Double]])
        let epochs = run.epochs
        #expect(epochs.count == 51)
        for k in 1...50 {
            let want = perEpoch[k - 1]
            #expect(relativeError(epochs[k].trainLoss ?? .nan, want["trainLoss"] ?? .nan) <= 1e-5, "train, epoch \(k)")
            #expect(relativeError(epochs[k].testLoss ?? .nan, want["testLoss"] ?? .nan) <= 1e-5, "test, epoch \(k)")
            #expect(relativeError(epochs[k].param("weight")?.first ?? .nan, want["weight"] ?? .nan) <= 1e-5, "weight, epoch \(k)")
            #expect(relativeError(epochs[k].param("bias")?.first ?? .nan, want["bias"] ?? .nan) <= 1e-5, "bias, epoch \(k)")
        }
        let first = perEpoch[0]
        let line = "Epoch: 1, Train Loss: \(String(format: "%.4f", first["trainLoss"] ?? 0)), Test Loss: \(String(format: "%.4f", first["testLoss"] ?? 0))"
        #expect(result.stdout.contains(line))
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("Epoch: ") }.count == 50)
    }

    @Test func defaultLinearRunUsesTheTutorialsDataAndSplit() throws {
        let result = try Gradlab.run(["--headless", "--lab", "linear"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Epoch: 50, Train Loss: "))
        #expect(result.stdout.contains("completed at epoch 50"))
    }
}
