/* bundle.h — a group of policy documents with their roles (identity,
 * boundary, session, SCP), parsed and compiled into one policy set, plus
 * what the command needs to explain a decision: each document's source id,
 * source type and text (for statement positions). */
#ifndef IAMGATE_CLI_BUNDLE_H
#define IAMGATE_CLI_BUNDLE_H

#include "iamgate.h"

typedef struct cli_doc {
    const char *text;         /* not owned; must outlive the bundle */
    size_t len;
    iam_policy_kind kind;
    uint32_t level;           /* SCP organisation level */
    char source_id[160];      /* "PolicyInputList.1", "AmazonChimeReadOnly" */
    const char *source_type;  /* "IAM Policy", "user", "aws-managed"... (static) */
    size_t base_offset;       /* where text starts in the file it came from */
    const char *file_text;    /* that file (for error positions); may equal text */
    size_t file_len;
    const char *file_name;    /* for messages */
} cli_doc;

typedef struct cli_bundle {
    cli_doc *docs;
    size_t count, cap;
    void *policy_buf, *set_buf;
    const iam_policy **policies;
    iam_policy_input *inputs;
    const iam_policy_set *set;
} cli_bundle;

void cli_bundle_free(cli_bundle *b);
/* Appends a document; false when out of memory. */
bool cli_bundle_add(cli_bundle *b, const cli_doc *doc);
/* Parses every document and compiles the set. On failure *bad is the index
 * of the document at fault (or count for a compile failure) and err tells
 * what and where (positions inside that document's text). */
iam_status cli_bundle_compile(cli_bundle *b, iam_parser *parser, size_t *bad, iam_error *err);
/* Whether any document has this kind. */
bool cli_bundle_has(const cli_bundle *b, iam_policy_kind kind);

/* Prints a document's parse error at its place in the file it came from. */
void cli_bundle_print_error(const cli_bundle *b, size_t bad, const iam_error *err);

#endif /* IAMGATE_CLI_BUNDLE_H */
