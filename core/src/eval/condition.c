/* Condition operators (spec §3): one (operator, key, values) against the
 * request context. Follows the reference pseudocode of §3.10. */
#include "eval_internal.h"

#include "../glob/glob.h"

/* For the few functions kept out of their caller's hot path. */
#if defined(__GNUC__)
#define NOT_INLINED __attribute__((noinline))
#else
#define NOT_INLINED
#endif

typedef enum family {
    FAMILY_STRING, FAMILY_NUMERIC, FAMILY_DATE, FAMILY_BOOL, FAMILY_BINARY,
    FAMILY_IP, FAMILY_ARN, FAMILY_NULL,
    FAMILY_NONE                 /* a parsed_value not parsed yet */
} family;

typedef enum outcome {
    OUTCOME_NO_MATCH,
    OUTCOME_MATCH,
    OUTCOME_PARSE_FAILURE,   /* spec §3.8: false for negated operators too */
    OUTCOME_UNRESOLVED       /* spec §4.3: no match; negated operators match */
} outcome;

static family family_of(iam_condition_op op)
{
    if (op <= IAM_OP_STRING_NOT_LIKE) return FAMILY_STRING;
    if (op <= IAM_OP_NUMERIC_GREATER_THAN_EQUALS) return FAMILY_NUMERIC;
    if (op <= IAM_OP_DATE_GREATER_THAN_EQUALS) return FAMILY_DATE;
    if (op == IAM_OP_BOOL) return FAMILY_BOOL;
    if (op == IAM_OP_BINARY_EQUALS) return FAMILY_BINARY;
    if (op <= IAM_OP_NOT_IP_ADDRESS) return FAMILY_IP;
    if (op <= IAM_OP_ARN_NOT_LIKE) return FAMILY_ARN;
    return FAMILY_NULL;
}

static bool is_negated(iam_condition_op op)
{
    switch (op) {
    case IAM_OP_STRING_NOT_EQUALS: case IAM_OP_STRING_NOT_EQUALS_IGNORE_CASE:
    case IAM_OP_STRING_NOT_LIKE: case IAM_OP_NUMERIC_NOT_EQUALS: case IAM_OP_DATE_NOT_EQUALS:
    case IAM_OP_NOT_IP_ADDRESS: case IAM_OP_ARN_NOT_EQUALS: case IAM_OP_ARN_NOT_LIKE:
        return true;
    default:
        return false;
    }
}

static void compile_value(family f, const iam_value *v, bool variables, compiled_value *out)
{
    memset(out, 0, sizeof *out);
    const char *s = v->text.ptr;
    size_t n = v->text.len;
    /* spec §4.2: String*, Arn* and (our choice, §3.4.4) Bool values */
    out->variables = variables && variables_present(v->text) &&
                     (f == FAMILY_STRING || f == FAMILY_ARN || f == FAMILY_BOOL);
    ip_range range;
    switch (f) {
    case FAMILY_NUMERIC: out->parsed = decimal_parse(s, n, &out->as.number); break;
    case FAMILY_DATE: out->parsed = v->type != IAM_VALUE_BOOL && date_parse(s, n, &out->as.date); break;
    case FAMILY_IP:
        out->parsed = ip_range_parse(s, n, &range);
        if (out->parsed)
            ip_block_of(&range, &out->as.block);
        break;
    case FAMILY_BOOL:
    case FAMILY_NULL: out->parsed = bool_parse(s, n, &out->as.boolean); break;
    default: out->parsed = true; break;
    }
}

/* Bit 0, 1, 2: the operator holds when the request value is below, equal
 * to, above the policy value (Numeric and Date operators). */
