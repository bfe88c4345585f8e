/* Reference matchers for Action, Resource, StringLike and ArnLike (spec §2,
 * §3.4.1, §3.4.7). Speed is the automaton's job; this file favours code
 * whose correctness can be checked by reading it against the spec. */
#include "glob.h"

/* A pattern as two consecutive pieces: the policy text and, for a short
 * ARN, the ":*" fields that pad it (spec §2.3.4). Padding as a second
 * piece keeps the matchers free of allocation. */
typedef struct glob_pattern {
    const char *head;
    size_t head_len;
    const char *tail;
    size_t tail_len;
    const uint8_t *literal;  /* bit i + literal_base set: head[i] is a literal
                                character (from a policy variable), never a
                                wildcard (spec §4.2.1); NULL: none */
    size_t literal_base;
} glob_pattern;

/* An ARN cut at its first five colons (spec §2.3.1): field i is
 * text[start[i], end[i]); the sixth field, the resource part, keeps any
 * further colons. count is the number of fields found, 1 to 6. */
typedef struct arn_fields {
    size_t start[6];
    size_t end[6];
    size_t count;
} arn_fields;

/* How the fields of an ARN pattern are compared (spec §2.3.2, §3.4.7). */
typedef struct arn_rules {
    bool fold_case;             /* partition..account ignore ASCII case */
    bool pad_short_pattern;     /* §2.3.4: missing fields become "*" */
    bool trailing_star_crosses; /* §2.3.2 item 3, the [DOC] rule */
} arn_rules;

/* Enough ":*" fields to pad a one-field pattern to six. */
static const char arn_padding[] = ":*:*:*:*:*";

static unsigned char pattern_byte(const glob_pattern *pattern, size_t i)
{
    if (i < pattern->head_len)
        return (unsigned char)pattern->head[i];
    return (unsigned char)pattern->tail[i - pattern->head_len];
}

static bool bit_is_set(const uint8_t *bits, size_t i)
{
    return bits != NULL && ((bits[i / 8] >> (i % 8)) & 1u);
}

/* Whether byte i of the pattern is the wildcard c ('*' or '?'). */
static bool is_wildcard(const glob_pattern *pattern, size_t i, unsigned char c)
{
    return pattern_byte(pattern, i) == c &&
           !(i < pattern->head_len && bit_is_set(pattern->literal, pattern->literal_base + i));
}

/* Bytes 10xxxxxx continue a code point; any other byte starts one, so
 * invalid UTF-8 still advances and every byte belongs to a code point. */
static bool byte_is_continuation(unsigned char byte)
{
    return (byte & 0xC0) == 0x80;
}

/* The index just past the code point that starts at i (spec §2.1: '?'
 * is one code point; é takes two bytes, € three). A ':' is always a code
 * point of its own, so that an ARN's fields split into the same code
 * points whether a field is matched alone or as part of the whole. */
static size_t code_point_end(const char *text, size_t len, size_t i)
{
    bool colon = text[i] == ':';
    i++;
    while (!colon && i < len && byte_is_continuation((unsigned char)text[i]))
        i++;
    return i;
}

static bool byte_equals(unsigned char pattern, unsigned char subject,
                        bool fold_case)
{
    if (fold_case)
        return text_lower_ascii(pattern) == text_lower_ascii(subject);
    return pattern == subject;
}

/* The end of the pattern's literal unit at i: the byte and the
 * continuation bytes after it ('*' and '?' are never part of one). */
static size_t pattern_unit_end(const glob_pattern *pattern, size_t i)
{
    size_t len = pattern->head_len + pattern->tail_len;
    bool colon = pattern_byte(pattern, i) == ':';
    i++;
    while (!colon && i < len && byte_is_continuation(pattern_byte(pattern, i)))
        i++;
    return i;
}

/* Whether the pattern's literal unit at `at` equals the subject's code
 * point at `subject_at`, byte for byte (ASCII case folded before
 * fold_limit). Whole units compare, so a literal lead byte never matches
 * half of a code point. */
static bool unit_equals(const glob_pattern *pattern, size_t at, const char *subject,
                        size_t subject_len, size_t subject_at, size_t fold_limit)
{
    size_t pattern_end = pattern_unit_end(pattern, at);
    size_t subject_end = code_point_end(subject, subject_len, subject_at);
    if (pattern_end - at != subject_end - subject_at)
        return false;
    for (size_t k = 0; at + k < pattern_end; k++)
        if (!byte_equals(pattern_byte(pattern, at + k),
                         (unsigned char)subject[subject_at + k],
                         subject_at + k < fold_limit))
            return false;
    return true;
}

