/*
 * lint_internal.h — the linter's shared pieces: the run's context, how a
 * check reports a finding, and JSON pointers to the AST's elements.
 *
 * Each check family lives in its own file and walks the parsed policy:
 *   lint.c            entry point, parse errors, document-level checks
 *   lint_actions.c    Action/NotAction against the catalog
 *   lint_resources.c  Resource/NotResource ARNs against the catalog
 *   lint_conditions.c condition keys, operators and values
 */
#ifndef IAMGATE_CORE_LINT_LINT_INTERNAL_H
#define IAMGATE_CORE_LINT_LINT_INTERNAL_H

#include "../internal.h"
#include "iamgate_catalog.h"
#include "iamgate_lint.h"

typedef struct lint_ctx {
    const char *json;          /* the input, for positions */
    size_t len;
    const iam_policy *policy;
    iam_policy_kind kind;
    iam_finding *out;
    size_t cap, count;
} lint_ctx;

/* One check's identity: code, severity, spec section and advice, so that
 * every report of it says the same (and the table is the documentation). */
typedef struct lint_check {
    const char *code;
    uint8_t severity;          /* iam_severity */
    const char *spec;
    const char *advice;
} lint_check;

/* Reports a finding over json[offset, offset+length) at pointer path
 * (message is printf-style; cut to fit). */
IAM_INTERNAL void lint_report(lint_ctx *ctx, const lint_check *check, size_t offset,
                              size_t length, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* The byte length of the JSON value starting at offset (a string with its
 * quotes, a number, a literal, or a whole array/object). */
IAM_INTERNAL size_t lint_value_length(const lint_ctx *ctx, size_t offset);

/* JSON pointers (cap is IAM_ERROR_PATH_MAX):
 *   /Statement/2            (or /Statement when it is one object)
 *   /Statement/2/Action/1   (or .../Action for a single string)
 *   /Statement/2/Condition/StringEquals/aws:username/0             */
IAM_INTERNAL void lint_path_statement(const lint_ctx *ctx, uint32_t s, char *out);
IAM_INTERNAL void lint_path_element(const lint_ctx *ctx, uint32_t s, const char *element,
                                    char *out);
IAM_INTERNAL void lint_path_item(const lint_ctx *ctx, uint32_t s, const char *element,
                                 const iam_value_list *list, uint32_t i, char *out);
/* value < 0: the key itself. */
IAM_INTERNAL void lint_path_condition(const lint_ctx *ctx, uint32_t s, const iam_condition *c,
                                      int value, char *out);

/* The check families. Each walks ctx->policy and reports what it finds. */
IAM_INTERNAL void lint_actions(lint_ctx *ctx);
IAM_INTERNAL void lint_resources(lint_ctx *ctx);
IAM_INTERNAL void lint_conditions(lint_ctx *ctx);

/* Case-insensitive (ASCII) equality of an iam_str and a C string. */
IAM_INTERNAL bool lint_str_ieq(iam_str a, const char *b);
/* Equality of two strings: ignoring ASCII case, or byte for byte. */
IAM_INTERNAL bool lint_same_fold(iam_str a, iam_str b);
IAM_INTERNAL bool lint_same_bytes(iam_str a, iam_str b);
/* Whether s has '*' or '?'. */
IAM_INTERNAL bool lint_has_wildcard(iam_str s);

#endif /* IAMGATE_CORE_LINT_LINT_INTERNAL_H */
