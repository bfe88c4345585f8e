/*
 * values.h — typed condition values (spec §3.4): exact decimals, IP
 * addresses and ranges, base64 and booleans. Each parser takes
 * (pointer, length), allocates nothing and rejects anything outside its
 * grammar; the evaluator turns a failure into "no match" (spec §3.8).
 * Dates are in internal.h (date_parse).
 */
#ifndef IAMGATE_CORE_BASE_VALUES_H
#define IAMGATE_CORE_BASE_VALUES_H

#include "../internal.h"

/* A decimal as written (spec §3.4.2: -?digits(.digits)?), compared
 * exactly: no rounding, any length. Digits point into the parsed text. */
typedef struct decimal {
    bool negative;
    const char *integer;   /* without leading zeros (may be empty: zero) */
    size_t integer_len;
    const char *fraction;  /* without trailing zeros (may be empty) */
    size_t fraction_len;
} decimal;

IAM_INTERNAL bool decimal_parse(const char *text, size_t len, decimal *out);
/* -1, 0 or 1 as a < b, a == b, a > b (-0 equals 0). */
IAM_INTERNAL int decimal_compare(const decimal *a, const decimal *b);

/* An IPv4 or IPv6 address with a prefix length (spec §3.4.6, §9): no
 * prefix means /32 or /128; host bits beyond the prefix are cleared. */
typedef struct ip_range {
    uint8_t family;        /* 4 or 6 */
    uint8_t prefix;        /* 0..32 or 0..128 */
    uint8_t bytes[16];     /* IPv4 in the first 4 */
} ip_range;

/* A policy value: an address with an optional "/prefix". Rejects leading
 * zeros in IPv4 octets and prefixes, prefixes over 32/128, zone ids. */
IAM_INTERNAL bool ip_range_parse(const char *text, size_t len, ip_range *out);
/* A request value: an address alone. */
IAM_INTERNAL bool ip_address_parse(const char *text, size_t len, ip_range *out);
/* Whether addr lies in range (never across families: spec §3.4.6). */
IAM_INTERNAL bool ip_range_contains(const ip_range *range, const ip_range *addr);

/* A range prepared for ip_block_contains: its bytes and its prefix's mask
 * as two 64-bit words each, in memory order (the evaluator tests each
 * request address against compiled ranges this way). */
typedef struct ip_block {
    uint64_t bits[2];
    uint64_t mask[2];
    uint8_t family;
} ip_block;

IAM_INTERNAL void ip_block_of(const ip_range *range, ip_block *out);

/* The same answer as ip_range_contains for the block's range. */
static inline bool ip_block_contains(const ip_block *block, const ip_range *addr)
{
    uint64_t a[2];
    memcpy(a, addr->bytes, sizeof a);
    return block->family == addr->family &&
           (((a[0] ^ block->bits[0]) & block->mask[0]) | ((a[1] ^ block->bits[1]) & block->mask[1])) == 0;
}

/* Base64 (RFC 4648 standard alphabet, padding required): whether text is
 * valid, and whether two valid texts decode to the same bytes. */
IAM_INTERNAL bool base64_valid(const char *text, size_t len);
IAM_INTERNAL bool base64_decoded_equal(const char *a, size_t a_len, const char *b, size_t b_len);

/* "true" / "false" in any case (spec §3.4.4); false when neither. */
IAM_INTERNAL bool bool_parse(const char *text, size_t len, bool *out);

#endif /* IAMGATE_CORE_BASE_VALUES_H */
