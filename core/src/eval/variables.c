/*
 * variables.c — policy variables (spec §4): ${key}, ${key, 'default'},
 * ${*} ${?} ${$}, substituted left to right into a bounded buffer whose
 * literal map keeps substituted characters from acting as wildcards.
 */
#include "eval_internal.h"

static void mark_one(uint8_t *map, size_t i, bool literal)
{
    uint8_t bit = (uint8_t)(1u << (i % 8));
    map[i / 8] = (uint8_t)(literal ? map[i / 8] | bit : map[i / 8] & ~bit);
}

/* Bits [from, to) of the literal map set or cleared: whole bytes at once. */
static void mark_literal(uint8_t *map, size_t from, size_t to, bool literal)
{
    size_t i = from;
    for (; i < to && i % 8 != 0; i++)
        mark_one(map, i, literal);
    size_t whole = (to - i) / 8;
    if (whole != 0)
        memset(map + i / 8, literal ? 0xFF : 0, whole);
    for (i += whole * 8; i < to; i++)
        mark_one(map, i, literal);
}

static bool append(subst_buffer *out, const char *s, size_t n, bool literal)
{
    if (out->len + n > SUBST_MAX)
        return false; /* spec §9: overflow is unresolvable */
    if (n != 0)
        memcpy(out->text + out->len, s, n);
    mark_literal(out->literal, out->len, out->len + n, literal);
    out->len += n;
    return true;
}

static bool has_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == '\t')
            return true;
    return false;
}

/* The value of a variable body ("aws:username", "aws:x, 'dflt'"); false
 * when unresolvable (absent without default, multi-valued, malformed). */
static bool resolve(const char *body, size_t n, const iam_request *req, iam_str *value)
{
    static const char sep[] = ", '";
    iam_str key = {body, n}, fallback = {NULL, 0};
    for (size_t i = 0; i + 3 <= n; i++) {
        if (memcmp(body + i, sep, 3) != 0)
            continue;
        key.len = i;
        const char *d = body + i + 3;
        size_t dn = n - i - 3;
        if (dn == 0 || d[dn - 1] != '\'' || memchr(d, '\'', dn - 1) != NULL)
            return false; /* malformed default: unresolvable (spec §4.1) */
        fallback.ptr = d;
        fallback.len = dn - 1;
        break;
    }
    if (key.len == 0 || has_space(key.ptr, key.len) || memchr(key.ptr, '\'', key.len) != NULL)
        return false;
    const iam_context_entry *e = context_find(req, key);
    if (e != NULL && !e->multi && e->count == 1) {
        *value = e->values[0];
        return true;
    }
    if (fallback.ptr != NULL) {
        *value = fallback;
        return true;
    }
    return false;
}

/* One "${...}" at text[i]; *next is where scanning goes on. */
static bool substitute_one(const char *text, size_t n, size_t i, const iam_request *req,
                           subst_buffer *out, size_t *next)
{
    const char *close = memchr(text + i + 2, '}', n - i - 2);
    if (close == NULL) {
        *next = i + 1;
        return append(out, "$", 1, false); /* no '}': a plain '$' */
    }
    const char *body = text + i + 2;
    size_t bn = (size_t)(close - body);
    *next = (size_t)(close - text) + 1;
    if (bn == 1 && (body[0] == '*' || body[0] == '?' || body[0] == '$'))
        return append(out, body, 1, true);
    iam_str value;
    return resolve(body, bn, req, &value) && append(out, value.ptr, value.len, true);
}

/* Where the plain text from t[i] ends: at the next '$' that may open a
 * variable (none before `from`), or at the end. */
static size_t plain_run_end(const char *t, size_t n, size_t i, size_t from)
{
    size_t scan = i + 1 > from ? i + 1 : from;
    const char *dollar = scan < n ? memchr(t + scan, '$', n - scan) : NULL;
    return dollar != NULL ? (size_t)(dollar - t) : n;
}

bool variables_substitute(iam_str pattern, size_t from, const iam_request *req, subst_buffer *out)
{
    out->len = 0;
    const char *t = pattern.ptr;
    size_t n = pattern.len, i = 0;
    while (i < n) {
        if (i >= from && i + 1 < n && t[i] == '$' && t[i + 1] == '{') {
            if (!substitute_one(t, n, i, req, out, &i))
                return false;
            continue;
        }
        size_t stop = plain_run_end(t, n, i, from);
        if (!append(out, t + i, stop - i, false))
            return false;
        i = stop;
    }
    return true;
}

size_t variables_resource_part(iam_str pattern)
{
    size_t colons[5];
    if (text_arn_colons(pattern.ptr, pattern.len, colons, 5) == 5)
        return colons[4] + 1;
    return pattern.len; /* a short ARN: no resource part to substitute in */
}

bool variables_present(iam_str s)
{
    /* memchr finds the rare '$' far faster than a loop over every byte */
    for (size_t i = 0; i + 1 < s.len; i++) {
        const char *dollar = memchr(s.ptr + i, '$', s.len - 1 - i);
        if (dollar == NULL)
            return false;
        i = (size_t)(dollar - s.ptr);
        if (s.ptr[i + 1] == '{')
            return true;
    }
    return false;
}
