/*
 * test_directory.c — the account-export directory (iamgate_directory.h,
 * spec §7): resolution order of users, groups and roles (§7.3), the three
 * document encodings, effective managed versions, built-in AWS managed
 * policies, GroupList, lookups (name, ARN, assumed-role session), "did you
 * mean" suggestions, positioned errors on hostile exports (line and column
 * computed by hand from the literals below), and the CLI fixture
 * tests/cli/fixtures/account-details.json.
 */
#include "test_util.h"
#include "iamgate_catalog.h"
#include "iamgate_directory.h"

/* ---- helpers ---- */

static bool str_is(iam_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && (n == 0 || memcmp(s.ptr, lit, n) == 0);
}

static bool str_has(iam_str s, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t i = 0; n <= s.len && i + n <= s.len; i++)
        if (memcmp(s.ptr + i, lit, n) == 0)
            return true;
    return false;
}

static iam_directory *load_ok_at(int line, const char *json)
{
    iam_directory *dir = NULL;
    iam_error err;
    memset(&err, 0, sizeof err);
    iam_status s = iam_directory_load(json, strlen(json), &dir, &err);
    test_checks++;
    if (s != IAM_OK || dir == NULL) {
        test_failures++;
        char buf[512];
        iam_error_format(&err, "export", buf, sizeof buf);
        fprintf(stderr, "%s:%d: load failed: %s: %s\n", __FILE__, line, iam_status_name(s), buf);
    }
    return dir;
}
#define LOAD_OK(json) load_ok_at(__LINE__, json)

/* Loads json expecting code at line:column with JSON pointer path and a
 * message containing msg (NULL: any). */
static void expect_error_at(int at, const char *json, size_t len, const iam_limits *limits,
                            iam_status code, uint32_t line, uint32_t column, const char *path,
                            const char *msg)
{
    iam_directory *dir = (iam_directory *)&dir; /* must be reset to NULL */
    iam_error err;
    memset(&err, 0, sizeof err);
    iam_status s = iam_directory_load_with_limits(json, len, limits, &dir, &err);
    test_checks++;
    bool ok = s == code && err.code == code && dir == NULL && err.line == line &&
              err.column == column && (path == NULL || strcmp(err.path, path) == 0) &&
              (msg == NULL || (err.message != NULL && strstr(err.message, msg) != NULL));
    if (!ok) {
        test_failures++;
        fprintf(stderr,
                "%s:%d: expected %s at %u:%u %s (\"%s\"), got %s at %u:%u %s: %s%s\n",
                __FILE__, at, iam_status_name(code), line, column, path ? path : "*",
                msg ? msg : "*", iam_status_name(s), err.line, err.column, err.path,
                err.message ? err.message : "(null)", dir == NULL ? "" : " (dir not NULL)");
        if (s == IAM_OK)
            iam_directory_destroy(dir);
    }
}
#define EXPECT_ERROR(json, code, line, column, path, msg)                                \
    expect_error_at(__LINE__, json, strlen(json), NULL, code, line, column, path, msg)

static void check_policy_at(int at, const iam_directory_principal *p, uint32_t index,
                            const char *name, iam_policy_source source, const char *via,
                            iam_policy_kind kind, const char *version_id)
{
    test_checks++;
    if (index >= p->policy_count) {
        test_failures++;
        fprintf(stderr, "%s:%d: %.*s has %u policies, wanted #%u\n", __FILE__, at,
                (int)p->name.len, p->name.ptr, p->policy_count, index);
        return;
    }
    const iam_directory_policy *q = &p->policies[index];
    if (!str_is(q->name, name) || q->source != source || !str_is(q->via, via) ||
        q->kind != kind || !str_is(q->version_id, version_id)) {
        test_failures++;
        fprintf(stderr,
                "%s:%d: %.*s policy #%u: expected %s/%s/via '%s'/kind %d/'%s', "
                "got %.*s/%s/via '%.*s'/kind %d/'%.*s'\n",
                __FILE__, at, (int)p->name.len, p->name.ptr, index, name,
                iam_policy_source_name(source), via, (int)kind, version_id, (int)q->name.len,
                q->name.ptr, iam_policy_source_name((iam_policy_source)q->source),
                (int)q->via.len, q->via.ptr, q->kind, (int)q->version_id.len,
                q->version_id.ptr);
    }
}
#define CHECK_POLICY(p, i, name, source, via, kind, version)                             \
    check_policy_at(__LINE__, p, i, name, source, via, kind, version)

static iam_directory_principal find(const iam_directory *dir, const char *name)
{
    iam_directory_principal p;
    iam_status s = iam_directory_find(dir, name, strlen(name), &p);
    if (s != IAM_OK)
        fprintf(stderr, "find(%s): %s\n", name, iam_status_name(s));
    CHECK_STATUS(s, IAM_OK);
    return p;
}

/* ---- resolution order (spec §7.3) ---- */

static const char order_export[] =
    "{\n"
    " \"UserDetailList\": [{\n"
    "  \"UserName\": \"u1\", \"Arn\": \"arn:aws:iam::123456789012:user/team/u1\",\n"
    "  \"UserId\": \"AIDAU1\", \"Path\": \"/team/\",\n"
    "  \"GroupList\": [\"g2\", \"G1\", \"g2\"],\n"
    "  \"UserPolicyList\": [{\"PolicyName\": \"ui\", \"PolicyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"a:b\", \"Resource\": \"*\"}]}}],\n"
    "  \"AttachedManagedPolicies\": [{\"PolicyName\": \"CM\", \"PolicyArn\": \"arn:aws:iam::123456789012:policy/CM\"}],\n"
    "  \"PermissionsBoundary\": {\"PermissionsBoundaryType\": \"Policy\", \"PermissionsBoundaryArn\": \"arn:aws:iam::123456789012:policy/Bound\"},\n"
    "  \"Tags\": [{\"Key\": \"dept\", \"Value\": \"it\"}, {\"Key\": \"k\"}],\n"
    "  \"SomethingNew\": {\"x\": [1, 2, {\"y\": null}]}\n"
    " }],\n"
    " \"GroupDetailList\": [\n"
    "  {\"GroupName\": \"g1\", \"Arn\": \"arn:aws:iam::123456789012:group/g1\",\n"
    "   \"GroupPolicyList\": [{\"PolicyName\": \"g1i\", \"PolicyDocument\": {\"Statement\": []}}],\n"
    "   \"AttachedManagedPolicies\": [{\"PolicyName\": \"CM\", \"PolicyArn\": \"arn:aws:iam::123456789012:policy/CM\"}]},\n"
    "  {\"GroupName\": \"g2\", \"GroupPolicyList\": [{\"PolicyName\": \"g2a\", \"PolicyDocument\": {}},\n"
    "                                            {\"PolicyName\": \"g2b\", \"PolicyDocument\": {}}]}\n"
    " ],\n"
    " \"RoleDetailList\": [{\"RoleName\": \"r1\", \"Path\": \"/svc/\", \"Arn\": \"arn:aws:iam::123456789012:role/svc/r1\",\n"
    "   \"RolePolicyList\": [{\"PolicyName\": \"ri\", \"PolicyDocument\": {\"Statement\": {}}}],\n"
    "   \"AttachedManagedPolicies\": [{\"PolicyName\": \"CM\", \"PolicyArn\": \"arn:aws:iam::123456789012:policy/CM\"}],\n"
    "   \"PermissionsBoundary\": {\"PermissionsBoundaryArn\": \"arn:aws:iam::123456789012:policy/Bound\"},\n"
    "   \"Tags\": null, \"RoleLastUsed\": {}}],\n"
    " \"Policies\": [\n"
    "  {\"PolicyName\": \"CM\", \"Arn\": \"arn:aws:iam::123456789012:policy/CM\", \"DefaultVersionId\": \"v2\",\n"
    "   \"PolicyVersionList\": [{\"VersionId\": \"v2\", \"IsDefaultVersion\": true, \"Document\": {\"Id\": \"cm-v2\"}},\n"
    "                         {\"VersionId\": \"v1\", \"IsDefaultVersion\": false, \"Document\": {\"Id\": \"cm-v1\"}}]},\n"
    "  {\"PolicyName\": \"Bound\", \"Arn\": \"arn:aws:iam::123456789012:policy/Bound\", \"DefaultVersionId\": \"v1\",\n"
    "   \"PolicyVersionList\": [{\"VersionId\": \"v1\", \"IsDefaultVersion\": true, \"Document\": {\"Id\": \"bound\"}}]}\n"
    " ],\n"
    " \"IsTruncated\": false, \"Marker\": null\n"
    "}\n";

