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
