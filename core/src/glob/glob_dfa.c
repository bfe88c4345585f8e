/*
 * glob_dfa.c — subset construction of one DFA over a group of pattern
 * programs. An NFA item is (program, token, mode, byte within a literal):
 *   BOUND(t): at a code point boundary, before token t;
 *   SKIP(t):  inside a code point that '?' or '*' consumed, then BOUND(t);
 *   LIT(t,k): inside the literal code point of token t, at its byte k.
 * A program whose remaining tokens are all '*' that may cross colons is
 * reported ("emitted") and dropped at once: without that, a hundred
 * patterns grow past 200,000 states; with it, the corpus's wildcard
 * actions need a few thousand.
 */
#include "glob_internal.h"

#include <stdlib.h>

enum { MODE_BOUND = 0, MODE_SKIP = 1, MODE_LIT = 2 };

/* Element i of a possibly empty (NULL) array, without NULL arithmetic. */
static const uint64_t *at_u64(const uint64_t *v, size_t i) { return v ? v + i : NULL; }
static uint32_t *at_u32(uint32_t *v, size_t i) { return v ? v + i : NULL; }

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

/* Room for one more element in *v (n used of *cap); false when out of memory. */
static bool vec_reserve(void **v, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return true;
    size_t grown = *cap ? *cap * 2 : 64;
    void *p = realloc(*v, grown * elem);
    if (p == NULL)
        return false;
    *v = p;
    *cap = grown;
    return true;
}

static bool u64_push(u64_vec *a, uint64_t x)
{
    if (!vec_reserve((void **)&a->v, a->n, &a->cap, sizeof *a->v))
        return false;
    a->v[a->n++] = x;
    return true;
}

static bool u32_push(u32_vec *a, uint32_t x)
{
    if (!vec_reserve((void **)&a->v, a->n, &a->cap, sizeof *a->v))
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

/* ---- stepping items ---- */

typedef struct step_ctx {
    const glob_program *programs;
    u64_vec items;     /* the next state's items */
    u32_vec emits;     /* programs reported on entering it */
    uint64_t work;     /* item steps so far */
    bool failed;
} step_ctx;

static void add_item(step_ctx *c, uint32_t p, uint32_t t, unsigned mode, uint32_t k)
{
    const glob_program *prog = &c->programs[p];
    if (mode == MODE_SKIP && t >= prog->any_stars_from && t < prog->count) {
        c->failed |= !u32_push(&c->emits, p);
        return;
    }
    c->failed |= !u64_push(&c->items, item_pack(p, t, mode, k));
}

static bool wildcard_allows(const glob_token *tok, uint32_t x)
{
    return !(tok->no_colon && symbol_is_colon(x));
}

/* BOUND(t) on x: the token at t consumes x; a '*' may also end here, so
 * the tokens after it are tried on x too. */
static void step_bound(step_ctx *c, uint32_t p, uint32_t t, uint32_t x)
{
    const glob_program *prog = &c->programs[p];
    if (symbol_continues(x))
        return; /* the last literal was only part of the subject's code point */
    for (; t < prog->count; t++) {
        const glob_token *tok = &prog->tokens[t];
        if (tok->kind == TOKEN_LITERAL) {
            if (literal_matches((unsigned char)prog->text[tok->start], x)) {
                if (tok->len == 1)
                    add_item(c, p, t + 1, MODE_BOUND, 0);
                else
                    add_item(c, p, t, MODE_LIT, 1);
            }
            return;
        }
        if (tok->kind == TOKEN_ONE) {
            if (wildcard_allows(tok, x))
                add_item(c, p, t + 1, MODE_SKIP, 0);
            return;
        }
        if (wildcard_allows(tok, x))
            add_item(c, p, t, MODE_SKIP, 0); /* the star goes on */
    }
}

static void step_item(step_ctx *c, uint64_t item, uint32_t x)
{
    uint32_t p = item_program(item), t = item_token(item);
    const glob_program *prog = &c->programs[p];
    switch (item_mode(item)) {
    case MODE_BOUND:
        step_bound(c, p, t, x);
        break;
    case MODE_SKIP:
        if (symbol_continues(x))
            add_item(c, p, t, MODE_SKIP, 0);
        else
            step_bound(c, p, t, x);
        break;
    default: {
        const glob_token *tok = &prog->tokens[t];
        uint32_t k = item_byte(item);
        if (literal_matches((unsigned char)prog->text[tok->start + k], x)) {
            if (k + 1 == tok->len)
                add_item(c, p, t + 1, MODE_BOUND, 0);
            else
                add_item(c, p, t, MODE_LIT, k + 1);
        }
        break;
    }
    }
}

/* ---- state table ---- */

typedef struct state_table {
    u64_vec items;          /* all states' items, concatenated */
    u32_vec item_start, item_count, emit_start, emit_count;
    u32_vec emits;          /* all states' emits */
    uint32_t *slots;        /* hash → state id + 1 */
    size_t slot_cap;
} state_table;

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

/* Items are stepped from a sorted state, so they arrive grouped by program
 * in increasing order; only each program's run needs sorting, and runs are
 * short. */
static void sort_u64(uint64_t *v, size_t n)
{
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && item_program(v[end]) == item_program(v[start]))
            end++;
        if (end - start <= 32)
            insertion_sort_u64(v + start, end - start);
        else
            qsort(v + start, end - start, sizeof *v, compare_u64);
        start = end;
    }
}

