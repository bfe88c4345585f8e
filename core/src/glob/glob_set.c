/*
 * glob_set.c — assembling a compiled pattern set (glob_set.h) and matching
 * against it. Compile-time scratch lives on the heap; the set lives in the
 * arena and is never written after glob_set_compile returns.
 */
#include "glob_internal.h"
#include "glob.h"

#include <stdlib.h>

#define DEFAULT_MAX_STATES 4096u
#define MAX_DFA_TOKENS 256u /* longer programs go to the reference matcher */
#define MAX_ONES_AFTER_STAR 12u /* '*' then k '?' needs 2^k states */
/* Item steps a construction may take per program in it: failed attempts
 * are thrown away, so this bounds the compile time of hostile sets. */
#define WORK_PER_PROGRAM 16384u

#define STATE_EMITS 0x8000u      /* flag in a transition: the target emits */

typedef struct glob_dfa {
    uint32_t shift;                /* a state's row is 1 << shift entries */
    const uint16_t *next;          /* states × rows; 0 is dead, 1 the start */
    /* Class of a byte b: table[b | 256 when b opens the subject or follows
     * a ':'] (a code point starts there whatever b is). */
    const uint16_t *folded;        /* case ignored */
    const uint16_t *exact;         /* in a resource part */
    const uint32_t *emit;          /* per state: start, count in owners */
    const uint32_t *accept;        /* per state: start, count in owners */
    const uint32_t *owners;
} glob_dfa;

typedef struct glob_fallback {
    const char *text;
    size_t len;
    uint32_t owner;
} glob_fallback;

typedef struct glob_group {
    const char *key;               /* folded vendor or service; NULL = empty slot */
    uint32_t key_len;
    uint32_t dfa_start, dfa_count;
    uint32_t fallback_start, fallback_count;
} glob_group;

typedef struct glob_exact {
    const char *key;               /* folded "vendor:name"; NULL = empty slot */
    uint32_t hash;                 /* compared first: no key fetch on a miss */
    uint32_t key_len;
    uint32_t owner_start, owner_count;
} glob_exact;

struct glob_set {
    uint8_t kind;
    const uint32_t *always;        /* owners of "*" */
    uint32_t always_count;
    const glob_exact *exact;       /* open addressing, exact_cap slots */
    uint32_t exact_cap;
    const glob_group *groups;      /* open addressing, group_cap slots */
    uint32_t group_cap;
    const glob_group *generic;     /* resources whose service has wildcards */
    const glob_dfa *dfas;
    const glob_fallback *fallbacks;
    const uint32_t *owners;        /* owner lists of exact names */
    uint32_t group_count;
    /* An exact name's list also holds what its vendor's DFAs and fallbacks
     * match for it (computed at compile time), so a request naming it
     * needs one lookup and no scan. */
    bool exact_complete;
    glob_stats stats;
};

/* ---------------------------------------------------------------------- */
/* Hashing with ASCII case folding                                         */
/* ---------------------------------------------------------------------- */

/* Defined with the matching code below; compile and match must agree. */
static uint32_t hash_folded_fast(const char *s, size_t n, size_t readable);


static int compare_folded(const char *a, size_t an, const char *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    for (size_t i = 0; i < n; i++) {
        int d = (int)text_lower_ascii((unsigned char)a[i]) - (int)text_lower_ascii((unsigned char)b[i]);
        if (d != 0)
            return d;
    }
    return an < bn ? -1 : an > bn;
}

/* ---------------------------------------------------------------------- */
/* Compile: classifying patterns into groups                               */
/* ---------------------------------------------------------------------- */

typedef struct pending {           /* a pattern headed for a group's DFAs */
    uint32_t input;
    uint32_t group;
} pending;

typedef struct builder {
    iam_arena *arena;
    glob_kind kind;
    const glob_input *inputs;
    size_t count;
    uint32_t max_states;
    /* classification */
    uint32_t *always; size_t always_n;
    uint32_t *exact_inputs; size_t exact_n;    /* inputs with no wildcard */
    uint32_t *exact_owners; uint32_t exact_owners_n; /* their lists (store_exact) */
    pending *wild; size_t wild_n;              /* inputs for DFAs */
    const char **group_keys; uint32_t *group_key_lens; uint32_t group_n;
    uint32_t *group_slots; uint32_t group_slot_cap;  /* folded key → group + 1 */
    int32_t generic;                           /* group index or -1 */
    dfa_scratch *scratch;                      /* for all DFA constructions */
    /* results */
    glob_dfa *dfas; size_t dfa_n, dfa_cap;
    uint32_t *dfa_group;                       /* group of each DFA */
    glob_fallback *fallbacks; size_t fallback_n;
    uint32_t *fallback_group;
    glob_stats stats;
    bool failed;
} builder;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static bool has_wildcard(const char *s, size_t n)
{
    return memchr(s, '*', n) != NULL || memchr(s, '?', n) != NULL;
}

/* The group index for a key (compared with case folded), added if new.
 * The generic resource group has the NULL key and never enters the table. */
