import GradlabDevice
import GradlabMath

/// One optimizer over a group of a lab's parameters, on a device: its rule,
/// its config, the steps taken, and its state buffers (one value per
/// parameter of the group, created at the first step as torch does).
final class OptimizerGroup<T: ProgramScalar> {
    /// The hyperparameters; only `lr` changes during the group's life
    /// (``setLearningRate(_:)``): a new optimizer is a new group.
    private(set) var config: OptimizerConfig
    let rule: any OptimizerRule.Type
    /// Parameters in the group.
    let size: Int
    private(set) var stepCount = 0
    private(set) var state: [String: DeviceBuffer<T>] = [:]

    init(_ config: OptimizerConfig, size: Int) {
        self.config = config
        rule = config.kind.rule
        self.size = size
    }

    func setLearningRate(_ lr: Double) { config.lr = lr }

    /// The form of the next step's update (``OptimizerRule/variant(_:step:)``).
    var nextVariant: Int { rule.variant(config, step: stepCount + 1) }

    /// How many of the next `limit` steps take the next step's form, in a
    /// row (at least 1): the steps one prepared update can run as a block.
    func stepsOfNextForm(limit: Int) -> Int {
        let form = nextVariant
        var steps = 1
        while steps < limit, rule.variant(config, step: stepCount + 1 + steps) == form { steps += 1 }
        return steps
    }

    /// Emits the update of `parameters` into `composer` (a copy is kept in
    /// the result): each parameter's new value, its state's new values, and
    /// with `tracksSteps` how far it moved.
    func emit(
        into composer: ProgramComposer, parameters: [(name: String, value: ProgramValue, gradient: ProgramValue)],
        variant: Int, tracksSteps: Bool
    ) -> UpdateEmission {
        let emitter = UpdateEmitter(composer: composer, cast: { Double(T($0)) })
        var steps: [(name: String, value: ProgramValue, role: UpdateOutputRole)] = []
        for (j, parameter) in parameters.enumerated() {
            emitter.begin(parameter: j, name: parameter.name, value: parameter.value, gradient: parameter.gradient)
            rule.emit(emitter, config, variant: variant)
            emitter.end()
            // Emitted beside the parameter's update (the plan can then
            // compute it in the same loop), listed after every other output.
            if tracksSteps, let updated = emitter.addedOutputs.last(where: { $0.role == .parameter(j) }) {
                steps.append(("Δ\(parameter.name)", emitter.composer.binary(.subtract, updated.value, parameter.value), .step(parameter: j)))
            }
        }
        return UpdateEmission(composer: emitter.composer, inputs: emitter.addedInputs, outputs: emitter.addedOutputs + steps,
                              scalars: emitter.scalars)
    }

    /// The scalars of step `t` (1-based) for an emission, in slot order.
    func scalars(_ emission: UpdateEmission, step t: Int) -> [Double] {
        var values: [Double] = []
        appendScalars(emission, step: t, to: &values)
        return values
    }

    /// Appends the scalars of step `t` to `values` (a row per step of a
    /// sequential sweep, without an array per row).
    func appendScalars(_ emission: UpdateEmission, step t: Int, to values: inout [Double]) {
        let config = self.config
        for scalar in emission.scalars { values.append(scalar.value(config, t)) }
    }

    /// The state buffer `name`, created at the rule's initial value if new.
    func stateBuffer(_ name: String, on device: any ComputeDevice) throws(GradlabError) -> DeviceBuffer<T> {
        if let buffer = state[name] { return buffer }
        let buffer = try onDevice { () throws(DeviceError) in try device.allocate(T.self, count: size, filled: T(rule.initialValue(of: name, config))) }
        state[name] = buffer
        return buffer
    }

    /// Counts a step taken.
    func advance(by steps: Int = 1) { stepCount += steps }

    /// Each state buffer there is, in the rule's order (`state_dict`'s).
    func stateValues(on device: any ComputeDevice) throws(GradlabError) -> [(name: String, values: [T])] {
        var result: [(name: String, values: [T])] = []
        for name in rule.stateNames {
            guard let buffer = state[name] else { continue }
            result.append((name, try onDevice { () throws(DeviceError) in try device.read(buffer, range: 0..<buffer.count) }))
        }
        return result
    }

    /// One state value of each buffer at parameter `index`.
    func stateValues(at index: Int, on device: any ComputeDevice) throws(GradlabError) -> [NamedValues] {
        var result: [NamedValues] = []
        for name in rule.stateNames {
            guard let buffer = state[name], index < buffer.count else { continue }
            result.append(NamedValues(name, [Double(try onDevice { () throws(DeviceError) in try device.read(buffer, at: index) })]))
        }
        return result
    }

