/*
 * glob_set.c — the action index and resource lists of glob_set.h:
 * compiling (heap scratch, the set itself in the arena, never written
 * after glob_set_compile returns) and matching (no allocation).
 */
#include "glob_set.h"
#include "glob.h"
#include "glob_words.h"

#include <stdlib.h>

#define MAX_PREFIX 63u  /* literal name prefixes are indexed up to this length */
#define CASE_BITS 0x2020202020202020ull

/* What a key item is: "key*" or another pattern. */
enum { LIST_PREFIX, LIST_OTHER };

typedef struct glob_other {       /* a pattern with wildcards other than one final '*' */
    const char *text;             /* "vendor:name" as written */
    const char *name;             /* the name, folded (star_only) */
    uint32_t len, name_len;
    uint32_t owner;
    bool star_only;               /* only '*' wildcards and ASCII literals */
} glob_other;

/* One slot of an open-addressing table (8 bytes): a hash and its record,
 * index + 1 (0: an empty slot). Records are dense and written once, so
 * that a table costs little memory to clear and to probe. */
typedef struct glob_slot {
    uint32_t hash;
    uint32_t index1;
} glob_slot;

/* A vendor's key (the literal part of prefix and other patterns). */
typedef struct glob_entry {
    const char *key;              /* folded, zero padded */
    uint32_t key_len;
    uint32_t vendor;              /* its vendor's slot */
    uint32_t prefix_start, prefix_count; /* "key*": a range of owners[] */
    uint32_t other_start, other_count;   /* a range of others[] */
} glob_entry;

/* An action name without wildcards that the set lists (or a precomputed
 * name). A complete record holds everything that matches the name: its
 * own owners and what the vendor's keys say, computed at compile time, so
 * that a request naming it needs this one probe. */
typedef struct glob_name {
    const char *key;              /* as the set first spells it (the input's text) */
    const uint32_t *owners;       /* complete: the whole answer; else the
                                     owners of the name itself */
    uint32_t len;
    uint32_t count;
    uint32_t own;                 /* a name of one owner: owners points here */
    bool complete;
} glob_name;

/* A vendor of prefix or other patterns (names without wildcards need
 * none: the name table holds them whole). */
typedef struct glob_vendor {
    const char *key;              /* folded vendor, zero padded; NULL: empty slot */
    uint32_t hash;
    uint32_t key_len;
    uint64_t lengths;             /* bit L: an entry with a key of length L */
    const uint64_t *by_first;     /* [16]: the same, for keys whose first
                                     byte b has b & 15 == i (and L = 0 in all) */
} glob_vendor;

#define FEW_VENDORS 8u

typedef struct few_vendor {       /* a vendor of at most 8 bytes, as one word */
    uint64_t word;                /* folded, zero padded */
    uint32_t len;
    uint32_t slot;
} few_vendor;

struct glob_set {
    uint8_t kind;
    /* Sets with few vendors, all short, find theirs by comparing words
     * (cheaper than hashing); few_count 0 means hash. */
    uint32_t few_count;
    few_vendor few[FEW_VENDORS];
    const uint32_t *always;       /* owners of "*" */
    uint32_t always_count;
    const glob_vendor *vendors;   /* open addressing, vendor_mask + 1 slots */
    uint32_t vendor_mask;
    const glob_slot *entry_slots; /* open addressing, entry_mask + 1 slots */
    uint32_t entry_mask;
    const glob_entry *entries;
    const uint32_t *owners;
    const glob_other *others;
    const glob_slot *name_slots;  /* open addressing, name_mask + 1 slots */
    uint32_t name_mask;
    const glob_name *names;       /* NULL: not an action index */
    const glob_resource *resources; /* GLOB_KIND_RESOURCE, with resource_owners */
    const uint32_t *resource_owners;
    uint32_t resource_count;
    glob_stats stats;
};

/* Where matches go: spans (glob_set_match_spans) or owners
 * (glob_set_match); n counts past the capacity. */
typedef struct sink {
    glob_span *spans;
    uint32_t *owners;
    size_t cap, n;
} sink;

/* ---------------------------------------------------------------------- */
/* Hashing names a word at a time, ignoring ASCII case                     */
/* ---------------------------------------------------------------------- */

/* Every byte gets its 0x20 bit (cheaper than folding, equal for strings
 * equal ignoring case; the rare extra collision costs a comparison). */
static inline uint64_t hash_mix(uint64_t h, uint64_t word)
{
    h = (h ^ word) * 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 32);
}

static inline uint32_t hash_final(uint64_t h, size_t len)
{
    h = (h ^ len) * 0xC4CEB9FE1A85EC53ull;
    return (uint32_t)(h >> 32);
}

/* A key's place in the set's one key table: its hash and its vendor. */
static inline uint32_t entry_hash(uint32_t key_hash, uint32_t vendor)
{
    return key_hash ^ (vendor * 0x9E3779B1u);
}

/* Hashes of the prefixes of one string, for increasing lengths: the first
 * words are absorbed once. s[0, readable) may be read. */
typedef struct prefix_hasher {
    const char *s;
    size_t at, readable;          /* the string starts at s + at */
    uint64_t h;
    size_t words;                 /* whole words absorbed into h */
} prefix_hasher;

static inline void hasher_start(prefix_hasher *ph, const char *s, size_t at, size_t readable)
{
    ph->s = s;
    ph->at = at;
    ph->readable = readable;
    ph->h = 0x9E3779B97F4A7C15ull;
    ph->words = 0;
}

/* A string's first sixteen bytes, its last eight and its length: long
 * action names cost no more than short ones (equality is checked anyway). */
static inline uint32_t hasher_at(prefix_hasher *ph, size_t len)
{
    for (; ph->words < 2 && 8 * (ph->words + 1) <= len; ph->words++)
        ph->h = hash_mix(ph->h, text_load8(ph->s + ph->at + 8 * ph->words) | CASE_BITS);
    if (len > 16)
        return hash_final(hash_mix(ph->h, text_load8(ph->s + ph->at + len - 8) | CASE_BITS), len);
    size_t rest = len - 8 * ph->words;
    if (rest == 0)
        return hash_final(ph->h, len);
    uint64_t tail = (glob_load(ph->s, ph->at + 8 * ph->words, rest, ph->readable) | CASE_BITS) &
                    (~0ull >> (64 - 8 * rest));
    return hash_final(hash_mix(ph->h, tail), len);
}

