/*
 * test_eval_alloc.c — iam_eval allocates nothing: malloc, calloc and
 * realloc are interposed with a counter, and 1,000,000 decisions over
 * corpus policies (explain on and off) must not move it.
 * (Not built under sanitizers, which own the allocator.)
 */
#include "test_util.h"
#include "count_alloc.h"


static const char *const actions[] = {
    "chime:ListUsers", "chime:DeleteAccount", "s3:GetObject", "iam:PassRole", "ec2:RunInstances",
    "sagemaker:CreateTrainingJob", "logs:PutLogEvents", "kms:Decrypt",
};
static const char *const resources[] = {
    "*", "arn:aws:s3:::bucket/key", "arn:aws:iam::123456789012:role/service-role/x",
    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:log-stream:s",
};

int main(void)
{
    size_t n = 0;
    corpus_policy *corpus = corpus_load(&n);
    iam_parser *parser = NULL;
    iam_parser_create(&parser);
    size_t cap = 256u << 20;
    unsigned char *memory = test_aligned_alloc(cap);
    iam_arena arena;
    iam_arena_init(&arena, memory, cap);
    /* Sets of 5 corpus policies each, as a principal would have. */
    enum { SETS = 64 };
    const iam_policy_set *sets[SETS];
    for (int s = 0; s < SETS; s++) {
        iam_policy_input in[5];
        for (int k = 0; k < 5; k++) {
            const corpus_policy *c = &corpus[(size_t)(s * 37 + k * 211) % n];
            const iam_policy *p = NULL;
            CHECK_STATUS(iam_policy_parse(parser, &arena, c->doc, c->doc_len, NULL, &p, NULL), IAM_OK);
            iam_policy_input pi = {p, IAM_POLICY_IDENTITY, 0, {c->name, c->name_len}};
            in[k] = pi;
        }
        CHECK_STATUS(iam_policy_set_compile(&arena, in, 5, &sets[s], NULL), IAM_OK);
    }
    iam_str values[2] = {{"true", 4}, {"203.0.113.7", 11}};
    iam_context_entry ctx[2] = {{{"aws:MultiFactorAuthPresent", 26}, &values[0], 1, false},
                                {{"aws:SourceIp", 12}, &values[1], 1, false}};
    iam_statement_ref matched[16];
    iam_str missing[16];
    iam_explain explain = {matched, 16, 0, missing, 16, 0};
    unsigned long before = count_alloc_calls, decisions = 0, allows = 0;
    for (unsigned long i = 0; i < 1000000; i++) {
        iam_request r = {{actions[i % 8], strlen(actions[i % 8])},
                         {resources[(i / 8) % 4], strlen(resources[(i / 8) % 4])},
                         {"arn:aws:iam::123456789012:user/alice", 36}, ctx, 2};
        iam_decision d = iam_eval(sets[i % SETS], &r, (i & 1) ? &explain : NULL);
        allows += d == IAM_ALLOW;
        decisions++;
    }
    unsigned long during = count_alloc_calls - before;
    printf("%lu decisions (%lu allowed), heap allocations: %lu\n", decisions, allows, during);
    CHECK_EQ_INT(during, 0);
    CHECK(allows > 0 && allows < decisions); /* the workload is not trivial */
    free(memory);
    iam_parser_destroy(parser);
    corpus_free(corpus);
    return test_summary("eval alloc");
}
