/* iamgate check FILE...: parse each policy, print "FILE: ok" or the error. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char check_usage[] =
    "usage: iamgate check [--kind KIND] [--create-policy] [--enforce-quota] FILE...\n"
    "  Parses each policy file (\"-\" is standard input) and prints FILE: ok\n"
    "  or FILE:LINE:COLUMN: the first error, in IAM's validation order.\n"
    "  --kind identity|boundary|session|scp|rcp|resource   (default identity)\n"
    "  --create-policy   also require Version 2012-10-17, as CreatePolicy does\n"
    "  --enforce-quota   reject documents over the character quota of the kind\n"
    "Exit: 0 all valid, 1 some invalid, 2 usage or I/O error.\n";

static int parse_kind(const char *name, iam_policy_kind *kind)
{
    static const char *const names[IAM_POLICY_KIND_COUNT] = {
        "identity", "boundary", "session", "scp", "rcp", "resource"};
    for (int i = 0; i < IAM_POLICY_KIND_COUNT; i++) {
        if (strcmp(name, names[i]) == 0) {
            *kind = (iam_policy_kind)i;
            return 1;
        }
    }
    return 0;
}

/* 0 valid, 1 invalid, 2 I/O error. */
static int check_one(iam_parser *parser, const char *path, const iam_parse_options *options)
{
    cli_file file;
    if (!cli_read_file(path, &file))
        return 2;
    size_t cap = iam_policy_parse_bound(file.len);
    void *buf = malloc(cap);
    if (buf == NULL) {
        fprintf(stderr, "iamgate: %s: out of memory\n", path);
        cli_file_free(&file);
        return 2;
    }
    iam_arena arena;
    iam_arena_init(&arena, buf, cap);
    const iam_policy *policy = NULL;
    iam_error err;
    iam_status s = iam_policy_parse(parser, &arena, file.data, file.len, options, &policy, &err);
    if (s == IAM_OK)
        printf("%s: ok\n", path);
    else
        cli_print_error(stdout, path, &err, file.data, file.len);
    free(buf);
    cli_file_free(&file);
    return s == IAM_OK ? 0 : (s == IAM_E_NOMEM || s == IAM_E_ARG ? 2 : 1);
}

int cmd_check(int argc, char **argv)
{
    iam_parse_options options;
    memset(&options, 0, sizeof options);
    int first = 1;
    for (; first < argc && argv[first][0] == '-' && argv[first][1] != '\0'; first++) {
        const char *a = argv[first];
        if (strcmp(a, "--create-policy") == 0) {
            options.flags |= IAM_PARSE_CREATE_POLICY;
        } else if (strcmp(a, "--enforce-quota") == 0) {
            options.flags |= IAM_PARSE_ENFORCE_QUOTA;
        } else if (strcmp(a, "--kind") == 0 && first + 1 < argc &&
                   parse_kind(argv[first + 1], &options.kind)) {
            first++;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(check_usage, stdout);
            return CLI_EXIT_OK;
        } else {
            fprintf(stderr, "iamgate check: unknown or incomplete option '%s'\n%s", a, check_usage);
            return CLI_EXIT_USAGE;
        }
    }
    if (first == argc) {
        fputs(check_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    iam_parser *parser = NULL;
    if (iam_parser_create(&parser) != IAM_OK) {
        fprintf(stderr, "iamgate: out of memory\n");
        return CLI_EXIT_USAGE;
    }
    int worst = 0;
    for (int i = first; i < argc; i++) {
        int r = check_one(parser, argv[i], &options);
        if (r > worst)
            worst = r;
    }
    iam_parser_destroy(parser);
    return worst;
}
