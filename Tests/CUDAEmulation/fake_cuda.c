// A test double of the CUDA driver and NVRTC for machines without a GPU
// (docs/devices.md). gradlab loads it through GRADLAB_CUDA_DRIVER and
// GRADLAB_NVRTC; it is never named libcuda.so.1 (NVRTC itself would load it).
//
// - "NVRTC" keeps the CUDA C source; its "CUBIN" is that source.
// - cuModuleLoadDataEx compiles the source as C++ with gradlab_emulation.h
//   ($GRADLAB_EMULATION_CXX, default c++) into a shared library and loads it.
// - cuLaunchKernel calls `<name>_emu(arguments)` for every block, the block's
//   threads as ucontext fibers switched at __syncthreads().
// - Memory is host memory, limited by $GRADLAB_EMULATED_MEMORY bytes
//   (default 1 GiB), so out-of-memory paths can be tested.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

typedef int CUresult;
enum { OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, INVALID_IMAGE = 200, NOT_FOUND = 500, LAUNCH_FAILED = 719 };

static int initialized;
static size_t used_bytes;
static size_t limit_bytes(void) {
    const char *text = getenv("GRADLAB_EMULATED_MEMORY");
    return text ? (size_t)strtoull(text, NULL, 10) : ((size_t)1 << 30);
}

CUresult cuInit(unsigned flags) { (void)flags; initialized = 1; return OK; }
CUresult cuDriverGetVersion(int *version) { *version = 12090; return OK; }
CUresult cuDeviceGetCount(int *count) { *count = initialized ? 1 : 0; return initialized ? OK : NOT_INITIALIZED; }
CUresult cuDeviceGet(int *device, int ordinal) { if (ordinal != 0) return INVALID_VALUE; *device = 0; return OK; }
CUresult cuDeviceGetName(char *name, int length, int device) { (void)device; snprintf(name, (size_t)length, "gradlab emulated GPU"); return OK; }
CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
    (void)device;
    switch (attribute) {
    case 16: *value = 2; return OK;   // multiprocessors
    case 75: *value = 9; return OK;   // compute capability major
    case 76: *value = 0; return OK;   // minor
    default: *value = 0; return OK;
    }
}
CUresult cuDeviceTotalMem_v2(size_t *bytes, int device) { (void)device; *bytes = limit_bytes(); return OK; }
static int context_token;
CUresult cuDevicePrimaryCtxRetain(void **context, int device) { (void)device; *context = &context_token; return OK; }
CUresult cuDevicePrimaryCtxRelease_v2(int device) { (void)device; return OK; }
CUresult cuCtxSetCurrent(void *context) { (void)context; return OK; }
CUresult cuCtxSynchronize(void) { return OK; }
CUresult cuGetExportTable(const void **table, const void *id) { (void)table; (void)id; return NOT_FOUND; }

// Allocations carry their size in a header, for the memory limit.
CUresult cuMemAlloc_v2(uint64_t *pointer, size_t bytes) {
    if (used_bytes + bytes > limit_bytes()) return OUT_OF_MEMORY;
    size_t *block = malloc(bytes + 16);
    if (!block) return OUT_OF_MEMORY;
    block[0] = bytes;
    used_bytes += bytes;
    *pointer = (uint64_t)(uintptr_t)((char *)block + 16);
    return OK;
}
CUresult cuMemFree_v2(uint64_t pointer) {
    if (!pointer) return OK;
    size_t *block = (size_t *)((char *)(uintptr_t)pointer - 16);
    used_bytes -= block[0];
    free(block);
    return OK;
}
CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) { *total = limit_bytes(); *free_bytes = *total - used_bytes; return OK; }
CUresult cuMemcpyHtoD_v2(uint64_t target, const void *source, size_t bytes) { memcpy((void *)(uintptr_t)target, source, bytes); return OK; }
CUresult cuMemcpyDtoH_v2(void *target, uint64_t source, size_t bytes) { memcpy(target, (const void *)(uintptr_t)source, bytes); return OK; }

