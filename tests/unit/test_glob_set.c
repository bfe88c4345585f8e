/*
 * test_glob_set.c — the compiled automaton on real and hostile pattern
 * sets: every owner it reports (and every one it omits) agrees with the
 * reference matchers; hostile sets compile and match in bounded time
 * (ctest TIMEOUT) with exact expected results; compilation is
 * deterministic.
 */
#include "test_util.h"
#include "glob/glob.h"
#include "glob/glob_set.h"

static unsigned char *arena_memory;
static const size_t arena_cap = 512u << 20;

typedef struct pattern_list {
    glob_input *items;
    size_t n, cap;
} pattern_list;

static void list_add(pattern_list *l, const char *text, size_t len, uint32_t owner)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
    }
    glob_input in = {text, len, owner};
    l->items[l->n++] = in;
}

/* Every Action/NotAction and Resource string of the corpus, one owner per
 * statement (a crude scan of the JSON text is enough for test input). */
static void corpus_patterns(const corpus_policy *c, size_t n, pattern_list *actions,
                            pattern_list *resources, uint32_t *owners)
{
    iam_parser *parser;
    iam_parser_create(&parser);
    iam_arena arena;
    iam_arena_init(&arena, arena_memory, arena_cap);
    uint32_t owner = 0;
    for (size_t i = 0; i < n; i++) {
        const iam_policy *p;
        if (iam_policy_parse(parser, &arena, c[i].doc, c[i].doc_len, NULL, &p, NULL) != IAM_OK)
            continue;
        for (uint32_t s = 0; s < p->statement_count; s++, owner++) {
            const iam_statement *st = &p->statements[s];
            for (uint32_t a = 0; a < st->actions.count; a++)
                list_add(actions, st->actions.items[a].text.ptr, st->actions.items[a].text.len, owner);
            for (uint32_t r = 0; r < st->resources.count; r++)
                if (memchr(st->resources.items[r].text.ptr, '$', st->resources.items[r].text.len) == NULL)
                    list_add(resources, st->resources.items[r].text.ptr, st->resources.items[r].text.len, owner);
        }
    }
    *owners = owner;
    iam_parser_destroy(parser);
    /* The AST stays in the first part of the arena; sets go after it. */
    arena_memory += arena.used;
}

typedef bool (*reference_fn)(const char *, size_t, const char *, size_t);

/* The automaton's answer for subject against the reference's, as sets. */
static bool agrees(const glob_set *set, const pattern_list *l, uint32_t owner_count,
                   reference_fn reference, const char *subject, size_t len)
{
    static uint32_t out[1 << 20];
    static unsigned char want[1 << 20], got[1 << 20];
    memset(want, 0, owner_count);
    memset(got, 0, owner_count);
    size_t n = glob_set_match(set, subject, len, out, sizeof out / sizeof out[0]);
    for (size_t i = 0; i < n; i++)
        got[out[i]] = 1;
    for (size_t i = 0; i < l->n; i++)
        if (!want[l->items[i].owner] && reference(l->items[i].text, l->items[i].len, subject, len))
            want[l->items[i].owner] = 1;
    bool same = memcmp(want, got, owner_count) == 0;
    if (!same)
        fprintf(stderr, "disagreement on '%.*s'\n", (int)len, subject);
    return same;
}

static const glob_set *compile(glob_kind kind, const pattern_list *l, uint32_t owners,
                               iam_arena *arena)
{
    const glob_set *set = NULL;
    CHECK_STATUS(glob_set_compile(arena, kind, l->items, l->n, owners, &set), IAM_OK);
    return set;
}

/* All corpus Action patterns in one set, against every exact action name
 * of the corpus (a sample of real action strings) and some variants. */
