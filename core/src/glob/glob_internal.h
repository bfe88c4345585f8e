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

/* A DFA on the heap, before it is copied into the arena. */
typedef struct dfa_build {
    uint32_t states, classes;
    uint16_t class_of[SYMBOL_COUNT];
    uint16_t *next;           /* states × classes; state 0 is dead */
    uint32_t *emit_start;     /* per state: programs reported on entry */
    uint32_t *emit_count;
    uint32_t *accept_start;   /* per state: programs matched if input ends */
    uint32_t *accept_count;
    uint32_t *lists;          /* program indexes (into the group) */
    size_t lists_len;
} dfa_build;

typedef enum dfa_result { DFA_OK, DFA_TOO_BIG, DFA_NOMEM } dfa_result;

/* Builds the DFA of programs[0..count), giving up (DFA_TOO_BIG) past
 * max_states states or max_work item steps, which bounds compile time. */
IAM_INTERNAL dfa_result dfa_construct(const glob_program *programs, uint32_t count,
                                      uint32_t max_states, uint64_t max_work, dfa_build *out);
IAM_INTERNAL void dfa_build_free(dfa_build *dfa);

#endif /* IAMGATE_CORE_GLOB_GLOB_INTERNAL_H */
