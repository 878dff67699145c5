// Shared by GradlabSIMD, GradlabSIMDAVX2 and GradlabSIMDAVX512: the two
// variant targets hold symbolic links to the files in this folder and build
// them with their own `-mavx2` / `-mavx512*` flags and a define that picks
// the widths below. Nothing here may call a generic function that is not
// inlined (such as `pointwiseMin`): its specialization would be a shared
// symbol, and the linker could hand the AVX copy to baseline code.
#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif
import CGradlabVector
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Vector widths per instruction set. Every width divides 16, so chunks (a
// multiple of 16 lanes) split into whole vectors at every level. Each lane
// goes through the same IEEE operations whatever the width, except that the
// AVX2 and AVX-512 builds fuse the polynomials' multiply-adds (`mulAdd`):
// those two agree bit for bit, and with the baseline to rounding.
#if GRADLAB_SIMD_AVX512
/// One zmm register of Floats.
typealias FloatVector = SIMD16<Float>
/// One zmm register of Doubles.
typealias DoubleVector = SIMD8<Double>
#elseif GRADLAB_SIMD_AVX2
typealias FloatVector = SIMD8<Float>
typealias DoubleVector = SIMD4<Double>
#else
// Two xmm registers per vector on the x86-64 baseline: independent halves
// give the out-of-order core work to overlap.
typealias FloatVector = SIMD8<Float>
typealias DoubleVector = SIMD4<Double>
#endif

/// `a * b + c`: one fused multiply-add (one rounding) where the kernel set
/// has FMA, a multiply and an add on the baseline.
@_transparent
func mulAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: BinaryFloatingPoint {
    #if GRADLAB_SIMD_AVX2 || GRADLAB_SIMD_AVX512
    c.addingProduct(a, b)
    #else
    a * b + c
    #endif
}

/// `a * b`, as a fused multiply-add of -0 where the kernel set has FMA:
/// the same bits, without the slow path AMD's Zen 5 takes for a multiply
/// whose product underflows (`gradlab_product_*` in gradlab_vector.h). For the multiplies that meet tiny values in a long
/// run (points settling on a minimum at 0).
@_transparent
func product(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
    #if GRADLAB_SIMD_AVX512
    gradlab_product_float16(a, b)
    #elseif GRADLAB_SIMD_AVX2
    gradlab_product_float8(a, b)
    #else
    a * b
    #endif
}

@_transparent
func product(_ a: DoubleVector, _ b: DoubleVector) -> DoubleVector {
    #if GRADLAB_SIMD_AVX512
    gradlab_product_double8(a, b)
    #elseif GRADLAB_SIMD_AVX2
    gradlab_product_double4(a, b)
    #else
    a * b
    #endif
}

/// The correctly rounded square root of every lane, as one vector
/// instruction (see `gradlab_vector.h`).
@_transparent
func squareRoot(_ x: FloatVector) -> FloatVector {
    #if GRADLAB_SIMD_AVX512
    gradlab_sqrt_float16(x)
    #else
    gradlab_sqrt_float8(x)
    #endif
}

@_transparent
func squareRoot(_ x: DoubleVector) -> DoubleVector {
    #if GRADLAB_SIMD_AVX512
    gradlab_sqrt_double8(x)
    #else
    gradlab_sqrt_double4(x)
    #endif
}

/// ``squareRoot(_:)`` under a name no SIMD member shadows (for extensions of the vector types).
@_transparent func vectorSquareRoot(_ x: FloatVector) -> FloatVector { squareRoot(x) }
@_transparent func vectorSquareRoot(_ x: DoubleVector) -> DoubleVector { squareRoot(x) }

/// A Float vector's two halves as Double vectors, exactly.
@_transparent
func widen(_ x: FloatVector) -> (low: DoubleVector, high: DoubleVector) {
    #if GRADLAB_SIMD_AVX512
    (gradlab_widen_low_float16(x), gradlab_widen_high_float16(x))
    #else
    (gradlab_widen_float4(x.lowHalf), gradlab_widen_float4(x.highHalf))
    #endif
}

/// Two Double vectors rounded to Float lanes (to nearest), low then high.
@_transparent
func narrow(_ low: DoubleVector, _ high: DoubleVector) -> FloatVector {
    #if GRADLAB_SIMD_AVX512
    gradlab_narrow_double8x2(low, high)
    #else
    FloatVector(lowHalf: gradlab_narrow_double4(low), highHalf: gradlab_narrow_double4(high))
    #endif
}

/// `x / b` given `y`, the correctly rounded reciprocal `1 / b` (computed
/// once for a divisor that is the same in every lane, or for two
/// quotients by one divisor): q = x y, then q + (x - q b) y with both
/// corrections fused. By Markstein's theorem that is the correctly rounded
/// quotient, the same bits as `x / b`, whenever nothing in between
/// overflows or underflows; a vector with a lane outside the range where
/// that holds (a zero, tiny, huge, infinite or NaN dividend or reciprocal:
/// outside [2^-60, 2^60]) is divided as usual. A multiply and two multiply-adds cost
/// less than a divide (docs/performance.md); the baseline, with no FMA,
/// divides.
@_transparent
func divide(_ x: FloatVector, by b: FloatVector, reciprocal y: FloatVector) -> FloatVector {
    #if GRADLAB_SIMD_AVX2 || GRADLAB_SIMD_AVX512
    // |x| and |y| in [2^-60, 2^60] (so q is too, and x - q b is normal),
    // compared as bits (NaN's are above inf's).
    let low = FloatBits(repeating: 0x2180_0000), high = FloatBits(repeating: 0x5D80_0000)
    let ax = x.bits & Int32.max, ay = y.bits & Int32.max
    guard !anyLane((ax .< low) .| (ax .> high) .| (ay .< low) .| (ay .> high)) else { return x / b }
    let q = x * y
    return q.addingProduct(x.addingProduct(-q, b), y)
    #else
    x / b
    #endif
}

/// `x / b` given y = 1 / b (see the Float version); |x| and |y| in
/// [2^-500, 2^500].
@_transparent
func divide(_ x: DoubleVector, by b: DoubleVector, reciprocal y: DoubleVector) -> DoubleVector {
    #if GRADLAB_SIMD_AVX2 || GRADLAB_SIMD_AVX512
    let low = DoubleBits(repeating: 0x20B0_0000_0000_0000), high = DoubleBits(repeating: 0x5F30_0000_0000_0000)
    let ax = x.bits & Int64.max, ay = y.bits & Int64.max
    guard !anyLane((ax .< low) .| (ax .> high) .| (ay .< low) .| (ay .> high)) else { return x / b }
    let q = x * y
    return q.addingProduct(x.addingProduct(-q, b), y)
    #else
    x / b
    #endif
}

/// Entry `index[l]` (0...15) of `table` in every lane: one two-register
/// permute (vpermt2pd) in the AVX-512 build, four permutes and three
/// blends in the AVX2 build (`gradlab_lookup16_double4`; a gather from a
/// copy of the table measured no faster on Zen 5, and gathers are slow on
/// the Intel cores with the GDS mitigation), lane by lane on the baseline.
@_transparent
func lookup(_ table: SIMD16<Double>, _ index: DoubleBits) -> DoubleVector {
    #if GRADLAB_SIMD_AVX512
    gradlab_lookup16_double8(table, index)
    #elseif GRADLAB_SIMD_AVX2
    gradlab_lookup16_double4(table, index)
    #else
    var result = DoubleVector()
    for lane in 0..<DoubleVector.scalarCount { result[lane] = table[Int(truncatingIfNeeded: index[lane] & 15)] }
    return result
    #endif
}

#if GRADLAB_SIMD_AVX512
/// x 2^floor(e) per lane, rounded once (vscalefpd): the same bits as
/// scaling by a power of two built from integer bits (exact in the normal
/// range, one rounding below it), in one instruction. AVX-512 only: the
/// other sets build the power (FloatMath.powExp2, DoubleMath.powExp).
@_transparent
func scaled(_ x: DoubleVector, byPowerOfTwo e: DoubleVector) -> DoubleVector { gradlab_scalef_double8(x, e) }
#endif

/// Integers of magnitude below 2^51 as Doubles, exactly: one conversion
/// (vcvtqq2pd) in the AVX-512 build, a magic-number add elsewhere.
@_transparent
func asDouble(_ k: DoubleBits) -> DoubleVector {
    #if GRADLAB_SIMD_AVX512
    gradlab_long8_to_double8(k)
    #else
    DoubleVector(bits: k &+ 0x4338_0000_0000_0000) - 6_755_399_441_055_744
    #endif
}

/// Same-width integer vectors, for bit manipulation.
typealias FloatBits = FloatVector.MaskStorage
typealias DoubleBits = DoubleVector.MaskStorage

extension FloatVector {
    @_transparent var bits: FloatBits { unsafeBitCast(self, to: FloatBits.self) }
    @_transparent init(bits: FloatBits) { self = unsafeBitCast(bits, to: FloatVector.self) }
}

extension DoubleVector {
    @_transparent var bits: DoubleBits { unsafeBitCast(self, to: DoubleBits.self) }
    @_transparent init(bits: DoubleBits) { self = unsafeBitCast(bits, to: DoubleVector.self) }
}

/// Loads `V` from `p` (any alignment).
@_transparent
func load<V: SIMD>(_ p: UnsafePointer<V.Scalar>, as type: V.Type = V.self) -> V {
    UnsafeRawPointer(p).loadUnaligned(as: V.self)
}

/// Stores `v` at `p` (any alignment).
@_transparent
func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<V.Scalar>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
}

