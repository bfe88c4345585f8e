/* Checks of single strings for IAM's later validation stages (spec §1.6,
 * §1.8, §1.9, §1.10): they are noted, not failed, so the lowest stage wins. */
#include "parse.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__SSE2__)
/* ---- 16-byte blocks ---- */

/* Bit i set where byte i of the 16 at p is ':'. */
static unsigned colon_mask16(__m128i block)
{
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(':')));
}

/* Bits for bytes x with x - low <= span (unsigned, per byte). */
static __m128i in_range16(__m128i block, char low, char span)
{
    __m128i d = _mm_sub_epi8(block, _mm_set1_epi8(low));
    return _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span)), d);
}

/* Bit i set where byte i of the 16 at p is not a vendor byte (vendor_char
 * over 16 bytes at once). */
static unsigned non_vendor_mask16(__m128i block)
{
    __m128i letter = in_range16(_mm_or_si128(block, _mm_set1_epi8(0x20)), 'a', 25);
    __m128i digit = in_range16(block, '0', 9);
    __m128i dash_dot = in_range16(block, '-', 1); /* '-' and '.' */
    __m128i ok = _mm_or_si128(letter, _mm_or_si128(digit, dash_dot));
    return (unsigned)_mm_movemask_epi8(ok) ^ 0xFFFFu;
}

/* The bits of a 16-byte block that lie inside text[0..len), the block
 * starting at byte i. */
static unsigned inside16(size_t i, size_t len)
{
    return len - i >= 16 ? 0xFFFFu : (1u << (len - i)) - 1u;
}

static __m128i load16(const char *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}
#endif

static bool has_wildcard(const char *text, size_t len)
{
    return memchr(text, '*', len) != NULL || memchr(text, '?', len) != NULL;
}

/* A resource split at its first five colons (an ARN's field separators). */
typedef struct arn_split {
    const char *text;
    size_t len;
    size_t at[5];    /* offsets of the first `colons` colons */
    unsigned colons; /* how many, at most 5 */
} arn_split;

#if defined(__SSE2__)
/* text_arn_colons for 5 colons, 16 bytes at a time; text may be read
 * JSON_TEXT_PADDING bytes past its end. */
static unsigned arn_colons(const char *text, size_t len, size_t at[5])
{
    unsigned found = 0;
    for (size_t i = 0; i < len && found < 5; i += 16) {
        unsigned m = colon_mask16(load16(text + i)) & inside16(i, len);
        for (; m != 0 && found < 5; m &= m - 1u)
            at[found++] = i + (size_t)__builtin_ctz(m);
    }
    return found;
}
#else
static unsigned arn_colons(const char *text, size_t len, size_t at[5])
{
    return text_arn_colons(text, len, at, 5);
}
#endif

/* text is a token's: readable JSON_TEXT_PADDING bytes past its end. */
static arn_split arn_split_of(const char *text, size_t len)
{
    arn_split a;
    a.text = text;
    a.len = len;
    a.colons = arn_colons(text, len, a.at);
    return a;
}

/* Field i (0 to 4) of the ARN; false when it has fewer than i colons. */
static bool arn_field(const arn_split *a, unsigned i, const char **start, size_t *flen)
{
    if (i > a->colons)
        return false;
    size_t b = i == 0 ? 0 : a->at[i - 1] + 1;
    size_t e = i < a->colons ? a->at[i] : a->len;
    *start = a->text + b;
    *flen = e - b;
    return true;
}

static bool arn_field_is(const arn_split *a, unsigned i, const char *lit)
{
    const char *f;
    size_t flen;
    return arn_field(a, i, &f, &flen) && bytes_are(f, flen, lit);
}

/* Fewer than five colons yet "::" somewhere: every colon is then known. */
static bool short_with_double_colon(const arn_split *a)
{
    if (a->colons >= 5)
        return false;
    for (unsigned c = 1; c < a->colons; c++)
        if (a->at[c] == a->at[c - 1] + 1)
            return true;
    return false;
}

