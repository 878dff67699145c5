import GradlabCore
import GradlabUI
import Synchronization

/// What the screen shows of a run, accumulated from the Session's events;
/// written by the event task, read by the UI thread each frame.
struct RunView: Sendable {
    /// The seed the run's starts were drawn with: a reset with it is `x`'s
    /// restart from the same starts.
    var startSeed: UInt32?
    /// What the next reset is for (`:points`, `:domain`, `:record`), said
    /// instead of the plain reset message when it comes.
    var resetReason: String?
    /// Loss by epoch since the start or the last reset (index = epoch).
    var loss: [Double] = []
    var trainLoss: [Double] = []
    var testLoss: [Double] = []
    /// Under `--compare`: each group's mean f by epoch.
    var groupLoss: [[Double]] = []
    /// The epoch of the first entry of the loss arrays (a `--load`ed run
    /// starts at its checkpoint's epoch).
    var firstEpoch = 0
    /// Paths drawn per optimizer group (all of them when there is one group).
    var pathsPerGroup = 0
    /// Paths through the plane: each tracked point's (landscape), or the
    /// (weight, bias) / (a, b) path of a data lab.
    var paths: [[SIMD2<Double>]] = []
    /// Parameters of the latest epoch.
    var latest: EpochRecord?
    var epoch = 0
    var lr = 0.0
    /// Under `--compare`: each group's learning rate now (empty until one changes).
    var groupLearningRates: [Double] = []
    var optimizer = ""
    /// The optimizer in use, so that its summary follows the lr keys (no stale `lr=`).
    var optimizerConfig: OptimizerConfig?
    var device = ""
    var message = "" { didSet { messageTime = .now } }
    /// When ``message`` last changed: a fresh one is news the curvature
    /// warning does not cover.
    var messageTime: ContinuousClock.Instant?
    var messageIsWarning = false
    /// Long work under way (placing 100,000,000 points): the status line
    /// says so in place of the message until it is done.
    var busy: Busy?
    var diverged = false
    var inspection: LabInspection?
    /// While a rewind re-runs: the epoch it goes back to. Its events'
    /// messages (the reset, the re-applied lr) are not news; reaching this
    /// epoch says what happened.
    var rewindTarget: Int?
    /// Bumped on every change, so the UI redraws only when something moved.
    var version = 0
    /// The Session's configuration as of the last command (the driver's copy).
    var config: LabConfig?
    /// The landscape's f when `:f` changed it (nil: the config's).
    var function: FunctionChange?
    /// The epoch `:f` last changed f at: the losses up to it are the old f's.
    var functionChangedAt: Int?
    /// The epoch a click last set a data lab's parameters at: the loss and
    /// gradients up to it are those of the parameters before.
    var parametersSetAt: Int?

    /// Whether no epoch has run since `:f` or a click changed what the
    /// latest record's loss measured (the screen shows `–` for it).
    var lossIsStale: Bool {
        guard let epoch = latest?.epoch else { return false }
        return [functionChangedAt, parametersSetAt].contains { $0.map { epoch <= $0 } ?? false }
    }

    /// Whether no epoch has run since a click set the parameters: the
    /// gradients shown are those of the parameters before.
    var gradientsAreStale: Bool {
        guard let epoch = latest?.epoch, let set = parametersSetAt else { return false }
        return epoch <= set
    }
    /// Whether the loss arrays hold only the start state's record (the
    /// first after a start or reset).
    private var lossesStartAtStartState = false
    /// Points dropped on the plane since the start or the last reset.
    var droppedPoints = 0
    /// Points per group in the latest record (tracked, then dropped).
    var recordedPerGroup = 0

    /// At most this many points per path; longer paths keep every other
    /// point, which keeps their shape at a fraction of the memory.
    static let pathLimit = 4096
    /// At most this many landscape points are drawn (the first ones).
    static let drawnPoints = 400

    /// The lab's index of the point drawn as path `path`: paths are the first
    /// ``pathsPerGroup`` points of each optimizer group, while the lab counts
    /// `pointsPerGroup` points a group (so under `--compare`, or with more
    /// points than are drawn, the two differ).
    func labPoint(forPath path: Int, pointsPerGroup: Int) -> Int {
        guard pathsPerGroup > 0 else { return path }
        let g = path / pathsPerGroup, i = path % pathsPerGroup
        // Dropped points follow each group's tracked ones in the records, and
        // the lab's own points in the Session's numbering.
        let trackedOwn = recordedPerGroup - droppedPoints
        if droppedPoints > 0, i >= trackedOwn {
            return g * (pointsPerGroup + droppedPoints) + pointsPerGroup + (i - trackedOwn)
        }
        return g * (pointsPerGroup + droppedPoints) + i
    }

    /// A data lab's parameters by epoch (decimated like the paths), from
    /// which the plane draws any two.
    var parameterPath: [[Double]] = []

