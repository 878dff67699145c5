#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementary functions over ``FloatVector``, after Cephes (`sinf.c`,
/// `expf.c`, `logf.c`) with the argument reduction done in lanes.
///
/// Everything is `@_transparent`, so each kernel loop inlines its function
/// whole (with `@inline(__always)` some helpers stayed calls). No `.rounded()`:
/// on the baseline target it becomes a per-lane libm call; rounding to an
/// integer is the magic-number trick instead (adding 1.5 * 2^23 leaves the
/// nearest integer in the low mantissa bits). `.addingProduct` only through
/// `mulAdd`, which uses it only where the target has FMA.
///
/// Measured error against glibc (`Tests/GradlabMathTests/VectorMathTests.swift`,
/// and `docs/performance.md`): sin, cos below 2e-7 absolute on
/// [-1e4, 1e4]; exp, log, tanh, sigmoid a few ulp relative.
enum FloatMath {
    /// x >= 0 reduced to r in about [-pi/4, pi/4] and the quadrant j mod 4,
    /// x = j*pi/2 + r. pi/2 is split in three (11 + 11 + 24 bits), so j*p1 and
    /// j*p2 are exact for j < 2^13 and r is good to about 1 ulp.
    @_transparent
    ///
    /// With FMA each step is one instruction (`mulAdd`); the first two
    /// products are exact either way, so only the last step and the
    /// rounding to j gain a bit. Without FMA this is the multiply and add
    /// (a - j*p = a + j*(-p) exactly).
    static func reduce(_ a: FloatVector) -> (r: FloatVector, quadrant: FloatBits) {
        let t = mulAdd(a, FloatVector(repeating: 0.636619772367581343), FloatVector(repeating: 12_582_912))
        let j = t - 12_582_912
        var r = mulAdd(j, FloatVector(repeating: -1.5703125), a)
        r = mulAdd(j, FloatVector(repeating: -4.837512969970703e-4), r)
        r = mulAdd(j, FloatVector(repeating: -7.549790126404332e-8), r)
        return (r, t.bits & 3)
    }

    /// sin r = r + r z P(z) for |r| <= pi/4 (z = r*r): four operations
    /// where the set has FMA, the last one fused.
    @_transparent
    static func sinPolynomial(_ r: FloatVector, _ z: FloatVector) -> FloatVector {
        var p = mulAdd(z, FloatVector(repeating: -1.9515295891e-4), FloatVector(repeating: 8.3321608736e-3))
        p = mulAdd(p, z, FloatVector(repeating: -1.6666654611e-1))
        return mulAdd(product(r, z), p, r)
    }

    /// cos r = (1 - z/2) + z^2 Q(z) for |r| <= pi/4 (z = r*r). 1 - z/2 is
    /// rounded once (z/2 is exact) and is at least 0.69, so adding the
    /// small term after it costs no more than Cephes' small-terms-first
    /// order, in five operations instead of seven.
    @_transparent
    static func cosPolynomial(_ z: FloatVector) -> FloatVector {
        var q = mulAdd(z, FloatVector(repeating: 2.443315711809948e-5), FloatVector(repeating: -1.388731625493765e-3))
        q = mulAdd(q, z, FloatVector(repeating: 4.166664568298827e-2))
        return mulAdd(q, product(z, z), mulAdd(z, FloatVector(repeating: -0.5), FloatVector(repeating: 1)))
    }

    /// sin x and cos x from one reduction.
    /// sin x and cos x from one reduction. Lanes past the reduction's range
    /// (and infinities) take a separate, non-inlined path through libm, so
    /// the common path keeps everything in registers.
    @_transparent
    static func sincos(_ x: FloatVector) -> (sin: FloatVector, cos: FloatVector) {
        let a = FloatVector(bits: x.bits & Int32.max)
        if anyLane(a .> 12_800) { return sincosThroughLibm(x) }
        return sincosReduced(x)
    }

    @inline(never)
    static func sincosThroughLibm(_ x: FloatVector) -> (sin: FloatVector, cos: FloatVector) {
        var (sine, cosine) = sincosReduced(x)
        for i in 0..<FloatVector.scalarCount where !(x[i].magnitude <= 12_800) {
            sine[i] = libmSin(x[i])
            cosine[i] = libmCos(x[i])
        }
        return (sine, cosine)
    }

