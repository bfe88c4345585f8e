/*
 * iamgate_bench — iamgate's benchmarks under a Google-Benchmark-compatible
 * harness (bench/harness/bench.h): its flags, console table, JSON and CSV.
 *
 *   iamgate_bench [--benchmark_filter=REGEX] [--benchmark_repetitions=N] ...
 *   iamgate_bench --dump-workload=NAME     one eval stream as JSON (bench/peers)
 */
#include "benchmarks.h"
#include "workloads.h"

#include <stdio.h>
#include <string.h>

static int dump_workload(const char *name)
{
    const workload *w = NULL;
    const char *error = workload_get(name, &w);
    if (error != NULL) {
        fprintf(stderr, "iamgate_bench: %s: %s\n", name, error);
        return 2;
    }
    workload_dump(w, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    static const char flag[] = "--dump-workload=";
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], flag, sizeof flag - 1) == 0)
            return dump_workload(argv[i] + sizeof flag - 1);
    bench_registry registry = {0};
    register_eval_benchmarks(&registry);
    register_corpus_benchmarks(&registry);
    register_glob_benchmarks(&registry);
    return bench_main(&registry, argc, argv);
}
