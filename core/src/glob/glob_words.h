/*
 * glob_words.h — reading subjects eight bytes at a time, shared by the
 * action index (glob_set.c) and prepared Resource patterns
 * (glob_resource.c).
 */
#ifndef IAMGATE_CORE_GLOB_GLOB_WORDS_H
#define IAMGATE_CORE_GLOB_GLOB_WORDS_H

#include "../internal.h"

/* Bytes s[i, i + r) (r <= 8) as a little-endian word, zero padded; only
 * s[0, readable) is read (i + r <= readable), a whole word when there is
 * room, overlapping earlier bytes near the end. */
static inline uint64_t glob_load(const char *s, size_t i, size_t r, size_t readable)
{
    if (r == 0)
        return 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (readable >= 8) {
        uint64_t x;
        size_t from = i + 8 <= readable ? i : readable - 8;
        memcpy(&x, s + from, 8);
        x >>= 8 * (i - from);
        return r == 8 ? x : x & (~0ull >> (64 - 8 * r));
    }
#endif
    uint64_t x = 0; /* short subjects, or big-endian: byte by byte */
    for (size_t j = 0; j < r; j++)
        x |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
    return x;
}

/* Whether a literal prefix of `cut` bytes that equals the subject's first
 * bytes also ends on one of its code point boundaries (spec §2.1): at the
 * end, after a ':' (always a code point of its own), or before a byte that
 * is not a continuation byte. Otherwise the subject's code point is longer
 * than the pattern's and they differ. */
static inline bool glob_cut_ok(const char *s, size_t cut, size_t len)
{
    return cut == len || cut == 0 || s[cut - 1] == ':' || ((unsigned char)s[cut] & 0xC0u) != 0x80u;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* Bytes s[i, i + 16) of s[0, n) (i < n), zero past n; only s[0, n) is
 * read: a short last block is two word loads (no copy, no call). */
static inline __m128i glob_load16(const char *s, size_t i, size_t n)
{
    size_t r = n - i;
    if (r >= 16)
        return _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    uint64_t lo = glob_load(s, i, r < 8 ? r : 8, n);
    uint64_t hi = r > 8 ? glob_load(s, i + 8, r - 8, n) : 0;
    return _mm_set_epi64x((long long)hi, (long long)lo);
}
#endif

#endif /* IAMGATE_CORE_GLOB_GLOB_WORDS_H */
