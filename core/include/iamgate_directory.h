/*
 * iamgate_directory.h — principals from an account export.
 *
 * Loads the JSON that `aws iam get-account-authorization-details` prints
 * (spec §7.4): users, groups and membership, roles, customer managed
 * policies with their versions, inline policies, permissions boundaries,
 * tags. Resolves a principal (user, role, or an assumed-role session ARN)
 * into the policy documents that apply to it (spec §7.3): its identity
 * policies and its permissions boundary. Documents stay JSON text: the
 * caller parses and compiles them (iam_policy_parse, iam_policy_set_compile).
 *
 * The directory is built once on the heap (cold path) and then read-only:
 * lookups allocate nothing and are safe from any number of threads.
 *
 * Decisions where AWS leaves room (spec §7.4):
 *  - Names (UserName, GroupName, RoleName, PolicyName of inline policies)
 *    and the ARNs of attached policies, boundaries and Policies[] entries
 *    are required; every other field is optional and JSON null counts as
 *    absent. A missing Path reads as "/"; a missing Arn leaves arn and
 *    account empty (the principal can then only be found by name).
 *  - Users, groups and roles are unique per type ignoring ASCII case (a
 *    duplicate is IAM_E_EXPORT_FORMAT); a user and a role may share a name.
 *    A bare name finds a user first, then a role, then a group; use an ARN
 *    to be explicit.
 *  - GroupList names resolve ignoring case (an unknown group is
 *    IAM_E_EXPORT_FORMAT at the name); a group listed twice counts once;
 *    more than IAM's 10 groups are accepted.
 *  - Managed policies: an ARN is looked up in Policies[] (exact, then
 *    ignoring case), then, for arn:PARTITION:iam::aws:policy/..., in the
 *    built-in corpus (iam_managed_policy_find; version_id "builtin"). The
 *    effective version of a Policies[] entry (IsDefaultVersion true, else
 *    VersionId == DefaultVersionId) is resolved when a principal attaches
 *    it: an entry nobody uses may lack one. Two default versions, or two
 *    entries with the same ARN (ignoring case), are IAM_E_EXPORT_FORMAT.
 *  - Documents: a JSON object is kept as the exact export text from '{' to
 *    its '}' (in_export, export_offset); a JSON string whose first
 *    non-blank character is '{' is the document itself; any other string is
 *    RFC 3986 percent-decoded ('+' stays '+'; a '%' without two hex digits
 *    is IAM_E_EXPORT_FORMAT at that '%'). For string documents in_export is
 *    false and export_offset is the offset of the string's opening quote.
 *    Documents are not parsed here; only effective versions are decoded.
 *  - Roles whose Path starts with /aws-service-role/ are service-linked.
 *    Boundaries are reported wherever the export has them (users, roles);
 *    a group's Tags or PermissionsBoundary, if any, are not read.
 *  - Resolution order (spec §7.3): users: user inline (source "user"), user
 *    attached managed, then for each group in GroupList order that group's
 *    inline (source "group", via = group name) and attached managed (via =
 *    group name); roles: role inline, role attached; groups: group inline,
 *    group attached. Then the boundary (kind IAM_POLICY_BOUNDARY), if set.
 *  - Limits: iam_directory_load uses max_document_bytes 64 MiB, strings of
 *    up to 8 MiB, nesting depth 64 and no array-element limit beyond the
 *    size; the resolved policy lists of all principals together hold at
 *    most 2,097,152 entries (IAM_E_LIMIT_ELEMENTS).
 */
#ifndef IAMGATE_INCLUDE_IAMGATE_DIRECTORY_H
#define IAMGATE_INCLUDE_IAMGATE_DIRECTORY_H

#include "iamgate.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iam_directory iam_directory; /* opaque */

typedef enum iam_entity_type {
    IAM_ENTITY_USER = 1,
    IAM_ENTITY_GROUP,
    IAM_ENTITY_ROLE
} iam_entity_type;

/* Where a policy comes from; the simulator's SourcePolicyType (spec §7.5.2). */
typedef enum iam_policy_source {
    IAM_SOURCE_USER = 1,        /* inline on the user:   "user"         */
    IAM_SOURCE_GROUP,           /* inline on a group:    "group"        */
    IAM_SOURCE_ROLE,            /* inline on the role:   "role"         */
    IAM_SOURCE_AWS_MANAGED,     /* AWS managed:          "aws-managed"  */
    IAM_SOURCE_USER_MANAGED     /* customer managed:     "user-managed" */
} iam_policy_source;

/* The simulator's name for a source ("user", "aws-managed"...). */
IAM_API const char *iam_policy_source_name(iam_policy_source source);