static uint32_t group_for(builder *b, const char *key, size_t len)
{
    uint32_t mask = b->group_slot_cap - 1;
    uint32_t slot = hash_folded_fast(key, len, len) & mask;
    for (; key != NULL && b->group_slots[slot] != 0; slot = (slot + 1) & mask) {
        uint32_t g = b->group_slots[slot] - 1;
        if (b->group_keys[g] != NULL && b->group_key_lens[g] == len &&
            compare_folded(b->group_keys[g], len, key, len) == 0)
            return g;
    }
    b->group_keys[b->group_n] = key;
    b->group_key_lens[b->group_n] = (uint32_t)len;
    if (key != NULL)
        b->group_slots[slot] = b->group_n + 1;
    return b->group_n++;
}

/* Action patterns (spec §2.2): "*", exact names, or wildcards per vendor.
 * Patterns that can match nothing are dropped. */
static void classify_action(builder *b, uint32_t i)
{
    const char *s = b->inputs[i].text;
    size_t n = b->inputs[i].len;
    if (text_equals(s, n, "*")) {
        b->always[b->always_n++] = i;
        return;
    }
    const char *colon = memchr(s, ':', n);
    if (colon == NULL || memchr(colon + 1, ':', n - (size_t)(colon + 1 - s)) != NULL)
        return;
    const char *name = colon + 1;
    size_t name_len = n - (size_t)(name - s);
    if (name_len == 0)
        return;
    for (size_t k = 0; k < name_len; k++)
        if (is_space(name[k]))
            return;
    if (!has_wildcard(name, name_len)) {
        b->exact_inputs[b->exact_n++] = i;
        return;
    }
    pending p = {i, group_for(b, s, (size_t)(colon - s))};
    b->wild[b->wild_n++] = p;
}

/* The literal service of a Resource pattern, if its first three fields
 * hold no wildcard (else the [DOC] rule or a wildcard service could let it
 * match any service). */
static bool resource_service(const char *s, size_t n, const char **service, size_t *len)
{
    const char *c1 = memchr(s, ':', n);
    const char *c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s)) : NULL;
    if (c2 == NULL)
        return false;
    const char *c3 = memchr(c2 + 1, ':', n - (size_t)(c2 + 1 - s));
    const char *end = c3 ? c3 : s + n;
    if (has_wildcard(s, (size_t)(end - s)))
        return false;
    *service = c2 + 1;
    *len = (size_t)(end - *service);
    return true;
}

static void classify_resource(builder *b, uint32_t i)
{
    const char *s = b->inputs[i].text;
    size_t n = b->inputs[i].len;
    if (text_equals(s, n, "*")) {
        b->always[b->always_n++] = i;
        return;
    }
    const char *service;
    size_t len;
    uint32_t g;
    if (resource_service(s, n, &service, &len)) {
        g = group_for(b, service, len);
    } else {
        if (b->generic < 0)
            b->generic = (int32_t)group_for(b, NULL, 0);
        g = (uint32_t)b->generic;
    }
    pending p = {i, g};
    b->wild[b->wild_n++] = p;
}

/* ---------------------------------------------------------------------- */
/* Compile: DFAs                                                           */
/* ---------------------------------------------------------------------- */

static void add_fallback(builder *b, uint32_t input, uint32_t group)
{
    glob_fallback *f = &b->fallbacks[b->fallback_n];
    b->fallback_group[b->fallback_n++] = group;
    f->text = b->inputs[input].text;
    f->len = b->inputs[input].len;
    f->owner = b->inputs[input].owner;
}

/* The part of an input that its program covers: an action's name, or the
 * whole Resource pattern. */
static void program_source(const builder *b, uint32_t input, const char **s, size_t *n)
{
    *s = b->inputs[input].text;
    *n = b->inputs[input].len;
    if (b->kind == GLOB_KIND_ACTION) {
        const char *colon = memchr(*s, ':', *n);
        *n -= (size_t)(colon + 1 - *s);
        *s = colon + 1;
    }
}

static void *arena_array(builder *b, size_t count, size_t size, size_t align)
{
    void *p = arena_alloc(b->arena, count * size, align);
    if (p == NULL && count != 0)
        b->failed = true;
    return p;
}

static const uint16_t *byte_table(builder *b, const dfa_build *d, bool fold)
{
    uint16_t *t = arena_array(b, 512, sizeof *t, _Alignof(uint16_t));
    for (uint32_t i = 0; t != NULL && i < 512; i++) {
        unsigned char x = (unsigned char)i;
        uint32_t sym = fold ? (SYMBOL_FOLD | text_lower_ascii(x)) : x;
        if (i >= 256 && byte_continues(x))
            sym |= SYMBOL_FIRST_CONTINUATION;
        t[i] = d->class_of[sym];
    }
    return t;
}

_Static_assert(STATE_EMITS == DFA_TARGET_EMITS, "the flag glob_dfa.c puts in transitions");

/* Copies a built DFA into the arena. Rows are padded to a power of two (a
 * shift, not a multiply, on the hot path); the target's "emits" flag rides
 * in the entry. */
