/*
 * eval_internal.h — the compiled policy set (iam_policy_set) and the
 * condition engine shared by compile (policy_set.c), conditions
 * (condition.c) and decisions (eval.c).
 */
#ifndef IAMGATE_CORE_EVAL_EVAL_INTERNAL_H
#define IAMGATE_CORE_EVAL_EVAL_INTERNAL_H

#include "../internal.h"
#include "../base/values.h"
#include "../glob/glob_set.h"

#define EVAL_MAX_STATEMENTS 1048576u /* a set's statements (ids fit the automata's lists) */
#define EVAL_MAX_LEVELS 8u          /* SCP / RCP organisation levels */

/* A value parsed for its operator's type (spec §3.4). */
typedef union typed_value {
    decimal number;
    date_instant date;
    ip_range ip;                    /* a request's address */
    ip_block block;                 /* a policy's range */
    bool boolean;
} typed_value;

/* One policy value of a condition, parsed once at compile time for its
 * operator's type (spec §3.4); `parsed` false means a parse failure. */
typedef struct compiled_value {
    bool parsed;
    bool variables;                 /* substituted per request (spec §4.2) */
    typed_value as;
} compiled_value;

#define KEY_SLOTS 8u  /* context keys a decision looks up once each */

/* The AST's operator fields are copied next to what the evaluator derives
 * from them, so that a condition is read from one place. */
typedef struct compiled_condition {
    const compiled_value *values;   /* parallel to ast->values.items */
    const char *key_folded;         /* in ASCII lower case, zero padded to
                                       whole 8-byte words */
    const char *key_bits;           /* the same layout: the bits a request key
                                       must match (all but 0x20 at letters) */
    size_t key_len;
    uint32_t value_count;
    uint8_t op;                     /* iam_condition_op */
    uint8_t family;                 /* its value type (condition.c) */
    uint8_t qualifier;              /* iam_set_qualifier */
    bool if_exists;
    bool negated;                   /* NotEquals, NotLike, NotIpAddress, ... */
    bool variables;                 /* some value is substituted per request */
    bool all_parsed;                /* every value parsed at compile time */
    bool direct;                    /* a Numeric, Date, IpAddress or Bool
                                       operator with values, without
                                       variables or set qualifier (and, if
                                       negated, all values parsed): the
                                       usual case, with a direct path */
    uint8_t order_accepts;          /* Numeric/Date: bit 0, 1, 2 for a request
                                       value below, equal to, above one */
    uint8_t key_slot;               /* the set's n-th distinct key (ignoring
                                       case), < KEY_SLOTS; else none */
    const iam_condition *ast;
} compiled_condition;

/* What iam_eval reads for every candidate comes first (one cache line);
 * what only explanations read, last. */
typedef struct compiled_statement {
    uint8_t kind;                   /* iam_policy_kind */
    uint8_t level;
    uint8_t effect;
    bool always_applies;            /* to every request its action reaches: an
                                       identity, boundary or session statement
                                       with Resource "*" and no condition */
    bool resources_present;         /* the statement has Resource/NotResource */
    bool not_resource;
    bool resource_star;             /* the Resource list holds "*" (matches all) */
    bool resource_variables;        /* some Resource pattern holds ${...}: those
                                       are substituted per request */
    uint32_t resource_count;        /* the other Resource patterns, prepared */
    uint32_t condition_count;
    const glob_resource *resources;
    const compiled_condition *conditions;
    const iam_statement *ast;
    bool version_2012;              /* its policy enables variables */
    /* Identical statements (same kind, level, effect and elements; spec
     * §6: a statement's effect never depends on where it was written) are
     * compiled once: the first is indexed and lists the later ones, which
     * iam_eval reaches only through it (for explanations). */
    uint32_t copy_of;               /* UINT32_MAX: none, it is indexed */
    uint32_t copy_start, copy_count; /* its copies, in set->copies */
    uint32_t input;                 /* index of its iam_policy_input */
    uint32_t index;                 /* statement index in the policy */
    iam_str name;                   /* that input's name */
} compiled_statement;

