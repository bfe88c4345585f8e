/* Small byte-string helpers shared by the parser and later stages. */
#include "../internal.h"

bool text_equals(const char *a, size_t alen, const char *lit)
{
    size_t n = strlen(lit);
    return alen == n && (n == 0 || memcmp(a, lit, n) == 0);
}

/* Bytes s[i, i + r) (r <= 8) as one word, zero padded (same byte order
 * as memcpy of a whole word, so lane-wise folding and comparison hold). */
static inline uint64_t text_tail_word(const char *s, size_t i, size_t r)
{
    uint64_t w = 0;
    if (r == 0)
        return 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (i >= 8 - r) { /* the word ending at the tail, shifted: no short copy */
        memcpy(&w, s + i + r - 8, 8);
        return w >> (8 * (8 - r));
    }
    for (size_t j = 0; j < r; j++)
        w |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
    return w;
#else
    memcpy(&w, s + i, r);
    return w;
#endif
}

void text_fold_into(char *k, const char *s, size_t n) /* see internal.h */
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        w = text_fold8(w);
        memcpy(k + i, &w, 8);
    }
    uint64_t last = text_fold8(text_tail_word(s, i, n - i)); /* zero padded */
    memcpy(k + i, &last, 8);
}

const char *text_folded_copy(iam_arena *arena, const char *s, size_t n) /* see internal.h */
{
    char *k = arena_alloc(arena, (n + 8) / 8 * 8, 8);
    if (k != NULL)
        text_fold_into(k, s, n);
    return k;
}

size_t text_edit_distance(iam_str a, iam_str b, size_t limit) /* see internal.h */
{
    enum { MAX = 258 }; /* strings up to 257 bytes */
    size_t diff = a.len > b.len ? a.len - b.len : b.len - a.len;
    if (a.len >= MAX || b.len >= MAX || diff > limit)
        return limit + 1;
    size_t row[MAX];
    for (size_t j = 0; j <= b.len; j++)
        row[j] = j;
    for (size_t i = 1; i <= a.len; i++) {
        size_t diag = row[0], best = row[0] = i;
        for (size_t j = 1; j <= b.len; j++) {
            size_t up = row[j];
            size_t v = diag + (text_lower_ascii((unsigned char)a.ptr[i - 1]) ==
                                 text_lower_ascii((unsigned char)b.ptr[j - 1])
                             ? 0
                             : 1);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > limit)
            return limit + 1;
    }
    return row[b.len] > limit ? limit + 1 : row[b.len];
}

/* High bit set in exactly the bytes of x that are ':' (no false positives:
 * the sum cannot carry between bytes once their high bits are masked). */

/* Bytes s[i..i+8) as a little-endian word; past n the bytes are 0xFF
 * (never ':'). Strings of 8 bytes or more are read with overlapping
 * 8-byte loads, never past their end. */
static uint64_t load_word(const char *s, size_t i, size_t n)
{
    uint64_t x = 0;
    size_t take = n - i < 8 ? n - i : 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (take == 8) {
        memcpy(&x, s + i, 8);
        return x;
    }
    if (n >= 8) {
        memcpy(&x, s + n - 8, 8);
        return (x >> (8 * (8 - take))) | (~0ull << (8 * take));
    }
#endif
    for (size_t j = 0; j < take; j++)
        x |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
    return take == 8 ? x : x | (~0ull << (8 * take));
}

unsigned text_arn_colons(const char *s, size_t n, size_t at[5], unsigned want)
{
    unsigned found = 0;
    want = want < 5 ? want : 5;
    for (size_t i = 0; i < n && found < want; i += 8)
        for (uint64_t m = text_colon_lanes(load_word(s, i, n)); m != 0 && found < want; m &= m - 1)
            at[found++] = i + (size_t)__builtin_ctzll(m) / 8; /* lane k is byte i + k */
    return found;
}