    /// Restores saved state (``stateValues(on:)`` and ``stepCount``).
    func restore(stepCount: Int, buffers saved: [String: [T]], on device: any ComputeDevice) throws(GradlabError) {
        for (name, values) in saved {
            guard rule.stateNames.contains(name) else {
                throw GradlabError("optimizer state: \(config.kind.rawValue) has no buffer '\(name)' (has: \(rule.stateNames.joined(separator: ", ")))")
            }
            guard values.count == size else {
                throw GradlabError("optimizer state: '\(name)' has \(values.count) values for \(size) parameters")
            }
            let buffer = try stateBuffer(name, on: device)
            try onDevice { () throws(DeviceError) in try device.write(values, to: buffer) }
        }
        self.stepCount = stepCount
    }

    /// Takes state buffers moved to another device (``TrainableLab/move(to:)``).
    func replaceState(_ moved: [String: DeviceBuffer<T>]) { state = moved }

    /// Frees the state buffers.
    func free(on device: any ComputeDevice) {
        for buffer in state.values { device.free(buffer) }
        state = [:]
    }
}

/// An optimizer's update emitted into a Program under construction.
struct UpdateEmission {
    var composer: ProgramComposer
    /// Inputs the rule added (state values before the step, the step's scalars).
    var inputs: [(name: String, role: UpdateInputRole)]
    /// Outputs the rule added (new parameters and state, last steps).
    var outputs: [(name: String, value: ProgramValue, role: UpdateOutputRole)]
    var scalars: [StepScalar]

    /// Whether a scalar changes from step to step (else one row of scalars
    /// serves every step until the config changes).
    var scalarsChangeWithStep: Bool { scalars.contains { $0.perStep } }
}

/// Where one parameter an update moves lives on the device.
struct ParameterPlace<T: ProgramScalar> {
    /// The parameter's buffer and where in it: lanes from `offset` (a
    /// landscape's points), or one element (a data lab's weight).
    var buffer: DeviceBuffer<T>
    var offset: Int
    var perLane: Bool
    /// Where its optimizer state is in the group's state buffers.
    var stateOffset: Int
    /// Where its last step goes, when the lab keeps last steps.
    var steps: (buffer: DeviceBuffer<T>, offset: Int)?

    var input: SweepInput<T> { input(buffer, offset) }
    var output: SweepOutput<T> { output(buffer, offset) }

    /// A value of this parameter's kept in `buffer` at `offset` (its state,
    /// its last step), bound the way the parameter is: per lane or one element.
    func input(_ buffer: DeviceBuffer<T>, _ offset: Int) -> SweepInput<T> {
        perLane ? .lanes(buffer, offset: offset) : .element(buffer, index: offset)
    }

    func output(_ buffer: DeviceBuffer<T>, _ offset: Int) -> SweepOutput<T> {
        perLane ? .lanes(buffer, offset: offset) : .element(buffer, index: offset)
    }
}

extension OptimizerGroup {
    /// The sweep that computes `base`'s outputs and this group's update in
    /// one pass: `base` binds the base Program's inputs (by name) and
    /// outputs; the rule's inputs and outputs are bound to `places` and the
    /// group's state, so parameters and state are updated in place.
    func sweep(
        _ emission: UpdateEmission, baseInputs: [String: SweepInput<T>], baseOutputs: [(name: String, value: ProgramValue, output: SweepOutput<T>)],
        places: [ParameterPlace<T>], lanes: Int, mode: SweepMode, on device: any ComputeDevice,
        configure: (inout Sweep<T>) -> Void = { _ in }
    ) throws(GradlabError) -> Sweep<T> {
        let outputs = baseOutputs.map { ($0.name, $0.value) } + emission.outputs.map { ($0.name, $0.value) }
        let program = emission.composer.program(outputs: outputs)
        let roles = Dictionary(emission.inputs.map { ($0.name, $0.role) }, uniquingKeysWith: { first, _ in first })

        var inputs: [SweepInput<T>] = []
        for name in program.inputs {
            if let bound = baseInputs[name] { inputs.append(bound); continue }
            switch roles[name] {
            case .state(let stateName, let j)?:
                inputs.append(places[j].input(try stateBuffer(stateName, on: device), places[j].stateOffset))
            case .scalar(let slot)?:
                inputs.append(.scalar(slot))
            case nil:
                throw GradlabError("update sweep: nothing bound to input '\(name)'")
            }
        }
        var bound = baseOutputs.map(\.output)
        for (_, _, role) in emission.outputs {
            switch role {
            case .parameter(let j): bound.append(places[j].output)
            case .state(let stateName, let j):
                bound.append(places[j].output(try stateBuffer(stateName, on: device), places[j].stateOffset))
            case .step(let j):
                guard let steps = places[j].steps else { bound.append(.discard); continue }
                bound.append(places[j].output(steps.buffer, steps.offset))
            }
        }
        var sweep = Sweep(program: program, lanes: lanes, mode: mode, inputs: inputs, outputs: bound)
        configure(&sweep)
        return sweep
    }
}

/// Runs device code, turning its error into a GradlabError (the one-line
/// message users see).
@discardableResult
func onDevice<R>(_ body: () throws(DeviceError) -> R) throws(GradlabError) -> R {
    do { return try body() } catch { throw GradlabError(error.message) }
}
