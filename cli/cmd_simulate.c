/*
 * iamgate simulate: the inputs of `aws iam simulate-custom-policy` and
 * `simulate-principal-policy` (spec §7.5), the output of both: one
 * EvaluationResult per action (the most restrictive decision over the
 * resources, per-resource results in ResourceSpecificResults), or one per
 * (action, resource) with --legacy-per-resource-results.
 */
#include "cli.h"
#include "bundle.h"
#include "cli_json.h"
#include "context.h"
#include "iamgate_catalog.h"
#include "iamgate_directory.h"
#include "internal.h"
#include "jbuf.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char simulate_usage[] =
    "usage: iamgate simulate [OPTIONS]\n"
    "  --policy-input-list DOC...        identity policies: file://PATH, JSON text, or an\n"
    "                                    AWS managed policy ARN\n"
    "  --permissions-boundary-policy-input-list DOC   the boundary (replaces the\n"
    "                                    principal's own)\n"
    "  --action-names ACTION...          required; wildcards expand against the catalog\n"
    "  --resource-arns ARN...            default *\n"
    "  --context-entries ENTRY...        ContextKeyName=K,ContextKeyValues=V,ContextKeyType=T\n"
    "                                    or JSON (file://PATH too)\n"
    "  --policy-source-arn NAME|ARN      a user, group or role of --account-details, or an\n"
    "                                    assumed-role session ARN (simulate-principal-policy)\n"
    "  --account-details FILE            aws iam get-account-authorization-details output\n"
    "  --caller-arn ARN                  the caller when there is no --policy-source-arn\n"
    "  --session-policy DOC...           session policies (extension)\n"
    "  --scp DOC...                      SCPs, one document an organisation level (extension)\n"
    "  --cli-input-json JSON|file://PATH the request as simulate-*-policy's JSON\n"
    "  --output json|table               default json\n"
    "  --legacy-per-resource-results     one result per action and resource\n"
    "Exit: 0 simulated, 2 usage error or bad input.\n";

/* A growable list of NUL-terminated strings (not owned). */
typedef struct str_list {
    const char **items;
    size_t count, cap;
} str_list;

static bool list_push(str_list *l, const char *s)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        const char **items = realloc((void *)l->items, cap * sizeof *items);
        if (items == NULL)
            return false;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->count++] = s;
    return true;
}

typedef struct sim {
    str_list policies, boundaries, sessions, scps, actions, resources, contexts;
    const char *source, *account_details, *caller, *cli_input;
    bool table, legacy;
    char **owned;                /* heap strings to free at the end */
    size_t owned_count, owned_cap;
    cli_json input_json;         /* --cli-input-json, kept for its strings */
    iam_directory *dir;
    iam_directory_principal principal;
    bool has_principal;
    cli_context context;
    cli_bundle main, boundary_check, org_check;
    iam_parser *parser;
    str_list action_names;       /* after wildcard expansion */
    int action_width, resource_width; /* --output table columns */
} sim;

static char *own_copy(sim *s, const char *p, size_t n)
{
    char *c = malloc(n + 1);
    if (c == NULL)
        return NULL;
    memcpy(c, p, n);
    c[n] = '\0';
    if (s->owned_count == s->owned_cap) {
        size_t cap = s->owned_cap ? s->owned_cap * 2 : 16;
        char **items = realloc(s->owned, cap * sizeof *items);
        if (items == NULL) {
            free(c);
            return NULL;
        }
        s->owned = items;
        s->owned_cap = cap;
    }
    s->owned[s->owned_count++] = c;
    return c;
}

static void sim_free(sim *s)
{
    for (size_t i = 0; i < s->owned_count; i++)
        free(s->owned[i]);
    free(s->owned);
    str_list *lists[] = {&s->policies, &s->boundaries, &s->sessions, &s->scps, &s->actions,
                         &s->resources, &s->contexts, &s->action_names};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        free((void *)lists[i]->items);
    if (s->input_json.reader != NULL)
        cli_json_free(&s->input_json);
    iam_directory_destroy(s->dir);
    cli_context_free(&s->context);
    cli_bundle_free(&s->main);
    cli_bundle_free(&s->boundary_check);
    cli_bundle_free(&s->org_check);
    iam_parser_destroy(s->parser);
}