static void test_order(void)
{
    iam_directory *dir = LOAD_OK(order_export);
    if (dir == NULL)
        return;
    CHECK_EQ_INT(iam_directory_count(dir, IAM_ENTITY_USER), 1);
    CHECK_EQ_INT(iam_directory_count(dir, IAM_ENTITY_GROUP), 2);
    CHECK_EQ_INT(iam_directory_count(dir, IAM_ENTITY_ROLE), 1);
    CHECK(!iam_directory_is_truncated(dir));

    iam_directory_principal u = find(dir, "u1");
    CHECK_EQ_INT(u.type, IAM_ENTITY_USER);
    CHECK(str_is(u.arn, "arn:aws:iam::123456789012:user/team/u1"));
    CHECK(str_is(u.account, "123456789012"));
    CHECK(str_is(u.id, "AIDAU1"));
    CHECK(str_is(u.path, "/team/"));
    CHECK(!u.service_linked);
    CHECK_EQ_INT(u.session_name.len, 0);
    /* GroupList order, canonical names, the repeated g2 once */
    CHECK_EQ_INT(u.group_count, 2);
    if (u.group_count == 2) {
        CHECK(str_is(u.groups[0], "g2"));
        CHECK(str_is(u.groups[1], "g1"));
    }
    CHECK_EQ_INT(u.tag_count, 2);
    if (u.tag_count == 2) {
        CHECK(str_is(u.tags[0].key, "dept") && str_is(u.tags[0].value, "it"));
        CHECK(str_is(u.tags[1].key, "k") && u.tags[1].value.len == 0);
    }
    /* user inline, user attached, g2 (inline x2), g1 (inline, attached), boundary */
    CHECK_EQ_INT(u.policy_count, 7);
    CHECK_POLICY(&u, 0, "ui", IAM_SOURCE_USER, "", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&u, 1, "CM", IAM_SOURCE_USER_MANAGED, "", IAM_POLICY_IDENTITY, "v2");
    CHECK_POLICY(&u, 2, "g2a", IAM_SOURCE_GROUP, "g2", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&u, 3, "g2b", IAM_SOURCE_GROUP, "g2", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&u, 4, "g1i", IAM_SOURCE_GROUP, "g1", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&u, 5, "CM", IAM_SOURCE_USER_MANAGED, "g1", IAM_POLICY_IDENTITY, "v2");
    CHECK_POLICY(&u, 6, "Bound", IAM_SOURCE_USER_MANAGED, "", IAM_POLICY_BOUNDARY, "v1");
    if (u.policy_count == 7) {
        /* object documents: the exact export text, placed */
        const char *ui = strstr(order_export, "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\"");
        CHECK(u.policies[0].in_export);
        CHECK_EQ_INT(u.policies[0].export_offset, ui - order_export);
        CHECK(str_is(u.policies[0].document,
                     "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
                     "\"Action\": \"a:b\", \"Resource\": \"*\"}]}"));
        CHECK(u.policies[0].arn.len == 0);
        CHECK(str_is(u.policies[1].arn, "arn:aws:iam::123456789012:policy/CM"));
        CHECK(str_is(u.policies[1].document, "{\"Id\": \"cm-v2\"}"));
        CHECK(u.policies[1].in_export);
        CHECK_EQ_INT(u.policies[1].export_offset, strstr(order_export, "{\"Id\": \"cm-v2\"}") - order_export);
        CHECK(str_is(u.policies[2].document, "{}"));
        CHECK(str_is(u.policies[4].document, "{\"Statement\": []}"));
        CHECK(u.policies[5].document.ptr == u.policies[1].document.ptr); /* decoded once */
        CHECK(str_is(u.policies[6].document, "{\"Id\": \"bound\"}"));
    }

    iam_directory_principal g = find(dir, "G2");
    CHECK_EQ_INT(g.type, IAM_ENTITY_GROUP);
    CHECK(str_is(g.name, "g2"));
    CHECK(str_is(g.path, "/")); /* Path absent */
    CHECK_EQ_INT(g.arn.len, 0);
    CHECK_EQ_INT(g.account.len, 0);
    CHECK_EQ_INT(g.policy_count, 2);
    CHECK_POLICY(&g, 0, "g2a", IAM_SOURCE_GROUP, "", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&g, 1, "g2b", IAM_SOURCE_GROUP, "", IAM_POLICY_IDENTITY, "");
    g = find(dir, "g1");
    CHECK_EQ_INT(g.policy_count, 2);
    CHECK_POLICY(&g, 0, "g1i", IAM_SOURCE_GROUP, "", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&g, 1, "CM", IAM_SOURCE_USER_MANAGED, "", IAM_POLICY_IDENTITY, "v2");

    iam_directory_principal r = find(dir, "R1");
    CHECK_EQ_INT(r.type, IAM_ENTITY_ROLE);
    CHECK(str_is(r.path, "/svc/"));
    CHECK(!r.service_linked);
    CHECK_EQ_INT(r.tag_count, 0); /* "Tags": null */
    CHECK_EQ_INT(r.group_count, 0);
    CHECK_EQ_INT(r.policy_count, 3);
    CHECK_POLICY(&r, 0, "ri", IAM_SOURCE_ROLE, "", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&r, 1, "CM", IAM_SOURCE_USER_MANAGED, "", IAM_POLICY_IDENTITY, "v2");
    CHECK_POLICY(&r, 2, "Bound", IAM_SOURCE_USER_MANAGED, "", IAM_POLICY_BOUNDARY, "v1");

    /* iam_directory_at gives what find gives */
    iam_directory_principal a;
    CHECK_STATUS(iam_directory_at(dir, IAM_ENTITY_GROUP, 1, &a), IAM_OK);
    CHECK(str_is(a.name, "g2") && a.policies == find(dir, "g2").policies);
    CHECK_STATUS(iam_directory_at(dir, IAM_ENTITY_GROUP, 2, &a), IAM_E_NOT_FOUND);
    CHECK_STATUS(iam_directory_at(dir, IAM_ENTITY_USER, 0, &a), IAM_OK);
    CHECK(a.policies == u.policies);
    CHECK_STATUS(iam_directory_at(dir, (iam_entity_type)7, 0, &a), IAM_E_ARG);
    CHECK_STATUS(iam_directory_at(NULL, IAM_ENTITY_USER, 0, &a), IAM_E_ARG);
    CHECK_EQ_INT(iam_directory_count(dir, (iam_entity_type)0), 0);
    CHECK_EQ_INT(iam_directory_count(NULL, IAM_ENTITY_USER), 0);
    iam_directory_destroy(dir);
}

/* The input may be freed after loading: the directory keeps its own copy. */
static void test_owns_memory(void)
{
    size_t len = strlen(order_export);
    char *copy = malloc(len);
    if (copy == NULL)
        return;
    memcpy(copy, order_export, len);
    iam_directory *dir = NULL;
    CHECK_STATUS(iam_directory_load(copy, len, &dir, NULL), IAM_OK);
    memset(copy, 'x', len);
    free(copy);
    if (dir == NULL)
        return;
    iam_directory_principal u = find(dir, "u1");
    CHECK_EQ_INT(u.policy_count, 7);
    if (u.policy_count == 7)
        CHECK(str_is(u.policies[6].document, "{\"Id\": \"bound\"}"));
    CHECK(str_is(u.name, "u1"));
    iam_directory_destroy(dir);
}

/* ---- document encodings (spec §7.4) ---- */

