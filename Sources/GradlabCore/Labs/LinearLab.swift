import GradlabMath

/// Example 3: weight*x + bias, L1 loss, one SGD step per training sample in
/// split order, then the test loss in inference (no gradient).
final class LinearLab<T: ProgramScalar>: TrainableLab<T>, Lab {
    private let training: Program
    private let inference: Program
    private let trainX: [T], trainY: [T], testX: [T], testY: [T]
    /// One sample's inputs (weight, bias, x, y) and the Program's outputs:
    /// the per-sample loop allocates nothing.
    private let sample = UnsafeMutablePointer<T>.allocate(capacity: 4)
    private let results = UnsafeMutablePointer<T>.allocate(capacity: 3)

    init(_ config: LabConfig) throws(GradlabError) {
        let variables = ["weight", "bias", "x", "y"]
        let expression = try parseLabExpression(config.function, variables: variables, flag: "model")
        training = Program.valueAndGradient(of: expression, inputs: variables, respect: ["weight", "bias"])
        inference = Program.value(of: expression, inputs: variables)

        let x: [Double], y: [Double]
        if let data = config.data, let inputs = data["x"], let targets = data["y"] {
            (x, y) = (inputs, targets)
        } else {
            // X = np.arange(0, 1, 0.02); y = 0.7 * X + 0.3, in float64 before the cast.
            x = (0..<50).map { 0.02 * Double($0) }
            y = x.map { 0.7 * $0 + 0.3 }
        }
        guard !x.isEmpty else { throw GradlabError("linear lab: no data rows") }
        let split: TrainTestSplit
        if let labels = config.splitLabels {
            split = TrainTestSplit(train: labels.indices.filter { labels[$0] == "train" },
                                   test: labels.indices.filter { labels[$0] == "test" })
            guard !split.train.isEmpty else { throw GradlabError("linear lab: the split column marks no row 'train'") }
        } else {
            split = TrainTestSplit(count: x.count, testSize: config.testSize, seed: config.splitSeed)
            guard !split.train.isEmpty else { throw GradlabError("linear lab: --test-size \(config.testSize) leaves no training rows of \(x.count)") }
        }
        trainX = split.train.map { T(x[$0]) }
        trainY = split.train.map { T(y[$0]) }
        testX = split.test.map { T(x[$0]) }
        testY = split.test.map { T(y[$0]) }
        super.init(config: config, parameterCount: 2)
        // nn.Parameter(torch.rand(1)) for weight, then bias; --init overrides.
        var rng = MersenneTwister(seed: config.seed)
        for (i, name) in ["weight", "bias"].enumerated() {
            let drawn = rng.uniform()
            buffers.values[i] = T(config.initial[name] ?? drawn)
        }
    }

    deinit {
        sample.deallocate()
        results.deallocate()
    }

    /// Loads one sample with the current parameters.
    @inline(__always)
    private func load(_ x: T, _ y: T) {
        sample[0] = buffers.values[0]
        sample[1] = buffers.values[1]
        sample[2] = x
        sample[3] = y
    }

    /// Mean loss over samples without touching gradients (`inference_mode`).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private func meanLoss(_ xs: [T], _ ys: [T]) -> Double? {
        guard !xs.isEmpty else { return nil }
        var total = 0.0
        for (x, y) in zip(xs, ys) {
            load(x, y)
            inference.evaluate(UnsafePointer(sample), into: results)
            total += Double(results[0])
        }
        return total / Double(xs.count)
    }

    func startRecord() -> EpochRecord {
        let train = meanLoss(trainX, trainY) ?? .nan
        return record(train: train, test: meanLoss(testX, testY), lr: nil)
    }

    // Called through `any Lab`: without these the generic body runs, and the
    // per-sample loop spends its time looking up generic metadata.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func runEpoch() -> EpochRecord {
        let lr = learningRate
        var total = 0.0
        for (x, y) in zip(trainX, trainY) {
            load(x, y)
            training.evaluate(UnsafePointer(sample), into: results)
            buffers.gradients[0] = results[1]
            buffers.gradients[1] = results[2]
            stepParameters()
            total += Double(results[0])
        }
        finishEpoch()
        return record(train: total / Double(trainX.count), test: meanLoss(testX, testY), lr: config.schedule == nil ? nil : lr)
    }

    private func record(train: Double, test: Double?, lr: Double?) -> EpochRecord {
        let params = [NamedValues("weight", [Double(buffers.values[0])]), NamedValues("bias", [Double(buffers.values[1])])]
        let diverged = !train.isFinite || !(test ?? 0).isFinite || !buffers.allFinite
        return EpochRecord(epoch: epoch, loss: train, trainLoss: train, testLoss: test, params: params, diverged: diverged, lr: lr)
    }

    func inspect(selectedPoint: Int) -> LabInspection {
        LabInspection(epoch: epoch, parameters: buffers.inspect([0, 1], names: ["weight", "bias"], optimizer: optimizer),
                      gradientNorm: buffers.gradientNorm(), optimizerSteps: optimizer.stepCount,
                      selectedPoint: nil, pointCount: 0, valueAtSelected: nil)
    }

    var dataset: LabDataset {
        LabDataset(inputName: "x", targetName: "y",
                   trainInputs: trainX.map(Double.init), trainTargets: trainY.map(Double.init),
                   testInputs: testX.map(Double.init), testTargets: testY.map(Double.init))
    }

    var checkpointParameters: [NamedValues] { namedParameters(["weight", "bias"]) }

    func restore(_ checkpoint: LoadedCheckpoint) throws(GradlabError) {
        try restore(checkpoint, names: ["weight", "bias"])
    }
}