static void dfa_store(builder *b, const dfa_build *d, glob_dfa *out)
{
    size_t entries = (size_t)d->states << d->shift;
    uint16_t *next = arena_array(b, entries, sizeof *next, _Alignof(uint16_t));
    uint32_t *emit = arena_array(b, 2u * d->states, sizeof *emit, _Alignof(uint32_t));
    uint32_t *accept = arena_array(b, 2u * d->states, sizeof *accept, _Alignof(uint32_t));
    uint32_t *owners = arena_array(b, d->owners_len, sizeof *owners, _Alignof(uint32_t));
    out->folded = byte_table(b, d, true);
    out->exact = b->kind == GLOB_KIND_RESOURCE ? byte_table(b, d, false) : out->folded;
    if (b->failed)
        return;
    memcpy(next, d->next, entries * sizeof *next);
    memcpy(emit, d->emit, 2u * d->states * sizeof *emit);
    memcpy(accept, d->accept, 2u * d->states * sizeof *accept);
    if (d->owners_len != 0)
        memcpy(owners, d->owners, d->owners_len * sizeof *owners);
    out->shift = d->shift;
    out->next = next;
    out->emit = emit;
    out->accept = accept;
    out->owners = owners;
    b->stats.dfa_states += d->states;
}

static void build_range(builder *b, glob_program *programs, uint32_t lo, uint32_t hi, uint32_t group);

/* A '*' followed later by many '?' makes the DFA remember every recent
 * position: such a program goes straight to the reference matcher. */
static bool program_explodes(const glob_program *p)
{
    uint32_t ones = 0;
    bool star = false;
    for (uint32_t t = 0; t < p->count; t++) {
        star |= p->tokens[t].kind == TOKEN_STAR;
        ones += star && p->tokens[t].kind == TOKEN_ONE;
    }
    return ones > MAX_ONES_AFTER_STAR;
}

static void split_range(builder *b, glob_program *programs, uint32_t lo, uint32_t hi, uint32_t group)
{
    if (hi - lo == 1) {
        add_fallback(b, programs[lo].input, group);
        return;
    }
    uint32_t mid = lo + (hi - lo) / 2;
    build_range(b, programs, lo, mid, group);
    build_range(b, programs, mid, hi, group);
}

/* One DFA for programs[lo, hi), split in halves while over the budget. */
static void build_range(builder *b, glob_program *programs, uint32_t lo, uint32_t hi, uint32_t group)
{
    dfa_build d;
    dfa_result r = dfa_construct(b->scratch, lo, hi, b->max_states,
                                 (uint64_t)WORK_PER_PROGRAM * (hi - lo), &d);
    if (r == DFA_NOMEM) {
        b->failed = true;
        return;
    }
    if (r == DFA_TOO_BIG) {
        split_range(b, programs, lo, hi, group);
        return;
    }
    if (b->dfa_n == b->dfa_cap) {
        b->failed = true; /* cannot happen: at most one DFA per pattern */
        return;
    }
    b->dfa_group[b->dfa_n] = group;
    dfa_store(b, &d, &b->dfas[b->dfa_n++]);
}

/* Builds the programs of one group (b->wild[from, to)) and its DFAs. */
static void build_group(builder *b, uint32_t group, size_t from, size_t to,
                        glob_program *programs)
{
    uint32_t n = 0;
    for (size_t i = from; i < to && !b->failed; i++) {
        const char *s;
        size_t len;
        program_source(b, b->wild[i].input, &s, &len);
        if (!program_build(&programs[n], s, len, b->kind == GLOB_KIND_RESOURCE, b->wild[i].input)) {
            b->failed = true;
            break;
        }
        programs[n].owner = b->inputs[b->wild[i].input].owner;
        if (programs[n].count > MAX_DFA_TOKENS || program_explodes(&programs[n])) {
            add_fallback(b, b->wild[i].input, group);
            program_free(&programs[n]);
            continue;
        }
        n++;
    }
    if (n > 0 && !b->failed) {
        dfa_scratch_start_group(b->scratch, programs, b->kind == GLOB_KIND_ACTION);
        build_range(b, programs, 0, n, group);
    }
    for (uint32_t i = 0; i < n; i++)
        program_free(&programs[i]);
}

static const glob_group *group_find(const glob_set *set, const char *key, size_t len,
                                    size_t readable);
static size_t match_group(const glob_set *set, const glob_group *g, const char *s, size_t len,
                          const char *whole, size_t whole_len, glob_span *out, size_t cap,
                          size_t n);

/* ---------------------------------------------------------------------- */
/* Compile: tables in the arena                                            */
/* ---------------------------------------------------------------------- */

static uint32_t table_capacity(size_t n)
{
    uint32_t cap = 8;
    while (cap < 2 * n)
        cap <<= 1;
    return cap;
}

/* Keys are zero-padded to whole 8-byte words: matching reads them a word
 * at a time. */
static char *folded_copy(builder *b, const char *s, size_t n)
{
    size_t padded = (n / 8 + 1) * 8;
    char *k = arena_array(b, padded, 1, 8);
    if (k != NULL)
        memset(k, 0, padded);
    for (size_t i = 0; k != NULL && i < n; i++)
        k[i] = (char)text_lower_ascii((unsigned char)s[i]);
    return k;
}

