/*
 * glob_resource.c — Resource patterns prepared one by one (glob_set.h).
 *
 * Whatever else a pattern says, a subject it matches starts with the
 * pattern's bytes before its first wildcard (spec §2.3.2: literal fields
 * compare whole; the field holding the first wildcard starts with its
 * literal part, alone or, by the [DOC] rule, as the rest of the ARN), with
 * ASCII case ignored before the fifth colon. That test, a few word
 * comparisons, turns down nearly every subject; two common shapes are
 * decided by it outright.
 */
#include "glob_set.h"
#include "glob.h"
#include "glob_words.h"

static size_t first_wildcard(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '*' || s[i] == '?')
            return i;
    return n;
}

/* The index of the fifth colon in s[0, n), or n when there are fewer. */
static size_t fifth_colon(const char *s, size_t n)
{
    unsigned colons = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ':' && ++colons == 5)
            return i;
    return n;
}

static bool only_stars(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '*')
            return false;
    return n != 0;
}

bool glob_resource_prepare(iam_arena *arena, const char *text, size_t len, glob_resource *out)
{
    size_t literal = first_wildcard(text, len);
    size_t fold = fifth_colon(text, literal);
    bool six_fields = fold < literal;
    size_t padded = (literal + 7) / 8 * 8;
    char *copy = arena_alloc(arena, len + padded + 1, 8);
    if (copy == NULL)
        return false;
    char *lit = copy; /* first: its words stay 8-aligned */
    char *whole = copy + padded;
    memset(lit, 0, padded);
    for (size_t i = 0; i < literal; i++)
        lit[i] = (char)(i < fold ? text_lower_ascii((unsigned char)text[i]) : (unsigned char)text[i]);
    memcpy(whole, text, len);
    whole[len] = '\0';
    out->text = whole;
    out->literal = lit;
    out->len = (uint32_t)len;
    out->literal_len = (uint32_t)literal;
    out->fold_len = (uint32_t)fold;
    if (len == 1 && text[0] == '*')
        out->shape = GLOB_RESOURCE_ANY;
    else if (six_fields && literal == len)
        out->shape = GLOB_RESOURCE_EXACT;
    else if (six_fields && only_stars(text + literal, len - literal))
        out->shape = GLOB_RESOURCE_PREFIX;
    else
        out->shape = GLOB_RESOURCE_GENERAL;
    return true;
}

/* Which bytes of word k (bytes 8k..8k+7) lie before fold_len. */
static inline uint64_t fold_mask(size_t k, size_t fold_len)
{
    size_t start = 8 * k;
    if (fold_len >= start + 8)
        return ~0ull;
    if (fold_len <= start)
        return 0;
    return ~0ull >> (64 - 8 * (fold_len - start));
}

static bool literal_equals(const glob_resource *p, const char *s, size_t len)
{
    size_t n = p->literal_len;
    for (size_t k = 0; 8 * k < n; k++) {
        size_t r = n - 8 * k < 8 ? n - 8 * k : 8;
        uint64_t x = glob_load(s, 8 * k, r, len);
        uint64_t want = glob_load(p->literal, 8 * k, 8, 8 * k + 8);
        uint64_t m = fold_mask(k, p->fold_len);
        if (((text_fold8(x) & m) | (x & ~m)) != want)
            return false;
    }
    return true;
}

bool glob_resource_match(const glob_resource *p, const char *s, size_t len)
{
    if (p->shape == GLOB_RESOURCE_ANY)
        return true;
    if (len < p->literal_len || !literal_equals(p, s, len))
        return false;
    switch (p->shape) {
    case GLOB_RESOURCE_EXACT:
        return len == p->len;
    case GLOB_RESOURCE_PREFIX:
        return glob_cut_ok(s, p->literal_len, len);
    default:
        return glob_match_resource_reference(p->text, p->len, s, len);
    }
}
