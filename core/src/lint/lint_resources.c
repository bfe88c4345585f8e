/*
 * lint_resources.c — Resource/NotResource values against the catalog's ARN
 * templates (spec §1.9, §2.3, §8.3, §8.4).
 *
 * The parser has already rejected what IAM itself rejects (no "arn:"
 * prefix, a bad partition, a missing service, a region in IAM and S3 bucket
 * ARNs, a bad IAM path): a document with such an ARN never reaches here.
 *
 * ARN templates ("arn:${Partition}:chime:${Region}:${AccountId}:vc/${Id}")
 * are compared with policy ARNs conservatively: a template's ${...} is any
 * non-empty text, a policy's '*' and ${...} any text and '?' any character,
 * and a value is flagged only when no template can match any string it
 * matches (the two patterns' languages do not intersect). Work is bounded
 * by a budget per run, after which values are assumed to fit.
 */
#include "lint_internal.h"
#include "../glob/glob.h"

#include <stdio.h>
#include <string.h>

static const lint_check invalid_service = {
    "INVALID_SERVICE", IAM_SEVERITY_ERROR, "§1.9, §8.3 #22",
    "Use the service prefix of an existing AWS service in the ARN (third field)."};
static const lint_check service_case = {
    "INVALID_ARN_SERVICE_CASE", IAM_SEVERITY_ERROR, "§2.3.2, §8.3 #10",
    "Write the ARN's service prefix in lower case."};
static const lint_check invalid_account = {
    "INVALID_ARN_ACCOUNT", IAM_SEVERITY_ERROR, "§2.3.1, §8.3 #6",
    "The account field is empty, a 12-digit account ID, a wildcard or a policy variable."};
static const lint_check invalid_region = {
    "INVALID_ARN_REGION", IAM_SEVERITY_ERROR, "§2.3.1, §8.3 #8",
    "The region field is empty, a wildcard, or a region code such as us-east-1."};
static const lint_check invalid_resource = {
    "INVALID_ARN_RESOURCE", IAM_SEVERITY_ERROR, "§1.9, §2.3, §8.3 #9",
    "Write the resource part in one of the service's ARN formats (Service Authorization Reference)."};
static const lint_check region_not_allowed = {
    "ARN_REGION_NOT_ALLOWED", IAM_SEVERITY_ERROR, "§1.9, §8.3 #2",
    "This resource's ARN format has no region: leave the fourth field empty."};
static const lint_check account_not_allowed = {
    "ARN_ACCOUNT_NOT_ALLOWED", IAM_SEVERITY_ERROR, "§1.9, §8.3 #1",
    "This resource's ARN format has no account: leave the fifth field empty."};
static const lint_check wildcard_only = {
    "X_WILDCARD_ONLY_ACTION_WITH_SPECIFIC_RESOURCE", IAM_SEVERITY_WARNING, "§2.3.6, §8.4",
    "Actions without resource types are requested on \"*\": add \"Resource\": \"*\" "
    "(in a statement of their own) or they never match."};
static const lint_check type_mismatch = {
    "X_RESOURCE_TYPE_MISMATCH", IAM_SEVERITY_WARNING, "§2.3",
    "Use an ARN of a resource type the statement's actions take, or it never matches."};
static const lint_check redundant_resource = {
    "REDUNDANT_RESOURCE", IAM_SEVERITY_SUGGESTION, "§2.3.2, §8.3 #127",
    "Remove the ARN: another value of the same list already covers it."};
static const lint_check notresource_allow = {
    "X_NOTRESOURCE_ALLOW", IAM_SEVERITY_SECURITY_WARNING, "§2.3.3, §8.4",
    "Allow with NotResource grants every other resource, in every service; list the resources."};

enum {
    TOKEN_MAX = 512,         /* longer resource parts are not compared */
    WORK_BUDGET = 20000000,  /* comparison steps per run, then values are assumed to fit */
    REDUNDANT_MAX = 1000,    /* REDUNDANT_RESOURCE is quadratic */
    CATALOG_BITS = 32768,    /* actions tracked for wildcard-only counts */
    SUGGEST_BUDGET = 64,     /* did-you-mean searches per run */
    COVER_BUDGET = 10000000, /* matcher steps of REDUNDANT_RESOURCE per run */
    SCAN_BUDGET = 256,       /* scans of all 2,000+ templates per run */
    GLOB_BUDGET = 1000000,   /* action patterns matched against catalog actions per run */
    SHOW_MAX = 80            /* bytes of a value quoted in a message */
};

