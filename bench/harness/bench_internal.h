/*
 * bench_internal.h — the harness's internals, shared by its source files
 * and by tests/unit/test_bench_harness.c. Not part of the benchmark API.
 */
#ifndef IAMGATE_BENCH_HARNESS_BENCH_INTERNAL_H
#define IAMGATE_BENCH_HARNESS_BENCH_INTERNAL_H

#include "bench.h"

#include <regex.h>
#include <stdio.h>

/* libbenchmark's kMaxIterations: calibration stops doubling here. */
#define BENCH_MAX_ITERATIONS 1000000000ULL

/* ---- flags (bench_flags.c) ---------------------------------------------- */

typedef enum bench_format {
    BENCH_FORMAT_CONSOLE = 0,
    BENCH_FORMAT_JSON,
    BENCH_FORMAT_CSV
} bench_format;

/* One --benchmark_context KEY=VALUE pair (owned copies). */
typedef struct bench_kv {
    char *key;
    char *value;
} bench_kv;

typedef struct bench_flags {
    const char *filter;            /* points into argv; "" selects everything */
    double min_time;               /* seconds; used when fixed_iterations == 0 */
    uint64_t fixed_iterations;     /* from "--benchmark_min_time=Nx"; 0: calibrate */
    int repetitions;
    bool report_aggregates_only;
    bool display_aggregates_only;
    bench_format format;           /* display, on stdout */
    const char *out_path;          /* NULL: no file */
    bench_format out_format;
    bool list_tests;
    bool help;
    bench_kv *context;             /* sorted by key, as libbenchmark's std::map */
    size_t context_count;
} bench_flags;

/* Defaults, then argv[1..]. Returns 0, or 2 after a message on err. */
int bench_flags_parse(int argc, char **argv, bench_flags *flags, FILE *err);
void bench_flags_free(bench_flags *flags);
void bench_print_usage(FILE *out, const char *program);

/* ---- filter (bench_flags.c) --------------------------------------------- */

typedef struct bench_filter {
    bool match_all;
    bool negate;                   /* the spec began with '-'               */
    bool compiled;
    regex_t re;
} bench_filter;

/* Returns 0, or 2 after a message on err (the regex does not compile). */
int bench_filter_init(bench_filter *filter, const char *spec, FILE *err);
bool bench_filter_matches(const bench_filter *filter, const char *name);
void bench_filter_free(bench_filter *filter);

/* ---- results ----------------------------------------------------------- */

typedef enum bench_run_type { BENCH_RUN_ITERATION = 0, BENCH_RUN_AGGREGATE } bench_run_type;

typedef enum bench_aggregate_kind {
    BENCH_AGG_MEAN = 0,
    BENCH_AGG_MEDIAN,
    BENCH_AGG_STDDEV,
    BENCH_AGG_CV,
    BENCH_AGG_COUNT
} bench_aggregate_kind;

/* A reported value besides the times: bytes_per_second, items_per_second
 * or a user counter, already converted (rates divided by CPU seconds). */
typedef struct bench_metric {
    char name[32];
    double value;
    bool per_second;               /* console shows "/s"                    */
    bool binary_prefix;            /* console scales by 1024 (bytes)        */
} bench_metric;

#define BENCH_MAX_METRICS (BENCH_MAX_COUNTERS + 2)

/* One row of the report: a repetition or an aggregate. */
typedef struct bench_run {
    const bench_def *def;
    size_t family_index;           /* position among the selected benchmarks */
    bench_run_type type;
    bench_aggregate_kind aggregate;/* aggregates only                        */
    int repetitions;               /* as requested                           */
    int repetition_index;          /* iterations only                        */
    uint64_t iterations;           /* aggregates: the number of runs         */
    double real_time;              /* per iteration in def->unit; cv: ratio  */
    double cpu_time;
    bench_metric metrics[BENCH_MAX_METRICS]; /* sorted by name               */
    int metric_count;
    char label[BENCH_LABEL_MAX];
    bool error_occurred;
    char error_message[BENCH_LABEL_MAX];
} bench_run;

/* The rows of one benchmark: runs[first ..] holds iteration_count
 * repetitions followed by aggregate_count aggregates. */
typedef struct bench_batch {
    size_t first;
    size_t iteration_count;
    size_t aggregate_count;
} bench_batch;

typedef struct bench_results {
    bench_run *runs;
    size_t run_count, run_cap;
    bench_batch *batches;
    size_t batch_count, batch_cap;
    bool any_error;
} bench_results;

void bench_results_free(bench_results *results);

/* ---- running (bench_run.c) ---------------------------------------------- */

/* Runs setup, calibration and the repetitions of def, then appends its
 * rows and aggregates to results as one batch. false when out of memory. */
bool bench_run_benchmark(const bench_def *def, size_t family_index, const bench_flags *flags,
                         bench_results *results);