static uint32_t hash_of(const char *s, size_t len)
{
    prefix_hasher ph;
    hasher_start(&ph, s, 0, len);
    return hasher_at(&ph, len);
}

/* Whether s[at, at + len) equals key (folded, zero padded) ignoring ASCII
 * case; s[0, readable) may be read. */
static inline bool key_equals(const char *key, const char *s, size_t at, size_t len, size_t readable)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8)
        if (text_load8(key + i) != text_fold8(text_load8(s + at + i)))
            return false;
    return i == len || glob_load(key, i, 8, i + 8) == text_fold8(glob_load(s, at + i, len - i, readable));
}

/* A whole name's hash, as hasher_at computes it but without the
 * bookkeeping of growing prefixes (the name table's hash). */
static inline uint32_t name_hash(const char *s, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    if (len < 8)
        return hash_final(hash_mix(h, glob_load(s, 0, len, len) | CASE_BITS), len);
    h = hash_mix(h, text_load8(s) | CASE_BITS);
    if (len >= 16)
        h = hash_mix(h, text_load8(s + 8) | CASE_BITS);
    if (len != 8 && len != 16)
        h = hash_mix(h, text_load8(s + len - 8) | CASE_BITS);
    return hash_final(h, len);
}

/* ---------------------------------------------------------------------- */
/* Compile                                                                 */
/* ---------------------------------------------------------------------- */

typedef struct item {             /* a prefix or other pattern, for the key table */
    uint32_t input;
    const char *text;             /* "vendor:name" as written */
    uint32_t vendor;
    uint32_t key_at, key_len;     /* the key in text */
    uint32_t hash;                /* of the key */
    uint8_t list;
    uint32_t slot;                /* its entry, once inserted */
} item;

typedef struct vendor_build {
    const char *text;
    uint32_t len, hash;
    uint64_t lengths;
    uint64_t *by_first;           /* [16], the set's (store_vendors) */
    uint32_t slot;                /* in the set's vendor table */
} vendor_build;

typedef struct name_owner {       /* a name's owner after its first */
    uint32_t name, owner;
} name_owner;

typedef struct builder {
    iam_arena *arena;
    const glob_input *inputs;
    size_t count;
    glob_set *set;
    item *items;
    size_t item_n;
    uint32_t key_items;           /* items of the key table */
    uint32_t *always;
    size_t always_n;
    vendor_build *vendors;
    uint32_t vendor_n;
    uint32_t *vendor_slots;       /* scratch: vendor index + 1 by hash */
    uint32_t vendor_slot_mask;
    const char *last_vendor_text; /* vendor_for's last answer */
    size_t last_vendor_len;
    uint32_t last_vendor;
    glob_slot *entry_slots;       /* the set's, while it is built */
    glob_entry *entries;          /* heap, until store_entries */
    uint32_t entry_n;
    size_t key_bytes;             /* the entries' keys, padded */
    glob_slot *name_slots;        /* scratch until finish_names */
    uint32_t name_slot_mask;
    glob_name *name_records;      /* the set's, written as names are met */
    uint32_t name_n;
    uint32_t *name_at;            /* scratch: where each record's name part starts */
    name_owner *more_owners;      /* scratch: owners of names met again */
    uint32_t *name_start;         /* scratch: where gather_owners lays them out */
    uint32_t more_n;
    const iam_str *names;         /* to precompute (glob_set_compile_actions) */
    size_t name_count;
    char *scratch;                /* the block of the arrays above */
    bool scratch_on_heap;
    bool failed;
} builder;

/* Where an action pattern s[0, n)'s name starts (after its first colon)
 * and where the name's first wildcard is (n: none); false when the
 * pattern matches nothing (spec §2.2): no colon, an empty name, or a name
 * holding whitespace or a second colon. */
static bool action_parts_bytewise(const char *s, size_t n, size_t *at, size_t *wild)
{
    const char *colon = n != 0 ? memchr(s, ':', n) : NULL;
    if (colon == NULL || colon + 1 == s + n)
        return false;
    *at = (size_t)(colon + 1 - s);
    *wild = n;
    for (size_t k = *at; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c == ' ' || c == ':' || (c >= '\t' && c <= '\r'))
            return false;
        if ((c == '*' || c == '?') && *wild == n)
            *wild = k;
    }
    return true;
}

#if defined(__SSE2__)
typedef struct action_masks {     /* bit i: byte i of the pattern is... */
    uint64_t colons;              /* ':' */
    uint64_t wilds;               /* '*' or '?' */
    uint64_t spaces;              /* ' ' or \t..\r */
} action_masks;

/* Adds the bytes of block x, which starts at byte `at`. */
static inline void action_block(action_masks *m, __m128i x, size_t at)
{
    __m128i t = _mm_sub_epi8(x, _mm_set1_epi8('\t')); /* \t..\r: t <= 4 */
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(4)), t);
    __m128i space = _mm_or_si128(control, _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
    __m128i wildcard = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('*')),
                                    _mm_cmpeq_epi8(x, _mm_set1_epi8('?')));
    m->colons |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(':'))) << at;
    m->wilds |= (uint64_t)(unsigned)_mm_movemask_epi8(wildcard) << at;
    m->spaces |= (uint64_t)(unsigned)_mm_movemask_epi8(space) << at;
}

/* action_parts_bytewise for patterns of up to 64 bytes (all but a few),
 * classified sixteen bytes at a time into bit masks: whole blocks, then
 * the last sixteen bytes (overlapping, so no short load). */
