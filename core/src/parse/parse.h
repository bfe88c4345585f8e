/*
 * parse.h — private interface of the policy parser (JSON tokens → AST).
 *
 * Stage 1 of IAM's validation (grammar) happens during the walk and stops at
 * the first violation. Checks of the later stages (spec §1.13) are noted
 * during the same walk, keeping the first in document order per stage; once
 * the walk succeeds, the lowest noted stage is the error.
 */
#ifndef IAMGATE_CORE_PARSE_PARSE_H
#define IAMGATE_CORE_PARSE_PARSE_H

#include "../internal.h"
#include "../json/json.h"

#define PARSE_STAGES 9

typedef struct stage_note {
    iam_status code;   /* IAM_OK when nothing noted */
    uint32_t offset;
} stage_note;

/* Open-addressing table for duplicate-key and Sid checks; owned by the
 * parser so that it never allocates once warm. */
typedef struct dup_table {
    uint32_t *slots;   /* token index + 1; 0 = empty */
    size_t capacity;   /* a power of two */
} dup_table;

typedef struct parse_ctx {
    iam_arena *arena;
    const json_doc *doc;
    const json_token *tokens;  /* doc->tokens */
    const char *src;
    size_t len;
    const iam_parse_options *options;
    iam_limits limits;
    dup_table *dups;
    const iam_statement *statements; /* for the Sid check */
    uint32_t statements_seen;
    uint32_t version_offset;   /* of the Version value, or the root '{' */
    /* the last well-formed action whose colon is in its first 16 bytes
     * (parse_checks.c): its text and the bits below its colon, or
     * UINT32_MAX for none */
    const char *vendor_text;
    uint32_t vendor_bits;
    stage_note notes[PARSE_STAGES];
    /* the stage-1 failure */
    iam_status code;
    uint32_t token;
} parse_ctx;

static inline const json_token *ctx_token(const parse_ctx *ctx, uint32_t i)
{
    return &ctx->tokens[i];
}

/* Whether text[0..len) is the literal lit (inlined, so that the compiler
 * folds strlen of the literal and the comparison). */
static inline bool bytes_are(const char *text, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len == n && memcmp(text, lit, n) == 0;
}

static inline bool token_is(const json_token *t, const char *lit)
{
    return bytes_are(t->text, t->len, lit);
}

static inline void *parse_alloc(parse_ctx *ctx, size_t size, size_t align)
{
    return arena_alloc(ctx->arena, size, align);
}

/* Strings up to this long are copied as one fixed-size block. */
#define PARSE_COPY_BLOCK 32
_Static_assert(PARSE_COPY_BLOCK <= JSON_TEXT_PADDING, "the block may pass the text");

/* arena_copy_bytes inlined for the hot path (strings need no alignment);
 * the rare cases (empty, or not enough room) take the real one. bytes is a
 * token's text: readable JSON_TEXT_PADDING bytes past its end. */
static inline const char *parse_copy_bytes(parse_ctx *ctx, const char *bytes, size_t len)
{
    iam_arena *a = ctx->arena;
    if (len == 0 || a->base == NULL || len > a->cap - a->used)
        return arena_copy_bytes(a, bytes, len);
    char *p = (char *)a->base + a->used;
    size_t room = a->cap - a->used;
    a->used += len;
    if (a->used > a->high_water)
        a->high_water = a->used;
    /* A short string is copied as a whole block when the arena has room:
     * the bytes past it are not handed out yet, and the fixed size makes
     * the copy a few moves instead of a call. */
    if (len <= PARSE_COPY_BLOCK && room >= PARSE_COPY_BLOCK)
        memcpy(p, bytes, PARSE_COPY_BLOCK);
    else
        memcpy(p, bytes, len);
    return p;
}

/* Records a stage-1 failure at token i; always returns false. */
IAM_INTERNAL bool parse_fail(parse_ctx *ctx, iam_status code, uint32_t token);
/* A failure for a value of the wrong JSON type (IAM_E_NULL for null). */
IAM_INTERNAL bool parse_fail_type(parse_ctx *ctx, uint32_t token);
/* Notes a later-stage violation at a byte offset. */
IAM_INTERNAL void parse_note(parse_ctx *ctx, iam_status code, uint32_t offset);
/* Out of arena: a stage-1 failure at the document start. */
IAM_INTERNAL bool parse_out_of_memory(parse_ctx *ctx);