typedef struct resources_run {
    lint_ctx *ctx;
    size_t work;             /* budget left */
    size_t steps;            /* REDUNDANT_RESOURCE matcher steps left */
    unsigned scans;          /* scans of every service's templates left */
    size_t globs;            /* action patterns matched against catalog actions left */
    unsigned suggestions;    /* did-you-mean searches left */
} resources_run;

/* The six fields of an ARN cut at its first five colons; a short ARN's
 * missing fields are "*" (spec §2.3.4). */
typedef struct arn {
    iam_str field[6];        /* "arn", partition, service, region, account, resource */
    unsigned present;        /* how many were written */
} arn;

enum { ARN_SERVICE = 2, ARN_REGION = 3, ARN_ACCOUNT = 4, ARN_RESOURCE = 5 };

/* A pattern compiled for intersection tests. */
typedef enum token_kind { TOKEN_CHAR, TOKEN_ONE, TOKEN_ANY } token_kind;
typedef struct token {
    uint8_t kind;            /* token_kind */
    char c;                  /* TOKEN_CHAR */
} token;

typedef struct pattern {
    token t[TOKEN_MAX];
    size_t n;
    bool ok;                 /* false: too long to compare */
} pattern;

/* ---- small helpers ---- */

static int show_len(iam_str s) { return (int)(s.len > SHOW_MAX ? SHOW_MAX : s.len); }

static bool is_star(iam_str s) { return s.len == 1 && s.ptr[0] == '*'; }

static bool has_variable(iam_str s)
{
    for (size_t i = 0; i + 1 < s.len; i++)
        if (s.ptr[i] == '$' && s.ptr[i + 1] == '{')
            return true;
    return false;
}

/* A field that stands for many values: a wildcard or a policy variable. */
static bool is_open(iam_str s) { return lint_has_wildcard(s) || has_variable(s); }

/* Whether a field's pattern can match the empty string. */
static bool may_be_empty(iam_str s)
{
    if (has_variable(s))
        return true;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] != '*')
            return false;
    return true;
}

static bool bytes_equal(iam_str a, const char *b, size_t n)
{
    return a.len == n && (n == 0 || memcmp(a.ptr, b, n) == 0);
}

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static void arn_split(iam_str s, arn *a)
{
    static const char star[] = "*";
    const char *p = s.ptr, *end = s.ptr + s.len;
    a->present = 0;
    for (unsigned f = 0; f < 6; f++) {
        if (p == NULL) {
            a->field[f] = (iam_str){star, 1};
            continue;
        }
        const char *colon = NULL;
        for (const char *q = p; f < 5 && q < end && colon == NULL; q++)
            if (*q == ':')
                colon = q;
        const char *stop = colon != NULL ? colon : end;
        a->field[f] = (iam_str){p, (size_t)(stop - p)};
        a->present++;
        p = colon != NULL ? colon + 1 : NULL;
    }
}

static void resource_path(const lint_ctx *ctx, uint32_t s, uint32_t i, char *path)
{
    const iam_statement *st = &ctx->policy->statements[s];
    lint_path_item(ctx, s, st->not_resource ? "NotResource" : "Resource", &st->resources, i, path);
}

static void report_resource(resources_run *run, const lint_check *check, uint32_t s, uint32_t i,
                            const char *what)
{
    lint_ctx *ctx = run->ctx;
    const iam_value *v = &ctx->policy->statements[s].resources.items[i];
    char path[IAM_ERROR_PATH_MAX];
    resource_path(ctx, s, i, path);
    lint_report(ctx, check, v->offset, lint_value_length(ctx, v->offset), path, "'%.*s' %s",
                show_len(v->text), v->text.ptr, what);
}

/* ---- field shapes ---- */

/* A region code: [a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+ (us-east-1,
 * us-gov-west-1, us-isob-east-1). */
static bool region_shaped(iam_str r)
{
    iam_str part[5];
    size_t parts = 0, start = 0;
    for (size_t i = 0; i <= r.len; i++) {
        if (i < r.len && r.ptr[i] != '-')
            continue;
        if (parts == 5)
            return false;
        part[parts++] = (iam_str){r.ptr + start, i - start};
        start = i + 1;
    }
    if (parts < 3 || parts > 4 || part[0].len != 2)
        return false;
    for (size_t p = 0; p + 1 < parts; p++) {
        if (part[p].len == 0)
            return false;
        for (size_t i = 0; i < part[p].len; i++)
            if (!is_lower(part[p].ptr[i]))
                return false;
    }
    if (parts == 4 && !bytes_equal(part[1], "gov", 3) &&
        !(part[1].len >= 3 && memcmp(part[1].ptr, "iso", 3) == 0))
        return false;
    iam_str last = part[parts - 1];
    if (last.len == 0)
        return false;
    for (size_t i = 0; i < last.len; i++)
        if (!is_digit(last.ptr[i]))
            return false;
    return true;
}

