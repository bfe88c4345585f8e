/*
 * lint_conditions.c — condition keys, operators and values (spec §1.10,
 * §3, §4, §5.1, §8.3, §8.4), and policy-variable syntax wherever variables
 * may appear (conditions and Resource) or may not (Action).
 *
 * Per condition (operator, key, values):
 *   key      exists (§5.1 table, catalog), format, tag key, aws:ARN, Chime;
 *            repeated in another case within one operator block
 *   operator family against the key's type, set qualifiers against single-
 *            and multi-valued keys, Null with IfExists or a qualifier,
 *            Allow + ForAllValues without a Null guard, Deny + Bool on MFA
 *   values   empty arrays, mixed JSON types, what each operator parses
 *            (Bool, Numeric, IP, base64), wildcards without a Like
 *            operator, variables where the operator takes none, private and
 *            host-bit IP ranges, VPC ids, wildcards on account/org keys
 *
 * Everything is bounded: the two pairwise checks (keys repeated in another
 * case, Null guards) share PAIR_BUDGET bytes of comparison per run, key
 * lookups that must search every service share SCAN_BUDGET searches, and
 * every scan of a value is linear.
 */
#include "lint_internal.h"
#include "lint_keys.h"
#include "../base/values.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ERR IAM_SEVERITY_ERROR
#define SEC IAM_SEVERITY_SECURITY_WARNING
#define WARN IAM_SEVERITY_WARNING
#define SUGG IAM_SEVERITY_SUGGESTION

/* ---- keys ---- */
static const lint_check key_format = {
    "INVALID_CONDITION_KEY_FORMAT", ERR, "§1.10, §8.3 #12",
    "Condition keys are prefix:name, e.g. aws:SourceIp or s3:prefix."};
static const lint_check global_key_invalid = {
    "INVALID_GLOBAL_CONDITION_KEY", ERR, "§5.1, §8.3 #16",
    "Use a global key AWS defines (aws:SourceIp, aws:PrincipalTag/<key>, ...): an unknown key "
    "is never in the request."};
static const lint_check missing_tag_key = {
    "MISSING_TAG_KEY_IN_CONDITION", ERR, "§5.1, §8.3 #61",
    "Name the tag: aws:RequestTag/<tag-key>, aws:ResourceTag/<tag-key>, aws:PrincipalTag/<tag-key>."};
static const lint_check global_key_unsupported = {
    "UNSUPPORTED_GLOBAL_CONDITION_KEY", ERR, "§5.1, §8.3 #46",
    "aws:ARN is not supported: use aws:PrincipalArn (the caller) or aws:SourceArn (the source "
    "resource)."};
static const lint_check global_key_deprecated = {
    "DEPRECATED_GLOBAL_CONDITION_KEY", WARN, "§5.1, §8.3 #80",
    "Replace aws:ARN with aws:PrincipalArn or aws:SourceArn."};
static const lint_check service_key_invalid = {
    "INVALID_SERVICE_CONDITION_KEY", ERR, "§1.10, §8.3 #23",
    "Use a key the service defines (Service Authorization Reference): others are never in the "
    "request."};
static const lint_check chime_key = {
    "X_UNKNOWN_CONDITION_KEY_FOR_CHIME", WARN, "§0.4, §5.1, §8.4",
    "Chime requests carry only aws: global keys: this key is never present for chime actions."};
static const lint_check duplicate_case = {
    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", ERR, "§1.11, §8.3 #4",
    "Key names ignore case: merge the two entries into one key with all the values."};

/* ---- operators against keys ---- */
static const lint_check type_mismatch = {
    "TYPE_MISMATCH", WARN, "§3.4, §5.1, §8.3 #89",
    "Use the operators of the key's type: Date* for dates, IpAddress for IPs, Bool for booleans, "
    "Numeric* for numbers, String*/Arn* for text."};
static const lint_check missing_qualifier = {
    "MISSING_QUALIFIER", ERR, "§3.6.4, §8.3 #33",
    "A multi-valued key needs ForAnyValue: or ForAllValues:; without one the condition is "
    "always false."};
static const lint_check forall_single = {
    "FORALLVALUES_WITH_SINGLE_VALUED_KEY", SEC, "§3.6.3, §8.3 #98",
    "Drop ForAllValues: on a single-valued key it also matches when the key is absent."};
static const lint_check forany_single = {
    "X_FORANYVALUE_WITH_SINGLE_VALUED_KEY", WARN, "§3.6.3",
    "Drop ForAnyValue: the key is single-valued (and negated operators turn false when it is "
    "absent)."};
static const lint_check forall_no_guard = {
    "X_ALLOW_FORALLVALUES_NO_NULL_GUARD", SEC, "§3.6.3, §8.4",
    "ForAllValues is true when the key is absent or empty: add \"Null\": {\"<key>\": \"false\"} "
    "to the statement."};
static const lint_check null_if_exists = {
    "NULL_WITH_IF_EXISTS", ERR, "§1.10, §3.4.8, §8.3 #36",
    "Use Null: NullIfExists is not an operator of its own."};
static const lint_check null_qualifier = {
    "NULL_WITH_QUALIFIER", SUGG, "§3.4.8, §8.3 #122",
    "Drop the qualifier: ForAllValues:Null is always true and ForAnyValue:Null always false."};
