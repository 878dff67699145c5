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

// Entry index[l] (0...15) of a 16-entry table held in two vectors, per
// lane: one vpermt2pd in the AVX-512 build (FloatMath.pow's tables).
typedef long long gradlab_long8 __attribute__((ext_vector_type(8)));
#if defined(__AVX512F__)
typedef double gradlab_v8df __attribute__((__vector_size__(64)));
typedef long long gradlab_v8di __attribute__((__vector_size__(64)));
static inline __attribute__((always_inline)) gradlab_double8 gradlab_lookup16_double8(gradlab_double8 low, gradlab_double8 high,
                                                                                   gradlab_long8 index) {
    return (gradlab_double8)__builtin_ia32_vpermi2varpd512((gradlab_v8df)low, (gradlab_v8di)index, (gradlab_v8df)high);
}
#endif

#endif
