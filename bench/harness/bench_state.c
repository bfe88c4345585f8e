/* The API a benchmark sees: registration and what a body reports. */
#include "bench_internal.h"

#include <stdlib.h>
#include <string.h>

/* Entries are handed out as pointers into one array, so it starts large:
 * a pointer stays valid while the registry holds fewer than this many. */
#define BENCH_REGISTRY_INITIAL_CAP 1024

static void copy_truncated(char *dst, size_t cap, const char *src)
{
    size_t len = strlen(src);
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

void bench_set_items_processed(bench_state *state, uint64_t items)
{
    state->items_processed = items;
}

void bench_set_bytes_processed(bench_state *state, uint64_t bytes)
{
    state->bytes_processed = bytes;
}

static bench_counter *find_counter(bench_state *state, const char *name)
{
    for (int i = 0; i < state->counter_count; i++) {
        if (strcmp(state->counters[i].name, name) == 0)
            return &state->counters[i];
    }
    return NULL;
}

void bench_set_counter(bench_state *state, const char *name, double value,
                       bench_counter_kind kind)
{
    bench_counter *counter = find_counter(state, name);
    /* Losing a counter silently would hide a mistake: fail the run instead. */
    if (strlen(name) >= sizeof counter->name) {
        bench_skip_with_error(state, "user counter name longer than 31 bytes");
        return;
    }
    if (counter == NULL) {
        if (state->counter_count == BENCH_MAX_COUNTERS) {
            bench_skip_with_error(state, "more than BENCH_MAX_COUNTERS user counters");
            return;
        }
        counter = &state->counters[state->counter_count++];
        copy_truncated(counter->name, sizeof counter->name, name);
    }
    counter->value = value;
    counter->kind = kind;
}

void bench_set_label(bench_state *state, const char *label)
{
    copy_truncated(state->label, sizeof state->label, label);
}

void bench_skip_with_error(bench_state *state, const char *message)
{
    if (state->error_occurred)
        return; /* the first error is the one reported, as in libbenchmark */
    state->error_occurred = true;
    copy_truncated(state->error_message, sizeof state->error_message, message);
}

bench_def *bench_register(bench_registry *registry, const char *name, bench_body_fn body,
                          void *arg)
{
    if (strlen(name) >= BENCH_NAME_MAX)
        return NULL;
    if (registry->count == registry->cap) {
        size_t cap = registry->cap == 0 ? BENCH_REGISTRY_INITIAL_CAP : registry->cap * 2;
        bench_def *defs = realloc(registry->defs, cap * sizeof *defs);
        if (defs == NULL)
            return NULL;
        registry->defs = defs;
        registry->cap = cap;
    }
    bench_def *def = &registry->defs[registry->count++];
    memset(def, 0, sizeof *def);
    copy_truncated(def->name, sizeof def->name, name);
    def->body = body;
    def->arg = arg;
    def->unit = BENCH_NS;
    return def;
}

void bench_results_free(bench_results *results)
{
    free(results->runs);
    free(results->batches);
    memset(results, 0, sizeof *results);
}
