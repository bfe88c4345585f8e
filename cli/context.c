/* Request context for `iamgate simulate` (see context.h). */
#include "context.h"

#include "cli.h"
#include "cli_json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void entry_free(cli_ctx_entry *e)
{
    free(e->key);
    for (size_t i = 0; i < e->count; i++)
        free(e->values[i]);
    free(e->values);
}

void cli_context_free(cli_context *c)
{
    for (size_t i = 0; i < c->count; i++)
        entry_free(&c->items[i]);
    free(c->items);
    free(c->view);
    free(c->view_values);
    memset(c, 0, sizeof *c);
}

static char *copy_text(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s != NULL) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

bool cli_context_set(cli_context *c, const char *key, size_t key_len, const iam_str *values,
                     size_t count, bool multi)
{
    cli_ctx_entry e = {copy_text(key, key_len), calloc(count ? count : 1, sizeof(char *)), 0, multi};
    bool ok = e.key != NULL && e.values != NULL;
    for (; ok && e.count < count; e.count++)
        ok = (e.values[e.count] = copy_text(values[e.count].ptr, values[e.count].len)) != NULL;
    size_t slot = c->count;
    for (size_t i = 0; i < c->count; i++)
        if (strcasecmp(c->items[i].key, e.key != NULL ? e.key : "") == 0)
            slot = i;
    if (ok && slot == c->count && c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        cli_ctx_entry *items = realloc(c->items, cap * sizeof *items);
        ok = items != NULL;
        if (ok) {
            c->items = items;
            c->cap = cap;
        }
    }
    if (!ok) {
        entry_free(&e);
        return false;
    }
    if (slot < c->count)
        entry_free(&c->items[slot]);
    else
        c->count++;
    c->items[slot] = e;
    return true;
}

bool cli_context_set1(cli_context *c, const char *key, const char *value)
{
    iam_str v = {value, strlen(value)};
    return cli_context_set(c, key, strlen(key), &v, 1, false);
}

/* ---- ContextKeyType ---- */

static const char *const scalar_types[] = {"string", "numeric", "boolean", "ip", "binary", "date"};

/* Whether type is one of the simulator's twelve; *multi for the ...List ones. */
static bool known_type(const char *type, size_t len, bool *multi)
{
    for (size_t i = 0; i < sizeof scalar_types / sizeof *scalar_types; i++) {
        size_t n = strlen(scalar_types[i]);
        if (len == n && strncasecmp(type, scalar_types[i], n) == 0) {
            *multi = false;
            return true;
        }
        if (len == n + 4 && strncasecmp(type, scalar_types[i], n) == 0 &&
            strncasecmp(type + n, "list", 4) == 0) {
            *multi = true;
            return true;
        }
    }
    return false;
}

static bool bool_text(iam_str v)
{
    return (v.len == 4 && strncasecmp(v.ptr, "true", 4) == 0) ||
           (v.len == 5 && strncasecmp(v.ptr, "false", 5) == 0);
}

/* Checks one entry as the simulator does and stores it. */
static bool add_entry(cli_context *c, iam_str key, iam_str type, const iam_str *values,
                      size_t count, const char *where)
{
    bool multi = false;
    if (key.len < 5 || key.len > 256) {
        fprintf(stderr, "iamgate simulate: %s: ContextKeyName must be 5 to 256 characters\n", where);
        return false;
    }
    for (size_t i = 0; i < count; i++)
        if (values[i].len > 0 && memchr(values[i].ptr, '\0', values[i].len) != NULL) {
            fprintf(stderr, "iamgate simulate: %s: context values cannot hold NUL\n", where);
            return false;
        }
    if (memchr(key.ptr, '\0', key.len) != NULL) {
        fprintf(stderr, "iamgate simulate: %s: context keys cannot hold NUL\n", where);
        return false;
    }
    if (type.len == 0)
        type = (iam_str){"string", 6};
    if (!known_type(type.ptr, type.len, &multi)) {
        fprintf(stderr, "iamgate simulate: %s: unknown ContextKeyType '%.*s' (string, stringList, "
                        "numeric, numericList, boolean, booleanList, ip, ipList, binary, "
                        "binaryList, date, dateList)\n", where, (int)type.len, type.ptr);
        return false;
    }
    if (!multi && count != 1) {
        fprintf(stderr, "iamgate simulate: %s: key %.*s of scalar type %.*s needs exactly one "
                        "value (use %.*sList for several)\n", where, (int)key.len, key.ptr,
                (int)type.len, type.ptr, (int)type.len, type.ptr);
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        if (strncasecmp(type.ptr, "boolean", 7) == 0 && !bool_text(values[i])) {
            fprintf(stderr, "iamgate simulate: %s: '%.*s' is not a boolean (true or false)\n",
                    where, (int)values[i].len, values[i].ptr);
            return false;
        }
    }
    if (!cli_context_set(c, key.ptr, key.len, values, count, multi)) {
        fprintf(stderr, "iamgate simulate: out of memory\n");
        return false;
    }
    return true;
}

/* ---- the JSON form ---- */