/*
 * The two-pointer matcher of spec §2.4, over code points: '*' and '?'
 * consume whole code points of the subject and a literal code point of the
 * pattern must equal one of the subject's. On a mismatch the most recent
 * '*' swallows one more code point and the rest is retried; earlier stars
 * never need revisiting because the text between two stars is best matched
 * at its leftmost place. Subject bytes before fold_limit compare ignoring
 * ASCII case, later ones exactly. Unlike the spec's sketch, '*' is tested
 * before literal equality, so a '*' in the subject cannot hide a wildcard.
 */
static bool glob_run(const glob_pattern *pattern, const char *subject,
                     size_t subject_len, size_t fold_limit)
{
    size_t pattern_len = pattern->head_len + pattern->tail_len;
    size_t at = 0, subject_at = 0;
    size_t star = SIZE_MAX, star_end = 0; /* star swallowed up to star_end */
    while (subject_at < subject_len) {
        bool more = at < pattern_len;
        if (more && is_wildcard(pattern, at, '*')) {
            star = at++;
            star_end = subject_at;
        } else if (more && is_wildcard(pattern, at, '?')) {
            at++;
            subject_at = code_point_end(subject, subject_len, subject_at);
        } else if (more && unit_equals(pattern, at, subject, subject_len, subject_at,
                                       fold_limit)) {
            at = pattern_unit_end(pattern, at);
            subject_at = code_point_end(subject, subject_len, subject_at);
        } else if (star != SIZE_MAX) {
            at = star + 1;
            star_end = code_point_end(subject, subject_len, star_end);
            subject_at = star_end;
        } else {
            return false;
        }
    }
    while (at < pattern_len && is_wildcard(pattern, at, '*'))
        at++;
    return at == pattern_len;
}

bool glob_match_reference(const char *pattern, size_t pattern_len,
                          const char *subject, size_t subject_len,
                          bool fold_case)
{
    return glob_match_literal(pattern, pattern_len, NULL, subject, subject_len, fold_case);
}

bool glob_match_literal(const char *pattern, size_t pattern_len, const uint8_t *literal,
                        const char *subject, size_t subject_len, bool fold_case)
{
    glob_pattern whole = {pattern, pattern_len, "", 0, literal, 0};
    return glob_run(&whole, subject, subject_len, fold_case ? SIZE_MAX : 0);
}

/* The index of the first colon at or after from, or len when none. */
static size_t colon_from(const char *text, size_t len, size_t from)
{
    while (from < len && text[from] != ':')
        from++;
    return from;
}

static bool is_whitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

static bool has_whitespace(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (is_whitespace(text[i]))
            return true;
    return false;
}

/* Vendors compare literally: a wildcard there is a plain character that
 * no real service prefix contains (strict mode, spec §1.8). */
static bool vendor_equals(const char *pattern, size_t pattern_len,
                          const char *vendor, size_t vendor_len)
{
    if (pattern_len != vendor_len)
        return false;
    for (size_t i = 0; i < vendor_len; i++)
        if (!byte_equals((unsigned char)pattern[i], (unsigned char)vendor[i], true))
            return false;
    return true;
}

bool glob_match_action_reference(const char *pattern, size_t pattern_len,
                                 const char *action, size_t action_len)
{
    if (text_equals(pattern, pattern_len, "*"))
        return true;
    size_t colon = colon_from(pattern, pattern_len, 0);
    if (colon == pattern_len || colon_from(pattern, pattern_len, colon + 1) != pattern_len)
        return false; /* zero or several colons: IAM rejects it (§1.8) */
    size_t action_colon = colon_from(action, action_len, 0);
    if (action_colon == action_len)
        return false;
    if (!vendor_equals(pattern, colon, action, action_colon))
        return false;
    const char *name_pattern = pattern + colon + 1;
    size_t name_pattern_len = pattern_len - colon - 1;
    /* [SIM]: such a pattern can never name a real action (§2.2 step 4) */
    if (name_pattern_len == 0 || has_whitespace(name_pattern, name_pattern_len))
        return false;
    return glob_match_reference(name_pattern, name_pattern_len,
                                action + action_colon + 1,
                                action_len - action_colon - 1, true);
}

static void arn_split(const char *text, size_t len, arn_fields *fields)
{
    size_t count = 0, start = 0;
    while (count < 5) {
        size_t colon = colon_from(text, len, start);
        if (colon == len)
            break;
        fields->start[count] = start;
        fields->end[count] = colon;
        start = colon + 1;
        count++;
    }
    fields->start[count] = start;
    fields->end[count] = len;
    fields->count = count + 1;
}

