#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif

/// What the fused kernels' arithmetic is done in: lanes of vectors in the
/// loops, symbols when GradlabSIMD records a kernel's pattern
/// (``FusedKernel/pattern``). One definition of each kernel's arithmetic
/// (``FusedUpdates/evaluate(_:_:_:)``) serves both.
protocol FusedArithmetic {
    associatedtype Value
    /// What every value carries along (the recording; nothing for vectors).
    associatedtype Context
    /// add, subtract, multiply or divide.
    static func apply(_ op: LaneOperation, _ a: Fused<Self>, _ b: Fused<Self>) -> Fused<Self>
    /// The correctly rounded square root.
    static func root(_ a: Fused<Self>) -> Fused<Self>
    /// `a / b` for a `b` that is the same in every lane: the same bits as
    /// `/`, by b's reciprocal where the kernel set has FMA
    /// (``divide(_:byUniform:reciprocal:)``).
    static func quotient(_ a: Fused<Self>, byUniform b: Fused<Self>) -> Fused<Self>
}

/// A value in a fused kernel's arithmetic, with IEEE operators.
struct Fused<A: FusedArithmetic> {
    var value: A.Value
    var context: A.Context

    @_transparent init(_ value: A.Value, _ context: A.Context) {
        self.value = value
        self.context = context
    }

    @_transparent static func + (a: Self, b: Self) -> Self { A.apply(.add, a, b) }
    @_transparent static func - (a: Self, b: Self) -> Self { A.apply(.subtract, a, b) }
    @_transparent static func * (a: Self, b: Self) -> Self { A.apply(.multiply, a, b) }
    @_transparent static func / (a: Self, b: Self) -> Self { A.apply(.divide, a, b) }
    @_transparent var squareRoot: Self { A.root(self) }
    @_transparent func divided(byUniform b: Self) -> Self { A.quotient(self, byUniform: b) }
}

/// Float lanes.
enum FloatLaneArithmetic: FusedArithmetic {
    typealias Value = FloatVector
    typealias Context = Void

    @_transparent static func apply(_ op: LaneOperation, _ a: Fused<Self>, _ b: Fused<Self>) -> Fused<Self> {
        switch op {
        case .add: Fused(a.value + b.value, ())
        case .subtract: Fused(a.value - b.value, ())
        case .multiply: Fused(a.value * b.value, ())
        default: Fused(a.value / b.value, ())
        }
    }

    @_transparent static func root(_ a: Fused<Self>) -> Fused<Self> { Fused(squareRoot(a.value), ()) }

    @_transparent static func quotient(_ a: Fused<Self>, byUniform b: Fused<Self>) -> Fused<Self> {
        Fused(divide(a.value, byUniform: b.value, reciprocal: 1 / b.value), ())
    }
}

/// Double lanes.
enum DoubleLaneArithmetic: FusedArithmetic {
    typealias Value = DoubleVector
    typealias Context = Void

    @_transparent static func apply(_ op: LaneOperation, _ a: Fused<Self>, _ b: Fused<Self>) -> Fused<Self> {
        switch op {
        case .add: Fused(a.value + b.value, ())
        case .subtract: Fused(a.value - b.value, ())
        case .multiply: Fused(a.value * b.value, ())
        default: Fused(a.value / b.value, ())
        }
    }

    @_transparent static func root(_ a: Fused<Self>) -> Fused<Self> { Fused(squareRoot(a.value), ()) }

    @_transparent static func quotient(_ a: Fused<Self>, byUniform b: Fused<Self>) -> Fused<Self> {
        Fused(divide(a.value, byUniform: b.value, reciprocal: 1 / b.value), ())
    }
}

/// The fused kernels' arithmetic, in torch.optim's order of operations,
/// and their loops.
enum FusedUpdates {
    /// Kernel `kernel`'s results from its operands (`operand(k)` is operand
    /// k, asked for in order, each once): a parameter's new state, its new
    /// value, and how far it moved. What ``FusedKernel/pattern`` records;
    /// the loops (`FloatKernels.fused`) call the functions below with the
    /// operands in the same order.
    @_transparent
    static func evaluate<A: FusedArithmetic>(
        _ kernel: FusedKernel, _: A.Type, _ operand: (Int) -> Fused<A>
    ) -> [Fused<A>] {
        switch kernel {
        case .adam, .adamW:
            let (g, m, v, p) = (operand(0), operand(1), operand(2), operand(3))
            let (oneMinusBeta1, oneMinusBeta2, beta2) = (operand(4), operand(5), operand(6))
            let (biasCorrection2Root, eps, stepSize) = (operand(7), operand(8), operand(9))
            let r = adam(g, m, v, p, decay: kernel == .adamW ? operand(10) : nil, oneMinusBeta1, oneMinusBeta2, beta2,
                         biasCorrection2Root, eps, stepSize)
            return [r.m, r.v, r.p, r.step]
        case .rmsprop:
            let (g, v, p) = (operand(0), operand(1), operand(2))
            let r = rmsprop(g, v, p, oneMinusAlpha: operand(3), alpha: operand(4), eps: operand(5), negativeLR: operand(6))
            return [r.v, r.p, r.step]
        case .adagrad:
            let (g, sum, p) = (operand(0), operand(1), operand(2))
            let r = adagrad(g, sum, p, eps: operand(3), negativeLR: operand(4))
            return [r.sum, r.p, r.step]
        }
    }