static uint8_t order_accepts(iam_condition_op op)
{
    switch (op) {
    case IAM_OP_NUMERIC_LESS_THAN: case IAM_OP_DATE_LESS_THAN: return 1;
    case IAM_OP_NUMERIC_LESS_THAN_EQUALS: case IAM_OP_DATE_LESS_THAN_EQUALS: return 3;
    case IAM_OP_NUMERIC_GREATER_THAN: case IAM_OP_DATE_GREATER_THAN: return 4;
    case IAM_OP_NUMERIC_GREATER_THAN_EQUALS: case IAM_OP_DATE_GREATER_THAN_EQUALS: return 6;
    default: return 2; /* Equals, and NotEquals (negated: equal is its "match") */
    }
}

static bool is_typed(const compiled_condition *c)
{
    switch ((family)c->family) {
    case FAMILY_NUMERIC: case FAMILY_DATE: case FAMILY_IP: case FAMILY_BOOL: return !c->variables;
    default: return false;
    }
}

/* The bits of each byte of the folded key that a request key must match:
 * all but 0x20 at letters (where it may differ in case); the padding too. */
static const char *key_match_bits(iam_arena *arena, const char *folded, size_t n)
{
    size_t padded = (n + 8) / 8 * 8; /* as text_folded_copy */
    char *bits = arena_alloc(arena, padded, 8);
    if (bits == NULL)
        return NULL;
    for (size_t i = 0; i < padded; i++)
        bits[i] = (char)(folded[i] >= 'a' && folded[i] <= 'z' ? 0xDF : 0xFF);
    return bits;
}

bool condition_compile(iam_arena *arena, const iam_condition *ast, bool variables,
                       compiled_value *values, compiled_condition *out)
{
    memset(out, 0, sizeof *out);
    out->key_folded = text_folded_copy(arena, ast->key.ptr, ast->key.len);
    out->key_bits = out->key_folded ? key_match_bits(arena, out->key_folded, ast->key.len) : NULL;
    if (out->key_bits == NULL)
        return false;
    iam_condition_op op = (iam_condition_op)ast->op;
    family f = family_of(op);
    out->ast = ast;
    out->values = values;
    out->value_count = ast->values.count;
    out->key_len = ast->key.len;
    out->op = (uint8_t)op;
    out->family = (uint8_t)f;
    out->qualifier = ast->qualifier;
    out->if_exists = ast->if_exists;
    out->negated = is_negated(op);
    out->order_accepts = order_accepts(op);
    out->all_parsed = true;
    for (uint32_t v = 0; v < ast->values.count; v++) {
        compile_value(f, &ast->values.items[v], variables, &values[v]);
        out->variables |= values[v].variables;
        out->all_parsed &= values[v].parsed;
    }
    /* match_typed's cases that reduce to "parsed, and some value matches
     * (none, when negated)" */
    out->direct = is_typed(out) && out->qualifier == IAM_QUALIFIER_NONE && out->value_count != 0 &&
                  (!out->negated || out->all_parsed);
    return true;
}

/* ---- comparisons of one request value with one policy value ---- */

/* ASCII and Latin-1 (À..Þ but ×) to lower case, one code point at a time
 * (spec §3.4.1: our folding choice). Returns the folded unit in *out. */
static size_t fold_unit(const unsigned char *s, size_t n, size_t i, uint32_t *out)
{
    if (s[i] == 0xC3 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9E && s[i + 1] != 0x97) {
        *out = 0xC300u | (uint32_t)(s[i + 1] + 0x20);
        return 2;
    }
    if (s[i] == 0xC3 && i + 1 < n) {
        *out = 0xC300u | s[i + 1];
        return 2;
    }
    *out = text_lower_ascii(s[i]);
    return 1;
}

static bool equals_ignore_case(iam_str a, const char *b, size_t bn)
{
    const unsigned char *x = (const unsigned char *)a.ptr, *y = (const unsigned char *)b;
    size_t i = 0, j = 0;
    while (i < a.len && j < bn) {
        uint32_t u, v;
        i += fold_unit(x, a.len, i, &u);
        j += fold_unit(y, bn, j, &v);
        if (u != v)
            return false;
    }
    return i == a.len && j == bn;
}

