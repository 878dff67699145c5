import CGradlabVector
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
    /// add, subtract, multiply, divide, maximum or minimum, as the chunk
    /// kernels compute them.
    static func apply(_ op: LaneOperation, _ a: Fused<Self>, _ b: Fused<Self>) -> Fused<Self>
    /// negate, abs, sign, step or sqrt, as the chunk kernels compute them.
    static func apply(_ op: LaneOperation, _ a: Fused<Self>) -> Fused<Self>
    /// `a / b` for a `b` that is the same in every lane: the same bits as
    /// `/`, by b's reciprocal where the kernel set has FMA
    /// (``divide(_:by:reciprocal:)``).
    static func quotient(_ a: Fused<Self>, byUniform b: Fused<Self>) -> Fused<Self>
    /// maximum or minimum of `a` and a `b` that is the same in every lane.
    static func bound(_ op: LaneOperation, _ a: Fused<Self>, uniform b: Fused<Self>) -> Fused<Self>
    /// `a / d` and `b / d` (two divisions: one reciprocal of d with the
    /// correction for each quotient measured slower, its chain after the
    /// square root longer: NAdam at 0.47-0.62 of SGD against 0.70-0.74).
    static func quotients(_ a: Fused<Self>, _ b: Fused<Self>, by d: Fused<Self>) -> (Fused<Self>, Fused<Self>)
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
    @_transparent static prefix func - (a: Self) -> Self { A.apply(.negate, a) }
    @_transparent var squareRoot: Self { A.apply(.sqrt, self) }
    @_transparent var magnitude: Self { A.apply(.abs, self) }
    /// -1, 0 or 1 (0 at NaN).
    @_transparent var sign: Self { A.apply(.sign, self) }
    /// `self <= 0 ? 0 : 1` (1 at NaN).
    @_transparent var isPositive: Self { A.apply(.step, self) }
    /// NaN-propagating, as `torch.maximum`.
    @_transparent func maximum(_ b: Self) -> Self { A.apply(.maximum, self, b) }
    @_transparent func minimum(_ b: Self) -> Self { A.apply(.minimum, self, b) }
    /// ``maximum(_:)`` and ``minimum(_:)`` of a uniform `b`.
    @_transparent func maximum(uniform b: Self) -> Self { A.bound(.maximum, self, uniform: b) }
    @_transparent func minimum(uniform b: Self) -> Self { A.bound(.minimum, self, uniform: b) }
    @_transparent func divided(byUniform b: Self) -> Self { A.quotient(self, byUniform: b) }
}

/// The lane operations on one vector type, as the chunk kernels compute
/// them (FloatKernels / DoubleKernels; a test holds the fused loops to the
/// steps they replace, bit for bit). Concrete per type (the standard
/// library's generic SIMD comparisons and selections compile lane by lane),
/// on the module's own types (a conformance of the standard library's
/// vector types would define shared symbols: see Vectors.swift).
protocol LaneVector {
    associatedtype Vector: SIMD
    /// add, subtract, multiply, divide, maximum or minimum.
    static func lane(_ op: LaneOperation, _ x: Vector, _ y: Vector) -> Vector
    /// negate, abs, sign, step or sqrt.
    static func lane(_ op: LaneOperation, _ v: Vector) -> Vector
    /// maximum or minimum of `x` and a `y` that is the same in every lane.
    static func bound(_ op: LaneOperation, _ x: Vector, uniform y: Vector) -> Vector
    static func reciprocal(_ v: Vector) -> Vector
    /// `x / b` by its reciprocal `y` (``divide(_:by:reciprocal:)``).
    static func quotient(_ x: Vector, by b: Vector, reciprocal y: Vector) -> Vector
}

/// Float lanes.
enum FloatLanes: LaneVector {
    typealias Vector = FloatVector

    @_transparent static func lane(_ op: LaneOperation, _ x: Vector, _ y: Vector) -> Vector {
        switch op {
        case .add: x + y
        case .subtract: x - y
        case .multiply: product(x, y)
        case .maximum: y.replacing(with: x, where: (x .> y) .| (x .!= x))
        case .minimum: y.replacing(with: x, where: (x .< y) .| (x .!= x))
        default: x / y
        }
    }