    /// The vector path of ``sincos(_:)`` for |x| within the reduction's range.
    @_transparent
    static func sincosReduced(_ x: FloatVector) -> (sin: FloatVector, cos: FloatVector) {
        let sign = x.bits & Int32.min
        let a = FloatVector(bits: x.bits & Int32.max)
        let (r, q) = reduce(a)
        let z = product(r, r)
        let s = sinPolynomial(r, z)
        let c = cosPolynomial(z)
        let odd = (q & 1) .== FloatBits(repeating: 1)
        // sin: s, c, -s, -c by quadrant, then x's sign (sin is odd, and
        // reducing |x| keeps sin(-0) = -0). cos: c, -s, -c, s.
        let sine = FloatVector(bits: s.replacing(with: c, where: odd).bits ^ ((q & 2) &<< 30) ^ sign)
        let cosine = FloatVector(bits: c.replacing(with: s, where: odd).bits ^ (((q &+ 1) & 2) &<< 30))
        return (sine, cosine)
    }

    @_transparent static func sin(_ x: FloatVector) -> FloatVector { sincos(x).sin }

    @_transparent static func cos(_ x: FloatVector) -> FloatVector { sincos(x).cos }

    /// tan x = sin/cos in the quadrant's terms, so both stay relative-accurate.
    @_transparent
    static func tan(_ x: FloatVector) -> FloatVector {
        let sign = x.bits & Int32.min
        let a = FloatVector(bits: x.bits & Int32.max)
        let (r, q) = reduce(a)
        let z = product(r, r)
        let s = sinPolynomial(r, z)
        let c = cosPolynomial(z)
        let odd = (q & 1) .== FloatBits(repeating: 1)
        let t = s.replacing(with: c, where: odd) / c.replacing(with: -s, where: odd)
        var result = FloatVector(bits: t.bits ^ sign)
        let far = a .> 12_800  // j*p1 inexact beyond: libm takes these lanes (and infinities)
        if anyLane(far) {
            for i in 0..<FloatVector.scalarCount where far[i] { result[i] = libmTan(x[i]) }
        }
        return result
    }

    /// e^x: n = round(x / ln 2), r = x - n ln 2 in two parts, a degree-5
    /// polynomial for e^r - 1 - r, and 2^n applied in two halves so that
    /// results near overflow come out right.
    ///
    /// A result that would be subnormal (x < ln(2^-126) = -87.3365) is 0,
    /// and no subnormal is computed on the way: on Intel cores each vector
    /// instruction that produces or multiplies a subnormal takes a
    /// microcode assist (about 150 cycles), and `exp(-x2^2)` over a
    /// landscape in [0, 10]^2 put one in two of three AVX-512 vectors (the
    /// user-typed Float function ran at 0.34 of the tutorial's there).
    /// The difference from the C library is below 1.2e-38.
    @_transparent
    static func exp(_ x: FloatVector) -> FloatVector {
        var v = x.replacing(with: 89, where: x .> 89)  // NaN compares false and stays
        let tiny = v .< -87.33654475
        v = v.replacing(with: -87.33654475, where: tiny)
        let t = v * 1.44269504088896341 + 12_582_912
        let n = t - 12_582_912
        var r = v - n * 0.693359375
        r = r - n * -2.12194440e-4
        let y = expm1Reduced(r) + 1
        let k = t.bits &- FloatBits(repeating: 0x4B40_0000)
        let k1 = k &>> 1
        let scale1 = FloatVector(bits: (k1 &+ 127) &<< 23)
        let scale2 = FloatVector(bits: (k &- k1 &+ 127) &<< 23)
        return (y * scale1 * scale2).replacing(with: 0, where: tiny)
    }

    /// e^r - 1 for |r| <= ln2/2 (Cephes expf's polynomial).
    @_transparent
    static func expm1Reduced(_ r: FloatVector) -> FloatVector {
        let z = product(r, r)
        var p = mulAdd(r, FloatVector(repeating: 1.9875691500e-4), FloatVector(repeating: 1.3981999507e-3))
        p = mulAdd(p, r, FloatVector(repeating: 8.3334519073e-3))
        p = mulAdd(p, r, FloatVector(repeating: 4.1665795894e-2))
        p = mulAdd(p, r, FloatVector(repeating: 1.6666665459e-1))
        p = mulAdd(p, r, FloatVector(repeating: 5.0000001201e-1))
        return p * z + r
    }

