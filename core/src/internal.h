/*
 * internal.h — included first by every core .c file. Private helpers shared
 * between modules; nothing here is part of the API.
 */
#ifndef IAMGATE_CORE_INTERNAL_H
#define IAMGATE_CORE_INTERNAL_H

#include "iamgate.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define IAM_INTERNAL __attribute__((visibility("hidden")))
#define IAM_LIKELY(x) __builtin_expect(!!(x), 1)
#define IAM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define IAM_INTERNAL
#define IAM_LIKELY(x) (x)
#define IAM_UNLIKELY(x) (x)
#endif

/* Checks our own invariants in debug, sanitizer and fuzz builds; inputs get
 * errors, never assertions. */
#ifdef IAM_ENABLE_ASSERT
#include <stdio.h>
#include <stdlib.h>
#define IAM_ASSERT(x)                                                        \
    do {                                                                     \
        if (!(x)) {                                                          \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__,       \
                    __LINE__, #x);                                           \
            abort();                                                         \
        }                                                                    \
    } while (0)
#else
#define IAM_ASSERT(x) ((void)0)
#endif

/* ---- arena (base/arena.c) ---- */

/* arena_alloc's rare cases: an empty request, no room (high_water still
 * records what was asked), no buffer. */
IAM_INTERNAL void *arena_alloc_rare(iam_arena *arena, size_t size, size_t align);

/* Aligned bump allocation; NULL when the arena is exhausted. Inline: the
 * common case is a few instructions (compiling makes many). */
static inline void *arena_alloc(iam_arena *arena, size_t size, size_t align)
{
    /* align the address, not the offset: the caller's buffer may be unaligned */
    size_t pad = (size_t)(-((uintptr_t)arena->base + arena->used) & (align - 1));
    size_t room = arena->cap - arena->used;
    if (size == 0 || arena->base == NULL || pad > room || size > room - pad)
        return arena_alloc_rare(arena, size, align);
    void *p = arena->base + arena->used + pad;
    arena->used += pad + size;
    if (arena->used > arena->high_water)
        arena->high_water = arena->used;
    return p;
}
/* A copy of bytes in the arena (a zero-length copy returns a valid pointer). */
IAM_INTERNAL const char *arena_copy_bytes(iam_arena *arena, const char *bytes,
                                          size_t len);

/* ---- errors (base/error.c) ---- */

/* The default static message of a code. */
IAM_INTERNAL const char *error_default_message(iam_status code);
/* Fills err with code, message (default when NULL) and offset; computes line
 * and column from text. path and near are cleared. */
IAM_INTERNAL void error_set(iam_error *err, iam_status code,
                            const char *message, const char *text, size_t len,
                            size_t offset);
/* Copies a short excerpt of bytes into err->near, cut with "..." if long. */
IAM_INTERNAL void error_set_near(iam_error *err, const char *bytes, size_t len);

/* ---- small text helpers (base/text.c) ---- */

IAM_INTERNAL bool text_equals(const char *a, size_t alen, const char *lit);
/* s[0, n) in ASCII lower case, in the arena, 8-aligned and zero padded to
 * whole 8-byte words (at least one zero byte); NULL when the arena is full. */
IAM_INTERNAL const char *text_folded_copy(iam_arena *arena, const char *s, size_t n);
/* The same into k, which has room for (n + 8) / 8 * 8 bytes. */
IAM_INTERNAL void text_fold_into(char *k, const char *s, size_t n);

/* Levenshtein distance ignoring ASCII case, or limit + 1 once it exceeds
 * limit (or a string is over 257 bytes); for "did you mean" messages. */
IAM_INTERNAL size_t text_edit_distance(iam_str a, iam_str b, size_t limit);

/* The offsets of the first `want` (at most 5) ':' of s (an ARN's field
 * separators), eight bytes at a time; returns how many were found. */
IAM_INTERNAL unsigned text_arn_colons(const char *s, size_t n, size_t at[5], unsigned want);

/* Lane k of the result has its high bit set iff byte k of x is ':'. */
static inline uint64_t text_colon_lanes(uint64_t x)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
    uint64_t t = x ^ 0x3A3A3A3A3A3A3A3Aull;
    return ~(((t & low7) + low7) | t | low7);
}

/* Eight bytes to ASCII lower case at once (bytes >= 0x80 unchanged). */
static inline uint64_t text_fold8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t low7 = x & ~high;
    uint64_t at_least_a = low7 + ones * (0x80 - 'A');
    uint64_t above_z = low7 + ones * (0x80 - 'Z' - 1);
    uint64_t upper = at_least_a & ~above_z & ~x & high;
    return x | (upper >> 2);
}

/* ASCII lower case; other bytes unchanged (hot: inline). */
static inline unsigned char text_lower_ascii(unsigned char c)
{
    return (unsigned char)(c + (((unsigned)(c - 'A') < 26u) << 5));
}

/* Eight bytes, all readable, as one word (the same order on both sides of
 * every comparison, so the platform's byte order does not matter). */
static inline uint64_t text_load8(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

static inline bool text_words_equal_folded(uint64_t x, uint64_t y)
{
    return x == y || text_fold8(x) == text_fold8(y);
}

/* Whether a[0, n) and b[0, n) are equal ignoring ASCII case: a word at a
 * time (words equal as written are not folded), the last one overlapping
 * its predecessor. */
static inline bool text_equals_folded(const char *a, const char *b, size_t n)
{
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            if (text_lower_ascii((unsigned char)a[i]) != text_lower_ascii((unsigned char)b[i]))
                return false;
        return true;
    }
    for (size_t i = 0; i + 8 < n; i += 8)
        if (!text_words_equal_folded(text_load8(a + i), text_load8(b + i)))
            return false;
    return text_words_equal_folded(text_load8(a + n - 8), text_load8(b + n - 8));
}

/* ---- dates (base/date.c) ---- */

/* An instant: milliseconds since 1970-01-01T00:00:00Z and the sub-millisecond
 * nanoseconds (0..999999). */
typedef struct date_instant {
    int64_t millis;
    int32_t nanos;
} date_instant;

/* Parses epoch seconds (all digits, 0..2^63-1) or the ISO 8601 forms of spec
 * §3.4.3. False on any other text. */
IAM_INTERNAL bool date_parse(const char *text, size_t len, date_instant *out);

#endif /* IAMGATE_CORE_INTERNAL_H */
