/* batch.h — evaluating one line of `iamgate eval` (batch.c). A worker owns
 * a parser, JSON readers and a cache of compiled policy sets; it is used by
 * one thread at a time. */
#ifndef IAMGATE_CLI_BATCH_H
#define IAMGATE_CLI_BATCH_H

#include "iamgate.h"
#include "jbuf.h"

typedef struct batch_worker batch_worker;

/* no_cache: parse and compile every line's policies afresh. NULL when out
 * of memory. */
batch_worker *batch_worker_create(bool no_cache);
void batch_worker_destroy(batch_worker *w);

/* Appends the result line (or error line) of one case line (without its
 * newline) to out; line_number is where errors say it was. */
void batch_eval_line(batch_worker *w, const char *line, size_t len, size_t line_number, jbuf *out);

/* How many lines so far were errors. */
size_t batch_worker_errors(const batch_worker *w);

#endif /* IAMGATE_CLI_BATCH_H */
