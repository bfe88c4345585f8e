/*
 * workloads.h — the request streams the eval benchmarks replay: policies
 * (Chime managed policies, real corpus statements, condition and variable
 * policies), a compiled set, and requests with their context. Each stream
 * is built once, untimed, and checked before it is timed: the compiled
 * evaluator and the reference evaluator (tests/reference) must agree on
 * every request, and the stream must hold the decisions its name promises
 * (all Allow for ".../allow", and so on).
 *
 * `iamgate_bench --dump-workload=NAME` prints a stream as JSON for
 * bench/peers/, which replays it through another evaluator.
 */
#ifndef IAMGATE_BENCH_WORKLOADS_H
#define IAMGATE_BENCH_WORKLOADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "iamgate.h"

/* One principal's policies, compiled. */
typedef struct workload_set {
    iam_policy_input *inputs;
    size_t input_count;
    const iam_policy_set *set;
} workload_set;

typedef struct workload_request {
    iam_request request;
    uint32_t set;               /* which workload_set decides it */
    iam_decision expected;      /* the reference evaluator's decision */
} workload_request;

typedef struct workload {
    const char *name;           /* the benchmark's name, e.g. "eval/chime-managed-3/mix" */
    workload_set *sets;
    size_t set_count;
    workload_request *requests;
    size_t request_count;
    size_t statement_count;     /* over all sets */
    size_t arena_bytes;         /* of the compiled sets */
    size_t allow, explicit_deny, implicit_deny; /* expected decisions */
} workload;

/* The names of the eval workloads, NULL-terminated, in benchmark order. */
extern const char *const workload_names[];

/* Builds (once; later calls return the same stream) the named workload.
 * NULL on success, else a message (unknown name, data missing, the two
 * evaluators disagree, a stream without the decisions it promises). */
const char *workload_get(const char *name, const workload **out);

/* Writes {"name", "policies": [{name, kind, document}], "requests":
 * [{action, resource, principal, context}], "decisions": [...]} (sets
 * beyond the first are written as "set" indexes with "policy_sets"). */
void workload_dump(const workload *w, FILE *out);

#endif /* IAMGATE_BENCH_WORKLOADS_H */
