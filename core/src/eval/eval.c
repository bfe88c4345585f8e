/*
 * eval.c — iam_eval: which statements apply to a request, and the decision
 * AWS's evaluation logic gives (spec §6.3). Pure: no heap, no globals, a
 * bounded stack (span lists of the automata, whatever the set's size).
 */
#include "eval_internal.h"

#include "../glob/glob.h"

#define EVAL_MAX_SPANS 512u

typedef struct tally {
    bool deny;                       /* a Deny applied anywhere */
    bool allow_identity, allow_resource, allow_boundary, allow_session;
    bool resource_grants_alone;      /* the resource policy names the caller itself */
    uint8_t allow_scp, allow_rcp;    /* bit L: level L has an applicable Allow */
} tally;


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

/* Field i (0..5) of an ARN; the sixth is the rest. Empty when absent.
 * (These run on every request's principal and resource: colons are found
 * eight bytes at a time.) */
static iam_str arn_field(iam_str arn, int i)
{
    iam_str none = {"", 0};
    size_t at[5];
    unsigned found = arn.len != 0 ? text_arn_colons(arn.ptr, arn.len, at, 5) : 0;
    if (found < (unsigned)i || arn.len == 0)
        return none;
    size_t start = i == 0 ? 0 : at[i - 1] + 1;
    size_t stop = i < 5 && (unsigned)i < found ? at[i] : arn.len;
    iam_str out = {arn.ptr + start, stop - start};
    return out;
}

static bool arn_has_six_fields(iam_str arn)
{
    size_t at[5];
    return arn.len != 0 && text_arn_colons(arn.ptr, arn.len, at, 5) == 5;
}