    /// e^v - 1 for 0 <= v <= 20, relative-accurate near 0: 2^n (e^r - 1) + (2^n - 1).
    @_transparent
    static func expm1Positive(_ v: FloatVector) -> FloatVector {
        let t = v * 1.44269504088896341 + 12_582_912
        let n = t - 12_582_912
        var r = v - n * 0.693359375
        r = r - n * -2.12194440e-4
        let scale = FloatVector(bits: (t.bits &- FloatBits(repeating: 0x4B40_0000) &+ 127) &<< 23)
        return expm1Reduced(r) * scale + (scale - 1)
    }

    /// tanh |x| = u / (u + 2) with u = e^(2|x|) - 1, then x's sign; 1 from |x| = 10 on.
    @_transparent
    static func tanh(_ x: FloatVector) -> FloatVector {
        let a = FloatVector(bits: x.bits & Int32.max)
        let c = a.replacing(with: 10, where: a .> 10)
        let u = expm1Positive(c + c)
        let t = u / (u + 2)
        return FloatVector(bits: t.bits | (x.bits & Int32.min))
    }

    /// torch.sigmoid's formula, 1 / (1 + e^-x).
    @_transparent
    static func sigmoid(_ x: FloatVector) -> FloatVector { 1 / (1 + exp(-x)) }

    /// log x: x = 2^e m with m in [sqrt(1/2), sqrt(2)), f = m - 1, and
    /// Cephes logf's degree-9 polynomial; ln 2 in two parts.
    @_transparent
    static func log(_ x: FloatVector) -> FloatVector {
        let subnormal = x .< Float.leastNormalMagnitude
        let xs = x.replacing(with: x * 8_388_608, where: subnormal)
        var e = (xs.bits &>> 23) &- 126
        e = e.replacing(with: e &- 23, where: subnormal)
        var m = FloatVector(bits: (xs.bits & 0x007F_FFFF) | 0x3F00_0000)  // [0.5, 1)
        let low = m .< 0.707106781186547524
        e = e.replacing(with: e &- 1, where: low)
        m = m.replacing(with: m + m, where: low)
        let f = m - 1
        let z = f * f
        var y = mulAdd(f, FloatVector(repeating: 7.0376836292e-2), FloatVector(repeating: -1.1514610310e-1))
        y = mulAdd(y, f, FloatVector(repeating: 1.1676998740e-1))
        y = mulAdd(y, f, FloatVector(repeating: -1.2420140846e-1))
        y = mulAdd(y, f, FloatVector(repeating: 1.4249322787e-1))
        y = mulAdd(y, f, FloatVector(repeating: -1.6668057665e-1))
        y = mulAdd(y, f, FloatVector(repeating: 2.0000714765e-1))
        y = mulAdd(y, f, FloatVector(repeating: -2.4999993993e-1))
        y = mulAdd(y, f, FloatVector(repeating: 3.3333331174e-1))
        y = y * f * z
        let fe = FloatVector(bits: e &+ 0x4B40_0000) - 12_582_912  // the integer e as a Float
        y = y + fe * -2.12194440e-4
        y = y - z * 0.5
        var result = f + y
        result = result + fe * 0.693359375
        // log(±0) = -inf, log(negative) = NaN, log(inf) = inf, log(NaN) = NaN.
        result = result.replacing(with: -.infinity, where: x .== 0)
        result = result.replacing(with: .nan, where: x .< 0)
        result = result.replacing(with: x, where: (x .== .infinity) .| (x .!= x))
        return result
    }