    @_transparent static func lane(_ op: LaneOperation, _ v: Vector) -> Vector {
        switch op {
        case .negate: Vector(bits: v.bits ^ Int32.min)
        case .abs: Vector(bits: v.bits & Int32.max)
        case .sign: Vector(repeating: 0).replacing(with: 1, where: v .> 0).replacing(with: -1, where: v .< 0)
        case .step: Vector(repeating: 1).replacing(with: 0, where: v .<= 0)
        default: squareRoot(v)
        }
    }

    /// Where the uniform `y` is neither NaN nor zero, a NaN can only be x's
    /// and a tie only between equal bits, so one comparison gives the same
    /// bits as ``lane(_:_:_:)``'s two.
    @_transparent static func bound(_ op: LaneOperation, _ x: Vector, uniform y: Vector) -> Vector {
        guard !anyLane((y .!= y) .| (y .== 0)) else { return lane(op, x, y) }
        return op == .maximum ? x.replacing(with: y, where: y .> x) : x.replacing(with: y, where: y .< x)
    }

    @_transparent static func reciprocal(_ v: Vector) -> Vector { 1 / v }
    @_transparent static func quotient(_ x: Vector, by b: Vector, reciprocal y: Vector) -> Vector { divide(x, by: b, reciprocal: y) }
}

/// Double lanes.
enum DoubleLanes: LaneVector {
    typealias Vector = DoubleVector

    @_transparent static func lane(_ op: LaneOperation, _ x: Vector, _ y: Vector) -> Vector {
        switch op {
        case .add: x + y
        case .subtract: x - y
        case .multiply: product(x, y)
        case .maximum: y.replacing(with: x, where: (x .> y) .| (x .!= x))
        case .minimum: y.replacing(with: x, where: (x .< y) .| (x .!= x))
        default: x / y
        }
    }

    @_transparent static func lane(_ op: LaneOperation, _ v: Vector) -> Vector {
        switch op {
        case .negate: Vector(bits: v.bits ^ Int64.min)
        case .abs: Vector(bits: v.bits & Int64.max)
        case .sign: Vector(repeating: 0).replacing(with: 1, where: v .> 0).replacing(with: -1, where: v .< 0)
        case .step: Vector(repeating: 1).replacing(with: 0, where: v .<= 0)
        default: squareRoot(v)
        }
    }

    /// Where the uniform `y` is neither NaN nor zero, a NaN can only be x's
    /// and a tie only between equal bits, so one comparison gives the same
    /// bits as ``lane(_:_:_:)``'s two.
    @_transparent static func bound(_ op: LaneOperation, _ x: Vector, uniform y: Vector) -> Vector {
        guard !anyLane((y .!= y) .| (y .== 0)) else { return lane(op, x, y) }
        return op == .maximum ? x.replacing(with: y, where: y .> x) : x.replacing(with: y, where: y .< x)
    }

    @_transparent static func reciprocal(_ v: Vector) -> Vector { 1 / v }
    @_transparent static func quotient(_ x: Vector, by b: Vector, reciprocal y: Vector) -> Vector { divide(x, by: b, reciprocal: y) }
}

/// Lanes of `V`'s vectors (FloatLanes or DoubleLanes).
enum LaneArithmeticOf<V: LaneVector>: FusedArithmetic {
    typealias Value = V.Vector
    typealias Context = Void

    @_transparent static func apply(_ op: LaneOperation, _ a: Fused<Self>, _ b: Fused<Self>) -> Fused<Self> {
        Fused(V.lane(op, a.value, b.value), ())
    }

    @_transparent static func apply(_ op: LaneOperation, _ a: Fused<Self>) -> Fused<Self> { Fused(V.lane(op, a.value), ()) }

    @_transparent static func quotient(_ a: Fused<Self>, byUniform b: Fused<Self>) -> Fused<Self> {
        Fused(V.quotient(a.value, by: b.value, reciprocal: V.reciprocal(b.value)), ())
    }

    @_transparent static func bound(_ op: LaneOperation, _ a: Fused<Self>, uniform b: Fused<Self>) -> Fused<Self> {
        Fused(V.bound(op, a.value, uniform: b.value), ())
    }

