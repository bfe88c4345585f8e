/* Base64 for BinaryEquals (spec §3.4.5): RFC 4648 standard alphabet,
 * padding required, compared after decoding without allocating. */
#include "values.h"

static int sextet(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decodes quantum q (4 characters) into out; returns its byte count, or -1. */
static int decode_quantum(const char *s, size_t len, size_t q, uint8_t out[3])
{
    const char *c = s + 4 * q;
    bool last = 4 * q + 4 == len;
    int pad = (c[3] == '=') + (c[2] == '=' && c[3] == '=');
    if (pad > 0 && !last)
        return -1;
    int v[4];
    for (int i = 0; i < 4 - pad; i++)
        if ((v[i] = sextet(c[i])) < 0)
            return -1;
    for (int i = 4 - pad; i < 4; i++)
        v[i] = 0;
    uint32_t bits = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
    out[0] = (uint8_t)(bits >> 16);
    out[1] = (uint8_t)(bits >> 8);
    out[2] = (uint8_t)bits;
    return 3 - pad;
}

bool base64_valid(const char *text, size_t len)
{
    if (len % 4 != 0)
        return false;
    uint8_t bytes[3];
    for (size_t q = 0; q < len / 4; q++)
        if (decode_quantum(text, len, q, bytes) < 0)
            return false;
    return true;
}

bool base64_decoded_equal(const char *a, size_t a_len, const char *b, size_t b_len)
{
    if (!base64_valid(a, a_len) || !base64_valid(b, b_len) || a_len != b_len)
        return false; /* same decoded length needs the same padded length */
    for (size_t q = 0; q < a_len / 4; q++) {
        uint8_t x[3], y[3];
        int nx = decode_quantum(a, a_len, q, x), ny = decode_quantum(b, b_len, q, y);
        if (nx != ny || memcmp(x, y, (size_t)nx) != 0)
            return false;
    }
    return true;
}
