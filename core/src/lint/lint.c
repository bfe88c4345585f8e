/*
 * lint.c — the linter's entry point: parse errors as findings, the
 * document-level checks, reporting, and JSON pointers (lint_internal.h).
 */
#include "lint_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *iam_severity_name(iam_severity severity) /* see iamgate_lint.h */
{
    switch (severity) {
    case IAM_SEVERITY_ERROR: return "ERROR";
    case IAM_SEVERITY_SECURITY_WARNING: return "SECURITY_WARNING";
    case IAM_SEVERITY_WARNING: return "WARNING";
    case IAM_SEVERITY_SUGGESTION: return "SUGGESTION";
    }
    return "UNKNOWN";
}

/* ---- reporting ---- */

void lint_report(lint_ctx *ctx, const lint_check *check, size_t offset, size_t length,
                 const char *path, const char *fmt, ...)
{
    size_t n = ctx->count++;
    if (n >= ctx->cap)
        return;
    iam_finding *f = &ctx->out[n];
    memset(f, 0, sizeof *f);
    f->severity = check->severity;
    f->code = check->code;
    f->advice = check->advice;
    f->spec = check->spec;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    if (offset > ctx->len)
        offset = ctx->len;
    if (length > ctx->len - offset)
        length = ctx->len - offset;
    f->offset = offset;
    f->length = length; /* lines and columns once sorted: place_findings */
    snprintf(f->path, sizeof f->path, "%s", path != NULL ? path : "");
}

/* Skips a JSON string starting at its opening quote; returns one past its
 * closing quote (or len). */
static size_t skip_string(const char *s, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return len;
}

size_t lint_value_length(const lint_ctx *ctx, size_t offset)
{
    const char *s = ctx->json;
    size_t len = ctx->len, i = offset, depth = 0;
    if (offset >= len)
        return 0;
    if (s[i] == '"')
        return skip_string(s, len, i) - offset;
    if (s[i] != '{' && s[i] != '[') {
        while (i < len && strchr(",]} \t\r\n", s[i]) == NULL)
            i++;
        return i - offset;
    }
    for (; i < len; i++) {
        if (s[i] == '"') {
            i = skip_string(s, len, i) - 1;
        } else if (s[i] == '{' || s[i] == '[') {
            depth++;
        } else if ((s[i] == '}' || s[i] == ']') && --depth == 0) {
            return i + 1 - offset;
        }
    }
    return len - offset;
}

/* ---- JSON pointers ---- */

/* Appends "/" and token to out (RFC 6901: '~' as ~0, '/' as ~1), cut to fit. */
static void pointer_append(char *out, const char *token, size_t n)
{
    size_t used = strlen(out);
    size_t cap = IAM_ERROR_PATH_MAX - 1;
    if (used < cap)
        out[used++] = '/';
    for (size_t i = 0; i < n && used < cap; i++) {
        if ((token[i] == '~' || token[i] == '/') && used + 1 < cap) {
            out[used++] = '~';
            out[used++] = token[i] == '~' ? '0' : '1';
        } else if (token[i] != '~' && token[i] != '/') {
            out[used++] = token[i];
        }
    }
    out[used] = '\0';
}

static void pointer_index(char *out, uint32_t i)
{
    char digits[16];
    int n = snprintf(digits, sizeof digits, "%u", i);
    pointer_append(out, digits, (size_t)n);
}

void lint_path_statement(const lint_ctx *ctx, uint32_t s, char *out)
{
    out[0] = '\0';
    pointer_append(out, "Statement", 9);
    if (ctx->policy->statement_is_array)
        pointer_index(out, s);
}

void lint_path_element(const lint_ctx *ctx, uint32_t s, const char *element, char *out)
{
    lint_path_statement(ctx, s, out);
    pointer_append(out, element, strlen(element));
}

void lint_path_item(const lint_ctx *ctx, uint32_t s, const char *element,
                    const iam_value_list *list, uint32_t i, char *out)
{
    lint_path_element(ctx, s, element, out);
    if (list->is_array)
        pointer_index(out, i);
}

void lint_path_condition(const lint_ctx *ctx, uint32_t s, const iam_condition *c, int value,
                         char *out)
{
    lint_path_element(ctx, s, "Condition", out);
    pointer_append(out, c->operator_text.ptr, c->operator_text.len);
    pointer_append(out, c->key.ptr, c->key.len);
    if (value >= 0 && c->values.is_array)
        pointer_index(out, (uint32_t)value);
}

/* ---- small text helpers ---- */

