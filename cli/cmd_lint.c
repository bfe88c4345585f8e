/*
 * iamgate lint FILE...: Access Analyzer-style findings (iamgate_lint.h) as
 * text (file:line:col: severity CODE: message, the source line and a
 * caret), as JSON in ValidatePolicy's shape (spec §8.1), or as SARIF 2.1.0
 * for code-scanning tools.
 */
#include "cli.h"
#include "iamgate_lint.h"
#include "jbuf.h"

#include <stdlib.h>
#include <string.h>

static const char lint_usage[] =
    "usage: iamgate lint [--kind identity|boundary|session|scp] [--format text|json|sarif]\n"
    "                    [--fail-on error|security_warning|warning|suggestion] FILE...\n"
    "  Validates policies as IAM Access Analyzer does (ERROR, SECURITY_WARNING,\n"
    "  WARNING, SUGGESTION findings with exact positions). FILE \"-\" is stdin.\n"
    "  --fail-on S   exit 1 when a finding is at S or above (default error)\n"
    "Exit: 0 clean, 1 findings at or above --fail-on, 2 usage or I/O error.\n";

enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF, MAX_FINDINGS = 1024 };

typedef struct lint_file {
    const char *name;
    cli_file text;
    iam_finding *findings;
    size_t count;           /* kept (at most MAX_FINDINGS) */
    size_t total;           /* found */
} lint_file;

static bool parse_severity(const char *s, iam_severity *out)
{
    static const char *const names[] = {"suggestion", "warning", "security_warning", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (iam_severity)(i + 1);
            return true;
        }
    return false;
}

static bool parse_lint_kind(const char *s, iam_policy_kind *kind)
{
    static const char *const names[] = {"identity", "boundary", "session", "scp"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *kind = (iam_policy_kind)i;
            return true;
        }
    return false;
}

/* 0 linted, 2 I/O or memory error. */
static int lint_one(iam_parser *parser, lint_file *f, iam_policy_kind kind)
{
    if (!cli_read_file(f->name, &f->text))
        return CLI_EXIT_USAGE;
    size_t cap = iam_policy_parse_bound(f->text.len);
    void *buf = malloc(cap);
    f->findings = calloc(MAX_FINDINGS, sizeof *f->findings);
    if (buf == NULL || f->findings == NULL) {
        free(buf);
        fprintf(stderr, "iamgate lint: %s: out of memory\n", f->name);
        return CLI_EXIT_USAGE;
    }
    iam_arena arena;
    iam_arena_init(&arena, buf, cap);
    iam_lint_options options = {kind, 0};
    iam_status s = iam_lint(parser, &arena, f->text.data, f->text.len, &options, f->findings,
                            MAX_FINDINGS, &f->total);
    free(buf);
    if (s != IAM_OK) {
        fprintf(stderr, "iamgate lint: %s: %s\n", f->name, iam_status_name(s));
        return CLI_EXIT_USAGE;
    }
    f->count = f->total < MAX_FINDINGS ? f->total : MAX_FINDINGS;
    return CLI_EXIT_OK;
}

/* ---- text ---- */

static void print_text(const lint_file *f)
{
    for (size_t i = 0; i < f->count; i++) {
        const iam_finding *x = &f->findings[i];
        iam_error at;
        memset(&at, 0, sizeof at);
        at.offset = x->offset;
        at.line = x->line;
        at.column = x->column;
        char head[IAM_FINDING_MESSAGE_MAX + 96];
        snprintf(head, sizeof head, "%s %s: %s", iam_severity_name((iam_severity)x->severity), x->code,
                 x->message);
        at.message = head;
        cli_print_error(stdout, f->name, &at, f->text.data, f->text.len);
        printf("    advice: %s (spec %s)\n", x->advice, x->spec);
    }
    if (f->total > f->count)
        printf("%s: %zu more findings not shown\n", f->name, f->total - f->count);
}

/* ---- JSON: ValidatePolicy's findings (spec §8.1) ---- */

/* The JSON pointer as Access Analyzer's path: digits are indexes, the rest
 * are values ("~1" and "~0" unescaped). */
static void put_aa_path(jbuf *out, const char *pointer)
{
    jbuf_putc(out, '[');
    const char *p = pointer;
    bool first = true;
    while (*p == '/') {
        const char *end = strchr(p + 1, '/');
        size_t n = end != NULL ? (size_t)(end - p - 1) : strlen(p + 1);
        char token[IAM_ERROR_PATH_MAX];
        size_t t = 0;
        bool digits = n > 0;
        for (size_t i = 0; i < n; i++) {
            char c = p[1 + i];
            if (c == '~' && i + 1 < n) {
                c = p[2 + i] == '1' ? '/' : '~';
                i++;
            }
            digits = digits && c >= '0' && c <= '9';
            token[t++] = c;
        }
        jbuf_puts(out, first ? "{" : ",{");
        first = false;
        if (digits) {
            jbuf_puts(out, "\"index\":");
            jbuf_put(out, token, t);
        } else {
            jbuf_puts(out, "\"value\":");
            jbuf_string(out, token, t);
        }
        jbuf_putc(out, '}');
        p += 1 + n;
    }
    jbuf_putc(out, ']');
}