    /// x^y with C's `powf` special cases (y = 0 or x = 1 give 1, even with
    /// a NaN; a negative finite x with a finite non-integer y gives NaN; an
    /// odd integer y keeps x's sign; zeros and infinities as C99 Annex F):
    /// |x|^y = 2^(y log2|x|) in Double for each half of the vector
    /// (``powLog2(_:)``, ``powExp2(_:clamped:)``, no division), rounded once to
    /// Float. Before that rounding it is within ln2 |t| 1.3e-10 + 4.2e-11
    /// relative of the true value, t = y log2|x| (the logarithm's series,
    /// relative to log2|x|, and exp2's): at most 1.4e-8 wherever the result
    /// is a nonzero finite Float (|t| < 150), below half a Float ulp
    /// (2^-25 relative at least), so the result is the correctly rounded
    /// powf except where the true value lies that close to a rounding
    /// boundary, and then one ulp from it.
    @_transparent
    static func pow(_ x: FloatVector, _ y: FloatVector) -> FloatVector {
        let ax = FloatVector(bits: x.bits & Int32.max)
        let (x0, x1) = widen(ax), (y0, y1) = widen(y)
        var r = narrow(powExp2(y0 * powLog2(x0)), powExp2(y1 * powLog2(x1)))
        // y's kind: an integer (every |y| >= 2^23 is), and an odd one.
        let ay = FloatVector(bits: y.bits & Int32.max)
        let magic = FloatVector(repeating: 8_388_608)
        let whole = (ay .>= magic) .| (((ay + magic) - magic) .== ay)
        let half = ay * 0.5
        let odd = whole .& (ay .< 2 * magic) .& (((half + magic) - magic) .!= half)
        r = FloatVector(bits: r.bits | (x.bits & Int32.min)).replacing(with: r, where: .!odd)
        r = r.replacing(with: .nan, where: (x .< 0) .& (x .> -.infinity) .& .!whole .& (ay .< .infinity))
        // |x| = 1 with an infinite y (0 * inf): 1, as 1^y and y = 0 are.
        let one = FloatVector(repeating: 1)
        return r.replacing(with: one, where: (y .== 0) .| (x .== 1) .| ((ax .== 1) .& (ay .== .infinity)))
    }

    /// x^y for a finite, nonzero y the same in every lane (`y` with its
    /// Double halves, ``withHalves(_:)``; `kind` from its value) and an x
    /// whose every lane is finite and nonzero (``isRegularBase(_:)``; the
    /// kernels take ``pow(_:_:)`` for any other vector): ``pow(_:_:)``'s
    /// bits. For such lanes pow's selections of special cases either cannot
    /// apply or depend only on y, so they are made once for the loop
    /// instead of per vector (x = +-1 needs none: log2 1 is 0 and 2^+-0 is
    /// 1 exactly).
    /// `small`: |y| <= 6 (``PowerExponent/small``), so y log2|x| lies within
    /// +-900 and 2^t needs no clamp (``powExp2(_:clamped:)``).
    @_transparent
    static func pow(
        regular x: FloatVector, uniform y: (FloatVector, DoubleVector, DoubleVector), _ kind: PowerExponent, small: Bool
    ) -> FloatVector {
        let (x0, x1) = widen(FloatVector(bits: x.bits & Int32.max))
        return kind.finish(narrow(powExp2(y.1 * powLog2Core(x0), clamped: !small), powExp2(y.2 * powLog2Core(x1), clamped: !small)),
                           base: x)
    }

    /// x^y and x^z for uniform y and z as ``pow(regular:uniform:_:small:)``
    /// gives each, log2|x| computed once for both (``LaneOperation/powerPair``);
    /// `small`: both are.
    @_transparent
    static func pow(
        regular x: FloatVector, uniform y: (FloatVector, DoubleVector, DoubleVector), _ yKind: PowerExponent,
        and z: (FloatVector, DoubleVector, DoubleVector), _ zKind: PowerExponent, small: Bool
    ) -> (FloatVector, FloatVector) {
        let (x0, x1) = widen(FloatVector(bits: x.bits & Int32.max))
        let (l0, l1) = (powLog2Core(x0), powLog2Core(x1))
        return (yKind.finish(narrow(powExp2(y.1 * l0, clamped: !small), powExp2(y.2 * l1, clamped: !small)), base: x),
                zKind.finish(narrow(powExp2(z.1 * l0, clamped: !small), powExp2(z.2 * l1, clamped: !small)), base: x))
    }