/// One operand of a chunk kernel: lane i is `base[i & mask]`. A chunk of
/// lanes has mask -1; a uniform value has mask 0 and points at 16 copies
/// of itself, so one loop serves both and a full vector loads either way.
struct LaneOperand<T> {
    let base: UnsafePointer<T>
    let mask: Int

    @_transparent var isUniform: Bool { mask == 0 }

    @_transparent func vector<V: SIMD>(at i: Int, as type: V.Type) -> V where V.Scalar == T {
        load(base + (i & mask), as: V.self)
    }

    subscript(i: Int) -> T {
        @_transparent get { base[i & mask] }
    }
}

#if GRADLAB_SIMD_AVX512
/// A vector's 64 bytes as words, to test masks without a generic reduction.
typealias VectorWords = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

/// Whether any lane of `mask` is set. (The standard library's `any` calls
/// `min()`, which the AVX-512 build emitted as a shared generic
/// specialization: see the note at the top of this file.)
@_transparent
func anyLane<S>(_ mask: SIMDMask<S>) -> Bool {
    let w = unsafeBitCast(mask, to: VectorWords.self)
    return ((w.0 | w.1) | (w.2 | w.3)) | ((w.4 | w.5) | (w.6 | w.7)) != 0
}
#else
/// A vector's 32 bytes as words, to test masks without a generic reduction.
typealias VectorWords = (UInt64, UInt64, UInt64, UInt64)

/// Whether any lane of `mask` is set (see the AVX-512 variant).
@_transparent
func anyLane<S>(_ mask: SIMDMask<S>) -> Bool {
    let w = unsafeBitCast(mask, to: VectorWords.self)
    return (w.0 | w.1) | (w.2 | w.3) != 0
}
#endif

// The C library's functions, for lanes the vector code hands back (huge
// arguments) and for `pow`. At file scope so that the names are C's.
@inline(__always) func libmSin(_ x: Float) -> Float { sinf(x) }
@inline(__always) func libmCos(_ x: Float) -> Float { cosf(x) }
@inline(__always) func libmTan(_ x: Float) -> Float { tanf(x) }
@inline(__always) func libmPow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
@inline(__always) func libmSin(_ x: Double) -> Double { sin(x) }
@inline(__always) func libmCos(_ x: Double) -> Double { cos(x) }
@inline(__always) func libmTan(_ x: Double) -> Double { tan(x) }
@inline(__always) func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