/* One policy document that applies to a principal. */
typedef struct iam_directory_policy {
    iam_str name;           /* inline policy name, or managed policy name */
    iam_str arn;            /* managed: its ARN; inline: empty */
    iam_str document;       /* the JSON text (decoded if the export held a
                               string or a percent-encoded string) */
    iam_str via;            /* the group it is inherited through, else empty */
    iam_str version_id;     /* managed: the default version ("v2"); AWS
                               managed from the built-in corpus: "builtin" */
    uint8_t source;         /* iam_policy_source */
    uint8_t kind;           /* IAM_POLICY_IDENTITY or IAM_POLICY_BOUNDARY */
    bool in_export;         /* document is a JSON object in the export text:
                               export_offset is where it starts, so errors
                               can be placed in the export file */
    size_t export_offset;
} iam_directory_policy;

typedef struct iam_tag {
    iam_str key;
    iam_str value;
} iam_tag;

/* A resolved principal. Every pointer is into the directory: valid until
 * iam_directory_destroy. */
typedef struct iam_directory_principal {
    uint8_t type;           /* iam_entity_type */
    iam_str name;           /* "alice", "ChimeOps" */
    iam_str arn;            /* user/role/group ARN as exported */
    iam_str id;             /* UserId / RoleId / GroupId */
    iam_str path;           /* "/", "/aws-service-role/chime.amazonaws.com/" */
    iam_str account;        /* the 12-digit account of the ARN */
    iam_str session_name;   /* set when looked up by an assumed-role ARN:
                               points into the caller's name_or_arn */
    bool service_linked;    /* role path starts with /aws-service-role/ */
    const iam_tag *tags;
    uint32_t tag_count;
    const iam_str *groups;  /* users: the group names, as in GroupDetailList */
    uint32_t group_count;
    const iam_directory_policy *policies; /* identity policies, then the
                                             boundary (kind) if any */
    uint32_t policy_count;
} iam_directory_principal;

/* Loads an export. The directory copies what it keeps; json may be freed
 * afterwards. Errors carry the line and column in json: JSON syntax,
 * IAM_E_EXPORT_FORMAT (a field of the wrong type, a nameless user...),
 * IAM_E_UNRESOLVED_POLICY (an attached or boundary ARN whose policy is
 * neither in the export's Policies nor, for arn:aws:iam::aws:policy/...,
 * built in; or a managed policy with no default version). Unknown fields
 * are ignored.
 * Allocates: heap. Fails: returns iam_status, *out NULL. Threads: any. */
IAM_API iam_status iam_directory_load(const char *json, size_t len, iam_directory **out,
                                      iam_error *err);

/* iam_directory_load with other JSON limits: max_document_bytes,
 * max_string_bytes, max_depth (at most 1024) and max_array_elements apply to
 * the whole export; zero fields take the directory's defaults (above);
 * max_statements is not used. limits may be NULL. Allocates: heap. Fails:
 * returns iam_status (IAM_E_ARG for a depth over 1024). Threads: any. */
IAM_API iam_status iam_directory_load_with_limits(const char *json, size_t len,
                                                  const iam_limits *limits,
                                                  iam_directory **out, iam_error *err);

/* Whether the export said "IsTruncated": true (one page of a paginated API
 * response: principals or policies may be missing). Allocates: never. */
IAM_API bool iam_directory_is_truncated(const iam_directory *dir);

IAM_API void iam_directory_destroy(iam_directory *dir);

/* Finds a user, role or group by name (case-insensitive, as IAM names are
 * unique ignoring case) or ARN; an assumed-role session ARN
 * (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) finds the role and sets
 * session_name. Order: an exported Arn (exact, else ignoring case), then a
 * session ARN (the role by name; its account must match the role's), then a
 * bare name: users first, then roles, then groups.
 * Fails: IAM_E_NOT_FOUND (see iam_directory_suggest), IAM_E_ARG.
 * Allocates: never. Threads: safe. */
IAM_API iam_status iam_directory_find(const iam_directory *dir, const char *name_or_arn,
                                      size_t len, iam_directory_principal *out);

/* Up to cap (at most 32) names of users, roles and groups close to name,
 * best first, for "did you mean" messages: a name qualifies when its
 * Levenshtein distance to name, ignoring ASCII case, is at most
 * max(2, len / 3), or when it contains name ignoring case. Ranked by
 * distance, a prefix match first at equal distance, then users, roles,
 * groups in export order; a name shared by a user and a role is given once.
 * name may also be an ARN: a session ARN is matched by its role name, any
 * other ARN by the last segment of its resource path ("user/team/alcie" →
 * "alcie"). Returns how many were written. Allocates: never. Threads: safe. */
IAM_API size_t iam_directory_suggest(const iam_directory *dir, const char *name, size_t len,
                                     iam_str *out, size_t cap);

/* Counts, for summaries. */
IAM_API size_t iam_directory_count(const iam_directory *dir, iam_entity_type type);

/* The index-th entity of a type (export order), as iam_directory_find
 * would give it. Fails: IAM_E_NOT_FOUND past the end. */
IAM_API iam_status iam_directory_at(const iam_directory *dir, iam_entity_type type,
                                    size_t index, iam_directory_principal *out);

#ifdef __cplusplus
}
#endif

#endif /* IAMGATE_INCLUDE_IAMGATE_DIRECTORY_H */
