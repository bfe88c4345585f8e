/*
 * batch.c — one line of `iamgate eval`: parse the case, find (or build)
 * the compiled policy set for its policies, decide, write one result line.
 *
 * Speed comes from caching: a case's policy documents (the bytes of its
 * "policies", "boundaries", "sessionPolicies" and "scps" members) key a
 * cache of compiled policy sets, so a stream of requests against the same
 * policies parses and compiles them once. A line whose policies are cached
 * is read with the On-Demand reader (json_case_read), which does not build
 * tokens for the policy documents; any other line takes the DOM path,
 * which defines the format and reports errors with positions.
 */
#include "batch.h"

#include "bundle.h"
#include "cli_json.h"
#include "iamgate_catalog.h"

#include <stdlib.h>
#include <string.h>

/* ---- the compiled-set cache ---- */

#define CACHE_SLOTS 256 /* direct-mapped; a power of two */

typedef struct cache_entry {
    uint64_t hash;
    char *key;           /* the policy members' bytes, concatenated */
    size_t key_len;
    char *line;          /* the line the documents were taken from */
    char **decoded;      /* documents given as JSON strings, decoded */
    size_t decoded_count;
    cli_bundle bundle;
} cache_entry;

static void cache_entry_free(cache_entry *e)
{
    free(e->key);
    free(e->line);
    for (size_t i = 0; i < e->decoded_count; i++)
        free(e->decoded[i]);
    free(e->decoded);
    cli_bundle_free(&e->bundle);
    memset(e, 0, sizeof *e);
}

/* 64-bit hash of the key bytes, eight at a time. */
static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, p, n);
    h = (h ^ tail) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

/* ---- one worker ---- */

enum { FAST_ENTRIES = 64, FAST_VALUES = 256 };

struct batch_worker {
    iam_parser *parser;
    cli_json json;                   /* the DOM path: every line it is given */
    json_case_reader *fast;          /* the On-Demand path: cache hits */
    json_case fast_case;
    json_case_entry fast_entries[FAST_ENTRIES];
    json_case_value fast_values[FAST_VALUES];
    cache_entry cache[CACHE_SLOTS];
    jbuf key;                    /* scratch: this line's cache key */
    iam_context_entry *entries;  /* scratch: this line's context */
    iam_str *values;
    size_t entries_cap, values_cap;
    iam_statement_ref matched[64];
    iam_str missing[64];
    size_t errors;
    bool no_cache;
};

typedef struct batch_worker worker;

static const char *const policy_members[] = {"policies", "boundaries", "sessionPolicies", "scps"};
static const iam_policy_kind member_kinds[] = {IAM_POLICY_IDENTITY, IAM_POLICY_BOUNDARY,
                                              IAM_POLICY_SESSION, IAM_POLICY_SCP};
enum { MEMBER_COUNT = 4, MAX_SCP_LEVELS = 8 };

/* A line-level failure: what and where (offsets into the line). */
typedef struct line_error {
    iam_error err;
    bool set;
} line_error;

static void fail_at(const worker *w, uint32_t token, iam_status code, const char *message,
                    line_error *le)
{
    cli_json_fail(&w->json, token, code, message, &le->err);
    le->set = true;
}

/* The cache key: each policy member's bytes from '[' to ']' (the fast
 * reader's raw spans are the same bytes), tagged with the member. */
static void build_key(jbuf *key, const iam_str spans[MEMBER_COUNT])
{
    jbuf_reset(key);
    for (int m = 0; m < MEMBER_COUNT; m++) {
        jbuf_putc(key, (char)('0' + m));
        if (spans[m].ptr != NULL)
            jbuf_put(key, spans[m].ptr, spans[m].len);
    }
}

static void member_spans(const worker *w, const uint32_t members[MEMBER_COUNT],
                         iam_str spans[MEMBER_COUNT])
{
    for (int m = 0; m < MEMBER_COUNT; m++) {
        spans[m] = (iam_str){NULL, 0};
        if (members[m] == CLI_NO_TOKEN)
            continue;
        size_t start = cli_tok(&w->json, members[m])->offset;
        size_t end = cli_json_close(w->json.src, w->json.len, start);
        spans[m] = (iam_str){w->json.src + start, end > start ? end - start : 0};
    }
}