static outcome from_bool(bool b)
{
    return b ? OUTCOME_MATCH : OUTCOME_NO_MATCH;
}

static bool has_six_fields(const char *s, size_t n)
{
    size_t colons = 0;
    for (size_t i = 0; i < n && colons < 5; i++)
        colons += s[i] == ':';
    return colons == 5;
}

static outcome compare_string(iam_condition_op op, iam_str r, const iam_value *p)
{
    switch (op) {
    case IAM_OP_STRING_EQUALS:
    case IAM_OP_STRING_NOT_EQUALS:
        return from_bool(r.len == p->text.len && (r.len == 0 || memcmp(r.ptr, p->text.ptr, r.len) == 0));
    case IAM_OP_STRING_EQUALS_IGNORE_CASE:
    case IAM_OP_STRING_NOT_EQUALS_IGNORE_CASE:
        return from_bool(equals_ignore_case(r, p->text.ptr, p->text.len));
    default:
        return from_bool(glob_match_reference(p->text.ptr, p->text.len, r.ptr, r.len, false));
    }
}

static int instant_compare(const date_instant *a, const date_instant *b)
{
    if (a->millis != b->millis)
        return a->millis < b->millis ? -1 : 1;
    return (a->nanos > b->nanos) - (a->nanos < b->nanos);
}

/* A String*, Arn* or Bool comparison after substitution (spec §4.2.1:
 * substituted characters are literal, never wildcards). */
static outcome compare_substituted(iam_condition_op op, iam_str r, const subst_buffer *b)
{
    iam_str p = {b->text, b->len};
    bool v;
    switch (family_of(op)) {
    case FAMILY_BOOL: {
        bool rb;
        if (!bool_parse(p.ptr, p.len, &v) || !bool_parse(r.ptr, r.len, &rb))
            return OUTCOME_PARSE_FAILURE;
        return from_bool(rb == v);
    }
    case FAMILY_ARN:
        if (!has_six_fields(r.ptr, r.len) || !has_six_fields(p.ptr, p.len))
            return OUTCOME_PARSE_FAILURE;
        return from_bool(glob_match_arn_literal(p.ptr, p.len, b->literal, r.ptr, r.len));
    default:
        if (op == IAM_OP_STRING_LIKE || op == IAM_OP_STRING_NOT_LIKE)
            return from_bool(glob_match_literal(p.ptr, p.len, b->literal, r.ptr, r.len, false));
        iam_value pv = {p, 0, IAM_VALUE_STRING};
        return compare_string(op, r, &pv);
    }
}

/* ---- request values parsed for an operator's type ---- */

static void parse_request_value(family f, iam_str r, parsed_value *v)
{
    v->text = r.ptr;
    v->len = r.len;
    v->family = (uint8_t)f;
    switch (f) {
    case FAMILY_NUMERIC: v->ok = decimal_parse(r.ptr, r.len, &v->as.number); break;
    case FAMILY_DATE: v->ok = date_parse(r.ptr, r.len, &v->as.date); break;
    case FAMILY_BOOL: v->ok = bool_parse(r.ptr, r.len, &v->as.boolean); break;
    case FAMILY_IP: v->ok = ip_address_parse(r.ptr, r.len, &v->as.ip); break;
    default: v->ok = false; break;
    }
}

/* Where a request value is parsed: the first value of a key with a slot
 * has its own place (`own`); others share a few slots, found by identity. */
static const parsed_value *request_parsed(family f, iam_str r, parsed_value *own, parsed_cache *cache)
{
    if (own != NULL) {
        if (own->family != f)
            parse_request_value(f, r, own);
        return own;
    }
    uint32_t n = cache->used < PARSED_CACHE_SLOTS ? cache->used : PARSED_CACHE_SLOTS;
    for (uint32_t i = 0; i < n; i++) {
        parsed_value *v = &cache->slots[i];
        if (v->text == r.ptr && v->len == r.len && v->family == f)
            return v;
    }
    parsed_value *v = &cache->slots[cache->used++ % PARSED_CACHE_SLOTS];
    parse_request_value(f, r, v);
    return v;
}

