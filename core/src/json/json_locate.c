/*
 * json_locate.c — the error path of the JSON layer.
 *
 * simdjson's DOM parser says that a document is invalid but not where. This
 * plain recursive-descent scanner (depth bounded by the limit) walks the
 * same bytes, finds the first violation in document order and reports its
 * code, offset and JSON pointer. It also enforces the limits the flattener
 * enforces, in the same order, so both paths agree.
 */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>

#define LOCATE_MAX_DEPTH 1024u

typedef struct locate_frame {
    bool is_object;
    bool has_key;
    uint32_t index;          /* array element or object member number */
    const char *key;         /* raw key bytes (escapes not decoded) */
    size_t key_len;
} locate_frame;

typedef struct locator {
    const char *s;
    size_t len;
    size_t pos;
    const json_limits *limits;
    uint32_t elements;
    uint32_t depth;
    json_failure *fail;
    locate_frame frames[LOCATE_MAX_DEPTH + 1];
} locator;

/* ---- reporting ---- */

static void append_segment(char *out, size_t cap, size_t *n, const char *seg,
                           size_t seg_len)
{
    if (*n + 1 >= cap)
        return;
    out[(*n)++] = '/';
    for (size_t i = 0; i < seg_len && *n + 3 < cap; i++) {
        char c = seg[i];
        if (c == '~' || c == '/') {
            out[(*n)++] = '~';
            out[(*n)++] = c == '~' ? '0' : '1';
        } else {
            out[(*n)++] = c;
        }
    }
    out[*n] = '\0';
}

static void locator_path(const locator *lc, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (uint32_t d = 0; d < lc->depth; d++) {
        const locate_frame *f = &lc->frames[d];
        if (f->is_object && f->has_key) {
            append_segment(out, cap, &n, f->key, f->key_len);
        } else if (!f->is_object) {
            char num[16];
            int k = snprintf(num, sizeof num, "%u", f->index);
            append_segment(out, cap, &n, num, (size_t)k);
        }
    }
}

/* Records the failure and returns false so callers can `return fail(...)`. */
static bool fail_with(locator *lc, iam_status code, size_t offset, const char *message)
{
    lc->fail->code = code;
    lc->fail->message = message != NULL ? message : error_default_message(code);
    lc->fail->offset = offset;
    locator_path(lc, lc->fail->path, sizeof lc->fail->path);
    return false;
}

