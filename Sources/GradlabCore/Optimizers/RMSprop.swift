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

    func begin(count: Int) -> RMSpropUpdate<Scalar> {
        advanceStep()
        return RMSpropUpdate(
            alpha: Scalar(config.alpha), oneMinusAlpha: Scalar(1 - config.alpha), lerpWeight: 1 - config.alpha,
            eps: Scalar(config.eps), negativeLR: Scalar(-config.lr), momentum: Scalar(config.momentum),
            weightDecay: Scalar(config.weightDecay), sign: config.maximize ? -1 : 1,
            square: buffer("square_avg", count: count),
            buf: config.momentum > 0 ? buffer("momentum_buffer", count: count) : nil,
            gradAvg: config.centered ? buffer("grad_avg", count: count) : nil)
    }
}

/// One step of ``RMSprop``.
struct RMSpropUpdate<Scalar: BinaryFloatingPoint & Sendable>: OptimizerUpdate, @unchecked Sendable {
    let alpha: Scalar, oneMinusAlpha: Scalar
    let lerpWeight: Double
    let eps: Scalar, negativeLR: Scalar, momentum: Scalar, weightDecay: Scalar, sign: Scalar
    let square: UnsafeMutablePointer<Scalar>
    /// The momentum buffer (momentum > 0) and the centered average (centered).
    let buf: UnsafeMutablePointer<Scalar>?, gradAvg: UnsafeMutablePointer<Scalar>?

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func apply(parameters p: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, offset: Int, count: Int) {
        let square = square + offset, buf = buf.map { $0 + offset }, gradAvg = gradAvg.map { $0 + offset }
        for i in 0..<count {
            var g = sign * gradients[i]
            if weightDecay != 0 { g = g + weightDecay * p[i] }
            square[i] = square[i] * alpha + oneMinusAlpha * g * g
            var avg: Scalar
            if let gradAvg {
                gradAvg[i] = lerp(gradAvg[i], g, lerpWeight)
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
