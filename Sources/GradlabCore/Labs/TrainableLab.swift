import GradlabMath

/// What every lab shares: its config, flat parameter buffers, the
/// optimizer(s) that update them with their learning-rate schedules, and the
/// epoch count. Subclasses add data and the epoch itself.
///
/// A lab has one optimizer group covering all parameters, except the
/// landscape under `--compare`, which has one group (a contiguous block of
/// the buffer) per optimizer.
class TrainableLab<T: ProgramScalar> {
    let config: LabConfig
    let buffers: ParameterBuffers<T>
    /// Each group's optimizer, over `groupRanges[g]` of the buffers.
    private(set) var optimizers: [any Optimizer<T>]
    let groupRanges: [Range<Int>]
    private var schedulers: [LearningRateScheduler?]
    var epoch = 0
    /// See ``Lab/measuresForInspector``.
    var measuresForInspector = true
    /// See ``Lab/summarizesPoints``.
    var summarizesPoints = true

    init(config: LabConfig, parameterCount: Int, groupRanges: [Range<Int>]? = nil) {
        self.config = config
        buffers = ParameterBuffers(count: parameterCount, tracksSteps: parameterCount <= Self.stepTrackingLimit)
        let groups = config.groups
        self.groupRanges = groupRanges ?? [0..<parameterCount]
        optimizers = groups.map { makeOptimizer($0) }
        schedulers = groups.map { group in config.schedule.map { LearningRateScheduler($0, base: group.lr) } }
    }

    /// Labs with more parameters than this do not keep each one's last step.
    static var stepTrackingLimit: Int { 8192 }

    var optimizer: any Optimizer<T> { optimizers[0] }

    var optimizerConfig: OptimizerConfig { optimizers[0].config }

    /// The learning rate the next epoch uses (group 0's).
    var learningRate: Double { optimizers[0].config.lr }

    func setLearningRate(_ lr: Double) {
        for g in optimizers.indices {
            optimizers[g].config.lr = lr
            schedulers[g]?.override(learningRate: lr)
        }
    }

    func setOptimizer(_ config: OptimizerConfig) {
        optimizers = optimizers.map { _ in makeOptimizer(config) }
        schedulers = optimizers.map { _ in self.config.schedule.map { LearningRateScheduler($0, base: config.lr) } }
    }

    /// One optimizer step for every group.
    func stepParameters() {
        for (optimizer, range) in zip(optimizers, groupRanges) {
            buffers.step(with: optimizer, range: range)
        }
    }

    /// Ends an epoch: counts it and steps each schedule (PyTorch calls
    /// `scheduler.step()` once per epoch, after the optimizer steps).
    func finishEpoch() {
        epoch += 1
        for g in optimizers.indices {
            if let rate = schedulers[g]?.step() { optimizers[g].config.lr = rate }
        }
    }

    /// The parameters under their checkpoint names (for `--save`).
    func namedParameters(_ names: [String]) -> [NamedValues] {
        let perName = buffers.count / names.count
        return names.enumerated().map { index, name in
            NamedValues(name, (0..<perName).map { Double(buffers.values[index * perName + $0]) })
        }
    }

    /// Overwrites the parameters from a checkpoint, and the optimizer state
    /// when the checkpoint carries it.
    func restore(_ checkpoint: LoadedCheckpoint, names: [String]) throws(GradlabError) {
        let perName = buffers.count / names.count
        for (index, name) in names.enumerated() {
            guard let values = checkpoint.params.first(where: { $0.name == name })?.values, values.count == perName else {
                throw GradlabError("checkpoint: '\(name)' must have \(perName) values for this lab")
            }
            for (i, value) in values.enumerated() { buffers.values[index * perName + i] = T(value) }
        }
        if let state = checkpoint.optimizer {
            guard optimizers.count == 1 else { throw GradlabError("checkpoint: cannot restore optimizer state into --compare groups") }
            setOptimizer(state.config)
            try optimizers[0].restore(stepCount: state.stepCount, buffers: Dictionary(uniqueKeysWithValues: state.buffers.map { ($0.name, $0.values.map { T($0) }) }))
            if let scheduler = state.scheduler { schedulers[0] = scheduler }
        }
        epoch = checkpoint.epoch
    }

