/* Growable output buffer with JSON escaping (see jbuf.h). */
#include "jbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void jbuf_free(jbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void jbuf_reset(jbuf *b) { b->len = 0; }

bool jbuf_ok(const jbuf *b) { return !b->failed; }

bool jbuf_grow(jbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->len + extra)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (data == NULL) {
        b->failed = true;
        return false;
    }
    b->data = data;
    b->cap = cap;
    return true;
}

void jbuf_printf(jbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        jbuf_put(b, small, (size_t)n);
        return;
    }
    if (!jbuf_grow(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void jbuf_string(jbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (!jbuf_grow(b, n + 2))
        return;
    jbuf_putc(b, '"');
    size_t run = 0; /* bytes that need no escape, copied in one go */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jbuf_put(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': jbuf_put(b, "\\\"", 2); break;
        case '\\': jbuf_put(b, "\\\\", 2); break;
        case '\n': jbuf_put(b, "\\n", 2); break;
        case '\t': jbuf_put(b, "\\t", 2); break;
        case '\r': jbuf_put(b, "\\r", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            jbuf_put(b, esc, 6);
        }
        }
    }
    jbuf_put(b, s + run, n - run);
    jbuf_putc(b, '"');
}

void jbuf_str(jbuf *b, iam_str s) { jbuf_string(b, s.ptr, s.len); }

bool jbuf_flush(jbuf *b, FILE *f)
{
    bool ok = !b->failed && (b->len == 0 || fwrite(b->data, 1, b->len, f) == b->len);
    b->len = 0;
    return ok;
}
