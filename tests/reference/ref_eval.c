/*
 * ref_eval.c — the REFERENCE evaluator (see ref_eval.h). It follows
 * /work/shared/spec/iam-policy-semantics.md §2–§6 line by line on the
 * policy ASTs: a loop over inputs, over statements, one function per rule.
 * Slow on purpose. It calls only the reference matchers (glob/glob.h) and
 * the independently tested value parsers (base/values.h, date_parse); no
 * code of core/src/eval is used or copied. Allocates nothing: the only
 * scratch is an 8 KiB substitution buffer on the stack.
 */
#include "internal.h"

#include "base/values.h"
#include "glob/glob.h"
#include "ref_eval.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Small string helpers                                                      */
/* ------------------------------------------------------------------------ */

static bool ref_str_valid(iam_str s)
{
    return s.ptr != NULL || s.len == 0;
}

static bool ref_str_eq(iam_str a, iam_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool ref_str_is(iam_str a, const char *lit)
{
    iam_str b = {lit, strlen(lit)};
    return ref_str_eq(a, b);
}

static unsigned char ref_ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive equality (context key names, spec §3.2, §3.9). */
static bool ref_str_eq_ascii_ci(iam_str a, iam_str b)
{
    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; i++)
        if (ref_ascii_lower((unsigned char)a.ptr[i]) != ref_ascii_lower((unsigned char)b.ptr[i]))
            return false;
    return true;
}

