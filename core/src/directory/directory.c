/* The directory's lookups (find, suggest, count, at), its pool and index,
 * and iam_directory_destroy. Everything here after loading is read-only. */
#include "directory_internal.h"

#include <stdalign.h>
#include <stdlib.h>

/* ---- pool ---- */

#define POOL_ALIGN ((size_t)alignof(max_align_t))
#define POOL_BLOCK ((size_t)64 * 1024)

struct dir_block {
    dir_block *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

static dir_block *block_new(size_t cap)
{
    if (cap > SIZE_MAX - sizeof(dir_block))
        return NULL;
    dir_block *b = malloc(sizeof(dir_block) + cap);
    if (b == NULL)
        return NULL;
    b->next = NULL;
    b->used = 0;
    b->cap = cap;
    return b;
}

void *dir_pool_alloc(dir_pool *pool, size_t size)
{
    if (size > SIZE_MAX - POOL_ALIGN)
        return NULL;
    size = (size + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN;
    dir_block *head = pool->head;
    if (head != NULL && head->cap - head->used >= size) {
        void *p = head->data + head->used;
        head->used += size;
        return p;
    }
    if (size > POOL_BLOCK / 4) {
        /* a big request gets its own block, behind the one being filled */
        dir_block *b = block_new(size);
        if (b == NULL)
            return NULL;
        b->used = size;
        if (head != NULL) {
            b->next = head->next;
            head->next = b;
        } else {
            pool->head = b;
        }
        return b->data;
    }
    dir_block *b = block_new(POOL_BLOCK);
    if (b == NULL)
        return NULL;
    b->next = head;
    pool->head = b;
    b->used = size;
    return b->data;
}

void dir_pool_free(dir_pool *pool)
{
    dir_block *b = pool->head;
    while (b != NULL) {
        dir_block *next = b->next;
        free(b);
        b = next;
    }
    pool->head = NULL;
}

/* ---- index ---- */

bool dir_equal_ci(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (text_lower_ascii((unsigned char)a[i]) != text_lower_ascii((unsigned char)b[i]))
            return false;
    return true;
}

static uint32_t hash_ci(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ text_lower_ascii((unsigned char)p[i])) * 16777619u;
    return h;
}

iam_status dir_index_init(dir_index *ix, size_t count)
{
    size_t cap = 16;
    while (cap < 2 * count) {
        if (cap > SIZE_MAX / 4 / sizeof(uint32_t))
            return IAM_E_NOMEM;
        cap <<= 1;
    }
    ix->slots = calloc(cap, sizeof *ix->slots);
    if (ix->slots == NULL)
        return IAM_E_NOMEM;
    ix->mask = cap - 1;
    return IAM_OK;
}

void dir_index_free(dir_index *ix)
{
    free(ix->slots);
    ix->slots = NULL;
    ix->mask = 0;
}

uint32_t dir_index_insert(dir_index *ix, const char *key, size_t len, uint32_t value,
                          dir_key_fn key_of, const void *ctx)
{
    size_t slot = hash_ci(key, len) & ix->mask;
    while (ix->slots[slot] != 0) {
        iam_str k = key_of(ctx, ix->slots[slot]);
        if (dir_equal_ci(k.ptr, k.len, key, len))
            return ix->slots[slot];
        slot = (slot + 1) & ix->mask;
    }
    ix->slots[slot] = value;
    return 0;
}

uint32_t dir_index_find(const dir_index *ix, const char *key, size_t len,
                        dir_key_fn key_of, const void *ctx)
{
    if (ix->slots == NULL)
        return 0;
    uint32_t first = 0;
    size_t slot = hash_ci(key, len) & ix->mask;
    while (ix->slots[slot] != 0) {
        iam_str k = key_of(ctx, ix->slots[slot]);
        if (dir_equal_ci(k.ptr, k.len, key, len)) {
            if (len == 0 || memcmp(k.ptr, key, len) == 0)
                return ix->slots[slot];
            if (first == 0)
                first = ix->slots[slot];
        }
        slot = (slot + 1) & ix->mask;
    }
    return first;
}

static const iam_directory_principal *entity_of(const iam_directory *dir, uint32_t ref)
{
    return &dir->entities[dir_ref_type(ref) - 1][dir_ref_index(ref)];
}

iam_str dir_entity_name(const void *dir, uint32_t ref)
{
    return entity_of(dir, ref)->name;
}

iam_str dir_entity_arn(const void *dir, uint32_t ref)
{
    return entity_of(dir, ref)->arn;
}

/* ---- API ---- */

const char *iam_policy_source_name(iam_policy_source source) /* see iamgate_directory.h */
{
    switch (source) {
    case IAM_SOURCE_USER: return "user";
    case IAM_SOURCE_GROUP: return "group";
    case IAM_SOURCE_ROLE: return "role";
    case IAM_SOURCE_AWS_MANAGED: return "aws-managed";
    case IAM_SOURCE_USER_MANAGED: return "user-managed";
    }
    return "none";
}

void iam_directory_destroy(iam_directory *dir) /* see iamgate_directory.h */
{
    if (dir == NULL)
        return;
    for (int t = 0; t < DIR_TYPES; t++)
        dir_index_free(&dir->names[t]);
    dir_index_free(&dir->arns);
    dir_pool_free(&dir->pool);
    free(dir->text);
    free(dir);
}

bool iam_directory_is_truncated(const iam_directory *dir) /* see iamgate_directory.h */
{
    return dir != NULL && dir->truncated;
}

static bool valid_type(iam_entity_type type)
{
    return type == IAM_ENTITY_USER || type == IAM_ENTITY_GROUP || type == IAM_ENTITY_ROLE;
}

size_t iam_directory_count(const iam_directory *dir, iam_entity_type type) /* see iamgate_directory.h */
{
    if (dir == NULL || !valid_type(type))
        return 0;
    return dir->counts[type - 1];
}

iam_status iam_directory_at(const iam_directory *dir, iam_entity_type type, size_t index,
                            iam_directory_principal *out) /* see iamgate_directory.h */
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (dir == NULL || out == NULL || !valid_type(type))
        return IAM_E_ARG;
    if (index >= dir->counts[type - 1])
        return IAM_E_NOT_FOUND;
    *out = dir->entities[type - 1][index];
    return IAM_OK;
}

