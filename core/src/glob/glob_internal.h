/*
 * glob_internal.h — what the compile-time parts of the automaton share:
 * pattern programs (token lists), the subject alphabet and the DFA builder.
 */
#ifndef IAMGATE_CORE_GLOB_GLOB_INTERNAL_H
#define IAMGATE_CORE_GLOB_GLOB_INTERNAL_H

#include "glob_set.h"

/*
 * The subject alphabet: a byte, plus SYMBOL_FOLD when the byte lies where
 * ASCII case is ignored (then the byte is already lower-cased), plus
 * SYMBOL_FIRST_CONTINUATION for a continuation byte that opens the subject
 * or follows a ':' (a code point of its own there; everywhere else it
 * continues one).
 */
#define SYMBOL_FOLD 0x100u
#define SYMBOL_FIRST_CONTINUATION 0x200u
#define SYMBOL_COUNT 0x400u

typedef enum token_kind { TOKEN_LITERAL, TOKEN_ONE, TOKEN_STAR } token_kind;

typedef struct glob_token {
    uint8_t kind;       /* token_kind */
    bool no_colon;      /* '*' or '?' confined to an ARN field */
    uint32_t start;     /* TOKEN_LITERAL: the code point's bytes in text */
    uint32_t len;
} glob_token;

typedef struct glob_program {
    const char *text;
    glob_token *tokens;
    uint32_t count;
    uint32_t stars_from;     /* tokens from here on are all '*' */
    uint32_t any_stars_from; /* ... and all may cross colons */
    uint32_t input;          /* index of the glob_input */
    uint32_t owner;          /* reported when it matches */
} glob_program;

/* Heap-allocated token list of text (for resources: the padded ARN with
 * its field rules). False on allocation failure. */
IAM_INTERNAL bool program_build(glob_program *program, const char *text,
                                size_t len, bool arn_fields, uint32_t input);
IAM_INTERNAL void program_free(glob_program *program);

static inline bool byte_continues(unsigned char b)
{
    return (b & 0xC0u) == 0x80u;
}

/* A transition's flag: the target state reports owners on entry. */
#define DFA_TARGET_EMITS 0x8000u

/* A DFA on the heap, laid out as in the arena (glob_set.c copies it). */
typedef struct dfa_build {
    uint32_t states, classes;
    uint32_t shift;           /* a state's row is 1 << shift entries */
    uint16_t class_of[SYMBOL_COUNT];
    const uint16_t *next;     /* states × rows, padded with 0; state 0 is dead,
                                 1 the start; targets carry DFA_TARGET_EMITS */
    const uint32_t *emit;     /* per state: start, count in owners (on entry) */
    const uint32_t *accept;   /* per state: start, count (if the input ends) */
    const uint32_t *owners;   /* sorted, without repeats, per list */
    size_t owners_len;
} dfa_build;

typedef enum dfa_result { DFA_OK, DFA_TOO_BIG, DFA_NOMEM } dfa_result;

/* Heap memory reused by the constructions of one compile. */
typedef struct dfa_scratch dfa_scratch;

IAM_INTERNAL dfa_scratch *dfa_scratch_create(void);
IAM_INTERNAL void dfa_scratch_free(dfa_scratch *scratch);

/* Starts the constructions over a group's programs: the scratch keeps
 * what it learns about each program until the next group. fold_only: the
 * subject's bytes are all case-folded (SYMBOL_FOLD), as for actions. */
IAM_INTERNAL void dfa_scratch_start_group(dfa_scratch *scratch, const glob_program *programs,
                                          bool fold_only);

/* Builds the DFA of the group's programs [lo, hi), giving up (DFA_TOO_BIG)
 * past max_states states or max_work item steps, which bounds compile
 * time. The result lives in the scratch until its next construction. */
IAM_INTERNAL dfa_result dfa_construct(dfa_scratch *scratch, uint32_t lo, uint32_t hi,
                                      uint32_t max_states, uint64_t max_work, dfa_build *out);

/* Insertion sort, for the short (and mostly sorted) lists of the builders. */
static inline void glob_sort_short_u32(uint32_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

#endif /* IAMGATE_CORE_GLOB_GLOB_INTERNAL_H */
