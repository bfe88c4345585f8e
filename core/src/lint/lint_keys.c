/*
 * lint_keys.c — condition keys for the linter (lint_keys.h): the global
 * aws: keys with their types (spec §5.1) and the service keys of the
 * catalog (iamgate_catalog.h), matched ignoring ASCII case (spec §3.2).
 */
#include "lint_keys.h"

enum {
    S = LINT_KEY_STRING, A = LINT_KEY_ARN, N = LINT_KEY_NUMERIC,
    D = LINT_KEY_DATE, B = LINT_KEY_BOOL, I = LINT_KEY_IP
};
enum { MULTI = 1u << 0, SENSITIVE = 1u << 1, TAG = 1u << 2 };

typedef struct global_key {
    const char *name;          /* TAG: the prefix up to and with the '/' */
    uint8_t types;
    uint8_t flags;
} global_key;

/* The global condition keys of spec §5.1 (key, type, single/multi), in its
 * order. "ARN, String" keys take both families. Sensitive keys are the
 * account and organisation identifiers of the §5.1 notes. aws:ARN (the
 * table's last row) is not here: it is unsupported (lint_key_lookup). */
static const global_key global_keys[] = {
    {"aws:username", S, 0},
    {"aws:userid", S, 0},
    {"aws:PrincipalArn", A | S, 0},
    {"aws:PrincipalAccount", S, SENSITIVE},
    {"aws:PrincipalType", S, 0},
    {"aws:PrincipalOrgID", S, SENSITIVE},
    {"aws:PrincipalOrgPaths", S, MULTI},
    {"aws:PrincipalTag/", S, TAG},
    {"aws:PrincipalIsAWSService", B, 0},
    {"aws:PrincipalServiceName", S, 0},
    {"aws:PrincipalServiceNamesList", S, MULTI},
    {"aws:SourceIdentity", S, 0},
    {"aws:FederatedProvider", S, 0},
    {"aws:AssumedRoot", B, 0},
    {"aws:TokenIssueTime", D, 0},
    {"aws:MultiFactorAuthPresent", B, 0},
    {"aws:MultiFactorAuthAge", N, 0},
    {"aws:CurrentTime", D, 0},
    {"aws:EpochTime", D | N, 0},
    {"aws:SecureTransport", B, 0},
    {"aws:SourceIp", I, 0},
    {"aws:VpcSourceIp", I, 0},
    {"aws:SourceVpc", S, 0},
    {"aws:SourceVpcArn", A, 0},
    {"aws:SourceVpce", S, 0},
    {"aws:VpceAccount", S, 0},
    {"aws:VpceOrgID", S, 0},
    {"aws:VpceOrgPaths", S, MULTI},
    {"aws:Ec2InstanceSourceVpc", S, 0},
    {"aws:Ec2InstanceSourcePrivateIPv4", I, 0},
    {"aws:RequestedRegion", S, 0},
    {"aws:ViaAWSService", B, 0},
    {"aws:CalledVia", S, MULTI},
    {"aws:CalledViaFirst", S, 0},
    {"aws:CalledViaLast", S, 0},
    {"aws:SourceArn", A, 0},
    {"aws:SourceAccount", S, SENSITIVE},
    {"aws:SourceOrgID", S, SENSITIVE},
    {"aws:SourceOrgPaths", S, MULTI},
    {"aws:RequestTag/", S, TAG},
    {"aws:TagKeys", S, MULTI},
    {"aws:ResourceTag/", S, TAG},
    {"aws:ResourceAccount", S, SENSITIVE},
    {"aws:ResourceOrgID", S, SENSITIVE},
    {"aws:ResourceOrgPaths", S, MULTI},
    {"aws:UserAgent", S, 0},
    {"aws:referer", S, 0},
    /* Real global keys missing from §5.1, found in the AWS managed policies
     * of corpus/ (an ERROR on AWS's own policies would be spurious):
     *  - aws:IsMcpServiceAction (Bool): AWSMcpServiceActionsFullAccess and
     *    others, "Bool": {"aws:IsMcpServiceAction": "true"} (2025);
     *  - aws:PrincipalOrgMasterAccountId (String): the management account of
     *    the principal's organisation, used with StringNotEquals by AWS
     *    Control Tower and Organizations policies. */
    {"aws:IsMcpServiceAction", B, 0},
    {"aws:PrincipalOrgMasterAccountId", S, SENSITIVE},
    /* In AWS's global key list (role session properties) but not in §5.1:
     * the chat configuration ARN of an AWS Chatbot session. */
    {"aws:ChatbotSourceArn", A, 0},
};