static int compare_owner(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sorts owners and drops repeats; the new count. */
static size_t sort_unique_owners(uint32_t *v, size_t n)
{
    if (n <= 32)
        glob_sort_short_u32(v, n); /* lists are short, and mostly sorted */
    else
        qsort(v, n, sizeof *v, compare_owner);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || v[m - 1] != v[i])
            v[m++] = v[i];
    return m;
}

/* The slot of the exact name s (case folded), taken if new (*added). */
static uint32_t exact_slot(builder *b, glob_exact *slots, uint32_t cap, const char *s, size_t n,
                           bool *added)
{
    uint32_t hash = hash_folded_fast(s, n, n), slot = hash & (cap - 1);
    for (; slots[slot].key != NULL; slot = (slot + 1) & (cap - 1))
        if (slots[slot].hash == hash && slots[slot].key_len == n &&
            compare_folded(slots[slot].key, n, s, n) == 0) {
            *added = false;
            return slot;
        }
    slots[slot].key = folded_copy(b, s, n);
    slots[slot].hash = hash;
    slots[slot].key_len = (uint32_t)n;
    *added = true;
    return slot;
}

/* The exact-name table: one slot per distinct folded name. Its owner lists
 * (b->exact_owners, heap) are indexed by the slots' owner_start, count. */
static void store_exact(builder *b, glob_set *set)
{
    uint32_t cap = table_capacity(b->exact_n);
    glob_exact *slots = arena_array(b, cap, sizeof *slots, _Alignof(glob_exact));
    uint32_t *slot_of = malloc((b->exact_n + 1) * sizeof *slot_of);
    b->exact_owners = malloc((b->exact_n + 1) * sizeof *b->exact_owners);
    if (slot_of == NULL || b->exact_owners == NULL || b->failed) {
        b->failed = true;
        free(slot_of);
        return;
    }
    memset(slots, 0, cap * sizeof *slots);
    for (size_t i = 0; i < b->exact_n && !b->failed; i++) {
        const glob_input *in = &b->inputs[b->exact_inputs[i]];
        bool added;
        slot_of[i] = exact_slot(b, slots, cap, in->text, in->len, &added);
        slots[slot_of[i]].owner_count++;
        b->stats.exact += added;
    }
    if (b->failed) {
        free(slot_of);
        return;
    }
    uint32_t used = 0;
    for (uint32_t s = 0; s < cap; s++) { /* each list's place, then its owners */
        slots[s].owner_start = used;
        used += slots[s].owner_count;
        slots[s].owner_count = 0;
    }
    for (size_t i = 0; i < b->exact_n; i++) {
        glob_exact *e = &slots[slot_of[i]];
        b->exact_owners[e->owner_start + e->owner_count++] = b->inputs[b->exact_inputs[i]].owner;
    }
    used = 0;
    for (uint32_t s = 0; s < cap; s++) { /* sorted, without repeats, packed */
        uint32_t *list = b->exact_owners + slots[s].owner_start;
        size_t n = sort_unique_owners(list, slots[s].owner_count);
        memmove(b->exact_owners + used, list, n * sizeof *list);
        slots[s].owner_start = used;
        slots[s].owner_count = (uint32_t)n;
        used += (uint32_t)n;
    }
    b->exact_owners_n = used;
    free(slot_of);
    set->exact = slots;
    set->exact_cap = cap;
    set->owners = b->exact_owners; /* until store_exact_owners */
}

/* The exact names' owner lists into the arena, unless complete_exact did. */
static void store_exact_owners(builder *b, glob_set *set)
{
    if (set->exact_complete || b->failed)
        return;
    uint32_t *owners = arena_array(b, b->exact_owners_n, sizeof *owners, _Alignof(uint32_t));
    if (owners != NULL && b->exact_owners_n != 0)
        memcpy(owners, b->exact_owners, b->exact_owners_n * sizeof *owners);
    set->owners = owners;
}

typedef struct u32_list { uint32_t *v; size_t n, cap; } u32_list;

static bool list_push(u32_list *l, uint32_t x)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        uint32_t *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = x;
    return true;
}

/* Appends to all the owners that match the exact name e: its own, and what
 * its vendor's DFAs and fallbacks give for it; sorted, without repeats. */
static bool exact_answer(const glob_set *set, const glob_exact *e, u32_list *all)
{
    size_t start = all->n;
    bool ok = true;
    for (uint32_t i = 0; ok && i < e->owner_count; i++)
        ok = list_push(all, set->owners[e->owner_start + i]);
    const char *colon = memchr(e->key, ':', e->key_len);
    size_t vendor_len = (size_t)(colon - e->key);
    const glob_group *g = set->group_count ? group_find(set, e->key, vendor_len, e->key_len) : NULL;
    glob_span spans[512];
    size_t n = g ? match_group(set, g, colon + 1, e->key_len - vendor_len - 1, e->key, e->key_len,
                               spans, 512, 0)
                 : 0;
    if (n > 512)
        return false; /* keep scanning for this set */
    for (size_t k = 0; ok && k < n; k++)
        for (uint32_t i = 0; ok && i < spans[k].count; i++)
            ok = list_push(all, spans[k].owners[i]);
    if (!ok)
        return false;
    all->n = start + sort_unique_owners(all->v + start, all->n - start);
    return true;
}