static bool account_shaped(iam_str a)
{
    if (a.len == 0 || bytes_equal(a, "aws", 3)) /* aws: AWS managed policies */
        return true;
    if (a.len != 12)
        return false;
    for (size_t i = 0; i < a.len; i++)
        if (!is_digit(a.ptr[i]))
            return false;
    return true;
}

/* ---- template intersection ---- */

static void push(pattern *p, token_kind kind, char c)
{
    if (p->n == TOKEN_MAX) {
        p->ok = false;
        return;
    }
    if (kind == TOKEN_ANY && p->n > 0 && p->t[p->n - 1].kind == TOKEN_ANY)
        return; /* "**" is "*" */
    p->t[p->n++] = (token){(uint8_t)kind, c};
}

/* Compiles a template's or a policy's resource part: a template's ${...}
 * is one or more characters, a policy's any text (a variable's value). */
static void compile(iam_str s, bool is_template, pattern *p)
{
    p->n = 0;
    p->ok = true;
    for (size_t i = 0; i < s.len && p->ok; i++) {
        char c = s.ptr[i];
        const char *close = c == '$' && i + 1 < s.len && s.ptr[i + 1] == '{'
                                ? memchr(s.ptr + i, '}', s.len - i)
                                : NULL;
        if (close != NULL) {
            if (is_template)
                push(p, TOKEN_ONE, 0);
            push(p, TOKEN_ANY, 0);
            i = (size_t)(close - s.ptr);
        } else {
            push(p, c == '*' ? TOKEN_ANY : c == '?' ? TOKEN_ONE : TOKEN_CHAR, c);
        }
    }
}

static bool single_compatible(token a, token b)
{
    return a.kind == TOKEN_ONE || b.kind == TOKEN_ONE || a.c == b.c;
}

/* Cheap rejection: the literal prefixes or suffixes disagree. */
static bool ends_disagree(const pattern *a, const pattern *b)
{
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        token x = a->t[i], y = b->t[i];
        if (x.kind == TOKEN_ANY || y.kind == TOKEN_ANY)
            break;
        if (!single_compatible(x, y))
            return true;
    }
    for (size_t i = 1; i <= a->n && i <= b->n; i++) {
        token x = a->t[a->n - i], y = b->t[b->n - i];
        if (x.kind == TOKEN_ANY || y.kind == TOKEN_ANY)
            break;
        if (!single_compatible(x, y))
            return true;
    }
    return false;
}

/* Whether some string matches both patterns: reach[i][j] says a common
 * string can consume a[0..i) and b[0..j); rows of i, O(n·m) steps. */
static bool intersect(resources_run *run, const pattern *a, const pattern *b)
{
    if (!a->ok || !b->ok)
        return true;
    if (ends_disagree(a, b))
        return false;
    size_t cost = (a->n + 1) * (b->n + 1);
    if (cost > run->work)
        return true; /* out of budget: assume it fits */
    run->work -= cost;
    bool rows[2][TOKEN_MAX + 1];
    bool *cur = rows[0], *next = rows[1];
    size_t row = (b->n + 1) * sizeof(bool);
    memset(cur, 0, row);
    cur[0] = true;
    for (size_t i = 0; i <= a->n; i++) {
        memset(next, 0, row);
        for (size_t j = 0; j <= b->n; j++) {
            if (!cur[j])
                continue;
            if (i == a->n && j == b->n)
                return true;
            bool a_any = i < a->n && a->t[i].kind == TOKEN_ANY;
            bool b_any = j < b->n && b->t[j].kind == TOKEN_ANY;
            if (a_any) {
                next[j] = true;          /* a's '*' ends */
                if (j < b->n)
                    cur[j + 1] = true;   /* a's '*' takes b's next */
            }
            if (b_any) {
                cur[j + 1] = true;       /* b's '*' ends */
                if (i < a->n)
                    next[j] = true;      /* b's '*' takes a's next */
            }
            if (i < a->n && j < b->n && !a_any && !b_any && single_compatible(a->t[i], b->t[j]))
                next[j + 1] = true;
        }
        bool *swap = cur;
        cur = next;
        next = swap;
    }
    return false;
}

/* ---- which templates an ARN fits ---- */

