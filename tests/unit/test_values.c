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

int main(void)
{
    test_numbers();
    test_dates();
    test_bools();
    test_base64();
    test_ips();
    return test_summary("values");
}