static char fold(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

bool lint_str_ieq(iam_str a, const char *b)
{
    size_t n = strlen(b);
    if (a.len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (fold(a.ptr[i]) != fold(b[i]))
            return false;
    return true;
}

bool lint_has_wildcard(iam_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] == '*' || s.ptr[i] == '?')
            return true;
    return false;
}

/* ---- parse errors ---- */

/* The Access Analyzer code for the parser's first error (spec §8.3). */
static const lint_check *parse_check(iam_status code, const char *near)
{
#define CHECK(name, sec, adv) \
    { static const lint_check c = {name, IAM_SEVERITY_ERROR, sec, adv}; return &c; }
    switch (code) {
    case IAM_E_UNKNOWN_KEY: CHECK("INVALID_POLICY_ELEMENT", "§1.2, §1.5", "Element names are case-sensitive: Version, Id, Statement, Sid, Effect, Action, NotAction, Resource, NotResource, Condition.")
    case IAM_E_DUPLICATE_KEY: CHECK("X_DUPLICATE_JSON_KEY", "§1.11", "Remove the repeated key: parsers disagree on which one wins.")
    case IAM_E_TYPE: case IAM_E_NULL: case IAM_E_NOT_OBJECT: case IAM_E_BAD_CONDITION_VALUE:
        CHECK("DATA_TYPE_MISMATCH", "§1.2, §1.5, §1.10", "Use the JSON type the element takes: strings, or arrays of strings.")
    case IAM_E_BAD_VERSION: CHECK("INVALID_VERSION", "§1.3", "Use \"Version\": \"2012-10-17\".")
    case IAM_E_NO_STATEMENT: case IAM_E_EMPTY_STATEMENT: CHECK("MISSING_STATEMENT", "§1.4", "A policy needs at least one statement.")
    case IAM_E_NO_EFFECT: CHECK("MISSING_EFFECT", "§1.7", "Add \"Effect\": \"Allow\" or \"Deny\".")
    case IAM_E_BAD_EFFECT: case IAM_E_EFFECT_CASE: CHECK("INVALID_EFFECT", "§1.7", "Effect is exactly \"Allow\" or \"Deny\".")
    case IAM_E_ACTION_CONFLICT: case IAM_E_RESOURCE_CONFLICT: case IAM_E_PRINCIPAL_CONFLICT:
        CHECK("UNSUPPORTED_ELEMENT_COMBINATION", "§1.5", "Use either the element or its Not form, not both.")
    case IAM_E_BAD_PRINCIPAL: CHECK("INVALID_PRINCIPAL_FORMAT", "§1.5", "Principal is \"*\" or an object of AWS/Service/Federated/CanonicalUser.")
    case IAM_E_UNKNOWN_OPERATOR: CHECK("INVALID_CONDITION_OPERATOR", "§1.10, §3.4", "Use a condition operator AWS defines, spelt exactly (StringEquals, DateLessThan, ...).")
    case IAM_E_EMPTY_CONDITION_KEY: CHECK("INVALID_CONDITION_KEY_FORMAT", "§1.10", "Condition keys are prefix:name, e.g. aws:SourceIp.")
    case IAM_E_PRINCIPAL_FORBIDDEN: CHECK("UNSUPPORTED_PRINCIPAL", "§1.5", "Identity-based policies apply to whoever they are attached to: remove Principal.")
    case IAM_E_VERSION_REQUIRED: CHECK("MISSING_VERSION", "§1.3", "Add \"Version\": \"2012-10-17\".")
    case IAM_E_DATE_VALUE: CHECK("TYPE_MISMATCH_DATE", "§3.4.3", "Write dates as ISO 8601 (2026-01-31T00:00:00Z) or epoch seconds.")
    case IAM_E_SHORT_ARN: CHECK("MISSING_ARN_FIELD", "§1.9", "An ARN has six colon-separated fields: arn:partition:service:region:account:resource.")
    case IAM_E_SID_DUPLICATE: CHECK("UNIQUE_SIDS_REQUIRED", "§1.6", "Give each statement its own Sid.")
    case IAM_E_SID_CHARS: CHECK("UNSUPPORTED_SID", "§1.6", "Sids take letters and digits only.")
    case IAM_E_NO_ACTIONS: CHECK("MISSING_ACTION", "§1.5, §1.8", "Add an Action or NotAction with at least one action.")
    case IAM_E_NO_RESOURCES: CHECK("MISSING_RESOURCE", "§1.5, §1.9", "Add a Resource or NotResource (\"*\" for wildcard-only actions).")
    case IAM_E_RESOURCE_FORMAT: CHECK("INVALID_ARN_PREFIX", "§1.9", "A resource is \"*\" or an ARN starting with arn:.")
    case IAM_E_RESOURCE_PARTITION: CHECK("INVALID_PARTITION", "§1.9", "Use a partition that exists: aws, aws-cn, aws-us-gov.")
    case IAM_E_RESOURCE_VENDOR: CHECK("INVALID_SERVICE", "§1.9", "Name the service in the ARN exactly, without wildcards.")
    case IAM_E_RESOURCE_REGION: CHECK("ARN_REGION_NOT_ALLOWED", "§1.9", "IAM and S3 ARNs have an empty region field.")
    case IAM_E_RESOURCE_IAM_PATH: CHECK("INVALID_ARN_RESOURCE", "§1.9", "IAM resources start with user/, role/, group/, policy/...")
    case IAM_E_ACTION_VENDOR:
        if (near != NULL && strpbrk(near, "*?") != NULL)
            CHECK("WILDCARD_IN_SERVICE_NAME", "§1.8", "Wildcards may follow the colon, not appear in the service prefix.")
        CHECK("INVALID_SERVICE_IN_ACTION", "§1.8", "Service prefixes are letters, digits and '-'.")
    case IAM_E_ACTION_NO_VENDOR: case IAM_E_ACTION_COLONS:
        CHECK("INVALID_ACTION", "§1.8", "Actions are service:Action, e.g. chime:ListUsers.")
    case IAM_E_LIMIT_QUOTA: CHECK("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", "§1.12", "Split the policy.")
    case IAM_E_LIMIT_SIZE: case IAM_E_LIMIT_DEPTH: case IAM_E_LIMIT_STRING:
    case IAM_E_LIMIT_STATEMENTS: case IAM_E_LIMIT_ELEMENTS:
        CHECK("X_LIMIT_EXCEEDED", "§9", "The document is beyond what any IAM policy can be.")
    default:
        CHECK("JSON_SYNTAX_ERROR", "§1.1", "Fix the JSON: a missing comma, quote or bracket at this place.")
    }
#undef CHECK
}

