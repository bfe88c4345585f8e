/*
 * iamgate.h — the whole embedding API of iamgate, an evaluator of AWS IAM
 * identity-based policies.
 *
 * Conventions (they hold for every declaration below):
 *  - Names: functions iam_<noun>_<verb>, types iam_<noun>, constants IAM_...
 *  - Strings are (pointer, length) pairs. Nothing needs a NUL terminator and
 *    every string may contain NUL bytes.
 *  - Memory is the caller's. Parsing takes an iam_arena over a buffer the
 *    caller owns; results live in that buffer until the caller reuses it.
 *    The only heap object is the reusable iam_parser (cold path).
 *  - Errors are values: an iam_status code from a closed list, and, where a
 *    function takes an iam_error *, a static message, a byte offset, a line
 *    and column, and the JSON pointer of the offending element.
 *  - Fail closed: an API misuse returns IAM_E_ARG; it never aborts.
 *  - Each declaration ends with a tag line:
 *      Allocates: never | arena only | heap (cold path).
 *      Fails: never | returns iam_status.
 *      Threads: safe (no shared state) | not shared (one thread at a time).
 *  - ABI: iam_arena, iam_error and the option structs are caller-allocated
 *    and so part of the ABI; the parser is opaque.
 */
#ifndef IAMGATE_INCLUDE_IAMGATE_H
#define IAMGATE_INCLUDE_IAMGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iamgate_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define IAM_API __attribute__((visibility("default")))
#else
#define IAM_API
#endif

/* ------------------------------------------------------------------------ */
/* Status codes                                                              */
/* ------------------------------------------------------------------------ */

/*
 * A closed list. The policy-grammar codes follow IAM's CreatePolicy
 * validation stages (spec §1.13); iam_status_stage() tells the stage and
 * iam_status_iam_message() the message IAM itself would print.
 */
