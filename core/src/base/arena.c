/* Bump allocation over caller memory (see iamgate.h). */
#include "../internal.h"

void iam_arena_init(iam_arena *arena, void *buf, size_t cap) /* see iamgate.h */
{
    if (arena == NULL)
        return;
    arena->base = buf;
    arena->cap = buf != NULL ? cap : 0;
    arena->used = 0;
    arena->high_water = 0;
}

void iam_arena_reset(iam_arena *arena) /* see iamgate.h */
{
    if (arena != NULL)
        arena->used = 0;
}

size_t iam_arena_used(const iam_arena *arena) /* see iamgate.h */
{
    return arena != NULL ? arena->used : 0;
}

/* What a zero-size request gets: never read or written, and it takes no
 * arena bytes, so the bytes a batch needs do not depend on where a zero-
 * size request happens to fall (iam_policy_measure is exact). */
static max_align_t arena_empty;

void *arena_alloc_rare(iam_arena *arena, size_t size, size_t align)
{
    if (size == 0)
        return &arena_empty;
    IAM_ASSERT(align != 0 && (align & (align - 1)) == 0);
    /* Align the address, not the offset: the caller's buffer may be unaligned. */
    uintptr_t base = (uintptr_t)arena->base;
    size_t pad = (size_t)((align - ((base + arena->used) & (align - 1))) & (align - 1));
    if (arena->used > SIZE_MAX - pad || arena->used + pad > SIZE_MAX - size) {
        arena->high_water = SIZE_MAX;
        return NULL;
    }
    size_t end = arena->used + pad + size;
    if (end > arena->high_water)
        arena->high_water = end;
    if (end > arena->cap || arena->base == NULL)
        return NULL;
    void *p = arena->base + arena->used + pad;
    arena->used = end;
    return p;
}

const char *arena_copy_bytes(iam_arena *arena, const char *bytes, size_t len)
{
    if (len == 0)
        return ""; /* no arena bytes for an empty string */
    char *p = arena_alloc(arena, len, 1);
    if (p != NULL)
        memcpy(p, bytes, len);
    return p;
}
