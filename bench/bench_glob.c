/*
 * bench_glob.c — glob/...: matches per second of the compiled glob automaton
 * over sets of 1 … 10,000 real corpus patterns (and the corpus-wide set),
 * each with the reference matcher (glob.h) over the same patterns and the
 * same subjects as its in-run baseline ("<name>/reference"). Subjects are
 * real action names (the exact names of the corpus) and real-shaped ARNs.
 */
#define _POSIX_C_SOURCE 200809L
#include "benchmarks.h"
#include "keep.h"
#include "glob/glob.h"
#include "glob/glob_set.h"
#include "test_util.h"

#include <stdio.h>

typedef struct list {
    glob_input *items;
    size_t n, cap;
} list;

static void add(list *l, const char *text, size_t len, uint32_t owner)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4096;
        l->items = keep_realloc(l->items, l->cap * sizeof *l->items);
    }
    glob_input in = {text, len, owner};
    l->items[l->n++] = in;
}

/* A fixed pseudo-random order (the same every run). */
static void shuffle(glob_input *v, size_t n)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = n; i > 1; i--) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        size_t j = (size_t)(x % i);
        glob_input t = v[i - 1]; v[i - 1] = v[j]; v[j] = t;
    }
}

static bool has_wildcard(const glob_input *in)
{
    return memchr(in->text, '*', in->len) || memchr(in->text, '?', in->len);
}

typedef struct set_ctx {
    const glob_set *set;
    glob_kind kind;
    const glob_input *patterns;
    size_t count;
} set_ctx;

static size_t run_automaton(const void *ctx, const glob_input *s)
{
    const set_ctx *c = ctx;
    glob_span spans[1024];
    return glob_set_match_spans(c->set, s->text, s->len, spans, 1024);
}

static size_t run_reference(const void *ctx, const glob_input *s)
{
    const set_ctx *c = ctx;
    size_t hits = 0;
    for (size_t i = 0; i < c->count; i++) {
        const glob_input *p = &c->patterns[i];
        hits += c->kind == GLOB_KIND_ACTION
                    ? glob_match_action_reference(p->text, p->len, s->text, s->len)
                    : glob_match_resource_reference(p->text, p->len, s->text, s->len);
    }
    return hits;
}

/* A concrete ARN from a pattern: each '*' or '?' becomes 'x'. */
static char *concrete(const glob_input *in)
{
    char *s = keep_alloc(in->len + 1);
    for (size_t i = 0; i < in->len; i++)
        s[i] = (in->text[i] == '*' || in->text[i] == '?') ? 'x' : in->text[i];
    s[in->len] = '\0';
    return s;
}

/* Keeps the first `keep` subjects (after a shuffle) in one contiguous
 * buffer, as a request's strings would be: the figure is the matcher's,
 * not the memory system's. */
static void compact(list *l, size_t keep)
{
    shuffle(l->items, l->n);
    if (l->n > keep)
        l->n = keep;
    size_t total = 0;
    for (size_t i = 0; i < l->n; i++)
        total += l->items[i].len;
    char *buf = keep_alloc(total + 1), *at = buf;
    for (size_t i = 0; i < l->n; i++) {
        memcpy(at, l->items[i].text, l->items[i].len);
        l->items[i].text = at;
        at += l->items[i].len;
    }
}

/* ---- the corpus's patterns and subjects, loaded once ---- */

typedef struct glob_corpus {
    list actions, resources;            /* patterns, owner = statement */
    list action_subjects, resource_subjects;
    uint32_t owner_count;
} glob_corpus;

static glob_corpus corpus;

static void collect_patterns(glob_corpus *g, const iam_policy *p, uint32_t *owner)
{
    for (uint32_t s = 0; s < p->statement_count; s++, (*owner)++) {
        const iam_statement *st = &p->statements[s];
        for (uint32_t a = 0; a < st->actions.count; a++)
            add(&g->actions, st->actions.items[a].text.ptr, st->actions.items[a].text.len, *owner);
        for (uint32_t r = 0; r < st->resources.count; r++)
            if (!memchr(st->resources.items[r].text.ptr, '$', st->resources.items[r].text.len))
                add(&g->resources, st->resources.items[r].text.ptr, st->resources.items[r].text.len, *owner);
    }
}