/* The cached entry for the key in w->key, or NULL. */
static cache_entry *cache_find(worker *w, uint64_t *hash)
{
    uint64_t h = hash_bytes(w->key.data, w->key.len);
    cache_entry *e = &w->cache[h & (CACHE_SLOTS - 1)];
    *hash = h;
    if (e->key != NULL && e->hash == h && e->key_len == w->key.len &&
        memcmp(e->key, w->key.data, w->key.len) == 0)
        return e;
    return NULL;
}

/* Adds one document (object, JSON string or managed ARN) to the entry. */
static bool add_document(worker *w, cache_entry *e, uint32_t t, iam_policy_kind kind,
                         uint32_t level, const char *id, line_error *le)
{
    cli_doc d;
    memset(&d, 0, sizeof d);
    d.kind = kind;
    d.level = level;
    d.source_type = "IAM Policy";
    snprintf(d.source_id, sizeof d.source_id, "%s", id);
    const json_token *tok = cli_tok(&w->json, t);
    if (tok->kind == JSON_OBJECT) {
        size_t end = cli_json_close(e->line, w->json.len, tok->offset);
        d.text = e->line + tok->offset;
        d.len = end - tok->offset;
        d.base_offset = tok->offset;
    } else if (tok->kind == JSON_STRING && tok->len > 4 && memcmp(tok->text, "arn:", 4) == 0) {
        const iam_managed_policy *mp = iam_managed_policy_find(tok->text, tok->len);
        if (mp == NULL) {
            fail_at(w, t, IAM_E_NOT_FOUND, "no such AWS managed policy", le);
            return false;
        }
        d.text = mp->document.ptr;
        d.len = mp->document.len;
        d.base_offset = tok->offset; /* errors cannot happen: built-in data parses */
    } else if (tok->kind == JSON_STRING) {
        char *copy = malloc(tok->len + 1);
        char **list = realloc(e->decoded, (e->decoded_count + 1) * sizeof *list);
        if (copy == NULL || list == NULL) {
            free(copy);
            if (list != NULL)
                e->decoded = list;
            fail_at(w, t, IAM_E_NOMEM, "out of memory", le);
            return false;
        }
        memcpy(copy, tok->text, tok->len);
        copy[tok->len] = '\0';
        e->decoded = list;
        e->decoded[e->decoded_count++] = copy;
        d.text = copy;
        d.len = tok->len;
        d.base_offset = tok->offset;
    } else {
        fail_at(w, t, IAM_E_TYPE, "a policy must be an object, a JSON string or a managed policy ARN", le);
        return false;
    }
    d.file_text = e->line;
    d.file_len = w->json.len;
    if (!cli_bundle_add(&e->bundle, &d)) {
        fail_at(w, t, IAM_E_NOMEM, "out of memory", le);
        return false;
    }
    return true;
}

static bool add_member(worker *w, cache_entry *e, int m, uint32_t v, line_error *le)
{
    if (!cli_is(&w->json, v, JSON_ARRAY)) {
        fail_at(w, v, IAM_E_TYPE, "expected an array of policies", le);
        return false;
    }
    bool scp = member_kinds[m] == IAM_POLICY_SCP;
    uint32_t el = v + 1;
    for (uint32_t i = 0; i < cli_count(&w->json, v); i++, el = cli_next(&w->json, el)) {
        char id[64];
        if (scp && i >= MAX_SCP_LEVELS) {
            fail_at(w, el, IAM_E_LIMIT_ELEMENTS, "at most 8 SCP levels", le);
            return false;
        }
        if (!scp || !cli_is(&w->json, el, JSON_ARRAY)) {
            snprintf(id, sizeof id, "%s[%u]", policy_members[m], i);
            if (!add_document(w, e, el, member_kinds[m], i, id, le))
                return false;
            continue;
        }
        uint32_t inner = el + 1; /* one SCP level given as an array of documents */
        for (uint32_t k = 0; k < cli_count(&w->json, el); k++, inner = cli_next(&w->json, inner)) {
            snprintf(id, sizeof id, "scps[%u][%u]", i, k);
            if (!add_document(w, e, inner, IAM_POLICY_SCP, i, id, le))
                return false;
        }
    }
    return true;
}