typedef struct fit {
    bool any_template;       /* the service has templates for this ARN service */
    bool any_fit;            /* one of them fits the resource part */
    bool region_ok;          /* a fitting one has a region field */
    bool account_ok;         /* a fitting one has an account field */
    bool assumed;            /* out of budget: all of the above assumed */
} fit;

/* A template's service field names the ARN's service. */
static bool template_service(iam_str tpl, iam_str service)
{
    return tpl.len == service.len && memcmp(tpl.ptr, service.ptr, tpl.len) == 0;
}

/* The next ARN template of a resource type: the data joins a few as
 * "arn:...:/apis/${ApiId}, arn:...:/restapis/${RestApiId}". */
static bool next_template(iam_str all, size_t *pos, arn *out)
{
    while (*pos < all.len && (all.ptr[*pos] == ',' || all.ptr[*pos] == ' '))
        (*pos)++;
    if (*pos >= all.len)
        return false;
    size_t end = *pos;
    while (end < all.len && !(all.ptr[end] == ',' && end + 1 < all.len && all.ptr[end + 1] == ' '))
        end++;
    arn_split((iam_str){all.ptr + *pos, end - *pos}, out);
    *pos = end;
    return true;
}

/* Cheap rejection before compiling a template: the literal text both
 * start with differs (no wildcard, '?' or variable on either side yet). */
static bool prefixes_differ(iam_str tpl, iam_str policy)
{
    for (size_t i = 0; i < tpl.len && i < policy.len; i++) {
        char t = tpl.ptr[i], p = policy.ptr[i];
        if (t == '$' || t == '*' || t == '?' || p == '$' || p == '*' || p == '?')
            return false;
        if (t != p)
            return true;
    }
    return false;
}

/* How one template relates to the ARN: not of its service, of its service
 * but not fitting, or fitting. backup's "arn:${Partition}:${Vendor}:..."
 * may fit any service but does not make a service's formats known. */
static void fit_template(resources_run *run, const arn *tpl, const arn *a,
                         const pattern *resource, fit *out)
{
    bool variable = has_variable(tpl->field[ARN_SERVICE]);
    if (tpl->present < 6 || (!variable && !template_service(tpl->field[ARN_SERVICE], a->field[ARN_SERVICE])))
        return;
    out->any_template |= !variable;
    if (prefixes_differ(tpl->field[ARN_RESOURCE], a->field[ARN_RESOURCE]))
        return;
    size_t cost = tpl->field[ARN_RESOURCE].len + 1;
    if (run->work < cost) {
        run->work = 0; /* out of budget: assume it fits */
    } else {
        run->work -= cost;
        pattern t;
        compile(tpl->field[ARN_RESOURCE], true, &t);
        if (!intersect(run, resource, &t))
            return;
    }
    out->any_fit = true;
    out->region_ok |= tpl->field[ARN_REGION].len > 0;
    out->account_ok |= tpl->field[ARN_ACCOUNT].len > 0;
}

static void fit_types(resources_run *run, const iam_catalog_service *svc, const arn *a,
                      const pattern *resource, fit *out)
{
    for (uint32_t k = 0; k < svc->resource_type_count; k++) {
        iam_str all = svc->resource_types[k].arn;
        if (run->work < all.len) {
            run->work = 0;
            *out = (fit){true, true, true, true, true}; /* out of budget: assume the best */
            return;
        }
        run->work -= all.len;
        arn tpl;
        for (size_t pos = 0; next_template(all, &pos, &tpl);)
            fit_template(run, &tpl, a, resource, out);
    }
}

/* The templates of the ARN's own service first; only when none fits, those
 * of every other service (kafka-cluster's are kafka ARNs, sts's are iam). */
static void fit_all(resources_run *run, const iam_catalog_service *own, const arn *a,
                    const pattern *resource, fit *out)
{
    memset(out, 0, sizeof *out);
    if (own != NULL)
        fit_types(run, own, a, resource, out);
    if (out->any_fit || out->assumed)
        return;
    if (run->scans == 0) { /* out of budget: assume the best */
        *out = (fit){true, true, true, true, true};
        return;
    }
    run->scans--;
    for (size_t i = 0; i < iam_catalog_service_count() && !out->assumed; i++) {
        const iam_catalog_service *svc = iam_catalog_service_at(i);
        if (svc != own)
            fit_types(run, svc, a, resource, out);
    }
}

/* ---- checks of one ARN ---- */