/* ---- arguments ---- */

typedef struct multi_flag {
    const char *name;
    size_t list_offset;
} multi_flag;

static str_list *flag_list(sim *s, const char *arg)
{
    static const multi_flag flags[] = {
        {"--policy-input-list", offsetof(sim, policies)},
        {"--permissions-boundary-policy-input-list", offsetof(sim, boundaries)},
        {"--session-policy", offsetof(sim, sessions)},
        {"--scp", offsetof(sim, scps)},
        {"--action-names", offsetof(sim, actions)},
        {"--resource-arns", offsetof(sim, resources)},
        {"--context-entries", offsetof(sim, contexts)},
    };
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        if (strcmp(arg, flags[i].name) == 0)
            return (str_list *)((char *)s + flags[i].list_offset);
    return NULL;
}

static const char **single_flag(sim *s, const char *arg)
{
    if (strcmp(arg, "--policy-source-arn") == 0)
        return &s->source;
    if (strcmp(arg, "--account-details") == 0)
        return &s->account_details;
    if (strcmp(arg, "--caller-arn") == 0)
        return &s->caller;
    if (strcmp(arg, "--cli-input-json") == 0)
        return &s->cli_input;
    return NULL;
}

/* 0 parsed, or an exit code. */
static int parse_args(sim *s, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        str_list *list = flag_list(s, a);
        const char **one = single_flag(s, a);
        if (list != NULL && i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                if (!list_push(list, argv[++i]))
                    return CLI_EXIT_USAGE;
        } else if (one != NULL && i + 1 < argc) {
            *one = argv[++i];
        } else if (strcmp(a, "--output") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "json") == 0 || strcmp(argv[i + 1], "table") == 0)) {
            s->table = strcmp(argv[++i], "table") == 0;
        } else if (strcmp(a, "--legacy-per-resource-results") == 0) {
            s->legacy = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(simulate_usage, stdout);
            return CLI_EXIT_OK;
        } else {
            fprintf(stderr, "iamgate simulate: unknown or incomplete option '%s'\n%s", a,
                    simulate_usage);
            return CLI_EXIT_USAGE;
        }
    }
    return -1;
}

/* ---- --cli-input-json ---- */

static bool input_strings(sim *s, uint32_t v, str_list *list, const char *field)
{
    cli_json *j = &s->input_json;
    if (v == CLI_NO_TOKEN)
        return true;
    if (!cli_is(j, v, JSON_ARRAY)) {
        fprintf(stderr, "iamgate simulate: --cli-input-json: %s must be an array of strings\n", field);
        return false;
    }
    uint32_t t = v + 1;
    for (uint32_t i = 0; i < cli_count(j, v); i++, t = cli_next(j, t)) {
        if (!cli_is(j, t, JSON_STRING)) {
            fprintf(stderr, "iamgate simulate: --cli-input-json: %s[%u] must be a string\n", field, i);
            return false;
        }
        iam_str text = cli_text(j, t);
        const char *copy = own_copy(s, text.ptr, text.len);
        if (copy == NULL || !list_push(list, copy))
            return false;
    }
    return true;
}

static bool input_string(sim *s, uint32_t v, const char **out, const char *field)
{
    if (v == CLI_NO_TOKEN)
        return true;
    if (!cli_is(&s->input_json, v, JSON_STRING)) {
        fprintf(stderr, "iamgate simulate: --cli-input-json: %s must be a string\n", field);
        return false;
    }
    iam_str text = cli_text(&s->input_json, v);
    return (*out = own_copy(s, text.ptr, text.len)) != NULL;
}

/* ContextEntries are handed to the context parser as their JSON text. */
static bool input_context(sim *s, uint32_t v)
{
    if (v == CLI_NO_TOKEN)
        return true;
    size_t start = cli_tok(&s->input_json, v)->offset;
    size_t end = cli_json_close(s->input_json.src, s->input_json.len, start);
    const char *copy = end > start ? own_copy(s, s->input_json.src + start, end - start) : NULL;
    if (copy == NULL) {
        fprintf(stderr, "iamgate simulate: --cli-input-json: ContextEntries must be an array\n");
        return false;
    }
    return list_push(&s->contexts, copy);
}

