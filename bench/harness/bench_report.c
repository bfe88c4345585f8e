/* Reporting common to the formats: which rows are shown, the dispatch to
 * the console, JSON and CSV writers, and the in-run baseline ratios. */
#include "bench_internal.h"

#include <string.h>

bool bench_report_shows(const bench_reporter *reporter, const bench_batch *batch,
                        size_t index_in_batch)
{
    bool is_aggregate = index_in_batch >= batch->iteration_count;
    /* With no aggregates (one repetition, or failures) the runs are shown
     * even when only aggregates were asked for, as libbenchmark does. */
    return is_aggregate || !reporter->aggregates_only || batch->aggregate_count == 0;
}

void bench_run_name(const bench_run *run, char *buf, size_t cap)
{
    if (run->type == BENCH_RUN_AGGREGATE)
        snprintf(buf, cap, "%s_%s", run->def->name, bench_aggregate_name(run->aggregate));
    else
        snprintf(buf, cap, "%s", run->def->name);
}

void bench_report_begin(bench_reporter *reporter)
{
    if (reporter->format == BENCH_FORMAT_CONSOLE)
        bench_console_context(reporter->err, reporter->context);
    else if (reporter->format == BENCH_FORMAT_JSON)
        bench_json_begin(reporter);
}

void bench_report_batch(bench_reporter *reporter, const bench_results *results,
                        const bench_batch *batch)
{
    if (reporter->format == BENCH_FORMAT_CSV)
        return; /* written whole by bench_report_end */
    size_t rows = batch->iteration_count + batch->aggregate_count;
    for (size_t i = 0; i < rows; i++) {
        if (!bench_report_shows(reporter, batch, i))
            continue;
        const bench_run *run = &results->runs[batch->first + i];
        if (reporter->format == BENCH_FORMAT_CONSOLE)
            bench_console_run(reporter, run);
        else
            bench_json_run(reporter, run);
    }
    fflush(reporter->out); /* progress shows while the next one runs */
}

void bench_report_end(bench_reporter *reporter, const bench_results *results)
{
    if (reporter->format == BENCH_FORMAT_JSON)
        bench_json_end(reporter);
    else if (reporter->format == BENCH_FORMAT_CSV)
        bench_csv_write(reporter, results);
    fflush(reporter->out);
}

/* ---- in-run baselines ---------------------------------------------------- */

static const bench_batch *find_batch(const bench_results *results, const char *name)
{
    for (size_t i = 0; i < results->batch_count; i++) {
        const bench_batch *batch = &results->batches[i];
        if (strcmp(results->runs[batch->first].def->name, name) == 0)
            return batch;
    }
    return NULL;
}

/* The row that stands for a benchmark's CPU time: the median over the
 * repetitions when there are aggregates, else repetition 0. NULL if that
 * run failed. */
static const bench_run *representative_run(const bench_results *results,
                                           const bench_batch *batch)
{
    const bench_run *runs = &results->runs[batch->first];
    const bench_run *run = batch->aggregate_count > 0
                               ? &runs[batch->iteration_count + BENCH_AGG_MEDIAN]
                               : &runs[0];
    return run->error_occurred ? NULL : run;
}

typedef struct baseline_pair {
    const bench_run *run;
    const bench_run *baseline;
} baseline_pair;

/* The pair for batch, if it names a baseline and both ran. */
static bool baseline_pair_of(const bench_results *results, const bench_batch *batch,
                             baseline_pair *pair)
{
    const bench_def *def = results->runs[batch->first].def;
    if (def->baseline == NULL)
        return false;
    const bench_batch *base = find_batch(results, def->baseline);
    if (base == NULL)
        return false;
    pair->run = representative_run(results, batch);
    pair->baseline = representative_run(results, base);
    return pair->run != NULL && pair->baseline != NULL;
}

static void print_dashes(FILE *out, int count)
{
    for (int i = 0; i < count; i++)
        fputc('-', out);
    fputc('\n', out);
}

static void print_time_cell(FILE *out, const bench_run *run)
{
    char time[40];
    bench_format_time(run->cpu_time, time, sizeof time);
    fprintf(out, " %s %-2s", time, bench_unit_name(run->def->unit));
}

static void print_ratio_row(FILE *out, const baseline_pair *pair, int name_width,
                            int base_width)
{
    double cpu = pair->run->cpu_time * bench_unit_seconds(pair->run->def->unit);
    double base_cpu = pair->baseline->cpu_time * bench_unit_seconds(pair->baseline->def->unit);
    fprintf(out, "%-*s vs %-*s", name_width, pair->run->def->name, base_width,
            pair->baseline->def->name);
    print_time_cell(out, pair->run);
    print_time_cell(out, pair->baseline);
    if (cpu > 0.0)
        fprintf(out, " %9.*fx\n", base_cpu / cpu < 10.0 ? 2 : 1, base_cpu / cpu);
    else
        fprintf(out, " %10s\n", "-");
}

void bench_report_baselines(FILE *out, const bench_results *results)
{
    int name_width = (int)strlen("Benchmark"), base_width = (int)strlen("Baseline");
    size_t pairs = 0;
    baseline_pair pair;
    for (size_t i = 0; i < results->batch_count; i++) {
        if (!baseline_pair_of(results, &results->batches[i], &pair))
            continue;
        pairs++;
        if ((int)strlen(pair.run->def->name) > name_width)
            name_width = (int)strlen(pair.run->def->name);
        if ((int)strlen(pair.baseline->def->name) > base_width)
            base_width = (int)strlen(pair.baseline->def->name);
    }
    if (pairs == 0)
        return;
    char header[512];
    int len = snprintf(header, sizeof header, "%-*s    %-*s %13s %13s %10s", name_width,
                       "Benchmark", base_width, "Baseline", "CPU", "Baseline CPU", "Speedup");
    fprintf(out, "\nRatio against in-run baselines (baseline CPU time / CPU time)\n");
    print_dashes(out, len);
    fprintf(out, "%s\n", header);
    print_dashes(out, len);
    for (size_t i = 0; i < results->batch_count; i++) {
        if (baseline_pair_of(results, &results->batches[i], &pair))
            print_ratio_row(out, &pair, name_width, base_width);
    }
    fflush(out);
}
