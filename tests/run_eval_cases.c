/*
 * run_eval_cases.c — the data-driven runner for tests/cases/eval (README
 * there): every file's policies are parsed and compiled into one set, then
 * every case's request goes through iam_eval and its decision, matched
 * statements and missing context keys are compared with the expectation.
 *
 * Usage: run_eval_cases [--list-failures] [--reference] [PREFIX...]
 *   PREFIX          run only the files whose name starts with one of them
 *   --list-failures print every failing case (otherwise at most 5 a file)
 *   --reference     decide with the reference evaluator ref_eval
 *                   (tests/reference) instead of iam_eval; only decisions
 *                   are compared, since the reference explains nothing
 *
 * Prints "FILE: P passed, F failed" per file and "N passed, M failed" last;
 * exits 0 only when nothing failed and something passed. Never stops early.
 */
#define _POSIX_C_SOURCE 200809L
#include "support/test_util.h"

#include "json/json.h"
#include "ref_eval.h"

#include <dirent.h>
#include <stdarg.h>

#define CASE_DIR IAM_SOURCE_DIR "/tests/cases/eval"
#define ARENA_BYTES ((size_t)256 << 20)
#define EXPLAIN_CAP 256u
#define FAILURES_SHOWN 5
#define TEXT_CAP 16384u

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

/* ------------------------------------------------------------------------ */
/* Bounded text building                                                     */
/* ------------------------------------------------------------------------ */

typedef struct text_buf {
    char data[TEXT_CAP];
    size_t len;
} text_buf;

static void text_init(text_buf *b)
{
    b->data[0] = '\0';
    b->len = 0;
}