static bool ref_starts_with(iam_str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

/* Field k (0..5) of an ARN split at its first five colons (spec §2.3.1);
 * false when the ARN has too few colons for that field to exist. */
static bool ref_arn_field(iam_str arn, int k, iam_str *out)
{
    size_t start = 0;
    int field = 0;
    for (size_t i = 0; i < arn.len && field < 5; i++) {
        if (arn.ptr[i] != ':')
            continue;
        if (field == k) {
            out->ptr = arn.ptr + start;
            out->len = i - start;
            return true;
        }
        field++;
        start = i + 1;
    }
    if (field == 5 && k == 5) {
        out->ptr = arn.ptr + start;
        out->len = arn.len - start;
        return true;
    }
    return false;
}

static size_t ref_count_colons(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += s[i] == ':';
    return c;
}

/* The ARN's account field, empty when it has none. */
static iam_str ref_arn_account(iam_str arn)
{
    iam_str out = {"", 0};
    if (!ref_arn_field(arn, 4, &out) || ref_count_colons(arn.ptr, arn.len) < 5) {
        out.ptr = "";
        out.len = 0;
    }
    return out;
}

/* The principal's resource part (after the fifth colon), empty if none. */
static iam_str ref_arn_resource(iam_str arn)
{
    iam_str out = {"", 0};
    if (!ref_arn_field(arn, 5, &out)) {
        out.ptr = "";
        out.len = 0;
    }
    return out;
}

/* ------------------------------------------------------------------------ */
/* Request context (spec §3.2)                                               */
/* ------------------------------------------------------------------------ */

/* The entry of key, names compared ignoring ASCII case; NULL if absent. */
static const iam_context_entry *ref_context_find(const iam_request *req, iam_str key)
{
    for (uint32_t i = 0; i < req->context_count; i++)
        if (ref_str_eq_ascii_ci(req->context[i].key, key))
            return &req->context[i];
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Policy variables (spec §4)                                                */
/* ------------------------------------------------------------------------ */

#define REF_SUBST_MAX 8192u

/* A substituted pattern: bytes and a bitmap of literal bytes (§4.2.1). */
typedef struct ref_subst {
    char text[REF_SUBST_MAX];
    uint8_t literal[REF_SUBST_MAX / 8];
    size_t len;
} ref_subst;

static bool ref_subst_put(ref_subst *out, char c, bool literal)
{
    if (out->len >= REF_SUBST_MAX)
        return false; /* longer than the cap: unresolvable */
    if (literal)
        out->literal[out->len / 8] = (uint8_t)(out->literal[out->len / 8] | (1u << (out->len % 8)));
    out->text[out->len++] = c;
    return true;
}

static bool ref_has_space_or_quote(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\'')
            return true;
    return false;
}

/* The value of a variable body: "key" or "key, 'default'" (§4.1, §4.3).
 * False when unresolvable: malformed, or no single value and no default. */
static bool ref_resolve(const char *body, size_t n, const iam_request *req, iam_str *value)
{
    iam_str key = {body, n};
    iam_str fallback = {NULL, 0};
    bool has_default = false;
    for (size_t i = 0; i + 3 <= n; i++) {
        if (memcmp(body + i, ", '", 3) != 0)
            continue;
        /* §4.1: exactly ", '" then default text without quotes, then "'" */
        key.len = i;
        const char *d = body + i + 3;
        size_t dn = n - i - 3;
        if (dn == 0 || d[dn - 1] != '\'')
            return false;
        if (memchr(d, '\'', dn - 1) != NULL)
            return false;
        fallback.ptr = d;
        fallback.len = dn - 1;
        has_default = true;
        break;
    }
    /* §4.1: spaces (or quotes) in the key name make the variable malformed */
    if (key.len == 0 || ref_has_space_or_quote(key.ptr, key.len))
        return false;
    const iam_context_entry *e = ref_context_find(req, key);
    /* §4.2.2: only a present single-valued key substitutes its value */
    if (e != NULL && !e->multi && e->count == 1) {
        *value = e->values[0];
        return true;
    }
    if (has_default) {
        *value = fallback;
        return true;
    }
    return false;
}

/* Substitutes the variables of text[start..len) (text[0..start) copied
 * as is) into out. False when a variable is unresolvable (§4.3). */
static bool ref_substitute(const char *text, size_t len, size_t start, const iam_request *req,
                           ref_subst *out)
{
    out->len = 0;
    memset(out->literal, 0, sizeof out->literal);
    for (size_t i = 0; i < start; i++)
        if (!ref_subst_put(out, text[i], false))
            return false;
    size_t i = start;
    while (i < len) {
        if (text[i] != '$' || i + 1 >= len || text[i + 1] != '{') {
            if (!ref_subst_put(out, text[i], false))
                return false;
            i++;
            continue;
        }
        const char *close = memchr(text + i + 2, '}', len - i - 2);
        if (close == NULL) { /* §4.1: no closing brace, the '$' is literal text */
            if (!ref_subst_put(out, '$', false))
                return false;
            i++;
            continue;
        }
        const char *body = text + i + 2;
        size_t body_len = (size_t)(close - body);
        if (body_len == 1 && (body[0] == '*' || body[0] == '?' || body[0] == '$')) {
            if (!ref_subst_put(out, body[0], true)) /* §4.4 escapes: literal */
                return false;
        } else {
            iam_str value;
            if (!ref_resolve(body, body_len, req, &value))
                return false;
            for (size_t k = 0; k < value.len; k++) /* §4.2.1: literal */
                if (!ref_subst_put(out, value.ptr[k], true))
                    return false;
        }
        i = (size_t)(close - text) + 1;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Action and Resource tests (spec §2.2, §2.3)                               */
/* ------------------------------------------------------------------------ */

/* §2.2: Action passes if any element matches, NotAction if none does. */
static bool ref_action_test(const iam_statement *st, const iam_request *req)
{
    bool any = false;
    for (uint32_t i = 0; i < st->actions.count && !any; i++) {
        iam_str p = st->actions.items[i].text;
        any = glob_match_action_reference(p.ptr, p.len, req->action.ptr, req->action.len);
    }
    return st->not_action ? !any : any;
}

/* One Resource pattern (§2.3.2); variables in the resource part only
 * (§4.2), an unresolvable one matches nothing (§2.3.2 item 5). */
static bool ref_resource_pattern_matches(const iam_policy *pol, iam_str p, const iam_request *req)
{
    if (pol->version != IAM_VERSION_2012_10_17)
        return glob_match_resource_reference(p.ptr, p.len, req->resource.ptr, req->resource.len);
    iam_str part;
    size_t start = p.len; /* no resource part: nothing is substituted */
    if (ref_arn_field(p, 5, &part))
        start = (size_t)(part.ptr - p.ptr);
    ref_subst s;
    if (!ref_substitute(p.ptr, p.len, start, req, &s))
        return false;
    return glob_match_resource_literal(s.text, s.len, s.literal, req->resource.ptr,
                                       req->resource.len);
}

/* §2.3.3: Resource passes if any pattern matches, NotResource if none;
 * a statement without a resource list applies to any resource. */
static bool ref_resource_test(const iam_policy *pol, const iam_statement *st,
                              const iam_request *req)
{
    if (!st->resources.present)
        return true;
    bool any = false;
    for (uint32_t i = 0; i < st->resources.count && !any; i++)
        any = ref_resource_pattern_matches(pol, st->resources.items[i].text, req);
    return st->not_resource ? !any : any;
}

/* ------------------------------------------------------------------------ */
/* Principals of resource-based policies (spec §6.4, project choices)        */
/* ------------------------------------------------------------------------ */

/* "arn:<partition>:iam::<account>:root" names every principal of account. */
static bool ref_is_account_root(iam_str v, iam_str account)
{
    iam_str f0, f2, f3, f4, f5;
    return ref_count_colons(v.ptr, v.len) == 5 && ref_arn_field(v, 0, &f0) &&
           ref_arn_field(v, 2, &f2) && ref_arn_field(v, 3, &f3) && ref_arn_field(v, 4, &f4) &&
           ref_arn_field(v, 5, &f5) && ref_str_is(f0, "arn") && ref_str_is(f2, "iam") &&
           f3.len == 0 && ref_str_eq(f4, account) && ref_str_is(f5, "root");
}

/* A session arn:P:sts::A:assumed-role/R/S is also named by arn:P:iam::A:role/R. */
static bool ref_is_role_of_session(iam_str v, iam_str caller)
{
    iam_str f0, partition, service, region, account, resource;
    if (!ref_arn_field(caller, 0, &f0) || !ref_arn_field(caller, 1, &partition) ||
        !ref_arn_field(caller, 2, &service) || !ref_arn_field(caller, 3, &region) ||
        !ref_arn_field(caller, 4, &account) || !ref_arn_field(caller, 5, &resource))
        return false;
    if (!ref_str_is(f0, "arn") || !ref_str_is(service, "sts") || account.len == 0 ||
        !ref_starts_with(resource, "assumed-role/"))
        return false;
    const char *role = resource.ptr + 13;
    size_t rest = resource.len - 13;
    const char *slash = memchr(role, '/', rest);
    if (slash == NULL || slash == role)
        return false;
    size_t role_len = (size_t)(slash - role);
    /* build "arn:" P ":iam::" A ":role/" R and compare */
    char want[REF_SUBST_MAX];
    size_t n = 0;
    size_t need = 4 + partition.len + 6 + account.len + 6 + role_len;
    if (need > sizeof want)
        return false;
    memcpy(want + n, "arn:", 4), n += 4;
    memcpy(want + n, partition.ptr, partition.len), n += partition.len;
    memcpy(want + n, ":iam::", 6), n += 6;
    memcpy(want + n, account.ptr, account.len), n += account.len;
    memcpy(want + n, ":role/", 6), n += 6;
    memcpy(want + n, role, role_len), n += role_len;
    iam_str w = {want, n};
    return ref_str_eq(v, w);
}

/* Whether one principal value names the caller. */
static bool ref_principal_value_names(iam_str v, iam_str caller)
{
    if (ref_str_is(v, "*"))
        return true;
    if (caller.len > 0 && ref_str_eq(v, caller))
        return true;
    iam_str account = ref_arn_account(caller);
    if (account.len == 0)
        return false;
    if (ref_str_eq(v, account) || ref_is_account_root(v, account))
        return true;
    return ref_is_role_of_session(v, caller);
}

/* Principal / NotPrincipal test; *exact = a Principal value is the caller's
 * exact ARN (for the §6.4 "named user" rule). No element: applies. */
static bool ref_principal_test(const iam_statement *st, const iam_request *req, bool *exact)
{
    *exact = false;
    if (!st->has_principal)
        return true;
    bool named = false, named_exactly = false;
    for (uint32_t p = 0; p < st->principal_count; p++) {
        const iam_principal *pr = &st->principals[p];
        for (uint32_t v = 0; v < pr->values.count; v++) {
            iam_str text = pr->values.items[v].text;
            if (ref_principal_value_names(text, req->principal))
                named = true;
            if (req->principal.len > 0 && ref_str_eq(text, req->principal))
                named_exactly = true;
        }
    }
    if (st->not_principal)
        return !named;
    *exact = named && named_exactly;
    return named;
}

/* ------------------------------------------------------------------------ */
/* Conditions (spec §3)                                                      */
/* ------------------------------------------------------------------------ */

/* cmp of §3.10 */
typedef enum ref_cmp {
    REF_MATCH,
    REF_NO_MATCH,
    REF_PARSE_FAIL,   /* policy or request value does not parse (§3.8) */
    REF_UNRESOLVED    /* a policy variable did not resolve (§4.3) */
} ref_cmp;

/* §3.1 / §3.3: the negated operators (NOR over the policy values). */
static bool ref_op_negated(int op)
{
    switch (op) {
    case IAM_OP_STRING_NOT_EQUALS:
    case IAM_OP_STRING_NOT_EQUALS_IGNORE_CASE:
    case IAM_OP_STRING_NOT_LIKE:
    case IAM_OP_NUMERIC_NOT_EQUALS:
    case IAM_OP_DATE_NOT_EQUALS:
    case IAM_OP_NOT_IP_ADDRESS:
    case IAM_OP_ARN_NOT_EQUALS:
    case IAM_OP_ARN_NOT_LIKE:
        return true;
    default:
        return false;
    }
}

/* §4.2: which operators substitute variables (String*, Arn*, Bool). */
static bool ref_op_takes_variables(int op)
{
    switch (op) {
    case IAM_OP_STRING_EQUALS:
    case IAM_OP_STRING_NOT_EQUALS:
    case IAM_OP_STRING_EQUALS_IGNORE_CASE:
    case IAM_OP_STRING_NOT_EQUALS_IGNORE_CASE:
    case IAM_OP_STRING_LIKE:
    case IAM_OP_STRING_NOT_LIKE:
    case IAM_OP_BOOL:
    case IAM_OP_ARN_EQUALS:
    case IAM_OP_ARN_LIKE:
    case IAM_OP_ARN_NOT_EQUALS:
    case IAM_OP_ARN_NOT_LIKE:
        return true;
    default:
        return false;
    }
}

/* §3.4.1 IgnoreCase folding: ASCII A–Z and Latin-1 À–Þ except × (UTF-8
 * C3 80..C3 9E but not C3 97) to lower case. One folded byte at a time. */
typedef struct ref_fold {
    const unsigned char *s;
    size_t n, i;
    bool in_pair; /* the next byte is the second of a folded C3 pair */
} ref_fold;

static unsigned char ref_fold_next(ref_fold *f)
{
    unsigned char c = f->s[f->i];
    if (f->in_pair) {
        f->in_pair = false;
        f->i++;
        return (unsigned char)(c + 0x20);
    }
    if (c == 0xC3 && f->i + 1 < f->n) {
        unsigned char d = f->s[f->i + 1];
        if (d >= 0x80 && d <= 0x9E && d != 0x97)
            f->in_pair = true;
    }
    f->i++;
    return ref_ascii_lower(c);
}

static bool ref_equal_ignore_case(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn) /* folding keeps lengths */
        return false;
    ref_fold fa = {(const unsigned char *)a, an, 0, false};
    ref_fold fb = {(const unsigned char *)b, bn, 0, false};
    while (fa.i < an)
        if (ref_fold_next(&fa) != ref_fold_next(&fb))
            return false;
    return true;
}

/* -1, 0, 1 for a < b, a == b, a > b. */
static int ref_date_compare(const date_instant *a, const date_instant *b)
{
    if (a->millis != b->millis)
        return a->millis < b->millis ? -1 : 1;
    if (a->nanos != b->nanos)
        return a->nanos < b->nanos ? -1 : 1;
    return 0;
}

/* kv <op> pv for an ordered family (§3.4.2, §3.4.3); cmp = compare(kv, pv). */
static bool ref_order_holds(int op, int cmp)
{
    switch (op) {
    case IAM_OP_NUMERIC_EQUALS:
    case IAM_OP_NUMERIC_NOT_EQUALS:
    case IAM_OP_DATE_EQUALS:
    case IAM_OP_DATE_NOT_EQUALS:
        return cmp == 0;
    case IAM_OP_NUMERIC_LESS_THAN:
    case IAM_OP_DATE_LESS_THAN:
        return cmp < 0;
    case IAM_OP_NUMERIC_LESS_THAN_EQUALS:
    case IAM_OP_DATE_LESS_THAN_EQUALS:
        return cmp <= 0;
    case IAM_OP_NUMERIC_GREATER_THAN:
    case IAM_OP_DATE_GREATER_THAN:
        return cmp > 0;
    case IAM_OP_NUMERIC_GREATER_THAN_EQUALS:
    case IAM_OP_DATE_GREATER_THAN_EQUALS:
        return cmp >= 0;
    default:
        return false;
    }
}

static ref_cmp ref_yes(bool b)
{
    return b ? REF_MATCH : REF_NO_MATCH;
}

/* cmp(positive form of op, r, p) of §3.10: one request value against one
 * policy value (already substituted when the operator allows it). */
static ref_cmp ref_compare(int op, iam_str r, const char *p, size_t pn, const uint8_t *literal)
{
    switch (op) {
    case IAM_OP_STRING_EQUALS: /* §3.4.1: byte-exact, no wildcards */
    case IAM_OP_STRING_NOT_EQUALS:
        return ref_yes(r.len == pn && (pn == 0 || memcmp(r.ptr, p, pn) == 0));
    case IAM_OP_STRING_EQUALS_IGNORE_CASE:
    case IAM_OP_STRING_NOT_EQUALS_IGNORE_CASE:
        return ref_yes(ref_equal_ignore_case(r.ptr, r.len, p, pn));
    case IAM_OP_STRING_LIKE: /* §2.1 glob, case-sensitive */
    case IAM_OP_STRING_NOT_LIKE:
        return ref_yes(glob_match_literal(p, pn, literal, r.ptr, r.len, false));
    case IAM_OP_NUMERIC_EQUALS:
    case IAM_OP_NUMERIC_NOT_EQUALS:
    case IAM_OP_NUMERIC_LESS_THAN:
    case IAM_OP_NUMERIC_LESS_THAN_EQUALS:
    case IAM_OP_NUMERIC_GREATER_THAN:
    case IAM_OP_NUMERIC_GREATER_THAN_EQUALS: { /* §3.4.2 exact decimals */
        decimal kv, pv;
        if (!decimal_parse(p, pn, &pv) || !decimal_parse(r.ptr, r.len, &kv))
            return REF_PARSE_FAIL;
        return ref_yes(ref_order_holds(op, decimal_compare(&kv, &pv)));
    }
    case IAM_OP_DATE_EQUALS:
    case IAM_OP_DATE_NOT_EQUALS:
    case IAM_OP_DATE_LESS_THAN:
    case IAM_OP_DATE_LESS_THAN_EQUALS:
    case IAM_OP_DATE_GREATER_THAN:
    case IAM_OP_DATE_GREATER_THAN_EQUALS: { /* §3.4.3 instants */
        date_instant kv, pv;
        if (!date_parse(p, pn, &pv) || !date_parse(r.ptr, r.len, &kv))
            return REF_PARSE_FAIL;
        return ref_yes(ref_order_holds(op, ref_date_compare(&kv, &pv)));
    }
    case IAM_OP_BOOL: { /* §3.4.4: both parse and are equal */
        bool kv, pv;
        if (!bool_parse(p, pn, &pv) || !bool_parse(r.ptr, r.len, &kv))
            return REF_PARSE_FAIL;
        return ref_yes(kv == pv);
    }
    case IAM_OP_BINARY_EQUALS: /* §3.4.5: decode both if valid, else exact text */
        if (base64_valid(p, pn) && base64_valid(r.ptr, r.len))
            return ref_yes(base64_decoded_equal(p, pn, r.ptr, r.len));
        return ref_yes(r.len == pn && (pn == 0 || memcmp(r.ptr, p, pn) == 0));
    case IAM_OP_IP_ADDRESS: /* §3.4.6 */
    case IAM_OP_NOT_IP_ADDRESS: {
        ip_range range, addr;
        if (!ip_range_parse(p, pn, &range) || !ip_address_parse(r.ptr, r.len, &addr))
            return REF_PARSE_FAIL;
        return ref_yes(ip_range_contains(&range, &addr));
    }
    case IAM_OP_ARN_EQUALS: /* §3.4.7: ArnEquals ≡ ArnLike, six fields needed */
    case IAM_OP_ARN_LIKE:
    case IAM_OP_ARN_NOT_EQUALS:
    case IAM_OP_ARN_NOT_LIKE:
        if (ref_count_colons(p, pn) < 5 || ref_count_colons(r.ptr, r.len) < 5)
            return REF_PARSE_FAIL;
        return ref_yes(glob_match_arn_literal(p, pn, literal, r.ptr, r.len));
    default:
        return REF_NO_MATCH;
    }
}

/* One policy value, with §4 substitution where allowed. */
static ref_cmp ref_compare_value(const iam_policy *pol, const iam_condition *c, iam_str r,
                                 iam_str p, const iam_request *req)
{
    if (pol->version != IAM_VERSION_2012_10_17 || !ref_op_takes_variables(c->op))
        return ref_compare(c->op, r, p.ptr, p.len, NULL);
    ref_subst s;
    if (!ref_substitute(p.ptr, p.len, 0, req, &s))
        return REF_UNRESOLVED;
    return ref_compare(c->op, r, s.text, s.len, s.literal);
}

/* m(base, r, P) of §3.10: OR over P (positive), NOR over P (negated; a
 * parse failure makes the negated test false, an unresolved variable
 * counts as not equal). */
static bool ref_m(const iam_policy *pol, const iam_condition *c, iam_str r,
                  const iam_request *req)
{
    bool negated = ref_op_negated(c->op);
    for (uint32_t i = 0; i < c->values.count; i++) {
        ref_cmp h = ref_compare_value(pol, c, r, c->values.items[i].text, req);
        if (!negated && h == REF_MATCH)
            return true;
        if (negated && h != REF_NO_MATCH && h != REF_UNRESOLVED)
            return false;
    }
    return negated;
}

/* §3.4.8: absent, or a multi-valued key with no values, is null. */
static bool ref_is_null(const iam_context_entry *e)
{
    return e == NULL || (e->multi && e->count == 0);
}

/* §3.4.8 Null, as in §3.10. */
static bool ref_null_condition(const iam_condition *c, const iam_context_entry *e)
{
    if (c->qualifier == IAM_QUALIFIER_FOR_ALL_VALUES)
        return true;
    if (c->qualifier == IAM_QUALIFIER_FOR_ANY_VALUE)
        return false;
    bool want_absent = false, want_present = false;
    for (uint32_t i = 0; i < c->values.count; i++) {
        bool b;
        iam_str v = c->values.items[i].text;
        if (!bool_parse(v.ptr, v.len, &b))
            continue; /* any other value never matches */
        if (b)
            want_absent = true;
        else
            want_present = true;
    }
    bool null = ref_is_null(e);
    return (null && want_absent) || (!null && want_present);
}

/* eval_condition of §3.10 for one (operator, key, values) triple. */
static bool ref_condition(const iam_policy *pol, const iam_condition *c, const iam_request *req)
{
    const iam_context_entry *e = ref_context_find(req, c->key); /* §3.9 */
    if (c->op == IAM_OP_NULL)
        return ref_null_condition(c, e);
    if (c->op == IAM_OP_UNKNOWN || c->op >= IAM_OP_COUNT)
        return false;
    if (e == NULL) { /* §3.3 */
        if (c->if_exists) /* §3.5 */
            return true;
        if (c->qualifier == IAM_QUALIFIER_FOR_ALL_VALUES)
            return true;
        if (c->qualifier == IAM_QUALIFIER_FOR_ANY_VALUE)
            return false;
        return ref_op_negated(c->op);
    }
    if (c->qualifier == IAM_QUALIFIER_NONE) {
        if (e->multi) /* §3.6.4: a set operator is required */
            return false;
        if (e->count != 1) /* a single-valued key has exactly one value */
            return false;
        return ref_m(pol, c, e->values[0], req);
    }
    if (c->qualifier == IAM_QUALIFIER_FOR_ANY_VALUE) { /* §3.6.1 */
        for (uint32_t i = 0; i < e->count; i++)
            if (ref_m(pol, c, e->values[i], req))
                return true;
        return false;
    }
    for (uint32_t i = 0; i < e->count; i++) /* ForAllValues */
        if (!ref_m(pol, c, e->values[i], req))
            return false;
    return true;
}

/* §3.1: all triples ANDed; no Condition → true. */
static bool ref_conditions_hold(const iam_policy *pol, const iam_statement *st,
                                const iam_request *req)
{
    for (uint32_t i = 0; i < st->condition_count; i++)
        if (!ref_condition(pol, &st->conditions[i], req))
            return false;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Statements and policies (spec §6.1)                                       */
/* ------------------------------------------------------------------------ */

/* Whether policies of this kind take part at all (project choices):
 * SCPs skip service-linked roles, RCPs skip the "chime" service. */
static bool ref_kind_in_effect(iam_policy_kind kind, const iam_request *req)
{
    if (kind == IAM_POLICY_SCP) {
        iam_str res = ref_arn_resource(req->principal);
        return !ref_starts_with(res, "role/aws-service-role/") &&
               !ref_starts_with(res, "assumed-role/AWSServiceRoleFor");
    }
    if (kind == IAM_POLICY_RCP) {
        const char *colon = memchr(req->action.ptr, ':', req->action.len);
        iam_str service = {req->action.ptr,
                           colon ? (size_t)(colon - req->action.ptr) : req->action.len};
        iam_str chime = {"chime", 5};
        return !ref_str_eq_ascii_ci(service, chime);
    }
    return true;
}

/* §6.1: a statement applies iff Action ∧ Resource ∧ Condition (and, in a
 * resource-based policy, the Principal test). *exact as ref_principal_test. */
static bool ref_statement_applies(const iam_policy_input *in, const iam_statement *st,
                                  const iam_request *req, bool *exact)
{
    *exact = false;
    if (!ref_action_test(st, req))
        return false;
    if (!ref_resource_test(in->policy, st, req))
        return false;
    if (in->kind == IAM_POLICY_RESOURCE && !ref_principal_test(st, req, exact))
        return false;
    return ref_conditions_hold(in->policy, st, req);
}

/* Whether some statement of input `in` with this effect applies;
 * *exact (may be NULL): one of them named the caller by exact ARN. */
static bool ref_input_has(const iam_policy_input *in, iam_effect effect, const iam_request *req,
                          bool *exact)
{
    bool found = false;
    if (exact != NULL)
        *exact = false;
    if (!ref_kind_in_effect(in->kind, req))
        return false;
    for (uint32_t s = 0; s < in->policy->statement_count; s++) {
        const iam_statement *st = &in->policy->statements[s];
        bool ex = false;
        if (st->effect != effect || !ref_statement_applies(in, st, req, &ex))
            continue;
        found = true;
        if (exact != NULL && ex)
            *exact = true;
    }
    return found;
}

/* Whether any input of this kind has an applicable statement of effect. */
static bool ref_kind_has(const iam_policy_input *inputs, size_t count, iam_policy_kind kind,
                         iam_effect effect, const iam_request *req)
{
    for (size_t i = 0; i < count; i++)
        if (inputs[i].kind == kind && ref_input_has(&inputs[i], effect, req, NULL))
            return true;
    return false;
}

static bool ref_kind_present(const iam_policy_input *inputs, size_t count, iam_policy_kind kind)
{
    for (size_t i = 0; i < count; i++)
        if (inputs[i].kind == kind)
            return true;
    return false;
}

/* §6.3 steps 2–3: every level of SCPs (or RCPs) present, when in effect,
 * needs an applicable Allow at that level. */
static bool ref_every_level_allows(const iam_policy_input *inputs, size_t count,
                                   iam_policy_kind kind, const iam_request *req)
{
    if (!ref_kind_in_effect(kind, req))
        return true;
    for (size_t i = 0; i < count; i++) {
        if (inputs[i].kind != kind)
            continue;
        bool level_allows = false;
        for (size_t j = 0; j < count && !level_allows; j++)
            if (inputs[j].kind == kind && inputs[j].level == inputs[i].level)
                level_allows = ref_input_has(&inputs[j], IAM_EFFECT_ALLOW, req, NULL);
        if (!level_allows)
            return false;
    }
    return true;
}

/* §6.3 step 1: any applicable Deny among the policies that take part. */
static bool ref_any_deny(const iam_policy_input *inputs, size_t count, const iam_request *req)
{
    for (size_t i = 0; i < count; i++)
        if (ref_input_has(&inputs[i], IAM_EFFECT_DENY, req, NULL))
            return true;
    return false;
}

/* A resource-policy Allow applies whose principal named the caller exactly. */
static bool ref_resource_allow_exact(const iam_policy_input *inputs, size_t count,
                                     const iam_request *req)
{
    for (size_t i = 0; i < count; i++) {
        bool exact = false;
        if (inputs[i].kind == IAM_POLICY_RESOURCE &&
            ref_input_has(&inputs[i], IAM_EFFECT_ALLOW, req, &exact) && exact)
            return true;
    }
    return false;
}

/* §6.5: principal and resource accounts both known and different. */
static bool ref_cross_account(const iam_request *req)
{
    iam_str a = ref_arn_account(req->principal);
    iam_str b = ref_arn_account(req->resource);
    return a.len > 0 && b.len > 0 && !ref_str_eq(a, b);
}

static bool ref_request_valid(const iam_request *r)
{
    if (!ref_str_valid(r->action) || !ref_str_valid(r->resource) || !ref_str_valid(r->principal))
        return false;
    if (r->context == NULL && r->context_count != 0)
        return false;
    for (uint32_t i = 0; i < r->context_count; i++) {
        const iam_context_entry *e = &r->context[i];
        if (!ref_str_valid(e->key) || (e->values == NULL && e->count != 0))
            return false;
        for (uint32_t v = 0; v < e->count; v++)
            if (!ref_str_valid(e->values[v]))
                return false;
    }
    return true;
}

static bool ref_inputs_valid(const iam_policy_input *inputs, size_t count)
{
    if (inputs == NULL && count != 0)
        return false;
    for (size_t i = 0; i < count; i++)
        if (inputs[i].policy == NULL || (unsigned)inputs[i].kind >= IAM_POLICY_KIND_COUNT)
            return false;
    return true;
}

/* ------------------------------------------------------------------------ */
/* The decision (spec §6.3 with the project's choices)                       */
/* ------------------------------------------------------------------------ */

iam_decision ref_eval(const iam_policy_input *inputs, size_t count, const iam_request *request)
{
    const iam_request *req = request;
    if (req == NULL || !ref_request_valid(req) || !ref_inputs_valid(inputs, count))
        return IAM_DENY_IMPLICIT;

    /* 1. explicit deny in any policy that takes part */
    if (ref_any_deny(inputs, count, req))
        return IAM_DENY_EXPLICIT;

    /* 2. SCP levels, 3. RCP levels */
    if (!ref_every_level_allows(inputs, count, IAM_POLICY_SCP, req))
        return IAM_DENY_IMPLICIT;
    if (!ref_every_level_allows(inputs, count, IAM_POLICY_RCP, req))
        return IAM_DENY_IMPLICIT;

    /* 7. a federated-user session without a session policy has nothing */
    bool has_session = ref_kind_present(inputs, count, IAM_POLICY_SESSION);
    if (!has_session && ref_starts_with(ref_arn_resource(req->principal), "federated-user/"))
        return IAM_DENY_IMPLICIT;

    /* 6, 7. ceilings: boundary and session policy */
    bool boundary_ok = !ref_kind_present(inputs, count, IAM_POLICY_BOUNDARY) ||
                       ref_kind_has(inputs, count, IAM_POLICY_BOUNDARY, IAM_EFFECT_ALLOW, req);
    bool session_ok = !has_session ||
                      ref_kind_has(inputs, count, IAM_POLICY_SESSION, IAM_EFFECT_ALLOW, req);
    bool ceilings = boundary_ok && session_ok;

    bool identity_allow = ref_kind_has(inputs, count, IAM_POLICY_IDENTITY, IAM_EFFECT_ALLOW, req);
    bool resource_allow = ref_kind_has(inputs, count, IAM_POLICY_RESOURCE, IAM_EFFECT_ALLOW, req);

    /* §6.5 cross-account: both sides must allow */
    if (ref_cross_account(req))
        return resource_allow && identity_allow && ceilings ? IAM_ALLOW : IAM_DENY_IMPLICIT;

    /* 4. §6.4: a resource policy naming the caller exactly */
    if (ref_resource_allow_exact(inputs, count, req) &&
        (ref_starts_with(ref_arn_resource(req->principal), "user/") || !has_session))
        return IAM_ALLOW;

    /* 5, 8. a grant within the ceilings */
    if ((identity_allow || resource_allow) && ceilings)
        return IAM_ALLOW;
    return IAM_DENY_IMPLICIT;
}
