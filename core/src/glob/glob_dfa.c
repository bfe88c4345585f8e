/*
 * glob_dfa.c — subset construction of one DFA over a group of pattern
 * programs. An NFA item is (program, token, mode, byte within a literal):
 *   BOUND(t): at a code point boundary, before token t;
 *   SKIP(t):  inside a code point that '?' or '*' consumed, then BOUND(t);
 *   LIT(t,k): inside the literal code point of token t, at its byte k.
 * A program whose remaining tokens are all '*' that may cross colons is
 * reported ("emitted") and dropped at once, and so is every program of the
 * same owner (the owner is reported; they could add nothing): without
 * that, a hundred patterns grow past 200,000 states; with it, the corpus's
 * wildcard actions need a few thousand.
 *
 * Inside a '*' that may cross colons, a program's items before that star
 * are dropped too: they could match nothing the star cannot.
 *
 * Programs step independently, so a DFA state is a list of per-program
 * states ("local" states: a program's items), one per live program, in
 * program order. Local states are interned once per group and their
 * transitions cached, so stepping a DFA state costs a table lookup per
 * live program, and what is learnt about a program serves every
 * construction of its group (a group over budget is built again in
 * halves). The classes of symbols that match none of the bytes a state's
 * programs compare all lead to the same state, which is computed once.
 */
#include "glob_internal.h"

#include <stdlib.h>

enum { MODE_BOUND = 0, MODE_SKIP = 1, MODE_LIT = 2 };

static uint64_t item_pack(uint32_t p, uint32_t t, unsigned mode, uint32_t k)
{
    return ((uint64_t)p << 42) | ((uint64_t)t << 22) | ((uint64_t)mode << 20) | k;
}
static uint32_t item_program(uint64_t i) { return (uint32_t)(i >> 42); }
static uint32_t item_token(uint64_t i) { return (uint32_t)(i >> 22) & 0xFFFFFu; }
static unsigned item_mode(uint64_t i) { return (unsigned)(i >> 20) & 3u; }
static uint32_t item_byte(uint64_t i) { return (uint32_t)i & 0xFFFFFu; }

/* ---- growable arrays (compile time only) ---- */

typedef struct u64_vec { uint64_t *v; size_t n, cap; } u64_vec;
typedef struct u32_vec { uint32_t *v; size_t n, cap; } u32_vec;
typedef struct u16_vec { uint16_t *v; size_t n, cap; } u16_vec;

/* Room for `need` elements in *v; false when out of memory. */
static bool vec_reserve(void **v, size_t need, size_t *cap, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t grown = *cap ? *cap * 2 : 64;
    if (grown < need)
        grown = need;
    void *p = realloc(*v, grown * elem);
    if (p == NULL)
        return false;
    *v = p;
    *cap = grown;
    return true;
}

static bool u64_reserve(u64_vec *a, size_t need)
{
    return vec_reserve((void **)&a->v, need, &a->cap, sizeof *a->v);
}

static bool u32_reserve(u32_vec *a, size_t need)
{
    return vec_reserve((void **)&a->v, need, &a->cap, sizeof *a->v);
}

static bool u64_push(u64_vec *a, uint64_t x)
{
    if (!u64_reserve(a, a->n + 1))
        return false;
    a->v[a->n++] = x;
    return true;
}

static bool u32_push(u32_vec *a, uint32_t x)
{
    if (!u32_reserve(a, a->n + 1))
        return false;
    a->v[a->n++] = x;
    return true;
}

/* ---- symbols ---- */

static bool symbol_continues(uint32_t x)
{
    return (x & SYMBOL_FIRST_CONTINUATION) == 0 && byte_continues((unsigned char)x);
}

static bool symbol_is_colon(uint32_t x)
{
    return (x & 0xFFu) == ':';
}

/* A literal pattern byte against a symbol (spec §2.2 case folding). */
static bool literal_matches(unsigned char p, uint32_t x)
{
    unsigned char low = (unsigned char)x;
    return (x & SYMBOL_FOLD) ? text_lower_ascii(p) == low : p == low;
}

/* ---- stepping the items of one program ---- */

typedef struct step_ctx {
    const glob_program *programs;
    u64_vec items;     /* the items reached */
    bool emitted;      /* the program reached its trailing stars */
} step_ctx;

static bool add_item(step_ctx *c, uint32_t p, uint32_t t, unsigned mode, uint32_t k)
{
    const glob_program *prog = &c->programs[p];
    if (mode == MODE_SKIP && t >= prog->any_stars_from && t < prog->count) {
        c->emitted = true;
        return true;
    }
    return u64_push(&c->items, item_pack(p, t, mode, k));
}

static bool wildcard_allows(const glob_token *tok, uint32_t x)
{
    return !(tok->no_colon && symbol_is_colon(x));
}

/* BOUND(t) on x: the token at t consumes x; a '*' may also end here, so
 * the tokens after it are tried on x too. */
static bool step_bound(step_ctx *c, uint32_t p, uint32_t t, uint32_t x)
{
    const glob_program *prog = &c->programs[p];
    if (symbol_continues(x))
        return true; /* the last literal was only part of the subject's code point */
    for (; t < prog->count; t++) {
        const glob_token *tok = &prog->tokens[t];
        if (tok->kind == TOKEN_LITERAL) {
            if (!literal_matches((unsigned char)prog->text[tok->start], x))
                return true;
            return tok->len == 1 ? add_item(c, p, t + 1, MODE_BOUND, 0)
                                 : add_item(c, p, t, MODE_LIT, 1);
        }
        if (tok->kind == TOKEN_ONE)
            return !wildcard_allows(tok, x) || add_item(c, p, t + 1, MODE_SKIP, 0);
        if (wildcard_allows(tok, x) && !add_item(c, p, t, MODE_SKIP, 0)) /* the star goes on */
            return false;
    }
    return true;
}