/* The resource part (after the fifth colon) of an IAM ARN must name one of
 * IAM's resource types (spec §1.9). The spec's list (from IAM's validator)
 * misses types that AWS's own managed policies and the Service Authorization
 * Reference use: root, assumed-role/, delegation-request/, role-template/. */
static bool iam_path_valid(const arn_split *a)
{
    static const char *const prefixes[] = {
        "user/", "federated-user/", "role/", "group/", "instance-profile/",
        "mfa/", "server-certificate/", "policy/", "sms-mfa/", "saml-provider/",
        "oidc-provider/", "report/", "access-report/", "assumed-role/",
        "delegation-request/", "role-template/",
    };
    const char *part = "";
    size_t plen = 0;
    if (a->colons == 5) {
        part = a->text + a->at[4] + 1;
        plen = a->len - (a->at[4] + 1);
    }
    if (bytes_are(part, plen, "*") || bytes_are(part, plen, "root"))
        return true;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (plen >= n && memcmp(part, prefixes[i], n) == 0)
            return true;
    }
    return false;
}

/* An S3 bucket or object ARN: these have no account. Regional S3 resources
 * (access points, jobs, Storage Lens) have one and may name a region, as AWS
 * managed policies do. */
static bool s3_bucket_arn(const arn_split *a)
{
    const char *account;
    size_t alen;
    return arn_field_is(a, 2, "s3") && (!arn_field(a, 4, &account, &alen) || alen == 0);
}

/* The first resource-format message IAM gives (stage 7), or IAM_OK. */
static iam_status resource_format(const arn_split *a)
{
    const char *f;
    size_t flen;
    if (a->colons == 0)
        return IAM_E_RESOURCE_FORMAT;
    arn_field(a, 1, &f, &flen);
    if (!bytes_are(f, flen, "aws") && !has_wildcard(f, flen))
        return IAM_E_RESOURCE_PARTITION;
    if (a->colons < 2)
        return IAM_E_RESOURCE_VENDOR;
    bool iam = arn_field_is(a, 2, "iam");
    if (iam || s3_bucket_arn(a)) {
        /* IAM's check: the text after the service must start with ':' */
        if (!arn_field(a, 3, &f, &flen) || flen != 0)
            return IAM_E_RESOURCE_REGION;
    }
    if (iam && !iam_path_valid(a))
        return IAM_E_RESOURCE_IAM_PATH;
    return IAM_OK;
}

#if defined(__SSE2__)
/* Whether a resource is "arn:aws:SERVICE:..." with at least five colons,
 * the third in its first 32 bytes, and a service other than iam and s3:
 * resource_format and the short-ARN check then find nothing (the most
 * common shape, checked without splitting). text may be read
 * JSON_TEXT_PADDING bytes past its end. */
static inline bool plain_arn(const char *text, size_t len)
{
    if (len < 16 || memcmp(text, "arn:aws:", 8) != 0)
        return false;
    uint32_t colons = (colon_mask16(load16(text)) | colon_mask16(load16(text + 16)) << 16) &
                      (len >= 32 ? 0xFFFFFFFFu : ((uint32_t)1 << len) - 1u);
    uint32_t after_partition = colons & ~0xFFu;
    if (after_partition == 0)
        return false;
    size_t service_end = (size_t)__builtin_ctz(after_partition);
    const char *service = text + 8;
    if (bytes_are(service, service_end - 8, "iam") || bytes_are(service, service_end - 8, "s3"))
        return false;
    /* five colons: clear the first four, a block must have one more */
    unsigned clear = 4;
    for (size_t i = 32;; i += 16) {
        for (; colons != 0 && clear != 0; clear--)
            colons &= colons - 1u;
        if (colons != 0)
            return true;
        if (i >= len)
            return false;
        colons = colon_mask16(load16(text + i)) & inside16(i, len);
    }
}
#else
static bool plain_arn(const char *text, size_t len)
{
    (void)text;
    (void)len;
    return false;
}
#endif