/* One request value to match, and where it is parsed (see request_parsed). */
typedef struct request_value {
    iam_str text;
    parsed_value *own;
    parsed_cache *cache;
} request_value;

/* ---- typed operators without variables: a loop over parsed values ---- */

static bool order_holds(const compiled_condition *c, int sign)
{
    return (c->order_accepts >> (sign + 1)) & 1u;
}

/* Numeric values apart: the call in their loop would make the other
 * loops, which call nothing, save registers too. */
static NOT_INLINED bool some_number_matches(const compiled_condition *c, const decimal *r)
{
    for (uint32_t i = 0; i < c->value_count; i++)
        if (c->values[i].parsed && order_holds(c, decimal_compare(r, &c->values[i].as.number)))
            return true;
    return false;
}

/* Whether some parsed policy value matches the parsed request value (a
 * range that did not parse has family 0: it contains no address). */
static bool some_typed_value_matches(const compiled_condition *c, const parsed_value *r)
{
    if (c->value_count == 0)
        return false; /* (and values is NULL) */
    const compiled_value *v = c->values, *end = v + c->value_count;
    switch ((family)c->family) {
    case FAMILY_IP:
        for (; v < end; v++)
            if (ip_block_contains(&v->as.block, &r->as.ip))
                return true;
        return false;
    case FAMILY_DATE:
        for (; v < end; v++)
            if (v->parsed && order_holds(c, instant_compare(&r->as.date, &v->as.date)))
                return true;
        return false;
    case FAMILY_NUMERIC:
        return some_number_matches(c, &r->as.number);
    default: /* FAMILY_BOOL */
        for (; v < end; v++)
            if (v->parsed && v->as.boolean == r->as.boolean)
                return true;
        return false;
    }
}

/* m(r) of §3.10 for Numeric, Date, IpAddress and Bool without variables:
 * a value that does not parse, on either side, makes the negated test
 * false as well (spec §3.8). */
static bool match_typed(const compiled_condition *c, const request_value *rv)
{
    if (c->value_count == 0)
        return c->negated;
    const parsed_value *r = request_parsed((family)c->family, rv->text, rv->own, rv->cache);
    if (!r->ok)
        return false;
    bool some = some_typed_value_matches(c, r);
    return c->negated ? c->all_parsed && !some : some;
}

/* ---- any operator, one policy value at a time ---- */

static outcome compare_plain(const compiled_condition *c, const request_value *rv, const iam_value *p,
                             const compiled_value *cp)
{
    iam_str r = rv->text;
    switch ((family)c->family) {
    case FAMILY_BOOL: {
        if (!cp->parsed)
            return OUTCOME_PARSE_FAILURE;
        const parsed_value *v = request_parsed(FAMILY_BOOL, r, rv->own, rv->cache);
        return v->ok ? from_bool(v->as.boolean == cp->as.boolean) : OUTCOME_PARSE_FAILURE;
    }
    case FAMILY_BINARY:
        if (base64_valid(r.ptr, r.len) && base64_valid(p->text.ptr, p->text.len))
            return from_bool(base64_decoded_equal(r.ptr, r.len, p->text.ptr, p->text.len));
        return compare_string(IAM_OP_STRING_EQUALS, r, p); /* spec §3.4.5 fallback */
    case FAMILY_ARN:
        if (!has_six_fields(r.ptr, r.len) || !has_six_fields(p->text.ptr, p->text.len))
            return OUTCOME_PARSE_FAILURE;
        return from_bool(glob_match_arn_reference(p->text.ptr, p->text.len, r.ptr, r.len));
    default: /* String operators (Numeric, Date and IpAddress go to match_typed) */
        return compare_string((iam_condition_op)c->op, r, p);
    }
}

