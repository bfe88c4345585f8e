/*
 * iamgate eval --cases FILE: batch evaluation, one JSON case a line in, one
 * JSON result a line out, in input order. A bad line yields an error line
 * and the run goes on.
 *
 * This file is the I/O: lines are read straight into blocks, processed by
 * worker threads (--threads, one batch_worker each: batch.c decides a
 * line), and the blocks' output written in input order, with reading the
 * next round and writing the last one overlapping the work.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "cli.h"
#include "batch.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char eval_usage[] =
    "usage: iamgate eval --cases FILE [--threads N]\n"
    "  Evaluates one JSON case a line (FILE \"-\" is standard input) and prints\n"
    "  one JSON result a line, in input order. A case:\n"
    "    {\"id\":\"c1\",\"policies\":[DOC,...],\"request\":{\"action\":\"chime:ListUsers\",\n"
    "     \"resource\":\"*\",\"principal\":\"arn:aws:iam::123456789012:user/alice\",\n"
    "     \"context\":{\"aws:username\":\"alice\",\"aws:SecureTransport\":true}}}\n"
    "  optional \"boundaries\", \"sessionPolicies\" and \"scps\" (one element an\n"
    "  organisation level: a document or an array of documents). DOC is a policy\n"
    "  object, a policy as a JSON string, or an AWS managed policy ARN.\n"
    "  Result: {\"id\":..,\"decision\":\"Allow\"|\"ExplicitDeny\"|\"ImplicitDeny\",\n"
    "           \"matched\":[..],\"missingContext\":[..]}\n"
    "      or {\"id\":..,\"error\":{\"code\":..,\"message\":..,\"line\":..,\"column\":..}}\n"
    "  --threads N   worker threads (default: the number of CPUs, at most 8)\n"
    "  --no-cache    parse and compile every line's policies afresh (slow; for\n"
    "                checking that cached and uncached runs agree)\n"
    "Exit: 0 every line evaluated, 1 some lines were errors, 2 usage or I/O error.\n";

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return false;
    return true;
}

/* ---- blocks of lines, threads, ordered output ---- */

typedef struct block {
    char *data;          /* whole lines, the last one ending in '\n' */
    size_t len, cap;     /* reused from block to block */
    size_t first_line;   /* 1-based number of its first line */
    jbuf out;
} block;

static void eval_block(batch_worker *w, block *b)
{
    size_t line_number = b->first_line;
    const char *p = b->data, *end = b->data + b->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl != NULL ? nl : end) - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (!blank(p, n))
            batch_eval_line(w, p, n, line_number, &b->out);
        line_number++;
        p += n + 1;
        if (nl != NULL)
            p = nl + 1;
    }
}

typedef struct job {
    batch_worker *w;
    block *b;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    eval_block(j->w, j->b);
    return NULL;
}

enum { BLOCK_BYTES = 1 << 20 };

/* Reads straight into the blocks; only the partial line at a block's end
 * is copied (into carry, then to the front of the next block). */
typedef struct reader {
    FILE *in;
    char *carry;
    size_t carry_len, carry_cap;
    bool eof;
    size_t line;         /* number of the next line */
} reader;

static bool reader_more(const reader *r) { return !r->eof || r->carry_len > 0; }

/* Counts newlines in p[0..n). */
static size_t count_lines(const char *p, size_t n)
{
    size_t count = 0;
    for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + n - q))) != NULL; q++)
        count++;
    return count;
}

static bool ensure(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    need += need / 2 + 4096; /* slack: the carried line varies from block to block */
    char *bigger = realloc(*buf, need);
    if (bigger == NULL)
        return false;
    *buf = bigger;
    *cap = need;
    return true;
}

/* Fills blk with whole lines: the carried partial line, then up to about
 * BLOCK_BYTES more. A line longer than that makes the next block twice as
 * large, so any line length costs linear time. A block may be empty. */
static bool next_block(reader *r, block *blk)
{
    size_t want = r->carry_len + (r->carry_len > BLOCK_BYTES ? r->carry_len : BLOCK_BYTES);
    if (!ensure(&blk->data, &blk->cap, want))
        return false;
    if (r->carry_len > 0)
        memcpy(blk->data, r->carry, r->carry_len);
    size_t len = r->carry_len;
    while (!r->eof && len < want) {
        size_t got = fread(blk->data + len, 1, want - len, r->in);
        len += got;
        if (got == 0)
            r->eof = true;
    }
    size_t take = len;
    if (!r->eof)
        while (take > 0 && blk->data[take - 1] != '\n')
            take--;
    if (!ensure(&r->carry, &r->carry_cap, len - take))
        return false;
    if (len > take)
        memcpy(r->carry, blk->data + take, len - take);
    r->carry_len = len - take;
    blk->len = take;
    blk->first_line = r->line;
    r->line += count_lines(blk->data, take);
    return true;
}

