/*
 * directory_load.c — `aws iam get-account-authorization-details` JSON
 * (spec §7.4) into an iam_directory: tables of users, groups and roles whose
 * policy lists are resolved once here (spec §7.3), so that lookups are plain
 * reads. Decisions where AWS leaves room are listed in iamgate_directory.h.
 *
 * Errors are IAM_E_EXPORT_FORMAT (shape), IAM_E_UNRESOLVED_POLICY (a managed
 * ARN without a document), a JSON-layer code or IAM_E_LIMIT_*; each carries
 * the offset, line and column in the export and the JSON pointer of the
 * offending value. Processing order: Policies, groups, users, roles.
 */
#include "directory_internal.h"

#include "../json/json.h"
#include "iamgate_catalog.h"

#include <stdlib.h>

#define DEFAULT_MAX_DOCUMENT ((size_t)64 << 20)
#define DEFAULT_MAX_STRING ((size_t)8 << 20)
#define DEFAULT_MAX_DEPTH 64u
#define HARD_MAX_DEPTH 1024u /* the JSON layer's own nesting limit */
#define JSON_MAX_BYTES ((size_t)UINT32_MAX - 64) /* token offsets are 32-bit */
#define MAX_RESOLVED ((uint64_t)1 << 21)

static const char builtin_version[] = "builtin";

/* One Policies[] entry; its document is decoded when first attached. */
typedef struct managed_entry {
    iam_str name;
    iam_str arn;
    iam_str version_id;     /* of the effective version */
    uint32_t where;         /* token an unresolved error points at */
    uint32_t version;       /* the effective PolicyVersionList element, or 0 */
    uint32_t doc_token;     /* its Document, or 0 */
    bool resolved;
    iam_directory_policy policy; /* once resolved: document fields */
} managed_entry;

typedef struct load_ctx {
    iam_directory *dir;
    const char *src; /* dir->text: token offsets point into it */
    size_t len;
    json_doc doc;
    const json_token *tok;
    iam_error *err;
    iam_status code;
    managed_entry *managed;
    size_t managed_count;
    dir_index managed_index;  /* values: entry index + 1 */
    uint32_t *group_stamp;    /* per group: the user index + 1 that last listed it */
    uint64_t resolved;        /* policy entries of all principals so far */
} load_ctx;

/* ---- errors ---- */

static bool fail_at(load_ctx *c, iam_status code, const char *message, uint32_t token,
                    size_t offset)
{
    c->code = code;
    error_set(c->err, code, message, c->src, c->len, offset);
    if (c->err == NULL)
        return false;
    json_pointer_of(&c->doc, token, c->err->path, sizeof c->err->path);
    const json_token *t = &c->tok[token];
    if (t->kind != JSON_OBJECT && t->kind != JSON_ARRAY)
        error_set_near(c->err, t->text, t->len);
    return false;
}

static bool fail(load_ctx *c, iam_status code, uint32_t token, const char *message)
{
    return fail_at(c, code, message, token, c->tok[token].offset);
}

static bool bad(load_ctx *c, uint32_t token, const char *message)
{
    return fail(c, IAM_E_EXPORT_FORMAT, token, message);
}

static bool out_of_memory(load_ctx *c)
{
    c->code = IAM_E_NOMEM;
    error_set(c->err, IAM_E_NOMEM, "out of memory loading the account export", c->src,
              c->len, 0);
    return false;
}

static void *pool_alloc(load_ctx *c, size_t size)
{
    void *p = dir_pool_alloc(&c->dir->pool, size);
    if (p == NULL)
        out_of_memory(c);
    return p;
}

/* ---- fields and scalars ---- */

typedef struct field {
    const char *name;
    uint32_t value; /* token index of the value; 0 when absent or null */
} field;

/* Finds the named members of an object. A known key given twice is an
 * error; null values count as absent; other keys are ignored. */
