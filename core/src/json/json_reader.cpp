/*
 * json_reader.cpp — the only C++ in iamgate: a thin shim over Debian's
 * simdjson that turns a document into json_token[] (json.h).
 *
 * Two paths give the same tokens:
 *  - the fast path runs simdjson's stage 1 (UTF-8, string and control-byte
 *    validation, structural index), then one validating walk over the
 *    index that writes the tokens. Strings without escapes point into the
 *    padded copy of the input; strings with escapes are unescaped by
 *    simdjson's own string parser into a padded buffer. Whatever the walk
 *    is not sure of (a grammar error, a number that might be out of range,
 *    a limit) sends the document down
 *  - the exact path: simdjson's DOM (stage 2 builds a tape) flattened into
 *    tokens, its strings copied into the padded buffer. It decides every
 *    error the fast path gave up on.
 * The fast path exists because the DOM's tape is a second copy of the
 * document that the flattening then walks again: one walk writing tokens
 * halves the JSON layer's time. (On-Demand, the other way to skip the
 * tape, measured slower than DOM plus flattening, 435 against 209 ns on a
 * 227-byte policy, and leaves unvisited parts unvalidated.) DOM reports no
 * error position, so errors are located by the C rescanner in
 * json_locate.c.
 */
#include "json.h"

#include <simdjson.h>

#include <cstring>
#include <new>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace {

constexpr size_t kMinCapacity = 4096;
constexpr size_t kMaxDepth = 1024; /* simdjson's own nesting limit */

/* Tokens a document of len bytes can hold: every value after the first
 * needs at least two bytes (itself and a separator or bracket). */
size_t token_bound(size_t len) { return len / 2 + 4; }

} // namespace

#if defined(__GNUC__)
#define WALK_NOINLINE __attribute__((noinline))
#else
#define WALK_NOINLINE
#endif

/* Strings end before the document does, and both string buffers are
 * padded as much. */
static_assert(JSON_TEXT_PADDING <= simdjson::SIMDJSON_PADDING, "see json.h");

/* An open container of the fast walk, saved while an inner one is open. */
struct json_frame {
    uint32_t token;   /* its token */
    uint32_t count;   /* members or elements so far */
};

struct json_reader {
    simdjson::dom::parser parser;
    char *padded = nullptr;   /* capacity + SIMDJSON_PADDING bytes */
    size_t capacity = 0;
    json_token *tokens = nullptr;
    size_t token_capacity = 0;
    char *unescaped = nullptr; /* decoded strings (both paths) */
    json_frame frames[kMaxDepth + 1];
};

extern "C" json_reader *json_reader_create(void)
{
    return new (std::nothrow) json_reader();
}

extern "C" void json_reader_destroy(json_reader *reader)
{
    if (reader == nullptr)
        return;
    delete[] reader->padded;
    delete[] reader->tokens;
    delete[] reader->unescaped;
    delete reader;
}

/* Decoded strings: unescaping never grows a string, and simdjson's string
 * parser writes whole blocks past the end of what it decodes; the padding
 * also makes JSON_TEXT_PADDING hold. */
static size_t unescaped_bound(size_t len) { return len + 2 * simdjson::SIMDJSON_PADDING; }

extern "C" iam_status json_reader_reserve(json_reader *reader, size_t len)
{
    if (len <= reader->capacity && reader->padded != nullptr)
        return IAM_OK;
    size_t cap = reader->capacity * 2;
    if (cap < len)
        cap = len;
    if (cap < kMinCapacity)
        cap = kMinCapacity;
    char *padded = new (std::nothrow) char[cap + simdjson::SIMDJSON_PADDING]();
    json_token *tokens = new (std::nothrow) json_token[token_bound(cap)];
    char *unescaped = new (std::nothrow) char[unescaped_bound(cap)](); /* zeroed: the padding is read */
    if (padded == nullptr || tokens == nullptr || unescaped == nullptr ||
        reader->parser.allocate(cap, kMaxDepth) != simdjson::SUCCESS) {
        delete[] padded;
        delete[] tokens;
        delete[] unescaped;
        return IAM_E_NOMEM;
    }
    delete[] reader->padded;
    delete[] reader->tokens;
    delete[] reader->unescaped;
    reader->padded = padded;
    reader->tokens = tokens;
    reader->unescaped = unescaped;
    reader->capacity = cap;
    reader->token_capacity = token_bound(cap);
    return IAM_OK;
}