static bool step_item(step_ctx *c, uint64_t item, uint32_t x)
{
    uint32_t p = item_program(item), t = item_token(item);
    const glob_program *prog = &c->programs[p];
    if (item_mode(item) == MODE_BOUND)
        return step_bound(c, p, t, x);
    if (item_mode(item) == MODE_SKIP)
        return symbol_continues(x) ? add_item(c, p, t, MODE_SKIP, 0) : step_bound(c, p, t, x);
    const glob_token *tok = &prog->tokens[t];
    uint32_t k = item_byte(item);
    if (!literal_matches((unsigned char)prog->text[tok->start + k], x))
        return true;
    return k + 1 == tok->len ? add_item(c, p, t + 1, MODE_BOUND, 0)
                             : add_item(c, p, t, MODE_LIT, k + 1);
}

static void insertion_sort_u64(uint64_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static size_t sort_unique_u64(uint64_t *v, size_t n)
{
    if (n < 2)
        return n;
    if (n <= 32)
        insertion_sort_u64(v, n);
    else
        qsort(v, n, sizeof *v, compare_u64);
    size_t m = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[m - 1])
            v[m++] = v[i];
    return m;
}

static size_t sort_unique_u32(uint32_t *v, size_t n)
{
    if (n < 2)
        return n;
    if (n <= 32)
        glob_sort_short_u32(v, n);
    else
        qsort(v, n, sizeof *v, compare_u32);
    size_t m = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[m - 1])
            v[m++] = v[i];
    return m;
}

/* Inside a '*' that may cross colons, a program matches whatever it could
 * match from any earlier position: its items before that star add nothing
 * and go (states that differ only in them are one). v: one program's
 * items, sorted. */
static size_t drop_subsumed(const glob_program *prog, uint64_t *v, size_t n)
{
    size_t keep = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t t = item_token(v[i]);
        if (item_mode(v[i]) == MODE_SKIP && t < prog->count &&
            prog->tokens[t].kind == TOKEN_STAR && !prog->tokens[t].no_colon)
            keep = i;
    }
    if (keep != 0)
        memmove(v, v + keep, (n - keep) * sizeof *v);
    return n - keep;
}

/* ---- interning: keys of 32-bit words ---- */

/* A state's key: `count` words, then `extra` words (stored contiguously). */
typedef struct state_table {
    u32_vec words;
    u32_vec start, count, extra;
    u32_vec hash;           /* per state, so that growing rereads no keys */
    uint32_t *slots;        /* hash → state id + 1 */
    size_t slot_cap;
} state_table;

/* Two words per multiply: half the dependency chain of one per word. */
static uint64_t hash_more(uint64_t h, const uint32_t *a, size_t n)
{
    size_t i = 0;
    for (; i + 2 <= n; i += 2)
        h = (h ^ ((uint64_t)a[i] << 32 | a[i + 1])) * 0xFF51AFD7ED558CCDull;
    if (i < n)
        h = (h ^ a[i]) * 0xFF51AFD7ED558CCDull;
    return h;
}

static uint32_t hash_words(const uint32_t *a, size_t n, const uint32_t *b, size_t e)
{
    uint64_t h = hash_more(0x9E3779B97F4A7C15ull ^ n ^ ((uint64_t)e << 32), a, n);
    h = hash_more(h, b, e);
    return (uint32_t)(h ^ (h >> 29) ^ (h >> 47));
}

static bool key_equals(const state_table *st, uint32_t id, uint32_t hash, const uint32_t *a,
                       size_t n, const uint32_t *b, size_t e)
{
    if (st->hash.v[id] != hash || st->count.v[id] != n || st->extra.v[id] != e)
        return false;
    const uint32_t *key = st->words.v + st->start.v[id];
    return (n == 0 || memcmp(key, a, n * sizeof *a) == 0) &&
           (e == 0 || memcmp(key + n, b, e * sizeof *b) == 0);
}

static bool table_grow(state_table *st)
{
    size_t cap = st->slot_cap ? st->slot_cap * 2 : 64;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    for (uint32_t id = 0; id < st->hash.n; id++) {
        size_t slot = st->hash.v[id] & (cap - 1);
        while (slots[slot] != 0)
            slot = (slot + 1) & (cap - 1);
        slots[slot] = id + 1;
    }
    free(st->slots);
    st->slots = slots;
    st->slot_cap = cap;
    return true;
}

static bool key_append(state_table *st, const uint32_t *a, size_t n, const uint32_t *b, size_t e,
                       uint32_t hash)
{
    size_t at = st->words.n;
    if (!u32_reserve(&st->words, at + n + e) || !u32_push(&st->start, (uint32_t)at) ||
        !u32_push(&st->count, (uint32_t)n) || !u32_push(&st->extra, (uint32_t)e) ||
        !u32_push(&st->hash, hash))
        return false;
    if (n != 0)
        memcpy(st->words.v + at, a, n * sizeof *a);
    if (e != 0)
        memcpy(st->words.v + at + n, b, e * sizeof *b);
    st->words.n = at + n + e;
    return true;
}

/* The id of the key (a, b), added if new (*added); UINT32_MAX on failure. */
static uint32_t table_intern(state_table *st, const uint32_t *a, size_t n, const uint32_t *b,
                             size_t e, bool *added)
{
    *added = false;
    if (2 * (st->hash.n + 1) > st->slot_cap && !table_grow(st))
        return UINT32_MAX;
    uint32_t hash = hash_words(a, n, b, e);
    size_t slot = hash & (st->slot_cap - 1);
    for (; st->slots[slot] != 0; slot = (slot + 1) & (st->slot_cap - 1))
        if (key_equals(st, st->slots[slot] - 1, hash, a, n, b, e))
            return st->slots[slot] - 1;
    uint32_t id = (uint32_t)st->hash.n;
    if (!key_append(st, a, n, b, e, hash))
        return UINT32_MAX;
    st->slots[slot] = id + 1;
    *added = true;
    return id;
}