static bool fail(locator *lc, iam_status code, size_t offset)
{
    return fail_with(lc, code, offset, NULL);
}

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s[0..avail), 0 if invalid. Rejects
 * overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_sequence(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2; cp = c & 0x1Fu; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; cp = c & 0x0Fu; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; cp = c & 0x07u; min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* An unexpected byte: truncation at the end, invalid UTF-8, or syntax
 * (`expected` says what the grammar wanted there). */
static bool fail_unexpected(locator *lc, const char *expected)
{
    if (lc->pos >= lc->len)
        return fail(lc, IAM_E_JSON_TRUNCATED, lc->len);
    const unsigned char *p = (const unsigned char *)lc->s + lc->pos;
    if (*p >= 0x80 && utf8_sequence(p, lc->len - lc->pos) == 0)
        return fail(lc, IAM_E_JSON_UTF8, lc->pos);
    return fail_with(lc, IAM_E_JSON_SYNTAX, lc->pos, expected);
}

static void skip_whitespace(locator *lc)
{
    while (lc->pos < lc->len) {
        char c = lc->s[lc->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        lc->pos++;
    }
}

/* ---- strings ---- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads \uXXXX at pos: 1 with *cp set, 0 if malformed, -1 if truncated. */
static int read_u_escape(const locator *lc, size_t pos, uint32_t *cp)
{
    if (pos + 1 >= lc->len)
        return -1;
    if (lc->s[pos] != '\\' || lc->s[pos + 1] != 'u')
        return 0;
    uint32_t v = 0;
    for (size_t i = 2; i < 6; i++) {
        if (pos + i >= lc->len)
            return -1;
        int h = hex_value(lc->s[pos + i]);
        if (h < 0)
            return 0;
        v = (v << 4) | (uint32_t)h;
    }
    *cp = v;
    return 1;
}

static size_t utf8_length_of(uint32_t cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* A \u escape (with its pair, for surrogates); adds its decoded size. */
static bool scan_u_escape(locator *lc, size_t *decoded)
{
    size_t at = lc->pos;
    uint32_t cp = 0, low = 0;
    int r = read_u_escape(lc, at, &cp);
    if (r < 0)
        return fail(lc, IAM_E_JSON_TRUNCATED, lc->len);
    if (r == 0)
        return fail(lc, IAM_E_JSON_STRING, at);
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(lc, IAM_E_JSON_STRING, at); /* lone low surrogate */
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        r = read_u_escape(lc, at + 6, &low);
        if (r < 0 && at + 6 >= lc->len)
            return fail(lc, IAM_E_JSON_TRUNCATED, lc->len);
        if (r < 0 && lc->s[at + 6] == '\\')
            return fail(lc, IAM_E_JSON_TRUNCATED, lc->len);
        if (r <= 0 || low < 0xDC00 || low > 0xDFFF)
            return fail(lc, IAM_E_JSON_STRING, at);
        lc->pos += 12;
        *decoded += 4;
        return true;
    }
    lc->pos += 6;
    *decoded += utf8_length_of(cp);
    return true;
}

static bool scan_escape(locator *lc, size_t *decoded)
{
    if (lc->pos + 1 >= lc->len)
        return fail(lc, IAM_E_JSON_TRUNCATED, lc->len);
    switch (lc->s[lc->pos + 1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        lc->pos += 2;
        (*decoded)++;
        return true;
    case 'u':
        return scan_u_escape(lc, decoded);
    default:
        return fail(lc, IAM_E_JSON_STRING, lc->pos);
    }
}

/* A string at pos (its opening quote); leaves pos after the closing quote. */
static bool scan_string(locator *lc)
{
    size_t start = lc->pos++;
    size_t decoded = 0;
    for (;;) {
        if (lc->pos >= lc->len)
            return fail(lc, IAM_E_JSON_TRUNCATED, lc->len);
        unsigned char c = (unsigned char)lc->s[lc->pos];
        if (c == '"')
            break;
        if (c == '\\') {
            if (!scan_escape(lc, &decoded))
                return false;
        } else if (c < 0x20) {
            return fail(lc, IAM_E_JSON_CONTROL, lc->pos);
        } else {
            size_t n = utf8_sequence((const unsigned char *)lc->s + lc->pos,
                                     lc->len - lc->pos);
            if (n == 0)
                return fail(lc, IAM_E_JSON_UTF8, lc->pos);
            lc->pos += n;
            decoded += n;
        }
    }
    lc->pos++;
    if (decoded > lc->limits->max_string_bytes)
        return fail(lc, IAM_E_LIMIT_STRING, start);
    return true;
}

/* ---- numbers and literals ---- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_number_char(char c)
{
    return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

typedef enum number_shape { NUMBER_INVALID, NUMBER_PREFIX, NUMBER_COMPLETE } number_shape;

/* Runs the RFC 8259 number grammar over s[0..n): complete, a proper prefix
 * of some number (cut short), or invalid. */
static number_shape number_classify(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i == n)
        return NUMBER_PREFIX;
    if (s[i] == '0') {
        i++;
    } else if (is_digit(s[i])) {
        while (i < n && is_digit(s[i]))
            i++;
    } else {
        return NUMBER_INVALID;
    }
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == d)
            return i == n ? NUMBER_PREFIX : NUMBER_INVALID;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == d)
            return i == n ? NUMBER_PREFIX : NUMBER_INVALID;
    }
    return i == n ? NUMBER_COMPLETE : NUMBER_INVALID;
}

