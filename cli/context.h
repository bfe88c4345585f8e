/* context.h — the request context of `iamgate simulate`: entries given in
 * the AWS CLI's shorthand or JSON form, and the keys synthesised from a
 * principal (spec §5.2). Later entries replace earlier ones with the same
 * key (ignoring case), so caller-supplied entries override synthesised ones. */
#ifndef IAMGATE_CLI_CONTEXT_H
#define IAMGATE_CLI_CONTEXT_H

#include "iamgate.h"
#include "iamgate_directory.h"

typedef struct cli_ctx_entry {
    char *key;
    char **values;
    size_t count;
    bool multi;
} cli_ctx_entry;

typedef struct cli_context {
    cli_ctx_entry *items;
    size_t count, cap;
    iam_context_entry *view;   /* rebuilt by cli_context_view */
    iam_str *view_values;
} cli_context;

void cli_context_free(cli_context *c);
/* Sets key to values (copied); replaces an existing key. */
bool cli_context_set(cli_context *c, const char *key, size_t key_len, const iam_str *values,
                     size_t count, bool multi);
bool cli_context_set1(cli_context *c, const char *key, const char *value);

/* Parses one --context-entries argument: shorthand
 *   ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.5,ContextKeyType=ip
 * (values may be [a,b] or a,b), a JSON object, or a JSON array of them.
 * On error prints what is wrong and returns false. */
bool cli_context_parse_arg(cli_context *c, const char *arg);

/* Adds the keys a principal's requests carry (spec §5.2). now is epoch seconds. */
bool cli_context_synthesise(cli_context *c, const iam_directory_principal *p, long long now);

/* The entries as the evaluator takes them (valid until the next change). */
bool cli_context_view(cli_context *c, const iam_context_entry **entries, uint32_t *count);

#endif /* IAMGATE_CLI_CONTEXT_H */
