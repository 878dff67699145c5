#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementary functions over ``DoubleVector``: Cephes `sin.c` polynomials
/// (reduction by pi/2 in lanes), a table-driven `log` without division, and minimax
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
        return mulAdd(product(r, z), y, r)  // r + r z P(z), the last step fused where the set has FMA
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
        y = product(product(y, z), z)
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
        let z = product(r, r)
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
        let z = product(r, r)
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
    /// u as ``expm1Positive(_:)`` computes it, but with the reduction's
    /// multiply-adds fused (where the set has FMA) and the polynomial in
    /// pairs and powers (Estrin) rather than Horner's rule: the loop was
    /// bound by its one long dependency chain (about 30 dependent operations
    /// and the division), not by its operation count (docs/performance.md).
    @_transparent
    static func tanh(_ x: DoubleVector) -> DoubleVector {
        let a = DoubleVector(bits: x.bits & Int64.max)
        let c = a.replacing(with: 20, where: a .> 20)
        let v = c + c
        let shift = DoubleVector(repeating: 6_755_399_441_055_744)
        let rounded = mulAdd(v, DoubleVector(repeating: 1.4426950408889634), shift)
        let n = rounded - shift
        var r = mulAdd(n, DoubleVector(repeating: -6.93147180369123816490e-01), v)
        r = mulAdd(n, DoubleVector(repeating: -1.90821492927058770002e-10), r)
        let scale = DoubleVector(bits: (rounded.bits &- shift.bits &+ 1023) &<< 52)
        // e^r - 1 = r + r^2 P(r), P as in expm1Reduced.
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let p0 = mulAdd(r, DoubleVector(repeating: 0.1666666666666667), DoubleVector(repeating: 0.5))
        let p1 = mulAdd(r, DoubleVector(repeating: 0.008333333333326167), DoubleVector(repeating: 0.041666666666666616))
        let p2 = mulAdd(r, DoubleVector(repeating: 0.00019841269874720774), DoubleVector(repeating: 0.001388888888891797))
        let p3 = mulAdd(r, DoubleVector(repeating: 2.7557255514267434e-06), DoubleVector(repeating: 2.4801587245711503e-05))
        let p4 = mulAdd(r, DoubleVector(repeating: 2.5105173610911122e-08), DoubleVector(repeating: 2.75573496491388e-07))
        let q0 = mulAdd(r2, p1, p0)
        let q1 = mulAdd(r2, p3, p2)
        let q2 = mulAdd(r2, DoubleVector(repeating: 2.08893639814043e-09), p4)
        let p = mulAdd(r8, q2, mulAdd(r4, q1, q0))
        let u = mulAdd(mulAdd(p, r2, r), scale, scale - 1)
        let t = u / (u + 2)
        return DoubleVector(bits: t.bits | (x.bits & Int64.min))
    }

    @_transparent
    static func sigmoid(_ x: DoubleVector) -> DoubleVector { 1 / (1 + exp(-x)) }

    /// log x. Lanes that are all positive, normal and finite (the usual
    /// case) take ``logNormal(_:exponentAdjustment:)`` alone; a vector with
    /// any other lane (zero, subnormal, negative, infinite, NaN) takes
    /// ``logSpecial(_:)``, which is not inlined, so the common path carries
    /// none of the special cases' blends.
    @_transparent
    static func log(_ x: DoubleVector) -> DoubleVector {
        if !isOrdinaryForLog(x) { return logSpecial(x) }
        return logNormal(x, exponentAdjustment: DoubleBits())
    }

    /// Whether every lane is positive, normal and finite (NaN compares false).
    @_transparent
    static func isOrdinaryForLog(_ x: DoubleVector) -> Bool {
        !anyLane(.!((x .>= Double.leastNormalMagnitude) .& (x .< .infinity)))
    }

    /// ``log(_:)`` with C99's special cases: subnormals scaled by 2^52
    /// first, log +-0 = -inf, log of a negative = NaN, log inf = inf, NaN stays.
    @inline(never)
    static func logSpecial(_ x: DoubleVector) -> DoubleVector {
        let subnormal = x .< Double.leastNormalMagnitude
        let xs = x.replacing(with: x * 4_503_599_627_370_496, where: subnormal)
        var result = logNormal(xs, exponentAdjustment: DoubleBits().replacing(with: -52, where: subnormal))
        result = result.replacing(with: -.infinity, where: x .== 0)
        result = result.replacing(with: .nan, where: x .< 0)
        result = result.replacing(with: x, where: (x .== .infinity) .| (x .!= x))
        return result
    }

    /// log x for positive, normal, finite lanes (others give some number),
    /// with `exponentAdjustment` added to the exponent: (k ln2 + log c) + rh
    /// carried exactly (``logReduction(_:exponentAdjustment:)``) plus the
    /// tails, rl and rh^2 P(rh). No division. P of degree 7 fits
    /// (log(1 + r) - r) / r^2 to 9.4e-16 relative, which is below 0.06 ulp
    /// of the result.
    @_transparent
    static func logNormal(_ x: DoubleVector, exponentAdjustment: DoubleBits) -> DoubleVector {
        let (rh, rl, high, low) = logReduction(x, exponentAdjustment: exponentAdjustment)
        // Pairs, then powers (Estrin): a short dependency chain, which is
        // what bounds these loops (docs/performance.md), not the op count.
        let r2 = rh * rh, r4 = r2 * r2
        let e0 = mulAdd(rh, DoubleVector(repeating: 0.3333333333333321), DoubleVector(repeating: -0.49999999999999956))
        let e1 = mulAdd(rh, DoubleVector(repeating: 0.2000000000226862), DoubleVector(repeating: -0.2500000000170436))
        let e2 = mulAdd(rh, DoubleVector(repeating: 0.14285703845039052), DoubleVector(repeating: -0.16666656980722377))
        let e3 = mulAdd(rh, DoubleVector(repeating: 0.11128183944744811), DoubleVector(repeating: -0.1251761147878448))
        let q = mulAdd(r4, mulAdd(r2, e3, e2), mulAdd(r2, e1, e0))
        return high + mulAdd(r2, q, low + rl)
    }

    /// The reduction ``logNormal(_:exponentAdjustment:)`` and
    /// ``powLog(_:)`` share, for positive, normal, finite x: x = 2^k z
    /// (k plus `exponentAdjustment`), z in [0.699, 1.398) and in one of 16
    /// subintervals by its top mantissa bits; with c^-1 from a table (26
    /// bits; exactly 1 for the subinterval holding 1), r = z c^-1 - 1
    /// exactly as rh + rl (|r| < 0.0297); log x = k ln2 + log c + log(1 + r),
    /// where k ln2 + log c's leading part is exact (ln2's and log c's
    /// leading parts are multiples of 2^-42) and its sum with rh is carried
    /// exactly (Fast2Sum: |k ln2 + log c| >= |r| wherever it is not 0) as
    /// high + (part of) low, low also holding the leading parts' tails.
    @_transparent
    static func logReduction(
        _ x: DoubleVector, exponentAdjustment: DoubleBits
    ) -> (rh: DoubleVector, rl: DoubleVector, high: DoubleVector, low: DoubleVector) {
        let inverses = SIMD16<Double>(
            0x1.661ec68p+0, 0x1.571ed4p+0, 0x1.49539ep+0, 0x1.3c995a8p+0, 0x1.30d19p+0, 0x1.25e227p+0, 0x1.1bb4a4p+0, 0x1.12358e8p+0,
            0x1.0953f38p+0, 1, 0x1.e573ac8p-1, 0x1.ca4b308p-1, 0x1.b20364p-1, 0x1.9c2d15p-1, 0x1.886e5fp-1, 0x1.767dce8p-1)
        // -log of each inverse (mpmath): a multiple of 2^-42, and the rest.
        let logHighs = SIMD16<Double>(
            -0x1.57bf74d28dp-2, -0x1.2bef087dc9p-2, -0x1.01eae4aa6cp-2, -0x1.b31d86e1bcp-3,
            -0x1.6574eb68c2p-3, -0x1.1aa2b7aa4p-3, -0x1.a4e763cb1cp-4, -0x1.1973bdac64p-4,
            -0x1.252f3108dp-5, 0, 0x1.b42dd82198p-5, 0x1.c5e5477dbcp-4,
            0x1.526e5e5a1cp-3, 0x1.bc2866ead8p-3, 0x1.1058bfb6e5p-2, 0x1.404307c26ap-2)
        let logLows = SIMD16<Double>(
            -0x1.fa8716e5ce002p-46, -0x1.a956a4a50e2c9p-45, -0x1.a3fbafade06f0p-44, -0x1.c7543362ade72p-44,
            0x1.98c9d34f0f9b7p-44, 0x1.1ac515de3b3d8p-44, 0x1.e42f6b9440873p-47, -0x1.566a434f931d0p-44,
            -0x1.83daaa021acc8p-45, 0, -0x1.c81ea65d66d19p-46, 0x1.d10a7d85f7a6ep-46,
            -0x1.790b237fc5223p-44, 0x1.9ac90739d1061p-44, -0x1.4ab85017d525bp-44, 0x1.f925150499ac3p-44)
        let offset = x.bits &- 0x3FE6_6000_0000_0000  // 0.69921875
        let index = (offset &>> 48) & 15
        let k = (offset &>> 52) &+ exponentAdjustment
        let z = DoubleVector(bits: x.bits &- (offset & -0x0010_0000_0000_0000))
        let inverse = lookup(inverses, index)
        #if GRADLAB_SIMD_AVX2 || GRADLAB_SIMD_AVX512
        // z c^-1 = p + e exactly; p - 1 is exact (p is near 1) and |e| is
        // below its ulp, so Fast2Sum gives r exactly.
        let p = z * inverse
        let e = mulAdd(z, inverse, -p)
        let a1 = p - 1
        let rh = a1 + e
        let rl = (a1 - rh) + e
        #else
        // z's top 26 bits times the 26-bit c^-1 are exact, and so is the
        // rest of z times c^-1; TwoSum adds them exactly.
        let zh = DoubleVector(bits: z.bits & DoubleBits(repeating: -0x0800_0000))
        let a1 = zh * inverse - 1, b1 = (z - zh) * inverse
        let rh = a1 + b1
        let bv = rh - a1
        let rl = (a1 - (rh - bv)) + (b1 - bv)
        #endif
        let dk = asDouble(k)
        let t1 = mulAdd(dk, DoubleVector(repeating: 6.93147180369123816490e-01), lookup(logHighs, index))  // exact
        let high = t1 + rh
        let lo2 = (t1 - high) + rh
        let lo1 = mulAdd(dk, DoubleVector(repeating: 1.90821492927058770002e-10), lookup(logLows, index))
        return (rh, rl, high, lo1 + lo2)
    }
}