static const uint32_t *table_key(const state_table *st, uint32_t id)
{
    return st->words.v + st->start.v[id];
}

/* Empties the table for the next construction (a big slot array goes, so
 * that small constructions do not clear it each time). */
static void table_reset(state_table *st)
{
    st->words.n = st->start.n = st->count.n = st->extra.n = st->hash.n = 0;
    if (st->slot_cap > 4096) {
        free(st->slots);
        st->slots = NULL;
        st->slot_cap = 0;
    } else if (st->slots != NULL) {
        memset(st->slots, 0, st->slot_cap * sizeof *st->slots);
    }
}

static void table_free(state_table *st)
{
    free(st->words.v);
    free(st->start.v);
    free(st->count.v);
    free(st->extra.v);
    free(st->hash.v);
    free(st->slots);
}

/* ---- byte classes ---- */

/*
 * A symbol's transitions depend on whether it continues a code point,
 * whether it is ':', and on which literal bytes of the group it matches:
 * at most two (a letter's two cases). Symbols alike in these form a class.
 */
#define NO_BYTE 0xFFFFu

typedef struct class_info {
    uint8_t flags;        /* 1: continues a code point, 2: is ':' */
    uint16_t matches[2];  /* the group's literal bytes it matches, or NO_BYTE */
} class_info;

typedef struct class_set {
    uint32_t count;
    uint32_t representative[SYMBOL_COUNT]; /* a symbol of each class */
    class_info info[SYMBOL_COUNT];
    /* the classes that match literal byte b: by_byte[by_byte_start[b] ..
     * by_byte_start[b + 1]) */
    uint16_t by_byte_start[257];
    uint16_t by_byte[2 * SYMBOL_COUNT];
    uint8_t flags[SYMBOL_COUNT];            /* info[k].flags, packed for the row loop */
    /* the classes with flags f: by_flags[by_flags_start[f] .. by_flags_start[f + 1]) */
    uint16_t by_flags_start[4];
    uint16_t by_flags[SYMBOL_COUNT];
} class_set;

/* The distinct literal bytes of the group. */
static void literal_bytes(const glob_program *programs, uint32_t count, bool *seen)
{
    memset(seen, 0, 256 * sizeof *seen);
    for (uint32_t p = 0; p < count; p++)
        for (uint32_t t = 0; t < programs[p].count; t++) {
            const glob_token *tok = &programs[p].tokens[t];
            for (uint32_t k = 0; tok->kind == TOKEN_LITERAL && k < tok->len; k++)
                seen[(unsigned char)programs[p].text[tok->start + k]] = true;
        }
}

/* The literal bytes of the group that a symbol's byte matches, folded or
 * not: at most two, the upper-case letter first. */
static class_info byte_matches(unsigned char low, bool fold, const bool *in_group)
{
    class_info info = {0, {NO_BYTE, NO_BYTE}};
    unsigned m = 0;
    if (fold && low >= 'A' && low <= 'Z')
        return info; /* folded bytes are lower case: no literal folds to this */
    if (fold && low >= 'a' && low <= 'z' && in_group[low - ('a' - 'A')])
        info.matches[m++] = (uint16_t)(low - ('a' - 'A'));
    if (in_group[low])
        info.matches[m++] = low;
    return info;
}

/* A dense index of a class_info: with two matches the second is the
 * first's lower case, so (flags, first match, whether a second) says it all. */
enum { INFO_KEYS = 3 * 257 * 2 };
static uint32_t info_key(const class_info *info)
{
    uint32_t first = info->matches[0] == NO_BYTE ? 0 : info->matches[0] + 1u;
    return (first + 257u * (info->matches[1] != NO_BYTE)) * 3u + info->flags;
}

static void index_by_flags(class_set *classes)
{
    uint16_t n = 0;
    for (uint32_t f = 0; f < 3; f++) {
        classes->by_flags_start[f] = n;
        for (uint32_t k = 0; k < classes->count; k++)
            if (classes->flags[k] == f)
                classes->by_flags[n++] = (uint16_t)k;
    }
    classes->by_flags_start[3] = n;
}

static void index_by_byte(class_set *classes)
{
    uint16_t *start = classes->by_byte_start;
    memset(start, 0, sizeof classes->by_byte_start);
    for (uint32_t k = 0; k < classes->count; k++)
        for (int m = 0; m < 2; m++)
            if (classes->info[k].matches[m] != NO_BYTE)
                start[classes->info[k].matches[m] + 1]++;
    for (int b = 0; b < 256; b++)
        start[b + 1] = (uint16_t)(start[b + 1] + start[b]);
    uint16_t fill[256];
    memcpy(fill, start, sizeof fill);
    for (uint32_t k = 0; k < classes->count; k++)
        for (int m = 0; m < 2; m++)
            if (classes->info[k].matches[m] != NO_BYTE)
                classes->by_byte[fill[classes->info[k].matches[m]]++] = (uint16_t)k;
}

/* info_key() of each byte's matches, folded or not, flags left out: 0
 * (no match) but for the literal bytes and their lower case. */
static void match_keys(const bool *in_group, uint16_t key[2][256])
{
    memset(key, 0, 2 * 256 * sizeof key[0][0]);
    for (int b = 0; b < 256; b++) {
        if (!in_group[b])
            continue;
        class_info exact = byte_matches((unsigned char)b, false, in_group);
        key[0][b] = (uint16_t)info_key(&exact);
        unsigned char low = text_lower_ascii((unsigned char)b);
        class_info folded = byte_matches(low, true, in_group);
        key[1][low] = (uint16_t)info_key(&folded);
    }
}