static size_t sort_unique_u64(uint64_t *v, size_t n)
{
    if (n < 2)
        return n;
    sort_u64(v, n);
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
    qsort(v, n, sizeof *v, compare_u32);
    size_t m = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[m - 1])
            v[m++] = v[i];
    return m;
}

static uint64_t hash_state(const uint64_t *items, size_t n, const uint32_t *emits, size_t e)
{
    uint64_t h = 1469598103934665603ull ^ n ^ (e << 32);
    for (size_t i = 0; i < n; i++)
        h = (h ^ items[i]) * 1099511628211ull;
    for (size_t i = 0; i < e; i++)
        h = (h ^ emits[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static bool state_equals(const state_table *st, uint32_t id, const uint64_t *items,
                         size_t n, const uint32_t *emits, size_t e)
{
    return st->item_count.v[id] == n && st->emit_count.v[id] == e &&
           (n == 0 || memcmp(&st->items.v[st->item_start.v[id]], items, n * sizeof *items) == 0) &&
           (e == 0 || memcmp(&st->emits.v[st->emit_start.v[id]], emits, e * sizeof *emits) == 0);
}

static bool table_grow(state_table *st)
{
    size_t cap = st->slot_cap ? st->slot_cap * 2 : 1024;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    for (uint32_t id = 0; id < st->item_count.n; id++) {
        const uint64_t *items = at_u64(st->items.v, st->item_start.v[id]);
        const uint32_t *emits = at_u32(st->emits.v, st->emit_start.v[id]);
        size_t slot = hash_state(items, st->item_count.v[id], emits, st->emit_count.v[id]) & (cap - 1);
        while (slots[slot] != 0)
            slot = (slot + 1) & (cap - 1);
        slots[slot] = id + 1;
    }
    free(st->slots);
    st->slots = slots;
    st->slot_cap = cap;
    return true;
}

/* The id of the state (items, emits), added if new; UINT32_MAX on failure. */
static uint32_t state_intern(state_table *st, const uint64_t *items, size_t n,
                             const uint32_t *emits, size_t e)
{
    if (2 * (st->item_count.n + 1) > st->slot_cap && !table_grow(st))
        return UINT32_MAX;
    size_t slot = hash_state(items, n, emits, e) & (st->slot_cap - 1);
    for (; st->slots[slot] != 0; slot = (slot + 1) & (st->slot_cap - 1))
        if (state_equals(st, st->slots[slot] - 1, items, n, emits, e))
            return st->slots[slot] - 1;
    uint32_t id = (uint32_t)st->item_count.n;
    bool ok = u32_push(&st->item_start, (uint32_t)st->items.n) &&
              u32_push(&st->item_count, (uint32_t)n) &&
              u32_push(&st->emit_start, (uint32_t)st->emits.n) &&
              u32_push(&st->emit_count, (uint32_t)e);
    for (size_t i = 0; ok && i < n; i++)
        ok = u64_push(&st->items, items[i]);
    for (size_t i = 0; ok && i < e; i++)
        ok = u32_push(&st->emits, emits[i]);
    if (!ok)
        return UINT32_MAX;
    st->slots[slot] = id + 1;
    return id;
}

static void table_free(state_table *st)
{
    free(st->items.v);
    free(st->item_start.v);
    free(st->item_count.v);
    free(st->emit_start.v);
    free(st->emit_count.v);
    free(st->emits.v);
    free(st->slots);
}

/* ---- byte classes ---- */

#define SIGNATURE_WORDS 5

typedef struct signature { uint64_t w[SIGNATURE_WORDS]; } signature;

/* The distinct literal bytes of the group, in increasing order. */
static size_t literal_bytes(const glob_program *programs, uint32_t count, unsigned char *out)
{
    bool seen[256] = {false};
    for (uint32_t p = 0; p < count; p++)
        for (uint32_t t = 0; t < programs[p].count; t++) {
            const glob_token *tok = &programs[p].tokens[t];
            for (uint32_t k = 0; tok->kind == TOKEN_LITERAL && k < tok->len; k++)
                seen[(unsigned char)programs[p].text[tok->start + k]] = true;
        }
    size_t n = 0;
    for (int b = 0; b < 256; b++)
        if (seen[b])
            out[n++] = (unsigned char)b;
    return n;
}

/* Symbols with equal signatures behave alike in every transition. */
static signature symbol_signature(uint32_t x, const unsigned char *bytes, size_t n)
{
    signature s;
    memset(&s, 0, sizeof s);
    s.w[0] = (uint64_t)symbol_continues(x) | ((uint64_t)symbol_is_colon(x) << 1);
    for (size_t j = 0; j < n; j++)
        if (literal_matches(bytes[j], x))
            s.w[(j + 2) / 64] |= 1ull << ((j + 2) % 64);
    return s;
}

static uint32_t signature_hash(const signature *s)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < SIGNATURE_WORDS; i++)
        h = (h ^ s->w[i]) * 1099511628211ull;
    return (uint32_t)(h ^ (h >> 32));
}

/* Fills class_of[] and the representative symbol of each class; classes
 * are numbered in order of their first symbol, so the result is
 * deterministic. Returns 0 when out of memory. */
static uint32_t compute_classes(const glob_program *programs, uint32_t count,
                                uint16_t *class_of, uint32_t *representative)
{
    enum { SLOTS = 2 * SYMBOL_COUNT };
    unsigned char bytes[256];
    size_t n = literal_bytes(programs, count, bytes);
    signature *seen = malloc(SYMBOL_COUNT * sizeof *seen);
    uint32_t *slots = calloc(SLOTS, sizeof *slots); /* class + 1 */
    uint32_t classes = 0;
    for (uint32_t x = 0; seen != NULL && slots != NULL && x < SYMBOL_COUNT; x++) {
        signature s = symbol_signature(x, bytes, n);
        uint32_t slot = signature_hash(&s) & (SLOTS - 1);
        while (slots[slot] != 0 && memcmp(&seen[slots[slot] - 1], &s, sizeof s) != 0)
            slot = (slot + 1) & (SLOTS - 1);
        if (slots[slot] == 0) {
            seen[classes] = s;
            representative[classes] = x;
            slots[slot] = ++classes;
        }
        class_of[x] = (uint16_t)(slots[slot] - 1);
    }
    bool ok = seen != NULL && slots != NULL;
    free(seen);
    free(slots);
    return ok ? classes : 0;
}

/* ---- construction ---- */

static void start_state(step_ctx *c, uint32_t count)
{
    for (uint32_t p = 0; p < count; p++) {
        if (c->programs[p].any_stars_from == 0 && c->programs[p].count > 0)
            c->failed |= !u32_push(&c->emits, p);
        else
            c->failed |= !u64_push(&c->items, item_pack(p, 0, MODE_BOUND, 0));
    }
}

/* Items of a state that accept if the input ends there. */
static bool collect_accepts(const glob_program *programs, const uint64_t *items, size_t n,
                            u32_vec *lists)
{
    size_t before = lists->n;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = item_program(items[i]);
        if (item_mode(items[i]) != MODE_LIT && item_token(items[i]) >= programs[p].stars_from &&
            !u32_push(lists, p))
            return false;
    }
    lists->n = before + sort_unique_u32(at_u32(lists->v, before), lists->n - before);
    return true;
}

