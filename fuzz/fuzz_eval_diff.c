/*
 * fuzz_eval_diff.c — differential target: the compiled evaluator
 * (iam_policy_set_compile + iam_eval) against the reference evaluator
 * (tests/reference/ref_eval.c), aborting on any different decision.
 * Byte 0: two bits per policy choose its kind (identity, boundary,
 * session, scp); byte 1: bits 0-1 the policy count - 1, bit 2 makes the
 * last policy resource-based, bit 3 a tiny arena. The rest is split at NUL
 * bytes: the policy documents, then action, resource, principal, then
 * context entries "key=value" or "key==v1|v2|..." (a list).
 */
#include "iamgate.h"
#include "ref_eval.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT 16384
#define MAX_PIECES 40
#define MAX_CONTEXT 16
#define MAX_VALUES 8

static iam_parser *parser;
static unsigned char arena_memory[8u << 20];

static void require(int ok)
{
    if (!ok)
        abort();
}

typedef struct piece {
    const char *ptr;
    size_t len;
} piece;

static size_t split(const char *s, size_t n, piece *out)
{
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= n && count < MAX_PIECES; i++)
        if (i == n || s[i] == '\0') {
            out[count].ptr = s + start;
            out[count].len = i - start;
            count++;
            start = i + 1;
        }
    return count;
}

static const iam_policy_kind kinds[4] = {IAM_POLICY_IDENTITY, IAM_POLICY_BOUNDARY,
                                         IAM_POLICY_SESSION, IAM_POLICY_SCP};

typedef struct context_store {
    iam_context_entry entries[MAX_CONTEXT];
    iam_str values[MAX_CONTEXT][MAX_VALUES];
} context_store;

/* "key=value" → one value; "key==a|b" → a list (possibly empty). */
static bool parse_entry(piece p, iam_context_entry *e, iam_str *values)
{
    const char *eq = memchr(p.ptr, '=', p.len);
    if (eq == NULL)
        return false;
    e->key.ptr = p.ptr;
    e->key.len = (size_t)(eq - p.ptr);
    e->values = values;
    const char *v = eq + 1, *end = p.ptr + p.len;
    e->multi = v < end && *v == '=';
    if (!e->multi) {
        values[0].ptr = v;
        values[0].len = (size_t)(end - v);
        e->count = 1;
        return true;
    }
    e->count = 0;
    for (const char *at = v + 1; at < end && e->count < MAX_VALUES;) {
        const char *bar = memchr(at, '|', (size_t)(end - at));
        const char *stop = bar ? bar : end;
        values[e->count].ptr = at;
        values[e->count].len = (size_t)(stop - at);
        e->count++;
        at = stop + 1;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || size > MAX_INPUT)
        return 0;
    if (parser == NULL)
        iam_parser_create(&parser);
    piece pieces[MAX_PIECES];
    size_t n = split((const char *)data + 2, size - 2, pieces);
    size_t policies = (size_t)(data[1] & 3) + 1;
    if (n < policies + 3)
        return 0;
    iam_arena arena;
    iam_arena_init(&arena, arena_memory, sizeof arena_memory);
    iam_policy_input inputs[4];
    for (size_t i = 0; i < policies; i++) {
        iam_parse_options o;
        memset(&o, 0, sizeof o);
        o.kind = (i + 1 == policies && (data[1] & 4)) ? IAM_POLICY_RESOURCE
                                                      : kinds[(data[0] >> (2 * i)) & 3];
        const iam_policy *p = NULL;
        if (iam_policy_parse(parser, &arena, pieces[i].ptr, pieces[i].len, &o, &p, NULL) != IAM_OK)
            return 0;
        iam_policy_input in = {p, o.kind, (uint32_t)(i % 2), {"p", 1}};
        inputs[i] = in;
    }
    static context_store ctx;
    iam_request r;
    memset(&r, 0, sizeof r);
    r.action.ptr = pieces[policies].ptr;
    r.action.len = pieces[policies].len;
    r.resource.ptr = pieces[policies + 1].ptr;
    r.resource.len = pieces[policies + 1].len;
    r.principal.ptr = pieces[policies + 2].ptr;
    r.principal.len = pieces[policies + 2].len;
    r.context = ctx.entries;
    for (size_t i = policies + 3; i < n && r.context_count < MAX_CONTEXT; i++)
        if (parse_entry(pieces[i], &ctx.entries[r.context_count], ctx.values[r.context_count]))
            r.context_count++;
    size_t left = sizeof arena_memory - arena.used;
    iam_arena sets;
    iam_arena_init(&sets, arena_memory + arena.used, (data[1] & 8) ? (left < 512 ? left : 512) : left);
    const iam_policy_set *set = NULL;
    iam_status s = iam_policy_set_compile(&sets, inputs, policies, &set, NULL);
    if (s != IAM_OK) {
        require(s == IAM_E_NOMEM && set == NULL && iam_eval(set, &r, NULL) == IAM_DENY_IMPLICIT);
        return 0;
    }
    iam_statement_ref matched[64];
    iam_str missing[64];
    iam_explain ex = {matched, 64, 0, missing, 64, 0};
    iam_decision fast = iam_eval(set, &r, &ex);
    iam_decision slow = ref_eval(inputs, policies, &r);
    require(fast == slow);
    require(iam_eval(set, &r, NULL) == fast); /* explain does not change the decision */
    require(fast != IAM_DENY_IMPLICIT || ex.matched_count == 0);
    return 0;
}