    @_transparent static func quotients(_ a: Fused<Self>, _ b: Fused<Self>, by d: Fused<Self>) -> (Fused<Self>, Fused<Self>) {
        (Fused(V.lane(.divide, a.value, d.value), ()), Fused(V.lane(.divide, b.value, d.value), ()))
    }
}


/// The fused kernels' arithmetic, in the order GradlabCore's rules emit it
/// (torch.optim's), and their loops.
enum FusedUpdates {
    /// Kernel `kernel`'s results (a parameter's new state, its new value,
    /// how far it moved; a kernel of three repeats its last): what
    /// ``FusedKernel/pattern`` records, and what each loop computes per
    /// vector (`kernel` a constant there, so the switch folds away).
    @_transparent
    static func results<A: FusedArithmetic>(
        _ kernel: FusedKernel, _ x: FusedOperands<A>
    ) -> (Fused<A>, Fused<A>, Fused<A>, Fused<A>) {
        let (g, u) = (x.a, x)
        switch kernel {
        case .adam, .adamW:
            let r = adam(g, x.b, x.c, x.d, u.u0, u.u1, u.u2, u.u3, u.u4, u.u5, decay: kernel == .adamW ? u.u6 : nil)
            return (r.m, r.v, r.p, r.step)
        case .rmsprop:
            let r = rmsprop(g, x.b, x.c, u.u0, u.u1, u.u2, u.u3)
            return (r.v, r.p, r.step, r.step)
        case .adagrad:
            let r = adagrad(g, x.b, x.c, u.u0, u.u1)
            return (r.sum, r.p, r.step, r.step)
        case .nadam:
            let r = nadam(g, x.b, x.c, x.d, u.u0, u.u1, u.u2, u.u3, u.u4, u.u5, u.u6)
            return (r.m, r.v, r.p, r.step)
        case .radam:
            let r = radam(g, x.b, x.c, x.d, u.u0, u.u1, u.u2, u.u3, u.u4, u.u5, u.u6, u.u7, u.u8)
            return (r.m, r.v, r.p, r.step)
        case .adamax:
            let r = adamax(g, x.b, x.c, x.d, u.u0, u.u1, u.u2, u.u3)
            return (r.m, r.u, r.p, r.step)
        case .adadelta:
            let r = adadelta(g, x.b, x.c, x.d, u.u0, u.u1, u.u2, u.u3)
            return (r.square, r.delta, r.p, r.step)
        case .rprop:
            let r = rprop(g, x.b, x.c, x.d, u.u0, u.u1, u.u2, u.u3, u.u4)
            return (r.stepSize, r.previous, r.p, r.step)
        }
    }

    /// Adam (GradlabCore's `Adam.emit`): `m = m + (g - m)(1 - beta1)`
    /// (torch's lerp below weight 0.5), `v = v beta2 + (g (1 - beta2)) g`,
    /// `p = p + (m stepSize) / (sqrt v / sqrt(1 - beta2^t) + eps)`; AdamW
    /// multiplies p by `1 - lr weight_decay` first.
    @_transparent
    static func adam<A: FusedArithmetic>(
        _ g: Fused<A>, _ m: Fused<A>, _ v: Fused<A>, _ p: Fused<A>, _ oneMinusBeta1: Fused<A>, _ oneMinusBeta2: Fused<A>,
        _ beta2: Fused<A>, _ biasCorrection2Root: Fused<A>, _ eps: Fused<A>, _ stepSize: Fused<A>, decay: Fused<A>?
    ) -> (m: Fused<A>, v: Fused<A>, p: Fused<A>, step: Fused<A>) {
        let (m1, v1) = moments(g, m, v, oneMinusBeta1, oneMinusBeta2, beta2)
        let denominator = v1.squareRoot.divided(byUniform: biasCorrection2Root) + eps
        let step = (m1 * stepSize) / denominator
        let p1: Fused<A>
        if let decay { p1 = p * decay + step } else { p1 = p + step }
        return (m1, v1, p1, p1 - p)
    }

    /// Adam's two moments, as Adam, AdamW, NAdam and RAdam share them.
    @_transparent
    static func moments<A: FusedArithmetic>(
        _ g: Fused<A>, _ m: Fused<A>, _ v: Fused<A>, _ oneMinusBeta1: Fused<A>, _ oneMinusBeta2: Fused<A>, _ beta2: Fused<A>
    ) -> (m: Fused<A>, v: Fused<A>) {
        (m + (g - m) * oneMinusBeta1, v * beta2 + (g * oneMinusBeta2) * g)
    }

