#ifndef GRADLAB_CPU_H
#define GRADLAB_CPU_H

/// The widest kernel set this CPU (and its OS, which must save the wider
/// registers) can run: 0 for the x86-64 baseline (or another architecture),
/// 1 for AVX2 with FMA, 2 for AVX-512 F, VL, BW and DQ (with AVX2 and FMA).
int gradlab_cpu_simd_level(void);

/// Sets flush-to-zero (MXCSR.FTZ) on the calling thread and returns the
/// control word it replaced, for ``gradlab_flush_subnormals_end``: a result
/// that would be subnormal is 0 instead. Subnormal inputs are still read as
/// they are (DAZ is left alone). Intel cores take a microcode assist of
/// about 150 cycles for each vector instruction that produces or multiplies
/// a subnormal; AMD's do not. No-op off x86.
unsigned gradlab_flush_subnormals_begin(void);

/// Restores the control word ``gradlab_flush_subnormals_begin`` returned.
void gradlab_flush_subnormals_end(unsigned saved);

#endif
