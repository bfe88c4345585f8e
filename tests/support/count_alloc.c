/*
 * count_alloc.c — malloc, calloc and realloc interposed with a counter,
 * linked into the allocation tests only (not under sanitizers, which own
 * the allocator).
 */
#include "count_alloc.h"

#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

unsigned long count_alloc_calls = 0;

void *malloc(size_t size)
{
    count_alloc_calls++;
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    count_alloc_calls++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    count_alloc_calls++;
    return __libc_realloc(p, size);
}

void free(void *p)
{
    __libc_free(p);
}