static bool field_ends_in_star(const char *text, const uint8_t *literal,
                               const arn_fields *fields, size_t i)
{
    return fields->end[i] > fields->start[i] && text[fields->end[i] - 1] == '*' &&
           !bit_is_set(literal, fields->end[i] - 1);
}

/* Field i of the pattern against field i of the request, the field alone. */
static bool arn_match_field(const char *pattern, const uint8_t *literal,
                            const arn_fields *pattern_fields,
                            const char *arn, const arn_fields *subject_fields,
                            size_t i, bool fold_case)
{
    size_t pattern_start = pattern_fields->start[i];
    size_t arn_start = subject_fields->start[i];
    glob_pattern field = {pattern + pattern_start, pattern_fields->end[i] - pattern_start,
                          "", 0, literal, pattern_start};
    bool fold = fold_case && i < 5; /* the resource part is exact (§2.3.2) */
    return glob_run(&field, arn + arn_start, subject_fields->end[i] - arn_start,
                    fold ? SIZE_MAX : 0);
}

/* The [DOC] rule: the pattern from field i on (with its padding) against
 * the request from field i on, as one glob. Bytes of the request's first
 * five fields still fold and bytes of its resource part still do not, so
 * a byte's case rule never depends on where a '*' happened to stop. */
static bool arn_match_remainder(const char *pattern, size_t pattern_len,
                                const uint8_t *literal, const arn_fields *pattern_fields,
                                const char *arn, size_t arn_len,
                                const arn_fields *subject_fields, size_t i,
                                bool fold_case)
{
    size_t pattern_start = pattern_fields->start[i];
    size_t arn_start = subject_fields->start[i];
    glob_pattern rest = {pattern + pattern_start, pattern_len - pattern_start,
                         arn_padding, 2 * (6 - pattern_fields->count), literal, pattern_start};
    size_t fold_limit = fold_case ? subject_fields->start[5] - arn_start : 0;
    return glob_run(&rest, arn + arn_start, arn_len - arn_start, fold_limit);
}

/* The segment-wise procedure shared by Resource and ArnLike. */
static bool arn_match(const char *pattern, size_t pattern_len, const uint8_t *literal,
                      const char *arn, size_t arn_len, const arn_rules *rules)
{
    arn_fields pattern_fields, fields;
    arn_split(pattern, pattern_len, &pattern_fields);
    arn_split(arn, arn_len, &fields);
    if (fields.count < 6)
        return false;
    if (pattern_fields.count < 6 && !rules->pad_short_pattern)
        return false;
    for (size_t i = 0; i < pattern_fields.count; i++) {
        if (i < 5 && rules->trailing_star_crosses &&
            field_ends_in_star(pattern, literal, &pattern_fields, i))
            return arn_match_remainder(pattern, pattern_len, literal, &pattern_fields,
                                       arn, arn_len, &fields, i, rules->fold_case);
        if (!arn_match_field(pattern, literal, &pattern_fields, arn, &fields, i,
                             rules->fold_case))
            return false;
    }
    /* Padding fields are "*": each matches its request field whole. */
    return true;
}

bool glob_match_resource_reference(const char *pattern, size_t pattern_len,
                                   const char *resource, size_t resource_len)
{
    return glob_match_resource_literal(pattern, pattern_len, NULL, resource, resource_len);
}

bool glob_match_resource_literal(const char *pattern, size_t pattern_len, const uint8_t *literal,
                                 const char *resource, size_t resource_len)
{
    static const arn_rules identity_resource = {true, true, true};
    if (text_equals(pattern, pattern_len, "*") && !bit_is_set(literal, 0))
        return true;
    /* A wildcard-only action's resource is "*"; only "*" covers it (§2.3.6) */
    if (text_equals(resource, resource_len, "*"))
        return false;
    return arn_match(pattern, pattern_len, literal, resource, resource_len, &identity_resource);
}

bool glob_match_arn_reference(const char *pattern, size_t pattern_len,
                              const char *arn, size_t arn_len)
{
    /* Each field checked separately ([DOC], §2.3.5): no crossing. */
    return glob_match_arn_literal(pattern, pattern_len, NULL, arn, arn_len);
}

bool glob_match_arn_literal(const char *pattern, size_t pattern_len, const uint8_t *literal,
                            const char *arn, size_t arn_len)
{
    static const arn_rules arn_like = {false, false, false};
    return arn_match(pattern, pattern_len, literal, arn, arn_len, &arn_like);
}
