import GradlabCore
import GradlabMath

/// The tutorial's small labs: per-sample SGD and the full-batch quadratic.
enum LabBench {
    /// Linear lab through a `Session`: train steps per second, each epoch
    /// also computing the test loss, as the tutorial's loop does.
    static func linearSession(epochs: Int) async throws -> (stepsPerSecond: Double, trainSamples: Int) {
        var config = LabConfig(lab: .linear)
        config.epochs = BenchTimer.repeats * epochs + 1
        let session = try Session(config: config, streaming: false)  // as --headless runs it
        await session.start()
        let train = await session.dataset.trainInputs.count
        await session.step(1)
        let seconds = await BenchTimer.seconds { await session.step(epochs) }
        await session.finish(status: "completed")
        return (Double(train * epochs) / seconds, train)
    }

    /// The same loop driven directly: `Program.evaluate(_:into:)` (no
    /// allocation) and Core's `SGD` per sample, the test loss per epoch.
    /// This is `LinearLab.runEpoch` with the allocation-free entry point.
    static func linearDirect(epochs: Int) throws -> Double {
        let loss = try Expression.parse("abs(weight*x + bias - y)", variables: ["weight", "bias", "x", "y"])
        let training = Program.valueAndGradient(of: loss, inputs: ["weight", "bias", "x", "y"], respect: ["weight", "bias"])
        let inference = Program.value(of: loss, inputs: ["weight", "bias", "x", "y"])
        let xs = (0..<50).map { Float(0.02 * Double($0)) }
        let (train, test) = (Array(xs.prefix(35)), Array(xs.suffix(15)))
        var sgdConfig = OptimizerConfig(kind: .sgd)
        sgdConfig.lr = 1e-3
        let sgd = SGD<Float>(sgdConfig)
        let parameters = UnsafeMutablePointer<Float>.allocate(capacity: 2)
        let gradients = UnsafeMutablePointer<Float>.allocate(capacity: 2)
        let sample = UnsafeMutablePointer<Float>.allocate(capacity: 4)
        let results = UnsafeMutablePointer<Float>.allocate(capacity: 3)
        defer { for p in [parameters, gradients, sample, results] { p.deallocate() } }
        parameters.initialize(from: [0.88, 0.49], count: 2)
        gradients.initialize(repeating: 0, count: 2)
        var checksum = 0.0
        func epoch() {
            var total = 0.0
            for x in train {
                sample[0] = parameters[0]
                sample[1] = parameters[1]
                sample[2] = x
                sample[3] = 0.7 * x + 0.3
                training.evaluate(UnsafePointer(sample), into: results)
                gradients[0] = results[1]
                gradients[1] = results[2]
                sgd.step(parameters: parameters, gradients: gradients, count: 2)
                total += Double(results[0])
            }
            for x in test {
                sample[0] = parameters[0]
                sample[1] = parameters[1]
                sample[2] = x
                sample[3] = 0.7 * x + 0.3
                inference.evaluate(UnsafePointer(sample), into: results)
                total += Double(results[0])
            }
            checksum += total
        }
        epoch()
        let seconds = BenchTimer.seconds { for _ in 0..<epochs { epoch() } }
        precondition(checksum.isFinite, "linear bench diverged")
        return Double(train.count * epochs) / seconds
    }

    /// Quadratic lab (20 samples, full batch) through a `Session`: epochs per second.
    static func quadraticSession(epochs: Int) async throws -> Double {
        var config = LabConfig(lab: .quadratic)
        config.epochs = BenchTimer.repeats * epochs + 1
        let session = try Session(config: config, streaming: false)  // as --headless runs it
        await session.start()
        await session.step(1)
        let seconds = await BenchTimer.seconds { await session.step(epochs) }
        await session.finish(status: "completed")
        return Double(epochs) / seconds
    }
}