static int read_cli_input(sim *s)
{
    const char *text = s->cli_input;
    size_t len = strlen(text);
    if (strncmp(text, "file://", 7) == 0) {
        cli_file file;
        if (!cli_read_file(text + 7, &file))
            return CLI_EXIT_USAGE;
        text = own_copy(s, file.data, file.len);
        len = file.len;
        cli_file_free(&file);
        if (text == NULL)
            return CLI_EXIT_USAGE;
    }
    iam_error err;
    cli_json *j = &s->input_json;
    if (!cli_json_init(j))
        return CLI_EXIT_USAGE;
    if (cli_json_parse(j, text, len, &err) != IAM_OK) {
        cli_print_error(stderr, "--cli-input-json", &err, text, len);
        return CLI_EXIT_USAGE;
    }
    bool ok = cli_is(j, 0, JSON_OBJECT) &&
              input_strings(s, cli_member(j, 0, "PolicyInputList"), &s->policies, "PolicyInputList") &&
              input_strings(s, cli_member(j, 0, "PermissionsBoundaryPolicyInputList"), &s->boundaries,
                            "PermissionsBoundaryPolicyInputList") &&
              input_strings(s, cli_member(j, 0, "ActionNames"), &s->actions, "ActionNames") &&
              input_strings(s, cli_member(j, 0, "ResourceArns"), &s->resources, "ResourceArns") &&
              input_strings(s, cli_member(j, 0, "X-SessionPolicy"), &s->sessions, "X-SessionPolicy") &&
              input_strings(s, cli_member(j, 0, "X-SCPs"), &s->scps, "X-SCPs") &&
              input_string(s, cli_member(j, 0, "PolicySourceArn"), &s->source, "PolicySourceArn") &&
              input_string(s, cli_member(j, 0, "CallerArn"), &s->caller, "CallerArn") &&
              input_string(s, cli_member(j, 0, "X-AccountAuthorizationDetails"), &s->account_details,
                           "X-AccountAuthorizationDetails") &&
              input_context(s, cli_member(j, 0, "ContextEntries"));
    if (!cli_is(j, 0, JSON_OBJECT))
        fprintf(stderr, "iamgate simulate: --cli-input-json must be a JSON object\n");
    return ok ? -1 : CLI_EXIT_USAGE;
}

/* ---- policies ---- */

/* A policy argument as text: file://PATH, a managed policy ARN, or JSON. */
static bool policy_text(sim *s, const char *arg, cli_doc *d)
{
    d->file_name = arg;
    if (strncmp(arg, "file://", 7) == 0) {
        cli_file file;
        if (!cli_read_file(arg + 7, &file))
            return false;
        d->text = own_copy(s, file.data, file.len);
        d->len = file.len;
        d->file_name = arg + 7;
        cli_file_free(&file);
        return d->text != NULL;
    }
    if (strncmp(arg, "arn:", 4) == 0) {
        const iam_managed_policy *mp = iam_managed_policy_find(arg, strlen(arg));
        if (mp == NULL) {
            fprintf(stderr, "iamgate simulate: %s: no such AWS managed policy\n", arg);
            return false;
        }
        d->text = mp->document.ptr;
        d->len = mp->document.len;
        d->source_type = "aws-managed"; /* named as an attached policy would be */
        snprintf(d->source_id, sizeof d->source_id, "%.*s", (int)mp->name.len, mp->name.ptr);
        return true;
    }
    const char *p = arg;
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    if (*p != '{') {
        fprintf(stderr, "iamgate simulate: '%.40s' is not a policy: give file://PATH, the JSON "
                        "document, or an AWS managed policy ARN\n", arg);
        return false;
    }
    d->text = arg;
    d->len = strlen(arg);
    d->file_name = "(argument)";
    return true;
}