static void test_corpus_actions(const pattern_list *actions, uint32_t owners)
{
    iam_arena arena;
    iam_arena_init(&arena, arena_memory, arena_cap / 2);
    const glob_set *set = compile(GLOB_KIND_ACTION, actions, owners, &arena);
    if (set == NULL)
        return;
    glob_stats st;
    glob_set_stats(set, &st);
    printf("corpus actions: %u patterns, %u exact names, %u prefixes, %u others, %u vendors, %u entries, "
           "%zu bytes\n", st.patterns, st.exact, st.prefix, st.other, st.vendors, st.entries, st.bytes);
    CHECK(st.exact > 10000 && st.prefix > 1000 && st.other > 0 && st.vendors > 100);
    CHECK(st.exact + st.prefix + st.other <= st.patterns && st.entries <= st.exact + st.prefix + st.other);
    size_t wrong = 0, tried = 0;
    for (size_t i = 0; i < actions->n; i += 97) {
        const glob_input *in = &actions->items[i];
        char subject[256];
        if (in->len >= sizeof subject - 2)
            continue;
        memcpy(subject, in->text, in->len);
        wrong += !agrees(set, actions, owners, glob_match_action_reference, subject, in->len);
        subject[in->len] = 'X'; /* a longer name */
        wrong += !agrees(set, actions, owners, glob_match_action_reference, subject, in->len + 1);
        for (size_t k = 0; k < in->len; k++) /* case does not matter (spec §2.2) */
            subject[k] = (char)(subject[k] ^ ((subject[k] >= 'a' && subject[k] <= 'z') ? 0x20 : 0));
        wrong += !agrees(set, actions, owners, glob_match_action_reference, subject, in->len);
        tried += 3;
    }
    printf("corpus actions: %zu subjects compared with the reference\n", tried);
    CHECK_EQ_INT(wrong, 0);
}

static void test_corpus_resources(const pattern_list *resources, uint32_t owners)
{
    iam_arena arena;
    iam_arena_init(&arena, arena_memory, arena_cap / 2);
    const glob_set *set = compile(GLOB_KIND_RESOURCE, resources, owners, &arena);
    if (set == NULL)
        return;
    glob_stats st;
    glob_set_stats(set, &st);
    printf("corpus resources: %u patterns, %zu bytes\n", st.patterns, st.bytes);
    CHECK(st.patterns == resources->n);
    static const char *const subjects[] = {
        "*", "arn:aws:s3:::my-bucket/key", "arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-X",
        "arn:aws:chime:us-east-1:123456789012:meeting/abc", "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/x:*",
        "arn:aws:ec2:us-west-2:123456789012:instance/i-0abc", "ARN:AWS:S3:::My-Bucket/Key",
        "arn:aws:secretsmanager:eu-west-1:1:secret:AmazonSageMaker-abc", "arn:aws:s3",
    };
    size_t wrong = 0;
    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++)
        wrong += !agrees(set, resources, owners, glob_match_resource_reference, subjects[i], strlen(subjects[i]));
    for (size_t i = 0; i < resources->n; i += 41) /* each pattern's own text as a subject */
        wrong += !agrees(set, resources, owners, glob_match_resource_reference, resources->items[i].text,
                         resources->items[i].len);
    CHECK_EQ_INT(wrong, 0);
}

static char *repeat(const char *head, const char *unit, size_t times, const char *tail, size_t *len)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * times + tl + 1);
    memcpy(s, head, hl);
    for (size_t i = 0; i < times; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + ul * times, tail, tl + 1);
    *len = hl + ul * times + tl;
    return s;
}

static bool single_match(glob_kind kind, const char *pattern, size_t plen, const char *subject, size_t slen)
{
    iam_arena arena;
    iam_arena_init(&arena, arena_memory, 64u << 20);
    glob_input in = {pattern, plen, 0};
    const glob_set *set = NULL;
    if (glob_set_compile(&arena, kind, &in, 1, 1, &set) != IAM_OK)
        return false;
    uint32_t out[4];
    return glob_set_match(set, subject, slen, out, 4) == 1;
}

