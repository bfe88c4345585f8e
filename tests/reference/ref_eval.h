/*
 * ref_eval.h — the REFERENCE evaluator: a slow, plain reading of
 * /work/shared/spec/iam-policy-semantics.md §2–§6 over the parsed policy
 * ASTs, using only the reference matchers of glob.h and the value parsers
 * of base/values.h. It is the oracle that iam_eval (core/src/eval) is
 * tested and fuzzed against, so it shares no code with core/src/eval.
 */
#ifndef IAMGATE_TESTS_REFERENCE_REF_EVAL_H
#define IAMGATE_TESTS_REFERENCE_REF_EVAL_H

#include <stddef.h>

#include "iamgate.h"

/* Decides request against the policies as AWS would (spec §6.3); inputs as
 * for iam_policy_set_compile. Allocates: never (stack buffers only).
 * A NULL or malformed request denies (IAM_DENY_IMPLICIT). */
iam_decision ref_eval(const iam_policy_input *inputs, size_t count, const iam_request *request);

#endif /* IAMGATE_TESTS_REFERENCE_REF_EVAL_H */
