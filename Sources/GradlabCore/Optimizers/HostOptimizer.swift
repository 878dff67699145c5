import GradlabDevice
import GradlabMath

/// An optimizer over arrays in host memory: its rule run on a CPU device,
/// one step at a time, copying in and out. For tests and tools that hold
/// plain arrays; labs keep their parameters on a device.
///
///     let adam = makeOptimizer(OptimizerConfig(kind: .adam), scalar: Double.self)
///     adam.step(parameters: &params, gradients: grads, count: params.count)
public final class HostOptimizer<Scalar: ProgramScalar> {
    private let device = CPUDevice()
    private var group: OptimizerGroup<Scalar>?
    private var pending: OptimizerConfig
    private var buffers: (parameters: DeviceBuffer<Scalar>, gradients: DeviceBuffer<Scalar>)?
    private var prepared: [Int: (emission: UpdateEmission, sweep: any PreparedSweep<Scalar>)] = [:]

    init(_ config: OptimizerConfig) { pending = config }

    /// The hyperparameters; changing `lr` keeps the state, changing
    /// anything else starts a fresh optimizer.
    public var config: OptimizerConfig {
        get { group?.config ?? pending }
        set {
            var sameButRate = newValue
            sameButRate.lr = config.lr
            if let group, sameButRate == group.config {
                group.setLearningRate(newValue.lr)
            } else {
                reset(newValue)
            }
        }
    }

    public var stepCount: Int { group?.stepCount ?? 0 }

    /// One update: `parameters[i]` moves using `gradients[i]`.
    public func step(parameters: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, count: Int) {
        do {
            try stepThrowing(parameters: parameters, gradients: gradients, count: count)
        } catch {
            preconditionFailure("host optimizer: \(error.message)")
        }
    }

    private func stepThrowing(parameters: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, count: Int) throws(GradlabError) {
        let group = try self.group(count: count)
        let (p, g) = try arrays(count: count)
        try onDevice { () throws(DeviceError) in
            try device.write(UnsafeBufferPointer(start: parameters, count: count), to: p, at: 0)
            try device.write(UnsafeBufferPointer(start: gradients, count: count), to: g, at: 0)
        }
        let variant = group.nextVariant
        if prepared[variant] == nil {
            var composer = ProgramComposer()
            let value = composer.input("p"), gradient = composer.input("g")
            let emission = group.emit(into: composer, parameters: [("p", value, gradient)], variant: variant, tracksSteps: false)
            let sweep = try group.sweep(emission, baseInputs: ["p": .lanes(p, offset: 0), "g": .lanes(g, offset: 0)], baseOutputs: [],
                                        places: [ParameterPlace(buffer: p, offset: 0, perLane: true, stateOffset: 0)],
                                        lanes: count, mode: .parallel, on: device)
            prepared[variant] = (emission, try onDevice { () throws(DeviceError) in try device.prepare(sweep) })
        }
        guard let (emission, sweep) = prepared[variant] else { return }
        let scalars = group.scalars(emission, step: group.stepCount + 1)
        try onDevice { () throws(DeviceError) in
            _ = try device.run(sweep, scalars: scalars)
            try device.read(p, range: 0..<count, into: UnsafeMutableBufferPointer(start: parameters, count: count))
        }
        group.advance()
    }

    /// Named state buffers, as `optimizer.state_dict()` names them; empty
    /// before the first step.
    public var stateBuffers: [(name: String, values: [Scalar])] {
        guard let group else { return [] }
        return (try? group.stateValues(on: device)) ?? []
    }

    /// Restores state saved from ``stateBuffers`` and ``stepCount``.
    public func restore(stepCount: Int, buffers saved: [String: [Scalar]]) throws(GradlabError) {
        let count = saved.values.first?.count ?? group?.size ?? 0
        try group(count: count).restore(stepCount: stepCount, buffers: saved, on: device)
    }

    private func group(count: Int) throws(GradlabError) -> OptimizerGroup<Scalar> {
        if let group, group.size == count { return group }
        if let group {
            guard group.stepCount == 0 && group.state.isEmpty else {
                throw GradlabError("host optimizer: stepped with \(count) parameters after \(group.size)")
            }
        }
        let fresh = OptimizerGroup<Scalar>(config, size: count)
        group?.free(on: device)
        group = fresh
        prepared = [:]
        return fresh
    }

    private func arrays(count: Int) throws(GradlabError) -> (DeviceBuffer<Scalar>, DeviceBuffer<Scalar>) {
        if let buffers, buffers.parameters.count == count { return buffers }
        if let buffers { device.free(buffers.parameters); device.free(buffers.gradients) }
        let made = try onDevice { () throws(DeviceError) in
            (try device.allocate(Scalar.self, count: count, filled: 0), try device.allocate(Scalar.self, count: count, filled: 0))
        }
        buffers = made
        prepared = [:]
        return made
    }

    private func reset(_ config: OptimizerConfig) {
        group?.free(on: device)
        group = nil
        pending = config
        prepared = [:]
    }
}

/// Makes the optimizer a config names, over host arrays.
public func makeOptimizer<Scalar: ProgramScalar>(_ config: OptimizerConfig, scalar: Scalar.Type = Scalar.self) -> HostOptimizer<Scalar> {
    HostOptimizer(config)
}
