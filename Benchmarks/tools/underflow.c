// Multiply throughput by the kind of operands and result, on this CPU:
// normal, subnormal inputs, and normal inputs whose product underflows to
// a subnormal or to zero. docs/performance.md ("Subnormals in long runs")
// quotes it. Build and run with the vector width to test:
//   cc -O2 -march=native Benchmarks/tools/underflow.c -o /tmp/underflow && /tmp/underflow
#include <stdio.h>
#include <time.h>

typedef float v16 __attribute__((vector_size(64)));

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// Four independent squares of x per iteration: throughput, not latency.
// The empty asm makes x look changed, so the squares are not hoisted.
__attribute__((noinline)) static float squares(float value, long n) {
    v16 x = value - (v16){0}, r0 = x, r1 = x, r2 = x, r3 = x;
    for (long i = 0; i < n; i++) {
        r0 = x * x; r1 = x * x; r2 = x * x; r3 = x * x;
        __asm__ volatile("" : "+x"(x), "+x"(r0), "+x"(r1), "+x"(r2), "+x"(r3));
    }
    v16 s = r0 + r1 + r2 + r3;
    return s[0];
}

int main(void) {
    const long n = 20000000;
    const struct { const char *what; float x; } cases[] = {
        {"normal x, normal x*x", 1.5f},
        {"subnormal x (x*x is 0)", 1e-39f},
        {"normal x, x*x subnormal", 3e-20f},
        {"normal x, x*x underflows to 0", 1e-25f},
    };
    for (int round = 0; round < 2; round++) {
        for (int k = 0; k < 4; k++) {
            double t = now();
            volatile float sink = squares(cases[k].x, n);
            (void)sink;
            t = now() - t;
            printf("%-32s %.3f ns per 4 vector multiplies\n", cases[k].what, t / n * 1e9);
        }
    }
    return 0;
}