    /// Adam (GradlabCore's `Adam.emit`): `m = m + (g - m)(1 - beta1)`
    /// (torch's lerp below weight 0.5), `v = v beta2 + (g (1 - beta2)) g`,
    /// `p = p + (m stepSize) / (sqrt v / sqrt(1 - beta2^t) + eps)`; AdamW
    /// multiplies p by `1 - lr weight_decay` first.
    @_transparent
    static func adam<A: FusedArithmetic>(
        _ g: Fused<A>, _ m: Fused<A>, _ v: Fused<A>, _ p: Fused<A>, decay: Fused<A>?, _ oneMinusBeta1: Fused<A>,
        _ oneMinusBeta2: Fused<A>, _ beta2: Fused<A>, _ biasCorrection2Root: Fused<A>, _ eps: Fused<A>, _ stepSize: Fused<A>
    ) -> (m: Fused<A>, v: Fused<A>, p: Fused<A>, step: Fused<A>) {
        let m1 = m + (g - m) * oneMinusBeta1
        let v1 = v * beta2 + (g * oneMinusBeta2) * g
        let denominator = v1.squareRoot.divided(byUniform: biasCorrection2Root) + eps
        let step = (m1 * stepSize) / denominator
        let p1: Fused<A>
        if let decay { p1 = p * decay + step } else { p1 = p + step }
        return (m1, v1, p1, p1 - p)
    }

    /// RMSprop: `v = v alpha + (g (1 - alpha)) g`, `p = p + (g (-lr)) / (sqrt v + eps)`.
    @_transparent
    static func rmsprop<A: FusedArithmetic>(
        _ g: Fused<A>, _ v: Fused<A>, _ p: Fused<A>, oneMinusAlpha: Fused<A>, alpha: Fused<A>, eps: Fused<A>,
        negativeLR: Fused<A>
    ) -> (v: Fused<A>, p: Fused<A>, step: Fused<A>) {
        let v1 = v * alpha + (g * oneMinusAlpha) * g
        let p1 = p + (g * negativeLR) / (v1.squareRoot + eps)
        return (v1, p1, p1 - p)
    }

    /// Adagrad: `sum = sum + g g`, `p = p + (g (-clr)) / (sqrt sum + eps)`.
    @_transparent
    static func adagrad<A: FusedArithmetic>(
        _ g: Fused<A>, _ sum: Fused<A>, _ p: Fused<A>, eps: Fused<A>, negativeLR: Fused<A>
    ) -> (sum: Fused<A>, p: Fused<A>, step: Fused<A>) {
        let sum1 = g * g + sum
        let p1 = p + (g * negativeLR) / (sum1.squareRoot + eps)
        return (sum1, p1, p1 - p)
    }
}

extension FusedUpdates {
    /// Runs `kernel` over `n` lanes (a multiple of the vector width): its
    /// operands `o` in ``evaluate(_:_:_:)``'s order (the uniform ones are
    /// loaded once), its results stored through `r`, each vector's operands
    /// loaded before its results are stored (a result may overwrite an operand).
    @_transparent
    static func run<A: FusedArithmetic>(
        _ kernel: FusedKernel, _ arithmetic: A.Type, _ o: UnsafePointer<LaneOperand<A.Value.Scalar>>,
        _ r: UnsafePointer<UnsafeMutablePointer<A.Value.Scalar>>, _ n: Int
    ) where A.Value: SIMD, A.Context == Void {
        switch kernel {
        case .adam: adamLanes(arithmetic, o, r, n)
        case .adamW: adamWLanes(arithmetic, o, r, n)
        case .rmsprop: rmspropLanes(arithmetic, o, r, n)
        case .adagrad: adagradLanes(arithmetic, o, r, n)
        }
    }

    @inline(never)
    static func adamLanes<A: FusedArithmetic>(
        _: A.Type, _ o: UnsafePointer<LaneOperand<A.Value.Scalar>>, _ r: UnsafePointer<UnsafeMutablePointer<A.Value.Scalar>>,
        _ n: Int
    ) where A.Value: SIMD, A.Context == Void {
        adamLoop(A.self, decay: nil, o, r, n)
    }

