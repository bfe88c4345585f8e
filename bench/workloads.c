/*
 * workloads.c — building the eval benchmarks' request streams (see
 * workloads.h). Cold code: it allocates freely and keeps what it builds
 * until the process ends.
 */
#define _POSIX_C_SOURCE 200809L
#include "workloads.h"
#include "keep.h"

#include "glob/glob.h"
#include "iamgate_catalog.h"
#include "ref_eval.h"
#include "test_util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BYTES ((size_t)1 << 30) /* reserved, touched only as used */
#define PRINCIPAL "arn:aws:iam::123456789012:user/alice"

const char *const workload_names[] = {
    "eval/chime-readonly/allow",
    "eval/chime-readonly/deny",
    "eval/chime-managed-3/mix",
    "eval/conditions/mfa-ip-time",
    "eval/variables/username-resource",
    "eval/scale/statements:10",
    "eval/scale/statements:100",
    "eval/scale/statements:1000",
    "eval/scale/statements:10000",
    "eval/scale/statements:100000",
    "eval/corpus/random-principal",
    NULL,
};

/* ---- small helpers -------------------------------------------------- */

static iam_str str_of(const char *s)
{
    iam_str out = {s, strlen(s)};
    return out;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static char *format(const char *fmt, ...);

static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = keep_alloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* A fixed pseudo-random sequence (the same every run). */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

static void *grow(void *v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return v;
    *cap = *cap ? 2 * *cap : 64;
    while (*cap < need)
        *cap *= 2;
    return keep_realloc(v, *cap * size);
}

/* One arena for every workload's policies and sets: they live as long as
 * the process. */
static iam_arena *shared_arena(void)
{
    static iam_arena arena;
    static void *memory;
    if (memory == NULL) {
        memory = keep_aligned(ARENA_BYTES);
        iam_arena_init(&arena, memory, ARENA_BYTES);
    }
    return &arena;
}

static iam_parser *shared_parser(void)
{
    static iam_parser *parser;
    if (parser == NULL)
        iam_parser_create(&parser);
    return parser;
}

static const iam_policy *parse_policy(const char *json, size_t len)
{
    const iam_policy *p = NULL;
    iam_error err;
    if (iam_policy_parse(shared_parser(), shared_arena(), json, len, NULL, &p, &err) != IAM_OK)
        return NULL;
    return p;
}

/* ---- building a workload ---------------------------------------------- */

typedef struct builder {
    workload *w;
    size_t set_cap, request_cap;
    const char *error;
} builder;

static workload_set *add_set(builder *b, size_t inputs)
{
    workload *w = b->w;
    w->sets = grow(w->sets, &b->set_cap, w->set_count + 1, sizeof *w->sets);
    workload_set *s = &w->sets[w->set_count++];
    memset(s, 0, sizeof *s);
    s->inputs = keep_calloc(inputs, sizeof *s->inputs);
    return s;
}

static void add_input(workload_set *s, const iam_policy *p, const char *name)
{
    iam_policy_input in = {p, IAM_POLICY_IDENTITY, 0, str_of(name)};
    s->inputs[s->input_count++] = in;
}

static bool add_managed(builder *b, workload_set *s, const char *name)
{
    const iam_managed_policy *m = iam_managed_policy_find(name, strlen(name));
    const iam_policy *p = m ? parse_policy(m->document.ptr, m->document.len) : NULL;
    if (p == NULL) {
        b->error = "a Chime managed policy is missing from the built-in data or does not parse";
        return false;
    }
    add_input(s, p, name);
    return true;
}

static bool add_inline(builder *b, workload_set *s, const char *name, const char *json)
{
    const iam_policy *p = parse_policy(json, strlen(json));
    if (p == NULL) {
        b->error = "a workload's own policy does not parse";
        return false;
    }
    add_input(s, p, name);
    return true;
}

static workload_request *add_request(builder *b, uint32_t set, const char *action,
                                     const char *resource, const iam_context_entry *context,
                                     uint32_t context_count)
{
    workload *w = b->w;
    w->requests = grow(w->requests, &b->request_cap, w->request_count + 1, sizeof *w->requests);
    workload_request *r = &w->requests[w->request_count++];
    memset(r, 0, sizeof *r);
    r->request.action = str_of(action);
    r->request.resource = str_of(resource);
    r->request.principal = str_of(PRINCIPAL);
    r->request.context = context;
    r->request.context_count = context_count;
    r->set = set;
    return r;
}

/* A gateway's usual request context (spec §5): present on every request
 * of the Chime streams, so that context handling is part of the figure. */
static const iam_str ctx_ip[] = {{"203.0.113.7", 11}};
static const iam_str ctx_tls[] = {{"true", 4}};
static const iam_str ctx_time[] = {{"2026-06-01T12:00:00Z", 20}};
static const iam_str ctx_epoch[] = {{"1780315200", 10}};
static const iam_str ctx_user[] = {{"alice", 5}};
static const iam_str ctx_arn[] = {{PRINCIPAL, sizeof PRINCIPAL - 1}};
static const iam_context_entry gateway_context[] = {
    {{"aws:SourceIp", 12}, ctx_ip, 1, false},
    {{"aws:SecureTransport", 19}, ctx_tls, 1, false},
    {{"aws:CurrentTime", 15}, ctx_time, 1, false},
    {{"aws:EpochTime", 13}, ctx_epoch, 1, false},
    {{"aws:username", 12}, ctx_user, 1, false},
    {{"aws:PrincipalArn", 16}, ctx_arn, 1, false},
};
#define GATEWAY_CONTEXT_COUNT (sizeof gateway_context / sizeof gateway_context[0])

/* The Chime actions of the built-in catalog (data/chime-actions.aws.json). */
static size_t chime_actions(const iam_catalog_action **first)
{
    const iam_catalog_service *s = iam_catalog_find_service("chime", 5);
    if (s == NULL)
        return 0;
    *first = iam_catalog_action_at(s->first_action);
    return s->action_count;
}

/* Whether a policy's Action patterns name action, by the reference matcher
 * (glob.h): how the read-only streams are split, independently of the
 * compiled automaton under test. */
static bool policy_names_action(const iam_policy *p, iam_str action)
{
    for (uint32_t s = 0; s < p->statement_count; s++)
        for (uint32_t a = 0; a < p->statements[s].actions.count; a++) {
            iam_str pat = p->statements[s].actions.items[a].text;
            if (glob_match_action_reference(pat.ptr, pat.len, action.ptr, action.len))
                return true;
        }
    return false;
}

/* ---- the Chime streams -------------------------------------------------- */

/* ReadOnly; "allow" takes the catalog actions its patterns name, "deny"
 * the others. */
static void build_chime_readonly(builder *b, bool allowed)
{
    workload_set *s = add_set(b, 1);
    if (!add_managed(b, s, "AmazonChimeReadOnly"))
        return;
    const iam_catalog_action *a;
    size_t n = chime_actions(&a);
    for (size_t i = 0; i < n; i++)
        if (policy_names_action(s->inputs[0].policy, a[i].full_name) == allowed)
            add_request(b, 0, a[i].full_name.ptr, "*", gateway_context, GATEWAY_CONTEXT_COUNT);
}

/* ReadOnly + UserManagement + FullAccess against every Chime action. */
static void build_chime_managed_3(builder *b)
{
    workload_set *s = add_set(b, 3);
    if (!add_managed(b, s, "AmazonChimeReadOnly") || !add_managed(b, s, "AmazonChimeUserManagement") ||
        !add_managed(b, s, "AmazonChimeFullAccess"))
        return;
    const iam_catalog_action *a;
    size_t n = chime_actions(&a);
    for (size_t i = 0; i < n; i++)
        add_request(b, 0, a[i].full_name.ptr, "*", gateway_context, GATEWAY_CONTEXT_COUNT);
}

/* ---- conditions: MFA, source IP, time windows ------------------------------ */

static const char conditions_policy[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":["
    "{\"Sid\":\"ChimeFromOfficeWithMfaIn2026\",\"Effect\":\"Allow\",\"Action\":\"chime:*\","
    "\"Resource\":\"*\",\"Condition\":{"
    "\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"},"
    "\"IpAddress\":{\"aws:SourceIp\":[\"203.0.113.0/24\",\"198.51.100.0/24\",\"2001:db8::/32\"]},"
    "\"DateGreaterThan\":{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"},"
    "\"DateLessThan\":{\"aws:CurrentTime\":\"2027-01-01T00:00:00Z\"}}},"
    "{\"Sid\":\"NoDeletesWithoutRecentMfa\",\"Effect\":\"Deny\","
    "\"Action\":[\"chime:Delete*\",\"chime:BatchDelete*\"],\"Resource\":\"*\","
    "\"Condition\":{\"NumericGreaterThanIfExists\":{\"aws:MultiFactorAuthAge\":\"3600\"}}},"
    "{\"Sid\":\"NothingFromOutside\",\"Effect\":\"Deny\",\"Action\":\"chime:*\",\"Resource\":\"*\","
    "\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":[\"203.0.113.0/24\",\"198.51.100.0/24\","
    "\"2001:db8::/32\",\"10.0.0.0/8\"]}}}]}";

/* One request context of the conditions stream. */
typedef struct condition_variant {
    const char *mfa, *mfa_age, *ip, *time;
} condition_variant;

static const condition_variant condition_variants[] = {
    {"true", "300", "203.0.113.7", "2026-06-01T12:00:00Z"},      /* Allow */
    {"true", "7200", "198.51.100.20", "2026-03-15T08:30:00Z"},   /* Allow; deletes denied */
    {"false", "300", "203.0.113.7", "2026-06-01T12:00:00Z"},     /* no MFA: implicit */
    {"true", "300", "192.0.2.1", "2026-06-01T12:00:00Z"},        /* outside: explicit */
    {"true", "60", "2001:db8::1", "2026-12-31T23:59:59Z"},       /* IPv6 office: Allow */
    {"true", "300", "10.1.2.3", "2026-06-01T12:00:00Z"},         /* VPN: implicit */
    {"true", "300", "203.0.113.9", "2027-02-01T00:00:00Z"},      /* too late: implicit */
    {NULL, NULL, "203.0.113.7", "2026-06-01T12:00:00Z"},         /* keys absent: implicit */
};
#define CONDITION_VARIANTS (sizeof condition_variants / sizeof condition_variants[0])

static iam_context_entry *condition_context(const condition_variant *v, uint32_t *count)
{
    iam_context_entry *e = keep_calloc(5, sizeof *e);
    iam_str *values = keep_calloc(5, sizeof *values);
    const char *keys[] = {"aws:SourceIp", "aws:CurrentTime", "aws:MultiFactorAuthPresent",
                          "aws:MultiFactorAuthAge", "aws:username"};
    const char *vals[] = {v->ip, v->time, v->mfa, v->mfa_age, "alice"};
    uint32_t n = 0;
    for (size_t i = 0; i < 5; i++) {
        if (vals[i] == NULL)
            continue;
        values[n] = str_of(vals[i]);
        e[n].key = str_of(keys[i]);
        e[n].values = &values[n];
        e[n].count = 1;
        n++;
    }
    *count = n;
    return e;
}

/* Every Chime action under each variant, interleaved. */
static void build_conditions(builder *b)
{
    workload_set *s = add_set(b, 1);
    if (!add_inline(b, s, "MfaIpTime", conditions_policy))
        return;
    iam_context_entry *contexts[CONDITION_VARIANTS];
    uint32_t counts[CONDITION_VARIANTS];
    for (size_t v = 0; v < CONDITION_VARIANTS; v++)
        contexts[v] = condition_context(&condition_variants[v], &counts[v]);
    const iam_catalog_action *a;
    size_t n = chime_actions(&a);
    for (size_t i = 0; i < n; i++) {
        size_t v = i % CONDITION_VARIANTS;
        add_request(b, 0, a[i].full_name.ptr, "*", contexts[v], counts[v]);
    }
}

/* ---- variables: ${aws:username} in Resource ---------------------------------- */

/* The seed example "allow users to view their own permissions"
 * (data/seed-examples/003-...): the caller's own user ARN is allowed, any
 * other user's is not. */
static void build_variables(builder *b)
{
    size_t len = 0;
    char *json = test_read_file(IAM_SOURCE_DIR "/data/seed-examples/"
                                "003-allow-users-to-view-their-own-permissions.json", &len);
    workload_set *s = add_set(b, 1);
    const iam_policy *p = json ? parse_policy(json, len) : NULL; /* the AST holds copies */
    free(json);
    if (p == NULL) {
        b->error = "data/seed-examples/003-allow-users-to-view-their-own-permissions.json is missing";
        return;
    }
    add_input(s, p, "ViewOwnPermissions");
    static const char *const actions[] = {"iam:GetUser", "iam:GetUserPolicy", "iam:ListGroupsForUser",
                                          "iam:ListAttachedUserPolicies", "iam:ListUserPolicies",
                                          "iam:DeleteUser"};
    static const char *const users[] = {"alice", "bob", "carol", "alice", "dave", "alice"};
    for (size_t u = 0; u < sizeof users / sizeof users[0]; u++)
        for (size_t a = 0; a < sizeof actions / sizeof actions[0]; a++) {
            char *arn = format("arn:aws:iam::123456789012:user/%s", users[u]);
            add_request(b, 0, actions[a], arn, gateway_context, GATEWAY_CONTEXT_COUNT);
        }
}

/* ---- the corpus ---------------------------------------------------------- */

typedef struct corpus_data {
    corpus_policy *raw;
    size_t count;
    const iam_policy **parsed;   /* NULL where a document does not parse */
    iam_statement *statements;   /* condition-free, not whole-account (see below) */
    size_t statement_count;
    char **actions;              /* exact action names the corpus grants */
    size_t action_count;
    char **arns;                 /* real-shaped ARNs from its Resource patterns */
    size_t arn_count;
} corpus_data;

static bool is_whole_account(const iam_statement *st)
{
    for (uint32_t a = 0; a < st->actions.count; a++) {
        iam_str t = st->actions.items[a].text;
        if ((t.len == 1 && t.ptr[0] == '*') || (t.len == 3 && memcmp(t.ptr, "*:*", 3) == 0))
            return true;
    }
    return st->not_action; /* NotAction grants (or denies) all but a few */
}

static bool has_wildcard(iam_str s)
{
    return memchr(s.ptr, '*', s.len) != NULL || memchr(s.ptr, '?', s.len) != NULL;
}

/* An ARN matching a pattern: each '*' or '?' becomes 'x'. */
static char *concrete(iam_str pattern)
{
    char *s = keep_alloc(pattern.len + 1);
    for (size_t i = 0; i < pattern.len; i++)
        s[i] = (pattern.ptr[i] == '*' || pattern.ptr[i] == '?') ? 'x' : pattern.ptr[i];
    s[pattern.len] = '\0';
    return s;
}

static void collect_names(corpus_data *c, const iam_statement *st, size_t *action_cap, size_t *arn_cap)
{
    for (uint32_t a = 0; a < st->actions.count && !st->not_action; a++) {
        iam_str t = st->actions.items[a].text;
        if (has_wildcard(t) || memchr(t.ptr, ':', t.len) == NULL)
            continue;
        c->actions = grow(c->actions, action_cap, c->action_count + 1, sizeof *c->actions);
        c->actions[c->action_count++] = concrete(t);
    }
    for (uint32_t r = 0; r < st->resources.count && !st->not_resource; r++) {
        iam_str t = st->resources.items[r].text;
        if (t.len < 8 || memcmp(t.ptr, "arn:", 4) != 0 || memchr(t.ptr, '$', t.len))
            continue;
        c->arns = grow(c->arns, arn_cap, c->arn_count + 1, sizeof *c->arns);
        c->arns[c->arn_count++] = concrete(t);
    }
}

/* Statements that decide every request by themselves (Action "*", or a
 * NotAction list) are left out of the scale streams: one of them would
 * hide everything else the evaluator does. */
static const corpus_data *corpus_get(const char **error)
{
    static corpus_data c;
    static bool loaded;
    if (loaded)
        return c.raw ? &c : NULL;
    loaded = true;
    c.raw = corpus_load(&c.count);
    if (c.raw == NULL) {
        *error = "corpus/aws-managed-policies.jsonl is missing";
        return NULL;
    }
    c.parsed = keep_calloc(c.count, sizeof *c.parsed);
    size_t cap = 0, action_cap = 0, arn_cap = 0;
    for (size_t i = 0; i < c.count; i++) {
        c.parsed[i] = parse_policy(c.raw[i].doc, c.raw[i].doc_len);
        for (uint32_t s = 0; c.parsed[i] && s < c.parsed[i]->statement_count; s++) {
            const iam_statement *st = &c.parsed[i]->statements[s];
            collect_names(&c, st, &action_cap, &arn_cap);
            if (st->condition_count != 0 || is_whole_account(st))
                continue;
            c.statements = grow(c.statements, &cap, c.statement_count + 1, sizeof *c.statements);
            c.statements[c.statement_count++] = *st;
        }
    }
    return &c;
}

/* A request of a corpus stream: an action the corpus grants somewhere, on
 * an ARN of that service when the corpus has one (else "*"). */
static void corpus_request(builder *b, const corpus_data *c, uint32_t set, uint64_t *rng)
{
    const char *action = c->actions[next_random(rng) % c->action_count];
    const char *colon = strchr(action, ':');
    size_t vendor = (size_t)(colon - action);
    const char *resource = "*";
    for (int tries = 0; tries < 64; tries++) {
        const char *arn = c->arns[next_random(rng) % c->arn_count];
        const char *service = strchr(strchr(arn, ':') + 1, ':') + 1;
        if (strncmp(service, action, vendor) == 0 && service[vendor] == ':') {
            resource = arn;
            break;
        }
    }
    add_request(b, set, action, resource, gateway_context, GATEWAY_CONTEXT_COUNT);
}

#define SCALE_POLICY_STATEMENTS 100u /* statements per synthetic policy */
#define CORPUS_REQUESTS 4096u

/* N condition-free corpus statements in a fixed shuffled order (repeated
 * when N exceeds the corpus), as policies of 100 statements; the same
 * request stream for every N. */
static void build_scale(builder *b, size_t n)
{
    const corpus_data *c = corpus_get(&b->error);
    if (c == NULL || c->statement_count == 0)
        return;
    size_t *order = keep_alloc(c->statement_count * sizeof *order);
    for (size_t i = 0; i < c->statement_count; i++)
        order[i] = i;
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    for (size_t i = c->statement_count; i > 1; i--) {
        size_t j = (size_t)(next_random(&rng) % i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    size_t policies = (n + SCALE_POLICY_STATEMENTS - 1) / SCALE_POLICY_STATEMENTS;
    workload_set *s = add_set(b, policies);
    iam_statement *all = keep_alloc(n * sizeof *all);
    for (size_t i = 0; i < n; i++)
        all[i] = c->statements[order[i % c->statement_count]];
    for (size_t p = 0; p < policies; p++) {
        iam_policy *policy = keep_calloc(1, sizeof *policy);
        policy->version = IAM_VERSION_2012_10_17;
        policy->statement_is_array = true;
        policy->statements = all + p * SCALE_POLICY_STATEMENTS;
        size_t left = n - p * SCALE_POLICY_STATEMENTS;
        policy->statement_count = (uint32_t)(left < SCALE_POLICY_STATEMENTS ? left : SCALE_POLICY_STATEMENTS);
        add_input(s, policy, format("corpus-statements-%zu", p));
    }
    uint64_t requests = 0x243F6A8885A308D3ull;
    for (size_t i = 0; i < CORPUS_REQUESTS; i++)
        corpus_request(b, c, 0, &requests);
}

#define PRINCIPALS 256u
#define POLICIES_PER_PRINCIPAL 5u

/* 256 principals, each with 5 random corpus policies compiled into its own
 * set; each request goes to a random principal. */
static void build_random_principal(builder *b)
{
    const corpus_data *c = corpus_get(&b->error);
    if (c == NULL)
        return;
    uint64_t rng = 0xB7E151628AED2A6Bull;
    for (uint32_t p = 0; p < PRINCIPALS; p++) {
        workload_set *s = add_set(b, POLICIES_PER_PRINCIPAL);
        while (s->input_count < POLICIES_PER_PRINCIPAL) {
            size_t i = (size_t)(next_random(&rng) % c->count);
            if (c->parsed[i] != NULL)
                add_input(s, c->parsed[i], format("%.*s", (int)c->raw[i].name_len, c->raw[i].name));
        }
    }
    for (size_t i = 0; i < CORPUS_REQUESTS; i++)
        corpus_request(b, c, (uint32_t)(next_random(&rng) % PRINCIPALS), &rng);
}

/* ---- compile and check ------------------------------------------------------ */

static const char *compile_sets(workload *w)
{
    iam_arena *arena = shared_arena();
    for (size_t i = 0; i < w->set_count; i++) {
        workload_set *s = &w->sets[i];
        size_t before = iam_arena_used(arena);
        iam_error err;
        if (iam_policy_set_compile(arena, s->inputs, s->input_count, &s->set, &err) != IAM_OK)
            return "a workload's policies do not compile";
        w->arena_bytes += iam_arena_used(arena) - before;
        for (size_t k = 0; k < s->input_count; k++)
            w->statement_count += s->inputs[k].policy->statement_count;
    }
    return NULL;
}

/* The stream is timed only if the two evaluators agree on every request
 * and it holds the decisions its name promises. */
static const char *check_stream(workload *w)
{
    for (size_t i = 0; i < w->request_count; i++) {
        workload_request *r = &w->requests[i];
        const workload_set *s = &w->sets[r->set];
        r->expected = ref_eval(s->inputs, s->input_count, &r->request);
        /* (the reference is linear in the statements: over 100,000 this
         * check takes about a minute; it is what makes the figures mean
         * something) */
        iam_decision got = iam_eval(s->set, &r->request, NULL);
        if (got != r->expected) {
            fprintf(stderr, "%s: request %zu (%.*s on %.*s): iam_eval %s, reference %s\n", w->name, i,
                    (int)r->request.action.len, r->request.action.ptr, (int)r->request.resource.len,
                    r->request.resource.ptr, iam_decision_name(got), iam_decision_name(r->expected));
            return "iam_eval and the reference evaluator disagree on this stream";
        }
        w->allow += r->expected == IAM_ALLOW;
        w->explicit_deny += r->expected == IAM_DENY_EXPLICIT;
        w->implicit_deny += r->expected == IAM_DENY_IMPLICIT;
    }
    if (w->request_count == 0)
        return "the stream is empty";
    if (strstr(w->name, "/allow") && w->allow != w->request_count)
        return "an \"allow\" stream holds requests that are not allowed";
    if (strstr(w->name, "/deny") && w->allow != 0)
        return "a \"deny\" stream holds allowed requests";
    if (strstr(w->name, "conditions/") && (w->allow == 0 || w->allow == w->request_count))
        return "a mixed stream does not mix decisions";
    return NULL;
}

static void build(builder *b, const char *name)
{
    if (strcmp(name, "eval/chime-readonly/allow") == 0)
        build_chime_readonly(b, true);
    else if (strcmp(name, "eval/chime-readonly/deny") == 0)
        build_chime_readonly(b, false);
    else if (strcmp(name, "eval/chime-managed-3/mix") == 0)
        build_chime_managed_3(b);
    else if (strcmp(name, "eval/conditions/mfa-ip-time") == 0)
        build_conditions(b);
    else if (strcmp(name, "eval/variables/username-resource") == 0)
        build_variables(b);
    else if (strncmp(name, "eval/scale/statements:", 22) == 0)
        build_scale(b, (size_t)strtoul(name + 22, NULL, 10));
    else if (strcmp(name, "eval/corpus/random-principal") == 0)
        build_random_principal(b);
    else
        b->error = "no such workload";
}

const char *workload_get(const char *name, const workload **out)
{
    static workload built[sizeof workload_names / sizeof workload_names[0]];
    static const char *errors[sizeof workload_names / sizeof workload_names[0]];
    *out = NULL;
    size_t k = 0;
    while (workload_names[k] != NULL && strcmp(workload_names[k], name) != 0)
        k++;
    if (workload_names[k] == NULL)
        return "no such workload";
    workload *w = &built[k];
    if (w->name == NULL && errors[k] == NULL) {
        builder b = {w, 0, 0, NULL};
        w->name = workload_names[k];
        build(&b, name);
        errors[k] = b.error ? b.error : compile_sets(w);
        if (errors[k] == NULL)
            errors[k] = check_stream(w);
    }
    *out = errors[k] ? NULL : w;
    return errors[k];
}

/* ---- --dump-workload ---------------------------------------------------------- */

static void dump_string(FILE *out, iam_str s)
{
    fputc('"', out);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void dump_request(FILE *out, const workload_request *r, bool with_set)
{
    fputs("{\"action\":", out);
    dump_string(out, r->request.action);
    fputs(",\"resource\":", out);
    dump_string(out, r->request.resource);
    fputs(",\"principal\":", out);
    dump_string(out, r->request.principal);
    fputs(",\"context\":{", out);
    for (uint32_t i = 0; i < r->request.context_count; i++) {
        const iam_context_entry *e = &r->request.context[i];
        fputs(i ? "," : "", out);
        dump_string(out, e->key);
        fputc(':', out);
        if (e->multi)
            fputc('[', out);
        for (uint32_t v = 0; v < e->count; v++) {
            fputs(v ? "," : "", out);
            dump_string(out, e->values[v]);
        }
        if (e->multi)
            fputc(']', out);
    }
    fputc('}', out);
    if (with_set)
        fprintf(out, ",\"set\":%u", (unsigned)r->set);
    fputc('}', out);
}

/* A parsed policy back as JSON: the statements as the AST holds them
 * (synthetic scale policies have no source text of their own). */
static void dump_values(FILE *out, const iam_value_list *l)
{
    fputc('[', out);
    for (uint32_t i = 0; i < l->count; i++) {
        fputs(i ? "," : "", out);
        dump_string(out, l->items[i].text);
    }
    fputc(']', out);
}

static void dump_condition_block(FILE *out, const iam_statement *st)
{
    fputs(",\"Condition\":{", out);
    for (uint32_t c = 0; c < st->condition_count; c++) {
        const iam_condition *cond = &st->conditions[c];
        bool first_of_operator = c == 0 || cond->operator_text.len != st->conditions[c - 1].operator_text.len ||
                                 memcmp(cond->operator_text.ptr, st->conditions[c - 1].operator_text.ptr,
                                        cond->operator_text.len) != 0;
        if (first_of_operator) {
            fputs(c ? "}," : "", out);
            dump_string(out, cond->operator_text);
            fputs(":{", out);
        } else {
            fputc(',', out);
        }
        dump_string(out, cond->key);
        fputc(':', out);
        dump_values(out, &cond->values);
    }
    fputs(st->condition_count ? "}}" : "}", out);
}

static void dump_policy(FILE *out, const iam_policy *p)
{
    fputs("{\"Version\":\"2012-10-17\",\"Statement\":[", out);
    for (uint32_t s = 0; s < p->statement_count; s++) {
        const iam_statement *st = &p->statements[s];
        fputs(s ? "," : "", out);
        fprintf(out, "{\"Effect\":\"%s\",\"%s\":", st->effect == IAM_EFFECT_ALLOW ? "Allow" : "Deny",
                st->not_action ? "NotAction" : "Action");
        dump_values(out, &st->actions);
        fprintf(out, ",\"%s\":", st->not_resource ? "NotResource" : "Resource");
        dump_values(out, &st->resources);
        if (st->condition_count)
            dump_condition_block(out, st);
        fputc('}', out);
    }
    fputs("]}", out);
}

static void dump_set(FILE *out, const workload_set *s)
{
    fputc('[', out);
    for (size_t i = 0; i < s->input_count; i++) {
        fputs(i ? "," : "", out);
        fputs("{\"name\":", out);
        dump_string(out, s->inputs[i].name);
        fputs(",\"kind\":\"identity\",\"document\":", out);
        dump_policy(out, s->inputs[i].policy);
        fputc('}', out);
    }
    fputc(']', out);
}

void workload_dump(const workload *w, FILE *out)
{
    fputs("{\"name\":", out);
    dump_string(out, str_of(w->name));
    fputs(",\"policies\":", out);
    dump_set(out, &w->sets[0]);
    if (w->set_count > 1) {
        fputs(",\"policy_sets\":[", out);
        for (size_t i = 0; i < w->set_count; i++) {
            fputs(i ? "," : "", out);
            dump_set(out, &w->sets[i]);
        }
        fputc(']', out);
    }
    fputs(",\"requests\":[", out);
    for (size_t i = 0; i < w->request_count; i++) {
        fputs(i ? ",\n" : "\n", out);
        dump_request(out, &w->requests[i], w->set_count > 1);
    }
    fputs("],\"decisions\":[", out);
    for (size_t i = 0; i < w->request_count; i++)
        fprintf(out, "%s\"%s\"", i ? "," : "", iam_decision_name(w->requests[i].expected));
    fputs("]}\n", out);
}
