/* Matching an Action pattern against the built-in catalog. */
#include "../internal.h"
#include "../glob/glob.h"
#include "iamgate_catalog.h"

#include <string.h>

static bool has_wildcard(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] == '*' || p[i] == '?')
            return true;
    return false;
}

/* Tests actions [first, first+count) and records the matches. */
static size_t match_range(const char *pattern, size_t len, size_t first, size_t count,
                          uint32_t *out, size_t cap, size_t found)
{
    for (size_t i = first; i < first + count; i++) {
        const iam_catalog_action *a = iam_catalog_action_at(i);
        if (!glob_match_action_reference(pattern, len, a->full_name.ptr, a->full_name.len))
            continue;
        if (found < cap)
            out[found] = (uint32_t)i;
        found++;
    }
    return found;
}

size_t iam_catalog_match(const char *pattern, size_t len, uint32_t *out,
                         size_t cap) /* see iamgate_catalog.h */
{
    if (pattern == NULL || len == 0 || (out == NULL && cap > 0))
        return 0;
    const char *colon = memchr(pattern, ':', len);
    size_t vendor_len = colon != NULL ? (size_t)(colon - pattern) : len;
    if (colon != NULL && !has_wildcard(pattern, vendor_len)) {
        /* A literal service: only its own actions can match. */
        const iam_catalog_service *svc = iam_catalog_find_service(pattern, vendor_len);
        if (svc == NULL)
            return 0;
        return match_range(pattern, len, svc->first_action, svc->action_count, out, cap, 0);
    }
    return match_range(pattern, len, 0, iam_catalog_action_count(), out, cap, 0);
}
