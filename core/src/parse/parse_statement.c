/* One statement (spec §1.5–§1.9). */
#include "parse.h"

typedef enum statement_key {
    KEY_SID, KEY_EFFECT, KEY_ACTION, KEY_NOT_ACTION, KEY_RESOURCE,
    KEY_NOT_RESOURCE, KEY_PRINCIPAL, KEY_NOT_PRINCIPAL, KEY_CONDITION,
    KEY_COUNT
} statement_key;

/* The statement element a key names, or -1; by length first, as this
 * runs for every key of every statement. */
static int statement_key_of(const json_token *key)
{
    switch (key->len) {
    case 3: return token_is(key, "Sid") ? KEY_SID : -1;
    case 6:
        if (token_is(key, "Effect"))
            return KEY_EFFECT;
        return token_is(key, "Action") ? KEY_ACTION : -1;
    case 8: return token_is(key, "Resource") ? KEY_RESOURCE : -1;
    case 9:
        if (token_is(key, "NotAction"))
            return KEY_NOT_ACTION;
        if (token_is(key, "Principal"))
            return KEY_PRINCIPAL;
        return token_is(key, "Condition") ? KEY_CONDITION : -1;
    case 11: return token_is(key, "NotResource") ? KEY_NOT_RESOURCE : -1;
    case 12: return token_is(key, "NotPrincipal") ? KEY_NOT_PRINCIPAL : -1;
    default: return -1;
    }
}

/* The other key of an exclusive pair (Action/NotAction...), or -1. */
static int statement_key_partner(int key)
{
    switch (key) {
    case KEY_ACTION: return KEY_NOT_ACTION;
    case KEY_NOT_ACTION: return KEY_ACTION;
    case KEY_RESOURCE: return KEY_NOT_RESOURCE;
    case KEY_NOT_RESOURCE: return KEY_RESOURCE;
    case KEY_PRINCIPAL: return KEY_NOT_PRINCIPAL;
    case KEY_NOT_PRINCIPAL: return KEY_PRINCIPAL;
    default: return -1;
    }
}

static iam_status conflict_code(int key)
{
    if (key == KEY_ACTION || key == KEY_NOT_ACTION)
        return IAM_E_ACTION_CONFLICT;
    if (key == KEY_RESOURCE || key == KEY_NOT_RESOURCE)
        return IAM_E_RESOURCE_CONFLICT;
    return IAM_E_PRINCIPAL_CONFLICT;
}

static bool is_resource_policy(const parse_ctx *ctx)
{
    return ctx->options->kind == IAM_POLICY_RESOURCE;
}

/* ---- element values ---- */

static bool parse_sid(parse_ctx *ctx, uint32_t token, iam_statement *st)
{
    const json_token *t = ctx_token(ctx, token);
    if (t->kind != JSON_STRING)
        return parse_fail_type(ctx, token);
    st->sid.ptr = parse_copy_bytes(ctx, t->text, t->len);
    if (st->sid.ptr == NULL)
        return parse_out_of_memory(ctx);
    st->sid.len = t->len;
    st->has_sid = true;
    st->sid_offset = t->offset;
    if (!is_resource_policy(ctx))
        check_sid(ctx, t);
    return true;
}

/* Exactly "Allow"/"Deny" passes; another case fails IAM's legacy stage
 * (3); anything else is a grammar error (spec §1.7). */
static bool parse_effect(parse_ctx *ctx, uint32_t token, iam_statement *st)
{
    const json_token *t = ctx_token(ctx, token);
    if (t->kind != JSON_STRING)
        return parse_fail_type(ctx, token);
    st->effect_offset = t->offset;
    if (token_is(t, "Allow") || token_is(t, "Deny")) { /* the common spelling */
        st->effect = (uint8_t)(t->len == 5 ? IAM_EFFECT_ALLOW : IAM_EFFECT_DENY);
        return true;
    }
    static const char *const names[2] = {"Allow", "Deny"};
    for (int e = 0; e < 2; e++) {
        size_t n = strlen(names[e]);
        if (t->len != n)
            continue;
        size_t i = 0;
        while (i < n && text_lower_ascii((unsigned char)t->text[i]) ==
                            text_lower_ascii((unsigned char)names[e][i]))
            i++;
        if (i < n)
            continue;
        st->effect = (uint8_t)(e == 0 ? IAM_EFFECT_ALLOW : IAM_EFFECT_DENY);
        if (memcmp(t->text, names[e], n) != 0)
            parse_note(ctx, IAM_E_EFFECT_CASE, t->offset);
        return true;
    }
    return parse_fail(ctx, IAM_E_BAD_EFFECT, token);
}

static bool parse_actions(parse_ctx *ctx, uint32_t token, iam_statement *st, bool negated)
{
    st->not_action = negated;
    return parse_action_list(ctx, token, &st->actions);
}

static bool parse_resources(parse_ctx *ctx, uint32_t token, iam_statement *st, bool negated)
{
    st->not_resource = negated;
    if (is_resource_policy(ctx)) /* resource formats are checked for the others */
        return parse_string_list(ctx, token, &st->resources);
    return parse_resource_list(ctx, token, &st->resources);
}

