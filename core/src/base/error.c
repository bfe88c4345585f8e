/* Status names, messages and positioned error formatting. */
#include "../internal.h"

#include <stdio.h>

typedef struct status_info {
    const char *name;
    int stage;            /* IAM validation stage, spec §1.13 */
    const char *message;  /* our default message */
} status_info;

/* One row per iam_status, in enum order. */
static const status_info status_table[IAM_STATUS_COUNT] = {
    [IAM_OK] = {"IAM_OK", 0, "ok"},
    [IAM_E_ARG] = {"IAM_E_ARG", 0, "invalid argument"},
    [IAM_E_NOMEM] = {"IAM_E_NOMEM", 0, "out of memory: the arena is too small"},
    [IAM_E_JSON_SYNTAX] = {"IAM_E_JSON_SYNTAX", 1, "invalid JSON"},
    [IAM_E_JSON_TRUNCATED] = {"IAM_E_JSON_TRUNCATED", 1, "unexpected end of input"},
    [IAM_E_JSON_EMPTY] = {"IAM_E_JSON_EMPTY", 1, "empty document: no JSON value"},
    [IAM_E_JSON_TRAILING] = {"IAM_E_JSON_TRAILING", 1, "unexpected content after the JSON value"},
    [IAM_E_JSON_STRING] = {"IAM_E_JSON_STRING", 1, "invalid escape sequence in string"},
    [IAM_E_JSON_CONTROL] = {"IAM_E_JSON_CONTROL", 1, "unescaped control character in string"},
    [IAM_E_JSON_UTF8] = {"IAM_E_JSON_UTF8", 1, "invalid UTF-8"},
    [IAM_E_JSON_NUMBER] = {"IAM_E_JSON_NUMBER", 1, "invalid or out-of-range number"},
    [IAM_E_JSON_LITERAL] = {"IAM_E_JSON_LITERAL", 1, "invalid literal (expected true, false or null)"},
    [IAM_E_LIMIT_SIZE] = {"IAM_E_LIMIT_SIZE", 1, "document larger than the size limit"},
    [IAM_E_LIMIT_DEPTH] = {"IAM_E_LIMIT_DEPTH", 1, "nesting deeper than the depth limit"},
    [IAM_E_LIMIT_STRING] = {"IAM_E_LIMIT_STRING", 1, "string longer than the string limit"},
    [IAM_E_LIMIT_STATEMENTS] = {"IAM_E_LIMIT_STATEMENTS", 1, "more statements than the statement limit"},
    [IAM_E_LIMIT_ELEMENTS] = {"IAM_E_LIMIT_ELEMENTS", 1, "more array elements than the element limit"},
    [IAM_E_LIMIT_QUOTA] = {"IAM_E_LIMIT_QUOTA", 1, "policy larger than the character quota of its type"},
    [IAM_E_NOT_OBJECT] = {"IAM_E_NOT_OBJECT", 1, "a policy must be a JSON object"},
    [IAM_E_UNKNOWN_KEY] = {"IAM_E_UNKNOWN_KEY", 1, "unknown element (names are case-sensitive)"},
    [IAM_E_DUPLICATE_KEY] = {"IAM_E_DUPLICATE_KEY", 1, "duplicate key in object"},
    [IAM_E_TYPE] = {"IAM_E_TYPE", 1, "wrong JSON type for this element"},
    [IAM_E_NULL] = {"IAM_E_NULL", 1, "null is not allowed here"},
    [IAM_E_BAD_VERSION] = {"IAM_E_BAD_VERSION", 1, "Version must be \"2012-10-17\" or \"2008-10-17\""},
    [IAM_E_NO_STATEMENT] = {"IAM_E_NO_STATEMENT", 1, "policy has no Statement"},
    [IAM_E_EMPTY_STATEMENT] = {"IAM_E_EMPTY_STATEMENT", 1, "Statement must not be empty"},
    [IAM_E_NO_EFFECT] = {"IAM_E_NO_EFFECT", 1, "statement has no Effect"},
    [IAM_E_BAD_EFFECT] = {"IAM_E_BAD_EFFECT", 1, "Effect must be \"Allow\" or \"Deny\""},
    [IAM_E_ACTION_CONFLICT] = {"IAM_E_ACTION_CONFLICT", 1, "statement has both Action and NotAction"},
    [IAM_E_RESOURCE_CONFLICT] = {"IAM_E_RESOURCE_CONFLICT", 1, "statement has both Resource and NotResource"},
    [IAM_E_PRINCIPAL_CONFLICT] = {"IAM_E_PRINCIPAL_CONFLICT", 1, "statement has both Principal and NotPrincipal"},
    [IAM_E_BAD_PRINCIPAL] = {"IAM_E_BAD_PRINCIPAL", 1, "Principal must be \"*\" or an object of strings or arrays of strings"},
    [IAM_E_UNKNOWN_OPERATOR] = {"IAM_E_UNKNOWN_OPERATOR", 1, "unknown condition operator"},
    [IAM_E_BAD_CONDITION_VALUE] = {"IAM_E_BAD_CONDITION_VALUE", 1, "condition values must be strings, numbers, booleans or an array of them"},
    [IAM_E_EMPTY_CONDITION_KEY] = {"IAM_E_EMPTY_CONDITION_KEY", 1, "condition key must not be empty"},
    [IAM_E_PRINCIPAL_FORBIDDEN] = {"IAM_E_PRINCIPAL_FORBIDDEN", 1, "Policy document should not specify a principal."},
    [IAM_E_VERSION_REQUIRED] = {"IAM_E_VERSION_REQUIRED", 2, "Policy document must be version 2012-10-17 or greater."},
    [IAM_E_EFFECT_CASE] = {"IAM_E_EFFECT_CASE", 3, "Effect must be spelt \"Allow\" or \"Deny\" exactly"},
    [IAM_E_DATE_VALUE] = {"IAM_E_DATE_VALUE", 3, "Date condition value is neither epoch seconds nor an ISO 8601 date"},
    [IAM_E_SHORT_ARN] = {"IAM_E_SHORT_ARN", 3, "resource ARN has fewer than six fields and contains \"::\""},
    [IAM_E_SID_DUPLICATE] = {"IAM_E_SID_DUPLICATE", 4, "Statement IDs (SID) in a single policy must be unique."},
    [IAM_E_SID_CHARS] = {"IAM_E_SID_CHARS", 4, "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
    [IAM_E_NO_ACTIONS] = {"IAM_E_NO_ACTIONS", 5, "Policy statement must contain actions."},
    [IAM_E_NO_RESOURCES] = {"IAM_E_NO_RESOURCES", 6, "Policy statement must contain resources."},
    [IAM_E_RESOURCE_FORMAT] = {"IAM_E_RESOURCE_FORMAT", 7, "Resource must be in ARN format or \"*\"."},
    [IAM_E_RESOURCE_PARTITION] = {"IAM_E_RESOURCE_PARTITION", 7, "Partition is not valid for resource (expected \"aws\")."},
    [IAM_E_RESOURCE_VENDOR] = {"IAM_E_RESOURCE_VENDOR", 7, "Resource vendor must be fully qualified and cannot contain regexes."},
    [IAM_E_RESOURCE_REGION] = {"IAM_E_RESOURCE_REGION", 7, "IAM and S3 resources cannot contain region information."},
    [IAM_E_RESOURCE_IAM_PATH] = {"IAM_E_RESOURCE_IAM_PATH", 7, "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/."},
    [IAM_E_ACTION_NO_VENDOR] = {"IAM_E_ACTION_NO_VENDOR", 8, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
    [IAM_E_ACTION_COLONS] = {"IAM_E_ACTION_COLONS", 8, "Actions/Condition can contain only one colon."},
    [IAM_E_ACTION_VENDOR] = {"IAM_E_ACTION_VENDOR", 8, "Vendor is not valid (letters, digits, '-' and '.' only)."},
    [IAM_E_EXPORT_FORMAT] = {"IAM_E_EXPORT_FORMAT", 0, "account export: a field is missing or has the wrong type"},
    [IAM_E_NOT_FOUND] = {"IAM_E_NOT_FOUND", 0, "not found"},
    [IAM_E_UNRESOLVED_POLICY] = {"IAM_E_UNRESOLVED_POLICY", 0, "managed policy has no document or no default version"},
};

static const char *const stage_messages[9] = {
    NULL,
    "Syntax errors in policy.",
    "Policy document must be version 2012-10-17 or greater.",
    "The policy failed legacy parsing",
    NULL, /* stage 4 has its own messages */
    "Policy statement must contain actions.",
    "Policy statement must contain resources.",
    NULL, /* stages 7 and 8: the resource or vendor message itself */
    NULL,
};

static const status_info *status_lookup(iam_status code)
{
    if ((unsigned)code >= (unsigned)IAM_STATUS_COUNT)
        return NULL;
    return &status_table[code];
}

const char *iam_status_name(iam_status code) /* see iamgate.h */
{
    const status_info *info = status_lookup(code);
    return info != NULL ? info->name : "IAM_E_UNKNOWN";
}

int iam_status_stage(iam_status code) /* see iamgate.h */
{
    const status_info *info = status_lookup(code);
    return info != NULL ? info->stage : 0;
}

const char *iam_status_iam_message(iam_status code) /* see iamgate.h */
{
    const status_info *info = status_lookup(code);
    if (info == NULL || info->stage == 0)
        return NULL;
    if (code == IAM_E_PRINCIPAL_FORBIDDEN)
        return info->message;
    const char *stage = stage_messages[info->stage];
    return stage != NULL ? stage : info->message;
}

const char *error_default_message(iam_status code)
{
    const status_info *info = status_lookup(code);
    return info != NULL ? info->message : "unknown error";
}

/* A byte starts a code point unless it is a UTF-8 continuation byte. */
static bool starts_code_point(unsigned char c)
{
    return (c & 0xC0u) != 0x80u;
}

void iam_locate(const char *text, size_t len, size_t offset, uint32_t *line,
                uint32_t *column) /* see iamgate.h */
{
    uint32_t l = 1, c = 1;
    if (text == NULL)
        len = 0;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if (starts_code_point(ch)) {
            c++;
        }
    }
    if (line != NULL)
        *line = l;
    if (column != NULL)
        *column = c;
}

void error_set(iam_error *err, iam_status code, const char *message,
               const char *text, size_t len, size_t offset)
{
    if (err == NULL)
        return;
    err->code = code;
    err->message = message != NULL ? message : error_default_message(code);
    err->offset = offset > len ? len : offset;
    iam_locate(text, len, err->offset, &err->line, &err->column);
    err->input_index = 0;
    err->path[0] = '\0';
    err->near[0] = '\0';
}

void error_set_near(iam_error *err, const char *bytes, size_t len)
{
    if (err == NULL)
        return;
    size_t max = sizeof err->near - 1;
    if (len <= max) {
        memcpy(err->near, bytes, len);
        err->near[len] = '\0';
        return;
    }
    size_t keep = max - 3;
    while (keep > 0 && !starts_code_point((unsigned char)bytes[keep]))
        keep--; /* never cut a UTF-8 sequence in half */
    memcpy(err->near, bytes, keep);
    memcpy(err->near + keep, "...", 4);
}

/* Appends printable text of near, replacing control bytes with '?'. */
static size_t format_near(char *out, size_t cap, const char *near)
{
    size_t n = 0;
    for (; near[n] != '\0' && n + 1 < cap; n++) {
        unsigned char c = (unsigned char)near[n];
        out[n] = (char)(c < 0x20 || c == 0x7F ? '?' : c);
    }
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
    return n;
}

size_t iam_error_format(const iam_error *err, const char *name, char *buf,
                        size_t cap) /* see iamgate.h */
{
    if (err == NULL)
        return 0;
    char near[IAM_ERROR_NEAR_MAX];
    format_near(near, sizeof near, err->near);
    const char *message = err->message != NULL ? err->message
                                               : error_default_message(err->code);
    int n = snprintf(buf, cap, "%s%s%u:%u: %s%s%s%s%s%s", name ? name : "",
                     name ? ":" : "", err->line, err->column, message,
                     err->path[0] ? " (at " : "", err->path,
                     err->path[0] ? ")" : "", near[0] ? " near " : "",
                     near[0] ? "'" : "");
    if (n < 0)
        return 0;
    size_t total = (size_t)n;
    if (near[0] != '\0') {
        size_t used = total < cap ? total : (cap ? cap - 1 : 0);
        int m = snprintf(buf ? buf + used : NULL, cap > used ? cap - used : 0,
                         "%s'", near);
        if (m > 0)
            total += (size_t)m;
    }
    return total;
}
