/// Receives every event a Session publishes, synchronously and in order
/// (the run-file recorder, the headless progress bar).
public protocol EventSink: AnyObject, Sendable {
    func receive(_ event: Event, config: LabConfig)
    /// The run ended; `status` is `completed`, `interrupted`, `diverged` or `quit`.
    func finish(status: String)
    /// Whether this sink reads epochs' ``EpochRecord/summary`` (statistics
    /// over every landscape point, a pass of their own): the lab computes
    /// them only while some sink does. True unless a sink says otherwise.
    var readsPointSummaries: Bool { get }
    /// Whether this sink reads ``EpochRecord/lambdaMax`` (the recorder):
    /// the Session computes it only then.
    var readsCurvature: Bool { get }
}

extension EventSink {
    public var readsPointSummaries: Bool { true }
    public var readsCurvature: Bool { false }
}

/// The only owner of mutable training state.
///
/// The headless runner and the TUI drive the same actor with commands
/// (`step`, `setLearningRate`, `setOptimizer`, `setDevice`, `reset`); every
/// effect is published as an ``Event`` on ``events`` and to the sinks.
///
/// ```swift
/// let session = try Session(config: LabConfig(lab: .linear))
/// await session.start()
/// let last = await session.step(50)
/// ```
public actor Session {
    /// The thread every command and every sweep runs on (the devices' own;
    /// off Swift's cooperative pool).
    private nonisolated let thread = ComputeThread(name: "gradlab.session")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    /// Every event, in order; finishes when ``finish(status:)`` is called.
    public nonisolated let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    var sinks: [any EventSink]
    var lab: any Lab
    /// The configuration as it stands now (lr, optimizer, seed and device
    /// follow the commands).
    public internal(set) var config: LabConfig
    /// The device computing now, and why if it is not the one asked for.
    public var device: DeviceDescription { computeDevice.description }
    var computeDevice: any ComputeDevice
    /// The most recent epoch record.
    public internal(set) var latest: EpochRecord?
    var divergenceReported = false
    /// While set, nothing is published: a re-run the observers do not see
    /// (``settle(at:)``).
    var muted = false
    private var finished = false
    /// What ``rewind()`` re-runs: the state since the start or the last reset.
    var rerun: RerunLog
    /// λmax for the recorder (``EventSink/readsCurvature``).
    var curvatureProbe = CurvatureProbe()

    let streaming: Bool

    /// Builds the lab; throws a one-line error for bad config or data. A
    /// config with a ``LabConfig/resume`` state (a resumed run's recording)
    /// starts from that state, as ``restore(_:)`` would from its checkpoint.
    /// - Parameter streaming: publish on ``events`` (the TUI reads it). A
    ///   headless run has only sinks: an unread stream would buffer every
    ///   event and memory would grow with the epochs.
    public init(config: LabConfig, sinks: [any EventSink] = [], streaming: Bool = true) throws(GradlabError) {
        self.streaming = streaming
        try config.validate()
        let device = try Devices.open(config.device)
        computeDevice = device
        let lab = try makeLab(config, device: device)
        var config = config
        let resumed = try config.resume.map { (state) throws(GradlabError) in try state.loaded(for: config) }
        if let resumed { try Self.restore(lab, from: resumed, config: &config) }
        self.config = config
        Self.configure(lab, streaming: streaming, sinks: sinks)
        self.lab = lab
        self.sinks = sinks
        rerun = RerunLog(base: config, checkpoint: resumed)
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
    }

    /// Adds a sink that receives every later event (attach a recorder only
    /// once the config is known good, so bad input never truncates a file).
    public func attach(_ sink: any EventSink) {
        sinks.append(sink)
        Self.configure(lab, streaming: streaming, sinks: sinks)
        for extra in dropped {
            Self.configure(extra, streaming: streaming, sinks: sinks)
            extra.measuresForInspector = false
        }
    }

    /// Stops sending events to `sink` (`:record stop`); the caller finishes it.
    public func detach(_ sink: any EventSink) {
        sinks.removeAll { $0 === sink }
        Self.configure(lab, streaming: streaming, sinks: sinks)
        for extra in dropped {
            Self.configure(extra, streaming: streaming, sinks: sinks)
            extra.measuresForInspector = false
        }
    }

    /// Tells a lab what its observers read: the inspector's measures when
    /// the TUI streams, point summaries when a sink reads them (a recorder).
    static func configure(_ lab: any Lab, streaming: Bool, sinks: [any EventSink]) {
        lab.measuresForInspector = streaming
        lab.summarizesPoints = sinks.contains { $0.readsPointSummaries }
    }

    /// Publishes the device choice and the start state (epoch 0).
    @discardableResult
    public func start() -> EpochRecord {
        rerun = RerunLog(base: config, checkpoint: rerun.checkpoint)
        publish(startDevice)
        let record = recordOrStop { () throws(GradlabError) in try everyStartRecord() }
        latest = record
        publish(.epoch(record))
        return record
    }

    /// Runs up to `epochs` epochs; stops early when training diverges, or
    /// once `stop` says so after an epoch is published (a headless run whose
    /// recorder failed stops at that epoch). Returns the last record (nil if
    /// none ran).
    ///
    /// The lab may run several epochs as one block (``Lab/runEpochs(upTo:)``);
    /// each is published as it would be alone, and a divergence or a stop
    /// inside a block leaves the state of that epoch (``settle(at:)``).
    @discardableResult
    public func step(_ epochs: Int = 1, until stop: @Sendable () -> Bool = { false }) -> EpochRecord? {
        var last: EpochRecord?
        var remaining = max(0, epochs)
        while remaining > 0, !isDiverged {
            let records = recordsOrStop { () throws(GradlabError) in try everyRecords(upTo: remaining) }
            for (index, record) in records.enumerated() {
                remaining -= 1
                if record.diverged, !divergenceReported, index < records.count - 1 { settle(at: record.epoch) }
                last = record
                latest = record
                publish(.epoch(record))
                if record.diverged, !divergenceReported {
                    divergenceReported = true
                    publish(.divergence(epoch: record.epoch, message: "loss or parameters became NaN or infinite at epoch \(record.epoch) (lr \(displayNumber(config.optimizer.lr)))"))
                }
                if isDiverged { break }
                if stop() {
                    if index < records.count - 1 { settle(at: record.epoch) }
                    return last
                }
            }
        }
        return last
    }

    /// The lab's record, or, when the device fails (a kernel that does not
    /// compile, memory that runs out), a record that stops the run with the
    /// device's message: no crash, the recording kept, the reason said.
    func recordOrStop(_ body: () throws(GradlabError) -> EpochRecord) -> EpochRecord {
        recordsOrStop { () throws(GradlabError) in [try body()] }[0]
    }

    /// ``recordOrStop(_:)`` for an epoch block's records.
    private func recordsOrStop(_ body: () throws(GradlabError) -> [EpochRecord]) -> [EpochRecord] {
        do {
            return try body()
        } catch {
            divergenceReported = true
            failure = error.message
            publish(.divergence(epoch: lab.epoch, message: "the run stopped: \(error.message)"))
            return [EpochRecord(epoch: lab.epoch, loss: .nan, params: [], diverged: true, lr: nil)]
        }
    }

    /// Why the device stopped the run, when it did (see ``recordOrStop(_:)``).
    public internal(set) var failure: String?

    /// Whether training has diverged (further steps do nothing until reset).
    public var isDiverged: Bool { divergenceReported }

    /// The epoch count since the start or the last reset.
    public var epoch: Int { lab.epoch }

    public func setLearningRate(_ lr: Double) throws(GradlabError) {
        var next = config.optimizer
        next.lr = lr
        try next.validate()
        config.optimizer = next
        lab.setLearningRate(lr)
        for extra in dropped { extra.setLearningRate(lr) }
        rerun.commands.append((lab.epoch, .learningRate(lr)))
        publish(.learningRate(epoch: lab.epoch, lr: lr))
    }

    /// Scales every group's learning rate by 10^(steps/4) (the `+`/`-` keys:
    /// four steps make a decade). Counted in steps from the rates the last
    /// scaling started from, so stepping up and back down returns to the
    /// same rates exactly. Under `--compare` each group keeps its own rate,
    /// scaled by the same factor.
    public func scaleLearningRate(quarterDecades steps: Int) throws(GradlabError) {
        let current = lab.groupLearningRates
        // Keep counting from the last anchor while nothing else changed the rates.
        var scaling = lrScaling.flatMap { $0.reached == current ? $0 : nil } ?? (anchor: current, steps: 0, reached: current)
        scaling.steps += steps
        // Exactly 1 at step 0: back at the anchor, the very rates it started from.
        let factor = scaling.steps == 0 ? 1 : decadePower(Double(scaling.steps) / 4)
        let next = scaling.anchor.map { $0 * factor }
        scaling.reached = next
        // Both setters validate each rate as --lr is validated.
        if config.compare == nil { try setLearningRate(next[0]) } else { try setGroupLearningRates(next) }
        lrScaling = scaling
    }

    /// Where the last ``scaleLearningRate(quarterDecades:)`` started from and got to.
    private var lrScaling: (anchor: [Double], steps: Int, reached: [Double])?

    /// Sets each `--compare` group's learning rate (a fork replaying a
    /// recording's `lrs` event; the keys use ``scaleLearningRate(quarterDecades:)``).
    public func setGroupLearningRates(_ lrs: [Double]) throws(GradlabError) {
        guard let compare = config.compare else {
            guard let first = lrs.first else { return }
            return try setLearningRate(first)
        }
        guard lrs.count == compare.count else {
            throw GradlabError("lrs: \(lrs.count) learning rates for \(compare.count) groups")
        }
        var next = compare
        for g in next.indices {
            next[g].lr = lrs[g]
            try next[g].validate()
        }
        config.compare = next
        config.optimizer.lr = lrs[0]
        lab.setGroupLearningRates(lrs)
        for extra in dropped { extra.setGroupLearningRates(lrs) }
        rerun.commands.append((lab.epoch, .groupLearningRates(lrs)))
        publish(.groupLearningRates(epoch: lab.epoch, lrs: lrs))
    }

    /// Replaces the optimizer (fresh state) from the next step on (the
    /// `:optimizer` command's; messages name options as it writes them).
    public func setOptimizer(_ optimizer: OptimizerConfig) throws(GradlabError) {
        try optimizer.validate(spelling: .prompt)
        if let refusal = LabConfig.newtonRefusal(lab: config.lab, optimizer: optimizer, spelling: .prompt) { throw GradlabError(refusal) }
        guard config.compare == nil else {
            throw GradlabError("each group keeps its optimizer under --compare")
        }
        config.optimizer = optimizer
        lab.setOptimizer(optimizer)
        for extra in dropped { extra.setOptimizer(optimizer) }
        rerun.commands.append((lab.epoch, .optimizer(optimizer)))
        publish(.optimizer(epoch: lab.epoch, config: optimizer))
    }

    /// Switches device; an unavailable one leaves the current device and the
    /// event's note says why.
    public func setDevice(_ name: String) {
        switch Devices.probe(name) {
        case .success(let device) where device.description.kind == computeDevice.description.kind:
            config.device = name
            publish(.device(epoch: lab.epoch, name: device.description.name, note: Self.note(device.description)))
        case .success(let device):
            // Parameters, optimizer state and data move; no step is lost.
            do throws(GradlabError) {
                try lab.move(to: device)
                var moved = 0
                do throws(GradlabError) {
                    for extra in dropped {
                        try extra.move(to: device)
                        moved += 1
                    }
                } catch {
                    // All or nothing: what moved goes back (best effort; it was there a moment ago).
                    for extra in dropped.prefix(moved) { try? extra.move(to: computeDevice) }
                    try? lab.move(to: computeDevice)
                    throw error
                }
                computeDevice = device
                config.device = name
                publish(.device(epoch: lab.epoch, name: device.description.name, note: Self.note(device.description)))
            } catch {
                publish(.device(epoch: lab.epoch, name: computeDevice.description.name,
                                note: Event.deviceRefusal("\(device.description.name): \(error.message)",
                                                          staying: computeDevice.description.name)))
            }
        case .failure(let error):
            publish(.device(epoch: lab.epoch, name: device.name, note: Event.deviceRefusal(error.message, staying: device.name)))
        }
    }

    /// Attaches `recorder` mid-run (`:record`) and restarts from the same
    /// starts, so its file begins as a run from ``start()`` does: the device,
    /// then epoch 0 (the device line goes to the recorder alone; the others
    /// know the device already).
    public func startRecording(_ recorder: any EventSink) throws(GradlabError) {
        attach(recorder)
        recorder.receive(startDevice, config: config)
        try reset(seed: config.seed)
    }

    /// The device line a run file starts with.
    private var startDevice: Event {
        .device(epoch: 0, name: device.name, note: Self.note(device))
    }

    /// Rebuilds the lab from `seed` (new start points, default data and
    /// initial parameters), keeping the optimizer settings.
    public func reset(seed: UInt32) throws(GradlabError) {
        var next = config
        next.seed = seed
        install(try makeLab(next, device: computeDevice), config: next)
    }

    /// Makes `rebuilt` (built from `next`) the run's lab, at epoch 0: the
    /// reset event and the start record follow.
    func install(_ rebuilt: any Lab, config next: LabConfig) {
        lab = rebuilt
        Self.configure(lab, streaming: streaming, sinks: sinks)
        dropped = []
        config = next
        // Rebuilt from its seed: no longer the checkpoint's state.
        config.resume = nil
        divergenceReported = false
        rerun = RerunLog(base: config)
        publish(.reset(epoch: 0, seed: next.seed))
        let record = recordOrStop { () throws(GradlabError) in try lab.startRecord() }
        latest = record
        publish(.epoch(record))
    }

    /// The last finite epoch ``rewind()`` goes back to; nil until the run diverges.
    public var rewindEpoch: Int? {
        guard isDiverged, let diverged = latest, diverged.diverged else { return nil }
        return max(rerun.startEpoch, diverged.epoch - 1)
    }

    /// The inspector's view of point `selectedPoint` (landscape: group g's
    /// point i is `g * perGroup + i`, the lab's points of a group first,
    /// then its dropped ones).
    public func inspect(selectedPoint: Int = 0) -> LabInspection {
        guard !dropped.isEmpty else { return lab.inspect(selectedPoint: selectedPoint) }
        let count = pointsPerGroup, per = count + dropped.count, groups = config.groups.count
        let index = min(max(selectedPoint, 0), per * groups - 1)
        let g = index / per, i = index % per
        var inspection = i < count ? lab.inspect(selectedPoint: g * count + i) : dropped[i - count].inspect(selectedPoint: g)
        inspection.selectedPoint = index
        inspection.pointCount = per * groups
        return inspection
    }

    /// The lab's own points per group (the landscape's; dropped ones not counted).
    var pointsPerGroup: Int { config.starts?.count ?? config.points }

    // MARK: - Direct manipulation (Session+Manipulation.swift)

    /// Points dropped on the plane since the start or the last reset: each a
    /// lab of one point (one per group under `--compare`) from fresh
    /// optimizer state, stepped with the main lab, its points joined to the
    /// main lab's in each record (after each group's tracked points).
    var dropped: [any Lab] = []

    public var dataset: LabDataset { lab.dataset }

    /// The device event's note: why this is not the device asked for, or a
    /// GPU's description (`cuda: NVIDIA H200, sm_90`) for the status bar.
    private static func note(_ device: DeviceDescription) -> String? {
        device.note ?? (device.kind == .cpu ? nil : device.detail)
    }

    /// Whether this runs on the Session's compute thread (tests).
    var isOnComputeThread: Bool { thread.isCurrent }

    /// Ends the event stream and tells the sinks (idempotent).
    public func finish(status: String) {
        guard !finished else { return }
        finished = true
        for sink in sinks { sink.finish(status: status) }
        continuation.finish()
    }

    func publish(_ event: Event) {
        guard !muted else { return }
        var event = event
        if case .epoch(var record) = event, record.lambdaMax == nil, sinks.contains(where: \.readsCurvature) {
            record.lambdaMax = curvatureProbe.lambdaMax(record, config: config, dataset: lab.dataset)
            event = .epoch(record)
        }
        for sink in sinks { sink.receive(event, config: config) }
        if streaming { continuation.yield(event) }
    }
}

/// The start of a run (or of its last reset) and the commands given since,
/// each at the epoch it was given: what ``Session/rewind()`` re-runs.
struct RerunLog {
    enum Command {
        case learningRate(Double)
        case groupLearningRates([Double])
        case optimizer(OptimizerConfig)
        case function(String, name: String?, domain: [Double])
        case addPoint(SIMD2<Double>)
        case parameters([NamedValues])
    }

    var base: LabConfig
    var checkpoint: LoadedCheckpoint?
    var startEpoch = 0
    var commands: [(epoch: Int, command: Command)] = []

    init(base: LabConfig, checkpoint: LoadedCheckpoint? = nil, startEpoch: Int? = nil) {
        self.base = base
        self.checkpoint = checkpoint
        self.startEpoch = startEpoch ?? checkpoint?.epoch ?? 0
    }
}

#if canImport(Glibc)
import Glibc
/// 10^x.
private func decadePower(_ x: Double) -> Double { Glibc.pow(10, x) }
#else
import Foundation
private func decadePower(_ x: Double) -> Double { Foundation.pow(10, x) }
#endif