static bool read_fields(load_ctx *c, uint32_t obj, field *f, size_t n)
{
    const json_token *t = c->tok;
    for (size_t i = 0; i < n; i++)
        f[i].value = 0;
    for (uint32_t k = obj + 1; k < t[obj].end; k = t[k + 1].end) {
        for (size_t i = 0; i < n; i++) {
            if (f[i].name[0] == '\0' || !text_equals(t[k].text, t[k].len, f[i].name))
                continue;
            if (f[i].value != 0)
                return bad(c, k, "duplicate key in an account export object");
            f[i].value = k + 1;
            break;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (f[i].value != 0 && t[f[i].value].kind == JSON_NULL)
            f[i].value = 0;
    return true;
}

/* A string token as an iam_str that lives as long as the directory: the
 * export copy when the bytes are there unescaped, else a pool copy. */
static bool keep_string(load_ctx *c, uint32_t i, iam_str *out)
{
    const json_token *t = &c->tok[i];
    size_t at = (size_t)t->offset + 1;
    if (t->len == 0) {
        out->ptr = c->src + t->offset;
        out->len = 0;
        return true;
    }
    if (at + t->len <= c->len && memcmp(c->src + at, t->text, t->len) == 0) {
        out->ptr = c->src + at;
        out->len = t->len;
        return true;
    }
    char *p = pool_alloc(c, (size_t)t->len + 1);
    if (p == NULL)
        return false;
    memcpy(p, t->text, t->len);
    p[t->len] = '\0';
    out->ptr = p;
    out->len = t->len;
    return true;
}

/* A required string member (value token v of object obj). */
static bool req_string(load_ctx *c, uint32_t obj, uint32_t v, bool nonempty,
                       const char *message, iam_str *out)
{
    if (v == 0)
        return bad(c, obj, message);
    if (c->tok[v].kind != JSON_STRING || (nonempty && c->tok[v].len == 0))
        return bad(c, v, message);
    return keep_string(c, v, out);
}

/* An optional string member; *out is left alone when absent. */
static bool opt_string(load_ctx *c, uint32_t v, const char *message, iam_str *out)
{
    if (v == 0)
        return true;
    if (c->tok[v].kind != JSON_STRING)
        return bad(c, v, message);
    return keep_string(c, v, out);
}

static bool opt_array(load_ctx *c, uint32_t v, const char *message)
{
    return v == 0 || c->tok[v].kind == JSON_ARRAY || bad(c, v, message);
}

static uint32_t array_len(const load_ctx *c, uint32_t v)
{
    return v == 0 ? 0 : c->tok[v].len;
}

static bool has_prefix(iam_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.ptr, lit, n) == 0;
}

static iam_str str_tail(iam_str s, char sep)
{
    size_t i = s.len;
    while (i > 0 && s.ptr[i - 1] != sep)
        i--;
    iam_str out = {s.ptr + i, s.len - i};
    return out;
}

/* The account field of "arn:partition:service:region:account:...". */
static iam_str arn_account(iam_str arn)
{
    iam_str out = {NULL, 0};
    size_t colons = 0, start = 0;
    if (!has_prefix(arn, "arn:"))
        return out;
    for (size_t i = 0; i < arn.len; i++) {
        if (arn.ptr[i] != ':')
            continue;
        colons++;
        if (colons == 4) {
            start = i + 1;
        } else if (colons == 5) {
            out.ptr = arn.ptr + start;
            out.len = i - start;
            return out;
        }
    }
    return out;
}

/* arn:PARTITION:iam::aws:policy/... (an AWS managed policy). */
static bool is_aws_managed_arn(iam_str arn)
{
    if (!has_prefix(arn, "arn:"))
        return false;
    size_t i = 4;
    while (i < arn.len && arn.ptr[i] != ':')
        i++;
    iam_str rest = {arn.ptr + i, arn.len - i};
    return has_prefix(rest, ":iam::aws:policy/");
}

/* ---- documents ---- */

/* One past the '}' that closes the object starting at start (the text is
 * valid JSON: the JSON layer accepted it). */
static size_t object_end(const char *s, size_t len, size_t start)
{
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = start; i < len; i++) {
        char ch = s[i];
        if (in_string) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '{' || ch == '[') {
            depth++;
        } else if (ch == '}' || ch == ']') {
            if (--depth == 0)
                return i + 1;
        }
    }
    return len;
}

static unsigned hex_digit(unsigned char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = text_lower_ascii(ch);
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10u;
    return 16;
}

/* The export offset of byte `target` of string token i's decoded text
 * (walks the raw string's escapes; the JSON layer validated them). */
