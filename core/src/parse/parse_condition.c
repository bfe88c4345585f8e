/* Condition blocks (spec §1.10) and operator names (spec §3.4–§3.6). */
#include "parse.h"

/* Canonical spellings, in iam_condition_op order. */
typedef struct spelling {
    const char *name;
    size_t len;
} spelling;

#define SPELLING(name) {name, sizeof name - 1}

static const spelling operator_names[IAM_OP_COUNT] = {
    [IAM_OP_UNKNOWN] = SPELLING(""),
    [IAM_OP_STRING_EQUALS] = SPELLING("StringEquals"),
    [IAM_OP_STRING_NOT_EQUALS] = SPELLING("StringNotEquals"),
    [IAM_OP_STRING_EQUALS_IGNORE_CASE] = SPELLING("StringEqualsIgnoreCase"),
    [IAM_OP_STRING_NOT_EQUALS_IGNORE_CASE] = SPELLING("StringNotEqualsIgnoreCase"),
    [IAM_OP_STRING_LIKE] = SPELLING("StringLike"),
    [IAM_OP_STRING_NOT_LIKE] = SPELLING("StringNotLike"),
    [IAM_OP_NUMERIC_EQUALS] = SPELLING("NumericEquals"),
    [IAM_OP_NUMERIC_NOT_EQUALS] = SPELLING("NumericNotEquals"),
    [IAM_OP_NUMERIC_LESS_THAN] = SPELLING("NumericLessThan"),
    [IAM_OP_NUMERIC_LESS_THAN_EQUALS] = SPELLING("NumericLessThanEquals"),
    [IAM_OP_NUMERIC_GREATER_THAN] = SPELLING("NumericGreaterThan"),
    [IAM_OP_NUMERIC_GREATER_THAN_EQUALS] = SPELLING("NumericGreaterThanEquals"),
    [IAM_OP_DATE_EQUALS] = SPELLING("DateEquals"),
    [IAM_OP_DATE_NOT_EQUALS] = SPELLING("DateNotEquals"),
    [IAM_OP_DATE_LESS_THAN] = SPELLING("DateLessThan"),
    [IAM_OP_DATE_LESS_THAN_EQUALS] = SPELLING("DateLessThanEquals"),
    [IAM_OP_DATE_GREATER_THAN] = SPELLING("DateGreaterThan"),
    [IAM_OP_DATE_GREATER_THAN_EQUALS] = SPELLING("DateGreaterThanEquals"),
    [IAM_OP_BOOL] = SPELLING("Bool"),
    [IAM_OP_BINARY_EQUALS] = SPELLING("BinaryEquals"),
    [IAM_OP_IP_ADDRESS] = SPELLING("IpAddress"),
    [IAM_OP_NOT_IP_ADDRESS] = SPELLING("NotIpAddress"),
    [IAM_OP_ARN_EQUALS] = SPELLING("ArnEquals"),
    [IAM_OP_ARN_LIKE] = SPELLING("ArnLike"),
    [IAM_OP_ARN_NOT_EQUALS] = SPELLING("ArnNotEquals"),
    [IAM_OP_ARN_NOT_LIKE] = SPELLING("ArnNotLike"),
    [IAM_OP_NULL] = SPELLING("Null"),
};

const char *iam_condition_op_name(iam_condition_op op) /* see iamgate.h */
{
    return (unsigned)op < (unsigned)IAM_OP_COUNT ? operator_names[op].name : "";
}

/* Every operator once, the most used first (as in AWS's managed
 * policies), so that the lookup usually ends early. */