namespace {

bool is_number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
           c == 'e' || c == 'E';
}

/* Walks the DOM in document order, pairing each value with its byte offset
 * from simdjson's structural index (commas and colons are skipped). */
class flattener {
  public:
    flattener(const char *buf, const uint32_t *index, json_token *tokens,
              size_t capacity, char *strings, const json_limits *limits)
        : buf_(buf), index_(index), tokens_(tokens), capacity_(capacity),
          strings_(strings), limits_(limits) {}

    /* False when a limit is exceeded; offset() then says where. */
    bool value(simdjson::dom::element element, uint32_t depth);
    uint32_t count() const { return count_; }
    uint32_t failed_at() const { return failed_at_; }

  private:
    uint32_t next_offset()
    {
        while (buf_[index_[next_]] == ',' || buf_[index_[next_]] == ':')
            next_++;
        return index_[next_++];
    }
    uint32_t peek_offset()
    {
        uint32_t saved = next_;
        uint32_t offset = next_offset();
        next_ = saved;
        return offset;
    }
    void skip_close() { (void)next_offset(); }
    bool fail(uint32_t offset)
    {
        failed_at_ = offset;
        return false;
    }
    uint32_t push(uint8_t kind, uint32_t offset, const char *text, size_t len)
    {
        json_token &t = tokens_[count_];
        t.kind = kind;
        t.offset = offset;
        t.text = text;
        t.len = static_cast<uint32_t>(len);
        t.end = count_ + 1;
        return count_++;
    }
    /* Strings are copied out of the DOM so that JSON_TEXT_PADDING holds. */
    void push_string(uint32_t offset, std::string_view text)
    {
        if (!text.empty())
            std::memcpy(strings_, text.data(), text.size());
        push(JSON_STRING, offset, strings_, text.size());
        strings_ += text.size();
    }
    bool string_fits(size_t len) const { return len <= limits_->max_string_bytes; }
    bool container(simdjson::dom::array array, uint32_t depth, uint32_t self);
    bool container(simdjson::dom::object object, uint32_t depth, uint32_t self);

    const char *buf_;
    const uint32_t *index_;
    json_token *tokens_;
    size_t capacity_;
    char *strings_; /* room for every string of the document, and padding */
    const json_limits *limits_;
    uint32_t next_ = 0;
    uint32_t count_ = 0;
    uint32_t elements_ = 0;
    uint32_t failed_at_ = 0;
};

bool flattener::container(simdjson::dom::array array, uint32_t depth, uint32_t self)
{
    uint32_t n = 0;
    for (simdjson::dom::element child : array) {
        if (++elements_ > limits_->max_array_elements)
            return fail(peek_offset());
        if (!value(child, depth + 1))
            return false;
        n++;
    }
    skip_close();
    tokens_[self].len = n;
    return true;
}

bool flattener::container(simdjson::dom::object object, uint32_t depth, uint32_t self)
{
    uint32_t n = 0;
    for (simdjson::dom::key_value_pair field : object) {
        uint32_t offset = next_offset();
        if (!string_fits(field.key.size()) || count_ + 1 >= capacity_)
            return fail(offset);
        push_string(offset, field.key);
        if (!value(field.value, depth + 1))
            return false;
        n++;
    }
    skip_close();
    tokens_[self].len = n;
    return true;
}

bool flattener::value(simdjson::dom::element element, uint32_t depth)
{
    uint32_t offset = next_offset();
    if (count_ + 1 >= capacity_) /* cannot happen: token_bound() holds */
        return fail(offset);
    uint32_t self = 0;
    switch (element.type()) {
    case simdjson::dom::element_type::ARRAY:
        if (depth > limits_->max_depth)
            return fail(offset);
        self = push(JSON_ARRAY, offset, buf_ + offset, 0);
        if (!container(element.get_array().value_unsafe(), depth, self))
            return false;
        break;
    case simdjson::dom::element_type::OBJECT:
        if (depth > limits_->max_depth)
            return fail(offset);
        self = push(JSON_OBJECT, offset, buf_ + offset, 0);
        if (!container(element.get_object().value_unsafe(), depth, self))
            return false;
        break;
    case simdjson::dom::element_type::STRING: {
        std::string_view s = element.get_string().value_unsafe();
        if (!string_fits(s.size()))
            return fail(offset);
        self = count_;
        push_string(offset, s);
        break;
    }
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: {
        size_t len = 0;
        while (is_number_char(buf_[offset + len]))
            len++;
        self = push(JSON_NUMBER, offset, buf_ + offset, len);
        break;
    }
    case simdjson::dom::element_type::BOOL:
        self = element.get_bool().value_unsafe() ? push(JSON_TRUE, offset, buf_ + offset, 4)
                             : push(JSON_FALSE, offset, buf_ + offset, 5);
        break;
    case simdjson::dom::element_type::NULL_VALUE:
        self = push(JSON_NULL, offset, buf_ + offset, 4);
        break;
    }
    tokens_[self].end = count_;
    return true;
}

