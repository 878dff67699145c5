/// One thing that happened in a run: the single event type that the Session
/// publishes, the recorder writes, the replayer reads and the UI shows.
public enum Event: Sendable, Equatable {
    /// An epoch finished (epoch 0 holds the start state).
    case epoch(EpochRecord)
    /// The learning rate changed; applies from the step after `epoch`.
    case learningRate(epoch: Int, lr: Double)
    /// Under `--compare`: each group's learning rate changed (the `+`/`-`
    /// keys scale every group's by the same factor); applies from the step
    /// after `epoch`.
    case groupLearningRates(epoch: Int, lrs: [Double])
    /// The optimizer changed (its state starts fresh).
    case optimizer(epoch: Int, config: OptimizerConfig)
    /// The device changed, or a requested one was unavailable (`note` says why).
    case device(epoch: Int, name: String, note: String?)
    /// The lab was rebuilt from a new seed; epochs count from 0 again.
    case reset(epoch: Int, seed: UInt32)
    /// Loss or parameters became NaN or infinite.
    case divergence(epoch: Int, message: String)
    /// The landscape's f changed (`:f`): the points keep their positions,
    /// the optimizer state starts fresh; `domain` is the plane's from now on.
    case function(epoch: Int, expression: String, name: String?, domain: [Double])
    /// A start point joined the run (a click on the plane): under
    /// `--compare` one point per group, each from fresh optimizer state.
    case pointAdded(epoch: Int, point: SIMD2<Double>)
    /// A data lab's parameters were set (a click on its loss plane).
    case parameters(epoch: Int, values: [NamedValues])
    /// The point count or the domain changed (`:points`, `:domain`); applies
    /// from the reset that follows.
    case configure(epoch: Int, points: Int?, domain: [Double]?)

    /// The epoch the event belongs to.
    public var epoch: Int {
        switch self {
        case .epoch(let record): return record.epoch
        case .learningRate(let epoch, _), .groupLearningRates(let epoch, _), .optimizer(let epoch, _), .device(let epoch, _, _),
             .reset(let epoch, _), .divergence(let epoch, _), .function(let epoch, _, _, _), .pointAdded(let epoch, _),
             .parameters(let epoch, _), .configure(let epoch, _, _):
            return epoch
        }
    }
}

extension Event {
    /// The note of a device event whose requested device could not be used:
    /// the run stays on `current` (`cuda: CUDA unavailable: …; staying on cpu`).
    public static func deviceRefusal(_ reason: String, staying current: String) -> String {
        "\(reason); staying on \(current)"
    }

    /// Whether this is a device event for a device that was asked for by
    /// name (`d`, `:device cuda`) and refused: a warning on screen. A GPU's
    /// description and why `auto` chose the CPU (`no CUDA driver (…); using
    /// cpu`) are news: nothing the user asked for was refused.
    public var isDeviceRefusal: Bool {
        guard case .device(_, let name, let note?) = self else { return false }
        return note.hasSuffix(Self.deviceRefusal("", staying: name))
    }
}

/// A named parameter tensor's values (`weight` -> [0.7]).
public struct NamedValues: Sendable, Equatable {
    public var name: String
    public var values: [Double]

    public init(_ name: String, _ values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// What one epoch produced.
public struct EpochRecord: Sendable, Equatable {
    /// 1-based; 0 is the start state.
    public var epoch: Int
    /// The epoch's loss: full batch, the loss before its update (as the
    /// tutorial prints it); linear, the mean training loss over its steps;
    /// landscape, the mean of f over all points before the update.
    public var loss: Double
    public var trainLoss: Double?
    public var testLoss: Double?
    /// Parameters after the epoch's update (empty for the landscape).
    public var params: [NamedValues]
    /// Tracked points' [x1, x2] after the update (landscape only).
    public var points: [SIMD2<Double>]?
    /// Whether loss or parameters are no longer finite.
    public var diverged: Bool
    /// Under `--compare`: the mean of f over each group's points, in group order.
    public var groupLoss: [Double]?
    /// The learning rate this epoch used, recorded when a schedule moves it.
    public var lr: Double?
    /// Landscape with more points than it tracks: statistics over all points
    /// (one optimizer group; under `--compare` see ``groupSummary``).
    public var summary: PointSummary?
    /// Under `--compare`, with more points per group than it tracks: each
    /// group's statistics over its own points, in group order.
    public var groupSummary: [PointSummary]?
    /// The Hessian's largest eigenvalue λmax where the run is, recorded by
    /// `--record`: at each tracked point after the update (landscape, in
    /// ``points``' order), or of the loss at ``params`` (data labs, one
    /// value). 2/λmax is the rate above which plain GD diverges there.
    public var lambdaMax: [Double]?

    public init(epoch: Int, loss: Double, trainLoss: Double? = nil, testLoss: Double? = nil,
                params: [NamedValues] = [], points: [SIMD2<Double>]? = nil, diverged: Bool = false,
                groupLoss: [Double]? = nil, lr: Double? = nil, summary: PointSummary? = nil,
                groupSummary: [PointSummary]? = nil) {
        self.groupLoss = groupLoss
        self.groupSummary = groupSummary
        self.lr = lr
        self.epoch = epoch
        self.loss = loss
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.params = params
        self.points = points
        self.diverged = diverged
        self.summary = summary
    }

    /// The values of parameter `name`, if present.
    public func param(_ name: String) -> [Double]? {
        params.first { $0.name == name }?.values
    }
}