/* Places a document's parse error at its position in the line. */
static void document_error(const worker *w, const cache_entry *e, size_t bad,
                           const iam_error *err, line_error *le)
{
    le->set = true;
    le->err = *err;
    if (bad >= e->bundle.count)
        return;
    const cli_doc *d = &e->bundle.docs[bad];
    bool in_line = d->text == e->line + d->base_offset; /* else decoded or built in */
    le->err.offset = d->base_offset + (in_line ? err->offset : 0);
    iam_locate(w->json.src, w->json.len, le->err.offset, &le->err.line, &le->err.column);
    /* "policies[0]" becomes the JSON pointer "/policies/0", then the
     * pointer inside the document follows. */
    char path[IAM_ERROR_PATH_MAX];
    size_t n = 0;
    path[n++] = '/';
    for (const char *c = d->source_id; *c != '\0' && n + 1 < sizeof path; c++)
        if (*c != ']')
            path[n++] = *c == '[' ? '/' : *c;
    for (const char *c = err->path; *c != '\0' && n + 1 < sizeof path; c++)
        path[n++] = *c;
    path[n] = '\0';
    memcpy(le->err.path, path, sizeof path);
}

/* Builds (on a miss) the compiled set for this line's policies. */
static const cache_entry *lookup_set(worker *w, const uint32_t members[MEMBER_COUNT],
                                     line_error *le)
{
    iam_str spans[MEMBER_COUNT];
    member_spans(w, members, spans);
    build_key(&w->key, spans);
    uint64_t h;
    cache_entry *e = cache_find(w, &h);
    if (e != NULL && !w->no_cache)
        return e;
    e = &w->cache[h & (CACHE_SLOTS - 1)];
    cache_entry_free(e);
    e->key = malloc(w->key.len);
    e->line = malloc(w->json.len + 1);
    if (e->key == NULL || e->line == NULL) {
        cache_entry_free(e);
        fail_at(w, 0, IAM_E_NOMEM, "out of memory", le);
        return NULL;
    }
    memcpy(e->key, w->key.data, w->key.len);
    e->key_len = w->key.len;
    memcpy(e->line, w->json.src, w->json.len);
    e->line[w->json.len] = '\0';
    for (int m = 0; m < MEMBER_COUNT; m++)
        if (members[m] != CLI_NO_TOKEN && !add_member(w, e, m, members[m], le))
            goto fail;
    size_t bad;
    iam_error err;
    if (cli_bundle_compile(&e->bundle, w->parser, &bad, &err) != IAM_OK) {
        document_error(w, e, bad, &err, le);
        goto fail;
    }
    e->hash = h;
    return e;
fail:
    cache_entry_free(e);
    return NULL;
}

/* ---- the request ---- */

static bool grow_scratch(worker *w, size_t entries, size_t values)
{
    if (entries > w->entries_cap) {
        iam_context_entry *p = realloc(w->entries, entries * 2 * sizeof *p);
        if (p == NULL)
            return false;
        w->entries = p;
        w->entries_cap = entries * 2;
    }
    if (values > w->values_cap) {
        iam_str *p = realloc(w->values, values * 2 * sizeof *p);
        if (p == NULL)
            return false;
        w->values = p;
        w->values_cap = values * 2;
    }
    return true;
}

/* A context value's text: strings decoded, numbers as written, booleans
 * as "true"/"false" (each operator parses the text, as AWS sends it). */
static bool scalar_text(const json_token *t, iam_str *out)
{
    switch (t->kind) {
    case JSON_STRING:
    case JSON_NUMBER:
        out->ptr = t->text;
        out->len = t->len;
        return true;
    case JSON_TRUE:
        *out = (iam_str){"true", 4};
        return true;
    case JSON_FALSE:
        *out = (iam_str){"false", 5};
        return true;
    default:
        return false;
    }
}

static bool build_context(worker *w, uint32_t ctx, iam_request *req, line_error *le)
{
    req->context = NULL;
    req->context_count = 0;
    if (ctx == CLI_NO_TOKEN)
        return true;
    if (!cli_is(&w->json, ctx, JSON_OBJECT)) {
        fail_at(w, ctx, IAM_E_TYPE, "request.context must be an object", le);
        return false;
    }
    uint32_t n = cli_tok(&w->json, ctx)->len;
    /* every value token is at most one context value */
    if (!grow_scratch(w, n, cli_next(&w->json, ctx) - ctx)) {
        fail_at(w, ctx, IAM_E_NOMEM, "out of memory", le);
        return false;
    }
    size_t used = 0;
    uint32_t k = ctx + 1;
    for (uint32_t i = 0; i < n; i++, k = cli_next(&w->json, k + 1)) {
        iam_context_entry *entry = &w->entries[i];
        const json_token *v = cli_tok(&w->json, k + 1);
        entry->key = cli_text(&w->json, k);
        entry->values = &w->values[used];
        entry->multi = v->kind == JSON_ARRAY;
        entry->count = entry->multi ? v->len : 1;
        uint32_t first = entry->multi ? k + 2 : k + 1;
        for (uint32_t e = 0, t = first; e < entry->count; e++, t = cli_next(&w->json, t)) {
            if (!scalar_text(cli_tok(&w->json, t), &w->values[used++])) {
                fail_at(w, t, IAM_E_TYPE,
                        "a context value must be a string, number, boolean or an array of them", le);
                return false;
            }
        }
    }
    req->context = w->entries;
    req->context_count = n;
    return true;
}

