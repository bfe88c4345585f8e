/*
 * directory_internal.h — private layout of iam_directory (iamgate_directory.h)
 * shared by the loader (directory_load.c) and the lookups (directory.c).
 *
 * Memory: one heap copy of the export text (object-encoded documents and
 * unescaped strings point into it), plus a pool of heap blocks that never
 * move (principals, resolved policy lists, tags, escaped strings, decoded
 * documents). Everything is freed by iam_directory_destroy.
 */
#ifndef IAMGATE_CORE_DIRECTORY_DIRECTORY_INTERNAL_H
#define IAMGATE_CORE_DIRECTORY_DIRECTORY_INTERNAL_H

#include "../internal.h"
#include "iamgate_directory.h"

/* ---- pool: bump allocation over a list of heap blocks ---- */

typedef struct dir_block dir_block;

typedef struct dir_pool {
    dir_block *head; /* the block being filled; older blocks follow */
} dir_pool;

/* size bytes aligned for any type; NULL when out of memory. A zero size
 * returns a valid pointer. */
IAM_INTERNAL void *dir_pool_alloc(dir_pool *pool, size_t size);
IAM_INTERNAL void dir_pool_free(dir_pool *pool);

/* ---- index: open addressing, case-insensitive keys ---- */

/* A slot holds an encoded value (never 0, which marks an empty slot):
 * entities use dir_ref(type, index). */
typedef struct dir_index {
    uint32_t *slots;
    size_t mask; /* slot count - 1 (a power of two) */
} dir_index;

/* The key of a stored value, for comparisons during a probe. */
typedef iam_str (*dir_key_fn)(const void *ctx, uint32_t value);

IAM_INTERNAL iam_status dir_index_init(dir_index *ix, size_t count);
IAM_INTERNAL void dir_index_free(dir_index *ix);
/* Inserts value under key; returns the value already stored under a key
 * equal ignoring ASCII case (and does not insert), or 0. */
IAM_INTERNAL uint32_t dir_index_insert(dir_index *ix, const char *key, size_t len,
                                       uint32_t value, dir_key_fn key_of,
                                       const void *ctx);
/* The value whose key equals key exactly, else the first equal ignoring
 * ASCII case, else 0. */
IAM_INTERNAL uint32_t dir_index_find(const dir_index *ix, const char *key, size_t len,
                                     dir_key_fn key_of, const void *ctx);

IAM_INTERNAL bool dir_equal_ci(const char *a, size_t alen, const char *b, size_t blen);

/* ---- the directory ---- */

#define DIR_TYPES 3 /* users, groups, roles: iam_entity_type - 1 */

static inline uint32_t dir_ref(uint8_t type, size_t index)
{
    return (uint32_t)(index << 2) | type;
}
static inline uint8_t dir_ref_type(uint32_t ref) { return (uint8_t)(ref & 3u); }
static inline size_t dir_ref_index(uint32_t ref) { return ref >> 2; }

/* Entities per type never exceed this (each needs several input bytes; the
 * loader checks it anyway so that dir_ref never overflows). */
#define DIR_MAX_ENTITIES (1u << 29)

struct iam_directory {
    char *text;  /* the export, copied (NUL-terminated) */
    size_t len;
    dir_pool pool;
    iam_directory_principal *entities[DIR_TYPES]; /* export order */
    size_t counts[DIR_TYPES];
    dir_index names[DIR_TYPES]; /* by name, per type */
    dir_index arns;             /* every entity with an ARN */
    bool truncated;             /* IsTruncated: true */
};

/* Key functions over the directory's entities (ctx: the directory). */
IAM_INTERNAL iam_str dir_entity_name(const void *dir, uint32_t ref);
IAM_INTERNAL iam_str dir_entity_arn(const void *dir, uint32_t ref);

#endif /* IAMGATE_CORE_DIRECTORY_DIRECTORY_INTERNAL_H */