static const lint_check bool_mfa = {
    "X_BOOL_MFA_WITHOUT_IFEXISTS", WARN, "§3.4.4, §8.4",
    "Use BoolIfExists: aws:MultiFactorAuthPresent is absent for long-term access keys, so Bool "
    "with \"false\" does not deny them."};

/* ---- values ---- */
static const lint_check empty_array = {
    "EMPTY_ARRAY_CONDITION", SUGG, "§3.7, §8.3 #112",
    "Give the key values or remove it: with [] the condition is never true."};
static const lint_check empty_array_forall = {
    "EMPTY_ARRAY_CONDITION_FORALLVALUES", SUGG, "§3.6.3, §8.3 #113",
    "Give the key values or remove it: with [] the condition is true only when the key is "
    "absent or empty."};
static const lint_check empty_array_forany = {
    "EMPTY_ARRAY_CONDITION_FORANYVALUE", SUGG, "§3.6.3, §8.3 #114",
    "Give the key values or remove it: with [] the condition is never true."};
static const lint_check empty_array_ifexists = {
    "EMPTY_ARRAY_CONDITION_IFEXISTS", SUGG, "§3.7, §8.3 #115",
    "Give the key values or remove it: with [] the condition is true only when the key is "
    "absent."};
static const lint_check data_type = {
    "INVALID_CONDITION_DATA_TYPE", ERR, "§1.10, §8.3 #11",
    "Write every value of the key with the same JSON type (strings are safest)."};
static const lint_check multiple_boolean = {
    "INVALID_CONDITION_MULTIPLE_BOOLEAN", ERR, "§3.4.4, §8.3 #13",
    "Give a Bool key one value, true or false."};
static const lint_check redundant_number = {
    "REDUNDANT_CONDITION_VALUE_NUM", SUGG, "§3.7, §8.3 #126",
    "An inequality against several values equals the one against the loosest: keep that one."};
static const lint_check type_boolean = {
    "TYPE_MISMATCH_BOOLEAN", WARN, "§3.4.4, §3.4.8, §8.3 #90",
    "Bool and Null take true or false: any other value never matches."};
static const lint_check type_number = {
    "TYPE_MISMATCH_NUMBER", WARN, "§3.4.2, §8.3 #93",
    "Numeric operators take decimals: -?digits(.digits)? (no exponent, '+' or spaces)."};
static const lint_check type_ip = {
    "TYPE_MISMATCH_IP_RANGE", WARN, "§3.4.6, §8.3 #92",
    "IP operators take an IPv4 or IPv6 address with an optional /prefix (203.0.113.0/24)."};
static const lint_check type_string = {
    "TYPE_MISMATCH_STRING", WARN, "§3.4.5, §8.3 #94",
    "BinaryEquals takes base64 (standard alphabet, padded) of the expected bytes."};
static const lint_check variable_for_operator = {
    "INVALID_VARIABLE_FOR_OPERATOR", ERR, "§3.4, §4.2, §8.3 #25",
    "Only String* and Arn* operators substitute policy variables; here ${...} is literal text."};
static const lint_check wildcard_no_like = {
    "WILDCARD_WITHOUT_LIKE_OPERATOR", WARN, "§3.4.1, §8.3 #86",
    "Use StringLike/ArnLike for patterns; StringEquals compares '*' and '?' literally."};
static const lint_check sensitive_wildcard = {
    "X_SENSITIVE_KEY_WILDCARD", WARN, "§5.1, §8.4",
    "Name the accounts or organisations exactly: a pattern on an account/org identifier admits "
    "strangers."};
static const lint_check vpc_format = {
    "INVALID_VPC_FORMAT", ERR, "§5.1, §8.3 #62",
    "aws:SourceVpc values are VPC ids: vpc- and 8 or 17 lower-case letters and digits."};
static const lint_check vpce_format = {
    "INVALID_VPCE_FORMAT", ERR, "§5.1, §8.3 #63",
    "aws:SourceVpce values are endpoint ids: vpce- and 8 or 17 lower-case letters and digits."};
static const lint_check private_ip = {
    "PRIVATE_IP_ADDRESS", ERR, "§3.4.6, §8.3 #57",
    "aws:SourceIp is the public address AWS sees; private ranges never match it (use "
    "aws:VpcSourceIp for traffic through a VPC endpoint)."};
static const lint_check private_not_ip = {
    "PRIVATE_NOT_IP_ADDRESS", ERR, "§3.4.6, §8.3 #58",
    "aws:SourceIp is never private, so NotIpAddress on private ranges is always true (use "
    "aws:VpcSourceIp for traffic through a VPC endpoint)."};
static const lint_check private_ip_subset = {
    "PRIVATE_IP_ADDRESS_SUBSET", SUGG, "§3.4.6, §8.3 #123",
    "Remove the private ranges: aws:SourceIp never holds a private address."};
static const lint_check private_not_ip_subset = {
    "PRIVATE_NOT_IP_ADDRESS_SUBSET", SUGG, "§3.4.6, §8.3 #124",
    "Remove the private ranges: aws:SourceIp never holds a private address."};
static const lint_check improve_ip = {
    "IMPROVE_IP_RANGE", SUGG, "§3.4.6, §8.3 #121",
    "Write the network address of the range: the bits after the prefix are ignored."};