bool is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Skips a run of digits; how many there were. */
size_t skip_digits(const char *p, size_t n, size_t *i)
{
    size_t start = *i;
    while (*i < n && is_digit(p[*i]))
        (*i)++;
    return *i - start;
}

/* An RFC 8259 number that simdjson certainly accepts: at most 18 bytes (an
 * integer then fits 64 bits) with at most two exponent digits (a double
 * then stays finite). Longer numbers are left to the exact path. */
bool plain_number(const char *p, size_t n)
{
    size_t i = 0;
    if (n > 18)
        return false;
    if (i < n && p[i] == '-')
        i++;
    if (i < n && p[i] == '0')
        i++;
    else if (skip_digits(p, n, &i) == 0)
        return false;
    if (i < n && p[i] == '.') {
        i++;
        if (skip_digits(p, n, &i) == 0)
            return false;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        size_t digits = skip_digits(p, n, &i);
        if (digits == 0 || digits > 2)
            return false;
    }
    return i == n;
}

/* The first '"' or '\\' at or after p. The caller knows one comes before
 * the end of the document, and the padding makes reading a block past it
 * safe. */
const char *find_quote_or_backslash(const char *p)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    for (;; p += 16) {
        __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        int hits = _mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)));
        if (hits != 0)
            return p + __builtin_ctz(static_cast<unsigned>(hits));
    }
#else
    while (*p != '"' && *p != '\\')
        p++;
    return p;
#endif
}

/* A scalar's token fields. */
struct scalar {
    const char *text;
    size_t len;
    uint8_t kind;
};

/* The fast path's walk: the JSON grammar checked over simdjson's stage-1
 * index, writing the same tokens as the flattener. Stage 1 has already
 * checked UTF-8, that strings close and hold no control bytes, and that
 * every byte following a string or whitespace starts an index entry. The
 * walk gives up (run() returns false) on anything it does not accept for
 * certain, and leaves the verdict to the exact path. */
class walker {
  public:
    walker(json_reader *reader, size_t len, const json_limits *limits, bool has_backslash)
        : buf_(reader->padded), len_(static_cast<uint32_t>(len)),
          index_(reader->parser.implementation->structural_indexes.get()),
          n_(reader->parser.implementation->n_structural_indexes),
          strings_(*reader->parser.implementation), tokens_(reader->tokens),
          capacity_(reader->token_capacity), frames_(reader->frames),
          unescaped_(reader->unescaped),
          max_depth_(limits->max_depth < kMaxDepth ? limits->max_depth
                                                   : static_cast<uint32_t>(kMaxDepth)),
          max_elements_(limits->max_array_elements), max_string_(limits->max_string_bytes),
          has_backslash_(has_backslash)
    {
        /* Stage 1 leaves room for entries after the last one: two sentinel
         * entries at the end of the document (a NUL of the padding) match
         * no token, and the states may look one entry ahead. */
        reader->parser.implementation->structural_indexes[n_] = len_;
        reader->parser.implementation->structural_indexes[n_ + 1] = len_;
    }

    /* Escaped strings only where the document has a backslash at all. */
    bool run() { return has_backslash_ ? walk<true>() : walk<false>(); }
    uint32_t count() const { return count_; }

