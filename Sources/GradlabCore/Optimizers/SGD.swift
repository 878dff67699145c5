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
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(parameters p: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, count: Int) {
        let lr = Scalar(-config.lr)
        let weightDecay = Scalar(config.weightDecay)
        let momentum = Scalar(config.momentum)
        let keep = Scalar(1 - config.dampening)
        let sign: Scalar = config.maximize ? -1 : 1
        let first = stepCount == 0
        if config.momentum == 0 {
            for i in 0..<count {
                var g = sign * gradients[i]
                if weightDecay != 0 { g = g + weightDecay * p[i] }
                p[i] = p[i] + lr * g
            }
        } else {
            let buf = buffer("momentum_buffer", count: count)
            let nesterov = config.nesterov
            for i in 0..<count {
                var g = sign * gradients[i]
                if weightDecay != 0 { g = g + weightDecay * p[i] }
                buf[i] = first ? g : momentum * buf[i] + keep * g
                g = nesterov ? g + momentum * buf[i] : buf[i]
                p[i] = p[i] + lr * g
            }
        }
        advanceStep()
    }
}
