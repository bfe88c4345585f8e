/* The iamgate command: subcommand dispatch. */
#include "cli.h"

#include <string.h>

static const char main_usage[] =
    "usage: iamgate COMMAND [ARGS]\n"
    "commands:\n"
    "  check FILE...   parse IAM policies and report the first error of each\n"
    "  lint FILE...    validate policies as IAM Access Analyzer does (text, JSON,\n"
    "                  SARIF)\n"
    "  simulate        decide actions like aws iam simulate-custom-policy /\n"
    "                  simulate-principal-policy (policies, account export)\n"
    "  eval --cases F  batch evaluation: one JSON case a line in, a result out\n"
    "  expand X        the catalog actions a pattern, policy file or managed\n"
    "                  policy ARN grants\n"
    "  --version       print the version and the compiled-in limits\n"
    "Run 'iamgate COMMAND --help' for a command's options.\n";

static int print_version(void)
{
    iam_limits l = iam_limits_default();
    printf("iamgate %s\n", iam_version_string());
    printf("limits: document %zu bytes, string %zu bytes, depth %u, statements %u, "
           "array elements %u\n",
           l.max_document_bytes, l.max_string_bytes, l.max_depth, l.max_statements,
           l.max_array_elements);
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(main_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "lint") == 0)
        return cmd_lint(argc - 1, argv + 1);
    if (strcmp(cmd, "eval") == 0)
        return cmd_eval(argc - 1, argv + 1);
    if (strcmp(cmd, "simulate") == 0)
        return cmd_simulate(argc - 1, argv + 1);
    if (strcmp(cmd, "expand") == 0)
        return cmd_expand(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0)
        return print_version();
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(main_usage, stdout);
        return CLI_EXIT_OK;
    }
    fprintf(stderr, "iamgate: unknown command '%s'\n%s", cmd, main_usage);
    return CLI_EXIT_USAGE;
}
