/*
 * fuzz_batch_line.c — differential target for `iamgate eval` lines
 * (cli/batch.c): a worker with the cache against one without. The cached
 * worker sees the line twice, so that the second time a plain line takes
 * the On-Demand fast path (core/src/json/json_case.cpp) against the policy
 * set the DOM path compiled the first time; all three outputs must be
 * byte-identical. Newlines in the input become spaces (a line has none).
 */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT 65536

static batch_worker *cached, *uncached;

static void require(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static char line[MAX_INPUT];
    if (size > MAX_INPUT)
        return 0;
    if (cached == NULL) {
        cached = batch_worker_create(false);
        uncached = batch_worker_create(true);
        require(cached != NULL && uncached != NULL);
    }
    for (size_t i = 0; i < size; i++)
        line[i] = data[i] == '\n' ? ' ' : (char)data[i];
    jbuf first = {0}, second = {0}, reference = {0};
    batch_eval_line(cached, line, size, 1, &first);
    batch_eval_line(cached, line, size, 1, &second);
    batch_eval_line(uncached, line, size, 1, &reference);
    require(jbuf_ok(&first) && jbuf_ok(&second) && jbuf_ok(&reference));
    require(first.len == reference.len && memcmp(first.data, reference.data, first.len) == 0);
    require(second.len == reference.len && memcmp(second.data, reference.data, second.len) == 0);
    jbuf_free(&first);
    jbuf_free(&second);
    jbuf_free(&reference);
    return 0;
}
