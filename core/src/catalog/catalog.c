/* Built-in data lookups (see iamgate_catalog.h); the tables are generated
 * (see catalog_internal.h). */
#include "../internal.h"
#include "iamgate_catalog.h"
#include "catalog/catalog_internal.h"

/* The ARN of an AWS managed policy, up to its path and name. */
static const char managed_arn_prefix[] = "arn:aws:iam::aws:policy/";

static uint32_t hash_step(uint32_t h, unsigned char c)
{
    return (h ^ c) * CATALOG_FNV_PRIME;
}

/* FNV-1a of the ASCII-lowercased bytes. */
static uint32_t hash_folded(const char *s, size_t len)
{
    uint32_t h = CATALOG_FNV_OFFSET;
    for (size_t i = 0; i < len; i++)
        h = hash_step(h, text_lower_ascii((unsigned char)s[i]));
    return h;
}

/* An action name has exactly one colon and no wildcard; its folded hash. */
static bool action_name_hash(const char *name, size_t len, uint32_t *hash)
{
    uint32_t h = CATALOG_FNV_OFFSET;
    size_t colons = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '*' || c == '?')
            return false;
        colons += c == ':';
        h = hash_step(h, text_lower_ascii(c));
    }
    *hash = h;
    return colons == 1;
}

const iam_catalog_action *iam_catalog_find_action(const char *name, size_t len) /* see iamgate_catalog.h */
{
    uint32_t h = 0;
    if (name == NULL || !action_name_hash(name, len, &h))
        return NULL;
    /* At most half the slots are full: the probe ends at an empty one. */
    for (uint32_t i = h & catalog_action_mask;; i = (i + 1) & catalog_action_mask) {
        uint32_t slot = catalog_action_slots[i];
        if (slot == 0)
            return NULL;
        const iam_catalog_action *a = &catalog_actions[slot - 1];
        if (a->full_name.len == len && text_equals_folded(a->full_name.ptr, name, len))
            return a;
    }
}

const iam_catalog_service *iam_catalog_find_service(const char *prefix, size_t len) /* see iamgate_catalog.h */
{
    if (prefix == NULL || len == 0)
        return NULL;
    uint32_t h = hash_folded(prefix, len);
    for (uint32_t i = h & catalog_service_mask;; i = (i + 1) & catalog_service_mask) {
        uint32_t slot = catalog_service_slots[i];
        if (slot == 0)
            return NULL;
        const iam_catalog_service *s = &catalog_services[slot - 1];
        if (s->prefix.len == len && text_equals_folded(s->prefix.ptr, prefix, len))
            return s;
    }
}

size_t iam_catalog_action_count(void) /* see iamgate_catalog.h */
{
    return catalog_action_count;
}

const iam_catalog_action *iam_catalog_action_at(size_t index) /* see iamgate_catalog.h */
{
    return index < catalog_action_count ? &catalog_actions[index] : NULL;
}

size_t iam_catalog_service_count(void) /* see iamgate_catalog.h */
{
    return catalog_service_count;
}

const iam_catalog_service *iam_catalog_service_at(size_t index) /* see iamgate_catalog.h */
{
    return index < catalog_service_count ? &catalog_services[index] : NULL;
}

const char *iam_catalog_source(void) /* see iamgate_catalog.h */
{
    return catalog_source_text;
}

/* A managed policy by its exact name. */
static const iam_managed_policy *managed_find_name(const char *name, size_t len)
{
    if (len == 0)
        return NULL;
    uint32_t h = CATALOG_FNV_OFFSET;
    for (size_t i = 0; i < len; i++)
        h = hash_step(h, (unsigned char)name[i]);
    for (uint32_t i = h & managed_policy_mask;; i = (i + 1) & managed_policy_mask) {
        uint32_t slot = managed_policy_slots[i];
        if (slot == 0)
            return NULL;
        const iam_managed_policy *p = &managed_policies[slot - 1];
        if (p->name.len == len && memcmp(p->name.ptr, name, len) == 0)
            return p;
    }
}

const iam_managed_policy *iam_managed_policy_find(const char *arn_or_name, size_t len) /* see iamgate_catalog.h */
{
    if (arn_or_name == NULL)
        return NULL;
    size_t plen = sizeof managed_arn_prefix - 1;
    if (len >= 4 && memcmp(arn_or_name, "arn:", 4) == 0) {
        if (len <= plen || memcmp(arn_or_name, managed_arn_prefix, plen) != 0)
            return NULL; /* another partition, account or resource type */
        /* Any path: the name is the last segment. */
        size_t start = len;
        while (start > plen && arn_or_name[start - 1] != '/')
            start--;
        return managed_find_name(arn_or_name + start, len - start);
    }
    return managed_find_name(arn_or_name, len);
}

size_t iam_managed_policy_count(void) /* see iamgate_catalog.h */
{
    return managed_policy_count;
}

const iam_managed_policy *iam_managed_policy_at(size_t index) /* see iamgate_catalog.h */
{
    return index < managed_policy_count ? &managed_policies[index] : NULL;
}