static void put_json_finding(jbuf *out, const iam_finding *x, bool first)
{
    const char *sev = iam_severity_name((iam_severity)x->severity);
    jbuf_puts(out, first ? "\n    {\"findingType\":" : ",\n    {\"findingType\":");
    jbuf_string(out, sev, strlen(sev));
    jbuf_puts(out, ",\"issueCode\":");
    jbuf_string(out, x->code, strlen(x->code));
    jbuf_puts(out, ",\"findingDetails\":");
    jbuf_string(out, x->message, strlen(x->message));
    jbuf_puts(out, ",\"locations\":[{\"path\":");
    put_aa_path(out, x->path);
    /* spec §8.1: line 1-based, column and offset 0-based */
    jbuf_printf(out, ",\"span\":{\"start\":{\"line\":%u,\"column\":%u,\"offset\":%zu},"
                     "\"end\":{\"line\":%u,\"column\":%u,\"offset\":%zu}}}]",
                x->line, x->column - 1, x->offset, x->end_line, x->end_column - 1,
                x->offset + x->length);
    jbuf_puts(out, ",\"advice\":");
    jbuf_string(out, x->advice, strlen(x->advice));
    jbuf_puts(out, ",\"spec\":");
    jbuf_string(out, x->spec, strlen(x->spec));
    jbuf_putc(out, '}');
}

static void print_json(const lint_file *files, size_t n)
{
    jbuf out = {0};
    jbuf_puts(&out, "{\"files\":[");
    for (size_t i = 0; i < n; i++) {
        jbuf_puts(&out, i ? ",\n  {\"file\":" : "\n  {\"file\":");
        jbuf_string(&out, files[i].name, strlen(files[i].name));
        jbuf_puts(&out, ",\"findings\":[");
        for (size_t k = 0; k < files[i].count; k++)
            put_json_finding(&out, &files[i].findings[k], k == 0);
        jbuf_printf(&out, "%s],\"total\":%zu}", files[i].count ? "\n  " : "", files[i].total);
    }
    jbuf_puts(&out, "\n]}\n");
    jbuf_flush(&out, stdout);
    jbuf_free(&out);
}

/* ---- SARIF 2.1.0 ---- */

static const char *sarif_level(uint8_t severity)
{
    return severity >= IAM_SEVERITY_SECURITY_WARNING ? "error"
           : severity == IAM_SEVERITY_WARNING        ? "warning"
                                                     : "note";
}

/* The distinct checks of all files, in first-seen order (SARIF rules). */
static size_t collect_rules(const lint_file *files, size_t n, const iam_finding **rules, size_t cap)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < files[i].count; k++) {
            const iam_finding *x = &files[i].findings[k];
            size_t r = 0;
            while (r < count && strcmp(rules[r]->code, x->code) != 0)
                r++;
            if (r == count && count < cap)
                rules[count++] = x;
        }
    return count;
}

static size_t rule_index(const iam_finding *const *rules, size_t n, const char *code)
{
    for (size_t r = 0; r < n; r++)
        if (strcmp(rules[r]->code, code) == 0)
            return r;
    return 0;
}

static void put_sarif_rules(jbuf *out, const iam_finding *const *rules, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        const iam_finding *x = rules[r];
        jbuf_puts(out, r ? ",\n        {\"id\":" : "\n        {\"id\":");
        jbuf_string(out, x->code, strlen(x->code));
        jbuf_puts(out, ",\"shortDescription\":{\"text\":");
        jbuf_string(out, x->code, strlen(x->code));
        jbuf_puts(out, "},\"help\":{\"text\":");
        jbuf_string(out, x->advice, strlen(x->advice));
        jbuf_printf(out, "},\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{\"severity\":\"%s\","
                         "\"spec\":", sarif_level(x->severity), iam_severity_name((iam_severity)x->severity));
        jbuf_string(out, x->spec, strlen(x->spec));
        jbuf_puts(out, "}}");
    }
}

