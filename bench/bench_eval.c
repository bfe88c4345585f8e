/*
 * bench_eval.c — the eval/... benchmarks: decisions per second of iam_eval
 * over each workload's request stream (workloads.h), and the same stream
 * through the reference evaluator (tests/reference) as the in-run
 * baseline, registered as "<name>/reference".
 */
#include "benchmarks.h"
#include "keep.h"
#include "ref_eval.h"
#include "workloads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct eval_bench {
    const char *name;            /* the workload's */
    const workload *w;           /* set by the setup */
} eval_bench;

static const char *eval_setup(void *arg)
{
    eval_bench *b = arg;
    return workload_get(b->name, &b->w);
}

static void describe(bench_state *state, const workload *w)
{
    char label[BENCH_LABEL_MAX];
    snprintf(label, sizeof label, "%zu requests: %zu allow, %zu explicit deny, %zu implicit deny",
             w->request_count, w->allow, w->explicit_deny, w->implicit_deny);
    bench_set_label(state, label);
    bench_set_counter(state, "statements", (double)w->statement_count, BENCH_COUNTER_PLAIN);
    bench_set_counter(state, "arena_bytes_per_statement",
                      w->statement_count ? (double)w->arena_bytes / (double)w->statement_count : 0,
                      BENCH_COUNTER_PLAIN);
}

/* One decision per iteration, the stream replayed in order. The count of
 * allows is "used" so that no call can be dropped. */
static void bm_eval(bench_state *state, void *arg)
{
    const workload *w = ((eval_bench *)arg)->w;
    const workload_request *r = w->requests, *end = w->requests + w->request_count;
    uint64_t allowed = 0;
    for (uint64_t i = 0; i < state->iterations; i++) {
        allowed += iam_eval(w->sets[r->set].set, &r->request, NULL) == IAM_ALLOW;
        if (++r == end)
            r = w->requests;
    }
    bench_do_not_optimize_u64(allowed);
    bench_set_items_processed(state, state->iterations);
    describe(state, w);
}

static void bm_reference(bench_state *state, void *arg)
{
    const workload *w = ((eval_bench *)arg)->w;
    const workload_request *r = w->requests, *end = w->requests + w->request_count;
    uint64_t allowed = 0;
    for (uint64_t i = 0; i < state->iterations; i++) {
        const workload_set *s = &w->sets[r->set];
        allowed += ref_eval(s->inputs, s->input_count, &r->request) == IAM_ALLOW;
        if (++r == end)
            r = w->requests;
    }
    bench_do_not_optimize_u64(allowed);
    bench_set_items_processed(state, state->iterations);
    describe(state, w);
}

void register_eval_benchmarks(bench_registry *registry)
{
    for (size_t i = 0; workload_names[i] != NULL; i++) {
        eval_bench *b = keep_calloc(1, sizeof *b);
        b->name = workload_names[i];
        char *reference = keep_alloc(strlen(b->name) + sizeof "/reference");
        sprintf(reference, "%s/reference", b->name);
        bench_def *fast = bench_register(registry, b->name, bm_eval, b);
        bench_def *slow = bench_register(registry, reference, bm_reference, b);
        if (fast == NULL || slow == NULL)
            return;
        fast->setup = eval_setup;
        fast->baseline = reference; /* kept for the process's life */
        slow->setup = eval_setup;
    }
}
