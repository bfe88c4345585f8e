/*
 * iamgate expand PATTERN | POLICY-FILE | MANAGED-POLICY-ARN: the catalog
 * actions that a pattern matches, or that a policy grants.
 *
 * A policy grants an action when an Allow statement's Action matches it (or
 * its NotAction does not), less the actions that a Deny statement denies
 * everywhere (Resource "*", no Condition). Resources and conditions of
 * Allow statements are not considered: expand answers "which actions can
 * this policy ever allow", as the console's policy summary does.
 */
#include "cli.h"
#include "iamgate_catalog.h"
#include "jbuf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char expand_usage[] =
    "usage: iamgate expand [--long] [--output text|json] PATTERN|POLICY-FILE|ARN\n"
    "  PATTERN             an Action pattern: chime:List*, *:Get*, chime:*\n"
    "  POLICY-FILE         a policy document (file://PATH also works)\n"
    "  ARN                 an AWS managed policy: arn:aws:iam::aws:policy/NAME\n"
    "  Prints the catalog actions it matches or grants, one a line.\n"
    "  --long              also print the access level and resource types\n"
    "Exit: 0 some actions, 1 none, 2 usage error (unknown service, policy, file).\n";

typedef struct action_set {
    uint8_t *on;   /* one byte an action of the catalog */
    size_t count;
} action_set;

/* Sets (value 1) or clears (value 0) every catalog action the pattern matches. */
static bool mark_pattern(action_set *set, iam_str pattern, uint8_t value)
{
    size_t n = iam_catalog_match(pattern.ptr, pattern.len, NULL, 0);
    if (n == 0)
        return true;
    uint32_t *idx = malloc(n * sizeof *idx);
    if (idx == NULL)
        return false;
    iam_catalog_match(pattern.ptr, pattern.len, idx, n);
    for (size_t i = 0; i < n; i++)
        set->on[idx[i]] = value;
    free(idx);
    return true;
}

/* The actions one statement names: its Action list, or everything its
 * NotAction list leaves out. */
static bool statement_actions(const iam_statement *st, action_set *out)
{
    memset(out->on, st->not_action ? 1 : 0, out->count);
    for (uint32_t i = 0; i < st->actions.count; i++)
        if (!mark_pattern(out, st->actions.items[i].text, st->not_action ? 0 : 1))
            return false;
    return true;
}

static bool denies_everywhere(const iam_statement *st)
{
    return st->effect == IAM_EFFECT_DENY && st->condition_count == 0 && !st->not_resource &&
           st->resources.count == 1 && st->resources.items[0].text.len == 1 &&
           st->resources.items[0].text.ptr[0] == '*';
}

static bool policy_grants(const iam_policy *policy, action_set *granted)
{
    action_set tmp = {malloc(granted->count), granted->count};
    uint8_t *denied = calloc(granted->count, 1);
    bool ok = tmp.on != NULL && denied != NULL;
    memset(granted->on, 0, granted->count);
    for (uint32_t s = 0; ok && s < policy->statement_count; s++) {
        const iam_statement *st = &policy->statements[s];
        if (st->effect != IAM_EFFECT_ALLOW && !denies_everywhere(st))
            continue;
        ok = statement_actions(st, &tmp);
        uint8_t *target = st->effect == IAM_EFFECT_ALLOW ? granted->on : denied;
        for (size_t i = 0; ok && i < tmp.count; i++)
            target[i] |= tmp.on[i];
    }
    for (size_t i = 0; ok && i < granted->count; i++)
        granted->on[i] &= (uint8_t)!denied[i];
    free(tmp.on);
    free(denied);
    return ok;
}

static void print_action(jbuf *out, const iam_catalog_action *a, bool long_form, bool json,
                         bool first)
{
    if (json) {
        jbuf_puts(out, first ? "\n  {\"action\":" : ",\n  {\"action\":");
        jbuf_str(out, a->full_name);
        jbuf_puts(out, ",\"accessLevel\":");
        jbuf_str(out, a->access_level);
        jbuf_puts(out, ",\"resourceTypes\":[");
        for (uint32_t r = 0; r < a->resource_count; r++) {
            if (r)
                jbuf_putc(out, ',');
            jbuf_str(out, a->resources[r].type);
        }
        jbuf_puts(out, "]}");
        return;
    }
    jbuf_put(out, a->full_name.ptr, a->full_name.len);
    if (long_form) {
        jbuf_putc(out, '\t');
        jbuf_put(out, a->access_level.ptr, a->access_level.len);
        jbuf_putc(out, '\t');
        if (a->resource_count == 0)
            jbuf_putc(out, '*');
        for (uint32_t r = 0; r < a->resource_count; r++) {
            if (r)
                jbuf_putc(out, ',');
            jbuf_put(out, a->resources[r].type.ptr, a->resources[r].type.len);
            if (a->resources[r].required)
                jbuf_putc(out, '*');
        }
    }
    jbuf_putc(out, '\n');
}

