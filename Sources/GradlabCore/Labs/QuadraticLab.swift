import GradlabMath

/// Example 2: a*t^2 + b*t + c fitted to (t, v) by full-batch MSE.
///
/// The per-sample loss `(v - (a*t^2 + b*t + c))^2` runs as one Program over
/// all samples with a, b, c uniform; the batch loss and gradient are the
/// means, as `(real - predicted).square().mean()` and `backward()` give.
final class QuadraticLab<T: ProgramScalar>: TrainableLab<T>, Lab {
    private let program: Program
    private let t: [T]
    private let v: [T]
    private let sampleOutputs: [UnsafeMutablePointer<T>]

    init(_ config: LabConfig) throws(GradlabError) {
        let expression = try parseLabExpression(config.function, variables: ["a", "b", "c", "t", "v"], flag: "model")
        program = Program.valueAndGradient(of: expression, inputs: ["a", "b", "c", "t", "v"], respect: ["a", "b", "c"])
        var rng = MersenneTwister(seed: config.seed)
        if let data = config.data, let times = data["t"], let targets = data["v"] {
            t = times.map { T($0) }
            v = targets.map { T($0) }
        } else {
            (t, v) = QuadraticLab.generatedData(&rng)
        }
        let count = t.count
        guard count > 0 else { throw GradlabError("quadratic lab: no data rows") }
        sampleOutputs = (0..<4).map { _ in UnsafeMutablePointer<T>.allocate(capacity: count) }
        super.init(config: config, parameterCount: 3)
        // torch.randn(3): drawn after the data, overridden by --init.
        for (i, name) in ["a", "b", "c"].enumerated() {
            let drawn = rng.standardNormal()
            buffers.values[i] = T(config.initial[name] ?? drawn)
        }
    }

    /// `torch.arange(0, 20).float()` and `torch.randn(20) * 3 + 0.75 * (t - 9.5) ** 2 + 1`,
    /// with gradlab's NumPy-compatible normal draws in place of torch's.
    static func generatedData(_ rng: inout MersenneTwister) -> ([T], [T]) {
        let times = (0..<20).map { T($0) }
        let noise = (0..<20).map { _ in T(rng.standardNormal()) }
        let targets = zip(times, noise).map { time, n in
            let centered = time - T(9.5)
            return n * 3 + T(0.75) * (centered * centered) + 1
        }
        return (times, targets)
    }

    deinit {
        for pointer in sampleOutputs { pointer.deallocate() }
    }

    /// MSE and its gradient at the current a, b, c (gradient into the buffers).
    private func evaluate() -> Double {
        let n = t.count
        t.withUnsafeBufferPointer { times in
            v.withUnsafeBufferPointer { targets in
                guard let times = times.baseAddress, let targets = targets.baseAddress else { return }
                program.run(
                    count: n,
                    inputs: [.uniform(buffers.values[0]), .uniform(buffers.values[1]), .uniform(buffers.values[2]),
                             .lanes(times), .lanes(targets)],
                    outputs: sampleOutputs
                )
            }
        }
        for i in 0..<3 {
            buffers.gradients[i] = T(sumAsDouble(sampleOutputs[i + 1], n) / Double(n))
        }
        return Double(T(sumAsDouble(sampleOutputs[0], n) / Double(n)))
    }

    func startRecord() -> EpochRecord { record(loss: evaluate(), lr: nil) }

    func runEpoch() -> EpochRecord {
        let loss = evaluate()
        let lr = learningRate
        stepParameters()
        finishEpoch()
        return record(loss: loss, lr: config.schedule == nil ? nil : lr)
    }

    private func record(loss: Double, lr: Double?) -> EpochRecord {
        let params = ["a", "b", "c"].enumerated().map { NamedValues($1, [Double(buffers.values[$0])]) }
        return EpochRecord(epoch: epoch, loss: loss, params: params, diverged: !loss.isFinite || !buffers.allFinite, lr: lr)
    }

    func inspect(selectedPoint: Int) -> LabInspection {
        LabInspection(epoch: epoch, parameters: buffers.inspect([0, 1, 2], names: ["a", "b", "c"], optimizer: optimizer),
                      gradientNorm: buffers.gradientNorm(), optimizerSteps: optimizer.stepCount,
                      selectedPoint: nil, pointCount: 0, valueAtSelected: nil)
    }

    var dataset: LabDataset {
        LabDataset(inputName: "t", targetName: "v", trainInputs: t.map(Double.init), trainTargets: v.map(Double.init),
                   testInputs: [], testTargets: [])
    }

    var checkpointParameters: [NamedValues] { namedParameters(["a", "b", "c"]) }

    func restore(_ checkpoint: LoadedCheckpoint) throws(GradlabError) {
        try restore(checkpoint, names: ["a", "b", "c"])
    }
}
