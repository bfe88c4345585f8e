/*
 * test_arena_steps.c — out-of-arena paths: a policy parsed with capacity 0,
 * 1, 2, ... fails with IAM_E_NOMEM (and a rolled-back arena) at every step
 * below what iam_policy_measure reports, and succeeds exactly there; that
 * size is within iam_policy_parse_bound.
 */
#include "test_util.h"

static void step_policy(iam_parser *parser, const char *name, const char *doc, size_t len)
{
    iam_error err;
    size_t need = iam_policy_measure(parser, doc, len, NULL, &err);
    CHECK(need > 0);
    CHECK(need <= iam_policy_parse_bound(len));
    unsigned char *buf = test_aligned_alloc(need + 64);
    size_t wrong = 0;
    for (size_t cap = 0; cap < need; cap++) {
        iam_arena arena;
        iam_arena_init(&arena, buf, cap);
        const iam_policy *p = (const iam_policy *)1;
        memset(&err, 0xA5, sizeof err);
        iam_status s = iam_policy_parse(parser, &arena, doc, len, NULL, &p, &err);
        if (s != IAM_E_NOMEM || err.code != IAM_E_NOMEM || p != NULL || arena.used != 0 ||
            err.message == NULL)
            wrong++;
    }
    CHECK_EQ_INT(wrong, 0);
    iam_arena arena;
    iam_arena_init(&arena, buf, need);
    const iam_policy *p = NULL;
    CHECK_STATUS(iam_policy_parse(parser, &arena, doc, len, NULL, &p, &err), IAM_OK);
    CHECK(p != NULL && arena.used == need);
    printf("%s: %zu bytes of JSON need %zu arena bytes (bound %zu)\n", name, len, need,
           iam_policy_parse_bound(len));
    free(buf);
}

int main(void)
{
    iam_parser *parser = NULL;
    CHECK_STATUS(iam_parser_create(&parser), IAM_OK);
    static const char *const files[] = {
        "AmazonChimeReadOnly", "AmazonChimeUserManagement", "AmazonChimeFullAccess",
        "AmazonChimeVoiceConnectorServiceLinkedRolePolicy", "AmazonChimeSDK",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/data/managed-policies/%s.json", IAM_SOURCE_DIR, files[i]);
        size_t len = 0;
        char *doc = test_read_file(path, &len);
        CHECK(doc != NULL);
        if (doc != NULL)
            step_policy(parser, files[i], doc, len);
        free(doc);
    }
    /* A corpus policy with conditions, principals of every list shape. */
    size_t n = 0;
    corpus_policy *corpus = corpus_load(&n);
    const corpus_policy *c = corpus_find(corpus, n, "AmazonEC2FullAccess");
    CHECK(c != NULL);
    if (c != NULL)
        step_policy(parser, "AmazonEC2FullAccess", c->doc, c->doc_len);
    corpus_free(corpus);
    iam_parser_destroy(parser);
    return test_summary("arena steps");
}