/* Makes every exact name's list complete (see glob_set.exact_complete).
 * On failure the set stays correct: matching then also scans. */
static void complete_exact(builder *b, glob_set *set)
{
    if (b->kind != GLOB_KIND_ACTION || b->exact_n == 0)
        return;
    glob_exact *slots = (glob_exact *)(uintptr_t)set->exact;
    uint32_t *starts = malloc(set->exact_cap * 2 * sizeof *starts);
    u32_list all = {NULL, 0, 0};
    bool ok = starts != NULL;
    for (uint32_t s = 0; ok && s < set->exact_cap; s++) {
        starts[2 * s] = (uint32_t)all.n;
        ok = slots[s].key == NULL || exact_answer(set, &slots[s], &all);
        starts[2 * s + 1] = (uint32_t)all.n - starts[2 * s];
    }
    uint32_t *owners = ok ? arena_array(b, all.n, sizeof *owners, _Alignof(uint32_t)) : NULL;
    if (ok && !b->failed) {
        if (all.n)
            memcpy(owners, all.v, all.n * sizeof *owners);
        for (uint32_t s = 0; s < set->exact_cap; s++) {
            slots[s].owner_start = starts[2 * s];
            slots[s].owner_count = starts[2 * s + 1];
        }
        set->owners = owners;
        set->exact_complete = true;
    }
    free(starts);
    free(all.v);
}

/* The group table of the set: folded keys, each group's DFAs and fallbacks
 * contiguous (DFAs and fallbacks were made group by group). */
static void store_groups(builder *b, glob_set *set)
{
    uint32_t cap = table_capacity(b->group_n);
    glob_group *slots = arena_array(b, cap, sizeof *slots, _Alignof(glob_group));
    glob_group *generic = arena_array(b, 1, sizeof *generic, _Alignof(glob_group));
    glob_group *values = calloc((size_t)b->group_n + 1, sizeof *values);
    if (values == NULL)
        b->failed = true;
    if (b->failed) {
        free(values);
        return;
    }
    memset(slots, 0, cap * sizeof *slots);
    memset(generic, 0, sizeof *generic);
    for (size_t d = 0; d < b->dfa_n; d++)
        if (values[b->dfa_group[d]].dfa_count++ == 0)
            values[b->dfa_group[d]].dfa_start = (uint32_t)d;
    for (size_t f = 0; f < b->fallback_n; f++)
        if (values[b->fallback_group[f]].fallback_count++ == 0)
            values[b->fallback_group[f]].fallback_start = (uint32_t)f;
    for (uint32_t g = 0; g < b->group_n && !b->failed; g++) {
        glob_group value = values[g];
        value.key_len = b->group_key_lens[g];
        if ((int32_t)g == b->generic) {
            *generic = value;
            set->generic = generic;
            continue;
        }
        value.key = folded_copy(b, b->group_keys[g], b->group_key_lens[g]);
        if (value.key == NULL)
            break; /* the arena is full (b->failed) */
        uint32_t slot = hash_folded_fast(value.key, value.key_len, value.key_len) & (cap - 1);
        while (slots[slot].key != NULL)
            slot = (slot + 1) & (cap - 1);
        slots[slot] = value;
    }
    free(values);
    set->groups = slots;
    set->group_cap = cap;
    set->group_count = b->group_n;
    b->stats.groups = b->group_n;
}

static void store_lists(builder *b, glob_set *set)
{
    uint32_t *always = arena_array(b, b->always_n, sizeof *always, _Alignof(uint32_t));
    glob_dfa *dfas = arena_array(b, b->dfa_n, sizeof *dfas, _Alignof(glob_dfa));
    glob_fallback *fallbacks = arena_array(b, b->fallback_n, sizeof *fallbacks, _Alignof(glob_fallback));
    if (b->failed)
        return;
    uint32_t n = 0;
    for (size_t i = 0; i < b->always_n; i++) {
        uint32_t owner = b->inputs[b->always[i]].owner;
        bool repeat = false;
        for (uint32_t k = 0; k < n; k++)
            repeat |= always[k] == owner;
        if (!repeat)
            always[n++] = owner;
    }
    set->always = always;
    set->always_count = n;
    if (b->dfa_n)
        memcpy(dfas, b->dfas, b->dfa_n * sizeof *dfas);
    if (b->fallback_n)
        memcpy(fallbacks, b->fallbacks, b->fallback_n * sizeof *fallbacks);
    set->dfas = dfas;
    set->fallbacks = fallbacks;
}

/* ---------------------------------------------------------------------- */
/* Compile: entry point                                                    */
/* ---------------------------------------------------------------------- */

