/*
 * test_pathological.c — hostile documents, each with its exact expected
 * error (spec §9). Run one case per ctest entry: ctest's TIMEOUT is the hang
 * detector, not a speed claim.   usage: test_pathological CASE
 */
#include "test_util.h"

typedef struct builder {
    char *buf;
    size_t len, cap;
} builder;

static void put(builder *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->buf = realloc(b->buf, b->cap);
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void puts_(builder *b, const char *s) { put(b, s, strlen(s)); }

static void repeat(builder *b, const char *s, size_t times)
{
    for (size_t i = 0; i < times; i++)
        puts_(b, s);
}

static iam_parser *parser;
static void *arena_buf;
static size_t arena_cap = 256u << 20;

/* Parses and checks code and offset (line and column follow from it). */
static void expect(const builder *b, const iam_limits *limits, iam_status code, size_t offset)
{
    iam_parse_options o;
    memset(&o, 0, sizeof o);
    if (limits != NULL)
        o.limits = *limits;
    iam_arena arena;
    iam_arena_init(&arena, arena_buf, arena_cap);
    const iam_policy *p = NULL;
    iam_error err;
    memset(&err, 0xA5, sizeof err);
    iam_status s = iam_policy_parse(parser, &arena, b->buf, b->len, &o, &p, &err);
    CHECK_STATUS(s, code);
    if (code != IAM_OK) {
        CHECK_EQ_INT(err.offset, offset);
        uint32_t line, column;
        iam_locate(b->buf, b->len, offset, &line, &column);
        CHECK_EQ_INT(err.line, line);
        CHECK_EQ_INT(err.column, column);
    }
}

static const char statement[] = "{\"Effect\":\"Allow\",\"Action\":\"chime:ListUsers\",\"Resource\":\"*\"}";

/* 100,000 nested arrays in a statement list: the 64th '[' is at depth 65. */
static void case_deep_nesting(void)
{
    builder b = {0};
    puts_(&b, "{\"Statement\":");
    size_t first = b.len;
    repeat(&b, "[", 100000);
    repeat(&b, "]", 100000);
    puts_(&b, "}");
    expect(&b, NULL, IAM_E_LIMIT_DEPTH, first + 63);
    /* Objects nest the same way. */
    builder o = {0};
    repeat(&o, "{\"a\":", 100000);
    repeat(&o, "}", 100000);
    expect(&o, NULL, IAM_E_LIMIT_DEPTH, 64 * 5);
    /* Depth 64 exactly is allowed by the JSON layer (then a grammar error). */
    builder ok = {0};
    puts_(&ok, "{\"Statement\":");
    repeat(&ok, "[", 63);
    repeat(&ok, "]", 63);
    puts_(&ok, "}");
    expect(&ok, NULL, IAM_E_TYPE, 14);
    free(b.buf);
    free(o.buf);
    free(ok.buf);
}

/* A 10 MB string: over the document limit, and over the string limit when
 * the document limit is raised. */
static void case_huge_string(void)
{
    builder b = {0};
    puts_(&b, "{\"Id\":\"");
    char *chunk = malloc(1 << 20);
    memset(chunk, 'x', 1 << 20);
    for (int i = 0; i < 10; i++)
        put(&b, chunk, 1 << 20);
    puts_(&b, "\",\"Statement\":");
    puts_(&b, statement);
    puts_(&b, "}");
    expect(&b, NULL, IAM_E_LIMIT_SIZE, 0);
    iam_limits big = {16u << 20, 0, 0, 0, 0};
    expect(&b, &big, IAM_E_LIMIT_STRING, 6);
    free(chunk);
    free(b.buf);
}

/* 100,000 statements: over the size limit, over the statement limit, and
 * accepted when both are raised. */
static void case_many_statements(void)
{
    builder b = {0};
    puts_(&b, "{\"Version\":\"2012-10-17\",\"Statement\":[");
    size_t first = b.len, each = strlen(statement) + 1;
    for (int i = 0; i < 100000; i++) {
        puts_(&b, statement);
        puts_(&b, i + 1 < 100000 ? "," : "");
    }
    puts_(&b, "]}");
    expect(&b, NULL, IAM_E_LIMIT_SIZE, 0);
    iam_limits size_only = {8u << 20, 0, 0, 0, 0};
    expect(&b, &size_only, IAM_E_LIMIT_STATEMENTS, first + 10000 * each);
    iam_limits all = {8u << 20, 0, 0, 100000, 0};
    expect(&b, &all, IAM_OK, 0);
    free(b.buf);
}

static void expect_condition_value(const char *value, iam_status code, size_t value_offset_in_value)
{
    builder b = {0};
    puts_(&b, "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"chime:ListUsers\",\"Resource\":\"*\","
              "\"Condition\":{\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":");
    size_t at = b.len;
    puts_(&b, value);
    puts_(&b, "}}}}");
    expect(&b, NULL, code, at + value_offset_in_value);
    free(b.buf);
}

static void case_bad_text(void)
{
    expect_condition_value("\"\xC0\xAF\"", IAM_E_JSON_UTF8, 1);      /* overlong '/' */
    expect_condition_value("\"ab\xED\xA0\x80\"", IAM_E_JSON_UTF8, 3); /* raw surrogate */
    expect_condition_value("\"\xF5\x80\x80\x80\"", IAM_E_JSON_UTF8, 1);
    expect_condition_value("\"x\\ud800\"", IAM_E_JSON_STRING, 2);    /* lone high */
    expect_condition_value("\"\\udc00\"", IAM_E_JSON_STRING, 1);     /* lone low */
    expect_condition_value("\"\\ud800\\u0041\"", IAM_E_JSON_STRING, 1);
    expect_condition_value("1e400", IAM_E_JSON_NUMBER, 0);
    expect_condition_value("18446744073709551616", IAM_E_JSON_NUMBER, 0); /* 2^64 */
    expect_condition_value("-9223372036854775809", IAM_E_JSON_NUMBER, 0);
    expect_condition_value("18446744073709551615", IAM_OK, 0);         /* 2^64 - 1 */
}

static void case_number_lexeme_kept(void)
{
    static const char doc[] =
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"a:b\",\"Resource\":\"*\","
        "\"Condition\":{\"NumericEquals\":{\"k\":[18446744073709551615,10.50,1e3,true]}}}}";
    iam_arena arena;
    iam_arena_init(&arena, arena_buf, arena_cap);
    const iam_policy *p = NULL;
    CHECK_STATUS(iam_policy_parse(parser, &arena, doc, sizeof doc - 1, NULL, &p, NULL), IAM_OK);
    if (p == NULL)
        return;
    const iam_value_list *v = &p->statements[0].conditions[0].values;
    static const char *const want[] = {"18446744073709551615", "10.50", "1e3", "true"};
    CHECK_EQ_INT(v->count, 4);
    for (uint32_t i = 0; i < v->count && i < 4; i++)
        CHECK(v->items[i].text.len == strlen(want[i]) &&
              memcmp(v->items[i].text.ptr, want[i], v->items[i].text.len) == 0);
}

static void case_duplicate_keys(void)
{
    builder b = {0};
    puts_(&b, "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"a:b\",\"Resource\":\"*\","
              "\"Condition\":{\"StringEquals\":{");
    char key[32];
    for (int i = 0; i < 50000; i++) {
        snprintf(key, sizeof key, "\"k:%d\":\"v\",", i);
        puts_(&b, key);
    }
    size_t dup = b.len;
    puts_(&b, "\"k:777\":\"v\"}}}}");
    expect(&b, NULL, IAM_E_DUPLICATE_KEY, dup);
    free(b.buf);
}

/* Every prefix of a real policy: empty → IAM_E_JSON_EMPTY, otherwise
 * truncation reported at the end of the input. */
static void truncate_every_byte(const char *doc, size_t len)
{
    while (len > 0 && (doc[len - 1] == '\n' || doc[len - 1] == ' '))
        len--;
    size_t wrong = 0;
    for (size_t cut = 0; cut < len; cut++) {
        builder b = {0};
        put(&b, doc, cut); /* a private copy: reads past `cut` would be caught */
        iam_arena arena;
        iam_arena_init(&arena, arena_buf, arena_cap);
        const iam_policy *p = NULL;
        iam_error err;
        iam_status s = iam_policy_parse(parser, &arena, b.buf, cut, NULL, &p, &err);
        iam_status want = cut == 0 ? IAM_E_JSON_EMPTY : IAM_E_JSON_TRUNCATED;
        size_t at = cut == 0 ? 0 : cut;
        if (s != want || err.offset != at) {
            if (wrong++ < 5)
                fprintf(stderr, "cut at %zu: got %s at %zu\n", cut, iam_status_name(s), err.offset);
        }
        free(b.buf);
    }
    CHECK_EQ_INT(wrong, 0);
}

static void case_truncated(void)
{
    static const char *const files[] = {"AmazonChimeReadOnly", "AmazonChimeFullAccess",
                                        "AmazonChimeSDK"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/data/managed-policies/%s.json", IAM_SOURCE_DIR, files[i]);
        size_t len = 0;
        char *doc = test_read_file(path, &len);
        CHECK(doc != NULL);
        if (doc != NULL)
            truncate_every_byte(doc, len);
        free(doc);
    }
    size_t n = 0;
    corpus_policy *corpus = corpus_load(&n);
    const corpus_policy *c = corpus_find(corpus, n, "AmazonEC2FullAccess");
    if (c != NULL)
        truncate_every_byte(c->doc, c->doc_len);
    corpus_free(corpus);
}

typedef struct patho_case {
    const char *name;
    void (*run)(void);
} patho_case;

static const patho_case cases[] = {
    {"deep-nesting", case_deep_nesting},
    {"huge-string", case_huge_string},
    {"many-statements", case_many_statements},
    {"bad-text", case_bad_text},
    {"number-lexemes", case_number_lexeme_kept},
    {"duplicate-keys", case_duplicate_keys},
    {"truncated", case_truncated},
};

int main(int argc, char **argv)
{
    iam_parser_create(&parser);
    arena_buf = test_aligned_alloc(arena_cap);
    int ran = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
            continue;
        cases[i].run();
        ran++;
    }
    CHECK(ran > 0);
    free(arena_buf);
    iam_parser_destroy(parser);
    return test_summary(argc > 1 ? argv[1] : "pathological");
}
