/// `torch.optim.Adagrad`: lr_decay, initial_accumulator_value, eps, weight
/// decay, maximize.
///
/// `clr = lr / (1 + (t - 1)*lr_decay)`, `sum += g*g`, `p -= clr*g/(sqrt(sum) + eps)`.
public final class Adagrad<Scalar: BinaryFloatingPoint & Sendable>: OptimizerState<Scalar>, Optimizer {
    public init(_ config: OptimizerConfig) {
        super.init(config, bufferNames: ["sum"])
    }

    // Called through `any Optimizer<T>`: without these the generic body runs.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(parameters p: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, count: Int) {
        advanceStep()
        let clr = config.lr / (1 + Double(stepCount - 1) * config.lrDecay)
        let negativeCLR = Scalar(-clr)
        let eps = Scalar(config.eps)
        let weightDecay = Scalar(config.weightDecay)
        let sign: Scalar = config.maximize ? -1 : 1
        let sum = buffer("sum", count: count, initial: Scalar(config.initialAccumulatorValue))
        for i in 0..<count {
            var g = sign * gradients[i]
            if weightDecay != 0 { g = g + weightDecay * p[i] }
            sum[i] = sum[i] + g * g
            p[i] = p[i] + negativeCLR * g / (sum[i].squareRoot() + eps)
        }
    }
}