static outcome compare_value(const compiled_condition *c, uint32_t i, const request_value *rv,
                             const iam_request *request, subst_buffer *buffer)
{
    const iam_value *p = &c->ast->values.items[i];
    if (!c->values[i].variables)
        return compare_plain(c, rv, p, &c->values[i]);
    if (!variables_substitute(p->text, 0, request, buffer))
        return OUTCOME_UNRESOLVED;
    return compare_substituted((iam_condition_op)c->op, rv->text, buffer);
}

/* m(r) of §3.10: one request value against all policy values; OR for
 * positive operators, NOR for negated ones (a parse failure makes the
 * negated test false, spec §3.8; an unresolved variable is "not equal",
 * spec §4.3). */
static bool match_each(const compiled_condition *c, const request_value *rv,
                       const iam_request *request)
{
    subst_buffer buffer; /* bounded stack scratch for policy variables */
    for (uint32_t i = 0; i < c->value_count; i++) {
        outcome o = compare_value(c, i, rv, request, &buffer);
        if (c->negated && o != OUTCOME_NO_MATCH && o != OUTCOME_UNRESOLVED)
            return false;
        if (!c->negated && o == OUTCOME_MATCH)
            return true;
    }
    return c->negated;
}

static bool match_one(const compiled_condition *c, const request_value *rv, const iam_request *request)
{
    return is_typed(c) ? match_typed(c, rv) : match_each(c, rv, request);
}

/* ---- context ---- */

bool context_key_equals(iam_str a, iam_str b)
{
    return a.len == b.len && text_equals_folded(a.ptr, b.ptr, a.len);
}

/* The bits of request key word x that differ from the condition's key at
 * byte `at`, but for the case of letters. */
static uint64_t key_word_differs(uint64_t x, const compiled_condition *c, size_t at)
{
    return (x ^ text_load8(c->key_folded + at)) & text_load8(c->key_bits + at);
}

/* Whether the request key k (as long as the condition's) names it,
 * ignoring ASCII case (spec §3.2): whole words, the last one overlapping
 * its predecessor. */
static bool key_names(iam_str k, const compiled_condition *c)
{
    size_t n = k.len;
    if (n < 8) { /* byte by byte */
        for (size_t i = 0; i < n; i++)
            if (((unsigned char)k.ptr[i] ^ (unsigned char)c->key_folded[i]) & (unsigned char)c->key_bits[i])
                return false;
        return true;
    }
    for (size_t at = 0; at + 8 < n; at += 8)
        if (key_word_differs(text_load8(k.ptr + at), c, at) != 0)
            return false;
    return key_word_differs(text_load8(k.ptr + n - 8), c, n - 8) == 0;
}

static const iam_context_entry *context_find_key(const iam_request *request,
                                                 const compiled_condition *c)
{
    if (request->context_count == 0)
        return NULL; /* (and context may be NULL) */
    const iam_context_entry *e = request->context, *end = e + request->context_count;
    for (; e < end; e++) /* length first: no call for most */
        if (e->key.len == c->key_len && key_names(e->key, c))
            return e;
    return NULL;
}

const iam_context_entry *context_find(const iam_request *request, iam_str key)
{
    for (uint32_t i = 0; i < request->context_count; i++) /* length first: no call for most */
        if (request->context[i].key.len == key.len && context_key_equals(request->context[i].key, key))
            return &request->context[i];
    return NULL;
}

/* The key's context entry; *own is where the entry's first value is
 * parsed (NULL for a key without a slot). */
static const iam_context_entry *find_entry(const compiled_condition *c, const iam_request *request,
                                           parsed_cache *cache, parsed_value **own)
{
    unsigned slot = c->key_slot;
    if (slot >= KEY_SLOTS) {
        *own = NULL;
        return context_find_key(request, c);
    }
    if (!(cache->entries_known & (1u << slot))) {
        cache->entries[slot] = context_find_key(request, c);
        cache->first[slot].family = FAMILY_NONE;
        cache->entries_known |= (uint8_t)(1u << slot);
    }
    *own = &cache->first[slot];
    return cache->entries[slot];
}