    /// Whether every lane of `x` is finite and nonzero (NaN is not): |x|'s
    /// bits minus 1 below those of the largest finite Float, compared
    /// unsigned (by offsetting both by 2^31): one comparison, not four.
    @_transparent
    static func isRegularBase(_ x: FloatVector) -> Bool {
        let offset = (x.bits & Int32.max) &+ Int32.max  // |x| bits - 1, its top bit flipped
        return !anyLane(offset .>= FloatBits(repeating: Int32(bitPattern: 0xFF7F_FFFF)))
    }

    /// `y` and its two halves widened, for ``pow(regular:uniform:_:small:)``.
    @_transparent
    static func withHalves(_ y: FloatVector) -> (FloatVector, DoubleVector, DoubleVector) {
        let (low, high) = widen(y)
        return (y, low, high)
    }

    /// x^y for a constant y = +-(m + 1/2), m in 0...3
    /// (``DoubleMath/halfIntegerPower(_:)``): |x|^m sqrt|x| in Double (its
    /// reciprocal for a negative y), rounded once to Float, and NaN for a
    /// negative x, as ``pow(_:_:)`` gives. Before the rounding it is within
    /// five Double roundings (5.6e-16) of the true value, so it is the
    /// correctly rounded powf but where the true value is that close to a
    /// rounding boundary. No intermediate leaves Double's normal range.
    /// Zero, infinite and NaN lanes take ``pow(_:_:)`` instead, lane by lane.
    @_transparent
    static func powHalfInteger(_ x: FloatVector, _ y: FloatVector, m: Int, reciprocal: Bool) -> FloatVector {
        let ax = FloatVector(bits: x.bits & Int32.max)
        let (a0, a1) = widen(ax)
        var p0 = squareRoot(a0), p1 = squareRoot(a1)
        for _ in 0..<m {
            p0 = p0 * a0
            p1 = p1 * a1
        }
        if reciprocal {
            p0 = 1 / p0
            p1 = 1 / p1
        }
        var p = narrow(p0, p1).replacing(with: .nan, where: x .< 0)
        let special = .!((ax .> 0) .& (ax .< .infinity))
        if anyLane(special) { p = p.replacing(with: pow(x, y), where: special) }
        return p
    }

    /// log2 a of a widened Float magnitude (+0 gives -inf, inf and NaN
    /// themselves): a = 2^k z with z in [0.699, 1.398), z in one of 16
    /// subintervals by its top mantissa bits, log2 z = log2 c + log2(1 + r)
    /// with r = z/c - 1 = z * (1/c) - 1 (|r| < 0.0297; c = 1 for the one
    /// holding 1, so log2 is relative-accurate near 1), log2(1 + r) by its
    /// series to r^6 (truncation below 4.1e-12 absolute, 1.3e-10 relative to
    /// log2 a: 2.4e-11 in the subinterval holding 1, where |r| < 0.0235).
    /// A widened Float is never a subnormal Double.
    @_transparent
    static func powLog2(_ a: DoubleVector) -> DoubleVector {
        let result = powLog2Core(a).replacing(with: -.infinity, where: a .== 0)
        return result.replacing(with: a, where: (a .== .infinity) .| (a .!= a))
    }