typedef enum iam_status {
    IAM_OK = 0,
    /* API and resources */
    IAM_E_ARG,              /* NULL parser, NULL arena, bad option value       */
    IAM_E_NOMEM,            /* arena exhausted (or parser growth failed)       */
    /* JSON layer (stage 1: "Syntax errors in policy.") */
    IAM_E_JSON_SYNTAX,      /* {"a" 1}   missing ':' / ',' / bad token          */
    IAM_E_JSON_TRUNCATED,   /* {"a":     input ends inside a value              */
    IAM_E_JSON_EMPTY,       /* ""        no JSON value at all                   */
    IAM_E_JSON_TRAILING,    /* {} {}     bytes after the top-level value        */
    IAM_E_JSON_STRING,      /* "\x" "\ud800"  bad escape or lone surrogate      */
    IAM_E_JSON_CONTROL,     /* "a<TAB>b" unescaped control character in string  */
    IAM_E_JSON_UTF8,        /* bytes C0 AF  invalid or overlong UTF-8           */
    IAM_E_JSON_NUMBER,      /* 01, 1., 1e400, 2^64  bad or out-of-range number  */
    IAM_E_JSON_LITERAL,     /* nul, True  misspelt true/false/null              */
    /* Robustness limits (spec §9, §1.12) */
    IAM_E_LIMIT_SIZE,       /* document larger than limits.max_document_bytes  */
    IAM_E_LIMIT_DEPTH,      /* nesting deeper than limits.max_depth             */
    IAM_E_LIMIT_STRING,     /* string longer than limits.max_string_bytes       */
    IAM_E_LIMIT_STATEMENTS, /* more than limits.max_statements statements       */
    IAM_E_LIMIT_ELEMENTS,   /* more than limits.max_array_elements in total     */
    IAM_E_LIMIT_QUOTA,      /* over the policy type's character quota (opt-in)  */
    /* Policy grammar, stage 1: "Syntax errors in policy." */
    IAM_E_NOT_OBJECT,       /* [] or "x" as the whole document                  */
    IAM_E_UNKNOWN_KEY,      /* "version", "Effects", top-level "Conditions"     */
    IAM_E_DUPLICATE_KEY,    /* {"Effect":"Allow","Effect":"Deny"}               */
    IAM_E_TYPE,             /* "Sid": 5, "Action": {}, "Condition": []          */
    IAM_E_NULL,             /* "Resource": null                                 */
    IAM_E_BAD_VERSION,      /* "Version": "2012-10-18"                          */
    IAM_E_NO_STATEMENT,     /* no "Statement" key                               */
    IAM_E_EMPTY_STATEMENT,  /* "Statement": []                                  */
    IAM_E_NO_EFFECT,        /* statement without "Effect"                       */
    IAM_E_BAD_EFFECT,       /* "Effect": "Permit"                               */
    IAM_E_ACTION_CONFLICT,  /* both Action and NotAction                        */
    IAM_E_RESOURCE_CONFLICT,/* both Resource and NotResource                    */
    IAM_E_PRINCIPAL_CONFLICT,/* both Principal and NotPrincipal                 */
    IAM_E_BAD_PRINCIPAL,    /* "Principal": "arn:..." (only "*" or an object)   */
    IAM_E_UNKNOWN_OPERATOR, /* {"StringEqual": {"k": "v"}}                      */
    IAM_E_BAD_CONDITION_VALUE, /* {"StringEquals": {"k": {"x": 1}}} or [[...]] */
    IAM_E_EMPTY_CONDITION_KEY, /* {"StringEquals": {"": "v"}}                   */
    IAM_E_PRINCIPAL_FORBIDDEN, /* Principal in an identity-based policy         */
    /* Stage 2 (only with IAM_PARSE_CREATE_POLICY) */
    IAM_E_VERSION_REQUIRED, /* Version missing or "2008-10-17"                  */
    /* Stage 3: "The policy failed legacy parsing" */
    IAM_E_EFFECT_CASE,      /* "Effect": "allow"                                */
    IAM_E_DATE_VALUE,       /* {"DateLessThan": {"aws:CurrentTime": "soon"}}    */
    IAM_E_SHORT_ARN,        /* "arn:aws:s3::bucket" (under 5 colons, has "::")  */
    /* Stage 4 */
    IAM_E_SID_DUPLICATE,    /* two statements with "Sid": "A"                   */
    IAM_E_SID_CHARS,        /* "Sid": "read-only"                               */
    /* Stages 5 and 6 */
    IAM_E_NO_ACTIONS,       /* no Action/NotAction, or []                       */
    IAM_E_NO_RESOURCES,     /* no Resource/NotResource, or []                   */
    /* Stage 7: resource format (spec §1.9) */
    IAM_E_RESOURCE_FORMAT,  /* "Resource": "bucket"                             */
    IAM_E_RESOURCE_PARTITION,/* "arn:aws-foo:s3:::b"                            */
    IAM_E_RESOURCE_VENDOR,  /* "arn:aws"                                        */
    IAM_E_RESOURCE_REGION,  /* "arn:aws:iam:us-east-1::user/x"                  */
    IAM_E_RESOURCE_IAM_PATH,/* "arn:aws:iam::1:bucket"                          */
    /* Stage 8: action vendor (spec §1.8) */
    IAM_E_ACTION_NO_VENDOR, /* "ListUsers"                                      */
    IAM_E_ACTION_COLONS,    /* "chime:List:Users"                               */
    IAM_E_ACTION_VENDOR,    /* "ch ime:ListUsers", "chime*:List"                */
    /* Account data (iamgate_directory.h) and built-in data (iamgate_catalog.h) */
    IAM_E_EXPORT_FORMAT,    /* an account export field of the wrong type or missing */
    IAM_E_NOT_FOUND,        /* no such principal, policy or catalog entry       */
    IAM_E_UNRESOLVED_POLICY,/* a managed policy ARN with no document or no default version */
    IAM_STATUS_COUNT
} iam_status;

/* The static name of a code ("IAM_E_JSON_SYNTAX"). Allocates: never. Fails:
 * never (unknown codes give "IAM_E_UNKNOWN"). Threads: safe. */
IAM_API const char *iam_status_name(iam_status code);

/* IAM's validation stage of a code (1..8, spec §1.13), 0 for API codes.
 * Allocates: never. Fails: never. Threads: safe. */
IAM_API int iam_status_stage(iam_status code);

/* The message IAM's CreatePolicy prints for this code's stage ("Syntax
 * errors in policy.", "The policy failed legacy parsing", ...), or NULL.
 * Allocates: never. Fails: never. Threads: safe. */
IAM_API const char *iam_status_iam_message(iam_status code);

/* ------------------------------------------------------------------------ */
/* Strings, errors, arena                                                    */
/* ------------------------------------------------------------------------ */

typedef struct iam_str {
    const char *ptr; /* may be NULL when len == 0 */
    size_t len;
} iam_str;

