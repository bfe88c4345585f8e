/*
 * lint_actions.c — Action/NotAction values against the catalog (spec §1.8,
 * §2.2, §2.3.6, §8.3, §8.4): unknown services and actions with a
 * did-you-mean, case, redundancy, and the permissive grants Access Analyzer
 * warns about (NotAction with Allow, service:* on *, iam:PassRole on *),
 * plus our MFA suggestion for sensitive Chime actions.
 *
 * Everything is bounded: the quadratic REDUNDANT_ACTION check skips lists
 * over REDUNDANT_MAX values and stops after COVER_BUDGET matcher steps per
 * run; did-you-mean searches stop after SUGGEST_BUDGET and catalog
 * expansions after GLOB_BUDGET per run (a check out of budget reports
 * nothing), so hostile documents cost little more than their size.
 */
#include "lint_internal.h"
#include "../glob/glob.h"

#include <stdio.h>
#include <string.h>

static const lint_check invalid_service = {
    "INVALID_SERVICE_IN_ACTION", IAM_SEVERITY_ERROR, "§1.8, §8.3 #24",
    "Use a service prefix that exists (chime, iam, s3, ...); the action can never match."};
static const lint_check invalid_action = {
    "INVALID_ACTION", IAM_SEVERITY_ERROR, "§1.8, §2.2, §8.3 #5",
    "Use an action the service defines (Service Authorization Reference); this one never matches."};
static const lint_check action_case = {
    "X_ACTION_CASE", IAM_SEVERITY_SUGGESTION, "§2.2",
    "Action names are case-insensitive, so it works; spell it as AWS does for readability."};
static const lint_check redundant_action = {
    "REDUNDANT_ACTION", IAM_SEVERITY_SUGGESTION, "§1.8, §8.3 #125",
    "Remove the action: another pattern of the same list already covers it."};
static const lint_check notaction_allow = {
    "X_NOTACTION_ALLOW_CROSS_SERVICE", IAM_SEVERITY_SECURITY_WARNING, "§2.2, §8.4",
    "Allow with NotAction grants every action of every other service too; list the actions in Action instead."};
static const lint_check service_wildcard = {
    "X_SERVICE_WILDCARD_ALL_RESOURCES", IAM_SEVERITY_SECURITY_WARNING, "§8.2",
    "Grant the actions that are needed, or narrow Resource or add a Condition, rather than service:* on *."};
static const lint_check mfa_recommended = {
    "X_MFA_RECOMMENDED", IAM_SEVERITY_SUGGESTION, "§0.4, §5.1",
    "Sensitive Chime actions (Write-level Delete*, BatchDelete*, Suspend*, BatchSuspend*, Reset*, "
    "Logout*, Regenerate*, CreateAccount*, UpdateAccount*): add a condition on "
    "aws:MultiFactorAuthPresent or aws:MultiFactorAuthAge."};
static const lint_check pass_role_star = {
    "PASS_ROLE_WITH_STAR_IN_RESOURCE", IAM_SEVERITY_SECURITY_WARNING, "§8.3 #102",
    "Name the roles that may be passed in Resource, or add an iam:PassedToService condition."};
static const lint_check pass_role_star_both = {
    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", IAM_SEVERITY_SECURITY_WARNING, "§8.3 #103",
    "The wildcard action includes iam:PassRole on every role: list actions explicitly, name the roles, "
    "or add an iam:PassedToService condition."};

enum {
    REDUNDANT_MAX = 1000, /* REDUNDANT_ACTION is quadratic: larger lists are skipped */
    SUGGEST_BUDGET = 64,  /* did-you-mean searches per run */
    COVER_BUDGET = 10000000, /* matcher steps of REDUNDANT_ACTION per run */
    GLOB_BUDGET = 1000000,   /* patterns matched against catalog actions per run */
    SENSITIVE_MAX = 128,     /* X_MFA_RECOMMENDED's actions (55 today) */
    SHOW_MAX = 80         /* bytes of a value quoted in a message */
};

