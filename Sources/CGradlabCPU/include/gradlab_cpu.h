#ifndef GRADLAB_CPU_H
#define GRADLAB_CPU_H

/// The widest kernel set this CPU (and its OS, which must save the wider
/// registers) can run: 0 for the x86-64 baseline (or another architecture),
/// 1 for AVX2 with FMA, 2 for AVX-512 F, VL, BW and DQ (with AVX2 and FMA).
int gradlab_cpu_simd_level(void);

#endif