static size_t print_set(const action_set *set, bool long_form, bool json)
{
    jbuf out = {0};
    size_t n = 0;
    if (json)
        jbuf_puts(&out, "{\"actions\":[");
    for (size_t i = 0; i < set->count; i++)
        if (set->on[i])
            print_action(&out, iam_catalog_action_at(i), long_form, json, n++ == 0);
    if (json)
        jbuf_printf(&out, "%s],\"count\":%zu}\n", n ? "\n" : "", n);
    jbuf_flush(&out, stdout);
    jbuf_free(&out);
    return n;
}

/* "did you mean" for a managed policy name: names containing it, or that
 * it contains, ignoring case. */
static void suggest_managed(const char *name, size_t len)
{
    int shown = 0;
    for (size_t i = 0; i < iam_managed_policy_count() && shown < 5; i++) {
        iam_str cand = iam_managed_policy_at(i)->name;
        if (cli_contains_ci(cand, name, len)) {
            fprintf(stderr, "%s %.*s", shown++ ? "," : "  did you mean:", (int)cand.len, cand.ptr);
        }
    }
    if (shown)
        fputc('\n', stderr);
}

static int expand_policy_text(const char *text, size_t len, const char *name, action_set *set)
{
    iam_parser *parser = NULL;
    size_t cap = iam_policy_parse_bound(len);
    void *buf = malloc(cap);
    int rc = CLI_EXIT_USAGE;
    if (buf != NULL && iam_parser_create(&parser) == IAM_OK) {
        iam_arena arena;
        iam_arena_init(&arena, buf, cap);
        iam_parse_options options;
        memset(&options, 0, sizeof options);
        const iam_policy *policy = NULL;
        iam_error err;
        if (iam_policy_parse(parser, &arena, text, len, &options, &policy, &err) != IAM_OK)
            cli_print_error(stderr, name, &err, text, len);
        else if (policy_grants(policy, set))
            rc = CLI_EXIT_OK;
    }
    iam_parser_destroy(parser);
    free(buf);
    return rc;
}

static int expand_target(const char *arg, action_set *set)
{
    if (strncmp(arg, "arn:", 4) == 0) {
        const iam_managed_policy *mp = iam_managed_policy_find(arg, strlen(arg));
        if (mp == NULL) {
            const char *slash = strrchr(arg, '/');
            fprintf(stderr, "iamgate expand: %s: no such AWS managed policy\n", arg);
            if (slash != NULL)
                suggest_managed(slash + 1, strlen(slash + 1));
            return CLI_EXIT_USAGE;
        }
        return expand_policy_text(mp->document.ptr, mp->document.len, arg, set);
    }
    const char *path = strncmp(arg, "file://", 7) == 0 ? arg + 7 : arg;
    struct stat st;
    if (path != arg || stat(path, &st) == 0) {
        cli_file file;
        if (!cli_read_file(path, &file))
            return CLI_EXIT_USAGE;
        int rc = expand_policy_text(file.data, file.len, path, set);
        cli_file_free(&file);
        return rc;
    }
    return cli_expand_pattern(arg, set->on, set->count);
}

int cli_expand_pattern(const char *pattern, uint8_t *on, size_t count)
{
    size_t len = strlen(pattern);
    const char *colon = memchr(pattern, ':', len);
    if (colon == NULL && strcmp(pattern, "*") != 0) {
        fprintf(stderr, "iamgate expand: '%s' is neither a file, a managed policy ARN, "
                        "nor an action pattern (service:Action)\n", pattern);
        return CLI_EXIT_USAGE;
    }
    if (colon != NULL && memchr(pattern, '*', (size_t)(colon - pattern)) == NULL &&
        memchr(pattern, '?', (size_t)(colon - pattern)) == NULL &&
        iam_catalog_find_service(pattern, (size_t)(colon - pattern)) == NULL) {
        fprintf(stderr, "iamgate expand: unknown service '%.*s' in '%s'\n",
                (int)(colon - pattern), pattern, pattern);
        return CLI_EXIT_USAGE;
    }
    action_set set = {on, count};
    memset(on, 0, count);
    iam_str p = {pattern, len};
    return mark_pattern(&set, p, 1) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

int cmd_expand(int argc, char **argv)
{
    bool long_form = false, json = false;
    const char *target = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--long") == 0) {
            long_form = true;
        } else if (strcmp(argv[i], "--output") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "json") == 0 || strcmp(argv[i + 1], "text") == 0)) {
            json = strcmp(argv[++i], "json") == 0;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(expand_usage, stdout);
            return CLI_EXIT_OK;
        } else if (target == NULL && (argv[i][0] != '-' || argv[i][1] == '\0')) {
            target = argv[i];
        } else {
            fprintf(stderr, "iamgate expand: unknown or extra argument '%s'\n%s", argv[i],
                    expand_usage);
            return CLI_EXIT_USAGE;
        }
    }
    if (target == NULL) {
        fputs(expand_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    action_set set = {calloc(iam_catalog_action_count(), 1), iam_catalog_action_count()};
    if (set.on == NULL) {
        fprintf(stderr, "iamgate expand: out of memory\n");
        return CLI_EXIT_USAGE;
    }
    int rc = expand_target(target, &set);
    if (rc == CLI_EXIT_OK && print_set(&set, long_form, json) == 0)
        rc = CLI_EXIT_FINDINGS;
    free(set.on);
    return rc;
}