static bool action_parts(const char *s, size_t n, size_t *at, size_t *wild)
{
    if (n > 64)
        return action_parts_bytewise(s, n, at, wild);
    action_masks m = {0, 0, 0};
    if (n < 16) {
        action_block(&m, glob_load16(s, 0, n), 0);
    } else {
        size_t i = 0;
        for (; i + 16 <= n; i += 16)
            action_block(&m, _mm_loadu_si128((const __m128i *)(const void *)(s + i)), i);
        if (i < n)
            action_block(&m, _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16)), n - 16);
    }
    if (m.colons == 0)
        return false;
    size_t c = (size_t)__builtin_ctzll(m.colons);
    if (c + 1 == n)
        return false;
    uint64_t name = ~0ull << (c + 1); /* c + 1 < n <= 64; no bits past n */
    if (((m.colons | m.spaces) & name) != 0)
        return false;
    uint64_t w = m.wilds & name;
    *at = c + 1;
    *wild = w != 0 ? (size_t)__builtin_ctzll(w) : n;
    return true;
}
#else
static bool action_parts(const char *s, size_t n, size_t *at, size_t *wild)
{
    return action_parts_bytewise(s, n, at, wild);
}
#endif

static uint32_t capacity_for(size_t n)
{
    uint32_t cap = 2;
    while (cap < 2 * n)
        cap *= 2;
    return cap;
}

/* Arena memory that every use writes before reading. */
static void *arena_array_raw(builder *b, size_t count, size_t size, size_t align)
{
    void *p = arena_alloc(b->arena, count * size, align);
    if (p == NULL && count != 0)
        b->failed = true;
    return p;
}