static void test_encodings(void)
{
    static const char json[] =
        "{\"RoleDetailList\": [{\"RoleName\": \"enc\", \"RolePolicyList\": [\n"
        " {\"PolicyName\": \"obj\", \"PolicyDocument\": {\"a\": \"}\\\"{\", \"b\": [{}]}},\n"
        " {\"PolicyName\": \"str\", \"PolicyDocument\": \" \\n{\\\"Version\\\": \\\"2012-10-17\\\"}\"},\n"
        " {\"PolicyName\": \"pct\", \"PolicyDocument\": \"%7b%22Sid%22%3A%22a+b%22%2C%22x%22%3a%22%25%22%7D\"},\n"
        " {\"PolicyName\": \"pct-blank\", \"PolicyDocument\": \"%20%7B%7D\"},\n"
        " {\"PolicyName\": \"esc\\u00e9\", \"PolicyDocument\": \"\\u0025\\u0037B%7d\"},\n"
        " {\"PolicyName\": \"empty\", \"PolicyDocument\": \"\"}\n"
        "]}]}";
    iam_directory *dir = LOAD_OK(json);
    if (dir == NULL)
        return;
    iam_directory_principal r = find(dir, "enc");
    CHECK_EQ_INT(r.policy_count, 6);
    if (r.policy_count == 6) {
        const iam_directory_policy *p = r.policies;
        /* braces inside strings do not end the object */
        CHECK(str_is(p[0].document, "{\"a\": \"}\\\"{\", \"b\": [{}]}"));
        CHECK(p[0].in_export);
        CHECK_EQ_INT(p[0].export_offset, strstr(json, "{\"a\"") - json);
        /* a JSON string holding the document: decoded, kept as is */
        CHECK(str_is(p[1].document, " \n{\"Version\": \"2012-10-17\"}"));
        CHECK(!p[1].in_export);
        CHECK_EQ_INT(p[1].export_offset, strstr(json, "\" \\n{") - json);
        /* percent-encoded: any hex case; '+' is not a space */
        CHECK(str_is(p[2].document, "{\"Sid\":\"a+b\",\"x\":\"%\"}"));
        CHECK(!p[2].in_export);
        CHECK(str_is(p[3].document, " {}"));
        /* JSON escapes are undone before percent-decoding */
        CHECK(str_is(p[4].name, "esc\xc3\xa9"));
        CHECK(str_is(p[4].document, "{}"));
        CHECK(str_is(p[5].document, ""));
    }
    iam_directory_destroy(dir);

    /* bad percent-encoding: the position of the '%' in the export */
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"UserPolicyList\": [\n"
                 "  {\"PolicyName\": \"p\",\n"
                 "   \"PolicyDocument\": \"%7B%zz\"}]}]}",
                 IAM_E_EXPORT_FORMAT, 3, 26, "/UserDetailList/0/UserPolicyList/0/PolicyDocument",
                 "percent");
    /* after a \u escape (6 bytes in the file, 1 decoded) */
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"UserPolicyList\": [\n"
                 "  {\"PolicyName\": \"p\",\n"
                 "   \"PolicyDocument\": \"\\u0041%7B%g1\"}]}]}",
                 IAM_E_EXPORT_FORMAT, 3, 32, "/UserDetailList/0/UserPolicyList/0/PolicyDocument",
                 "percent");
    /* after a \u escape that decodes to two UTF-8 bytes */
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"UserPolicyList\": [\n"
                 "  {\"PolicyName\": \"p\",\n"
                 "   \"PolicyDocument\": \"\\u00e9%zz\"}]}]}",
                 IAM_E_EXPORT_FORMAT, 3, 29, "/UserDetailList/0/UserPolicyList/0/PolicyDocument",
                 "percent");
    /* a '%' cut short by the end of the string */
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"UserPolicyList\": [\n"
                 "  {\"PolicyName\": \"p\",\n"
                 "   \"PolicyDocument\": \"%4\"}]}]}",
                 IAM_E_EXPORT_FORMAT, 3, 23, "/UserDetailList/0/UserPolicyList/0/PolicyDocument",
                 "percent");
    /* a document of the wrong type */
    EXPECT_ERROR("{\"GroupDetailList\": [{\"GroupName\": \"g\", \"GroupPolicyList\": [\n"
                 "  {\"PolicyName\": \"p\", \"PolicyDocument\": [1]}]}]}",
                 IAM_E_EXPORT_FORMAT, 2, 41, "/GroupDetailList/0/GroupPolicyList/0/PolicyDocument",
                 "document");
    /* an inline policy without a document, or without a name */
    EXPECT_ERROR("{\"GroupDetailList\": [{\"GroupName\": \"g\", \"GroupPolicyList\": [\n"
                 "  {\"PolicyName\": \"p\"}]}]}",
                 IAM_E_EXPORT_FORMAT, 2, 3, "/GroupDetailList/0/GroupPolicyList/0", "PolicyDocument");
    EXPECT_ERROR("{\"RoleDetailList\": [{\"RoleName\": \"r\", \"RolePolicyList\": [\n"
                 "  {\"PolicyName\": \"\", \"PolicyDocument\": {}}]}]}",
                 IAM_E_EXPORT_FORMAT, 2, 18, "/RoleDetailList/0/RolePolicyList/0/PolicyName",
                 "PolicyName");
}

/* ---- managed policies: versions, built-ins, unresolved ---- */

