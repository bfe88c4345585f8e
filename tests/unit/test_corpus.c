/*
 * test_corpus.c — all 1,594 AWS managed policies parse (spec §1, §9), the
 * AST keeps what the text says, and the arena bound holds for every one.
 */
#include "test_util.h"

static void check_policy_shape(const corpus_policy *c, const iam_policy *p)
{
    /* Every managed policy uses the current language (spec §1.3). */
    CHECK_EQ_INT(p->version, IAM_VERSION_2012_10_17);
    CHECK(p->statement_count >= 1);
    for (uint32_t s = 0; s < p->statement_count; s++) {
        const iam_statement *st = &p->statements[s];
        CHECK(st->effect == IAM_EFFECT_ALLOW || st->effect == IAM_EFFECT_DENY);
        CHECK(st->actions.count >= 1);
        /* Offsets point into the document at the value they describe. */
        CHECK(st->offset < c->doc_len && c->doc[st->offset] == '{');
        CHECK(c->doc[st->effect_offset] == '"');
        for (uint32_t a = 0; a < st->actions.count; a++) {
            const iam_value *v = &st->actions.items[a];
            CHECK(v->offset < c->doc_len && c->doc[v->offset] == '"');
        }
    }
}

int main(void)
{
    size_t n = 0;
    corpus_policy *corpus = corpus_load(&n);
    CHECK_EQ_INT(n, 1594);
    if (corpus == NULL)
        return test_summary("corpus");
    iam_parser *parser = NULL;
    CHECK_STATUS(iam_parser_create(&parser), IAM_OK);
    size_t cap = 64u << 20;
    void *buf = test_aligned_alloc(cap);
    size_t parsed = 0, statements = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        iam_arena arena;
        iam_arena_init(&arena, buf, cap);
        const iam_policy *p = NULL;
        iam_error err;
        iam_status s = iam_policy_parse(parser, &arena, corpus[i].doc, corpus[i].doc_len, NULL, &p, &err);
        if (s != IAM_OK) {
            fprintf(stderr, "%.*s:%u:%u: %s\n", (int)corpus[i].name_len, corpus[i].name,
                    err.line, err.column, err.message);
            CHECK_STATUS(s, IAM_OK);
            continue;
        }
        parsed++;
        statements += p->statement_count;
        bytes += corpus[i].doc_len;
        check_policy_shape(&corpus[i], p);
        CHECK(arena.used <= iam_policy_parse_bound(corpus[i].doc_len));
    }
    CHECK_EQ_INT(parsed, 1594);
    printf("corpus: %zu policies, %zu statements, %zu bytes parsed\n", parsed, statements, bytes);
    free(buf);
    iam_parser_destroy(parser);
    corpus_free(corpus);
    return test_summary("corpus");
}
