/*
 * test_glob.c — one vector table (tests/cases/glob/vectors.tsv) run through
 * every glob implementation (STYLE R10), then hostile inputs with exact
 * expected results against the reference. Prints every failure and a
 * summary; never stops early.
 */
#include "test_util.h"
#include "glob/glob.h"
#include "glob/glob_set.h"

#define VECTOR_FILE IAM_SOURCE_DIR "/tests/cases/glob/vectors.tsv"
#define VECTOR_MINIMUM 340

typedef enum vector_kind {
    KIND_GLOB,       /* StringLike: case-sensitive glob (§2.1, §3.4.1) */
    KIND_GLOB_ICASE, /* the same, ASCII case folded (Action names, §2.2) */
    KIND_ACTION,     /* Action element vs "vendor:Name" (§2.2) */
    KIND_RESOURCE,   /* identity-policy Resource element (§2.3) */
    KIND_ARN,        /* ArnLike / ArnEquals (§3.4.7) */
    KIND_COUNT
} vector_kind;

static const char *const kind_names[KIND_COUNT] = {
    "glob", "glob-icase", "action", "resource", "arn",
};

/* A byte range of the vector file. */
typedef struct slice {
    const char *ptr;
    size_t len;
} slice;

typedef struct vector {
    size_t line;
    vector_kind kind;
    slice pattern, subject, spec;
    bool expected;
} vector;

/* One matcher under test: an adapter from a vector kind to its entry
 * points, so an implementation with a compile step fits the same row. */
typedef bool (*match_fn)(vector_kind kind, const char *pattern,
                         size_t pattern_len, const char *subject,
                         size_t subject_len);

typedef struct implementation {
    const char *name;
    match_fn match;
} implementation;

static bool reference_match(vector_kind kind, const char *pattern,
                            size_t pattern_len, const char *subject,
                            size_t subject_len)
{
    switch (kind) {
    case KIND_GLOB:
        return glob_match_reference(pattern, pattern_len, subject, subject_len, false);
    case KIND_GLOB_ICASE:
        return glob_match_reference(pattern, pattern_len, subject, subject_len, true);
    case KIND_ACTION:
        return glob_match_action_reference(pattern, pattern_len, subject, subject_len);
    case KIND_RESOURCE:
        return glob_match_resource_reference(pattern, pattern_len, subject, subject_len);
    case KIND_ARN:
        return glob_match_arn_reference(pattern, pattern_len, subject, subject_len);
    case KIND_COUNT:
        break;
    }
    return false;
}

static unsigned char automaton_memory[1 << 20];

/* The compiled set holding the one pattern (owner 7): the action index or,
 * for resources, the prepared pattern. StringLike and ArnLike are
 * condition operators, matched by the reference in every build: for those
 * kinds the compiled rows repeat the reference. */
static bool automaton_match(vector_kind kind, const char *pattern, size_t pattern_len,
                            const char *subject, size_t subject_len)
{
    if (kind != KIND_ACTION && kind != KIND_RESOURCE)
        return reference_match(kind, pattern, pattern_len, subject, subject_len);
    iam_arena arena;
    iam_arena_init(&arena, automaton_memory, sizeof automaton_memory);
    glob_input input = {pattern, pattern_len, 7};
    const glob_set *set = NULL;
    glob_kind gk = kind == KIND_ACTION ? GLOB_KIND_ACTION : GLOB_KIND_RESOURCE;
    if (glob_set_compile(&arena, gk, &input, 1, 8, &set) != IAM_OK)
        return false;
    uint32_t owners[4];
    size_t n = glob_set_match(set, subject, subject_len, owners, 4);
    return n == 1 && owners[0] == 7;
}

static const implementation implementations[] = {
    {"reference", reference_match},
    {"automaton", automaton_match},
};

#define IMPLEMENTATION_COUNT (sizeof implementations / sizeof implementations[0])

/* The next tab-separated field of [*at, end); false when none is left. */
static bool next_field(const char **at, const char *end, slice *field)
{
    if (*at > end)
        return false;
    const char *tab = memchr(*at, '\t', (size_t)(end - *at));
    const char *stop = tab != NULL ? tab : end;
    field->ptr = *at;
    field->len = (size_t)(stop - *at);
    *at = stop + 1;
    return true;
}

/* The file writes an empty pattern or subject as "" so lines stay visible. */
static slice unquote_empty(slice field)
{
    if (field.len == 2 && field.ptr[0] == '"' && field.ptr[1] == '"')
        field.len = 0;
    return field;
}

static bool slice_equals(slice s, const char *text)
{
    return strlen(text) == s.len && memcmp(s.ptr, text, s.len) == 0;
}

static bool parse_kind(slice field, vector_kind *kind)
{
    for (int k = 0; k < KIND_COUNT; k++) {
        if (slice_equals(field, kind_names[k])) {
            *kind = (vector_kind)k;
            return true;
        }
    }
    return false;
}