static void report_parse_error(lint_ctx *ctx, const iam_error *err)
{
    const lint_check *check = parse_check(err->code, err->near);
    size_t length = lint_value_length(ctx, err->offset);
    if (length == 0 && err->offset < ctx->len)
        length = 1;
    lint_report(ctx, check, err->offset, length, err->path, "%s", err->message);
}

/* ---- document-level checks ---- */

static const lint_check missing_version = {
    "MISSING_VERSION", IAM_SEVERITY_WARNING, "§1.3",
    "Add \"Version\": \"2012-10-17\" (without it policy variables are not substituted)."};
static const lint_check variable_old_version = {
    "VARIABLE_UNSUPPORTED_IN_VERSION", IAM_SEVERITY_ERROR, "§1.3, §4.1",
    "Policy variables need \"Version\": \"2012-10-17\"; under 2008-10-17 ${...} is literal text."};
static const lint_check size_identity = {
    "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", IAM_SEVERITY_WARNING, "§1.12",
    "Split the policy or tighten its lists: IAM rejects it when it is created."};
static const lint_check size_scp = {
    "POLICY_SIZE_EXCEEDS_SCP_QUOTA", IAM_SEVERITY_ERROR, "§1.12",
    "SCPs are limited to 5,120 characters: split it across policies."};
static const lint_check empty_sid = {
    "EMPTY_SID_VALUE", IAM_SEVERITY_SUGGESTION, "§1.6", "Remove the empty Sid or give it a name."};
static const lint_check sid_case = {
    "X_SID_CASE_DUPLICATE", IAM_SEVERITY_WARNING, "§1.6",
    "Sids that differ only in case are confusing; make them distinct."};
static const lint_check redundant_statement = {
    "REDUNDANT_STATEMENT", IAM_SEVERITY_SUGGESTION, "§6.1",
    "Remove one of the two statements: they grant the same."};
static const lint_check outside_latin1 = {
    "X_CHARS_OUTSIDE_LATIN1", IAM_SEVERITY_WARNING, "§1.1",
    "IAM accepts only characters up to U+00FF in policies; use ASCII."};

static bool has_variable(iam_str s)
{
    for (size_t i = 0; i + 1 < s.len; i++)
        if (s.ptr[i] == '$' && s.ptr[i + 1] == '{')
            return true;
    return false;
}

