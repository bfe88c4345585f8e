/* The parser's API: lifecycle, limits, error reporting, shared helpers. */
#include "parse.h"

#include <stdlib.h>

struct iam_parser {
    json_reader *json;
    dup_table dups;
};

#define DEFAULT_MAX_DOCUMENT (1u << 20)
#define DEFAULT_MAX_STRING 131072u
#define DEFAULT_MAX_DEPTH 64u
#define DEFAULT_MAX_STATEMENTS 10000u
#define DEFAULT_MAX_ELEMENTS 100000u
#define HARD_MAX_DEPTH 1024u /* the JSON layer's own nesting limit */

iam_limits iam_limits_default(void) /* see iamgate.h */
{
    iam_limits l = {DEFAULT_MAX_DOCUMENT, DEFAULT_MAX_STRING, DEFAULT_MAX_DEPTH,
                    DEFAULT_MAX_STATEMENTS, DEFAULT_MAX_ELEMENTS};
    return l;
}

size_t iam_policy_quota(iam_policy_kind kind) /* see iamgate.h */
{
    switch (kind) {
    case IAM_POLICY_SESSION: return 2048;
    case IAM_POLICY_SCP:
    case IAM_POLICY_RCP: return 5120;
    case IAM_POLICY_RESOURCE: return 20480;
    default: return 6144;
    }
}

static iam_limits limits_resolve(const iam_limits *given)
{
    iam_limits l = iam_limits_default();
    if (given == NULL)
        return l;
    if (given->max_document_bytes) l.max_document_bytes = given->max_document_bytes;
    if (given->max_string_bytes) l.max_string_bytes = given->max_string_bytes;
    if (given->max_depth) l.max_depth = given->max_depth;
    if (given->max_statements) l.max_statements = given->max_statements;
    if (given->max_array_elements) l.max_array_elements = given->max_array_elements;
    return l;
}

/* ---- lifecycle ---- */

iam_status iam_parser_create(iam_parser **out) /* see iamgate.h */
{
    if (out == NULL)
        return IAM_E_ARG;
    *out = NULL;
    iam_parser *p = calloc(1, sizeof *p);
    if (p == NULL)
        return IAM_E_NOMEM;
    p->json = json_reader_create();
    if (p->json == NULL) {
        free(p);
        return IAM_E_NOMEM;
    }
    *out = p;
    return IAM_OK;
}

void iam_parser_destroy(iam_parser *parser) /* see iamgate.h */
{
    if (parser == NULL)
        return;
    json_reader_destroy(parser->json);
    free(parser->dups.slots);
    free(parser);
}

/* A table with twice as many slots as a document of len bytes has tokens. */
static iam_status dup_table_reserve(dup_table *t, size_t len)
{
    size_t want = 16;
    while (want < len + 16)
        want <<= 1;
    if (want <= t->capacity)
        return IAM_OK;
    uint32_t *slots = calloc(want, sizeof *slots);
    if (slots == NULL)
        return IAM_E_NOMEM;
    free(t->slots);
    t->slots = slots;
    t->capacity = want;
    return IAM_OK;
}

iam_status iam_parser_reserve(iam_parser *parser, size_t json_bytes) /* see iamgate.h */
{
    if (parser == NULL)
        return IAM_E_ARG;
    iam_status s = json_reader_reserve(parser->json, json_bytes);
    if (s == IAM_OK)
        s = dup_table_reserve(&parser->dups, json_bytes);
    return s;
}

/* ---- errors ---- */

bool parse_fail(parse_ctx *ctx, iam_status code, uint32_t token)
{
    ctx->code = code;
    ctx->token = token;
    return false;
}

bool parse_fail_type(parse_ctx *ctx, uint32_t token)
{
    return parse_fail(ctx, ctx_token(ctx, token)->kind == JSON_NULL ? IAM_E_NULL
                                                                     : IAM_E_TYPE,
                      token);
}

bool parse_out_of_memory(parse_ctx *ctx)
{
    return parse_fail(ctx, IAM_E_NOMEM, 0);
}

void parse_note(parse_ctx *ctx, iam_status code, uint32_t offset)
{
    int stage = iam_status_stage(code);
    IAM_ASSERT(stage >= 2 && stage < PARSE_STAGES);
    stage_note *n = &ctx->notes[stage];
    if (n->code == IAM_OK || offset < n->offset) {
        n->code = code;
        n->offset = offset;
    }
}

/* The token that starts at a byte offset (error path: a linear search). */
static uint32_t token_at_offset(const json_doc *doc, size_t offset)
{
    for (uint32_t i = 0; i < doc->count; i++)
        if (doc->tokens[i].offset == offset)
            return i;
    return 0;
}