static bool parse_expected(slice field, bool *expected)
{
    *expected = slice_equals(field, "match");
    return *expected || slice_equals(field, "nomatch");
}

/* One data line: kind, pattern, subject, expected, spec; nothing more. */
static bool parse_vector(const char *line, size_t len, vector *out)
{
    const char *at = line, *end = line + len;
    slice kind, expected, extra;
    if (!next_field(&at, end, &kind) || !next_field(&at, end, &out->pattern) ||
        !next_field(&at, end, &out->subject) || !next_field(&at, end, &expected) ||
        !next_field(&at, end, &out->spec) || next_field(&at, end, &extra))
        return false;
    out->pattern = unquote_empty(out->pattern);
    out->subject = unquote_empty(out->subject);
    return parse_kind(kind, &out->kind) && parse_expected(expected, &out->expected) &&
           out->spec.len > 0;
}

static void run_vector(const vector *v, size_t kind_counts[KIND_COUNT])
{
    kind_counts[v->kind]++;
    for (size_t i = 0; i < IMPLEMENTATION_COUNT; i++) {
        bool got = implementations[i].match(v->kind, v->pattern.ptr, v->pattern.len,
                                            v->subject.ptr, v->subject.len);
        test_checks++;
        if (got == v->expected)
            continue;
        test_failures++;
        fprintf(stderr, "vector %zu (spec §%.*s): %s '%.*s' vs '%.*s': expected %s, got %s [%s]\n",
                v->line, (int)v->spec.len, v->spec.ptr, kind_names[v->kind],
                (int)v->pattern.len, v->pattern.ptr, (int)v->subject.len,
                v->subject.ptr, v->expected ? "match" : "nomatch",
                got ? "match" : "nomatch", implementations[i].name);
    }
}

/* Handles one line of the file; returns 1 when it held a vector. */
static size_t run_line(const char *line, size_t len, size_t number,
                       size_t kind_counts[KIND_COUNT])
{
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len == 0 || line[0] == '#')
        return 0;
    vector v;
    v.line = number;
    if (!parse_vector(line, len, &v)) {
        test_checks++;
        test_failures++;
        fprintf(stderr, "vector %zu: malformed line '%.*s'\n", number, (int)len, line);
        return 0;
    }
    run_vector(&v, kind_counts);
    return 1;
}

static void run_vector_file(void)
{
    size_t len = 0, count = 0, number = 0;
    size_t kind_counts[KIND_COUNT] = {0};
    char *text = test_read_file(VECTOR_FILE, &len);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    for (const char *line = text; line < text + len;) {
        const char *newline = memchr(line, '\n', (size_t)(text + len - line));
        const char *stop = newline != NULL ? newline : text + len;
        count += run_line(line, (size_t)(stop - line), ++number, kind_counts);
        line = stop + 1;
    }
    printf("%zu vectors:", count);
    for (int k = 0; k < KIND_COUNT; k++)
        printf(" %s %zu%s", kind_names[k], kind_counts[k], k + 1 < KIND_COUNT ? "," : "\n");
    CHECK(count >= VECTOR_MINIMUM);
    free(text);
}

/* ---- hostile inputs (STYLE R9's pathological table) ---- */

/* A heap buffer of prefix followed by count copies of unit. */
static char *repeat(const char *prefix, const char *unit, size_t count, size_t *len)
{
    size_t prefix_len = strlen(prefix), unit_len = strlen(unit);
    *len = prefix_len + unit_len * count;
    char *out = malloc(*len + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, prefix, prefix_len);
    for (size_t i = 0; i < count; i++)
        memcpy(out + prefix_len + i * unit_len, unit, unit_len);
    out[*len] = '\0';
    return out;
}

/*
 * "chime:*X*X...*X" (10,000 pattern bytes after the colon) needs a name
 * that ends in X and holds at least 5,000 X; "XXX...XY" ends in Y, so no
 * match, and with the Y dropped it matches. A trailing '*' accepts the Y.
 */
static void hostile_alternating_action(void)
{
    size_t pattern_len, subject_len;
    char *pattern = repeat("chime:", "*X", 5000, &pattern_len);
    char *subject = repeat("chime:", "X", 10000, &subject_len);
    CHECK(pattern != NULL && subject != NULL);
    if (pattern == NULL || subject == NULL) {
        free(pattern);
        free(subject);
        return;
    }
    CHECK(glob_match_action_reference(pattern, pattern_len, subject, subject_len));
    subject = realloc(subject, subject_len + 2);
    CHECK(subject != NULL);
    if (subject != NULL) {
        subject[subject_len++] = 'Y';
        CHECK(!glob_match_action_reference(pattern, pattern_len, subject, subject_len));
        CHECK(!glob_match_reference(pattern, pattern_len, subject, subject_len, true));
        pattern[pattern_len - 1] = '*'; /* "...*X**" */
        CHECK(glob_match_action_reference(pattern, pattern_len, subject, subject_len));
    }
    free(pattern);
    free(subject);
}

