import GradlabDevice
import GradlabMath

/// Example 2: a*t^2 + b*t + c fitted to (t, v) by full-batch MSE.
///
/// The per-sample loss `(v - (a*t^2 + b*t + c))^2` runs as one sweep over
/// all samples with a, b, c read from the parameter buffer; the batch loss
/// and gradient are the means, as `(real - predicted).square().mean()` and
/// `backward()` give; a second sweep over the three parameters applies the
/// optimizer's update.
final class QuadraticLab<T: ProgramScalar>: TrainableLab<T>, Lab {
    private let program: Program
    private let t: [T]
    private let v: [T]
    private var data: (t: DeviceBuffer<T>, v: DeviceBuffer<T>)
    /// The batch gradient of a, b, c, as the update reads it.
    private var gradients: DeviceBuffer<T>
    /// f, ∇f and the Hessian per sample, for Newton (built when it runs).
    private let expression: GradlabMath.Expression
    private lazy var hessianProgram = Program.valueGradientHessian(of: expression, inputs: ["a", "b", "c", "t", "v"],
                                                                   respect: ["a", "b", "c"])
    /// Newton's direction from the last evaluation (the batch's mean Hessian
    /// and gradient), and the gradient to put back after the step.
    private var newtonStep: (direction: [T], gradient: [T])?

    init(_ config: LabConfig, device: any ComputeDevice) throws(GradlabError) {
        let expression = try parseLabExpression(config.function, variables: ["a", "b", "c", "t", "v"], flag: "model")
        program = Program.valueAndGradient(of: expression, inputs: ["a", "b", "c", "t", "v"], respect: ["a", "b", "c"])
        self.expression = expression
        var rng = MersenneTwister(seed: config.seed)
        if let data = config.data, let times = data["t"], let targets = data["v"] {
            t = times.map { T($0) }
            v = targets.map { T($0) }
        } else {
            (t, v) = QuadraticLab.generatedData(&rng)
        }
        guard !t.isEmpty else { throw GradlabError("quadratic lab: no data rows") }
        let (t, v) = (self.t, self.v)
        (data, gradients) = try onDevice { () throws(DeviceError) in
            let times = try device.allocate(T.self, count: t.count, filled: 0), targets = try device.allocate(T.self, count: v.count, filled: 0)
            try device.write(t, to: times)
            try device.write(v, to: targets)
            return ((times, targets), try device.allocate(T.self, count: 3, filled: 0))
        }
        try super.init(config: config, parameterCount: 3, device: device)
        // torch.randn(3): drawn after the data, overridden by --init.
        var initial: [T] = []
        for name in ["a", "b", "c"] {
            let drawn = rng.standardNormal()
            initial.append(T(config.initial[name] ?? drawn))
        }
        let parameters = self.parameters
        try onDevice { () throws(DeviceError) in try device.write(initial, to: parameters) }
    }

    deinit {
        device.free(data.t)
        device.free(data.v)
        device.free(gradients)
    }

    override var ownBuffers: [DeviceBuffer<T>] { [data.t, data.v, gradients] }

