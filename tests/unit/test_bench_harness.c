/* The benchmark harness (bench/harness): flags, filter, calibration,
 * aggregates, counters, JSON/CSV output and error reporting. No timing
 * assertions: bodies record what they were asked to do. */
#include "bench_internal.h"
#include "test_util.h"

#include <fcntl.h>
#include <math.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers -------------------------------------------------------------- */

static bool near(double got, double want)
{
    return fabs(got - want) <= 1e-12 * (fabs(want) > 1.0 ? fabs(want) : 1.0);
}

#define CHECK_NEAR(got, want)                                                   \
    do {                                                                        \
        double g_ = (got), w_ = (want);                                         \
        test_checks++;                                                          \
        if (!near(g_, w_)) {                                                    \
            test_failures++;                                                    \
            fprintf(stderr, "%s:%d: %s: expected %.17g, got %.17g\n", __FILE__, \
                    __LINE__, #got, w_, g_);                                    \
        }                                                                       \
    } while (0)

#define CHECK_STR(got, want)                                                       \
    do {                                                                           \
        const char *g_ = (got), *w_ = (want);                                      \
        test_checks++;                                                             \
        if (g_ == NULL || strcmp(g_, w_) != 0) {                                   \
            test_failures++;                                                       \
            fprintf(stderr, "%s:%d: %s: expected \"%s\", got \"%s\"\n", __FILE__, \
                    __LINE__, #got, w_, g_ != NULL ? g_ : "(null)");               \
        }                                                                          \
    } while (0)

#define CHECK_CONTAINS(text, needle)                                                   \
    do {                                                                               \
        const char *t_ = (text), *n_ = (needle);                                       \
        test_checks++;                                                                 \
        if (t_ == NULL || strstr(t_, n_) == NULL) {                                    \
            test_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s does not contain \"%s\"\n", __FILE__, __LINE__, \
                    #text, n_);                                                        \
        }                                                                              \
    } while (0)

#define CHECK_LACKS(text, needle)                                                  \
    do {                                                                           \
        const char *t_ = (text), *n_ = (needle);                                   \
        test_checks++;                                                             \
        if (t_ == NULL || strstr(t_, n_) != NULL) {                                \
            test_failures++;                                                       \
            fprintf(stderr, "%s:%d: %s contains \"%s\"\n", __FILE__, __LINE__,     \
                    #text, n_);                                                    \
        }                                                                          \
    } while (0)

/* A fresh, empty temporary file's name. */
static void temp_path(char *buf, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    snprintf(buf, cap, "%s/bench_harness_XXXXXX", dir != NULL && *dir != '\0' ? dir : "/tmp");
    int fd = mkstemp(buf);
    if (fd >= 0)
        close(fd);
}

static char *slurp_and_remove(const char *path)
{
    size_t len;
    char *text = test_read_file(path, &len);
    remove(path);
    return text;
}

/* bench_main over a NULL-terminated list of arguments (argv[0] included). */
static int run_main(bench_registry *registry, const char *const *args)
{
    char *argv[32];
    int argc = 0;
    while (args[argc] != NULL && argc < 31) {
        argv[argc] = malloc(strlen(args[argc]) + 1);
        strcpy(argv[argc], args[argc]);
        argc++;
    }
    argv[argc] = NULL;
    int status = bench_main(registry, argc, argv);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    return status;
}

/* Redirects stdout (the descriptor, so the harness's printf lands there too). */
typedef struct capture {
    int saved_fd;
    char path[256];
} capture;

static void capture_begin(capture *c)
{
    fflush(stdout);
    temp_path(c->path, sizeof c->path);
    int fd = open(c->path, O_WRONLY | O_TRUNC);
    c->saved_fd = dup(STDOUT_FILENO);
    dup2(fd, STDOUT_FILENO);
    close(fd);
}

static char *capture_end(capture *c)
{
    fflush(stdout);
    dup2(c->saved_fd, STDOUT_FILENO);
    close(c->saved_fd);
    return slurp_and_remove(c->path);
}

/* stdout of bench_main, which runs quietly. */
static char *run_main_captured(bench_registry *registry, const char *const *args, int *status)
{
    capture c;
    capture_begin(&c);
    *status = run_main(registry, args);
    return capture_end(&c);
}

/* ---- bodies that record ---------------------------------------------------- */

#define MAX_CALLS 64

typedef struct recorder {
    uint64_t calls[MAX_CALLS];
    int call_count;
    int setup_count;
    uint64_t sleep_ns_per_iteration;
    const char *setup_error;
    const char *skip_message;
} recorder;

static void record_body(bench_state *state, void *arg)
{
    recorder *r = arg;
    if (r->call_count < MAX_CALLS)
        r->calls[r->call_count] = state->iterations;
    r->call_count++;
    if (r->sleep_ns_per_iteration != 0) {
        uint64_t ns = r->sleep_ns_per_iteration * state->iterations;
        struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
        while (nanosleep(&ts, &ts) != 0) {
        }
    }
    if (r->skip_message != NULL)
        bench_skip_with_error(state, r->skip_message);
    bench_set_items_processed(state, state->iterations);
    bench_set_counter(state, "answer", 42.0, BENCH_COUNTER_PLAIN);
    bench_set_label(state, "label \"quoted\"");
}

static const char *record_setup(void *arg)
{
    recorder *r = arg;
    r->setup_count++;
    return r->setup_error;
}

static bench_def *add(bench_registry *registry, const char *name, recorder *r)
{
    bench_def *def = bench_register(registry, name, record_body, r);
    if (def != NULL)
        def->setup = record_setup;
    return def;
}

/* ---- flags ---------------------------------------------------------------- */

static int parse(bench_flags *flags, const char *const *args)
{
    char *argv[16];
    int argc = 0;
    while (args[argc] != NULL && argc < 15) {
        argv[argc] = (char *)(uintptr_t)args[argc]; /* only read */
        argc++;
    }
    FILE *err = tmpfile();
    int status = bench_flags_parse(argc, argv, flags, err != NULL ? err : stderr);
    if (err != NULL)
        fclose(err);
    return status;
}

static void test_flag_defaults(void)
{
    bench_flags flags;
    CHECK_EQ_INT(parse(&flags, (const char *const[]){"prog", NULL}), 0);
    CHECK_STR(flags.filter, "");
    CHECK_NEAR(flags.min_time, 0.5);
    CHECK_EQ_INT(flags.fixed_iterations, 0);
    CHECK_EQ_INT(flags.repetitions, 1);
    CHECK_EQ_INT(flags.format, BENCH_FORMAT_CONSOLE);
    CHECK_EQ_INT(flags.out_format, BENCH_FORMAT_JSON);
    CHECK(flags.out_path == NULL);
    CHECK(!flags.list_tests && !flags.help);
    CHECK(!flags.report_aggregates_only && !flags.display_aggregates_only);
    bench_flags_free(&flags);
}

static void test_flag_values(void)
{
    bench_flags flags;
    const char *const args[] = {"prog",
                                "--benchmark_filter=eval/.*",
                                "--benchmark_min_time=0.25s",
                                "--benchmark_repetitions=3",
                                "--benchmark_report_aggregates_only",
                                "--benchmark_display_aggregates_only=false",
                                "--benchmark_format=json",
                                "--benchmark_out=report.csv",
                                "--benchmark_out_format=csv",
                                "--benchmark_list_tests=true",
                                "--benchmark_context=policy_set=demo,build=x=y",
                                "--benchmark_context=arch=x86_64",
                                NULL};
    CHECK_EQ_INT(parse(&flags, args), 0);
    CHECK_STR(flags.filter, "eval/.*");
    CHECK_NEAR(flags.min_time, 0.25);
    CHECK_EQ_INT(flags.repetitions, 3);
    CHECK(flags.report_aggregates_only);
    CHECK(!flags.display_aggregates_only);
    CHECK_EQ_INT(flags.format, BENCH_FORMAT_JSON);
    CHECK_STR(flags.out_path, "report.csv");
    CHECK_EQ_INT(flags.out_format, BENCH_FORMAT_CSV);
    CHECK(flags.list_tests);
    CHECK_EQ_INT(flags.context_count, 3);
    if (flags.context_count == 3) { /* sorted by key */
        CHECK_STR(flags.context[0].key, "arch");
        CHECK_STR(flags.context[1].key, "build");
        CHECK_STR(flags.context[1].value, "x=y");
        CHECK_STR(flags.context[2].key, "policy_set");
        CHECK_STR(flags.context[2].value, "demo");
    }
    bench_flags_free(&flags);

    CHECK_EQ_INT(parse(&flags, (const char *const[]){"p", "--benchmark_min_time=100x", NULL}), 0);
    CHECK_EQ_INT(flags.fixed_iterations, 100);
    bench_flags_free(&flags);
    CHECK_EQ_INT(parse(&flags, (const char *const[]){"p", "--benchmark_min_time=2", NULL}), 0);
    CHECK_NEAR(flags.min_time, 2.0);
    CHECK_EQ_INT(flags.fixed_iterations, 0);
    bench_flags_free(&flags);
    CHECK_EQ_INT(parse(&flags, (const char *const[]){"p", "-benchmark_list_tests", "--help", NULL}),
                 0);
    CHECK(flags.list_tests && flags.help);
    bench_flags_free(&flags);
}

static void test_flag_errors(void)
{
    static const char *const bad[] = {
        "--benchmark_repetitions=0",        "--benchmark_repetitions=abc",
        "--benchmark_repetitions=-2",       "--benchmark_repetitions",
        "--benchmark_min_time=abc",         "--benchmark_min_time=-1",
        "--benchmark_min_time=0x",          "--benchmark_min_time=1.5x",
        "--benchmark_min_time=2ms",         "--benchmark_format=xml",
        "--benchmark_out_format=yaml",      "--benchmark_out=",
        "--benchmark_list_tests=maybe",     "--benchmark_unknown=1",
        "--benchmark_filterx=a",            "--benchmark_context=novalue",
        "--benchmark_context==v",           "--benchmark_context=date=today",
        "not-a-flag",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bench_flags flags;
        int status = parse(&flags, (const char *const[]){"prog", bad[i], NULL});
        if (status != 2)
            fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK_EQ_INT(status, 2);
        bench_flags_free(&flags);
    }
}

/* The message names the flag and what it expects. */
static void test_flag_error_message(void)
{
    char prog[] = "prog", flag[] = "--benchmark_repetitions=many";
    char *argv[] = {prog, flag, NULL};
    FILE *err = tmpfile();
    bench_flags flags;
    if (err == NULL)
        return;
    CHECK_EQ_INT(bench_flags_parse(2, argv, &flags, err), 2);
    bench_flags_free(&flags);
    char text[512] = "";
    rewind(err);
    size_t n = fread(text, 1, sizeof text - 1, err);
    text[n] = '\0';
    fclose(err);
    CHECK_CONTAINS(text, "--benchmark_repetitions");
    CHECK_CONTAINS(text, "many");
    CHECK_CONTAINS(text, "positive integer");
}

/* Bad flags and unopenable files end bench_main with 2, running nothing. */
static void test_main_exit_codes(void)
{
    static const char *const bad[] = {"--benchmark_repetitions=0", "--benchmark_filter=(",
                                      "--benchmark_nope",
                                      "--benchmark_out=/nonexistent-dir/x/report.json"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        recorder r = {0};
        bench_registry registry = {0};
        add(&registry, "a", &r);
        const char *const args[] = {"prog", "--benchmark_min_time=1x", bad[i], NULL};
        CHECK_EQ_INT(run_main(&registry, args), 2);
        CHECK_EQ_INT(r.call_count, 0);
        CHECK(registry.defs == NULL && registry.count == 0); /* freed */
    }

    bench_registry registry = {0};
    recorder r = {0};
    add(&registry, "a", &r);
    int status;
    char *out = run_main_captured(&registry, (const char *const[]){"prog", "--help", NULL},
                                  &status);
    CHECK_EQ_INT(status, 0);
    CHECK_CONTAINS(out, "--benchmark_filter");
    CHECK_CONTAINS(out, "--benchmark_min_time");
    CHECK_EQ_INT(r.call_count, 0);
    free(out);
}

/* ---- filter --------------------------------------------------------------- */

static bool filter_selects(const char *spec, const char *name)
{
    bench_filter filter;
    if (bench_filter_init(&filter, spec, stderr) != 0)
        return false;
    bool selected = bench_filter_matches(&filter, name);
    bench_filter_free(&filter);
    return selected;
}

static void test_filter(void)
{
    CHECK(filter_selects("", "eval/x"));
    CHECK(filter_selects("all", "eval/x"));
    CHECK(filter_selects(".", "eval/x"));
    CHECK(filter_selects("eval/.*/mix", "eval/chime-3/mix"));
    CHECK(!filter_selects("eval/.*/mix", "glob/chime-3/max"));
    CHECK(filter_selects("mix", "eval/mix/reference")); /* searched, not anchored */
    CHECK(!filter_selects("^mix", "eval/mix/reference"));
    CHECK(!filter_selects("reference$", "eval/reference/mix"));
    CHECK(filter_selects("glob|lint", "lint/all"));    /* extended syntax */
    CHECK(filter_selects("a{2}", "baab"));
    CHECK(!filter_selects("-reference", "eval/mix/reference"));
    CHECK(filter_selects("-reference", "eval/mix"));
    CHECK(!filter_selects("-.", "eval/mix"));

    bench_filter filter;
    FILE *err = tmpfile();
    CHECK_EQ_INT(bench_filter_init(&filter, "eval/(", err != NULL ? err : stderr), 2);
    if (err != NULL)
        fclose(err);
}

static void test_list_tests(void)
{
    recorder r = {0};
    bench_registry registry = {0};
    add(&registry, "eval/a/mix", &r);
    add(&registry, "glob/b", &r);
    add(&registry, "eval/c/mix", &r);
    int status;
    char *out = run_main_captured(
        &registry,
        (const char *const[]){"prog", "--benchmark_list_tests", "--benchmark_filter=mix", NULL},
        &status);
    CHECK_EQ_INT(status, 0);
    CHECK_STR(out, "eval/a/mix\neval/c/mix\n");
    CHECK_EQ_INT(r.call_count, 0);
    CHECK_EQ_INT(r.setup_count, 0);
    free(out);
}

/* ---- calibration ---------------------------------------------------------- */

/* calls[0..n-reps) doubles from 1; the last reps calls repeat the final
 * calibration count. Returns that count (0 if the shape is wrong). */
static uint64_t check_calibration_shape(const recorder *r, int reps)
{
    int calibration = r->call_count - (reps - 1);
    CHECK(calibration >= 1);
    CHECK(r->call_count <= MAX_CALLS);
    if (calibration < 1 || r->call_count > MAX_CALLS)
        return 0;
    CHECK_EQ_INT(r->calls[0], 1);
    for (int i = 1; i < calibration; i++) {
        uint64_t want = r->calls[i - 1] * 2 < BENCH_MAX_ITERATIONS ? r->calls[i - 1] * 2
                                                                   : BENCH_MAX_ITERATIONS;
        CHECK_EQ_INT(r->calls[i], want);
    }
    uint64_t final_count = r->calls[calibration - 1];
    for (int i = calibration; i < r->call_count; i++)
        CHECK_EQ_INT(r->calls[i], final_count);
    return final_count;
}

static void test_calibration_stops_at_min_time(void)
{
    /* 1 ms per iteration and min_time 3.5 ms: the run of 4 iterations
     * sleeps at least 4 ms, so doubling stops at 4 at the latest. */
    recorder r = {.sleep_ns_per_iteration = 1000000};
    bench_registry registry = {0};
    add(&registry, "sleepy", &r);
    int status;
    char *out = run_main_captured(&registry,
                                  (const char *const[]){"prog", "--benchmark_min_time=0.0035",
                                                        "--benchmark_repetitions=3", NULL},
                                  &status);
    CHECK_EQ_INT(status, 0);
    uint64_t final_count = check_calibration_shape(&r, 3);
    CHECK(final_count >= 1 && final_count <= 4);
    CHECK_EQ_INT(r.setup_count, 1);
    free(out);
}

static void test_calibration_cap(void)
{
    /* The body ignores the count: only the cap ends the doubling. */
    recorder r = {0};
    bench_registry registry = {0};
    add(&registry, "free", &r);
    int status;
    char *out = run_main_captured(&registry,
                                  (const char *const[]){"prog", "--benchmark_min_time=1e9s",
                                                        "--benchmark_repetitions=2", NULL},
                                  &status);
    CHECK_EQ_INT(status, 0);
    CHECK_EQ_INT(check_calibration_shape(&r, 2), BENCH_MAX_ITERATIONS);
    CHECK_EQ_INT(r.call_count, 30 + 1 + 1); /* 1 .. 2^29, 1e9, one more repetition */
    free(out);
}

static void test_fixed_iterations(void)
{
    recorder r = {0};
    bench_registry registry = {0};
    add(&registry, "fixed", &r);
    int status;
    char *out = run_main_captured(&registry,
                                  (const char *const[]){"prog", "--benchmark_min_time=7x",
                                                        "--benchmark_repetitions=3", NULL},
                                  &status);
    CHECK_EQ_INT(status, 0);
    CHECK_EQ_INT(r.call_count, 3);
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(r.calls[i], 7);
    free(out);
}

/* ---- statistics ----------------------------------------------------------- */

static void test_statistics(void)
{
    const double even[] = {4.0, 1.0, 3.0, 2.0};
    CHECK_NEAR(bench_statistic(BENCH_AGG_MEAN, even, 4), 2.5);
    CHECK_NEAR(bench_statistic(BENCH_AGG_MEDIAN, even, 4), 2.5);
    CHECK_NEAR(bench_statistic(BENCH_AGG_STDDEV, even, 4), sqrt(5.0 / 3.0));
    CHECK_NEAR(bench_statistic(BENCH_AGG_CV, even, 4), sqrt(5.0 / 3.0) / 2.5);
    const double odd[] = {5.0, 1.0, 30.0};
    CHECK_NEAR(bench_statistic(BENCH_AGG_MEDIAN, odd, 3), 5.0);
    CHECK_NEAR(bench_statistic(BENCH_AGG_MEAN, odd, 3), 12.0);
    const double one[] = {7.0};
    CHECK_NEAR(bench_statistic(BENCH_AGG_STDDEV, one, 1), 0.0);
    CHECK_NEAR(bench_statistic(BENCH_AGG_CV, one, 1), 0.0);
    const double zeros[] = {0.0, 0.0};
    CHECK_NEAR(bench_statistic(BENCH_AGG_CV, zeros, 2), 0.0);
    CHECK_STR(bench_aggregate_name(BENCH_AGG_CV), "cv");
    CHECK_STR(bench_aggregate_name(BENCH_AGG_MEDIAN), "median");
}

static void make_run(const bench_def *def, double real, double cpu, double x, const char *label,
                     bench_run *run)
{
    memset(run, 0, sizeof *run);
    run->def = def;
    run->family_index = 3;
    run->repetitions = 3;
    run->iterations = 1000;
    run->real_time = real;
    run->cpu_time = cpu;
    run->metric_count = 1;
    snprintf(run->metrics[0].name, sizeof run->metrics[0].name, "x");
    run->metrics[0].value = x;
    run->metrics[0].per_second = true;
    snprintf(run->label, sizeof run->label, "%s", label);
}

static void test_aggregates(void)
{
    bench_def def = {.name = "agg"};
    bench_run runs[3], out[BENCH_AGG_COUNT];
    make_run(&def, 1.0, 2.0, 10.0, "same", &runs[0]);
    make_run(&def, 2.0, 4.0, 20.0, "same", &runs[1]);
    make_run(&def, 3.0, 6.0, 60.0, "same", &runs[2]);
    CHECK_EQ_INT(bench_compute_aggregates(runs, 3, out), BENCH_AGG_COUNT);
    for (int k = 0; k < BENCH_AGG_COUNT; k++) {
        CHECK_EQ_INT(out[k].type, BENCH_RUN_AGGREGATE);
        CHECK_EQ_INT(out[k].aggregate, k);
        CHECK_EQ_INT(out[k].iterations, 3);
        CHECK_EQ_INT(out[k].family_index, 3);
        CHECK_STR(out[k].label, "same");
        CHECK_EQ_INT(out[k].metric_count, 1);
        CHECK(out[k].metrics[0].per_second);
    }
    CHECK_NEAR(out[BENCH_AGG_MEAN].real_time, 2.0);
    CHECK_NEAR(out[BENCH_AGG_MEAN].cpu_time, 4.0);
    CHECK_NEAR(out[BENCH_AGG_MEAN].metrics[0].value, 30.0);
    CHECK_NEAR(out[BENCH_AGG_MEDIAN].metrics[0].value, 20.0);
    CHECK_NEAR(out[BENCH_AGG_STDDEV].real_time, 1.0);
    CHECK_NEAR(out[BENCH_AGG_STDDEV].cpu_time, 2.0);
    CHECK_NEAR(out[BENCH_AGG_STDDEV].metrics[0].value, sqrt(700.0));
    CHECK_NEAR(out[BENCH_AGG_CV].real_time, 0.5);
    CHECK_NEAR(out[BENCH_AGG_CV].metrics[0].value, sqrt(700.0) / 30.0);

    /* A failed run is left out; different labels are dropped. */
    runs[1].error_occurred = true;
    snprintf(runs[2].label, sizeof runs[2].label, "other");
    CHECK_EQ_INT(bench_compute_aggregates(runs, 3, out), BENCH_AGG_COUNT);
    CHECK_EQ_INT(out[BENCH_AGG_MEAN].iterations, 2);
    CHECK_NEAR(out[BENCH_AGG_MEAN].real_time, 2.0);
    CHECK_NEAR(out[BENCH_AGG_MEDIAN].cpu_time, 4.0);
    CHECK_NEAR(out[BENCH_AGG_MEAN].metrics[0].value, 35.0);
    CHECK_STR(out[BENCH_AGG_MEAN].label, "");
    CHECK(!out[BENCH_AGG_MEAN].error_occurred);

    /* Fewer than two good runs: no aggregates. */
    runs[2].error_occurred = true;
    CHECK_EQ_INT(bench_compute_aggregates(runs, 3, out), 0);
    CHECK_EQ_INT(bench_compute_aggregates(runs, 1, out), 0);
}

/* ---- counters ------------------------------------------------------------- */

static void test_metrics(void)
{
    bench_state state = {.iterations = 4};
    bench_set_counter(&state, "rate", 100.0, BENCH_COUNTER_RATE);
    bench_set_counter(&state, "avg", 100.0, BENCH_COUNTER_AVG_ITERATIONS);
    bench_set_counter(&state, "plain", 7.0, BENCH_COUNTER_PLAIN);
    bench_set_counter(&state, "plain", 8.0, BENCH_COUNTER_PLAIN); /* replaces */
    bench_set_items_processed(&state, 1000);
    bench_set_bytes_processed(&state, 2048);
    bench_run run;
    memset(&run, 0, sizeof run);
    bench_collect_metrics(&state, 4, 2.0, &run);
    CHECK_EQ_INT(run.metric_count, 5);
    if (run.metric_count != 5)
        return;
    static const char *const names[] = {"avg", "bytes_per_second", "items_per_second", "plain",
                                        "rate"};
    static const double values[] = {25.0, 1024.0, 500.0, 8.0, 50.0};
    static const bool per_second[] = {false, true, true, false, true};
    for (int i = 0; i < 5; i++) {
        CHECK_STR(run.metrics[i].name, names[i]);
        CHECK_NEAR(run.metrics[i].value, values[i]);
        CHECK_EQ_INT(run.metrics[i].per_second, per_second[i]);
    }
    CHECK(run.metrics[1].binary_prefix && !run.metrics[2].binary_prefix);

    /* Nothing set, nothing reported; no CPU time, no infinite rate. */
    bench_state empty = {.iterations = 1};
    bench_collect_metrics(&empty, 1, 1.0, &run);
    CHECK_EQ_INT(run.metric_count, 0);
    bench_set_items_processed(&empty, 10);
    bench_collect_metrics(&empty, 1, 0.0, &run);
    CHECK_EQ_INT(run.metric_count, 1);
    CHECK_NEAR(run.metrics[0].value, 0.0);
}

static void test_state_api(void)
{
    bench_state state = {.iterations = 1};
    char name[16];
    for (int i = 0; i < BENCH_MAX_COUNTERS; i++) {
        snprintf(name, sizeof name, "c%d", i);
        bench_set_counter(&state, name, i, BENCH_COUNTER_PLAIN);
    }
    CHECK(!state.error_occurred);
    bench_set_counter(&state, "c0", 5.0, BENCH_COUNTER_RATE); /* replacing still works */
    CHECK(!state.error_occurred);
    CHECK_NEAR(state.counters[0].value, 5.0);
    bench_set_counter(&state, "one-too-many", 1.0, BENCH_COUNTER_PLAIN);
    CHECK(state.error_occurred);
    CHECK_EQ_INT(state.counter_count, BENCH_MAX_COUNTERS);

    bench_state other = {.iterations = 1};
    bench_set_counter(&other, "a-counter-name-that-is-far-too-long", 1.0, BENCH_COUNTER_PLAIN);
    CHECK(other.error_occurred);
    CHECK_EQ_INT(other.counter_count, 0);

    bench_state skipped = {.iterations = 1};
    bench_skip_with_error(&skipped, "first");
    bench_skip_with_error(&skipped, "second");
    CHECK_STR(skipped.error_message, "first");

    char long_name[BENCH_NAME_MAX + 8];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    bench_registry registry = {0};
    CHECK(bench_register(&registry, long_name, record_body, NULL) == NULL);
    bench_def *def = bench_register(&registry, "ok", record_body, NULL);
    CHECK(def != NULL && def->unit == BENCH_NS && def->setup == NULL && def->baseline == NULL);
    free(registry.defs);
}

/* ---- formatting ----------------------------------------------------------- */

static char *json_string(const char *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        return NULL;
    bench_json_write_string(out, s);
    fclose(out);
    return text;
}

static char *json_double(double value)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        return NULL;
    bench_json_write_double(out, value);
    fclose(out);
    return text;
}

static void check_json_string(const char *in, const char *want)
{
    char *got = json_string(in);
    CHECK_STR(got, want);
    free(got);
}

static void test_json_escaping(void)
{
    check_json_string("eval/chime-3/mix", "\"eval/chime-3/mix\"");
    check_json_string("a\"b\\c", "\"a\\\"b\\\\c\"");
    check_json_string("line\nnext\ttab\r\b\f", "\"line\\nnext\\ttab\\r\\b\\f\"");
    check_json_string("\x01\x1f", "\"\\u0001\\u001f\"");
    check_json_string("caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\""); /* UTF-8 kept */
    check_json_string("bad\xff\xc3(", "\"bad\\ufffd\\ufffd(\"");
    check_json_string("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* a surrogate */

    char *d = json_double(1.5);
    CHECK_STR(d, "1.5000000000000000e+00");
    free(d);
    d = json_double(22.672979054938974);
    CHECK(d != NULL && strtod(d, NULL) == 22.672979054938974); /* round-trips */
    free(d);
    d = json_double((double)NAN);
    CHECK_STR(d, "null");
    free(d);
}

static void test_human_formatting(void)
{
    char buf[64];
    bench_format_human(44160055.529, false, buf, sizeof buf);
    CHECK_STR(buf, "44.1601M");
    bench_format_human(6.3458970920314685e+11, true, buf, sizeof buf); /* 1024-based */
    CHECK_STR(buf, "591.008G");
    bench_format_human(1.0665143399785353e-06, false, buf, sizeof buf);
    CHECK_STR(buf, "1066.51n");
    bench_format_human(5.0, false, buf, sizeof buf);
    CHECK_STR(buf, "5");
    bench_format_human(1050.0, false, buf, sizeof buf);
    CHECK_STR(buf, "1050");
    bench_format_human(0.0, false, buf, sizeof buf);
    CHECK_STR(buf, "0");
    bench_format_time(1.58, buf, sizeof buf);
    CHECK_STR(buf, "      1.58");
    bench_format_time(0.0114, buf, sizeof buf);
    CHECK_STR(buf, "     0.011");
    bench_format_time(3012.4, buf, sizeof buf);
    CHECK_STR(buf, "      3012");

    CHECK_EQ_INT(bench_parse_cache_size("32K"), 32768);
    CHECK_EQ_INT(bench_parse_cache_size("32768K"), 33554432);
    CHECK_EQ_INT(bench_parse_cache_size("1M"), 1048576);
    CHECK_EQ_INT(bench_parse_cache_size("512"), 512);
    CHECK_EQ_INT(bench_parse_cache_size("K"), -1);
    CHECK_EQ_INT(bench_count_cpu_list("0"), 1);
    CHECK_EQ_INT(bench_count_cpu_list("0-1"), 2);
    CHECK_EQ_INT(bench_count_cpu_list("0-3,8,10-11"), 7);
    CHECK_EQ_INT(bench_count_cpu_list("3-1"), 0);
    CHECK_EQ_INT(bench_count_cpu_list("x"), 0);
}

/* ---- end to end ----------------------------------------------------------- */

/* Each needle appears, in this order, after from. */
static void check_in_order(const char *text, const char *from, const char *const *needles)
{
    const char *at = text != NULL ? strstr(text, from) : NULL;
    CHECK(at != NULL);
    for (size_t i = 0; at != NULL && needles[i] != NULL; i++) {
        const char *next = strstr(at, needles[i]);
        if (next == NULL)
            fprintf(stderr, "missing or out of order after %s: %s\n", from, needles[i]);
        CHECK(next != NULL);
        at = next;
    }
}

static int count_occurrences(const char *text, const char *needle)
{
    int count = 0;
    for (const char *at = text; at != NULL && (at = strstr(at, needle)) != NULL; at++)
        count++;
    return count;
}

static void test_report_with_errors(void)
{
    recorder ok = {0}, bad_setup = {.setup_error = "no data for \"x\""},
             skip = {.skip_message = "boom\n"}, unselected = {0};
    bench_registry registry = {0};
    add(&registry, "ok/a", &ok);
    add(&registry, "bad/setup", &bad_setup);
    add(&registry, "bad/skip", &skip);
    add(&registry, "other/unselected", &unselected);
    char path[256];
    temp_path(path, sizeof path);
    char out_flag[300];
    snprintf(out_flag, sizeof out_flag, "--benchmark_out=%s", path);
    int status;
    char *csv = run_main_captured(
        &registry,
        (const char *const[]){"./prog", "--benchmark_min_time=3x", "--benchmark_repetitions=2",
                              "--benchmark_filter=-other", "--benchmark_format=csv", out_flag,
                              "--benchmark_context=policy_set=demo", NULL},
        &status);
    char *json = slurp_and_remove(path);
    CHECK_EQ_INT(status, 1);

    CHECK_EQ_INT(ok.setup_count, 1);
    CHECK_EQ_INT(ok.call_count, 2);
    CHECK_EQ_INT(bad_setup.setup_count, 1);
    CHECK_EQ_INT(bad_setup.call_count, 0);
    CHECK_EQ_INT(skip.call_count, 1); /* a failed run is not repeated */
    CHECK_EQ_INT(unselected.setup_count, 0);
    CHECK_EQ_INT(unselected.call_count, 0);

    check_in_order(json, "\"context\"",
                   (const char *const[]){"\"date\": ", "\"host_name\": ",
                                         "\"executable\": \"./prog\"", "\"num_cpus\": ",
                                         "\"mhz_per_cpu\": ", "\"cpu_scaling_enabled\": ",
                                         "\"caches\": [", "\"load_avg\": [",
                                         "\"library_build_type\": ",
                                         "\"policy_set\": \"demo\"", "\"benchmarks\": [", NULL});
    check_in_order(json, "\"name\": \"ok/a\"",
                   (const char *const[]){"\"family_index\": 0", "\"per_family_instance_index\": 0",
                                         "\"run_name\": \"ok/a\"", "\"run_type\": \"iteration\"",
                                         "\"repetitions\": 2", "\"repetition_index\": 0",
                                         "\"threads\": 1", "\"iterations\": 3",
                                         "\"real_time\": ", "\"cpu_time\": ",
                                         "\"time_unit\": \"ns\"", "\"answer\": 4.2",
                                         "\"items_per_second\": ",
                                         "\"label\": \"label \\\"quoted\\\"\"",
                                         "\"repetition_index\": 1", NULL});
    check_in_order(json, "\"name\": \"ok/a_mean\"",
                   (const char *const[]){"\"run_name\": \"ok/a\"", "\"run_type\": \"aggregate\"",
                                         "\"threads\": 1", "\"aggregate_name\": \"mean\"",
                                         "\"aggregate_unit\": \"time\"", "\"iterations\": 2",
                                         "\"name\": \"ok/a_median\"", "\"name\": \"ok/a_stddev\"",
                                         "\"name\": \"ok/a_cv\"",
                                         "\"aggregate_unit\": \"percentage\"", NULL});
    check_in_order(json, "\"name\": \"bad/setup\"",
                   (const char *const[]){"\"family_index\": 1", "\"repetition_index\": 0",
                                         "\"error_occurred\": true",
                                         "\"error_message\": \"no data for \\\"x\\\"\"", NULL});
    check_in_order(json, "\"name\": \"bad/skip\"",
                   (const char *const[]){"\"family_index\": 2", "\"error_occurred\": true",
                                         "\"error_message\": \"boom\\n\"", "\"iterations\": 3",
                                         NULL});
    CHECK_LACKS(json, "other/unselected");
    CHECK_LACKS(json, "bad/setup_mean");
    CHECK_LACKS(json, "bad/skip_mean");
    CHECK_EQ_INT(count_occurrences(json, "\"name\": \"bad/skip\""), 1);
    CHECK_EQ_INT(count_occurrences(json, "\"name\": \"bad/setup\""), 1);
    CHECK_EQ_INT(count_occurrences(json, "\"name\": \"ok/a\""), 2);

    static const char csv_header[] =
        "name,iterations,real_time,cpu_time,time_unit,bytes_per_second,items_per_second,label,"
        "error_occurred,error_message,\"answer\"\n";
    CHECK(csv != NULL && strncmp(csv, csv_header, strlen(csv_header)) == 0);
    CHECK_CONTAINS(csv, "\n\"ok/a\",3,");
    CHECK_CONTAINS(csv, ",\"label \"\"quoted\"\"\",,,42\n");
    CHECK_CONTAINS(csv, "\n\"ok/a_stddev\",2,");
    CHECK_CONTAINS(csv, "\n\"bad/setup\",,,,,,,,true,\"no data for \"\"x\"\"\",\n");
    free(csv);
    free(json);
}

static void test_aggregates_only(void)
{
    /* report: aggregates everywhere; display: only on stdout. */
    for (int report = 0; report < 2; report++) {
        recorder r = {0};
        bench_registry registry = {0};
        add(&registry, "agg/only", &r);
        char path[256], out_flag[300];
        temp_path(path, sizeof path);
        snprintf(out_flag, sizeof out_flag, "--benchmark_out=%s", path);
        int status;
        char *console = run_main_captured(
            &registry,
            (const char *const[]){"prog", "--benchmark_min_time=2x", "--benchmark_repetitions=3",
                                  report ? "--benchmark_report_aggregates_only"
                                         : "--benchmark_display_aggregates_only=true",
                                  out_flag, NULL},
            &status);
        char *json = slurp_and_remove(path);
        CHECK_EQ_INT(status, 0);
        CHECK_CONTAINS(console, "\nagg/only_mean ");
        CHECK_CONTAINS(console, "\nagg/only_cv ");
        CHECK_LACKS(console, "\nagg/only ");
        CHECK_CONTAINS(json, "\"aggregate_name\": \"median\"");
        if (report)
            CHECK_LACKS(json, "\"run_type\": \"iteration\"");
        else
            CHECK_CONTAINS(json, "\"repetition_index\": 2");
        free(console);
        free(json);
    }
}

static void test_baseline_table(void)
{
    for (int json_format = 0; json_format < 2; json_format++) {
        recorder fast = {0}, slow = {0}, lone = {0};
        bench_registry registry = {0};
        bench_def *def = add(&registry, "x/fast", &fast);
        def->baseline = "x/slow";
        def = add(&registry, "x/lone", &lone);
        def->baseline = "x/missing";
        add(&registry, "x/slow", &slow);
        int status;
        char *out = run_main_captured(
            &registry,
            (const char *const[]){"prog", "--benchmark_min_time=1x",
                                  json_format ? "--benchmark_format=json" : "--benchmark_filter=x",
                                  NULL},
            &status);
        CHECK_EQ_INT(status, 0);
        if (json_format) { /* stdout stays pure JSON: the table went to stderr */
            CHECK_LACKS(out, "Ratio against in-run baselines");
            CHECK(out != NULL && out[0] == '{');
        } else {
            CHECK_CONTAINS(out, "Ratio against in-run baselines");
            CHECK_CONTAINS(out, "\nx/fast ");
            CHECK_CONTAINS(out, " vs x/slow ");
            CHECK_LACKS(out, "x/missing");
            CHECK_CONTAINS(out, "Benchmark");
            CHECK_CONTAINS(out, "UserCounters...");
            CHECK_CONTAINS(out, " answer=42 items_per_second=");
        }
        free(out);
    }
}

static void test_no_match(void)
{
    recorder r = {0};
    bench_registry registry = {0};
    add(&registry, "only/one", &r);
    int status;
    char *out = run_main_captured(
        &registry, (const char *const[]){"prog", "--benchmark_filter=nothing-matches", NULL},
        &status);
    CHECK_EQ_INT(status, 0);
    CHECK_EQ_INT(r.call_count, 0);
    free(out);
}

int main(void)
{
    test_flag_defaults();
    test_flag_values();
    test_flag_errors();
    test_flag_error_message();
    test_main_exit_codes();
    test_filter();
    test_list_tests();
    test_calibration_stops_at_min_time();
    test_calibration_cap();
    test_fixed_iterations();
    test_statistics();
    test_aggregates();
    test_metrics();
    test_state_api();
    test_json_escaping();
    test_human_formatting();
    test_report_with_errors();
    test_aggregates_only();
    test_baseline_table();
    test_no_match();
    return test_summary("bench_harness");
}
