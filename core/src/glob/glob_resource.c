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

typedef struct pattern_scan {
    size_t literal;               /* bytes before the first wildcard */
    size_t fold;                  /* the fifth colon before it, else literal */
} pattern_scan;

/* Counts the colons of one block (bit i: byte at + i) into *colons and
 * notes where the fifth is. */
static void count_colons(unsigned mask, size_t at, unsigned *colons, size_t *fifth)
{
    for (; mask != 0 && *fifth == SIZE_MAX; mask &= mask - 1)
        if (++*colons == 5)
            *fifth = at + (size_t)__builtin_ctz(mask);
}

/* One pass over a Resource pattern's literal part (sixteen bytes at a
 * time where SSE2 is). */
static pattern_scan scan_pattern(const char *s, size_t n)
{
    pattern_scan p = {n, SIZE_MAX};
    unsigned colons = 0;
#if defined(__SSE2__)
    for (size_t i = 0; i < n; i += 16) {
        __m128i x = glob_load16(s, i, n);
        unsigned wild = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(x, _mm_set1_epi8('*')), _mm_cmpeq_epi8(x, _mm_set1_epi8('?'))));
        unsigned colon = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(':')));
        if (wild != 0)
            colon &= (1u << __builtin_ctz(wild)) - 1; /* the colons before it */
        count_colons(colon, i, &colons, &p.fold);
        if (wild != 0) {
            p.literal = i + (size_t)__builtin_ctz(wild);
            break;
        }
    }
#else
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '*' || s[i] == '?') {
            p.literal = i;
            break;
        }
        count_colons(s[i] == ':', i, &colons, &p.fold);
    }
#endif
    if (p.fold > p.literal)
        p.fold = p.literal;
    return p;
}

/* The literal bytes, ASCII lower-cased before fold, zero padded to
 * (literal + 8) / 8 * 8 bytes. */
static void copy_literal(char *lit, const char *text, size_t literal, size_t fold)
{
    text_fold_into(lit, text, fold); /* zero padded past fold */
    if (literal > fold)
        memcpy(lit + fold, text + fold, literal - fold);
    memset(lit + literal, 0, (literal + 8) / 8 * 8 - literal);
}

static bool only_stars(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '*')
            return false;
    return n != 0;
}

bool glob_star_only(const char *p, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) { /* a byte >= 0x80 has its sign bit */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        if (_mm_movemask_epi8(_mm_or_si128(x, _mm_cmpeq_epi8(x, _mm_set1_epi8('?')))) != 0)
            return false;
    }
#endif
    for (; i < n; i++)
        if (p[i] == '?' || (unsigned char)p[i] >= 0x80)
            return false;
    return true;
}

/* What preparing a pattern needs to know of its bytes. */
typedef struct resource_scan {
    pattern_scan cut;             /* its literal part and fold */
    bool star_only;               /* glob_star_only */
    bool stars_after;             /* only '*' after the literal part, and some */
    unsigned colons;              /* its first colons (at most five) */
    size_t colon[5];
} resource_scan;

static void scan_bytewise(const char *s, size_t n, resource_scan *r)
{
    r->cut = scan_pattern(s, n);
    r->star_only = glob_star_only(s, n);
    r->stars_after = r->cut.literal < n && only_stars(s + r->cut.literal, n - r->cut.literal);
    r->colons = text_arn_colons(s, n, r->colon, 5);
}

#if defined(__SSE2__)
typedef struct resource_masks {   /* bit i: byte i of the pattern is... */
    uint64_t colons, stars, questions;
    uint64_t high;                /* >= 0x80 */
} resource_masks;

static inline void resource_block(resource_masks *m, __m128i x, size_t at)
{
    m->colons |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(':'))) << at;
    m->stars |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('*'))) << at;
    m->questions |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('?'))) << at;
    m->high |= (uint64_t)(unsigned)_mm_movemask_epi8(x) << at;
}

