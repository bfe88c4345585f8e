/* Parsing and compiling a group of policy documents (see bundle.h). */
#include "bundle.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>

void cli_bundle_free(cli_bundle *b)
{
    free(b->docs);
    free(b->policy_buf);
    free(b->set_buf);
    free(b->policies);
    free(b->inputs);
    memset(b, 0, sizeof *b);
}

bool cli_bundle_add(cli_bundle *b, const cli_doc *doc)
{
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        cli_doc *docs = realloc(b->docs, cap * sizeof *docs);
        if (docs == NULL)
            return false;
        b->docs = docs;
        b->cap = cap;
    }
    b->docs[b->count++] = *doc;
    return true;
}

bool cli_bundle_has(const cli_bundle *b, iam_policy_kind kind)
{
    for (size_t i = 0; i < b->count; i++)
        if (b->docs[i].kind == kind)
            return true;
    return false;
}

static iam_status parse_all(cli_bundle *b, iam_parser *parser, iam_arena *arena, size_t *bad,
                            iam_error *err)
{
    for (size_t i = 0; i < b->count; i++) {
        const cli_doc *d = &b->docs[i];
        iam_parse_options options;
        memset(&options, 0, sizeof options);
        options.kind = d->kind;
        iam_status s = iam_policy_parse(parser, arena, d->text, d->len, &options,
                                        &b->policies[i], err);
        if (s != IAM_OK) {
            *bad = i;
            return s;
        }
        b->inputs[i].policy = b->policies[i];
        b->inputs[i].kind = d->kind;
        b->inputs[i].level = d->level;
        b->inputs[i].name.ptr = d->source_id;
        b->inputs[i].name.len = strlen(d->source_id);
    }
    return IAM_OK;
}

iam_status cli_bundle_compile(cli_bundle *b, iam_parser *parser, size_t *bad, iam_error *err)
{
    size_t need = 64;
    for (size_t i = 0; i < b->count; i++)
        need += iam_policy_parse_bound(b->docs[i].len) + 64;
    size_t n = b->count ? b->count : 1;
    b->policy_buf = aligned_alloc(64, (need + 63) / 64 * 64);
    b->policies = calloc(n, sizeof *b->policies);
    b->inputs = calloc(n, sizeof *b->inputs);
    *bad = b->count;
    memset(err, 0, sizeof *err);
    if (b->policy_buf == NULL || b->policies == NULL || b->inputs == NULL) {
        err->code = IAM_E_NOMEM;
        err->message = "out of memory";
        return IAM_E_NOMEM;
    }
    iam_arena arena;
    iam_arena_init(&arena, b->policy_buf, (need + 63) / 64 * 64);
    iam_status s = parse_all(b, parser, &arena, bad, err);
    if (s != IAM_OK)
        return s;
    size_t set_need = iam_policy_set_measure(b->inputs, b->count);
    if (set_need == 0)
        set_need = 64; /* let compile say why */
    b->set_buf = aligned_alloc(64, (set_need + 63) / 64 * 64);
    if (b->set_buf == NULL) {
        err->code = IAM_E_NOMEM;
        err->message = "out of memory";
        return IAM_E_NOMEM;
    }
    iam_arena_init(&arena, b->set_buf, (set_need + 63) / 64 * 64);
    return iam_policy_set_compile(&arena, b->inputs, b->count, &b->set, err);
}

void cli_bundle_print_error(const cli_bundle *b, size_t bad, const iam_error *err)
{
    if (bad >= b->count) {
        fprintf(stderr, "iamgate: cannot compile the policies: %s\n",
                err->message != NULL ? err->message : iam_status_name(err->code));
        return;
    }
    const cli_doc *d = &b->docs[bad];
    iam_error at = *err;
    at.offset = err->offset + d->base_offset;
    iam_locate(d->file_text, d->file_len, at.offset, &at.line, &at.column);
    fprintf(stderr, "iamgate: policy %s is not valid:\n", d->source_id);
    cli_print_error(stderr, d->file_name, &at, d->file_text, d->file_len);
}
