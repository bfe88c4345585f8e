/* keep.c — see keep.h. */
#include "keep.h"

#include <stdlib.h>

static void **kept;
static size_t kept_n, kept_cap;

static void free_kept(void)
{
    for (size_t i = 0; i < kept_n; i++)
        free(kept[i]);
    free(kept);
    kept = NULL;
    kept_n = kept_cap = 0;
}

static void *remember(void *p)
{
    if (p == NULL)
        return NULL;
    if (kept_n == kept_cap) {
        if (kept == NULL)
            atexit(free_kept);
        size_t cap = kept_cap ? 2 * kept_cap : 1024;
        void **v = realloc(kept, cap * sizeof *v);
        if (v == NULL)
            abort(); /* benchmark setup only: no way to go on */
        kept = v;
        kept_cap = cap;
    }
    kept[kept_n++] = p;
    return p;
}

void *keep_alloc(size_t size)
{
    return remember(malloc(size ? size : 1));
}

void *keep_calloc(size_t count, size_t size)
{
    return remember(calloc(count ? count : 1, size ? size : 1));
}

/* The newest allocations are the ones that grow: search from the end. */
void *keep_realloc(void *p, size_t size)
{
    if (p == NULL)
        return keep_alloc(size);
    size_t i = kept_n;
    while (i > 0 && kept[i - 1] != p)
        i--;
    void *q = realloc(p, size ? size : 1);
    if (q == NULL)
        abort();
    if (i > 0)
        kept[i - 1] = q;
    return q;
}

void *keep_aligned(size_t size)
{
    return remember(aligned_alloc(64, (size + 63) / 64 * 64));
}