/* ARNs are matched forgiving ASCII case, so their fixed parts are too. */
static bool has_prefix_ci(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len >= n && dir_equal_ci(s, n, lit, n);
}

/* Splits an ARN "arn:partition:service:region:account:resource" into its
 * six fields; false if it has fewer than five colons. */
static bool arn_split(const char *s, size_t len, iam_str fields[6])
{
    size_t start = 0, f = 0;
    for (size_t i = 0; i < len && f < 5; i++) {
        if (s[i] == ':') {
            fields[f].ptr = s + start;
            fields[f].len = i - start;
            f++;
            start = i + 1;
        }
    }
    if (f < 5)
        return false;
    fields[5].ptr = s + start;
    fields[5].len = len - start;
    return true;
}

/* arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION → the role, with
 * session_name pointing into the caller's string. */
static iam_status find_session(const iam_directory *dir, const iam_str fields[6],
                               iam_directory_principal *out)
{
    const char *r = fields[5].ptr;
    size_t rlen = fields[5].len;
    static const char prefix[] = "assumed-role/";
    size_t p = sizeof prefix - 1;
    size_t slash = p;
    while (slash < rlen && r[slash] != '/')
        slash++;
    if (slash == p || slash + 1 >= rlen)
        return IAM_E_NOT_FOUND; /* no role name or no session name */
    uint32_t ref = dir_index_find(&dir->names[IAM_ENTITY_ROLE - 1], r + p, slash - p,
                                  dir_entity_name, dir);
    if (ref == 0)
        return IAM_E_NOT_FOUND;
    const iam_directory_principal *role = entity_of(dir, ref);
    if (role->account.len != 0 && fields[4].len != 0 &&
        !(role->account.len == fields[4].len &&
          memcmp(role->account.ptr, fields[4].ptr, fields[4].len) == 0))
        return IAM_E_NOT_FOUND; /* the same role name in another account */
    *out = *role;
    out->session_name.ptr = r + slash + 1;
    out->session_name.len = rlen - slash - 1;
    return IAM_OK;
}

static iam_status found(const iam_directory *dir, uint32_t ref, iam_directory_principal *out)
{
    if (ref == 0)
        return IAM_E_NOT_FOUND;
    *out = *entity_of(dir, ref);
    return IAM_OK;
}

iam_status iam_directory_find(const iam_directory *dir, const char *name_or_arn, size_t len,
                              iam_directory_principal *out) /* see iamgate_directory.h */
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (dir == NULL || out == NULL || (name_or_arn == NULL && len != 0))
        return IAM_E_ARG;
    if (len == 0)
        return IAM_E_NOT_FOUND;
    /* an exported ARN, whatever its shape */
    uint32_t ref = dir_index_find(&dir->arns, name_or_arn, len, dir_entity_arn, dir);
    if (ref != 0)
        return found(dir, ref, out);
    /* an assumed-role session ARN */
    iam_str fields[6];
    if (has_prefix_ci(name_or_arn, len, "arn:") && arn_split(name_or_arn, len, fields) &&
        dir_equal_ci(fields[2].ptr, fields[2].len, "sts", 3) &&
        has_prefix_ci(fields[5].ptr, fields[5].len, "assumed-role/") &&
        find_session(dir, fields, out) == IAM_OK)
        return IAM_OK;
    /* a bare name: users, then roles, then groups */
    static const iam_entity_type order[3] = {IAM_ENTITY_USER, IAM_ENTITY_ROLE, IAM_ENTITY_GROUP};
    for (int i = 0; i < 3; i++) {
        ref = dir_index_find(&dir->names[order[i] - 1], name_or_arn, len, dir_entity_name, dir);
        if (ref != 0)
            return found(dir, ref, out);
    }
    return IAM_E_NOT_FOUND;
}