static bool same_str(iam_str a, iam_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool str_equals(iam_str a, const char *b, size_t bn)
{
    return a.len == bn && (bn == 0 || memcmp(a.ptr, b, bn) == 0);
}

/* The account field of an ARN, if it has six fields (one scan). */
static iam_str arn_account(iam_str arn)
{
    iam_str none = {"", 0};
    size_t at[5];
    if (arn.len == 0 || text_arn_colons(arn.ptr, arn.len, at, 5) != 5)
        return none;
    iam_str account = {arn.ptr + at[3] + 1, at[4] - at[3] - 1};
    return account;
}

/* An assumed-role session arn:P:sts::A:assumed-role/R/S is also named by
 * its role, arn:P:iam::A:role/R (spec §6.4). */
static bool session_of_role(iam_str caller, iam_str role)
{
    if (!arn_has_six_fields(caller) || !arn_has_six_fields(role) ||
        !str_equals(arn_field(caller, 0), "arn", 3) || !str_equals(arn_field(role, 0), "arn", 3) ||
        !str_equals(arn_field(caller, 2), "sts", 3) || !str_equals(arn_field(role, 2), "iam", 3) ||
        !same_str(arn_field(caller, 1), arn_field(role, 1)) || arn_field(caller, 4).len == 0 ||
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

/* ---- what a decision needs to know about the request ---- */

/* Facts about the request that decide() and the SCP/RCP rules read, each
 * found on first use (most decisions need one or none of them): -1 while
 * unknown. */
typedef struct request_facts {
    const iam_request *req;
    int8_t service_linked;   /* SCPs skip the caller (spec §6.3 note 2) */
    int8_t federated_user;   /* needs a session policy (§6.3 step 7) */
    int8_t user;             /* an IAM user (§6.4) */
    int8_t chime_action;     /* RCPs do not apply (§6.7) */
    int8_t cross_account;    /* §6.5 */
} request_facts;

/* A prefix alone counts (spec §7.1: "a role whose path starts with /aws-service-role/"). */
static inline bool starts_with(iam_str s, const char *prefix, size_t n)
{
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

/* Whether bytes 8..10 and 13..24 of p (27 bytes readable) hold no ':'. */
static bool usual_fields_free_of_colons(const char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t service = text_colon_lanes(text_load8(p + 8)) & 0x0000000000FFFFFFull;
    uint64_t account = text_colon_lanes(text_load8(p + 13)) | text_colon_lanes(text_load8(p + 17));
    return (service | account) == 0;
#else
    return memchr(p + 8, ':', 3) == NULL && memchr(p + 13, ':', 12) == NULL;
#endif
}

/* The resource part of the caller's ARN (after the fifth colon), empty if
 * it has fewer fields. The usual shape, "arn:aws:iam::123456789012:...",
 * is recognised without a scan: its colons are at bytes 3, 7, 11, 12 and 25. */
static iam_str caller_resource_part(iam_str arn)
{
    const char *p = arn.ptr;
    if (arn.len > 26 && memcmp(p, "arn:aws:", 8) == 0 && p[11] == ':' && p[12] == ':' && p[25] == ':' &&
        usual_fields_free_of_colons(p)) {
        iam_str part = {p + 26, arn.len - 26};
        return part;
    }
    return arn_field(arn, 5);
}

/* Whether the caller's ARN's resource part starts with prefix
 * ("user/", "federated-user/", ...): the principal kinds of spec §6.3. */
static inline bool caller_is(iam_str caller, const char *prefix)
{
    return starts_with(caller_resource_part(caller), prefix, strlen(prefix));
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

static bool service_linked(request_facts *f)
{
    if (f->service_linked < 0)
        f->service_linked = caller_is(f->req->principal, "role/aws-service-role/") ||
                            caller_is(f->req->principal, "assumed-role/AWSServiceRoleFor");
    return f->service_linked;
}

static bool federated_user(request_facts *f)
{
    if (f->federated_user < 0)
        f->federated_user = caller_is(f->req->principal, "federated-user/");
    return f->federated_user;
}

static bool caller_is_user(request_facts *f)
{
    if (f->user < 0)
        f->user = caller_is(f->req->principal, "user/");
    return f->user;
}

static bool chime_action(request_facts *f)
{
    if (f->chime_action < 0)
        f->chime_action = action_vendor_is(f->req->action, "chime");
    return f->chime_action;
}

/* Spec §6.5: the caller's account and the resource's, when both are known
 * and differ, make a cross-account request. */
static bool accounts_differ(const iam_request *req)
{
    if (req->resource.len < 5) /* "*": no account to compare */
        return false;
    iam_str b = arn_account(req->resource);
    if (b.len == 0) /* "*" and most wildcard-only requests: no account to compare */
        return false;
    iam_str a = arn_account(req->principal);
    return a.len != 0 && !same_str(a, b);
}

static bool cross_account(request_facts *f)
{
    if (f->cross_account < 0)
        f->cross_account = accounts_differ(f->req);
    return f->cross_account;
}

/* SCPs skip service-linked roles; RCPs are ignored for chime:* (spec
 * §6.3 note 2, §6.7: Chime is not an RCP-enabled service). */
static bool policy_kind_applies(uint8_t kind, request_facts *f)
{
    if (kind == IAM_POLICY_SCP)
        return !service_linked(f);
    if (kind == IAM_POLICY_RCP)
        return !chime_action(f);
    return true;
}

/* ---- the statements a request reaches, in statement order ---- */

/*
 * The automaton reports matching statements as spans of sorted owner
 * lists. Merging them (and the NotAction statements they do not report)
 * yields each candidate once, in increasing id: no per-request work
 * proportional to the set's size, and Deny statements, which compile
 * gives the lowest ids, come first.
 */
typedef struct candidate_stream {
    glob_span action[EVAL_MAX_SPANS];   /* consumed from the front */
    size_t action_n;
    const uint32_t *not_action, *not_action_end;
    /* When the spans do not fit (hundreds of inner-wildcard patterns
     * sharing a prefix can each report one), every statement is visited
     * and its patterns matched with the reference matcher: slow, rare, and
     * never a partial view. */
    bool scan_all;
    bool one_list;                      /* one span, no NotAction statements */
    uint32_t next;
    const iam_policy_set *set;
    iam_str subject;
} candidate_stream;

static void candidates_start(const iam_policy_set *set, const iam_request *req,
                             candidate_stream *cs)
{
    size_t n = glob_set_match_spans(set->actions, req->action.ptr, req->action.len, cs->action,
                                    EVAL_MAX_SPANS);
    cs->action_n = n;
    cs->not_action = set->not_actions;
    cs->not_action_end = set->not_actions + set->not_action_count;
    cs->scan_all = n > EVAL_MAX_SPANS;
    cs->one_list = n == 1 && set->not_action_count == 0;
    cs->next = 0;
    cs->set = set;
    cs->subject = req->action;
}

static bool action_listed(const iam_statement *st, iam_str action)
{
    for (uint32_t i = 0; i < st->actions.count; i++)
        if (glob_match_action_reference(st->actions.items[i].text.ptr, st->actions.items[i].text.len,
                                        action.ptr, action.len))
            return true;
    return false;
}


static bool candidates_scan(candidate_stream *cs, uint32_t *id)
{
    while (cs->next < cs->set->statement_count) {
        const compiled_statement *c = &cs->set->statements[cs->next++];
        const iam_statement *st = c->ast;
        if (c->copy_of == UINT32_MAX && action_listed(st, cs->subject) != st->not_action) {
            *id = cs->next - 1;
            return true;
        }
    }
    return false;
}

/* Removes id from the front of every span that starts with it. */
static void candidates_pop(candidate_stream *cs, uint32_t id)
{
    for (size_t i = 0; i < cs->action_n; i++)
        if (cs->action[i].count != 0 && cs->action[i].owners[0] == id) {
            cs->action[i].owners++;
            cs->action[i].count--;
        }
}

static uint32_t candidates_front(const candidate_stream *cs)
{
    uint32_t lowest = UINT32_MAX;
    for (size_t i = 0; i < cs->action_n; i++)
        if (cs->action[i].count != 0 && cs->action[i].owners[0] < lowest)
            lowest = cs->action[i].owners[0];
    return lowest;
}

/* candidates_next for several lists or NotAction statements. */
static bool candidates_merge(candidate_stream *cs, uint32_t *id)
{
    if (cs->scan_all)
        return candidates_scan(cs, id);
    for (;;) {
        uint32_t reported = candidates_front(cs);
        uint32_t not_action = cs->not_action < cs->not_action_end ? *cs->not_action : UINT32_MAX;
        if (reported == UINT32_MAX && not_action == UINT32_MAX)
            return false;
        if (not_action < reported) { /* a NotAction statement the automaton did not report */
            cs->not_action++;
            *id = not_action;
            return true;
        }
        candidates_pop(cs, reported);
        if (not_action == reported) { /* its NotAction list names the action */
            cs->not_action++;
            continue;
        }
        *id = reported;
        return true;
    }
}

/* The next statement whose Action list matches or whose NotAction list
 * does not; false at the end. */
static inline bool candidates_next(candidate_stream *cs, uint32_t *id)
{
    if (!cs->one_list)
        return candidates_merge(cs, id);
    /* one sorted list (an exact name's complete answer): in order */
    if (cs->action[0].count == 0)
        return false;
    *id = *cs->action[0].owners++;
    cs->action[0].count--;
    return true;
}

/* ---- one statement ---- */

/* The statement's prepared Resource patterns (all but "*" and those with
 * variables). */
static bool resource_listed(const compiled_statement *st, glob_subject *resource)
{
    for (uint32_t i = 0; i < st->resource_count; i++)
        if (glob_resource_match(&st->resources[i], resource))
            return true;
    return false;
}

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
static bool resource_applies(const compiled_statement *st, const iam_request *req,
                             glob_subject *resource)
{
    if (!st->resources_present)
        return true;
    bool hit = st->resource_star || resource_listed(st, resource) ||
               (st->resource_variables && variable_resource_hit(st, req));
    return st->not_resource ? !hit : hit;
}

/* Whether the statement's conditions hold; notes missing keys. */
static bool statement_applies(const compiled_statement *st, const iam_request *req,
                              parsed_cache *cache, iam_explain *ex)
{
    if (ex == NULL) /* then the first condition that fails decides */
        return conditions_hold(st->conditions, st->condition_count, req, cache);
    bool holds = true;
    for (uint32_t c = 0; c < st->condition_count; c++) {
        bool missing = false;
        if (!condition_holds(&st->conditions[c], req, cache, &missing))
            holds = false;
        if (missing)
            explain_missing(ex, st->conditions[c].ast->key);
        if (!holds && ex == NULL)
            return false; /* the rest only matter to the explanation */
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

/* Everything one decision reads, on the stack of iam_eval. */
typedef struct eval_run {
    const iam_policy_set *set;
    const iam_request *req;
    request_facts facts;
    glob_subject resource;          /* the request's, cut once */
    parsed_cache parsed;
} eval_run;

/* Whether statement id applies to the request (kind, resource, principal,
 * conditions); *exact when a resource policy names the caller itself. */
static bool statement_reached(eval_run *run, uint32_t id, iam_explain *ex, bool *exact)
{
    const compiled_statement *st = &run->set->statements[id];
    *exact = false;
    if (st->always_applies)
        return true;
    if (!policy_kind_applies(st->kind, &run->facts) ||
        !resource_applies(st, run->req, &run->resource))
        return false;
    if (st->kind == IAM_POLICY_RESOURCE && st->ast->has_principal &&
        !principal_applies(st->ast, run->req->principal, exact))
        return false;
    return statement_applies(st, run->req, &run->parsed, ex);
}

/* ---- the decision (spec §6.3) ---- */

/* Every check only ever turns an Allow into an implicit deny, so the
 * request facts are looked at only when an Allow is still possible. */
static iam_decision decide_general(const iam_policy_set *set, const tally *t, request_facts *f)
{
    if (!t->allow_identity && !t->allow_resource)
        return IAM_DENY_IMPLICIT;
    uint8_t scp_levels = set->scp_levels && policy_kind_applies(IAM_POLICY_SCP, f) ? set->scp_levels : 0;
    uint8_t rcp_levels = set->rcp_levels && policy_kind_applies(IAM_POLICY_RCP, f) ? set->rcp_levels : 0;
    if ((scp_levels & ~t->allow_scp) != 0 || (rcp_levels & ~t->allow_rcp) != 0)
        return IAM_DENY_IMPLICIT; /* a level without an Allow (spec §6.3 step 2, §10 row 18) */
    bool session = set->has_kind[IAM_POLICY_SESSION];
    bool ceilings = (!set->has_kind[IAM_POLICY_BOUNDARY] || t->allow_boundary) &&
                    (!session || t->allow_session);
    /* §6.4: a resource policy naming an IAM user or a session itself grants
     * past implicit denies of the identity side; naming a role, the
     * boundary and session policy still limit it. */
    bool granted_alone = t->allow_resource && t->resource_grants_alone &&
                         (!session || caller_is_user(f));
    if (!ceilings && !granted_alone)
        return IAM_DENY_IMPLICIT;
    if (!session && federated_user(f))
        return IAM_DENY_IMPLICIT; /* §6.3 step 7: a federation token needs a session policy */
    if (cross_account(f)) /* §6.5: both accounts must allow */
        return t->allow_resource && t->allow_identity && ceilings ? IAM_ALLOW : IAM_DENY_IMPLICIT;
    return IAM_ALLOW;
}

/* decide_general, shortened for a set of identity policies alone (no
 * ceilings, no resource side: a federated user or a cross-account request
 * is never allowed). */
static inline iam_decision decide(const iam_policy_set *set, const tally *t, request_facts *f)
{
    if (t->deny)
        return IAM_DENY_EXPLICIT;
    if (!set->identity_only)
        return decide_general(set, t, f);
    return t->allow_identity && !federated_user(f) && !cross_account(f) ? IAM_ALLOW
                                                                         : IAM_DENY_IMPLICIT;
}

/*
 * Tallies every candidate that applies. Without an explanation to write it
 * stops as soon as the answer is final: at the first applicable Deny, or,
 * once the Deny statements (the lowest ids) are behind, at the first
 * Allow that makes decide() allow (decide() only grows with more Allows).
 */
/* Whether Allows could still make decide() allow: with every kind of
 * Allow granted (the resource side only when the set has resource
 * policies), an upper bound, as decide() only grows with Allows. A
 * cross-account request without a resource policy (spec §6.5) or a
 * federated user without a session policy (§6.3 step 7) cannot. */
static bool allow_possible(const iam_policy_set *set, request_facts *f)
{
    tally best;
    memset(&best, 0, sizeof best);
    best.allow_identity = best.allow_boundary = best.allow_session = true;
    best.allow_resource = best.resource_grants_alone = set->has_kind[IAM_POLICY_RESOURCE];
    best.allow_scp = best.allow_rcp = 0xFF;
    return decide(set, &best, f) == IAM_ALLOW;
}

static iam_decision consider_all(eval_run *run, tally *t, iam_explain *ex)
{
    candidate_stream cs;
    candidates_start(run->set, run->req, &cs);
    uint32_t id;
    bool possible_checked = false;
    while (candidates_next(&cs, &id)) {
        bool exact;
        if (!statement_reached(run, id, ex, &exact))
            continue;
        tally_statement(t, &run->set->statements[id], exact);
        if (ex != NULL)
            continue;
        if (t->deny)
            return IAM_DENY_EXPLICIT;
        if (id < run->set->deny_count)
            continue;
        if (decide(run->set, t, &run->facts) == IAM_ALLOW)
            return IAM_ALLOW;
        /* an applicable Allow that does not decide: perhaps none can */
        if (!possible_checked && !allow_possible(run->set, &run->facts))
            return IAM_DENY_IMPLICIT;
        possible_checked = true;
    }
    return decide(run->set, t, &run->facts);
}

/* The deciding statements (spec §6.6): a second pass over the candidates,
 * now that the decision is known. */
static void explain_decision(eval_run *run, iam_decision d, iam_explain *ex)
{
    if (ex == NULL || d == IAM_DENY_IMPLICIT)
        return;
    candidate_stream cs;
    candidates_start(run->set, run->req, &cs);
    uint32_t id;
    while (candidates_next(&cs, &id)) {
        const compiled_statement *st = &run->set->statements[id];
        bool wanted = d == IAM_DENY_EXPLICIT ? st->effect == IAM_EFFECT_DENY
                                             : st->effect == IAM_EFFECT_ALLOW &&
                                                   (st->kind == IAM_POLICY_IDENTITY ||
                                                    st->kind == IAM_POLICY_RESOURCE);
        bool exact;
        if (!wanted || !statement_reached(run, id, NULL, &exact))
            continue;
        explain_statement(ex, st);
        for (uint32_t c = 0; c < st->copy_count; c++)
            explain_statement(ex, &run->set->statements[run->set->copies[st->copy_start + c]]);
    }
}

/* 1 for a string with a length but no bytes (the one malformed iam_str);
 * unsigned so that the checks combine with '|', without a branch each. */
static unsigned str_broken(iam_str s)
{
    return (unsigned)(s.ptr == NULL) & (unsigned)(s.len != 0);
}

/* The usual request: no NULL among the context's pointers, so none of its
 * strings is malformed (a check per string cheaper than str_broken). */
static bool context_pointers_present(const iam_context_entry *e, const iam_context_entry *end)
{
    for (; e < end; e++) { /* most keys have one value: it is checked first */
        uint32_t n = e->count;
        const iam_str *v = e->values;
        if (e->key.ptr == NULL || (n != 0 && (v == NULL || v[0].ptr == NULL)))
            return false;
        for (uint32_t i = 1; i < n; i++)
            if (v[i].ptr == NULL)
                return false;
    }
    return true;
}

static bool request_valid(const iam_request *r)
{
    unsigned broken = str_broken(r->action) | str_broken(r->resource) | str_broken(r->principal) |
                      ((unsigned)(r->context == NULL) & (unsigned)(r->context_count != 0));
    if (broken)
        return false;
    if (r->context_count == 0)
        return true; /* (and context may be NULL) */
    const iam_context_entry *e = r->context, *end = e + r->context_count;
    if (context_pointers_present(e, end))
        return true;
    for (; e < end; e++) {
        broken |= str_broken(e->key);
        if (e->count == 0)
            continue;
        if (e->values == NULL)
            return false;
        for (const iam_str *v = e->values, *stop = v + e->count; v < stop; v++)
            broken |= str_broken(*v);
    }
    return !broken;
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
    eval_run run;
    run.set = set;
    run.req = request;
    run.parsed.used = 0;
    run.parsed.entries_known = 0;
    glob_subject_init(&run.resource, request->resource.ptr, request->resource.len);
    run.facts.req = request;
    run.facts.service_linked = run.facts.federated_user = -1;
    run.facts.user = run.facts.chime_action = run.facts.cross_account = -1;
    tally t;
    memset(&t, 0, sizeof t);
    iam_decision d = consider_all(&run, &t, explain);
    explain_decision(&run, d, explain);
    return d;
}