/* The sensitive Chime actions of X_MFA_RECOMMENDED: a chime action at a
 * Write (or Permissions management) access level whose name starts with one
 * of these. They destroy data or configuration (Delete*), lock users out or
 * reset their credentials (Suspend*, Reset*, Logout*, Regenerate*), or change
 * the Chime account itself (CreateAccount*, UpdateAccount*) — the operations
 * that the seed's best practice "Require multi-factor authentication" is
 * about. The list is ours (AWS defines no such set); the access level comes
 * from the catalog. */
static const char *const sensitive_prefixes[] = {
    "Delete", "BatchDelete", "Suspend", "BatchSuspend", "Reset",
    "Logout", "Regenerate", "CreateAccount", "UpdateAccount",
};

typedef struct actions_run {
    lint_ctx *ctx;
    unsigned suggestions;     /* did-you-mean searches left */
    size_t steps;             /* REDUNDANT_ACTION matcher steps left */
    size_t globs;             /* pattern-against-catalog matches left */
    const iam_catalog_action *sensitive[SENSITIVE_MAX];
    size_t sensitive_count;
} actions_run;

/* ---- small helpers ---- */

static int show_len(iam_str s) { return (int)(s.len > SHOW_MAX ? SHOW_MAX : s.len); }

static bool is_star(iam_str s) { return s.len == 1 && s.ptr[0] == '*'; }

/* The vendor (before the colon) and name (after it); the parser has
 * checked that an action other than "*" has exactly one colon. */
static void split_action(iam_str s, iam_str *vendor, iam_str *name)
{
    const char *colon = s.len > 0 ? memchr(s.ptr, ':', s.len) : NULL;
    size_t v = colon != NULL ? (size_t)(colon - s.ptr) : s.len;
    *vendor = (iam_str){s.ptr, v};
    *name = colon != NULL ? (iam_str){colon + 1, s.len - v - 1} : (iam_str){s.ptr + s.len, 0};
}