static bool sorted_contains(const uint32_t *v, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == x;
}

/* A program reported in this step is done: its other items go, so that
 * it is reported once per scan whatever paths remain. */
static void drop_emitted(step_ctx *c)
{
    size_t m = 0;
    for (size_t i = 0; i < c->items.n; i++)
        if (!sorted_contains(c->emits.v, c->emits.n, item_program(c->items.v[i])))
            c->items.v[m++] = c->items.v[i];
    c->items.n = m;
}

static dfa_result intern_current(state_table *st, step_ctx *c, uint32_t *id)
{
    if (c->failed)
        return DFA_NOMEM;
    c->emits.n = sort_unique_u32(c->emits.v, c->emits.n);
    if (c->emits.n != 0)
        drop_emitted(c);
    c->items.n = sort_unique_u64(c->items.v, c->items.n);
    for (size_t i = 1; i < c->items.n; i++)
        IAM_ASSERT(c->items.v[i - 1] < c->items.v[i]); /* canonical: sorted, unique */
    *id = state_intern(st, c->items.v, c->items.n, c->emits.v, c->emits.n);
    return *id == UINT32_MAX ? DFA_NOMEM : DFA_OK;
}

static dfa_result expand_state(state_table *st, step_ctx *c, uint32_t s, uint32_t classes,
                               const uint32_t *representative, u32_vec *next)
{
    for (uint32_t k = 0; k < classes; k++) {
        c->items.n = 0;
        c->emits.n = 0;
        size_t start = st->item_start.v[s], n = st->item_count.v[s];
        c->work += n;
        for (size_t i = 0; i < n; i++)
            step_item(c, st->items.v[start + i], representative[k]);
        uint32_t id;
        dfa_result r = intern_current(st, c, &id);
        if (r != DFA_OK)
            return r;
        if (!u32_push(next, id))
            return DFA_NOMEM;
    }
    return DFA_OK;
}