static size_t raw_offset(const load_ctx *c, uint32_t i, size_t target)
{
    const char *s = c->src;
    size_t at = (size_t)c->tok[i].offset + 1, k = 0;
    while (k < target && at < c->len) {
        if (s[at] != '\\') {
            at++;
            k++;
        } else if (at + 5 < c->len && s[at + 1] == 'u') {
            unsigned cp = 0;
            for (int d = 2; d < 6; d++)
                cp = cp * 16 + hex_digit((unsigned char)s[at + d]);
            if (cp >= 0xD800 && cp < 0xDC00) {
                at += 12; /* a surrogate pair: one 4-byte sequence */
                k += 4;
            } else {
                at += 6;
                k += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
            }
        } else {
            at += 2;
            k++;
        }
    }
    return at;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* A string-encoded document: the JSON text itself when its first non-blank
 * character is '{', else RFC 3986 percent-encoding ('+' is not a space). */
static bool decode_string_document(load_ctx *c, uint32_t i, iam_str *out)
{
    const json_token *t = &c->tok[i];
    const char *s = t->text;
    size_t n = t->len, k = 0;
    char *buf = pool_alloc(c, n + 1);
    if (buf == NULL)
        return false;
    while (k < n && is_blank(s[k]))
        k++;
    size_t m = 0;
    if (k < n && s[k] == '{') {
        memcpy(buf, s, n);
        m = n;
    } else {
        for (size_t j = 0; j < n; j++) {
            if (s[j] != '%') {
                buf[m++] = s[j];
                continue;
            }
            unsigned hi = j + 1 < n ? hex_digit((unsigned char)s[j + 1]) : 16;
            unsigned lo = j + 2 < n ? hex_digit((unsigned char)s[j + 2]) : 16;
            if (hi > 15 || lo > 15)
                return fail_at(c, IAM_E_EXPORT_FORMAT,
                               "bad percent-encoding in a policy document: '%' must be "
                               "followed by two hex digits",
                               i, raw_offset(c, i, j));
            buf[m++] = (char)(hi * 16 + lo);
            j += 2;
        }
    }
    buf[m] = '\0';
    out->ptr = buf;
    out->len = m;
    return true;
}

/* A PolicyDocument / Document value into p's document fields. */
static bool keep_document(load_ctx *c, uint32_t v, iam_directory_policy *p)
{
    const json_token *t = &c->tok[v];
    p->export_offset = t->offset;
    if (t->kind == JSON_OBJECT) {
        size_t end = object_end(c->src, c->len, t->offset);
        p->document.ptr = c->src + t->offset;
        p->document.len = end - t->offset;
        p->in_export = true;
        return true;
    }
    if (t->kind == JSON_STRING) {
        p->in_export = false;
        return decode_string_document(c, v, &p->document);
    }
    return bad(c, v, "a policy document must be a JSON object or a string");
}

/* ---- Policies[] ---- */

static iam_str managed_arn(const void *ctx, uint32_t value)
{
    const load_ctx *c = ctx;
    return c->managed[value - 1].arn;
}

/* The effective version of a Policies[] entry: IsDefaultVersion true, else
 * VersionId == DefaultVersionId. Documents are type-checked, not decoded. */
static bool load_versions(load_ctx *c, uint32_t list, iam_str default_id, managed_entry *m)
{
    uint32_t by_flag = 0, by_id = 0;
    iam_str flag_id = {NULL, 0}, match_id = {NULL, 0};
    for (uint32_t e = list + 1; e < c->tok[list].end; e = c->tok[e].end) {
        if (c->tok[e].kind != JSON_OBJECT)
            return bad(c, e, "Policies[].PolicyVersionList[] entries must be objects");
        field f[] = {{"VersionId", 0}, {"IsDefaultVersion", 0}, {"Document", 0}};
        if (!read_fields(c, e, f, 3))
            return false;
        iam_str id = {NULL, 0};
        if (!opt_string(c, f[0].value, "Policies[].PolicyVersionList[].VersionId must be a string", &id))
            return false;
        uint32_t flag = f[1].value;
        if (flag != 0 && c->tok[flag].kind != JSON_TRUE && c->tok[flag].kind != JSON_FALSE)
            return bad(c, flag, "Policies[].PolicyVersionList[].IsDefaultVersion must be true or false");
        uint32_t doc = f[2].value;
        if (doc != 0 && c->tok[doc].kind != JSON_OBJECT && c->tok[doc].kind != JSON_STRING)
            return bad(c, doc, "a policy document must be a JSON object or a string");
        if (flag != 0 && c->tok[flag].kind == JSON_TRUE) {
            if (by_flag != 0)
                return bad(c, flag, "two versions of a managed policy have IsDefaultVersion true");
            by_flag = e;
            flag_id = id;
        }
        if (by_id == 0 && default_id.len != 0 && id.len == default_id.len &&
            memcmp(id.ptr, default_id.ptr, id.len) == 0) {
            by_id = e;
            match_id = id;
        }
    }
    m->version = by_flag != 0 ? by_flag : by_id;
    m->version_id = by_flag != 0 ? flag_id : match_id;
    if (m->version != 0) {
        field f[] = {{"Document", 0}};
        if (!read_fields(c, m->version, f, 1))
            return false;
        m->doc_token = f[0].value;
    }
    return true;
}

static bool load_policies(load_ctx *c, uint32_t list)
{
    size_t n = array_len(c, list);
    c->managed = calloc(n ? n : 1, sizeof *c->managed);
    if (c->managed == NULL || dir_index_init(&c->managed_index, n) != IAM_OK)
        return out_of_memory(c);
    for (uint32_t e = list ? list + 1 : 0; c->managed_count < n; e = c->tok[e].end) {
        managed_entry *m = &c->managed[c->managed_count];
        if (c->tok[e].kind != JSON_OBJECT)
            return bad(c, e, "Policies[] entries must be objects");
        field f[] = {{"PolicyName", 0}, {"Arn", 0}, {"DefaultVersionId", 0},
                     {"PolicyVersionList", 0}};
        if (!read_fields(c, e, f, 4))
            return false;
        if (!req_string(c, e, f[1].value, true, "Policies[].Arn must be a non-empty string", &m->arn))
            return false;
        m->name = str_tail(m->arn, '/');
        iam_str default_id = {NULL, 0};
        if (!opt_string(c, f[0].value, "Policies[].PolicyName must be a string", &m->name) ||
            !opt_string(c, f[2].value, "Policies[].DefaultVersionId must be a string", &default_id) ||
            !opt_array(c, f[3].value, "Policies[].PolicyVersionList must be an array"))
            return false;
        m->where = f[3].value != 0 ? f[3].value : e;
        if (f[3].value != 0 && !load_versions(c, f[3].value, default_id, m))
            return false;
        if (dir_index_insert(&c->managed_index, m->arn.ptr, m->arn.len,
                             (uint32_t)c->managed_count + 1, managed_arn, c) != 0)
            return bad(c, f[1].value, "Policies[].Arn repeats the ARN of an earlier policy");
        c->managed_count++;
    }
    return true;
}

/* Decodes an entry's effective document on first use. */
static bool managed_ready(load_ctx *c, managed_entry *m)
{
    if (m->resolved)
        return true;
    if (m->version == 0)
        return fail(c, IAM_E_UNRESOLVED_POLICY, m->where,
                    "managed policy has no default version (no IsDefaultVersion true and "
                    "no VersionId equal to DefaultVersionId)");
    if (m->doc_token == 0)
        return fail(c, IAM_E_UNRESOLVED_POLICY, m->version,
                    "the default version of a managed policy has no Document");
    if (!keep_document(c, m->doc_token, &m->policy))
        return false;
    m->resolved = true;
    return true;
}

/* An attached or boundary ARN (string token v) into p. */
static bool resolve_arn(load_ctx *c, uint32_t v, iam_directory_policy *p)
{
    iam_str arn;
    if (!keep_string(c, v, &arn))
        return false;
    uint32_t ref = dir_index_find(&c->managed_index, arn.ptr, arn.len, managed_arn, c);
    if (ref != 0) {
        managed_entry *m = &c->managed[ref - 1];
        if (!managed_ready(c, m))
            return false;
        p->name = m->name;
        p->arn = m->arn;
        p->document = m->policy.document;
        p->in_export = m->policy.in_export;
        p->export_offset = m->policy.export_offset;
        p->version_id = m->version_id;
        p->source = is_aws_managed_arn(m->arn) ? IAM_SOURCE_AWS_MANAGED : IAM_SOURCE_USER_MANAGED;
        return true;
    }
    if (!is_aws_managed_arn(arn))
        return fail(c, IAM_E_UNRESOLVED_POLICY, v,
                    "customer managed policy ARN is not in the export's Policies");
    const iam_managed_policy *mp = iam_managed_policy_find(arn.ptr, arn.len);
    if (mp == NULL) {
        iam_str name = str_tail(arn, '/');
        if (name.len != 0)
            mp = iam_managed_policy_find(name.ptr, name.len);
    }
    if (mp == NULL)
        return fail(c, IAM_E_UNRESOLVED_POLICY, v,
                    "AWS managed policy is neither in the export's Policies nor built in");
    p->name = mp->name;
    p->arn = arn;
    p->document = mp->document;
    p->in_export = false;
    p->export_offset = 0;
    p->version_id.ptr = builtin_version;
    p->version_id.len = sizeof builtin_version - 1;
    p->source = IAM_SOURCE_AWS_MANAGED;
    return true;
}

/* ---- principals ---- */

typedef struct entity_spec {
    uint8_t type;           /* iam_entity_type */
    uint8_t inline_source;  /* iam_policy_source */
    const char *name_key, *id_key, *inline_key;
    const char *msg_entry, *msg_name, *msg_dup, *msg_arn_dup;
} entity_spec;

static const entity_spec user_spec = {
    IAM_ENTITY_USER, IAM_SOURCE_USER, "UserName", "UserId", "UserPolicyList",
    "UserDetailList[] entries must be objects",
    "UserDetailList[].UserName must be a non-empty string",
    "UserDetailList[].UserName repeats an earlier user's name (IAM names are unique ignoring case)",
    "UserDetailList[].Arn repeats the ARN of an earlier principal"};
static const entity_spec group_spec = {
    IAM_ENTITY_GROUP, IAM_SOURCE_GROUP, "GroupName", "GroupId", "GroupPolicyList",
    "GroupDetailList[] entries must be objects",
    "GroupDetailList[].GroupName must be a non-empty string",
    "GroupDetailList[].GroupName repeats an earlier group's name (IAM names are unique ignoring case)",
    "GroupDetailList[].Arn repeats the ARN of an earlier principal"};
static const entity_spec role_spec = {
    IAM_ENTITY_ROLE, IAM_SOURCE_ROLE, "RoleName", "RoleId", "RolePolicyList",
    "RoleDetailList[] entries must be objects",
    "RoleDetailList[].RoleName must be a non-empty string",
    "RoleDetailList[].RoleName repeats an earlier role's name (IAM names are unique ignoring case)",
    "RoleDetailList[].Arn repeats the ARN of an earlier principal"};

enum { F_NAME, F_ID, F_ARN, F_PATH, F_INLINE, F_ATTACHED, F_BOUNDARY, F_TAGS, F_GROUPS, F_COUNT };

static bool load_tags(load_ctx *c, uint32_t v, iam_directory_principal *p)
{
    if (!opt_array(c, v, "Tags must be an array of {\"Key\", \"Value\"} objects"))
        return false;
    uint32_t n = array_len(c, v);
    if (n == 0)
        return true;
    iam_tag *tags = pool_alloc(c, n * sizeof *tags);
    if (tags == NULL)
        return false;
    uint32_t i = 0;
    for (uint32_t e = v + 1; i < n; e = c->tok[e].end, i++) {
        if (c->tok[e].kind != JSON_OBJECT)
            return bad(c, e, "Tags[] entries must be {\"Key\", \"Value\"} objects");
        field f[] = {{"Key", 0}, {"Value", 0}};
        if (!read_fields(c, e, f, 2))
            return false;
        tags[i].value.ptr = NULL;
        tags[i].value.len = 0;
        if (!req_string(c, e, f[0].value, false, "Tags[].Key must be a string", &tags[i].key) ||
            !opt_string(c, f[1].value, "Tags[].Value must be a string", &tags[i].value))
            return false;
    }
    p->tags = tags;
    p->tag_count = n;
    return true;
}

/* GroupList: group names, resolved ignoring case; a repeat counts once.
 * Writes the groups' indexes to idx (GroupList-length) and sets p->groups. */
static bool load_group_list(load_ctx *c, uint32_t v, size_t user, iam_directory_principal *p,
                            uint32_t *idx)
{
    uint32_t n = array_len(c, v), k = 0;
    if (n == 0)
        return true;
    iam_str *names = pool_alloc(c, n * sizeof *names);
    if (names == NULL)
        return false;
    const iam_directory_principal *groups = c->dir->entities[IAM_ENTITY_GROUP - 1];
    uint32_t i = 0;
    for (uint32_t e = v + 1; i < n; e = c->tok[e].end, i++) {
        const json_token *t = &c->tok[e];
        if (t->kind != JSON_STRING)
            return bad(c, e, "UserDetailList[].GroupList entries must be group names (strings)");
        uint32_t ref = dir_index_find(&c->dir->names[IAM_ENTITY_GROUP - 1], t->text, t->len,
                                      dir_entity_name, c->dir);
        if (ref == 0)
            return bad(c, e, "UserDetailList[].GroupList names a group that is not in GroupDetailList");
        size_t g = dir_ref_index(ref);
        if (c->group_stamp[g] == user + 1)
            continue;
        c->group_stamp[g] = (uint32_t)user + 1;
        idx[k] = (uint32_t)g;
        names[k++] = groups[g].name;
    }
    p->groups = names;
    p->group_count = k;
    return true;
}

static bool load_inline(load_ctx *c, uint32_t v, uint8_t source, iam_directory_policy *out)
{
    uint32_t n = array_len(c, v), i = 0;
    for (uint32_t e = v + 1; i < n; e = c->tok[e].end, i++) {
        if (c->tok[e].kind != JSON_OBJECT)
            return bad(c, e, "inline policy lists must hold {\"PolicyName\", \"PolicyDocument\"} objects");
        field f[] = {{"PolicyName", 0}, {"PolicyDocument", 0}};
        if (!read_fields(c, e, f, 2))
            return false;
        iam_directory_policy *p = &out[i];
        if (!req_string(c, e, f[0].value, true, "an inline policy's PolicyName must be a non-empty string",
                        &p->name))
            return false;
        if (f[1].value == 0)
            return bad(c, e, "an inline policy has no PolicyDocument");
        if (!keep_document(c, f[1].value, p))
            return false;
        p->source = source;
        p->kind = IAM_POLICY_IDENTITY;
    }
    return true;
}

static bool load_attached(load_ctx *c, uint32_t v, iam_directory_policy *out)
{
    uint32_t n = array_len(c, v), i = 0;
    for (uint32_t e = v + 1; i < n; e = c->tok[e].end, i++) {
        if (c->tok[e].kind != JSON_OBJECT)
            return bad(c, e, "AttachedManagedPolicies[] entries must be {\"PolicyName\", \"PolicyArn\"} objects");
        field f[] = {{"PolicyName", 0}, {"PolicyArn", 0}};
        if (!read_fields(c, e, f, 2))
            return false;
        uint32_t arn = f[1].value;
        if (arn == 0 || c->tok[arn].kind != JSON_STRING || c->tok[arn].len == 0)
            return bad(c, arn ? arn : e, "AttachedManagedPolicies[].PolicyArn must be a non-empty string");
        if (f[0].value != 0 && c->tok[f[0].value].kind != JSON_STRING)
            return bad(c, f[0].value, "AttachedManagedPolicies[].PolicyName must be a string");
        if (!resolve_arn(c, arn, &out[i]))
            return false;
        out[i].kind = IAM_POLICY_IDENTITY;
    }
    return true;
}

/* PermissionsBoundary: {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": ...};
 * *arn is its ARN token, or 0 when there is none. */
static bool boundary_arn(load_ctx *c, uint32_t v, uint32_t *arn)
{
    *arn = 0;
    if (v == 0)
        return true;
    if (c->tok[v].kind != JSON_OBJECT)
        return bad(c, v, "PermissionsBoundary must be an object");
    field f[] = {{"PermissionsBoundaryArn", 0}, {"PermissionsBoundaryType", 0}};
    if (!read_fields(c, v, f, 2))
        return false;
    uint32_t a = f[0].value;
    if (a == 0 || c->tok[a].kind != JSON_STRING || c->tok[a].len == 0)
        return bad(c, a ? a : v, "PermissionsBoundary.PermissionsBoundaryArn must be a non-empty string");
    if (f[1].value != 0 && c->tok[f[1].value].kind != JSON_STRING)
        return bad(c, f[1].value, "PermissionsBoundary.PermissionsBoundaryType must be a string");
    *arn = a;
    return true;
}

static bool load_entity(load_ctx *c, const entity_spec *spec, uint32_t e, size_t index,
                        iam_directory_principal *p)
{
    const bool is_user = spec->type == IAM_ENTITY_USER, is_role = spec->type == IAM_ENTITY_ROLE;
    if (c->tok[e].kind != JSON_OBJECT)
        return bad(c, e, spec->msg_entry);
    field f[F_COUNT] = {
        [F_NAME] = {spec->name_key, 0}, [F_ID] = {spec->id_key, 0}, [F_ARN] = {"Arn", 0},
        [F_PATH] = {"Path", 0}, [F_INLINE] = {spec->inline_key, 0},
        [F_ATTACHED] = {"AttachedManagedPolicies", 0},
        /* groups have neither boundaries, tags nor groups: never read */
        [F_BOUNDARY] = {is_user || is_role ? "PermissionsBoundary" : "", 0},
        [F_TAGS] = {is_user || is_role ? "Tags" : "", 0},
        [F_GROUPS] = {is_user ? "GroupList" : "", 0}};
    if (!read_fields(c, e, f, F_COUNT))
        return false;
    if (!is_user)
        f[F_GROUPS].value = 0;
    if (!is_user && !is_role)
        f[F_BOUNDARY].value = f[F_TAGS].value = 0;

    p->type = spec->type;
    p->path.ptr = "/";
    p->path.len = 1;
    if (!req_string(c, e, f[F_NAME].value, true, spec->msg_name, &p->name))
        return false;
    if (dir_index_insert(&c->dir->names[spec->type - 1], p->name.ptr, p->name.len,
                         dir_ref(spec->type, index), dir_entity_name, c->dir) != 0)
        return bad(c, f[F_NAME].value, spec->msg_dup);
    if (!opt_string(c, f[F_ID].value, "a principal's id (UserId, GroupId, RoleId) must be a string", &p->id) ||
        !opt_string(c, f[F_ARN].value, "a principal's Arn must be a string", &p->arn) ||
        !opt_string(c, f[F_PATH].value, "a principal's Path must be a string", &p->path))
        return false;
    if (p->arn.len != 0 &&
        dir_index_insert(&c->dir->arns, p->arn.ptr, p->arn.len, dir_ref(spec->type, index),
                         dir_entity_arn, c->dir) != 0)
        return bad(c, f[F_ARN].value, spec->msg_arn_dup);
    p->account = arn_account(p->arn);
    p->service_linked = is_role && has_prefix(p->path, "/aws-service-role/");
    if (!load_tags(c, f[F_TAGS].value, p) ||
        !opt_array(c, f[F_INLINE].value, "an inline policy list must be an array") ||
        !opt_array(c, f[F_ATTACHED].value, "AttachedManagedPolicies must be an array") ||
        !opt_array(c, f[F_GROUPS].value, "UserDetailList[].GroupList must be an array of group names"))
        return false;
    uint32_t boundary = 0;
    if (!boundary_arn(c, f[F_BOUNDARY].value, &boundary))
        return false;

    uint32_t *group_idx = NULL;
    if (array_len(c, f[F_GROUPS].value) != 0) {
        group_idx = pool_alloc(c, array_len(c, f[F_GROUPS].value) * sizeof *group_idx);
        if (group_idx == NULL || !load_group_list(c, f[F_GROUPS].value, index, p, group_idx))
            return false;
    }
    const iam_directory_principal *groups = c->dir->entities[IAM_ENTITY_GROUP - 1];
    uint32_t own_inline = array_len(c, f[F_INLINE].value);
    uint32_t own_attached = array_len(c, f[F_ATTACHED].value);
    uint64_t total = (uint64_t)own_inline + own_attached + (boundary != 0);
    for (uint32_t g = 0; g < p->group_count; g++)
        total += groups[group_idx[g]].policy_count;
    if (c->resolved + total > MAX_RESOLVED)
        return fail(c, IAM_E_LIMIT_ELEMENTS, e,
                    "the principals' resolved policy lists are too large (over 2,097,152 entries)");
    c->resolved += total;
    if (total == 0)
        return true;

    iam_directory_policy *list = pool_alloc(c, (size_t)total * sizeof *list);
    if (list == NULL)
        return false;
    memset(list, 0, (size_t)total * sizeof *list);
    size_t n = 0;
    if (!load_inline(c, f[F_INLINE].value, spec->inline_source, list))
        return false;
    n += own_inline;
    if (!load_attached(c, f[F_ATTACHED].value, list + n))
        return false;
    n += own_attached;
    for (uint32_t g = 0; g < p->group_count; g++) {
        const iam_directory_principal *group = &groups[group_idx[g]];
        for (uint32_t k = 0; k < group->policy_count; k++) {
            list[n] = group->policies[k];
            list[n].via = group->name;
            n++;
        }
    }
    if (boundary != 0) {
        if (!resolve_arn(c, boundary, &list[n]))
            return false;
        list[n].kind = IAM_POLICY_BOUNDARY;
        n++;
    }
    IAM_ASSERT(n == total);
    p->policies = list;
    p->policy_count = (uint32_t)n;
    return true;
}

static bool load_entities(load_ctx *c, const entity_spec *spec, uint32_t list)
{
    size_t n = array_len(c, list);
    int t = spec->type - 1;
    if (n > DIR_MAX_ENTITIES)
        return fail(c, IAM_E_LIMIT_ELEMENTS, list, "too many principals in one list");
    iam_directory_principal *entities = pool_alloc(c, n * sizeof *entities);
    if (entities == NULL)
        return false;
    memset(entities, 0, n * sizeof *entities);
    c->dir->entities[t] = entities;
    if (dir_index_init(&c->dir->names[t], n) != IAM_OK)
        return out_of_memory(c);
    size_t i = 0;
    for (uint32_t e = list ? list + 1 : 0; i < n; e = c->tok[e].end, i++) {
        if (!load_entity(c, spec, e, i, &entities[i]))
            return false;
        c->dir->counts[t] = i + 1; /* only whole entities are visible */
    }
    return true;
}

/* The first value of a member named key, or 0 (tolerant: the loading pass
 * reports malformed members). */
static uint32_t member(const load_ctx *c, uint32_t obj, const char *key)
{
    const json_token *t = c->tok;
    for (uint32_t k = obj + 1; k < t[obj].end; k = t[k + 1].end)
        if (text_equals(t[k].text, t[k].len, key))
            return k + 1;
    return 0;
}

static uint32_t member_array_len(const load_ctx *c, uint32_t obj, const char *key)
{
    uint32_t v = member(c, obj, key);
    return v != 0 && c->tok[v].kind == JSON_ARRAY ? c->tok[v].len : 0;
}

/* Before the users' and roles' lists are allocated: their total size, so
 * that a hostile export (many users in a group with many policies) fails
 * before it allocates much. Groups are loaded (and counted) already. */
static bool check_resolved_total(load_ctx *c, uint32_t users, uint32_t roles)
{
    uint64_t total = c->resolved;
    uint32_t lists[2] = {users, roles};
    const char *inline_keys[2] = {"UserPolicyList", "RolePolicyList"};
    const iam_directory_principal *groups = c->dir->entities[IAM_ENTITY_GROUP - 1];
    size_t group_count = c->dir->counts[IAM_ENTITY_GROUP - 1];
    for (int l = 0; l < 2; l++) {
        uint32_t n = array_len(c, lists[l]), i = 0;
        for (uint32_t e = lists[l] + 1; i < n; e = c->tok[e].end, i++) {
            if (c->tok[e].kind != JSON_OBJECT)
                continue;
            total += member_array_len(c, e, inline_keys[l]);
            total += member_array_len(c, e, "AttachedManagedPolicies");
            uint32_t b = member(c, e, "PermissionsBoundary");
            total += b != 0 && c->tok[b].kind == JSON_OBJECT;
            uint32_t g = l == 0 ? member(c, e, "GroupList") : 0;
            if (g != 0 && c->tok[g].kind == JSON_ARRAY) {
                for (uint32_t x = g + 1; x < c->tok[g].end; x = c->tok[x].end) {
                    if (c->tok[x].kind != JSON_STRING)
                        continue;
                    uint32_t ref = dir_index_find(&c->dir->names[IAM_ENTITY_GROUP - 1],
                                                  c->tok[x].text, c->tok[x].len,
                                                  dir_entity_name, c->dir);
                    size_t gi = dir_ref_index(ref);
                    if (ref == 0 || c->group_stamp[gi] == i + 1)
                        continue; /* a repeat counts once, as when loading */
                    c->group_stamp[gi] = i + 1;
                    total += groups[gi].policy_count;
                }
            }
            if (total > MAX_RESOLVED)
                return fail(c, IAM_E_LIMIT_ELEMENTS, e,
                            "the principals' resolved policy lists are too large (over 2,097,152 entries)");
        }
    }
    memset(c->group_stamp, 0, (group_count ? group_count : 1) * sizeof *c->group_stamp);
    return true;
}

static bool load_root(load_ctx *c)
{
    if (c->tok[0].kind != JSON_OBJECT)
        return bad(c, 0, "an account export must be a JSON object (get-account-authorization-details output)");
    enum { USERS, GROUPS, ROLES, POLICIES, TRUNCATED };
    field f[] = {{"UserDetailList", 0}, {"GroupDetailList", 0}, {"RoleDetailList", 0},
                 {"Policies", 0}, {"IsTruncated", 0}};
    if (!read_fields(c, 0, f, 5))
        return false;
    if (!opt_array(c, f[USERS].value, "UserDetailList must be an array") ||
        !opt_array(c, f[GROUPS].value, "GroupDetailList must be an array") ||
        !opt_array(c, f[ROLES].value, "RoleDetailList must be an array") ||
        !opt_array(c, f[POLICIES].value, "Policies must be an array"))
        return false;
    uint32_t trunc = f[TRUNCATED].value;
    if (trunc != 0 && c->tok[trunc].kind != JSON_TRUE && c->tok[trunc].kind != JSON_FALSE)
        return bad(c, trunc, "IsTruncated must be true or false");
    c->dir->truncated = trunc != 0 && c->tok[trunc].kind == JSON_TRUE;

    size_t groups = array_len(c, f[GROUPS].value);
    size_t all = (size_t)array_len(c, f[USERS].value) + groups + array_len(c, f[ROLES].value);
    c->group_stamp = calloc(groups ? groups : 1, sizeof *c->group_stamp);
    if (c->group_stamp == NULL || dir_index_init(&c->dir->arns, all) != IAM_OK)
        return out_of_memory(c);
    return load_policies(c, f[POLICIES].value) &&
           load_entities(c, &group_spec, f[GROUPS].value) &&
           check_resolved_total(c, f[USERS].value, f[ROLES].value) &&
           load_entities(c, &user_spec, f[USERS].value) &&
           load_entities(c, &role_spec, f[ROLES].value);
}

/* ---- entry points ---- */

static iam_status fail_whole(iam_error *err, iam_status code, const char *json, size_t len)
{
    error_set(err, code, NULL, json, len, 0);
    return code;
}

static void report_json_failure(const json_failure *f, const char *src, size_t len,
                                iam_error *err)
{
    error_set(err, f->code, f->message, src, len, f->offset);
    if (err == NULL)
        return;
    memcpy(err->path, f->path, sizeof err->path);
    if (f->offset < len && f->code != IAM_E_LIMIT_SIZE && f->code != IAM_E_JSON_EMPTY)
        error_set_near(err, src + f->offset, len - f->offset < 16 ? len - f->offset : 16);
}

iam_status iam_directory_load_with_limits(const char *json, size_t len, const iam_limits *limits,
                                          iam_directory **out, iam_error *err) /* see iamgate_directory.h */
{
    if (out != NULL)
        *out = NULL;
    if (out == NULL || (json == NULL && len != 0))
        return fail_whole(err, IAM_E_ARG, NULL, 0);
    size_t max_doc = DEFAULT_MAX_DOCUMENT;
    json_limits jl = {DEFAULT_MAX_STRING, DEFAULT_MAX_DEPTH, UINT32_MAX};
    if (limits != NULL) {
        if (limits->max_document_bytes) max_doc = limits->max_document_bytes;
        if (limits->max_string_bytes) jl.max_string_bytes = limits->max_string_bytes;
        if (limits->max_depth) jl.max_depth = limits->max_depth;
        if (limits->max_array_elements) jl.max_array_elements = limits->max_array_elements;
        if (jl.max_depth > HARD_MAX_DEPTH)
            return fail_whole(err, IAM_E_ARG, NULL, 0);
    }
    if (max_doc > JSON_MAX_BYTES)
        max_doc = JSON_MAX_BYTES;
    if (len > max_doc)
        return fail_whole(err, IAM_E_LIMIT_SIZE, json, len);

    iam_directory *dir = calloc(1, sizeof *dir);
    char *text = malloc(len + 1);
    json_reader *reader = json_reader_create();
    if (dir == NULL || text == NULL || reader == NULL) {
        free(dir);
        free(text);
        json_reader_destroy(reader);
        return fail_whole(err, IAM_E_NOMEM, json, len);
    }
    if (len != 0)
        memcpy(text, json, len);
    text[len] = '\0';
    dir->text = text;
    dir->len = len;

    load_ctx c;
    memset(&c, 0, sizeof c);
    c.dir = dir;
    c.src = text;
    c.len = len;
    c.err = err;
    json_failure jf;
    iam_status s = json_reader_parse(reader, text, len, &jl, &c.doc, &jf);
    if (s != IAM_OK) {
        report_json_failure(&jf, text, len, err);
    } else {
        c.tok = c.doc.tokens;
        s = load_root(&c) ? IAM_OK : c.code;
    }
    json_reader_destroy(reader);
    free(c.managed);
    dir_index_free(&c.managed_index);
    free(c.group_stamp);
    if (s != IAM_OK) {
        iam_directory_destroy(dir);
        return s;
    }
    if (err != NULL)
        err->code = IAM_OK;
    *out = dir;
    return IAM_OK;
}

iam_status iam_directory_load(const char *json, size_t len, iam_directory **out,
                              iam_error *err) /* see iamgate_directory.h */
{
    return iam_directory_load_with_limits(json, len, NULL, out, err);
}
