/* Running one benchmark: setup, calibration, repetitions, aggregates. */
#include "bench_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One timed call of the body and what it reported. */
typedef struct measurement {
    uint64_t iterations;
    double real_seconds;
    double cpu_seconds;
    bench_state state;
} measurement;

static double now_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void time_body(const bench_def *def, uint64_t iterations, measurement *m)
{
    memset(&m->state, 0, sizeof m->state);
    m->state.iterations = iterations;
    m->iterations = iterations;
    double real_start = now_seconds(CLOCK_MONOTONIC);
    double cpu_start = now_seconds(CLOCK_PROCESS_CPUTIME_ID);
    def->body(&m->state, def->arg);
    m->cpu_seconds = now_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    m->real_seconds = now_seconds(CLOCK_MONOTONIC) - real_start;
}

/* Repetition 0: a fixed count, or doubling from 1 until one call lasts
 * min_time of wall clock (or reaches the cap, or fails). */
static void run_first_repetition(const bench_def *def, const bench_flags *flags, measurement *m)
{
    if (flags->fixed_iterations != 0) {
        time_body(def, flags->fixed_iterations, m);
        return;
    }
    uint64_t iterations = 1;
    for (;;) {
        time_body(def, iterations, m);
        if (m->state.error_occurred || m->real_seconds >= flags->min_time ||
            iterations >= BENCH_MAX_ITERATIONS)
            return;
        iterations = iterations * 2 < BENCH_MAX_ITERATIONS ? iterations * 2 : BENCH_MAX_ITERATIONS;
    }
}

double bench_unit_seconds(bench_time_unit unit)
{
    switch (unit) {
    case BENCH_NS:
        return 1e-9;
    case BENCH_US:
        return 1e-6;
    case BENCH_MS:
        return 1e-3;
    case BENCH_S:
        return 1.0;
    }
    return 1e-9;
}

const char *bench_unit_name(bench_time_unit unit)
{
    switch (unit) {
    case BENCH_NS:
        return "ns";
    case BENCH_US:
        return "us";
    case BENCH_MS:
        return "ms";
    case BENCH_S:
        return "s";
    }
    return "ns";
}

/* Adds a metric, or replaces one of the same name. */
static void put_metric(bench_run *run, const char *name, double value, bool per_second,
                       bool binary_prefix)
{
    bench_metric *metric = NULL;
    for (int i = 0; i < run->metric_count && metric == NULL; i++) {
        if (strcmp(run->metrics[i].name, name) == 0)
            metric = &run->metrics[i];
    }
    if (metric == NULL) {
        if (run->metric_count == BENCH_MAX_METRICS)
            return;
        metric = &run->metrics[run->metric_count++];
        snprintf(metric->name, sizeof metric->name, "%s", name);
    }
    metric->value = value;
    metric->per_second = per_second;
    metric->binary_prefix = binary_prefix;
}

static int compare_metrics(const void *a, const void *b)
{
    return strcmp(((const bench_metric *)a)->name, ((const bench_metric *)b)->name);
}

/* A rate over CPU time; 0 rather than infinity for a run too short to
 * register CPU time. */
static double per_cpu_second(double value, double cpu_seconds)
{
    return cpu_seconds > 0.0 ? value / cpu_seconds : 0.0;
}

void bench_collect_metrics(const bench_state *state, uint64_t iterations, double cpu_seconds,
                           bench_run *run)
{
    run->metric_count = 0;
    for (int i = 0; i < state->counter_count; i++) {
        const bench_counter *c = &state->counters[i];
        double value = c->value;
        if (c->kind == BENCH_COUNTER_RATE)
            value = per_cpu_second(c->value, cpu_seconds);
        else if (c->kind == BENCH_COUNTER_AVG_ITERATIONS)
            value = iterations > 0 ? c->value / (double)iterations : 0.0;
        put_metric(run, c->name, value, c->kind == BENCH_COUNTER_RATE, false);
    }
    /* As in libbenchmark these two are counters too, and win over a user
     * counter of the same name. */
    if (state->bytes_processed != 0)
        put_metric(run, "bytes_per_second",
                   per_cpu_second((double)state->bytes_processed, cpu_seconds), true, true);
    if (state->items_processed != 0)
        put_metric(run, "items_per_second",
                   per_cpu_second((double)state->items_processed, cpu_seconds), true, false);
    /* libbenchmark keeps counters in a std::map: reports list them sorted. */
    qsort(run->metrics, (size_t)run->metric_count, sizeof run->metrics[0], compare_metrics);
}

