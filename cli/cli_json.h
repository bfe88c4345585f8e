/* cli_json.h — reading JSON in the command: a reader that owns the core's
 * JSON layer (core/src/json/json.h) and small helpers over its flat tokens.
 * Token 0 is the root; NO_TOKEN marks "absent". */
#ifndef IAMGATE_CLI_CLI_JSON_H
#define IAMGATE_CLI_CLI_JSON_H

#include "iamgate.h"
#include "json/json.h"

#define CLI_NO_TOKEN UINT32_MAX

typedef struct cli_json {
    json_reader *reader;
    json_doc doc;
    const char *src;
    size_t len;
} cli_json;

bool cli_json_init(cli_json *j);
void cli_json_free(cli_json *j);
/* Parses src[0..len); on failure fills err with the position. */
iam_status cli_json_parse(cli_json *j, const char *src, size_t len, iam_error *err);

static inline const json_token *cli_tok(const cli_json *j, uint32_t i) { return &j->doc.tokens[i]; }
static inline bool cli_is(const cli_json *j, uint32_t i, json_kind kind)
{
    return i != CLI_NO_TOKEN && j->doc.tokens[i].kind == kind;
}
static inline iam_str cli_text(const cli_json *j, uint32_t i)
{
    iam_str s = {j->doc.tokens[i].text, j->doc.tokens[i].len};
    return s;
}
/* The next sibling after the subtree at i. */
static inline uint32_t cli_next(const cli_json *j, uint32_t i) { return j->doc.tokens[i].end; }

/* The value of member key of object obj, or CLI_NO_TOKEN. */
uint32_t cli_member(const cli_json *j, uint32_t obj, const char *key);
/* The number of elements of an array (0 for a non-array). */
uint32_t cli_count(const cli_json *j, uint32_t arr);

/* Sets err to describe token i as wrong: code, message, position, pointer. */
void cli_json_fail(const cli_json *j, uint32_t i, iam_status code, const char *message,
                   iam_error *err);

/* One past the '}' or ']' closing the container that opens at text[start]
 * (strings skipped), or 0 if it never closes. */
size_t cli_json_close(const char *text, size_t len, size_t start);

#endif /* IAMGATE_CLI_CLI_JSON_H */
