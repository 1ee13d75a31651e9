/*
 * LD_PRELOAD malloc counter for `scripts/bench-allocs` (not part of the package build).
 *
 * Counts every call of the malloc family (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign,
 * valloc), process-wide and per thread, and forwards to glibc's own implementations (__libc_*), so no dlsym
 * bootstrap is needed. `sfusim-bench forward --allocs` finds the two readers below with dlsym:
 *   unsigned long long sfusim_alloc_count_total(void);   all threads
 *   unsigned long long sfusim_alloc_count_thread(void);  the calling thread only
 * glibc only (Linux).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);

static unsigned long long total;
/* initial-exec: the library is preloaded, so its TLS is static and reading it never calls malloc itself. */
static __thread unsigned long long per_thread __attribute__((tls_model("initial-exec")));

static inline void count(void) {
    __atomic_fetch_add(&total, 1, __ATOMIC_RELAXED);
    per_thread += 1;
}

void *malloc(size_t size) {
    count();
    return __libc_malloc(size);
}

void *calloc(size_t count_, size_t size) {
    count();
    return __libc_calloc(count_, size);
}

void *realloc(void *pointer, size_t size) {
    count();
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
    count();
    return __libc_valloc(size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    count();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *out = pointer;
    return 0;
}

unsigned long long sfusim_alloc_count_total(void) { return __atomic_load_n(&total, __ATOMIC_RELAXED); }

unsigned long long sfusim_alloc_count_thread(void) { return per_thread; }