static void test_versions(void)
{
    /* IsDefaultVersion wins over DefaultVersionId; else DefaultVersionId */
    static const char json[] =
        "{\"Policies\": [\n"
        " {\"Arn\": \"arn:aws:iam::1:policy/path/Flag\", \"DefaultVersionId\": \"v2\", \"PolicyVersionList\": [\n"
        "   {\"VersionId\": \"v2\", \"Document\": {\"Id\": \"two\"}},\n"
        "   {\"VersionId\": \"v1\", \"IsDefaultVersion\": true, \"Document\": {\"Id\": \"one\"}}]},\n"
        " {\"Arn\": \"arn:aws:iam::1:policy/ById\", \"DefaultVersionId\": \"v3\", \"PolicyVersionList\": [\n"
        "   {\"VersionId\": \"v1\", \"Document\": \"{}\"},\n"
        "   {\"VersionId\": \"v3\", \"Document\": \"%7B%22Id%22%3A3%7D\"}]},\n"
        " {\"Arn\": \"arn:aws:iam::1:policy/Unused\", \"PolicyVersionList\": []},\n"
        " {\"Arn\": \"arn:aws:iam::aws:policy/AmazonChimeUserManagement\", \"PolicyName\": \"AmazonChimeUserManagement\",\n"
        "  \"DefaultVersionId\": \"v8\", \"PolicyVersionList\": [{\"VersionId\": \"v8\", \"IsDefaultVersion\": true, \"Document\": {\"Id\": \"um\"}}]}\n"
        "],\n"
        "\"RoleDetailList\": [{\"RoleName\": \"r\", \"AttachedManagedPolicies\": [\n"
        " {\"PolicyArn\": \"arn:aws:iam::1:policy/path/Flag\"},\n"
        " {\"PolicyName\": \"ignored\", \"PolicyArn\": \"ARN:AWS:IAM::1:POLICY/BYID\"},\n"
        " {\"PolicyArn\": \"arn:aws:iam::aws:policy/AmazonChimeUserManagement\"},\n"
        " {\"PolicyArn\": \"arn:aws:iam::aws:policy/AmazonChimeReadOnly\"},\n"
        " {\"PolicyArn\": \"arn:aws:iam::aws:policy/aws-service-role/AmazonChimeServiceRolePolicy\"}],\n"
        " \"PermissionsBoundary\": {\"PermissionsBoundaryArn\": \"arn:aws:iam::aws:policy/AmazonChimeReadOnly\"}}]}";
    iam_directory *dir = LOAD_OK(json);
    if (dir == NULL)
        return;
    iam_directory_principal r = find(dir, "r");
    CHECK_EQ_INT(r.policy_count, 6);
    /* no PolicyName: the ARN's last segment */
    CHECK_POLICY(&r, 0, "Flag", IAM_SOURCE_USER_MANAGED, "", IAM_POLICY_IDENTITY, "v1");
    CHECK_POLICY(&r, 1, "ById", IAM_SOURCE_USER_MANAGED, "", IAM_POLICY_IDENTITY, "v3");
    /* an AWS managed policy in the export: the export's version */
    CHECK_POLICY(&r, 2, "AmazonChimeUserManagement", IAM_SOURCE_AWS_MANAGED, "",
                 IAM_POLICY_IDENTITY, "v8");
    /* missing from Policies: built in */
    CHECK_POLICY(&r, 3, "AmazonChimeReadOnly", IAM_SOURCE_AWS_MANAGED, "", IAM_POLICY_IDENTITY,
                 "builtin");
    CHECK_POLICY(&r, 4, "AmazonChimeServiceRolePolicy", IAM_SOURCE_AWS_MANAGED, "",
                 IAM_POLICY_IDENTITY, "builtin");
    CHECK_POLICY(&r, 5, "AmazonChimeReadOnly", IAM_SOURCE_AWS_MANAGED, "", IAM_POLICY_BOUNDARY,
                 "builtin");
    if (r.policy_count == 6) {
        const iam_directory_policy *p = r.policies;
        CHECK(str_is(p[0].document, "{\"Id\": \"one\"}"));
        CHECK(str_is(p[0].arn, "arn:aws:iam::1:policy/path/Flag"));
        CHECK(str_is(p[1].document, "{\"Id\":3}"));
        CHECK(!p[1].in_export);
        CHECK(str_is(p[1].arn, "arn:aws:iam::1:policy/ById")); /* as in Policies */
        CHECK(str_is(p[2].document, "{\"Id\": \"um\"}"));
        const iam_managed_policy *ro = iam_managed_policy_find("AmazonChimeReadOnly", 19);
        CHECK(ro != NULL);
        if (ro != NULL) {
            CHECK(p[3].document.ptr == ro->document.ptr && p[3].document.len == ro->document.len);
            CHECK(str_has(p[3].document, "chime:List*"));
        }
        CHECK(!p[3].in_export);
        CHECK(str_is(p[3].arn, "arn:aws:iam::aws:policy/AmazonChimeReadOnly"));
        CHECK(str_is(p[4].arn, "arn:aws:iam::aws:policy/aws-service-role/AmazonChimeServiceRolePolicy"));
        CHECK(str_has(p[4].document, "iam:CreateServiceLinkedRole"));
    }
    iam_directory_destroy(dir);

    /* neither IsDefaultVersion nor a matching VersionId: unresolved where attached
     * (the error points at the policy's PolicyVersionList) */
    EXPECT_ERROR("{\"Policies\": [{\"Arn\": \"arn:aws:iam::1:policy/P\", \"DefaultVersionId\": \"v3\",\n"
                 "  \"PolicyVersionList\": [{\"VersionId\": \"v1\", \"IsDefaultVersion\": false, \"Document\": {}}]}],\n"
                 " \"RoleDetailList\": [{\"RoleName\": \"r\", \"AttachedManagedPolicies\": [\n"
                 "  {\"PolicyArn\": \"arn:aws:iam::1:policy/P\"}]}]}",
                 IAM_E_UNRESOLVED_POLICY, 2, 24, "/Policies/0/PolicyVersionList", "default version");
    /* no PolicyVersionList at all: the entry itself */
    EXPECT_ERROR("{\"Policies\": [\n"
                 "  {\"Arn\": \"arn:aws:iam::1:policy/P\"}],\n"
                 " \"RoleDetailList\": [{\"RoleName\": \"r\", \"AttachedManagedPolicies\": [\n"
                 "  {\"PolicyArn\": \"arn:aws:iam::1:policy/P\"}]}]}",
                 IAM_E_UNRESOLVED_POLICY, 2, 3, "/Policies/0", "default version");
    /* a default version without a Document (reached through a boundary) */
    EXPECT_ERROR("{\"Policies\": [{\"Arn\": \"arn:aws:iam::1:policy/P\", \"PolicyVersionList\": [\n"
                 "  {\"VersionId\": \"v1\", \"IsDefaultVersion\": true}]}],\n"
                 " \"UserDetailList\": [{\"UserName\": \"u\", \"PermissionsBoundary\": {\n"
                 "  \"PermissionsBoundaryArn\": \"arn:aws:iam::1:policy/P\"}}]}",
                 IAM_E_UNRESOLVED_POLICY, 2, 3, "/Policies/0/PolicyVersionList/0", "Document");
    /* two default versions */
    EXPECT_ERROR("{\"Policies\": [{\"Arn\": \"arn:aws:iam::1:policy/P\", \"PolicyVersionList\": [\n"
                 "  {\"VersionId\": \"v1\", \"IsDefaultVersion\": true, \"Document\": {}},\n"
                 "  {\"VersionId\": \"v2\", \"IsDefaultVersion\": true, \"Document\": {}}]}]}",
                 IAM_E_EXPORT_FORMAT, 3, 43, "/Policies/0/PolicyVersionList/1/IsDefaultVersion",
                 "IsDefaultVersion");
    /* IsDefaultVersion as a string */
    EXPECT_ERROR("{\"Policies\": [{\"Arn\": \"arn:aws:iam::1:policy/P\", \"PolicyVersionList\": [\n"
                 "  {\"VersionId\": \"v1\", \"IsDefaultVersion\": \"true\"}]}]}",
                 IAM_E_EXPORT_FORMAT, 2, 43, "/Policies/0/PolicyVersionList/0/IsDefaultVersion",
                 "IsDefaultVersion");
    /* a customer managed ARN that is not in Policies */
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\",\n"
                 "  \"AttachedManagedPolicies\": [{\"PolicyName\": \"X\",\n"
                 "    \"PolicyArn\": \"arn:aws:iam::111122223333:policy/X\"}]}]}",
                 IAM_E_UNRESOLVED_POLICY, 3, 18, "/UserDetailList/0/AttachedManagedPolicies/0/PolicyArn",
                 "Policies");
    /* an AWS managed ARN that is neither exported nor built in */
    EXPECT_ERROR("{\"GroupDetailList\": [{\"GroupName\": \"g\",\n"
                 "  \"AttachedManagedPolicies\": [\n"
                 "    {\"PolicyArn\": \"arn:aws:iam::aws:policy/NoSuchPolicyAnywhere\"}]}]}",
                 IAM_E_UNRESOLVED_POLICY, 3, 19, "/GroupDetailList/0/AttachedManagedPolicies/0/PolicyArn",
                 "built in");
    /* a boundary ARN that resolves nowhere */
    EXPECT_ERROR("{\"RoleDetailList\": [{\"RoleName\": \"r\",\n"
                 " \"PermissionsBoundary\": {\"PermissionsBoundaryArn\": \"arn:aws:iam::1:policy/B\"}}]}",
                 IAM_E_UNRESOLVED_POLICY, 2, 52, "/RoleDetailList/0/PermissionsBoundary/PermissionsBoundaryArn",
                 NULL);
    /* two Policies entries with one ARN (ignoring case) */
    EXPECT_ERROR("{\"Policies\": [{\"Arn\": \"arn:aws:iam::1:policy/P\"},\n"
                 "  {\"Arn\": \"arn:aws:iam::1:policy/p\"}]}",
                 IAM_E_EXPORT_FORMAT, 2, 11, "/Policies/1/Arn", "Arn");
}

/* ---- shapes and types ---- */