  private:
    /* Not inlined: the caller's values would take registers from its loops. */
    template <bool kEscapes> WALK_NOINLINE bool walk();
    template <bool kEscapes>
    bool put_string(const char *buf, uint32_t offset, uint32_t next, size_t max_string,
                    json_token *t, uint32_t end);
    bool number_or_literal(uint32_t offset, uint32_t next, scalar *out) const;
    static const char *closing_quote(const char *buf, uint32_t next);
    bool number(uint32_t offset, uint32_t next, scalar *out) const;
    bool literal(uint32_t offset, uint32_t next, const char *word, uint32_t n,
                 uint8_t kind, scalar *out) const;
    bool ends_at(uint32_t end, uint32_t next) const;

    const char *const buf_;
    const uint32_t len_;
    uint32_t *const index_;
    const uint32_t n_;
    const simdjson::internal::dom_parser_implementation &strings_;
    json_token *const tokens_;
    const size_t capacity_;
    json_frame *const frames_;
    char *unescaped_;
    const uint32_t max_depth_;
    const uint32_t max_elements_;
    const size_t max_string_;
    const bool has_backslash_; /* else every string ends at its last quote */
    uint32_t count_ = 0;
};

/* One loop over the index entries; the labels are the walk's states. The
 * cursor and the innermost container live in locals (the frames hold the
 * outer ones), so that token stores cannot alias them. Runs of string
 * elements and members with string values (most of a policy) take short
 * loops of their own. No state checks that entries remain: the sentinel
 * entry at the end points at a NUL, which no state accepts. */
template <bool kEscapes> bool walker::walk()
{
    const char *const buf = buf_;
    const uint32_t *const index = index_;
    json_token *const tokens = tokens_;
    json_frame *const frames = frames_;
    const uint32_t max_elements = max_elements_;
    const size_t max_string = max_string_ < UINT32_MAX ? max_string_ : UINT32_MAX;
    uint32_t pos = 0;       /* the next index entry */
    uint32_t depth = 0;     /* open containers */
    uint32_t container = 0; /* the innermost one's token */
    uint32_t members = 0;   /* its members or elements so far */
    uint32_t count = 0;     /* tokens written */
    uint32_t elements = 0;  /* elements of the closed arrays (the limit is checked
                               at each close: a walk that gives up leaves the
                               verdict to the exact path anyway) */
    uint32_t offset = 0;
    uint32_t after = 0;  /* the offset of the entry after a string */
    scalar s;

    /* Every token starts at an index entry of its own: with room for all
     * of them no store needs a check. */
    if (static_cast<size_t>(n_) + 2 >= capacity_)
        return false;

value: /* a value starts at entry pos */
    offset = index[pos++];
    if (buf[offset] == '"') { /* the common case first */
        if (!put_string<kEscapes>(buf, offset, index[pos], max_string, &tokens[count],
                                  count + 1))
            return false;
        count++;
        goto next;
    }
    if (buf[offset] == '{' || buf[offset] == '[') {
        if (depth >= max_depth_)
            return false;
        frames[depth++] = json_frame{container, members};
        container = count;
        members = 0;
        if (buf[offset] == '{') {
            tokens[count++] = json_token{buf + offset, 0, offset, 0, JSON_OBJECT};
            if (buf[index[pos]] == '}')
                goto close;
            goto member;
        }
        tokens[count++] = json_token{buf + offset, 0, offset, 0, JSON_ARRAY};
        if (buf[index[pos]] == ']')
            goto close;
        goto element;
    }
    if (!number_or_literal(offset, index[pos], &s))
        return false;
    tokens[count] = json_token{s.text, static_cast<uint32_t>(s.len), offset, count + 1, s.kind};
    count++;

next: /* a value has ended: a separator, a closing bracket or the end.
       * The innermost container's token says whether it is an object. */
    if (depth == 0) {
        count_ = count;
        return pos == n_;
    }
    if (buf[index[pos]] == ',') {
        pos++;
        if (tokens[container].kind == JSON_OBJECT)
            goto member;
        goto element;
    }
    if (buf[index[pos]] != (tokens[container].kind == JSON_OBJECT ? '}' : ']'))
        return false;

close: /* entry pos closes the innermost container */
    if (tokens[container].kind == JSON_ARRAY) {
        elements += members;
        if (elements > max_elements)
            return false;
    }
    tokens[container].len = members;
    tokens[container].end = count;
    depth--;
    container = frames[depth].token;
    members = frames[depth].count;
    pos++;
    goto next;

member: /* a key and ':'; its value follows. String values loop here. (The
          * entry after each string is read once: token stores could alias
          * the index for the compiler.) */
    for (;;) {
        offset = index[pos];
        after = index[pos + 1];
        if (buf[offset] != '"' || buf[after] != ':' ||
            !put_string<kEscapes>(buf, offset, after, max_string, &tokens[count], count + 1))
            return false;
        count++;
        members++;
        pos += 2;
        offset = index[pos];
        if (buf[offset] != '"')
            goto value;
        after = index[pos + 1];
        if (!put_string<kEscapes>(buf, offset, after, max_string, &tokens[count], count + 1))
            return false;
        count++;
        pos++;
        if (buf[after] != ',')
            goto next;
        pos++;
    }

element: /* an array element follows. Runs of strings loop here. */
    for (;;) {
        members++;
        offset = index[pos];
        if (buf[offset] != '"')
            goto value;
        after = index[pos + 1];
        if (!put_string<kEscapes>(buf, offset, after, max_string, &tokens[count], count + 1))
            return false;
        count++;
        pos++;
        if (buf[after] != ',')
            goto next;
        pos++;
    }
}

