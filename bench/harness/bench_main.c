/* bench_main: flags, selection, the run loop and the reporters. */
#include "bench_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Indexes of the registered benchmarks the filter selects, in order. */
typedef struct selection {
    size_t *indexes;
    size_t count;
} selection;

static bool select_benchmarks(const bench_registry *registry, const bench_filter *filter,
                              selection *selected)
{
    selected->count = 0;
    selected->indexes = malloc((registry->count + 1) * sizeof *selected->indexes);
    if (selected->indexes == NULL)
        return false;
    for (size_t i = 0; i < registry->count; i++) {
        if (bench_filter_matches(filter, registry->defs[i].name))
            selected->indexes[selected->count++] = i;
    }
    return true;
}

/* libbenchmark's name column: the longest name, room for "_median" when
 * there will be aggregates, at least 10. */
static int name_column_width(const bench_registry *registry, const selection *selected,
                             const bench_flags *flags)
{
    size_t width = 10;
    for (size_t i = 0; i < selected->count; i++) {
        size_t len = strlen(registry->defs[selected->indexes[i]].name);
        if (len > width)
            width = len;
    }
    if (flags->repetitions > 1)
        width += strlen("_median");
    return (int)width;
}

static void init_reporter(bench_reporter *reporter, bench_format format, FILE *out, FILE *err,
                          bool aggregates_only, int name_width,
                          const bench_context_info *context)
{
    memset(reporter, 0, sizeof *reporter);
    reporter->format = format;
    reporter->out = out;
    reporter->err = err;
    reporter->aggregates_only = aggregates_only;
    reporter->name_width = name_width;
    reporter->context = context;
}

/* Runs the selection, reporting each benchmark as it finishes to the
 * display and the file (when there is one). Returns 0, or 1 when a
 * benchmark failed or memory ran out. */
static int run_and_report(const bench_registry *registry, const selection *selected,
                          const bench_flags *flags, bench_reporter *display,
                          bench_reporter *file)
{
    bench_results results = {0};
    int status = 0;
    bench_report_begin(display);
    if (file != NULL)
        bench_report_begin(file);
    for (size_t i = 0; i < selected->count; i++) {
        const bench_def *def = &registry->defs[selected->indexes[i]];
        if (!bench_run_benchmark(def, i, flags, &results)) {
            fprintf(stderr, "%s: out of memory\n", def->name);
            status = 1;
            break;
        }
        const bench_batch *batch = &results.batches[results.batch_count - 1];
        bench_report_batch(display, &results, batch);
        if (file != NULL)
            bench_report_batch(file, &results, batch);
    }
    bench_report_end(display, &results);
    if (file != NULL)
        bench_report_end(file, &results);
    /* On stderr when stdout carries JSON or CSV, which must stay parseable. */
    bench_report_baselines(display->format == BENCH_FORMAT_CONSOLE ? stdout : stderr, &results);
    if (results.any_error)
        status = 1;
    bench_results_free(&results);
    return status;
}

static int run_selection(const bench_registry *registry, const selection *selected,
                         const bench_flags *flags, const char *program)
{
    FILE *file = NULL;
    if (flags->out_path != NULL) {
        file = fopen(flags->out_path, "w");
        if (file == NULL) {
            fprintf(stderr, "%s: cannot open --benchmark_out file \"%s\": %s\n", program,
                    flags->out_path, strerror(errno));
            return 2;
        }
    }
    bench_context_info context;
    bench_context_gather(&context, program, flags);
    int width = name_column_width(registry, selected, flags);
    bench_reporter display, file_reporter;
    init_reporter(&display, flags->format, stdout, stderr,
                  flags->display_aggregates_only || flags->report_aggregates_only, width,
                  &context);
    /* A console-format file gets its context header too, as libbenchmark. */
    init_reporter(&file_reporter, flags->out_format, file, file, flags->report_aggregates_only,
                  width, &context);
    int status = run_and_report(registry, selected, flags, &display,
                                file != NULL ? &file_reporter : NULL);
    if (file != NULL && (ferror(file) || fclose(file) != 0)) {
        fprintf(stderr, "%s: error writing \"%s\"\n", program, flags->out_path);
        status = 2;
    }
    return status;
}

static void list_tests(const bench_registry *registry, const selection *selected)
{
    for (size_t i = 0; i < selected->count; i++)
        printf("%s\n", registry->defs[selected->indexes[i]].name);
}

static int select_and_run(const bench_registry *registry, const bench_flags *flags,
                          const char *program)
{
    bench_filter filter;
    selection selected;
    if (bench_filter_init(&filter, flags->filter, stderr) != 0)
        return 2;
    bool ok = select_benchmarks(registry, &filter, &selected);
    bench_filter_free(&filter);
    if (!ok) {
        fprintf(stderr, "%s: out of memory\n", program);
        return 1;
    }
    int status = 0;
    if (flags->list_tests)
        list_tests(registry, &selected);
    else if (selected.count == 0)
        fprintf(stderr, "Failed to match any benchmarks against regex: %s\n", flags->filter);
    else
        status = run_selection(registry, &selected, flags, program);
    free(selected.indexes);
    return status;
}

int bench_main(bench_registry *registry, int argc, char **argv)
{
    const char *program = argc > 0 && argv[0] != NULL ? argv[0] : "bench";
    bench_flags flags;
    int status = bench_flags_parse(argc, argv, &flags, stderr);
    if (status == 0 && flags.help)
        bench_print_usage(stdout, program);
    else if (status == 0)
        status = select_and_run(registry, &flags, program);
    bench_flags_free(&flags);
    free(registry->defs);
    registry->defs = NULL;
    registry->count = registry->cap = 0;
    return status;
}