static const uint8_t search_order[] = {
    IAM_OP_STRING_EQUALS, IAM_OP_STRING_LIKE, IAM_OP_NULL, IAM_OP_ARN_LIKE, IAM_OP_BOOL,
    IAM_OP_STRING_NOT_EQUALS, IAM_OP_ARN_EQUALS, IAM_OP_STRING_NOT_LIKE, IAM_OP_IP_ADDRESS,
    IAM_OP_NUMERIC_LESS_THAN_EQUALS, IAM_OP_DATE_GREATER_THAN, IAM_OP_DATE_LESS_THAN,
    IAM_OP_STRING_EQUALS_IGNORE_CASE, IAM_OP_STRING_NOT_EQUALS_IGNORE_CASE,
    IAM_OP_NUMERIC_EQUALS, IAM_OP_NUMERIC_NOT_EQUALS, IAM_OP_NUMERIC_LESS_THAN,
    IAM_OP_NUMERIC_GREATER_THAN, IAM_OP_NUMERIC_GREATER_THAN_EQUALS, IAM_OP_DATE_EQUALS,
    IAM_OP_DATE_NOT_EQUALS, IAM_OP_DATE_LESS_THAN_EQUALS, IAM_OP_DATE_GREATER_THAN_EQUALS,
    IAM_OP_BINARY_EQUALS, IAM_OP_NOT_IP_ADDRESS, IAM_OP_ARN_NOT_EQUALS, IAM_OP_ARN_NOT_LIKE,
};
_Static_assert(sizeof search_order == IAM_OP_COUNT - 1, "every operator but UNKNOWN, once");

static inline bool has_prefix(const char *text, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(text, prefix, n) == 0;
}

/* Like IAM, strips one qualifier prefix and one IfExists suffix, then
 * looks the rest up with its exact spelling (spec §1.10). */
bool operator_parse(const char *text, size_t len, operator_name *out)
{
    out->qualifier = IAM_QUALIFIER_NONE;
    out->if_exists = false;
    out->op = IAM_OP_UNKNOWN;
    if (has_prefix(text, len, "ForAnyValue:")) {
        out->qualifier = IAM_QUALIFIER_FOR_ANY_VALUE;
        text += 12;
        len -= 12;
    } else if (has_prefix(text, len, "ForAllValues:")) {
        out->qualifier = IAM_QUALIFIER_FOR_ALL_VALUES;
        text += 13;
        len -= 13;
    }
    if (len >= 8 && memcmp(text + len - 8, "IfExists", 8) == 0) {
        out->if_exists = true;
        len -= 8;
    }
    for (size_t i = 0; i < sizeof search_order / sizeof search_order[0]; i++) {
        const spelling *name = &operator_names[search_order[i]];
        if (len == name->len && memcmp(text, name->name, len) == 0) {
            out->op = (iam_condition_op)search_order[i];
            return true;
        }
    }
    return false;
}

static bool is_date_operator(iam_condition_op op)
{
    return op >= IAM_OP_DATE_EQUALS && op <= IAM_OP_DATE_GREATER_THAN_EQUALS;
}

static bool is_scalar(const json_token *t)
{
    return t->kind == JSON_STRING || t->kind == JSON_NUMBER ||
           t->kind == JSON_TRUE || t->kind == JSON_FALSE;
}

/* Objects, nested arrays and null are not condition values (spec §1.10). */
static bool fail_condition_value(parse_ctx *ctx, uint32_t token)
{
    return parse_fail(ctx, IAM_E_BAD_CONDITION_VALUE, token);
}

/* A scalar or an array of scalars (spec §1.10: values). */
static bool parse_condition_values(parse_ctx *ctx, uint32_t token, iam_value_list *out)
{
    const json_token *t = ctx_token(ctx, token);
    out->present = true;
    out->offset = t->offset;
    out->is_array = t->kind == JSON_ARRAY;
    if (!out->is_array && !is_scalar(t))
        return fail_condition_value(ctx, token);
    uint32_t n = out->is_array ? t->len : 1;
    iam_value *items = NULL;
    if (n != 0) {
        items = parse_alloc(ctx, n * sizeof *items, _Alignof(iam_value));
        if (items == NULL)
            return parse_out_of_memory(ctx);
    }
    uint32_t e = out->is_array ? token + 1 : token;
    for (uint32_t i = 0; i < n; i++, e = ctx_token(ctx, e)->end) {
        if (!is_scalar(ctx_token(ctx, e)))
            return fail_condition_value(ctx, e);
        if (!parse_value(ctx, e, &items[i]))
            return false;
    }
    out->items = items;
    out->count = n;
    return true;
}

