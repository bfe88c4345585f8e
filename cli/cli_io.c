/* File reading and error printing for the iamgate command. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int read_stream(FILE *f, cli_file *out)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf == NULL || ferror(f)) {
        free(buf);
        return 0;
    }
    out->data = buf;
    out->len = len;
    return 1;
}

int cli_read_file(const char *path, cli_file *out)
{
    out->data = NULL;
    out->len = 0;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "iamgate: %s: %s\n", path, strerror(errno));
        return 0;
    }
    int ok = read_stream(f, out);
    if (!ok)
        fprintf(stderr, "iamgate: %s: %s\n", path, errno ? strerror(errno) : "read error");
    if (f != stdin)
        fclose(f);
    return ok;
}

void cli_file_free(cli_file *file)
{
    free(file->data);
    file->data = NULL;
    file->len = 0;
}

/* The line holding offset, without its newline. */
static void line_around(const char *text, size_t len, size_t offset,
                        size_t *start, size_t *end)
{
    if (offset > len)
        offset = len;
    size_t s = offset;
    while (s > 0 && text[s - 1] != '\n')
        s--;
    size_t e = offset;
    while (e < len && text[e] != '\n' && text[e] != '\r')
        e++;
    *start = s;
    *end = e;
}

void cli_print_error(FILE *out, const char *name, const iam_error *err,
                     const char *text, size_t len)
{
    char line[1024];
    iam_error_format(err, name, line, sizeof line);
    fprintf(out, "%s\n", line);
    if (text == NULL || err->line == 0 || err->code == IAM_E_LIMIT_SIZE)
        return;
    size_t s, e;
    line_around(text, len, err->offset, &s, &e);
    if (e - s > 200)
        return; /* a minified document: the caret line would not help */
    fprintf(out, "  %.*s\n  ", (int)(e - s), text + s);
    for (uint32_t c = 1; c < err->column; c++)
        fputc(text[s + c - 1] == '\t' ? '\t' : ' ', out);
    fprintf(out, "^\n");
}

static char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

bool cli_contains_ci(iam_str hay, const char *needle, size_t n)
{
    if (n == 0 || n > hay.len)
        return n == 0;
    for (size_t i = 0; i + n <= hay.len; i++) {
        size_t k = 0;
        while (k < n && lower_ascii(hay.ptr[i + k]) == lower_ascii(needle[k]))
            k++;
        if (k == n)
            return true;
    }
    return false;
}
