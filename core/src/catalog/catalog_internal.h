/*
 * catalog_internal.h — the tables that scripts/gen_catalog.py generates
 * (catalog_data.c, managed_data.c) and catalog.c reads (and policy_set.c:
 * a service's action names, to precompute). Not part of the API.
 *
 * Each lookup table is open addressing with linear probing: a power-of-two
 * number of slots (mask + 1), at most half full, each slot an index + 1
 * into its array (0: empty). The key's hash is FNV-1a 32-bit (offset
 * CATALOG_FNV_OFFSET, prime CATALOG_FNV_PRIME) over the ASCII-lowercased
 * "service:action" (actions), the lowercased prefix (services) or the exact
 * name (managed policies); the slot to start at is hash & mask. The
 * generator computes the same hash: keep the two in step.
 */
#ifndef IAMGATE_CORE_CATALOG_CATALOG_INTERNAL_H
#define IAMGATE_CORE_CATALOG_CATALOG_INTERNAL_H

#include "../internal.h"
#include "iamgate_catalog.h"

#define CATALOG_FNV_OFFSET 2166136261u
#define CATALOG_FNV_PRIME 16777619u

/* ---- the service catalog (generated catalog_data.c) ---- */

/* "<source> <version>" of data/catalog/aws-services.jsonl. */
IAM_INTERNAL extern const char catalog_source_text[];

/* Sorted by service prefix, then by ASCII-lowercased name. */
IAM_INTERNAL extern const iam_catalog_action catalog_actions[];
IAM_INTERNAL extern const uint32_t catalog_action_count;
/* catalog_actions[i].full_name, side by side (a service's run of names
 * without reading its actions). */
IAM_INTERNAL extern const iam_str catalog_action_names[];
IAM_INTERNAL extern const uint32_t catalog_action_slots[];
IAM_INTERNAL extern const uint32_t catalog_action_mask;

/* Sorted by prefix. */
IAM_INTERNAL extern const iam_catalog_service catalog_services[];
IAM_INTERNAL extern const uint32_t catalog_service_count;
IAM_INTERNAL extern const uint32_t catalog_service_slots[];
IAM_INTERNAL extern const uint32_t catalog_service_mask;

/* ---- AWS managed policies (generated managed_data.c) ---- */

/* Sorted by name (bytes). */
IAM_INTERNAL extern const iam_managed_policy managed_policies[];
IAM_INTERNAL extern const uint32_t managed_policy_count;
IAM_INTERNAL extern const uint32_t managed_policy_slots[];
IAM_INTERNAL extern const uint32_t managed_policy_mask;

#endif /* IAMGATE_CORE_CATALOG_CATALOG_INTERNAL_H */