/* The checks of a resource split at its colons. */
static void check_resource_split(parse_ctx *ctx, const char *text, size_t len, uint32_t offset)
{
    arn_split a = arn_split_of(text, len);
    if (short_with_double_colon(&a))
        parse_note(ctx, IAM_E_SHORT_ARN, offset);
    iam_status format = resource_format(&a);
    if (format != IAM_OK)
        parse_note(ctx, format, offset);
}

/* A Resource string (a token's text: it may be read past the end); the
 * common shapes are checked in the list's loop. */
PARSE_HOT_INLINE void check_resource(parse_ctx *ctx, const char *text, size_t len,
                                     uint32_t offset)
{
    if ((len == 1 && text[0] == '*') || plain_arn(text, len))
        return;
    check_resource_split(ctx, text, len, offset);
}

bool parse_resource_list(parse_ctx *ctx, uint32_t token, iam_value_list *out)
{
    return parse_checked_list(ctx, token, out, check_resource);
}

/* ASCII letters and digits; letters first, as they are the most common. */
static bool alnum_char(char c)
{
    unsigned char u = (unsigned char)c;
    return (unsigned)((u | 0x20u) - 'a') < 26u || (unsigned)(u - '0') < 10u;
}

static bool vendor_char(char c)
{
    return alnum_char(c) || c == '-' || c == '.';
}

static size_t count_colons(const char *text, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == ':';
    return n;
}

/* The first action-format message (stage 8), or IAM_OK: no colon, more
 * than one, or a vendor (the text before the colon) with a bad byte. */
static iam_status action_format_bytewise(const char *text, size_t len)
{
    size_t colons = count_colons(text, len);
    if (colons != 1)
        return colons == 0 ? IAM_E_ACTION_NO_VENDOR : IAM_E_ACTION_COLONS;
    for (size_t i = 0; text[i] != ':'; i++)
        if (!vendor_char(text[i]))
            return IAM_E_ACTION_VENDOR;
    return IAM_OK;
}

#if defined(__SSE2__)
/* Actions up to this long (98% of those in AWS's managed policies) are
 * checked in blocks, without a loop over their bytes. */
#define ACTION_BLOCK_BYTES 48
_Static_assert(ACTION_BLOCK_BYTES <= JSON_TEXT_PADDING, "the blocks may pass the end");

/* The check of a colon mask (bit i: byte i is ':') and the non-vendor
 * bytes below it, for the action_format_bytewise verdict. */
static iam_status action_verdict(uint64_t colons, uint64_t non_vendor)
{
    if (colons == 0)
        return IAM_E_ACTION_NO_VENDOR;
    if ((colons & (colons - 1u)) != 0)
        return IAM_E_ACTION_COLONS;
    return (non_vendor & (colons - 1u)) != 0 ? IAM_E_ACTION_VENDOR : IAM_OK;
}

/* Whether the vendor below the colon mask `vendor` (bits below the colon,
 * all in the first block b0) is the one of the last action found well
 * formed: its bytes then need no classification (actions of one vendor
 * come in runs). */
static inline bool vendor_seen(const parse_ctx *ctx, __m128i b0, uint64_t vendor)
{
    if (vendor != ctx->vendor_bits)
        return false;
    unsigned same = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b0, load16(ctx->vendor_text)));
    return (~same & vendor) == 0;
}

/* action_format_bytewise without a loop over the bytes; text may be read
 * JSON_TEXT_PADDING bytes past its end. Only the vendor's blocks are
 * classified (most vendors are shorter than 16 bytes), and not at all when
 * it is the vendor of the last well-formed action; longer actions take the
 * bytewise way. */