static void test_shapes(void)
{
    EXPECT_ERROR("[]", IAM_E_EXPORT_FORMAT, 1, 1, "", "JSON object");
    EXPECT_ERROR("{\n"
                 "  \"UserDetailList\": {}\n"
                 "}",
                 IAM_E_EXPORT_FORMAT, 2, 21, "/UserDetailList", "UserDetailList");
    EXPECT_ERROR("{\"Policies\": \"none\"}", IAM_E_EXPORT_FORMAT, 1, 14, "/Policies", "Policies");
    EXPECT_ERROR("{\"IsTruncated\": \"no\"}", IAM_E_EXPORT_FORMAT, 1, 17, "/IsTruncated",
                 "IsTruncated");
    EXPECT_ERROR("{\"RoleDetailList\": [\n"
                 "  \"ChimeOps\"]}",
                 IAM_E_EXPORT_FORMAT, 2, 3, "/RoleDetailList/0", "RoleDetailList");
    /* names: missing, wrong type, empty */
    EXPECT_ERROR("{\"UserDetailList\": [\n"
                 "  {\"UserId\": \"AIDA1\"}\n"
                 "]}",
                 IAM_E_EXPORT_FORMAT, 2, 3, "/UserDetailList/0", "UserName");
    EXPECT_ERROR("{\"UserDetailList\": [\n"
                 "  {\"UserName\": 5}\n"
                 "]}",
                 IAM_E_EXPORT_FORMAT, 2, 16, "/UserDetailList/0/UserName", "UserName");
    EXPECT_ERROR("{\"GroupDetailList\": [{\"GroupName\": \"\"}]}", IAM_E_EXPORT_FORMAT, 1, 36,
                 "/GroupDetailList/0/GroupName", "GroupName");
    EXPECT_ERROR("{\"RoleDetailList\": [{\"RoleName\": null}]}", IAM_E_EXPORT_FORMAT, 1, 21,
                 "/RoleDetailList/0", "RoleName");
    /* duplicate names ignoring case, per type */
    EXPECT_ERROR("{\"UserDetailList\": [\n"
                 "  {\"UserName\": \"alice\"},\n"
                 "  {\"UserName\": \"ALICE\"}\n"
                 "]}",
                 IAM_E_EXPORT_FORMAT, 3, 16, "/UserDetailList/1/UserName", "unique");
    EXPECT_ERROR("{\"RoleDetailList\": [{\"RoleName\": \"Ops\"},\n"
                 "  {\"RoleName\": \"oPS\"}]}",
                 IAM_E_EXPORT_FORMAT, 2, 16, "/RoleDetailList/1/RoleName", "unique");
    EXPECT_ERROR("{\"GroupDetailList\": [{\"GroupName\": \"Staff\"},\n"
                 "  {\"GroupName\": \"staff\"}]}",
                 IAM_E_EXPORT_FORMAT, 2, 17, "/GroupDetailList/1/GroupName", "unique");
    /* a duplicate key: the second occurrence */
    EXPECT_ERROR("{\"UserDetailList\": [\n"
                 "  {\"UserName\": \"a\",\n"
                 "   \"UserName\": \"b\"}\n"
                 "]}",
                 IAM_E_EXPORT_FORMAT, 3, 4, "/UserDetailList/0/UserName", "duplicate key");
    /* optional strings of the wrong type */
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"Path\": 1}]}", IAM_E_EXPORT_FORMAT,
                 1, 47, "/UserDetailList/0/Path", "Path");
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"Arn\": []}]}", IAM_E_EXPORT_FORMAT,
                 1, 46, "/UserDetailList/0/Arn", "Arn");
    /* tags */
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"Tags\": {\"dept\": \"it\"}}]}",
                 IAM_E_EXPORT_FORMAT, 1, 47, "/UserDetailList/0/Tags", "Tags");
    EXPECT_ERROR("{\"RoleDetailList\": [{\"RoleName\": \"r\", \"Tags\": [{\"Value\": \"x\"}]}]}",
                 IAM_E_EXPORT_FORMAT, 1, 48, "/RoleDetailList/0/Tags/0", "Key");
    /* inline and attached lists */
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"UserPolicyList\": {}}]}",
                 IAM_E_EXPORT_FORMAT, 1, 57, "/UserDetailList/0/UserPolicyList", "array");
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"AttachedManagedPolicies\": [\n"
                 "  {\"PolicyName\": \"X\"}]}]}",
                 IAM_E_EXPORT_FORMAT, 2, 3, "/UserDetailList/0/AttachedManagedPolicies/0", "PolicyArn");
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"AttachedManagedPolicies\": [\n"
                 "  {\"PolicyArn\": 42}]}]}",
                 IAM_E_EXPORT_FORMAT, 2, 17, "/UserDetailList/0/AttachedManagedPolicies/0/PolicyArn",
                 "PolicyArn");
    /* boundaries */
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\",\n"
                 "  \"PermissionsBoundary\": \"arn:aws:iam::1:policy/B\"}]}",
                 IAM_E_EXPORT_FORMAT, 2, 26, "/UserDetailList/0/PermissionsBoundary", "PermissionsBoundary");
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\",\n"
                 "  \"PermissionsBoundary\": {\"PermissionsBoundaryType\": \"Policy\"}}]}",
                 IAM_E_EXPORT_FORMAT, 2, 26, "/UserDetailList/0/PermissionsBoundary",
                 "PermissionsBoundaryArn");
    /* Policies[] entries */
    EXPECT_ERROR("{\"Policies\": [{\"PolicyName\": \"P\"}]}", IAM_E_EXPORT_FORMAT, 1, 15,
                 "/Policies/0", "Arn");
    EXPECT_ERROR("{\"Policies\": [{\"Arn\": \"arn:aws:iam::1:policy/P\", \"PolicyVersionList\": [\n"
                 "  {\"VersionId\": \"v1\", \"IsDefaultVersion\": true, \"Document\": 1}]}]}",
                 IAM_E_EXPORT_FORMAT, 2, 61, "/Policies/0/PolicyVersionList/0/Document", "document");

    /* unknown fields ignored; null is absent; fields of other entity kinds are not read */
    iam_directory *dir = LOAD_OK(
        "{\"UserDetailList\": [{\"UserName\": \"u\", \"Path\": null, \"Tags\": null, \"GroupList\": null,\n"
        "   \"PermissionsBoundary\": null, \"Future\": {\"UserName\": 7}}],\n"
        " \"GroupDetailList\": [{\"GroupName\": \"g\", \"Tags\": 5, \"GroupList\": 5,\n"
        "   \"PermissionsBoundary\": 5, \"\": 1, \"\": 2}],\n"
        " \"RoleDetailList\": [{\"RoleName\": \"r\", \"GroupList\": 5,\n"
        "   \"AssumeRolePolicyDocument\": \"%zz not decoded\", \"InstanceProfileList\": [\n"
        "    {\"Roles\": [{\"RoleName\": \"r\"}]}]}],\n"
        " \"Policies\": [], \"IsTruncated\": true, \"Marker\": \"abc\", \"Extra\": [[[]]]}");
    if (dir != NULL) {
        CHECK(iam_directory_is_truncated(dir));
        iam_directory_principal u = find(dir, "u");
        CHECK(str_is(u.path, "/"));
        CHECK_EQ_INT(u.policy_count, 0);
        CHECK(u.policies == NULL || u.policy_count == 0);
        CHECK_EQ_INT(iam_directory_count(dir, IAM_ENTITY_ROLE), 1);
        iam_directory_destroy(dir);
    }
    /* an empty object is an empty account */
    dir = LOAD_OK(" {} ");
    if (dir != NULL) {
        CHECK_EQ_INT(iam_directory_count(dir, IAM_ENTITY_USER), 0);
        iam_directory_principal p;
        CHECK_STATUS(iam_directory_find(dir, "x", 1, &p), IAM_E_NOT_FOUND);
        iam_str s[4];
        CHECK_EQ_INT(iam_directory_suggest(dir, "x", 1, s, 4), 0);
        iam_directory_destroy(dir);
    }
}

/* ---- GroupList (spec §7.4) ---- */

static void test_group_list(void)
{
    EXPECT_ERROR("{\"GroupDetailList\": [{\"GroupName\": \"Staff\"}],\n"
                 " \"UserDetailList\": [{\"UserName\": \"u\",\n"
                 "   \"GroupList\": [\"staff\", \"Admins\"]}]}",
                 IAM_E_EXPORT_FORMAT, 3, 27, "/UserDetailList/0/GroupList/1", "GroupDetailList");
    EXPECT_ERROR("{\"GroupDetailList\": [{\"GroupName\": \"Staff\"}],\n"
                 " \"UserDetailList\": [{\"UserName\": \"u\",\n"
                 "   \"GroupList\": [7]}]}",
                 IAM_E_EXPORT_FORMAT, 3, 18, "/UserDetailList/0/GroupList/0", "GroupList");
    EXPECT_ERROR("{\"UserDetailList\": [{\"UserName\": \"u\", \"GroupList\": \"Staff\"}]}",
                 IAM_E_EXPORT_FORMAT, 1, 52, "/UserDetailList/0/GroupList", "GroupList");

    /* more than IAM's 10 groups is accepted; each group's policies in order */
    char json[4096];
    size_t n = 0;
    n += (size_t)snprintf(json + n, sizeof json - n, "{\"GroupDetailList\": [");
    for (int g = 0; g < 12; g++)
        n += (size_t)snprintf(json + n, sizeof json - n,
                              "%s{\"GroupName\": \"G%02d\", \"GroupPolicyList\": [{\"PolicyName\": \"p%02d\", \"PolicyDocument\": {}}]}",
                              g ? ", " : "", g, g);
    n += (size_t)snprintf(json + n, sizeof json - n,
                          "], \"UserDetailList\": [{\"UserName\": \"many\", \"GroupList\": [");
    for (int g = 11; g >= 0; g--)
        n += (size_t)snprintf(json + n, sizeof json - n, "%s\"g%02d\"", g != 11 ? ", " : "", g);
    n += (size_t)snprintf(json + n, sizeof json - n, "]}]}");
    CHECK(n < sizeof json);
    iam_directory *dir = LOAD_OK(json);
    if (dir == NULL)
        return;
    iam_directory_principal u = find(dir, "MANY");
    CHECK_EQ_INT(u.group_count, 12);
    CHECK_EQ_INT(u.policy_count, 12);
    if (u.policy_count == 12 && u.group_count == 12) {
        CHECK(str_is(u.groups[0], "G11") && str_is(u.groups[11], "G00"));
        CHECK_POLICY(&u, 0, "p11", IAM_SOURCE_GROUP, "G11", IAM_POLICY_IDENTITY, "");
        CHECK_POLICY(&u, 11, "p00", IAM_SOURCE_GROUP, "G00", IAM_POLICY_IDENTITY, "");
    }
    iam_directory_destroy(dir);
}

/* ---- lookups ---- */

static const char lookup_export[] =
    "{\"UserDetailList\": [\n"
    "  {\"UserName\": \"Ops\", \"Arn\": \"arn:aws:iam::111122223333:user/Ops\"},\n"
    "  {\"UserName\": \"alice\", \"Arn\": \"arn:aws:iam::111122223333:user/alice\"},\n"
    "  {\"UserName\": \"alicia\"}],\n"
    " \"RoleDetailList\": [\n"
    "  {\"RoleName\": \"Ops\", \"Path\": \"/team/\", \"Arn\": \"arn:aws:iam::111122223333:role/team/Ops\"},\n"
    "  {\"RoleName\": \"ChimeOps\", \"Arn\": \"arn:aws:iam::111122223333:role/ChimeOps\"},\n"
    "  {\"RoleName\": \"Slr\", \"Path\": \"/aws-service-role/chime.amazonaws.com/\",\n"
    "   \"Arn\": \"arn:aws:iam::111122223333:role/aws-service-role/chime.amazonaws.com/Slr\"}],\n"
    " \"GroupDetailList\": [{\"GroupName\": \"ChimeAdmins\", \"Arn\": \"arn:aws:iam::111122223333:group/ChimeAdmins\"},\n"
    "  {\"GroupName\": \"Alicorns\"}]}";

