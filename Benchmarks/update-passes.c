// What Adam's update costs as gradlab's chunk kernels run it (one pass over
// a chunk per step of the plan) against fewer, fused passes: the measurement
// behind docs/performance.md's "Optimizers" paragraph (issue 17).
//
//   gcc -O3 -mavx512f -mavx512vl -mprefer-vector-width=512 -fno-math-errno Benchmarks/update-passes.c -o /tmp/passes && /tmp/passes
//   gcc -O3 -mavx2 -mfma -fno-math-errno Benchmarks/update-passes.c -o /tmp/passes && /tmp/passes
//
// One 1,024-lane chunk (4 KiB per buffer, in cache) of one parameter's
// gradient, moments and position; prints ns per point (two parameters). The
// eight passes are the plan's eight steps (multiply-subtract, add, two
// multiplies, multiply-add, sqrt, divide-add, multiply-divide, add); the
// four are each pair fused; one pass is the whole update in registers.
#include <stdio.h>
#include <time.h>
#define N 1024
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static float g[N] __attribute__((aligned(64))), m[N] __attribute__((aligned(64))), v[N] __attribute__((aligned(64))),
    p[N] __attribute__((aligned(64))), t[N] __attribute__((aligned(64)));
static volatile float s1 = 0.1f, b2 = 0.999f, ob2 = 0.001f, bc = 0.03f, eps = 1e-8f, ss = -0.01f;
#define L for (int i = 0; i < N; i++)
__attribute__((noinline)) static void eight(void) {
    float a = s1, b = b2, o = ob2, c = bc, e = eps, s = ss;
    L t[i] = (g[i] - m[i]) * a; L m[i] = m[i] + t[i];
    L t[i] = (g[i] * o) * g[i]; L v[i] = v[i] * b + t[i];
    L t[i] = __builtin_sqrtf(v[i]); L t[i] = t[i] / c + e;
    L t[i] = (m[i] * s) / t[i]; L p[i] = p[i] + t[i];
}
__attribute__((noinline)) static void four(void) {
    float a = s1, b = b2, o = ob2, c = bc, e = eps, s = ss;
    L m[i] = m[i] + (g[i] - m[i]) * a;
    L v[i] = v[i] * b + (g[i] * o) * g[i];
    L t[i] = __builtin_sqrtf(v[i]) / c + e;
    L p[i] = p[i] + (m[i] * s) / t[i];
}
__attribute__((noinline)) static void one(void) {
    float a = s1, b = b2, o = ob2, c = bc, e = eps, s = ss;
    L { float mm = m[i] + (g[i] - m[i]) * a; m[i] = mm; float vv = v[i] * b + (g[i] * o) * g[i]; v[i] = vv;
        p[i] = p[i] + (mm * s) / (__builtin_sqrtf(vv) / c + e); }
}
__attribute__((noinline)) static void sgd(void) { float s = ss; L p[i] = p[i] + s * g[i]; }
int main(void) {
    L { g[i] = i * 1e-3f; m[i] = 0; v[i] = 0; p[i] = 1; }
    void (*f[])(void) = {eight, four, one, sgd};
    const char *name[] = {"Adam, 8 passes (as planned)", "Adam, 4 passes (pairs fused)", "Adam, 1 pass", "SGD, 1 pass"};
    for (int k = 0; k < 4; k++) {
        double best = 1e9;
        for (int r = 0; r < 5; r++) {
            double t0 = now();
            for (int it = 0; it < 200000; it++) f[k]();
            double s = now() - t0;
            if (s < best) best = s;
        }
        printf("%-30s %.2f ns per point (two parameters), one core\n", name[k], best / 200000 / N * 1e9 * 2);
    }
    return 0;
}
