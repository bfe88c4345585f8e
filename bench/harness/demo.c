/* bench_harness_demo: three small benchmarks exercising the harness
 * (setup, items/bytes, a rate counter, a label and an in-run baseline). */
#include "bench.h"

#include <stddef.h>

enum { SUM_LEN = 1024, KEY_LEN = 64 };

typedef struct sum_data {
    uint64_t values[SUM_LEN];
} sum_data;

static const char *fill_values(void *arg)
{
    sum_data *data = arg;
    for (size_t i = 0; i < SUM_LEN; i++)
        data->values[i] = (uint64_t)i * 2654435761u;
    return NULL;
}

static void bm_sum(bench_state *state, void *arg)
{
    const sum_data *data = arg;
    for (uint64_t it = 0; it < state->iterations; it++) {
        bench_do_not_optimize_ptr(data->values); /* re-read every iteration */
        uint64_t sum = 0;
        for (size_t i = 0; i < SUM_LEN; i++)
            sum += data->values[i];
        bench_do_not_optimize_u64(sum);
    }
    bench_set_items_processed(state, state->iterations * SUM_LEN);
    bench_set_bytes_processed(state, state->iterations * sizeof data->values);
}

/* The same sum through volatile loads: no vectorisation, the baseline. */
static void bm_sum_volatile(bench_state *state, void *arg)
{
    const volatile uint64_t *values = ((const sum_data *)arg)->values;
    for (uint64_t it = 0; it < state->iterations; it++) {
        uint64_t sum = 0;
        for (size_t i = 0; i < SUM_LEN; i++)
            sum += values[i];
        bench_do_not_optimize_u64(sum);
    }
    bench_set_items_processed(state, state->iterations * SUM_LEN);
}

static void bm_fnv1a(bench_state *state, void *arg)
{
    (void)arg;
    unsigned char key[KEY_LEN];
    for (size_t i = 0; i < KEY_LEN; i++)
        key[i] = (unsigned char)i;
    for (uint64_t it = 0; it < state->iterations; it++) {
        bench_do_not_optimize_ptr(key);
        uint64_t hash = 14695981039346656037u;
        for (size_t i = 0; i < KEY_LEN; i++)
            hash = (hash ^ key[i]) * 1099511628211u;
        bench_do_not_optimize_u64(hash);
    }
    bench_set_bytes_processed(state, state->iterations * KEY_LEN);
    bench_set_counter(state, "hashes", (double)state->iterations, BENCH_COUNTER_RATE);
    bench_set_label(state, "key=64B");
}

int main(int argc, char **argv)
{
    static sum_data data;
    bench_registry registry = {0};
    bench_def *def = bench_register(&registry, "demo/sum/1k", bm_sum, &data);
    if (def == NULL)
        return 1;
    def->setup = fill_values;
    def->baseline = "demo/sum/1k/volatile";
    def = bench_register(&registry, "demo/sum/1k/volatile", bm_sum_volatile, &data);
    if (def == NULL)
        return 1;
    def->setup = fill_values;
    if (bench_register(&registry, "demo/fnv1a/64B", bm_fnv1a, NULL) == NULL)
        return 1;
    return bench_main(&registry, argc, argv);
}
