/*
 * fuzz_policy_parse.c — libFuzzer target for iam_policy_parse.
 * Byte 0 picks the policy kind and flags; byte 1 the arena size (so the
 * out-of-arena paths are fuzzed too); the rest is the document.
 * Invariants: errors carry a consistent position; a parsed policy's offsets
 * and counts stay inside the input; the arena never overflows.
 */
#include "iamgate.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT (256u << 10)

static iam_parser *parser;
static unsigned char *arena_buf;
static const size_t arena_cap = 8u << 20;

static void require(int ok)
{
    if (!ok)
        abort();
}

/* Each value's offset is where its JSON value starts in the document. */
static void check_value(const iam_value *v, const char *doc, size_t len)
{
    require(v->offset < len && v->text.ptr != NULL);
    char c = doc[v->offset];
    if (v->type == IAM_VALUE_STRING)
        require(c == '"');
    else if (v->type == IAM_VALUE_BOOL)
        require(c == (v->text.len == 4 ? 't' : 'f'));
    else
        require(c == '-' || (c >= '0' && c <= '9'));
}

static void check_list(const iam_value_list *l, const char *doc, size_t len)
{
    for (uint32_t i = 0; i < l->count; i++)
        check_value(&l->items[i], doc, len);
    if (l->present && l->is_array)
        require(doc[l->offset] == '[');
}

static void check_policy(const iam_policy *p, const char *doc, size_t len)
{
    require(p->statement_count >= 1 && p->statements != NULL);
    for (uint32_t s = 0; s < p->statement_count; s++) {
        const iam_statement *st = &p->statements[s];
        require(st->offset < len && doc[st->offset] == '{');
        require(st->effect == IAM_EFFECT_ALLOW || st->effect == IAM_EFFECT_DENY);
        require(st->actions.present && st->actions.count >= 1);
        check_list(&st->actions, doc, len);
        check_list(&st->resources, doc, len);
        for (uint32_t c = 0; c < st->condition_count; c++) {
            require(st->conditions[c].op > IAM_OP_UNKNOWN && st->conditions[c].op < IAM_OP_COUNT);
            check_list(&st->conditions[c].values, doc, len);
            require(doc[st->conditions[c].key_offset] == '"');
        }
    }
}

static void check_error(const iam_error *err, iam_status s, const char *doc, size_t len)
{
    require(err->code == s && err->message != NULL && err->offset <= len);
    uint32_t line, column;
    iam_locate(doc, len, err->offset, &line, &column);
    require(err->line == line && err->column == column);
    require(memchr(err->path, '\0', sizeof err->path) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > MAX_INPUT)
        return 0;
    if (parser == NULL) {
        iam_parser_create(&parser);
        arena_buf = malloc(arena_cap);
    }
    iam_parse_options o;
    memset(&o, 0, sizeof o);
    o.kind = (iam_policy_kind)(data[0] % IAM_POLICY_KIND_COUNT);
    o.flags = (unsigned)(data[0] >> 4) & 3u;
    size_t cap = data[1] == 255 ? 0 : data[1] < 8 ? (size_t)data[1] * 64 : arena_cap;
    const char *doc = (const char *)data + 2;
    size_t len = size - 2;
    iam_arena arena;
    iam_arena_init(&arena, arena_buf, cap);
    const iam_policy *p = NULL;
    iam_error err;
    iam_status s = iam_policy_parse(parser, &arena, doc, len, &o, &p, &err);
    require(arena.used <= cap);
    if (s == IAM_OK) {
        require(p != NULL);
        check_policy(p, doc, len);
        require(arena.used <= iam_policy_parse_bound(len));
    } else {
        require(p == NULL && arena.used == 0);
        check_error(&err, s, doc, len);
    }
    return 0;
}