static bool json_entry(cli_context *c, cli_json *j, uint32_t obj, const char *where)
{
    uint32_t name = cli_member(j, obj, "ContextKeyName");
    uint32_t vals = cli_member(j, obj, "ContextKeyValues");
    uint32_t type = cli_member(j, obj, "ContextKeyType");
    if (!cli_is(j, name, JSON_STRING) || !cli_is(j, vals, JSON_ARRAY) ||
        (type != CLI_NO_TOKEN && !cli_is(j, type, JSON_STRING))) {
        fprintf(stderr, "iamgate simulate: %s: a context entry needs ContextKeyName (string), "
                        "ContextKeyValues (array of strings) and ContextKeyType (string)\n", where);
        return false;
    }
    uint32_t n = cli_count(j, vals);
    iam_str *values = calloc(n ? n : 1, sizeof *values);
    if (values == NULL)
        return false;
    uint32_t t = vals + 1;
    bool ok = true;
    for (uint32_t i = 0; ok && i < n; i++, t = cli_next(j, t)) {
        ok = cli_is(j, t, JSON_STRING);
        if (ok)
            values[i] = cli_text(j, t);
        else
            fprintf(stderr, "iamgate simulate: %s: ContextKeyValues must be strings\n", where);
    }
    iam_str type_text = type != CLI_NO_TOKEN ? cli_text(j, type) : (iam_str){"", 0};
    ok = ok && add_entry(c, cli_text(j, name), type_text, values, n, where);
    free(values);
    return ok;
}

static bool parse_json_arg(cli_context *c, const char *arg, size_t len)
{
    cli_json j;
    iam_error err;
    if (!cli_json_init(&j))
        return false;
    bool ok = cli_json_parse(&j, arg, len, &err) == IAM_OK;
    if (!ok)
        cli_print_error(stderr, "--context-entries", &err, arg, len);
    if (ok && cli_is(&j, 0, JSON_OBJECT)) {
        ok = json_entry(c, &j, 0, "--context-entries");
    } else if (ok && cli_is(&j, 0, JSON_ARRAY)) {
        uint32_t t = 1;
        for (uint32_t i = 0; ok && i < cli_count(&j, 0); i++, t = cli_next(&j, t))
            ok = json_entry(c, &j, t, "--context-entries");
    } else if (ok) {
        fprintf(stderr, "iamgate simulate: --context-entries: expected an object or an array\n");
        ok = false;
    }
    cli_json_free(&j);
    return ok;
}

/* ---- the shorthand form ---- */

/* Splits s at top-level commas (not inside [] or quotes). */
static size_t split_items(const char *s, iam_str *items, size_t cap)
{
    size_t n = 0, start = 0, depth = 0;
    char quote = 0;
    for (size_t i = 0;; i++) {
        char ch = s[i];
        if (quote) {
            if (ch == quote)
                quote = 0;
            else if (ch == '\0')
                return 0;
            continue;
        }
        if (ch == '"' || ch == '\'')
            quote = ch;
        else if (ch == '[')
            depth++;
        else if (ch == ']' && depth > 0)
            depth--;
        if ((ch == ',' && depth == 0) || ch == '\0') {
            if (n == cap)
                return 0;
            items[n++] = (iam_str){s + start, i - start};
            start = i + 1;
        }
        if (ch == '\0')
            return n;
    }
}

static iam_str unquote(iam_str v)
{
    if (v.len >= 2 && (v.ptr[0] == '"' || v.ptr[0] == '\'') && v.ptr[v.len - 1] == v.ptr[0])
        return (iam_str){v.ptr + 1, v.len - 2};
    return v;
}

enum { SH_NONE, SH_NAME, SH_VALUES, SH_TYPE };

static int field_of(iam_str item, size_t *eq)
{
    static const char *const names[] = {"ContextKeyName=", "ContextKeyValues=", "ContextKeyType="};
    for (int f = 0; f < 3; f++) {
        size_t n = strlen(names[f]);
        if (item.len >= n && memcmp(item.ptr, names[f], n) == 0) {
            *eq = n;
            return SH_NAME + f;
        }
    }
    return SH_NONE;
}

/* Appends v (or the comma-separated items of "[a,b]") to values. */
static bool push_values(iam_str v, iam_str *values, size_t *count, size_t cap)
{
    if (v.len >= 2 && v.ptr[0] == '[' && v.ptr[v.len - 1] == ']') {
        const char *p = v.ptr + 1, *end = v.ptr + v.len - 1;
        while (p <= end) {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            const char *stop = comma != NULL ? comma : end;
            if (*count == cap)
                return false;
            if (stop > p || comma != NULL)
                values[(*count)++] = unquote((iam_str){p, (size_t)(stop - p)});
            p = stop + 1;
        }
        return true;
    }
    if (*count == cap)
        return false;
    values[(*count)++] = unquote(v);
    return true;
}