static const iam_catalog_service *closest_service(iam_str service)
{
    size_t limit = service.len <= 3 ? 1 : service.len <= 8 ? 2 : 3, best = limit + 1;
    const iam_catalog_service *found = NULL;
    for (size_t i = 0; i < iam_catalog_service_count(); i++) {
        const iam_catalog_service *svc = iam_catalog_service_at(i);
        size_t d = text_edit_distance(service, svc->prefix, limit);
        if (d < best) {
            best = d;
            found = svc;
        }
    }
    return found;
}

static bool has_upper(iam_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] >= 'A' && s.ptr[i] <= 'Z')
            return true;
    return false;
}

/* INVALID_ARN_REGION and INVALID_ARN_ACCOUNT; true when either was reported. */
static bool check_region_account(resources_run *run, uint32_t s, uint32_t i, const arn *a)
{
    char what[160];
    iam_str region = a->field[ARN_REGION], account = a->field[ARN_ACCOUNT];
    bool region_bad = region.len > 0 && !is_open(region) && !region_shaped(region);
    bool account_bad = account.len > 0 && !is_open(account) && !account_shaped(account);
    if (region_bad) {
        snprintf(what, sizeof what, "has region '%.*s', which is not a region code.",
                 show_len(region), region.ptr);
        report_resource(run, &invalid_region, s, i, what);
    }
    if (account_bad) {
        snprintf(what, sizeof what, "has account '%.*s', not a 12-digit account ID.",
                 show_len(account), account.ptr);
        report_resource(run, &invalid_account, s, i, what);
    }
    return region_bad || account_bad;
}

/* What the checks of one value found. */
typedef enum arn_status {
    ARN_BAD,    /* an ERROR was reported */
    ARN_PLAIN,  /* nothing wrong, but not a plain full ARN of a known service */
    ARN_TYPED   /* a full ARN of a known service that fits its formats */
} arn_status;

/* The resource part against the service's ARN formats, and the region and
 * account against the formats that fit. */
static arn_status check_formats(resources_run *run, uint32_t s, uint32_t i, const arn *a,
                                const iam_catalog_service *own, bool fields_bad)
{
    pattern resource;
    compile(a->field[ARN_RESOURCE], false, &resource);
    fit f;
    fit_all(run, own, a, &resource, &f);
    char what[160];
    iam_str service = a->field[ARN_SERVICE];
    if (f.any_template && !f.any_fit) {
        snprintf(what, sizeof what, "fits none of the ARN formats of %.*s.", show_len(service),
                 service.ptr);
        report_resource(run, &invalid_resource, s, i, what);
        return ARN_BAD;
    }
    if (fields_bad)
        return ARN_BAD;
    if (!f.any_fit || f.assumed)
        return ARN_PLAIN;
    arn_status status = ARN_TYPED;
    if (!f.region_ok && !may_be_empty(a->field[ARN_REGION])) {
        snprintf(what, sizeof what, "names a region, but %.*s ARNs of this form have none.",
                 show_len(service), service.ptr);
        report_resource(run, &region_not_allowed, s, i, what);
        status = ARN_BAD;
    }
    if (!f.account_ok && !may_be_empty(a->field[ARN_ACCOUNT])) {
        snprintf(what, sizeof what, "names an account, but %.*s ARNs of this form have none.",
                 show_len(service), service.ptr);
        report_resource(run, &account_not_allowed, s, i, what);
        status = ARN_BAD;
    }
    return status;
}

/* INVALID_SERVICE unless some resource type has ARNs of this service
 * (catalog, billing and qdeveloper ARNs belong to other prefixes' types). */
static bool check_service_exists(resources_run *run, uint32_t s, uint32_t i, const arn *a)
{
    fit f;
    static const pattern any = {.t = {{TOKEN_ANY, 0}}, .n = 1, .ok = true};
    fit_all(run, NULL, a, &any, &f);
    if (f.any_template)
        return true;
    iam_str service = a->field[ARN_SERVICE];
    const iam_catalog_service *near = NULL;
    if (run->suggestions > 0) {
        run->suggestions--;
        near = closest_service(service);
    }
    char what[200];
    if (near != NULL)
        snprintf(what, sizeof what, "names service '%.*s', which does not exist; did you mean '%.*s'?",
                 show_len(service), service.ptr, (int)near->prefix.len, near->prefix.ptr);
    else
        snprintf(what, sizeof what, "names service '%.*s', which does not exist.",
                 show_len(service), service.ptr);
    report_resource(run, &invalid_service, s, i, what);
    return false;
}

