/* JSON reading helpers for the command (see cli_json.h). */
#include "cli_json.h"

#include <string.h>

bool cli_json_init(cli_json *j)
{
    memset(j, 0, sizeof *j);
    j->reader = json_reader_create();
    return j->reader != NULL;
}

void cli_json_free(cli_json *j)
{
    json_reader_destroy(j->reader);
    memset(j, 0, sizeof *j);
}

iam_status cli_json_parse(cli_json *j, const char *src, size_t len, iam_error *err)
{
    iam_limits l = iam_limits_default();
    json_limits jl = {l.max_string_bytes, l.max_depth, UINT32_MAX};
    j->src = src;
    j->len = len;
    iam_status s = json_reader_reserve(j->reader, len);
    json_failure fail;
    if (s == IAM_OK)
        s = json_reader_parse(j->reader, src, len, &jl, &j->doc, &fail);
    else
        fail = (json_failure){s, NULL, 0, ""};
    if (s != IAM_OK) {
        memset(err, 0, sizeof *err);
        err->code = fail.code;
        err->message = fail.message != NULL ? fail.message : iam_status_name(fail.code);
        err->offset = fail.offset;
        iam_locate(src, len, fail.offset, &err->line, &err->column);
        memcpy(err->path, fail.path, sizeof err->path);
    }
    return s;
}

uint32_t cli_member(const cli_json *j, uint32_t obj, const char *key)
{
    if (!cli_is(j, obj, JSON_OBJECT))
        return CLI_NO_TOKEN;
    size_t key_len = strlen(key);
    uint32_t k = obj + 1;
    for (uint32_t m = 0; m < cli_tok(j, obj)->len; m++) {
        const json_token *t = cli_tok(j, k);
        if (t->len == key_len && memcmp(t->text, key, key_len) == 0)
            return k + 1;
        k = cli_next(j, k + 1);
    }
    return CLI_NO_TOKEN;
}

uint32_t cli_count(const cli_json *j, uint32_t arr)
{
    return cli_is(j, arr, JSON_ARRAY) ? cli_tok(j, arr)->len : 0;
}

void cli_json_fail(const cli_json *j, uint32_t i, iam_status code, const char *message,
                   iam_error *err)
{
    memset(err, 0, sizeof *err);
    err->code = code;
    err->message = message;
    err->offset = i < j->doc.count ? cli_tok(j, i)->offset : j->len;
    iam_locate(j->src, j->len, err->offset, &err->line, &err->column);
    if (i < j->doc.count)
        json_pointer_of(&j->doc, i, err->path, sizeof err->path);
}

size_t cli_json_close(const char *text, size_t len, size_t start)
{
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = start; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}
