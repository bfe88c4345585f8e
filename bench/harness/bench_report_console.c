/* The console table, as libbenchmark's ConsoleReporter prints it. */
#include "bench_internal.h"

#include <math.h>
#include <string.h>

void bench_console_context(FILE *out, const bench_context_info *context)
{
    fprintf(out, "%s\n", context->date);
    fprintf(out, "Running %s\n", context->executable);
    fprintf(out, "Run on (%d X %g MHz CPU %s)\n", context->num_cpus, context->mhz_per_cpu,
            context->num_cpus > 1 ? "s" : "");
    if (context->cache_count > 0)
        fprintf(out, "CPU Caches:\n");
    for (int i = 0; i < context->cache_count; i++) {
        const bench_cache_info *cache = &context->caches[i];
        fprintf(out, "  L%d %s %lld KiB", cache->level, cache->type, cache->size / 1024);
        if (cache->num_sharing != 0)
            fprintf(out, " (x%d)", context->num_cpus / cache->num_sharing);
        fprintf(out, "\n");
    }
    if (context->load_avg_count > 0) {
        fprintf(out, "Load Average: ");
        for (int i = 0; i < context->load_avg_count; i++)
            fprintf(out, "%s%.2f", i > 0 ? ", " : "", context->load_avg[i]);
        fprintf(out, "\n");
    }
    for (size_t i = 0; i < context->extra_count; i++)
        fprintf(out, "%s: %s\n", context->extra[i].key, context->extra[i].value);
    if (context->cpu_scaling_enabled)
        fprintf(out, "***WARNING*** CPU scaling is enabled, the benchmark real time measurements "
                     "may be noisy and will incur extra overhead.\n");
#ifndef NDEBUG
    fprintf(out, "***WARNING*** Library was built as DEBUG. Timings may be affected.\n");
#endif
    fflush(out);
}

void bench_format_time(double time, char *buf, size_t cap)
{
    /* Ten characters for the number, decimals aligned as far as they go. */
    if (time < 1.0)
        snprintf(buf, cap, "%10.3f", time);
    else if (time < 10.0)
        snprintf(buf, cap, "%10.2f", time);
    else if (time < 100.0)
        snprintf(buf, cap, "%10.1f", time);
    else if (time > 9999999999.0)
        snprintf(buf, cap, "%1.4e", time);
    else
        snprintf(buf, cap, "%10.0f", time);
}

void bench_format_human(double value, bool binary_prefix, char *buf, size_t cap)
{
    /* libbenchmark's ToExponentAndMantissa(value, 1.1, 1, one_k): values
     * above 1.1k (or 1.1Ki) step up a prefix, values below 0.01 step down
     * until they reach 1.1; the bytes counters use 1024 but the same
     * letters. */
    static const char big[] = "kMGTPEZY";
    static const char small[] = "munpfazy";
    const double one_k = binary_prefix ? 1024.0 : 1000.0;
    const double threshold = 1.1;
    const char *sign = value < 0 ? "-" : "";
    double magnitude = fabs(value);
    if (magnitude > threshold * one_k) {
        double scaled = magnitude;
        for (int i = 0; i < 8; i++) {
            scaled /= one_k;
            if (scaled <= threshold * one_k) {
                snprintf(buf, cap, "%s%g%c", sign, scaled, big[i]);
                return;
            }
        }
    } else if (magnitude < 0.01 && magnitude > 0.0) {
        double scaled = magnitude;
        for (int i = 0; i < 8; i++) {
            scaled *= one_k;
            if (scaled >= threshold) {
                snprintf(buf, cap, "%s%g%c", sign, scaled, small[i]);
                return;
            }
        }
    }
    snprintf(buf, cap, "%s%g", sign, magnitude);
}

static void print_header(bench_reporter *reporter, const bench_run *first)
{
    char header[256];
    int len = snprintf(header, sizeof header, "%-*s %13s %15s %12s", reporter->name_width,
                       "Benchmark", "Time", "CPU", "Iterations");
    if (first->metric_count > 0 && len > 0 && (size_t)len < sizeof header)
        len += snprintf(header + len, sizeof header - (size_t)len, " UserCounters...");
    for (int i = 0; i < len; i++)
        fputc('-', reporter->out);
    fprintf(reporter->out, "\n%s\n", header);
    for (int i = 0; i < len; i++)
        fputc('-', reporter->out);
    fputc('\n', reporter->out);
}

static bool is_percentage(const bench_run *run)
{
    return run->type == BENCH_RUN_AGGREGATE && run->aggregate == BENCH_AGG_CV;
}

static void print_times(FILE *out, const bench_run *run)
{
    if (is_percentage(run)) {
        fprintf(out, "%10.2f %-4s %10.2f %-4s ", 100.0 * run->real_time, "%",
                100.0 * run->cpu_time, "%");
        return;
    }
    char real[40], cpu[40];
    const char *unit = bench_unit_name(run->def->unit);
    bench_format_time(run->real_time, real, sizeof real);
    bench_format_time(run->cpu_time, cpu, sizeof cpu);
    fprintf(out, "%s %-4s %s %-4s ", real, unit, cpu, unit);
}

static void print_metrics(FILE *out, const bench_run *run)
{
    for (int i = 0; i < run->metric_count; i++) {
        const bench_metric *metric = &run->metrics[i];
        char value[48];
        const char *suffix = "";
        if (is_percentage(run)) {
            snprintf(value, sizeof value, "%.2f", 100.0 * metric->value);
            suffix = "%";
        } else {
            bench_format_human(metric->value, metric->binary_prefix, value, sizeof value);
            suffix = metric->per_second ? "/s" : "";
        }
        fprintf(out, " %s=%s%s", metric->name, value, suffix);
    }
}

void bench_console_run(bench_reporter *reporter, const bench_run *run)
{
    FILE *out = reporter->out;
    char name[BENCH_NAME_MAX + 16];
    if (!reporter->started) {
        print_header(reporter, run);
        reporter->started = true;
    }
    bench_run_name(run, name, sizeof name);
    fprintf(out, "%-*s ", reporter->name_width, name);
    if (run->error_occurred) {
        fprintf(out, "ERROR OCCURRED: '%s'\n", run->error_message);
        return;
    }
    print_times(out, run);
    fprintf(out, "%10llu", (unsigned long long)run->iterations);
    print_metrics(out, run);
    if (run->label[0] != '\0')
        fprintf(out, " %s", run->label);
    fputc('\n', out);
}
