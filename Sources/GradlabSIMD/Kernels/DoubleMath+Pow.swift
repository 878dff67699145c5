#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif

/// ``DoubleMath``'s pow: e^(y log|x|) with the logarithm in two parts and
/// the product exact, from 16-entry tables and no division, and a constant
/// half-integer exponent's shortcut (docs/performance.md).
extension DoubleMath {
    /// x^y with C's `pow` special cases (y = 0 or x = 1 give 1, even with a
    /// NaN; a negative finite x with a finite non-integer y gives NaN; an odd
    /// integer y keeps x's sign; zeros and infinities as C99 Annex F), as
    /// e^(y log|x|) with log|x| in two parts (``powLog(_:)``) and
    /// y log|x| = t + tail exactly (``twoProduct(_:_:)``), so the product
    /// loses nothing: e^(t + tail) (``powExp(_:_:)``) is within about
    /// 1.1 ulp of the true value, plus |y log x| * 2^-62 relative for what the
    /// logarithm's two parts leave out. Tables of 16 entries, no division.
    @_transparent
    static func pow(_ x: DoubleVector, _ y: DoubleVector) -> DoubleVector {
        let ax = DoubleVector(bits: x.bits & Int64.max)
        var r = power(powLog(ax), y)
        // y's kind: an integer (every |y| >= 2^52 is), and an odd one.
        let ay = DoubleVector(bits: y.bits & Int64.max)
        let magic = DoubleVector(repeating: 4_503_599_627_370_496)
        let whole = (ay .>= magic) .| (((ay + magic) - magic) .== ay)
        let half = ay * 0.5
        let odd = whole .& (ay .< 2 * magic) .& (((half + magic) - magic) .!= half)
        let negative = x .< 0
        r = DoubleVector(bits: r.bits | (x.bits & Int64.min)).replacing(with: r, where: .!odd)
        r = r.replacing(with: .nan, where: negative .& (x .> -.infinity) .& .!whole .& (ay .< .infinity))
        // |x| = 1 with an infinite y (0 * inf): 1, as 1^y and y = 0 are.
        let one = DoubleVector(repeating: 1)
        r = r.replacing(with: one, where: (y .== 0) .| (x .== 1) .| ((ax .== 1) .& (ay .== .infinity)))
        return r
    }

    /// x^y for a finite, nonzero y the same in every lane (`kind` from its
    /// value) and an x whose every lane has a normal, finite magnitude
    /// (``isRegularBase(_:)``; the kernels take ``pow(_:_:)`` for any other
    /// vector): ``pow(_:_:)``'s bits. For such lanes the logarithm's
    /// subnormal scaling and pow's selections of special cases either
    /// cannot apply or depend only on y, so they are made once for the loop
    /// instead of per vector (x = +-1 needs none: log 1 is 0 in both parts
    /// and e^+-0 is 1 exactly).
    /// `small`: |y| <= 1.9 (``PowerExponent/small``), so y log|x| lies within
    /// +-1400 and e^t needs no clamp (``powExp(_:_:clamped:)``).
    @_transparent
    static func pow(regular x: DoubleVector, uniform y: DoubleVector, _ kind: PowerExponent, small: Bool) -> DoubleVector {
        let log = powLogCore(DoubleVector(bits: x.bits & Int64.max), exponentAdjustment: DoubleBits())
        return kind.finish(power(log, y, clamped: !small), base: x)
    }

    /// x^y and x^z for uniform y and z as ``pow(regular:uniform:_:small:)``
    /// gives each, log|x| computed once for both (``LaneOperation/powerPair``);
    /// `small`: both are.
    @_transparent
    static func pow(
        regular x: DoubleVector, uniform y: DoubleVector, _ yKind: PowerExponent, and z: DoubleVector, _ zKind: PowerExponent,
        small: Bool
    ) -> (DoubleVector, DoubleVector) {
        let log = powLogCore(DoubleVector(bits: x.bits & Int64.max), exponentAdjustment: DoubleBits())
        return (yKind.finish(power(log, y, clamped: !small), base: x), zKind.finish(power(log, z, clamped: !small), base: x))
    }

    /// e^(y log|x|) from log|x| in two parts, as ``pow(_:_:)`` computes it.
    @_transparent
    static func power(_ log: (high: DoubleVector, low: DoubleVector), _ y: DoubleVector, clamped: Bool = true) -> DoubleVector {
        var (t, tail) = twoProduct(y, log.high)
        tail = mulAdd(y, log.low, tail)
        return powExp(t, tail, clamped: clamped)
    }