/* ---- policy variables ---- */
static const lint_check missing_brace = {
    "MISSING_BRACE_IN_VARIABLE", ERR, "§4.1, §8.3 #51", "Close the variable with '}'."};
static const lint_check missing_quote = {
    "MISSING_QUOTE_IN_VARIABLE", ERR, "§4.1, §8.3 #52",
    "Write a default as ${key, 'default'}: in single quotes after a comma and one space."};
static const lint_check unsupported_space = {
    "UNSUPPORTED_SPACE_IN_VARIABLE", ERR, "§4.1, §8.3 #53",
    "No spaces in a variable except the one after the comma: ${key, 'default'}."};
static const lint_check empty_variable = {
    "EMPTY_VARIABLE", ERR, "§4.1, §8.3 #54", "Name a key in the variable: ${aws:username}."};
static const lint_check variable_in_element = {
    "VARIABLE_UNSUPPORTED_IN_ELEMENT", ERR, "§4.2, §8.3 #55",
    "Variables work only in Resource/NotResource and condition values; in Action the text is "
    "literal and matches no action."};
static const lint_check multivalued_variable = {
    "X_MULTIVALUED_VARIABLE", ERR, "§4.2.2, §8.4",
    "Variables take single-valued keys; a multi-valued key never resolves (the default, if any, "
    "is used)."};

enum {
    PAIR_BUDGET = 1u << 24, /* bytes of pairwise key comparisons per run */
    SCAN_BUDGET = 1024,     /* lookups that search every service */
    SHOW_MAX = 80           /* bytes of a key or value quoted in a message */
};

typedef struct cond_run {
    lint_ctx *ctx;
    unsigned scans;         /* see lint_key_lookup */
    size_t pairs;
    bool variables;         /* Version 2012-10-17: ${...} is a variable (§4.1) */
} cond_run;

/* ---- small helpers ---- */

static int show_len(iam_str s) { return (int)(s.len > SHOW_MAX ? SHOW_MAX : s.len); }

static bool has_space(iam_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] == ' ' || s.ptr[i] == '\t' || s.ptr[i] == '\n' || s.ptr[i] == '\r')
            return true;
    return false;
}

static bool has_variable(iam_str s)
{
    for (size_t i = 0; i + 1 < s.len; i++)
        if (s.ptr[i] == '$' && s.ptr[i + 1] == '{')
            return true;
    return false;
}

/* Where the variable starting at s[i] ("${") ends (one past its '}'), or
 * 0 without a '}' (spec §4.1 scanning rule). */
static size_t variable_end(iam_str s, size_t i)
{
    const char *close = memchr(s.ptr + i + 2, '}', s.len - i - 2);
    return close != NULL ? (size_t)(close - s.ptr) + 1 : 0;
}

/* '*' or '?' that act as wildcards: outside ${...} when variables apply
 * (${*} and ${?} are escapes for the literal characters, §4.4). */
static bool has_live_wildcard(iam_str s, bool variables)
{
    for (size_t i = 0; i < s.len; i++) {
        if (variables && s.ptr[i] == '$' && i + 1 < s.len && s.ptr[i + 1] == '{') {
            size_t end = variable_end(s, i);
            if (end == 0)
                variables = false; /* no '}' after here: the rest is literal (and linear) */
            else
                i = end - 1;
        } else if (s.ptr[i] == '*' || s.ptr[i] == '?') {
            return true;
        }
    }
    return false;
}

/* Takes the cost of comparing a with b (one step and, when the lengths
 * agree, their bytes) from the pair budget; false when it is spent. */
static bool spend_pair(cond_run *run, iam_str a, iam_str b)
{
    size_t cost = 1 + (a.len == b.len ? a.len : 0);
    if (run->pairs < cost)
        return false;
    run->pairs -= cost;
    return true;
}

/* Reports at offset; the message is formatted here so that each caller
 * passes its own words. value < 0: the pointer names the key. */