static const char *glob_corpus_load(glob_corpus *g)
{
    size_t n = 0;
    corpus_policy *docs = corpus_load(&n);
    if (docs == NULL)
        return "corpus/aws-managed-policies.jsonl is missing";
    iam_parser *parser;
    iam_parser_create(&parser);
    size_t cap = (size_t)1 << 30;
    unsigned char *memory = keep_aligned(cap);
    iam_arena arena;
    iam_arena_init(&arena, memory, cap / 4);
    for (size_t i = 0; i < n; i++) {
        const iam_policy *p;
        if (iam_policy_parse(parser, &arena, docs[i].doc, docs[i].doc_len, NULL, &p, NULL) == IAM_OK)
            collect_patterns(g, p, &g->owner_count);
    }
    iam_parser_destroy(parser);
    corpus_free(docs); /* the patterns point into the arena's copies */
    for (size_t i = 0; i < g->actions.n; i++)
        if (!has_wildcard(&g->actions.items[i]) && memchr(g->actions.items[i].text, ':', g->actions.items[i].len))
            add(&g->action_subjects, g->actions.items[i].text, g->actions.items[i].len, 0);
    for (size_t i = 0; i < g->resources.n; i += 3) {
        char *arn = concrete(&g->resources.items[i]);
        add(&g->resource_subjects, arn, strlen(arn), 0);
    }
    compact(&g->action_subjects, 4096);
    compact(&g->resource_subjects, 4096);
    shuffle(g->actions.items, g->actions.n);
    shuffle(g->resources.items, g->resources.n);
    return NULL;
}

/* One benchmark: a set of the first `size` patterns (0: all) of a kind. */
typedef struct glob_bench {
    glob_kind kind;
    size_t size;
    set_ctx ctx;
    iam_arena arena;
    const list *subjects;
} glob_bench;

static const char *glob_setup(void *arg)
{
    glob_bench *b = arg;
    if (corpus.owner_count == 0) {
        const char *error = glob_corpus_load(&corpus);
        if (error != NULL)
            return error;
    }
    if (b->ctx.set != NULL)
        return NULL;
    const list *patterns = b->kind == GLOB_KIND_ACTION ? &corpus.actions : &corpus.resources;
    b->subjects = b->kind == GLOB_KIND_ACTION ? &corpus.action_subjects : &corpus.resource_subjects;
    size_t n = b->size && b->size < patterns->n ? b->size : patterns->n;
    b->ctx.kind = b->kind;
    b->ctx.patterns = patterns->items;
    b->ctx.count = n;
    /* Each set has its own arena: the automaton and its reference baseline
     * run one after the other on the same set, compiled here, untimed. */
    size_t cap = (size_t)1 << 30;
    iam_arena_init(&b->arena, keep_aligned(cap), cap);
    if (glob_set_compile(&b->arena, b->kind, b->ctx.patterns, n, corpus.owner_count, &b->ctx.set) !=
        IAM_OK)
        return "the pattern set does not compile";
    return NULL;
}

static void glob_report(bench_state *state, glob_bench *b)
{
    bench_set_items_processed(state, state->iterations);
    bench_set_counter(state, "patterns", (double)b->ctx.count, BENCH_COUNTER_PLAIN);
    if (b->ctx.set != NULL) {
        glob_stats st;
        glob_set_stats(b->ctx.set, &st);
        bench_set_counter(state, "arena_bytes", (double)st.bytes, BENCH_COUNTER_PLAIN);
    }
}

static void bm_automaton(bench_state *state, void *arg)
{
    glob_bench *b = arg;
    size_t hits = 0, at = 0;
    for (uint64_t i = 0; i < state->iterations; i++) {
        hits += run_automaton(&b->ctx, &b->subjects->items[at]);
        if (++at == b->subjects->n)
            at = 0;
    }
    bench_do_not_optimize_u64(hits);
    glob_report(state, b);
}

static void bm_glob_reference(bench_state *state, void *arg)
{
    glob_bench *b = arg;
    size_t hits = 0, at = 0;
    for (uint64_t i = 0; i < state->iterations; i++) {
        hits += run_reference(&b->ctx, &b->subjects->items[at]);
        if (++at == b->subjects->n)
            at = 0;
    }
    bench_do_not_optimize_u64(hits);
    bench_set_items_processed(state, state->iterations);
    bench_set_counter(state, "patterns", (double)b->ctx.count, BENCH_COUNTER_PLAIN);
}

static void add_pair(bench_registry *registry, glob_kind kind, size_t size)
{
    glob_bench *b = keep_calloc(1, sizeof *b);
    b->kind = kind;
    b->size = size;
    const char *what = kind == GLOB_KIND_ACTION ? "action" : "resource";
    char name[64];
    char *reference = keep_alloc(BENCH_NAME_MAX);
    if (size)
        snprintf(name, sizeof name, "glob/%s/patterns:%zu", what, size);
    else
        snprintf(name, sizeof name, "glob/%s/patterns:corpus", what);
    snprintf(reference, BENCH_NAME_MAX, "%s/reference", name);
    bench_def *fast = bench_register(registry, name, bm_automaton, b);
    bench_def *slow = bench_register(registry, reference, bm_glob_reference, b);
    if (fast == NULL || slow == NULL)
        return;
    fast->setup = slow->setup = glob_setup;
    fast->baseline = reference;
}

void register_glob_benchmarks(bench_registry *registry)
{
    static const size_t sizes[] = {1, 10, 100, 1000, 10000, 0};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        add_pair(registry, GLOB_KIND_ACTION, sizes[i]);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        add_pair(registry, GLOB_KIND_RESOURCE, sizes[i]);
}
