#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementary functions over ``DoubleVector``: Cephes `sin.c` polynomials
/// (reduction by pi/2 in lanes), fdlibm's `log` scheme, and minimax
/// polynomials fitted for gradlab (`Benchmarks/tools/coefficients.py` regenerates them).
///
/// Same rules as ``FloatMath``: `@_transparent`, no `.rounded()`, FMA only
/// through `mulAdd`, magic-number rounding (1.5 * 2^52).
enum DoubleMath {
    /// x >= 0 reduced to r in about [-pi/4, pi/4] and the quadrant j mod 4.
    /// pi/2 in three parts (26 + 26 + 53 bits): j*p1 and j*p2 are exact for
    /// j < 2^27, so lanes up to 2e8 stay in the vector path.
    @_transparent
    static func reduce(_ a: DoubleVector) -> (r: DoubleVector, quadrant: DoubleBits) {
        // One FMA a step where the set has FMA (see FloatMath.reduce).
        let t = mulAdd(a, DoubleVector(repeating: 0.6366197723675814), DoubleVector(repeating: 6_755_399_441_055_744))
        let j = t - 6_755_399_441_055_744
        var r = mulAdd(j, DoubleVector(repeating: -1.5707963407039642), a)
        r = mulAdd(j, DoubleVector(repeating: 1.3909067675399456e-08), r)
        r = mulAdd(j, DoubleVector(repeating: -6.123233995736766e-17), r)
        return (r, t.bits & 3)
    }

    @_transparent
    static func sinPolynomial(_ r: DoubleVector, _ z: DoubleVector) -> DoubleVector {
        var y = mulAdd(z, DoubleVector(repeating: 1.58962301576546568060e-10), DoubleVector(repeating: -2.50507477628578072866e-8))
        y = mulAdd(y, z, DoubleVector(repeating: 2.75573136213857245213e-6))
        y = mulAdd(y, z, DoubleVector(repeating: -1.98412698295895385996e-4))
        y = mulAdd(y, z, DoubleVector(repeating: 8.33333333332211858878e-3))
        y = mulAdd(y, z, DoubleVector(repeating: -1.66666666666666307295e-1))
        return mulAdd(r * z, y, r)  // r + r z P(z), the last step fused where the set has FMA
    }

    /// cos r = 1 - z/2 + z^2 P(z), with fdlibm's recovery of the rounding
    /// error of 1 - z/2.
    @_transparent
    static func cosPolynomial(_ z: DoubleVector) -> DoubleVector {
        var y = mulAdd(z, DoubleVector(repeating: -1.13585365213876817300e-11), DoubleVector(repeating: 2.08757008419747316778e-9))
        y = mulAdd(y, z, DoubleVector(repeating: -2.75573141792967388112e-7))
        y = mulAdd(y, z, DoubleVector(repeating: 2.48015872888517045348e-5))
        y = mulAdd(y, z, DoubleVector(repeating: -1.38888888888730564116e-3))
        y = mulAdd(y, z, DoubleVector(repeating: 4.16666666666665929218e-2))
        y = y * z * z
        let half = z * 0.5
        let w = 1 - half
        return w + (((1 - w) - half) + y)
    }

    /// sin x and cos x from one reduction. Lanes past the reduction's range
    /// (and infinities) take a separate, non-inlined path through libm, so
    /// the common path keeps everything in registers.
    @_transparent
    static func sincos(_ x: DoubleVector) -> (sin: DoubleVector, cos: DoubleVector) {
        let a = DoubleVector(bits: x.bits & Int64.max)
        if anyLane(a .> 2e8) { return sincosThroughLibm(x) }
        return sincosReduced(x)
    }

    @inline(never)
    static func sincosThroughLibm(_ x: DoubleVector) -> (sin: DoubleVector, cos: DoubleVector) {
        var (sine, cosine) = sincosReduced(x)
        for i in 0..<DoubleVector.scalarCount where !(x[i].magnitude <= 2e8) {
            sine[i] = libmSin(x[i])
            cosine[i] = libmCos(x[i])
        }
        return (sine, cosine)
    }