/* parse_first_duplicate for objects of two members or more. */
IAM_INTERNAL uint32_t parse_first_duplicate_of(parse_ctx *ctx, uint32_t object);

/* The first key of an object that repeats an earlier one (its second
 * occurrence), or 0. Callers fail when their walk reaches it, so that
 * errors earlier in the text win. */
static inline uint32_t parse_first_duplicate(parse_ctx *ctx, uint32_t object)
{
    return ctx_token(ctx, object)->len < 2 ? 0 : parse_first_duplicate_of(ctx, object);
}

/* Copies a string or scalar token into an iam_value (spec §1.10.1). */
static inline bool parse_value(parse_ctx *ctx, uint32_t token, iam_value *out)
{
    const json_token *t = ctx_token(ctx, token);
    out->offset = t->offset;
    switch (t->kind) {
    case JSON_STRING: out->type = IAM_VALUE_STRING; break;
    case JSON_NUMBER: out->type = IAM_VALUE_NUMBER; break;
    case JSON_TRUE:
    case JSON_FALSE: out->type = IAM_VALUE_BOOL; break;
    default: return parse_fail_type(ctx, token);
    }
    out->text.len = t->len;
    out->text.ptr = parse_copy_bytes(ctx, t->text, t->len);
    return out->text.ptr != NULL || parse_out_of_memory(ctx);
}
/* A string or an array of strings (Resource in resource policies,
 * principal values): parse_checked_list without a check. */
IAM_INTERNAL bool parse_string_list(parse_ctx *ctx, uint32_t token,
                                    iam_value_list *out);
/* Action/NotAction and Resource/NotResource lists, each string checked for
 * the later stages as it is copied (parse_checks.c). */
IAM_INTERNAL bool parse_action_list(parse_ctx *ctx, uint32_t token, iam_value_list *out);
IAM_INTERNAL bool parse_resource_list(parse_ctx *ctx, uint32_t token, iam_value_list *out);

/* For small functions on the hot path that the compiler might not inline
 * through a function pointer. */
#if defined(__GNUC__)
#define PARSE_HOT_INLINE static inline __attribute__((always_inline))
#else
#define PARSE_HOT_INLINE static inline
#endif

/* A later-stage check of one string of a list: a token's text (readable
 * JSON_TEXT_PADDING bytes past the end) and its value's offset. */
typedef void (*string_check_fn)(parse_ctx *ctx, const char *text, size_t len, uint32_t offset);

/* Arena bytes past the copied texts that a list copy may overwrite (they
 * are not handed out yet): texts up to this long are copied in blocks. */
#define LIST_COPY_SLACK 64
_Static_assert(LIST_COPY_SLACK - 32 <= JSON_TEXT_PADDING,
               "a 64-byte block reads at most 32 bytes past a text of 33 or more");

/* Copies text[0..len) to dst writing at most LIST_COPY_SLACK bytes past
 * its end: fixed-size blocks are a few moves instead of a call. */
static inline void copy_text(char *dst, const char *text, size_t len)
{
    if (len <= 32)
        memcpy(dst, text, 32);
    else if (len <= 64)
        memcpy(dst, text, 64);
    else
        memcpy(dst, text, len);
}

/* Where the items of a list of n >= 1 strings from token e go when the
 * arena surely holds them, their texts and the copy slack, else NULL. The
 * texts lie apart in the source after the first's offset and decoding
 * never grows one, so they need at most len - offset bytes. */
static inline iam_value *list_room(const parse_ctx *ctx, uint32_t e, uint32_t n)
{
    const iam_arena *a = ctx->arena;
    if (a->base == NULL)
        return NULL;
    size_t pad = (size_t)(-((uintptr_t)a->base + a->used) & (_Alignof(iam_value) - 1));
    size_t need = pad + (size_t)n * sizeof(iam_value) +
                  (ctx->len - ctx_token(ctx, e)->offset) + LIST_COPY_SLACK;
    return need <= a->cap - a->used ? (iam_value *)(void *)(a->base + a->used + pad) : NULL;
}

