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

    /// The same lab driven directly, without the Session actor: the CPU
    /// device's sequential sweep (loss, gradient and SGD step per sample)
    /// and the test loss per epoch.
    static func linearDirect(epochs: Int) throws -> Double {
        var config = LabConfig(lab: .linear)
        config.device = "cpu"
        let lab = try DirectLab(config)
        let train = lab.dataset.trainInputs.count
        try lab.step(1)
        var loss = 0.0
        let seconds = BenchTimer.seconds { loss = (try? lab.step(epochs)) ?? .nan }
        precondition(loss.isFinite, "linear bench diverged")
        return Double(train * epochs) / seconds
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
