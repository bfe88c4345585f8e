/*
 * fuzz_lint.c — libFuzzer target for iam_lint. Byte 0 picks the policy
 * kind (identity, boundary, session, scp) and bit 2 a small arena (so the
 * out-of-arena path is fuzzed too); bit 3 a small findings buffer. The rest
 * is the document. Invariants: every finding has a code, a severity, a
 * message and advice, lies inside the input, and its line and column are
 * those of its offset; findings come in document order; a document that
 * does not parse gives exactly one ERROR.
 */
#include "iamgate.h"
#include "iamgate_lint.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT (128u << 10)
#define MAX_FINDINGS 256

static iam_parser *parser;
static unsigned char *arena_buf;
static const size_t arena_cap = 8u << 20;

static void require(int ok)
{
    if (!ok)
        abort();
}

static void check_finding(const iam_finding *f, const char *doc, size_t len)
{
    require(f->code != NULL && f->code[0] != '\0' && f->advice != NULL && f->spec != NULL);
    require(f->severity >= IAM_SEVERITY_SUGGESTION && f->severity <= IAM_SEVERITY_ERROR);
    require(f->message[0] != '\0' && memchr(f->message, '\0', sizeof f->message) != NULL);
    require(f->offset <= len && f->length <= len - f->offset);
    uint32_t line, column;
    iam_locate(doc, len, f->offset, &line, &column);
    require(line == f->line && column == f->column);
    iam_locate(doc, len, f->offset + f->length, &line, &column);
    require(line == f->end_line && column == f->end_column);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT)
        return 0;
    if (parser == NULL) {
        require(iam_parser_create(&parser) == IAM_OK);
        arena_buf = malloc(arena_cap);
        require(arena_buf != NULL);
    }
    const char *doc = (const char *)data + 1;
    size_t len = size - 1;
    iam_lint_options options = {(iam_policy_kind)(data[0] & 3), 0};
    size_t cap = (data[0] & 4) ? 512 : arena_cap;
    size_t out_cap = (data[0] & 8) ? 2 : MAX_FINDINGS;
    static iam_finding found[MAX_FINDINGS];
    iam_arena arena;
    iam_arena_init(&arena, arena_buf, cap);
    size_t count = 0;
    iam_status s = iam_lint(parser, &arena, doc, len, &options, found, out_cap, &count);
    require(s == IAM_OK || s == IAM_E_NOMEM);
    if (s != IAM_OK)
        return 0;
    size_t kept = count < out_cap ? count : out_cap;
    for (size_t i = 0; i < kept; i++) {
        check_finding(&found[i], doc, len);
        require(i == 0 || found[i - 1].offset <= found[i].offset);
    }
    iam_error err;
    iam_parse_options parse = {options.kind, 0, {0, 0, 0, 0, 0}, 0};
    iam_arena_init(&arena, arena_buf, arena_cap);
    const iam_policy *p = NULL;
    if (iam_policy_parse(parser, &arena, doc, len, &parse, &p, &err) != IAM_OK && kept > 0)
        require(count == 1 && found[0].severity == IAM_SEVERITY_ERROR && found[0].offset == err.offset);
    return 0;
}