#if defined(__GNUC__)
__attribute__((format(printf, 7, 8)))
#endif
static void report(cond_run *run, const lint_check *check, uint32_t s, const iam_condition *c,
                   int value, size_t offset, const char *fmt, ...)
{
    char path[IAM_ERROR_PATH_MAX], message[IAM_FINDING_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    lint_path_condition(run->ctx, s, c, value, path);
    lint_report(run->ctx, check, offset, lint_value_length(run->ctx, offset), path, "%s",
                message);
}

/* ---- operator families ---- */

typedef enum family {
    FAM_NONE, FAM_STRING, FAM_NUMERIC, FAM_DATE, FAM_BOOL, FAM_BINARY, FAM_IP, FAM_ARN, FAM_NULL
} family;

static family op_family(uint8_t op)
{
    if (op >= IAM_OP_STRING_EQUALS && op <= IAM_OP_STRING_NOT_LIKE)
        return FAM_STRING;
    if (op >= IAM_OP_NUMERIC_EQUALS && op <= IAM_OP_NUMERIC_GREATER_THAN_EQUALS)
        return FAM_NUMERIC;
    if (op >= IAM_OP_DATE_EQUALS && op <= IAM_OP_DATE_GREATER_THAN_EQUALS)
        return FAM_DATE;
    if (op >= IAM_OP_ARN_EQUALS && op <= IAM_OP_ARN_NOT_LIKE)
        return FAM_ARN;
    switch (op) {
    case IAM_OP_BOOL: return FAM_BOOL;
    case IAM_OP_BINARY_EQUALS: return FAM_BINARY;
    case IAM_OP_IP_ADDRESS: case IAM_OP_NOT_IP_ADDRESS: return FAM_IP;
    case IAM_OP_NULL: return FAM_NULL;
    default: return FAM_NONE;
    }
}

/* The key types an operator family suits. String and ARN operators are
 * both text comparisons: ARN keys are strings, and AWS's own policies
 * compare ARN-valued tags with ArnLike; neither is a mismatch. */
static uint8_t family_types(family f)
{
    switch (f) {
    case FAM_STRING: case FAM_ARN: return LINT_KEY_STRING | LINT_KEY_ARN;
    case FAM_NUMERIC: return LINT_KEY_NUMERIC;
    case FAM_DATE: return LINT_KEY_DATE;
    case FAM_BOOL: return LINT_KEY_BOOL;
    case FAM_IP: return LINT_KEY_IP;
    default: return 0; /* Null fits every key; no key is typed binary */
    }
}

static const char *type_name(uint8_t types)
{
    if (types & LINT_KEY_DATE) return "Date";
    if (types & LINT_KEY_NUMERIC) return "Numeric";
    if (types & LINT_KEY_BOOL) return "Bool";
    if (types & LINT_KEY_IP) return "IP address";
    if (types & LINT_KEY_ARN) return "ARN";
    return "String";
}

/* Variables are substituted in String* and Arn* values only (§4.2). */
static bool takes_variables(family f) { return f == FAM_STRING || f == FAM_ARN; }

/* Operators whose values are patterns: '*' and '?' act (§3.4.1, §3.4.7). */
static bool is_pattern_op(uint8_t op)
{
    return op == IAM_OP_STRING_LIKE || op == IAM_OP_STRING_NOT_LIKE || op == IAM_OP_ARN_LIKE ||
           op == IAM_OP_ARN_NOT_LIKE || op == IAM_OP_ARN_EQUALS || op == IAM_OP_ARN_NOT_EQUALS;
}

/* Operators where '*' in a value is a mistake: the exact string ones, and
 * ArnEquals/ArnNotEquals, which do glob but say "equals" ([AA] advises the
 * Like spelling). */
static bool is_exact_op(uint8_t op)
{
    return (op >= IAM_OP_STRING_EQUALS && op <= IAM_OP_STRING_NOT_EQUALS_IGNORE_CASE) ||
           op == IAM_OP_ARN_EQUALS || op == IAM_OP_ARN_NOT_EQUALS;
}

static bool is_inequality(uint8_t op)
{
    return (op >= IAM_OP_NUMERIC_LESS_THAN && op <= IAM_OP_NUMERIC_GREATER_THAN_EQUALS) ||
           (op >= IAM_OP_DATE_LESS_THAN && op <= IAM_OP_DATE_GREATER_THAN_EQUALS);
}

/* ---- policy variables (§4.1) ---- */

typedef enum var_problem { VAR_OK, VAR_BRACE, VAR_EMPTY, VAR_SPACE, VAR_QUOTE } var_problem;

/* Checks one variable body (between "${" and "}"); *name is its key. */
static var_problem body_problem(iam_str body, iam_str *name)
{
    *name = (iam_str){NULL, 0};
    if (body.len == 0)
        return VAR_EMPTY;
    if (body.len == 1 && (body.ptr[0] == '*' || body.ptr[0] == '?' || body.ptr[0] == '$'))
        return VAR_OK; /* escapes, §4.4 */
    const char *comma = memchr(body.ptr, ',', body.len);
    iam_str key = {body.ptr, comma != NULL ? (size_t)(comma - body.ptr) : body.len};
    if (has_space(key))
        return VAR_SPACE;
    if (key.len == 0)
        return VAR_EMPTY;
    *name = key;
    if (comma == NULL)
        return VAR_OK;
    /* ", 'default'": exactly one space, then the default in single quotes */
    const char *d = comma + 1, *end = body.ptr + body.len;
    size_t lead = 0, trail = 0;
    while (d + lead < end && d[lead] == ' ')
        lead++;
    while (end - trail > d + lead && end[-1 - (ptrdiff_t)trail] == ' ')
        trail++;
    const char *q = d + lead;
    size_t qn = (size_t)(end - q) - trail;
    if (qn < 2 || q[0] != '\'' || q[qn - 1] != '\'' || memchr(q + 1, '\'', qn - 2) != NULL)
        return VAR_QUOTE;
    return lead == 1 && trail == 0 ? VAR_OK : VAR_SPACE;
}

/* The first syntax problem of a value's variables; *multi_key is the first
 * key named by a variable that is multi-valued (§4.2.2). */
static var_problem value_variables(cond_run *run, iam_str s, iam_str *multi_key)
{
    *multi_key = (iam_str){NULL, 0};
    for (size_t i = 0; i + 1 < s.len; i++) {
        if (s.ptr[i] != '$' || s.ptr[i + 1] != '{')
            continue;
        size_t end = variable_end(s, i);
        if (end == 0)
            return VAR_BRACE;
        iam_str name;
        var_problem p = body_problem((iam_str){s.ptr + i + 2, end - i - 3}, &name);
        if (p != VAR_OK)
            return p;
        lint_key_info info;
        if (name.len > 0 && multi_key->len == 0) {
            lint_key_lookup(name, &run->scans, &info);
            if (info.status == LINT_KEY_KNOWN && info.multi && !info.arity_unknown)
                *multi_key = name;
        }
        i = end - 1;
    }
    return VAR_OK;
}

/* Reports the variable problems of one value at offset under path. */
static void check_value_variables(cond_run *run, const iam_value *v, const char *path)
{
    static const lint_check *const checks[] = {
        [VAR_BRACE] = &missing_brace, [VAR_EMPTY] = &empty_variable,
        [VAR_SPACE] = &unsupported_space, [VAR_QUOTE] = &missing_quote};
    static const char *const what[] = {
        [VAR_BRACE] = "opens a variable with '${' that no '}' closes",
        [VAR_EMPTY] = "has a variable that names no key",
        [VAR_SPACE] = "has a space in a variable outside the ', ' before its default",
        [VAR_QUOTE] = "has a variable default that is not in single quotes after ', '"};
    iam_str multi;
    var_problem p = value_variables(run, v->text, &multi);
    size_t len = lint_value_length(run->ctx, v->offset);
    if (p != VAR_OK)
        lint_report(run->ctx, checks[p], v->offset, len, path, "'%.*s' %s.", show_len(v->text),
                    v->text.ptr, what[p]);
    else if (multi.len > 0)
        lint_report(run->ctx, &multivalued_variable, v->offset, len, path,
                    "'%.*s' uses the multi-valued key '%.*s' as a variable: it never resolves.",
                    show_len(v->text), v->text.ptr, show_len(multi), multi.ptr);
}

/* Action/NotAction: no variables; Resource/NotResource: their syntax. */
static void check_element_variables(cond_run *run, uint32_t s)
{
    lint_ctx *ctx = run->ctx;
    const iam_statement *st = &ctx->policy->statements[s];
    char path[IAM_ERROR_PATH_MAX];
    for (uint32_t i = 0; i < st->actions.count; i++) {
        const iam_value *v = &st->actions.items[i];
        if (!has_variable(v->text))
            continue;
        lint_path_item(ctx, s, st->not_action ? "NotAction" : "Action", &st->actions, i, path);
        lint_report(ctx, &variable_in_element, v->offset, lint_value_length(ctx, v->offset), path,
                    "'%.*s' holds a policy variable, which %s does not support.",
                    show_len(v->text), v->text.ptr, st->not_action ? "NotAction" : "Action");
    }
    if (!run->variables)
        return;
    for (uint32_t i = 0; i < st->resources.count; i++) {
        const iam_value *v = &st->resources.items[i];
        if (!has_variable(v->text))
            continue;
        lint_path_item(ctx, s, st->not_resource ? "NotResource" : "Resource", &st->resources, i,
                       path);
        check_value_variables(run, v, path);
    }
}

/* ---- keys ---- */

static bool is_chime_only(const iam_statement *st)
{
    if (st->not_action || st->actions.count == 0)
        return false;
    for (uint32_t i = 0; i < st->actions.count; i++) {
        iam_str a = st->actions.items[i].text;
        if (a.len < 6 || !lint_str_ieq((iam_str){a.ptr, 6}, "chime:"))
            return false;
    }
    return true;
}

static void check_key(cond_run *run, uint32_t s, const iam_condition *c,
                      const lint_key_info *info, bool chime_only)
{
    iam_str k = c->key;
    int n = show_len(k);
    size_t at = c->key_offset;
    switch (info->status) {
    case LINT_KEY_BAD_FORMAT:
        report(run, &key_format, s, c, -1, at, "'%.*s' is not of the form prefix:name.", n, k.ptr);
        return;
    case LINT_KEY_UNKNOWN_GLOBAL:
        report(run, &global_key_invalid, s, c, -1, at, "'%.*s' is not a global condition key.",
               n, k.ptr);
        return;
    case LINT_KEY_MISSING_TAG:
        report(run, &missing_tag_key, s, c, -1, at, "'%.*s' needs a tag key after a '/'.", n,
               k.ptr);
        return;
    case LINT_KEY_UNSUPPORTED:
        report(run, &global_key_unsupported, s, c, -1, at,
               "'%.*s' is not a supported condition key.", n, k.ptr);
        report(run, &global_key_deprecated, s, c, -1, at,
               "'%.*s' is deprecated: use aws:PrincipalArn or aws:SourceArn.", n, k.ptr);
        return;
    case LINT_KEY_UNKNOWN_SERVICE_KEY:
        report(run, &service_key_invalid, s, c, -1, at,
               "'%.*s' is not a condition key of its service.", n, k.ptr);
        return;
    case LINT_KEY_UNKNOWN_SERVICE:
        report(run, &service_key_invalid, s, c, -1, at,
               "'%.*s' names an unknown service prefix.", n, k.ptr);
        return;
    case LINT_KEY_KNOWN:
    case LINT_KEY_UNCHECKED:
        break;
    }
    if (chime_only && !info->global)
        report(run, &chime_key, s, c, -1, at,
               "'%.*s' is not an aws: key, and the statement's actions are all chime actions.", n,
               k.ptr);
}

/* The same key in another case earlier in the same operator block (exact
 * repeats are parse errors, §1.11). */
static void check_duplicate_case(cond_run *run, uint32_t s, uint32_t i)
{
    const iam_statement *st = &run->ctx->policy->statements[s];
    const iam_condition *c = &st->conditions[i];
    for (uint32_t j = i; j-- > 0 && st->conditions[j].operator_offset == c->operator_offset;) {
        iam_str other = st->conditions[j].key;
        if (!spend_pair(run, other, c->key))
            return;
        if (lint_same_fold(other, c->key) && !lint_same_bytes(other, c->key)) {
            report(run, &duplicate_case, s, c, -1, c->key_offset,
                   "'%.*s' repeats the key '%.*s' of the same operator in another case.",
                   show_len(c->key), c->key.ptr, show_len(other), other.ptr);
            return;
        }
    }
}

/* ---- operators against keys ---- */

/* Whether the statement has Null false (and not true) on key, without a
 * qualifier: the guard that makes ForAllValues require the key (§3.6.3). */
static bool has_null_guard(cond_run *run, const iam_statement *st, iam_str key)
{
    for (uint32_t i = 0; i < st->condition_count; i++) {
        const iam_condition *g = &st->conditions[i];
        if (!spend_pair(run, g->key, key))
            return true; /* out of budget: make no claim */
        if (g->op != IAM_OP_NULL || g->qualifier != IAM_QUALIFIER_NONE || !lint_same_fold(g->key, key))
            continue;
        bool f = false, t = false;
        for (uint32_t v = 0; v < g->values.count; v++) {
            bool b;
            if (!bool_parse(g->values.items[v].text.ptr, g->values.items[v].text.len, &b))
                continue;
            if (b)
                t = true;
            else
                f = true;
        }
        if (f && !t)
            return true;
    }
    return false;
}

/* Null with IfExists or a qualifier: once per operator block. */
static void check_null_operator(cond_run *run, uint32_t s, const iam_condition *c)
{
    iam_str op = c->operator_text;
    if (c->if_exists)
        report(run, &null_if_exists, s, c, -1, c->operator_offset,
               "'%.*s' is Null with IfExists, which is not an operator.", show_len(op), op.ptr);
    if (c->qualifier != IAM_QUALIFIER_NONE)
        report(run, &null_qualifier, s, c, -1, c->operator_offset,
               "'%.*s' is always %s.", show_len(op), op.ptr,
               c->qualifier == IAM_QUALIFIER_FOR_ALL_VALUES ? "true" : "false");
}

static void check_operator(cond_run *run, uint32_t s, const iam_condition *c,
                           const lint_key_info *info)
{
    const iam_statement *st = &run->ctx->policy->statements[s];
    family f = op_family(c->op);
    bool known = info->status == LINT_KEY_KNOWN;
    iam_str k = c->key, op = c->operator_text;
    if (f == FAM_NULL || f == FAM_NONE)
        return;
    uint8_t fits = family_types(f);
    if (known && info->types != 0 && fits != 0 && (info->types & fits) == 0)
        report(run, &type_mismatch, s, c, -1, c->key_offset,
               "'%.*s' is a %s key but '%.*s' compares %s.", show_len(k), k.ptr,
               type_name(info->types), show_len(op), op.ptr,
               f == FAM_NUMERIC ? "numbers" : f == FAM_DATE ? "dates" : f == FAM_BOOL ? "booleans"
               : f == FAM_IP ? "IP addresses" : "strings");
    if (info->arity_unknown)
        known = false; /* the qualifier checks below need the arity */
    if (known && info->multi && c->qualifier == IAM_QUALIFIER_NONE)
        report(run, &missing_qualifier, s, c, -1, c->key_offset,
               "'%.*s' is multi-valued but '%.*s' has no ForAnyValue:/ForAllValues:.",
               show_len(k), k.ptr, show_len(op), op.ptr);
    bool single = known && !info->multi;
    if (single && c->qualifier == IAM_QUALIFIER_FOR_ALL_VALUES)
        report(run, &forall_single, s, c, -1, c->key_offset,
               "'%.*s' is single-valued: ForAllValues also matches when it is absent.",
               show_len(k), k.ptr);
    if (single && c->qualifier == IAM_QUALIFIER_FOR_ANY_VALUE)
        report(run, &forany_single, s, c, -1, c->key_offset,
               "'%.*s' is single-valued: ForAnyValue adds nothing.", show_len(k), k.ptr);
    if (!single && c->qualifier == IAM_QUALIFIER_FOR_ALL_VALUES &&
        st->effect == IAM_EFFECT_ALLOW && !has_null_guard(run, st, k))
        report(run, &forall_no_guard, s, c, -1, c->key_offset,
               "Allow with '%.*s' on '%.*s' also matches when the key is absent or empty, and "
               "no Null condition requires it.", show_len(op), op.ptr, show_len(k), k.ptr);
}

/* ---- values ---- */

static void check_empty(cond_run *run, uint32_t s, const iam_condition *c)
{
    const lint_check *check = c->if_exists ? &empty_array_ifexists
                            : c->qualifier == IAM_QUALIFIER_FOR_ALL_VALUES ? &empty_array_forall
                            : c->qualifier == IAM_QUALIFIER_FOR_ANY_VALUE ? &empty_array_forany
                            : &empty_array;
    report(run, check, s, c, -1, c->values.offset, "'%.*s' has no values ([]).",
           show_len(c->key), c->key.ptr);
}

static bool mixed_types(const iam_value_list *list)
{
    for (uint32_t i = 1; i < list->count; i++)
        if (list->items[i].type != list->items[0].type)
            return true;
    return false;
}

/* vpc-/vpce- followed by 8 or 17 lower-case letters and digits. */
static bool vpc_id_valid(iam_str v, const char *prefix)
{
    size_t n = strlen(prefix);
    if (v.len < n || memcmp(v.ptr, prefix, n) != 0 || (v.len - n != 8 && v.len - n != 17))
        return false;
    for (size_t i = n; i < v.len; i++)
        if (!((v.ptr[i] >= 'a' && v.ptr[i] <= 'z') || (v.ptr[i] >= '0' && v.ptr[i] <= '9')))
            return false;
    return true;
}

static void check_vpc(cond_run *run, uint32_t s, const iam_condition *c, uint32_t i)
{
    const iam_value *v = &c->values.items[i];
    bool vpce = lint_str_ieq(c->key, "aws:SourceVpce");
    if (!vpce && !lint_str_ieq(c->key, "aws:SourceVpc"))
        return;
    if (op_family(c->op) != FAM_STRING || lint_has_wildcard(v->text) ||
        (run->variables && has_variable(v->text)) || vpc_id_valid(v->text, vpce ? "vpce-" : "vpc-"))
        return;
    report(run, vpce ? &vpce_format : &vpc_format, s, c, (int)i, v->offset,
           "'%.*s' is not a %s id.", show_len(v->text), v->text.ptr,
           vpce ? "VPC endpoint" : "VPC");
}

/* Whether an IP value has host bits set beyond its prefix. */
static bool host_bits_set(iam_str v, const ip_range *range)
{
    const char *slash = memchr(v.ptr, '/', v.len);
    ip_range addr;
    return slash != NULL && ip_address_parse(v.ptr, (size_t)(slash - v.ptr), &addr) &&
           memcmp(addr.bytes, range->bytes, sizeof addr.bytes) != 0;
}

/* One value against what its operator parses. */
static void check_typed_value(cond_run *run, uint32_t s, const iam_condition *c, uint32_t i)
{
    const iam_value *v = &c->values.items[i];
    iam_str t = v->text;
    int n = show_len(t);
    decimal d;
    ip_range r;
    bool b;
    switch (op_family(c->op)) {
    case FAM_BOOL: case FAM_NULL:
        if (!bool_parse(t.ptr, t.len, &b))
            report(run, &type_boolean, s, c, (int)i, v->offset, "'%.*s' is not true or false.",
                   n, t.ptr);
        break;
    case FAM_NUMERIC:
        if (!decimal_parse(t.ptr, t.len, &d))
            report(run, &type_number, s, c, (int)i, v->offset, "'%.*s' is not a number.", n,
                   t.ptr);
        break;
    case FAM_IP:
        if (!ip_range_parse(t.ptr, t.len, &r))
            report(run, &type_ip, s, c, (int)i, v->offset,
                   "'%.*s' is not an IP address or CIDR range.", n, t.ptr);
        else if (host_bits_set(t, &r))
            report(run, &improve_ip, s, c, (int)i, v->offset,
                   "'%.*s' has bits set after its /%u prefix.", n, t.ptr, (unsigned)r.prefix);
        break;
    case FAM_BINARY:
        if (!base64_valid(t.ptr, t.len))
            report(run, &type_string, s, c, (int)i, v->offset, "'%.*s' is not base64.", n, t.ptr);
        break;
    default:
        break;
    }
}

static void check_text_value(cond_run *run, uint32_t s, const iam_condition *c, uint32_t i,
                             const lint_key_info *info)
{
    const iam_value *v = &c->values.items[i];
    iam_str t = v->text;
    if (!has_live_wildcard(t, run->variables))
        return;
    if (is_exact_op(c->op))
        report(run, &wildcard_no_like, s, c, (int)i, v->offset,
               "'%.*s' has a wildcard but '%.*s' is not a Like operator.", show_len(t), t.ptr,
               show_len(c->operator_text), c->operator_text.ptr);
    else if (is_pattern_op(c->op) && info->sensitive)
        report(run, &sensitive_wildcard, s, c, (int)i, v->offset,
               "'%.*s' is a pattern on the account/organisation key '%.*s'.", show_len(t), t.ptr,
               show_len(c->key), c->key.ptr);
}

static void check_value(cond_run *run, uint32_t s, const iam_condition *c, uint32_t i,
                        const lint_key_info *info)
{
    const iam_value *v = &c->values.items[i];
    family f = op_family(c->op);
    if (run->variables && has_variable(v->text)) {
        char path[IAM_ERROR_PATH_MAX];
        if (!takes_variables(f)) {
            report(run, &variable_for_operator, s, c, (int)i, v->offset,
                   "'%.*s' holds a policy variable, which '%.*s' does not substitute.",
                   show_len(v->text), v->text.ptr, show_len(c->operator_text),
                   c->operator_text.ptr);
            return;
        }
        lint_path_condition(run->ctx, s, c, (int)i, path);
        check_value_variables(run, v, path);
    }
    check_typed_value(run, s, c, i);
    if (f == FAM_STRING || f == FAM_ARN)
        check_text_value(run, s, c, i, info);
    check_vpc(run, s, c, i);
}

/* A range wholly inside a private, loopback or link-local block (RFC 1918,
 * RFC 4193, RFC 1122, RFC 3927, RFC 4291): never a caller's aws:SourceIp. */
static bool is_private(const ip_range *r)
{
    static const ip_range blocks[] = {
        {4, 8, {10}}, {4, 12, {172, 16}}, {4, 16, {192, 168}}, {4, 8, {127}},
        {4, 16, {169, 254}}, {6, 7, {0xfc}}, {6, 10, {0xfe, 0x80}},
        {6, 128, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
    };
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
        if (r->family == blocks[i].family && r->prefix >= blocks[i].prefix &&
            ip_range_contains(&blocks[i], r))
            return true;
    return false;
}

static void check_private_ips(cond_run *run, uint32_t s, const iam_condition *c)
{
    if (op_family(c->op) != FAM_IP || !lint_str_ieq(c->key, "aws:SourceIp"))
        return;
    uint32_t parsed = 0, private_count = 0, first = 0;
    for (uint32_t i = 0; i < c->values.count; i++) {
        ip_range r;
        iam_str t = c->values.items[i].text;
        if (!ip_range_parse(t.ptr, t.len, &r))
            continue;
        parsed++;
        if (is_private(&r) && private_count++ == 0)
            first = i;
    }
    if (private_count == 0)
        return;
    bool negated = c->op == IAM_OP_NOT_IP_ADDRESS;
    if (private_count == parsed)
        report(run, negated ? &private_not_ip : &private_ip, s, c, -1, c->values.offset,
               "Every range of aws:SourceIp here is private: %s.",
               negated ? "the condition is always true" : "it never matches");
    else
        report(run, negated ? &private_not_ip_subset : &private_ip_subset, s, c, (int)first,
               c->values.items[first].offset,
               "'%.*s' is a private range: aws:SourceIp never lies in it.",
               show_len(c->values.items[first].text), c->values.items[first].text.ptr);
}

static void check_mfa(cond_run *run, uint32_t s, const iam_condition *c)
{
    const iam_statement *st = &run->ctx->policy->statements[s];
    if (st->effect != IAM_EFFECT_DENY || c->op != IAM_OP_BOOL || c->if_exists ||
        !lint_str_ieq(c->key, "aws:MultiFactorAuthPresent"))
        return;
    for (uint32_t i = 0; i < c->values.count; i++) {
        bool b;
        iam_str t = c->values.items[i].text;
        if (bool_parse(t.ptr, t.len, &b) && !b) {
            report(run, &bool_mfa, s, c, -1, c->operator_offset,
                   "Deny with '%.*s' on aws:MultiFactorAuthPresent \"false\" does not apply to "
                   "long-term access keys, which carry no such key.",
                   show_len(c->operator_text), c->operator_text.ptr);
            return;
        }
    }
}

static void check_values(cond_run *run, uint32_t s, const iam_condition *c,
                         const lint_key_info *info)
{
    const iam_value_list *list = &c->values;
    if (list->count == 0) {
        check_empty(run, s, c);
        return;
    }
    if (mixed_types(list))
        report(run, &data_type, s, c, -1, list->offset,
               "The values of '%.*s' mix JSON strings, numbers and booleans.", show_len(c->key),
               c->key.ptr);
    if (c->op == IAM_OP_BOOL && list->count > 1)
        report(run, &multiple_boolean, s, c, -1, list->offset,
               "'%.*s' has %u values; a Bool key takes one.", show_len(c->key), c->key.ptr,
               (unsigned)list->count);
    if (is_inequality(c->op) && list->count > 1)
        report(run, &redundant_number, s, c, -1, list->offset,
               "'%.*s' with %u values is the same as with the loosest one.",
               show_len(c->operator_text), c->operator_text.ptr, (unsigned)list->count);
    for (uint32_t i = 0; i < list->count; i++)
        check_value(run, s, c, i, info);
    check_private_ips(run, s, c);
    check_mfa(run, s, c);
}

/* ---- entry point ---- */

static void check_statement(cond_run *run, uint32_t s)
{
    const iam_statement *st = &run->ctx->policy->statements[s];
    check_element_variables(run, s);
    bool chime_only = is_chime_only(st);
    for (uint32_t i = 0; i < st->condition_count; i++) {
        const iam_condition *c = &st->conditions[i];
        bool block_start = i == 0 || st->conditions[i - 1].operator_offset != c->operator_offset;
        lint_key_info info;
        lint_key_lookup(c->key, &run->scans, &info);
        check_key(run, s, c, &info, chime_only);
        check_duplicate_case(run, s, i);
        if (block_start && c->op == IAM_OP_NULL)
            check_null_operator(run, s, c);
        check_operator(run, s, c, &info);
        check_values(run, s, c, &info);
    }
}

void lint_conditions(lint_ctx *ctx)
{
    cond_run run = {ctx, SCAN_BUDGET, PAIR_BUDGET,
                    ctx->policy->version == IAM_VERSION_2012_10_17};
    for (uint32_t s = 0; s < ctx->policy->statement_count; s++)
        check_statement(&run, s);
}