/* Appends printf-style; silently cut when the buffer is full. */
PRINTF_LIKE(2, 3)
static void text_append(text_buf *b, const char *fmt, ...)
{
    size_t room = sizeof b->data - b->len;
    if (room <= 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len += (size_t)n < room ? (size_t)n : room - 1;
}

static iam_str str_of(const char *s)
{
    iam_str out = {s, strlen(s)};
    return out;
}

static bool str_is(iam_str s, const char *lit)
{
    return s.len == strlen(lit) && (s.len == 0 || memcmp(s.ptr, lit, s.len) == 0);
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool str_equal_ignore_case(iam_str a, iam_str b)
{
    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; i++)
        if (ascii_lower(a.ptr[i]) != ascii_lower(b.ptr[i]))
            return false;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Walking the case file's tokens                                            */
/* ------------------------------------------------------------------------ */

/*
 * Token indexes; NO_TOKEN stands for "absent" and every helper accepts it.
 * The root is token 0. STRING texts point into the reader and stay valid
 * until its next parse, which happens only for the next file: a file's
 * strings are used in place while that file runs.
 */
#define NO_TOKEN UINT32_MAX
#define ROOT_TOKEN 0u

static const json_token *token_at(const json_doc *doc, uint32_t i)
{
    return &doc->tokens[i];
}

static bool token_is(const json_doc *doc, uint32_t i, json_kind kind)
{
    return i != NO_TOKEN && doc->tokens[i].kind == kind;
}

/* The first element (array) or first key (object) of a container. */
static uint32_t json_first(uint32_t container)
{
    return container + 1;
}

/* The token after the subtree at i: the next element, or the next key
 * when i is a member's value. */
static uint32_t json_next(const json_doc *doc, uint32_t i)
{
    return doc->tokens[i].end;
}

/* The value of member `key` of object token obj, or NO_TOKEN. */
static uint32_t json_member(const json_doc *doc, uint32_t obj, const char *key)
{
    if (!token_is(doc, obj, JSON_OBJECT))
        return NO_TOKEN;
    uint32_t k = json_first(obj);
    for (uint32_t m = 0; m < doc->tokens[obj].len; m++) {
        iam_str name = {doc->tokens[k].text, doc->tokens[k].len};
        if (str_is(name, key))
            return k + 1;
        k = json_next(doc, k + 1);
    }
    return NO_TOKEN;
}

static bool json_string(const json_doc *doc, uint32_t i, iam_str *out)
{
    if (!token_is(doc, i, JSON_STRING))
        return false;
    out->ptr = doc->tokens[i].text;
    out->len = doc->tokens[i].len;
    return true;
}

/* A member that must be a string when present; absent gives "". */
static bool json_optional_string(const json_doc *doc, uint32_t obj, const char *key,
                                 iam_str *out)
{
    uint32_t v = json_member(doc, obj, key);
    out->ptr = NULL;
    out->len = 0;
    return v == NO_TOKEN || json_string(doc, v, out);
}

/* A non-negative integer written with digits only. */
static bool json_index(const json_doc *doc, uint32_t i, uint32_t *out)
{
    if (!token_is(doc, i, JSON_NUMBER))
        return false;
    const json_token *t = token_at(doc, i);
    uint64_t v = 0;
    if (t->len == 0 || t->len > 10)
        return false;
    for (uint32_t k = 0; k < t->len; k++) {
        if (t->text[k] < '0' || t->text[k] > '9')
            return false;
        v = v * 10 + (uint64_t)(t->text[k] - '0');
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* One past the '}' matching the '{' at text[start], or 0 if unbalanced. */
static size_t object_end(const char *text, size_t len, size_t start)
{
    size_t depth = 0;
    bool in_string = false;
    if (start >= len || text[start] != '{')
        return 0;
    for (size_t i = start; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{') {
            depth++;
        } else if (c == '}' && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Policies of a file                                                        */
/* ------------------------------------------------------------------------ */

static const char *const kind_names[IAM_POLICY_KIND_COUNT] = {
    "identity", "boundary", "session", "scp", "rcp", "resource",
};

static bool kind_has_levels(int kind)
{
    return kind == IAM_POLICY_SCP || kind == IAM_POLICY_RCP;
}

/* A key of "policies", in the order the inputs are built. */
typedef struct policy_group {
    const char *key;
    iam_policy_kind kind;
} policy_group;

static const policy_group policy_groups[] = {
    {"identity", IAM_POLICY_IDENTITY},       {"boundaries", IAM_POLICY_BOUNDARY},
    {"sessionPolicies", IAM_POLICY_SESSION}, {"scps", IAM_POLICY_SCP},
    {"rcps", IAM_POLICY_RCP},                {"resourcePolicies", IAM_POLICY_RESOURCE},
};
#define POLICY_GROUP_COUNT (sizeof policy_groups / sizeof policy_groups[0])

/* Where an input came from, in the case format's terms. */
typedef struct policy_origin {
    iam_policy_kind kind;
    uint32_t level;  /* SCP/RCP: outer index; 0 otherwise */
    uint32_t index;  /* within its kind (and level) */
    char label[48];  /* "identity[0]", "scp[1][0]": the input's name */
} policy_origin;

typedef struct policy_batch {
    iam_policy_input *inputs;
    policy_origin *origins;
    size_t count, cap;
} policy_batch;

static bool batch_init(policy_batch *b, size_t cap)
{
    b->count = 0;
    b->cap = cap;
    b->inputs = calloc(cap + 1, sizeof *b->inputs);
    b->origins = calloc(cap + 1, sizeof *b->origins);
    return b->inputs != NULL && b->origins != NULL;
}

static void batch_free(policy_batch *b)
{
    free(b->inputs);
    free(b->origins);
    b->inputs = NULL;
    b->origins = NULL;
}

/* ------------------------------------------------------------------------ */
/* The runner and one file                                                   */
/* ------------------------------------------------------------------------ */

typedef struct runner {
    json_reader *reader;
    iam_parser *parser;
    void *arena_buf;
    bool list_all;
    bool reference; /* --reference: ref_eval decides, decisions only */
    long passed, failed;
} runner;

typedef struct case_file {
    const char *name;
    char *text;
    size_t len;
    json_doc doc;
    iam_str spec;
    iam_arena arena;
    policy_batch batch;
    const iam_policy_set *set;
    iam_context_entry *entries; /* scratch for one request's context */
    iam_str *values;
    size_t scratch_cap;
    long passed, failed;
    long shown, hidden; /* failure lines printed and held back */
} case_file;

/* Prints "FILE: what" (a file-level problem). */
PRINTF_LIKE(2, 3)
static void file_problem(const case_file *f, const char *fmt, ...)
{
    va_list ap;
    printf("%s: ", f->name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void print_policy_error(const case_file *f, const char *label, size_t start,
                               const iam_error *err)
{
    iam_error at = *err; /* positioned in the case file, not the document */
    char line[1024];
    at.offset += start;
    iam_locate(f->text, f->len, at.offset, &at.line, &at.column);
    iam_error_format(&at, f->name, line, sizeof line);
    file_problem(f, "policy %s does not parse (%s): %s", label, iam_status_name(err->code),
                 line);
}

static bool add_policy(runner *r, case_file *f, uint32_t tok, iam_policy_kind kind,
                       uint32_t level, uint32_t index)
{
    policy_origin *o = &f->batch.origins[f->batch.count];
    o->kind = kind;
    o->level = level;
    o->index = index;
    if (kind_has_levels((int)kind))
        snprintf(o->label, sizeof o->label, "%s[%u][%u]", kind_names[kind], level, index);
    else
        snprintf(o->label, sizeof o->label, "%s[%u]", kind_names[kind], index);
    if (!token_is(&f->doc, tok, JSON_OBJECT) || f->batch.count >= f->batch.cap) {
        file_problem(f, "policy %s is not a JSON object", o->label);
        return false;
    }
    size_t start = token_at(&f->doc, tok)->offset;
    size_t end = object_end(f->text, f->len, start);
    if (end == 0) {
        file_problem(f, "policy %s: no matching '}'", o->label);
        return false;
    }
    iam_parse_options options;
    memset(&options, 0, sizeof options);
    options.kind = kind;
    iam_error err;
    const iam_policy *policy = NULL;
    if (iam_policy_parse(r->parser, &f->arena, f->text + start, end - start, &options,
                         &policy, &err) != IAM_OK) {
        print_policy_error(f, o->label, start, &err);
        return false;
    }
    iam_policy_input *in = &f->batch.inputs[f->batch.count++];
    in->policy = policy;
    in->kind = kind;
    in->level = level;
    in->name = str_of(o->label);
    return true;
}

/* An array of documents of one kind (at one level). */
static bool add_policy_list(runner *r, case_file *f, uint32_t list, iam_policy_kind kind,
                            uint32_t level)
{
    if (!token_is(&f->doc, list, JSON_ARRAY)) {
        file_problem(f, "policies of kind %s: expected an array", kind_names[kind]);
        return false;
    }
    bool ok = true;
    uint32_t e = json_first(list);
    for (uint32_t i = 0; i < token_at(&f->doc, list)->len; i++, e = json_next(&f->doc, e))
        ok = add_policy(r, f, e, kind, level, i) && ok;
    return ok;
}

/* scps and rcps: an array of levels, each an array of documents. */
static bool add_leveled_lists(runner *r, case_file *f, uint32_t levels, iam_policy_kind kind)
{
    if (!token_is(&f->doc, levels, JSON_ARRAY)) {
        file_problem(f, "policies of kind %s: expected an array of levels", kind_names[kind]);
        return false;
    }
    bool ok = true;
    uint32_t e = json_first(levels);
    for (uint32_t level = 0; level < token_at(&f->doc, levels)->len;
         level++, e = json_next(&f->doc, e))
        ok = add_policy_list(r, f, e, kind, level) && ok;
    return ok;
}

static bool known_policy_key(iam_str key)
{
    for (size_t g = 0; g < POLICY_GROUP_COUNT; g++)
        if (str_is(key, policy_groups[g].key))
            return true;
    return false;
}

static bool check_policy_keys(const case_file *f, uint32_t policies)
{
    bool ok = true;
    uint32_t k = json_first(policies);
    for (uint32_t m = 0; m < token_at(&f->doc, policies)->len; m++) {
        iam_str key = {token_at(&f->doc, k)->text, token_at(&f->doc, k)->len};
        if (!known_policy_key(key)) {
            file_problem(f, "unknown key \"%.*s\" in \"policies\"", (int)key.len, key.ptr);
            ok = false;
        }
        k = json_next(&f->doc, k + 1);
    }
    return ok;
}

/* Parses every document of "policies" in input order. */
static bool load_policies(runner *r, case_file *f)
{
    uint32_t policies = json_member(&f->doc, ROOT_TOKEN, "policies");
    size_t bound = policies == NO_TOKEN ? 0 : token_at(&f->doc, policies)->end - policies;
    if (!batch_init(&f->batch, bound)) {
        file_problem(f, "out of memory");
        return false;
    }
    if (policies == NO_TOKEN)
        return true;
    if (!token_is(&f->doc, policies, JSON_OBJECT)) {
        file_problem(f, "\"policies\" is not an object");
        return false;
    }
    bool ok = check_policy_keys(f, policies);
    for (size_t g = 0; g < POLICY_GROUP_COUNT; g++) {
        uint32_t v = json_member(&f->doc, policies, policy_groups[g].key);
        if (v == NO_TOKEN)
            continue;
        if (kind_has_levels((int)policy_groups[g].kind))
            ok = add_leveled_lists(r, f, v, policy_groups[g].kind) && ok;
        else
            ok = add_policy_list(r, f, v, policy_groups[g].kind, 0) && ok;
    }
    return ok;
}

static bool compile_policies(case_file *f)
{
    iam_error err;
    char line[1024];
    if (iam_policy_set_compile(&f->arena, f->batch.inputs, f->batch.count, &f->set, &err) ==
        IAM_OK)
        return true;
    iam_error_format(&err, f->name, line, sizeof line);
    file_problem(f, "policy set does not compile (%s): %s", iam_status_name(err.code), line);
    f->set = NULL;
    return false;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */
/* ------------------------------------------------------------------------ */

/* A context value: strings decoded, numbers as their lexeme, booleans as
 * "true"/"false". */
static bool context_scalar(const json_token *t, iam_str *out)
{
    switch (t->kind) {
    case JSON_STRING:
    case JSON_NUMBER:
        out->ptr = t->text;
        out->len = t->len;
        return true;
    case JSON_TRUE:
        *out = str_of("true");
        return true;
    case JSON_FALSE:
        *out = str_of("false");
        return true;
    default:
        return false;
    }
}

/* Fills one entry from a member's value; *used counts values taken from
 * f->values. */
static bool context_entry(case_file *f, uint32_t v, iam_context_entry *entry, size_t *used)
{
    const json_token *t = token_at(&f->doc, v);
    entry->values = f->values + *used;
    if (t->kind != JSON_ARRAY) {
        entry->multi = false;
        entry->count = 1;
        return *used < f->scratch_cap && context_scalar(t, &f->values[(*used)++]);
    }
    entry->multi = true;
    entry->count = t->len;
    uint32_t e = json_first(v);
    for (uint32_t i = 0; i < t->len; i++, e = json_next(&f->doc, e))
        if (*used >= f->scratch_cap || !context_scalar(token_at(&f->doc, e), &f->values[(*used)++]))
            return false;
    return true;
}

static bool build_context(case_file *f, uint32_t ctx, iam_request *req, const char **why)
{
    req->context = f->entries;
    req->context_count = 0;
    if (ctx == NO_TOKEN)
        return true;
    if (!token_is(&f->doc, ctx, JSON_OBJECT) || token_at(&f->doc, ctx)->len > f->scratch_cap) {
        *why = "request.context is not an object";
        return false;
    }
    size_t used = 0;
    uint32_t k = json_first(ctx);
    for (uint32_t m = 0; m < token_at(&f->doc, ctx)->len; m++, k = json_next(&f->doc, k + 1)) {
        iam_context_entry *entry = &f->entries[m];
        entry->key.ptr = token_at(&f->doc, k)->text;
        entry->key.len = token_at(&f->doc, k)->len;
        if (!context_entry(f, k + 1, entry, &used)) {
            *why = "a context value is not a string, number, boolean or array of them";
            return false;
        }
    }
    req->context_count = token_at(&f->doc, ctx)->len;
    return true;
}

static bool build_request(case_file *f, uint32_t request, iam_request *req, const char **why)
{
    memset(req, 0, sizeof *req);
    if (!token_is(&f->doc, request, JSON_OBJECT)) {
        *why = "no \"request\" object";
        return false;
    }
    if (!json_optional_string(&f->doc, request, "action", &req->action) ||
        !json_optional_string(&f->doc, request, "resource", &req->resource) ||
        !json_optional_string(&f->doc, request, "principal", &req->principal)) {
        *why = "request.action, resource or principal is not a string";
        return false;
    }
    return build_context(f, json_member(&f->doc, request, "context"), req, why);
}

/* ------------------------------------------------------------------------ */
/* Expectations and outcomes                                                 */
/* ------------------------------------------------------------------------ */

/* A matched statement in the case format's terms; kind -1 = no such input. */
typedef struct match_ref {
    int kind;
    uint32_t level, policy, statement;
} match_ref;

typedef struct expectation {
    iam_str decision;
    bool has_matched, has_missing;
    match_ref matched[EXPLAIN_CAP];
    uint32_t matched_count;
    iam_str missing[EXPLAIN_CAP];
    uint32_t missing_count;
} expectation;

typedef struct outcome {
    iam_decision decision;
    iam_statement_ref refs[EXPLAIN_CAP];
    iam_str missing[EXPLAIN_CAP];
    iam_explain explain;
    match_ref matched[EXPLAIN_CAP];
    uint32_t matched_count, missing_count;
} outcome;

static int kind_from_name(iam_str name)
{
    for (int k = 0; k < IAM_POLICY_KIND_COUNT; k++)
        if (str_is(name, kind_names[k]))
            return k;
    return -1;
}

static bool expected_ref(const json_doc *doc, uint32_t obj, match_ref *out)
{
    iam_str kind;
    memset(out, 0, sizeof *out);
    if (!json_string(doc, json_member(doc, obj, "kind"), &kind))
        return false;
    out->kind = kind_from_name(kind);
    if (out->kind < 0 || !json_index(doc, json_member(doc, obj, "policy"), &out->policy) ||
        !json_index(doc, json_member(doc, obj, "statement"), &out->statement))
        return false;
    return !kind_has_levels(out->kind) ||
           json_index(doc, json_member(doc, obj, "level"), &out->level);
}

static bool read_expected_matched(const json_doc *doc, uint32_t list, expectation *e)
{
    if (!token_is(doc, list, JSON_ARRAY) || token_at(doc, list)->len > EXPLAIN_CAP)
        return false;
    uint32_t el = json_first(list);
    for (uint32_t i = 0; i < token_at(doc, list)->len; i++, el = json_next(doc, el))
        if (!expected_ref(doc, el, &e->matched[e->matched_count++]))
            return false;
    return true;
}

static bool read_expected_missing(const json_doc *doc, uint32_t list, expectation *e)
{
    if (!token_is(doc, list, JSON_ARRAY) || token_at(doc, list)->len > EXPLAIN_CAP)
        return false;
    uint32_t el = json_first(list);
    for (uint32_t i = 0; i < token_at(doc, list)->len; i++, el = json_next(doc, el))
        if (!json_string(doc, el, &e->missing[e->missing_count++]))
            return false;
    return true;
}

static bool read_expectation(const json_doc *doc, uint32_t expect, expectation *e,
                             const char **why)
{
    e->matched_count = e->missing_count = 0;
    uint32_t matched = json_member(doc, expect, "matched");
    uint32_t missing = json_member(doc, expect, "missingContext");
    e->has_matched = matched != NO_TOKEN;
    e->has_missing = missing != NO_TOKEN;
    if (!token_is(doc, expect, JSON_OBJECT) ||
        !json_string(doc, json_member(doc, expect, "decision"), &e->decision)) {
        *why = "no \"expect\" object with a \"decision\" string";
        return false;
    }
    if (e->has_matched && !read_expected_matched(doc, matched, e)) {
        *why = "expect.matched is not an array of {kind, policy, statement[, level]}";
        return false;
    }
    if (e->has_missing && !read_expected_missing(doc, missing, e)) {
        *why = "expect.missingContext is not an array of strings";
        return false;
    }
    return true;
}

/* explain's statement ref back in the case format's terms. */
static match_ref origin_ref(const policy_batch *b, const iam_statement_ref *s)
{
    match_ref out = {-1, 0, s->policy, s->statement};
    if (s->policy < b->count) {
        const policy_origin *o = &b->origins[s->policy];
        out.kind = (int)o->kind;
        out.level = o->level;
        out.policy = o->index;
    }
    return out;
}

static void evaluate(const runner *r, const case_file *f, const iam_request *req,
                     outcome *out)
{
    memset(&out->explain, 0, sizeof out->explain);
    if (r->reference) {
        out->decision = ref_eval(f->batch.inputs, f->batch.count, req);
        out->matched_count = out->missing_count = 0;
        return;
    }
    out->explain.matched = out->refs;
    out->explain.matched_cap = EXPLAIN_CAP;
    out->explain.missing = out->missing;
    out->explain.missing_cap = EXPLAIN_CAP;
    out->decision = iam_eval(f->set, req, &out->explain);
    out->matched_count = out->explain.matched_count < EXPLAIN_CAP ? out->explain.matched_count
                                                                  : EXPLAIN_CAP;
    out->missing_count = out->explain.missing_count < EXPLAIN_CAP ? out->explain.missing_count
                                                                  : EXPLAIN_CAP;
    for (uint32_t i = 0; i < out->matched_count; i++)
        out->matched[i] = origin_ref(&f->batch, &out->refs[i]);
}

static bool same_ref(const match_ref *a, const match_ref *b)
{
    return a->kind == b->kind && a->level == b->level && a->policy == b->policy &&
           a->statement == b->statement;
}

static bool ref_in(const match_ref *set, uint32_t n, const match_ref *r)
{
    for (uint32_t i = 0; i < n; i++)
        if (same_ref(&set[i], r))
            return true;
    return false;
}

/* Order-free: every element of a is in b and every element of b in a. */
static bool same_ref_sets(const match_ref *a, uint32_t na, const match_ref *b, uint32_t nb)
{
    for (uint32_t i = 0; i < na; i++)
        if (!ref_in(b, nb, &a[i]))
            return false;
    for (uint32_t i = 0; i < nb; i++)
        if (!ref_in(a, na, &b[i]))
            return false;
    return true;
}

static bool key_in(const iam_str *set, uint32_t n, iam_str key)
{
    for (uint32_t i = 0; i < n; i++)
        if (str_equal_ignore_case(set[i], key))
            return true;
    return false;
}

static bool same_key_sets(const iam_str *a, uint32_t na, const iam_str *b, uint32_t nb)
{
    for (uint32_t i = 0; i < na; i++)
        if (!key_in(b, nb, a[i]))
            return false;
    for (uint32_t i = 0; i < nb; i++)
        if (!key_in(a, na, b[i]))
            return false;
    return true;
}

static bool outcome_matches(const expectation *e, const outcome *o, bool decision_only)
{
    if (!str_is(e->decision, iam_decision_name(o->decision)))
        return false;
    if (decision_only)
        return true;
    if (e->has_matched && (o->explain.matched_count > EXPLAIN_CAP ||
                           !same_ref_sets(e->matched, e->matched_count, o->matched,
                                          o->matched_count)))
        return false;
    return !e->has_missing || (o->explain.missing_count <= EXPLAIN_CAP &&
                               same_key_sets(e->missing, e->missing_count, o->missing,
                                             o->missing_count));
}

/* ------------------------------------------------------------------------ */
/* Reporting                                                                 */
/* ------------------------------------------------------------------------ */

static void append_refs(text_buf *b, const match_ref *refs, uint32_t n, uint32_t total)
{
    text_append(b, " matched [");
    for (uint32_t i = 0; i < n; i++) {
        const match_ref *r = &refs[i];
        const char *kind = r->kind >= 0 ? kind_names[r->kind] : "?input";
        text_append(b, "%s%s ", i > 0 ? ", " : "", kind);
        if (r->kind >= 0 && kind_has_levels(r->kind))
            text_append(b, "L%u ", r->level);
        text_append(b, "p%u s%u", r->policy, r->statement);
    }
    if (total > n)
        text_append(b, ", ... %u in all", total);
    text_append(b, "]");
}

static void append_keys(text_buf *b, const iam_str *keys, uint32_t n, uint32_t total)
{
    text_append(b, " missing [");
    for (uint32_t i = 0; i < n; i++)
        text_append(b, "%s%.*s", i > 0 ? ", " : "", (int)keys[i].len, keys[i].ptr);
    if (total > n)
        text_append(b, ", ... %u in all", total);
    text_append(b, "]");
}

static void describe_mismatch(text_buf *b, const expectation *e, const outcome *o,
                              bool decision_only)
{
    if (decision_only) {
        text_append(b, "expected %.*s, got %s (reference)", (int)e->decision.len,
                    e->decision.ptr, iam_decision_name(o->decision));
        return;
    }
    text_append(b, "expected %.*s", (int)e->decision.len, e->decision.ptr);
    if (e->has_matched)
        append_refs(b, e->matched, e->matched_count, e->matched_count);
    if (e->has_missing)
        append_keys(b, e->missing, e->missing_count, e->missing_count);
    text_append(b, ", got %s", iam_decision_name(o->decision));
    if (e->has_matched)
        append_refs(b, o->matched, o->matched_count, o->explain.matched_count);
    if (e->has_missing)
        append_keys(b, o->missing, o->missing_count, o->explain.missing_count);
}

/* Which case, for failure lines. */
typedef struct case_id {
    uint32_t index;
    iam_str name, spec;
} case_id;

static void case_failed(const runner *r, case_file *f, const case_id *id, const char *detail)
{
    f->failed++;
    if (!r->list_all && f->shown >= FAILURES_SHOWN) {
        f->hidden++;
        return;
    }
    f->shown++;
    printf("case %s #%u '%.*s' (spec §%.*s): %s\n", f->name, id->index, (int)id->name.len,
           id->name.ptr, (int)id->spec.len, id->spec.ptr, detail);
}

/* ------------------------------------------------------------------------ */
/* Running                                                                   */
/* ------------------------------------------------------------------------ */

static void run_case(const runner *r, case_file *f, uint32_t tok, uint32_t index)
{
    case_id id = {index, {"", 0}, f->spec};
    const json_doc *doc = &f->doc;
    const char *why = "not an object";
    iam_request req;
    expectation want;
    outcome got;
    text_buf msg;
    text_init(&msg);
    json_optional_string(doc, tok, "name", &id.name);
    json_string(doc, json_member(doc, tok, "spec"), &id.spec);
    if (!token_is(doc, tok, JSON_OBJECT) ||
        !build_request(f, json_member(doc, tok, "request"), &req, &why) ||
        !read_expectation(doc, json_member(doc, tok, "expect"), &want, &why)) {
        text_append(&msg, "malformed case: %s", why);
        case_failed(r, f, &id, msg.data);
        return;
    }
    evaluate(r, f, &req, &got);
    if (outcome_matches(&want, &got, r->reference)) {
        f->passed++;
        return;
    }
    describe_mismatch(&msg, &want, &got, r->reference);
    case_failed(r, f, &id, msg.data);
}

static void run_cases_of(const runner *r, case_file *f, uint32_t cases)
{
    uint32_t c = json_first(cases);
    for (uint32_t i = 0; i < token_at(&f->doc, cases)->len; i++, c = json_next(&f->doc, c))
        run_case(r, f, c, i);
}

static bool alloc_scratch(case_file *f)
{
    f->scratch_cap = f->doc.count;
    f->entries = calloc(f->scratch_cap + 1, sizeof *f->entries);
    f->values = calloc(f->scratch_cap + 1, sizeof *f->values);
    return f->entries != NULL && f->values != NULL;
}

static bool parse_case_file(runner *r, case_file *f)
{
    json_limits limits = {.max_string_bytes = 131072, .max_depth = 64,
                          .max_array_elements = 10000000};
    json_failure fail;
    uint32_t line = 0, column = 0;
    if (json_reader_reserve(r->reader, f->len) != IAM_OK) {
        file_problem(f, "out of memory reserving the JSON reader");
        return false;
    }
    if (json_reader_parse(r->reader, f->text, f->len, &limits, &f->doc, &fail) != IAM_OK) {
        iam_locate(f->text, f->len, fail.offset, &line, &column);
        file_problem(f, "invalid JSON at %u:%u (%s): %s", line, column,
                     iam_status_name(fail.code), fail.message);
        return false;
    }
    if (!token_is(&f->doc, json_member(&f->doc, ROOT_TOKEN, "cases"), JSON_ARRAY)) {
        file_problem(f, "no \"cases\" array");
        return false;
    }
    if (!json_string(&f->doc, json_member(&f->doc, ROOT_TOKEN, "spec"), &f->spec))
        f->spec = str_of("?");
    return true;
}

/* Everything up to running the cases; false means every case fails. */
static bool prepare_file(runner *r, case_file *f)
{
    iam_arena_init(&f->arena, r->arena_buf, ARENA_BYTES);
    if (!alloc_scratch(f)) {
        file_problem(f, "out of memory");
        return false;
    }
    return load_policies(r, f) && compile_policies(f);
}

/* The policies did not load: no case can run, each one fails. */
static void fail_every_case(case_file *f, uint32_t case_count)
{
    f->failed = case_count > 0 ? (long)case_count : 1;
    file_problem(f, "all %u cases fail: the policies did not load", case_count);
}

static void free_case_file(case_file *f)
{
    batch_free(&f->batch);
    free(f->entries);
    free(f->values);
    free(f->text);
}

static void run_file(runner *r, const char *name)
{
    char path[1024];
    case_file f;
    memset(&f, 0, sizeof f);
    f.name = name;
    snprintf(path, sizeof path, "%s/%s", CASE_DIR, name);
    f.text = test_read_file(path, &f.len);
    if (f.text == NULL) {
        file_problem(&f, "cannot read %s", path);
        f.failed = 1;
    } else if (!parse_case_file(r, &f)) {
        f.failed = 1;
    } else {
        uint32_t cases = json_member(&f.doc, ROOT_TOKEN, "cases");
        if (prepare_file(r, &f))
            run_cases_of(r, &f, cases);
        else
            fail_every_case(&f, token_at(&f.doc, cases)->len);
    }
    if (f.hidden > 0)
        printf("%s: %ld more failing cases not shown (--list-failures shows all)\n", name,
               f.hidden);
    printf("%s: %ld passed, %ld failed\n", name, f.passed, f.failed);
    r->passed += f.passed;
    r->failed += f.failed;
    free_case_file(&f);
}

/* ------------------------------------------------------------------------ */
/* Files and arguments                                                       */
/* ------------------------------------------------------------------------ */

typedef struct name_list {
    char **names;
    size_t count, cap;
} name_list;

static bool has_wanted_prefix(const char *name, char **prefixes, int n)
{
    if (n == 0)
        return true;
    for (int i = 0; i < n; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

static bool name_list_add(name_list *l, const char *name)
{
    if (l->count == l->cap) {
        size_t cap = l->cap == 0 ? 64 : l->cap * 2;
        char **grown = realloc(l->names, cap * sizeof *grown);
        if (grown == NULL)
            return false;
        l->names = grown;
        l->cap = cap;
    }
    char *copy = strdup(name);
    if (copy == NULL)
        return false;
    l->names[l->count++] = copy;
    return true;
}

static void name_list_free(name_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->names[i]);
    free(l->names);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_json_name(const char *name)
{
    size_t l = strlen(name);
    return l > 5 && strcmp(name + l - 5, ".json") == 0;
}

/* The selected case files, sorted by name. */
static bool list_case_files(name_list *out, char **prefixes, int prefix_count)
{
    DIR *dir = opendir(CASE_DIR);
    bool ok = true;
    if (dir == NULL) {
        perror(CASE_DIR);
        return false;
    }
    for (struct dirent *d; ok && (d = readdir(dir)) != NULL;)
        if (is_json_name(d->d_name) && has_wanted_prefix(d->d_name, prefixes, prefix_count))
            ok = name_list_add(out, d->d_name);
    closedir(dir);
    if (out->count > 0)
        qsort(out->names, out->count, sizeof out->names[0], compare_names);
    return ok;
}

/* Moves prefixes to the front of argv; false on an unknown option. */
static bool parse_args(int argc, char **argv, bool *list_all, bool *reference,
                       int *prefix_count)
{
    *list_all = false;
    *reference = false;
    *prefix_count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list-failures") == 0) {
            *list_all = true;
        } else if (strcmp(argv[i], "--reference") == 0) {
            *reference = true;
        } else if (strncmp(argv[i], "--", 2) == 0) {
            fprintf(stderr, "usage: %s [--list-failures] [--reference] [FILE-PREFIX...]\n",
                    argv[0]);
            return false;
        } else {
            argv[1 + (*prefix_count)++] = argv[i];
        }
    }
    return true;
}

static bool runner_init(runner *r, bool list_all, bool reference)
{
    memset(r, 0, sizeof *r);
    r->list_all = list_all;
    r->reference = reference;
    r->reader = json_reader_create();
    r->arena_buf = test_aligned_alloc(ARENA_BYTES);
    return r->reader != NULL && r->arena_buf != NULL && iam_parser_create(&r->parser) == IAM_OK;
}

static void runner_free(runner *r)
{
    json_reader_destroy(r->reader);
    iam_parser_destroy(r->parser);
    free(r->arena_buf);
}

int main(int argc, char **argv)
{
    bool list_all = false, reference = false;
    int prefix_count = 0;
    if (!parse_args(argc, argv, &list_all, &reference, &prefix_count))
        return 2;
    name_list files = {NULL, 0, 0};
    runner r;
    if (!runner_init(&r, list_all, reference) || !list_case_files(&files, argv + 1, prefix_count)) {
        fprintf(stderr, "run_eval_cases: setup failed\n");
        r.failed++;
    } else {
        for (size_t i = 0; i < files.count; i++)
            run_file(&r, files.names[i]);
    }
    printf("eval cases: %zu files%s\n", files.count, reference ? " (reference evaluator)" : "");
    printf("%ld passed, %ld failed\n", r.passed, r.failed);
    runner_free(&r);
    name_list_free(&files);
    return r.failed == 0 && r.passed > 0 ? 0 : 1;
}