/* Spec §3.4.8: absent, or a multi-valued key with no values, is null. */
static bool is_null(const iam_context_entry *e)
{
    return e == NULL || (e->multi && e->count == 0);
}

static bool null_holds(const compiled_condition *c, const iam_context_entry *e)
{
    if (c->qualifier == IAM_QUALIFIER_FOR_ALL_VALUES)
        return true;
    if (c->qualifier == IAM_QUALIFIER_FOR_ANY_VALUE)
        return false;
    bool want_absent = false, want_present = false;
    for (uint32_t i = 0; i < c->value_count; i++) {
        if (!c->values[i].parsed)
            continue;
        want_absent |= c->values[i].as.boolean;
        want_present |= !c->values[i].as.boolean;
    }
    return is_null(e) ? want_absent : want_present;
}

/* A key absent from the context (spec §3.6, §3.7). */
static bool absent_holds(const compiled_condition *c)
{
    if (c->if_exists || c->qualifier == IAM_QUALIFIER_FOR_ALL_VALUES)
        return true;
    if (c->qualifier == IAM_QUALIFIER_FOR_ANY_VALUE)
        return false;
    return c->negated;
}

/* The condition against its key's context entry e (NULL: absent). */
static bool holds_for_entry(const compiled_condition *c, const iam_context_entry *e, parsed_value *own,
                            const iam_request *request, parsed_cache *cache)
{
    if (c->op == IAM_OP_NULL)
        return null_holds(c, e);
    if (e == NULL)
        return absent_holds(c);
    if (c->qualifier == IAM_QUALIFIER_NONE) {
        /* spec §3.6.4: a multi-valued key needs a set operator */
        if (e->multi || e->count != 1)
            return false;
        request_value rv = {e->values[0], own, cache};
        return match_one(c, &rv, request);
    }
    bool any = false, all = true;
    for (uint32_t i = 0; i < e->count; i++) {
        request_value rv = {e->values[i], i == 0 ? own : NULL, cache};
        bool hit = match_one(c, &rv, request);
        any |= hit;
        all &= hit;
    }
    return c->qualifier == IAM_QUALIFIER_FOR_ANY_VALUE ? any : all;
}

/* The same for a `direct` condition whose key has a slot (own): its one
 * request value parsed in place, then one loop over the parsed values. */
static bool direct_holds(const compiled_condition *c, const iam_context_entry *e, parsed_value *own)
{
    if (e == NULL)
        return absent_holds(c);
    if (e->multi || e->count != 1)
        return false; /* spec §3.6.4 */
    if (own->family != c->family)
        parse_request_value((family)c->family, e->values[0], own);
    return own->ok && some_typed_value_matches(c, own) != c->negated;
}

static bool entry_holds(const compiled_condition *c, const iam_context_entry *e, parsed_value *own,
                        const iam_request *request, parsed_cache *cache)
{
    if (c->direct && own != NULL)
        return direct_holds(c, e, own);
    return holds_for_entry(c, e, own, request, cache);
}

bool condition_holds(const compiled_condition *c, const iam_request *request,
                     parsed_cache *cache, bool *missing)
{
    parsed_value *own;
    const iam_context_entry *e = find_entry(c, request, cache, &own);
    *missing = e == NULL;
    return entry_holds(c, e, own, request, cache);
}

bool conditions_hold(const compiled_condition *conditions, uint32_t count, const iam_request *request,
                     parsed_cache *cache)
{
    for (uint32_t i = 0; i < count; i++) { /* (conditions is NULL when count is 0) */
        const compiled_condition *c = &conditions[i];
        parsed_value *own;
        const iam_context_entry *e = find_entry(c, request, cache, &own);
        if (!entry_holds(c, e, own, request, cache))
            return false;
    }
    return true;
}
