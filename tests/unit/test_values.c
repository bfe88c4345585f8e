/*
 * test_values.c — the typed value parsers of condition operators, with
 * expectations from the spec: exact decimals (§3.4.2), dates (§3.4.3, §9),
 * booleans (§3.4.4), base64 (§3.4.5), IP addresses and ranges (§3.4.6, §9).
 */
#include "test_util.h"
#include "base/values.h"

static int cmp(const char *a, const char *b)
{
    decimal x, y;
    if (!decimal_parse(a, strlen(a), &x) || !decimal_parse(b, strlen(b), &y))
        return 99;
    return decimal_compare(&x, &y);
}

static bool number_ok(const char *s)
{
    decimal d;
    return decimal_parse(s, strlen(s), &d);
}

static void test_numbers(void)
{
    /* §3.4.2 grammar: -?digits(.digits)? and nothing else */
    static const char *const good[] = {"0", "-0", "10", "10.50", "007", "3600", "-1.5",
                                       "123456789012345678901234567890.000000000000000001"};
    static const char *const bad[] = {"", "-", "+1", "1.", ".5", "1e3", "0x10", " 1", "1 ", "10abc",
                                      "1,000", "--1", "1.2.3", "NaN", "Infinity"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        CHECK(number_ok(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!number_ok(bad[i]));
    /* exact comparison, any precision */
    CHECK_EQ_INT(cmp("10.50", "10.5"), 0);
    CHECK_EQ_INT(cmp("007", "7"), 0);
    CHECK_EQ_INT(cmp("-0", "0"), 0);
    CHECK_EQ_INT(cmp("0.0", "-0.000"), 0);
    CHECK_EQ_INT(cmp("3599", "3600"), -1);
    CHECK_EQ_INT(cmp("3600.0000001", "3600"), 1);
    CHECK_EQ_INT(cmp("-2", "-10"), 1);
    CHECK_EQ_INT(cmp("-10.5", "-10.25"), -1);
    CHECK_EQ_INT(cmp("100", "99.999"), 1);
    CHECK_EQ_INT(cmp("9007199254740993", "9007199254740992"), 1); /* beyond double precision */
    CHECK_EQ_INT(cmp("0.1", "0.10000000000000000001"), -1);
}

static bool date_is(const char *s, int64_t millis)
{
    date_instant d;
    return date_parse(s, strlen(s), &d) && d.millis == millis;
}

static bool date_bad(const char *s)
{
    date_instant d;
    return !date_parse(s, strlen(s), &d);
}

static void test_dates(void)
{
    /* §3.4.3: epoch seconds; all digits is never a year */
    CHECK(date_is("0", 0));
    CHECK(date_is("1700000000", 1700000000000));
    CHECK(date_is("2024", 2024000));
    /* W3C forms; missing parts default to the start of the period, UTC */
    CHECK(date_is("2024-01", 1704067200000));
    CHECK(date_is("2024-01-01", 1704067200000));
    CHECK(date_is("2024-01-01T00:00Z", 1704067200000));
    CHECK(date_is("2024-01-01T00:00:00Z", 1704067200000));
    CHECK(date_is("2024-01-01T00:00:00.5Z", 1704067200500));
    CHECK(date_is("2024-01-01t00:00:00z", 1704067200000));       /* IAM accepts t/z */
    CHECK(date_is("2024-01-01T02:00:00+02:00", 1704067200000));  /* offsets */
    CHECK(date_is("2023-12-31T19:00:00-05", 1704067200000));     /* ±hh */
    CHECK(date_is("2024-01-01T00:00:00", 1704067200000));        /* zone-less: UTC */
    CHECK(date_is("2024-02-29", 1709164800000));                 /* leap day */
    CHECK(date_is("1970-01-01T00:00:00.123456789Z", 123));       /* 9 fraction digits */
    /* §3.4.3 and §9 failures */
    static const char *const bad[] = {"", "soon", "2024-13-01", "2023-02-29", "2024-01-32",
                                      "2024-01-01T24:00Z", "2024-01-01T00:60Z", "2024-01-01T00:00:60Z",
                                      "2024-01-01T00:00:00.1234567890Z", "2024-01-01T00:00+1",
                                      "24-01-01", "2024/01/01", "2024-1-1", "-1", "1.5",
                                      "9223372036854775807", "2024-01-01T00:00:00ZZ", "2024-01-01 00:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(date_bad(bad[i]));
}

/* The full "YYYY-MM-DDThh:mm:ssZ" form (RFC 3339 §5.6), which requests
 * usually send; expectations are POSIX times (RFC 3339 §5.7, Gregorian). */
static void test_utc_seconds(void)
{
    CHECK(date_is("2026-06-01T12:00:00Z", 1780315200000));
    CHECK(date_is("2026-12-31T23:59:59Z", 1798761599000));
    CHECK(date_is("1970-01-01T00:00:01Z", 1000));
    CHECK(date_is("1969-12-31T23:59:59Z", -1000));             /* before the epoch */
    CHECK(date_is("2024-02-29T23:59:59Z", 1709251199000));     /* leap year */
    CHECK(date_is("2000-02-29T00:00:00Z", 951782400000));      /* divisible by 400: leap */
    CHECK(date_is("0000-01-01T00:00:00Z", -62167219200000));   /* year 0 (ISO 8601: 1 BC) */
    CHECK(date_is("0000-02-29T00:00:00Z", -62162121600000));   /* a leap year */
    CHECK(date_is("0000-03-01T00:00:00Z", -62162035200000));
    CHECK(date_is("1999-12-31T23:59:59Z", 946684799000));
    CHECK(date_is("2100-03-01T00:00:00Z", 4107542400000));     /* 2100 is not leap */
    CHECK(date_is("9999-12-31T23:59:59Z", 253402300799000));
    CHECK(date_is("2026-06-01t12:00:00z", 1780315200000));     /* same length, lower case */
    static const char *const bad[] = {"1900-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
                                      "2024-00-10T00:00:00Z", "2024-13-10T00:00:00Z", "2024-01-00T00:00:00Z",
                                      "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z",
                                      "2024-01-0aT00:00:00Z", "2024-01-01T00:00:0/Z", "2024-01-01T00:00:0:Z",
                                      "2024-01-01T00:00:00+", "2024-01-01 00:00:00Z", "2024/01/01T00:00:00Z",
                                      "2024-01-01T00-00:00Z", "-024-01-01T00:00:00Z", "2024-01-01T00:00:00ZZ",
                                      "2100-02-29T00:00:00Z", "2024-01-01T00:00:00\xda",
                                      "\xb2" "024-01-01T00:00:00Z", "2024-01-01T00:00:\xb0" "0Z", "2024-01-01T00:00:00 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(date_bad(bad[i]));
}

static void test_bools(void)
{
    bool v = false;
    CHECK(bool_parse("true", 4, &v) && v);
    CHECK(bool_parse("TRUE", 4, &v) && v);
    CHECK(bool_parse("False", 5, &v) && !v);
    CHECK(!bool_parse("yes", 3, &v));
    CHECK(!bool_parse("1", 1, &v));
    CHECK(!bool_parse("true ", 5, &v));
    CHECK(!bool_parse("", 0, &v));
    CHECK(bool_parse("tRuE", 4, &v) && v);
    CHECK(bool_parse("FALSE", 5, &v) && !v);
    CHECK(!bool_parse("fals", 4, &v));
    CHECK(!bool_parse("truee", 5, &v));
    CHECK(!bool_parse("4rue", 4, &v));       /* '4' is 't' without the 0x40 bit */
    CHECK(!bool_parse("f@lse", 5, &v));      /* '@' | 0x20 is '`', not 'a' */
    CHECK(!bool_parse("\xd4rue", 4, &v));    /* 0xD4 | 0x20 is not 't' */
    CHECK(!bool_parse("true\0", 5, &v));
}

static void test_base64(void)
{
    CHECK(base64_valid("QUJD", 4));               /* "ABC" */
    CHECK(base64_valid("QUI=", 4));               /* "AB" */
    CHECK(base64_valid("QQ==", 4));               /* "A" */
    CHECK(base64_valid("", 0));
    CHECK(!base64_valid("QQ", 2));                /* padding required */
    CHECK(!base64_valid("Q===", 4));
    CHECK(!base64_valid("QU=J", 4));
    CHECK(!base64_valid("QUJD-_==", 8));          /* URL alphabet is not standard */
    CHECK(!base64_valid("QQ==QUJD", 8));          /* padding only at the end */
    CHECK(base64_decoded_equal("QUJD", 4, "QUJD", 4));
    CHECK(!base64_decoded_equal("QUJD", 4, "QUJE", 4));
    CHECK(!base64_decoded_equal("QQ==", 4, "QUI=", 4));
}

static bool in_range(const char *range, const char *addr)
{
    ip_range r, a;
    return ip_range_parse(range, strlen(range), &r) && ip_address_parse(addr, strlen(addr), &a) &&
           ip_range_contains(&r, &a);
}

static bool range_ok(const char *s)
{
    ip_range r;
    return ip_range_parse(s, strlen(s), &r);
}

static void test_ips(void)
{
    CHECK(in_range("203.0.113.0/24", "203.0.113.7"));
    CHECK(!in_range("203.0.113.0/24", "203.0.114.7"));
    CHECK(in_range("203.0.113.7/24", "203.0.113.200"));  /* host bits ignored */
    CHECK(in_range("203.0.113.7", "203.0.113.7"));       /* no prefix: /32 */
    CHECK(!in_range("203.0.113.7", "203.0.113.8"));
    CHECK(in_range("0.0.0.0/0", "198.51.100.1"));
    CHECK(in_range("2001:db8::/32", "2001:DB8:0:0:0:0:0:1"));  /* numeric, any case */
    CHECK(in_range("2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001"));
    CHECK(!in_range("2001:db8::/32", "2001:db9::1"));
    CHECK(in_range("::ffff:203.0.113.0/120", "::ffff:203.0.113.9"));   /* embedded IPv4 */
    CHECK(!in_range("203.0.113.0/24", "::ffff:203.0.113.9"));  /* no unmapping (OPEN, §3.4.6) */
    CHECK(!in_range("::/0", "203.0.113.9"));                   /* never across families */
    CHECK(in_range("::/0", "::1"));
    static const char *const bad[] = {"", "010.0.0.1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33",
                                      "1.2.3.4/08", "1.2.3.4/", "fe80::1%eth0", "2001:db8::/129",
                                      "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "12345::", "g::1",
                                      "1.2.3.4 ", " 1.2.3.4", "1:2:3:4:5:6:7:8::"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!range_ok(bad[i]));
    static const char *const good[] = {"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
                                       "::ffff:1.2.3.4", "0.0.0.0", "10.0.0.0/8", "2001:db8::/0"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        CHECK(range_ok(good[i]));
    ip_range a;
    CHECK(!ip_address_parse("10.0.0.0/8", 10, &a));   /* a request value has no prefix */
}

static bool address_is(const char *text, int family, const uint8_t *bytes)
{
    ip_range a;
    return ip_address_parse(text, strlen(text), &a) && a.family == family &&
           a.prefix == (family == 4 ? 32 : 128) && memcmp(a.bytes, bytes, family == 4 ? 4 : 16) == 0;
}

static bool address_ok(const char *s)
{
    ip_range a;
    return ip_address_parse(s, strlen(s), &a);
}

/* Dotted quads (spec §3.4.6, §9) and the IPv6 text forms of RFC 4291 §2.2. */
static void test_address_forms(void)
{
    static const uint8_t v4[] = {203, 0, 113, 7}, zeros[4] = {0}, ones[] = {255, 255, 255, 255};
    CHECK(address_is("203.0.113.7", 4, v4));
    CHECK(address_is("0.0.0.0", 4, zeros));
    CHECK(address_is("255.255.255.255", 4, ones));
    static const uint8_t doc[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    CHECK(address_is("2001:db8::1", 6, doc));
    CHECK(address_is("2001:DB8:0:0:0:0:0:1", 6, doc));
    CHECK(address_is("2001:0db8:0000:0000:0000:0000:0000:0001", 6, doc));
    static const uint8_t none[16] = {0}, loop[16] = {[15] = 1}, head[16] = {0, 1};
    CHECK(address_is("::", 6, none));
    CHECK(address_is("::1", 6, loop));
    CHECK(address_is("1::", 6, head));
    static const uint8_t ends[16] = {0, 1, [14] = 0, [15] = 8};
    CHECK(address_is("1::8", 6, ends));
    static const uint8_t seven[16] = {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0};
    CHECK(address_is("1:2:3:4:5:6:7::", 6, seven));
    static const uint8_t late[16] = {0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7};
    CHECK(address_is("::1:2:3:4:5:6:7", 6, late));
    static const uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, [12] = 192, [13] = 0, [14] = 2, [15] = 128};
    CHECK(address_is("::ffff:192.0.2.128", 6, mapped));
    static const uint8_t quad8[16] = {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4};
    CHECK(address_is("1:2:3:4:5:6:1.2.3.4", 6, quad8));
    static const uint8_t abcd[16] = {0xab, 0xcd, 0xef, 0x01};
    CHECK(address_is("ABCD:EF01::", 6, abcd));
    static const char *const bad[] = {
        "", "1", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.00",
        "1234.1.1.1", "1.1.1.1000", "256.0.0.0", "1.2.3.-4", "1.2.3.4 ", "a.b.c.d",
        ":", ":::", "1:::2", "1::2::3", "::1::", ":1::", "1::2:", "1:", ":1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
        "12345::", "::12345", "g::1", "1:2:3:4:5:6:7:1.2.3.4", "::1:2:3:4:5:6:1.2.3.4",
        "::1.2.3.4:5", "1.2.3.4::", "::01.2.3.4", "::1.2.3", "::ffff:1.2.3.4.5", "fe80::1%eth0",
        "::%1", "1::/64"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!address_ok(bad[i]));
}

/* A compiled range tests like the range: at and around each prefix length. */
static void test_ip_blocks(void)
{
    static const char *const ranges[] = {"0.0.0.0/0", "203.0.113.0/24", "203.0.113.128/25", "10.0.0.0/7",
                                         "198.51.100.7", "::/0", "2001:db8::/32", "2001:db8::/63",
                                         "2001:db8:0:1::/64", "2001:db8::1:0/65", "2001:db8::1/127", "::1"};
    static const char *const addrs[] = {"203.0.113.7", "203.0.113.200", "203.0.114.1", "10.1.2.3", "11.0.0.1",
                                        "12.0.0.1", "198.51.100.7", "198.51.100.6", "2001:db8::1",
                                        "2001:db8:0:1::1", "2001:db8:0:0:8000::", "2001:db8::", "2001:db9::1",
                                        "::1", "::", "::ffff:203.0.113.7"};
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        ip_range range;
        ip_block block;
        CHECK(ip_range_parse(ranges[r], strlen(ranges[r]), &range));
        ip_block_of(&range, &block);
        for (size_t a = 0; a < sizeof addrs / sizeof addrs[0]; a++) {
            ip_range addr;
            CHECK(ip_address_parse(addrs[a], strlen(addrs[a]), &addr));
            CHECK(ip_block_contains(&block, &addr) == ip_range_contains(&range, &addr));
        }
    }
    CHECK(in_range("2001:db8::/63", "2001:db8:0:1::1"));
    CHECK(!in_range("2001:db8::/64", "2001:db8:0:1::1"));
    CHECK(in_range("2001:db8::1:0/65", "2001:db8::7fff:0:0"));
    CHECK(!in_range("2001:db8::1:0/65", "2001:db8:0:0:8000::"));
    CHECK(in_range("10.0.0.0/7", "11.255.0.1"));
    CHECK(!in_range("10.0.0.0/7", "12.0.0.1"));
}

int main(void)
{
    test_numbers();
    test_dates();
    test_utc_seconds();
    test_bools();
    test_base64();
    test_ips();
    test_address_forms();
    test_ip_blocks();
    return test_summary("values");
}
