/* Small byte-string helpers shared by the parser and later stages. */
#include "../internal.h"

bool text_equals(const char *a, size_t alen, const char *lit)
{
    size_t n = strlen(lit);
    return alen == n && (n == 0 || memcmp(a, lit, n) == 0);
}