/* spec §2.1, §9: hostile patterns stay linear and exact. */
static void test_hostile(void)
{
    size_t pl, sl;
    /* "chime:" then 5,000 × "*X" against "chime:" then 10,000 X (+ "Y") */
    char *p = repeat("chime:", "*X", 5000, "", &pl);
    char *s = repeat("chime:", "X", 10000, "Y", &sl);
    CHECK(single_match(GLOB_KIND_ACTION, p, pl, s, sl - 1));
    CHECK(!single_match(GLOB_KIND_ACTION, p, pl, s, sl));
    free(p);
    free(s);
    /* "*?" × 1,000 in the resource part against a 64 KiB ARN */
    p = repeat("arn:aws:s3:::", "*?", 1000, "", &pl);
    s = repeat("arn:aws:s3:::", "k", 65536 - 13, "", &sl);
    CHECK(single_match(GLOB_KIND_RESOURCE, p, pl, s, sl));
    CHECK(!single_match(GLOB_KIND_RESOURCE, p, pl, s, 13 + 999));
    free(p);
    /* a '*' then runs of '?': 2^k states without the budget */
    p = repeat("arn:aws:s3:::*", "?", 40, "x", &pl);
    CHECK(single_match(GLOB_KIND_RESOURCE, p, pl, "arn:aws:s3:::0123456789012345678901234567890123456789x", 54));
    CHECK(!single_match(GLOB_KIND_RESOURCE, p, pl, s, sl));
    free(p);
    free(s);
}

/* 100,000 patterns in one set: exact names, prefixes and infix wildcards. */
static void test_hundred_thousand(void)
{
    enum { N = 100000 };
    static char text[N][40];
    pattern_list l = {0};
    for (uint32_t i = 0; i < N; i++) {
        int len = i % 10 == 0 ? snprintf(text[i], 40, "svc%u:Get*", i % 500)
                : i % 10 == 1 ? snprintf(text[i], 40, "svc%u:*Thing%u*", i % 500, i % 7)
                              : snprintf(text[i], 40, "svc%u:Action%u", i % 500, i);
        list_add(&l, text[i], (size_t)len, i);
    }
    iam_arena arena;
    iam_arena_init(&arena, arena_memory, arena_cap / 2);
    const glob_set *set = compile(GLOB_KIND_ACTION, &l, N, &arena);
    if (set != NULL) {
        static const char *const subjects[] = {"svc7:Action1007", "svc0:GetItem", "svc3:MyThing3Here",
                                               "SVC42:action5042", "svc499:Nothing"};
        for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++)
            CHECK(agrees(set, &l, N, glob_match_action_reference, subjects[i], strlen(subjects[i])));
    }
    free(l.items);
}

/* The same inputs give the same bytes (compiled at the same address). */
static void test_deterministic(const pattern_list *actions, uint32_t owners)
{
    size_t half = 64u << 20;
    iam_arena a;
    iam_arena_init(&a, arena_memory, half);
    memset(arena_memory, 0xEE, half); /* alignment gaps hold the same bytes */
    const glob_set *s1 = compile(GLOB_KIND_ACTION, actions, owners, &a);
    size_t used = a.used;
    unsigned char *copy = malloc(used);
    memcpy(copy, arena_memory, used);
    iam_arena_reset(&a);
    memset(arena_memory, 0xEE, used);
    const glob_set *s2 = compile(GLOB_KIND_ACTION, actions, owners, &a);
    CHECK(s1 == s2 && a.used == used && memcmp(copy, arena_memory, used) == 0);
    free(copy);
}

int main(int argc, char **argv)
{
    unsigned char *base = test_aligned_alloc(arena_cap * 2);
    arena_memory = base;
    const char *only = argc > 1 ? argv[1] : "";
    if (strcmp(only, "hostile") == 0) {
        test_hostile();
        test_hundred_thousand();
    } else {
        size_t n = 0;
        corpus_policy *c = corpus_load(&n);
        pattern_list actions = {0}, resources = {0};
        uint32_t owners = 0;
        corpus_patterns(c, n, &actions, &resources, &owners);
        printf("corpus: %zu action patterns, %zu resource patterns, %u statements\n", actions.n,
               resources.n, owners);
        test_corpus_actions(&actions, owners);
        test_corpus_resources(&resources, owners);
        test_deterministic(&actions, owners);
        free(actions.items);
        free(resources.items);
        corpus_free(c);
    }
    free(base);
    return test_summary("glob set");
}