static const iam_value *first_variable(const iam_value_list *list)
{
    for (uint32_t i = 0; i < list->count; i++)
        if (has_variable(list->items[i].text))
            return &list->items[i];
    return NULL;
}

static void check_version(lint_ctx *ctx)
{
    const iam_policy *p = ctx->policy;
    if (p->version == IAM_VERSION_NONE)
        lint_report(ctx, &missing_version, 0, 1, "", "The policy has no Version element.");
    if (p->version == IAM_VERSION_2012_10_17)
        return;
    for (uint32_t s = 0; s < p->statement_count; s++) {
        const iam_statement *st = &p->statements[s];
        const iam_value *v = first_variable(&st->resources);
        for (uint32_t c = 0; v == NULL && c < st->condition_count; c++)
            v = first_variable(&st->conditions[c].values);
        if (v == NULL)
            continue;
        char path[IAM_ERROR_PATH_MAX];
        lint_path_statement(ctx, s, path);
        lint_report(ctx, &variable_old_version, v->offset, lint_value_length(ctx, v->offset), path,
                    "'%.*s' holds a policy variable but the policy is not Version 2012-10-17.",
                    (int)(v->text.len > 80 ? 80 : v->text.len), v->text.ptr);
        return;
    }
}

static void check_size(lint_ctx *ctx)
{
    size_t minified = 0, whitespace_free = 0;
    iam_policy_size(ctx->json, ctx->len, &minified, &whitespace_free);
    bool scp = ctx->kind == IAM_POLICY_SCP;
    size_t quota = iam_policy_quota(ctx->kind);
    size_t size = scp ? minified : whitespace_free;
    if (quota == 0 || size <= quota)
        return;
    lint_report(ctx, scp ? &size_scp : &size_identity, 0, 1, "",
                "The policy has %zu characters (%s), over the %zu of its type.", size,
                scp ? "minified" : "without whitespace", quota);
}

bool lint_same_fold(iam_str a, iam_str b)
{
    return a.len == b.len && text_equals_folded(a.ptr, b.ptr, a.len);
}

bool lint_same_bytes(iam_str a, iam_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static void check_sids(lint_ctx *ctx)
{
    const iam_policy *p = ctx->policy;
    char path[IAM_ERROR_PATH_MAX];
    for (uint32_t s = 0; s < p->statement_count; s++) {
        const iam_statement *a = &p->statements[s];
        if (!a->has_sid)
            continue;
        lint_path_element(ctx, s, "Sid", path);
        if (a->sid.len == 0)
            lint_report(ctx, &empty_sid, a->sid_offset, 2, path, "The Sid is empty.");
        for (uint32_t t = 0; t < s; t++) {
            const iam_statement *b = &p->statements[t];
            if (!b->has_sid || a->sid.len == 0 || lint_same_bytes(a->sid, b->sid) || !lint_same_fold(a->sid, b->sid))
                continue;
            lint_report(ctx, &sid_case, a->sid_offset, a->sid.len + 2, path,
                        "Sid '%.*s' equals the Sid of statement %u ignoring case.",
                        (int)(a->sid.len > 80 ? 80 : a->sid.len), a->sid.ptr, t);
            break;
        }
    }
}

/* Whether two lists hold the same strings in any order (each a set). */
static bool same_values(const iam_value_list *a, const iam_value_list *b, bool fold_case)
{
    if (a->count != b->count)
        return false;
    for (uint32_t i = 0; i < a->count; i++) {
        bool found = false;
        for (uint32_t j = 0; j < b->count && !found; j++) {
            iam_str x = a->items[i].text, y = b->items[j].text;
            found = fold_case ? lint_same_fold(x, y) : lint_same_bytes(x, y);
        }
        if (!found)
            return false;
    }
    return true;
}

static bool same_conditions(const iam_statement *a, const iam_statement *b)
{
    if (a->condition_count != b->condition_count)
        return false;
    for (uint32_t i = 0; i < a->condition_count; i++) {
        const iam_condition *x = &a->conditions[i], *y = &b->conditions[i];
        if (!lint_same_bytes(x->operator_text, y->operator_text) || !lint_same_fold(x->key, y->key) ||
            !same_values(&x->values, &y->values, false))
            return false;
    }
    return true;
}

static bool same_statement(const iam_statement *a, const iam_statement *b)
{
    return a->effect == b->effect && a->not_action == b->not_action &&
           a->not_resource == b->not_resource && !a->has_principal && !b->has_principal &&
           same_values(&a->actions, &b->actions, true) &&
           same_values(&a->resources, &b->resources, false) && same_conditions(a, b);
}

static void check_redundant_statements(lint_ctx *ctx)
{
    const iam_policy *p = ctx->policy;
    if (p->statement_count > 1000) /* quadratic: keep it bounded */
        return;
    for (uint32_t s = 1; s < p->statement_count; s++) {
        for (uint32_t t = 0; t < s; t++) {
            if (!same_statement(&p->statements[s], &p->statements[t]))
                continue;
            char path[IAM_ERROR_PATH_MAX];
            lint_path_statement(ctx, s, path);
            size_t at = p->statements[s].offset;
            lint_report(ctx, &redundant_statement, at, lint_value_length(ctx, at), path,
                        "Statement %u grants the same as statement %u.", s, t);
            break;
        }
    }
}

/* Code points above U+00FF in the raw text (strings hold all of them). */
static void check_characters(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->len; i++) {
        unsigned char c = (unsigned char)ctx->json[i];
        if (c < 0xC4 || c >= 0xF5) /* C2/C3 lead bytes are U+0080..U+00FF */
            continue;
        size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        uint32_t cp = c & (n == 2 ? 0x1Fu : n == 3 ? 0x0Fu : 0x07u);
        for (size_t k = 1; k < n && i + k < ctx->len; k++)
            cp = (cp << 6) | ((unsigned char)ctx->json[i + k] & 0x3Fu);
        lint_report(ctx, &outside_latin1, i, n, "",
                    "The text holds U+%04X, beyond Latin-1 (U+00FF).", (unsigned)cp);
        return; /* one finding is enough */
    }
}