CUresult cuGetErrorName(CUresult status, const char **name) {
    switch (status) {
    case OK: *name = "CUDA_SUCCESS"; break;
    case INVALID_VALUE: *name = "CUDA_ERROR_INVALID_VALUE"; break;
    case OUT_OF_MEMORY: *name = "CUDA_ERROR_OUT_OF_MEMORY"; break;
    case INVALID_IMAGE: *name = "CUDA_ERROR_INVALID_IMAGE"; break;
    case NOT_FOUND: *name = "CUDA_ERROR_NOT_FOUND"; break;
    default: *name = "CUDA_ERROR_UNKNOWN"; break;
    }
    return OK;
}
CUresult cuGetErrorString(CUresult status, const char **text) {
    switch (status) {
    case OUT_OF_MEMORY: *text = "out of memory"; break;
    case INVALID_IMAGE: *text = "device kernel image is invalid"; break;
    case NOT_FOUND: *text = "named symbol not found"; break;
    default: *text = "emulated driver error"; break;
    }
    return OK;
}

// --- Modules: the "image" is CUDA C, compiled here as C++. ---------------

typedef struct { void *library; } Module;

static const char *emulation_header(void) {
    const char *path = getenv("GRADLAB_EMULATION_HEADER");
    return path ? path : "gradlab_emulation.h";
}

CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned count, int *options, void **values) {
    char directory[] = "/tmp/gradlab-emulation-XXXXXX";
    if (!mkdtemp(directory)) return INVALID_IMAGE;
    char source[512], library[512], log[512], command[4096];
    snprintf(source, sizeof source, "%s/kernel.cpp", directory);
    snprintf(library, sizeof library, "%s/kernel.so", directory);
    snprintf(log, sizeof log, "%s/log.txt", directory);
    FILE *file = fopen(source, "w");
    if (!file) return INVALID_IMAGE;
    fputs((const char *)image, file);
    fclose(file);
    const char *compiler = getenv("GRADLAB_EMULATION_CXX");
    snprintf(command, sizeof command,
             "%s -std=c++17 -O1 -ffp-contract=off -fPIC -shared -DGRADLAB_HOST_EMULATION -include '%s' '%s' -o '%s' > '%s' 2>&1",
             compiler ? compiler : "c++", emulation_header(), source, library, log);
    int status = system(command);
    if (status != 0) {
        // The compiler's words, where the caller asked for a JIT log.
        for (unsigned i = 0; i < count; i++) {
            if (options[i] == 5) {
                size_t room = 0;
                for (unsigned j = 0; j < count; j++) if (options[j] == 6) room = (size_t)(uintptr_t)values[j];
                FILE *text = fopen(log, "r");
                if (text && room) { size_t n = fread(values[i], 1, room - 1, text); ((char *)values[i])[n] = 0; }
                if (text) fclose(text);
            }
        }
        return INVALID_IMAGE;
    }
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!handle) return INVALID_IMAGE;
    Module *loaded = malloc(sizeof(Module));
    loaded->library = handle;
    *module = loaded;
    return OK;
}
CUresult cuModuleUnload(void *module) { free(module); return OK; }

typedef struct { unsigned x, y, z; } Dim3;
typedef struct {
    void (*entry)(void **);
    Dim3 *thread_index, *block_index, *block_dim, *grid_dim;
    void (**barrier)(void);
} Function;

CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
    Module *loaded = module;
    char emulated[256];
    snprintf(emulated, sizeof emulated, "%s_emu", name);
    Function *f = malloc(sizeof(Function));
    f->entry = (void (*)(void **))dlsym(loaded->library, emulated);
    f->thread_index = dlsym(loaded->library, "threadIdx");
    f->block_index = dlsym(loaded->library, "blockIdx");
    f->block_dim = dlsym(loaded->library, "blockDim");
    f->grid_dim = dlsym(loaded->library, "gridDim");
    f->barrier = dlsym(loaded->library, "gradlab_emulation_barrier");
    if (!f->entry || !f->thread_index || !f->barrier) { free(f); return NOT_FOUND; }
    *function = f;
    return OK;
}