/* Copies n string tokens from e into items (at the arena's end, room
 * checked by list_room) and their texts after them: the same arena bytes
 * and values as parse_list_items. Checks each string with check (if not
 * NULL). Fails at the first non-string. */
PARSE_HOT_INLINE bool copy_string_run(parse_ctx *ctx, uint32_t e, uint32_t n, iam_value *items,
                                      string_check_fn check)
{
    iam_arena *a = ctx->arena;
    const json_token *first = ctx_token(ctx, e);
    char *dst = (char *)(items + n);
    uint32_t i = 0;
    for (; i < n && first[i].kind == JSON_STRING; i++) {
        /* read before the copy, which may alias them for the compiler */
        const json_token *t = &first[i];
        const char *text = t->text;
        size_t len = t->len;
        uint32_t offset = t->offset;
        items[i].text.ptr = len != 0 ? dst : "";
        items[i].text.len = len;
        items[i].offset = offset;
        items[i].type = IAM_VALUE_STRING;
        copy_text(dst, text, len);
        dst += len;
        if (check != NULL)
            check(ctx, text, len, offset);
    }
    a->used = (size_t)((unsigned char *)dst - a->base);
    if (a->used > a->high_water)
        a->high_water = a->used;
    return i == n || parse_fail_type(ctx, e + i);
}

/* The items of a list of n strings from token e, one parse_value each
 * (for empty lists and arenas that may run out), each checked with check
 * (if not NULL) once all are copied (parser.c). */
IAM_INTERNAL bool parse_list_items(parse_ctx *ctx, uint32_t e, uint32_t n, iam_value_list *out,
                                   string_check_fn check);

/* A string or an array of strings, each string checked with check (if not
 * NULL) once it is copied. Inlined, so that the check is too. */
PARSE_HOT_INLINE bool parse_checked_list(parse_ctx *ctx, uint32_t token, iam_value_list *out,
                                         string_check_fn check)
{
    const json_token *t = ctx_token(ctx, token);
    out->present = true;
    out->offset = t->offset;
    out->is_array = t->kind == JSON_ARRAY;
    if (t->kind != JSON_ARRAY && t->kind != JSON_STRING)
        return parse_fail_type(ctx, token);
    uint32_t n = out->is_array ? t->len : 1;
    uint32_t e = out->is_array ? token + 1 : token;
    iam_value *items = n != 0 ? list_room(ctx, e, n) : NULL;
    if (items == NULL) /* an empty list, or an arena that may run out */
        return parse_list_items(ctx, e, n, out, check);
    if (!copy_string_run(ctx, e, n, items, check))
        return false;
    out->items = items;
    out->count = n;
    return true;
}

/* The whole document (parse_policy.c). */
IAM_INTERNAL bool parse_policy(parse_ctx *ctx, iam_policy **out);
/* A statement object into *out (parse_statement.c). */
IAM_INTERNAL bool parse_statement(parse_ctx *ctx, uint32_t token,
                                  iam_statement *out);
/* A Condition block (parse_condition.c). */
IAM_INTERNAL bool parse_condition_block(parse_ctx *ctx, uint32_t token,
                                        iam_statement *out);
/* The Sid uniqueness check over all statements (stage 4). */
IAM_INTERNAL void parse_check_sids(parse_ctx *ctx, const iam_policy *policy);

/* Later-stage checks of single strings (parse_checks.c). */
/* A Sid string token (its text may be read past the end). */
IAM_INTERNAL void check_sid(parse_ctx *ctx, const json_token *sid);
IAM_INTERNAL void check_date_value(parse_ctx *ctx, const iam_value *value);

/* Condition operator names (parse_condition.c). */
typedef struct operator_name {
    iam_condition_op op;
    iam_set_qualifier qualifier;
    bool if_exists;
} operator_name;
/* Splits "ForAnyValue:StringLikeIfExists"; false if the base is unknown. */
IAM_INTERNAL bool operator_parse(const char *text, size_t len, operator_name *out);

#endif /* IAMGATE_CORE_PARSE_PARSE_H */