static bool builder_init(builder *b, size_t count)
{
    size_t n = count + 1;
    b->always = malloc(n * sizeof *b->always);
    b->exact_inputs = malloc(n * sizeof *b->exact_inputs);
    b->wild = malloc(n * sizeof *b->wild);
    b->group_keys = malloc(n * sizeof *b->group_keys);
    b->group_key_lens = malloc(n * sizeof *b->group_key_lens);
    b->group_slot_cap = table_capacity(n);
    b->group_slots = calloc(b->group_slot_cap, sizeof *b->group_slots);
    b->dfa_cap = n;
    b->dfas = calloc(n, sizeof *b->dfas);
    b->dfa_group = malloc(n * sizeof *b->dfa_group);
    b->fallbacks = calloc(n, sizeof *b->fallbacks);
    b->fallback_group = malloc(n * sizeof *b->fallback_group);
    b->generic = -1;
    return b->always && b->exact_inputs && b->wild && b->group_keys && b->group_key_lens &&
           b->group_slots && b->dfas && b->dfa_group && b->fallbacks && b->fallback_group;
}

static void builder_free(builder *b)
{
    free(b->always);
    free(b->exact_inputs);
    free(b->exact_owners);
    free(b->wild);
    free(b->group_keys);
    free(b->group_key_lens);
    free(b->group_slots);
    free(b->dfas);
    free(b->dfa_group);
    free(b->fallbacks);
    free(b->fallback_group);
}

/* Orders b->wild by group (stably: a group's patterns keep their input
 * order); *starts[g] is where group g begins. */
static bool sort_wild_by_group(builder *b, uint32_t **starts)
{
    uint32_t *start = calloc((size_t)b->group_n + 1, sizeof *start);
    pending *sorted = malloc((b->wild_n + 1) * sizeof *sorted);
    if (start == NULL || sorted == NULL) {
        free(start);
        free(sorted);
        return false;
    }
    for (size_t i = 0; i < b->wild_n; i++)
        start[b->wild[i].group + 1]++;
    for (uint32_t g = 0; g < b->group_n; g++)
        start[g + 1] += start[g];
    for (size_t i = 0; i < b->wild_n; i++)
        sorted[start[b->wild[i].group]++] = b->wild[i];
    memmove(start + 1, start, b->group_n * sizeof *start); /* back to the starts */
    start[0] = 0;
    free(b->wild);
    b->wild = sorted;
    *starts = start;
    return true;
}

static void build_all_groups(builder *b)
{
    glob_program *programs = malloc((b->wild_n + 1) * sizeof *programs);
    uint32_t *starts = NULL;
    b->scratch = b->wild_n != 0 ? dfa_scratch_create() : NULL;
    if (programs == NULL || (b->wild_n != 0 && b->scratch == NULL) ||
        !sort_wild_by_group(b, &starts))
        b->failed = true;
    for (uint32_t g = 0; g < b->group_n && !b->failed; g++)
        build_group(b, g, starts[g], starts[g + 1], programs);
    free(starts);
    free(programs);
    dfa_scratch_free(b->scratch);
    b->scratch = NULL;
}

static bool owners_valid(const glob_input *inputs, size_t count, uint32_t owner_count)
{
    for (size_t i = 0; i < count; i++)
        if (inputs[i].owner >= owner_count || (inputs[i].text == NULL && inputs[i].len != 0))
            return false;
    return true;
}

iam_status glob_set_compile(iam_arena *arena, glob_kind kind, const glob_input *inputs,
                            size_t count, uint32_t owner_count, const glob_options *options,
                            const glob_set **out)
{
    *out = NULL;
    if (arena == NULL || (inputs == NULL && count != 0) || count >= (1u << 22) ||
        !owners_valid(inputs, count, owner_count))
        return IAM_E_ARG;
    builder b;
    memset(&b, 0, sizeof b);
    b.arena = arena;
    b.kind = kind;
    b.inputs = inputs;
    b.count = count;
    b.max_states = options && options->max_dfa_states ? options->max_dfa_states : DEFAULT_MAX_STATES;
    size_t mark = arena->used;
    glob_set *set = NULL;
    if (!builder_init(&b, count)) {
        b.failed = true;
    } else {
        for (uint32_t i = 0; i < count; i++) {
            if (kind == GLOB_KIND_ACTION)
                classify_action(&b, i);
            else
                classify_resource(&b, i);
        }
        set = arena_array(&b, 1, sizeof *set, _Alignof(glob_set));
        if (set != NULL)
            memset(set, 0, sizeof *set);
        build_all_groups(&b);
        if (!b.failed) {
            store_exact(&b, set);
            store_groups(&b, set);
            store_lists(&b, set);
            if (!b.failed)
                complete_exact(&b, set);
            store_exact_owners(&b, set);
        }
    }
    builder_free(&b);
    if (b.failed) {
        arena->used = mark;
        return IAM_E_NOMEM;
    }
    set->kind = (uint8_t)kind;
    b.stats.patterns = (uint32_t)count;
    b.stats.dfas = (uint32_t)b.dfa_n;
    b.stats.fallbacks = (uint32_t)b.fallback_n;
    b.stats.bytes = arena->used - mark;
    set->stats = b.stats;
    *out = set;
    return IAM_OK;
}

