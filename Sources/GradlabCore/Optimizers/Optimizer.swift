/// One optimizer's state over a flat array of parameters.
///
/// Every optimizer in gradlab is elementwise, like `torch.optim`'s
/// single-tensor paths: a lab lays all its parameters (all points' x1, x2; or
/// weight and bias) in one buffer, and an optimizer updates each element from
/// its gradient and its own slots of state. Hyperparameters are computed in
/// Double and cast to `Scalar` before use, as PyTorch casts Python floats to
/// the tensor's dtype.
public protocol Optimizer<Scalar>: AnyObject {
    associatedtype Scalar: BinaryFloatingPoint & SIMDScalar & Sendable

    /// The hyperparameters; `lr` may change between steps.
    var config: OptimizerConfig { get set }

    /// Steps taken so far.
    var stepCount: Int { get }

    /// Applies one update: `parameters[i]` moves using `gradients[i]`.
    func step(parameters: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, count: Int)

    /// Starts one step over `count` parameters and returns it to apply range
    /// by range: it counts the step and readies the state, as ``step(parameters:gradients:count:)``
    /// does before its loop. Applying the result to every index of
    /// `0..<count` once, in any order and from any threads, is that step bit
    /// for bit, so a lab can update each chunk of parameters while the
    /// gradient sweep has it in cache.
    func beginStep(count: Int) -> any OptimizerUpdate<Scalar>

    /// Named state buffers (e.g. `momentum_buffer`, `exp_avg`), each with one
    /// value per parameter, as `optimizer.state_dict()` names them; empty
    /// before the first step.
    var stateBuffers: [(name: String, values: [Scalar])] { get }

    /// Restores state saved from ``stateBuffers`` and ``stepCount``.
    func restore(stepCount: Int, buffers: [String: [Scalar]]) throws(GradlabError)
}

/// One begun optimizer step (``Optimizer/beginStep(count:)``): the
/// hyperparameters of this step and pointers to the state buffers.
///
/// It may be applied concurrently to disjoint index ranges; it must not
/// outlive the next step or a change of the optimizer's state.
public protocol OptimizerUpdate<Scalar>: Sendable {
    associatedtype Scalar: BinaryFloatingPoint & SIMDScalar & Sendable

    /// Updates the step's parameters `offset..<offset + count`:
    /// `parameters[j]` is parameter `offset + j` and `gradients[j]` its
    /// gradient; the state used is the optimizer's at `offset + j`.
    func apply(parameters: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, offset: Int, count: Int)

    /// When this step is exactly `p = p + descentStep * g` (SGD without
    /// momentum, weight decay or maximize), that factor (`-lr`): a run can
    /// apply it inside its kernels (GradlabMath's `ProgramDescent`).
    var descentStep: Scalar? { get }
}

extension OptimizerUpdate {
    public var descentStep: Scalar? { nil }
}

/// Makes the optimizer a config names.
public func makeOptimizer<Scalar: BinaryFloatingPoint & SIMDScalar & Sendable>(_ config: OptimizerConfig, scalar: Scalar.Type = Scalar.self) -> any Optimizer<Scalar> {
    switch config.kind {
    case .sgd: return SGD<Scalar>(config)
    case .adam, .adamw: return Adam<Scalar>(config)
    case .rmsprop: return RMSprop<Scalar>(config)
    case .adagrad: return Adagrad<Scalar>(config)
    }
}

/// Storage shared by the optimizers: named per-element buffers, allocated on
/// the first step (PyTorch creates state lazily too).
public class OptimizerState<Scalar: BinaryFloatingPoint & SIMDScalar & Sendable> {
    public var config: OptimizerConfig
    public private(set) var stepCount = 0
    var buffers: [String: UnsafeMutableBufferPointer<Scalar>] = [:]
    let bufferNames: [String]

    init(_ config: OptimizerConfig, bufferNames: [String]) {
        self.config = config
        self.bufferNames = bufferNames
    }

    deinit {
        for buffer in buffers.values { buffer.deallocate() }
    }

    /// The buffer `name` for `count` parameters, created filled with `initial`.
    func buffer(_ name: String, count: Int, initial: Scalar = 0) -> UnsafeMutablePointer<Scalar> {
        if let existing = buffers[name], existing.count == count, let base = existing.baseAddress {
            return base
        }
        buffers[name]?.deallocate()
        let fresh = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: max(count, 1))
        fresh.initialize(repeating: initial)
        buffers[name] = fresh
        return fresh.baseAddress ?? UnsafeMutablePointer<Scalar>.allocate(capacity: 1)
    }

    func advanceStep() { stepCount += 1 }

    public var stateBuffers: [(name: String, values: [Scalar])] {
        bufferNames.compactMap { name in buffers[name].map { (name, Array($0)) } }
    }

    public func restore(stepCount: Int, buffers saved: [String: [Scalar]]) throws(GradlabError) {
        for (name, values) in saved {
            guard bufferNames.contains(name) else {
                throw GradlabError("optimizer state: \(config.kind.rawValue) has no buffer '\(name)' (has: \(bufferNames.joined(separator: ", ")))")
            }
            let target = buffer(name, count: values.count)
            for (i, value) in values.enumerated() { target[i] = value }
        }
        self.stepCount = stepCount
    }
}
