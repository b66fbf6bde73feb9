/* LD_PRELOAD malloc counter for Scripts/bench-peers: counts malloc, calloc, realloc and the
 * aligned allocators of the whole process and prints "mallocs: N" on stderr at exit. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static unsigned long long count;

void *malloc(size_t n) { count++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { count++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { count++; return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { count++; return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { count++; return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n) {
    count++;
    *out = __libc_memalign(a, n);
    return *out ? 0 : 12;
}

__attribute__((destructor)) static void report(void) {
    char b[64];
    int l = snprintf(b, sizeof b, "mallocs: %llu\n", count);
    if (write(2, b, (size_t)l) < 0) return;
}