/* All checks of one value. */
static arn_status check_arn(resources_run *run, uint32_t s, uint32_t i)
{
    iam_str text = run->ctx->policy->statements[s].resources.items[i].text;
    if (is_star(text))
        return ARN_PLAIN;
    arn a;
    arn_split(text, &a);
    bool fields_bad = check_region_account(run, s, i, &a);
    iam_str service = a.field[ARN_SERVICE];
    if (is_open(service))
        return fields_bad ? ARN_BAD : ARN_PLAIN;
    if (has_upper(service)) {
        char what[160];
        snprintf(what, sizeof what, "has service '%.*s', which is not all lower case.",
                 show_len(service), service.ptr);
        report_resource(run, &service_case, s, i, what);
        return ARN_BAD;
    }
    const iam_catalog_service *own = iam_catalog_find_service(service.ptr, service.len);
    if (own == NULL && !check_service_exists(run, s, i, &a))
        return ARN_BAD;
    if (a.present < 6) /* a short ARN: its resource part is "*" */
        return fields_bad ? ARN_BAD : ARN_PLAIN;
    return check_formats(run, s, i, &a, own, fields_bad);
}

/* ---- X_WILDCARD_ONLY_ACTION_WITH_SPECIFIC_RESOURCE ---- */

static void mark(uint64_t *bits, size_t i) { bits[i / 64] |= (uint64_t)1 << (i % 64); }
static bool marked(const uint64_t *bits, size_t i) { return (bits[i / 64] >> (i % 64)) & 1u; }

/* Marks the catalog actions (below total) that value matches; false when
 * out of budget. */
static bool mark_matches(resources_run *run, uint64_t *bits, size_t total, iam_str value)
{
    const char *colon = memchr(value.ptr, ':', value.len);
    size_t vendor = colon != NULL ? (size_t)(colon - value.ptr) : value.len;
    const iam_catalog_service *svc = iam_catalog_find_service(value.ptr, vendor);
    if (svc == NULL)
        return true;
    if (!lint_has_wildcard(value)) {
        const iam_catalog_action *a = iam_catalog_find_action(value.ptr, value.len);
        size_t at = a != NULL ? (size_t)(a - iam_catalog_action_at(0)) : total;
        if (at < total && iam_catalog_action_at(at) == a)
            mark(bits, at);
        return true;
    }
    if (run->globs < svc->action_count)
        return false;
    run->globs -= svc->action_count;
    for (size_t k = svc->first_action; k < svc->first_action + svc->action_count && k < total; k++) {
        iam_str name = iam_catalog_action_at(k)->full_name;
        if (!marked(bits, k) &&
            glob_match_action_reference(value.ptr, value.len, name.ptr, name.len))
            mark(bits, k);
    }
    return true;
}

static void check_wildcard_only(resources_run *run, uint32_t s)
{
    const iam_statement *st = &run->ctx->policy->statements[s];
    for (uint32_t i = 0; i < st->resources.count; i++)
        if (is_star(st->resources.items[i].text))
            return;
    uint64_t bits[CATALOG_BITS / 64];
    memset(bits, 0, sizeof bits);
    size_t total = iam_catalog_action_count();
    if (total > CATALOG_BITS)
        total = CATALOG_BITS;
    bool all = false;
    for (uint32_t i = 0; i < st->actions.count && !all; i++) {
        all = is_star(st->actions.items[i].text);
        if (!all && !mark_matches(run, bits, total, st->actions.items[i].text))
            return; /* out of budget: say nothing */
    }
    const iam_catalog_action *example = NULL;
    size_t count = 0;
    for (size_t k = 0; k < total; k++) {
        const iam_catalog_action *a = iam_catalog_action_at(k);
        if (a->resource_count != 0 || !(all || marked(bits, k)))
            continue;
        if (count++ == 0)
            example = a;
    }
    if (count == 0)
        return;
    char path[IAM_ERROR_PATH_MAX];
    lint_path_element(run->ctx, s, "Resource", path);
    size_t at = st->resources.offset;
    if (count > 1)
        lint_report(run->ctx, &wildcard_only, at, lint_value_length(run->ctx, at), path,
                    "%zu wildcard-only actions (%.*s, ...) take no resource type: with no \"*\" "
                    "in Resource the statement never matches them.", count,
                    (int)example->full_name.len, example->full_name.ptr);
    else
        lint_report(run->ctx, &wildcard_only, at, lint_value_length(run->ctx, at), path,
                    "%.*s is wildcard-only (takes no resource type): with no \"*\" in Resource "
                    "the statement never matches it.", (int)example->full_name.len,
                    example->full_name.ptr);
}