/* Zeroed arena memory (tables whose empty slots are all zero). */
static void *arena_array(builder *b, size_t count, size_t size, size_t align)
{
    void *p = arena_alloc(b->arena, count * size, align);
    if (p == NULL && count != 0)
        b->failed = true;
    else if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

/* A folded, zero-padded copy of s[0, n) in the arena (8-aligned). */
static const char *folded_copy(builder *b, const char *s, size_t n)
{
    const char *k = text_folded_copy(b->arena, s, n);
    if (k == NULL)
        b->failed = true;
    return k;
}

/* The scratch slot of vendor s[0, n): its index + 1, or 0 (empty) where
 * it would go. */
static uint32_t *vendor_slot(builder *b, const char *s, size_t n, uint32_t hash)
{
    uint32_t slot = hash & b->vendor_slot_mask;
    for (; b->vendor_slots[slot] != 0; slot = (slot + 1) & b->vendor_slot_mask) {
        const vendor_build *v = &b->vendors[b->vendor_slots[slot] - 1];
        if (v->hash == hash && v->len == n && text_equals_folded(v->text, s, n))
            break;
    }
    return &b->vendor_slots[slot];
}

static uint32_t vendor_index(builder *b, const char *s, size_t n)
{
    uint32_t hash = hash_of(s, n);
    uint32_t *slot = vendor_slot(b, s, n, hash);
    if (*slot != 0)
        return *slot - 1;
    vendor_build *v = &b->vendors[b->vendor_n];
    memset(v, 0, sizeof *v);
    v->text = s;
    v->len = (uint32_t)n;
    v->hash = hash;
    *slot = ++b->vendor_n;
    return b->vendor_n - 1;
}

static uint32_t vendor_for(builder *b, const char *s, size_t n)
{
    /* patterns of one vendor usually come together: "s3:Get*", "s3:List*" */
    if (b->vendor_n != 0 && b->last_vendor_len == n && memcmp(b->last_vendor_text, s, n) == 0)
        return b->last_vendor;
    b->last_vendor_text = s;
    b->last_vendor_len = n;
    b->last_vendor = vendor_index(b, s, n);
    return b->last_vendor;
}

/* The vendor of prefix or other patterns named s[0, n), or NULL. */
static const vendor_build *vendor_known(builder *b, const char *s, size_t n)
{
    uint32_t slot = *vendor_slot(b, s, n, hash_of(s, n));
    return slot != 0 ? &b->vendors[slot - 1] : NULL;
}

/* A prefix or other pattern: its vendor notes the key's length. */
static void classify_prefix(builder *b, item *it, size_t wild, size_t n)
{
    const char *s = it->text;
    size_t at = it->key_at, literal = wild - at;
    bool stars_only = true;
    for (size_t k = wild; k < n; k++)
        stars_only &= s[k] == '*';
    it->vendor = vendor_for(b, s, at - 1);
    it->list = stars_only && literal <= MAX_PREFIX ? LIST_PREFIX : LIST_OTHER;
    b->set->stats.prefix += it->list == LIST_PREFIX;
    b->set->stats.other += it->list == LIST_OTHER;
    it->key_len = (uint32_t)(literal <= MAX_PREFIX ? literal : MAX_PREFIX);
    it->hash = hash_of(s + at, it->key_len);
    b->vendors[it->vendor].lengths |= 1ull << it->key_len;
    b->key_items++;
}

/* The record of name s[0, n) (its name part from `at`) in the name
 * table, inserted if new; with an owner, that owner is counted. */
static inline void add_name(builder *b, const char *s, uint32_t n, uint32_t at, const uint32_t *owner)
{
    uint32_t hash = name_hash(s, n), mask = b->set->name_mask, slot = hash & mask;
    glob_slot *slots = b->name_slots;
    for (; slots[slot].index1 != 0; slot = (slot + 1) & mask) {
        glob_name *c = &b->name_records[slots[slot].index1 - 1];
        if (slots[slot].hash != hash || c->len != n || !text_equals_folded(c->key, s, n))
            continue;
        if (owner != NULL && !(c->count == 1 && c->own == *owner)) {
            /* met again with another owner (a repeat while the name has
             * only that owner is dropped): gather_owners lays them out */
            name_owner more = {slots[slot].index1 - 1, *owner};
            b->more_owners[b->more_n++] = more;
            c->count++;
        }
        return;
    }
    uint32_t index = b->name_n++;
    glob_name *g = &b->name_records[index];
    g->key = s;
    g->len = n;
    g->complete = true; /* until complete_names says otherwise */
    g->count = owner != NULL;
    g->own = owner != NULL ? *owner : 0;
    g->owners = owner != NULL ? &g->own : NULL;
    b->name_at[index] = at;
    slots[slot].hash = hash;
    slots[slot].index1 = index + 1;
}

/* Action patterns (spec §2.2): "*", or "vendor:name" with exactly one
 * colon and a name that is neither empty nor holds whitespace; any other
 * pattern matches nothing and is dropped. Names without wildcards go to
 * the name table at once, the others are items of the key table. */
static void classify_action(builder *b, uint32_t i)
{
    const glob_input *in = &b->inputs[i];
    const char *s = in->text;
    size_t n = in->len, at, wild;
    if (n == 1 && s[0] == '*') {
        b->always[b->always_n++] = in->owner;
        return;
    }
    if (!action_parts(s, n, &at, &wild))
        return;
    if (wild < n) {
        item *it = &b->items[b->item_n++];
        it->input = i;
        it->text = s;
        it->key_at = (uint32_t)at;
        classify_prefix(b, it, wild, n);
        return;
    }
    b->set->stats.exact++;
    add_name(b, s, (uint32_t)n, (uint32_t)at, &in->owner);
}

/* The names to precompute, each kept only when the set has prefix or
 * other patterns of its vendor (else its own record, if any, is its
 * answer). Names of one vendor come in runs: it is looked up once a run. */
static void classify_names(builder *b)
{
    const char *last = NULL;
    size_t last_len = SIZE_MAX;
    const vendor_build *v = NULL;
    for (size_t i = 0; i < b->name_count; i++) {
        iam_str name = b->names[i];
        const char *colon = name.len != 0 ? memchr(name.ptr, ':', name.len) : NULL;
        if (colon == NULL)
            continue;
        size_t at = (size_t)(colon + 1 - name.ptr);
        if (memchr(name.ptr + at, '*', name.len - at) || memchr(name.ptr + at, '?', name.len - at))
            continue;
        if (at - 1 != last_len || memcmp(last, name.ptr, last_len) != 0) {
            last = name.ptr;
            last_len = at - 1;
            v = vendor_known(b, last, last_len);
        }
        if (v != NULL && v->lengths != 0)
            add_name(b, name.ptr, (uint32_t)name.len, (uint32_t)at, NULL);
    }
}

static void store_few(builder *b)
{
    glob_set *set = b->set;
    if (b->failed || b->vendor_n > FEW_VENDORS || set->vendors == NULL)
        return; /* (failed: a vendor key may be missing) */
    for (uint32_t i = 0; i < b->vendor_n; i++)
        if (b->vendors[i].len > 8)
            return;
    for (uint32_t i = 0; i < b->vendor_n; i++) {
        const glob_vendor *v = &set->vendors[b->vendors[i].slot];
        few_vendor f = {glob_load(v->key, 0, 8, 8), v->key_len, b->vendors[i].slot};
        set->few[i] = f;
    }
    set->few_count = b->vendor_n;
}

/* A table of at least n + n/2 + 1 slots: at most two thirds full. */
static uint32_t slots_for(size_t n)
{
    uint32_t cap = 2;
    while (cap < n + n / 2 + 1)
        cap *= 2;
    return cap;
}

/* The vendor table of the set and its (empty) key table. */
static void store_vendors(builder *b)
{
    glob_set *set = b->set;
    uint32_t cap = capacity_for(b->vendor_n);
    glob_vendor *slots = arena_array(b, cap, sizeof *slots, _Alignof(glob_vendor));
    for (uint32_t i = 0; slots != NULL && i < b->vendor_n; i++) {
        const vendor_build *v = &b->vendors[i];
        uint32_t slot = v->hash & (cap - 1);
        while (slots[slot].key != NULL)
            slot = (slot + 1) & (cap - 1);
        glob_vendor *g = &slots[slot];
        g->key = folded_copy(b, v->text, v->len);
        g->hash = v->hash;
        g->key_len = v->len;
        g->lengths = v->lengths;
        g->by_first = b->vendors[i].by_first = arena_array(b, 16, sizeof(uint64_t), _Alignof(uint64_t));
        b->vendors[i].slot = slot;
    }
    for (size_t i = 0; !b->failed && i < b->item_n; i++) { /* the key lengths by first byte */
        const item *it = &b->items[i];
        uint64_t *by_first = b->vendors[it->vendor].by_first;
        if (it->key_len == 0)
            for (unsigned f = 0; f < 16; f++)
                by_first[f] |= 1ull;
        else
            by_first[text_lower_ascii((unsigned char)it->text[it->key_at]) & 15u] |= 1ull << it->key_len;
    }
    set->vendors = slots;
    set->vendor_mask = cap - 1;
    store_few(b);
    uint32_t entries = slots_for(b->key_items);
    b->entry_slots = arena_array(b, entries, sizeof(glob_slot), _Alignof(glob_slot));
    set->entry_slots = b->entry_slots;
    set->entry_mask = entries - 1;
    set->stats.vendors = b->vendor_n;
}

static size_t padded(size_t len)
{
    return (len + 8) & ~(size_t)7;
}

/* The keys, folded and zero padded, in one arena block. */
static void fold_keys(builder *b)
{
    char *block = arena_array_raw(b, b->key_bytes, 1, 8);
    for (uint32_t i = 0; block != NULL && i < b->entry_n; i++) {
        glob_entry *e = &b->entries[i];
        text_fold_into(block, e->key, e->key_len);
        e->key = block;
        block += padded(e->key_len);
    }
}

/* The entry of a prefix or other item (inserted if new); counts it. */
static void insert_key(builder *b, item *it)
{
    glob_slot *slots = b->entry_slots;
    uint32_t vendor = b->vendors[it->vendor].slot;
    const char *key = it->text + it->key_at;
    uint32_t hash = entry_hash(it->hash, vendor), mask = b->set->entry_mask;
    uint32_t slot = hash & mask;
    glob_entry *e = NULL;
    for (; slots[slot].index1 != 0; slot = (slot + 1) & mask) {
        glob_entry *c = &b->entries[slots[slot].index1 - 1];
        if (slots[slot].hash == hash && c->key_len == it->key_len && c->vendor == vendor &&
            text_equals_folded(c->key, key, it->key_len)) {
            e = c;
            break;
        }
    }
    if (e == NULL) {
        uint32_t index = b->entry_n++;
        e = &b->entries[index];
        memset(e, 0, sizeof *e);
        e->key = key; /* as written until fold_keys */
        e->key_len = it->key_len;
        e->vendor = vendor;
        slots[slot].hash = hash;
        slots[slot].index1 = index + 1;
        b->key_bytes += padded(it->key_len);
    }
    if (it->list == LIST_PREFIX)
        e->prefix_count++;
    else
        e->other_count++;
    it->slot = (uint32_t)(e - b->entries);
}

static void insert_keys(builder *b)
{
    for (size_t i = 0; i < b->item_n; i++)
        insert_key(b, &b->items[i]);
    b->set->stats.entries = b->entry_n;
}

static void sort_short(uint32_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sorted, without repeats; the new length. */
static inline uint32_t sort_unique(uint32_t *v, uint32_t n)
{
    if (n < 2)
        return n;
    bool sorted = true;
    for (uint32_t i = 1; i < n; i++)
        sorted &= v[i - 1] < v[i];
    if (sorted)
        return n;
    if (n > 64)
        qsort(v, n, sizeof *v, compare_u32);
    else
        sort_short(v, n);
    uint32_t out = n ? 1 : 0;
    for (uint32_t i = 1; i < n; i++)
        if (v[i] != v[out - 1])
            v[out++] = v[i];
    return out;
}

static void prepare_other(builder *b, const glob_input *in, size_t name_at, glob_other *o)
{
    size_t name_len = in->len - name_at;
    const char *name = folded_copy(b, in->text + name_at, name_len);
    if (name == NULL)
        return;
    o->text = in->text;
    o->name = name;
    o->len = (uint32_t)in->len;
    o->name_len = (uint32_t)name_len;
    o->owner = in->owner;
    o->star_only = glob_star_only(in->text + name_at, name_len);
}

/* The entries' owner lists (of their prefix patterns) and other
 * patterns, laid out entry by entry, sorted. */
static void fill_lists(builder *b)
{
    uint32_t owners_n = 0, others_n = 0;
    for (uint32_t i = 0; i < b->entry_n; i++) {
        glob_entry *e = &b->entries[i];
        e->prefix_start = owners_n;
        owners_n += e->prefix_count;
        e->other_start = others_n;
        others_n += e->other_count;
        e->prefix_count = e->other_count = 0;
    }
    uint32_t *owners = arena_array_raw(b, owners_n, sizeof *owners, _Alignof(uint32_t));
    glob_other *others = arena_array_raw(b, others_n, sizeof *others, _Alignof(glob_other));
    for (size_t i = 0; i < b->item_n && !b->failed; i++) {
        const item *it = &b->items[i];
        const glob_input *in = &b->inputs[it->input];
        glob_entry *e = &b->entries[it->slot];
        if (it->list == LIST_PREFIX)
            owners[e->prefix_start + e->prefix_count++] = in->owner;
        else
            prepare_other(b, in, it->key_at, &others[e->other_start + e->other_count++]);
    }
    for (uint32_t i = 0; i < b->entry_n && !b->failed; i++)
        b->entries[i].prefix_count = sort_unique(owners + b->entries[i].prefix_start, b->entries[i].prefix_count);
    b->set->owners = owners;
    b->set->others = others;
}

/* The owners of names met more than once, laid out name by name (the
 * first owner, then the others as met), sorted. Only those names are
 * visited: a name's owners pointer is NULL once it has a place. */
static void gather_owners(builder *b)
{
    uint32_t *start = b->name_start, total = 0;
    for (uint32_t k = 0; k < b->more_n; k++) {
        glob_name *g = &b->name_records[b->more_owners[k].name];
        if (g->owners != NULL) {
            start[b->more_owners[k].name] = total;
            total += g->count;
            g->owners = NULL;
        }
    }
    uint32_t *owners = arena_array_raw(b, total, sizeof *owners, _Alignof(uint32_t));
    if (owners == NULL)
        return; /* (the set fails) */
    for (uint32_t k = 0; k < b->more_n; k++) {
        uint32_t i = b->more_owners[k].name;
        glob_name *g = &b->name_records[i];
        if (g->owners == NULL) {
            g->owners = owners + start[i];
            owners[start[i]] = g->own;
            g->count = 1;
        }
        owners[start[i] + g->count++] = b->more_owners[k].owner;
    }
    for (uint32_t k = 0; k < b->more_n; k++) {
        uint32_t i = b->more_owners[k].name;
        if (start[i] != UINT32_MAX) {
            b->name_records[i].count = sort_unique(owners + start[i], b->name_records[i].count);
            start[i] = UINT32_MAX;
        }
    }
}

static void match_vendor(const glob_set *set, const glob_vendor *v, const char *s, size_t at,
                         size_t len, sink *out);
static inline void emit(sink *out, const uint32_t *owners, uint32_t count);

#define COMPLETE_MAX_SPANS 256u      /* a name with more probes instead */
#define COMPLETE_MAX_OWNERS 65536u

/* A name's answer: the union of the spans, sorted (a span alone is one
 * already: an entry's list or the name's own). False when it would be too
 * long: the name then probes at match time. */
static bool answer_union(builder *b, glob_name *g, const glob_span *spans, size_t n)
{
    if (n <= 1) {
        g->owners = n != 0 ? spans[0].owners : NULL;
        g->count = n != 0 ? spans[0].count : 0;
        return true;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += spans[i].count;
    if (total > COMPLETE_MAX_OWNERS)
        return false;
    uint32_t *owners = arena_array_raw(b, total, sizeof *owners, _Alignof(uint32_t));
    if (owners == NULL)
        return false; /* (the set fails) */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < spans[i].count; j++)
            owners[k++] = spans[i].owners[j];
    g->owners = owners;
    g->count = sort_unique(owners, (uint32_t)k);
    return true;
}

/* Whether names a and b start with the same n bytes, as written. */
static bool same_vendor(const glob_name *a, const glob_name *b, size_t n)
{
    if (n <= 8)
        return glob_load(a->key, 0, n, a->len) == glob_load(b->key, 0, n, b->len);
    return memcmp(a->key, b->key, n) == 0;
}

/* The complete answer of every name whose vendor has prefix or other
 * patterns: its own owners and what the vendor's keys say (case never
 * changes an action's matches). Other names' own owners are their answer. */
static void complete_names(builder *b)
{
    if (b->key_items == 0)
        return;
    glob_span spans[COMPLETE_MAX_SPANS];
    const glob_name *last = NULL; /* the previous name, whose vendor is often this one's */
    size_t last_len = SIZE_MAX;   /* its vendor's length */
    const vendor_build *vb = NULL;
    for (uint32_t i = 0; i < b->name_n && !b->failed; i++) {
        glob_name *g = &b->name_records[i];
        size_t at = b->name_at[i];
        if (at - 1 != last_len || !same_vendor(last, g, last_len)) {
            last = g;
            last_len = at - 1;
            vb = vendor_known(b, g->key, last_len);
        }
        if (vb == NULL || vb->lengths == 0)
            continue;
        sink out = {spans, NULL, COMPLETE_MAX_SPANS, 0};
        emit(&out, g->owners, g->count);
        match_vendor(b->set, &b->set->vendors[vb->slot], g->key, at, g->len, &out);
        g->complete = out.n <= COMPLETE_MAX_SPANS && answer_union(b, g, spans, out.n);
    }
}

/* The entries, now complete, into the arena. */
static void store_entries(builder *b)
{
    glob_entry *entries = arena_array_raw(b, b->entry_n, sizeof *entries, _Alignof(glob_entry));
    if (entries != NULL && b->entry_n != 0)
        memcpy(entries, b->entries, b->entry_n * sizeof *entries);
    b->set->entries = entries;
}

/* The name records, written in the arena as names are met (sized for
 * every input and name to precompute until finish_names), and the table
 * over them, in scratch until then. Their keys are the names as first
 * written: requests usually spell a name as policies and the catalog do,
 * and then compare without folding. */
static void start_names(builder *b)
{
    b->name_records = arena_array_raw(b, b->count + b->name_count + 1, sizeof(glob_name),
                                      _Alignof(glob_name));
    memset(b->name_slots, 0, ((size_t)b->name_slot_mask + 1) * sizeof *b->name_slots);
    b->set->name_mask = b->name_slot_mask;
    b->set->names = b->name_records;
}

/* The records cut to the names met (nothing else was allocated after
 * them), and the table, sized for them, in the arena: a copy, or the
 * slots inserted anew when repeated or skipped names make it smaller. */
static void finish_names(builder *b)
{
    iam_arena *a = b->arena;
    char *end = (char *)(b->name_records + b->count + b->name_count + 1);
    if (end == (char *)a->base + a->used)
        a->used = (size_t)((char *)(b->name_records + b->name_n + 1) - (char *)a->base);
    uint32_t cap = capacity_for(b->name_n), mask = cap - 1; /* at most half full: probes are hot */
    glob_slot *slots = arena_array(b, cap, sizeof *slots, _Alignof(glob_slot));
    if (slots == NULL)
        return;
    if (mask == b->name_slot_mask) {
        memcpy(slots, b->name_slots, cap * sizeof *slots);
    } else {
        for (uint32_t i = 0; i <= b->name_slot_mask; i++) {
            if (b->name_slots[i].index1 == 0)
                continue;
            uint32_t slot = b->name_slots[i].hash & mask;
            while (slots[slot].index1 != 0)
                slot = (slot + 1) & mask;
            slots[slot] = b->name_slots[i];
        }
    }
    b->set->name_slots = slots;
    b->set->name_mask = mask;
}

static void compile_actions(builder *b)
{
    start_names(b);
    if (b->failed)
        return;
    for (size_t i = 0; i < b->count; i++)
        classify_action(b, (uint32_t)i);
    classify_names(b);
    finish_names(b);
    store_vendors(b);
    if (b->failed)
        return;
    insert_keys(b);
    fold_keys(b);
    if (b->failed)
        return;
    fill_lists(b);
    if (!b->failed)
        store_entries(b);
    if (!b->failed)
        gather_owners(b);
    if (!b->failed)
        complete_names(b);
}

static void compile_resources(builder *b)
{
    glob_resource *prepared = arena_array_raw(b, b->count, sizeof *prepared, _Alignof(glob_resource));
    uint32_t *owners = arena_array_raw(b, b->count, sizeof *owners, _Alignof(uint32_t));
    size_t n = 0;
    for (size_t i = 0; i < b->count && !b->failed; i++) {
        if (text_equals(b->inputs[i].text, b->inputs[i].len, "*")) {
            b->always[b->always_n++] = b->inputs[i].owner;
            continue;
        }
        if (!glob_resource_prepare(b->arena, b->inputs[i].text, b->inputs[i].len, &prepared[n]))
            b->failed = true;
        owners[n++] = b->inputs[i].owner;
    }
    b->set->resources = prepared;
    b->set->resource_owners = owners;
    b->set->resource_count = (uint32_t)n;
}

static void store_always(builder *b)
{
    uint32_t *always = arena_array_raw(b, b->always_n, sizeof *always, _Alignof(uint32_t));
    if (always != NULL && b->always_n != 0)
        memcpy(always, b->always, b->always_n * sizeof *always);
    b->set->always = always;
    b->set->always_count = always ? sort_unique(always, (uint32_t)b->always_n) : 0;
}

/* Scratch arrays are carved from one heap block, each 16-aligned. */
static size_t scratch_size(size_t bytes)
{
    return (bytes + 15) & ~(size_t)15;
}

static void *carve(char **at, size_t bytes)
{
    void *p = *at;
    *at += scratch_size(bytes);
    return p;
}

/* Sets whose scratch fits take it from the stack (most policies: up to
 * about 25 patterns), larger ones from the heap. */
#define SCRATCH_ON_STACK 4096

static bool builder_start(builder *b, char *stack)
{
    size_t n = b->count + 1, m = n + b->name_count;
    b->vendor_slot_mask = capacity_for(n) - 1;
    size_t slots = (size_t)b->vendor_slot_mask + 1;
    b->name_slot_mask = capacity_for(m) - 1; /* (as finish_names sizes it) */
    size_t name_slots = (size_t)b->name_slot_mask + 1;
    size_t total = scratch_size(name_slots * sizeof *b->name_slots) +
                   scratch_size(n * sizeof *b->items) + scratch_size(n * sizeof *b->more_owners) +
                   scratch_size(m * sizeof *b->name_at) + scratch_size(m * sizeof *b->name_start) +
                   scratch_size(n * sizeof *b->entries) +
                   scratch_size(n * sizeof *b->always) + scratch_size(n * sizeof *b->vendors) +
                   scratch_size(slots * sizeof *b->vendor_slots);
    b->scratch_on_heap = total > SCRATCH_ON_STACK;
    char *at = b->scratch = b->scratch_on_heap ? malloc(total) : stack;
    if (at == NULL)
        return false;
    b->name_slots = carve(&at, name_slots * sizeof *b->name_slots);
    b->items = carve(&at, n * sizeof *b->items);
    b->more_owners = carve(&at, n * sizeof *b->more_owners);
    b->name_at = carve(&at, m * sizeof *b->name_at);
    b->name_start = carve(&at, m * sizeof *b->name_start);
    b->entries = carve(&at, n * sizeof *b->entries);
    b->always = carve(&at, n * sizeof *b->always);
    b->vendors = carve(&at, n * sizeof *b->vendors);
    b->vendor_slots = carve(&at, slots * sizeof *b->vendor_slots);
    memset(b->vendor_slots, 0, slots * sizeof *b->vendor_slots);
    return true;
}

static void builder_free(builder *b)
{
    if (b->scratch_on_heap)
        free(b->scratch);
}

static iam_status compile_set(iam_arena *arena, glob_kind kind, const glob_input *inputs,
                              size_t count, uint32_t owner_count, const iam_str *names,
                              size_t name_count, const glob_set **out);

iam_status glob_set_compile(iam_arena *arena, glob_kind kind, const glob_input *inputs,
                            size_t count, uint32_t owner_count, const glob_set **out)
{
    return compile_set(arena, kind, inputs, count, owner_count, NULL, 0, out);
}

iam_status glob_set_compile_actions(iam_arena *arena, const glob_input *inputs, size_t count,
                                    uint32_t owner_count, const iam_str *names, size_t name_count,
                                    const glob_set **out)
{
    return compile_set(arena, GLOB_KIND_ACTION, inputs, count, owner_count, names, name_count, out);
}

static iam_status compile_set(iam_arena *arena, glob_kind kind, const glob_input *inputs,
                              size_t count, uint32_t owner_count, const iam_str *names,
                              size_t name_count, const glob_set **out)
{
    *out = NULL;
    if (arena == NULL || (inputs == NULL && count != 0) || count > UINT32_MAX / 4 ||
        (kind != GLOB_KIND_ACTION && kind != GLOB_KIND_RESOURCE))
        return IAM_E_ARG;
    for (size_t i = 0; i < count; i++)
        if (inputs[i].owner >= owner_count || (inputs[i].text == NULL && inputs[i].len != 0))
            return IAM_E_ARG;
    size_t mark = arena->used;
    builder b;
    memset(&b, 0, sizeof b);
    b.arena = arena;
    b.inputs = inputs;
    b.count = count;
    b.names = names;
    b.name_count = names != NULL ? name_count : 0;
    b.set = arena_array(&b, 1, sizeof *b.set, _Alignof(glob_set));
    _Alignas(16) char stack[SCRATCH_ON_STACK];
    if (b.set != NULL && builder_start(&b, stack)) {
        b.set->kind = (uint8_t)kind;
        b.set->stats.patterns = (uint32_t)count;
        if (kind == GLOB_KIND_ACTION)
            compile_actions(&b);
        else
            compile_resources(&b);
        store_always(&b);
    } else {
        b.failed = true;
    }
    builder_free(&b);
    if (b.failed) {
        arena->used = mark;
        return IAM_E_NOMEM;
    }
    b.set->stats.bytes = arena->used - mark;
    *out = b.set;
    return IAM_OK;
}

void glob_set_stats(const glob_set *set, glob_stats *stats)
{
    *stats = set->stats;
}

/* ---------------------------------------------------------------------- */
/* Matching                                                                */
/* ---------------------------------------------------------------------- */

static inline void emit(sink *out, const uint32_t *owners, uint32_t count)
{
    if (count == 0)
        return;
    if (out->spans != NULL) {
        if (out->n < out->cap) {
            out->spans[out->n].owners = owners;
            out->spans[out->n].count = count;
        }
        out->n++;
        return;
    }
    for (uint32_t i = 0; i < count; i++, out->n++)
        if (out->n < out->cap)
            out->owners[out->n] = owners[i];
}

static const glob_vendor *vendor_find(const glob_set *set, const char *s, size_t len,
                                      size_t readable)
{
    if (set->few_count != 0) {
        if (len > 8)
            return NULL;
        uint64_t word = text_fold8(glob_load(s, 0, len, readable));
        for (uint32_t i = 0; i < set->few_count; i++)
            if (set->few[i].len == len && set->few[i].word == word)
                return &set->vendors[set->few[i].slot];
        return NULL;
    }
    uint32_t hash;
    prefix_hasher ph;
    hasher_start(&ph, s, 0, readable);
    hash = hasher_at(&ph, len);
    for (uint32_t slot = hash & set->vendor_mask;; slot = (slot + 1) & set->vendor_mask) {
        const glob_vendor *v = &set->vendors[slot];
        if (v->key == NULL)
            return NULL;
        if (v->hash == hash && v->key_len == len && key_equals(v->key, s, 0, len, readable))
            return v;
    }
}

/* The entry of the vendor whose key is the name's first len bytes. */
static const glob_entry *entry_find(const glob_set *set, const glob_vendor *v, const char *s,
                                    size_t at, size_t len, uint32_t key_hash, size_t readable)
{
    uint32_t vendor = (uint32_t)(v - set->vendors), hash = entry_hash(key_hash, vendor);
    for (uint32_t slot = hash & set->entry_mask;; slot = (slot + 1) & set->entry_mask) {
        const glob_slot *sl = &set->entry_slots[slot];
        if (sl->index1 == 0)
            return NULL;
        if (sl->hash != hash)
            continue;
        const glob_entry *e = &set->entries[sl->index1 - 1];
        if (e->key_len == len && e->vendor == vendor && key_equals(e->key, s, at, len, readable))
            return e;
    }
}

static bool other_matches(const glob_other *o, const char *s, size_t at, size_t len)
{
    if (o->star_only)
        return glob_star_match(o->name, o->name_len, s + at, len - at, SIZE_MAX);
    return glob_match_action_reference(o->text, o->len, s, len);
}

/* What an entry of key length len says about the action s (the name
 * starting at `at`). */
static void emit_entry(const glob_set *set, const glob_entry *e, const char *s, size_t at,
                       size_t len, size_t s_len, sink *out)
{
    if (e->prefix_count != 0 && glob_cut_ok(s, at + len, s_len))
        emit(out, set->owners + e->prefix_start, e->prefix_count);
    for (uint32_t i = 0; i < e->other_count; i++) {
        const glob_other *o = &set->others[e->other_start + i];
        if (other_matches(o, s, at, s_len))
            emit(out, &o->owner, 1);
    }
}

/* What the vendor's keys shorter than the name say about the action s
 * (its name starts at `at`): the prefix and other patterns whose literal
 * part is a proper prefix of the name. */
static void match_shorter_keys(const glob_set *set, const glob_vendor *v, const char *s,
                               size_t at, size_t len, sink *out)
{
    size_t name = len - at;
    /* the key lengths of prefix patterns shorter than the name whose keys
     * could start with the name's first byte */
    uint64_t lengths = name == 0 || v->by_first == NULL
                           ? 0
                           : v->by_first[text_lower_ascii((unsigned char)s[at]) & 15u];
    lengths &= name > MAX_PREFIX ? ~0ull : (1ull << name) - 1;
    prefix_hasher ph;
    hasher_start(&ph, s, at, len);
    while (lengths != 0) {
        size_t l = (size_t)__builtin_ctzll(lengths);
        lengths &= lengths - 1;
        const glob_entry *e = entry_find(set, v, s, at, l, hasher_at(&ph, l), len);
        if (e != NULL)
            emit_entry(set, e, s, at, l, len, out);
    }
}

/* The action s (its name starts at `at`) against vendor v's keys: the
 * key equal to the whole name, then the shorter ones. */
static void match_vendor(const glob_set *set, const glob_vendor *v, const char *s, size_t at,
                         size_t len, sink *out)
{
    size_t name = len - at;
    if (name <= MAX_PREFIX && ((v->lengths >> name) & 1)) {
        const glob_entry *e = entry_find(set, v, s, at, name, hash_of(s + at, name), len);
        if (e != NULL)
            emit_entry(set, e, s, at, name, len, out);
    }
    match_shorter_keys(set, v, s, at, len, out);
}

/* The name table's slot for the whole action s, or NULL. */
static inline const glob_name *name_find(const glob_set *set, const char *s, size_t len)
{
    uint32_t hash = name_hash(s, len);
    for (uint32_t slot = hash & set->name_mask;; slot = (slot + 1) & set->name_mask) {
        const glob_slot *sl = &set->name_slots[slot];
        if (sl->index1 == 0)
            return NULL;
        const glob_name *n = &set->names[sl->index1 - 1];
        if (sl->hash == hash && n->len == len && text_equals_folded(n->key, s, len))
            return n;
    }
}

/* The action s against the key table (prefix and other patterns). */
static void match_action_keys(const glob_set *set, const char *s, size_t len, sink *out)
{
    const char *colon = memchr(s, ':', len);
    if (colon == NULL)
        return;
    size_t at = (size_t)(colon - s) + 1;
    const glob_vendor *v = vendor_find(set, s, at - 1, len);
    if (v != NULL)
        match_vendor(set, v, s, at, len, out);
}

/* One probe of the name table answers a name the set lists exactly;
 * other names go on to the key table. */
static inline void match_action(const glob_set *set, const char *s, size_t len, sink *out)
{
    if (set->names == NULL)
        return; /* not an action index */
    const glob_name *named = name_find(set, s, len);
    if (named != NULL) {
        emit(out, named->owners, named->count);
        if (named->complete)
            return;
    }
    match_action_keys(set, s, len, out);
}

static void match_resource(const glob_set *set, const char *s, size_t len, sink *out)
{
    glob_subject subject;
    glob_subject_init(&subject, s, len);
    for (uint32_t i = 0; i < set->resource_count; i++)
        if (glob_resource_match(&set->resources[i], &subject))
            emit(out, &set->resource_owners[i], 1);
}

static void match(const glob_set *set, const char *subject, size_t len, sink *out)
{
    if (set == NULL || (subject == NULL && len != 0))
        return;
    if (subject == NULL)
        subject = "";
    emit(out, set->always, set->always_count);
    if (set->kind == GLOB_KIND_ACTION)
        match_action(set, subject, len, out);
    else
        match_resource(set, subject, len, out);
}

size_t glob_set_match_spans(const glob_set *set, const char *subject, size_t len,
                            glob_span *spans, size_t cap)
{
    sink out = {spans, NULL, cap, 0};
    if (set != NULL && set->names != NULL && subject != NULL) { /* iam_eval's action index */
        emit(&out, set->always, set->always_count);
        match_action(set, subject, len, &out);
        return out.n;
    }
    match(set, subject, len, &out);
    return out.n;
}

size_t glob_set_match(const glob_set *set, const char *subject, size_t len, uint32_t *owners,
                      size_t cap)
{
    sink out = {NULL, owners, cap, 0};
    match(set, subject, len, &out);
    return out.n;
}