void glob_set_stats(const glob_set *set, glob_stats *stats)
{
    *stats = set->stats;
}

/* ---------------------------------------------------------------------- */
/* Matching                                                                */
/* ---------------------------------------------------------------------- */

/* A span of owners; n counts spans even past cap. */
static size_t emit_span(const uint32_t *owners, uint32_t count, glob_span *out, size_t cap,
                        size_t n)
{
    if (count == 0)
        return n;
    if (n < cap) {
        out[n].owners = owners;
        out[n].count = count;
    }
    return n + 1;
}

static size_t emit_state(const glob_dfa *d, const uint32_t *range, uint32_t state,
                         glob_span *out, size_t cap, size_t n)
{
    return emit_span(d->owners + range[2 * state], range[2 * state + 1], out, cap, n);
}

/*
 * The hot loops: per byte, one lookup of its class and one of the next
 * state, whose "emits" flag says whether to report (so the emit table is
 * off the dependency chain). Measured by bench/bench_glob.c against the
 * reference matcher; fuzz/fuzz_glob_diff.c checks both agree.
 */
/* Bytes fold case until the fifth colon (spec §2.3.2 item 6): for
 * actions, whose every byte folds, both tables are the folding one. */
static size_t dfa_scan(const glob_dfa *d, const unsigned char *s, size_t len,
                                glob_span *out, size_t cap, size_t n)
{
    n = emit_state(d, d->emit, 1, out, cap, n);
    if (len == 0)
        return emit_state(d, d->accept, 1, out, cap, n);
    const uint16_t *next = d->next, *table = d->folded;
    const uint32_t shift = d->shift;
    unsigned colons = s[0] == ':';
    uint32_t e = next[(1u << shift) + table[256 | s[0]]];
    for (size_t i = 1;; i++) {
        if (e & STATE_EMITS) {
            e &= ~STATE_EMITS;
            n = emit_state(d, d->emit, e, out, cap, n);
        }
        if (e == 0)
            return n;
        if (i == len)
            break;
        if (colons == 5)
            table = d->exact;
        e = next[(e << shift) + table[s[i] | ((unsigned)(s[i - 1] == ':') << 8)]];
        colons += s[i] == ':';
    }
    return emit_state(d, d->accept, e, out, cap, n);
}

static uint64_t fold8(uint64_t x)
{
    return text_fold8(x);
}

/* Bytes s[i..n) (fewer than 8) as the low bytes of a word, the rest zero.
 * s[0..readable) may be read (readable >= n): with 8 bytes or more, one
 * load that may overlap bytes already seen, never past readable. */
static uint64_t load_tail(const char *s, size_t i, size_t n, size_t readable)
{
    size_t r = n - i;
    if (r == 0)
        return 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (readable >= 8) {
        uint64_t x;
        size_t from = i + 8 <= readable ? i : readable - 8;
        memcpy(&x, s + from, 8);
        return (x >> (8 * (i - from))) & (~0ull >> (64 - 8 * r));
    }
#endif
    uint64_t x = 0; /* short strings, or big-endian: byte by byte */
    for (size_t j = 0; j < r; j++)
        x |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
    return x;
}

/* Whether s equals key (folded, zero-padded: see folded_copy) ignoring
 * ASCII case, 8 bytes at a time; s[0..readable) may be read. */
static inline bool equals_folded_fast(const char *key, size_t key_len, const char *s, size_t n,
                                      size_t readable)
{
    if (key_len != n)
        return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n != 0 && n < 8 && readable >= 8) { /* a service name: one word */
        uint64_t a, b;
        memcpy(&a, key, 8);
        memcpy(&b, s, 8);
        return a == fold8(b & (~0ull >> (64 - 8 * n)));
    }
#endif
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t a, b;
        memcpy(&a, key + i, 8);
        memcpy(&b, s + i, 8);
        if (a != fold8(b))
            return false;
    }
    uint64_t a;
    memcpy(&a, key + i, 8);
    return i == n || a == fold8(load_tail(s, i, n, readable));
}

/* A hash equal for strings equal ignoring ASCII case: every byte has its
 * 0x20 bit set (cheaper than folding; it merges a few more non-letters,
 * which only costs an extra comparison). s[0..readable) may be read. */
static uint32_t hash_folded_fast(const char *s, size_t n, size_t readable)
{
    const uint64_t case_bits = 0x2020202020202020ull;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        h = (h ^ (x | case_bits)) * 0xFF51AFD7ED558CCDull;
    }
    if (i < n)
        h = (h ^ (load_tail(s, i, n, readable) | case_bits)) * 0xFF51AFD7ED558CCDull;
    return (uint32_t)(h ^ (h >> 29) ^ (h >> 47));
}