    mutating func apply(_ event: Event, groups: Int, pathOf: (EpochRecord) -> [Double]?) {
        version &+= 1
        switch event {
        case .epoch(let record):
            let afterStartState = lossesStartAtStartState && loss.count == 1 && record.epoch == epoch + 1
            lossesStartAtStartState = false
            if record.epoch == 0 || latest == nil || record.epoch <= epoch {
                clearHistory()
                firstEpoch = record.epoch
                lossesStartAtStartState = true
            } else if let changed = functionChangedAt, epoch == changed {
                // The first epoch under a new f: the old f's losses are of
                // another function (and a log axis subtracts the new f_min).
                clearLosses()
                firstEpoch = record.epoch
            } else if record.trainLoss == nil, afterStartState {
                // A full-batch lab's first epoch after the start state: its
                // loss, taken before its step, is the start state's again.
                // One point at this epoch, not a flat first segment that
                // puts each drop an epoch late. (The linear lab's train
                // loss is the mean over the epoch's steps: not the same.)
                clearLosses()
                firstEpoch = record.epoch
            }
            epoch = record.epoch
            // Under a schedule the rate the epoch ran at (the base rate stayed
            // on screen while a step schedule halved it twenty times).
            // As torch's param_groups say it: the optimizer's lr is the scheduled one.
            if let rate = record.lr, groups <= 1, rate != lr { setRate(rate) }
            latest = record
            loss.append(record.loss)
            if let train = record.trainLoss { trainLoss.append(train) }
            if let test = record.testLoss { testLoss.append(test) }
            if let groupLoss = record.groupLoss {
                if self.groupLoss.count != groupLoss.count { self.groupLoss = Array(repeating: [], count: groupLoss.count) }
                for (g, value) in groupLoss.enumerated() { self.groupLoss[g].append(value) }
            }
            if let points = record.points {
                // Points come group by group; draw the first ones of each group.
                let perGroup = points.count / max(groups, 1)
                let shown = min(perGroup, Self.drawnPoints / max(groups, 1))
                recordedPerGroup = perGroup
                if paths.count != shown * groups {
                    if pathsPerGroup > 0, shown > pathsPerGroup, paths.count == pathsPerGroup * groups {
                        // Points joined (a click): each group's paths go on, the new ones start here.
                        let old = pathsPerGroup
                        paths = (0..<groups).flatMap { g in Array(paths[(g * old)..<((g + 1) * old)]) + Array(repeating: [], count: shown - old) }
                    } else {
                        paths = Array(repeating: [], count: shown * groups)
                    }
                }
                pathsPerGroup = shown
                for g in 0..<groups {
                    for i in 0..<shown { append(points[g * perGroup + i], to: g * shown + i) }
                }
            } else if let point = pathOf(record) {
                Self.append(point, to: &parameterPath)
            }
            if record.diverged { diverged = true }
            if let target = rewindTarget, record.epoch == target {
                rewindTarget = nil
                message = "rewound to epoch \(target), the last finite one: lower the lr (- or [) before running on (r)"
                messageIsWarning = false
            }
        case .groupLearningRates(_, let values):
            lr = values[0]
            groupLearningRates = values
            guard rewindTarget == nil else { break }
            message = "lr → " + values.map { NumberText.short($0) }.joined(separator: ", ") + " (one per group)"
            messageIsWarning = false
        case .learningRate(_, let value):
            setRate(value)
            guard rewindTarget == nil else { break }
            message = "lr → \(NumberText.short(value))"
            messageIsWarning = false
        case .optimizer(_, let config):
            optimizer = config.summary
            optimizerConfig = config
            lr = config.lr
            guard rewindTarget == nil else { break }
            message = "optimizer → \(config.kind.rawValue) (fresh state)"
            messageIsWarning = false
        case .device(_, let name, let note):
            // A GPU's note is its description (`cuda: NVIDIA H200, sm_90`): show it whole.
            let described = note.flatMap { $0.hasPrefix(name + ":") ? $0 : nil }
            device = described ?? name
            message = described.map { "device → \($0)" } ?? note ?? "device → \(name)"
            // Why a device asked for by name was refused is a warning, and takes
            // room on the line; a GPU's description, or why `auto` chose the
            // CPU, is news: the lab's name and epochs per frame stay.
            messageIsWarning = event.isDeviceRefusal
        case .reset(_, let seed):
            diverged = false
            droppedPoints = 0
            // The records from here on are the new start's, under the current f and parameters.
            functionChangedAt = nil
            parametersSetAt = nil
            guard rewindTarget == nil else { break }
            if let reason = resetReason {
                message = reason
                resetReason = nil
            } else if let startSeed {
                message = seed == startSeed ? "restarted from the same starts (seed \(seed))" : "reset: new starts (seed \(seed))"
            } else {
                message = "reset with seed \(seed)"
            }
            messageIsWarning = false
        case .divergence(_, let text):
            // What to do next, with the keys that do it.
            message = text.hasPrefix("the run stopped") ? text : text + ": lower the lr (- or [), then u rewinds to the last finite epoch, x restarts from the same starts, R resets"
            messageIsWarning = true
            diverged = true
        case .function(let epoch, let expression, let name, let domain):
            function = FunctionChange(expression: expression, name: name, domain: domain)
            functionChangedAt = epoch
            message = "f → " + (name ?? expression) + " (the points stay; fresh optimizer state; the loss chart starts anew)"
            messageIsWarning = false
        case .pointAdded(_, let point):
            droppedPoints += 1
            // Drawn at once (each group's copy after its paths), while every point is drawn.
            let groups = max(groups, 1), old = pathsPerGroup
            if old > 0, old == recordedPerGroup, paths.count == old * groups, (old + 1) * groups <= Self.drawnPoints {
                paths = (0..<groups).flatMap { g in Array(paths[(g * old)..<((g + 1) * old)]) + [[point]] }
                pathsPerGroup = old + 1
                recordedPerGroup = old + 1
            }
            message = "new point at (\(NumberText.short(point.x)), \(NumberText.short(point.y))): it descends from the next step"
            messageIsWarning = false
        case .parameters(let epoch, let values):
            parametersSetAt = epoch
            // Shown at once; the next epoch's record follows from here.
            if var record = latest {
                for value in values {
                    if let index = record.params.firstIndex(where: { $0.name == value.name }) { record.params[index].values = value.values }
                }
                latest = record
                if let point = pathOf(record) { Self.append(point, to: &parameterPath) }
            }
            message = "set " + values.map { "\($0.name) \(NumberText.short($0.values.first ?? .nan))" }.joined(separator: ", ")
            messageIsWarning = false
        case .configure(_, let points, let domain):
            var parts: [String] = []
            if let points { parts.append("\(NumberText.count(points)) point\(points == 1 ? "" : "s")") }
            if let domain { parts.append("domain " + domain.map { NumberText.short($0) }.joined(separator: ",")) }
            message = parts.joined(separator: ", ") + " from the reset"
            messageIsWarning = false
        }
    }

