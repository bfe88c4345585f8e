/*
 * eval.c — iam_eval: which statements apply to a request, and the decision
 * AWS's evaluation logic gives (spec §6.3). Pure: no heap, no globals, a
 * bounded stack (bitsets over at most EVAL_MAX_STATEMENTS statements).
 */
#include "eval_internal.h"

#include "../glob/glob.h"

#define EVAL_MAX_SPANS 512u
#define BITSET_WORDS (EVAL_MAX_STATEMENTS / 64u)

typedef struct tally {
    bool deny;                       /* a Deny applied anywhere */
    bool allow_identity, allow_resource, allow_boundary, allow_session;
    bool resource_grants_alone;      /* the resource policy names the caller itself */
    uint8_t allow_scp, allow_rcp;    /* bit L: level L has an applicable Allow */
} tally;

typedef struct eval_scratch {
    uint64_t action_hit[BITSET_WORDS];
    uint64_t resource_hit[BITSET_WORDS];
    uint64_t seen[BITSET_WORDS];
} eval_scratch;

static bool bit_get(const uint64_t *b, uint32_t i) { return (b[i / 64] >> (i % 64)) & 1u; }
static void bit_set(uint64_t *b, uint32_t i) { b[i / 64] |= 1ull << (i % 64); }

const char *iam_decision_name(iam_decision d) /* see iamgate.h */
{
    return d == IAM_ALLOW ? "Allow" : d == IAM_DENY_EXPLICIT ? "ExplicitDeny" : "ImplicitDeny";
}

/* ---- explain ---- */

static void explain_statement(iam_explain *ex, const compiled_statement *st)
{
    if (ex == NULL)
        return;
    if (ex->matched != NULL && ex->matched_count < ex->matched_cap) {
        iam_statement_ref r = {st->input, st->index, st->effect, st->kind, st->name, st->ast->sid};
        ex->matched[ex->matched_count] = r;
    }
    ex->matched_count++;
}

static void explain_missing(iam_explain *ex, iam_str key)
{
    if (ex == NULL)
        return;
    uint32_t known = ex->missing_count < ex->missing_cap ? ex->missing_count : ex->missing_cap;
    for (uint32_t i = 0; ex->missing != NULL && i < known; i++)
        if (context_key_equals(ex->missing[i], key))
            return;
    if (ex->missing != NULL && ex->missing_count < ex->missing_cap)
        ex->missing[ex->missing_count] = key;
    ex->missing_count++;
}

/* ---- principals of resource-based policies (spec §6.4) ---- */

/* Where the next ':' at or after p is, or NULL (memchr: these run on every
 * request's principal and resource, so no byte-at-a-time loops). */
static const char *next_colon(const char *p, const char *end)
{
    return p < end ? memchr(p, ':', (size_t)(end - p)) : NULL;
}

/* Field i (0..5) of an ARN; the sixth is the rest. Empty when absent. */
static iam_str arn_field(iam_str arn, int i)
{
    iam_str none = {"", 0};
    if (arn.len == 0)
        return none;
    const char *p = arn.ptr, *end = arn.ptr + arn.len;
    for (int f = 0; f < i; f++) {
        const char *colon = next_colon(p, end);
        if (colon == NULL)
            return none;
        p = colon + 1;
    }
    const char *stop = i < 5 ? next_colon(p, end) : NULL;
    iam_str out = {p, (size_t)((stop != NULL ? stop : end) - p)};
    return out;
}

static bool arn_has_six_fields(iam_str arn)
{
    if (arn.len == 0)
        return false;
    const char *p = arn.ptr, *end = arn.ptr + arn.len;
    for (int f = 0; f < 5; f++) {
        const char *colon = next_colon(p, end);
        if (colon == NULL)
            return false;
        p = colon + 1;
    }
    return true;
}

