import GradlabDevice
import GradlabMath

/// Example 3: weight*x + bias, L1 loss, one SGD step per training sample in
/// split order, then the test loss in inference (no gradient).
///
/// An epoch is one sequential sweep over the training samples: each lane
/// computes the loss and gradient at the current weight and bias and
/// applies the optimizer's step before the next lane reads them.
final class LinearLab<T: ProgramScalar>: TrainableLab<T>, Lab {
    private let training: Program
    private let inference: Program
    private let trainX: [T], trainY: [T], testX: [T], testY: [T]
    private var data: (trainX: DeviceBuffer<T>, trainY: DeviceBuffer<T>, testX: DeviceBuffer<T>, testY: DeviceBuffer<T>)
    /// The last sample's gradient of weight and bias.
    private var gradients: DeviceBuffer<T>

    init(_ config: LabConfig, device: any ComputeDevice) throws(GradlabError) {
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
        let columns = (split.train.map { T(x[$0]) }, split.train.map { T(y[$0]) }, split.test.map { T(x[$0]) }, split.test.map { T(y[$0]) })
        (trainX, trainY, testX, testY) = columns
        (data, gradients) = try onDevice { () throws(DeviceError) in
            func upload(_ values: [T]) throws(DeviceError) -> DeviceBuffer<T> {
                let buffer = try device.allocate(T.self, count: values.count, filled: 0)
                try device.write(values, to: buffer)
                return buffer
            }
            return ((try upload(columns.0), try upload(columns.1), try upload(columns.2), try upload(columns.3)),
                    try device.allocate(T.self, count: 2, filled: 0))
        }
        try super.init(config: config, parameterCount: 2, device: device)
        // nn.Parameter(torch.rand(1)) for weight, then bias; --init overrides.
        var rng = MersenneTwister(seed: config.seed)
        var initial: [T] = []
        for name in ["weight", "bias"] {
            let drawn = rng.uniform()
            initial.append(T(config.initial[name] ?? drawn))
        }
        let parameters = self.parameters
        try onDevice { () throws(DeviceError) in try device.write(initial, to: parameters) }
    }

    deinit {
        for buffer in [data.trainX, data.trainY, data.testX, data.testY, gradients] { device.free(buffer) }
    }

    override var ownBuffers: [DeviceBuffer<T>] { [data.trainX, data.trainY, data.testX, data.testY, gradients] }

    override func adoptOwnBuffers(_ buffers: [DeviceBuffer<T>]) {
        (data.trainX, data.trainY, data.testX, data.testY, gradients) = (buffers[0], buffers[1], buffers[2], buffers[3], buffers[4])
    }

    /// The sweep binding weight, bias and samples for `program`'s inputs.
    private func sampleInputs(_ x: DeviceBuffer<T>, _ y: DeviceBuffer<T>) -> [String: SweepInput<T>] {
        ["weight": .element(parameters, index: 0), "bias": .element(parameters, index: 1),
         "x": .lanes(x, offset: 0), "y": .lanes(y, offset: 0)]
    }

    /// Mean loss over samples without touching gradients (`inference_mode`),
    /// summed in order.
    private func meanLoss(test: Bool) throws(GradlabError) -> Double? {
        let (x, y) = test ? (data.testX, data.testY) : (data.trainX, data.trainY)
        guard x.count > 0 else { return nil }
        let prepared = try self.prepared(SweepKey(role: test ? .testLoss : .trainLoss)) { () throws(GradlabError) in
                let inputs = sampleInputs(x, y)
                return (nil, Sweep(program: inference, lanes: x.count, mode: .sequential,
                                   inputs: inference.inputs.compactMap { inputs[$0] }, outputs: [.discard], summed: [0]))
            }.sweep
        return try run(prepared, scalars: []).sums[0] / Double(x.count)
    }

    /// The training sweep for one form of the update: per lane, the loss,
    /// the gradient (kept in its buffer) and the optimizer's step.
    private func trainingSweep(variant: Int) throws(GradlabError) -> LabSweep<T> {
        try prepared(SweepKey(role: .train, variant: variant)) { () throws(GradlabError) in
            var base = ProgramComposer(extending: training)
            let (weight, bias) = (base.input("weight"), base.input("bias"))
            let outputs = base.baseOutputs
            let place = { (index: Int) in
                ParameterPlace(buffer: self.parameters, offset: index, perLane: false, stateOffset: index,
                               steps: self.lastSteps.map { ($0, index) })
            }
            return try updateSweep(
                group: 0, variant: variant, base: base, parameters: [("weight", weight, outputs[1]), ("bias", bias, outputs[2])],
                baseInputs: sampleInputs(data.trainX, data.trainY),
                baseOutputs: [("loss", outputs[0], .discard), ("d/dweight", outputs[1], .element(gradients, index: 0)),
                              ("d/dbias", outputs[2], .element(gradients, index: 1))],
                places: [place(0), place(1)], lanes: trainX.count, mode: .sequential
            ) { $0.summed = [0] }
        }
    }

    // Reached through `any Lab`: without these the generic body runs.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func startRecord() throws(GradlabError) -> EpochRecord {
        record(train: try meanLoss(test: false) ?? .nan, test: try meanLoss(test: true), lr: nil)
    }

    // Reached through `any Lab`: without these the generic body runs.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func runEpoch() throws(GradlabError) -> EpochRecord {
        let lr = learningRate
        let group = groups[0]
        let samples = trainX.count
        var sums: [Double]?
        // Runs of samples whose steps take the same form of the update (all
        // but SGD's first momentum step), each continuing the last's sums.
        let (rule, optimizerConfig) = (group.rule, group.config)
        var start = 0
        while start < samples {
            let first = group.stepCount + 1
            let variant = rule.variant(optimizerConfig, step: first)
            var end = start + 1
            while end < samples, rule.variant(optimizerConfig, step: first + (end - start)) == variant { end += 1 }
            let prepared = try trainingSweep(variant: variant)
            var scalars: [Double] = []
            if let emission = prepared.emission {
                // One row when no scalar depends on the step, else one per sample.
                let rows = emission.scalarsChangeWithStep ? end - start : 1
                scalars.reserveCapacity(emission.scalars.count * rows)
                for step in first..<(first + rows) { group.appendScalars(emission, step: step, to: &scalars) }
            }
            sums = try run(prepared.sweep, scalars: scalars, lanes: start..<end, sums: sums).sums
            group.advance(by: end - start)
            start = end
        }
        finishEpoch()
        return record(train: (sums?[0] ?? .nan) / Double(samples), test: try meanLoss(test: true), lr: schedule == nil ? nil : lr)
    }

    private func record(train: Double, test: Double?, lr: Double?) -> EpochRecord {
        let values = parameterValues(0..<2)
        let params = [NamedValues("weight", [Double(values[0])]), NamedValues("bias", [Double(values[1])])]
        let diverged = !train.isFinite || !(test ?? 0).isFinite || !values.allSatisfy { $0.isFinite }
        return EpochRecord(epoch: epoch, loss: train, trainLoss: train, testLoss: test, params: params, diverged: diverged, lr: lr)
    }

    func inspect(selectedPoint: Int) -> LabInspection {
        let gradient = ((try? device.read(gradients, range: 0..<2)) ?? []).map { Double($0) }
        return LabInspection(epoch: epoch, parameters: inspect([0, 1], names: ["weight", "bias"], gradients: gradient, group: 0),
                             gradientNorm: gradient.reduce(0) { $0 + $1 * $1 }.squareRoot(), optimizerSteps: groups[0].stepCount,
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
