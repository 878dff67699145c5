#ifndef GRADLAB_VECTOR_H
#define GRADLAB_VECTOR_H

// Vector operations Swift's SIMD types do not lower to one instruction.
//
// Static inline, so each kernel module compiles them with its own target
// flags (-mavx2, -mavx512f): a whole-vector `vsqrtps`/`vsqrtpd` there, SSE2's
// `sqrtps` on the baseline. (`SIMD16<Float>.squareRoot()` became sixteen
// scalar square roots, each with a branch to `sqrtf` for errno.) The results
// are the IEEE square root, correctly rounded, in every lane.

typedef float gradlab_float8 __attribute__((ext_vector_type(8)));
typedef float gradlab_float16 __attribute__((ext_vector_type(16)));
typedef double gradlab_double4 __attribute__((ext_vector_type(4)));
typedef double gradlab_double8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) gradlab_float8 gradlab_sqrt_float8(gradlab_float8 x) {
    return __builtin_elementwise_sqrt(x);
}
static inline __attribute__((always_inline)) gradlab_float16 gradlab_sqrt_float16(gradlab_float16 x) {
    return __builtin_elementwise_sqrt(x);
}
static inline __attribute__((always_inline)) gradlab_double4 gradlab_sqrt_double4(gradlab_double4 x) {
    return __builtin_elementwise_sqrt(x);
}
static inline __attribute__((always_inline)) gradlab_double8 gradlab_sqrt_double8(gradlab_double8 x) {
    return __builtin_elementwise_sqrt(x);
}

// `a * b` as `fma(a, b, -0)`: the same bits (adding -0 changes nothing,
// +0 included), but AMD's Zen 5 runs a multiply whose product underflows
// (a subnormal or zero from normal operands) at a third of the rate and
// with longer latency, and an FMA giving the same value at full speed.
// Two empty asms hide the -0 (LLVM folds `fma(a, b, -0)` back into the
// multiply) and the result (LLVM turns a negated FMA into `vfnmsub`,
// which gives +0 where -(+0) is -0).
#define GRADLAB_PRODUCT(name, type, zero, constraint)                                   \
    static inline __attribute__((always_inline)) type name(type a, type b) {            \
        type z = zero;                                                                  \
        __asm__("" : "+" constraint(z));                                                \
        type p = __builtin_elementwise_fma(a, b, z);                                    \
        __asm__("" : "+" constraint(p));                                                \
        return p;                                                                       \
    }
#if defined(__AVX2__)
GRADLAB_PRODUCT(gradlab_product_float8, gradlab_float8, -0.0f, "x")
GRADLAB_PRODUCT(gradlab_product_double4, gradlab_double4, -0.0, "x")
#endif
#if defined(__AVX512F__)
GRADLAB_PRODUCT(gradlab_product_float16, gradlab_float16, -0.0f, "v")
GRADLAB_PRODUCT(gradlab_product_double8, gradlab_double8, -0.0, "v")
#endif
#undef GRADLAB_PRODUCT

// Float lanes to Double and back (vcvtps2pd / vcvtpd2ps): each half of a
// Float vector is one Double vector at every level. Narrowing rounds to
// nearest, as a Float(Double) conversion does.
typedef float gradlab_float4 __attribute__((ext_vector_type(4)));
static inline __attribute__((always_inline)) gradlab_double4 gradlab_widen_float4(gradlab_float4 x) {
    return __builtin_convertvector(x, gradlab_double4);
}
static inline __attribute__((always_inline)) gradlab_double8 gradlab_widen_float8(gradlab_float8 x) {
    return __builtin_convertvector(x, gradlab_double8);
}
static inline __attribute__((always_inline)) gradlab_float4 gradlab_narrow_double4(gradlab_double4 x) {
    return __builtin_convertvector(x, gradlab_float4);
}
static inline __attribute__((always_inline)) gradlab_float8 gradlab_narrow_double8(gradlab_double8 x) {
    return __builtin_convertvector(x, gradlab_float8);
}