/* Statement ids put every Deny before every Allow (each group in input
 * order), so that iam_eval, visiting candidates by id, has seen every
 * Deny when it reaches the first Allow. */
struct iam_policy_set {
    const compiled_statement *statements;
    uint32_t statement_count;
    uint32_t deny_count;            /* ids below it are the Deny statements */
    const glob_set *actions;        /* owner = statement index */
    const uint32_t *copies;         /* statement ids, see compiled_statement */
    const uint32_t *not_actions;    /* statements whose list is NotAction */
    uint32_t not_action_count;
    bool has_kind[IAM_POLICY_KIND_COUNT];
    uint8_t scp_levels;             /* bit L: some SCP at level L */
    uint8_t rcp_levels;
    bool identity_only;             /* no policy of another kind */
};

/* Policy variables (variables.c). */
#define SUBST_MAX 8192u
typedef struct subst_buffer {
    char text[SUBST_MAX];
    uint8_t literal[SUBST_MAX / 8]; /* bit i: text[i] came from a variable */
    size_t len;
} subst_buffer;

/* Substitutes the variables of pattern from byte `from` on (spec §4);
 * false when one cannot be resolved (spec §4.3) or the result is too long. */
IAM_INTERNAL bool variables_substitute(iam_str pattern, size_t from, const iam_request *req,
                                       subst_buffer *out);
/* Where a Resource pattern's resource part starts (variables go only there). */
IAM_INTERNAL size_t variables_resource_part(iam_str pattern);
IAM_INTERNAL bool variables_present(iam_str s);

IAM_INTERNAL const iam_context_entry *context_find(const iam_request *request, iam_str key);
/* Context key names compare ignoring ASCII case (spec §3.2). */
IAM_INTERNAL bool context_key_equals(iam_str a, iam_str b);

/* Request values parsed for an operator's type (a date, a number, an
 * address), kept for one decision: conditions on the same key (a time
 * window's two bounds, IpAddress and NotIpAddress) parse it once. */
#define PARSED_CACHE_SLOTS 4u
typedef struct parsed_value {
    const char *text;               /* the request value's bytes (identity) */
    size_t len;
    uint8_t family;                 /* FAMILY_NONE: nothing parsed yet */
    bool ok;
    typed_value as;
} parsed_value;

typedef struct parsed_cache {
    /* The context entry of each key slot, found on first use: a time
     * window's two bounds, IpAddress and NotIpAddress look up once. */
    uint8_t entries_known;          /* bit k: entries[k] and first[k] are set */
    const iam_context_entry *entries[KEY_SLOTS];
    parsed_value first[KEY_SLOTS];  /* entries[k]'s first value, once parsed */
    /* Values of keys without a slot, and further values of multi-valued keys. */
    parsed_value slots[PARSED_CACHE_SLOTS];
    uint32_t used;                  /* slots filled; then the oldest is replaced */
} parsed_cache;

/* Whether one compiled condition holds for the request (spec §3.10).
 * *missing is set when the key was absent from the context. cache starts
 * with used = 0 and entries_known = 0 for each decision. */
IAM_INTERNAL bool condition_holds(const compiled_condition *c, const iam_request *request,
                                  parsed_cache *cache, bool *missing);
/* Whether all count conditions hold (spec §3.10: AND), stopping at the
 * first that does not: decisions without an explanation. */
IAM_INTERNAL bool conditions_hold(const compiled_condition *conditions, uint32_t count,
                                  const iam_request *request, parsed_cache *cache);

/* Compiles a condition (compile time): everything but its key's slot.
 * values has ast->values.count items; variables: the policy's version
 * enables substitution. False when the arena is full. */
IAM_INTERNAL bool condition_compile(iam_arena *arena, const iam_condition *ast, bool variables,
                                    compiled_value *values, compiled_condition *out);

#endif /* IAMGATE_CORE_EVAL_EVAL_INTERNAL_H */