static uint32_t symbol_flags(uint32_t x)
{
    return symbol_continues(x) | (uint32_t)symbol_is_colon(x) << 1;
}

/* Fills class_of[] and the classes; classes are numbered in order of their
 * first symbol, so the result is deterministic. With fold_only (actions:
 * every byte folds) only folded symbols occur: the others get the class
 * of their folded twin, so that they add no classes. */
static void compute_classes(const glob_program *programs, uint32_t count, bool fold_only,
                            uint16_t *class_of, class_set *classes)
{
    bool in_group[256];
    literal_bytes(programs, count, in_group);
    uint16_t key[2][256];
    match_keys(in_group, key);
    uint16_t class_of_key[INFO_KEYS]; /* class + 1 */
    memset(class_of_key, 0, sizeof class_of_key);
    classes->count = 0;
    for (uint32_t block = 0; block < SYMBOL_COUNT; block += 256) {
        bool fold = (block & SYMBOL_FOLD) != 0;
        if (fold_only && !fold)
            continue;
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t x = block | b, flags = symbol_flags(x), k = key[fold][b] + flags;
            if (class_of_key[k] == 0) {
                class_info info = byte_matches((unsigned char)b, fold, in_group);
                info.flags = (uint8_t)flags;
                classes->representative[classes->count] = x;
                classes->info[classes->count] = info;
                classes->flags[classes->count] = (uint8_t)flags;
                class_of_key[k] = (uint16_t)++classes->count;
            }
            class_of[x] = (uint16_t)(class_of_key[k] - 1);
        }
    }
    for (uint32_t x = 0; fold_only && x < SYMBOL_COUNT; x++)
        if (!(x & SYMBOL_FOLD))
            class_of[x] = class_of[(x & ~0xFFu) | SYMBOL_FOLD | text_lower_ascii((unsigned char)x)];
    index_by_byte(classes);
    index_by_flags(classes);
}

typedef struct byte_set { uint64_t w[4]; } byte_set;

static void byte_set_add(byte_set *set, unsigned char b)
{
    set->w[b >> 6] |= 1ull << (b & 63);
}

static bool byte_set_has(const byte_set *set, uint16_t b)
{
    return b != NO_BYTE && (set->w[b >> 6] >> (b & 63)) & 1u;
}

static bool class_matches(const class_info *info, uint16_t b)
{
    return info->matches[0] == b || info->matches[1] == b;
}

/* ---- local states: one program's items ---- */

/*
 * An item compares at most one literal byte with a symbol: a literal's
 * next byte, or the first byte of the first literal after the stars at its
 * position. A local state's successor on a class depends only on the
 * class's flags and on which of its compared bytes the class matches:
 * with at most LOCAL_BYTES of them, successors are cached in 3 << bytes
 * slots.
 */
#define LOCAL_BYTES 3u
#define LOCAL_DEAD 0u                /* local state 0: no items */
#define LOCAL_EMITTED 0xFFFFFFFEu    /* the program is reported (and done) */
#define LOCAL_UNKNOWN 0xFFFFFFFFu    /* not cached yet */

typedef struct local_info {
    uint32_t program;
    uint32_t items;          /* how many */
    uint32_t cache;          /* first slot in locals.cache, or UINT32_MAX */
    uint8_t byte_count;      /* compared bytes (more than LOCAL_BYTES: uncached) */
    uint8_t bytes[LOCAL_BYTES];
    bool accepts;            /* matched if the input ends here */
    bool wild;               /* may move on a symbol matching none of its bytes */
} local_info;

typedef struct local_table {
    state_table keys;        /* items as pairs of words */
    local_info *info;
    size_t info_cap;
    u32_vec cache;
    u32_vec key;             /* the key being interned */
} local_table;

static uint16_t compared_byte(const glob_program *prog, uint64_t item)
{
    uint32_t t = item_token(item);
    if (item_mode(item) == MODE_LIT)
        return (unsigned char)prog->text[prog->tokens[t].start + item_byte(item)];
    while (t < prog->count && prog->tokens[t].kind == TOKEN_STAR)
        t++;
    if (t < prog->count && prog->tokens[t].kind == TOKEN_LITERAL)
        return (unsigned char)prog->text[prog->tokens[t].start];
    return NO_BYTE;
}

static local_info describe_local(const glob_program *programs, uint32_t p, const uint64_t *items,
                                 size_t n, uint32_t cache)
{
    const glob_program *prog = &programs[p];
    local_info info = {p, (uint32_t)n, cache, 0, {0, 0, 0}, false, false};
    byte_set seen;
    memset(&seen, 0, sizeof seen);
    unsigned distinct = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t t = item_token(items[i]);
        info.accepts |= item_mode(items[i]) != MODE_LIT && t >= prog->stars_from;
        info.wild |= item_mode(items[i]) == MODE_SKIP ||
                     (item_mode(items[i]) == MODE_BOUND && t < prog->count &&
                      prog->tokens[t].kind != TOKEN_LITERAL);
        uint16_t b = compared_byte(prog, items[i]);
        if (b == NO_BYTE || byte_set_has(&seen, b))
            continue;
        byte_set_add(&seen, (unsigned char)b);
        if (distinct < LOCAL_BYTES)
            info.bytes[distinct] = (uint8_t)b;
        distinct++;
    }
    info.byte_count = (uint8_t)(distinct > LOCAL_BYTES ? LOCAL_BYTES + 1 : distinct);
    return info;
}

