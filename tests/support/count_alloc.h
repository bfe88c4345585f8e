/* count_alloc.h — the heap-allocation counter of count_alloc.c. */
#ifndef IAMGATE_TESTS_COUNT_ALLOC_H
#define IAMGATE_TESTS_COUNT_ALLOC_H

#include <stdlib.h>

/* malloc + calloc + realloc calls so far in this process. */
extern unsigned long count_alloc_calls;

#endif /* IAMGATE_TESTS_COUNT_ALLOC_H */
