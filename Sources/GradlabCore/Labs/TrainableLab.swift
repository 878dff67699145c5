import GradlabDevice
import GradlabMath

/// What every lab shares: its config, its device and the parameter buffers
/// on it, the optimizer group(s) that update them with their learning-rate
/// schedules, and the epoch count. Subclasses add data and the epoch itself.
///
/// A lab has one optimizer group covering all parameters, except the
/// landscape under `--compare`, which has one group (a contiguous block of
/// the buffer) per optimizer. Parameters live on the device: the lab holds
/// handles and reads back what records and the inspector show.
class TrainableLab<T: ProgramScalar> {
    let config: LabConfig
    private(set) var device: any ComputeDevice
    let parameterCount: Int
    /// Every parameter, group after group.
    private(set) var parameters: DeviceBuffer<T>
    /// How far each parameter moved at the last step, when the lab keeps
    /// last steps (at most ``stepTrackingLimit`` parameters).
    private(set) var lastSteps: DeviceBuffer<T>?
    /// Each group's optimizer, over `groupRanges[g]` of the parameters.
    private(set) var groups: [OptimizerGroup<T>]
    let groupRanges: [Range<Int>]
    /// The learning-rate schedule each group follows: the config's, or a
    /// restored checkpoint's (``restore(_:names:)``).
    private(set) var schedule: LearningRateSchedule?
    private var schedulers: [LearningRateScheduler?]
    var epoch = 0
    /// See ``Lab/measuresForInspector``.
    var measuresForInspector = true
    /// See ``Lab/summarizesPoints``.
    var summarizesPoints = true
    /// Prepared sweeps by the lab's key (a short list: a lab has a handful);
    /// emptied when an optimizer changes.
    var sweeps: [(key: SweepKey, sweep: LabSweep<T>)] = []

    init(config: LabConfig, parameterCount: Int, groupRanges: [Range<Int>]? = nil, device: any ComputeDevice) throws(GradlabError) {
        self.config = config
        self.device = device
        self.parameterCount = parameterCount
        let ranges = groupRanges ?? [0..<parameterCount]
        self.groupRanges = ranges
        (parameters, lastSteps) = try onDevice { () throws(DeviceError) in
            (try device.allocate(T.self, count: parameterCount, filled: 0),
             parameterCount <= Self.stepTrackingLimit ? try device.allocate(T.self, count: parameterCount, filled: 0) : nil)
        }
        groups = zip(config.groups, ranges).map { OptimizerGroup($0, size: $1.count) }
        schedule = config.schedule
        schedulers = config.groups.map { group in config.schedule.map { LearningRateScheduler($0, base: group.lr) } }
    }

    deinit {
        for group in groups { group.free(on: device) }
        device.free(parameters)
        if let lastSteps { device.free(lastSteps) }
    }

    /// Labs with more parameters than this do not keep each one's last step.
    static var stepTrackingLimit: Int { 8192 }

    var tracksSteps: Bool { lastSteps != nil }

    var optimizerConfig: OptimizerConfig { groups[0].config }

    /// The learning rate the next epoch uses (group 0's).
    var learningRate: Double { groups[0].config.lr }

    func setLearningRate(_ lr: Double) {
        for g in groups.indices {
            groups[g].setLearningRate(lr)
            schedulers[g]?.override(learningRate: lr)
        }
    }

    var groupLearningRates: [Double] { groups.map { $0.config.lr } }

    func setGroupLearningRates(_ lrs: [Double]) {
        for (g, lr) in zip(groups.indices, lrs) {
            groups[g].setLearningRate(lr)
            schedulers[g]?.override(learningRate: lr)
        }
    }

    func setOptimizer(_ config: OptimizerConfig) {
        for group in groups { group.free(on: device) }
        groups = zip(groups, groupRanges).map { _, range in OptimizerGroup(config, size: range.count) }
        schedulers = groups.map { _ in self.schedule.map { LearningRateScheduler($0, base: config.lr) } }
        sweeps = []
    }

    /// Ends an epoch: counts it and steps each schedule (PyTorch calls
    /// `scheduler.step()` once per epoch, after the optimizer steps).
    func finishEpoch() {
        epoch += 1
        for g in groups.indices {
            if let rate = schedulers[g]?.step() { groups[g].setLearningRate(rate) }
        }
    }

