/*
 * bench_glob.c — matches per second of the compiled glob automaton over
 * sets of 1 … 10,000 real corpus patterns (and the corpus-wide set), with
 * the reference matcher over the same patterns and the same subject stream
 * measured in the same run as the baseline. Subjects are real action names
 * (the exact names of the corpus) and real-shaped ARNs.
 *
 *   bench_glob [--min-time SECONDS]      (a standalone program until the
 *                                         Google-Benchmark-style harness)
 */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"
#include "glob/glob.h"
#include "glob/glob_set.h"

#include <time.h>

static volatile size_t sink; /* keeps the compiler from dropping the work */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct list {
    glob_input *items;
    size_t n, cap;
} list;

static void add(list *l, const char *text, size_t len, uint32_t owner)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4096;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
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

typedef size_t (*run_fn)(const void *ctx, const glob_input *subject);

/* Runs fn over the subjects until min_time passes; nanoseconds per subject. */
static double time_per_subject(run_fn fn, const void *ctx, const list *subjects, double min_time)
{
    size_t done = 0;
    double start = now(), elapsed = 0;
    size_t batch = 1;
    while (elapsed < min_time) {
        for (size_t b = 0; b < batch; b++, done++)
            sink += fn(ctx, &subjects->items[done % subjects->n]);
        elapsed = now() - start;
        batch *= 2; /* calibrate by doubling */
    }
    return elapsed * 1e9 / (double)done;
}

typedef struct set_ctx {
    const glob_set *set;
    glob_kind kind;
    const glob_input *patterns;
    size_t count;
} set_ctx;

/* The automaton's answer: the matching owners as spans of precomputed
 * lists (glob_set_match_spans); the span count goes to the sink. */
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

static uint32_t owner_count;

static void bench_sizes(const char *name, glob_kind kind, const list *patterns,
                        const list *subjects, double min_time, unsigned char *memory, size_t cap)
{
    static const size_t sizes[] = {1, 10, 100, 1000, 10000, 0};
    printf("\n%-22s %8s %6s %8s %11s %9s %12s %9s\n", name, "patterns", "DFAs", "states",
           "ns/match", "M/s", "reference ns", "speedup");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i] ? sizes[i] : patterns->n;
        if (n > patterns->n)
            continue;
        iam_arena arena;
        iam_arena_init(&arena, memory, cap);
        set_ctx ctx = {NULL, kind, patterns->items, n};
        if (glob_set_compile(&arena, kind, patterns->items, n, owner_count, NULL, &ctx.set) != IAM_OK) {
            printf("compile failed at %zu patterns\n", n);
            continue;
        }
        glob_stats st;
        glob_set_stats(ctx.set, &st);
        double fast = time_per_subject(run_automaton, &ctx, subjects, min_time);
        /* The reference is O(patterns) per subject: a shorter window will do. */
        double slow = time_per_subject(run_reference, &ctx, subjects, min_time / 2);
        printf("%-22s %8zu %6u %8u %11.1f %9.1f %12.1f %8.0fx\n", "", n, st.dfas, st.dfa_states,
               fast, 1e3 / fast, slow, slow / fast);
    }
}

/* A concrete ARN from a pattern: each '*' or '?' becomes 'x'. */
static char *concrete(const glob_input *in)
{
    char *s = malloc(in->len + 1);
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
    char *buf = malloc(total + 1), *at = buf;
    for (size_t i = 0; i < l->n; i++) {
        memcpy(at, l->items[i].text, l->items[i].len);
        l->items[i].text = at;
        at += l->items[i].len;
    }
}

int main(int argc, char **argv)
{
    double min_time = 0.5;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--min-time") == 0)
            min_time = atof(argv[i + 1]);
    size_t n = 0;
    corpus_policy *corpus = corpus_load(&n);
    iam_parser *parser;
    iam_parser_create(&parser);
    size_t cap = 1u << 30;
    unsigned char *memory = test_aligned_alloc(cap);
    iam_arena arena;
    iam_arena_init(&arena, memory, cap / 2);
    list actions = {0}, resources = {0}, action_subjects = {0}, resource_subjects = {0};
    uint32_t owner = 0;
    for (size_t i = 0; i < n; i++) {
        const iam_policy *p;
        if (iam_policy_parse(parser, &arena, corpus[i].doc, corpus[i].doc_len, NULL, &p, NULL) != IAM_OK)
            continue;
        for (uint32_t s = 0; s < p->statement_count; s++, owner++) {
            const iam_statement *st = &p->statements[s];
            for (uint32_t a = 0; a < st->actions.count; a++)
                add(&actions, st->actions.items[a].text.ptr, st->actions.items[a].text.len, owner);
            for (uint32_t r = 0; r < st->resources.count; r++)
                if (!memchr(st->resources.items[r].text.ptr, '$', st->resources.items[r].text.len))
                    add(&resources, st->resources.items[r].text.ptr, st->resources.items[r].text.len, owner);
        }
    }
    for (size_t i = 0; i < actions.n; i++)
        if (!has_wildcard(&actions.items[i]) && memchr(actions.items[i].text, ':', actions.items[i].len))
            add(&action_subjects, actions.items[i].text, actions.items[i].len, 0);
    for (size_t i = 0; i < resources.n; i += 3) {
        char *arn = concrete(&resources.items[i]);
        add(&resource_subjects, arn, strlen(arn), 0);
    }
    owner_count = owner;
    list action_subjects_all = action_subjects;
    action_subjects_all.items = malloc(action_subjects.n * sizeof *action_subjects.items);
    memcpy(action_subjects_all.items, action_subjects.items, action_subjects.n * sizeof *action_subjects.items);
    compact(&action_subjects, 4096);
    compact(&resource_subjects, 4096);
    shuffle(actions.items, actions.n);
    shuffle(resources.items, resources.n);
    shuffle(action_subjects.items, action_subjects.n);
    shuffle(resource_subjects.items, resource_subjects.n);
    printf("corpus: %zu action patterns, %zu resource patterns; subjects: %zu action names, %zu ARNs\n",
           actions.n, resources.n, action_subjects.n, resource_subjects.n);
    printf("one thread, min time %.2f s per figure; the last row is the whole corpus\n", min_time);
    unsigned char *sets = memory + arena.used + 4096;
    size_t sets_cap = cap - arena.used - 4096;
    bench_sizes("glob/action", GLOB_KIND_ACTION, &actions, &action_subjects, min_time, sets, sets_cap);
    list chime = {0};
    for (size_t i = 0; i < action_subjects_all.n; i++)
        if (action_subjects_all.items[i].len > 6 && memcmp(action_subjects_all.items[i].text, "chime:", 6) == 0)
            add(&chime, action_subjects_all.items[i].text, action_subjects_all.items[i].len, 0);
    compact(&chime, 4096);
    printf("\nthe same sets, subjects: the %zu chime: action names of the corpus (one service's stream)", chime.n);
    bench_sizes("glob/action-chime", GLOB_KIND_ACTION, &actions, &chime, min_time, sets, sets_cap);
    bench_sizes("glob/resource", GLOB_KIND_RESOURCE, &resources, &resource_subjects, min_time, sets, sets_cap);
    iam_parser_destroy(parser);
    corpus_free(corpus);
    return 0;
}