/* A number or literal at offset; next is the offset of the following
 * index entry. */
bool walker::number_or_literal(uint32_t offset, uint32_t next, scalar *out) const
{
    switch (buf_[offset]) {
    case 't': return literal(offset, next, "true", 4, JSON_TRUE, out);
    case 'f': return literal(offset, next, "false", 5, JSON_FALSE, out);
    case 'n': return literal(offset, next, "null", 4, JSON_NULL, out);
    default: return number(offset, next, out);
    }
}

/* The closing quote of a string in a document without backslashes: only
 * whitespace can lie between it and the next index entry (stage 1 makes
 * any other byte an entry), so any byte up to ' ' is whitespace there. */
const char *walker::closing_quote(const char *buf, uint32_t next)
{
    const char *q = buf + next - 1;
    while (static_cast<unsigned char>(*q) <= ' ')
        q--;
    return q;
}

/* Writes the token of the string whose opening quote is at offset; next is
 * the offset of the following index entry. Without escapes in the document
 * the string ends at its last quote before that entry; with them it is
 * scanned for its end, and unescaped by simdjson if it has escapes. */
template <bool kEscapes>
inline bool walker::put_string(const char *buf, uint32_t offset, uint32_t next,
                               size_t max_string, json_token *t, uint32_t end)
{
    const char *text = buf + offset + 1;
    const char *stop = kEscapes ? find_quote_or_backslash(text) : closing_quote(buf, next);
    /* a stop before the text (it cannot happen) wraps past any limit */
    size_t len = static_cast<size_t>(stop - text);
    if (kEscapes && *stop == '\\') {
        uint8_t *decoded = strings_.parse_string(reinterpret_cast<const uint8_t *>(text),
                                                 reinterpret_cast<uint8_t *>(unescaped_));
        if (decoded == nullptr)
            return false;
        text = unescaped_;
        len = static_cast<size_t>(reinterpret_cast<char *>(decoded) - unescaped_);
        unescaped_ += len;
    }
    if (len > max_string)
        return false;
    *t = json_token{text, static_cast<uint32_t>(len), offset, end, JSON_STRING};
    return true;
}

/* Whether only whitespace lies between a scalar's end and the next index
 * entry: "truex" or "1-" would not. */
bool walker::ends_at(uint32_t end, uint32_t next) const
{
    while (is_json_space(buf_[end]))
        end++;
    return end == next;
}

bool walker::number(uint32_t offset, uint32_t next, scalar *out) const
{
    uint32_t n = 0;
    while (is_number_char(buf_[offset + n]))
        n++;
    *out = scalar{buf_ + offset, n, JSON_NUMBER};
    return plain_number(buf_ + offset, n) && ends_at(offset + n, next);
}

bool walker::literal(uint32_t offset, uint32_t next, const char *word, uint32_t n,
                     uint8_t kind, scalar *out) const
{
    *out = scalar{buf_ + offset, n, kind};
    return std::memcmp(buf_ + offset, word, n) == 0 && ends_at(offset + n, next);
}

/* The rescanner's verdict, or a generic one if it disagrees with simdjson
 * (a bug in one of the two: the fuzzers assert it never happens). */
