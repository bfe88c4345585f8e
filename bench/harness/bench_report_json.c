/* JSON in libbenchmark 1.7.1's shape and key order (what compare.py reads). */
#include "bench_internal.h"

#include <math.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static size_t utf8_sequence_length(const unsigned char *s)
{
    size_t len;
    unsigned min;
    unsigned code;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        min = 0x80;
        code = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        min = 0x800;
        code = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        min = 0x10000;
        code = s[0] & 0x07u;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        code = (code << 6) | (s[i] & 0x3Fu);
    }
    bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    return code < min || code > 0x10FFFF || surrogate ? 0 : len;
}

static void write_escaped_byte(FILE *out, unsigned char c)
{
    switch (c) {
    case '"':
        fputs("\\\"", out);
        break;
    case '\\':
        fputs("\\\\", out);
        break;
    case '\n':
        fputs("\\n", out);
        break;
    case '\r':
        fputs("\\r", out);
        break;
    case '\t':
        fputs("\\t", out);
        break;
    case '\b':
        fputs("\\b", out);
        break;
    case '\f':
        fputs("\\f", out);
        break;
    default:
        if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
}

void bench_json_write_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    while (*p != '\0') {
        size_t len = utf8_sequence_length(p);
        if (len == 0) { /* a strict parser would reject the whole document */
            fputs("\\ufffd", out);
            p++;
        } else if (len == 1) {
            write_escaped_byte(out, *p++);
        } else {
            fwrite(p, 1, len, out);
            p += len;
        }
    }
    fputc('"', out);
}

void bench_json_write_double(FILE *out, double value)
{
    if (isfinite(value))
        fprintf(out, "%.16e", value); /* 17 significant digits: round-trips */
    else
        fputs("null", out);
}

static void write_key(FILE *out, const char *indent, const char *key)
{
    fputs(indent, out);
    bench_json_write_string(out, key);
    fputs(": ", out);
}

static void write_string_field(FILE *out, const char *indent, const char *key, const char *value)
{
    write_key(out, indent, key);
    bench_json_write_string(out, value);
}

static void write_int_field(FILE *out, const char *indent, const char *key, long long value)
{
    write_key(out, indent, key);
    fprintf(out, "%lld", value);
}

static void write_cache(FILE *out, const bench_cache_info *cache, bool last)
{
    const char *in = "        ";
    fputs("      {\n", out);
    write_string_field(out, in, "type", cache->type);
    fputs(",\n", out);
    write_int_field(out, in, "level", cache->level);
    fputs(",\n", out);
    write_int_field(out, in, "size", cache->size);
    fputs(",\n", out);
    write_int_field(out, in, "num_sharing", cache->num_sharing);
    fputs(last ? "\n      }\n" : "\n      },\n", out);
}

static void write_context(FILE *out, const bench_context_info *c)
{
    const char *in = "    ";
    fputs("  \"context\": {\n", out);
    write_string_field(out, in, "date", c->date);
    fputs(",\n", out);
    write_string_field(out, in, "host_name", c->host_name);
    fputs(",\n", out);
    write_string_field(out, in, "executable", c->executable);
    fputs(",\n", out);
    write_int_field(out, in, "num_cpus", c->num_cpus);
    fputs(",\n", out);
    write_int_field(out, in, "mhz_per_cpu", (long long)(c->mhz_per_cpu + 0.5));
    fputs(",\n", out);
    write_key(out, in, "cpu_scaling_enabled");
    fputs(c->cpu_scaling_enabled ? "true,\n" : "false,\n", out);
    fputs("    \"caches\": [\n", out);
    for (int i = 0; i < c->cache_count; i++)
        write_cache(out, &c->caches[i], i == c->cache_count - 1);
    fputs("    ],\n    \"load_avg\": [", out);
    for (int i = 0; i < c->load_avg_count; i++)
        fprintf(out, "%s%g", i > 0 ? "," : "", c->load_avg[i]);
    fputs("],\n", out);
#ifdef NDEBUG
    write_string_field(out, in, "library_build_type", "release");
#else
    write_string_field(out, in, "library_build_type", "debug");
#endif
    for (size_t i = 0; i < c->extra_count; i++) {
        fputs(",\n", out);
        write_string_field(out, in, c->extra[i].key, c->extra[i].value);
    }
    fputs("\n  },\n", out);
}

void bench_json_begin(bench_reporter *reporter)
{
    fputs("{\n", reporter->out);
    write_context(reporter->out, reporter->context);
    fputs("  \"benchmarks\": [\n", reporter->out);
}

static void write_double_field(FILE *out, const char *indent, const char *key, double value)
{
    write_key(out, indent, key);
    bench_json_write_double(out, value);
}

/* name .. threads, and the aggregate's name and unit. */
static void write_identity(FILE *out, const bench_run *run)
{
    const char *in = "      ";
    char name[BENCH_NAME_MAX + 16];
    bool aggregate = run->type == BENCH_RUN_AGGREGATE;
    bench_run_name(run, name, sizeof name);
    write_string_field(out, in, "name", name);
    fputs(",\n", out);
    write_int_field(out, in, "family_index", (long long)run->family_index);
    fputs(",\n", out);
    write_int_field(out, in, "per_family_instance_index", 0);
    fputs(",\n", out);
    write_string_field(out, in, "run_name", run->def->name);
    fputs(",\n", out);
    write_string_field(out, in, "run_type", aggregate ? "aggregate" : "iteration");
    fputs(",\n", out);
    write_int_field(out, in, "repetitions", run->repetitions);
    fputs(",\n", out);
    if (!aggregate) {
        write_int_field(out, in, "repetition_index", run->repetition_index);
        fputs(",\n", out);
    }
    write_int_field(out, in, "threads", 1);
    fputs(",\n", out);
    if (aggregate) {
        write_string_field(out, in, "aggregate_name", bench_aggregate_name(run->aggregate));
        fputs(",\n", out);
        write_string_field(out, in, "aggregate_unit",
                           run->aggregate == BENCH_AGG_CV ? "percentage" : "time");
        fputs(",\n", out);
    }
}

void bench_json_run(bench_reporter *reporter, const bench_run *run)
{
    FILE *out = reporter->out;
    const char *in = "      ";
    if (reporter->started)
        fputs(",\n", out);
    reporter->started = true;
    fputs("    {\n", out);
    write_identity(out, run);
    if (run->error_occurred) {
        write_key(out, in, "error_occurred");
        fputs("true,\n", out);
        write_string_field(out, in, "error_message", run->error_message);
        fputs(",\n", out);
    }
    write_int_field(out, in, "iterations", (long long)run->iterations);
    fputs(",\n", out);
    write_double_field(out, in, "real_time", run->real_time);
    fputs(",\n", out);
    write_double_field(out, in, "cpu_time", run->cpu_time);
    fputs(",\n", out);
    write_string_field(out, in, "time_unit", bench_unit_name(run->def->unit));
    for (int i = 0; i < run->metric_count; i++) {
        fputs(",\n", out);
        write_double_field(out, in, run->metrics[i].name, run->metrics[i].value);
    }
    if (run->label[0] != '\0') {
        fputs(",\n", out);
        write_string_field(out, in, "label", run->label);
    }
    fputs("\n    }", out);
}

void bench_json_end(bench_reporter *reporter)
{
    fputs("\n  ]\n}\n", reporter->out);
}
