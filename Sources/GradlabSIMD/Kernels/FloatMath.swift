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
        return mulAdd(r * z, p, r)
    }

    /// cos r = (1 - z/2) + z^2 Q(z) for |r| <= pi/4 (z = r*r). 1 - z/2 is
    /// rounded once (z/2 is exact) and is at least 0.69, so adding the
    /// small term after it costs no more than Cephes' small-terms-first
    /// order, in five operations instead of seven.
    @_transparent
    static func cosPolynomial(_ z: FloatVector) -> FloatVector {
        var q = mulAdd(z, FloatVector(repeating: 2.443315711809948e-5), FloatVector(repeating: -1.388731625493765e-3))
        q = mulAdd(q, z, FloatVector(repeating: 4.166664568298827e-2))
        return mulAdd(q, z * z, mulAdd(z, FloatVector(repeating: -0.5), FloatVector(repeating: 1)))
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
        let z = r * r
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
        let z = r * r
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
        let z = r * r
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

    /// x^y with C's `powf` special cases: computed in Double
    /// (``DoubleMath/pow(_:_:)``, within 2.4e-14 relative over every Float
    /// result) and rounded once to Float, so it is the correctly rounded
    /// powf wherever the true value is not within 2.4e-14 of a rounding
    /// boundary (glibc's powf is correctly rounded too).
    @_transparent
    static func pow(_ x: FloatVector, _ y: FloatVector) -> FloatVector {
        let (x0, x1) = widen(x), (y0, y1) = widen(y)
        return narrow(DoubleMath.pow(x0, y0), DoubleMath.pow(x1, y1))
    }
}