/* ---- X_RESOURCE_TYPE_MISMATCH ---- */

/* The statement's actions when all are literal catalog actions that take
 * resource types (n of them, up to cap); 0 otherwise. */
static size_t typed_actions(const iam_statement *st, const iam_catalog_action **out, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < st->actions.count; i++) {
        iam_str text = st->actions.items[i].text;
        const iam_catalog_action *a =
            lint_has_wildcard(text) ? NULL : iam_catalog_find_action(text.ptr, text.len);
        if (a == NULL || a->resource_count == 0 || n == cap)
            return 0;
        out[n++] = a;
    }
    return n;
}

static const iam_catalog_resource_type *find_type(const iam_catalog_service *svc, iam_str name)
{
    for (uint32_t k = 0; k < svc->resource_type_count; k++) {
        iam_str t = svc->resource_types[k].name;
        if (t.len == name.len && memcmp(t.ptr, name.ptr, t.len) == 0)
            return &svc->resource_types[k];
    }
    return NULL;
}

/* Whether the ARN may be a resource of one of action a's types. */
static bool fits_action(resources_run *run, const arn *a, const pattern *resource,
                        const iam_catalog_action *act)
{
    const iam_catalog_service *svc = iam_catalog_service_at(act->service_index);
    fit f;
    memset(&f, 0, sizeof f);
    for (uint32_t r = 0; r < act->resource_count && !f.any_fit; r++) {
        size_t cost = svc != NULL ? svc->resource_type_count : 1;
        if (run->work < cost) {
            run->work = 0;
            return true; /* out of budget: assume it fits */
        }
        run->work -= cost;
        const iam_catalog_resource_type *type = svc != NULL ? find_type(svc, act->resources[r].type) : NULL;
        if (type == NULL)
            return true; /* the data does not say: assume it fits */
        arn tpl;
        for (size_t pos = 0; next_template(type->arn, &pos, &tpl);)
            fit_template(run, &tpl, a, resource, &f);
    }
    return f.any_fit;
}

/* Prefixes that two APIs share, which the catalog holds as one service with
 * one entry per action name: ELB Classic and v2, API Gateway v1 and v2
 * (elasticloadbalancing:AddTags is listed with Classic's loadbalancer only,
 * apigateway:GET with v1's types only). Their action resource types are
 * incomplete, so X_RESOURCE_TYPE_MISMATCH does not judge them. */
static bool merged_service(iam_str service)
{
    return bytes_equal(service, "elasticloadbalancing", 20) || bytes_equal(service, "apigateway", 10);
}

static void check_type_mismatch(resources_run *run, uint32_t s, uint32_t i,
                                const iam_catalog_action *const *acts, size_t n)
{
    const iam_statement *st = &run->ctx->policy->statements[s];
    arn a;
    arn_split(st->resources.items[i].text, &a);
    bool same_service = false;
    for (size_t k = 0; k < n && !same_service; k++)
        same_service = acts[k]->service.len == a.field[ARN_SERVICE].len &&
                       memcmp(acts[k]->service.ptr, a.field[ARN_SERVICE].ptr,
                              acts[k]->service.len) == 0;
    if (!same_service || merged_service(a.field[ARN_SERVICE]))
        return; /* an ARN of another service: not ours to judge */
    pattern resource;
    compile(a.field[ARN_RESOURCE], false, &resource);
    for (size_t k = 0; k < n; k++)
        if (fits_action(run, &a, &resource, acts[k]))
            return;
    char what[200];
    iam_str type = acts[0]->resources[0].type;
    snprintf(what, sizeof what, "is of no resource type the statement's actions take (%.*s takes %.*s%s).",
             (int)acts[0]->full_name.len, acts[0]->full_name.ptr, (int)type.len, type.ptr,
             acts[0]->resource_count > 1 || n > 1 ? ", ..." : "");
    report_resource(run, &type_mismatch, s, i, what);
}

/* ---- REDUNDANT_RESOURCE ---- */