static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* A round: one block per worker, processed in parallel. Two rounds
 * alternate so that reading the next round and writing the last one
 * overlap with the work on the current one. */
typedef struct round {
    block blocks[8];
    job jobs[8];
    pthread_t tid[8];
    bool spawned[8];
    int n;
} round;

static bool read_round(reader *r, round *rd, int threads)
{
    rd->n = 0;
    while (rd->n < threads && reader_more(r)) {
        if (!next_block(r, &rd->blocks[rd->n]))
            return false;
        rd->n++;
    }
    return true;
}

static void start_round(round *rd, batch_worker **workers)
{
    for (int i = 0; i < rd->n; i++) {
        rd->jobs[i] = (job){workers[i], &rd->blocks[i]};
        rd->spawned[i] = pthread_create(&rd->tid[i], NULL, run_job, &rd->jobs[i]) == 0;
    }
}

static void finish_round(round *rd)
{
    for (int i = 0; i < rd->n; i++) {
        if (rd->spawned[i])
            pthread_join(rd->tid[i], NULL);
        else
            run_job(&rd->jobs[i]); /* no thread to be had: do it here */
    }
}

static bool write_round(round *rd)
{
    bool ok = true;
    for (int i = 0; i < rd->n; i++)
        ok = jbuf_ok(&rd->blocks[i].out) && jbuf_flush(&rd->blocks[i].out, stdout) && ok;
    return ok;
}

static void free_round(round *rd)
{
    for (int i = 0; i < 8; i++) {
        jbuf_free(&rd->blocks[i].out);
        free(rd->blocks[i].data);
    }
}

/* A pipe holds 64 KiB by default: at a million lines a second both ends
 * would spend their time switching. Ask for 1 MiB (Linux; best effort). */
static void widen_pipe(FILE *f)
{
#ifdef F_SETPIPE_SZ
    (void)fcntl(fileno(f), F_SETPIPE_SZ, 1 << 20);
#else
    (void)f;
#endif
}

static int run_cases(FILE *in, int threads, bool no_cache)
{
    widen_pipe(in);
    widen_pipe(stdout);
    batch_worker **workers = calloc((size_t)threads, sizeof *workers);
    round *rounds = calloc(2, sizeof *rounds);
    reader r = {in, NULL, 0, 0, false, 1};
    bool ok = workers != NULL && rounds != NULL;
    int started = 0;
    for (; ok && started < threads; started++) {
        workers[started] = batch_worker_create(no_cache);
        ok = workers[started] != NULL;
    }
    round *cur = &rounds[0], *next = &rounds[1];
    ok = ok && read_round(&r, cur, threads);
    if (ok)
        start_round(cur, workers);
    while (ok && cur->n > 0) {
        ok = read_round(&r, next, threads);
        finish_round(cur);
        if (!ok)
            break;
        start_round(next, workers);
        ok = write_round(cur);
        round *done = cur;
        cur = next;
        next = done;
        if (!ok)
            finish_round(cur);
    }
    size_t errors = 0;
    for (int i = 0; i < started; i++) {
        if (workers[i] != NULL)
            errors += batch_worker_errors(workers[i]);
        batch_worker_destroy(workers[i]);
    }
    if (rounds != NULL) {
        free_round(&rounds[0]);
        free_round(&rounds[1]);
    }
    free(workers);
    free(rounds);
    free(r.carry);
    if (fflush(stdout) != 0 || ferror(in))
        ok = false;
    if (!ok) {
        fprintf(stderr, "iamgate eval: out of memory or I/O error\n");
        return CLI_EXIT_USAGE;
    }
    return errors ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
}

int cmd_eval(int argc, char **argv)
{
    const char *path = NULL;
    int threads = default_threads();
    bool no_cache = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = atoi(argv[++i]);
            if (threads < 1 || threads > 8) {
                fprintf(stderr, "iamgate eval: --threads takes 1 to 8\n");
                return CLI_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--no-cache") == 0) {
            no_cache = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(eval_usage, stdout);
            return CLI_EXIT_OK;
        } else {
            fprintf(stderr, "iamgate eval: unknown or incomplete option '%s'\n%s", argv[i], eval_usage);
            return CLI_EXIT_USAGE;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "iamgate eval: --cases FILE is required\n%s", eval_usage);
        return CLI_EXIT_USAGE;
    }
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (in == NULL) {
        fprintf(stderr, "iamgate eval: %s: cannot open: ", path);
        perror(NULL);
        return CLI_EXIT_USAGE;
    }
    int rc = run_cases(in, threads, no_cache);
    if (in != stdin)
        fclose(in);
    return rc;
}
