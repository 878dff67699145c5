/// `torch.optim.SGD`: momentum, dampening, Nesterov, weight decay, maximize.
///
/// ```
/// g = grad (negated if maximize) + weight_decay * p
/// buf = g on the first step, else momentum * buf + (1 - dampening) * g
/// g = g + momentum * buf if nesterov, else buf
/// p = p - lr * g
/// ```
public final class SGD<Scalar: BinaryFloatingPoint & Sendable>: OptimizerState<Scalar>, Optimizer {
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
struct SGDUpdate<Scalar: BinaryFloatingPoint & Sendable>: OptimizerUpdate, @unchecked Sendable {
    let lr: Scalar, weightDecay: Scalar, momentum: Scalar, keep: Scalar, sign: Scalar
    let first: Bool, nesterov: Bool
    /// The momentum buffer; nil without momentum.
    let buffer: UnsafeMutablePointer<Scalar>?

    var descentStep: Scalar? { buffer == nil && weightDecay == 0 && sign == 1 ? lr : nil }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func apply(parameters p: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, offset: Int, count: Int) {
        guard let buffer else {
            for i in 0..<count {
                var g = sign * gradients[i]
                if weightDecay != 0 { g = g + weightDecay * p[i] }
                p[i] = p[i] + lr * g
            }
            return
        }
        let buf = buffer + offset
        for i in 0..<count {
            var g = sign * gradients[i]
            if weightDecay != 0 { g = g + weightDecay * p[i] }
            buf[i] = first ? g : momentum * buf[i] + keep * g
            g = nesterov ? g + momentum * buf[i] : buf[i]
            p[i] = p[i] + lr * g
        }
    }
}