/* The local state of program p's (sorted, unique) items, added if new. */
static uint32_t local_intern(local_table *lt, const glob_program *programs, uint32_t p,
                             const uint64_t *items, size_t n)
{
    if (!u32_reserve(&lt->key, 2 * n))
        return UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        lt->key.v[2 * i] = (uint32_t)(items[i] >> 32);
        lt->key.v[2 * i + 1] = (uint32_t)items[i];
    }
    bool added;
    uint32_t id = table_intern(&lt->keys, lt->key.v, 2 * n, NULL, 0, &added);
    if (id == UINT32_MAX || !added)
        return id;
    if (!vec_reserve((void **)&lt->info, id + 1, &lt->info_cap, sizeof *lt->info))
        return UINT32_MAX;
    local_info info = describe_local(programs, p, items, n, UINT32_MAX);
    if (info.byte_count <= LOCAL_BYTES) {
        size_t slots = (size_t)3 << info.byte_count;
        if (!u32_reserve(&lt->cache, lt->cache.n + slots))
            return UINT32_MAX;
        info.cache = (uint32_t)lt->cache.n;
        memset(lt->cache.v + lt->cache.n, 0xFF, slots * sizeof *lt->cache.v); /* LOCAL_UNKNOWN */
        lt->cache.n += slots;
    }
    lt->info[id] = info;
    return id;
}

static uint64_t local_item(const local_table *lt, uint32_t id, size_t i)
{
    const uint32_t *key = table_key(&lt->keys, id);
    return (uint64_t)key[2 * i] << 32 | key[2 * i + 1];
}

/* Steps the items of local state id on symbol x. */
static uint32_t local_step_uncached(local_table *lt, step_ctx *c, uint32_t id, uint32_t x)
{
    const local_info *info = &lt->info[id];
    uint32_t p = info->program, n = info->items;
    c->items.n = 0;
    c->emitted = false;
    for (uint32_t i = 0; i < n; i++)
        if (!step_item(c, local_item(lt, id, i), x))
            return UINT32_MAX;
    if (c->emitted)
        return LOCAL_EMITTED;
    size_t m = sort_unique_u64(c->items.v, c->items.n);
    m = drop_subsumed(&c->programs[p], c->items.v, m);
    return m == 0 ? LOCAL_DEAD : local_intern(lt, c->programs, p, c->items.v, m);
}

/* The successor of local state id on class k (plain: k matches none of
 * its bytes): a local state, LOCAL_DEAD, LOCAL_EMITTED, or UINT32_MAX when
 * out of memory. */
static uint32_t local_step(local_table *lt, step_ctx *c, const class_set *classes, uint32_t id,
                           uint32_t k, bool plain)
{
    const local_info *info = &lt->info[id];
    const class_info *ci = &classes->info[k];
    if (info->cache == UINT32_MAX)
        return local_step_uncached(lt, c, id, classes->representative[k]);
    uint32_t mask = 0;
    for (uint32_t i = 0; !plain && i < info->byte_count; i++)
        mask |= (uint32_t)class_matches(ci, info->bytes[i]) << i;
    if (mask == 0 && !info->wild)
        return LOCAL_DEAD;
    size_t slot = info->cache + ((size_t)ci->flags << info->byte_count) + mask;
    if (lt->cache.v[slot] == LOCAL_UNKNOWN) {
        uint32_t next = local_step_uncached(lt, c, id, classes->representative[k]);
        if (next == UINT32_MAX)
            return next;
        lt->cache.v[slot] = next; /* lt->info may have moved: index again */
    }
    return lt->cache.v[slot];
}

static void local_reset(local_table *lt)
{
    table_reset(&lt->keys);
    lt->cache.n = 0;
}

static void local_free(local_table *lt)
{
    table_free(&lt->keys);
    free(lt->info);
    free(lt->cache.v);
    free(lt->key.v);
}

/* ---- construction ---- */

struct dfa_scratch {
    const glob_program *programs;   /* the group's */
    bool fold_only;                 /* only folded symbols occur */
    uint32_t lo, hi;                /* the programs of this construction */
    state_table states;      /* key: live local states, then emitted programs */
    u32_vec state_items;     /* per state: its items (the work budget) */
    local_table locals;      /* of the group's programs, kept between constructions */
    step_ctx c;
    class_set *classes;      /* of this construction (not cleared: large) */
    uint64_t work;           /* what stepping every item on every class costs */
    uint64_t known_items;    /* of the states found so far */
    uint32_t known_max_items;
    uint8_t class_marked[SYMBOL_COUNT]; /* all 0 between states */
    u32_vec marked;          /* the classes marked */
    u32_vec cur, cur_bytes;  /* the state being expanded (see load_state) */
    u32_vec plain_next;      /* its local successors on plain classes, by flags */
    u32_vec next_locals;     /* the state being built */
    u32_vec next_emits;
    u16_vec next;            /* the transition table being filled */
    u32_vec local_owner;     /* per program: its owner, numbered from 0 */
    u64_vec owner_sort;      /* (owner << 32 | program) while numbering owners */
    uint8_t *owner_emitted;  /* per local owner; all 0 between steps */
    size_t owner_emitted_cap;
    u32_vec lists;           /* emit then accept (start, count) pairs */
    u32_vec owners;
    u32_vec list;            /* programs of one list */
};

dfa_scratch *dfa_scratch_create(void)
{
    dfa_scratch *x = calloc(1, sizeof *x);
    if (x != NULL && (x->classes = malloc(sizeof *x->classes)) == NULL) {
        free(x);
        return NULL;
    }
    return x;
}