static void put_sarif_result(jbuf *out, const char *file, const iam_finding *x, size_t rule,
                             bool first)
{
    jbuf_puts(out, first ? "\n        {\"ruleId\":" : ",\n        {\"ruleId\":");
    jbuf_string(out, x->code, strlen(x->code));
    jbuf_printf(out, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":{\"text\":", rule,
                sarif_level(x->severity));
    jbuf_string(out, x->message, strlen(x->message));
    jbuf_puts(out, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    jbuf_string(out, file, strlen(file));
    jbuf_printf(out, "},\"region\":{\"startLine\":%u,\"startColumn\":%u,\"endLine\":%u,\"endColumn\":%u,"
                     "\"charOffset\":%zu,\"charLength\":%zu}}",
                x->line, x->column, x->end_line, x->end_column, x->offset, x->length);
    if (x->path[0] != '\0') {
        jbuf_puts(out, ",\"logicalLocations\":[{\"fullyQualifiedName\":");
        jbuf_string(out, x->path, strlen(x->path));
        jbuf_puts(out, ",\"kind\":\"element\"}]");
    }
    jbuf_printf(out, "}],\"properties\":{\"severity\":\"%s\"}}", iam_severity_name((iam_severity)x->severity));
}

static void print_sarif(const lint_file *files, size_t n)
{
    enum { MAX_RULES = 256 };
    const iam_finding *rules[MAX_RULES];
    size_t nrules = collect_rules(files, n, rules, MAX_RULES);
    jbuf out = {0};
    jbuf_puts(&out, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
                    "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"iamgate\",\"version\":");
    jbuf_string(&out, iam_version_string(), strlen(iam_version_string()));
    jbuf_puts(&out, ",\"rules\":[");
    put_sarif_rules(&out, rules, nrules);
    jbuf_puts(&out, "]}},\"columnKind\":\"unicodeCodePoints\",\"results\":[");
    bool first = true;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < files[i].count; k++) {
            const iam_finding *x = &files[i].findings[k];
            put_sarif_result(&out, files[i].name, x, rule_index(rules, nrules, x->code), first);
            first = false;
        }
    jbuf_puts(&out, "]}]}\n");
    jbuf_flush(&out, stdout);
    jbuf_free(&out);
}

/* ---- the command ---- */

typedef struct lint_args {
    iam_policy_kind kind;
    int format;
    iam_severity fail_on;
    int first_file;
} lint_args;

/* -1 parsed, else an exit code. */
static int parse_lint_args(int argc, char **argv, lint_args *a)
{
    *a = (lint_args){IAM_POLICY_IDENTITY, FORMAT_TEXT, IAM_SEVERITY_ERROR, argc};
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(o, "--kind") == 0 && parse_lint_kind(v, &a->kind)) {
            i++;
        } else if (strcmp(o, "--format") == 0 && (strcmp(v, "text") == 0 || strcmp(v, "json") == 0 ||
                                                  strcmp(v, "sarif") == 0)) {
            a->format = v[0] == 't' ? FORMAT_TEXT : v[0] == 'j' ? FORMAT_JSON : FORMAT_SARIF;
            i++;
        } else if (strcmp(o, "--fail-on") == 0 && parse_severity(v, &a->fail_on)) {
            i++;
        } else if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            fputs(lint_usage, stdout);
            return CLI_EXIT_OK;
        } else {
            fprintf(stderr, "iamgate lint: unknown or incomplete option '%s'\n%s", o, lint_usage);
            return CLI_EXIT_USAGE;
        }
    }
    if (i == argc) {
        fputs(lint_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    a->first_file = i;
    return -1;
}

int cmd_lint(int argc, char **argv)
{
    lint_args a;
    int rc = parse_lint_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    size_t n = (size_t)(argc - a.first_file);
    lint_file *files = calloc(n, sizeof *files);
    iam_parser *parser = NULL;
    if (files == NULL || iam_parser_create(&parser) != IAM_OK) {
        free(files);
        fprintf(stderr, "iamgate lint: out of memory\n");
        return CLI_EXIT_USAGE;
    }
    int worst = CLI_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        files[i].name = argv[a.first_file + (int)i];
        if (lint_one(parser, &files[i], a.kind) != CLI_EXIT_OK)
            worst = CLI_EXIT_USAGE;
        for (size_t k = 0; k < files[i].count && worst == CLI_EXIT_OK; k++)
            if (files[i].findings[k].severity >= a.fail_on)
                worst = CLI_EXIT_FINDINGS;
    }
    if (a.format == FORMAT_JSON)
        print_json(files, n);
    else if (a.format == FORMAT_SARIF)
        print_sarif(files, n);
    else
        for (size_t i = 0; i < n; i++)
            print_text(&files[i]);
    for (size_t i = 0; i < n; i++) {
        cli_file_free(&files[i].text);
        free(files[i].findings);
    }
    free(files);
    iam_parser_destroy(parser);
    return worst;
}
