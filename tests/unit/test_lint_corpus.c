/*
 * test_lint_corpus.c — all 1,594 AWS managed policies through iam_lint:
 * nothing crashes, every finding lies inside its document with the line and
 * column of its offset, and the ERROR findings are exactly the explained
 * ones below (AWS's own policies are valid: an ERROR there is either a real
 * defect in the published policy or a bug in the linter).
 * Prints the count of findings by code (`test_lint_corpus -v` also lists
 * each ERROR).
 */
#include "test_util.h"
#include "iamgate_lint.h"

enum { MAX_FINDINGS = 4096, MAX_CODES = 256 };

/* The ERROR findings expected in the corpus: policy, code, and why. */
typedef struct known_error {
    const char *policy;
    const char *code;
    const char *why;
} known_error;

static const known_error known_errors[] = {
#include "lint_corpus_errors.inc"
};

typedef struct code_count {
    const char *code;
    uint8_t severity;
    size_t count;
} code_count;

static code_count codes[MAX_CODES];
static size_t code_total;

static void tally(const iam_finding *f)
{
    size_t i = 0;
    while (i < code_total && strcmp(codes[i].code, f->code) != 0)
        i++;
    if (i == code_total && code_total < MAX_CODES)
        codes[code_total++] = (code_count){f->code, f->severity, 0};
    if (i < MAX_CODES)
        codes[i].count++;
}

static bool error_is_known(const corpus_policy *c, const iam_finding *f)
{
    for (size_t i = 0; i < sizeof known_errors / sizeof *known_errors; i++)
        if (strlen(known_errors[i].policy) == c->name_len &&
            memcmp(known_errors[i].policy, c->name, c->name_len) == 0 &&
            strcmp(known_errors[i].code, f->code) == 0)
            return true;
    return false;
}

static void check_position(const corpus_policy *c, const iam_finding *f)
{
    uint32_t line, column;
    CHECK(f->offset + f->length <= c->doc_len);
    iam_locate(c->doc, c->doc_len, f->offset, &line, &column);
    CHECK(line == f->line && column == f->column);
    CHECK(f->message[0] != '\0' && f->advice != NULL && f->spec != NULL);
}

int main(int argc, char **argv)
{
    bool verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    size_t n = 0;
    corpus_policy *corpus = corpus_load(&n);
    CHECK_EQ_INT(n, 1594);
    if (corpus == NULL)
        return test_summary("lint_corpus");
    iam_parser *parser = NULL;
    CHECK_STATUS(iam_parser_create(&parser), IAM_OK);
    size_t cap = 64u << 20;
    void *buf = test_aligned_alloc(cap);
    iam_finding *found = malloc(MAX_FINDINGS * sizeof *found);
    size_t errors = 0, unexplained = 0;
    for (size_t i = 0; i < n; i++) {
        iam_arena arena;
        iam_arena_init(&arena, buf, cap);
        size_t count = 0;
        iam_lint_options options = {IAM_POLICY_IDENTITY, 0};
        CHECK_STATUS(iam_lint(parser, &arena, corpus[i].doc, corpus[i].doc_len, &options, found,
                              MAX_FINDINGS, &count), IAM_OK);
        CHECK(count <= MAX_FINDINGS);
        for (size_t k = 0; k < count && k < MAX_FINDINGS; k++) {
            const iam_finding *f = &found[k];
            tally(f);
            check_position(&corpus[i], f);
            if (f->severity != IAM_SEVERITY_ERROR)
                continue;
            errors++;
            bool known = error_is_known(&corpus[i], f);
            unexplained += !known;
            if (verbose || !known)
                fprintf(stderr, "%s%.*s: %s %u:%u %s\n", known ? "" : "UNEXPLAINED ERROR: ",
                        (int)corpus[i].name_len, corpus[i].name, f->code, f->line, f->column, f->message);
        }
    }
    for (size_t i = 0; i < code_total; i++)
        printf("%-58s %-16s %zu\n", codes[i].code, iam_severity_name((iam_severity)codes[i].severity),
               codes[i].count);
    printf("ERROR findings: %zu (explained: %zu entries)\n", errors,
           sizeof known_errors / sizeof *known_errors);
    CHECK_EQ_INT(unexplained, 0);
    /* Pinned: 162 ERROR findings in 41 (policy, code) pairs, each explained
     * in lint_corpus_errors.inc (retired services and actions missing from
     * the Service Authorization Reference, ARNs that fit no format). */
    CHECK_EQ_INT(errors, 162);
    free(found);
    free(buf);
    iam_parser_destroy(parser);
    corpus_free(corpus);
    return test_summary("lint_corpus");
}
