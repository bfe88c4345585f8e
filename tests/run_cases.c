/*
 * run_cases.c — the data-driven runner: every case file of tests/cases/parse
 * through iam_policy_parse, compared with its .expect file (README there).
 * Prints one line per failing case and a summary; never stops early.
 */
#define _POSIX_C_SOURCE 200809L
#include "support/test_util.h"

#include <dirent.h>

#define CASE_DIR IAM_SOURCE_DIR "/tests/cases/parse"

typedef struct expectation {
    char spec[32];
    char code[64];
    long line, column, statements;
    char path[IAM_ERROR_PATH_MAX];
    bool has_path;
    iam_parse_options options;
} expectation;

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
}

static bool parse_kind(const char *v, iam_policy_kind *kind)
{
    static const char *const names[] = {"identity", "boundary", "session", "scp", "rcp", "resource"};
    for (int i = 0; i < IAM_POLICY_KIND_COUNT; i++)
        if (strcmp(v, names[i]) == 0) {
            *kind = (iam_policy_kind)i;
            return true;
        }
    return false;
}

static bool apply_flags(char *v, unsigned *flags)
{
    for (char *tok = strtok(v, " "); tok != NULL; tok = strtok(NULL, " ")) {
        if (strcmp(tok, "create-policy") == 0)
            *flags |= IAM_PARSE_CREATE_POLICY;
        else if (strcmp(tok, "enforce-quota") == 0)
            *flags |= IAM_PARSE_ENFORCE_QUOTA;
        else
            return false;
    }
    return true;
}

static bool apply_key(expectation *e, const char *key, char *v)
{
    iam_limits *l = &e->options.limits;
    if (strcmp(key, "spec") == 0) snprintf(e->spec, sizeof e->spec, "%s", v);
    else if (strcmp(key, "code") == 0) snprintf(e->code, sizeof e->code, "%s", v);
    else if (strcmp(key, "line") == 0) e->line = atol(v);
    else if (strcmp(key, "column") == 0) e->column = atol(v);
    else if (strcmp(key, "statements") == 0) e->statements = atol(v);
    else if (strcmp(key, "path") == 0) { snprintf(e->path, sizeof e->path, "%s", v); e->has_path = true; }
    else if (strcmp(key, "kind") == 0) return parse_kind(v, &e->options.kind);
    else if (strcmp(key, "flags") == 0) return apply_flags(v, &e->options.flags);
    else if (strcmp(key, "max_depth") == 0) l->max_depth = (uint32_t)atol(v);
    else if (strcmp(key, "max_string_bytes") == 0) l->max_string_bytes = (size_t)atol(v);
    else if (strcmp(key, "max_statements") == 0) l->max_statements = (uint32_t)atol(v);
    else if (strcmp(key, "max_array_elements") == 0) l->max_array_elements = (uint32_t)atol(v);
    else if (strcmp(key, "max_document_bytes") == 0) l->max_document_bytes = (size_t)atol(v);
    else if (strcmp(key, "quota_chars") == 0) e->options.quota_chars = (size_t)atol(v);
    else if (strcmp(key, "note") != 0) return false;
    return true;
}

static bool read_expectation(const char *path, expectation *e)
{
    memset(e, 0, sizeof *e);
    e->statements = -1;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    char line[512];
    bool ok = true;
    while (ok && fgets(line, sizeof line, f) != NULL) {
        trim(line);
        char *colon = strchr(line, ':');
        if (line[0] == '\0' || line[0] == '#')
            continue;
        if (colon == NULL) {
            ok = false;
            break;
        }
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ')
            v++;
        ok = apply_key(e, line, v);
        if (!ok)
            fprintf(stderr, "%s: bad line '%s'\n", path, line);
    }
    fclose(f);
    return ok && e->spec[0] != '\0';
}

static int failed_cases = 0, passed_cases = 0;

static void case_failed(const char *name, const expectation *e, const char *what)
{
    failed_cases++;
    fprintf(stderr, "case %s (spec §%s): %s\n", name, e->spec, what);
}

static void check_reject(const char *name, const expectation *e, iam_status s,
                         const iam_error *err)
{
    char msg[512];
    if (strcmp(iam_status_name(s), e->code) != 0 || err->line != e->line ||
        err->column != e->column || (e->has_path && strcmp(err->path, e->path) != 0)) {
        snprintf(msg, sizeof msg, "expected %s at %ld:%ld%s%s, got %s at %u:%u (path '%s')",
                 e->code, e->line, e->column, e->has_path ? " path " : "",
                 e->has_path ? e->path : "", iam_status_name(s), err->line, err->column,
                 err->path);
        case_failed(name, e, msg);
        return;
    }
    passed_cases++;
}

static void check_accept(const char *name, const expectation *e, iam_status s,
                         const iam_error *err, const iam_policy *policy)
{
    char msg[512];
    if (s != IAM_OK) {
        snprintf(msg, sizeof msg, "expected ok, got %s at %u:%u (%s)", iam_status_name(s),
                 err->line, err->column, err->message);
        case_failed(name, e, msg);
    } else if (e->statements >= 0 && policy->statement_count != (uint32_t)e->statements) {
        snprintf(msg, sizeof msg, "expected %ld statements, got %u", e->statements,
                 policy->statement_count);
        case_failed(name, e, msg);
    } else {
        passed_cases++;
    }
}

static void run_case(iam_parser *parser, const char *name, void *arena_buf, size_t cap)
{
    char json_path[1024], expect_path[1024];
    snprintf(json_path, sizeof json_path, "%s/%s", CASE_DIR, name);
    snprintf(expect_path, sizeof expect_path, "%.*s.expect", (int)(strlen(json_path) - 5), json_path);
    expectation e;
    if (!read_expectation(expect_path, &e)) {
        case_failed(name, &e, "missing or malformed .expect file");
        return;
    }
    size_t len = 0;
    char *json = test_read_file(json_path, &len);
    iam_arena arena;
    iam_arena_init(&arena, arena_buf, cap);
    iam_error err;
    memset(&err, 0xA5, sizeof err); /* poisoned: every field must be written */
    const iam_policy *policy = NULL;
    iam_status s = iam_policy_parse(parser, &arena, json, len, &e.options, &policy, &err);
    if (strncmp(name, "accept-", 7) == 0)
        check_accept(name, &e, s, &err, policy);
    else
        check_reject(name, &e, s, &err);
    free(json);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    DIR *dir = opendir(CASE_DIR);
    if (dir == NULL) {
        perror(CASE_DIR);
        return 1;
    }
    char *names[4096];
    size_t n = 0;
    for (struct dirent *d; (d = readdir(dir)) != NULL && n < 4096;) {
        size_t l = strlen(d->d_name);
        if (l > 5 && strcmp(d->d_name + l - 5, ".json") == 0)
            names[n++] = strdup(d->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof names[0], compare_names);
    iam_parser *parser = NULL;
    iam_parser_create(&parser);
    size_t cap = 8u << 20;
    void *buf = test_aligned_alloc(cap);
    for (size_t i = 0; i < n; i++) {
        run_case(parser, names[i], buf, cap);
        free(names[i]);
    }
    free(buf);
    iam_parser_destroy(parser);
    printf("parse cases: %zu files\n", n);
    printf("%d passed, %d failed\n", passed_cases, failed_cases);
    return failed_cases == 0 && n > 0 ? 0 : 1;
}