/* scan_bytewise for patterns of 16 to 64 bytes (most of them), from bit
 * masks: whole blocks, then the last sixteen bytes (overlapping). */
static void scan_masks(const char *s, size_t n, resource_scan *r)
{
    resource_masks m = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        resource_block(&m, _mm_loadu_si128((const __m128i *)(const void *)(s + i)), i);
    if (i < n)
        resource_block(&m, _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16)), n - 16);
    uint64_t wild = m.stars | m.questions;
    size_t literal = wild != 0 ? (size_t)__builtin_ctzll(wild) : n;
    uint64_t below = literal < 64 ? (1ull << literal) - 1 : ~0ull; /* bytes of the literal part */
    uint64_t after = n < 64 ? ~below & ((1ull << n) - 1) : ~below;  /* the bytes after it */
    r->cut.literal = literal;
    r->colons = 0;
    for (uint64_t c = m.colons; c != 0 && r->colons < 5; c &= c - 1)
        r->colon[r->colons++] = (size_t)__builtin_ctzll(c);
    r->cut.fold = r->colons == 5 && r->colon[4] < literal ? r->colon[4] : literal;
    r->star_only = (m.questions | m.high) == 0;
    r->stars_after = after != 0 && (m.stars & after) == after;
}
#endif

static void scan_resource(const char *s, size_t n, resource_scan *r)
{
#if defined(__SSE2__)
    if (n >= 16 && n <= 64) {
        scan_masks(s, n, r);
        return;
    }
#endif
    scan_bytewise(s, n, r);
}

/* The field the [DOC] rule starts at: the first of the first five that
 * ends in '*' (6: none); the rest from there, padded, in the arena. */
static bool prepare_rest(iam_arena *arena, const char *text, size_t len, const resource_scan *r,
                         glob_resource *out)
{
    size_t start[6];
    unsigned fields = r->colons + 1;
    start[0] = 0;
    for (unsigned i = 0; i < r->colons; i++)
        start[i + 1] = r->colon[i] + 1;
    out->fields = (uint8_t)fields;
    for (unsigned i = 0; i < fields; i++)
        out->field[i] = (uint32_t)start[i];
    out->field[fields] = (uint32_t)len + 1;
    out->rest_field = 6;
    for (unsigned i = 0; i < fields && i < 5; i++) {
        size_t end = i + 1 < fields ? start[i + 1] - 1 : len;
        if (end > start[i] && text[end - 1] == '*') {
            out->rest_field = (uint8_t)i;
            break;
        }
    }
    if (out->rest_field == 6)
        return true;
    size_t from = start[out->rest_field], pad = 2 * (6 - fields);
    char *rest = arena_alloc(arena, len - from + pad + 1, 1);
    if (rest == NULL)
        return false;
    memcpy(rest, text + from, len - from);
    memcpy(rest + len - from, ":*:*:*:*:*", pad);
    out->rest = rest;
    out->rest_len = (uint32_t)(len - from + pad);
    return true;
}

bool glob_resource_prepare(iam_arena *arena, const char *text, size_t len, glob_resource *out)
{
    memset(out, 0, sizeof *out);
    resource_scan scan;
    scan_resource(text, len, &scan);
    size_t literal = scan.cut.literal, fold = scan.cut.fold;
    bool six_fields = fold < literal;
    char *lit = arena_alloc(arena, (literal + 8) / 8 * 8, 8);
    if (lit == NULL)
        return false;
    copy_literal(lit, text, literal, fold);
    out->text = text != NULL ? text : ""; /* kept, not copied */
    out->literal = lit;
    out->len = (uint32_t)len;
    out->literal_len = (uint32_t)literal;
    out->fold_len = (uint32_t)fold;
    if (len == 1 && text[0] == '*')
        out->shape = GLOB_RESOURCE_ANY;
    else if (six_fields && literal == len)
        out->shape = GLOB_RESOURCE_EXACT;
    else if (six_fields && scan.stars_after)
        out->shape = GLOB_RESOURCE_PREFIX;
    else
        out->shape = GLOB_RESOURCE_GENERAL;
    out->star_only = out->shape == GLOB_RESOURCE_GENERAL && scan.star_only;
    return !out->star_only || prepare_rest(arena, text, len, &scan, out);
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

/* Whether p[0, n) equals s[q, q + n), ASCII case ignored before fold_limit. */
static bool segment_equals(const char *p, const char *s, size_t q, size_t n, size_t fold_limit)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)p[i], b = (unsigned char)s[q + i];
        if (q + i < fold_limit) {
            a = text_lower_ascii(a);
            b = text_lower_ascii(b);
        }
        if (a != b)
            return false;
    }
    return true;
}

