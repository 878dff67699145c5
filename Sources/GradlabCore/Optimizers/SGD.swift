/// `torch.optim.SGD`: momentum, dampening, Nesterov, weight decay, maximize.
///
/// ```
/// g = grad (negated if maximize) + weight_decay * p
/// buf = g on the first step, else momentum * buf + (1 - dampening) * g
/// g = g + momentum * buf if nesterov, else buf
/// p = p - lr * g
/// ```
public final class SGD<Scalar: BinaryFloatingPoint & SIMDScalar & Sendable>: OptimizerState<Scalar>, Optimizer {
    public init(_ config: OptimizerConfig) {
        super.init(config, bufferNames: ["momentum_buffer"])
    }

    // Called through `any Optimizer<T>`: without these the generic body runs.
    // The body is its own function: a generic one that holds the update
    // struct instantiates its metadata on entry, before the specialization
    // check (measured: a third of the per-sample loop's time).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(parameters p: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, count: Int) {
        stepAll(p, gradients, count)
    }

    @inline(never)
    private func stepAll(_ p: UnsafeMutablePointer<Scalar>, _ gradients: UnsafePointer<Scalar>, _ count: Int) {
        begin(count: count).apply(parameters: p, gradients: gradients, offset: 0, count: count)
    }

    public func beginStep(count: Int) -> any OptimizerUpdate<Scalar> { begin(count: count) }

    func begin(count: Int) -> SGDUpdate<Scalar> {
        let update = SGDUpdate<Scalar>(
            lr: Scalar(-config.lr), weightDecay: Scalar(config.weightDecay), momentum: Scalar(config.momentum),
            keep: Scalar(1 - config.dampening), sign: config.maximize ? -1 : 1, first: stepCount == 0,
            nesterov: config.nesterov, buffer: config.momentum == 0 ? nil : buffer("momentum_buffer", count: count))
        advanceStep()
        return update
    }
}

/// One step of ``SGD``.
struct SGDUpdate<Scalar: BinaryFloatingPoint & SIMDScalar & Sendable>: OptimizerUpdate, @unchecked Sendable {
    let lr: Scalar, weightDecay: Scalar, momentum: Scalar, keep: Scalar, sign: Scalar
    let first: Bool, nesterov: Bool
    /// The momentum buffer; nil without momentum.
    let buffer: UnsafeMutablePointer<Scalar>?

    var descentStep: Scalar? { buffer == nil && weightDecay == 0 && sign == 1 ? lr : nil }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func apply(parameters p: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, offset: Int, count: Int) {
        var i = 0
        while i + 8 <= count { update(SIMD8<Scalar>.self, p + i, gradients + i, offset + i); i += 8 }
        while i < count { update(OneLane<Scalar>.self, p + i, gradients + i, offset + i); i += 1 }
    }

    /// The update of the lane at `p`, whose state is at `index`.
    @inline(__always)
    private func update<L: UpdateLane>(_: L.Type, _ p: UnsafeMutablePointer<Scalar>, _ gradient: UnsafePointer<Scalar>, _ index: Int)
    where L.Scalar == Scalar {
        var g = L(broadcast: sign) * L.load(gradient)
        if weightDecay != 0 { g = g + L(broadcast: weightDecay) * L.load(p) }
        if let buffer {
            let b = first ? g : L(broadcast: momentum) * L.load(buffer + index) + L(broadcast: keep) * g
            b.store(buffer + index)
            g = nesterov ? g + L(broadcast: momentum) * b : b
        }
        (L.load(p) + L(broadcast: lr) * g).store(p)
    }
}