    /// The vector path of ``sincos(_:)`` for |x| within the reduction's range.
    @_transparent
    static func sincosReduced(_ x: DoubleVector) -> (sin: DoubleVector, cos: DoubleVector) {
        let sign = x.bits & Int64.min
        let a = DoubleVector(bits: x.bits & Int64.max)
        let (r, q) = reduce(a)
        let z = r * r
        let s = sinPolynomial(r, z)
        let c = cosPolynomial(z)
        let odd = (q & 1) .== DoubleBits(repeating: 1)
        let sine = DoubleVector(bits: s.replacing(with: c, where: odd).bits ^ ((q & 2) &<< 62) ^ sign)
        let cosine = DoubleVector(bits: c.replacing(with: s, where: odd).bits ^ (((q &+ 1) & 2) &<< 62))
        return (sine, cosine)
    }

    @_transparent static func sin(_ x: DoubleVector) -> DoubleVector { sincos(x).sin }

    @_transparent static func cos(_ x: DoubleVector) -> DoubleVector { sincos(x).cos }

    @_transparent
    static func tan(_ x: DoubleVector) -> DoubleVector {
        let sign = x.bits & Int64.min
        let a = DoubleVector(bits: x.bits & Int64.max)
        let (r, q) = reduce(a)
        let z = r * r
        let s = sinPolynomial(r, z)
        let c = cosPolynomial(z)
        let odd = (q & 1) .== DoubleBits(repeating: 1)
        let t = s.replacing(with: c, where: odd) / c.replacing(with: -s, where: odd)
        var result = DoubleVector(bits: t.bits ^ sign)
        let far = a .> 2e8
        if anyLane(far) {
            for i in 0..<DoubleVector.scalarCount where far[i] { result[i] = libmTan(x[i]) }
        }
        return result
    }

    /// e^r - 1 for |r| <= ln2/2: r + r^2 P(r), P of degree 10 (relative
    /// error of the fit 3e-18).
    @_transparent
    static func expm1Reduced(_ r: DoubleVector) -> DoubleVector {
        var p = mulAdd(r, DoubleVector(repeating: 2.08893639814043e-09), DoubleVector(repeating: 2.5105173610911122e-08))
        p = mulAdd(p, r, DoubleVector(repeating: 2.75573496491388e-07))
        p = mulAdd(p, r, DoubleVector(repeating: 2.7557255514267434e-06))
        p = mulAdd(p, r, DoubleVector(repeating: 2.4801587245711503e-05))
        p = mulAdd(p, r, DoubleVector(repeating: 0.00019841269874720774))
        p = mulAdd(p, r, DoubleVector(repeating: 0.001388888888891797))
        p = mulAdd(p, r, DoubleVector(repeating: 0.008333333333326167))
        p = mulAdd(p, r, DoubleVector(repeating: 0.041666666666666616))
        p = mulAdd(p, r, DoubleVector(repeating: 0.1666666666666667))
        p = mulAdd(p, r, DoubleVector(repeating: 0.5))
        return p * (r * r) + r
    }

    /// n = round(x / ln 2) and r = x - n ln 2 (ln 2 in 32 + 53 bits).
    @_transparent
    static func reduceExp(_ v: DoubleVector) -> (r: DoubleVector, n: DoubleBits) {
        let t = v * 1.4426950408889634 + 6_755_399_441_055_744
        let n = t - 6_755_399_441_055_744
        var r = v - n * 6.93147180369123816490e-01
        r = r - n * 1.90821492927058770002e-10
        return (r, t.bits &- DoubleBits(repeating: 0x4338_0000_0000_0000))
    }

    /// e^x, with 2^n applied in two halves (right near overflow and for
    /// subnormal results).
    @_transparent
    static func exp(_ x: DoubleVector) -> DoubleVector {
        var v = x.replacing(with: 710, where: x .> 710)  // NaN compares false and stays
        v = v.replacing(with: -746, where: v .< -746)
        let (r, k) = reduceExp(v)
        let y = expm1Reduced(r) + 1
        let k1 = k &>> 1
        let scale1 = DoubleVector(bits: (k1 &+ 1023) &<< 52)
        let scale2 = DoubleVector(bits: (k &- k1 &+ 1023) &<< 52)
        return y * scale1 * scale2
    }

