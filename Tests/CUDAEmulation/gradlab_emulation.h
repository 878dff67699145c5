// Host emulation of the CUDA C that gradlab generates (docs/devices.md).
//
// The same kernel source, compiled as C++ on the CPU with this header
// (`c++ -include gradlab_emulation.h -DGRADLAB_HOST_EMULATION`), runs under
// the driver double in fake_cuda.c: one block at a time, its threads as
// fibers on one OS thread, switching at __syncthreads(), so a barrier is a
// real barrier and every run is deterministic.
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>

#define __global__
#define __device__
#define __shared__ static
#define __restrict__

struct gradlab_dim3 { unsigned x, y, z; };

// Set by the driver double before each fiber runs (it finds them with dlsym).
extern "C" {
gradlab_dim3 threadIdx, blockIdx, blockDim, gridDim;
void (*gradlab_emulation_barrier)(void);
}

static inline void __syncthreads(void) { gradlab_emulation_barrier(); }
static inline float __int_as_float(int bits) { float f; memcpy(&f, &bits, 4); return f; }
static inline double __longlong_as_double(long long bits) { double d; memcpy(&d, &bits, 8); return d; }
