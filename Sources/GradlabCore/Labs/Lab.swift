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
    /// Changes the learning rate from the next step on, keeping optimizer state.
    func setLearningRate(_ lr: Double)
    /// Replaces the optimizer; its state starts fresh, as a new torch.optim would.
    func setOptimizer(_ config: OptimizerConfig)
    /// The start state (epoch 0) as an event record.
    func startRecord() -> EpochRecord
    /// Runs one epoch and describes it.
    func runEpoch() -> EpochRecord
    /// Parameters, gradients, last steps and optimizer state for the inspector.
    func inspect(selectedPoint: Int) -> LabInspection
    /// The data a data view plots.
    var dataset: LabDataset { get }
}

/// One parameter as the inspector shows it.
public struct InspectedParameter: Sendable, Equatable {
    public var name: String
    public var value: Double
    public var gradient: Double
    /// How much the last update moved it.
    public var lastStep: Double
    /// The optimizer's per-parameter state (`momentum_buffer`, `exp_avg`, ...).
    public var state: [NamedValues]
}

/// A snapshot of a lab for the inspector pane.
public struct LabInspection: Sendable, Equatable {
    public var epoch: Int
    public var parameters: [InspectedParameter]
    /// L2 norm of the whole gradient (all points for the landscape).
    public var gradientNorm: Double
    public var optimizerSteps: Int
    /// Landscape: which point is shown, of how many, and f there.
    public var selectedPoint: Int?
    public var pointCount: Int
    public var valueAtSelected: Double?
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

/// Builds the lab a config describes, in its dtype.
func makeLab(_ config: LabConfig) throws(GradlabError) -> any Lab {
    switch (config.lab, config.dtype) {
    case (.landscape, .f64): return try LandscapeLab<Double>(config)
    case (.landscape, .f32): return try LandscapeLab<Float>(config)
    case (.quadratic, .f64): return try QuadraticLab<Double>(config)
    case (.quadratic, .f32): return try QuadraticLab<Float>(config)
    case (.linear, .f64): return try LinearLab<Double>(config)
    case (.linear, .f32): return try LinearLab<Float>(config)
    }
}

/// Parses a lab's expression, naming the flag in the error.
func parseLabExpression(_ text: String, variables: [String], flag: String) throws(GradlabError) -> Expression {
    do {
        return try Expression.parse(text, variables: variables)
    } catch {
        throw GradlabError("\(flag): \(error.oneLine)\n  \(text)\n  \(String(repeating: " ", count: max(0, error.column - 1)))^")
    }
}

/// Sum of `count` values accumulated in Double: PyTorch and NumPy reduce with
/// several partial sums, so a correctly rounded sum stays within an ulp of both.
@inline(__always)
func sumAsDouble<T: BinaryFloatingPoint>(_ values: UnsafePointer<T>, _ count: Int) -> Double {
    var total = 0.0
    for i in 0..<count { total += Double(values[i]) }
    return total
}

/// What every lab shares: its config, flat parameter buffers, the optimizer
/// that updates them, and the epoch count. Subclasses add data and the epoch.
class TrainableLab<T: ProgramScalar> {
    let config: LabConfig
    let buffers: ParameterBuffers<T>
    private(set) var optimizer: any Optimizer<T>
    var epoch = 0

    init(config: LabConfig, parameterCount: Int) {
        self.config = config
        buffers = ParameterBuffers(count: parameterCount)
        optimizer = makeOptimizer(config.optimizer)
    }

    var optimizerConfig: OptimizerConfig { optimizer.config }

    func setLearningRate(_ lr: Double) { optimizer.config.lr = lr }

    func setOptimizer(_ config: OptimizerConfig) { optimizer = makeOptimizer(config) }
}

/// Parameters, their gradients and their last steps in flat buffers that the
/// optimizer updates in place.
final class ParameterBuffers<T: BinaryFloatingPoint & Sendable> {
    let count: Int
    let values: UnsafeMutablePointer<T>
    let gradients: UnsafeMutablePointer<T>
    let lastSteps: UnsafeMutablePointer<T>
    private let before: UnsafeMutablePointer<T>

    init(count: Int) {
        self.count = count
        values = .allocate(capacity: max(count, 1))
        gradients = .allocate(capacity: max(count, 1))
        lastSteps = .allocate(capacity: max(count, 1))
        before = .allocate(capacity: max(count, 1))
        values.initialize(repeating: 0, count: max(count, 1))
        gradients.initialize(repeating: 0, count: max(count, 1))
        lastSteps.initialize(repeating: 0, count: max(count, 1))
        before.initialize(repeating: 0, count: max(count, 1))
    }

    deinit {
        values.deallocate()
        gradients.deallocate()
        lastSteps.deallocate()
        before.deallocate()
    }

    /// Applies the optimizer and remembers each parameter's step; `trackSteps`
    /// is off for large landscapes, where the copy would cost a memory sweep.
    func step(with optimizer: any Optimizer<T>, trackSteps: Bool) {
        if trackSteps { before.update(from: values, count: count) }
        optimizer.step(parameters: values, gradients: gradients, count: count)
        if trackSteps {
            for i in 0..<count { lastSteps[i] = values[i] - before[i] }
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

    /// The inspector rows for parameter indices `indices` named `names`.
    func inspect(_ indices: [Int], names: [String], optimizer: any Optimizer<T>) -> [InspectedParameter] {
        let state = optimizer.stateBuffers
        return zip(indices, names).map { index, name in
            InspectedParameter(
                name: name,
                value: Double(values[index]),
                gradient: Double(gradients[index]),
                lastStep: Double(lastSteps[index]),
                state: state.map { NamedValues($0.name, [Double($0.values[index])]) }
            )
        }
    }
}