#define IAM_ERROR_PATH_MAX 96
#define IAM_ERROR_NEAR_MAX 48

/*
 * A positioned error. Every field is written by a failing call; a successful
 * call sets code = IAM_OK and leaves the rest unspecified.
 */
typedef struct iam_error {
    iam_status code;
    const char *message;         /* static text, never freed                  */
    size_t offset;               /* byte offset into the input                */
    uint32_t line, column;       /* 1-based; column counts code points        */
    uint32_t input_index;        /* which document of a batch (0 for one)     */
    char path[IAM_ERROR_PATH_MAX]; /* JSON pointer, e.g. /Statement/2/Effect  */
    char near[IAM_ERROR_NEAR_MAX]; /* the offending text, possibly cut with … */
} iam_error;

/* Writes "name:line:col: message" and, when known, " (at PATH)" and
 * " near 'TEXT'" into buf (always NUL-terminated when cap > 0). Returns the
 * length it wanted, as snprintf does. name may be NULL.
 * Allocates: never. Fails: never. Threads: safe. */
IAM_API size_t iam_error_format(const iam_error *err, const char *name,
                                char *buf, size_t cap);

/* 1-based line and column (in code points) of a byte offset in text.
 * Offsets past the end are clamped. Allocates: never. Fails: never.
 * Threads: safe. */
IAM_API void iam_locate(const char *text, size_t len, size_t offset,
                        uint32_t *line, uint32_t *column);

/* A bump allocator over caller memory. Fields are private. */
typedef struct iam_arena {
    unsigned char *base;
    size_t cap;
    size_t used;
    size_t high_water; /* what the largest failed or successful request needed */
} iam_arena;

/* Makes an arena over buf[0..cap). buf may be NULL only when cap is 0.
 * Allocates: never. Fails: never. Threads: not shared. */
IAM_API void iam_arena_init(iam_arena *arena, void *buf, size_t cap);

/* Forgets everything allocated from the arena (the buffer is reused).
 * Allocates: never. Fails: never. Threads: not shared. */
IAM_API void iam_arena_reset(iam_arena *arena);

/* Bytes handed out so far. Allocates: never. Fails: never. */
IAM_API size_t iam_arena_used(const iam_arena *arena);

/* ------------------------------------------------------------------------ */
/* Limits and options                                                        */
/* ------------------------------------------------------------------------ */

typedef enum iam_policy_kind {
    IAM_POLICY_IDENTITY = 0,  /* user, group or role policy (the default)  */
    IAM_POLICY_BOUNDARY,      /* permissions boundary                      */
    IAM_POLICY_SESSION,       /* session policy                            */
    IAM_POLICY_SCP,           /* service control policy                    */
    IAM_POLICY_RCP,           /* resource control policy                   */
    IAM_POLICY_RESOURCE,      /* resource-based policy (Principal allowed) */
    IAM_POLICY_KIND_COUNT
} iam_policy_kind;

/* Robustness limits (spec §9). A zero field means "use the default". */
typedef struct iam_limits {
    size_t max_document_bytes;   /* default 1 MiB                     */
    size_t max_string_bytes;     /* default 131,072 (decoded bytes)   */
    uint32_t max_depth;          /* default 64, at most 1024          */
    uint32_t max_statements;     /* default 10,000                    */
    uint32_t max_array_elements; /* default 100,000, over the document */
} iam_limits;

/* The compiled-in defaults. Allocates: never. Fails: never. Threads: safe. */
IAM_API iam_limits iam_limits_default(void);

/* AWS's character quota for a policy of this kind (spec §1.12): 6,144 for
 * identity policies and boundaries (a customer managed policy), 2,048 for
 * session policies, 5,120 for SCPs and RCPs, 20,480 for resource policies.
 * Allocates: never. Fails: never. Threads: safe. */
IAM_API size_t iam_policy_quota(iam_policy_kind kind);

/* Also apply CreatePolicy's stage 2: Version must be "2012-10-17". */
#define IAM_PARSE_CREATE_POLICY 0x1u
/* Reject documents whose size without whitespace (spec §1.12) is over
 * quota_chars (or iam_policy_quota(kind) when quota_chars is 0). */
#define IAM_PARSE_ENFORCE_QUOTA 0x2u