static bool bytes_equal(iam_str a, iam_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool has_prefix(iam_str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static bool contains_text(iam_str s, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= s.len; i++)
        if (memcmp(s.ptr + i, needle, n) == 0)
            return true;
    return false;
}

static bool action_matches(iam_str pattern, iam_str action)
{
    return glob_match_action_reference(pattern.ptr, pattern.len, action.ptr, action.len);
}

/* How far a misspelling may be from a suggestion: about a third of it. */
static size_t suggest_limit(size_t len) { return len <= 3 ? 1 : len <= 8 ? 2 : 3; }

static char fold_char(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

/* Whether pattern `sup` matches every string pattern `sub` matches: `sup`
 * glob-matched against the text of `sub`, where a '*' of `sub` may only be
 * absorbed by a '*' of `sup`, and a '?' of `sub` by a '?' or '*'. Sound
 * (never claims a cover that does not hold), not complete. The greedy
 * two-pointer matcher of spec §2.4 is correct for any per-character test. */
static bool one_covers(char p, char s)
{
    if (s == '*')
        return false;
    if (p == '?')
        return true;
    return s != '?' && fold_char(p) == fold_char(s);
}

static bool glob_covers(iam_str sup, iam_str sub, size_t *steps)
{
    size_t pi = 0, si = 0, star = SIZE_MAX, mark = 0;
    while (si < sub.len) {
        if (*steps == 0)
            return false; /* out of budget: claim nothing */
        --*steps;
        if (pi < sup.len && sup.ptr[pi] != '*' && one_covers(sup.ptr[pi], sub.ptr[si])) {
            pi++;
            si++;
        } else if (pi < sup.len && sup.ptr[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (star != SIZE_MAX) {
            pi = star + 1;
            si = ++mark;
        } else {
            return false;
        }
    }
    while (pi < sup.len && sup.ptr[pi] == '*')
        pi++;
    return pi == sup.len;
}

/* "*" covers every action; otherwise the vendors are literal (the parser
 * rejects wildcards there), so one glob over the whole text does. */
static bool action_covers(iam_str sup, iam_str sub, size_t *steps)
{
    if (sup.len != sub.len && !lint_has_wildcard(sup))
        return false; /* a literal covers only its own spelling */
    return is_star(sup) || glob_covers(sup, sub, steps);
}

/* ---- INVALID_SERVICE_IN_ACTION, INVALID_ACTION, X_ACTION_CASE ---- */

static const iam_catalog_service *closest_service(actions_run *run, iam_str vendor)
{
    if (run->suggestions == 0)
        return NULL;
    run->suggestions--;
    size_t limit = suggest_limit(vendor.len), best = limit + 1;
    const iam_catalog_service *found = NULL;
    for (size_t i = 0; i < iam_catalog_service_count(); i++) {
        const iam_catalog_service *svc = iam_catalog_service_at(i);
        size_t d = text_edit_distance(vendor, svc->prefix, limit);
        if (d < best) {
            best = d;
            found = svc;
        }
    }
    return found;
}

static const iam_catalog_action *closest_action(actions_run *run, const iam_catalog_service *svc,
                                                iam_str name)
{
    if (run->suggestions == 0)
        return NULL;
    run->suggestions--;
    size_t limit = suggest_limit(name.len), best = limit + 1;
    const iam_catalog_action *found = NULL;
    for (uint32_t i = 0; i < svc->action_count; i++) {
        const iam_catalog_action *a = iam_catalog_action_at(svc->first_action + i);
        size_t d = text_edit_distance(name, a->name, limit);
        if (d < best) {
            best = d;
            found = a;
        }
    }
    return found;
}

/* "'value' what." or, with a suggestion, "'value' what; did you mean 'x'?" */
static void report_value(actions_run *run, const lint_check *check, uint32_t s, uint32_t i,
                         const char *what, iam_str suggestion)
{
    lint_ctx *ctx = run->ctx;
    const iam_statement *st = &ctx->policy->statements[s];
    char path[IAM_ERROR_PATH_MAX];
    lint_path_item(ctx, s, st->not_action ? "NotAction" : "Action", &st->actions, i, path);
    const iam_value *v = &st->actions.items[i];
    size_t len = lint_value_length(ctx, v->offset);
    if (suggestion.len > 0)
        lint_report(ctx, check, v->offset, len, path, "'%.*s' %s; did you mean '%.*s'?",
                    show_len(v->text), v->text.ptr, what, show_len(suggestion), suggestion.ptr);
    else
        lint_report(ctx, check, v->offset, len, path, "'%.*s' %s.", show_len(v->text),
                    v->text.ptr, what);
}

typedef enum value_kind {
    VALUE_INVALID, /* reported: names no catalog action */
    VALUE_OK,
    VALUE_CASE     /* a catalog action spelt in another case */
} value_kind;

/* Checks one value against the catalog and reports what is invalid. */
static value_kind check_value(actions_run *run, uint32_t s, uint32_t i)
{
    iam_str text = run->ctx->policy->statements[s].actions.items[i].text;
    if (is_star(text))
        return VALUE_OK;
    iam_str vendor, name;
    split_action(text, &vendor, &name);
    const iam_catalog_service *svc = iam_catalog_find_service(vendor.ptr, vendor.len);
    if (svc == NULL) {
        const iam_catalog_service *near = closest_service(run, vendor);
        report_value(run, &invalid_service, s, i, "names a service prefix that does not exist",
                     near != NULL ? near->prefix : (iam_str){NULL, 0});
        return VALUE_INVALID;
    }
    if (lint_has_wildcard(text)) {
        if (run->globs < svc->action_count)
            return VALUE_OK; /* out of budget: assume it matches */
        run->globs -= svc->action_count;
        if (iam_catalog_match(text.ptr, text.len, NULL, 0) > 0)
            return VALUE_OK;
        report_value(run, &invalid_action, s, i, "matches no action of the service",
                     (iam_str){NULL, 0});
        return VALUE_INVALID;
    }
    const iam_catalog_action *a = iam_catalog_find_action(text.ptr, text.len);
    if (a == NULL) {
        const iam_catalog_action *near = closest_action(run, svc, name);
        report_value(run, &invalid_action, s, i, "is not an action of the service",
                     near != NULL ? near->full_name : (iam_str){NULL, 0});
        return VALUE_INVALID;
    }
    return bytes_equal(text, a->full_name) ? VALUE_OK : VALUE_CASE;
}

/* X_ACTION_CASE once per list, at its first value spelt in another case:
 * a policy written all in lower case would otherwise give one per action. */
static void report_case(actions_run *run, uint32_t s, uint32_t first, uint32_t count)
{
    iam_str text = run->ctx->policy->statements[s].actions.items[first].text;
    const iam_catalog_action *a = iam_catalog_find_action(text.ptr, text.len);
    if (a == NULL)
        return; /* check_value found it: cannot happen */
    char what[96];
    if (count > 1)
        snprintf(what, sizeof what, "(and %u more of this list) differs in case from the "
                 "catalog's spelling", (unsigned)(count - 1));
    else
        snprintf(what, sizeof what, "differs in case from the catalog's spelling");
    report_value(run, &action_case, s, first, what, a->full_name);
}

/* ---- REDUNDANT_ACTION ---- */

/* Value i is redundant when another valid value j covers it; of two that
 * cover each other (duplicates), the later one is reported. */
static void check_redundant(actions_run *run, uint32_t s, const bool *valid)
{
    lint_ctx *ctx = run->ctx;
    const iam_statement *st = &ctx->policy->statements[s];
    const iam_value_list *list = &st->actions;
    for (uint32_t i = 0; i < list->count && run->steps > 0; i++) {
        if (!valid[i])
            continue;
        iam_str a = list->items[i].text;
        for (uint32_t j = 0; j < list->count; j++) {
            iam_str b = list->items[j].text;
            if (j == i || !valid[j] || !action_covers(b, a, &run->steps) ||
                (action_covers(a, b, &run->steps) && j > i))
                continue;
            if (run->steps == 0)
                return; /* the budget ran out mid-comparison: trust nothing */
            char path[IAM_ERROR_PATH_MAX];
            lint_path_item(ctx, s, st->not_action ? "NotAction" : "Action", list, i, path);
            size_t at = list->items[i].offset;
            lint_report(ctx, &redundant_action, at, lint_value_length(ctx, at), path,
                        "'%.*s' is already covered by '%.*s' in the same list.", show_len(a),
                        a.ptr, show_len(b), b.ptr);
            break;
        }
    }
}

/* ---- statement-level grants ---- */

static bool resource_has_star(const iam_statement *st)
{
    if (st->not_resource)
        return false;
    for (uint32_t i = 0; i < st->resources.count; i++)
        if (is_star(st->resources.items[i].text))
            return true;
    return false;
}

static bool has_condition_key(const iam_statement *st, const char *key)
{
    for (uint32_t c = 0; c < st->condition_count; c++)
        if (lint_str_ieq(st->conditions[c].key, key))
            return true;
    return false;
}

/* "'value' tail" at action value i. */
static void report_action(lint_ctx *ctx, const lint_check *check, uint32_t s, uint32_t i,
                          const char *tail)
{
    const iam_statement *st = &ctx->policy->statements[s];
    const iam_value *v = &st->actions.items[i];
    char path[IAM_ERROR_PATH_MAX];
    lint_path_item(ctx, s, st->not_action ? "NotAction" : "Action", &st->actions, i, path);
    lint_report(ctx, check, v->offset, lint_value_length(ctx, v->offset), path, "'%.*s'%s",
                show_len(v->text), v->text.ptr, tail);
}

static void check_notaction_allow(lint_ctx *ctx, uint32_t s)
{
    const iam_statement *st = &ctx->policy->statements[s];
    char path[IAM_ERROR_PATH_MAX];
    lint_path_element(ctx, s, "NotAction", path);
    size_t at = st->actions.offset;
    lint_report(ctx, &notaction_allow, at, lint_value_length(ctx, at), path,
                "Allow with NotAction grants every action not listed, in every service.");
}

/* `service:*` or `*` on Resource "*" without a Condition (Allow, Action). */
static void check_service_wildcard(lint_ctx *ctx, uint32_t s)
{
    const iam_statement *st = &ctx->policy->statements[s];
    if (st->condition_count > 0 || !resource_has_star(st))
        return;
    for (uint32_t i = 0; i < st->actions.count; i++) {
        iam_str text = st->actions.items[i].text, vendor, name;
        split_action(text, &vendor, &name);
        const iam_catalog_service *svc = NULL;
        if (!is_star(text)) {
            if (!is_star(name) || (svc = iam_catalog_find_service(vendor.ptr, vendor.len)) == NULL)
                continue;
        }
        char tail[96];
        if (svc != NULL)
            snprintf(tail, sizeof tail, " on '*' with no Condition grants all %u actions of %.*s.",
                     (unsigned)svc->action_count, (int)svc->prefix.len, svc->prefix.ptr);
        else
            snprintf(tail, sizeof tail, " on '*' with no Condition grants every action of every service.");
        report_action(ctx, &service_wildcard, s, i, tail);
    }
}

/* iam:PassRole on Resource "*" (Allow, Action), unless the statement
 * already restricts it with iam:PassedToService (the fix AWS advises). */
static void check_pass_role(lint_ctx *ctx, uint32_t s)
{
    const iam_statement *st = &ctx->policy->statements[s];
    if (!resource_has_star(st) || has_condition_key(st, "iam:PassedToService"))
        return;
    static const iam_str pass_role = {"iam:PassRole", 12};
    uint32_t wildcard = UINT32_MAX;
    for (uint32_t i = 0; i < st->actions.count; i++) {
        iam_str text = st->actions.items[i].text;
        if (!lint_has_wildcard(text) && lint_str_ieq(text, "iam:PassRole")) {
            report_action(ctx, &pass_role_star, s, i,
                          " is allowed on Resource '*': any role can be passed to any service.");
            return;
        }
        if (wildcard == UINT32_MAX && lint_has_wildcard(text) && action_matches(text, pass_role))
            wildcard = i;
    }
    if (wildcard != UINT32_MAX)
        report_action(ctx, &pass_role_star_both, s, wildcard,
                      " includes iam:PassRole on Resource '*': any role can be passed to any service.");
}

/* ---- X_MFA_RECOMMENDED ---- */

static bool sensitive_action(const iam_catalog_action *a)
{
    if (!contains_text(a->access_level, "Write") &&
        !contains_text(a->access_level, "Permissions management"))
        return false;
    for (size_t i = 0; i < sizeof sensitive_prefixes / sizeof *sensitive_prefixes; i++)
        if (has_prefix(a->name, sensitive_prefixes[i]))
            return true;
    return false;
}

/* The sensitive Chime actions, found once per run. */
static void find_sensitive(actions_run *run)
{
    const iam_catalog_service *chime = iam_catalog_find_service("chime", 5);
    run->sensitive_count = 0;
    for (uint32_t k = 0; chime != NULL && k < chime->action_count; k++) {
        const iam_catalog_action *a = iam_catalog_action_at(chime->first_action + k);
        if (sensitive_action(a) && run->sensitive_count < SENSITIVE_MAX)
            run->sensitive[run->sensitive_count++] = a;
    }
}

/* Only "*" and chime: values can match a chime action. */
static bool may_match_chime(iam_str text)
{
    iam_str vendor, name;
    split_action(text, &vendor, &name);
    return is_star(text) || lint_str_ieq(vendor, "chime");
}

/* first_match's answers besides an index (lists hold under 2^31 values) */
#define NO_MATCH UINT32_MAX
#define OUT_OF_BUDGET (UINT32_MAX - 1)

/* The first value matching action a, NO_MATCH, or OUT_OF_BUDGET. */
static uint32_t first_match(actions_run *run, const iam_value_list *list,
                            const iam_catalog_action *a)
{
    for (uint32_t i = 0; i < list->count; i++) {
        if (!may_match_chime(list->items[i].text))
            continue;
        if (run->globs == 0)
            return OUT_OF_BUDGET;
        run->globs--;
        if (action_matches(list->items[i].text, a->full_name))
            return i;
    }
    return NO_MATCH;
}

static void check_mfa(actions_run *run, uint32_t s)
{
    lint_ctx *ctx = run->ctx;
    const iam_statement *st = &ctx->policy->statements[s];
    if (has_condition_key(st, "aws:MultiFactorAuthPresent") ||
        has_condition_key(st, "aws:MultiFactorAuthAge"))
        return;
    const iam_catalog_action *example = NULL;
    uint32_t at = NO_MATCH, granted = 0;
    for (size_t k = 0; k < run->sensitive_count; k++) {
        const iam_catalog_action *a = run->sensitive[k];
        uint32_t m = first_match(run, &st->actions, a);
        if (m == OUT_OF_BUDGET)
            return;
        if ((m == NO_MATCH) != st->not_action)
            continue; /* Action: not listed; NotAction: excluded */
        granted++;
        if (example == NULL || (!st->not_action && m < at)) {
            example = a;
            at = m;
        }
    }
    if (granted == 0)
        return;
    char path[IAM_ERROR_PATH_MAX];
    size_t offset;
    if (st->not_action) {
        lint_path_element(ctx, s, "Effect", path);
        offset = st->effect_offset;
    } else {
        lint_path_item(ctx, s, "Action", &st->actions, at, path);
        offset = st->actions.items[at].offset;
    }
    lint_report(ctx, &mfa_recommended, offset, lint_value_length(ctx, offset), path,
                "Allows %u sensitive Chime action%s (%.*s%s) without a condition on "
                "aws:MultiFactorAuthPresent or aws:MultiFactorAuthAge.", (unsigned)granted,
                granted > 1 ? "s" : "", (int)example->full_name.len, example->full_name.ptr,
                granted > 1 ? ", ..." : "");
}

/* ---- entry point ---- */

static void check_statement(actions_run *run, uint32_t s)
{
    const iam_statement *st = &run->ctx->policy->statements[s];
    bool valid[REDUNDANT_MAX];
    uint32_t case_first = 0, case_count = 0;
    for (uint32_t i = 0; i < st->actions.count; i++) {
        value_kind kind = check_value(run, s, i);
        if (kind == VALUE_CASE && case_count++ == 0)
            case_first = i;
        if (i < REDUNDANT_MAX)
            valid[i] = kind != VALUE_INVALID;
    }
    if (case_count > 0)
        report_case(run, s, case_first, case_count);
    if (st->actions.count >= 2 && st->actions.count <= REDUNDANT_MAX)
        check_redundant(run, s, valid);
    if (st->effect != IAM_EFFECT_ALLOW)
        return;
    if (st->not_action) {
        check_notaction_allow(run->ctx, s);
    } else {
        check_service_wildcard(run->ctx, s);
        check_pass_role(run->ctx, s);
    }
    check_mfa(run, s);
}

void lint_actions(lint_ctx *ctx)
{
    actions_run run;
    memset(&run, 0, sizeof run);
    run.ctx = ctx;
    run.suggestions = SUGGEST_BUDGET;
    run.steps = COVER_BUDGET;
    run.globs = GLOB_BUDGET;
    find_sensitive(&run);
    for (uint32_t s = 0; s < ctx->policy->statement_count; s++)
        check_statement(&run, s);
}