void dfa_scratch_free(dfa_scratch *x)
{
    if (x == NULL)
        return;
    table_free(&x->states);
    free(x->classes);
    free(x->state_items.v);
    local_free(&x->locals);
    free(x->c.items.v);
    free(x->marked.v);
    free(x->cur.v);
    free(x->cur_bytes.v);
    free(x->plain_next.v);
    free(x->next_locals.v);
    free(x->next_emits.v);
    free(x->next.v);
    free(x->local_owner.v);
    free(x->owner_sort.v);
    free(x->owner_emitted);
    free(x->lists.v);
    free(x->owners.v);
    free(x->list.v);
    free(x);
}

/* Numbers the owners of the programs from 0, for drop_emitted. */
static bool number_owners(dfa_scratch *x)
{
    uint32_t count = x->hi - x->lo;
    if (!u32_reserve(&x->local_owner, x->hi) || !u64_reserve(&x->owner_sort, count) ||
        !vec_reserve((void **)&x->owner_emitted, count, &x->owner_emitted_cap, 1))
        return false;
    for (uint32_t i = 0; i < count; i++)
        x->owner_sort.v[i] = (uint64_t)x->programs[x->lo + i].owner << 32 | (x->lo + i);
    if (count <= 32)
        insertion_sort_u64(x->owner_sort.v, count);
    else
        qsort(x->owner_sort.v, count, sizeof *x->owner_sort.v, compare_u64);
    uint32_t local = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (i > 0 && x->owner_sort.v[i] >> 32 != x->owner_sort.v[i - 1] >> 32)
            local++;
        x->local_owner.v[(uint32_t)x->owner_sort.v[i]] = local;
    }
    memset(x->owner_emitted, 0, count);
    return true;
}

/* The owners reported in this step are done: the local states of all
 * their programs go, so that each is reported once per scan. */
static void drop_emitted(dfa_scratch *x)
{
    const uint32_t *owner = x->local_owner.v;
    for (size_t e = 0; e < x->next_emits.n; e++)
        x->owner_emitted[owner[x->next_emits.v[e]]] = 1;
    size_t m = 0;
    for (size_t i = 0; i < x->next_locals.n; i++) {
        uint32_t local = x->next_locals.v[i];
        if (!x->owner_emitted[owner[x->locals.info[local].program]])
            x->next_locals.v[m++] = local;
    }
    x->next_locals.n = m;
    for (size_t e = 0; e < x->next_emits.n; e++)
        x->owner_emitted[owner[x->next_emits.v[e]]] = 0;
}

/* The state of next_locals (in program order) and next_emits (sorted). */
static dfa_result intern_next(dfa_scratch *x, uint32_t *id)
{
    if (x->next_emits.n != 0)
        drop_emitted(x);
    for (size_t i = 1; i < x->next_locals.n; i++) /* canonical: one per program, in order */
        IAM_ASSERT(x->locals.info[x->next_locals.v[i - 1]].program <
                   x->locals.info[x->next_locals.v[i]].program);
    bool added;
    *id = table_intern(&x->states, x->next_locals.v, x->next_locals.n, x->next_emits.v,
                       x->next_emits.n, &added);
    if (*id == UINT32_MAX)
        return DFA_NOMEM;
    if (added) {
        uint32_t items = 0;
        for (size_t i = 0; i < x->next_locals.n; i++)
            items += x->locals.info[x->next_locals.v[i]].items;
        if (!u32_push(&x->state_items, items))
            return DFA_NOMEM;
        x->known_items += items;
        if (items > x->known_max_items)
            x->known_max_items = items;
    }
    return DFA_OK;
}

static dfa_result start_states(dfa_scratch *x)
{
    uint32_t id;
    x->next_locals.n = x->next_emits.n = 0;
    dfa_result r = intern_next(x, &id); /* state 0: dead */
    for (uint32_t p = x->lo; r == DFA_OK && p < x->hi; p++) {
        bool ok;
        if (x->programs[p].any_stars_from == 0 && x->programs[p].count > 0) {
            ok = u32_push(&x->next_emits, p);
        } else {
            uint64_t item = item_pack(p, 0, MODE_BOUND, 0);
            uint32_t local = local_intern(&x->locals, x->programs, p, &item, 1);
            ok = local != UINT32_MAX && u32_push(&x->next_locals, local);
        }
        if (!ok)
            r = DFA_NOMEM;
    }
    return r == DFA_OK ? intern_next(x, &id) : r; /* state 1: start */
}

/*
 * The state being expanded: its live local states, and for each the bytes
 * it compares packed in a word (count << 24 | b2 << 16 | b1 << 8 | b0;
 * a count over LOCAL_BYTES means "many").
 */
static bool load_state(dfa_scratch *x, uint32_t s)
{
    size_t n = x->states.count.v[s];
    if (!u32_reserve(&x->cur, n) || !u32_reserve(&x->cur_bytes, n) ||
        !u32_reserve(&x->plain_next, 3 * n) || !u32_reserve(&x->next_locals, n) ||
        !u32_reserve(&x->next_emits, n))
        return false;
    if (n != 0)
        memcpy(x->cur.v, table_key(&x->states, s), n * sizeof *x->cur.v);
    x->cur.n = n;
    for (size_t i = 0; i < n; i++) {
        const local_info *info = &x->locals.info[x->cur.v[i]];
        x->cur_bytes.v[i] = (uint32_t)info->byte_count << 24 | (uint32_t)info->bytes[2] << 16 |
                            (uint32_t)info->bytes[1] << 8 | info->bytes[0];
    }
    return true;
}

/* Whether class k matches a byte that local i of the state compares. */
static bool local_affected(uint32_t packed, const class_info *ci)
{
    uint32_t count = packed >> 24;
    if (count > LOCAL_BYTES)
        return true;
    for (uint32_t j = 0; j < count; j++)
        if (class_matches(ci, (uint16_t)((packed >> (8 * j)) & 0xFFu)))
            return true;
    return false;
}