    /// e^v - 1 for 0 <= v <= 40, relative-accurate near 0.
    @_transparent
    static func expm1Positive(_ v: DoubleVector) -> DoubleVector {
        let (r, k) = reduceExp(v)
        let scale = DoubleVector(bits: (k &+ 1023) &<< 52)
        return expm1Reduced(r) * scale + (scale - 1)
    }

    /// tanh |x| = u / (u + 2) with u = e^(2|x|) - 1, then x's sign; 1 from |x| = 20 on.
    @_transparent
    static func tanh(_ x: DoubleVector) -> DoubleVector {
        let a = DoubleVector(bits: x.bits & Int64.max)
        let c = a.replacing(with: 20, where: a .> 20)
        let u = expm1Positive(c + c)
        let t = u / (u + 2)
        return DoubleVector(bits: t.bits | (x.bits & Int64.min))
    }

    @_transparent
    static func sigmoid(_ x: DoubleVector) -> DoubleVector { 1 / (1 + exp(-x)) }

    /// log x after fdlibm: x = 2^k m, m in [sqrt(1/2), sqrt(2)), f = m - 1,
    /// s = f / (2 + f), log m = f - (f^2/2 - s (f^2/2 + R(s^2))), R of degree 7.
    @_transparent
    static func log(_ x: DoubleVector) -> DoubleVector {
        let subnormal = x .< Double.leastNormalMagnitude
        let xs = x.replacing(with: x * 4_503_599_627_370_496, where: subnormal)
        var k = (xs.bits &>> 52) &- 1023
        k = k.replacing(with: k &- 52, where: subnormal)
        var m = DoubleVector(bits: (xs.bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)  // [1, 2)
        let high = m .> 1.4142135623730951
        k = k.replacing(with: k &+ 1, where: high)
        m = m.replacing(with: m * 0.5, where: high)
        let f = m - 1
        let s = f / (f + 2)
        let z = s * s
        var p = mulAdd(z, DoubleVector(repeating: 0.14616873705096697), DoubleVector(repeating: 0.1533168418133685))
        p = mulAdd(p, z, DoubleVector(repeating: 0.18182890363389848))
        p = mulAdd(p, z, DoubleVector(repeating: 0.22222211115917173))
        p = mulAdd(p, z, DoubleVector(repeating: 0.2857142862610555))
        p = mulAdd(p, z, DoubleVector(repeating: 0.3999999999989918))
        p = mulAdd(p, z, DoubleVector(repeating: 0.666666666666667))
        let rz = p * z
        let hfsq = f * f * 0.5
        let dk = DoubleVector(bits: k &+ 0x4338_0000_0000_0000) - 6_755_399_441_055_744  // k as a Double
        var result = dk * 6.93147180369123816490e-01
        result = result - ((hfsq - (s * (hfsq + rz) + dk * 1.90821492927058770002e-10)) - f)
        result = result.replacing(with: -.infinity, where: x .== 0)
        result = result.replacing(with: .nan, where: x .< 0)
        result = result.replacing(with: x, where: (x .== .infinity) .| (x .!= x))
        return result
    }

    /// x^y with C's `pow` special cases (y = 0 or x = 1 give 1, even with a
    /// NaN; a negative finite x with a finite non-integer y gives NaN; an odd
    /// integer y keeps x's sign; zeros and infinities as C99 Annex F), as
    /// e^(y log|x|). In Double that loses about |y log x| ulp to the product's
    /// rounding (within (2 + |y ln x|) * 2.3e-16 relative of the true value):
    /// Float's pow takes it for its lanes, where it is far below half a Float
    /// ulp.
    @_transparent
    static func pow(_ x: DoubleVector, _ y: DoubleVector) -> DoubleVector {
        let ax = DoubleVector(bits: x.bits & Int64.max)
        var r = exp(y * log(ax))
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
}