/* A 64 KiB S3 ARN whose resource part is 'k' or, with colons, "k:k:...". */
static char *long_arn(bool colons, size_t *len)
{
    char *arn = repeat("arn:aws:s3:::", colons ? "k:" : "kk", 32768, len);
    if (arn != NULL) {
        *len = 65536; /* drop the surplus of the 13-byte prefix */
        arn[*len] = '\0';
    }
    return arn;
}

/*
 * "*?*?...*?" (1,000 pairs) matches any text of at least 1,000 code points.
 * As an ARN pattern it has one field: padded for Resource, its only field
 * must match "arn" (3 code points) and fails; ArnLike needs six fields.
 */
static void hostile_star_question(void)
{
    size_t pattern_len, arn_len, s3_len, cross_len;
    char *pattern = repeat("", "*?", 1000, &pattern_len);
    char *s3_pattern = repeat("arn:aws:s3:::", "*?", 1000, &s3_len);
    char *cross = repeat("arn:aws:s3:", "?*", 1000, &cross_len);
    char *arn = long_arn(false, &arn_len);
    CHECK(pattern != NULL && s3_pattern != NULL && cross != NULL && arn != NULL);
    if (pattern != NULL && s3_pattern != NULL && cross != NULL && arn != NULL) {
        CHECK(glob_match_reference(pattern, pattern_len, arn, arn_len, false));
        CHECK(!glob_match_reference(pattern, pattern_len, arn, 999, false));
        CHECK(glob_match_reference(pattern, pattern_len, arn, 1000, false));
        CHECK(!glob_match_resource_reference(pattern, pattern_len, arn, arn_len));
        CHECK(!glob_match_arn_reference(pattern, pattern_len, arn, arn_len));
        CHECK(glob_match_resource_reference(s3_pattern, s3_len, arn, arn_len));
        CHECK(glob_match_arn_reference(s3_pattern, s3_len, arn, arn_len));
        /* Region "?*?*...?*" ends in '*' and crosses (§2.3.2 item 3): with
         * its padding it needs 1,000 code points and then two colons, which
         * "::kkk..." lacks and "::k:k:k..." has. */
        CHECK(!glob_match_resource_reference(cross, cross_len, arn, arn_len));
        free(arn);
        arn = long_arn(true, &arn_len);
        CHECK(arn != NULL);
        if (arn != NULL)
            CHECK(glob_match_resource_reference(cross, cross_len, arn, arn_len));
    }
    free(pattern);
    free(s3_pattern);
    free(cross);
    free(arn);
}

/* "a*a*...*b" (5,000 stars) against 64 KiB of 'a': no 'b', no match; with
 * the last byte made 'b' there are enough a's (5,000) before it. */
static void hostile_many_stars(void)
{
    size_t pattern_len, subject_len;
    char *pattern = repeat("a", "*a", 5000, &pattern_len);
    char *subject = repeat("", "a", 65536, &subject_len);
    CHECK(pattern != NULL && subject != NULL);
    if (pattern != NULL && subject != NULL) {
        pattern[pattern_len - 1] = 'b';
        CHECK(!glob_match_reference(pattern, pattern_len, subject, subject_len, false));
        CHECK(!glob_match_reference(pattern, pattern_len, subject, subject_len, true));
        subject[subject_len - 1] = 'b';
        CHECK(glob_match_reference(pattern, pattern_len, subject, subject_len, false));
        CHECK(!glob_match_reference(pattern, pattern_len, subject, 5000, false));
    }
    free(pattern);
    free(subject);
}

/* Inputs the vector file cannot hold: control whitespace, NUL bytes. */
static void unprintable_inputs(void)
{
    static const char *const spaced[] = {
        "chime:Get\tUser", "chime:Get\rUser", "chime:GetUser\n",
        "chime:\fGetUser", "chime:Get\vUser", "chime:*\t",
    };
    for (size_t i = 0; i < sizeof spaced / sizeof spaced[0]; i++)
        CHECK(!glob_match_action_reference(spaced[i], strlen(spaced[i]),
                                           "chime:GetUser", 13));
    CHECK(glob_match_reference("a\0*", 3, "a\0bc", 4, false));
    CHECK(!glob_match_reference("a\0", 2, "a", 1, false));
    CHECK(!glob_match_reference("a", 1, "a\0", 2, false));
    CHECK(glob_match_reference("?", 1, "\0", 1, false));
    CHECK(!glob_match_action_reference("chime:Get\0", 10, "chime:Get", 9));
}

int main(void)
{
    run_vector_file();
    hostile_alternating_action();
    hostile_star_question();
    hostile_many_stars();
    unprintable_inputs();
    return test_summary("test_glob");
}