    @inline(never)
    static func adamWLanes<A: FusedArithmetic>(
        _: A.Type, _ o: UnsafePointer<LaneOperand<A.Value.Scalar>>, _ r: UnsafePointer<UnsafeMutablePointer<A.Value.Scalar>>,
        _ n: Int
    ) where A.Value: SIMD, A.Context == Void {
        adamLoop(A.self, decay: uniform(o[10], A.self), o, r, n)
    }

    @_transparent
    static func adamLoop<A: FusedArithmetic>(
        _: A.Type, decay: Fused<A>?, _ o: UnsafePointer<LaneOperand<A.Value.Scalar>>,
        _ r: UnsafePointer<UnsafeMutablePointer<A.Value.Scalar>>, _ n: Int
    ) where A.Value: SIMD, A.Context == Void {
        let (g, m, v, p) = (o[0], o[1], o[2], o[3])
        let (s1, s2, b2) = (uniform(o[4], A.self), uniform(o[5], A.self), uniform(o[6], A.self))
        let (bc, eps, step) = (uniform(o[7], A.self), uniform(o[8], A.self), uniform(o[9], A.self))
        let (r0, r1, r2, r3) = (r[0], r[1], r[2], r[3])
        var i = 0
        while i < n {
            let x = adam(lanes(g, i, A.self), lanes(m, i, A.self), lanes(v, i, A.self), lanes(p, i, A.self), decay: decay,
                         s1, s2, b2, bc, eps, step)
            store(x.m.value, r0 + i)
            store(x.v.value, r1 + i)
            store(x.p.value, r2 + i)
            store(x.step.value, r3 + i)
            i &+= A.Value.scalarCount
        }
    }

    @inline(never)
    static func rmspropLanes<A: FusedArithmetic>(
        _: A.Type, _ o: UnsafePointer<LaneOperand<A.Value.Scalar>>, _ r: UnsafePointer<UnsafeMutablePointer<A.Value.Scalar>>,
        _ n: Int
    ) where A.Value: SIMD, A.Context == Void {
        let (g, v, p) = (o[0], o[1], o[2])
        let (oneMinusAlpha, alpha) = (uniform(o[3], A.self), uniform(o[4], A.self))
        let (eps, negativeLR) = (uniform(o[5], A.self), uniform(o[6], A.self))
        let (r0, r1, r2) = (r[0], r[1], r[2])
        var i = 0
        while i < n {
            let x = rmsprop(lanes(g, i, A.self), lanes(v, i, A.self), lanes(p, i, A.self), oneMinusAlpha: oneMinusAlpha,
                            alpha: alpha, eps: eps, negativeLR: negativeLR)
            store(x.v.value, r0 + i)
            store(x.p.value, r1 + i)
            store(x.step.value, r2 + i)
            i &+= A.Value.scalarCount
        }
    }

    @inline(never)
    static func adagradLanes<A: FusedArithmetic>(
        _: A.Type, _ o: UnsafePointer<LaneOperand<A.Value.Scalar>>, _ r: UnsafePointer<UnsafeMutablePointer<A.Value.Scalar>>,
        _ n: Int
    ) where A.Value: SIMD, A.Context == Void {
        let (g, sum, p) = (o[0], o[1], o[2])
        let (eps, negativeLR) = (uniform(o[3], A.self), uniform(o[4], A.self))
        let (r0, r1, r2) = (r[0], r[1], r[2])
        var i = 0
        while i < n {
            let x = adagrad(lanes(g, i, A.self), lanes(sum, i, A.self), lanes(p, i, A.self), eps: eps, negativeLR: negativeLR)
            store(x.sum.value, r0 + i)
            store(x.p.value, r1 + i)
            store(x.step.value, r2 + i)
            i &+= A.Value.scalarCount
        }
    }

    /// Operand `x`'s vector at lane `i`.
    @_transparent
    static func lanes<A: FusedArithmetic>(_ x: LaneOperand<A.Value.Scalar>, _ i: Int, _: A.Type) -> Fused<A>
    where A.Value: SIMD, A.Context == Void {
        Fused(x.vector(at: i, as: A.Value.self), ())
    }

    /// A uniform operand's value in every lane, loaded once.
    @_transparent
    static func uniform<A: FusedArithmetic>(_ x: LaneOperand<A.Value.Scalar>, _: A.Type) -> Fused<A>
    where A.Value: SIMD, A.Context == Void {
        Fused(x.vector(at: 0, as: A.Value.self), ())
    }
}