    /// The optimizer's resumable state (group 0).
    var optimizerCheckpoint: OptimizerCheckpoint {
        OptimizerCheckpoint(optimizers[0], scheduler: schedulers[0])
    }
}

/// Parameters, their gradients and their last steps in flat buffers that the
/// optimizer updates in place.
final class ParameterBuffers<T: BinaryFloatingPoint & SIMDScalar & Sendable> {
    let count: Int
    let values: UnsafeMutablePointer<T>
    let gradients: UnsafeMutablePointer<T>
    let lastSteps: UnsafeMutablePointer<T>
    private let before: UnsafeMutablePointer<T>

    /// Whether last steps are kept (small labs; a 10 M-point landscape
    /// would spend two more arrays of its size on them).
    let tracksSteps: Bool

    init(count: Int, tracksSteps: Bool = true) {
        self.tracksSteps = tracksSteps
        let stepCapacity = tracksSteps ? max(count, 1) : 1
        self.count = count
        values = .allocate(capacity: max(count, 1))
        gradients = .allocate(capacity: max(count, 1))
        lastSteps = .allocate(capacity: stepCapacity)
        before = .allocate(capacity: stepCapacity)
        values.initialize(repeating: 0, count: max(count, 1))
        gradients.initialize(repeating: 0, count: max(count, 1))
        lastSteps.initialize(repeating: 0, count: stepCapacity)
        before.initialize(repeating: 0, count: stepCapacity)
    }

    deinit {
        values.deallocate()
        gradients.deallocate()
        lastSteps.deallocate()
        before.deallocate()
    }

    /// Applies the optimizer to `range`, remembering each parameter's step
    /// when ``tracksSteps`` (large landscapes skip the extra memory sweep).
    func step(with optimizer: any Optimizer<T>, range: Range<Int>) {
        let start = range.lowerBound, n = range.count
        trackingSteps(start, n) { optimizer.step(parameters: values + start, gradients: gradients + start, count: n) }
    }

    /// Applies a begun step to parameters `start..<start + count` of the
    /// buffer, `offset` being where they are in the optimizer's group, as
    /// ``step(with:range:)`` does for a whole range. Disjoint ranges may be
    /// updated concurrently.
    func apply(_ update: any OptimizerUpdate<T>, at start: Int, offset: Int, gradients: UnsafePointer<T>, count: Int) {
        trackingSteps(start, count) { update.apply(parameters: values + start, gradients: gradients, offset: offset, count: count) }
    }

    /// Runs `update` of parameters `start..<start + count`, keeping how far
    /// each moved when ``tracksSteps``.
    @inline(__always)
    private func trackingSteps(_ start: Int, _ count: Int, _ update: () -> Void) {
        if tracksSteps { (before + start).update(from: values + start, count: count) }
        update()
        if tracksSteps {
            for i in start..<(start + count) { lastSteps[i] = values[i] - before[i] }
        }
    }

    var allFinite: Bool {
        for i in 0..<count where !values[i].isFinite { return false }
        return true
    }

    func gradientNorm() -> Double {
        var total = 0.0
        for i in 0..<count { total += Double(gradients[i]) * Double(gradients[i]) }
        return total.squareRoot()
    }

    /// The inspector rows for parameter indices `indices` named `names`;
    /// `groupStart` is where the optimizer's group begins in the buffer.
    func inspect(_ indices: [Int], names: [String], optimizer: any Optimizer<T>, groupStart: Int = 0) -> [InspectedParameter] {
        let state = optimizer.stateBuffers
        return zip(indices, names).map { index, name in
            InspectedParameter(
                name: name,
                value: Double(values[index]),
                gradient: Double(gradients[index]),
                lastStep: tracksSteps ? Double(lastSteps[index]) : nil,
                state: state.compactMap { buffer in
                    let local = index - groupStart
                    return buffer.values.indices.contains(local) ? NamedValues(buffer.name, [Double(buffer.values[local])]) : nil
                }
            )
        }
    }
}