static void init_row(const bench_def *def, size_t family_index, const bench_flags *flags,
                     int repetition_index, bench_run *row)
{
    memset(row, 0, sizeof *row);
    row->def = def;
    row->family_index = family_index;
    row->type = BENCH_RUN_ITERATION;
    row->repetitions = flags->repetitions;
    row->repetition_index = repetition_index;
}

static void set_error(bench_run *row, const char *message)
{
    row->error_occurred = true;
    snprintf(row->error_message, sizeof row->error_message, "%s", message);
}

static void fill_row(const measurement *m, bench_run *row)
{
    row->iterations = m->iterations;
    if (m->state.error_occurred) { /* times stay 0, as libbenchmark reports them */
        set_error(row, m->state.error_message);
        return;
    }
    double scale = (double)m->iterations * bench_unit_seconds(row->def->unit);
    row->real_time = m->real_seconds / scale;
    row->cpu_time = m->cpu_seconds / scale;
    bench_collect_metrics(&m->state, m->iterations, m->cpu_seconds, row);
    memcpy(row->label, m->state.label, sizeof row->label);
}

static bool reserve_runs(bench_results *results, size_t extra)
{
    if (results->run_count + extra <= results->run_cap)
        return true;
    size_t cap = results->run_cap == 0 ? 16 : results->run_cap;
    while (cap < results->run_count + extra)
        cap *= 2;
    bench_run *runs = realloc(results->runs, cap * sizeof *runs);
    if (runs == NULL)
        return false;
    results->runs = runs;
    results->run_cap = cap;
    return true;
}

static bench_run *append_row(bench_results *results)
{
    return reserve_runs(results, 1) ? &results->runs[results->run_count++] : NULL;
}

static bool append_batch(bench_results *results, const bench_batch *batch)
{
    if (results->batch_count == results->batch_cap) {
        size_t cap = results->batch_cap == 0 ? 16 : results->batch_cap * 2;
        bench_batch *batches = realloc(results->batches, cap * sizeof *batches);
        if (batches == NULL)
            return false;
        results->batches = batches;
        results->batch_cap = cap;
    }
    results->batches[results->batch_count++] = *batch;
    return true;
}

/* Repetition 0 (calibrated) then the others at its iteration count; a
 * failed run ends the benchmark. Appends one row per run. */
static bool run_repetitions(const bench_def *def, size_t family_index, const bench_flags *flags,
                            bench_results *results, size_t *row_count)
{
    measurement m;
    run_first_repetition(def, flags, &m);
    for (int rep = 0; rep < flags->repetitions; rep++) {
        if (rep > 0)
            time_body(def, m.iterations, &m);
        bench_run *row = append_row(results);
        if (row == NULL)
            return false;
        init_row(def, family_index, flags, rep, row);
        fill_row(&m, row);
        (*row_count)++;
        if (m.state.error_occurred)
            break;
    }
    return true;
}

static bool append_setup_error(const bench_def *def, size_t family_index,
                               const bench_flags *flags, const char *message,
                               bench_results *results)
{
    bench_run *row = append_row(results);
    if (row == NULL)
        return false;
    init_row(def, family_index, flags, 0, row);
    set_error(row, message);
    return true;
}

bool bench_run_benchmark(const bench_def *def, size_t family_index, const bench_flags *flags,
                         bench_results *results)
{
    bench_batch batch = {results->run_count, 0, 0};
    const char *setup_error = def->setup != NULL ? def->setup(def->arg) : NULL;
    if (setup_error != NULL) {
        if (!append_setup_error(def, family_index, flags, setup_error, results))
            return false;
        batch.iteration_count = 1;
    } else if (!run_repetitions(def, family_index, flags, results, &batch.iteration_count)) {
        return false;
    }
    if (!reserve_runs(results, BENCH_AGG_COUNT))
        return false;
    batch.aggregate_count = bench_compute_aggregates(&results->runs[batch.first],
                                                     batch.iteration_count,
                                                     &results->runs[results->run_count]);
    results->run_count += batch.aggregate_count;
    for (size_t i = 0; i < batch.iteration_count; i++)
        results->any_error |= results->runs[batch.first + i].error_occurred;
    return append_batch(results, &batch);
}
