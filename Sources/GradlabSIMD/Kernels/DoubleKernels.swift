#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif

/// Double loops over ``DoubleVector``. Element semantics follow GradlabMath's
/// `ScalarMath` exactly for everything but the transcendental functions
/// (see ``DoubleMath`` for their error bounds).
///
/// Each case is its own loop calling a `@_transparent` function: passing
/// the operation as a closure to a shared loop left a call per vector (the
/// optimizer would not inline the closures). This file mirrors
/// `FloatKernels.swift` line for line.
enum DoubleKernels: LaneKernels {
    typealias V = DoubleVector

    @_transparent static func at(_ p: UnsafePointer<Double>, _ i: Int) -> V { load(p + i, as: V.self) }

    static func unary(_ op: LaneOperation, _ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        switch op {
        case .negate: negateLanes(x, r, n)
        case .sin: sinLanes(x, r, n)
        case .cos: cosLanes(x, r, n)
        case .tan: tanLanes(x, r, n)
        case .exp: expLanes(x, r, n)
        case .log: logLanes(x, r, n)
        case .sqrt: sqrtLanes(x, r, n)
        case .abs: absLanes(x, r, n)
        case .tanh: tanhLanes(x, r, n)
        case .sigmoid: sigmoidLanes(x, r, n)
        case .relu: reluLanes(x, r, n)
        case .sign: signLanes(x, r, n)
        case .step: stepLanes(x, r, n)
        case .sincos, .add, .subtract, .multiply, .divide, .power, .minimum, .maximum, .minimumGradient, .maximumGradient, .larger, .doubleAngle, .powerPair:
            preconditionFailure("not a one-result unary operation: \(op)")
        }
    }