/* An optional string member of the request ("" when absent). */
static bool request_string(worker *w, uint32_t request, const char *key, const char *fallback,
                           iam_str *out, line_error *le)
{
    uint32_t v = cli_member(&w->json, request, key);
    if (v == CLI_NO_TOKEN) {
        out->ptr = fallback;
        out->len = strlen(fallback);
        return true;
    }
    if (!cli_is(&w->json, v, JSON_STRING)) {
        fail_at(w, v, IAM_E_TYPE, "request fields must be strings", le);
        return false;
    }
    *out = cli_text(&w->json, v);
    return true;
}

static bool build_request(worker *w, iam_request *req, line_error *le)
{
    uint32_t request = cli_member(&w->json, 0, "request");
    if (!cli_is(&w->json, request, JSON_OBJECT)) {
        fail_at(w, request == CLI_NO_TOKEN ? 0 : request, IAM_E_TYPE,
                "a case needs a \"request\" object", le);
        return false;
    }
    if (!request_string(w, request, "action", "", &req->action, le) ||
        !request_string(w, request, "resource", "*", &req->resource, le) ||
        !request_string(w, request, "principal", "", &req->principal, le))
        return false;
    if (req->action.len == 0) {
        fail_at(w, request, IAM_E_TYPE, "request.action is required", le);
        return false;
    }
    return build_context(w, cli_member(&w->json, request, "context"), req, le);
}

/* ---- output ---- */

/* Echoes the case's id: a string, a number as written, else null. */
static void put_id_value(jbuf *out, uint8_t kind, const char *text, size_t len)
{
    jbuf_puts(out, "{\"id\":");
    if (kind == JSON_STRING)
        jbuf_string(out, text, len);
    else if (kind == JSON_NUMBER)
        jbuf_put(out, text, len);
    else
        jbuf_puts(out, "null");
}

static void put_id(jbuf *out, const worker *w, uint32_t id)
{
    if (id == CLI_NO_TOKEN)
        put_id_value(out, 0, NULL, 0);
    else
        put_id_value(out, cli_tok(&w->json, id)->kind, cli_tok(&w->json, id)->text,
                     cli_tok(&w->json, id)->len);
}

static void put_error(jbuf *out, const iam_error *err, size_t line_number)
{
    jbuf_puts(out, ",\"error\":{\"code\":");
    jbuf_string(out, iam_status_name(err->code), strlen(iam_status_name(err->code)));
    jbuf_puts(out, ",\"message\":");
    const char *msg = err->message != NULL ? err->message : iam_status_name(err->code);
    jbuf_string(out, msg, strlen(msg));
    jbuf_printf(out, ",\"line\":%zu,\"column\":%u", line_number, err->column);
    if (err->path[0] != '\0') {
        jbuf_puts(out, ",\"path\":");
        jbuf_string(out, err->path, strlen(err->path));
    }
    jbuf_puts(out, "}}\n");
}

static void put_result(jbuf *out, const worker *w, iam_decision d, const iam_explain *ex)
{
    jbuf_puts(out, ",\"decision\":\"");
    jbuf_puts(out, iam_decision_name(d));
    jbuf_puts(out, "\",\"matched\":[");
    uint32_t n = ex->matched_count < ex->matched_cap ? ex->matched_count : ex->matched_cap;
    for (uint32_t i = 0; i < n; i++) {
        const iam_statement_ref *r = &w->matched[i];
        jbuf_puts(out, i ? ",{\"policy\":" : "{\"policy\":");
        jbuf_str(out, r->policy_name);
        jbuf_printf(out, ",\"statement\":%u", r->statement);
        if (r->sid.len) {
            jbuf_puts(out, ",\"sid\":");
            jbuf_str(out, r->sid);
        }
        jbuf_puts(out, r->effect == IAM_EFFECT_DENY ? ",\"effect\":\"Deny\"}" : ",\"effect\":\"Allow\"}");
    }
    jbuf_puts(out, "],\"missingContext\":[");
    n = ex->missing_count < ex->missing_cap ? ex->missing_count : ex->missing_cap;
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            jbuf_putc(out, ',');
        jbuf_str(out, w->missing[i]);
    }
    jbuf_puts(out, "]}\n");
}