    override func adoptOwnBuffers(_ buffers: [DeviceBuffer<T>]) {
        (data.t, data.v, gradients) = (buffers[0], buffers[1], buffers[2])
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

    /// MSE and its gradient at the current a, b, c (the gradient into its
    /// buffer): sums over the samples in order, in Double, then the means
    /// cast to the dtype.
    private func evaluate() throws(GradlabError) -> Double {
        let n = t.count
        let newton = groups[0].config.kind == .newton
        let outputs = newton ? 13 : 4
        let prepared = try self.prepared(SweepKey(role: newton ? .curvature : .loss)) { () throws(GradlabError) in
                let inputs: [SweepInput<T>] = [.element(parameters, index: 0), .element(parameters, index: 1), .element(parameters, index: 2),
                                               .lanes(data.t, offset: 0), .lanes(data.v, offset: 0)]
                return (nil, Sweep(program: newton ? hessianProgram : program, lanes: n, inputs: inputs,
                                   outputs: Array(repeating: .discard, count: outputs), summed: Array(0..<outputs), orderedSums: true))
            }.sweep
        let sums = try run(prepared, scalars: []).sums
        let gradient = (1...3).map { T(sums[$0] / Double(n)) }
        let (device, gradients) = (self.device, self.gradients)
        try onDevice { () throws(DeviceError) in try device.write(gradient, to: gradients) }
        newtonStep = nil
        if newton {
            // d = |H|⁻¹ ∇f over the batch's means, in Double (``Newton``).
            let g = (1...3).map { sums[$0] / Double(n) }
            let hessian = (0..<3).map { i in (0..<3).map { j in sums[4 + 3 * i + j] / Double(n) } }
            let (values, vectors) = SymmetricEigen.decompose(hessian)
            let damping = groups[0].config.damping
            var direction = [0.0, 0.0, 0.0]
            for (lambda, v) in zip(values, vectors) {
                let along = zip(v, g).reduce(0) { $0 + $1.0 * $1.1 } / max(abs(lambda), damping)
                for k in 0..<3 { direction[k] += along * v[k] }
            }
            newtonStep = (direction.map { T($0) }, gradient)
        }
        return Double(T(sums[0] / Double(n)))
    }

    /// One optimizer step of a, b, c from the batch gradient.
    private func step() throws(GradlabError) {
        let variant = groups[0].nextVariant
            let prepared = try self.prepared(SweepKey(role: .update, variant: variant)) { () throws(GradlabError) in
                var base = ProgramComposer()
                let (p, g) = (base.input("p"), base.input("g"))
                return try updateSweep(
                    group: 0, variant: variant, base: base, parameters: [("p", p, g)],
                    baseInputs: ["p": .lanes(parameters, offset: 0), "g": .lanes(gradients, offset: 0)], baseOutputs: [],
                    places: [ParameterPlace(buffer: parameters, offset: 0, perLane: true, stateOffset: 0,
                                            steps: lastSteps.map { ($0, 0) })],
                    lanes: 3, mode: .parallel)
            }
            // Newton steps along its direction: in the buffer for the step, the gradient back after.
            let (device, buffer) = (self.device, self.gradients)
            if let newtonStep { try onDevice { () throws(DeviceError) in try device.write(newtonStep.direction, to: buffer) } }
            _ = try run(prepared.sweep, scalars: nextScalars(prepared.emission, group: 0))
            if let newtonStep { try onDevice { () throws(DeviceError) in try device.write(newtonStep.gradient, to: buffer) } }
            groups[0].advance()
    }

    // Reached through `any Lab`: without these the generic body runs.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func startRecord() throws(GradlabError) -> EpochRecord { record(loss: try evaluate(), lr: nil) }

    // Reached through `any Lab`: without these the generic body runs.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func runEpoch() throws(GradlabError) -> EpochRecord {
        let loss = try evaluate()
        let lr = learningRate
        try step()
        finishEpoch()
        return record(loss: loss, lr: schedule == nil ? nil : lr)
    }

    private func record(loss: Double, lr: Double?) -> EpochRecord {
        let values = parameterValues(0..<3)
        let params = ["a", "b", "c"].enumerated().map { NamedValues($1, [Double(values[$0])]) }
        return EpochRecord(epoch: epoch, loss: loss, params: params, diverged: !loss.isFinite || !values.allSatisfy { $0.isFinite }, lr: lr)
    }

    func inspect(selectedPoint: Int) -> LabInspection {
        let gradient = ((try? device.read(gradients, range: 0..<3)) ?? []).map { Double($0) }
        return LabInspection(epoch: epoch, parameters: inspect([0, 1, 2], names: ["a", "b", "c"], gradients: gradient, group: 0),
                             gradientNorm: gradient.reduce(0) { $0 + $1 * $1 }.squareRoot(), optimizerSteps: groups[0].stepCount,
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