    /// Whether every lane of `x` has a normal, finite magnitude: |x|'s bits
    /// minus those of the least normal Double below the span of normal
    /// ones, compared unsigned (by offsetting both by 2^63): one comparison.
    @_transparent
    static func isRegularBase(_ x: DoubleVector) -> Bool {
        let offset = (x.bits & Int64.max) &+ (Int64.min &- 0x0010_0000_0000_0000)
        return !anyLane(offset .>= DoubleBits(repeating: Int64(bitPattern: 0xFFE0_0000_0000_0000)))
    }

    /// m where y = +-(m + 1/2) with m in 0...3, else nil: a constant
    /// exponent of that kind takes ``powHalfInteger(_:_:m:reciprocal:)``.
    static func halfIntegerPower(_ y: Double) -> Int? {
        let m = y.magnitude - 0.5
        guard m >= 0, m <= 3, Double(Int(m)) == m else { return nil }
        return Int(m)
    }

    /// x^y for a constant y = +-(m + 1/2), m in 0...3 (``halfIntegerPower(_:)``):
    /// |x|^m sqrt|x|, or its reciprocal for a negative y, and NaN for a
    /// negative x, as ``pow(_:_:)`` gives. At most five roundings
    /// (5.6e-16 relative), inside pow's bound of (3 + |y ln x|) 2.3e-16.
    /// Lanes with |x| outside [2^-200, 2^200] (zeros, infinities, NaN, and
    /// where |x|^(m + 1/2) could leave the normal range) take ``pow(_:_:)``
    /// instead, lane by lane, so every lane's result is the same at every
    /// vector width.
    @_transparent
    static func powHalfInteger(_ x: DoubleVector, _ y: DoubleVector, m: Int, reciprocal: Bool) -> DoubleVector {
        let ax = DoubleVector(bits: x.bits & Int64.max)
        var p = squareRoot(ax)
        for _ in 0..<m { p = p * ax }
        if reciprocal { p = 1 / p }
        p = p.replacing(with: .nan, where: x .< 0)
        let special = .!((ax .>= 0x1p-200) .& (ax .<= 0x1p200))
        if anyLane(special) { p = p.replacing(with: pow(x, y), where: special) }
        return p
    }

    /// a * b = product + error exactly (barring overflow): one FMA where the
    /// set has it, Dekker's product of 26-bit halves (split by masking)
    /// on the baseline.
    @_transparent
    static func twoProduct(_ a: DoubleVector, _ b: DoubleVector) -> (product: DoubleVector, error: DoubleVector) {
        let product = a * b
        #if GRADLAB_SIMD_AVX2 || GRADLAB_SIMD_AVX512
        return (product, mulAdd(a, b, -product))
        #else
        let keep = DoubleBits(repeating: -0x0800_0000)  // clears the low 27 bits
        let ah = DoubleVector(bits: a.bits & keep), bh = DoubleVector(bits: b.bits & keep)
        let al = a - ah, bl = b - bh
        return (product, ((ah * bh - product) + ah * bl + al * bh) + al * bl)
        #endif
    }

    /// log a for pow as high + low, |low| within a few ulp of high, the
    /// pair within about 2^-62 relative of log a (a >= 0; 0 gives -inf,
    /// inf and NaN themselves in high): subnormals scaled by 2^52 first,
    /// then ``logReduction(_:exponentAdjustment:)``, and log(1 + r) - r +
    /// r^2/2 by its series to r^12 (truncation 5e-20 relative).
    @_transparent
    static func powLog(_ a: DoubleVector) -> (high: DoubleVector, low: DoubleVector) {
        let subnormal = a .< Double.leastNormalMagnitude
        let scaled = a.replacing(with: a * 4_503_599_627_370_496, where: subnormal)
        let (high, low) = powLogCore(scaled, exponentAdjustment: DoubleBits().replacing(with: -52, where: subnormal))
        var result = high.replacing(with: -.infinity, where: a .== 0)
        result = result.replacing(with: a, where: (a .== .infinity) .| (a .!= a))
        return (result, low)
    }

