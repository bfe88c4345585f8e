/*
 * iamgate_lint.h — policy validation in the manner of IAM Access Analyzer's
 * ValidatePolicy (spec §8): findings with a severity, an issue code (AWS's
 * where one exists, else a documented X_ code, spec §8.4), a message, a line
 * of advice, and the exact place (offset, length, line, column, JSON
 * pointer) in the input.
 *
 * The catalog (iamgate_catalog.h) tells which services, actions, resource
 * types and condition keys exist. Lint is a cold path: it parses into the
 * caller's arena and allocates nothing else.
 */
#ifndef IAMGATE_INCLUDE_IAMGATE_LINT_H
#define IAMGATE_INCLUDE_IAMGATE_LINT_H

#include "iamgate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Ordered: a higher value is more severe (--fail-on compares them). */
typedef enum iam_severity {
    IAM_SEVERITY_SUGGESTION = 1,
    IAM_SEVERITY_WARNING,
    IAM_SEVERITY_SECURITY_WARNING,
    IAM_SEVERITY_ERROR
} iam_severity;

/* "ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION". */
IAM_API const char *iam_severity_name(iam_severity severity);

#define IAM_FINDING_MESSAGE_MAX 240

typedef struct iam_finding {
    uint8_t severity;           /* iam_severity */
    const char *code;           /* static: "INVALID_ACTION", "X_NOTRESOURCE_ALLOW" */
    const char *advice;         /* static: one line on how to fix it */
    const char *spec;           /* static: the spec section, "§2.2" */
    char message[IAM_FINDING_MESSAGE_MAX]; /* what is wrong, with the text at fault */
    size_t offset, length;      /* the span in the input (length may be 0) */
    uint32_t line, column;      /* 1-based start; column counts code points */
    uint32_t end_line, end_column; /* 1-based, one past the span's end */
    char path[IAM_ERROR_PATH_MAX]; /* JSON pointer: /Statement/0/Action/2 */
} iam_finding;

typedef struct iam_lint_options {
    iam_policy_kind kind;       /* identity (also boundary, session) or scp */
    unsigned flags;             /* reserved, 0 */
} iam_lint_options;

/* Lints one policy document. Findings are written in document order (then
 * by severity) into out[0..cap); *count is how many there were, which may
 * exceed cap. A document that does not parse gives exactly one ERROR
 * finding (the parser's first error, as JSON_SYNTAX_ERROR or the matching
 * Access Analyzer code). Returns IAM_OK when linting ran (whatever it
 * found), IAM_E_NOMEM when the arena is too small for the document
 * (iam_policy_parse_bound(len) is always enough), IAM_E_ARG on misuse.
 * Allocates: arena only. Threads: not shared (parser, arena). */
IAM_API iam_status iam_lint(iam_parser *parser, iam_arena *arena, const char *json, size_t len,
                            const iam_lint_options *options, iam_finding *out, size_t cap,
                            size_t *count);

#ifdef __cplusplus
}
#endif

#endif /* IAMGATE_INCLUDE_IAMGATE_LINT_H */