static inline iam_status action_format(parse_ctx *ctx, const char *text, size_t len)
{
    if (len > ACTION_BLOCK_BYTES)
        return action_format_bytewise(text, len);
    __m128i b0 = load16(text), b1 = load16(text + 16), b2 = load16(text + 32);
    uint64_t colons = (colon_mask16(b0) | (uint64_t)colon_mask16(b1) << 16 |
                       (uint64_t)colon_mask16(b2) << 32) &
                      (((uint64_t)1 << len) - 1u);
    if (colons <= 0xFFFFu) { /* at most one colon, in the first block */
        uint64_t vendor = colons - 1u;
        if (colons != 0 && vendor_seen(ctx, b0, vendor))
            return IAM_OK;
        iam_status verdict = action_verdict(colons, non_vendor_mask16(b0));
        if (verdict == IAM_OK) {
            ctx->vendor_text = text;
            ctx->vendor_bits = (uint32_t)vendor;
        }
        return verdict;
    }
    uint64_t non_vendor = non_vendor_mask16(b0) | (uint64_t)non_vendor_mask16(b1) << 16 |
                          (uint64_t)non_vendor_mask16(b2) << 32;
    return action_verdict(colons, non_vendor);
}
#else
static iam_status action_format(parse_ctx *ctx, const char *text, size_t len)
{
    (void)ctx;
    return action_format_bytewise(text, len);
}
#endif

/* An Action/NotAction string (a token's text: it may be read past the
 * end). */
PARSE_HOT_INLINE void check_action(parse_ctx *ctx, const char *text, size_t len, uint32_t offset)
{
    if (len == 1 && text[0] == '*')
        return;
    iam_status format = action_format(ctx, text, len);
    if (format != IAM_OK)
        parse_note(ctx, format, offset);
}

bool parse_action_list(parse_ctx *ctx, uint32_t token, iam_value_list *out)
{
    return parse_checked_list(ctx, token, out, check_action);
}

#if defined(__SSE2__)
/* Bit i set where byte i of the block is not an ASCII letter or digit. */
static unsigned non_alnum_mask16(__m128i block)
{
    __m128i letter = in_range16(_mm_or_si128(block, _mm_set1_epi8(0x20)), 'a', 25);
    __m128i ok = _mm_or_si128(letter, in_range16(block, '0', 9));
    return (unsigned)_mm_movemask_epi8(ok) ^ 0xFFFFu;
}

/* Whether text[0..len) is all ASCII letters and digits, 16 bytes at a
 * time (two blocks without a loop up to 32 bytes, most Sids); text may be
 * read JSON_TEXT_PADDING bytes past its end. */
static bool all_alnum(const char *text, size_t len)
{
    if (len <= 32) {
        uint32_t bad = non_alnum_mask16(load16(text)) |
                       non_alnum_mask16(load16(text + 16)) << 16;
        return (bad & (uint32_t)(((uint64_t)1 << len) - 1u)) == 0;
    }
    for (size_t i = 0; i < len; i += 16)
        if ((non_alnum_mask16(load16(text + i)) & inside16(i, len)) != 0)
            return false;
    return true;
}
#else
static bool all_alnum(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!alnum_char(text[i]))
            return false;
    return true;
}
#endif

void check_sid(parse_ctx *ctx, const json_token *sid)
{
    if (!all_alnum(sid->text, sid->len))
        parse_note(ctx, IAM_E_SID_CHARS, sid->offset);
}

/* IAM's write-time rule for epoch values: an integer 0 .. 2^63-1 (spec
 * §1.10), wider than what evaluation can represent in milliseconds. */
static bool epoch_valid_at_write(const char *text, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(text[i] - '0');
        if (v > (uint64_t)INT64_MAX || i >= 19)
            return false;
    }
    return len > 0;
}

void check_date_value(parse_ctx *ctx, const iam_value *value)
{
    date_instant when;
    if (value->type == IAM_VALUE_BOOL)
        parse_note(ctx, IAM_E_DATE_VALUE, value->offset);
    else if (!epoch_valid_at_write(value->text.ptr, value->text.len) &&
             !date_parse(value->text.ptr, value->text.len, &when))
        parse_note(ctx, IAM_E_DATE_VALUE, value->offset);
}
