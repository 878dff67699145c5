/// `torch.optim.RMSprop`: alpha, eps, momentum, centered, weight decay, maximize.
///
/// `s = alpha*s + (1 - alpha)*g*g`; centered: `a = lerp(a, g, 1 - alpha)`,
/// `avg = sqrt(s - a*a)`, else `avg = sqrt(s)`; `avg += eps`; with momentum
/// `buf = momentum*buf + g/avg`, `p -= lr*buf`, else `p -= lr*g/avg`.
public final class RMSprop<Scalar: BinaryFloatingPoint & Sendable>: OptimizerState<Scalar>, Optimizer {
    public init(_ config: OptimizerConfig) {
        super.init(config, bufferNames: ["square_avg", "momentum_buffer", "grad_avg"])
    }

    // Called through `any Optimizer<T>`: without these the generic body runs.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(parameters p: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, count: Int) {
        advanceStep()
        let alpha = Scalar(config.alpha)
        let oneMinusAlpha = Scalar(1 - config.alpha)
        let eps = Scalar(config.eps)
        let negativeLR = Scalar(-config.lr)
        let momentum = Scalar(config.momentum)
        let weightDecay = Scalar(config.weightDecay)
        let sign: Scalar = config.maximize ? -1 : 1
        let square = buffer("square_avg", count: count)
        let buf = config.momentum > 0 ? buffer("momentum_buffer", count: count) : nil
        let gradAvg = config.centered ? buffer("grad_avg", count: count) : nil
        for i in 0..<count {
            var g = sign * gradients[i]
            if weightDecay != 0 { g = g + weightDecay * p[i] }
            square[i] = square[i] * alpha + oneMinusAlpha * g * g
            var avg: Scalar
            if let gradAvg {
                gradAvg[i] = lerp(gradAvg[i], g, 1 - config.alpha)
                avg = (square[i] - gradAvg[i] * gradAvg[i]).squareRoot()
            } else {
                avg = square[i].squareRoot()
            }
            avg = avg + eps
            if let buf {
                buf[i] = buf[i] * momentum + g / avg
                p[i] = p[i] + negativeLR * buf[i]
            } else {
                p[i] = p[i] + negativeLR * g / avg
            }
        }
    }
}