/* Adds a local successor to the state being built. */
static void add_next(dfa_scratch *x, uint32_t i, uint32_t next)
{
    if (next == LOCAL_EMITTED)
        x->next_emits.v[x->next_emits.n++] = x->locals.info[x->cur.v[i]].program;
    else if (next != LOCAL_DEAD)
        x->next_locals.v[x->next_locals.n++] = next;
}

/* The state of next_locals and next_emits (0 when both are empty). */
static dfa_result finish_step(dfa_scratch *x, uint32_t *id)
{
    if (x->next_locals.n == 0 && x->next_emits.n == 0) {
        *id = 0;
        return DFA_OK;
    }
    return intern_next(x, id);
}

/* The successor on a class that matches none of the state's bytes; the
 * local successors stay in plain_next[f] for the classes that match some. */
static dfa_result step_plain(dfa_scratch *x, uint32_t k, uint32_t *id)
{
    size_t n = x->cur.n;
    /* (no offset on an empty buffer: NULL + 0 is undefined in C) */
    uint32_t *next = n ? x->plain_next.v + (size_t)x->classes->info[k].flags * n : NULL;
    x->next_locals.n = x->next_emits.n = 0;
    for (size_t i = 0; i < n; i++) {
        next[i] = local_step(&x->locals, &x->c, x->classes, x->cur.v[i], k, true);
        if (next[i] == UINT32_MAX)
            return DFA_NOMEM;
        add_next(x, i, next[i]);
    }
    return finish_step(x, id);
}

/* The successor on a class that matches some of the state's bytes: only
 * the local states comparing those step anew when the plain successors of
 * its flags are known. */
static dfa_result step_matched(dfa_scratch *x, uint32_t k, bool plain_known, uint32_t *id)
{
    size_t n = x->cur.n;
    const class_info *ci = &x->classes->info[k];
    const uint32_t *plain = x->plain_next.v + (size_t)ci->flags * n;
    x->next_locals.n = x->next_emits.n = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t next = plain_known && !local_affected(x->cur_bytes.v[i], ci)
                            ? plain[i]
                            : local_step(&x->locals, &x->c, x->classes, x->cur.v[i], k, false);
        if (next == UINT32_MAX)
            return DFA_NOMEM;
        add_next(x, i, next);
    }
    return finish_step(x, id);
}

static void mark_class(dfa_scratch *x, uint32_t k)
{
    if (!x->class_marked[k]) {
        x->class_marked[k] = 1;
        x->marked.v[x->marked.n++] = k;
    }
}

/* Marks (x->class_marked) the classes that match a byte the live programs
 * of the state compare (x->cur_bytes); lists them in x->marked. */
static bool mark_classes(dfa_scratch *x)
{
    const class_set *classes = x->classes;
    if (!u32_reserve(&x->marked, classes->count))
        return false;
    x->marked.n = 0;
    byte_set compared;
    memset(&compared, 0, sizeof compared);
    for (size_t i = 0; i < x->cur.n; i++) {
        uint32_t packed = x->cur_bytes.v[i], count = packed >> 24;
        if (count > LOCAL_BYTES) { /* many bytes: every class */
            for (uint32_t k = 0; k < classes->count; k++)
                mark_class(x, k);
            return true;
        }
        for (uint32_t j = 0; j < count; j++)
            byte_set_add(&compared, (unsigned char)(packed >> (8 * j)));
    }
    for (uint32_t w = 0; w < 4; w++)
        for (uint64_t bits = compared.w[w]; bits != 0; bits &= bits - 1) {
            uint32_t b = 64 * w + (uint32_t)__builtin_ctzll(bits);
            for (uint32_t j = classes->by_byte_start[b]; j < classes->by_byte_start[b + 1]; j++)
                mark_class(x, classes->by_byte[j]);
        }
    return true;
}

static uint16_t with_emit_flag(const dfa_scratch *x, uint32_t id)
{
    return (uint16_t)(id | (x->states.extra.v[id] ? DFA_TARGET_EMITS : 0));
}

/* The row of state s. The classes that match none of the bytes the state's
 * programs compare lead, flags alike, to one state: stepped once. */
static dfa_result expand_state(dfa_scratch *x, uint32_t s, uint16_t *row)
{
    const class_set *classes = x->classes;
    x->work += (uint64_t)x->state_items.v[s] * classes->count;
    if (!load_state(x, s) || !mark_classes(x))
        return DFA_NOMEM;
    uint32_t plain[3] = {UINT32_MAX, UINT32_MAX, UINT32_MAX}; /* by flags, with the flag */
    dfa_result r = DFA_OK;
    for (uint32_t f = 0; r == DFA_OK && f < 3; f++) /* stepped on its first unmarked class */
        for (uint32_t j = classes->by_flags_start[f]; j < classes->by_flags_start[f + 1]; j++) {
            uint32_t k = classes->by_flags[j], id;
            if (x->class_marked[k])
                continue;
            if ((r = step_plain(x, k, &id)) == DFA_OK)
                plain[f] = with_emit_flag(x, id);
            break;
        }
    for (uint32_t k = 0; k < classes->count; k++) /* marked ones are overwritten below */
        row[k] = (uint16_t)plain[classes->flags[k]];
    for (size_t i = 0; r == DFA_OK && i < x->marked.n; i++) {
        uint32_t k = x->marked.v[i], id;
        if ((r = step_matched(x, k, plain[classes->flags[k]] != UINT32_MAX, &id)) == DFA_OK)
            row[k] = with_emit_flag(x, id);
    }
    for (size_t i = 0; i < x->marked.n; i++)
        x->class_marked[x->marked.v[i]] = 0;
    return r;
}