    /// ``powLog(_:)`` of a normal, finite, positive `a` (the others
    /// unspecified), its exponent adjusted by `exponentAdjustment` (-52 in
    /// lanes scaled up by 2^52).
    @_transparent
    static func powLogCore(_ a: DoubleVector, exponentAdjustment: DoubleBits) -> (high: DoubleVector, low: DoubleVector) {
        let (rh, rl, t2, lo12) = logReduction(a, exponentAdjustment: exponentAdjustment)
        let ar2 = rh * rh * -0.5
        let high = t2 + ar2
        let lo4 = (t2 - high) + ar2
        // r^3 (1/3 - r/4 + r^2/5 - ... + r^9/12), pairs then powers (Estrin).
        let r2 = rh * rh, r4 = r2 * r2
        let q0 = mulAdd(rh, DoubleVector(repeating: -1.0 / 4), DoubleVector(repeating: 1.0 / 3))
        let q1 = mulAdd(rh, DoubleVector(repeating: -1.0 / 6), DoubleVector(repeating: 1.0 / 5))
        let q2 = mulAdd(rh, DoubleVector(repeating: -1.0 / 8), DoubleVector(repeating: 1.0 / 7))
        let q3 = mulAdd(rh, DoubleVector(repeating: -1.0 / 10), DoubleVector(repeating: 1.0 / 9))
        let q4 = mulAdd(rh, DoubleVector(repeating: -1.0 / 12), DoubleVector(repeating: 1.0 / 11))
        let upper = mulAdd(r4, q4, mulAdd(r2, q3, q2))
        let series = mulAdd(r4, upper, mulAdd(r2, q1, q0)) * (r2 * rh)
        let low = (lo12 + (lo4 + mulAdd(-rl, rh, rl))) + series
        return (high, low)
    }

    /// e^(t + tail) for pow, |tail| within a few ulp of t (tail is ignored
    /// where t is past +-750 or not finite: the result is 0, inf or NaN
    /// either way). t clamped to [-746, 710], t = n ln2/16 + f with
    /// |f| <= ln2/32 (ln2/16 in two parts, n ln2/16's first exact),
    /// 2^(n/16) = 2^(n >> 4) 2^(j/16) from a table (with each entry's
    /// rounding error in a second one), e^f by its series to f^7
    /// (truncation 1.2e-18), 2^(n >> 4) applied in
    /// two halves (right near overflow and for subnormal results).
    ///
    /// Unclamped (`clamped` false) for a t known to lie within +-1400:
    /// 2^(n >> 4) in two halves is then still two normal powers, so past
    /// +-746 the result overflows or underflows to the same inf or 0 as
    /// the clamped t gives, and every other lane is the same bits.
    @_transparent
    static func powExp(_ t: DoubleVector, _ tail: DoubleVector, clamped: Bool = true) -> DoubleVector {
        let powers = SIMD16<Double>(
            1, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0, 0x1.2387a6e756238p+0,
            0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0, 0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0,
            0x1.6a09e667f3bcdp+0, 0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0,
            0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0, 0x1.ea4afa2a490dap+0)
        // Each power's rounding error relative to it (mpmath), added to e^f - 1.
        let tails = SIMD16<Double>(
            0, 0x1.79aa65d837b6dp-54, -0x1.01b15eaa59348p-55, 0x1.68efde3a8a894p-54,
            0x1.34d754db0abb6p-55, 0x1.59f48a72a4c6dp-55, 0x1.690cebb7aafb0p-56, 0x1.063e1e21c5409p-54,
            -0x1.3b3efbf5e2228p-54, -0x1.b32dcb94da51dp-56, 0x1.db72fc1f0eab4p-55, 0x1.1affc2b91ce27p-56,
            0x1.c1a7792cb3387p-55, 0x1.36eae30af0cb3p-56, 0x1.4a385a63d07a7p-56, -0x1.ff7128fd391f0p-55)
        var (v, tl) = (t, tail)
        if clamped {
            tl = DoubleVector().replacing(with: tail, where: DoubleVector(bits: t.bits & Int64.max) .< 750)
            v = v.replacing(with: 710, where: v .> 710)  // NaN compares false and stays
            v = v.replacing(with: -746, where: v .< -746)
        }
        let shift = DoubleVector(repeating: 6_755_399_441_055_744)
        let rounded = mulAdd(v, DoubleVector(repeating: 23.083120654223414), shift)  // 16/ln2
        let nd = rounded - shift
        let n = rounded.bits &- shift.bits
        var f = mulAdd(nd, DoubleVector(repeating: -0x1.62e42fee00000p-5), v)  // exact
        f = mulAdd(nd, DoubleVector(repeating: -0x1.a39ef35793c76p-37), f) + tl
        // e^f - 1 = f + f^2 (1/2 + f/6 + f^2/24 + ... + f^5/5040).
        let f2 = f * f
        let c0 = mulAdd(f, DoubleVector(repeating: 1.0 / 6), DoubleVector(repeating: 0.5))
        let c1 = mulAdd(f, DoubleVector(repeating: 1.0 / 120), DoubleVector(repeating: 1.0 / 24))
        let c2 = mulAdd(f, DoubleVector(repeating: 1.0 / 5040), DoubleVector(repeating: 1.0 / 720))
        let j = n & 15
        let q = mulAdd(f2, mulAdd(f2, mulAdd(f2, c2, c1), c0), f + lookup(tails, j))
        #if GRADLAB_SIMD_AVX512
        // 2^(j/16) (1 + q), then 2^floor(n/16) applied with one rounding:
        // the same bits as the two halves below (each scaling is exact
        // until the last, which rounds the same value once).
        let power = lookup(powers, j)
        return scaled(mulAdd(power, q, power), byPowerOfTwo: nd * 0.0625)
        #else
        let k = n &>> 4
        let k1 = k &>> 1
        let scale = DoubleVector(bits: lookup(powers, j).bits &+ ((k &- k1) &<< 52))
        return mulAdd(scale, q, scale) * DoubleVector(bits: (k1 &+ 1023) &<< 52)
        #endif
    }
}