    /// NAdam: Adam's moments, `d = sqrt(v / (1 - beta2^t)) + eps`,
    /// `p = (p + (g gradientStep) / d) + (m momentumStep) / d`.
    @_transparent
    static func nadam<A: FusedArithmetic>(
        _ g: Fused<A>, _ m: Fused<A>, _ v: Fused<A>, _ p: Fused<A>, _ oneMinusBeta1: Fused<A>, _ oneMinusBeta2: Fused<A>,
        _ beta2: Fused<A>, _ biasCorrection2: Fused<A>, _ eps: Fused<A>, _ gradientStep: Fused<A>, _ momentumStep: Fused<A>
    ) -> (m: Fused<A>, v: Fused<A>, p: Fused<A>, step: Fused<A>) {
        let (m1, v1) = moments(g, m, v, oneMinusBeta1, oneMinusBeta2, beta2)
        let denominator = v1.divided(byUniform: biasCorrection2).squareRoot + eps
        let (first, second) = A.quotients(g * gradientStep, m1 * momentumStep, by: denominator)
        let p1 = (p + first) + second
        return (m1, v1, p1, p1 - p)
    }

    /// RAdam once the variance is rectified (`rho_t > 5`): Adam's moments,
    /// `p = p - ((m / (1 - beta1^t)) lr) (1 / (sqrt v + eps)) sqrt(1 - beta2^t)) rect`.
    @_transparent
    static func radam<A: FusedArithmetic>(
        _ g: Fused<A>, _ m: Fused<A>, _ v: Fused<A>, _ p: Fused<A>, _ oneMinusBeta1: Fused<A>, _ oneMinusBeta2: Fused<A>,
        _ beta2: Fused<A>, _ biasCorrection1: Fused<A>, _ lr: Fused<A>, _ one: Fused<A>, _ eps: Fused<A>,
        _ biasCorrection2Root: Fused<A>, _ rectification: Fused<A>
    ) -> (m: Fused<A>, v: Fused<A>, p: Fused<A>, step: Fused<A>) {
        let (m1, v1) = moments(g, m, v, oneMinusBeta1, oneMinusBeta2, beta2)
        let update = m1.divided(byUniform: biasCorrection1) * lr
        let adaptive = one / (v1.squareRoot + eps) * biasCorrection2Root
        let p1 = p - update * adaptive * rectification
        return (m1, v1, p1, p1 - p)
    }

    /// Adamax: `m = m + (g - m)(1 - beta1)`, `u = max(u beta2, |g| + eps)`, `p = p + (m stepSize) / u`.
    @_transparent
    static func adamax<A: FusedArithmetic>(
        _ g: Fused<A>, _ m: Fused<A>, _ u: Fused<A>, _ p: Fused<A>, _ oneMinusBeta1: Fused<A>, _ beta2: Fused<A>,
        _ eps: Fused<A>, _ stepSize: Fused<A>
    ) -> (m: Fused<A>, u: Fused<A>, p: Fused<A>, step: Fused<A>) {
        let m1 = m + (g - m) * oneMinusBeta1
        let u1 = (u * beta2).maximum(g.magnitude + eps)
        let p1 = p + (m1 * stepSize) / u1
        return (m1, u1, p1, p1 - p)
    }

    /// Adadelta: `s = s rho + ((1 - rho) g) g`, `delta = sqrt(acc + eps) / sqrt(s + eps) g`,
    /// `acc = acc rho + ((1 - rho) delta) delta`, `p = p + (-lr) delta`.
    @_transparent
    static func adadelta<A: FusedArithmetic>(
        _ g: Fused<A>, _ square: Fused<A>, _ accumulated: Fused<A>, _ p: Fused<A>, _ rho: Fused<A>, _ oneMinusRho: Fused<A>,
        _ eps: Fused<A>, _ negativeLR: Fused<A>
    ) -> (square: Fused<A>, delta: Fused<A>, p: Fused<A>, step: Fused<A>) {
        let square1 = square * rho + oneMinusRho * g * g
        let delta = (accumulated + eps).squareRoot / (square1 + eps).squareRoot * g
        let accumulated1 = accumulated * rho + oneMinusRho * delta * delta
        let p1 = p + negativeLR * delta
        return (square1, accumulated1, p1, p1 - p)
    }