/* Whether the work budget will be exceeded for sure: every state found
 * will be expanded, and the budget is checked before each expansion but
 * the last, so the work then is at least that of all the states found but
 * the biggest. Failing early saves expanding states that would be thrown
 * away; the outcome is the same. */
static bool bound_exceeded(const dfa_scratch *x, uint64_t max_work)
{
    return (x->known_items - x->known_max_items) * x->classes->count > max_work;
}

/* The states reachable from the start, expanded in order of discovery. */
static dfa_result expand_all(dfa_scratch *x, uint32_t shift, uint32_t max_states,
                             uint64_t max_work)
{
    dfa_result r = start_states(x);
    if (r != DFA_OK)
        return r;
    size_t row = (size_t)1 << shift;
    for (uint32_t s = 0; s < x->states.hash.n; s++) {
        if (x->states.hash.n > max_states || x->work > max_work || bound_exceeded(x, max_work))
            return DFA_TOO_BIG;
        if (!vec_reserve((void **)&x->next.v, (s + 1) * row, &x->next.cap, sizeof *x->next.v))
            return DFA_NOMEM;
        uint16_t *out = x->next.v + s * row;
        memset(out, 0, row * sizeof *out);
        if ((r = expand_state(x, s, out)) != DFA_OK)
            return r;
    }
    return x->states.hash.n > max_states ? DFA_TOO_BIG : DFA_OK;
}

/* Appends the owners of the programs in x->list, sorted, without repeats,
 * and writes their (start, count) to pair[]. */
static bool append_owners(dfa_scratch *x, uint32_t *pair)
{
    size_t start = x->owners.n, n = x->list.n;
    if (!u32_reserve(&x->owners, start + n))
        return false;
    for (size_t i = 0; i < n; i++)
        x->owners.v[start + i] = x->programs[x->list.v[i]].owner;
    if (n != 0)
        x->owners.n = start + sort_unique_u32(x->owners.v + start, n);
    pair[0] = (uint32_t)start;
    pair[1] = (uint32_t)(x->owners.n - start);
    return true;
}

/* The programs reported on entering state s, into x->list. */
static bool list_emits(dfa_scratch *x, uint32_t s)
{
    size_t n = x->states.count.v[s], e = x->states.extra.v[s];
    if (!u32_reserve(&x->list, e))
        return false;
    if (e != 0)
        memcpy(x->list.v, table_key(&x->states, s) + n, e * sizeof *x->list.v);
    x->list.n = e;
    return true;
}

/* The programs matched if the input ends in state s, into x->list. */
static bool list_accepts(dfa_scratch *x, uint32_t s)
{
    size_t n = x->states.count.v[s];
    if (!u32_reserve(&x->list, n))
        return false;
    x->list.n = 0;
    const uint32_t *key = table_key(&x->states, s);
    for (size_t i = 0; i < n; i++)
        if (x->locals.info[key[i]].accepts)
            x->list.v[x->list.n++] = x->locals.info[key[i]].program;
    return true;
}

/* Per state, its emit list then its accept list, as owners. */
static dfa_result finish(dfa_scratch *x, uint32_t shift, dfa_build *out)
{
    uint32_t states = (uint32_t)x->states.hash.n;
    if (!u32_reserve(&x->lists, 4 * (size_t)states))
        return DFA_NOMEM;
    uint32_t *emit = x->lists.v, *accept = x->lists.v + 2 * (size_t)states;
    x->owners.n = 0;
    for (uint32_t s = 0; s < states; s++)
        if (!list_emits(x, s) || !append_owners(x, &emit[2 * s]) || !list_accepts(x, s) ||
            !append_owners(x, &accept[2 * s]))
            return DFA_NOMEM;
    out->states = states;
    out->classes = x->classes->count;
    out->shift = shift;
    out->next = x->next.v;
    out->emit = emit;
    out->accept = accept;
    out->owners = x->owners.v;
    out->owners_len = x->owners.n;
    return DFA_OK;
}

void dfa_scratch_start_group(dfa_scratch *x, const glob_program *programs, bool fold_only)
{
    x->programs = programs;
    x->fold_only = fold_only;
    x->c.programs = programs;
    local_reset(&x->locals);
}

/* Local state 0: no items. */
static bool add_dead_local(local_table *lt)
{
    bool added;
    if (table_intern(&lt->keys, NULL, 0, NULL, 0, &added) != LOCAL_DEAD ||
        !vec_reserve((void **)&lt->info, 1, &lt->info_cap, sizeof *lt->info))
        return false;
    memset(&lt->info[LOCAL_DEAD], 0, sizeof lt->info[LOCAL_DEAD]);
    lt->info[LOCAL_DEAD].cache = UINT32_MAX;
    return true;
}

dfa_result dfa_construct(dfa_scratch *x, uint32_t lo, uint32_t hi, uint32_t max_states,
                         uint64_t max_work, dfa_build *out)
{
    memset(out, 0, sizeof *out);
    if (max_states > 32767)
        max_states = 32767; /* 15-bit transitions: the top bit is a flag */
    x->lo = lo;
    x->hi = hi;
    table_reset(&x->states);
    x->state_items.n = 0;
    x->work = 0;
    x->known_items = 0;
    x->known_max_items = 0;
    if (!number_owners(x) || (x->locals.keys.hash.n == 0 && !add_dead_local(&x->locals)))
        return DFA_NOMEM;
    compute_classes(x->programs + lo, hi - lo, x->fold_only, out->class_of, x->classes);
    uint32_t shift = 0;
    while ((1u << shift) < x->classes->count)
        shift++;
    dfa_result r = expand_all(x, shift, max_states, max_work);
    if (r != DFA_OK)
        return r;
    return finish(x, shift, out);
}