/* The group of key[0..len); key[0..readable) may be read. */
static const glob_group *group_find(const glob_set *set, const char *key, size_t len,
                                    size_t readable)
{
    if (set->group_count <= 4) { /* few services: comparing beats hashing */
        for (uint32_t slot = 0; slot < set->group_cap; slot++)
            if (set->groups[slot].key_len == len && set->groups[slot].key != NULL &&
                equals_folded_fast(set->groups[slot].key, set->groups[slot].key_len, key, len, readable))
                return &set->groups[slot];
        return NULL;
    }
    uint32_t mask = set->group_cap - 1;
    for (uint32_t slot = hash_folded_fast(key, len, readable) & mask; set->groups[slot].key != NULL;
         slot = (slot + 1) & mask)
        if (equals_folded_fast(set->groups[slot].key, set->groups[slot].key_len, key, len, readable))
            return &set->groups[slot];
    return NULL;
}

static size_t match_group(const glob_set *set, const glob_group *g, const char *s, size_t len,
                          const char *whole, size_t whole_len, glob_span *out, size_t cap,
                          size_t n)
{
    for (uint32_t i = 0; i < g->dfa_count; i++)
        n = dfa_scan(&set->dfas[g->dfa_start + i], (const unsigned char *)s, len, out, cap, n);
    for (uint32_t i = 0; i < g->fallback_count; i++) {
        const glob_fallback *f = &set->fallbacks[g->fallback_start + i];
        bool hit = set->kind == GLOB_KIND_ACTION
                       ? glob_match_action_reference(f->text, f->len, whole, whole_len)
                       : glob_match_resource_reference(f->text, f->len, whole, whole_len);
        if (hit)
            n = emit_span(&f->owner, 1, out, cap, n);
    }
    return n;
}

/* Spans of the exact name s; *hit says whether it is in the table. */
static size_t match_exact(const glob_set *set, const char *s, size_t len, glob_span *out,
                          size_t cap, size_t n, bool *hit)
{
    *hit = false;
    uint32_t mask = set->exact_cap - 1, hash = hash_folded_fast(s, len, len);
    for (uint32_t slot = hash & mask; set->exact[slot].key != NULL; slot = (slot + 1) & mask) {
        const glob_exact *e = &set->exact[slot];
        if (e->hash == hash && equals_folded_fast(e->key, e->key_len, s, len, len)) {
            *hit = true;
            return emit_span(set->owners + e->owner_start, e->owner_count, out, cap, n);
        }
    }
    return n;
}

static size_t match_action(const glob_set *set, const char *s, size_t len, glob_span *out,
                           size_t cap, size_t n)
{
    const char *colon = memchr(s, ':', len);
    if (colon == NULL)
        return n;
    bool hit;
    n = match_exact(set, s, len, out, cap, n, &hit);
    if (hit && set->exact_complete)
        return n;
    size_t vendor_len = (size_t)(colon - s);
    const glob_group *g = set->group_count ? group_find(set, s, vendor_len, len) : NULL;
    if (g != NULL)
        n = match_group(set, g, colon + 1, len - vendor_len - 1, s, len, out, cap, n);
    return n;
}

/* The request's service field, if it has the six fields of an ARN. */
static bool arn_service(const char *s, size_t len, const char **service, size_t *service_len)
{
    size_t colons = 0, start = 0;
    for (size_t i = 0; i < len && colons < 5; i++) {
        if (s[i] != ':')
            continue;
        if (++colons == 2)
            start = i + 1;
        else if (colons == 3)
            *service_len = i - start;
    }
    *service = s + start;
    return colons == 5;
}

static size_t match_resource(const glob_set *set, const char *s, size_t len, glob_span *out,
                             size_t cap, size_t n)
{
    const char *service;
    size_t service_len = 0;
    if (!arn_service(s, len, &service, &service_len))
        return n; /* "*" and non-ARNs: only the pattern "*" (spec §2.3.6) */
    const glob_group *g = group_find(set, service, service_len, (size_t)(s + len - service));
    if (g != NULL)
        n = match_group(set, g, s, len, s, len, out, cap, n);
    if (set->generic != NULL)
        n = match_group(set, set->generic, s, len, s, len, out, cap, n);
    return n;
}

size_t glob_set_match_spans(const glob_set *set, const char *subject, size_t len,
                            glob_span *spans, size_t cap)
{
    if (set == NULL || (subject == NULL && len != 0))
        return 0;
    if (subject == NULL)
        subject = "";
    size_t n = emit_span(set->always, set->always_count, spans, cap, 0);
    if (set->kind == GLOB_KIND_ACTION)
        return match_action(set, subject, len, spans, cap, n);
    return match_resource(set, subject, len, spans, cap, n);
}

size_t glob_set_match(const glob_set *set, const char *subject, size_t len, uint32_t *owners,
                      size_t cap)
{
    glob_span spans[256];
    size_t count = glob_set_match_spans(set, subject, len, spans, 256);
    if (count > 256)
        return SIZE_MAX; /* cannot happen for sets of fewer than ~60 DFAs a group */
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (n < cap)
            memcpy(owners + n, spans[i].owners,
                   (spans[i].count < cap - n ? spans[i].count : cap - n) * sizeof *owners);
        n += spans[i].count;
    }
    return n;
}