    /// Rprop: `s = sign(g prev)`, the step size scaled by etaplus where
    /// `s > 0`, etaminus where `s < 0`, 1 where 0, then clamped; the
    /// gradient kept where `s >= 0`; `p = p + stepSize (-sign(kept))`.
    @_transparent
    static func rprop<A: FusedArithmetic>(
        _ g: Fused<A>, _ previous: Fused<A>, _ stepSize: Fused<A>, _ p: Fused<A>, _ etaPlus: Fused<A>, _ etaMinus: Fused<A>,
        _ one: Fused<A>, _ stepSizeMin: Fused<A>, _ stepSizeMax: Fused<A>
    ) -> (stepSize: Fused<A>, previous: Fused<A>, p: Fused<A>, step: Fused<A>) {
        let s = (g * previous).sign
        let flipped = (-s).isPositive
        let factor = (s.isPositive * etaPlus + flipped * etaMinus) + (one - s.magnitude)
        let stepSize1 = (stepSize * factor).maximum(uniform: stepSizeMin).minimum(uniform: stepSizeMax)
        let kept = (one - flipped) * g
        let p1 = p + stepSize1 * -kept.sign
        return (stepSize1, kept, p1, p1 - p)
    }

    /// RMSprop: `v = v alpha + (g (1 - alpha)) g`, `p = p + (g (-lr)) / (sqrt v + eps)`.
    @_transparent
    static func rmsprop<A: FusedArithmetic>(
        _ g: Fused<A>, _ v: Fused<A>, _ p: Fused<A>, _ oneMinusAlpha: Fused<A>, _ alpha: Fused<A>, _ eps: Fused<A>,
        _ negativeLR: Fused<A>
    ) -> (v: Fused<A>, p: Fused<A>, step: Fused<A>) {
        let v1 = v * alpha + (g * oneMinusAlpha) * g
        let p1 = p + (g * negativeLR) / (v1.squareRoot + eps)
        return (v1, p1, p1 - p)
    }