static bool add_arg_docs(sim *s, cli_bundle *b, const str_list *args, iam_policy_kind kind,
                         const char *id_prefix, const char *type)
{
    for (size_t i = 0; i < args->count; i++) {
        cli_doc d;
        memset(&d, 0, sizeof d);
        if (!policy_text(s, args->items[i], &d))
            return false;
        d.kind = kind;
        d.level = kind == IAM_POLICY_SCP ? (uint32_t)i : 0;
        d.file_text = d.text;
        d.file_len = d.len;
        if (d.source_type == NULL) {
            d.source_type = type;
            snprintf(d.source_id, sizeof d.source_id, "%s.%zu", id_prefix, i + 1);
        }
        if (kind == IAM_POLICY_SCP && i >= 8) {
            fprintf(stderr, "iamgate simulate: at most 8 SCP levels\n");
            return false;
        }
        if (!cli_bundle_add(b, &d))
            return false;
    }
    return true;
}

static bool add_principal_docs(sim *s, cli_bundle *b, iam_policy_kind want, iam_policy_kind as)
{
    for (uint32_t i = 0; i < s->principal.policy_count; i++) {
        const iam_directory_policy *p = &s->principal.policies[i];
        if (p->kind != want)
            continue;
        cli_doc d;
        memset(&d, 0, sizeof d);
        d.text = p->document.ptr;
        d.len = p->document.len;
        d.kind = as;
        d.source_type = iam_policy_source_name((iam_policy_source)p->source);
        d.file_text = d.text;
        d.file_len = d.len;
        d.file_name = s->account_details;
        snprintf(d.source_id, sizeof d.source_id, "%.*s", (int)p->name.len, p->name.ptr);
        if (!cli_bundle_add(b, &d))
            return false;
    }
    return true;
}