static char fold_char(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

/* As in lint_actions.c: whether `sup` matches all that pattern `sub`
 * matches, sub's '*' absorbed only by a '*' of sup, its '?' by '?' or '*'
 * (sound, not complete; greedy matching is exact for per-character tests). */
static bool one_covers(char p, char c, bool fold)
{
    if (c == '*')
        return false;
    if (p == '?')
        return true;
    return c != '?' && (fold ? fold_char(p) == fold_char(c) : p == c);
}

static bool glob_covers(iam_str sup, iam_str sub, bool fold, size_t *steps)
{
    size_t pi = 0, si = 0, star = SIZE_MAX, mark_at = 0;
    while (si < sub.len) {
        if (*steps == 0)
            return false; /* out of budget: claim nothing */
        --*steps;
        if (pi < sup.len && sup.ptr[pi] != '*' && one_covers(sup.ptr[pi], sub.ptr[si], fold)) {
            pi++;
            si++;
        } else if (pi < sup.len && sup.ptr[pi] == '*') {
            star = pi++;
            mark_at = si;
        } else if (star != SIZE_MAX) {
            pi = star + 1;
            si = ++mark_at;
        } else {
            return false;
        }
    }
    while (pi < sup.len && sup.ptr[pi] == '*')
        pi++;
    return pi == sup.len;
}

/* Field by field (the first five ignoring case, the resource part exactly,
 * spec §2.3.2): then every request either matches, the other matches. */
static bool resource_covers(iam_str sup, iam_str sub, size_t *steps)
{
    if (is_star(sup))
        return true;
    size_t scan_cost = sup.len + sub.len + 1;
    if (*steps < scan_cost) {
        *steps = 0; /* out of budget: claim nothing from now on */
        return false;
    }
    *steps -= scan_cost;
    if (is_star(sub) || has_variable(sup) || has_variable(sub))
        return false;
    if (sup.len != sub.len && !lint_has_wildcard(sup))
        return false; /* a literal covers only its own spelling */
    arn x, y;
    arn_split(sup, &x);
    arn_split(sub, &y);
    if (x.present < 6 || y.present < 6)
        return false;
    for (unsigned f = 0; f < 6; f++)
        if (!glob_covers(x.field[f], y.field[f], f < ARN_RESOURCE, steps))
            return false;
    return true;
}

/* Value i is redundant when another value j without errors covers it; of
 * two that cover each other (duplicates), the later one is reported. */
static void check_redundant(resources_run *run, uint32_t s, const bool *sound)
{
    const iam_value_list *list = &run->ctx->policy->statements[s].resources;
    for (uint32_t i = 0; i < list->count && run->steps > 0; i++) {
        iam_str a = list->items[i].text;
        for (uint32_t j = 0; j < list->count && sound[i]; j++) {
            iam_str b = list->items[j].text;
            if (j == i || !sound[j] || !resource_covers(b, a, &run->steps) ||
                (resource_covers(a, b, &run->steps) && j > i))
                continue;
            if (run->steps == 0)
                return; /* the budget ran out mid-comparison: trust nothing */
            char what[160];
            snprintf(what, sizeof what, "is already covered by '%.*s' in the same list.",
                     show_len(b), b.ptr);
            report_resource(run, &redundant_resource, s, i, what);
            break;
        }
    }
}

/* ---- entry point ---- */

enum { TYPED_MAX = 64 }; /* X_RESOURCE_TYPE_MISMATCH looks at statements of up to this many actions */

static void check_statement(resources_run *run, uint32_t s)
{
    const iam_statement *st = &run->ctx->policy->statements[s];
    const iam_catalog_action *acts[TYPED_MAX];
    size_t typed = st->not_resource || st->not_action ? 0 : typed_actions(st, acts, TYPED_MAX);
    bool sound[REDUNDANT_MAX];
    for (uint32_t i = 0; i < st->resources.count; i++) {
        arn_status status = check_arn(run, s, i);
        if (status == ARN_TYPED && typed > 0)
            check_type_mismatch(run, s, i, acts, typed);
        if (i < REDUNDANT_MAX)
            sound[i] = status != ARN_BAD;
    }
    if (st->resources.count >= 2 && st->resources.count <= REDUNDANT_MAX)
        check_redundant(run, s, sound);
    if (st->not_resource && st->effect == IAM_EFFECT_ALLOW) {
        char path[IAM_ERROR_PATH_MAX];
        lint_path_element(run->ctx, s, "NotResource", path);
        size_t at = st->resources.offset;
        lint_report(run->ctx, &notresource_allow, at, lint_value_length(run->ctx, at), path,
                    "Allow with NotResource grants every resource not listed, in every service.");
    }
    if (!st->not_resource && !st->not_action)
        check_wildcard_only(run, s);
}

void lint_resources(lint_ctx *ctx)
{
    resources_run run = {ctx, WORK_BUDGET, COVER_BUDGET, SCAN_BUDGET, GLOB_BUDGET, SUGGEST_BUDGET};
    for (uint32_t s = 0; s < ctx->policy->statement_count; s++)
        check_statement(&run, s);
}