/* ---- ordering and positions ---- */

/* A forward-only locator: line and column of increasing offsets in one
 * pass over the text (restarting only when asked for an earlier one). */
typedef struct locator {
    size_t offset;
    uint32_t line, column;
} locator;

static void locate(const lint_ctx *ctx, locator *at, size_t target, uint32_t *line,
                   uint32_t *column)
{
    if (target < at->offset)
        *at = (locator){0, 1, 1};
    for (; at->offset < target && at->offset < ctx->len; at->offset++) {
        unsigned char c = (unsigned char)ctx->json[at->offset];
        if (c == '\n') {
            at->line++;
            at->column = 1;
        } else if ((c & 0xC0) != 0x80) {
            at->column++;
        }
    }
    *line = at->line;
    *column = at->column;
}

static void place_findings(const lint_ctx *ctx, iam_finding *out, size_t n)
{
    locator start = {0, 1, 1}, end = {0, 1, 1};
    for (size_t i = 0; i < n; i++) {
        locate(ctx, &start, out[i].offset, &out[i].line, &out[i].column);
        if (end.offset < out[i].offset || end.offset > out[i].offset + out[i].length)
            end = start; /* start is at this span's first byte */
        locate(ctx, &end, out[i].offset + out[i].length, &out[i].end_line, &out[i].end_column);
    }
}


static int finding_order(const void *a, const void *b)
{
    const iam_finding *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    return strcmp(x->code, y->code);
}

iam_status iam_lint(iam_parser *parser, iam_arena *arena, const char *json, size_t len,
                    const iam_lint_options *options, iam_finding *out, size_t cap,
                    size_t *count) /* see iamgate_lint.h */
{
    if (count != NULL)
        *count = 0;
    if (parser == NULL || arena == NULL || (json == NULL && len > 0) || (out == NULL && cap > 0) ||
        count == NULL)
        return IAM_E_ARG;
    lint_ctx ctx = {json, len, NULL, options != NULL ? options->kind : IAM_POLICY_IDENTITY,
                    out, cap, 0};
    iam_parse_options parse;
    memset(&parse, 0, sizeof parse);
    parse.kind = ctx.kind;
    iam_error err;
    iam_status s = iam_policy_parse(parser, arena, json, len, &parse, &ctx.policy, &err);
    if (s == IAM_E_NOMEM || s == IAM_E_ARG)
        return s;
    if (s != IAM_OK) {
        report_parse_error(&ctx, &err);
    } else {
        check_version(&ctx);
        check_size(&ctx);
        check_sids(&ctx);
        check_characters(&ctx);
        lint_actions(&ctx);
        lint_resources(&ctx);
        lint_conditions(&ctx);
        check_redundant_statements(&ctx);
    }
    size_t kept = ctx.count < cap ? ctx.count : cap;
    if (kept > 1)
        qsort(out, kept, sizeof *out, finding_order);
    place_findings(&ctx, out, kept);
    *count = ctx.count;
    return IAM_OK;
}
