/*
 * glob_set.h — the compiled forms of Action and Resource patterns (spec
 * §2), with exactly the semantics of the reference matchers in glob.h: a
 * subject is a sequence of code points (a byte and the continuation bytes
 * after it); '*' and '?' consume whole code points; a literal code point
 * of the pattern must equal one of the subject's.
 *
 * Actions: all Action/NotAction patterns of a policy set become one index,
 * so that one pass over a request's action yields the statements whose
 * patterns match it:
 *  - "*" goes to the `always` list;
 *  - a name without wildcards (94 % of the corpus's patterns) goes to the
 *    name table, keyed by the whole name (compared ignoring case); its
 *    record holds the complete answer (its own owners and what the
 *    vendor's prefix and other patterns say, computed at compile time):
 *    a request naming an action the set lists costs one hash and one
 *    probe, without finding the vendor;
 *  - any other pattern is cut at its first wildcard: the key table, keyed
 *    by the vendor (the part before the colon, compared ignoring case) and
 *    the folded literal part, lists the owners of the patterns "key*" and
 *    the other patterns whose literal prefix is the key (their rest is
 *    checked by glob_star_match or the reference matcher); each vendor
 *    records which key lengths (0..63) hold such patterns, so a request
 *    probes only those lengths.
 * Both tables are 8-byte slots (hash, record) over dense records.
 * Compiling costs one hash and one insertion per pattern, nothing that
 * grows with how the patterns overlap: one SSE2 pass over a pattern finds
 * its colon and first wildcard, a name's record is written in the arena
 * as the name is met (a name of one statement keeps that owner in the
 * record itself), and complete answers are computed only in sets that
 * have prefix or other patterns (a lone span, such as "chime:*"'s list,
 * is used as it is).
 *
 * Resources: each pattern is prepared on its own (glob_resource): its
 * literal prefix, folded where ASCII case is ignored, rejects almost every
 * subject in a few word comparisons; an exact ARN or "literal*" in the
 * resource part is decided there too; anything else goes on to the
 * reference matcher. iam_eval matches the few statements the action index
 * yields this way. A glob_set of kind GLOB_KIND_RESOURCE is a list of
 * prepared patterns (for tests and benchmarks of the same code).
 */
#ifndef IAMGATE_CORE_GLOB_GLOB_SET_H
#define IAMGATE_CORE_GLOB_GLOB_SET_H

#include "../internal.h"

typedef enum glob_kind {
    GLOB_KIND_ACTION = 0,   /* Action/NotAction: glob_match_action_reference */
    GLOB_KIND_RESOURCE      /* Resource/NotResource: glob_match_resource_reference */
} glob_kind;

typedef struct glob_input {
    const char *text;       /* the pattern as written (no policy variables);
                               kept, not copied */
    size_t len;
    uint32_t owner;         /* reported when the pattern matches */
} glob_input;

typedef struct glob_set glob_set;

typedef struct glob_stats {
    uint32_t patterns;      /* inputs */
    uint32_t exact;         /* action names without wildcards */
    uint32_t prefix;        /* "vendor:literal*" */
    uint32_t other;         /* checked with the reference matcher after the index */
    uint32_t vendors, entries;
    size_t bytes;           /* arena bytes of the set */
} glob_stats;

/* Compiles the patterns into the arena. Their texts (and precomputed
 * names) are not copied: they must outlive the set, as a policy set's
 * ASTs do. Owners must be < owner_count. Scratch memory comes from the
 * stack (4 KB) when it fits, else from the heap (cold path); the set
 * itself only from the arena. Fails: IAM_E_NOMEM (arena or heap),
 * IAM_E_ARG. */
IAM_INTERNAL iam_status glob_set_compile(iam_arena *arena, glob_kind kind,
                                         const glob_input *inputs, size_t count,
                                         uint32_t owner_count, const glob_set **out);

/* glob_set_compile for Action patterns, plus names ("vendor:Name", no
 * wildcard; an iam_str each) whose complete answer is computed now, so
 * that a request naming one needs a single probe even when only prefix
 * patterns match it (the catalog's actions of a service). Names of
 * vendors the set does not name with prefix patterns are skipped. */
IAM_INTERNAL iam_status glob_set_compile_actions(iam_arena *arena, const glob_input *inputs,
                                                 size_t count, uint32_t owner_count,
                                                 const iam_str *names, size_t name_count,
                                                 const glob_set **out);

/* The set of matching owners as spans of sorted owner lists (the union of
 * the spans; an owner may be in several). Writes up to cap spans and
 * returns how many there are. Allocates nothing; thread-safe. */
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

/* One Resource pattern, prepared: its folded literal part in the arena,
 * its text kept (not copied: it must outlive the pattern, as a policy
 * set's ASTs do). */
typedef enum glob_resource_shape {
    GLOB_RESOURCE_ANY,      /* "*" */
    GLOB_RESOURCE_EXACT,    /* six fields, no wildcard */
    GLOB_RESOURCE_PREFIX,   /* six literal fields, then only '*' */
    GLOB_RESOURCE_GENERAL   /* the reference matcher after the prefix test */
} glob_resource_shape;

typedef struct glob_resource {
    const char *text;       /* the pattern */
    const char *literal;    /* its bytes before the first wildcard, ASCII
                               lower-cased before the fifth colon, zero
                               padded to whole 8-byte words */
    uint32_t len;
    uint32_t literal_len;
    uint32_t fold_len;      /* literal bytes [0, fold_len) ignore case */
    uint8_t shape;          /* glob_resource_shape */
    /* GENERAL patterns of ASCII literals and '*' (most of them: "arn:aws:
     * logs:*:*:log-group:/aws/x*") are decided by glob_star_match, field by
     * field up to the first of the first five fields that ends in '*', then
     * `rest` (the pattern from that field on, padded with ":*" fields) as
     * one glob (spec §2.3.2 item 3). Others go to the reference matcher. */
    bool star_only;
    uint8_t fields;         /* the pattern's fields, 1..6 */
    uint8_t rest_field;     /* that field; 6: none */
    uint32_t rest_len;
    const char *rest;
    uint32_t field[7];      /* where its fields start; field[fields] = len + 1 */
} glob_resource;

/* A request resource, cut at its first five colons on first need and
 * then reused for every pattern it meets. */
typedef struct glob_subject {
    const char *text;
    size_t len;
    int8_t six_fields;      /* -1: not cut yet */
    size_t field[6];        /* where its fields start, when six_fields */
} glob_subject;

static inline void glob_subject_init(glob_subject *subject, const char *text, size_t len)
{
    subject->text = text;
    subject->len = len;
    subject->six_fields = -1;
}

/* False when the arena is full. */
IAM_INTERNAL bool glob_resource_prepare(iam_arena *arena, const char *text, size_t len,
                                        glob_resource *out);

/* Whether glob_star_match can decide pattern p[0, n): ASCII bytes and no
 * '?' (the corpus's "*Tags", most Resource ARNs with '*'). */
IAM_INTERNAL bool glob_star_only(const char *p, size_t n);

/* glob_match_reference for a pattern of ASCII literals and '*' (no '?'),
 * with ASCII case ignored for subject bytes before fold_limit. */
IAM_INTERNAL bool glob_star_match(const char *p, size_t pn, const char *s, size_t sn,
                                  size_t fold_limit);

/* glob_match_resource_reference(p->text, p->len, subject, len), faster. */
IAM_INTERNAL bool glob_resource_match(const glob_resource *p, glob_subject *subject);

#endif /* IAMGATE_CORE_GLOB_GLOB_SET_H */