static void test_find(void)
{
    iam_directory *dir = LOAD_OK(lookup_export);
    if (dir == NULL)
        return;
    iam_directory_principal p;
    /* a bare name shared by a user and a role: the user */
    p = find(dir, "ops");
    CHECK_EQ_INT(p.type, IAM_ENTITY_USER);
    CHECK(str_is(p.name, "Ops"));
    /* ARNs make it explicit; case is forgiven */
    p = find(dir, "arn:aws:iam::111122223333:role/team/Ops");
    CHECK_EQ_INT(p.type, IAM_ENTITY_ROLE);
    CHECK(str_is(p.path, "/team/"));
    p = find(dir, "ARN:AWS:IAM::111122223333:ROLE/TEAM/OPS");
    CHECK_EQ_INT(p.type, IAM_ENTITY_ROLE);
    p = find(dir, "arn:aws:iam::111122223333:group/ChimeAdmins");
    CHECK_EQ_INT(p.type, IAM_ENTITY_GROUP);
    p = find(dir, "chimeadmins");
    CHECK_EQ_INT(p.type, IAM_ENTITY_GROUP);
    /* service-linked roles */
    p = find(dir, "slr");
    CHECK(p.service_linked);
    CHECK(str_is(p.account, "111122223333"));
    CHECK(!find(dir, "ChimeOps").service_linked);
    /* assumed-role sessions: the role, path dropped, session name set */
    static const char session[] = "arn:aws:sts::111122223333:assumed-role/Ops/my.session@x";
    CHECK_STATUS(iam_directory_find(dir, session, strlen(session), &p), IAM_OK);
    CHECK_EQ_INT(p.type, IAM_ENTITY_ROLE);
    CHECK(str_is(p.arn, "arn:aws:iam::111122223333:role/team/Ops"));
    CHECK(str_is(p.session_name, "my.session@x"));
    CHECK(p.session_name.ptr == session + strlen(session) - 12);
    static const char session2[] = "arn:aws:sts::111122223333:assumed-role/chimeops/s";
    CHECK_STATUS(iam_directory_find(dir, session2, strlen(session2), &p), IAM_OK);
    CHECK(str_is(p.name, "ChimeOps") && str_is(p.session_name, "s"));
    /* a plain lookup after a session one has no session name */
    p = find(dir, "ChimeOps");
    CHECK_EQ_INT(p.session_name.len, 0);
    static const char *const missing[] = {
        "nobody",
        "arn:aws:sts::999999999999:assumed-role/Ops/s", /* another account */
        "arn:aws:sts::111122223333:assumed-role/Ops/",  /* no session name */
        "arn:aws:sts::111122223333:assumed-role/Ops",
        "arn:aws:sts::111122223333:assumed-role//s",
        "arn:aws:sts::111122223333:assumed-role/Nobody/s",
        "arn:aws:iam::111122223333:user/nobody",
        "arn:aws:iam::111122223333:user/alicia", /* alicia has no Arn */
        "arn:",
        "alice ",
    };
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        iam_status s = iam_directory_find(dir, missing[i], strlen(missing[i]), &p);
        if (s != IAM_E_NOT_FOUND)
            fprintf(stderr, "find(%s) should fail\n", missing[i]);
        CHECK_STATUS(s, IAM_E_NOT_FOUND);
    }
    CHECK_STATUS(iam_directory_find(dir, "", 0, &p), IAM_E_NOT_FOUND);
    CHECK_STATUS(iam_directory_find(dir, NULL, 0, &p), IAM_E_NOT_FOUND);
    CHECK_STATUS(iam_directory_find(dir, NULL, 3, &p), IAM_E_ARG);
    CHECK_STATUS(iam_directory_find(NULL, "alice", 5, &p), IAM_E_ARG);
    CHECK_STATUS(iam_directory_find(dir, "alice", 5, NULL), IAM_E_ARG);
    /* names may contain NUL bytes: no match past the length */
    CHECK_STATUS(iam_directory_find(dir, "alice\0x", 7, &p), IAM_E_NOT_FOUND);
    CHECK_STATUS(iam_directory_find(dir, "alice\0x", 5, &p), IAM_OK);

    /* suggestions: edit distance or substring, best first, no duplicates */
    iam_str s[8];
    size_t n = iam_directory_suggest(dir, "alcie", 5, s, 8);
    CHECK(n >= 2);
    if (n >= 2) {
        CHECK(str_is(s[0], "alice"));  /* distance 2 */
        CHECK(str_is(s[1], "alicia")); /* distance 2 too: export order breaks the tie */
    }
    n = iam_directory_suggest(dir, "ALICE", 5, s, 8);
    CHECK_EQ_INT(n, 2); /* Alicorns is 4 edits away */
    if (n == 2) {
        CHECK(str_is(s[0], "alice"));  /* 0 */
        CHECK(str_is(s[1], "alicia")); /* 2 */
    }
    n = iam_directory_suggest(dir, "ops", 3, s, 8);
    CHECK_EQ_INT(n, 2); /* Ops (user and role, once), ChimeOps (substring) */
    if (n == 2) {
        CHECK(str_is(s[0], "Ops"));
        CHECK(str_is(s[1], "ChimeOps"));
    }
    n = iam_directory_suggest(dir, "ops", 3, s, 1);
    CHECK_EQ_INT(n, 1);
    CHECK(str_is(s[0], "Ops"));
    n = iam_directory_suggest(dir, "chime", 5, s, 8);
    CHECK_EQ_INT(n, 2);
    if (n == 2) {
        CHECK(str_is(s[0], "ChimeOps"));    /* prefix, distance 3 */
        CHECK(str_is(s[1], "ChimeAdmins")); /* prefix, distance 6 */
    }
    /* ARN queries: the role of a session ARN, else the path's last segment */
    static const char sess_q[] = "arn:aws:sts::111122223333:assumed-role/ChimeOp/x";
    n = iam_directory_suggest(dir, sess_q, strlen(sess_q), s, 8);
    CHECK(n >= 1 && str_is(s[0], "ChimeOps"));
    static const char user_q[] = "arn:aws:iam::111122223333:user/team/alcie";
    n = iam_directory_suggest(dir, user_q, strlen(user_q), s, 8);
    CHECK(n >= 1 && str_is(s[0], "alice"));
    CHECK_EQ_INT(iam_directory_suggest(dir, "arn:aws:iam::1:user/", 20, s, 8), 0);
    CHECK_EQ_INT(iam_directory_suggest(dir, "zzzzzzzzzz", 10, s, 8), 0);
    CHECK_EQ_INT(iam_directory_suggest(dir, "alice", 5, s, 0), 0);
    CHECK_EQ_INT(iam_directory_suggest(NULL, "alice", 5, s, 8), 0);
    CHECK_EQ_INT(iam_directory_suggest(dir, NULL, 5, s, 8), 0);
    char longname[600];
    memset(longname, 'a', sizeof longname);
    CHECK_EQ_INT(iam_directory_suggest(dir, longname, sizeof longname, s, 8), 0);
    iam_directory_destroy(dir);

    /* odd exports (found by fuzzing): every exported name and Arn finds its
     * principal, whatever it looks like */
    dir = LOAD_OK("{\"UserDetailList\": [{\"UserName\": \"arn:aws:iam::1:user/x\"},\n"
                  " {\"UserName\": \"u\", \"Arn\": \"not-an-arn\"},\n"
                  " {\"UserName\": \"v\", \"Arn\": \"arn:short\"}],\n"
                  " \"RoleDetailList\": [{\"RoleName\": \"w\",\n"
                  "   \"Arn\": \"arn:aws:sts::1:assumed-role/u/s\"}]}");
    if (dir == NULL)
        return;
    CHECK(str_is(find(dir, "arn:aws:iam::1:user/x").name, "arn:aws:iam::1:user/x"));
    CHECK(str_is(find(dir, "not-an-arn").name, "u"));
    CHECK(str_is(find(dir, "arn:short").name, "v"));
    CHECK(str_is(find(dir, "arn:aws:sts::1:assumed-role/u/s").name, "w"));
    p = find(dir, "arn:aws:sts::1:assumed-role/W/s2");
    CHECK(str_is(p.name, "w") && str_is(p.session_name, "s2"));
    CHECK(str_is(find(dir, "U").name, "u"));
    iam_directory_destroy(dir);
}

/* ---- JSON errors and limits ---- */