typedef struct iam_parse_options {
    iam_policy_kind kind;  /* decides whether Principal is allowed     */
    unsigned flags;        /* IAM_PARSE_* bits                         */
    iam_limits limits;     /* zero fields take the defaults            */
    size_t quota_chars;    /* with IAM_PARSE_ENFORCE_QUOTA; 0 = by kind */
} iam_parse_options;

/* ------------------------------------------------------------------------ */
/* Policy AST (read-only, lives in the arena)                                */
/* ------------------------------------------------------------------------ */

typedef enum iam_version {
    IAM_VERSION_NONE = 0,   /* no Version element (legacy for variables) */
    IAM_VERSION_2008_10_17,
    IAM_VERSION_2012_10_17
} iam_version;

typedef enum iam_effect { IAM_EFFECT_ALLOW = 1, IAM_EFFECT_DENY = 2 } iam_effect;

/* The JSON type a value was written with (before scalar coercion). */
typedef enum iam_value_type {
    IAM_VALUE_STRING = 0,
    IAM_VALUE_NUMBER,
    IAM_VALUE_BOOL
} iam_value_type;

/* One string of an Action/Resource list or one condition value, coerced as
 * spec §1.10.1 says: strings decoded, booleans "true"/"false", numbers as
 * their source lexeme. */
typedef struct iam_value {
    iam_str text;
    uint32_t offset;       /* byte offset of the JSON value in the input */
    uint8_t type;          /* iam_value_type */
} iam_value;

/* A string-or-array element: Action, Resource, a principal's values. */
typedef struct iam_value_list {
    const iam_value *items;
    uint32_t count;
    uint32_t offset;       /* offset of the element's value (string or '[') */
    bool is_array;         /* written as an array */
    bool present;          /* the element appeared in the statement */
} iam_value_list;

/* The 27 base condition operators of spec §3.4. */
typedef enum iam_condition_op {
    IAM_OP_UNKNOWN = 0, /* only for unknown operators with an empty map */
    IAM_OP_STRING_EQUALS, IAM_OP_STRING_NOT_EQUALS,
    IAM_OP_STRING_EQUALS_IGNORE_CASE, IAM_OP_STRING_NOT_EQUALS_IGNORE_CASE,
    IAM_OP_STRING_LIKE, IAM_OP_STRING_NOT_LIKE,
    IAM_OP_NUMERIC_EQUALS, IAM_OP_NUMERIC_NOT_EQUALS,
    IAM_OP_NUMERIC_LESS_THAN, IAM_OP_NUMERIC_LESS_THAN_EQUALS,
    IAM_OP_NUMERIC_GREATER_THAN, IAM_OP_NUMERIC_GREATER_THAN_EQUALS,
    IAM_OP_DATE_EQUALS, IAM_OP_DATE_NOT_EQUALS,
    IAM_OP_DATE_LESS_THAN, IAM_OP_DATE_LESS_THAN_EQUALS,
    IAM_OP_DATE_GREATER_THAN, IAM_OP_DATE_GREATER_THAN_EQUALS,
    IAM_OP_BOOL, IAM_OP_BINARY_EQUALS,
    IAM_OP_IP_ADDRESS, IAM_OP_NOT_IP_ADDRESS,
    IAM_OP_ARN_EQUALS, IAM_OP_ARN_LIKE, IAM_OP_ARN_NOT_EQUALS, IAM_OP_ARN_NOT_LIKE,
    IAM_OP_NULL,
    IAM_OP_COUNT
} iam_condition_op;

typedef enum iam_set_qualifier {
    IAM_QUALIFIER_NONE = 0,
    IAM_QUALIFIER_FOR_ANY_VALUE,
    IAM_QUALIFIER_FOR_ALL_VALUES
} iam_set_qualifier;

/* One (operator, key, values) triple of a Condition block. */
typedef struct iam_condition {
    iam_str operator_text;  /* as written, e.g. "ForAnyValue:StringLikeIfExists" */
    uint8_t op;             /* iam_condition_op */
    uint8_t qualifier;      /* iam_set_qualifier */
    bool if_exists;
    iam_str key;            /* as written; matching folds case (spec §3.2) */
    iam_value_list values;  /* never empty unless written as [] */
    uint32_t operator_offset;
    uint32_t key_offset;
} iam_condition;

/* A principal entry: "*" (type empty) or one "AWS"/"Service"/... key. */
typedef struct iam_principal {
    iam_str type;           /* "AWS", "Service", "Federated", "CanonicalUser"; empty for "*" */
    iam_value_list values;
} iam_principal;