// The AVX-512 build's 16-lane Float vector as two 8-lane Double vectors
// and back, and a 16-entry table lookup, split here in C: Swift's
// `lowHalf`/`highHalf` and `init(lowHalf:highHalf:)` are generic members
// whose specializations the compiler may emit as shared symbols when it
// does not inline them (see Benchmarks/check-kernel-symbols.sh).
#if defined(__AVX512F__)
typedef double gradlab_double16 __attribute__((ext_vector_type(16)));
typedef long long gradlab_long8 __attribute__((ext_vector_type(8)));
typedef double gradlab_v8df __attribute__((__vector_size__(64)));
typedef long long gradlab_v8di __attribute__((__vector_size__(64)));
static inline __attribute__((always_inline)) gradlab_double8 gradlab_widen_low_float16(gradlab_float16 x) {
    return __builtin_convertvector(__builtin_shufflevector(x, x, 0, 1, 2, 3, 4, 5, 6, 7), gradlab_double8);
}
static inline __attribute__((always_inline)) gradlab_double8 gradlab_widen_high_float16(gradlab_float16 x) {
    return __builtin_convertvector(__builtin_shufflevector(x, x, 8, 9, 10, 11, 12, 13, 14, 15), gradlab_double8);
}
static inline __attribute__((always_inline)) gradlab_float16 gradlab_narrow_double8x2(gradlab_double8 low, gradlab_double8 high) {
    gradlab_float8 l = __builtin_convertvector(low, gradlab_float8), h = __builtin_convertvector(high, gradlab_float8);
    return __builtin_shufflevector(l, h, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}
// Entry index[l] (0...15) of a 16-entry table, per lane: one vpermt2pd.
static inline __attribute__((always_inline)) gradlab_double8 gradlab_lookup16_double8(gradlab_double16 table, gradlab_long8 index) {
    gradlab_double8 low = __builtin_shufflevector(table, table, 0, 1, 2, 3, 4, 5, 6, 7);
    gradlab_double8 high = __builtin_shufflevector(table, table, 8, 9, 10, 11, 12, 13, 14, 15);
    return (gradlab_double8)__builtin_ia32_vpermi2varpd512((gradlab_v8df)low, (gradlab_v8di)index, (gradlab_v8df)high);
}
// 64-bit integers as Doubles (vcvtqq2pd, AVX-512DQ).
static inline __attribute__((always_inline)) gradlab_double8 gradlab_long8_to_double8(gradlab_long8 k) {
    return __builtin_convertvector(k, gradlab_double8);
}
// x * 2^floor(e) per lane, rounded once (vscalefpd): one instruction for
// what takes an exponent built from integer bits, and two multiplies near
// the ends of the range, elsewhere.
static inline __attribute__((always_inline)) gradlab_double8 gradlab_scalef_double8(gradlab_double8 x, gradlab_double8 e) {
    return (gradlab_double8)__builtin_ia32_scalefpd512_mask((gradlab_v8df)x, (gradlab_v8df)e, (gradlab_v8df)x, (unsigned char)0xFF, 4);
}
#endif

// The AVX2 build's 16-entry table lookup (its AVX-512 form is above):
// four vpermps, one per quarter of the table, each moving entry (j & 3) of
// its quarter into every lane as two dwords, then two levels of vblendvpd
// on bits 2 and 3 of j. No memory: the lane-by-lane form copied the whole
// table to the stack for every lookup (AVX2 on Zen 5: pow 8-10% faster,
// Double log 8%).
#if defined(__AVX2__) && !defined(__AVX512F__)
typedef double gradlab_double16 __attribute__((ext_vector_type(16)));
typedef long long gradlab_long4 __attribute__((ext_vector_type(4)));
typedef float gradlab_v8sf __attribute__((__vector_size__(32)));
typedef int gradlab_v8si __attribute__((__vector_size__(32)));
typedef double gradlab_v4df __attribute__((__vector_size__(32)));
static inline __attribute__((always_inline)) gradlab_double4 gradlab_lookup16_double4(gradlab_double16 table, gradlab_long4 index) {
    gradlab_long4 q = (index & 3) << 1;
    gradlab_v8si dwords = (gradlab_v8si)(q | (q << 32) | (1LL << 32));
    gradlab_v8sf t0 = (gradlab_v8sf)__builtin_shufflevector(table, table, 0, 1, 2, 3);
    gradlab_v8sf t1 = (gradlab_v8sf)__builtin_shufflevector(table, table, 4, 5, 6, 7);
    gradlab_v8sf t2 = (gradlab_v8sf)__builtin_shufflevector(table, table, 8, 9, 10, 11);
    gradlab_v8sf t3 = (gradlab_v8sf)__builtin_shufflevector(table, table, 12, 13, 14, 15);
    gradlab_v4df p0 = (gradlab_v4df)__builtin_ia32_permvarsf256(t0, dwords);
    gradlab_v4df p1 = (gradlab_v4df)__builtin_ia32_permvarsf256(t1, dwords);
    gradlab_v4df p2 = (gradlab_v4df)__builtin_ia32_permvarsf256(t2, dwords);
    gradlab_v4df p3 = (gradlab_v4df)__builtin_ia32_permvarsf256(t3, dwords);
    gradlab_v4df bit2 = (gradlab_v4df)(index << 61), bit3 = (gradlab_v4df)(index << 60);
    gradlab_v4df low = __builtin_ia32_blendvpd256(p0, p1, bit2), high = __builtin_ia32_blendvpd256(p2, p3, bit2);
    return (gradlab_double4)__builtin_ia32_blendvpd256(low, high, bit3);
}
#endif

// A hint that the cache line at `p` is read soon (prefetcht0).
static inline __attribute__((always_inline)) void gradlab_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

#endif