iam_status report_failure(const char *src, size_t len, const json_limits *limits,
                          size_t fallback_offset, json_failure *fail)
{
    if (json_locate_error(src, len, limits, fail))
        return fail->code;
    IAM_ASSERT(!"simdjson and the rescanner disagree");
    fail->code = IAM_E_JSON_SYNTAX;
    fail->message = "invalid JSON";
    fail->offset = fallback_offset;
    fail->path[0] = '\0';
    return fail->code;
}

} // namespace

namespace {

/* Copies src[0..len) to dst; whether it holds a backslash (the walk then
 * looks for escapes). One pass instead of a copy and a search. */
bool copy_finding_backslash(char *dst, const char *src, size_t len)
{
    size_t i = 0;
    bool found = false;
#if defined(__SSE2__)
    const __m128i backslash = _mm_set1_epi8('\\');
    __m128i hits = _mm_setzero_si128();
    for (; i + 64 <= len; i += 64) {
        __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i));
        __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i + 16));
        __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i + 32));
        __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i + 48));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i), a);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i + 16), b);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i + 32), c);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i + 48), d);
        __m128i ab = _mm_or_si128(_mm_cmpeq_epi8(a, backslash), _mm_cmpeq_epi8(b, backslash));
        __m128i cd = _mm_or_si128(_mm_cmpeq_epi8(c, backslash), _mm_cmpeq_epi8(d, backslash));
        hits = _mm_or_si128(hits, _mm_or_si128(ab, cd));
    }
    found = _mm_movemask_epi8(hits) != 0;
#endif
    if (i < len) {
        std::memcpy(dst + i, src + i, len - i);
        found = found || std::memchr(src + i, '\\', len - i) != nullptr;
    }
    return found;
}

/* The fast path: false when the walk gives up (the document may still be
 * valid). */
bool parse_fast(json_reader *reader, size_t len, bool has_backslash, const json_limits *limits,
                json_doc *out)
{
    if (len == 0 || reader->parser.implementation->stage1(
                        reinterpret_cast<const uint8_t *>(reader->padded), len,
                        simdjson::stage1_mode::regular) != simdjson::SUCCESS)
        return false;
    walker walk(reader, len, limits, has_backslash);
    if (!walk.run())
        return false;
    out->tokens = reader->tokens;
    out->count = walk.count();
    return true;
}

/* The exact path: DOM, then the flattener; decides every error. */
iam_status parse_exact(json_reader *reader, const char *src, size_t len,
                       const json_limits *limits, json_doc *out, json_failure *fail)
{
    simdjson::dom::element root;
    auto error = reader->parser
                     .parse(reinterpret_cast<const uint8_t *>(reader->padded),
                            len, false)
                     .get(root);
    if (error != simdjson::SUCCESS)
        return report_failure(src, len, limits, 0, fail);

    flattener flat(reader->padded, reader->parser.implementation->structural_indexes.get(),
                   reader->tokens, reader->token_capacity, reader->unescaped, limits);
    if (!flat.value(root, 1))
        return report_failure(src, len, limits, flat.failed_at(), fail);
    out->tokens = reader->tokens;
    out->count = flat.count();
    return IAM_OK;
}

} // namespace

extern "C" iam_status json_reader_parse(json_reader *reader, const char *src,
                                        size_t len, const json_limits *limits,
                                        json_doc *out, json_failure *fail)
{
    if (json_reader_reserve(reader, len) != IAM_OK) {
        fail->code = IAM_E_NOMEM;
        fail->message = "out of memory growing the JSON parser";
        fail->offset = 0;
        fail->path[0] = '\0';
        return IAM_E_NOMEM;
    }
    bool has_backslash = copy_finding_backslash(reader->padded, src, len);
    std::memset(reader->padded + len, 0, simdjson::SIMDJSON_PADDING);
    if (parse_fast(reader, len, has_backslash, limits, out))
        return IAM_OK;
    return parse_exact(reader, src, len, limits, out, fail);
}

extern "C" bool json_number_in_range(const char *lexeme, size_t len)
{
    /* Error path only: a private parser keeps this free of shared state. */
    simdjson::dom::parser parser;
    simdjson::padded_string padded(lexeme, len);
    simdjson::dom::element element;
    return parser.parse(padded).get(element) == simdjson::SUCCESS;
}
