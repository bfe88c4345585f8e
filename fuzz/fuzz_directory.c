/*
 * fuzz_directory.c — libFuzzer target for the account-export loader
 * (iam_directory_load) and its lookups. The input is the export. When it
 * loads, every user, role and group is looked up by index, by name and by
 * ARN (each must find the same entity), its documents must be non-empty
 * text (object-encoded ones at a '{' of the input), and suggestions for a
 * name cut from the input must be names of the directory.
 * When it fails, the error's line and column must be those of its offset.
 */
#include "iamgate.h"
#include "iamgate_directory.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT (256u << 10)

static void require(int ok)
{
    if (!ok)
        abort();
}

static void check_policies(const iam_directory_principal *p, const char *json, size_t len)
{
    for (uint32_t i = 0; i < p->policy_count; i++) {
        const iam_directory_policy *d = &p->policies[i];
        require(d->document.ptr != NULL && d->document.len > 0);
        require(d->kind == IAM_POLICY_IDENTITY || d->kind == IAM_POLICY_BOUNDARY);
        require(d->source >= IAM_SOURCE_USER && d->source <= IAM_SOURCE_USER_MANAGED);
        if (d->in_export)
            require(d->export_offset < len && json[d->export_offset] == '{' &&
                    d->document.len <= len - d->export_offset &&
                    memcmp(d->document.ptr, json + d->export_offset, d->document.len) == 0);
    }
}

static void check_entity(const iam_directory *dir, iam_entity_type type, size_t index,
                         const char *json, size_t len)
{
    iam_directory_principal p, again;
    require(iam_directory_at(dir, type, index, &p) == IAM_OK);
    require(p.type == type && p.name.len > 0);
    check_policies(&p, json, len);
    /* by name: a user or role of the same name may come first (users, roles, groups) */
    require(iam_directory_find(dir, p.name.ptr, p.name.len, &again) == IAM_OK);
    require(again.name.len == p.name.len);
    if (p.arn.len > 0) {
        require(iam_directory_find(dir, p.arn.ptr, p.arn.len, &again) == IAM_OK);
        require(again.arn.len == p.arn.len && memcmp(again.arn.ptr, p.arn.ptr, p.arn.len) == 0);
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    const char *json = (const char *)data;
    iam_directory *dir = NULL;
    iam_error err;
    iam_status s = iam_directory_load(json, size, &dir, &err);
    if (s != IAM_OK) {
        require(dir == NULL && err.code == s && err.offset <= size);
        uint32_t line, column;
        iam_locate(json, size, err.offset, &line, &column);
        require(line == err.line && column == err.column);
        return 0;
    }
    require(dir != NULL);
    static const iam_entity_type types[] = {IAM_ENTITY_USER, IAM_ENTITY_ROLE, IAM_ENTITY_GROUP};
    for (int t = 0; t < 3; t++)
        for (size_t i = 0; i < iam_directory_count(dir, types[t]) && i < 64; i++)
            check_entity(dir, types[t], i, json, size);
    iam_str near[8];
    size_t cut = size < 12 ? size : 12;
    size_t n = iam_directory_suggest(dir, json + size - cut, cut, near, 8);
    require(n <= 8);
    for (size_t i = 0; i < n; i++) {
        iam_directory_principal p;
        require(near[i].len > 0 && iam_directory_find(dir, near[i].ptr, near[i].len, &p) == IAM_OK);
    }
    iam_directory_destroy(dir);
    return 0;
}
