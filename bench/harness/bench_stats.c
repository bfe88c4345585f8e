/* Aggregates over repetitions: mean, median, stddev and cv. */
#include "bench_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *bench_aggregate_name(bench_aggregate_kind kind)
{
    static const char *const names[BENCH_AGG_COUNT] = {"mean", "median", "stddev", "cv"};
    return (unsigned)kind < BENCH_AGG_COUNT ? names[kind] : "?";
}

static double mean_of(const double *values, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += values[i];
    return sum / (double)n;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(const double *values, size_t n)
{
    double *sorted = malloc(n * sizeof *sorted);
    if (sorted == NULL)
        return (double)NAN;
    memcpy(sorted, values, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    free(sorted);
    return median;
}

/* The sample standard deviation (divides by n - 1), two-pass for accuracy. */
static double stddev_of(const double *values, size_t n)
{
    if (n < 2)
        return 0.0;
    double mean = mean_of(values, n), squares = 0.0;
    for (size_t i = 0; i < n; i++)
        squares += (values[i] - mean) * (values[i] - mean);
    return sqrt(squares / (double)(n - 1));
}

double bench_statistic(bench_aggregate_kind kind, const double *values, size_t n)
{
    if (n == 0)
        return 0.0;
    switch (kind) {
    case BENCH_AGG_MEAN:
        return mean_of(values, n);
    case BENCH_AGG_MEDIAN:
        return median_of(values, n);
    case BENCH_AGG_STDDEV:
        return stddev_of(values, n);
    case BENCH_AGG_CV: {
        double mean = mean_of(values, n);
        return mean == 0.0 ? 0.0 : stddev_of(values, n) / mean;
    }
    case BENCH_AGG_COUNT:
        break;
    }
    return 0.0;
}

static const bench_run *first_successful(const bench_run *runs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!runs[i].error_occurred)
            return &runs[i];
    }
    return NULL;
}

static size_t count_successful(const bench_run *runs, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += !runs[i].error_occurred;
    return count;
}

/* As libbenchmark, aggregates carry the label only when every run has it. */
static bool labels_agree(const bench_run *runs, size_t n, const bench_run *first)
{
    for (size_t i = 0; i < n; i++) {
        if (!runs[i].error_occurred && strcmp(runs[i].label, first->label) != 0)
            return false;
    }
    return true;
}

const bench_metric *bench_find_metric(const bench_run *run, const char *name)
{
    for (int i = 0; i < run->metric_count; i++) {
        if (strcmp(run->metrics[i].name, name) == 0)
            return &run->metrics[i];
    }
    return NULL;
}

/* The values of one quantity over the successful runs: the CPU or real
 * time when metric is NULL, else that metric where a run has it. */
static size_t gather(const bench_run *runs, size_t n, const char *metric, bool cpu,
                     double *values)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (runs[i].error_occurred)
            continue;
        if (metric == NULL) {
            values[count++] = cpu ? runs[i].cpu_time : runs[i].real_time;
        } else {
            const bench_metric *m = bench_find_metric(&runs[i], metric);
            if (m != NULL)
                values[count++] = m->value;
        }
    }
    return count;
}

static void init_aggregate_row(const bench_run *first, bench_aggregate_kind kind,
                               size_t run_count, bool keep_label, bench_run *row)
{
    *row = *first; /* def, family, repetitions and the metrics' names and kinds */
    row->type = BENCH_RUN_AGGREGATE;
    row->aggregate = kind;
    row->repetition_index = 0;
    row->iterations = run_count;
    row->error_occurred = false;
    row->error_message[0] = '\0';
    if (!keep_label)
        row->label[0] = '\0';
}

size_t bench_compute_aggregates(const bench_run *runs, size_t n, bench_run *out)
{
    const bench_run *first = first_successful(runs, n);
    size_t ok = count_successful(runs, n);
    if (ok < 2)
        return 0;
    double *values = malloc(n * sizeof *values);
    if (values == NULL)
        return 0;
    bool keep_label = labels_agree(runs, n, first);
    for (int k = 0; k < BENCH_AGG_COUNT; k++)
        init_aggregate_row(first, (bench_aggregate_kind)k, ok, keep_label, &out[k]);

    size_t m = gather(runs, n, NULL, false, values);
    for (int k = 0; k < BENCH_AGG_COUNT; k++)
        out[k].real_time = bench_statistic((bench_aggregate_kind)k, values, m);
    m = gather(runs, n, NULL, true, values);
    for (int k = 0; k < BENCH_AGG_COUNT; k++)
        out[k].cpu_time = bench_statistic((bench_aggregate_kind)k, values, m);
    for (int i = 0; i < first->metric_count; i++) {
        m = gather(runs, n, first->metrics[i].name, false, values);
        for (int k = 0; k < BENCH_AGG_COUNT; k++)
            out[k].metrics[i].value = bench_statistic((bench_aggregate_kind)k, values, m);
    }
    free(values);
    return BENCH_AGG_COUNT;
}
