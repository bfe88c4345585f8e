/*
 * fuzz_policy_compile.c — libFuzzer target for iam_policy_set_compile.
 * Byte 0: two bits per document choose its kind (identity, boundary,
 * session, scp); byte 1: bits 0-2 the SCP level, bit 3 a too-small arena.
 * The rest is split at NUL bytes into up to 4 policy documents, and the
 * piece after them (if any) is the action of a request evaluated against
 * the set. After every successful compile an invariant checker walks the
 * set (eval_internal.h): every statement of every input compiled once, in
 * order, with its kind, level, effect and conditions; the kinds and SCP
 * levels recorded. iam_policy_set_measure's figure must be enough, and an
 * arena half that size must fail cleanly (IAM_E_NOMEM, no set).
 */
#include "iamgate.h"
#include "eval/eval_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT (64u << 10)
#define MAX_DOCS 4

static iam_parser *parser;
static unsigned char *doc_arena, *set_arena;
static const size_t doc_cap = 8u << 20, set_cap = 64u << 20;

static void require(int ok)
{
    if (!ok)
        abort();
}

/* The compiled statements: every Deny first, then every Allow, each group
 * in input order (eval_internal.h); a statement identical to an earlier
 * one is compiled once, through that first one. */
static void check_set(const iam_policy_set *set, const iam_policy_input *in, size_t n)
{
    uint32_t k = 0;
    uint8_t scp_levels = 0;
    for (size_t i = 0; i < n; i++) {
        require(set->has_kind[in[i].kind]);
        if (in[i].kind == IAM_POLICY_SCP)
            scp_levels |= (uint8_t)(1u << in[i].level);
    }
    for (int pass = 0; pass < 2; pass++) {
        uint8_t effect = pass == 0 ? IAM_EFFECT_DENY : IAM_EFFECT_ALLOW;
        if (pass == 1)
            require(k == set->deny_count);
        for (size_t i = 0; i < n; i++)
            for (uint32_t s = 0; s < in[i].policy->statement_count; s++) {
                const iam_statement *ast = &in[i].policy->statements[s];
                if (ast->effect != effect)
                    continue;
                require(k < set->statement_count);
                const compiled_statement *st = &set->statements[k++];
                require(st->ast == ast && st->input == i && st->index == s);
                require(st->kind == in[i].kind && st->effect == ast->effect);
                if (st->copy_of != UINT32_MAX) {
                    require(st->copy_of < k - 1 && set->statements[st->copy_of].copy_of == UINT32_MAX);
                    continue;
                }
                require(st->condition_count == ast->condition_count);
                for (uint32_t c = 0; c < st->condition_count; c++)
                    require(st->conditions[c].ast == &ast->conditions[c]);
            }
    }
    require(k == set->statement_count && set->scp_levels == scp_levels);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 2 || size > MAX_INPUT)
        return 0;
    if (parser == NULL) {
        require(iam_parser_create(&parser) == IAM_OK);
        doc_arena = aligned_alloc(64, doc_cap);
        set_arena = aligned_alloc(64, set_cap);
        require(doc_arena != NULL && set_arena != NULL);
    }
    const char *p = (const char *)data + 2, *end = (const char *)data + size;
    iam_policy_input in[MAX_DOCS];
    size_t n = 0;
    iam_arena docs;
    iam_arena_init(&docs, doc_arena, doc_cap);
    while (p < end && n < MAX_DOCS) {
        const char *stop = memchr(p, '\0', (size_t)(end - p));
        size_t len = (size_t)((stop != NULL ? stop : end) - p);
        iam_parse_options options;
        memset(&options, 0, sizeof options);
        options.kind = (iam_policy_kind)((data[0] >> (2 * n)) & 3);
        const iam_policy *policy = NULL;
        iam_error err;
        if (iam_policy_parse(parser, &docs, p, len, &options, &policy, &err) == IAM_OK)
            in[n++] = (iam_policy_input){policy, options.kind, (uint32_t)(data[1] & 7), {"doc", 3}};
        p += len + 1;
        if (stop == NULL)
            break;
    }
    size_t need = iam_policy_set_measure(in, n);
    iam_arena arena;
    const iam_policy_set *set = NULL;
    iam_error err;
    if (data[1] & 8) {
        iam_arena_init(&arena, set_arena, need / 2);
        iam_status s = iam_policy_set_compile(&arena, in, n, &set, &err);
        /* measure is exact for 64-byte aligned arenas: half cannot do */
        require(need == 0 || (s == IAM_E_NOMEM && set == NULL));
        return 0;
    }
    if (need == 0 || need > set_cap)
        return 0;
    iam_arena_init(&arena, set_arena, need);
    require(iam_policy_set_compile(&arena, in, n, &set, &err) == IAM_OK && set != NULL);
    check_set(set, in, n);
    if (p < end) {
        iam_request req = {{p, (size_t)(end - p)}, {"*", 1}, {"", 0}, NULL, 0};
        iam_decision d = iam_eval(set, &req, NULL);
        require(d == IAM_ALLOW || d == IAM_DENY_IMPLICIT || d == IAM_DENY_EXPLICIT);
    }
    return 0;
}
