/*
 * lint_keys.h — what the linter knows about a condition key: whether it
 * exists (the global aws: keys of spec §5.1, the catalog's service keys),
 * the operator families its values suit, and whether it is multi-valued.
 */
#ifndef IAMGATE_CORE_LINT_LINT_KEYS_H
#define IAMGATE_CORE_LINT_LINT_KEYS_H

#include "lint_internal.h"

/* Operator families a key's values suit (bits of lint_key_info.types). */
enum {
    LINT_KEY_STRING = 1u << 0,
    LINT_KEY_ARN = 1u << 1,
    LINT_KEY_NUMERIC = 1u << 2,
    LINT_KEY_DATE = 1u << 3,
    LINT_KEY_BOOL = 1u << 4,
    LINT_KEY_IP = 1u << 5
};

typedef enum lint_key_status {
    LINT_KEY_KNOWN,               /* types/multi are set (types may be 0: untyped) */
    LINT_KEY_BAD_FORMAT,          /* not prefix:name */
    LINT_KEY_UNKNOWN_GLOBAL,      /* an aws: key §5.1 does not list */
    LINT_KEY_MISSING_TAG,         /* aws:RequestTag etc. without /tag-key */
    LINT_KEY_UNSUPPORTED,         /* aws:ARN */
    LINT_KEY_UNKNOWN_SERVICE_KEY, /* svc:name that service svc does not define */
    LINT_KEY_UNKNOWN_SERVICE,     /* the prefix names no service */
    LINT_KEY_UNCHECKED            /* identity-provider keys, or out of budget: no claim */
} lint_key_status;

typedef struct lint_key_info {
    lint_key_status status;
    uint8_t types;             /* LINT_KEY_* bits; 0 when not known */
    bool multi;                /* multi-valued (§3.6.4): needs a set qualifier */
    bool arity_unknown;        /* single or multi is not judged (lint_keys.c) */
    bool global;               /* the prefix is aws: */
    bool sensitive;            /* account/org identifier (§5.1 notes) */
} lint_key_info;

/* Looks key up. Keys whose service does not list them are searched for in
 * every service's list (some services list other prefixes' keys); each
 * such search costs one of *budget, and with none left the answer is
 * LINT_KEY_UNCHECKED, so hostile documents stay linear. */
IAM_INTERNAL void lint_key_lookup(iam_str key, unsigned *budget, lint_key_info *out);

#endif /* IAMGATE_CORE_LINT_LINT_KEYS_H */
