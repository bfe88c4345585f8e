/*
 * run_lint_cases.c — every case of tests/cases/lint through iam_lint,
 * compared with its .expect file (format in tests/cases/lint/README.md):
 * the findings (code, line, column) must be exactly the expected ones.
 * With a prefix argument, only cases whose names start with it.
 */
#define _POSIX_C_SOURCE 200809L
#include "support/test_util.h"
#include "iamgate_lint.h"

#include <dirent.h>

#define CASE_DIR IAM_SOURCE_DIR "/tests/cases/lint"
#define MAX_FINDINGS 64

typedef struct expected_finding {
    char code[64];
    long line, column;
    bool seen;
} expected_finding;

typedef struct expectation {
    char spec[64];
    iam_policy_kind kind;
    expected_finding findings[MAX_FINDINGS];
    int count;
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

/* "finding: CODE LINE:COLUMN" */
static bool parse_finding(const char *v, expected_finding *f)
{
    memset(f, 0, sizeof *f);
    return sscanf(v, "%63s %ld:%ld", f->code, &f->line, &f->column) == 3;
}

static bool read_expect(const char *path, expectation *e)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    memset(e, 0, sizeof *e);
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
        if (strcmp(line, "spec") == 0)
            snprintf(e->spec, sizeof e->spec, "%s", v);
        else if (strcmp(line, "kind") == 0)
            ok = parse_kind(v, &e->kind);
        else if (strcmp(line, "finding") == 0)
            ok = e->count < MAX_FINDINGS && parse_finding(v, &e->findings[e->count++]);
        else
            ok = false;
    }
    fclose(f);
    return ok && e->spec[0] != '\0';
}

static bool match_finding(expectation *e, const iam_finding *f)
{
    for (int i = 0; i < e->count; i++) {
        expected_finding *x = &e->findings[i];
        if (!x->seen && strcmp(x->code, f->code) == 0 && x->line == (long)f->line &&
            x->column == (long)f->column) {
            x->seen = true;
            return true;
        }
    }
    return false;
}

static void run_case(iam_parser *parser, const char *name)
{
    char path[1024], expect_path[1024];
    snprintf(path, sizeof path, "%s/%s", CASE_DIR, name);
    snprintf(expect_path, sizeof expect_path, "%.*s.expect", (int)(strlen(path) - 5), path);
    expectation e;
    size_t len = 0;
    char *json = test_read_file(path, &len);
    test_checks++;
    if (json == NULL || !read_expect(expect_path, &e)) {
        test_failures++;
        fprintf(stderr, "%s: cannot read the case or its .expect (needs spec: and valid lines)\n", name);
        free(json);
        return;
    }
    size_t cap = iam_policy_parse_bound(len);
    void *buf = malloc(cap);
    iam_arena arena;
    iam_arena_init(&arena, buf, cap);
    iam_finding found[MAX_FINDINGS];
    size_t count = 0;
    iam_lint_options options = {e.kind, 0};
    iam_status s = iam_lint(parser, &arena, json, len, &options, found, MAX_FINDINGS, &count);
    bool ok = s == IAM_OK && count <= MAX_FINDINGS;
    for (size_t i = 0; ok && i < count; i++) {
        if (!match_finding(&e, &found[i])) {
            ok = false;
            fprintf(stderr, "%s: unexpected %s %u:%u: %s\n", name, found[i].code, found[i].line,
                    found[i].column, found[i].message);
        }
    }
    for (int i = 0; i < e.count; i++) {
        if (!e.findings[i].seen) {
            ok = false;
            fprintf(stderr, "%s: missing %s %ld:%ld\n", name, e.findings[i].code,
                    e.findings[i].line, e.findings[i].column);
        }
    }
    if (!ok)
        test_failures++;
    free(buf);
    free(json);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
    const char *prefix = argc > 1 ? argv[1] : "";
    DIR *dir = opendir(CASE_DIR);
    CHECK(dir != NULL);
    if (dir == NULL)
        return test_summary("lint_cases");
    char *names[4096];
    size_t n = 0;
    for (struct dirent *d; (d = readdir(dir)) != NULL && n < 4096;) {
        size_t len = strlen(d->d_name);
        if (len > 5 && strcmp(d->d_name + len - 5, ".json") == 0 &&
            strncmp(d->d_name, prefix, strlen(prefix)) == 0)
            names[n++] = strdup(d->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, by_name);
    iam_parser *parser = NULL;
    CHECK(iam_parser_create(&parser) == IAM_OK);
    for (size_t i = 0; i < n; i++) {
        run_case(parser, names[i]);
        free(names[i]);
    }
    if (prefix[0] == '\0') {
        printf("%zu lint cases\n", n);
        CHECK(n >= 100); /* the issue asks for at least 100 */
    }
    iam_parser_destroy(parser);
    return test_summary("lint_cases");
}
