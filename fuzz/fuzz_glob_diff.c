/*
 * fuzz_glob_diff.c — differential target: the compiled automaton against
 * the reference matchers (spec §2), aborting on any difference.
 * Byte 0: bit 0 picks Action or Resource patterns, bit 1 also tries each
 * subject with the case of its ASCII letters swapped, bit 2 a tiny arena
 * (so out-of-memory paths run). The rest is split at '\n': every piece is a
 * pattern (owner = its index) and also, in turn, a subject.
 */
#include "glob/glob.h"
#include "glob/glob_set.h"

#include <stdlib.h>

#define MAX_INPUT 4096
#define MAX_PIECES 24

static unsigned char arena_memory[4u << 20];

static void require(int ok)
{
    if (!ok)
        abort();
}

static size_t split_pieces(const char *s, size_t n, glob_input *pieces)
{
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= n && count < MAX_PIECES; i++) {
        if (i == n || s[i] == '\n') {
            glob_input in = {s + start, i - start, (uint32_t)count};
            pieces[count++] = in;
            start = i + 1;
        }
    }
    return count;
}

static bool reference(glob_kind kind, const glob_input *p, const char *s, size_t n)
{
    return kind == GLOB_KIND_ACTION ? glob_match_action_reference(p->text, p->len, s, n)
                                    : glob_match_resource_reference(p->text, p->len, s, n);
}

static void compare(const glob_set *set, glob_kind kind, const glob_input *pieces, size_t count,
                    const char *subject, size_t len)
{
    uint32_t owners[4 * MAX_PIECES];
    size_t n = glob_set_match(set, subject, len, owners, 4 * MAX_PIECES);
    require(n <= 4 * MAX_PIECES);
    bool seen[MAX_PIECES] = {false};
    for (size_t i = 0; i < n; i++) {
        require(owners[i] < count);
        seen[owners[i]] = true;
    }
    for (size_t p = 0; p < count; p++)
        require(seen[p] == reference(kind, &pieces[p], subject, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT)
        return 0;
    glob_kind kind = (data[0] & 1) ? GLOB_KIND_RESOURCE : GLOB_KIND_ACTION;
    size_t cap = (data[0] & 4) ? 2048 : sizeof arena_memory;
    glob_input pieces[MAX_PIECES];
    size_t count = split_pieces((const char *)data + 1, size - 1, pieces);
    iam_arena arena;
    iam_arena_init(&arena, arena_memory, cap);
    const glob_set *set = NULL;
    iam_status s = glob_set_compile(&arena, kind, pieces, count, (uint32_t)count, &set);
    if (s == IAM_E_NOMEM) {
        require(set == NULL && arena.used == 0);
        return 0;
    }
    require(s == IAM_OK && set != NULL && arena.used <= cap);
    static char swapped[MAX_INPUT];
    for (size_t i = 0; i < count; i++) {
        compare(set, kind, pieces, count, pieces[i].text, pieces[i].len);
        if ((data[0] & 2) == 0)
            continue;
        for (size_t k = 0; k < pieces[i].len; k++) {
            char c = pieces[i].text[k];
            bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            swapped[k] = letter ? (char)(c ^ 0x20) : c;
        }
        compare(set, kind, pieces, count, swapped, pieces[i].len);
    }
    return 0;
}
