/*
 * json.h — the JSON layer: a flat token array over one document.
 *
 * json_reader is a thin C++ shim over Debian's simdjson. A parse copies the
 * input into a padded buffer, runs simdjson's stage 1 and walks its
 * structural index into tokens in document order (an object is followed by
 * key, value, key, value...; `end` skips a whole subtree); anything the walk
 * is unsure of goes through simdjson's DOM instead (json_reader.cpp). Byte
 * offsets come from the structural index. On any JSON error the C rescanner
 * (json_locate.c) finds the first error's position, code and path.
 */
#ifndef IAMGATE_CORE_JSON_JSON_H
#define IAMGATE_CORE_JSON_JSON_H

#include "../internal.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum json_kind {
    JSON_OBJECT = 1,
    JSON_ARRAY,
    JSON_STRING,
    JSON_NUMBER,
    JSON_TRUE,
    JSON_FALSE,
    JSON_NULL
} json_kind;

/* Bytes after the end of a STRING token's text that may be read (never
 * written): SIMD scans of a string need no tail handling. */
enum { JSON_TEXT_PADDING = 48 };

typedef struct json_token {
    const char *text; /* STRING: decoded bytes (valid until the next parse),
                         readable JSON_TEXT_PADDING bytes past the end;
                         NUMBER/TRUE/FALSE/NULL: the lexeme in the source copy */
    uint32_t len;     /* STRING, NUMBER...: byte length; OBJECT: members;
                         ARRAY: elements */
    uint32_t offset;  /* byte offset of the value's first byte */
    uint32_t end;     /* index of the first token after this subtree */
    uint8_t kind;     /* json_kind */
} json_token;

typedef struct json_limits {
    size_t max_string_bytes;
    uint32_t max_depth;
    uint32_t max_array_elements;
} json_limits;

typedef struct json_doc {
    const json_token *tokens;
    uint32_t count;
} json_doc;

/* A JSON-level failure: code, static message, offset and JSON pointer. */
typedef struct json_failure {
    iam_status code;
    const char *message;
    size_t offset;
    char path[IAM_ERROR_PATH_MAX];
} json_failure;

typedef struct json_reader json_reader;

IAM_INTERNAL json_reader *json_reader_create(void);
IAM_INTERNAL void json_reader_destroy(json_reader *reader);
/* Grows the buffers for documents of up to len bytes (heap, cold path). */
IAM_INTERNAL iam_status json_reader_reserve(json_reader *reader, size_t len);
/* Parses src[0..len). Allocates nothing once reserved for len. */
IAM_INTERNAL iam_status json_reader_parse(json_reader *reader, const char *src,
                                          size_t len, const json_limits *limits,
                                          json_doc *out, json_failure *fail);

/* Error path: scans src for its first JSON error (or limit violation) and
 * describes it. Returns false if it finds none. */
IAM_INTERNAL bool json_locate_error(const char *src, size_t len,
                                    const json_limits *limits,
                                    json_failure *fail);

/* Whether a syntactically valid number lexeme is in range for the JSON layer
 * (an integer within 64 bits, or a finite double). */
IAM_INTERNAL bool json_number_in_range(const char *lexeme, size_t len);

/* Writes the JSON pointer of token `target` into out (cap bytes). */
IAM_INTERNAL void json_pointer_of(const json_doc *doc, uint32_t target,
                                  char *out, size_t cap);

/* ---- batch-evaluation lines (json_case.cpp) ---- */

enum { JSON_CASE_MEMBERS = 4 }; /* policies, boundaries, sessionPolicies, scps */

typedef struct json_case_value {
    const char *text; /* STRING: decoded (valid until the next read);
                         NUMBER: the lexeme in src; TRUE/FALSE: "true"/"false" */
    uint32_t len;
    uint8_t kind;     /* json_kind */
} json_case_value;

typedef struct json_case_entry {
    iam_str key;           /* decoded */
    uint32_t first_value;  /* index into values */
    uint32_t value_count;
    bool multi;            /* written as an array */
} json_case_entry;

/* One line: {"id":..,"policies":[..],"request":{"action":..,...}}. */
typedef struct json_case {
    json_case_value id;
    bool has_id, has_request, has_action, has_resource, has_principal;
    iam_str members[JSON_CASE_MEMBERS]; /* raw bytes of each array in src
                                           ('[' to ']'), ptr NULL if absent */
    iam_str action, resource, principal;
    json_case_entry *entries;  /* caller's storage */
    uint32_t entry_count, entry_cap;
    json_case_value *values;   /* caller's storage */
    uint32_t value_count, value_cap;
} json_case;

typedef struct json_case_reader json_case_reader;

IAM_INTERNAL json_case_reader *json_case_reader_create(void);
IAM_INTERNAL void json_case_reader_destroy(json_case_reader *reader);
/* Reads a line of the plain shape (no unknown or repeated members, context
 * values strings/numbers/booleans or arrays of them, storage large enough).
 * False for anything else, valid or not: then use json_reader_parse. The
 * member spans are NOT validated (see json_case.cpp). Allocates: only to
 * grow its buffer. */
IAM_INTERNAL bool json_case_read(json_case_reader *reader, const char *src, size_t len,
                                 json_case *out);

#ifdef __cplusplus
}
#endif

#endif /* IAMGATE_CORE_JSON_JSON_H */