static void test_json_and_limits(void)
{
    EXPECT_ERROR("{\"UserDetailList\": [\n"
                 "  {\"UserName\": \"a\" \"Path\": \"/\"}\n"
                 "]}",
                 IAM_E_JSON_SYNTAX, 2, 20, NULL, NULL);
    EXPECT_ERROR("{\"UserDetailList\": [\n"
                 "  {\"UserName\": \"a\",",
                 IAM_E_JSON_TRUNCATED, 2, 20, NULL, NULL);
    EXPECT_ERROR("", IAM_E_JSON_EMPTY, 1, 1, NULL, NULL);
    expect_error_at(__LINE__, NULL, 0, NULL, IAM_E_JSON_EMPTY, 1, 1, NULL, NULL);
    EXPECT_ERROR("{} []", IAM_E_JSON_TRAILING, 1, 4, NULL, NULL);

    static const char small[] = "{\"UserDetailList\": [{\"UserName\": \"abcdefghijklmnopq\"}]}";
    iam_limits l;
    memset(&l, 0, sizeof l);
    l.max_document_bytes = strlen(small) - 1;
    expect_error_at(__LINE__, small, strlen(small), &l, IAM_E_LIMIT_SIZE, 1, 1, NULL, NULL);
    memset(&l, 0, sizeof l);
    l.max_string_bytes = 14; /* "UserDetailList" fits, the 17-byte name does not */
    expect_error_at(__LINE__, small, strlen(small), &l, IAM_E_LIMIT_STRING, 1, 34, NULL, NULL);
    memset(&l, 0, sizeof l);
    l.max_depth = 2;
    expect_error_at(__LINE__, small, strlen(small), &l, IAM_E_LIMIT_DEPTH, 1, 21, NULL, NULL);
    memset(&l, 0, sizeof l);
    l.max_depth = 2000;
    expect_error_at(__LINE__, small, strlen(small), &l, IAM_E_ARG, 1, 1, NULL, NULL);
    memset(&l, 0, sizeof l);
    l.max_document_bytes = strlen(small);
    iam_directory *dir = NULL;
    CHECK_STATUS(iam_directory_load_with_limits(small, strlen(small), &l, &dir, NULL), IAM_OK);
    iam_directory_destroy(dir);
    CHECK_STATUS(iam_directory_load_with_limits(small, strlen(small), NULL, NULL, NULL), IAM_E_ARG);
    iam_directory_destroy(NULL);

    /* default depth limit (64): a deep unknown field */
    size_t depth = 100;
    char *deep = malloc(2 * depth + 16);
    if (deep != NULL) {
        size_t n = 0;
        memcpy(deep, "{\"x\": ", 6);
        n = 6;
        for (size_t i = 0; i < depth; i++)
            deep[n++] = '[';
        for (size_t i = 0; i < depth; i++)
            deep[n++] = ']';
        deep[n++] = '}';
        iam_error err;
        CHECK_STATUS(iam_directory_load(deep, n, &dir, &err), IAM_E_LIMIT_DEPTH);
        CHECK(dir == NULL);
        free(deep);
    }
}

/* Every principal's resolved list counts against a total of 2,097,152
 * entries: one group with 2,048 policies and 1,025 members is too much. */
static void test_resolved_limit(void)
{
    size_t cap = 256 * 1024;
    char *json = malloc(cap);
    if (json == NULL)
        return;
    size_t n = (size_t)snprintf(json, cap, "{\"GroupDetailList\": [{\"GroupName\": \"g\", \"GroupPolicyList\": [");
    for (int i = 0; i < 2048; i++)
        n += (size_t)snprintf(json + n, cap - n, "%s{\"PolicyName\": \"p%d\", \"PolicyDocument\": {}}",
                              i ? "," : "", i);
    n += (size_t)snprintf(json + n, cap - n, "]}],\n\"UserDetailList\": [");
    for (int i = 0; i < 1025; i++)
        n += (size_t)snprintf(json + n, cap - n, "%s{\"UserName\": \"u%d\", \"GroupList\": [\"g\"]}",
                              i ? "," : "", i);
    n += (size_t)snprintf(json + n, cap - n, "]}");
    CHECK(n < cap);
    iam_directory *dir = NULL;
    iam_error err;
    CHECK_STATUS(iam_directory_load(json, n, &dir, &err), IAM_E_LIMIT_ELEMENTS);
    CHECK(dir == NULL);
    CHECK(strcmp(err.path, "/UserDetailList/1023") == 0);
    free(json);
}

/* ---- the CLI fixture ---- */

