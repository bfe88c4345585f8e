/* cli.h — shared pieces of the iamgate command. */
#ifndef IAMGATE_CLI_CLI_H
#define IAMGATE_CLI_CLI_H

#include "iamgate.h"

#include <stdio.h>

/* Exit codes shared by every subcommand. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FINDINGS = 1, CLI_EXIT_USAGE = 2 };

typedef struct cli_file {
    char *data;
    size_t len;
} cli_file;

/* Reads a whole file ("-" is standard input). On failure prints
 * "iamgate: PATH: reason" to stderr and returns 0. */
int cli_read_file(const char *path, cli_file *out);
void cli_file_free(cli_file *file);

/* Prints "name:line:col: message ..." and the source line with a caret. */
void cli_print_error(FILE *out, const char *name, const iam_error *err,
                     const char *text, size_t len);

/* Marks (on[i] = 1) the catalog actions an action pattern matches; prints
 * why and returns CLI_EXIT_USAGE for a pattern that is not one or names an
 * unknown service. */
int cli_expand_pattern(const char *pattern, uint8_t *on, size_t count);

/* Whether hay contains needle[0..n), ignoring ASCII case. */
bool cli_contains_ci(iam_str hay, const char *needle, size_t n);

int cmd_check(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_expand(int argc, char **argv);
int cmd_lint(int argc, char **argv);

#endif /* IAMGATE_CLI_CLI_H */
