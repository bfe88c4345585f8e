/* CSV as libbenchmark's CSVReporter: fixed columns, then one quoted
 * column per user counter. Unlike libbenchmark, the counter columns are
 * the union over every benchmark, so it is written at the end. */
#include "bench_internal.h"

#include <stdlib.h>
#include <string.h>

static const char csv_fixed_header[] =
    "name,iterations,real_time,cpu_time,time_unit,bytes_per_second,items_per_second,label,"
    "error_occurred,error_message";

/* The counters with a column of their own. */
static bool is_fixed_column(const char *name)
{
    return strcmp(name, "bytes_per_second") == 0 || strcmp(name, "items_per_second") == 0;
}

void bench_csv_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

typedef struct name_list {
    const char **names;
    size_t count;
} name_list;

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool has_name(const name_list *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->names[i], name) == 0)
            return true;
    }
    return false;
}

/* Calls fn(run, ctx) for every row the reporter shows, in order. */
static void for_each_shown(const bench_reporter *reporter, const bench_results *results,
                           void (*fn)(const bench_run *run, void *ctx), void *ctx)
{
    for (size_t b = 0; b < results->batch_count; b++) {
        const bench_batch *batch = &results->batches[b];
        size_t rows = batch->iteration_count + batch->aggregate_count;
        for (size_t i = 0; i < rows; i++) {
            if (bench_report_shows(reporter, batch, i))
                fn(&results->runs[batch->first + i], ctx);
        }
    }
}

static void count_metrics(const bench_run *run, void *ctx)
{
    *(size_t *)ctx += (size_t)run->metric_count;
}

static void add_counter_names(const bench_run *run, void *ctx)
{
    name_list *list = ctx;
    for (int i = 0; i < run->metric_count; i++) {
        const char *name = run->metrics[i].name;
        if (!is_fixed_column(name) && !has_name(list, name))
            list->names[list->count++] = name;
    }
}

/* The sorted user counter names of the shown rows; false when out of memory. */
static bool collect_counter_names(const bench_reporter *reporter, const bench_results *results,
                                  name_list *list)
{
    size_t total = 0;
    for_each_shown(reporter, results, count_metrics, &total);
    list->count = 0;
    list->names = malloc((total + 1) * sizeof *list->names);
    if (list->names == NULL)
        return false;
    for_each_shown(reporter, results, add_counter_names, list);
    qsort(list->names, list->count, sizeof *list->names, compare_names);
    return true;
}

static void write_optional_number(FILE *out, const bench_run *run, const char *metric)
{
    const bench_metric *m = bench_find_metric(run, metric);
    if (m != NULL)
        fprintf(out, "%g", m->value);
}

typedef struct row_context {
    FILE *out;
    const name_list *counters;
} row_context;

static void write_row(const bench_run *run, void *ctx)
{
    const row_context *rc = ctx;
    FILE *out = rc->out;
    char name[BENCH_NAME_MAX + 16];
    bench_run_name(run, name, sizeof name);
    bench_csv_write_string(out, name);
    if (run->error_occurred) {
        fputs(",,,,,,,,true,", out);
        bench_csv_write_string(out, run->error_message);
        for (size_t i = 0; i < rc->counters->count; i++)
            fputc(',', out);
        fputc('\n', out);
        return;
    }
    fprintf(out, ",%llu,%g,%g,%s,", (unsigned long long)run->iterations, run->real_time,
            run->cpu_time, bench_unit_name(run->def->unit));
    write_optional_number(out, run, "bytes_per_second");
    fputc(',', out);
    write_optional_number(out, run, "items_per_second");
    fputc(',', out);
    if (run->label[0] != '\0')
        bench_csv_write_string(out, run->label);
    fputs(",,", out); /* error_occurred, error_message */
    for (size_t i = 0; i < rc->counters->count; i++) {
        fputc(',', out);
        write_optional_number(out, run, rc->counters->names[i]);
    }
    fputc('\n', out);
}

void bench_csv_write(const bench_reporter *reporter, const bench_results *results)
{
    name_list counters;
    if (!collect_counter_names(reporter, results, &counters)) {
        fprintf(stderr, "bench: out of memory writing CSV\n");
        return;
    }
    fputs(csv_fixed_header, reporter->out);
    for (size_t i = 0; i < counters.count; i++) {
        fputc(',', reporter->out);
        bench_csv_write_string(reporter->out, counters.names[i]);
    }
    fputc('\n', reporter->out);
    row_context rc = {reporter->out, &counters};
    for_each_shown(reporter, results, write_row, &rc);
    free(counters.names);
}