// --- Launches: a block's threads as fibers. --------------------------------

enum { STACK = 256 * 1024 };
static ucontext_t scheduler;
static ucontext_t *fibers;
static char **stacks;
static int *finished;
static unsigned fiber_count, current_fiber;
static Function *running;
static void **running_arguments;

static void barrier(void) { swapcontext(&fibers[current_fiber], &scheduler); }

static void fiber_main(void) {
    running->entry(running_arguments);
    finished[current_fiber] = 1;
    swapcontext(&fibers[current_fiber], &scheduler);
}

CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void *stream, void **arguments, void **extra) {
    (void)shared; (void)stream; (void)extra;
    if (gy != 1 || gz != 1 || by != 1 || bz != 1 || bx == 0 || gx == 0) return INVALID_VALUE;
    Function *f = function;
    running = f;
    running_arguments = arguments;
    *f->barrier = barrier;
    f->block_dim->x = bx; f->block_dim->y = 1; f->block_dim->z = 1;
    f->grid_dim->x = gx; f->grid_dim->y = 1; f->grid_dim->z = 1;
    if (bx > fiber_count) {
        fibers = realloc(fibers, bx * sizeof(ucontext_t));
        stacks = realloc(stacks, bx * sizeof(char *));
        finished = realloc(finished, bx * sizeof(int));
        for (unsigned t = fiber_count; t < bx; t++) stacks[t] = malloc(STACK);
        fiber_count = bx;
    }
    for (unsigned b = 0; b < gx; b++) {
        f->block_index->x = b; f->block_index->y = 0; f->block_index->z = 0;
        for (unsigned t = 0; t < bx; t++) {
            getcontext(&fibers[t]);
            fibers[t].uc_stack.ss_sp = stacks[t];
            fibers[t].uc_stack.ss_size = STACK;
            fibers[t].uc_link = NULL;
            makecontext(&fibers[t], fiber_main, 0);
            finished[t] = 0;
        }
        // Round after round: every thread runs to its next barrier (or its end).
        for (;;) {
            unsigned live = 0;
            for (unsigned t = 0; t < bx; t++) {
                if (finished[t]) continue;
                live++;
                current_fiber = t;
                f->thread_index->x = t; f->thread_index->y = 0; f->thread_index->z = 0;
                swapcontext(&scheduler, &fibers[t]);
            }
            if (live == 0) break;
        }
    }
    return OK;
}

// --- NVRTC: keeps the source; its CUBIN is the source. ---------------------

typedef struct { char *source; } Program;

int nvrtcVersion(int *major, int *minor) { *major = 12; *minor = 9; return 0; }
int nvrtcCreateProgram(void **program, const char *source, const char *name, int headers, const char *const *contents,
                       const char *const *names) {
    (void)name; (void)headers; (void)contents; (void)names;
    Program *p = malloc(sizeof(Program));
    p->source = strdup(source);
    *program = p;
    return 0;
}
int nvrtcCompileProgram(void *program, int count, const char *const *options) { (void)program; (void)count; (void)options; return 0; }
int nvrtcGetProgramLogSize(void *program, size_t *size) { (void)program; *size = 1; return 0; }
int nvrtcGetProgramLog(void *program, char *log) { (void)program; log[0] = 0; return 0; }
int nvrtcGetCUBINSize(void *program, size_t *size) { *size = strlen(((Program *)program)->source) + 1; return 0; }
int nvrtcGetCUBIN(void *program, char *image) { strcpy(image, ((Program *)program)->source); return 0; }
int nvrtcGetPTXSize(void *program, size_t *size) { return nvrtcGetCUBINSize(program, size); }
int nvrtcGetPTX(void *program, char *image) { return nvrtcGetCUBIN(program, image); }
int nvrtcDestroyProgram(void **program) { Program *p = *program; free(p->source); free(p); *program = NULL; return 0; }
const char *nvrtcGetErrorString(int status) { return status == 0 ? "NVRTC_SUCCESS" : "NVRTC_ERROR"; }