/// A constant exponent's kind, for pow's uniform path
/// (``FloatMath/pow(regular:uniform:_:small:)``, ``DoubleMath/pow(regular:uniform:_:small:)``):
/// whether it is an integer, and an odd one, as the general pow tells per lane.
struct PowerExponent {
    var whole: Bool
    var odd: Bool

    /// Whether |y| is at most the `small` given: where every y log|x| a
    /// regular base gives lies inside the range pow's exponential takes
    /// unclamped (Float: |y| <= 6, |log2 x| <= 149, 2^t within +-900;
    /// Double: |y| <= 1.9, |log x| <= 709.8, e^t within +-1400).
    var small: Bool

    /// A Float exponent's kind; nil for a zero or non-finite y (those take
    /// the general pow).
    @inline(__always)
    init?(_ y: Float) { self.init(Double(y), oddBelow: 0x1p24, small: 6) }

    /// A Double exponent's kind; nil for a zero or non-finite y.
    @inline(__always)
    init?(_ y: Double) { self.init(y, oddBelow: 0x1p53, small: 1.9) }

    /// `limit` the least magnitude with no odd integer, `small` the bound of ``small``.
    @inline(__always)
    private init?(_ y: Double, oddBelow limit: Double, small: Double) {
        guard y.isFinite, y != 0 else { return nil }
        whole = y.rounded(.towardZero) == y
        odd = whole && y.magnitude < limit && Int64(y) & 1 != 0
        self.small = y.magnitude <= small
    }

    /// |x|^y as computed (`magnitude`) with the sign an odd y keeps, or
    /// NaN for a negative x where y is not an integer.
    @_transparent
    func finish(_ magnitude: FloatVector, base x: FloatVector) -> FloatVector {
        if odd { return FloatVector(bits: magnitude.bits | (x.bits & Int32.min)) }
        return whole ? magnitude : magnitude.replacing(with: .nan, where: x .< 0)
    }

    @_transparent
    func finish(_ magnitude: DoubleVector, base x: DoubleVector) -> DoubleVector {
        if odd { return DoubleVector(bits: magnitude.bits | (x.bits & Int64.min)) }
        return whole ? magnitude : magnitude.replacing(with: .nan, where: x .< 0)
    }
}

/// Whether pow's exponential may skip its clamp (``PowerExponent/small``),
/// as a type: the uniform pow loops are specialized for each.
protocol ExponentRange {
    static var small: Bool { get }
}

/// Every exponent of the loop is ``PowerExponent/small``.
enum SmallExponent: ExponentRange {
    @_transparent static var small: Bool { true }
}

/// Some exponent of the loop is not.
enum AnyExponent: ExponentRange {
    @_transparent static var small: Bool { false }
}
