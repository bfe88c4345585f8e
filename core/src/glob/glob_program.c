/* Pattern programs: a pattern as a list of tokens (spec §2.1, §2.3.2). */
#include "glob_internal.h"

#include <stdlib.h>

/* Where the resource part begins (after the fifth colon), and where the
 * [DOC] rule lets wildcards cross colons: from the first of the first five
 * fields that ends in '*' (spec §2.3.2 item 3). */
static void arn_bounds(const char *text, size_t len, size_t *resource_part,
                       size_t *cross_from)
{
    size_t field_start = 0, colons = 0;
    *resource_part = len;
    *cross_from = SIZE_MAX;
    for (size_t i = 0; i < len && colons < 5; i++) {
        if (text[i] != ':')
            continue;
        if (*cross_from == SIZE_MAX && i > field_start && text[i - 1] == '*')
            *cross_from = field_start;
        field_start = i + 1;
        if (++colons == 5)
            *resource_part = i + 1;
    }
    if (*cross_from == SIZE_MAX)
        *cross_from = *resource_part;
}

/* A copy of a Resource pattern padded to six fields with ":*" (§2.3.4). */
static char *arn_padded_copy(const char *text, size_t len, size_t *out_len)
{
    size_t colons = 0;
    for (size_t i = 0; i < len && colons < 5; i++)
        colons += text[i] == ':';
    size_t pad = 2 * (5 - colons);
    char *copy = malloc(len + pad + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, text, len);
    for (size_t i = 0; i < pad; i += 2) {
        copy[len + i] = ':';
        copy[len + i + 1] = '*';
    }
    *out_len = len + pad;
    return copy;
}

static void program_mark_stars(glob_program *p)
{
    uint32_t t = p->count;
    while (t > 0 && p->tokens[t - 1].kind == TOKEN_STAR)
        t--;
    p->stars_from = t;
    t = p->count;
    while (t > 0 && p->tokens[t - 1].kind == TOKEN_STAR && !p->tokens[t - 1].no_colon)
        t--;
    p->any_stars_from = t;
}

static void tokenize(glob_program *p, size_t len, size_t confined_end, size_t cross_from)
{
    const char *s = p->text;
    uint32_t n = 0;
    for (size_t i = 0; i < len;) {
        glob_token *t = &p->tokens[n++];
        t->start = (uint32_t)i;
        t->no_colon = i < confined_end && i < cross_from;
        if (s[i] == '*' || s[i] == '?') {
            t->kind = s[i] == '*' ? TOKEN_STAR : TOKEN_ONE;
            t->len = 1;
            i++;
            continue;
        }
        t->kind = TOKEN_LITERAL;
        size_t end = i + 1;
        while (s[i] != ':' && end < len && byte_continues((unsigned char)s[end]))
            end++; /* a ':' stands alone (see glob.h) */
        t->len = (uint32_t)(end - i);
        i = end;
    }
    p->count = n;
}

bool program_build(glob_program *p, const char *text, size_t len, bool arn_fields,
                   uint32_t input)
{
    memset(p, 0, sizeof *p);
    size_t full = len;
    char *copy = arn_fields ? arn_padded_copy(text, len, &full) : malloc(len + 1);
    if (copy == NULL)
        return false;
    if (!arn_fields)
        memcpy(copy, text, len);
    p->text = copy;
    p->input = input;
    p->tokens = malloc((full + 1) * sizeof *p->tokens);
    if (p->tokens == NULL) {
        program_free(p);
        return false;
    }
    size_t resource_part = 0, cross_from = 0;
    if (arn_fields)
        arn_bounds(copy, full, &resource_part, &cross_from);
    tokenize(p, full, resource_part, cross_from);
    program_mark_stars(p);
    return true;
}

void program_free(glob_program *p)
{
    free((void *)(uintptr_t)p->text);
    free(p->tokens);
    p->text = NULL;
    p->tokens = NULL;
}