/* ---- suggestions ---- */

#define SUGGEST_MAX 32      /* at most this many suggestions per call */
#define SUGGEST_NAME_MAX 256 /* longer strings match by substring only */

static bool contains_ci(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    if (nlen == 0 || nlen > hlen)
        return false;
    for (size_t i = 0; i + nlen <= hlen; i++)
        if (dir_equal_ci(hay + i, nlen, needle, nlen))
            return true;
    return false;
}

/* A candidate's rank (lower is better), or SIZE_MAX if it is not close:
 * twice the edit distance, minus one for a prefix match. */
static size_t suggest_rank(const char *q, size_t qlen, iam_str cand)
{
    bool substring = contains_ci(cand.ptr, cand.len, q, qlen);
    size_t limit = qlen / 3 > 2 ? qlen / 3 : 2;
    size_t d = SIZE_MAX;
    if (qlen <= SUGGEST_NAME_MAX && cand.len <= SUGGEST_NAME_MAX)
        d = text_edit_distance((iam_str){q, qlen}, cand, SUGGEST_NAME_MAX); /* exact here */
    if (d > limit && !substring)
        return SIZE_MAX;
    if (d == SIZE_MAX)
        d = cand.len; /* a long substring match: rank it by its length */
    size_t rank = 2 * d + 1;
    if (substring && dir_equal_ci(cand.ptr, qlen, q, qlen))
        rank--; /* a prefix match beats another at the same distance */
    return rank;
}

/* The name part of an ARN query: the role of a session ARN, else the last
 * path segment of the resource; other queries are returned whole. */
static iam_str query_name(const char *s, size_t len)
{
    iam_str q = {s, len};
    iam_str f[6];
    if (!has_prefix_ci(s, len, "arn:") || !arn_split(s, len, f))
        return q;
    static const char assumed[] = "assumed-role/";
    if (dir_equal_ci(f[2].ptr, f[2].len, "sts", 3) &&
        has_prefix_ci(f[5].ptr, f[5].len, assumed)) {
        size_t start = sizeof assumed - 1, end = start;
        while (end < f[5].len && f[5].ptr[end] != '/')
            end++;
        q.ptr = f[5].ptr + start;
        q.len = end - start;
        return q;
    }
    size_t i = f[5].len;
    while (i > 0 && f[5].ptr[i - 1] != '/')
        i--;
    q.ptr = f[5].ptr + i;
    q.len = f[5].len - i;
    return q;
}

size_t iam_directory_suggest(const iam_directory *dir, const char *query, size_t query_len,
                             iam_str *out, size_t cap) /* see iamgate_directory.h */
{
    if (dir == NULL || out == NULL || query == NULL || query_len == 0)
        return 0;
    iam_str q = query_name(query, query_len);
    const char *name = q.ptr;
    size_t len = q.len;
    if (len == 0)
        return 0;
    if (cap > SUGGEST_MAX)
        cap = SUGGEST_MAX;
    size_t ranks[SUGGEST_MAX];
    size_t n = 0;
    static const iam_entity_type order[3] = {IAM_ENTITY_USER, IAM_ENTITY_ROLE, IAM_ENTITY_GROUP};
    for (int t = 0; t < 3; t++) {
        const iam_directory_principal *list = dir->entities[order[t] - 1];
        for (size_t e = 0; e < dir->counts[order[t] - 1]; e++) {
            iam_str cand = list[e].name;
            size_t rank = suggest_rank(name, len, cand);
            if (rank == SIZE_MAX)
                continue;
            bool seen = false; /* a user and a role may share a name */
            for (size_t k = 0; k < n && !seen; k++)
                seen = dir_equal_ci(out[k].ptr, out[k].len, cand.ptr, cand.len);
            if (seen)
                continue;
            /* stable insertion: equal ranks keep users, roles, groups order */
            size_t at = n;
            while (at > 0 && ranks[at - 1] > rank)
                at--;
            if (at >= cap)
                continue;
            size_t last = n < cap ? n : cap - 1;
            for (size_t k = last; k > at; k--) {
                out[k] = out[k - 1];
                ranks[k] = ranks[k - 1];
            }
            out[at] = cand;
            ranks[at] = rank;
            if (n < cap)
                n++;
        }
    }
    return n;
}
