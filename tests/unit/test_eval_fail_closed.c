/*
 * test_eval_fail_closed.c — every way the evaluator can be handed
 * something wrong denies (spec §6, DESIGN "fail closed"): a NULL set or
 * request, a compile that failed (with its error), an arena too small at
 * every size, malformed request values; and a set that allows everything
 * still allows a well-formed request, so the denials are not vacuous.
 */
#include "test_util.h"

static const char allow_all[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}";

/* Names repeated across statements and a Chime prefix pattern: compiling
 * it takes more arena for a while (a record for every pattern and every
 * Chime action) than the set keeps. */
static const char repeated[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":["
    "{\"Effect\":\"Allow\",\"Action\":[\"chime:ListUsers\",\"chime:GetUser\",\"chime:ListUsers\"],\"Resource\":\"*\"},"
    "{\"Effect\":\"Allow\",\"Action\":[\"chime:GetUser\",\"chime:List*\"],\"Resource\":\"*\"},"
    "{\"Effect\":\"Deny\",\"Action\":\"chime:ListUsers\",\"Resource\":\"*\","
    "\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}";

/* Every arena smaller than iam_policy_set_measure says fails cleanly (no
 * set, nothing kept, the error said); that one compiles. */
static void check_arena_steps(const iam_policy_input *in, unsigned char *memory, const iam_request *req,
                              iam_decision want)
{
    size_t need = iam_policy_set_measure(in, 1);
    CHECK(need > 0);
    size_t wrong = 0;
    for (size_t c = 0; c < need; c++) {
        iam_arena small;
        iam_arena_init(&small, memory, c);
        const iam_policy_set *s = (const iam_policy_set *)1;
        iam_error err;
        iam_status st = iam_policy_set_compile(&small, in, 1, &s, &err);
        wrong += st != IAM_E_NOMEM || s != NULL || small.used != 0 || err.code != IAM_E_NOMEM ||
                 iam_eval(s, req, NULL) != IAM_DENY_IMPLICIT;
    }
    CHECK_EQ_INT(wrong, 0);
    iam_arena exact;
    iam_arena_init(&exact, memory, need);
    const iam_policy_set *fits = NULL;
    CHECK_STATUS(iam_policy_set_compile(&exact, in, 1, &fits, NULL), IAM_OK);
    CHECK_EQ_INT(iam_eval(fits, req, NULL), want);
    CHECK(exact.used <= need);
    printf("%s: %zu arena bytes to compile (%zu kept); every smaller arena fails cleanly\n",
           in->name.ptr, need, exact.used);
}

static iam_request request_for(const char *action)
{
    iam_request r = {{action, strlen(action)}, {"*", 1}, {"", 0}, NULL, 0};
    return r;
}

int main(void)
{
    iam_parser *parser = NULL;
    iam_parser_create(&parser);
    size_t cap = 32u << 20;
    unsigned char *memory = test_aligned_alloc(cap);
    iam_arena arena; /* the first half; the second is for the arena steps */
    iam_arena_init(&arena, memory, cap / 2);
    const iam_policy *p = NULL;
    CHECK_STATUS(iam_policy_parse(parser, &arena, allow_all, sizeof allow_all - 1, NULL, &p, NULL), IAM_OK);
    iam_policy_input in = {p, IAM_POLICY_IDENTITY, 0, {"AllowAll", 8}};
    const iam_policy_set *set = NULL;
    CHECK_STATUS(iam_policy_set_compile(&arena, &in, 1, &set, NULL), IAM_OK);
    iam_request ok = request_for("chime:ListUsers");
    CHECK_EQ_INT(iam_eval(set, &ok, NULL), IAM_ALLOW);

    /* NULL set and NULL request */
    CHECK_EQ_INT(iam_eval(NULL, &ok, NULL), IAM_DENY_IMPLICIT);
    CHECK_EQ_INT(iam_eval(set, NULL, NULL), IAM_DENY_IMPLICIT);

    /* a failed compile: bad input, with its error; the NULL set denies */
    iam_error err;
    const iam_policy_set *bad = (const iam_policy_set *)1;
    iam_policy_input broken = {NULL, IAM_POLICY_IDENTITY, 0, {"", 0}};
    CHECK_STATUS(iam_policy_set_compile(&arena, &broken, 1, &bad, &err), IAM_E_ARG);
    CHECK(bad == NULL && err.code == IAM_E_ARG && err.message != NULL);
    CHECK_EQ_INT(iam_eval(bad, &ok, NULL), IAM_DENY_IMPLICIT);
    iam_policy_input bad_level = {p, IAM_POLICY_SCP, 99, {"", 0}};
    CHECK_STATUS(iam_policy_set_compile(&arena, &bad_level, 1, &bad, &err), IAM_E_ARG);

    /* an arena too small, at every size below what the batch needs */
    check_arena_steps(&in, memory + (cap / 2), &ok, IAM_ALLOW);
    const iam_policy *rp = NULL;
    CHECK_STATUS(iam_policy_parse(parser, &arena, repeated, sizeof repeated - 1, NULL, &rp, NULL), IAM_OK);
    iam_policy_input rin = {rp, IAM_POLICY_IDENTITY, 0, {"Repeated", 8}};
    iam_request list_users = request_for("chime:ListUsers"); /* the Deny's condition key is missing */
    check_arena_steps(&rin, memory + (cap / 2), &list_users, IAM_ALLOW);
    iam_request list_rooms = request_for("chime:ListRooms"); /* chime:List* alone */
    const iam_policy_set *rset = NULL;
    CHECK_STATUS(iam_policy_set_compile(&arena, &rin, 1, &rset, NULL), IAM_OK);
    CHECK_EQ_INT(iam_eval(rset, &list_rooms, NULL), IAM_ALLOW);
    iam_request delete_user = request_for("chime:DeleteUser");
    CHECK_EQ_INT(iam_eval(rset, &delete_user, NULL), IAM_DENY_IMPLICIT);

    /* malformed request values */
    iam_request r = ok;
    r.action.ptr = NULL;
    CHECK_EQ_INT(iam_eval(set, &r, NULL), IAM_DENY_IMPLICIT);
    r = ok;
    r.resource.ptr = NULL;
    r.resource.len = 3;
    CHECK_EQ_INT(iam_eval(set, &r, NULL), IAM_DENY_IMPLICIT);
    r = ok;
    r.context_count = 2; /* context NULL */
    CHECK_EQ_INT(iam_eval(set, &r, NULL), IAM_DENY_IMPLICIT);
    iam_context_entry e = {{"aws:username", 12}, NULL, 1, false};
    r = ok;
    r.context = &e;
    r.context_count = 1;
    CHECK_EQ_INT(iam_eval(set, &r, NULL), IAM_DENY_IMPLICIT);
    iam_str v = {NULL, 4};
    iam_context_entry e2 = {{"aws:username", 12}, &v, 1, false};
    r.context = &e2;
    CHECK_EQ_INT(iam_eval(set, &r, NULL), IAM_DENY_IMPLICIT);
    iam_context_entry e3 = {{NULL, 3}, &v, 0, false};
    r.context = &e3;
    CHECK_EQ_INT(iam_eval(set, &r, NULL), IAM_DENY_IMPLICIT);

    /* More automaton reports than iam_eval's span buffer holds: patterns
     * "s:a*", "s:aa*", ... each report at a different byte of "s:aaa...", and
     * the Deny reports last. Dropping reports would silently allow; iam_eval
     * then visits every statement with the reference matcher instead. */
    {
        enum { N = 600 };
        static char docs[N + 1][N + 128];
        iam_policy_input many[N + 1];
        bool parsed = true;
        memset(docs[0], 'a', N);
        for (int k = 1; k <= N; k++) {
            int len = snprintf(docs[k], sizeof docs[k],
                               "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"%s\","
                               "\"Action\":\"s:%.*s*\",\"Resource\":\"*\"}}",
                               k == N ? "Deny" : "Allow", k, docs[0]);
            const iam_policy *q = NULL;
            parsed &= iam_policy_parse(parser, &arena, docs[k], (size_t)len, NULL, &q, NULL) == IAM_OK;
            iam_policy_input qi = {q, IAM_POLICY_IDENTITY, 0, {"", 0}};
            many[k - 1] = qi;
        }
        CHECK(parsed);
        const iam_policy_set *big = NULL;
        if (parsed)
            CHECK_STATUS(iam_policy_set_compile(&arena, many, N, &big, NULL), IAM_OK);
        char action[N + 3] = "s:";
        memset(action + 2, 'a', N);
        iam_request flood = {{action, N + 2}, {"*", 1}, {"", 0}, NULL, 0};
        CHECK_EQ_INT(iam_eval(big, &flood, NULL), IAM_DENY_EXPLICIT);
        flood.action.len = 12; /* "s:aaaaaaaaaa": ten reports, all Allows */
        CHECK_EQ_INT(iam_eval(big, &flood, NULL), IAM_ALLOW);
    }

    /* a denial explains nothing */
    iam_statement_ref matched[4];
    iam_str missing[4];
    iam_explain ex = {matched, 4, 99, missing, 4, 99};
    CHECK_EQ_INT(iam_eval(NULL, &ok, &ex), IAM_DENY_IMPLICIT);
    CHECK(ex.matched_count == 0 && ex.missing_count == 0);
    CHECK_EQ_INT(iam_eval(set, &ok, &ex), IAM_ALLOW);
    CHECK(ex.matched_count == 1 && ex.matched[0].policy == 0 && ex.matched[0].statement == 0 &&
          ex.matched[0].policy_name.len == 8);

    free(memory);
    iam_parser_destroy(parser);
    return test_summary("fail closed");
}