/* Converts what the body set into reported metrics (sorted by name). */
void bench_collect_metrics(const bench_state *state, uint64_t iterations, double cpu_seconds,
                           bench_run *run);

double bench_unit_seconds(bench_time_unit unit);
const char *bench_unit_name(bench_time_unit unit);

/* ---- statistics (bench_stats.c) ----------------------------------------- */

/* The run's metric (counter or rate) of that name, or NULL. */
const bench_metric *bench_find_metric(const bench_run *run, const char *name);

const char *bench_aggregate_name(bench_aggregate_kind kind);

/* One statistic of values[0..n); mean, median, sample stddev (n-1) or cv
 * (stddev / mean, 0 when the mean is 0). 0 for an empty input. */
double bench_statistic(bench_aggregate_kind kind, const double *values, size_t n);

/* The aggregates (mean, median, stddev, cv, in that order) of the
 * repetitions runs[0..n) of one benchmark, skipping failed runs. Writes
 * BENCH_AGG_COUNT rows to out and returns that count, or 0 when fewer
 * than two runs succeeded. */
size_t bench_compute_aggregates(const bench_run *runs, size_t n, bench_run *out);

/* ---- machine context (bench_context.c) ---------------------------------- */

#define BENCH_MAX_CACHES 16

typedef struct bench_cache_info {
    char type[16];                 /* "Data", "Instruction", "Unified"      */
    int level;
    long long size;                /* bytes                                  */
    int num_sharing;               /* CPUs sharing it; 0 when unknown        */
} bench_cache_info;

typedef struct bench_context_info {
    char date[40];                 /* 2026-11-22T13:03:28+00:00              */
    char host_name[256];
    const char *executable;        /* argv[0]                                */
    int num_cpus;
    double mhz_per_cpu;
    bool cpu_scaling_enabled;
    bench_cache_info caches[BENCH_MAX_CACHES];
    int cache_count;
    double load_avg[3];
    int load_avg_count;
    const bench_kv *extra;         /* --benchmark_context                    */
    size_t extra_count;
} bench_context_info;

void bench_context_gather(bench_context_info *info, const char *executable,
                          const bench_flags *flags);
/* Parses a sysfs cache size ("32K", "1024K", "32M", "512"); -1 if bad. */
long long bench_parse_cache_size(const char *text);
/* Counts the CPUs of a sysfs CPU list ("0-3,8,10-11"); 0 if bad. */
int bench_count_cpu_list(const char *text);

/* ---- reporting (bench_report*.c) ---------------------------------------- */

typedef struct bench_reporter {
    bench_format format;
    FILE *out;                     /* the table or document                  */
    FILE *err;                     /* the console's context header           */
    bool aggregates_only;
    int name_width;                /* console: width of the name column      */
    const bench_context_info *context;
    bool started;                  /* console: header printed; json: a run   */
} bench_reporter;

void bench_report_begin(bench_reporter *reporter);
void bench_report_batch(bench_reporter *reporter, const bench_results *results,
                        const bench_batch *batch);
void bench_report_end(bench_reporter *reporter, const bench_results *results);

/* Which rows of a batch a reporter shows (aggregates only when asked and
 * when there are any, as libbenchmark). */
bool bench_report_shows(const bench_reporter *reporter, const bench_batch *batch,
                        size_t index_in_batch);

/* "name" or "name_mean". */
void bench_run_name(const bench_run *run, char *buf, size_t cap);

/* The "Ratio against in-run baselines" table; nothing when no selected
 * benchmark has a baseline that ran. */
void bench_report_baselines(FILE *out, const bench_results *results);

/* Console pieces (bench_report_console.c). */
void bench_console_context(FILE *out, const bench_context_info *context);
void bench_console_run(bench_reporter *reporter, const bench_run *run);
/* libbenchmark's FormatTime: "%10.3f" below 1, fewer decimals above. */
void bench_format_time(double time, char *buf, size_t cap);
/* libbenchmark's HumanReadableNumber: 1.5k, 44.16M, 1066.5n. */
void bench_format_human(double value, bool binary_prefix, char *buf, size_t cap);

/* JSON (bench_report_json.c). */
void bench_json_begin(bench_reporter *reporter);
void bench_json_run(bench_reporter *reporter, const bench_run *run);
void bench_json_end(bench_reporter *reporter);
/* A JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD. */
void bench_json_write_string(FILE *out, const char *s);
/* A number that round-trips (libbenchmark's %.16e); null if not finite. */
void bench_json_write_double(FILE *out, double value);

/* CSV (bench_report_csv.c): written whole at the end, since its header
 * names every user counter. */
void bench_csv_write(const bench_reporter *reporter, const bench_results *results);
void bench_csv_write_string(FILE *out, const char *s);

#endif /* IAMGATE_BENCH_HARNESS_BENCH_INTERNAL_H */