static bool scan_number(locator *lc)
{
    size_t start = lc->pos, run = 0;
    while (start + run < lc->len && is_number_char(lc->s[start + run]))
        run++;
    const char *text = lc->s + start;
    number_shape shape = number_classify(text, run);
    if (shape == NUMBER_PREFIX && start + run == lc->len)
        return fail(lc, IAM_E_JSON_TRUNCATED, lc->len);
    if (shape != NUMBER_COMPLETE || !json_number_in_range(text, run))
        return fail(lc, IAM_E_JSON_NUMBER, start);
    lc->pos += run;
    return true;
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool scan_literal(locator *lc)
{
    static const char *const words[] = {"true", "false", "null"};
    size_t start = lc->pos, run = 0;
    while (start + run < lc->len && is_letter(lc->s[start + run]))
        run++;
    for (size_t w = 0; w < 3; w++) {
        size_t wl = strlen(words[w]);
        if (run == wl && memcmp(lc->s + start, words[w], wl) == 0) {
            lc->pos += run;
            return true;
        }
        if (start + run == lc->len && run < wl &&
            memcmp(lc->s + start, words[w], run) == 0)
            return fail(lc, IAM_E_JSON_TRUNCATED, lc->len);
    }
    return fail(lc, IAM_E_JSON_LITERAL, start);
}

/* ---- containers ---- */

static bool scan_value(locator *lc);

static bool open_container(locator *lc, bool is_object)
{
    if (lc->depth + 1 > lc->limits->max_depth || lc->depth >= LOCATE_MAX_DEPTH)
        return fail(lc, IAM_E_LIMIT_DEPTH, lc->pos);
    locate_frame *f = &lc->frames[lc->depth++];
    f->is_object = is_object;
    f->has_key = false;
    f->index = 0;
    lc->pos++;
    skip_whitespace(lc);
    return true;
}

/* After a member or element: ',' continues (true, *more set), the closing
 * bracket ends (true, *more clear); anything else fails. */
static bool scan_separator(locator *lc, char close, bool *more)
{
    skip_whitespace(lc);
    if (lc->pos < lc->len && lc->s[lc->pos] == ',') {
        lc->pos++;
        skip_whitespace(lc);
        *more = true;
        return true;
    }
    if (lc->pos < lc->len && lc->s[lc->pos] == close) {
        lc->pos++;
        *more = false;
        return true;
    }
    return fail_unexpected(lc, close == '}' ? "expected ',' or '}' after object member"
                                            : "expected ',' or ']' after array element");
}

static bool scan_object(locator *lc)
{
    if (!open_container(lc, true))
        return false;
    locate_frame *f = &lc->frames[lc->depth - 1];
    bool more = true;
    if (lc->pos < lc->len && lc->s[lc->pos] == '}') {
        lc->pos++;
        more = false;
    }
    while (more) {
        f->has_key = false;
        if (lc->pos >= lc->len || lc->s[lc->pos] != '"')
            return fail_unexpected(lc, "expected a string key (JSON has no trailing commas)");
        size_t key_start = lc->pos;
        if (!scan_string(lc))
            return false;
        f->has_key = true;
        f->key = lc->s + key_start + 1;
        f->key_len = lc->pos - key_start - 2;
        skip_whitespace(lc);
        if (lc->pos >= lc->len || lc->s[lc->pos] != ':')
            return fail_unexpected(lc, "expected ':' after object key");
        lc->pos++;
        if (!scan_value(lc) || !scan_separator(lc, '}', &more))
            return false;
        f->index++;
    }
    lc->depth--;
    return true;
}

static bool scan_array(locator *lc)
{
    if (!open_container(lc, false))
        return false;
    locate_frame *f = &lc->frames[lc->depth - 1];
    bool more = true;
    if (lc->pos < lc->len && lc->s[lc->pos] == ']') {
        lc->pos++;
        more = false;
    }
    while (more) {
        skip_whitespace(lc);
        if (lc->pos < lc->len && ++lc->elements > lc->limits->max_array_elements)
            return fail(lc, IAM_E_LIMIT_ELEMENTS, lc->pos);
        if (!scan_value(lc) || !scan_separator(lc, ']', &more))
            return false;
        f->index++;
    }
    lc->depth--;
    return true;
}

static bool scan_value(locator *lc)
{
    skip_whitespace(lc);
    if (lc->pos >= lc->len)
        return fail(lc, IAM_E_JSON_TRUNCATED, lc->len);
    char c = lc->s[lc->pos];
    if (c == '{')
        return scan_object(lc);
    if (c == '[')
        return scan_array(lc);
    if (c == '"')
        return scan_string(lc);
    if (c == '-' || c == '+' || c == '.' || is_digit(c))
        return scan_number(lc); /* '+1' and '.5' are malformed numbers */
    if (is_letter(c))
        return scan_literal(lc);
    return fail_unexpected(lc, "expected a JSON value");
}

bool json_locate_error(const char *src, size_t len, const json_limits *limits,
                       json_failure *failure)
{
    /* The frames are large: keep them off small thread stacks. This runs
     * only on the error path, where one allocation is acceptable. */
    static const size_t frame_bytes = sizeof(locator);
    locator *lc = calloc(1, frame_bytes);
    if (lc == NULL) {
        failure->code = IAM_E_NOMEM;
        failure->message = error_default_message(IAM_E_NOMEM);
        failure->offset = 0;
        failure->path[0] = '\0';
        return true;
    }
    lc->s = src;
    lc->len = len;
    lc->limits = limits;
    lc->fail = failure;
    bool found = true;
    skip_whitespace(lc);
    if (lc->pos >= len) {
        fail(lc, IAM_E_JSON_EMPTY, 0);
    } else if (scan_value(lc)) {
        skip_whitespace(lc);
        if (lc->pos < len)
            fail(lc, IAM_E_JSON_TRAILING, lc->pos);
        else
            found = false;
    }
    free(lc);
    return found;
}

/* ---- JSON pointers of tokens (error path) ---- */

static void append_index(char *out, size_t cap, size_t *n, uint32_t index)
{
    char num[16];
    int k = snprintf(num, sizeof num, "%u", index);
    append_segment(out, cap, n, num, (size_t)k);
}

void json_pointer_of(const json_doc *doc, uint32_t target, char *out, size_t cap)
{
    size_t n = 0;
    uint32_t at = 0;
    out[0] = '\0';
    while (at < doc->count && at != target) {
        const json_token *t = &doc->tokens[at];
        uint32_t child = at + 1, index = 0;
        bool found = false;
        while (child < t->end && !found) {
            uint32_t value = t->kind == JSON_OBJECT ? child + 1 : child;
            uint32_t next = doc->tokens[value].end;
            if (target >= child && target < next) {
                if (t->kind == JSON_OBJECT)
                    append_segment(out, cap, &n, doc->tokens[child].text,
                                   doc->tokens[child].len);
                else
                    append_index(out, cap, &n, index);
                at = (t->kind == JSON_OBJECT && target == child) ? target : value;
                found = true;
            }
            child = next;
            index++;
        }
        if (!found)
            return;
    }
}