static bool principal_type_known(const json_token *key)
{
    return token_is(key, "AWS") || token_is(key, "Service") || token_is(key, "Federated") ||
           token_is(key, "CanonicalUser");
}

static bool parse_principal_map(parse_ctx *ctx, uint32_t token, iam_statement *st)
{
    const json_token *t = ctx_token(ctx, token);
    if (t->len == 0)
        return parse_fail(ctx, IAM_E_BAD_PRINCIPAL, token);
    iam_principal *items = parse_alloc(ctx, t->len * sizeof *items, _Alignof(iam_principal));
    if (items == NULL)
        return parse_out_of_memory(ctx);
    uint32_t duplicate = parse_first_duplicate(ctx, token);
    uint32_t i = 0;
    for (uint32_t k = token + 1; k < t->end; k = ctx_token(ctx, k + 1)->end, i++) {
        const json_token *key = ctx_token(ctx, k);
        if (k == duplicate)
            return parse_fail(ctx, IAM_E_DUPLICATE_KEY, k);
        if (!principal_type_known(key))
            return parse_fail(ctx, IAM_E_UNKNOWN_KEY, k);
        items[i].type.len = key->len;
        items[i].type.ptr = parse_copy_bytes(ctx, key->text, key->len);
        if (items[i].type.ptr == NULL)
            return parse_out_of_memory(ctx);
        if (!parse_string_list(ctx, k + 1, &items[i].values))
            return false;
    }
    st->principals = items;
    st->principal_count = t->len;
    return true;
}

static bool parse_principal(parse_ctx *ctx, uint32_t token, iam_statement *st, bool negated)
{
    const json_token *t = ctx_token(ctx, token);
    st->has_principal = true;
    st->not_principal = negated;
    if (t->kind == JSON_OBJECT)
        return parse_principal_map(ctx, token, st);
    if (t->kind != JSON_STRING)
        return parse_fail_type(ctx, token);
    if (!token_is(t, "*"))
        return parse_fail(ctx, IAM_E_BAD_PRINCIPAL, token);
    iam_principal *any = parse_alloc(ctx, sizeof *any, _Alignof(iam_principal));
    if (any == NULL)
        return parse_out_of_memory(ctx);
    any->type.ptr = "";
    any->type.len = 0;
    if (!parse_string_list(ctx, token, &any->values))
        return false;
    st->principals = any;
    st->principal_count = 1;
    return true;
}

/* ---- the statement object ---- */

static bool parse_member(parse_ctx *ctx, int key, uint32_t v, iam_statement *st)
{
    switch (key) {
    case KEY_SID: return parse_sid(ctx, v, st);
    case KEY_EFFECT: return parse_effect(ctx, v, st);
    case KEY_ACTION: return parse_actions(ctx, v, st, false);
    case KEY_NOT_ACTION: return parse_actions(ctx, v, st, true);
    case KEY_RESOURCE: return parse_resources(ctx, v, st, false);
    case KEY_NOT_RESOURCE: return parse_resources(ctx, v, st, true);
    case KEY_PRINCIPAL: return parse_principal(ctx, v, st, false);
    case KEY_NOT_PRINCIPAL: return parse_principal(ctx, v, st, true);
    default: return parse_condition_block(ctx, v, st);
    }
}

/* Stages 5 and 6: actions and resources present and non-empty. */
static void note_missing_lists(parse_ctx *ctx, const iam_statement *st)
{
    if (!st->actions.present)
        parse_note(ctx, IAM_E_NO_ACTIONS, st->offset);
    else if (st->actions.count == 0)
        parse_note(ctx, IAM_E_NO_ACTIONS, st->actions.offset);
    if (is_resource_policy(ctx))
        return;
    if (!st->resources.present)
        parse_note(ctx, IAM_E_NO_RESOURCES, st->offset);
    else if (st->resources.count == 0)
        parse_note(ctx, IAM_E_NO_RESOURCES, st->resources.offset);
}

bool parse_statement(parse_ctx *ctx, uint32_t token, iam_statement *st)
{
    const json_token *t = ctx_token(ctx, token);
    bool seen[KEY_COUNT] = {false};
    static const iam_statement empty; /* copied: gcc makes a memset a slow rep stos */
    *st = empty;
    st->offset = t->offset;
    for (uint32_t k = token + 1; k < t->end; k = ctx_token(ctx, k + 1)->end) {
        int key = statement_key_of(ctx_token(ctx, k));
        if (key < 0)
            return parse_fail(ctx, IAM_E_UNKNOWN_KEY, k);
        if (seen[key])
            return parse_fail(ctx, IAM_E_DUPLICATE_KEY, k);
        if ((key == KEY_PRINCIPAL || key == KEY_NOT_PRINCIPAL) && !is_resource_policy(ctx))
            return parse_fail(ctx, IAM_E_PRINCIPAL_FORBIDDEN, k);
        int partner = statement_key_partner(key);
        if (partner >= 0 && seen[partner])
            return parse_fail(ctx, conflict_code(key), k);
        seen[key] = true;
        if (!parse_member(ctx, key, k + 1, st))
            return false;
    }
    if (!seen[KEY_EFFECT])
        return parse_fail(ctx, IAM_E_NO_EFFECT, token);
    note_missing_lists(ctx, st);
    return true;
}