typedef struct iam_statement {
    iam_str sid;
    bool has_sid;
    uint8_t effect;             /* iam_effect */
    bool not_action;            /* the list is NotAction */
    bool not_resource;          /* the list is NotResource */
    bool not_principal;         /* the principals are NotPrincipal */
    iam_value_list actions;     /* Action or NotAction */
    iam_value_list resources;   /* Resource or NotResource */
    const iam_principal *principals; /* resource-based policies only */
    uint32_t principal_count;
    bool has_principal;
    const iam_condition *conditions;
    uint32_t condition_count;
    uint32_t offset;            /* offset of the statement's '{' */
    uint32_t effect_offset;     /* offset of the Effect value */
    uint32_t sid_offset;        /* offset of the Sid value (when has_sid) */
} iam_statement;

typedef struct iam_policy {
    uint8_t version;            /* iam_version */
    uint8_t kind;               /* iam_policy_kind it was parsed as */
    iam_str id;
    bool has_id;
    bool statement_is_array;
    const iam_statement *statements;
    uint32_t statement_count;
    size_t source_bytes;        /* length of the JSON it came from */
} iam_policy;

/* ------------------------------------------------------------------------ */
/* Parsing                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct iam_parser iam_parser; /* opaque; owns the JSON layer's buffers */

/* Makes a reusable parser. Its buffers grow on demand (on the heap, cold
 * path) and are kept, so that once warm, parsing allocates nothing.
 * Allocates: heap. Fails: IAM_E_ARG, IAM_E_NOMEM. Threads: the parser is
 * not shared; use one per thread. */
IAM_API iam_status iam_parser_create(iam_parser **out);

/* Grows the parser's buffers for documents up to json_bytes now, so the
 * first parse of such a document allocates nothing. Allocates: heap.
 * Fails: IAM_E_ARG, IAM_E_NOMEM. Threads: not shared. */
IAM_API iam_status iam_parser_reserve(iam_parser *parser, size_t json_bytes);

/* Frees the parser (NULL is fine). Policies parsed with it stay valid: they
 * live in their arenas. Allocates: never. Fails: never. */
IAM_API void iam_parser_destroy(iam_parser *parser);

/*
 * Parses one policy document json[0..len) into the arena. On success *out
 * points into the arena and IAM_OK is returned. On failure *out is NULL,
 * the arena is rolled back to where it was, and err (if not NULL) says what
 * and where: the first violation in IAM's validation order (spec §1.13),
 * within a stage the first in document order.
 * The input need not be NUL-terminated or padded; it is not kept.
 * options may be NULL (identity policy, default limits).
 * Allocates: arena only once the parser is warm (heap to grow the parser).
 * Fails: returns iam_status. Threads: not shared (parser and arena).
 */
IAM_API iam_status iam_policy_parse(iam_parser *parser, iam_arena *arena,
                                    const char *json, size_t len,
                                    const iam_parse_options *options,
                                    const iam_policy **out, iam_error *err);

/* An upper bound on the arena bytes iam_policy_parse needs for any document
 * of json_len bytes. Allocates: never. Fails: never. Threads: safe. */
IAM_API size_t iam_policy_parse_bound(size_t json_len);

/* The exact arena bytes iam_policy_parse needs for this document in an
 * arena whose buffer is 64-byte aligned (any other buffer needs at most 63
 * more); 0 when it does not parse (err then says why). Allocates: as iam_policy_parse.
 * Fails: returns 0. Threads: not shared. */
IAM_API size_t iam_policy_measure(iam_parser *parser, const char *json,
                                  size_t len, const iam_parse_options *options,
                                  iam_error *err);

/* Size of a document as IAM's quotas count it (spec §1.12): characters
 * outside insignificant whitespace (string contents untouched), and, for a
 * conservative lint, characters that are not whitespace at all.
 * Allocates: never. Fails: never. Threads: safe. */
IAM_API void iam_policy_size(const char *json, size_t len, size_t *minified,
                             size_t *no_whitespace);

/* The canonical name of an operator ("StringEquals"), "" for unknown.
 * Allocates: never. Fails: never. Threads: safe. */
IAM_API const char *iam_condition_op_name(iam_condition_op op);

/* ------------------------------------------------------------------------ */
/* Policy sets and decisions                                                 */
/* ------------------------------------------------------------------------ */

