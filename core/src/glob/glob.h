/*
 * glob.h — the reference matchers of spec §2: plain code, written to be
 * obviously correct, that the compiled automaton is tested and fuzzed
 * against (STYLE R10). Strings are (pointer, length) and need no NUL.
 * None of these allocates or recurses; each uses O(1) extra space and at
 * most O(|pattern|·|subject|) time (spec §2.1).
 */
#ifndef IAMGATE_CORE_GLOB_GLOB_H
#define IAMGATE_CORE_GLOB_GLOB_H

#include "../internal.h"

/* Anchored glob (spec §2.1, StringLike of §3.4.1): '*' matches any run of
 * bytes (none, '/' and ':' included), '?' exactly one UTF-8 code point (a
 * byte and the continuation bytes after it; a ':' is always alone, so that
 * ARN fields split alike alone or together), a literal code point of the
 * pattern the same code point of the subject; ASCII letters fold when
 * fold_case. There is no escape character. */
IAM_INTERNAL bool glob_match_reference(const char *pattern, size_t pattern_len,
                                       const char *subject, size_t subject_len,
                                       bool fold_case);

/* An Action element string against a request action "vendor:Name" (spec
 * §2.2): "*" matches every action; otherwise the pattern needs exactly one
 * colon, its vendor equals the request's vendor ignoring ASCII case and
 * literally (a '*' or '?' there is an ordinary character: strict mode of
 * §1.8), and its action part, when not empty and free of whitespace, is a
 * case-insensitive glob over the request's name. */
IAM_INTERNAL bool glob_match_action_reference(const char *pattern,
                                              size_t pattern_len,
                                              const char *action,
                                              size_t action_len);

/* A Resource element string of an identity policy against a request
 * resource (spec §2.3.2, §2.3.4, §2.3.6): "*" matches anything; a request
 * resource "*" is matched by "*" only; otherwise both are cut at their
 * first five colons, a short pattern is padded with ":*" fields, and the
 * fields are globs compared pairwise, partition, service, region and
 * account ignoring ASCII case, the resource part exactly. A pattern field
 * among the first five that ends in '*' matches the rest of the request
 * from that field on as one glob ([DOC] rule of §2.3.2 item 3); in that
 * glob a request byte folds case when it lies before the request's
 * resource part, exactly as in the field-by-field comparison. */
IAM_INTERNAL bool glob_match_resource_reference(const char *pattern,
                                                size_t pattern_len,
                                                const char *resource,
                                                size_t resource_len);

/* ArnLike / ArnEquals (spec §3.4.7): the six fields compared pairwise as
 * case-sensitive globs, each confined to its own field (the §2.3.5
 * example); a pattern or value with fewer than six fields matches
 * nothing, "*" included. */
IAM_INTERNAL bool glob_match_arn_reference(const char *pattern,
                                           size_t pattern_len,
                                           const char *arn, size_t arn_len);

/* The same three matchers for patterns that came out of policy-variable
 * substitution (spec §4.2.1): bit i of `literal` set means pattern byte i
 * is a literal character even if it is '*' or '?'. NULL means none. */
IAM_INTERNAL bool glob_match_literal(const char *pattern, size_t pattern_len,
                                     const uint8_t *literal, const char *subject,
                                     size_t subject_len, bool fold_case);
IAM_INTERNAL bool glob_match_resource_literal(const char *pattern, size_t pattern_len,
                                              const uint8_t *literal, const char *resource,
                                              size_t resource_len);
IAM_INTERNAL bool glob_match_arn_literal(const char *pattern, size_t pattern_len,
                                         const uint8_t *literal, const char *arn,
                                         size_t arn_len);

#endif /* IAMGATE_CORE_GLOB_GLOB_H */
