/*
 * bench_corpus.c — parse/corpus, compile/corpus and parse-compile/corpus:
 * bytes per second over the documents of all 1,594 AWS managed policies
 * (corpus/aws-managed-policies.jsonl), each policy parsed into a reused
 * arena and compiled into a set of its own, as a gateway loads them. The
 * in-run baseline of parse/corpus is json/corpus: the JSON layer alone
 * (simdjson through our shim) over the same bytes.
 */
#include "benchmarks.h"
#include "keep.h"
#include "json/json.h"
#include "test_util.h"

#include <stdlib.h>

#define PARSE_ARENA_BYTES ((size_t)64 << 20)
#define COMPILE_ARENA_BYTES ((size_t)64 << 20)

typedef struct corpus_bench {
    corpus_policy *docs;
    size_t count;
    size_t bytes;                /* of all documents */
    size_t statements;
    iam_parser *parser;
    json_reader *reader;
    iam_arena parse_arena, compile_arena;
    const iam_policy **parsed;   /* kept for compile/corpus */
    size_t compile_bytes;        /* arena bytes of one compile of everything */
} corpus_bench;

static corpus_bench corpus;

/* Parses every document into the parse arena (reset first); the count of
 * those that parse. */
static size_t parse_all(corpus_bench *c)
{
    iam_arena_reset(&c->parse_arena);
    size_t ok = 0;
    for (size_t i = 0; i < c->count; i++) {
        const iam_policy *p = NULL;
        ok += iam_policy_parse(c->parser, &c->parse_arena, c->docs[i].doc, c->docs[i].doc_len, NULL,
                               &p, NULL) == IAM_OK;
        c->parsed[i] = p;
    }
    return ok;
}

/* Compiles each parsed policy into a set of its own; the count compiled. */
static size_t compile_all(corpus_bench *c)
{
    iam_arena_reset(&c->compile_arena);
    size_t ok = 0;
    for (size_t i = 0; i < c->count; i++) {
        if (c->parsed[i] == NULL)
            continue;
        iam_policy_input in = {c->parsed[i], IAM_POLICY_IDENTITY, 0, {"", 0}};
        const iam_policy_set *set = NULL;
        ok += iam_policy_set_compile(&c->compile_arena, &in, 1, &set, NULL) == IAM_OK;
        bench_do_not_optimize_ptr(set);
    }
    return ok;
}

static const char *corpus_setup(void *arg)
{
    corpus_bench *c = arg;
    if (c->docs != NULL)
        return NULL;
    c->docs = corpus_load(&c->count);
    if (c->docs == NULL || c->count == 0)
        return "corpus/aws-managed-policies.jsonl is missing";
    iam_parser_create(&c->parser);
    c->reader = json_reader_create();
    iam_arena_init(&c->parse_arena, keep_aligned(PARSE_ARENA_BYTES), PARSE_ARENA_BYTES);
    iam_arena_init(&c->compile_arena, keep_aligned(COMPILE_ARENA_BYTES), COMPILE_ARENA_BYTES);
    c->parsed = keep_calloc(c->count, sizeof *c->parsed);
    for (size_t i = 0; i < c->count; i++)
        c->bytes += c->docs[i].doc_len;
    if (parse_all(c) != c->count)
        return "a corpus policy does not parse";
    for (size_t i = 0; i < c->count; i++)
        c->statements += c->parsed[i]->statement_count;
    if (compile_all(c) != c->count)
        return "a corpus policy does not compile";
    c->compile_bytes = iam_arena_used(&c->compile_arena);
    return NULL;
}

static void report(bench_state *state, const corpus_bench *c)
{
    bench_set_bytes_processed(state, state->iterations * c->bytes);
    bench_set_items_processed(state, state->iterations * c->count);
    bench_set_counter(state, "policies", (double)c->count, BENCH_COUNTER_PLAIN);
}

static void bm_json(bench_state *state, void *arg)
{
    corpus_bench *c = arg;
    json_limits limits = {131072, 64, 100000};
    for (uint64_t i = 0; i < state->iterations; i++)
        for (size_t d = 0; d < c->count; d++) {
            json_doc doc;
            json_failure fail;
            json_reader_parse(c->reader, c->docs[d].doc, c->docs[d].doc_len, &limits, &doc, &fail);
            bench_do_not_optimize_u64(doc.count);
        }
    report(state, c);
}

static void bm_parse(bench_state *state, void *arg)
{
    corpus_bench *c = arg;
    for (uint64_t i = 0; i < state->iterations; i++)
        bench_do_not_optimize_u64(parse_all(c));
    report(state, c);
}

static void bm_compile(bench_state *state, void *arg)
{
    corpus_bench *c = arg;
    for (uint64_t i = 0; i < state->iterations; i++)
        bench_do_not_optimize_u64(compile_all(c));
    report(state, c);
    bench_set_counter(state, "arena_bytes_per_statement",
                      (double)c->compile_bytes / (double)c->statements, BENCH_COUNTER_PLAIN);
}

static void bm_parse_compile(bench_state *state, void *arg)
{
    corpus_bench *c = arg;
    for (uint64_t i = 0; i < state->iterations; i++)
        bench_do_not_optimize_u64(parse_all(c) + compile_all(c));
    report(state, c);
}

static void add(bench_registry *registry, const char *name, bench_body_fn body, const char *baseline)
{
    bench_def *d = bench_register(registry, name, body, &corpus);
    if (d == NULL)
        return;
    d->setup = corpus_setup;
    d->unit = BENCH_MS;
    d->baseline = baseline;
}

void register_corpus_benchmarks(bench_registry *registry)
{
    add(registry, "json/corpus", bm_json, NULL);
    add(registry, "parse/corpus", bm_parse, "json/corpus");
    add(registry, "compile/corpus", bm_compile, NULL);
    add(registry, "parse-compile/corpus", bm_parse_compile, NULL);
}