/* The fast path: a plain line whose policies are cached. False (having
 * written nothing) sends the line to the DOM path. */
static bool eval_fast(worker *w, const char *line, size_t len, jbuf *out)
{
    json_case *c = &w->fast_case;
    if (w->no_cache)
        return false;
    c->entries = w->fast_entries;
    c->entry_cap = FAST_ENTRIES;
    c->values = w->fast_values;
    c->value_cap = FAST_VALUES;
    if (!json_case_read(w->fast, line, len, c) || c->action.len == 0 ||
        !grow_scratch(w, c->entry_count, c->value_count))
        return false;
    build_key(&w->key, c->members);
    uint64_t h;
    const cache_entry *e = cache_find(w, &h);
    if (e == NULL)
        return false;
    for (uint32_t i = 0; i < c->value_count; i++)
        w->values[i] = (iam_str){c->values[i].text, c->values[i].len};
    for (uint32_t i = 0; i < c->entry_count; i++) {
        const json_case_entry *ce = &c->entries[i];
        w->entries[i] = (iam_context_entry){ce->key, &w->values[ce->first_value], ce->value_count,
                                            ce->multi};
    }
    iam_request req = {c->action, c->has_resource ? c->resource : (iam_str){"*", 1},
                       c->has_principal ? c->principal : (iam_str){"", 0}, w->entries,
                       c->entry_count};
    put_id_value(out, c->has_id ? c->id.kind : 0, c->id.text, c->id.len);
    iam_explain ex = {w->matched, 64, 0, w->missing, 64, 0};
    iam_decision d = iam_eval(e->bundle.set, &req, &ex);
    put_result(out, w, d, &ex);
    return true;
}

/* Evaluates one line (without its newline) into out. */
static void eval_line(worker *w, const char *line, size_t len, size_t line_number, jbuf *out)
{
    if (eval_fast(w, line, len, out))
        return;
    line_error le = {.set = false};
    iam_status s = cli_json_parse(&w->json, line, len, &le.err);
    if (s != IAM_OK) {
        le.set = true;
        jbuf_puts(out, "{\"id\":null");
        put_error(out, &le.err, line_number);
        w->errors++;
        return;
    }
    uint32_t id = cli_member(&w->json, 0, "id");
    put_id(out, w, id);
    iam_request req;
    uint32_t members[MEMBER_COUNT];
    const cache_entry *e = NULL;
    if (!cli_is(&w->json, 0, JSON_OBJECT)) {
        fail_at(w, 0, IAM_E_NOT_OBJECT, "a case must be a JSON object", &le);
    } else {
        for (int m = 0; m < MEMBER_COUNT; m++)
            members[m] = cli_member(&w->json, 0, policy_members[m]);
        if (members[0] == CLI_NO_TOKEN)
            fail_at(w, 0, IAM_E_TYPE, "a case needs a \"policies\" array", &le);
        else if (build_request(w, &req, &le))
            e = lookup_set(w, members, &le);
    }
    if (e == NULL) {
        put_error(out, &le.err, line_number);
        w->errors++;
        return;
    }
    iam_explain ex = {w->matched, 64, 0, w->missing, 64, 0};
    iam_decision d = iam_eval(e->bundle.set, &req, &ex);
    put_result(out, w, d, &ex);
}


void batch_eval_line(batch_worker *w, const char *line, size_t len, size_t line_number, jbuf *out)
{
    eval_line(w, line, len, line_number, out);
}

size_t batch_worker_errors(const batch_worker *w) { return w->errors; }

batch_worker *batch_worker_create(bool no_cache)
{
    batch_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->no_cache = no_cache;
    w->fast = json_case_reader_create();
    if (w->fast == NULL || iam_parser_create(&w->parser) != IAM_OK || !cli_json_init(&w->json)) {
        batch_worker_destroy(w);
        return NULL;
    }
    return w;
}

void batch_worker_destroy(batch_worker *w)
{
    if (w == NULL)
        return;
    iam_parser_destroy(w->parser);
    json_case_reader_destroy(w->fast);
    if (w->json.reader != NULL)
        cli_json_free(&w->json);
    for (size_t i = 0; i < CACHE_SLOTS; i++)
        cache_entry_free(&w->cache[i]);
    jbuf_free(&w->key);
    free(w->entries);
    free(w->values);
    free(w);
}