static void error_fill_near(iam_error *err, const json_token *t)
{
    if (t->kind != JSON_OBJECT && t->kind != JSON_ARRAY)
        error_set_near(err, t->text, t->len);
}

/* Fills err for a failure at token index i of a parsed document. */
static void report_token_error(const parse_ctx *ctx, iam_status code,
                               uint32_t i, iam_error *err)
{
    const json_token *t = ctx_token(ctx, i);
    error_set(err, code, NULL, ctx->src, ctx->len, t->offset);
    if (err == NULL)
        return;
    json_pointer_of(ctx->doc, i, err->path, sizeof err->path);
    error_fill_near(err, t);
}

static void report_json_failure(const json_failure *f, const char *src,
                                size_t len, iam_error *err)
{
    error_set(err, f->code, f->message, src, len, f->offset);
    if (err == NULL)
        return;
    memcpy(err->path, f->path, sizeof err->path);
    if (f->offset < len && f->code != IAM_E_LIMIT_SIZE && f->code != IAM_E_JSON_EMPTY)
        error_set_near(err, src + f->offset, len - f->offset < 16 ? len - f->offset : 16);
}

/* ---- sizes ---- */

static bool is_json_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void iam_policy_size(const char *json, size_t len, size_t *minified,
                     size_t *no_whitespace) /* see iamgate.h */
{
    size_t kept = 0, solid = 0;
    bool in_string = false, escaped = false;
    for (size_t i = 0; json != NULL && i < len; i++) {
        unsigned char c = (unsigned char)json[i];
        if ((c & 0xC0u) == 0x80u)
            continue; /* count code points, not bytes */
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        }
        if (in_string || c == '"' || !is_json_space(c))
            kept++;
        if (!is_json_space(c))
            solid++;
    }
    if (minified != NULL)
        *minified = kept;
    if (no_whitespace != NULL)
        *no_whitespace = solid;
}

/* ---- entry points ---- */

static bool options_valid(const iam_parse_options *o, const iam_limits *l)
{
    if (o != NULL && (unsigned)o->kind >= (unsigned)IAM_POLICY_KIND_COUNT)
        return false;
    return l->max_depth <= HARD_MAX_DEPTH && l->max_document_bytes < UINT32_MAX - 64;
}

static iam_status fail_whole(iam_error *err, iam_status code, const char *json,
                             size_t len)
{
    error_set(err, code, NULL, json, len, 0);
    return code;
}

static bool quota_exceeded(const iam_parse_options *o, const char *json, size_t len)
{
    if (o == NULL || (o->flags & IAM_PARSE_ENFORCE_QUOTA) == 0)
        return false;
    size_t quota = o->quota_chars ? o->quota_chars : iam_policy_quota(o->kind);
    size_t minified = 0;
    iam_policy_size(json, len, &minified, NULL);
    return minified > quota;
}

/* The lowest later stage with a noted violation, or IAM_OK. */
static const stage_note *first_noted_stage(const parse_ctx *ctx)
{
    for (int stage = 2; stage < PARSE_STAGES; stage++)
        if (ctx->notes[stage].code != IAM_OK)
            return &ctx->notes[stage];
    return NULL;
}

static iam_status parse_tokens(parse_ctx *ctx, const iam_policy **out, iam_error *err)
{
    iam_policy *policy = NULL;
    if (!parse_policy(ctx, &policy)) {
        if (ctx->code == IAM_E_NOMEM)
            return fail_whole(err, IAM_E_NOMEM, ctx->src, ctx->len);
        report_token_error(ctx, ctx->code, ctx->token, err);
        return ctx->code;
    }
    parse_check_sids(ctx, policy);
    const stage_note *note = first_noted_stage(ctx);
    if (note != NULL) {
        report_token_error(ctx, note->code,
                           token_at_offset(ctx->doc, note->offset), err);
        return note->code;
    }
    *out = policy;
    return IAM_OK;
}

