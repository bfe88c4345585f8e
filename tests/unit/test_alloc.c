/*
 * test_alloc.c — proves that a warm parser allocates nothing on the heap:
 * malloc, calloc, realloc and free are interposed with counters, and every
 * corpus policy is parsed after one warm-up pass.
 * (Not built under sanitizers, which own the allocator.)
 */
#include "test_util.h"
#include "count_alloc.h"

#include <stddef.h>


static size_t parse_all(iam_parser *parser, const corpus_policy *c, size_t n,
                        void *buf, size_t cap)
{
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        iam_arena arena;
        iam_arena_init(&arena, buf, cap);
        const iam_policy *p = NULL;
        ok += iam_policy_parse(parser, &arena, c[i].doc, c[i].doc_len, NULL, &p, NULL) == IAM_OK;
    }
    return ok;
}

int main(void)
{
    size_t n = 0;
    corpus_policy *corpus = corpus_load(&n);
    CHECK(corpus != NULL && n == 1594);
    iam_parser *parser = NULL;
    CHECK_STATUS(iam_parser_create(&parser), IAM_OK);
    size_t cap = 64u << 20;
    void *buf = test_aligned_alloc(cap);
    /* Warm-up: the parser grows to the largest document once. */
    CHECK_EQ_INT(parse_all(parser, corpus, n, buf, cap), n);
    unsigned long before = count_alloc_calls;
    for (int round = 0; round < 3; round++)
        CHECK_EQ_INT(parse_all(parser, corpus, n, buf, cap), n);
    unsigned long during = count_alloc_calls - before;
    printf("heap allocations in %zu warm parses: %lu\n", 3 * n, during);
    CHECK_EQ_INT(during, 0);
    /* The counter works: a cold parser allocates. */
    iam_parser *cold = NULL;
    before = count_alloc_calls;
    iam_parser_create(&cold);
    CHECK(parse_all(cold, corpus, 1, buf, cap) == 1);
    CHECK(count_alloc_calls > before);
    iam_parser_destroy(cold);
    free(buf);
    iam_parser_destroy(parser);
    corpus_free(corpus);
    return test_summary("alloc");
}
