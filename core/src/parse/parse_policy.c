/* The top level of a policy document (spec §1.2–§1.4). */
#include "parse.h"

typedef struct top_keys {
    uint32_t version, id, statement; /* value token; 0 = absent */
} top_keys;

/* Stage-2 and stage-1 checks of the Version value. */
static bool parse_version(parse_ctx *ctx, uint32_t token, iam_policy *policy)
{
    const json_token *t = ctx_token(ctx, token);
    if (t->kind != JSON_STRING)
        return parse_fail_type(ctx, token);
    if (token_is(t, "2012-10-17"))
        policy->version = IAM_VERSION_2012_10_17;
    else if (token_is(t, "2008-10-17"))
        policy->version = IAM_VERSION_2008_10_17;
    else
        return parse_fail(ctx, IAM_E_BAD_VERSION, token);
    ctx->version_offset = t->offset;
    return true;
}

static bool parse_id(parse_ctx *ctx, uint32_t token, iam_policy *policy)
{
    const json_token *t = ctx_token(ctx, token);
    if (t->kind != JSON_STRING)
        return parse_fail_type(ctx, token);
    policy->has_id = true;
    policy->id.len = t->len;
    policy->id.ptr = parse_copy_bytes(ctx, t->text, t->len);
    return policy->id.ptr != NULL || parse_out_of_memory(ctx);
}

static bool check_statement_shape(parse_ctx *ctx, uint32_t token, uint32_t *count)
{
    const json_token *t = ctx_token(ctx, token);
    if (t->kind == JSON_OBJECT) {
        *count = 1;
        return true;
    }
    if (t->kind != JSON_ARRAY)
        return parse_fail_type(ctx, token);
    if (t->len == 0)
        return parse_fail(ctx, IAM_E_EMPTY_STATEMENT, token);
    *count = t->len;
    return true;
}

static bool parse_statements(parse_ctx *ctx, uint32_t token, iam_policy *policy)
{
    uint32_t count = 0;
    if (!check_statement_shape(ctx, token, &count))
        return false;
    bool is_array = ctx_token(ctx, token)->kind == JSON_ARRAY;
    uint32_t allocated = count < ctx->limits.max_statements ? count : ctx->limits.max_statements;
    iam_statement *statements =
        parse_alloc(ctx, allocated * sizeof *statements, _Alignof(iam_statement));
    if (statements == NULL)
        return parse_out_of_memory(ctx);
    uint32_t e = is_array ? token + 1 : token;
    for (uint32_t i = 0; i < count; i++, e = ctx_token(ctx, e)->end) {
        if (i == ctx->limits.max_statements)
            return parse_fail(ctx, IAM_E_LIMIT_STATEMENTS, e);
        if (ctx_token(ctx, e)->kind != JSON_OBJECT)
            return parse_fail_type(ctx, e);
        if (!parse_statement(ctx, e, &statements[i]))
            return false;
    }
    policy->statement_is_array = is_array;
    policy->statements = statements;
    policy->statement_count = count;
    return true;
}

/* One top-level member: which element it is, then its value. Members are
 * taken in document order so the first error is the first in the text. */
static bool parse_top_member(parse_ctx *ctx, uint32_t k, top_keys *seen, iam_policy *policy)
{
    const json_token *key = ctx_token(ctx, k);
    uint32_t *slot = NULL;
    bool (*parse)(parse_ctx *, uint32_t, iam_policy *) = NULL;
    if (token_is(key, "Version")) {
        slot = &seen->version;
        parse = parse_version;
    } else if (token_is(key, "Id")) {
        slot = &seen->id;
        parse = parse_id;
    } else if (token_is(key, "Statement")) {
        slot = &seen->statement;
        parse = parse_statements;
    } else {
        return parse_fail(ctx, IAM_E_UNKNOWN_KEY, k);
    }
    if (*slot != 0)
        return parse_fail(ctx, IAM_E_DUPLICATE_KEY, k);
    *slot = k + 1;
    return parse(ctx, k + 1, policy);
}

static void note_version_stage(parse_ctx *ctx, const iam_policy *policy)
{
    if ((ctx->options->flags & IAM_PARSE_CREATE_POLICY) != 0 &&
        policy->version != IAM_VERSION_2012_10_17)
        parse_note(ctx, IAM_E_VERSION_REQUIRED, ctx->version_offset);
}

bool parse_policy(parse_ctx *ctx, iam_policy **out)
{
    if (ctx_token(ctx, 0)->kind != JSON_OBJECT)
        return parse_fail(ctx, IAM_E_NOT_OBJECT, 0);
    iam_policy *policy = parse_alloc(ctx, sizeof *policy, _Alignof(iam_policy));
    if (policy == NULL)
        return parse_out_of_memory(ctx);
    memset(policy, 0, sizeof *policy);
    policy->kind = (uint8_t)ctx->options->kind;
    policy->source_bytes = ctx->len;
    ctx->version_offset = ctx_token(ctx, 0)->offset;

    top_keys seen = {0, 0, 0};
    const json_token *root = ctx_token(ctx, 0);
    for (uint32_t k = 1; k < root->end; k = ctx_token(ctx, k + 1)->end)
        if (!parse_top_member(ctx, k, &seen, policy))
            return false;
    if (seen.statement == 0)
        return parse_fail(ctx, IAM_E_NO_STATEMENT, 0);
    note_version_stage(ctx, policy);
    *out = policy;
    return true;
}
