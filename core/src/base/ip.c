/* IP addresses and CIDR ranges for IpAddress / NotIpAddress (spec §3.4.6). */
#include "values.h"

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

/* The digit at p (before end) as a number, or 10 when there is none. */
static unsigned digit_at(const unsigned char *p, const unsigned char *end)
{
    unsigned d = p < end ? (unsigned)*p - '0' : 10u;
    return d < 10u ? d : 10u;
}

/* One octet of a dotted quad: 1..3 digits, no leading zero, at most 255;
 * advances *p (a fourth digit is left for the caller to reject). */
static bool read_octet(const unsigned char **p, const unsigned char *end, uint8_t *out)
{
    unsigned v = digit_at(*p, end), d;
    if (v == 10u)
        return false;
    (*p)++;
    if ((d = digit_at(*p, end)) != 10u) {
        if (v == 0)
            return false; /* a leading zero */
        v = v * 10 + d;
        (*p)++;
        if ((d = digit_at(*p, end)) != 10u) {
            v = v * 10 + d;
            (*p)++;
        }
    }
    *out = (uint8_t)v;
    return v <= 255;
}

/* Dotted quad at s[0..n) exactly (spec §9: "010.0.0.1" is ambiguous). */
static bool parse_ipv4(const char *s, size_t n, uint8_t *bytes)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    for (int part = 0; part < 4; part++) {
        if (part > 0 && (p == end || *p++ != '.'))
            return false;
        if (!read_octet(&p, end, &bytes[part]))
            return false;
    }
    return p == end;
}

/* A hex digit's value; 16 for any other byte. */
static unsigned hex_value(char c)
{
    unsigned d = (unsigned)(unsigned char)c - '0';
    if (d < 10u)
        return d;
    unsigned letter = ((unsigned)(unsigned char)c | 0x20u) - 'a'; /* either case */
    return letter < 6u ? letter + 10u : 16u;
}

/* One group of 1..4 hex digits; advances *i past the digits read (up to
 * five, so that a fifth is seen). */
static bool read_group(const char *s, size_t n, size_t *i, unsigned *out)
{
    size_t start = *i;
    unsigned v = 0, h;
    while (*i < n && *i - start < 5 && (h = hex_value(s[*i])) < 16u) {
        v = (v << 4) | h;
        (*i)++;
    }
    *out = v;
    return *i != start && *i - start <= 4;
}

/* The 16-bit groups of an IPv6 address in order, and where the "::" stands. */
typedef struct ipv6_groups {
    uint16_t group[8];
    int count;
    int gap;                        /* the group index of "::", or -1 */
} ipv6_groups;

/* Eight groups, or fewer around a "::" (which stands for one or more). */
static bool groups_complete(const ipv6_groups *g)
{
    return g->gap >= 0 ? g->count <= 7 : g->count == 8;
}

/* A dotted quad ending the address (RFC 4291 §2.2 form 3): two groups. */
static bool read_quad_tail(const char *s, size_t n, ipv6_groups *g)
{
    uint8_t quad[4];
    if (g->count + 2 > 8 || !parse_ipv4(s, n, quad))
        return false;
    g->group[g->count++] = (uint16_t)(quad[0] << 8 | quad[1]);
    g->group[g->count++] = (uint16_t)(quad[2] << 8 | quad[3]);
    return groups_complete(g);
}

/* Groups separated by ':', one "::" at most, a dotted quad allowed last;
 * nothing else (no zone id, no leading or trailing lone ':'). One pass. */
static bool read_groups(const char *s, size_t n, ipv6_groups *g)
{
    size_t i = 0;
    g->count = 0;
    g->gap = -1;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        g->gap = 0;
        i = 2;
    }
    while (i < n) {
        size_t start = i;
        unsigned v;
        bool group = read_group(s, n, &i, &v);
        if (i < n && s[i] == '.')
            return read_quad_tail(s + start, n - start, g);
        if (!group || g->count == 8)
            return false;
        g->group[g->count++] = (uint16_t)v;
        if (i == n)
            break;
        if (s[i] != ':' || ++i == n)
            return false;
        if (s[i] == ':') {
            if (g->gap >= 0)
                return false; /* "::" twice */
            g->gap = g->count;
            i++;
        }
    }
    return groups_complete(g);
}

static bool parse_ipv6(const char *s, size_t n, uint8_t *bytes)
{
    ipv6_groups g;
    if (!read_groups(s, n, &g))
        return false;
    memset(bytes, 0, 16);
    int after_gap = g.gap >= 0 ? g.count - g.gap : 0; /* groups placed at the end */
    for (int k = 0; k < g.count; k++) {
        int at = k < g.count - after_gap ? k : 8 - (g.count - k);
        bytes[2 * at] = (uint8_t)(g.group[k] >> 8);
        bytes[2 * at + 1] = (uint8_t)g.group[k];
    }
    return true;
}

static void clear_host_bits(ip_range *r)
{
    unsigned bits = r->family == 4 ? 32u : 128u;
    for (unsigned b = r->prefix; b < bits; b++)
        r->bytes[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
}

/* An address that is not a dotted quad: IPv6, whose grammar admits no
 * '%' (zone ids fail). */
static bool parse_ipv6_address(const char *s, size_t n, ip_range *out)
{
    out->family = 6;
    out->prefix = 128;
    return parse_ipv6(s, n, out->bytes);
}

/* A dotted quad is tried first: it has no ':', which IPv6 needs. */
static bool parse_address(const char *s, size_t n, ip_range *out)
{
    memset(out, 0, sizeof *out);
    out->family = 4;
    out->prefix = 32;
    return parse_ipv4(s, n, out->bytes) || parse_ipv6_address(s, n, out);
}

/* parse_address written out: a dotted quad, the usual request value,
 * then returns without entering the IPv6 parser's frame. */
bool ip_address_parse(const char *text, size_t len, ip_range *out)
{
    if (text == NULL || len == 0)
        return false;
    memset(out, 0, sizeof *out);
    out->family = 4;
    out->prefix = 32;
    return parse_ipv4(text, len, out->bytes) || parse_ipv6_address(text, len, out);
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

void ip_block_of(const ip_range *range, ip_block *out)
{
    uint8_t mask[16] = {0};
    for (unsigned b = 0; b < range->prefix; b++)
        mask[b / 8] |= (uint8_t)(0x80u >> (b % 8));
    memset(out, 0, sizeof *out);
    memcpy(out->bits, range->bytes, sizeof out->bits);
    memcpy(out->mask, mask, sizeof out->mask);
    out->family = range->family;
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
