/*
 * keep.h — memory the benchmarks keep for the life of the process (loaded
 * corpora, request streams, compiled sets): allocated through these, all
 * freed at exit, so that a sanitizer build reports no leak.
 */
#ifndef IAMGATE_BENCH_KEEP_H
#define IAMGATE_BENCH_KEEP_H

#include <stddef.h>

void *keep_alloc(size_t size);
void *keep_calloc(size_t count, size_t size);
void *keep_realloc(void *p, size_t size);
/* Buffers aligned for any type (arenas), zero pages untouched. */
void *keep_aligned(size_t size);

#endif /* IAMGATE_BENCH_KEEP_H */
