/* IP addresses and CIDR ranges for IpAddress / NotIpAddress (spec §3.4.6). */
#include "values.h"

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A decimal 0..max without leading zeros; advances *i. */
static bool read_small_decimal(const char *s, size_t n, size_t *i, unsigned max, unsigned *out)
{
    size_t start = *i;
    unsigned v = 0;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9' && *i - start < 4) {
        v = v * 10 + (unsigned)(s[*i] - '0');
        (*i)++;
    }
    size_t digits = *i - start;
    if (digits == 0 || (digits > 1 && s[start] == '0') || v > max)
        return false;
    *out = v;
    return true;
}

/* Dotted quad at s[0..n) exactly (spec §9: "010.0.0.1" is ambiguous). */
static bool parse_ipv4(const char *s, size_t n, uint8_t *bytes)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v;
        if (part > 0 && (i >= n || s[i++] != '.'))
            return false;
        if (!read_small_decimal(s, n, &i, 255, &v))
            return false;
        bytes[part] = (uint8_t)v;
    }
    return i == n;
}

/* One group of 1..4 hex digits; advances *i. */
static bool read_group(const char *s, size_t n, size_t *i, unsigned *out)
{
    unsigned v = 0;
    size_t start = *i;
    while (*i < n && *i - start < 5 && hex_digit(s[*i]) >= 0)
        v = (v << 4) | (unsigned)hex_digit(s[(*i)++]);
    if (*i == start || *i - start > 4)
        return false;
    *out = v;
    return true;
}

/* Groups of one side of "::" (or of the whole address), with an IPv4 tail
 * allowed at the end; returns the number of 16-bit groups written. */
static int parse_groups(const char *s, size_t n, uint16_t *groups, int max, bool allow_v4)
{
    int count = 0;
    size_t i = 0;
    while (i < n) {
        size_t dot = i;
        while (dot < n && s[dot] != ':' && s[dot] != '.')
            dot++;
        if (allow_v4 && dot < n && s[dot] == '.') {
            uint8_t v4[4];
            if (count + 2 > max || !parse_ipv4(s + i, n - i, v4))
                return -1;
            groups[count++] = (uint16_t)(v4[0] << 8 | v4[1]);
            groups[count++] = (uint16_t)(v4[2] << 8 | v4[3]);
            return count;
        }
        unsigned g;
        if (count == max || !read_group(s, n, &i, &g))
            return -1;
        groups[count++] = (uint16_t)g;
        if (i < n && (s[i] != ':' || ++i == n))
            return -1;
    }
    return count;
}

static bool find_double_colon(const char *s, size_t n, size_t *at)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == ':' && s[i + 1] == ':') {
            *at = i;
            return true;
        }
    return false;
}

static bool parse_ipv6(const char *s, size_t n, uint8_t *bytes)
{
    uint16_t head[8], tail[8];
    size_t dc;
    int h, t = 0;
    if (find_double_colon(s, n, &dc)) {
        size_t again;
        if (find_double_colon(s + dc + 2, n - dc - 2, &again) && again == 0)
            return false; /* ":::" */
        if (find_double_colon(s + dc + 1, n - dc - 1, &again))
            return false; /* "::" twice */
        h = parse_groups(s, dc, head, 7, false);
        t = parse_groups(s + dc + 2, n - dc - 2, tail, 7, true);
        if (h < 0 || t < 0 || h + t > 7)
            return false;
    } else {
        h = parse_groups(s, n, head, 8, true);
        if (h != 8)
            return false;
    }
    memset(bytes, 0, 16);
    for (int g = 0; g < h; g++) {
        bytes[2 * g] = (uint8_t)(head[g] >> 8);
        bytes[2 * g + 1] = (uint8_t)head[g];
    }
    for (int g = 0; g < t; g++) {
        bytes[16 - 2 * (t - g)] = (uint8_t)(tail[g] >> 8);
        bytes[16 - 2 * (t - g) + 1] = (uint8_t)tail[g];
    }
    return true;
}

static void clear_host_bits(ip_range *r)
{
    unsigned bits = r->family == 4 ? 32u : 128u;
    for (unsigned b = r->prefix; b < bits; b++)
        r->bytes[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
}

static bool parse_address(const char *s, size_t n, ip_range *out)
{
    memset(out, 0, sizeof *out);
    if (memchr(s, ':', n) != NULL) {
        out->family = 6;
        out->prefix = 128;
        return memchr(s, '%', n) == NULL && parse_ipv6(s, n, out->bytes);
    }
    out->family = 4;
    out->prefix = 32;
    return parse_ipv4(s, n, out->bytes);
}

bool ip_address_parse(const char *text, size_t len, ip_range *out)
{
    return text != NULL && len > 0 && parse_address(text, len, out);
}

bool ip_range_parse(const char *text, size_t len, ip_range *out)
{
    if (text == NULL || len == 0)
        return false;
    const char *slash = memchr(text, '/', len);
    size_t addr_len = slash ? (size_t)(slash - text) : len;
    if (!parse_address(text, addr_len, out))
        return false;
    if (slash != NULL) {
        size_t i = addr_len + 1;
        unsigned prefix;
        if (!read_small_decimal(text, len, &i, out->family == 4 ? 32u : 128u, &prefix) || i != len)
            return false;
        out->prefix = (uint8_t)prefix;
    }
    clear_host_bits(out);
    return true;
}

bool ip_range_contains(const ip_range *range, const ip_range *addr)
{
    if (range->family != addr->family)
        return false;
    unsigned whole = range->prefix / 8, rest = range->prefix % 8;
    if (memcmp(range->bytes, addr->bytes, whole) != 0)
        return false;
    uint8_t mask = (uint8_t)(0xFF00u >> rest); /* the top `rest` bits */
    return rest == 0 || (range->bytes[whole] & mask) == (addr->bytes[whole] & mask);
}