static bool same_str(iam_str a, iam_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool str_equals(iam_str a, const char *b, size_t bn)
{
    return a.len == bn && (bn == 0 || memcmp(a.ptr, b, bn) == 0);
}

/* The account field of an ARN, if it has one. */
static iam_str arn_account(iam_str arn)
{
    iam_str none = {"", 0};
    return arn_has_six_fields(arn) ? arn_field(arn, 4) : none;
}

/* An assumed-role session arn:P:sts::A:assumed-role/R/S is also named by
 * its role, arn:P:iam::A:role/R (spec §6.4). */
static bool session_of_role(iam_str caller, iam_str role)
{
    if (!arn_has_six_fields(caller) || !arn_has_six_fields(role) ||
        !str_equals(arn_field(caller, 2), "sts", 3) || !str_equals(arn_field(role, 2), "iam", 3) ||
        !same_str(arn_field(caller, 1), arn_field(role, 1)) ||
        !same_str(arn_field(caller, 4), arn_field(role, 4)) || arn_field(role, 3).len != 0)
        return false;
    iam_str session = arn_field(caller, 5), named = arn_field(role, 5);
    static const char prefix[] = "assumed-role/";
    size_t p = sizeof prefix - 1;
    if (session.len <= p || memcmp(session.ptr, prefix, p) != 0)
        return false;
    const char *name = session.ptr + p;
    const char *slash = memchr(name, '/', session.len - p);
    if (slash == NULL || slash == name)
        return false;
    size_t name_len = (size_t)(slash - name);
    return named.len == 5 + name_len && memcmp(named.ptr, "role/", 5) == 0 &&
           memcmp(named.ptr + 5, name, name_len) == 0;
}

/* "arn:P:iam::A:root" names every principal of account A. */
static bool names_account_root(iam_str v, iam_str account)
{
    return arn_has_six_fields(v) && str_equals(arn_field(v, 0), "arn", 3) &&
           str_equals(arn_field(v, 2), "iam", 3) && arn_field(v, 3).len == 0 &&
           same_str(arn_field(v, 4), account) && str_equals(arn_field(v, 5), "root", 4);
}

/* Whether one principal value names the caller ("*", its ARN, its role,
 * or its account as "123456789012" or "arn:aws:iam::123456789012:root");
 * *exact when it is the caller's own ARN. */
static bool principal_value_names(iam_str v, iam_str caller, bool *exact)
{
    *exact = caller.len != 0 && same_str(v, caller);
    if (*exact || str_equals(v, "*", 1) || session_of_role(caller, v))
        return true;
    iam_str account = arn_account(caller);
    return account.len != 0 && (same_str(v, account) || names_account_root(v, account));
}

static bool principal_applies(const iam_statement *st, iam_str caller, bool *exact)
{
    bool named = false;
    *exact = false;
    for (uint32_t p = 0; p < st->principal_count; p++)
        for (uint32_t v = 0; v < st->principals[p].values.count; v++) {
            bool this_exact = false;
            named |= principal_value_names(st->principals[p].values.items[v].text, caller, &this_exact);
            *exact |= this_exact;
        }
    if (st->not_principal) {
        *exact = false; /* NotPrincipal never names the caller itself */
        return !named;
    }
    return named;
}

/* ---- one statement ---- */

/* The statement's Resource patterns that hold variables, substituted for
 * this request (an unresolvable one matches nothing, spec §4.3). */
static bool variable_resource_hit(const compiled_statement *st, const iam_request *req)
{
    subst_buffer buffer;
    for (uint32_t i = 0; i < st->ast->resources.count; i++) {
        iam_str p = st->ast->resources.items[i].text;
        size_t from = variables_resource_part(p);
        iam_str part = {p.ptr + from, p.len - from};
        if (!variables_present(part) || !variables_substitute(p, from, req, &buffer))
            continue;
        if (glob_match_resource_literal(buffer.text, buffer.len, buffer.literal, req->resource.ptr,
                                        req->resource.len))
            return true;
    }
    return false;
}

/* A statement without a resource list (possible only in resource-based
 * policies) covers the resource the policy is attached to. */
static bool resource_applies(const compiled_statement *st, const eval_scratch *scratch, uint32_t id,
                             const iam_request *req)
{
    if (!st->ast->resources.present)
        return true;
    bool hit = bit_get(scratch->resource_hit, id) ||
               (st->resource_variables && variable_resource_hit(st, req));
    return st->ast->not_resource ? !hit : hit;
}

/* Whether the statement's conditions hold; notes missing keys. */
static bool statement_applies(const compiled_statement *st, const iam_request *req,
                              iam_explain *ex)
{
    bool holds = true;
    for (uint32_t c = 0; c < st->condition_count; c++) {
        bool missing = false;
        if (!condition_holds(&st->conditions[c], req, &missing))
            holds = false;
        if (missing)
            explain_missing(ex, st->conditions[c].ast->key);
    }
    return holds;
}

static void tally_statement(tally *t, const compiled_statement *st, bool caller_named)
{
    bool allow = st->effect == IAM_EFFECT_ALLOW;
    if (!allow) {
        t->deny = true;
        return;
    }
    switch (st->kind) {
    case IAM_POLICY_IDENTITY: t->allow_identity = true; break;
    case IAM_POLICY_BOUNDARY: t->allow_boundary = true; break;
    case IAM_POLICY_SESSION: t->allow_session = true; break;
    case IAM_POLICY_SCP: t->allow_scp |= (uint8_t)(1u << st->level); break;
    case IAM_POLICY_RCP: t->allow_rcp |= (uint8_t)(1u << st->level); break;
    default:
        t->allow_resource = true;
        t->resource_grants_alone |= caller_named;
        break;
    }
}

static bool caller_is_service_linked(iam_str principal);
static bool action_vendor_is(iam_str action, const char *vendor);

/* SCPs skip service-linked roles; RCPs are ignored for chime:* (spec
 * §6.3 note 2, §6.7: Chime is not an RCP-enabled service). */
static bool policy_kind_applies(uint8_t kind, const iam_request *req)
{
    if (kind == IAM_POLICY_SCP)
        return !caller_is_service_linked(req->principal);
    if (kind == IAM_POLICY_RCP)
        return !action_vendor_is(req->action, "chime");
    return true;
}

/* Evaluates statement id once (the automaton may report it twice). */
static void consider(const iam_policy_set *set, uint32_t id, const iam_request *req,
                     eval_scratch *scratch, tally *t, iam_explain *ex)
{
    if (bit_get(scratch->seen, id))
        return;
    bit_set(scratch->seen, id);
    const compiled_statement *st = &set->statements[id];
    if (!policy_kind_applies(st->kind, req) || !resource_applies(st, scratch, id, req))
        return;
    bool exact = false;
    if (st->kind == IAM_POLICY_RESOURCE && st->ast->has_principal &&
        !principal_applies(st->ast, req->principal, &exact))
        return;
    if (!statement_applies(st, req, ex))
        return;
    tally_statement(t, st, exact);
}

/* ---- the decision (spec §6.3) ---- */

/* Whether the resource part of an ARN (after the account) starts with
 * prefix: "user/", "federated-user/", "role/aws-service-role/"... */
static bool arn_resource_starts(iam_str arn, const char *prefix)
{
    iam_str part = arn_field(arn, 5); /* empty unless the ARN has six fields */
    size_t n = strlen(prefix);
    return part.len > n && memcmp(part.ptr, prefix, n) == 0;
}

static bool caller_is_user(iam_str principal)
{
    return arn_resource_starts(principal, "user/");
}

/* SCPs do not apply to service-linked roles (spec §6.3 note 2). */
static bool caller_is_service_linked(iam_str principal)
{
    return arn_resource_starts(principal, "role/aws-service-role/") ||
           arn_resource_starts(principal, "assumed-role/AWSServiceRoleFor");
}

/* The request's service prefix equals vendor (ignoring case). */
static bool action_vendor_is(iam_str action, const char *vendor)
{
    size_t n = strlen(vendor);
    if (action.len <= n || action.ptr[n] != ':')
        return false;
    for (size_t i = 0; i < n; i++)
        if (text_lower_ascii((unsigned char)action.ptr[i]) != (unsigned char)vendor[i])
            return false;
    return true;
}

/* Spec §6.5: the caller's account and the resource's, when both are known
 * and differ, make a cross-account request. */
static bool cross_account(const iam_request *req)
{
    iam_str b = arn_account(req->resource);
    if (b.len == 0) /* "*" and most wildcard-only requests: no account to compare */
        return false;
    iam_str a = arn_account(req->principal);
    return a.len != 0 && (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0);
}

static iam_decision decide(const iam_policy_set *set, const tally *t, const iam_request *req)
{
    if (t->deny)
        return IAM_DENY_EXPLICIT;
    uint8_t scp_levels = set->scp_levels && policy_kind_applies(IAM_POLICY_SCP, req) ? set->scp_levels : 0;
    uint8_t rcp_levels = set->rcp_levels && policy_kind_applies(IAM_POLICY_RCP, req) ? set->rcp_levels : 0;
    if ((scp_levels & ~t->allow_scp) != 0 || (rcp_levels & ~t->allow_rcp) != 0)
        return IAM_DENY_IMPLICIT; /* a level without an Allow (spec §6.3 step 2, §10 row 18) */
    bool session = set->has_kind[IAM_POLICY_SESSION];
    if (!session && arn_resource_starts(req->principal, "federated-user/"))
        return IAM_DENY_IMPLICIT; /* §6.3 step 7: a federation token needs a session policy */
    bool ceilings = (!set->has_kind[IAM_POLICY_BOUNDARY] || t->allow_boundary) &&
                    (!session || t->allow_session);
    if (cross_account(req)) /* §6.5: both accounts must allow */
        return t->allow_resource && t->allow_identity && ceilings ? IAM_ALLOW : IAM_DENY_IMPLICIT;
    /* §6.4: a resource policy naming an IAM user or a session itself grants
     * past implicit denies of the identity side; naming a role, the
     * boundary and session policy still limit it. */
    if (t->allow_resource && t->resource_grants_alone && (caller_is_user(req->principal) ||
                                                          !set->has_kind[IAM_POLICY_SESSION]))
        return IAM_ALLOW;
    if ((t->allow_identity || t->allow_resource) && ceilings)
        return IAM_ALLOW;
    return IAM_DENY_IMPLICIT;
}

/* The deciding statements (spec §6.6): a second, cheap pass over what was
 * considered, now that the decision is known. */
static void explain_decision(const iam_policy_set *set, iam_decision d, const iam_request *req,
                             const eval_scratch *scratch, iam_explain *ex)
{
    if (ex == NULL || d == IAM_DENY_IMPLICIT)
        return;
    for (uint32_t id = 0; id < set->statement_count; id++) {
        const compiled_statement *st = &set->statements[id];
        if (!bit_get(scratch->seen, id))
            continue;
        bool wanted = d == IAM_DENY_EXPLICIT ? st->effect == IAM_EFFECT_DENY
                                             : st->effect == IAM_EFFECT_ALLOW &&
                                                   (st->kind == IAM_POLICY_IDENTITY ||
                                                    st->kind == IAM_POLICY_RESOURCE);
        bool exact = false;
        if (!wanted || !policy_kind_applies(st->kind, req) || !resource_applies(st, scratch, id, req) ||
            (st->kind == IAM_POLICY_RESOURCE && st->ast->has_principal &&
             !principal_applies(st->ast, req->principal, &exact)) ||
            !statement_applies(st, req, NULL))
            continue;
        explain_statement(ex, st);
    }
}

static bool str_valid(iam_str s)
{
    return s.ptr != NULL || s.len == 0;
}

static bool request_valid(const iam_request *r)
{
    if (!str_valid(r->action) || !str_valid(r->resource) || !str_valid(r->principal) ||
        (r->context == NULL && r->context_count != 0))
        return false;
    for (uint32_t i = 0; i < r->context_count; i++) {
        const iam_context_entry *e = &r->context[i];
        if (!str_valid(e->key) || (e->values == NULL && e->count != 0))
            return false;
        for (uint32_t v = 0; v < e->count; v++)
            if (!str_valid(e->values[v]))
                return false;
    }
    return true;
}

/* Marks the owners the automaton reports. False when they did not fit in
 * the span buffer (a DFA can report at every byte of a long subject): the
 * unmarked statements could include a Deny, so the caller denies. */
static bool mark_spans(const glob_set *gs, iam_str subject, uint64_t *bits)
{
    glob_span spans[EVAL_MAX_SPANS];
    size_t n = glob_set_match_spans(gs, subject.ptr, subject.len, spans, EVAL_MAX_SPANS);
    if (n > EVAL_MAX_SPANS)
        return false;
    for (size_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < spans[i].count; k++)
            bit_set(bits, spans[i].owners[k]);
    return true;
}

static void consider_all(const iam_policy_set *set, const iam_request *req, eval_scratch *scratch,
                         tally *t, iam_explain *ex)
{
    /* Action statements the automaton reported; NotAction ones it did not. */
    for (uint32_t w = 0; w < (set->statement_count + 63) / 64; w++)
        for (uint64_t bits = scratch->action_hit[w]; bits != 0; bits &= bits - 1) {
            uint32_t id = w * 64 + (uint32_t)__builtin_ctzll(bits);
            if (!set->statements[id].ast->not_action)
                consider(set, id, req, scratch, t, ex);
        }
    for (uint32_t i = 0; i < set->not_action_count; i++)
        if (!bit_get(scratch->action_hit, set->not_actions[i]))
            consider(set, set->not_actions[i], req, scratch, t, ex);
}

iam_decision iam_eval(const iam_policy_set *set, const iam_request *request,
                      iam_explain *explain) /* see iamgate.h */
{
    if (explain != NULL) {
        explain->matched_count = 0;
        explain->missing_count = 0;
    }
    if (set == NULL || request == NULL || !request_valid(request))
        return IAM_DENY_IMPLICIT;
    eval_scratch scratch;
    size_t words = (set->statement_count + 63) / 64;
    memset(scratch.action_hit, 0, words * sizeof(uint64_t));
    memset(scratch.resource_hit, 0, words * sizeof(uint64_t));
    memset(scratch.seen, 0, words * sizeof(uint64_t));
    if (!mark_spans(set->actions, request->action, scratch.action_hit) ||
        !mark_spans(set->resources, request->resource, scratch.resource_hit))
        return IAM_DENY_IMPLICIT; /* fail closed, never a partial view */
    tally t;
    memset(&t, 0, sizeof t);
    consider_all(set, request, &scratch, &t, explain);
    iam_decision d = decide(set, &t, request);
    explain_decision(set, d, request, &scratch, explain);
    return d;
}