    /// ``powLog2(_:)`` of a positive finite `a` (the others unspecified).
    @_transparent
    static func powLog2Core(_ a: DoubleVector) -> DoubleVector {
        let inverses = SIMD16<Double>(
            0x1.661ec6a5122f9p+0, 0x1.571ed3c506b3ap+0, 0x1.49539e3b2d067p+0, 0x1.3c995a47babe7p+0,
            0x1.30d190130d190p+0, 0x1.25e22708092f1p+0, 0x1.1bb4a4046ed29p+0, 0x1.12358e75d3033p+0,
            0x1.0953f39010954p+0, 1, 0x1.e573ac901e574p-1, 0x1.ca4b3055ee191p-1,
            0x1.b2036406c80d9p-1, 0x1.9c2d14ee4a102p-1, 0x1.886e5f0abb04ap-1, 0x1.767dce434a9b1p-1)
        // -log2 of each inverse above, correctly rounded (mpmath).
        let logs = SIMD16<Double>(
            -0x1.efec61b011f85p-2, -0x1.b0b67f4f46812p-2, -0x1.7418acebbf18fp-2, -0x1.39de8e1559f6ep-2,
            -0x1.01d9bbcfa61d4p-2, -0x1.97c1cb13c7ec0p-3, -0x1.2f9e32d5bfdd1p-3, -0x1.960caf9abb7c1p-4,
            -0x1.a6f9c377dd31dp-5, 0, 0x1.3aa2fdd27f1bfp-4, 0x1.476a9f983f74dp-3,
            0x1.e840be74e6a4dp-3, 0x1.406463b1b0448p-2, 0x1.88e9c72e0b224p-2, 0x1.ce0a4923a587dp-2)
        let offset = a.bits &- 0x3FE6_6000_0000_0000  // 0.69921875
        let index = (offset &>> 48) & 15
        let k = offset &>> 52
        let z = DoubleVector(bits: a.bits &- (offset & -0x0010_0000_0000_0000))
        let r = mulAdd(z, lookup(inverses, index), DoubleVector(repeating: -1))
        let dk = asDouble(k)
        // log2(1 + r) = r (1/ln2 - r/(2 ln2) + r^2/(3 ln2) - ...).
        // Pairs, then powers of r^2 (Estrin): three roundings deep, not five.
        let r2 = r * r
        let c = mulAdd(r, DoubleVector(repeating: -0.24044917348149392), DoubleVector(repeating: 0.28853900817779266))
        let b = mulAdd(r, DoubleVector(repeating: -0.36067376022224085), DoubleVector(repeating: 0.48089834696298783))
        let a = mulAdd(r, DoubleVector(repeating: -0.7213475204444817), DoubleVector(repeating: 1.4426950408889634))
        let p = mulAdd(r2, mulAdd(r2, c, b), a)
        return mulAdd(p, r, dk + lookup(logs, index))
    }

    /// 2^t for pow: t clamped to [-160, 130] (NaN stays; past the ends the
    /// Float result is 0 or inf either way), t = n/16 + f with |f| <= 1/32,
    /// 2^(n/16) = 2^(n >> 4) * 2^(j/16) from a table, 2^f by its series to
    /// f^4 (truncation below 4e-11 relative: (ln2/32)^5/120; the f^5
    /// term it had cost a fifth of a power pair's time, Zen 5). Unclamped (`clamped`
    /// false) for a t known to lie within +-900: 2^t is then a normal Double
    /// and its rounding to Float the same 0 or inf past the ends as the
    /// clamped value's, every other value the same bits (the clamp, a
    /// minimum and a maximum per vector, was an eighth of a power pair's time).
    @_transparent
    static func powExp2(_ t: DoubleVector, clamped: Bool = true) -> DoubleVector {
        let powers = SIMD16<Double>(
            1, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0, 0x1.2387a6e756238p+0,
            0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0, 0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0,
            0x1.6a09e667f3bcdp+0, 0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0,
            0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0, 0x1.ea4afa2a490dap+0)
        var v = t
        if clamped {
            v = v.replacing(with: 130, where: v .> 130)  // NaN compares false and stays
            v = v.replacing(with: -160, where: v .< -160)
        }
        let shift = DoubleVector(repeating: 0x1.8p48)  // its ulp is 1/16: adding it rounds v to sixteenths
        let rounded = v + shift
        let n = rounded.bits &- shift.bits  // round(16 v)
        let f = v - (rounded - shift)  // exact
        var p = mulAdd(f, DoubleVector(repeating: 0.009618129107628477), DoubleVector(repeating: 0.055504108664821576))
        p = mulAdd(p, f, DoubleVector(repeating: 0.2402265069591007))
        p = mulAdd(p, f, DoubleVector(repeating: 0.6931471805599453))
        #if GRADLAB_SIMD_AVX512
        // 2^(j/16) (1 + f p), then 2^floor(n/16) applied (exact: 2^t is a
        // normal Double here), rounded - shift being n/16: the same bits.
        let power = lookup(powers, n & 15)
        return scaled(mulAdd(power, p * f, power), byPowerOfTwo: rounded - shift)
        #else
        let scale = DoubleVector(bits: lookup(powers, n & 15).bits &+ ((n &>> 4) &<< 52))
        return mulAdd(scale, p * f, scale)
        #endif
    }
}
