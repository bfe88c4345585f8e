/*
 * test_eval_threads.c — two threads evaluate the same compiled set at
 * once and must agree with a single-threaded pass (run under
 * ThreadSanitizer by the "tsan" preset, where any data race fails).
 */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <pthread.h>

static const iam_policy_set *shared_set;
static const char *const actions[] = {"chime:ListUsers", "chime:GetUser", "chime:DeleteAccount",
                                      "chime:CreateAccount", "s3:GetObject", "chime:SearchAvailablePhoneNumbers"};
enum { ROUNDS = 20000, ACTIONS = 6 };
static iam_decision expected[ACTIONS];

static iam_decision decide(int a)
{
    iam_str mfa = {"false", 5};
    iam_context_entry ctx = {{"aws:MultiFactorAuthPresent", 26}, &mfa, 1, false};
    iam_request r = {{actions[a], strlen(actions[a])}, {"*", 1}, {"", 0}, &ctx, 1};
    iam_statement_ref matched[8];
    iam_str missing[8];
    iam_explain ex = {matched, 8, 0, missing, 8, 0};
    return iam_eval(shared_set, &r, &ex);
}

static void *worker(void *arg)
{
    long *disagreements = arg;
    for (int i = 0; i < ROUNDS; i++)
        *disagreements += decide(i % ACTIONS) != expected[i % ACTIONS];
    return NULL;
}

int main(void)
{
    static const char *const files[] = {"AmazonChimeReadOnly", "AmazonChimeUserManagement"};
    iam_parser *parser = NULL;
    iam_parser_create(&parser);
    size_t cap = 16u << 20;
    void *memory = test_aligned_alloc(cap);
    iam_arena arena;
    iam_arena_init(&arena, memory, cap);
    iam_policy_input in[3];
    char *docs[2];
    for (int i = 0; i < 2; i++) {
        char path[512];
        size_t len = 0;
        snprintf(path, sizeof path, "%s/data/managed-policies/%s.json", IAM_SOURCE_DIR, files[i]);
        docs[i] = test_read_file(path, &len);
        const iam_policy *p = NULL;
        CHECK_STATUS(iam_policy_parse(parser, &arena, docs[i], len, NULL, &p, NULL), IAM_OK);
        iam_policy_input pi = {p, IAM_POLICY_IDENTITY, 0, {files[i], strlen(files[i])}};
        in[i] = pi;
    }
    static const char deny[] = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\","
                               "\"Action\":\"chime:Delete*\",\"Resource\":\"*\",\"Condition\":"
                               "{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}}";
    const iam_policy *p = NULL;
    CHECK_STATUS(iam_policy_parse(parser, &arena, deny, sizeof deny - 1, NULL, &p, NULL), IAM_OK);
    iam_policy_input pi = {p, IAM_POLICY_IDENTITY, 0, {"DenyDeleteWithoutMfa", 20}};
    in[2] = pi;
    CHECK_STATUS(iam_policy_set_compile(&arena, in, 3, &shared_set, NULL), IAM_OK);
    for (int a = 0; a < ACTIONS; a++)
        expected[a] = decide(a);
    /* From the policies (spec §2.2, §3.4.4, §6.3): */
    CHECK_EQ_INT(expected[0], IAM_ALLOW);          /* List* (ReadOnly) */
    CHECK_EQ_INT(expected[2], IAM_DENY_EXPLICIT);  /* Delete* denied without MFA */
    CHECK_EQ_INT(expected[4], IAM_DENY_IMPLICIT);  /* not granted */
    long d1 = 0, d2 = 0;
    pthread_t t1, t2;
    pthread_create(&t1, NULL, worker, &d1);
    pthread_create(&t2, NULL, worker, &d2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    CHECK_EQ_INT(d1 + d2, 0);
    printf("2 threads x %d decisions on one set, %ld disagreements\n", ROUNDS, d1 + d2);
    free(docs[0]);
    free(docs[1]);
    free(memory);
    iam_parser_destroy(parser);
    return test_summary("eval threads");
}
