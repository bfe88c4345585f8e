/*
 * glob_set.h — the compiled automaton over all Action (or all Resource)
 * patterns of a policy set (spec §2). One pass over a request's action or
 * resource yields the owners (statements) whose patterns match it.
 *
 * Semantics are exactly those of the reference matchers in glob.h: a
 * subject is a sequence of code points (a byte and the continuation bytes
 * after it); '*' and '?' consume whole code points; a literal code point
 * of the pattern must equal one of the subject's.
 *
 * Layout of a compiled set (all inside the caller's arena, immutable):
 *  - `always`: owners of the pattern "*";
 *  - actions: a hash table of exact names ("vendor:name", case folded) and,
 *    per vendor, DFAs over the name for the patterns with wildcards;
 *  - resources: per service (when the pattern names it literally) and one
 *    generic group, DFAs over the whole ARN;
 *  - a fallback list of patterns whose DFA would exceed the state budget,
 *    matched with the reference matcher (e.g. '*' followed by many '?').
 * DFAs are built by subset construction in which a pattern is reported and
 * dropped as soon as only '*' remains of it.
 */
#ifndef IAMGATE_CORE_GLOB_GLOB_SET_H
#define IAMGATE_CORE_GLOB_GLOB_SET_H

#include "../internal.h"

typedef enum glob_kind {
    GLOB_KIND_ACTION = 0,   /* Action/NotAction: glob_match_action_reference */
    GLOB_KIND_RESOURCE      /* Resource/NotResource: glob_match_resource_reference */
} glob_kind;

typedef struct glob_input {
    const char *text;       /* the pattern as written (no policy variables) */
    size_t len;
    uint32_t owner;         /* reported when the pattern matches */
} glob_input;

typedef struct glob_options {
    uint32_t max_dfa_states; /* per DFA; 0 = 4096. A group over budget is
                                split; a single pattern over it falls back */
} glob_options;

typedef struct glob_set glob_set;

typedef struct glob_stats {
    uint32_t patterns, exact, dfas, dfa_states, fallbacks, groups;
    size_t bytes;            /* arena bytes of the set */
} glob_stats;

/* Compiles the patterns into the arena. Owners must be < owner_count.
 * Scratch memory comes from the heap (cold path); the set itself only from
 * the arena. Fails: IAM_E_NOMEM (arena or heap), IAM_E_ARG. */
IAM_INTERNAL iam_status glob_set_compile(iam_arena *arena, glob_kind kind,
                                         const glob_input *inputs, size_t count,
                                         uint32_t owner_count,
                                         const glob_options *options,
                                         const glob_set **out);

/* The set of matching owners as spans of precomputed owner lists (the
 * union of the spans; an owner may be in several). Writes up to cap spans
 * and returns how many there are. Allocates nothing; thread-safe. At most
 * 2 + (DFAs of the subject's groups) × (len + 2) + fallbacks spans. */
typedef struct glob_span {
    const uint32_t *owners;
    uint32_t count;
} glob_span;

IAM_INTERNAL size_t glob_set_match_spans(const glob_set *set, const char *subject, size_t len,
                                         glob_span *spans, size_t cap);

/* Writes the owners whose patterns match subject into owners[0..cap) and
 * returns how many there are (more than cap means some were not written).
 * An owner may appear more than once. Allocates nothing; thread-safe. */
IAM_INTERNAL size_t glob_set_match(const glob_set *set, const char *subject,
                                   size_t len, uint32_t *owners, size_t cap);

IAM_INTERNAL void glob_set_stats(const glob_set *set, glob_stats *stats);

#endif /* IAMGATE_CORE_GLOB_GLOB_SET_H */
