/*
 * fuzz_context.c — libFuzzer target for the --context-entries parser of
 * `iamgate simulate` (cli/context.c): the AWS CLI shorthand
 * (ContextKeyName=K,ContextKeyValues=V1,V2,ContextKeyType=T) and the JSON
 * form. The input is one argument (cut at its first NUL; file:// is not
 * followed). On success every entry has a 5-256 byte key, a scalar type
 * has exactly one value, and the evaluator's view matches the entries;
 * parsing the same argument twice replaces, never duplicates, keys.
 */
#include "context.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT 8192

static void require(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static char arg[MAX_INPUT + 1];
    if (size > MAX_INPUT)
        return 0;
    memcpy(arg, data, size);
    arg[size] = '\0';
    if (strncmp(arg, "file://", 7) == 0)
        return 0;
    cli_context c;
    memset(&c, 0, sizeof c);
    if (cli_context_parse_arg(&c, arg)) {
        size_t first = c.count;
        require(cli_context_parse_arg(&c, arg) && c.count == first);
        const iam_context_entry *view = NULL;
        uint32_t n = 0;
        require(cli_context_view(&c, &view, &n) && n == c.count);
        for (uint32_t i = 0; i < n; i++) {
            require(view[i].key.len >= 5 && view[i].key.len <= 256);
            require(view[i].multi || view[i].count == 1);
            require(view[i].count == c.items[i].count);
        }
    }
    cli_context_free(&c);
    return 0;
}