iam_status iam_policy_parse(iam_parser *parser, iam_arena *arena, const char *json,
                            size_t len, const iam_parse_options *options,
                            const iam_policy **out, iam_error *err) /* see iamgate.h */
{
    if (out != NULL)
        *out = NULL;
    iam_limits limits = limits_resolve(options ? &options->limits : NULL);
    if (parser == NULL || arena == NULL || out == NULL || (json == NULL && len != 0) ||
        !options_valid(options, &limits))
        return fail_whole(err, IAM_E_ARG, NULL, 0);
    if (len > limits.max_document_bytes)
        return fail_whole(err, IAM_E_LIMIT_SIZE, json, len);
    if (dup_table_reserve(&parser->dups, len) != IAM_OK)
        return fail_whole(err, IAM_E_NOMEM, json, len);

    json_limits jl = {limits.max_string_bytes, limits.max_depth, limits.max_array_elements};
    json_doc doc;
    json_failure jf;
    if (json_reader_parse(parser->json, json, len, &jl, &doc, &jf) != IAM_OK) {
        report_json_failure(&jf, json, len, err);
        return jf.code;
    }
    if (quota_exceeded(options, json, len))
        return fail_whole(err, IAM_E_LIMIT_QUOTA, json, len);

    static const iam_parse_options defaults = {IAM_POLICY_IDENTITY, 0, {0, 0, 0, 0, 0}, 0};
    parse_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = arena;
    ctx.doc = &doc;
    ctx.tokens = doc.tokens;
    ctx.src = json;
    ctx.len = len;
    ctx.options = options != NULL ? options : &defaults;
    ctx.limits = limits;
    ctx.dups = &parser->dups;
    ctx.vendor_bits = UINT32_MAX;

    size_t mark = arena->used;
    iam_status s = parse_tokens(&ctx, out, err);
    if (s != IAM_OK)
        arena->used = mark;
    else if (err != NULL)
        err->code = IAM_OK;
    return s;
}

/*
 * Why this bound holds: strings are copied once (at most len bytes); every
 * iam_value comes from its own token and a document holds at most len/2 + 4
 * tokens; a condition needs at least 6 source bytes ("k":1,), a principal
 * entry 3 ("*"), a statement 30 ({"Effect":"Deny","Action":""},); every
 * allocation wastes at most 7 bytes of alignment, and there is at most one
 * per token plus the policy itself.
 */
size_t iam_policy_parse_bound(size_t json_len) /* see iamgate.h */
{
    size_t tokens = json_len / 2 + 4;
    return json_len + tokens * (sizeof(iam_value) + 8) +
           (json_len / 6 + 1) * sizeof(iam_condition) +
           (json_len / 3 + 1) * sizeof(iam_principal) +
           (json_len / 30 + 1) * sizeof(iam_statement) + sizeof(iam_policy) + 64;
}

size_t iam_policy_measure(iam_parser *parser, const char *json, size_t len,
                          const iam_parse_options *options, iam_error *err) /* see iamgate.h */
{
    size_t cap = iam_policy_parse_bound(len);
    void *buf = aligned_alloc(64, (cap + 63) / 64 * 64); /* see iamgate.h: 64-byte aligned */
    if (buf == NULL) {
        fail_whole(err, IAM_E_NOMEM, json, len);
        return 0;
    }
    iam_arena arena;
    iam_arena_init(&arena, buf, cap);
    const iam_policy *policy = NULL;
    iam_status s = iam_policy_parse(parser, &arena, json, len, options, &policy, err);
    size_t used = s == IAM_OK ? arena.used : 0;
    free(buf);
    return used;
}

/* ---- helpers shared by the grammar files ---- */

/* A hash of p[0..n), eight bytes at a time (keys and Sids are short). */
static uint32_t hash_bytes(const char *p, size_t n)
{
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h = (uint64_t)n * k;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    uint64_t tail = 0;
    for (; i < n; i++)
        tail = tail << 8 | (unsigned char)p[i];
    h = (h ^ tail) * k;
    return (uint32_t)(h >> 32);
}

/* Equal texts; the last bytes are compared first, as keys and Sids of one
 * length often differ there ("Statement1", "Statement2"). */
static bool same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && (alen == 0 || (a[alen - 1] == b[alen - 1] && memcmp(a, b, alen) == 0));
}

/* The slots used for n keys (cleared before and after use). */
static size_t dup_mask_for(const parse_ctx *ctx, uint32_t n)
{
    size_t cap = 16;
    while (cap < 2u * (size_t)n)
        cap <<= 1;
    IAM_ASSERT(cap <= ctx->dups->capacity);
    memset(ctx->dups->slots, 0, cap * sizeof *ctx->dups->slots);
    return cap - 1;
}

/* Inserts item i (its text is text[0..len)) into the table; true when an
 * earlier item has the same text. same(ctx, j, text, len) compares item j. */
typedef bool (*dup_same_fn)(const parse_ctx *ctx, uint32_t j, const char *text, size_t len);