static char fold(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static bool fold_equal(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fold(a[i]) != fold(b[i]))
            return false;
    return true;
}

static bool has_prefix_fold(iam_str s, const char *prefix, size_t n)
{
    return s.len >= n && fold_equal(s.ptr, prefix, n);
}

/* ---- global keys ---- */

static void global_lookup(iam_str key, lint_key_info *out)
{
    out->global = true;
    if (lint_str_ieq(key, "aws:ARN")) {
        out->status = LINT_KEY_UNSUPPORTED;
        return;
    }
    for (size_t i = 0; i < sizeof global_keys / sizeof *global_keys; i++) {
        const global_key *g = &global_keys[i];
        size_t n = strlen(g->name);
        bool tag = (g->flags & TAG) != 0;
        if (tag && has_prefix_fold(key, g->name, n - 1) &&
            (key.len == n - 1 || (key.len == n && key.ptr[n - 1] == '/'))) {
            out->status = LINT_KEY_MISSING_TAG; /* "aws:RequestTag" or "aws:RequestTag/" */
            return;
        }
        if (tag ? !has_prefix_fold(key, g->name, n) : !lint_str_ieq(key, g->name))
            continue;
        out->status = LINT_KEY_KNOWN;
        out->types = g->types;
        out->multi = (g->flags & MULTI) != 0;
        out->sensitive = (g->flags & SENSITIVE) != 0;
        return;
    }
    out->status = LINT_KEY_UNKNOWN_GLOBAL;
}

/* ---- catalog keys ---- */

/* The catalog's type names: "String", "ArrayOfARN", "Bool", "Date",
 * "Numeric", "IPAddress", ... (unknown names leave the key untyped). */
static void catalog_type(iam_str type, lint_key_info *out)
{
    static const struct { const char *name; uint8_t types; } names[] = {
        {"String", S}, {"ARN", A}, {"Bool", B}, {"Boolean", B}, {"Date", D},
        {"Numeric", N}, {"IPAddress", I},
    };
    out->multi = has_prefix_fold(type, "ArrayOf", 7);
    iam_str base = out->multi ? (iam_str){type.ptr + 7, type.len - 7} : type;
    out->types = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (lint_str_ieq(base, names[i].name))
            out->types = names[i].types;
}

/* Where a template placeholder ("${TagKey}", "<key>") starting at t[i]
 * ends (one past it), or 0 when none starts there. */
static size_t placeholder_end(iam_str t, size_t i)
{
    char close;
    size_t from;
    if (t.ptr[i] == '$' && i + 1 < t.len && t.ptr[i + 1] == '{') {
        close = '}';
        from = i + 2;
    } else if (t.ptr[i] == '<') {
        close = '>';
        from = i + 1;
    } else {
        return 0;
    }
    const char *end = memchr(t.ptr + from, close, t.len - from);
    return end != NULL ? (size_t)(end - t.ptr) + 1 : 0;
}

/* Whether key matches a catalog key template: literal text ignoring case,
 * each placeholder one or more characters of any kind (tag keys hold '/',
 * ':' ...). Greedy with backtracking to the last placeholder, as glob '*'
 * (spec §2.4): O(|key|·|template|). */
static bool template_match(iam_str t, iam_str key)
{
    size_t ti = 0, ki = 0, resume_t = SIZE_MAX, resume_k = 0;
    while (ki < key.len) {
        size_t end = ti < t.len ? placeholder_end(t, ti) : 0;
        if (end != 0) {
            resume_t = ti = end; /* consume at least one character */
            resume_k = ++ki;
        } else if (ti < t.len && fold(t.ptr[ti]) == fold(key.ptr[ki])) {
            ti++;
            ki++;
        } else if (resume_t != SIZE_MAX) {
            ti = resume_t;
            ki = ++resume_k;
        } else {
            return false;
        }
    }
    return ti == t.len;
}

/* A few catalog tag keys spell their placeholder as a bare trailing '/'
 * ("glacier:ResourceTag/") or as "/tag-key" ("ssm:resourceTag/tag-key"):
 * then any non-empty tag key may follow the '/'. */
