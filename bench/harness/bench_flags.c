/* Google Benchmark's command-line flags, and the name filter. */
#include "bench_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A flag's value parser: 0, or -1 when the value is not acceptable. */
typedef int (*flag_parser)(const char *value, bench_flags *flags);

typedef struct flag_spec {
    const char *name;              /* without the leading dashes            */
    bool is_bool;                  /* may appear without "=value"           */
    flag_parser parse;
    const char *expected;          /* for the error message                 */
} flag_spec;

static int parse_bool(const char *value, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes", "t", "y"};
    static const char *const no[] = {"false", "0", "no", "f", "n"};
    if (value == NULL) { /* a bare --flag */
        *out = true;
        return 0;
    }
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcmp(value, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(value, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static int parse_format_name(const char *value, bench_format *out)
{
    static const char *const names[] = {"console", "json", "csv"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(value, names[i]) == 0) {
            *out = (bench_format)i;
            return 0;
        }
    }
    return -1;
}

/* A decimal integer in [1, max], nothing after it. */
static int parse_count(const char *text, const char *end_expected, unsigned long long max,
                       unsigned long long *out)
{
    if (*text < '0' || *text > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long n = strtoull(text, &end, 10);
    if (errno != 0 || n == 0 || n > max || strcmp(end, end_expected) != 0)
        return -1;
    *out = n;
    return 0;
}

static int parse_filter(const char *value, bench_flags *flags)
{
    flags->filter = value;
    return 0;
}

/* "0.5", "0.5s" (seconds) or "100x" (a fixed iteration count). */
static int parse_min_time(const char *value, bench_flags *flags)
{
    size_t len = strlen(value);
    if (len > 1 && value[len - 1] == 'x') {
        unsigned long long n;
        if (parse_count(value, "x", BENCH_MAX_ITERATIONS, &n) != 0)
            return -1;
        flags->fixed_iterations = n;
        return 0;
    }
    if (!((*value >= '0' && *value <= '9') || *value == '.'))
        return -1; /* no sign, no "inf", no "nan" */
    char *end;
    double seconds = strtod(value, &end);
    if (end == value || !(strcmp(end, "") == 0 || strcmp(end, "s") == 0) || !isfinite(seconds))
        return -1;
    flags->min_time = seconds;
    flags->fixed_iterations = 0;
    return 0;
}

static int parse_repetitions(const char *value, bench_flags *flags)
{
    unsigned long long n;
    if (parse_count(value, "", 1000000, &n) != 0)
        return -1;
    flags->repetitions = (int)n;
    return 0;
}

static int parse_report_aggregates_only(const char *value, bench_flags *flags)
{
    return parse_bool(value, &flags->report_aggregates_only);
}

static int parse_display_aggregates_only(const char *value, bench_flags *flags)
{
    return parse_bool(value, &flags->display_aggregates_only);
}

static int parse_format(const char *value, bench_flags *flags)
{
    return parse_format_name(value, &flags->format);
}

static int parse_out(const char *value, bench_flags *flags)
{
    if (*value == '\0')
        return -1;
    flags->out_path = value;
    return 0;
}

static int parse_out_format(const char *value, bench_flags *flags)
{
    return parse_format_name(value, &flags->out_format);
}

static int parse_list_tests(const char *value, bench_flags *flags)
{
    return parse_bool(value, &flags->list_tests);
}

/* Context keys the JSON context already has: a second one would make a
 * duplicate key. */
static bool is_builtin_context_key(const char *key, size_t len)
{
    static const char *const builtin[] = {
        "date", "host_name", "executable", "num_cpus", "mhz_per_cpu",
        "cpu_scaling_enabled", "caches", "load_avg", "library_build_type"};
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
        if (strlen(builtin[i]) == len && memcmp(builtin[i], key, len) == 0)
            return true;
    }
    return false;
}

static bool has_context_key(const bench_flags *flags, const char *key, size_t len)
{
    for (size_t i = 0; i < flags->context_count; i++) {
        if (strlen(flags->context[i].key) == len && memcmp(flags->context[i].key, key, len) == 0)
            return true;
    }
    return false;
}

static char *copy_span(const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy != NULL) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

/* One "KEY=VALUE" of the list. */
static int add_context_pair(const char *pair, size_t len, bench_flags *flags)
{
    const char *eq = memchr(pair, '=', len);
    if (eq == NULL || eq == pair)
        return -1;
    size_t key_len = (size_t)(eq - pair);
    if (is_builtin_context_key(pair, key_len) || has_context_key(flags, pair, key_len))
        return -1;
    bench_kv *grown = realloc(flags->context, (flags->context_count + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    flags->context = grown;
    bench_kv *kv = &flags->context[flags->context_count];
    kv->key = copy_span(pair, key_len);
    kv->value = copy_span(eq + 1, len - key_len - 1);
    if (kv->key == NULL || kv->value == NULL) {
        free(kv->key);
        free(kv->value);
        return -1;
    }
    flags->context_count++;
    return 0;
}

/* "KEY=VALUE[,KEY=VALUE...]" as libbenchmark; the flag may also repeat. */
static int parse_context(const char *value, bench_flags *flags)
{
    for (;;) {
        const char *comma = strchr(value, ',');
        size_t len = comma != NULL ? (size_t)(comma - value) : strlen(value);
        if (add_context_pair(value, len, flags) != 0)
            return -1;
        if (comma == NULL)
            return 0;
        value = comma + 1;
    }
}

static const flag_spec flag_specs[] = {
    {"benchmark_filter", false, parse_filter, "a POSIX extended regex, optionally after '-'"},
    {"benchmark_min_time", false, parse_min_time, "seconds (0.5, 0.5s) or an iteration count (100x)"},
    {"benchmark_repetitions", false, parse_repetitions, "a positive integer"},
    {"benchmark_report_aggregates_only", true, parse_report_aggregates_only, "true or false"},
    {"benchmark_display_aggregates_only", true, parse_display_aggregates_only, "true or false"},
    {"benchmark_format", false, parse_format, "console, json or csv"},
    {"benchmark_out", false, parse_out, "a file name"},
    {"benchmark_out_format", false, parse_out_format, "console, json or csv"},
    {"benchmark_list_tests", true, parse_list_tests, "true or false"},
    {"benchmark_context", false, parse_context,
     "KEY=VALUE[,KEY=VALUE...] with new, non-empty keys"},
};

/* "--name" / "-name" (value NULL) or "--name=value". */
static bool match_flag(const char *arg, const char *name, const char **value)
{
    if (arg[0] != '-')
        return false;
    arg += arg[1] == '-' ? 2 : 1;
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0)
        return false;
    if (arg[len] == '\0') {
        *value = NULL;
        return true;
    }
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return true;
    }
    return false;
}

static int parse_one(const char *program, const char *arg, bench_flags *flags, FILE *err)
{
    const char *value;
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        flags->help = true;
        return 0;
    }
    for (size_t i = 0; i < sizeof flag_specs / sizeof flag_specs[0]; i++) {
        const flag_spec *spec = &flag_specs[i];
        if (!match_flag(arg, spec->name, &value))
            continue;
        if (value == NULL && !spec->is_bool) {
            fprintf(err, "%s: --%s needs a value: --%s=<%s>\n", program, spec->name,
                    spec->name, spec->expected);
            return 2;
        }
        if (spec->parse(value, flags) != 0) {
            fprintf(err, "%s: invalid value \"%s\" for --%s (expected %s)\n", program, value,
                    spec->name, spec->expected);
            return 2;
        }
        return 0;
    }
    const char *bare = arg + strspn(arg, "-");
    if (strncmp(bare, "benchmark_", 10) == 0)
        fprintf(err, "%s: unknown flag: %s (see --help)\n", program, arg);
    else
        fprintf(err, "%s: unrecognized argument: %s (see --help)\n", program, arg);
    return 2;
}

static int compare_kv(const void *a, const void *b)
{
    return strcmp(((const bench_kv *)a)->key, ((const bench_kv *)b)->key);
}

int bench_flags_parse(int argc, char **argv, bench_flags *flags, FILE *err)
{
    memset(flags, 0, sizeof *flags);
    flags->filter = "";
    flags->min_time = 0.5;
    flags->repetitions = 1;
    flags->format = BENCH_FORMAT_CONSOLE;
    flags->out_format = BENCH_FORMAT_JSON;
    const char *program = argc > 0 && argv[0] != NULL ? argv[0] : "bench";
    for (int i = 1; i < argc; i++) {
        int status = parse_one(program, argv[i], flags, err);
        if (status != 0)
            return status;
    }
    if (flags->context_count > 1)
        qsort(flags->context, flags->context_count, sizeof *flags->context, compare_kv);
    return 0;
}

void bench_flags_free(bench_flags *flags)
{
    for (size_t i = 0; i < flags->context_count; i++) {
        free(flags->context[i].key);
        free(flags->context[i].value);
    }
    free(flags->context);
    flags->context = NULL;
    flags->context_count = 0;
}

void bench_print_usage(FILE *out, const char *program)
{
    fprintf(out,
            "usage: %s [flags]\n"
            "  --benchmark_filter=REGEX            run the benchmarks whose name matches (POSIX\n"
            "                                      extended, unanchored); a leading '-' negates;\n"
            "                                      \"all\" or \".\" selects everything\n"
            "  --benchmark_min_time=SECONDS        calibrate until a run lasts this long\n"
            "                                      (default 0.5; \"2.5s\"; \"100x\" fixes iterations)\n"
            "  --benchmark_repetitions=N           repeat each benchmark N times and add\n"
            "                                      mean, median, stddev and cv (default 1)\n"
            "  --benchmark_report_aggregates_only[=true|false]\n"
            "                                      report only the aggregates\n"
            "  --benchmark_display_aggregates_only[=true|false]\n"
            "                                      show only the aggregates on stdout\n"
            "  --benchmark_format=console|json|csv the format on stdout (default console)\n"
            "  --benchmark_out=FILE                also write the report to FILE\n"
            "  --benchmark_out_format=console|json|csv\n"
            "                                      the format of FILE (default json)\n"
            "  --benchmark_list_tests[=true|false] list the selected benchmarks, run nothing\n"
            "  --benchmark_context=KEY=VALUE[,...] extra context fields (repeatable)\n"
            "  --help                              this text\n"
            "exit status: 0, 1 when a benchmark failed, 2 on a bad flag or output file\n",
            program);
}

int bench_filter_init(bench_filter *filter, const char *spec, FILE *err)
{
    memset(filter, 0, sizeof *filter);
    /* As libbenchmark: "", "all" (and ".") first, then the negation. */
    if (spec == NULL || *spec == '\0' || strcmp(spec, "all") == 0 || strcmp(spec, ".") == 0) {
        filter->match_all = true;
        return 0;
    }
    if (*spec == '-') {
        filter->negate = true;
        spec++;
    }
    int rc = regcomp(&filter->re, spec, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char message[256];
        regerror(rc, &filter->re, message, sizeof message);
        fprintf(err, "invalid --benchmark_filter regex \"%s\": %s\n", spec, message);
        return 2;
    }
    filter->compiled = true;
    return 0;
}

bool bench_filter_matches(const bench_filter *filter, const char *name)
{
    if (filter->match_all)
        return true;
    bool found = regexec(&filter->re, name, 0, NULL, 0) == 0;
    return found != filter->negate;
}

void bench_filter_free(bench_filter *filter)
{
    if (filter->compiled)
        regfree(&filter->re);
    filter->compiled = false;
}