static void test_fixture(void)
{
    size_t len = 0;
    char *json = test_read_file(IAM_SOURCE_DIR "/tests/cli/fixtures/account-details.json", &len);
    CHECK(json != NULL);
    if (json == NULL)
        return;
    iam_directory *dir = NULL;
    iam_error err;
    iam_status s = iam_directory_load(json, len, &dir, &err);
    if (s != IAM_OK) {
        char buf[512];
        iam_error_format(&err, "account-details.json", buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    CHECK_STATUS(s, IAM_OK);
    if (dir == NULL) {
        free(json);
        return;
    }
    CHECK_EQ_INT(iam_directory_count(dir, IAM_ENTITY_USER), 4);
    CHECK_EQ_INT(iam_directory_count(dir, IAM_ENTITY_GROUP), 2);
    CHECK_EQ_INT(iam_directory_count(dir, IAM_ENTITY_ROLE), 3);
    CHECK(!iam_directory_is_truncated(dir));

    iam_directory_principal alice = find(dir, "alice");
    CHECK(str_is(alice.arn, "arn:aws:iam::111122223333:user/alice"));
    CHECK(str_is(alice.account, "111122223333"));
    CHECK_EQ_INT(alice.group_count, 2);
    CHECK_EQ_INT(alice.policy_count, 6);
    CHECK_POLICY(&alice, 0, "ChimeUsers", IAM_SOURCE_USER, "", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&alice, 1, "ChimeInvite", IAM_SOURCE_GROUP, "ChimeAdmins", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&alice, 2, "AmazonChimeReadOnly", IAM_SOURCE_AWS_MANAGED, "ChimeAdmins",
                 IAM_POLICY_IDENTITY, "builtin");
    CHECK_POLICY(&alice, 3, "StaffMeetings", IAM_SOURCE_GROUP, "Staff", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&alice, 4, "AmazonChimeUserManagement", IAM_SOURCE_AWS_MANAGED, "Staff",
                 IAM_POLICY_IDENTITY, "v8");
    CHECK_POLICY(&alice, 5, "ChimeOnly", IAM_SOURCE_USER_MANAGED, "", IAM_POLICY_BOUNDARY, "v2");
    if (alice.policy_count == 6) {
        const iam_directory_policy *p = alice.policies;
        CHECK(p[0].in_export && str_has(p[0].document, "MfaForWrites"));
        CHECK(str_has(p[0].document, "BoolIfExists"));
        CHECK(!p[2].in_export && str_has(p[2].document, "chime:Describe*"));
        CHECK(!p[3].in_export);
        CHECK(str_has(p[3].document, "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"StaffMeetings\""));
        CHECK(str_has(p[3].document, "\"chime:CreateMeeting\", \"chime:StartDataExport\""));
        CHECK(p[4].in_export && str_has(p[4].document, "chime:InviteUsers"));
        CHECK(str_is(p[5].arn, "arn:aws:iam::111122223333:policy/ChimeOnly"));
        CHECK(str_has(p[5].document, "\"chime:*\""));
        CHECK(!str_has(p[5].document, "\"Action\": \"*\"")); /* v1 is not in effect */
    }

    iam_directory_principal bob = find(dir, "bob");
    CHECK_EQ_INT(bob.policy_count, 3);
    CHECK_POLICY(&bob, 0, "ChimeNoAccountDeletion", IAM_SOURCE_USER_MANAGED, "",
                 IAM_POLICY_IDENTITY, "v1");
    CHECK_POLICY(&bob, 1, "StaffMeetings", IAM_SOURCE_GROUP, "Staff", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&bob, 2, "AmazonChimeUserManagement", IAM_SOURCE_AWS_MANAGED, "Staff",
                 IAM_POLICY_IDENTITY, "v8");
    if (bob.policy_count == 3) {
        CHECK(str_is(bob.policies[0].arn, "arn:aws:iam::111122223333:policy/chime/ChimeNoAccountDeletion"));
        CHECK(str_has(bob.policies[0].document, "chime:DeleteAccount"));
        CHECK(bob.policies[1].document.ptr == alice.policies[3].document.ptr);
    }

    iam_directory_principal carol = find(dir, "Carol");
    CHECK_EQ_INT(carol.policy_count, 0);
    CHECK_EQ_INT(carol.group_count, 0);
    CHECK(str_is(carol.path, "/contractors/"));
    iam_directory_principal dave = find(dir, "dave");
    CHECK_EQ_INT(dave.policy_count, 1);
    CHECK_POLICY(&dave, 0, "DeptChimeRead", IAM_SOURCE_USER, "", IAM_POLICY_IDENTITY, "");
    CHECK_EQ_INT(dave.tag_count, 2);
    if (dave.tag_count == 2)
        CHECK(str_is(dave.tags[0].key, "dept") && str_is(dave.tags[0].value, "it"));
    if (dave.policy_count == 1)
        CHECK(str_has(dave.policies[0].document, "aws:PrincipalTag/dept"));

    iam_directory_principal ops = find(dir, "ChimeOps");
    CHECK_EQ_INT(ops.type, IAM_ENTITY_ROLE);
    CHECK(str_is(ops.path, "/ops/"));
    CHECK(str_is(ops.arn, "arn:aws:iam::111122223333:role/ops/ChimeOps"));
    CHECK(str_is(ops.id, "AROAQEXAMPLECHIMEOPS"));
    CHECK(!ops.service_linked);
    CHECK_EQ_INT(ops.tag_count, 1);
    if (ops.tag_count == 1)
        CHECK(str_is(ops.tags[0].key, "team") && str_is(ops.tags[0].value, "ops"));
    CHECK_EQ_INT(ops.policy_count, 3);
    CHECK_POLICY(&ops, 0, "OpsGuardrail", IAM_SOURCE_ROLE, "", IAM_POLICY_IDENTITY, "");
    CHECK_POLICY(&ops, 1, "AmazonChimeFullAccess", IAM_SOURCE_AWS_MANAGED, "", IAM_POLICY_IDENTITY,
                 "builtin");
    CHECK_POLICY(&ops, 2, "ChimeReadBoundary", IAM_SOURCE_USER_MANAGED, "", IAM_POLICY_BOUNDARY, "v1");
    if (ops.policy_count == 3) {
        CHECK(!ops.policies[0].in_export);
        CHECK(str_is(ops.policies[0].document,
                     "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"NoDeletes\", "
                     "\"Effect\": \"Deny\", \"Action\": \"chime:Delete*\", \"Resource\": \"*\"}]}"));
        CHECK(str_has(ops.policies[2].document, "chime:Describe*"));
    }
    static const char session[] = "arn:aws:sts::111122223333:assumed-role/ChimeOps/ops-session";
    iam_directory_principal sess;
    CHECK_STATUS(iam_directory_find(dir, session, strlen(session), &sess), IAM_OK);
    CHECK(str_is(sess.name, "ChimeOps") && str_is(sess.session_name, "ops-session"));
    CHECK(sess.policies == ops.policies && sess.policy_count == 3);
    CHECK(str_is(sess.arn, "arn:aws:iam::111122223333:role/ops/ChimeOps"));

    iam_directory_principal auditor = find(dir, "ChimeAuditor");
    CHECK_EQ_INT(auditor.policy_count, 1);
    CHECK_POLICY(&auditor, 0, "AuditorRead", IAM_SOURCE_ROLE, "", IAM_POLICY_IDENTITY, "");

    iam_directory_principal slr = find(dir, "AWSServiceRoleForAmazonChime");
    CHECK(slr.service_linked);
    CHECK(str_is(slr.path, "/aws-service-role/chime.amazonaws.com/"));
    CHECK_EQ_INT(slr.policy_count, 1);
    CHECK_POLICY(&slr, 0, "AmazonChimeServiceRolePolicy", IAM_SOURCE_AWS_MANAGED, "",
                 IAM_POLICY_IDENTITY, "v1");
    if (slr.policy_count == 1) {
        CHECK(slr.policies[0].in_export);
        CHECK(str_is(slr.policies[0].arn,
                     "arn:aws:iam::aws:policy/aws-service-role/AmazonChimeServiceRolePolicy"));
    }
    iam_directory_principal slr2 = find(dir, "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAmazonChime/chime");
    CHECK(slr2.service_linked && str_is(slr2.session_name, "chime"));

    /* every resolved document is a valid policy of its kind; object
     * documents start where export_offset says */
    iam_parser *parser = NULL;
    CHECK_STATUS(iam_parser_create(&parser), IAM_OK);
    for (int t = IAM_ENTITY_USER; parser != NULL && t <= IAM_ENTITY_ROLE; t++) {
        for (size_t i = 0; i < iam_directory_count(dir, (iam_entity_type)t); i++) {
            iam_directory_principal p;
            CHECK_STATUS(iam_directory_at(dir, (iam_entity_type)t, i, &p), IAM_OK);
            for (uint32_t k = 0; k < p.policy_count; k++) {
                const iam_directory_policy *q = &p.policies[k];
                iam_parse_options o;
                memset(&o, 0, sizeof o);
                o.kind = (iam_policy_kind)q->kind;
                iam_error perr;
                size_t used = iam_policy_measure(parser, q->document.ptr, q->document.len, &o, &perr);
                if (used == 0)
                    fprintf(stderr, "%.*s / %.*s: %s\n", (int)p.name.len, p.name.ptr,
                            (int)q->name.len, q->name.ptr, iam_status_name(perr.code));
                CHECK(used != 0);
                if (q->in_export)
                    CHECK(q->export_offset < len && json[q->export_offset] == '{' &&
                          memcmp(json + q->export_offset, q->document.ptr, q->document.len) == 0);
            }
        }
    }
    iam_parser_destroy(parser);

    /* suggestions against the fixture */
    iam_str sug[4];
    size_t n = iam_directory_suggest(dir, "alise", 5, sug, 4);
    CHECK(n >= 1 && str_is(sug[0], "alice"));
    n = iam_directory_suggest(dir, "chimeop", 7, sug, 4);
    CHECK(n >= 1 && str_is(sug[0], "ChimeOps"));
    iam_directory_destroy(dir);

    /* Hostile variants: every prefix and a spread of byte changes must fail
     * cleanly or load (never crash, leak or read out of bounds). */
    size_t step = len / 1500 + 1;
    for (size_t cut = 0; cut < len; cut += step) {
        dir = NULL;
        s = iam_directory_load(json, cut, &dir, &err);
        CHECK(s != IAM_OK || cut + 2 >= len);
        iam_directory_destroy(dir);
    }
    static const char repl[] = {'"', '{', '}', '[', ']', ',', ':', '0', 'x', '%', '\\', ' ', 0};
    char *mut = malloc(len);
    if (mut != NULL) {
        for (size_t at = 0; at < len; at += step) {
            memcpy(mut, json, len);
            mut[at] = repl[at % sizeof repl];
            dir = NULL;
            s = iam_directory_load(mut, len, &dir, &err);
            if (s == IAM_OK) {
                iam_directory_principal p;
                (void)iam_directory_find(dir, "alice", 5, &p);
                iam_directory_destroy(dir);
            } else {
                CHECK(dir == NULL && err.code == s && err.line >= 1 && err.column >= 1);
            }
        }
        free(mut);
    }
    free(json);
}

/* The bad fixture: a missing comma after bob's UserId, reported at the
 * next key (tests/cli/fixtures/README.md). */
static void test_bad_fixture(void)
{
    size_t len = 0;
    char *json = test_read_file(IAM_SOURCE_DIR "/tests/cli/fixtures/account-details-bad.json", &len);
    CHECK(json != NULL);
    if (json == NULL)
        return;
    iam_directory *dir = NULL;
    iam_error err;
    CHECK_STATUS(iam_directory_load(json, len, &dir, &err), IAM_E_JSON_SYNTAX);
    CHECK(dir == NULL);
    CHECK_EQ_INT(err.line, 62);
    CHECK_EQ_INT(err.column, 13);
    free(json);
}

static void test_source_names(void)
{
    CHECK(strcmp(iam_policy_source_name(IAM_SOURCE_USER), "user") == 0);
    CHECK(strcmp(iam_policy_source_name(IAM_SOURCE_GROUP), "group") == 0);
    CHECK(strcmp(iam_policy_source_name(IAM_SOURCE_ROLE), "role") == 0);
    CHECK(strcmp(iam_policy_source_name(IAM_SOURCE_AWS_MANAGED), "aws-managed") == 0);
    CHECK(strcmp(iam_policy_source_name(IAM_SOURCE_USER_MANAGED), "user-managed") == 0);
    CHECK(strcmp(iam_policy_source_name((iam_policy_source)0), "none") == 0);
    CHECK(strcmp(iam_policy_source_name((iam_policy_source)99), "none") == 0);
}

int main(void)
{
    test_source_names();
    test_order();
    test_owns_memory();
    test_encodings();
    test_versions();
    test_shapes();
    test_group_list();
    test_find();
    test_json_and_limits();
    test_resolved_limit();
    test_fixture();
    test_bad_fixture();
    return test_summary("directory");
}