/* Zero is deny: zeroed memory and every early return mean deny. */
typedef enum iam_decision {
    IAM_DENY_IMPLICIT = 0,
    IAM_ALLOW = 1,
    IAM_DENY_EXPLICIT = 2
} iam_decision;

/* One policy of a batch to compile, with the role it plays (spec §6.2). */
typedef struct iam_policy_input {
    const iam_policy *policy;   /* must outlive the compiled set */
    iam_policy_kind kind;       /* overrides policy->kind */
    uint32_t level;             /* SCP/RCP: organisation level, 0..7 */
    iam_str name;               /* for explanations; may be empty */
} iam_policy_input;

/* One context key (spec §3.2): a single value, or a list (multi = true,
 * possibly of one value or of none). Values are text, parsed by each
 * operator (dates, numbers, IPs, booleans, base64 as AWS sends them). */
typedef struct iam_context_entry {
    iam_str key;                /* matched ignoring ASCII case */
    const iam_str *values;
    uint32_t count;
    bool multi;
} iam_context_entry;

typedef struct iam_request {
    iam_str action;             /* "chime:ListUsers" */
    iam_str resource;           /* an ARN, or "*" for wildcard-only actions */
    iam_str principal;          /* the caller's ARN (may be empty) */
    const iam_context_entry *context;
    uint32_t context_count;
} iam_request;

/* A statement that decided: which input policy, which statement. */
typedef struct iam_statement_ref {
    uint32_t policy;            /* index into the compiled inputs */
    uint32_t statement;         /* index within that policy */
    uint8_t effect;             /* iam_effect */
    uint8_t kind;               /* iam_policy_kind of that input */
    iam_str policy_name;        /* the input's name */
    iam_str sid;                /* the statement's Sid (empty if none) */
} iam_statement_ref;

/* Optional explanation, all memory the caller's; counts may exceed caps
 * (then the lists were cut). */
typedef struct iam_explain {
    iam_statement_ref *matched; /* Allow: the allowing identity/resource
                                   statements; ExplicitDeny: the denying ones */
    uint32_t matched_cap, matched_count;
    iam_str *missing;           /* context keys a matching statement's
                                   conditions needed but the request lacked */
    uint32_t missing_cap, missing_count;
} iam_explain;

typedef struct iam_policy_set iam_policy_set; /* opaque, immutable */

/* Compiles a batch of parsed policies into one immutable set inside the
 * arena. The set points into the policies' ASTs: keep their arenas alive.
 * On failure *out is NULL (and iam_eval on NULL denies).
 * Allocates: arena (the set; while compiling, also about 32 bytes an
 * Action pattern, given back before it returns); scratch from the stack
 * (about 6 KB) for small batches (most single policies), else from the
 * heap (cold path).
 * Fails: IAM_E_ARG, IAM_E_NOMEM, IAM_E_LIMIT_STATEMENTS. Threads: not shared. */
IAM_API iam_status iam_policy_set_compile(iam_arena *arena, const iam_policy_input *inputs,
                                          size_t count, const iam_policy_set **out,
                                          iam_error *err);

/* The arena bytes iam_policy_set_compile needs for this batch in an arena
 * whose buffer is 64-byte aligned (any other needs at most 63 more): its
 * peak, a little more than the set keeps. 0 when it cannot compile.
 * Allocates: heap. Fails: returns 0. */
IAM_API size_t iam_policy_set_measure(const iam_policy_input *inputs, size_t count);

/* Decides a request (spec §6.3). Pure: no heap, no global state, bounded
 * stack (about 18 KiB, whatever the set's size: the action index's span
 * list and a buffer for policy variables); safe from any number of threads on
 * one set. The work grows with the statements the request's action
 * reaches, not with the set: Deny statements are visited first and the
 * visit stops once the decision is final. A NULL set, NULL
 * request or malformed request denies. explain may be NULL.
 * Allocates: never. Fails: never (deny). Threads: safe on a shared set. */
IAM_API iam_decision iam_eval(const iam_policy_set *set, const iam_request *request,
                              iam_explain *explain);

/* "Allow", "ExplicitDeny", "ImplicitDeny". Allocates: never. */
IAM_API const char *iam_decision_name(iam_decision decision);

/* The version string of the library ("0.1.0"). Allocates: never. */
IAM_API const char *iam_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* IAMGATE_INCLUDE_IAMGATE_H */
