/* jbuf.h — a growable output buffer with JSON string escaping, for the
 * command's JSON and table output. Growth failure is sticky: the buffer
 * then reports it once (jbuf_ok) instead of every caller checking. */
#ifndef IAMGATE_CLI_JBUF_H
#define IAMGATE_CLI_JBUF_H

#include "iamgate.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct jbuf {
    char *data;
    size_t len, cap;
    bool failed;
} jbuf;

void jbuf_free(jbuf *b);
void jbuf_reset(jbuf *b);
bool jbuf_ok(const jbuf *b);
/* Makes room for extra more bytes; false (and sticky failure) if it cannot. */
bool jbuf_grow(jbuf *b, size_t extra);

/* Inline so that copying a literal is a memcpy of a known length. */
static inline void jbuf_put(jbuf *b, const char *s, size_t n)
{
    if (n == 0 || (b->len + n > b->cap && !jbuf_grow(b, n)))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static inline void jbuf_puts(jbuf *b, const char *s) { jbuf_put(b, s, strlen(s)); }

static inline void jbuf_putc(jbuf *b, char c)
{
    if (b->len < b->cap || jbuf_grow(b, 1))
        b->data[b->len++] = c;
}
void jbuf_printf(jbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A JSON string literal, quotes included; control characters, '"' and
 * '\\' escaped, other bytes as they are (input is UTF-8). */
void jbuf_string(jbuf *b, const char *s, size_t n);
void jbuf_str(jbuf *b, iam_str s);
/* Writes the buffer to f and empties it; false on a write error. */
bool jbuf_flush(jbuf *b, FILE *f);

#endif /* IAMGATE_CLI_JBUF_H */