    /// The prepared sweep for `key`, made by `make` the first time.
    func prepared(
        _ key: SweepKey, _ make: () throws(GradlabError) -> (UpdateEmission?, Sweep<T>)
    ) throws(GradlabError) -> LabSweep<T> {
        for entry in sweeps where entry.key == key { return entry.sweep }
        let (emission, sweep) = try make()
        let device = self.device
        let prepared = LabSweep(emission: emission, sweep: try onDevice { () throws(DeviceError) in try device.prepare(sweep) })
        sweeps.append((key, prepared))
        return prepared
    }

    /// Runs a prepared sweep.
    func run(
        _ sweep: any PreparedSweep<T>, scalars: [Double], lanes: Range<Int>? = nil, sums: [Double]? = nil
    ) throws(GradlabError) -> SweepResult<T> {
        let device = self.device
        return try onDevice { () throws(DeviceError) in try device.run(sweep, scalars: scalars, lanes: lanes, sums: sums) }
    }

    /// Parameters `range`, read back from the device.
    func parameterValues(_ range: Range<Int>) -> [T] {
        (try? device.read(parameters, range: range)) ?? []
    }

    var parameterSnapshot: [Double] { parameterValues(0..<parameterCount).map { Double($0) } }

    func setParameterSnapshot(_ values: [Double], epoch: Int) throws(GradlabError) {
        guard values.count == parameterCount else {
            throw GradlabError("\(values.count) parameter values for a lab of \(parameterCount)")
        }
        let converted = values.map { T($0) }
        let (device, parameters) = (self.device, self.parameters)
        try onDevice { () throws(DeviceError) in try device.write(converted, to: parameters) }
        self.epoch = epoch
    }

    /// The parameters under their checkpoint names (for `--save`).
    func namedParameters(_ names: [String]) -> [NamedValues] {
        let values = parameterValues(0..<parameterCount)
        let perName = parameterCount / names.count
        return names.enumerated().map { index, name in
            NamedValues(name, values[(index * perName)..<((index + 1) * perName)].map { Double($0) })
        }
    }

    /// Overwrites the parameters from a checkpoint, and the optimizer state
    /// when the checkpoint carries it: its optimizer, steps, buffers and
    /// schedule (the saved one, or none), which then continues where it was.
    func restore(_ checkpoint: LoadedCheckpoint, names: [String]) throws(GradlabError) {
        let perName = parameterCount / names.count
        var values: [T] = []
        for name in names {
            guard let saved = checkpoint.params.first(where: { $0.name == name })?.values, saved.count == perName else {
                let file = checkpoint.path.map { "--load \($0)" } ?? "checkpoint"
                let found = checkpoint.params.first(where: { $0.name == name })?.values.count ?? 0
                if names == ["x1", "x2"] {
                    throw GradlabError("\(file): holds \(found) point\(found == 1 ? "" : "s") but this run has --points \(perName); run with --points \(found) to resume it")
                }
                throw GradlabError("\(file): '\(name)' must have \(perName) values for this lab, it has \(found)")
            }
            values += saved.map { T($0) }
        }
        let (device, parameters) = (self.device, self.parameters)
        try onDevice { () throws(DeviceError) in try device.write(values, to: parameters) }
        if let state = checkpoint.optimizer {
            guard groups.count == 1 else { throw GradlabError("checkpoint: cannot restore optimizer state into --compare groups") }
            schedule = state.scheduler?.schedule
            setOptimizer(state.config)
            try groups[0].restore(stepCount: state.stepCount,
                                  buffers: Dictionary(uniqueKeysWithValues: state.buffers.map { ($0.name, $0.values.map { T($0) }) }),
                                  on: device)
            schedulers[0] = state.scheduler
        }
        epoch = checkpoint.epoch
    }

    /// The optimizer's resumable state (group 0).
    var optimizerCheckpoint: OptimizerCheckpoint {
        let group = groups[0]
        let buffers = ((try? group.stateValues(on: device)) ?? []).map { NamedValues($0.name, $0.values.map { Double($0) }) }
        return OptimizerCheckpoint(config: group.config, stepCount: group.stepCount, buffers: buffers, scheduler: schedulers[0])
    }

    /// The inspector rows for parameters `indices` named `names`, whose
    /// gradients are `gradients`; `group` is their optimizer group.
    func inspect(_ indices: [Int], names: [String], gradients: [Double], group g: Int) -> [InspectedParameter] {
        let start = groupRanges[g].lowerBound
        return zip(indices, zip(names, gradients)).map { index, named in
            let (name, gradient) = named
            return InspectedParameter(
                name: name,
                value: Double((try? device.read(parameters, at: index)) ?? .nan),
                gradient: gradient,
                lastStep: lastSteps.map { Double((try? device.read($0, at: index)) ?? .nan) },
                state: (try? groups[g].stateValues(at: index - start, on: device)) ?? [])
        }
    }