    // One function per operation keeps each small enough that the optimizer
    // inlines the loads and stores too (one big switch of loops did not, in
    // the AVX-512 build).
    @inline(never) static func negateLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        // The sign bit flipped: -(+0) is -0, as in the scalar reference (`-v` on a vector gave +0).
        while i < n { store(V(bits: at(x, i).bits ^ Int64.min), r + i); i &+= V.scalarCount }
    }
    @inline(never) static func sinLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n { store(DoubleMath.sin(at(x, i)), r + i); i &+= V.scalarCount }
    }
    @inline(never) static func cosLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n { store(DoubleMath.cos(at(x, i)), r + i); i &+= V.scalarCount }
    }
    @inline(never) static func tanLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n { store(DoubleMath.tan(at(x, i)), r + i); i &+= V.scalarCount }
    }
    @inline(never) static func expLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n { store(DoubleMath.exp(at(x, i)), r + i); i &+= V.scalarCount }
    }
    @inline(never) static func logLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        // Ordinary vectors in a loop of their own, with no call in it (the
        // special lanes' path is not inlined, and a call would make the loop
        // reload its tables and constants every vector); from the first
        // vector with a special lane on, the general loop.
        while i < n {
            let v = at(x, i)
            if !DoubleMath.isOrdinaryForLog(v) { break }
            store(DoubleMath.logNormal(v, exponentAdjustment: DoubleBits()), r + i)
            i &+= V.scalarCount
        }
        while i < n { store(DoubleMath.log(at(x, i)), r + i); i &+= V.scalarCount }
    }
    @inline(never) static func sqrtLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n { store(squareRoot(at(x, i)), r + i); i &+= V.scalarCount }
    }
    @inline(never) static func absLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n { store(V(bits: at(x, i).bits & Int64.max), r + i); i &+= V.scalarCount }
    }
    @inline(never) static func tanhLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n { store(DoubleMath.tanh(at(x, i)), r + i); i &+= V.scalarCount }
    }
    @inline(never) static func sigmoidLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n { store(DoubleMath.sigmoid(at(x, i)), r + i); i &+= V.scalarCount }
    }
    @inline(never) static func reluLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n {
            let v = at(x, i)
            store(v.replacing(with: 0, where: v .< 0), r + i)
            i &+= V.scalarCount
        }
    }
    @inline(never) static func signLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n {
            let v = at(x, i)
            store(V(repeating: 0).replacing(with: 1, where: v .> 0).replacing(with: -1, where: v .< 0), r + i)
            i &+= V.scalarCount
        }
    }
    @inline(never) static func stepLanes(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n {
            store(V(repeating: 1).replacing(with: 0, where: at(x, i) .<= 0), r + i)
            i &+= V.scalarCount
        }
    }

    static func sincos(_ x: UnsafePointer<Double>, _ s: UnsafeMutablePointer<Double>, _ c: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n {
            let (sine, cosine) = DoubleMath.sincos(at(x, i))
            store(sine, s + i)
            store(cosine, c + i)
            i &+= V.scalarCount
        }
    }

    /// sin x and cos x from s = sin(x/2) and c = cos(x/2): 2sc (s + s is
    /// exact) and (c - s)(c + s). Both loaded before either is stored, so
    /// a destination may be an operand's register.
    @inline(never)
    static func doubleAngle(
        _ a: LaneOperand<Double>, _ b: LaneOperand<Double>, _ sine: UnsafeMutablePointer<Double>, _ cosine: UnsafeMutablePointer<Double>,
        _ n: Int
    ) {
        var i = 0
        while i < n {
            let (s, c) = (a.vector(at: i, as: V.self), b.vector(at: i, as: V.self))
            store((s + s) * c, sine + i)
            store((c - s) * (c + s), cosine + i)
            i &+= V.scalarCount
        }
    }

    static func binary(
        _ op: LaneOperation, _ a: LaneOperand<Double>, _ b: LaneOperand<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        let w = V.scalarCount
        var i = 0
        switch op {
        case .add: arithmeticLanes(AddLanes.self, a, b, r, n)
        case .subtract: arithmeticLanes(SubtractLanes.self, a, b, r, n)
        case .multiply: arithmeticLanes(MultiplyLanes.self, a, b, r, n)
        case .divide: arithmeticLanes(DivideLanes.self, a, b, r, n)
        case .power: powerLanes(a, b, r, n)
        case .minimum:
            while i < n {
                let (x, y) = (a.vector(at: i, as: V.self), b.vector(at: i, as: V.self))
                store(y.replacing(with: x, where: (x .< y) .| (x .!= x)), r + i)
                i &+= w
            }
        case .maximum:
            while i < n {
                let (x, y) = (a.vector(at: i, as: V.self), b.vector(at: i, as: V.self))
                store(y.replacing(with: x, where: (x .> y) .| (x .!= x)), r + i)
                i &+= w
            }
        case .minimumGradient:
            while i < n {
                let (x, y) = (a.vector(at: i, as: V.self), b.vector(at: i, as: V.self))
                store(V(repeating: 1).replacing(with: 0, where: x .> y).replacing(with: 0.5, where: x .== y), r + i)
                i &+= w
            }
        case .maximumGradient:
            while i < n {
                let (x, y) = (a.vector(at: i, as: V.self), b.vector(at: i, as: V.self))
                store(V(repeating: 1).replacing(with: 0, where: x .< y).replacing(with: 0.5, where: x .== y), r + i)
                i &+= w
            }
        case .larger:
            while i < n {
                let (x, y) = (a.vector(at: i, as: V.self), b.vector(at: i, as: V.self))
                store(x.replacing(with: y, where: y .>= x), r + i)
                i &+= w
            }
        default:
            preconditionFailure("not a binary operation: \(op)")
        }
    }

    /// `r = a op b`, one of the four arithmetic operations (``LaneArithmetic``).
    @inline(never)
    static func arithmeticLanes<Op: LaneArithmetic>(
        _: Op.Type, _ a: LaneOperand<Double>, _ b: LaneOperand<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        var i = 0
        if Op.isDivision && b.isUniform {
            let divisor = b.vector(at: 0, as: V.self), reciprocal = 1 / divisor
            while i < n {
                store(divide(a.vector(at: i, as: V.self), by: divisor, reciprocal: reciprocal), r + i)
                i &+= V.scalarCount
            }
            return
        }
        while i < n {
            store(Op.apply(a.vector(at: i, as: V.self), b.vector(at: i, as: V.self)), r + i)
            i &+= V.scalarCount
        }
    }

    static func compound(
        _ outer: LaneOperation, _ inner: LaneOperation, _ a: LaneOperand<Double>, _ b: LaneOperand<Double>,
        _ c: LaneOperand<Double>, _ innerFirst: Bool, _ negated: Bool, _ r: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        switch inner {
        case .add: compound(AddLanes.self, outer, a, b, c, innerFirst, negated, r, n)
        case .subtract: compound(SubtractLanes.self, outer, a, b, c, innerFirst, negated, r, n)
        case .multiply: compound(MultiplyLanes.self, outer, a, b, c, innerFirst, negated, r, n)
        default: compound(DivideLanes.self, outer, a, b, c, innerFirst, negated, r, n)
        }
    }

    static func compound<Inner: LaneArithmetic>(
        _ inner: Inner.Type, _ outer: LaneOperation, _ a: LaneOperand<Double>, _ b: LaneOperand<Double>,
        _ c: LaneOperand<Double>, _ innerFirst: Bool, _ negated: Bool, _ r: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        switch outer {
        case .add: compoundLanes(inner, AddLanes.self, a, b, c, innerFirst, negated, r, n)
        case .subtract: compoundLanes(inner, SubtractLanes.self, a, b, c, innerFirst, negated, r, n)
        case .multiply: compoundLanes(inner, MultiplyLanes.self, a, b, c, innerFirst, negated, r, n)
        default: compoundLanes(inner, DivideLanes.self, a, b, c, innerFirst, negated, r, n)
        }
    }

    /// One loop per (inner, outer) pair, both operations inlined; a negated
    /// result flips the sign bit (exactly `-x`).
    @inline(never)
    static func compoundLanes<Inner: LaneArithmetic, Outer: LaneArithmetic>(
        _: Inner.Type, _: Outer.Type, _ a: LaneOperand<Double>, _ b: LaneOperand<Double>,
        _ c: LaneOperand<Double>, _ innerFirst: Bool, _ negated: Bool, _ r: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        let sign = DoubleBits(repeating: negated ? Int64.min : 0)
        var i = 0
        if Inner.isDivision && b.isUniform {
            // (a / b) op c, or c op (a / b), by b's reciprocal.
            let divisor = b.vector(at: 0, as: V.self), reciprocal = 1 / divisor
            while i < n {
                let t = divide(a.vector(at: i, as: V.self), by: divisor, reciprocal: reciprocal)
                let x = c.vector(at: i, as: V.self)
                store(V(bits: (innerFirst ? Outer.apply(t, x) : Outer.apply(x, t)).bits ^ sign), r + i)
                i &+= V.scalarCount
            }
            return
        }
        if Outer.isDivision && innerFirst && c.isUniform {
            // (a op b) / c by c's reciprocal.
            let divisor = c.vector(at: 0, as: V.self), reciprocal = 1 / divisor
            while i < n {
                let t = Inner.apply(a.vector(at: i, as: V.self), b.vector(at: i, as: V.self))
                store(V(bits: divide(t, by: divisor, reciprocal: reciprocal).bits ^ sign), r + i)
                i &+= V.scalarCount
            }
            return
        }
        if innerFirst {
            while i < n {
                let t = Inner.apply(a.vector(at: i, as: V.self), b.vector(at: i, as: V.self))
                store(V(bits: Outer.apply(t, c.vector(at: i, as: V.self)).bits ^ sign), r + i)
                i &+= V.scalarCount
            }
        } else {
            while i < n {
                let t = Inner.apply(a.vector(at: i, as: V.self), b.vector(at: i, as: V.self))
                store(V(bits: Outer.apply(c.vector(at: i, as: V.self), t).bits ^ sign), r + i)
                i &+= V.scalarCount
            }
        }
    }

    static func sincos(
        of inner: LaneOperation, _ a: LaneOperand<Double>, _ b: LaneOperand<Double>,
        _ s: UnsafeMutablePointer<Double>, _ c: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        switch inner {
        case .add: sincosLanes(AddLanes.self, a, b, s, c, n)
        case .subtract: sincosLanes(SubtractLanes.self, a, b, s, c, n)
        case .multiply: sincosLanes(MultiplyLanes.self, a, b, s, c, n)
        default: sincosLanes(DivideLanes.self, a, b, s, c, n)
        }
    }

    @inline(never)
    static func sincosLanes<Inner: LaneArithmetic>(
        _: Inner.Type, _ a: LaneOperand<Double>, _ b: LaneOperand<Double>,
        _ s: UnsafeMutablePointer<Double>, _ c: UnsafeMutablePointer<Double>, _ n: Int
    ) {
        var i = 0
        while i < n {
            let (sine, cosine) = DoubleMath.sincos(Inner.apply(a.vector(at: i, as: V.self), b.vector(at: i, as: V.self)))
            store(sine, s + i)
            store(cosine, c + i)
            i &+= V.scalarCount
        }
    }

    static func fused(
        _ kernel: FusedKernel, _ o: UnsafePointer<LaneOperand<Double>>, _ r: UnsafePointer<UnsafeMutablePointer<Double>>, _ n: Int
    ) {
        FusedUpdates.run(kernel, DoubleLanes.self, o, r, n)
    }

    static func descend(_ p: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, _ step: Double, _ n: Int) {
        let w = V.scalarCount
        var i = 0
        while i + w <= n {
            store(at(UnsafePointer(p), i) + V(repeating: step) * at(g, i), p + i)
            i &+= w
        }
        while i < n {
            p[i] = p[i] + step * g[i]
            i &+= 1
        }
    }

    static func sum(_ x: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc = RunningSums()
        accumulate(x, n, &acc, squared: false)
        return acc.folded
    }

    /// Adds `x[i]` (or its square) to running sum `i mod 64` (``RunningSums``).
    @inline(never)
    static func accumulate(_ x: UnsafePointer<Double>, _ n: Int, _ acc: inout RunningSums, squared: Bool) {
        var i = 0
        while i + 64 <= n {
            let (a, b) = (load(x + i, as: SIMD16<Double>.self), load(x + i + 16, as: SIMD16<Double>.self))
            let (c, d) = (load(x + i + 32, as: SIMD16<Double>.self), load(x + i + 48, as: SIMD16<Double>.self))
            if squared {
                acc.a += a * a; acc.b += b * b; acc.c += c * c; acc.d += d * d
            } else {
                acc.a += a; acc.b += b; acc.c += c; acc.d += d
            }
            i &+= 64
        }
        while i < n {
            let v = Double(x[i])
            acc.add(squared ? v * v : v, lane: i & 63)
            i &+= 1
        }
    }

    /// The smallest and largest of `n` values, ignoring NaN, and whether
    /// any was NaN (min +inf and max -inf when all were).
    static func extremes(_ x: UnsafePointer<Double>, _ n: Int) -> (min: Double, max: Double, sawNaN: Bool) {
        let (low, high, nan) = extremeLanes(x, n)
        var minimum = Double.infinity, maximum = -Double.infinity, sawNaN = false
        for lane in 0..<V.scalarCount {
            if low[lane] < minimum { minimum = low[lane] }
            if high[lane] > maximum { maximum = high[lane] }
            if nan[lane] != 0 { sawNaN = true }
        }
        var i = n & ~(V.scalarCount - 1)
        while i < n {
            let v = x[i]
            if v < minimum { minimum = v }
            if v > maximum { maximum = v }
            if v != v { sawNaN = true }
            i &+= 1
        }
        return (minimum, maximum, sawNaN)
    }

    /// Lane-wise extremes of the whole vectors of `x`, and 1 in a lane that
    /// saw NaN. Its own function: with the lanes read in the same function,
    /// the loop compiled to shuffles, 20x slower.
    @inline(never)
    static func extremeLanes(_ x: UnsafePointer<Double>, _ n: Int) -> (V, V, V) {
        var low = V(repeating: .infinity), high = V(repeating: -.infinity)
        var nan = V(repeating: 0)
        var i = 0
        while i + V.scalarCount <= n {
            let v = at(x, i)
            low = low.replacing(with: v, where: v .< low)
            high = high.replacing(with: v, where: v .> high)
            nan = nan.replacing(with: 1, where: v .!= v)
            i &+= V.scalarCount
        }
        return (low, high, nan)
    }

    /// The sum of `a[i]^2` and then of `b[i]^2` over `n` lanes, in Double,
    /// into the running sums of ``sum(_:_:)``.
    static func sumOfSquares(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc = RunningSums()
        accumulate(a, n, &acc, squared: true)
        accumulate(b, n, &acc, squared: true)
        return acc.folded
    }
}
