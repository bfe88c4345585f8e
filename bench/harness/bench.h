/*
 * bench.h — a small C benchmark harness that speaks Google Benchmark's
 * language: its command-line flags, its console table, its JSON (the
 * schema of libbenchmark 1.7.1, so that its tools/compare.py compares two
 * of our runs) and its CSV.
 *
 * A benchmark is a name and a body. The body runs its loop
 * state->iterations times; the harness times the whole call (wall clock
 * and process CPU time), so per-benchmark setup belongs in the optional
 * setup callback, which runs untimed once before the benchmark's first
 * run and only when the filter selects it.
 *
 *     static void bm_eval(bench_state *state, void *arg)
 *     {
 *         const workload *w = arg;
 *         for (uint64_t i = 0; i < state->iterations; i++)
 *             bench_do_not_optimize_u64(iam_eval(w->set, &w->requests[i % w->n], NULL));
 *         bench_set_items_processed(state, state->iterations);
 *     }
 *     bench_register(&registry, "eval/x", bm_eval, &w)->setup = load_x;
 *
 * Iterations calibrate by doubling from 1 until one run lasts
 * --benchmark_min_time; that run is the first repetition and later
 * repetitions reuse its iteration count (as libbenchmark does).
 */
#ifndef IAMGATE_BENCH_HARNESS_BENCH_H
#define IAMGATE_BENCH_HARNESS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- keeping the compiler honest ------------------------------------- */

/* The value is "used": the computation producing it cannot be dropped.
 * (GNU asm with an empty template: the C equivalent of DoNotOptimize.) */
static inline void bench_do_not_optimize_u64(uint64_t value)
{
    __asm__ __volatile__("" : : "r"(value) : "memory");
}

/* The memory at p is "read and written": stores to it cannot be dropped. */
static inline void bench_do_not_optimize_ptr(const void *p)
{
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

/* All pending stores are "observed" (ClobberMemory). */
static inline void bench_clobber_memory(void)
{
    __asm__ __volatile__("" : : : "memory");
}

/* ---- state a body sees ------------------------------------------------ */

#define BENCH_MAX_COUNTERS 8
#define BENCH_NAME_MAX 128
#define BENCH_LABEL_MAX 128

/* How a user counter is reported (libbenchmark's Counter::Flags). */
typedef enum bench_counter_kind {
    BENCH_COUNTER_PLAIN = 0,        /* the value as set                       */
    BENCH_COUNTER_RATE,             /* value / CPU seconds of the run         */
    BENCH_COUNTER_AVG_ITERATIONS    /* value / iterations                     */
} bench_counter_kind;

typedef struct bench_counter {
    char name[32];
    double value;
    bench_counter_kind kind;
} bench_counter;

typedef struct bench_state {
    uint64_t iterations;            /* read-only for the body: run this many */
    /* set by the body (through the functions below) */
    uint64_t items_processed;       /* reported as items_per_second         */
    uint64_t bytes_processed;       /* reported as bytes_per_second         */
    bench_counter counters[BENCH_MAX_COUNTERS];
    int counter_count;
    char label[BENCH_LABEL_MAX];
    bool error_occurred;
    char error_message[BENCH_LABEL_MAX];
} bench_state;

void bench_set_items_processed(bench_state *state, uint64_t items);
void bench_set_bytes_processed(bench_state *state, uint64_t bytes);
/* Adds or replaces a user counter ("arena_bytes_per_statement"). A name of
 * 32 bytes or more, or more than BENCH_MAX_COUNTERS counters, fails the run
 * (bench_skip_with_error) rather than losing the value. */
void bench_set_counter(bench_state *state, const char *name, double value,
                       bench_counter_kind kind);
void bench_set_label(bench_state *state, const char *label);
/* Marks the run failed: it is reported with error_occurred and the message
 * and not repeated; the process exit status becomes 1. */
void bench_skip_with_error(bench_state *state, const char *message);

/* ---- registration ------------------------------------------------------ */

typedef enum bench_time_unit { BENCH_NS = 0, BENCH_US, BENCH_MS, BENCH_S } bench_time_unit;

typedef void (*bench_body_fn)(bench_state *state, void *arg);
/* Untimed preparation; a non-NULL return is an error message and the
 * benchmark is reported as failed without running. */
typedef const char *(*bench_setup_fn)(void *arg);

typedef struct bench_def {
    char name[BENCH_NAME_MAX];      /* "eval/chime-managed-3/mix"           */
    bench_body_fn body;
    void *arg;
    bench_setup_fn setup;           /* optional                              */
    bench_time_unit unit;           /* BENCH_NS unless set                   */
    /* Optional: the name of the in-run baseline this benchmark is compared
     * with; the console report ends with a table of ratios. */
    const char *baseline;
} bench_def;

typedef struct bench_registry {
    bench_def *defs;
    size_t count, cap;
} bench_registry;

/* Appends a benchmark; the returned entry may be adjusted (setup, unit,
 * baseline) until bench_main runs. NULL when out of memory or when the name
 * does not fit in BENCH_NAME_MAX. The entry lives in registry->defs, which
 * is allocated for 1024 entries and only moves when it grows past that. */
bench_def *bench_register(bench_registry *registry, const char *name, bench_body_fn body,
                          void *arg);

/*
 * Parses Google Benchmark's flags, runs the benchmarks whose names match
 * the filter, reports, frees the registry and returns the exit status
 * (0, or 1 when a benchmark failed, 2 on a bad flag). Flags:
 *   --benchmark_filter=REGEX          POSIX extended, searched in the name;
 *                                     a leading '-' negates; "all" or "."
 *   --benchmark_min_time=SECONDS      (also "2.5s"; "100x" fixes iterations)
 *   --benchmark_repetitions=N
 *   --benchmark_report_aggregates_only[=true|false]
 *   --benchmark_display_aggregates_only[=true|false]
 *   --benchmark_format=console|json|csv
 *   --benchmark_out=FILE  --benchmark_out_format=console|json|csv (json)
 *   --benchmark_list_tests[=true|false]
 *   --benchmark_context=KEY=VALUE     (extra context fields, repeatable)
 *   --help
 */
int bench_main(bench_registry *registry, int argc, char **argv);

#endif /* IAMGATE_BENCH_HARNESS_BENCH_H */