static const char allow_all[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

/* A set that allows exactly what the ceiling docs of `kind` allow: those
 * documents plus an allow-all identity policy. */
static bool ceiling_check(sim *s, cli_bundle *check, iam_policy_kind kind)
{
    cli_doc all;
    memset(&all, 0, sizeof all);
    all.text = all.file_text = allow_all;
    all.len = all.file_len = sizeof allow_all - 1;
    all.kind = IAM_POLICY_IDENTITY;
    all.source_type = "none";
    snprintf(all.source_id, sizeof all.source_id, "allow-all");
    if (!cli_bundle_add(check, &all))
        return false;
    for (size_t i = 0; i < s->main.count; i++)
        if (s->main.docs[i].kind == kind && !cli_bundle_add(check, &s->main.docs[i]))
            return false;
    return true;
}

static bool compile(sim *s, cli_bundle *b)
{
    size_t bad;
    iam_error err;
    if (cli_bundle_compile(b, s->parser, &bad, &err) == IAM_OK)
        return true;
    cli_bundle_print_error(b, bad, &err);
    return false;
}

static bool build_sets(sim *s)
{
    bool own_boundary = s->boundaries.count == 0;
    if (s->boundaries.count > 1) {
        fprintf(stderr, "iamgate simulate: at most one permissions boundary\n");
        return false;
    }
    bool ok = add_arg_docs(s, &s->main, &s->policies, IAM_POLICY_IDENTITY, "PolicyInputList", "IAM Policy") &&
              add_arg_docs(s, &s->main, &s->boundaries, IAM_POLICY_BOUNDARY,
                           "PermissionsBoundaryPolicyInputList", "IAM Policy") &&
              add_arg_docs(s, &s->main, &s->sessions, IAM_POLICY_SESSION, "SessionPolicy", "session") &&
              add_arg_docs(s, &s->main, &s->scps, IAM_POLICY_SCP, "SCP", "scp");
    if (ok && s->has_principal)
        ok = add_principal_docs(s, &s->main, IAM_POLICY_IDENTITY, IAM_POLICY_IDENTITY) &&
             (!own_boundary || add_principal_docs(s, &s->main, IAM_POLICY_BOUNDARY, IAM_POLICY_BOUNDARY));
    if (!ok)
        return false;
    if (s->main.count == 0 && !s->has_principal) { /* a principal may have none: all denied */
        fprintf(stderr, "iamgate simulate: no policies: give --policy-input-list or "
                        "--policy-source-arn with --account-details\n");
        return false;
    }
    if (!compile(s, &s->main))
        return false;
    if (cli_bundle_has(&s->main, IAM_POLICY_BOUNDARY) &&
        !(ceiling_check(s, &s->boundary_check, IAM_POLICY_BOUNDARY) && compile(s, &s->boundary_check)))
        return false;
    if (cli_bundle_has(&s->main, IAM_POLICY_SCP) &&
        !(ceiling_check(s, &s->org_check, IAM_POLICY_SCP) && compile(s, &s->org_check)))
        return false;
    return true;
}

/* ---- principal ---- */

static int load_principal(sim *s)
{
    if (s->source == NULL)
        return -1;
    if (s->account_details == NULL) {
        fprintf(stderr, "iamgate simulate: --policy-source-arn needs --account-details FILE "
                        "(aws iam get-account-authorization-details output)\n");
        return CLI_EXIT_USAGE;
    }
    cli_file file;
    if (!cli_read_file(s->account_details, &file))
        return CLI_EXIT_USAGE;
    iam_error err;
    iam_status st = iam_directory_load(file.data, file.len, &s->dir, &err);
    if (st != IAM_OK) {
        fprintf(stderr, "iamgate simulate: the account export is not valid:\n");
        cli_print_error(stderr, s->account_details, &err, file.data, file.len);
    }
    cli_file_free(&file);
    if (st != IAM_OK)
        return CLI_EXIT_USAGE;
    if (iam_directory_find(s->dir, s->source, strlen(s->source), &s->principal) == IAM_OK) {
        s->has_principal = true;
        return -1;
    }
    fprintf(stderr, "iamgate simulate: %s: no such user, role or group in %s\n", s->source,
            s->account_details);
    iam_str near[5]; /* suggest takes names and ARNs (a session ARN by its role) */
    size_t n = iam_directory_suggest(s->dir, s->source, strlen(s->source), near, 5);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s%.*s", i ? ", " : "  did you mean: ", (int)near[i].len, near[i].ptr);
    if (n)
        fputc('\n', stderr);
    return CLI_EXIT_USAGE;
}

/* The ARN the request is made as: the session for assumed roles. */
static void request_principal(const sim *s, char *out, size_t cap)
{
    out[0] = '\0';
    if (s->has_principal && s->principal.session_name.len > 0)
        snprintf(out, cap, "arn:aws:sts::%.*s:assumed-role/%.*s/%.*s",
                 (int)s->principal.account.len, s->principal.account.ptr,
                 (int)s->principal.name.len, s->principal.name.ptr,
                 (int)s->principal.session_name.len, s->principal.session_name.ptr);
    else if (s->has_principal && s->principal.type != IAM_ENTITY_GROUP)
        snprintf(out, cap, "%.*s", (int)s->principal.arn.len, s->principal.arn.ptr);
    else if (s->caller != NULL)
        snprintf(out, cap, "%s", s->caller);
}

/* ---- actions ---- */

static void suggest_action(const char *name)
{
    const char *colon = strchr(name, ':');
    const iam_catalog_service *svc = colon != NULL ? iam_catalog_find_service(name, (size_t)(colon - name)) : NULL;
    if (svc == NULL) {
        fprintf(stderr, "iamgate simulate: unknown action '%s': %s\n", name,
                colon == NULL ? "actions are service:Action" : "no such service in the catalog");
        return;
    }
    const iam_catalog_action *best = NULL;
    size_t best_d = 4;
    for (uint32_t i = 0; i < svc->action_count; i++) {
        const iam_catalog_action *a = iam_catalog_action_at(svc->first_action + i);
        iam_str typed = {colon + 1, strlen(colon + 1)};
        size_t d = text_edit_distance(typed, a->name, best_d - 1);
        if (d < best_d) {
            best_d = d;
            best = a;
        }
    }
    fprintf(stderr, "iamgate simulate: unknown action '%s'", name);
    if (best != NULL)
        fprintf(stderr, ": did you mean %.*s?", (int)best->full_name.len, best->full_name.ptr);
    fputc('\n', stderr);
}

static bool resolve_actions(sim *s)
{
    size_t total = iam_catalog_action_count();
    uint8_t *on = malloc(total);
    bool ok = on != NULL;
    for (size_t i = 0; ok && i < s->actions.count; i++) {
        const char *name = s->actions.items[i];
        if (strpbrk(name, "*?") == NULL) {
            ok = iam_catalog_find_action(name, strlen(name)) != NULL;
            if (!ok)
                suggest_action(name);
            ok = ok && list_push(&s->action_names, name);
            continue;
        }
        ok = cli_expand_pattern(name, on, total) == CLI_EXIT_OK;
        size_t before = s->action_names.count;
        for (size_t k = 0; ok && k < total; k++) {
            if (!on[k])
                continue;
            iam_str full = iam_catalog_action_at(k)->full_name;
            const char *copy = own_copy(s, full.ptr, full.len);
            ok = copy != NULL && list_push(&s->action_names, copy);
        }
        if (ok && s->action_names.count == before) {
            fprintf(stderr, "iamgate simulate: '%s' matches no action of the catalog\n", name);
            ok = false;
        }
    }
    free(on);
    if (ok && s->action_names.count == 0) {
        fprintf(stderr, "iamgate simulate: --action-names is required\n");
        ok = false;
    }
    return ok;
}

/* ---- evaluation and output ---- */

enum { MAX_REFS = 256, MAX_MISSING = 64 };

typedef struct outcome {
    iam_decision decision;
    iam_statement_ref refs[MAX_REFS];
    iam_str missing[MAX_MISSING];
    iam_explain ex;
    int boundary_allows;  /* -1 no boundary */
    int orgs_allow;       /* -1 no SCPs */
} outcome;

static int ceiling_allows(const cli_bundle *check, const iam_request *req)
{
    if (check->set == NULL)
        return -1;
    return iam_eval(check->set, req, NULL) == IAM_ALLOW;
}

static void evaluate(const sim *s, const iam_request *req, outcome *o)
{
    o->ex = (iam_explain){o->refs, MAX_REFS, 0, o->missing, MAX_MISSING, 0};
    o->decision = iam_eval(s->main.set, req, &o->ex);
    o->boundary_allows = ceiling_allows(&s->boundary_check, req);
    o->orgs_allow = ceiling_allows(&s->org_check, req);
}

static const char *sim_decision(iam_decision d)
{
    return d == IAM_ALLOW ? "allowed" : d == IAM_DENY_EXPLICIT ? "explicitDeny" : "implicitDeny";
}

static int restrictiveness(iam_decision d)
{
    return d == IAM_DENY_EXPLICIT ? 2 : d == IAM_DENY_IMPLICIT ? 1 : 0;
}

static void put_position(jbuf *out, const char *name, const cli_doc *d, size_t offset)
{
    uint32_t line, column;
    iam_locate(d->text, d->len, offset, &line, &column);
    jbuf_printf(out, "\"%s\":{\"Line\":%u,\"Column\":%u}", name, line, column);
}

static void put_matched(jbuf *out, const sim *s, const outcome *o)
{
    jbuf_puts(out, "\"MatchedStatements\":[");
    uint32_t n = o->ex.matched_count < MAX_REFS ? o->ex.matched_count : MAX_REFS;
    for (uint32_t i = 0; i < n; i++) {
        const iam_statement_ref *r = &o->refs[i];
        const cli_doc *d = &s->main.docs[r->policy];
        const iam_statement *st = &s->main.policies[r->policy]->statements[r->statement];
        size_t end = cli_json_close(d->text, d->len, st->offset);
        jbuf_puts(out, i ? ",{\"SourcePolicyId\":" : "{\"SourcePolicyId\":");
        jbuf_string(out, d->source_id, strlen(d->source_id));
        jbuf_puts(out, ",\"SourcePolicyType\":");
        jbuf_string(out, d->source_type, strlen(d->source_type));
        jbuf_putc(out, ',');
        put_position(out, "StartPosition", d, st->offset);
        jbuf_putc(out, ',');
        put_position(out, "EndPosition", d, end > 0 ? end - 1 : st->offset);
        jbuf_putc(out, '}');
    }
    jbuf_putc(out, ']');
}

static int compare_str(const void *a, const void *b)
{
    const iam_str *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->ptr, y->ptr, n);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static void put_missing(jbuf *out, const outcome *o)
{
    iam_str keys[MAX_MISSING];
    uint32_t n = o->ex.missing_count < MAX_MISSING ? o->ex.missing_count : MAX_MISSING;
    memcpy(keys, o->missing, n * sizeof *keys);
    qsort(keys, n, sizeof *keys, compare_str);
    jbuf_puts(out, "\"MissingContextValues\":[");
    for (uint32_t i = 0, written = 0; i < n; i++) {
        if (i > 0 && compare_str(&keys[i], &keys[i - 1]) == 0)
            continue;
        if (written++)
            jbuf_putc(out, ',');
        jbuf_str(out, keys[i]);
    }
    jbuf_putc(out, ']');
}

static void put_details(jbuf *out, const outcome *o)
{
    if (o->orgs_allow >= 0)
        jbuf_printf(out, ",\"OrganizationsDecisionDetail\":{\"AllowedByOrganizations\":%s}",
                    o->orgs_allow ? "true" : "false");
    if (o->boundary_allows >= 0)
        jbuf_printf(out, ",\"PermissionsBoundaryDecisionDetail\":{\"AllowedByPermissionsBoundary\":%s}",
                    o->boundary_allows ? "true" : "false");
}

static void put_result_body(jbuf *out, const sim *s, const outcome *o, const char *resource,
                            const char *name_key, const char *decision_key)
{
    jbuf_printf(out, "\"%s\":", name_key);
    jbuf_string(out, resource, strlen(resource));
    jbuf_printf(out, ",\"%s\":\"%s\",", decision_key, sim_decision(o->decision));
    put_matched(out, s, o);
    jbuf_putc(out, ',');
    put_missing(out, o);
    put_details(out, o);
}

static void table_row(jbuf *out, const sim *s, const char *action, const char *resource,
                      const outcome *o)
{
    jbuf_printf(out, "%-*s  %-*s  %-13s ", s->action_width, action, s->resource_width, resource,
                sim_decision(o->decision));
    uint32_t n = o->ex.matched_count < MAX_REFS ? o->ex.matched_count : MAX_REFS;
    for (uint32_t i = 0; i < n; i++) {
        const cli_doc *d = &s->main.docs[o->refs[i].policy];
        const iam_statement *st = &s->main.policies[o->refs[i].policy]->statements[o->refs[i].statement];
        uint32_t line, column;
        iam_locate(d->text, d->len, st->offset, &line, &column);
        jbuf_printf(out, "%s%s@%u:%u", i ? "," : "", d->source_id, line, column);
    }
    if (n == 0)
        jbuf_putc(out, '-');
    uint32_t m = o->ex.missing_count < MAX_MISSING ? o->ex.missing_count : MAX_MISSING;
    for (uint32_t i = 0; i < m; i++)
        jbuf_printf(out, "%s%.*s", i ? "," : "  missing: ", (int)o->missing[i].len, o->missing[i].ptr);
    jbuf_putc(out, '\n');
}

static void build_request(const sim *s, iam_request *req, const char *action, const char *resource,
                          const char *principal)
{
    memset(req, 0, sizeof *req);
    req->action = (iam_str){action, strlen(action)};
    req->resource = (iam_str){resource, strlen(resource)};
    req->principal = (iam_str){principal, strlen(principal)};
    (void)s;
}

/* One action: every resource, then the aggregated result. */
static bool simulate_action(sim *s, jbuf *out, const char *action, const char *principal,
                            bool *first)
{
    static const char *const star[] = {"*"};
    const char *const *resources = s->resources.count ? s->resources.items : star;
    size_t nres = s->resources.count ? s->resources.count : 1;
    outcome *o = calloc(nres, sizeof *o);
    if (o == NULL)
        return false;
    const iam_context_entry *ctx;
    uint32_t ctx_count;
    if (!cli_context_view(&s->context, &ctx, &ctx_count)) {
        free(o);
        return false;
    }
    size_t worst = 0;
    for (size_t r = 0; r < nres; r++) {
        iam_request req;
        build_request(s, &req, action, resources[r], principal);
        req.context = ctx;
        req.context_count = ctx_count;
        evaluate(s, &req, &o[r]);
        if (restrictiveness(o[r].decision) > restrictiveness(o[worst].decision))
            worst = r;
    }
    for (size_t r = 0; r < nres; r++) {
        if (s->table) {
            table_row(out, s, action, resources[r], &o[r]);
            continue;
        }
        if (!s->legacy && r > 0)
            break;
        const outcome *top = s->legacy ? &o[r] : &o[worst];
        const char *name = s->legacy || nres == 1 ? resources[r] : "*";
        jbuf_puts(out, *first ? "\n  {\"EvalActionName\":" : ",\n  {\"EvalActionName\":");
        *first = false;
        jbuf_string(out, action, strlen(action));
        jbuf_putc(out, ',');
        put_result_body(out, s, top, name, "EvalResourceName", "EvalDecision");
        if (!s->legacy && s->resources.count > 0) {
            jbuf_puts(out, ",\"ResourceSpecificResults\":[");
            for (size_t k = 0; k < nres; k++) {
                jbuf_puts(out, k ? ",{" : "{");
                put_result_body(out, s, &o[k], resources[k], "EvalResourceName", "EvalResourceDecision");
                jbuf_putc(out, '}');
            }
            jbuf_putc(out, ']');
        }
        jbuf_putc(out, '}');
    }
    free(o);
    return true;
}

static int max_width(const str_list *l, int floor)
{
    int w = floor;
    for (size_t i = 0; i < l->count; i++) {
        size_t n = strlen(l->items[i]);
        if (n > (size_t)w)
            w = n > 200 ? 200 : (int)n;
    }
    return w;
}

static void set_widths(sim *s)
{
    s->action_width = max_width(&s->action_names, 6);
    s->resource_width = max_width(&s->resources, 8);
}

static int run(sim *s)
{
    char principal[2200];
    request_principal(s, principal, sizeof principal);
    if (s->has_principal &&
        !cli_context_synthesise(&s->context, &s->principal, (long long)time(NULL)))
        return CLI_EXIT_USAGE;
    for (size_t i = 0; i < s->contexts.count; i++)
        if (!cli_context_parse_arg(&s->context, s->contexts.items[i]))
            return CLI_EXIT_USAGE;
    jbuf out = {0};
    bool first = true, ok = true;
    if (s->table) {
        set_widths(s);
        jbuf_printf(&out, "%-*s  %-*s  %-13s %s\n", s->action_width, "ACTION", s->resource_width,
                    "RESOURCE", "DECISION", "MATCHED STATEMENTS (policy@line:column)");
    }
    else
        jbuf_puts(&out, "{\"EvaluationResults\":[");
    for (size_t i = 0; ok && i < s->action_names.count; i++) {
        ok = simulate_action(s, &out, s->action_names.items[i], principal, &first);
        if (out.len > (1u << 20))
            ok = ok && jbuf_flush(&out, stdout);
    }
    if (!s->table)
        jbuf_puts(&out, "\n],\"IsTruncated\":false}\n");
    ok = ok && jbuf_ok(&out) && jbuf_flush(&out, stdout);
    jbuf_free(&out);
    if (!ok)
        fprintf(stderr, "iamgate simulate: out of memory or write error\n");
    return ok ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

int cmd_simulate(int argc, char **argv)
{
    sim s;
    memset(&s, 0, sizeof s);
    int rc = parse_args(&s, argc, argv);
    if (rc < 0 && s.cli_input != NULL)
        rc = read_cli_input(&s);
    if (rc < 0 && iam_parser_create(&s.parser) != IAM_OK)
        rc = CLI_EXIT_USAGE;
    if (rc < 0)
        rc = load_principal(&s);
    if (rc < 0 && !resolve_actions(&s))
        rc = CLI_EXIT_USAGE;
    if (rc < 0 && !build_sets(&s))
        rc = CLI_EXIT_USAGE;
    if (rc < 0)
        rc = run(&s);
    sim_free(&s);
    return rc;
}