    /// Moves every buffer to `device`: parameters, last steps, optimizer
    /// state, and the subclass's own (``ownBuffers``). All are copied before
    /// any is freed, so a failure (too little memory) changes nothing.
    func move(to target: any ComputeDevice) throws(GradlabError) {
        let source = device
        var moved: [(old: DeviceBuffer<T>, new: DeviceBuffer<T>)] = []
        func copy(_ buffer: DeviceBuffer<T>) throws(GradlabError) -> DeviceBuffer<T> {
            let fresh = try onDevice { () throws(DeviceError) in
                let values = try source.read(buffer, range: 0..<buffer.count)
                let fresh = try target.allocate(T.self, count: buffer.count, filled: 0)
                do throws(DeviceError) { try target.write(values, to: fresh) } catch { target.free(fresh); throw error }
                return fresh
            }
            moved.append((buffer, fresh))
            return fresh
        }
        do {
            let newParameters = try copy(parameters)
            let newSteps = try lastSteps.map { (buffer) throws(GradlabError) in try copy(buffer) }
            var newState: [[String: DeviceBuffer<T>]] = []
            for group in groups {
                var state: [String: DeviceBuffer<T>] = [:]
                for (name, buffer) in group.state { state[name] = try copy(buffer) }
                newState.append(state)
            }
            var own: [DeviceBuffer<T>] = []
            for buffer in ownBuffers { own.append(try copy(buffer)) }
            // Everything is on the target: switch, then free the old copies.
            parameters = newParameters
            lastSteps = newSteps
            for (group, state) in zip(groups, newState) { group.replaceState(state) }
            adoptOwnBuffers(own)
            device = target
            sweeps = []
            for (old, _) in moved { source.free(old) }
        } catch {
            for (_, fresh) in moved { target.free(fresh) }
            throw error
        }
    }

    /// The subclass's own buffers (data, gradients), moved with the rest.
    var ownBuffers: [DeviceBuffer<T>] { [] }

    /// Takes the moved copies of ``ownBuffers``, in the same order.
    func adoptOwnBuffers(_ buffers: [DeviceBuffer<T>]) {}

    /// The sweep that applies group `g`'s next step to `places`, given the
    /// base Program (its inputs bound by `baseInputs`, its outputs by
    /// `baseOutputs`) whose outputs `gradients` are the gradients.
    func updateSweep(
        group g: Int, variant: Int, base: ProgramComposer, parameters updated: [(name: String, value: ProgramValue, gradient: ProgramValue)],
        baseInputs: [String: SweepInput<T>], baseOutputs: [(name: String, value: ProgramValue, output: SweepOutput<T>)],
        places: [ParameterPlace<T>], lanes: Int, mode: SweepMode, configure: (inout Sweep<T>) -> Void = { _ in }
    ) throws(GradlabError) -> (UpdateEmission?, Sweep<T>) {
        let emission = groups[g].emit(into: base, parameters: updated, variant: variant, tracksSteps: tracksSteps)
        let sweep = try groups[g].sweep(emission, baseInputs: baseInputs, baseOutputs: baseOutputs, places: places,
                                        lanes: lanes, mode: mode, on: device, configure: configure)
        return (emission, sweep)
    }

    /// The scalars of group `g`'s next step for a prepared update sweep.
    func nextScalars(_ emission: UpdateEmission?, group g: Int) -> [Double] {
        guard let emission else { return [] }
        return groups[g].scalars(emission, step: groups[g].stepCount + 1)
    }
}

/// A sweep a lab prepared, with the update it carries (whose scalars each
/// run needs); a class, so that handing it out copies nothing.
final class LabSweep<T: ProgramScalar> {
    let emission: UpdateEmission?
    let sweep: any PreparedSweep<T>

    init(emission: UpdateEmission?, sweep: any PreparedSweep<T>) {
        self.emission = emission
        self.sweep = sweep
    }
}

/// Which of a lab's sweeps: its role, the optimizer group, and the form of
/// the update (``OptimizerRule/variant(_:step:)``).
struct SweepKey: Hashable {
    var role: Role
    var group: Int = 0
    var variant: Int = 0

    enum Role: Hashable {
        /// The landscape's start (no step) and epoch, by what they reduce.
        case start(summarizing: Bool, measuring: Bool)
        case epoch(summarizing: Bool, measuring: Bool)
        /// A data lab's loss (and gradient), its update, its test loss.
        case loss, update, train, trainLoss, testLoss
        /// The quadratic lab's loss, gradient and Hessian (Newton).
        case curvature
    }
}