static bool tag_template_match(iam_str t, iam_str key)
{
    size_t stem = t.len;
    if (t.len >= 8 && fold_equal(t.ptr + t.len - 8, "/tag-key", 8))
        stem = t.len - 7;
    else if (t.len == 0 || t.ptr[t.len - 1] != '/')
        return false;
    return key.len > stem && fold_equal(t.ptr, key.ptr, stem);
}

/* Catalog keys typed ArrayOf* that AWS's own policies compare with plain
 * operators: EventBridge authorizes each PutEvents entry on its own, so
 * events:source and events:detail-type hold one value per evaluation
 * (StringEquals on events:detail-type in AWSAuditManagerAdministratorAccess,
 * CloudTrailEventContext, ...). Their arity is left unjudged. */
static const char *const either_arity[] = {"events:source", "events:detail-type"};

static bool service_lookup(const iam_catalog_service *svc, iam_str key, lint_key_info *out)
{
    for (uint32_t i = 0; i < svc->condition_key_count; i++) {
        const iam_catalog_condition_key *k = &svc->condition_keys[i];
        if (!template_match(k->key, key) && !tag_template_match(k->key, key))
            continue;
        out->status = LINT_KEY_KNOWN;
        catalog_type(k->type, out);
        for (size_t e = 0; e < sizeof either_arity / sizeof *either_arity; e++)
            if (lint_str_ieq(key, either_arity[e]))
                out->arity_unknown = true;
        return true;
    }
    return false;
}

/* Service keys that AWS's own managed policies use but the catalog does
 * not list (an ERROR on AWS's policies would be spurious):
 *  - lakeformation:GlueARN: AmazonDataZoneGlueManageAccessRolePolicy
 *    requires it absent ("Null": {"lakeformation:GlueARN": "true"}) on
 *    lakeformation:GetDataAccess. */
static const struct { const char *key; uint8_t types; } extra_service_keys[] = {
    {"lakeformation:GlueARN", A},
};

static bool extra_lookup(iam_str key, lint_key_info *out)
{
    for (size_t i = 0; i < sizeof extra_service_keys / sizeof *extra_service_keys; i++) {
        if (!lint_str_ieq(key, extra_service_keys[i].key))
            continue;
        out->status = LINT_KEY_KNOWN;
        out->types = extra_service_keys[i].types;
        return true;
    }
    return false;
}

/* Some services list keys of another prefix (ssm lists ec2: keys, sts the
 * identity providers' keys): search them all. */
static bool any_service_lookup(iam_str key, lint_key_info *out)
{
    for (size_t s = 0; s < iam_catalog_service_count(); s++)
        if (service_lookup(iam_catalog_service_at(s), key, out))
            return true;
    return false;
}

void lint_key_lookup(iam_str key, unsigned *budget, lint_key_info *out)
{
    memset(out, 0, sizeof *out);
    const char *colon = key.len > 0 ? memchr(key.ptr, ':', key.len) : NULL;
    size_t plen = colon != NULL ? (size_t)(colon - key.ptr) : 0;
    if (colon == NULL || plen == 0 || plen + 1 == key.len) {
        out->status = LINT_KEY_BAD_FORMAT;
        return;
    }
    iam_str prefix = {key.ptr, plen};
    if (lint_str_ieq(prefix, "aws")) {
        global_lookup(key, out);
        return;
    }
    const iam_catalog_service *svc = iam_catalog_find_service(prefix.ptr, prefix.len);
    if ((svc != NULL && service_lookup(svc, key, out)) || extra_lookup(key, out))
        return;
    if (*budget == 0) {
        out->status = LINT_KEY_UNCHECKED;
        return;
    }
    --*budget;
    if (any_service_lookup(key, out))
        return;
    /* An identity provider's keys (accounts.google.com:aud,
     * oidc.eks.<region>.amazonaws.com/id/<id>:sub) are named after any
     * provider URL: nothing to check them against. */
    if (svc == NULL && (memchr(prefix.ptr, '.', prefix.len) != NULL ||
                        memchr(prefix.ptr, '/', prefix.len) != NULL)) {
        out->status = LINT_KEY_UNCHECKED;
        return;
    }
    out->status = svc != NULL ? LINT_KEY_UNKNOWN_SERVICE_KEY : LINT_KEY_UNKNOWN_SERVICE;
}
