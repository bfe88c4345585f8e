/* Small byte-string helpers shared by the parser and later stages. */
#include "../internal.h"

bool text_equals(const char *a, size_t alen, const char *lit)
{
    size_t n = strlen(lit);
    return alen == n && (n == 0 || memcmp(a, lit, n) == 0);
}

size_t text_edit_distance(iam_str a, iam_str b, size_t limit) /* see internal.h */
{
    enum { MAX = 258 }; /* strings up to 257 bytes */
    size_t diff = a.len > b.len ? a.len - b.len : b.len - a.len;
    if (a.len >= MAX || b.len >= MAX || diff > limit)
        return limit + 1;
    size_t row[MAX];
    for (size_t j = 0; j <= b.len; j++)
        row[j] = j;
    for (size_t i = 1; i <= a.len; i++) {
        size_t diag = row[0], best = row[0] = i;
        for (size_t j = 1; j <= b.len; j++) {
            size_t up = row[j];
            size_t v = diag + (text_lower_ascii((unsigned char)a.ptr[i - 1]) ==
                                 text_lower_ascii((unsigned char)b.ptr[j - 1])
                             ? 0
                             : 1);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > limit)
            return limit + 1;
    }
    return row[b.len] > limit ? limit + 1 : row[b.len];
}
