import GradlabDevice
import GradlabMath

/// A lab being trained: parameters, data, loss, and how one epoch iterates.
///
/// Labs are classes owned by a ``Session`` (an actor), which is their only
/// user; they are generic over the scalar type behind the scenes and speak
/// Double at this boundary.
protocol Lab: AnyObject {
    var config: LabConfig { get }
    /// Epochs run since the start or the last reset.
    var epoch: Int { get }
    var optimizerConfig: OptimizerConfig { get }
    /// The learning rate the next epoch uses (after any schedule).
    var learningRate: Double { get }
    /// Changes the learning rate from the next step on, keeping optimizer state.
    func setLearningRate(_ lr: Double)
    /// Each optimizer group's learning rate (one group unless `--compare`).
    var groupLearningRates: [Double] { get }
    /// Sets each group's learning rate (one per group).
    func setGroupLearningRates(_ lrs: [Double])
    /// Replaces the optimizer; its state starts fresh, as a new torch.optim would.
    func setOptimizer(_ config: OptimizerConfig)
    /// The start state (epoch 0) as an event record; throws when the device
    /// fails (a kernel that does not compile, memory that runs out).
    func startRecord() throws(GradlabError) -> EpochRecord
    /// Runs one epoch and describes it; throws as ``startRecord()``.
    func runEpoch() throws(GradlabError) -> EpochRecord
    /// Runs between 1 and `count` epochs and describes each, the same
    /// records and state as that many ``runEpoch()`` calls: a lab whose
    /// lanes are independent runs them as an epoch block (each chunk of
    /// points through every epoch while it is in cache).
    func runEpochs(upTo count: Int) throws(GradlabError) -> [EpochRecord]
    /// Parameters, gradients, last steps and optimizer state for the inspector.
    func inspect(selectedPoint: Int) -> LabInspection
    /// Whether epochs measure what only the inspector shows and that costs a
    /// pass of its own (the landscape's gradient norm over every point).
    /// Sessions that stream (the TUI) set it; headless runs do not.
    var measuresForInspector: Bool { get set }
    /// Whether epoch records carry ``EpochRecord/summary`` (the landscape's
    /// statistics over every point, beyond the tracked ones). Sessions set
    /// it while a sink reads summaries (a recorder).
    var summarizesPoints: Bool { get set }
    /// The data a data view plots.
    var dataset: LabDataset { get }
    /// Parameters under their checkpoint names (`weight`, `bias`; `x1`, `x2`).
    var checkpointParameters: [NamedValues] { get }
    var optimizerCheckpoint: OptimizerCheckpoint { get }
    /// Loads parameters (and optimizer state, if present) from a checkpoint.
    func restore(_ checkpoint: LoadedCheckpoint) throws(GradlabError)
    /// Moves parameters, optimizer state and data to `device` (the TUI's
    /// `d`); on failure nothing has changed.
    func move(to device: any ComputeDevice) throws(GradlabError)
    /// Every parameter as the device buffer holds them (group after group).
    var parameterSnapshot: [Double] { get }
    /// Overwrites every parameter (a snapshot of a lab of the same shape) and
    /// the epoch count, keeping the optimizer state: the `:f` switch, a
    /// click that sets a data lab's parameters.
    func setParameterSnapshot(_ values: [Double], epoch: Int) throws(GradlabError)
}

extension Lab {
    /// One epoch.
    func runEpochs(upTo count: Int) throws(GradlabError) -> [EpochRecord] { [try runEpoch()] }
}

/// One parameter as the inspector shows it.
public struct InspectedParameter: Sendable, Equatable {
    public var name: String
    public var value: Double
    public var gradient: Double
    /// How much the last update moved it; nil when the lab does not keep
    /// last steps (more than 8,192 parameters: a million-point landscape).
    public var lastStep: Double?
    /// The optimizer's per-parameter state (`momentum_buffer`, `exp_avg`, ...).
    public var state: [NamedValues]
}

/// A snapshot of a lab for the inspector pane.
public struct LabInspection: Sendable, Equatable {
    public var epoch: Int
    public var parameters: [InspectedParameter]
    /// L2 norm of the whole gradient (all points for the landscape, of
    /// every group under `--compare`).
    public var gradientNorm: Double
    /// Under `--compare`: the L2 norm of the inspected group's gradient (its
    /// own points only); NaN before it is measured.
    public var groupGradientNorm: Double? = nil
    public var optimizerSteps: Int
    /// Landscape: which point is shown, of how many, and f there.
    public var selectedPoint: Int?
    public var pointCount: Int
    public var valueAtSelected: Double?
    /// Under `--compare`: the selected point's optimizer group, as a summary.
    public var group: String? = nil
    /// The learning rate the inspected parameters' group uses now.
    public var learningRate: Double? = nil
}

/// The samples of a data lab, for scatter views.
public struct LabDataset: Sendable, Equatable {
    /// Input column name and values (`t` or `x`).
    public var inputName: String
    public var targetName: String
    public var trainInputs: [Double]
    public var trainTargets: [Double]
    public var testInputs: [Double]
    public var testTargets: [Double]

    public static let empty = LabDataset(inputName: "", targetName: "", trainInputs: [], trainTargets: [], testInputs: [], testTargets: [])
}

/// Builds the lab a config describes, in its dtype, on `device`.
func makeLab(_ config: LabConfig, device: any ComputeDevice) throws(GradlabError) -> any Lab {
    switch (config.lab, config.dtype) {
    case (.landscape, .f64): return try LandscapeLab<Double>(config, device: device)
    case (.landscape, .f32): return try LandscapeLab<Float>(config, device: device)
    case (.quadratic, .f64): return try QuadraticLab<Double>(config, device: device)
    case (.quadratic, .f32): return try QuadraticLab<Float>(config, device: device)
    case (.linear, .f64): return try LinearLab<Double>(config, device: device)
    case (.linear, .f32): return try LinearLab<Float>(config, device: device)
    }
}

/// Parses a lab's expression, naming the flag in the error.
func parseLabExpression(_ text: String, variables: [String], flag: String) throws(GradlabError) -> Expression {
    do {
        return try Expression.parse(text, variables: variables)
    } catch {
        // The error's own echo: the source (a window of it when long) and a caret.
        throw GradlabError("\(flag): \(error.description)")
    }
}

/// A lab run without a Session, on the calling thread (`gradlab bench`'s
/// "direct" figures: the lab's own speed, without the actor).
public final class DirectLab {
    private let lab: any Lab

    public init(_ config: LabConfig) throws(GradlabError) {
        try config.validate()
        lab = try makeLab(config, device: try Devices.open(config.device))
        lab.measuresForInspector = false
        lab.summarizesPoints = false
        _ = try lab.startRecord()
    }

    /// Runs `epochs` epochs; returns the last one's loss.
    @discardableResult
    public func step(_ epochs: Int) throws(GradlabError) -> Double {
        var loss = Double.nan
        for _ in 0..<epochs { loss = try lab.runEpoch().loss }
        return loss
    }

    public var dataset: LabDataset { lab.dataset }
}
