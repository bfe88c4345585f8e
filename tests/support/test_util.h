/* test_util.h — a tiny, non-aborting assertion kit shared by the tests. */
#ifndef IAMGATE_TESTS_TEST_UTIL_H
#define IAMGATE_TESTS_TEST_UTIL_H

#include "iamgate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int test_failures;
extern int test_checks;

#define CHECK(cond)                                                          \
    do {                                                                     \
        test_checks++;                                                       \
        if (!(cond)) {                                                       \
            test_failures++;                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

#define CHECK_EQ_INT(got, want)                                              \
    do {                                                                     \
        long long g_ = (long long)(got), w_ = (long long)(want);             \
        test_checks++;                                                       \
        if (g_ != w_) {                                                      \
            test_failures++;                                                 \
            fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", __FILE__,\
                    __LINE__, #got, w_, g_);                                 \
        }                                                                    \
    } while (0)

#define CHECK_STATUS(got, want)                                              \
    do {                                                                     \
        iam_status g_ = (got), w_ = (want);                                  \
        test_checks++;                                                       \
        if (g_ != w_) {                                                      \
            test_failures++;                                                 \
            fprintf(stderr, "%s:%d: %s: expected %s, got %s\n", __FILE__,    \
                    __LINE__, #got, iam_status_name(w_), iam_status_name(g_)); \
        }                                                                    \
    } while (0)

/* Prints "N passed, M failed" and returns the exit status. */
int test_summary(const char *name);

/* A whole file (NUL-terminated for convenience); NULL on error. */
char *test_read_file(const char *path, size_t *len);

/* One policy of the corpus: its name and its document's bytes. */
typedef struct corpus_policy {
    const char *name;
    size_t name_len;
    const char *doc;
    size_t doc_len;
} corpus_policy;

/* Loads corpus/aws-managed-policies.jsonl (one {"name":..,"document":..}
 * a line). The returned array and the text stay valid until freed with
 * corpus_free. */
corpus_policy *corpus_load(size_t *count);
void corpus_free(corpus_policy *policies);
const corpus_policy *corpus_find(const corpus_policy *p, size_t n, const char *name);

/* A buffer aligned for any type, for arenas. */
void *test_aligned_alloc(size_t size);

#ifndef IAM_SOURCE_DIR
#define IAM_SOURCE_DIR "."
#endif

#endif /* IAMGATE_TESTS_TEST_UTIL_H */
