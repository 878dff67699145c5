#include "gradlab_cpu.h"

int gradlab_cpu_simd_level(void) {
#if defined(__x86_64__) || defined(__i386__)
    // The compiler's runtime checks CPUID and XGETBV (OS support) once.
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    int avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
    return avx512 ? 2 : (avx2 ? 1 : 0);
#else
    return 0;
#endif
}

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

unsigned gradlab_flush_subnormals_begin(void) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8000);  // MXCSR.FTZ (bit 15); DAZ (bit 6) stays as it was
    return saved;
#else
    return 0;
#endif
}

void gradlab_flush_subnormals_end(unsigned saved) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(saved);
#else
    (void)saved;
#endif
}