    private mutating func clearHistory() {
        clearLosses()
        paths.removeAll()
        parameterPath.removeAll()
    }

    /// The rate now, in the optimizer's summary too (no stale `lr=`).
    private mutating func setRate(_ rate: Double) {
        lr = rate
        if var current = optimizerConfig {
            current.lr = rate
            optimizerConfig = current
            optimizer = current.summary
        }
    }

    private mutating func clearLosses() {
        loss.removeAll(keepingCapacity: true)
        trainLoss.removeAll(keepingCapacity: true)
        testLoss.removeAll(keepingCapacity: true)
        groupLoss.removeAll()
    }

    private mutating func append(_ point: SIMD2<Double>, to index: Int) {
        Self.append(point, to: &paths[index])
    }

    /// Appends to a path, halving it (every other point, the newest kept)
    /// once it passes ``pathLimit``.
    private static func append<Point>(_ point: Point, to path: inout [Point]) {
        path.append(point)
        guard path.count > pathLimit else { return }
        let keepsLast = (path.count - 1) % 2 == 0
        path = stride(from: 0, to: path.count, by: 2).map { path[$0] }
        if !keepsLast { path.append(point) }
    }
}

/// Work the training driver is doing that takes long enough to say so.
struct Busy: Sendable, Equatable {
    /// What is done, without an ellipsis (`placing 100,000,000 points`).
    var text: String
    var since: ContinuousClock.Instant = .now
}

/// The shared, locked ``RunView``.
final class LiveRun: Sendable {
    private let state: Mutex<RunView>
    /// The ``RunView/version`` of the last frame on screen.
    private let drawn = Atomic<Int>(.min)

    init(_ initial: RunView) {
        state = Mutex(initial)
    }

    func update(_ body: (inout RunView) -> Void) {
        state.withLock { body(&$0) }
    }

    /// Puts `message` in the status line (a warning when `warning`).
    func say(_ message: String, warning: Bool) {
        update {
            $0.message = message
            $0.messageIsWarning = warning
            $0.version &+= 1
        }
    }

    /// Says that long work is under way (nil: done); returns the version a
    /// frame must show for it to be on screen (``waitUntilDrawn(_:timeout:)``).
    @discardableResult
    func setBusy(_ text: String?) -> Int {
        state.withLock {
            $0.busy = text.map { Busy(text: $0) }
            $0.version &+= 1
            return $0.version
        }
    }

    /// The UI drew a frame of `version` (or later).
    func frameDrawn(_ version: Int) {
        drawn.store(version, ordering: .releasing)
    }

    /// Waits until a frame of `version` (or later) is on screen, at most
    /// `timeout` (no UI draws in tests and forks).
    func waitUntilDrawn(_ version: Int, timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while drawn.load(ordering: .acquiring) < version, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Whether long work is under way (the UI then redraws often enough to show time passing).
    var isBusy: Bool { state.withLock { $0.busy != nil } }

    /// A copy for one frame (arrays are copy-on-write, so this is cheap
    /// until the event task appends again).
    var snapshot: RunView { state.withLock { $0 } }

    var version: Int { state.withLock { $0.version } }

    /// How many paths the plane draws (without copying them).
    var pathCount: Int { state.withLock { $0.paths.count } }

    /// ``RunView/labPoint(forPath:pointsPerGroup:)`` of the current view.
    func labPoint(forPath path: Int, pointsPerGroup: Int) -> Int {
        state.withLock { $0.labPoint(forPath: path, pointsPerGroup: pointsPerGroup) }
    }
}
