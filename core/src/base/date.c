/* Date values of condition operators (spec §3.4.3, §9): epoch seconds or the
 * W3C profile of ISO 8601 with IAM's write-time extras. */
#include "../internal.h"

typedef struct date_cursor {
    const char *s;
    size_t len;
    size_t pos;
} date_cursor;

/* Exactly n digits at the cursor. */
static bool read_digits(date_cursor *c, size_t n, int *out)
{
    if (c->len - c->pos < n)
        return false;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = c->s[c->pos + i];
        if (ch < '0' || ch > '9')
            return false;
        v = v * 10 + (ch - '0');
    }
    c->pos += n;
    *out = v;
    return true;
}

static bool accept_char(date_cursor *c, char a, char b)
{
    if (c->pos < c->len && (c->s[c->pos] == a || c->s[c->pos] == b)) {
        c->pos++;
        return true;
    }
    return false;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool parse_epoch(const char *s, size_t len, date_instant *out)
{
    const int64_t max_seconds = INT64_MAX / 1000; /* keep milliseconds in range */
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        int digit = s[i] - '0';
        if (v > (max_seconds - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    out->millis = v * 1000;
    out->nanos = 0;
    return true;
}

/* Optional ".fffffffff" (1 to 9 digits): nanoseconds of the second. */
static bool parse_fraction(date_cursor *c, int64_t *nanos)
{
    *nanos = 0;
    if (!accept_char(c, '.', '.'))
        return true;
    size_t digits = 0;
    while (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9' && digits < 10) {
        *nanos = *nanos * 10 + (c->s[c->pos++] - '0');
        digits++;
    }
    if (digits == 0 || digits > 9)
        return false;
    for (; digits < 9; digits++)
        *nanos *= 10;
    return true;
}

/* Optional zone designator: Z, z, +hh, +hh:mm (or -). Seconds east of UTC. */
static bool parse_zone(date_cursor *c, int64_t *offset_seconds)
{
    *offset_seconds = 0;
    if (c->pos == c->len || accept_char(c, 'Z', 'z'))
        return true;
    int sign = c->s[c->pos] == '-' ? -1 : 1;
    if (!accept_char(c, '+', '-'))
        return false;
    int hh = 0, mm = 0;
    if (!read_digits(c, 2, &hh) || hh > 23)
        return false;
    if (accept_char(c, ':', ':') && (!read_digits(c, 2, &mm) || mm > 59))
        return false;
    *offset_seconds = sign * (hh * 3600 + mm * 60);
    return true;
}

/* Optional "Thh:mm[:ss[.f]]TZD": seconds and nanoseconds into the day. */
static bool parse_time(date_cursor *c, int64_t *seconds, int64_t *nanos)
{
    *seconds = 0;
    *nanos = 0;
    if (!accept_char(c, 'T', 't'))
        return c->pos == c->len;
    int hh = 0, mi = 0, ss = 0;
    if (!read_digits(c, 2, &hh) || hh > 23 || !accept_char(c, ':', ':') ||
        !read_digits(c, 2, &mi) || mi > 59)
        return false;
    if (accept_char(c, ':', ':')) {
        if (!read_digits(c, 2, &ss) || ss > 59 || !parse_fraction(c, nanos))
            return false;
    }
    int64_t zone = 0;
    if (!parse_zone(c, &zone))
        return false;
    *seconds = hh * 3600 + mi * 60 + ss - zone;
    return c->pos == c->len;
}

static bool parse_iso(const char *s, size_t len, date_instant *out)
{
    date_cursor c = {s, len, 0};
    int y = 0, m = 1, d = 1;
    if (!read_digits(&c, 4, &y))
        return false;
    if (accept_char(&c, '-', '-')) {
        if (!read_digits(&c, 2, &m) || m < 1 || m > 12)
            return false;
        if (accept_char(&c, '-', '-') &&
            (!read_digits(&c, 2, &d) || d < 1 || d > days_in_month(y, m)))
            return false;
    }
    int64_t seconds = 0, nanos = 0;
    if (!parse_time(&c, &seconds, &nanos))
        return false;
    int64_t total_ms = (days_from_civil(y, m, d) * 86400 + seconds) * 1000 + nanos / 1000000;
    out->millis = total_ms;
    out->nanos = (int32_t)(nanos % 1000000);
    return true;
}

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return len > 0;
}

/* Bit 7 of each byte of x that is an ASCII digit (no carry crosses a
 * byte: each sum stays below 0x100). */
static inline uint64_t digit_lanes(uint64_t x)
{
    const uint64_t high = 0x8080808080808080ull, low7 = x & ~high;
    uint64_t at_least_0 = low7 + 0x5050505050505050ull; /* 0x80 - '0' */
    uint64_t above_9 = low7 + 0x4646464646464646ull;    /* 0x80 - ':' */
    return at_least_0 & ~above_9 & ~x & high;
}

/* "YYYY-MM-DDThh:mm:ssZ" with its digits as '0'. */
static const char utc_seconds_form[] = "0000-00-00T00:00:00Z";

/* The bits of s's eight bytes from `at` that break the form: a non-digit
 * where it has '0', another byte than its own elsewhere. */
static inline uint64_t form_breaks(const char *s, size_t at)
{
    uint64_t x = text_load8(s + at), f = text_load8(utc_seconds_form + at), digits = digit_lanes(f);
    uint64_t others = ~((digits >> 7) * 0xFF); /* whole bytes */
    return ((digit_lanes(x) & digits) ^ digits) | ((x ^ f) & others);
}

/* Whether s[0, 20) has the form, eight bytes at a time. */
static bool has_utc_seconds_form(const char *s)
{
    return (form_breaks(s, 0) | form_breaks(s, 8) | form_breaks(s, 12)) == 0;
}

/* Two digits (checked) as a number. */
static unsigned two_digits(const char *s)
{
    return (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
}

/* days_from_civil for years 0..9999 in unsigned arithmetic: the March-
 * based year is moved 400 years (146097 days) up to stay positive. */
static int64_t days_from_civil_4digit(unsigned y, unsigned m, unsigned d)
{
    unsigned shifted = y + 400 - (m <= 2);
    unsigned day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned days = shifted * 365 + shifted / 4 - shifted / 100 + shifted / 400 + day_of_year;
    return (int64_t)days - 146097 - 719468;
}

/* The usual request form, "YYYY-MM-DDThh:mm:ssZ" exactly, without the
 * cursor; false for anything else, which parse_iso then decides. */
static bool parse_utc_seconds(const char *s, size_t len, date_instant *out)
{
    if (len != 20 || !has_utc_seconds_form(s))
        return false;
    unsigned y = two_digits(s) * 100 + two_digits(s + 2), m = two_digits(s + 5), d = two_digits(s + 8);
    unsigned hh = two_digits(s + 11), mi = two_digits(s + 14), ss = two_digits(s + 17);
    if (m - 1 > 11 || d == 0 || d > (unsigned)days_in_month((int)y, (int)m) || hh > 23 || mi > 59 ||
        ss > 59)
        return false;
    int64_t seconds = days_from_civil_4digit(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss;
    out->millis = seconds * 1000;
    out->nanos = 0;
    return true;
}

bool date_parse(const char *text, size_t len, date_instant *out)
{
    if (text == NULL || len == 0)
        return false;
    if (parse_utc_seconds(text, len, out))
        return true;
    if (all_digits(text, len))
        return parse_epoch(text, len, out);
    return parse_iso(text, len, out);
}
