/// `torch.optim.Adagrad`: lr_decay, initial_accumulator_value, eps, weight
/// decay, maximize.
///
/// `clr = lr / (1 + (t - 1)*lr_decay)`, `sum += g*g`, `p -= clr*g/(sqrt(sum) + eps)`.
public final class Adagrad<Scalar: BinaryFloatingPoint & SIMDScalar & Sendable>: OptimizerState<Scalar>, Optimizer {
    public init(_ config: OptimizerConfig) {
        super.init(config, bufferNames: ["sum"])
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

    func begin(count: Int) -> AdagradUpdate<Scalar> {
        advanceStep()
        let clr = config.lr / (1 + Double(stepCount - 1) * config.lrDecay)
        return AdagradUpdate(
            negativeCLR: Scalar(-clr), eps: Scalar(config.eps), weightDecay: Scalar(config.weightDecay),
            sign: config.maximize ? -1 : 1,
            sum: buffer("sum", count: count, initial: Scalar(config.initialAccumulatorValue)))
    }
}

/// One step of ``Adagrad``.
struct AdagradUpdate<Scalar: BinaryFloatingPoint & SIMDScalar & Sendable>: OptimizerUpdate, @unchecked Sendable {
    let negativeCLR: Scalar, eps: Scalar, weightDecay: Scalar, sign: Scalar
    let sum: UnsafeMutablePointer<Scalar>

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
        let s = L.load(sum + index) + g * g
        s.store(sum + index)
        (L.load(p) + L(broadcast: negativeCLR) * g / (s.squareRoot() + L(broadcast: eps))).store(p)
    }
}