    /// Adagrad: `sum = g g + sum`, `p = p + (g (-clr)) / (sqrt sum + eps)`.
    @_transparent
    static func adagrad<A: FusedArithmetic>(
        _ g: Fused<A>, _ sum: Fused<A>, _ p: Fused<A>, _ eps: Fused<A>, _ negativeLR: Fused<A>
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
    static func run<V: LaneVector>(
        _ kernel: FusedKernel, _: V.Type, _ o: UnsafePointer<LaneOperand<V.Vector.Scalar>>, _ r: UnsafePointer<UnsafeMutablePointer<V.Vector.Scalar>>,
        _ n: Int
    ) {
        switch kernel {
        case .adam: adamLanes(V.self, o, r, n)
        case .adamW: adamWLanes(V.self, o, r, n)
        case .rmsprop: rmspropLanes(V.self, o, r, n)
        case .adagrad: adagradLanes(V.self, o, r, n)
        case .nadam: nadamLanes(V.self, o, r, n)
        case .radam: radamLanes(V.self, o, r, n)
        case .adamax: adamaxLanes(V.self, o, r, n)
        case .adadelta: adadeltaLanes(V.self, o, r, n)
        case .rprop: rpropLanes(V.self, o, r, n)
        }
    }

    typealias Operands<V: LaneVector> = UnsafePointer<LaneOperand<V.Vector.Scalar>>
    typealias Results<V: LaneVector> = UnsafePointer<UnsafeMutablePointer<V.Vector.Scalar>>

    @inline(never) static func adamLanes<V: LaneVector>(_: V.Type, _ o: Operands<V>, _ r: Results<V>, _ n: Int) {
        loop(.adam, V.self, o, r, n)
    }
    @inline(never) static func adamWLanes<V: LaneVector>(_: V.Type, _ o: Operands<V>, _ r: Results<V>, _ n: Int) {
        loop(.adamW, V.self, o, r, n)
    }
    @inline(never) static func nadamLanes<V: LaneVector>(_: V.Type, _ o: Operands<V>, _ r: Results<V>, _ n: Int) {
        loop(.nadam, V.self, o, r, n)
    }
    @inline(never) static func radamLanes<V: LaneVector>(_: V.Type, _ o: Operands<V>, _ r: Results<V>, _ n: Int) {
        loop(.radam, V.self, o, r, n)
    }
    @inline(never) static func adamaxLanes<V: LaneVector>(_: V.Type, _ o: Operands<V>, _ r: Results<V>, _ n: Int) {
        loop(.adamax, V.self, o, r, n)
    }
    @inline(never) static func adadeltaLanes<V: LaneVector>(_: V.Type, _ o: Operands<V>, _ r: Results<V>, _ n: Int) {
        loop(.adadelta, V.self, o, r, n)
    }
    @inline(never) static func rpropLanes<V: LaneVector>(_: V.Type, _ o: Operands<V>, _ r: Results<V>, _ n: Int) {
        loop(.rprop, V.self, o, r, n)
    }
    @inline(never) static func rmspropLanes<V: LaneVector>(_: V.Type, _ o: Operands<V>, _ r: Results<V>, _ n: Int) {
        loop(.rmsprop, V.self, o, r, n)
    }
    @inline(never) static func adagradLanes<V: LaneVector>(_: V.Type, _ o: Operands<V>, _ r: Results<V>, _ n: Int) {
        loop(.adagrad, V.self, o, r, n)
    }

    /// The loop every kernel shares (`kernel` a constant in each caller):
    /// its lane operands (three or four: the gradient, its buffers, the
    /// parameter) loaded per vector, its uniform operands loaded once (as
    /// values, so that what is computed only from them, such as a
    /// reciprocal, is computed once), its results (as many) stored.
    @_transparent
    static func loop<V: LaneVector>(_ kernel: FusedKernel, _: V.Type, _ o: Operands<V>, _ r: Results<V>, _ n: Int) {
        typealias Lanes = Fused<LaneArithmeticOf<V>>
        let lanes = kernel.laneOperandCount, uniforms = kernel.operandCount - lanes
        let four = lanes == 4
        func uniform(_ k: Int) -> Lanes { Fused(k < uniforms ? o[lanes + k].vector(at: 0, as: V.Vector.self) : V.Vector(), ()) }
        let zero = Lanes(V.Vector(), ())
        var x = FusedOperands<LaneArithmeticOf<V>>(
            a: zero, b: zero, c: zero, d: zero, u0: uniform(0), u1: uniform(1), u2: uniform(2), u3: uniform(3), u4: uniform(4),
            u5: uniform(5), u6: uniform(6), u7: uniform(7), u8: uniform(8))
        let (a, b, c, d) = (o[0], o[1], o[2], four ? o[3] : o[2])
        let (r0, r1, r2, r3) = (r[0], r[1], r[2], four ? r[3] : r[2])
        var i = 0
        while i < n {
            // The next chunk's state and parameter, a chunk ahead: read only
            // here, after the gradient's steps, they were still in L3.
            gradlab_prefetch(UnsafeRawPointer(b.base + ((i &+ n) & b.mask)))
            gradlab_prefetch(UnsafeRawPointer(c.base + ((i &+ n) & c.mask)))
            if four { gradlab_prefetch(UnsafeRawPointer(d.base + ((i &+ n) & d.mask))) }
            x.a = Fused(a.vector(at: i, as: V.Vector.self), ())
            x.b = Fused(b.vector(at: i, as: V.Vector.self), ())
            x.c = Fused(c.vector(at: i, as: V.Vector.self), ())
            x.d = Fused(d.vector(at: i, as: V.Vector.self), ())
            let y = results(kernel, x)
            store(y.0.value, r0 + i)
            store(y.1.value, r1 + i)
            store(y.2.value, r2 + i)
            if four { store(y.3.value, r3 + i) }
            i &+= V.Vector.scalarCount
        }
    }
}

/// A fused kernel's operands: up to four with lanes (`a` the gradient,
/// then its buffers and the parameter, in ``FusedKernel``'s order) and up
/// to nine uniform ones; a kernel ignores those it does not have.
struct FusedOperands<A: FusedArithmetic> {
    var a, b, c, d: Fused<A>
    var u0, u1, u2, u3, u4, u5, u6, u7, u8: Fused<A>
}
