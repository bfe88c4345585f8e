/* Checks of single strings for IAM's later validation stages (spec §1.6,
 * §1.8, §1.9, §1.10): they are noted, not failed, so the lowest stage wins. */
#include "parse.h"

/* Field i (0-based) of text split at ':'; false when there is no such field. */
static bool field_at(const char *text, size_t len, int i, const char **start,
                     size_t *flen)
{
    size_t b = 0;
    for (int f = 0; f < i; f++) {
        const char *colon = memchr(text + b, ':', len - b);
        if (colon == NULL)
            return false;
        b = (size_t)(colon - text) + 1;
    }
    const char *colon = memchr(text + b, ':', len - b);
    *start = text + b;
    *flen = colon != NULL ? (size_t)(colon - (text + b)) : len - b;
    return true;
}

static size_t count_colons(const char *text, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == ':';
    return n;
}

static bool contains(const char *text, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(text + i, needle, n) == 0)
            return true;
    return false;
}

static bool has_wildcard(const char *text, size_t len)
{
    return memchr(text, '*', len) != NULL || memchr(text, '?', len) != NULL;
}

/* The resource part (after the fifth colon) of an IAM ARN must name one of
 * IAM's resource types (spec §1.9). The spec's list (from IAM's validator)
 * misses types that AWS's own managed policies and the Service Authorization
 * Reference use: root, assumed-role/, delegation-request/, role-template/. */
static bool iam_path_valid(const char *text, size_t len)
{
    static const char *const prefixes[] = {
        "user/", "federated-user/", "role/", "group/", "instance-profile/",
        "mfa/", "server-certificate/", "policy/", "sms-mfa/", "saml-provider/",
        "oidc-provider/", "report/", "access-report/", "assumed-role/",
        "delegation-request/", "role-template/",
    };
    const char *part = "";
    size_t plen = 0;
    if (count_colons(text, len) >= 5) {
        const char *fifth = text;
        for (int c = 0; c < 5; c++)
            fifth = (const char *)memchr(fifth, ':', len - (size_t)(fifth - text)) + 1;
        part = fifth;
        plen = len - (size_t)(fifth - text);
    }
    if (text_equals(part, plen, "*") || text_equals(part, plen, "root"))
        return true;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (plen >= n && memcmp(part, prefixes[i], n) == 0)
            return true;
    }
    return false;
}

/* An S3 bucket or object ARN: these have no account. Regional S3 resources
 * (access points, jobs, Storage Lens) have one and may name a region, as AWS
 * managed policies do. */
static bool s3_bucket_arn(const char *text, size_t len, const char *service, size_t slen)
{
    const char *account;
    size_t alen;
    return text_equals(service, slen, "s3") &&
           (!field_at(text, len, 4, &account, &alen) || alen == 0);
}

/* The first resource-format message IAM gives (stage 7), or IAM_OK. */
static iam_status resource_format(const char *text, size_t len)
{
    const char *f;
    size_t flen;
    if (memchr(text, ':', len) == NULL)
        return IAM_E_RESOURCE_FORMAT;
    field_at(text, len, 1, &f, &flen);
    if (!text_equals(f, flen, "aws") && !has_wildcard(f, flen))
        return IAM_E_RESOURCE_PARTITION;
    const char *service;
    size_t slen;
    if (!field_at(text, len, 2, &service, &slen))
        return IAM_E_RESOURCE_VENDOR;
    bool iam = text_equals(service, slen, "iam");
    if (iam || s3_bucket_arn(text, len, service, slen)) {
        /* IAM's check: the text after the service must start with ':' */
        if (!field_at(text, len, 3, &f, &flen) || flen != 0)
            return IAM_E_RESOURCE_REGION;
    }
    if (iam && !iam_path_valid(text, len))
        return IAM_E_RESOURCE_IAM_PATH;
    return IAM_OK;
}

void check_resource(parse_ctx *ctx, const iam_value *resource)
{
    const char *text = resource->text.ptr;
    size_t len = resource->text.len;
    if (text_equals(text, len, "*"))
        return;
    if (count_colons(text, len) < 5 && contains(text, len, "::"))
        parse_note(ctx, IAM_E_SHORT_ARN, resource->offset);
    iam_status format = resource_format(text, len);
    if (format != IAM_OK)
        parse_note(ctx, format, resource->offset);
}

static bool vendor_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.';
}

void check_action(parse_ctx *ctx, const iam_value *action)
{
    const char *text = action->text.ptr;
    size_t len = action->text.len;
    if (text_equals(text, len, "*"))
        return;
    size_t colons = count_colons(text, len);
    if (colons == 0) {
        parse_note(ctx, IAM_E_ACTION_NO_VENDOR, action->offset);
        return;
    }
    if (colons > 1) {
        parse_note(ctx, IAM_E_ACTION_COLONS, action->offset);
        return;
    }
    for (size_t i = 0; text[i] != ':'; i++) {
        if (!vendor_char(text[i])) {
            parse_note(ctx, IAM_E_ACTION_VENDOR, action->offset);
            return;
        }
    }
}

void check_sid(parse_ctx *ctx, const iam_value *sid)
{
    for (size_t i = 0; i < sid->text.len; i++) {
        char c = sid->text.ptr[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     (c >= '0' && c <= '9');
        if (!alnum) {
            parse_note(ctx, IAM_E_SID_CHARS, sid->offset);
            return;
        }
    }
}

/* IAM's write-time rule for epoch values: an integer 0 .. 2^63-1 (spec
 * §1.10), wider than what evaluation can represent in milliseconds. */
static bool epoch_valid_at_write(const char *text, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(text[i] - '0');
        if (v > (uint64_t)INT64_MAX || i >= 19)
            return false;
    }
    return len > 0;
}

void check_date_value(parse_ctx *ctx, const iam_value *value)
{
    date_instant when;
    if (value->type == IAM_VALUE_BOOL)
        parse_note(ctx, IAM_E_DATE_VALUE, value->offset);
    else if (!epoch_valid_at_write(value->text.ptr, value->text.len) &&
             !date_parse(value->text.ptr, value->text.len, &when))
        parse_note(ctx, IAM_E_DATE_VALUE, value->offset);
}