static bool dup_insert(parse_ctx *ctx, size_t mask, uint32_t i, const char *text, size_t len,
                       dup_same_fn same)
{
    size_t slot = hash_bytes(text, len) & mask;
    while (ctx->dups->slots[slot] != 0) {
        if (same(ctx, ctx->dups->slots[slot] - 1, text, len))
            return true;
        slot = (slot + 1) & mask;
    }
    ctx->dups->slots[slot] = i + 1;
    return false;
}

static bool same_key(const parse_ctx *ctx, uint32_t j, const char *text, size_t len)
{
    const json_token *t = ctx_token(ctx, j);
    return same_bytes(t->text, t->len, text, len);
}

/* Objects this small (almost all of them) are checked pair by pair: it
 * costs less than clearing and hashing into the table. */
#define DUP_LINEAR_MAX 8u

static uint32_t first_duplicate_linear(parse_ctx *ctx, uint32_t object)
{
    const json_token *o = ctx_token(ctx, object);
    for (uint32_t k = object + 1; k < o->end; k = ctx_token(ctx, k + 1)->end) {
        const json_token *key = ctx_token(ctx, k);
        for (uint32_t e = object + 1; e < k; e = ctx_token(ctx, e + 1)->end)
            if (same_key(ctx, e, key->text, key->len))
                return k;
    }
    return 0;
}

uint32_t parse_first_duplicate_of(parse_ctx *ctx, uint32_t object)
{
    const json_token *o = ctx_token(ctx, object);
    if (o->len <= DUP_LINEAR_MAX)
        return first_duplicate_linear(ctx, object);
    size_t mask = dup_mask_for(ctx, o->len);
    for (uint32_t k = object + 1; k < o->end; k = ctx_token(ctx, k + 1)->end)
        if (dup_insert(ctx, mask, k, ctx_token(ctx, k)->text, ctx_token(ctx, k)->len, same_key))
            return k;
    return 0;
}

static bool same_sid(const parse_ctx *ctx, uint32_t j, const char *text, size_t len)
{
    const iam_str *sid = &ctx->statements[j].sid;
    return same_bytes(sid->ptr, sid->len, text, len);
}

static bool has_sid(const iam_statement *st)
{
    return st->has_sid && st->sid.len != 0;
}

/* Whether statement s repeats the Sid of an earlier one, pair by pair. */
static bool sid_repeated_linear(const iam_policy *policy, uint32_t s)
{
    const iam_str *sid = &policy->statements[s].sid;
    for (uint32_t e = 0; e < s; e++)
        if (has_sid(&policy->statements[e]) &&
            same_bytes(policy->statements[e].sid.ptr, policy->statements[e].sid.len, sid->ptr,
                       sid->len))
            return true;
    return false;
}

void parse_check_sids(parse_ctx *ctx, const iam_policy *policy)
{
    uint32_t n = policy->statement_count;
    if (n < 2)
        return;
    bool linear = n <= DUP_LINEAR_MAX;
    size_t mask = linear ? 0 : dup_mask_for(ctx, n);
    ctx->statements = policy->statements;
    for (uint32_t s = 0; s < n; s++) {
        const iam_statement *st = &policy->statements[s];
        if (!has_sid(st))
            continue;
        bool repeated = linear ? sid_repeated_linear(policy, s)
                               : dup_insert(ctx, mask, s, st->sid.ptr, st->sid.len, same_sid);
        if (repeated)
            parse_note(ctx, IAM_E_SID_DUPLICATE, st->sid_offset);
    }
}


/* n string tokens from e into items, one parse_value each (fails at the
 * first non-string). */
static bool parse_string_items(parse_ctx *ctx, uint32_t e, uint32_t n, iam_value *items)
{
    for (uint32_t i = 0; i < n; i++, e++) {
        if (ctx_token(ctx, e)->kind != JSON_STRING)
            return parse_fail_type(ctx, e);
        if (!parse_value(ctx, e, &items[i]))
            return false;
    }
    return true;
}

bool parse_list_items(parse_ctx *ctx, uint32_t e, uint32_t n, iam_value_list *out,
                      string_check_fn check)
{
    iam_value *items = parse_alloc(ctx, n * sizeof *items, _Alignof(iam_value));
    if (items == NULL && n != 0)
        return parse_out_of_memory(ctx);
    if (!parse_string_items(ctx, e, n, items))
        return false;
    for (uint32_t i = 0; check != NULL && i < n; i++)
        check(ctx, ctx_token(ctx, e + i)->text, ctx_token(ctx, e + i)->len,
              ctx_token(ctx, e + i)->offset);
    out->items = items;
    out->count = n;
    return true;
}

bool parse_string_list(parse_ctx *ctx, uint32_t token, iam_value_list *out)
{
    return parse_checked_list(ctx, token, out, NULL);
}