/*
 * The literal before the first '*' at the start, the one after the last
 * at the end, each one between at its leftmost place after the previous
 * one (a later place never helps the rest). A literal's first byte is
 * ASCII, so it starts a code point of the subject; its end must end one
 * (glob_cut_ok), else the subject's code point is longer than the
 * literal's last one and they differ (spec §2.1).
 */
bool glob_star_match(const char *p, size_t pn, const char *s, size_t sn, size_t fold_limit)
{
    const char *first_star = memchr(p, '*', pn);
    if (first_star == NULL)
        return pn == sn && segment_equals(p, s, 0, pn, fold_limit);
    size_t head = (size_t)(first_star - p), last = pn - 1;
    while (p[last] != '*')
        last--;
    size_t tail = pn - last - 1;
    if (sn < head + tail || !segment_equals(p, s, 0, head, fold_limit) || !glob_cut_ok(s, head, sn) ||
        !segment_equals(p + last + 1, s, sn - tail, tail, fold_limit))
        return false;
    size_t at = head, end = sn - tail; /* the middle literals go in s[at, end) */
    for (size_t i = head + 1; i < last;) {
        size_t n = 0;
        while (p[i + n] != '*')
            n++;
        if (n != 0) {
            while (at + n <= end &&
                   !(segment_equals(p + i, s, at, n, fold_limit) && glob_cut_ok(s, at + n, sn)))
                at++;
            if (at + n > end)
                return false;
            at += n;
        }
        i += n + 1;
    }
    return true;
}

static bool subject_six_fields(glob_subject *subject)
{
    if (subject->six_fields < 0) {
        size_t colons[5];
        const char *s = subject->text;
        subject->six_fields = text_arn_colons(s, subject->len, colons, 5) == 5 &&
                              !(subject->len == 1 && s[0] == '*');
        subject->field[0] = 0;
        for (int i = 0; i < 5 && subject->six_fields; i++)
            subject->field[i + 1] = colons[i] + 1;
    }
    return subject->six_fields;
}

/* A star_only GENERAL pattern, as arn_match of glob_reference.c does it. */
static bool star_fields_match(const glob_resource *p, glob_subject *subject)
{
    if (!subject_six_fields(subject))
        return false;
    const char *s = subject->text;
    size_t len = subject->len;
    const size_t *f = subject->field;
    unsigned stop = p->rest_field < p->fields ? p->rest_field : p->fields;
    for (unsigned i = 0; i < stop; i++) {
        size_t se = i < 5 ? f[i + 1] - 1 : len;
        if (!glob_star_match(p->text + p->field[i], p->field[i + 1] - 1 - p->field[i], s + f[i],
                             se - f[i], i < 5 ? SIZE_MAX : 0))
            return false;
    }
    if (p->rest_field == 6)
        return true; /* padding fields are "*" */
    size_t from = f[p->rest_field];
    return glob_star_match(p->rest, p->rest_len, s + from, len - from, f[5] - from);
}

bool glob_resource_match(const glob_resource *p, glob_subject *subject)
{
    const char *s = subject->text;
    size_t len = subject->len;
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
        return p->star_only ? star_fields_match(p, subject)
                            : glob_match_resource_reference(p->text, p->len, s, len);
    }
}