static bool parse_shorthand(cli_context *c, const char *arg)
{
    enum { CAP = 256 };
    iam_str items[CAP], values[CAP];
    size_t n = split_items(arg, items, CAP), count = 0;
    iam_str name = {"", 0}, type = {"", 0};
    int current = SH_NONE;
    bool ok = n > 0;
    for (size_t i = 0; ok && i < n; i++) {
        size_t eq = 0;
        int f = field_of(items[i], &eq);
        iam_str rest = {items[i].ptr + eq, items[i].len - eq};
        if (f == SH_NONE && current == SH_VALUES)
            ok = push_values(items[i], values, &count, CAP);
        else if (f == SH_NAME)
            name = unquote(rest);
        else if (f == SH_TYPE)
            type = unquote(rest);
        else if (f == SH_VALUES)
            ok = push_values(rest, values, &count, CAP);
        else
            ok = false;
        if (f != SH_NONE)
            current = f;
    }
    if (!ok || name.len == 0) {
        fprintf(stderr, "iamgate simulate: --context-entries '%s': expected "
                        "ContextKeyName=KEY,ContextKeyValues=V1,V2,ContextKeyType=TYPE or JSON\n", arg);
        return false;
    }
    return add_entry(c, name, type, values, count, "--context-entries");
}

bool cli_context_parse_arg(cli_context *c, const char *arg)
{
    if (strncmp(arg, "file://", 7) == 0) {
        cli_file file;
        if (!cli_read_file(arg + 7, &file))
            return false;
        bool ok = parse_json_arg(c, file.data, file.len);
        cli_file_free(&file);
        return ok;
    }
    const char *p = arg;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    if (*p == '{' || *p == '[')
        return parse_json_arg(c, arg, strlen(arg));
    return parse_shorthand(c, arg);
}

/* ---- synthesis (spec §5.2) ---- */

static bool set_tags(cli_context *c, const iam_directory_principal *p)
{
    bool ok = true;
    for (uint32_t i = 0; ok && i < p->tag_count; i++) {
        char key[320];
        int n = snprintf(key, sizeof key, "aws:PrincipalTag/%.*s", (int)p->tags[i].key.len,
                         p->tags[i].key.ptr);
        ok = n > 0 && (size_t)n < sizeof key &&
             cli_context_set(c, key, (size_t)n, &p->tags[i].value, 1, false);
    }
    return ok;
}

bool cli_context_synthesise(cli_context *c, const iam_directory_principal *p, long long now)
{
    char iso[32], epoch[32], userid[600];
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(epoch, sizeof epoch, "%lld", now);
    bool role = p->type == IAM_ENTITY_ROLE, user = p->type == IAM_ENTITY_USER;
    bool ok = cli_context_set1(c, "aws:SecureTransport", "true") &&
              cli_context_set1(c, "aws:CurrentTime", iso) &&
              cli_context_set1(c, "aws:EpochTime", epoch) &&
              cli_context_set1(c, "aws:PrincipalIsAWSService", "false") &&
              cli_context_set1(c, "aws:ViaAWSService", "false");
    if (!ok || (!role && !user))
        return ok;
    snprintf(userid, sizeof userid, "%.*s%s%.*s", (int)p->id.len, p->id.ptr, role ? ":" : "",
             role ? (int)(p->session_name.len ? p->session_name.len : 10) : 0,
             p->session_name.len ? p->session_name.ptr : "simulation");
    char arn[2100], account[40];
    snprintf(arn, sizeof arn, "%.*s", (int)p->arn.len, p->arn.ptr);
    snprintf(account, sizeof account, "%.*s", (int)p->account.len, p->account.ptr);
    ok = cli_context_set1(c, "aws:PrincipalArn", arn) &&
         cli_context_set1(c, "aws:PrincipalAccount", account) &&
         cli_context_set1(c, "aws:PrincipalType", role ? "AssumedRole" : "User") &&
         cli_context_set1(c, "aws:userid", userid) && set_tags(c, p);
    if (ok && user) {
        char name[200];
        snprintf(name, sizeof name, "%.*s", (int)p->name.len, p->name.ptr);
        ok = cli_context_set1(c, "aws:username", name);
    }
    if (ok && role) /* role credentials are always temporary */
        ok = cli_context_set1(c, "aws:TokenIssueTime", iso) &&
             cli_context_set1(c, "aws:MultiFactorAuthPresent", "false");
    return ok;
}

bool cli_context_view(cli_context *c, const iam_context_entry **entries, uint32_t *count)
{
    size_t total = 0;
    for (size_t i = 0; i < c->count; i++)
        total += c->items[i].count;
    free(c->view);
    free(c->view_values);
    c->view = calloc(c->count ? c->count : 1, sizeof *c->view);
    c->view_values = calloc(total ? total : 1, sizeof *c->view_values);
    if (c->view == NULL || c->view_values == NULL)
        return false;
    size_t used = 0;
    for (size_t i = 0; i < c->count; i++) {
        const cli_ctx_entry *e = &c->items[i];
        c->view[i] = (iam_context_entry){{e->key, strlen(e->key)}, &c->view_values[used],
                                         (uint32_t)e->count, e->multi};
        for (size_t v = 0; v < e->count; v++)
            c->view_values[used++] = (iam_str){e->values[v], strlen(e->values[v])};
    }
    *entries = c->view;
    *count = (uint32_t)c->count;
    return true;
}