static dfa_result finish(const glob_program *programs, state_table *st, u32_vec *next,
                         uint32_t classes, dfa_build *out)
{
    uint32_t states = (uint32_t)st->item_count.n;
    out->states = states;
    out->classes = classes;
    out->next = malloc((size_t)states * classes * sizeof *out->next);
    out->emit_start = malloc(states * sizeof(uint32_t));
    out->emit_count = malloc(states * sizeof(uint32_t));
    out->accept_start = malloc(states * sizeof(uint32_t));
    out->accept_count = malloc(states * sizeof(uint32_t));
    u32_vec lists = {NULL, 0, 0};
    if (!out->next || !out->emit_start || !out->emit_count || !out->accept_start ||
        !out->accept_count)
        return DFA_NOMEM;
    for (size_t i = 0; i < (size_t)states * classes; i++)
        out->next[i] = (uint16_t)next->v[i];
    for (uint32_t s = 0; s < states; s++) {
        out->emit_start[s] = (uint32_t)lists.n;
        out->emit_count[s] = st->emit_count.v[s];
        for (uint32_t e = 0; e < st->emit_count.v[s]; e++)
            if (!u32_push(&lists, st->emits.v[st->emit_start.v[s] + e]))
                return DFA_NOMEM;
        out->accept_start[s] = (uint32_t)lists.n;
        if (!collect_accepts(programs, at_u64(st->items.v, st->item_start.v[s]), st->item_count.v[s],
                             &lists))
            return DFA_NOMEM;
        out->accept_count[s] = (uint32_t)lists.n - out->accept_start[s];
    }
    out->lists = lists.v;
    out->lists_len = lists.n;
    return DFA_OK;
}

static dfa_result construct(const glob_program *programs, uint32_t count, uint32_t max_states,
                            uint64_t max_work, dfa_build *out, state_table *st, step_ctx *c,
                            u32_vec *next)
{
    uint32_t representative[SYMBOL_COUNT];
    uint32_t classes = compute_classes(programs, count, out->class_of, representative);
    if (classes == 0)
        return DFA_NOMEM;
    uint32_t id;
    dfa_result r = intern_current(st, c, &id); /* state 0: dead */
    if (r != DFA_OK)
        return r;
    start_state(c, count);
    if ((r = intern_current(st, c, &id)) != DFA_OK) /* state 1: start */
        return r;
    for (uint32_t s = 0; s < st->item_count.n; s++) {
        if (st->item_count.n > max_states || c->work > max_work)
            return DFA_TOO_BIG;
        if ((r = expand_state(st, c, s, classes, representative, next)) != DFA_OK)
            return r;
    }
    if (st->item_count.n > max_states)
        return DFA_TOO_BIG;
    return finish(programs, st, next, classes, out);
}

dfa_result dfa_construct(const glob_program *programs, uint32_t count, uint32_t max_states,
                         uint64_t max_work, dfa_build *out)
{
    memset(out, 0, sizeof *out);
    if (max_states > 32767)
        max_states = 32767; /* 15-bit transitions: the top bit is a flag */
    state_table st;
    memset(&st, 0, sizeof st);
    step_ctx c;
    memset(&c, 0, sizeof c);
    c.programs = programs;
    u32_vec next = {NULL, 0, 0};
    dfa_result r = construct(programs, count, max_states, max_work, out, &st, &c, &next);
    table_free(&st);
    free(c.items.v);
    free(c.emits.v);
    free(next.v);
    if (r != DFA_OK)
        dfa_build_free(out);
    return r;
}

void dfa_build_free(dfa_build *dfa)
{
    free(dfa->next);
    free(dfa->emit_start);
    free(dfa->emit_count);
    free(dfa->accept_start);
    free(dfa->accept_count);
    free(dfa->lists);
    memset(dfa, 0, sizeof *dfa);
}