static bool parse_condition_key(parse_ctx *ctx, uint32_t k, const operator_name *name,
                                uint32_t operator_token, iam_condition *c)
{
    const json_token *key = ctx_token(ctx, k);
    const json_token *op = ctx_token(ctx, operator_token);
    if (key->len == 0)
        return parse_fail(ctx, IAM_E_EMPTY_CONDITION_KEY, k);
    c->op = (uint8_t)name->op;
    c->qualifier = (uint8_t)name->qualifier;
    c->if_exists = name->if_exists;
    c->operator_offset = op->offset;
    c->key_offset = key->offset;
    c->operator_text.len = op->len;
    c->operator_text.ptr = parse_copy_bytes(ctx, op->text, op->len);
    c->key.len = key->len;
    c->key.ptr = parse_copy_bytes(ctx, key->text, key->len);
    if (c->operator_text.ptr == NULL || c->key.ptr == NULL)
        return parse_out_of_memory(ctx);
    if (!parse_condition_values(ctx, k + 1, &c->values))
        return false;
    for (uint32_t i = 0; is_date_operator(name->op) && i < c->values.count; i++)
        check_date_value(ctx, &c->values.items[i]);
    return true;
}

/* One operator entry; appends its conditions at conditions[*used]. */
static bool parse_operator(parse_ctx *ctx, uint32_t k, iam_condition *conditions,
                           uint32_t *used)
{
    const json_token *key = ctx_token(ctx, k);
    const json_token *map = ctx_token(ctx, k + 1);
    if (map->kind != JSON_OBJECT)
        return parse_fail_type(ctx, k + 1);
    operator_name name;
    if (!operator_parse(key->text, key->len, &name))
        return map->len == 0 || parse_fail(ctx, IAM_E_UNKNOWN_OPERATOR, k);
    uint32_t duplicate = parse_first_duplicate(ctx, k + 1);
    for (uint32_t kk = k + 2; kk < map->end; kk = ctx_token(ctx, kk + 1)->end) {
        if (kk == duplicate)
            return parse_fail(ctx, IAM_E_DUPLICATE_KEY, kk);
        if (!parse_condition_key(ctx, kk, &name, k, &conditions[(*used)++]))
            return false;
    }
    return true;
}

/* Conditions the block can hold: one per key of each operator map. */
static uint32_t count_conditions(const parse_ctx *ctx, uint32_t block)
{
    const json_token *t = ctx_token(ctx, block);
    uint32_t n = 0;
    for (uint32_t k = block + 1; k < t->end; k = ctx_token(ctx, k + 1)->end)
        if (ctx_token(ctx, k + 1)->kind == JSON_OBJECT)
            n += ctx_token(ctx, k + 1)->len;
    return n;
}

bool parse_condition_block(parse_ctx *ctx, uint32_t token, iam_statement *st)
{
    const json_token *t = ctx_token(ctx, token);
    if (t->kind != JSON_OBJECT)
        return parse_fail_type(ctx, token);
    uint32_t capacity = count_conditions(ctx, token);
    iam_condition *conditions = NULL;
    if (capacity != 0) {
        conditions = parse_alloc(ctx, capacity * sizeof *conditions,
                                 _Alignof(iam_condition));
        if (conditions == NULL)
            return parse_out_of_memory(ctx);
        memset(conditions, 0, capacity * sizeof *conditions);
    }
    uint32_t duplicate = parse_first_duplicate(ctx, token);
    uint32_t used = 0;
    for (uint32_t k = token + 1; k < t->end; k = ctx_token(ctx, k + 1)->end) {
        if (k == duplicate)
            return parse_fail(ctx, IAM_E_DUPLICATE_KEY, k);
        if (!parse_operator(ctx, k, conditions, &used))
            return false;
    }
    st->conditions = conditions;
    st->condition_count = used;
    return true;
}
