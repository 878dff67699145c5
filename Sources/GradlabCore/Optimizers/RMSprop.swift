/// `torch.optim.RMSprop`: alpha, eps, momentum, centered, weight decay, maximize.
///
/// `s = alpha*s + (1 - alpha)*g*g`; centered: `a = lerp(a, g, 1 - alpha)`,
/// `avg = sqrt(s - a*a)`, else `avg = sqrt(s)`; `avg += eps`; with momentum
/// `buf = momentum*buf + g/avg`, `p -= lr*buf`, else `p -= lr*g/avg`.
public final class RMSprop<Scalar: BinaryFloatingPoint & SIMDScalar & Sendable>: OptimizerState<Scalar>, Optimizer {
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
struct RMSpropUpdate<Scalar: BinaryFloatingPoint & SIMDScalar & Sendable>: OptimizerUpdate, @unchecked Sendable {
    let alpha: Scalar, oneMinusAlpha: Scalar
    let lerpWeight: Double
    let eps: Scalar, negativeLR: Scalar, momentum: Scalar, weightDecay: Scalar, sign: Scalar
    let square: UnsafeMutablePointer<Scalar>
    /// The momentum buffer (momentum > 0) and the centered average (centered).
    let buf: UnsafeMutablePointer<Scalar>?, gradAvg: UnsafeMutablePointer<Scalar>?

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
        let s = L.load(square + index) * L(broadcast: alpha) + L(broadcast: oneMinusAlpha) * g * g
        s.store(square + index)
        var avg: L
        if let gradAvg {
            let a = lerpLane(L.load(gradAvg + index), g, lerpWeight)
            a.store(gradAvg + index)
            avg = (s - a * a).squareRoot()
        } else {
            avg = s.squareRoot()
        }
        avg = avg + L(broadcast: eps)
        if let buf {
            let b = L.load(buf + index) * L(broadcast: momentum) + g / avg
            b.store(buf + index)
            (L.load(p) + L(broadcast: negativeLR) * b).store(p)
        } else {
            (L.load(p) + L(broadcast: negativeLR) * g / avg).store(p)
        }
    }
}
