/* Exact decimals for Numeric operators (spec §3.4.2) and booleans (§3.4.4). */
#include "values.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool decimal_parse(const char *s, size_t n, decimal *out)
{
    size_t i = 0;
    out->negative = n > 0 && s[0] == '-';
    i += out->negative;
    size_t int_start = i;
    while (i < n && is_digit(s[i]))
        i++;
    if (i == int_start)
        return false;
    size_t int_end = i, frac_start = i, frac_end = i;
    if (i < n && s[i] == '.') {
        frac_start = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == frac_start)
            return false;
        frac_end = i;
    }
    if (i != n)
        return false; /* exponents, spaces, anything else */
    while (int_start < int_end && s[int_start] == '0')
        int_start++;
    while (frac_end > frac_start && s[frac_end - 1] == '0')
        frac_end--;
    out->integer = s + int_start;
    out->integer_len = int_end - int_start;
    out->fraction = s + frac_start;
    out->fraction_len = frac_end - frac_start;
    if (out->integer_len == 0 && out->fraction_len == 0)
        out->negative = false; /* -0 is 0 */
    return true;
}

/* Magnitudes: longer integer part wins, then digit by digit. */
static int magnitude_compare(const decimal *a, const decimal *b)
{
    if (a->integer_len != b->integer_len)
        return a->integer_len < b->integer_len ? -1 : 1;
    int c = a->integer_len ? memcmp(a->integer, b->integer, a->integer_len) : 0;
    if (c != 0)
        return c < 0 ? -1 : 1;
    size_t n = a->fraction_len < b->fraction_len ? a->fraction_len : b->fraction_len;
    c = n ? memcmp(a->fraction, b->fraction, n) : 0;
    if (c != 0)
        return c < 0 ? -1 : 1;
    if (a->fraction_len != b->fraction_len)
        return a->fraction_len < b->fraction_len ? -1 : 1;
    return 0;
}

int decimal_compare(const decimal *a, const decimal *b)
{
    if (a->negative != b->negative)
        return a->negative ? -1 : 1;
    int m = magnitude_compare(a, b);
    return a->negative ? -m : m;
}

/* Four bytes as a word, in memory order. */
static uint32_t word4(const char *s)
{
    uint32_t x;
    memcpy(&x, s, 4);
    return x;
}

/* Setting the 0x20 bit of a letter gives its lower case, and of no other
 * byte a lower-case letter: so a word so set equals "true" or "fals" only
 * when its bytes spell it in some case. */
bool bool_parse(const char *text, size_t len, bool *out)
{
    const uint32_t case_bits = 0x20202020u;
    if (len == 4 && (word4(text) | case_bits) == word4("true")) {
        *out = true;
        return true;
    }
    if (len == 5 && (word4(text) | case_bits) == word4("fals") && (text[4] | 0x20) == 'e') {
        *out = false;
        return true;
    }
    return false;
}
