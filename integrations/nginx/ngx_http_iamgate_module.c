/*
 * ngx_http_iamgate_module — decides each request with AWS IAM policies
 * (iamgate) in nginx's access phase.
 *
 * Configuration time (in the master, before fork): policy files are read,
 * parsed with iam_policy_parse into arenas carved from the cycle pool and
 * compiled with iam_policy_set_compile into immutable sets, also in the
 * cycle pool. An `aws iam get-account-authorization-details` export
 * (iamgate_account_details) is loaded once and every user and role in it
 * gets its own compiled set (its policies plus the location's files).
 * Workers inherit all of it read-only after fork; a reload builds a new
 * cycle and frees the old one with its pool.
 *
 * Request time: the principal, action, resource and context values are
 * read from variables whose indexes were resolved at configuration time;
 * the context entries live on the stack; iam_eval allocates nothing. An
 * Allow returns NGX_OK (the request goes on); a deny answers 403 with a
 * small JSON body naming the decision (and, with iamgate_debug, the
 * deciding statements and the missing context keys).
 *
 * See README.md for the directives.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "iamgate.h"
#include "iamgate_directory.h"

/* Bounds of the per-request context array (on the stack). */
#define NGX_HTTP_IAMGATE_MAX_CONFIGURED   32  /* iamgate_context directives */
#define NGX_HTTP_IAMGATE_MAX_PRINCIPAL    64  /* keys synthesised per principal */
#define NGX_HTTP_IAMGATE_BUILTINS         6   /* SourceIp, SecureTransport, CurrentTime,
                                                 EpochTime, PrincipalArn, PrincipalType */
#define NGX_HTTP_IAMGATE_MAX_CONTEXT                                                   \
    (NGX_HTTP_IAMGATE_MAX_CONFIGURED + NGX_HTTP_IAMGATE_MAX_PRINCIPAL                 \
     + NGX_HTTP_IAMGATE_BUILTINS)
#define NGX_HTTP_IAMGATE_EXPLAIN_CAP      16  /* statements / missing keys in a debug body */

#if defined(__GNUC__)
#define NGX_HTTP_IAMGATE_NOINLINE  __attribute__((noinline))
#else
#define NGX_HTTP_IAMGATE_NOINLINE
#endif

/* How a directive argument is read at request time. */
typedef enum {
    NGX_HTTP_IAMGATE_UNSET = 0,
    NGX_HTTP_IAMGATE_STATIC,   /* literal text */
    NGX_HTTP_IAMGATE_VARIABLE, /* exactly one $variable: an index, no copy */
    NGX_HTTP_IAMGATE_COMPLEX   /* text with variables: a complex value */
} ngx_http_iamgate_value_type_e;

typedef struct {
    ngx_uint_t                 type;
    ngx_str_t                  text;
    ngx_int_t                  index;
    ngx_http_complex_value_t  *cv;
} ngx_http_iamgate_value_t;

typedef struct {
    iam_str                    key;
    ngx_http_iamgate_value_t   value;
} ngx_http_iamgate_context_t;

/* One user or role of an account export, with its compiled set. */
typedef struct {
    const char                *key;      /* its name pointer in the directory */
    size_t                     key_len;
    const iam_policy_set      *set;
    iam_context_entry         *context;  /* aws:PrincipalArn, aws:username, tags... */
    ngx_uint_t                 ncontext;
    iam_policy_input          *inputs;   /* its own parsed policies */
    ngx_uint_t                 ninputs;
    ngx_uint_t                 role;
} ngx_http_iamgate_principal_t;

typedef struct {
    iam_directory             *dir;
    ngx_str_t                  file;
    ngx_http_iamgate_principal_t *principals; /* sorted by key */
    ngx_uint_t                 nprincipals;
} ngx_http_iamgate_export_t;

/*
 * What a location decides with: the policy files (iamgate_policy) and the
 * export (iamgate_account_details), compiled. A level without either
 * directive shares its parent's bundle, so it is compiled once.
 */
typedef struct {
    ngx_array_t               *inputs;   /* iam_policy_input, NULL when none here */
    ngx_http_iamgate_export_t *export;   /* NULL when none */
    const iam_policy_set      *set;      /* inputs alone (no export) */
    ngx_http_iamgate_principal_t *principals; /* export: one per user/role */
    ngx_uint_t                 nprincipals;
    ngx_flag_t                 compiled;
} ngx_http_iamgate_bundle_t;

typedef struct {
    ngx_flag_t                 enable;
    ngx_flag_t                 debug;
    ngx_http_iamgate_bundle_t *bundle;
    ngx_http_iamgate_value_t   principal;
    ngx_http_iamgate_value_t   action;
    ngx_http_iamgate_value_t   resource;
    ngx_array_t               *context;  /* ngx_http_iamgate_context_t */
} ngx_http_iamgate_loc_conf_t;

static ngx_int_t ngx_http_iamgate_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_iamgate_decide(ngx_http_request_t *r,
    ngx_http_iamgate_loc_conf_t *lcf) NGX_HTTP_IAMGATE_NOINLINE;
static void *ngx_http_iamgate_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_iamgate_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static ngx_int_t ngx_http_iamgate_init(ngx_conf_t *cf);
static char *ngx_http_iamgate_policy(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_iamgate_account_details(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_iamgate_set_value(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_iamgate_context(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

static ngx_command_t ngx_http_iamgate_commands[] = {

    { ngx_string("iamgate"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_iamgate_loc_conf_t, enable),
      NULL },

    { ngx_string("iamgate_debug"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_iamgate_loc_conf_t, debug),
      NULL },

    { ngx_string("iamgate_policy"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_iamgate_policy,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("iamgate_account_details"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_iamgate_account_details,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("iamgate_principal"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_iamgate_set_value,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_iamgate_loc_conf_t, principal),
      NULL },

    { ngx_string("iamgate_action"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_iamgate_set_value,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_iamgate_loc_conf_t, action),
      NULL },

    { ngx_string("iamgate_resource"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_iamgate_set_value,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_iamgate_loc_conf_t, resource),
      NULL },

    { ngx_string("iamgate_context"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_iamgate_context,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};

static ngx_http_module_t ngx_http_iamgate_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_iamgate_init,                 /* postconfiguration */
    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */
    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */
    ngx_http_iamgate_create_loc_conf,      /* create location configuration */
    ngx_http_iamgate_merge_loc_conf        /* merge location configuration */
};

ngx_module_t ngx_http_iamgate_module = {
    NGX_MODULE_V1,
    &ngx_http_iamgate_module_ctx,          /* module context */
    ngx_http_iamgate_commands,             /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};

static const iam_str ngx_http_iamgate_true = { "true", 4 };
static const iam_str ngx_http_iamgate_false = { "false", 5 };
static const iam_str ngx_http_iamgate_user = { "User", 4 };
static const iam_str ngx_http_iamgate_assumed_role = { "AssumedRole", 11 };

#define ngx_http_iamgate_key(lit) { lit, sizeof(lit) - 1 }

static const iam_str ngx_http_iamgate_k_source_ip =
    ngx_http_iamgate_key("aws:SourceIp");
static const iam_str ngx_http_iamgate_k_secure =
    ngx_http_iamgate_key("aws:SecureTransport");
static const iam_str ngx_http_iamgate_k_current_time =
    ngx_http_iamgate_key("aws:CurrentTime");
static const iam_str ngx_http_iamgate_k_epoch_time =
    ngx_http_iamgate_key("aws:EpochTime");
static const iam_str ngx_http_iamgate_k_principal_arn =
    ngx_http_iamgate_key("aws:PrincipalArn");
static const iam_str ngx_http_iamgate_k_principal_type =
    ngx_http_iamgate_key("aws:PrincipalType");


/* ------------------------------------------------------------------------ */
/* Configuration                                                             */
/* ------------------------------------------------------------------------ */

static void *
ngx_http_iamgate_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_iamgate_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_iamgate_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->bundle = NULL;
     *     conf->principal.type = NGX_HTTP_IAMGATE_UNSET;
     *     conf->action.type = NGX_HTTP_IAMGATE_UNSET;
     *     conf->resource.type = NGX_HTTP_IAMGATE_UNSET;
     */

    conf->enable = NGX_CONF_UNSET;
    conf->debug = NGX_CONF_UNSET;
    conf->context = NGX_CONF_UNSET_PTR;

    return conf;
}


static ngx_http_iamgate_bundle_t *
ngx_http_iamgate_own_bundle(ngx_conf_t *cf, ngx_http_iamgate_loc_conf_t *lcf)
{
    /* During parsing a level's bundle is its own: merging comes later. */
    if (lcf->bundle == NULL) {
        lcf->bundle = ngx_pcalloc(cf->pool, sizeof(ngx_http_iamgate_bundle_t));
    }

    return lcf->bundle;
}


/* Reads a whole file into memory from pool (NUL-terminated). */
static ngx_int_t
ngx_http_iamgate_read_file(ngx_conf_t *cf, ngx_pool_t *pool, ngx_str_t *path,
    ngx_str_t *out)
{
    ssize_t          n;
    size_t           size;
    ngx_file_t       file;
    ngx_file_info_t  fi;

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = *path;
    file.log = cf->log;

    file.fd = ngx_open_file(path->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", path);
        return NGX_ERROR;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_fd_info_n " \"%V\" failed", path);
        goto failed;
    }

    size = (size_t) ngx_file_size(&fi);

    out->data = ngx_pnalloc(pool, size + 1);
    if (out->data == NULL) {
        goto failed;
    }

    n = size ? ngx_read_file(&file, out->data, size, 0) : 0;
    if (n == NGX_ERROR) {
        goto failed;
    }

    if ((size_t) n != size) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           ngx_read_file_n " \"%V\" returned only %z bytes instead of %uz",
                           path, n, size);
        goto failed;
    }

    out->data[size] = '\0';
    out->len = size;

    if (ngx_close_file(file.fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%V\" failed", path);
    }

    return NGX_OK;

failed:

    if (ngx_close_file(file.fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%V\" failed", path);
    }

    return NGX_ERROR;
}


/* Logs "FILE:LINE:COLUMN: message (at /json/pointer) near 'text'". */
static void
ngx_http_iamgate_log_policy_error(ngx_conf_t *cf, const char *what,
    const iam_error *err, const char *name)
{
    char  buf[512];

    iam_error_format(err, name, buf, sizeof(buf));

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s: %s [%s]", what, buf,
                       iam_status_name(err->code));
}


/* Parses json into an arena sized exactly for it, carved from cf->pool. */
static iam_status
ngx_http_iamgate_parse(ngx_conf_t *cf, iam_parser *parser, const char *json,
    size_t len, iam_policy_kind kind, const iam_policy **out, iam_error *err)
{
    void               *mem;
    size_t              need;
    iam_arena           arena;
    iam_parse_options   opts;

    ngx_memzero(&opts, sizeof(iam_parse_options));
    opts.kind = kind;

    need = iam_policy_measure(parser, json, len, &opts, err);
    if (need == 0) {
        return err->code != IAM_OK ? err->code : IAM_E_ARG;
    }

    need += 63; /* the measure is for a 64-byte aligned buffer */

    mem = ngx_palloc(cf->pool, need);
    if (mem == NULL) {
        return IAM_E_NOMEM;
    }

    iam_arena_init(&arena, mem, need);

    return iam_policy_parse(parser, &arena, json, len, &opts, out, err);
}


static ngx_int_t
ngx_http_iamgate_parse_kind(ngx_str_t *s, iam_policy_kind *kind, uint32_t *level)
{
    ngx_int_t   n;
    ngx_uint_t  i, len;

    static const struct {
        const char       *name;
        iam_policy_kind   kind;
    } kinds[] = {
        { "identity", IAM_POLICY_IDENTITY },
        { "boundary", IAM_POLICY_BOUNDARY },
        { "session", IAM_POLICY_SESSION },
        { "scp", IAM_POLICY_SCP },
        { "rcp", IAM_POLICY_RCP },
        { "resource", IAM_POLICY_RESOURCE }
    };

    *level = 0;
    len = s->len;

    /* "scp:2", "rcp:1": the organisation level (0..7) */
    for (i = 0; i < s->len; i++) {
        if (s->data[i] == ':') {
            len = i;
            n = ngx_atoi(s->data + i + 1, s->len - i - 1);
            if (n == NGX_ERROR || n > 7) {
                return NGX_ERROR;
            }
            *level = (uint32_t) n;
            break;
        }
    }

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (ngx_strlen(kinds[i].name) == len
            && ngx_strncmp(kinds[i].name, s->data, len) == 0)
        {
            *kind = kinds[i].kind;

            if (len != s->len && *kind != IAM_POLICY_SCP && *kind != IAM_POLICY_RCP) {
                return NGX_ERROR;
            }

            return NGX_OK;
        }
    }

    return NGX_ERROR;
}


/* iamgate_policy FILE [identity|boundary|session|scp[:N]|rcp[:N]|resource]; */
static char *
ngx_http_iamgate_policy(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_iamgate_loc_conf_t *lcf = conf;

    u_char                     *p;
    uint32_t                    level;
    ngx_str_t                  *value, path, text;
    iam_error                   err;
    iam_status                  st;
    iam_parser                 *parser;
    iam_policy_kind             kind;
    const iam_policy           *policy;
    iam_policy_input           *in;
    ngx_http_iamgate_bundle_t  *b;

    (void) cmd;

    value = cf->args->elts;
    kind = IAM_POLICY_IDENTITY;
    level = 0;

    if (cf->args->nelts == 3
        && ngx_http_iamgate_parse_kind(&value[2], &kind, &level) != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid policy kind \"%V\" (identity, boundary, "
                           "session, scp[:LEVEL], rcp[:LEVEL] or resource)",
                           &value[2]);
        return NGX_CONF_ERROR;
    }

    path = value[1];
    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_iamgate_read_file(cf, cf->temp_pool, &path, &text) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (iam_parser_create(&parser) != IAM_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "iam_parser_create() failed");
        return NGX_CONF_ERROR;
    }

    st = ngx_http_iamgate_parse(cf, parser, (const char *) text.data, text.len,
                                kind, &policy, &err);

    iam_parser_destroy(parser);

    if (st != IAM_OK) {
        ngx_http_iamgate_log_policy_error(cf, "invalid policy", &err,
                                          (const char *) path.data);
        return NGX_CONF_ERROR;
    }

    b = ngx_http_iamgate_own_bundle(cf, lcf);
    if (b == NULL) {
        return NGX_CONF_ERROR;
    }

    if (b->inputs == NULL) {
        b->inputs = ngx_array_create(cf->pool, 4, sizeof(iam_policy_input));
        if (b->inputs == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    in = ngx_array_push(b->inputs);
    if (in == NULL) {
        return NGX_CONF_ERROR;
    }

    /* the policy's name in explanations: the file's base name */
    p = path.data + path.len;
    while (p > path.data && p[-1] != '/') {
        p--;
    }

    in->policy = policy;
    in->kind = kind;
    in->level = level;
    in->name.len = (size_t) (path.data + path.len - p);
    in->name.ptr = (const char *) ngx_pstrdup(cf->pool,
                                              &(ngx_str_t) { in->name.len, p });
    if (in->name.ptr == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void
ngx_http_iamgate_directory_cleanup(void *data)
{
    iam_directory_destroy(data);
}


static int ngx_libc_cdecl
ngx_http_iamgate_principal_cmp(const void *one, const void *two)
{
    const ngx_http_iamgate_principal_t  *a = one, *b = two;

    if ((uintptr_t) a->key < (uintptr_t) b->key) {
        return -1;
    }

    return (uintptr_t) a->key > (uintptr_t) b->key;
}


static iam_str
ngx_http_iamgate_pstr(ngx_conf_t *cf, const char *fmt_prefix, iam_str s)
{
    size_t    plen;
    u_char   *p;
    iam_str   r = { NULL, 0 };

    plen = ngx_strlen(fmt_prefix);

    p = ngx_pnalloc(cf->pool, plen + s.len);
    if (p == NULL) {
        return r;
    }

    ngx_memcpy(p, fmt_prefix, plen);
    if (s.len) {
        ngx_memcpy(p + plen, s.ptr, s.len);
    }

    r.ptr = (const char *) p;
    r.len = plen + s.len;
    return r;
}


/* The context keys a principal of the export brings (spec §5.2). */
static ngx_int_t
ngx_http_iamgate_principal_context(ngx_conf_t *cf, ngx_http_iamgate_principal_t *pr,
    const iam_directory_principal *p)
{
    iam_str            *v;
    uint32_t            i;
    ngx_uint_t          n, max;
    iam_context_entry  *e;

    max = 4 + p->tag_count;
    if (max > NGX_HTTP_IAMGATE_MAX_PRINCIPAL) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "iamgate: principal \"%*s\" has %uD tags; only the first %d "
                           "become aws:PrincipalTag keys",
                           p->name.len, p->name.ptr, p->tag_count,
                           NGX_HTTP_IAMGATE_MAX_PRINCIPAL - 4);
        max = NGX_HTTP_IAMGATE_MAX_PRINCIPAL;
    }

    e = ngx_pcalloc(cf->pool, max * sizeof(iam_context_entry));
    v = ngx_pcalloc(cf->pool, max * sizeof(iam_str));
    if (e == NULL || v == NULL) {
        return NGX_ERROR;
    }

    n = 0;

#define ngx_http_iamgate_put(k, val)                                            \
    do {                                                                        \
        e[n].key.ptr = k; e[n].key.len = sizeof(k) - 1;                         \
        v[n] = (val); e[n].values = &v[n]; e[n].count = 1; e[n].multi = false;  \
        n++;                                                                    \
    } while (0)

    if (p->arn.len) {
        ngx_http_iamgate_put("aws:PrincipalArn", p->arn);
    }

    if (p->account.len) {
        ngx_http_iamgate_put("aws:PrincipalAccount", p->account);
    }

    if (p->type == IAM_ENTITY_USER) {
        ngx_http_iamgate_put("aws:username", p->name);
        if (p->id.len) {
            ngx_http_iamgate_put("aws:userid", p->id);
        }
    }

#undef ngx_http_iamgate_put

    for (i = 0; i < p->tag_count && n < max; i++) {
        e[n].key = ngx_http_iamgate_pstr(cf, "aws:PrincipalTag/", p->tags[i].key);
        if (e[n].key.ptr == NULL) {
            return NGX_ERROR;
        }
        v[n] = p->tags[i].value;
        e[n].values = &v[n];
        e[n].count = 1;
        e[n].multi = false;
        n++;
    }

    pr->context = e;
    pr->ncontext = n;

    return NGX_OK;
}


/* iamgate_account_details FILE; */
static char *
ngx_http_iamgate_account_details(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_iamgate_loc_conf_t *lcf = conf;

    size_t                        i, k, users, roles, j;
    ngx_str_t                    *value, path, text;
    iam_error                     err;
    iam_status                    st;
    iam_parser                   *parser;
    ngx_uint_t                    ncache, ccap;
    iam_directory                *dir;
    ngx_pool_cleanup_t           *cln;
    iam_entity_type               type;
    ngx_http_iamgate_bundle_t    *b;
    ngx_http_iamgate_export_t    *ex;
    iam_directory_principal       p;
    ngx_http_iamgate_principal_t *pr;
    char                          name[512], msg[512];

    /* documents shared by several principals are parsed once */
    struct {
        const char        *doc;
        uint8_t            kind;
        const iam_policy  *policy;
    } *cache;

    (void) cmd;

    b = ngx_http_iamgate_own_bundle(cf, lcf);
    if (b == NULL) {
        return NGX_CONF_ERROR;
    }

    if (b->export != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;
    path = value[1];
    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_iamgate_read_file(cf, cf->temp_pool, &path, &text) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    st = iam_directory_load((const char *) text.data, text.len, &dir, &err);
    if (st != IAM_OK) {
        ngx_http_iamgate_log_policy_error(cf, "invalid account details", &err,
                                          (const char *) path.data);
        return NGX_CONF_ERROR;
    }

    /* the directory lives as long as this configuration (the cycle) */
    cln->handler = ngx_http_iamgate_directory_cleanup;
    cln->data = dir;

    if (iam_directory_is_truncated(dir)) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "iamgate: \"%V\" is one page of a truncated export "
                           "(IsTruncated): principals may be missing", &path);
    }

    users = iam_directory_count(dir, IAM_ENTITY_USER);
    roles = iam_directory_count(dir, IAM_ENTITY_ROLE);

    ex = ngx_pcalloc(cf->pool, sizeof(ngx_http_iamgate_export_t));
    if (ex == NULL) {
        return NGX_CONF_ERROR;
    }

    ex->dir = dir;
    ex->file = path;
    ex->nprincipals = users + roles;
    ex->principals = ngx_pcalloc(cf->pool, (ex->nprincipals ? ex->nprincipals : 1)
                                 * sizeof(ngx_http_iamgate_principal_t));
    if (ex->principals == NULL) {
        return NGX_CONF_ERROR;
    }

    ccap = 64;
    ncache = 0;
    cache = ngx_palloc(cf->temp_pool, ccap * sizeof(*cache));
    if (cache == NULL) {
        return NGX_CONF_ERROR;
    }

    if (iam_parser_create(&parser) != IAM_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "iam_parser_create() failed");
        return NGX_CONF_ERROR;
    }

    pr = ex->principals;

    for (i = 0; i < users + roles; i++, pr++) {
        type = i < users ? IAM_ENTITY_USER : IAM_ENTITY_ROLE;
        k = i < users ? i : i - users;

        if (iam_directory_at(dir, type, k, &p) != IAM_OK) {
            goto failed;
        }

        pr->key = p.name.ptr;
        pr->key_len = p.name.len;
        pr->role = (type == IAM_ENTITY_ROLE);
        pr->ninputs = p.policy_count;
        pr->inputs = ngx_pcalloc(cf->pool, (p.policy_count ? p.policy_count : 1)
                                 * sizeof(iam_policy_input));
        if (pr->inputs == NULL) {
            goto failed;
        }

        for (j = 0; j < p.policy_count; j++) {
            const iam_directory_policy  *dp = &p.policies[j];
            const iam_policy            *policy = NULL;

            for (k = 0; k < ncache; k++) {
                if (cache[k].doc == dp->document.ptr && cache[k].kind == dp->kind) {
                    policy = cache[k].policy;
                    break;
                }
            }

            if (policy == NULL) {
                st = ngx_http_iamgate_parse(cf, parser, dp->document.ptr,
                                            dp->document.len, dp->kind, &policy, &err);
                if (st != IAM_OK) {
                    /* place it in the export file when the document is an object there */
                    if (dp->in_export) {
                        iam_locate((const char *) text.data, text.len,
                                   dp->export_offset + err.offset, &err.line, &err.column);
                    }

                    ngx_snprintf((u_char *) name, sizeof(name) - 1, "%V%Z", &path);
                    name[sizeof(name) - 1] = '\0';
                    iam_error_format(&err, name, msg, sizeof(msg));

                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid policy \"%*s\" of \"%*s\": %s [%s]%s",
                                       dp->name.len, dp->name.ptr,
                                       p.name.len, p.name.ptr, msg,
                                       iam_status_name(err.code),
                                       dp->in_export ? "" : " (a string document: the "
                                       "position is within the decoded document)");
                    goto failed;
                }

                if (ncache == ccap) {
                    void *grown = ngx_palloc(cf->temp_pool, 2 * ccap * sizeof(*cache));
                    if (grown == NULL) {
                        goto failed;
                    }
                    ngx_memcpy(grown, cache, ccap * sizeof(*cache));
                    cache = grown;
                    ccap *= 2;
                }

                cache[ncache].doc = dp->document.ptr;
                cache[ncache].kind = dp->kind;
                cache[ncache].policy = policy;
                ncache++;
            }

            pr->inputs[j].policy = policy;
            pr->inputs[j].kind = dp->kind;
            pr->inputs[j].level = 0;
            pr->inputs[j].name = dp->name;
        }

        if (ngx_http_iamgate_principal_context(cf, pr, &p) != NGX_OK) {
            goto failed;
        }
    }

    iam_parser_destroy(parser);

    ngx_qsort(ex->principals, ex->nprincipals, sizeof(ngx_http_iamgate_principal_t),
              ngx_http_iamgate_principal_cmp);

    b->export = ex;

    ngx_conf_log_error(NGX_LOG_INFO, cf, 0,
                       "iamgate: \"%V\": %uz users, %uz roles", &path, users, roles);

    return NGX_CONF_OK;

failed:

    iam_parser_destroy(parser);
    return NGX_CONF_ERROR;
}


/* A directive argument: literal, one $variable, or a complex value. */
static char *
ngx_http_iamgate_compile_value(ngx_conf_t *cf, ngx_str_t *s, ngx_http_iamgate_value_t *v)
{
    ngx_uint_t                         i;
    ngx_str_t                          name;
    ngx_http_compile_complex_value_t   ccv;

    if (s->len > 1 && s->data[0] == '$') {
        for (i = 1; i < s->len; i++) {
            if (!((s->data[i] >= 'a' && s->data[i] <= 'z')
                  || (s->data[i] >= 'A' && s->data[i] <= 'Z')
                  || (s->data[i] >= '0' && s->data[i] <= '9')
                  || s->data[i] == '_'))
            {
                break;
            }
        }

        if (i == s->len) {
            name.data = s->data + 1;
            name.len = s->len - 1;

            v->index = ngx_http_get_variable_index(cf, &name);
            if (v->index == NGX_ERROR) {
                return NGX_CONF_ERROR;
            }

            v->type = NGX_HTTP_IAMGATE_VARIABLE;
            v->text = *s;
            return NGX_CONF_OK;
        }
    }

    if (ngx_http_script_variables_count(s) == 0) {
        v->type = NGX_HTTP_IAMGATE_STATIC;
        v->text = *s;
        return NGX_CONF_OK;
    }

    v->cv = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (v->cv == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
    ccv.cf = cf;
    ccv.value = s;
    ccv.complex_value = v->cv;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    v->type = NGX_HTTP_IAMGATE_COMPLEX;
    v->text = *s;
    return NGX_CONF_OK;
}


static char *
ngx_http_iamgate_set_value(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t                 *value;
    ngx_http_iamgate_value_t  *v;

    v = (ngx_http_iamgate_value_t *) ((char *) conf + cmd->offset);

    if (v->type != NGX_HTTP_IAMGATE_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    return ngx_http_iamgate_compile_value(cf, &value[1], v);
}


/* iamgate_context KEY VALUE; (an empty or missing value omits the key) */
static char *
ngx_http_iamgate_context(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_iamgate_loc_conf_t *lcf = conf;

    ngx_str_t                   *value;
    ngx_http_iamgate_context_t  *c;

    (void) cmd;

    value = cf->args->elts;

    if (lcf->context == NGX_CONF_UNSET_PTR) {
        lcf->context = ngx_array_create(cf->pool, 4, sizeof(ngx_http_iamgate_context_t));
        if (lcf->context == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (lcf->context->nelts == NGX_HTTP_IAMGATE_MAX_CONFIGURED) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "too many iamgate_context keys (at most %d)",
                           NGX_HTTP_IAMGATE_MAX_CONFIGURED);
        return NGX_CONF_ERROR;
    }

    if (value[1].len == 0) {
        return "has an empty key";
    }

    c = ngx_array_push(lcf->context);
    if (c == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(c, sizeof(ngx_http_iamgate_context_t));
    c->key.ptr = (const char *) value[1].data;
    c->key.len = value[1].len;

    return ngx_http_iamgate_compile_value(cf, &value[2], &c->value);
}


static const iam_policy_set *
ngx_http_iamgate_compile_set(ngx_conf_t *cf, const iam_policy_input *inputs,
    ngx_uint_t n, const char *what)
{
    void                  *mem;
    size_t                 need;
    iam_error              err;
    iam_arena              arena;
    iam_status             st;
    const iam_policy_set  *set;

    need = iam_policy_set_measure(inputs, n);
    if (need == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "iamgate: cannot compile the policies of %s", what);
        return NULL;
    }

    need += 63;

    mem = ngx_palloc(cf->pool, need);
    if (mem == NULL) {
        return NULL;
    }

    iam_arena_init(&arena, mem, need);

    st = iam_policy_set_compile(&arena, inputs, n, &set, &err);
    if (st != IAM_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "iamgate: compiling the policies of %s failed: %s",
                      what, iam_status_name(st));
        return NULL;
    }

    return set;
}


static ngx_int_t
ngx_http_iamgate_compile_bundle(ngx_conf_t *cf, ngx_http_iamgate_bundle_t *b)
{
    ngx_uint_t                     i, n, m;
    iam_policy_input              *in;
    ngx_http_iamgate_export_t     *ex;
    ngx_http_iamgate_principal_t  *pr;
    u_char                         what[256];

    if (b->compiled) {
        return NGX_OK;
    }

    b->compiled = 1;
    n = b->inputs ? b->inputs->nelts : 0;
    ex = b->export;

    if (ex == NULL) {
        if (n == 0) {
            return NGX_OK;
        }

        b->set = ngx_http_iamgate_compile_set(cf, b->inputs->elts, n,
                                              "iamgate_policy files");
        return b->set ? NGX_OK : NGX_ERROR;
    }

    /* each principal of the export: its own policies, then the files' */
    b->nprincipals = ex->nprincipals;
    b->principals = ngx_palloc(cf->pool, (ex->nprincipals ? ex->nprincipals : 1)
                               * sizeof(ngx_http_iamgate_principal_t));
    if (b->principals == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < ex->nprincipals; i++) {
        pr = &b->principals[i];
        *pr = ex->principals[i];
        m = pr->ninputs + n;

        in = ngx_palloc(cf->pool, (m ? m : 1) * sizeof(iam_policy_input));
        if (in == NULL) {
            return NGX_ERROR;
        }

        if (pr->ninputs) {
            ngx_memcpy(in, pr->inputs, pr->ninputs * sizeof(iam_policy_input));
        }

        if (n) {
            ngx_memcpy(in + pr->ninputs, b->inputs->elts, n * sizeof(iam_policy_input));
        }

        if (m == 0) {
            pr->set = NULL; /* no policy at all: every request is denied */
            continue;
        }

        ngx_snprintf(what, sizeof(what) - 1, "\"%*s\" in \"%V\"%Z",
                     pr->key_len, pr->key, &ex->file);
        what[sizeof(what) - 1] = '\0';

        pr->set = ngx_http_iamgate_compile_set(cf, in, m, (const char *) what);
        if (pr->set == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static char *
ngx_http_iamgate_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_iamgate_loc_conf_t *prev = parent;
    ngx_http_iamgate_loc_conf_t *conf = child;

    ngx_http_iamgate_bundle_t  *b;
    ngx_http_core_loc_conf_t   *clcf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->debug, prev->debug, 0);
    ngx_conf_merge_ptr_value(conf->context, prev->context, NULL);

    if (conf->principal.type == NGX_HTTP_IAMGATE_UNSET) {
        conf->principal = prev->principal;
    }

    if (conf->action.type == NGX_HTTP_IAMGATE_UNSET) {
        conf->action = prev->action;
    }

    if (conf->resource.type == NGX_HTTP_IAMGATE_UNSET) {
        conf->resource = prev->resource;
    }

    if (conf->resource.type == NGX_HTTP_IAMGATE_UNSET) {
        conf->resource.type = NGX_HTTP_IAMGATE_STATIC;
        ngx_str_set(&conf->resource.text, "*");
    }

    b = conf->bundle;

    if (b == NULL) {
        conf->bundle = prev->bundle; /* shared, compiled once */

    } else if (prev->bundle != NULL) {
        /* each directive is inherited unless this level has its own */
        if (b->inputs == NULL) {
            b->inputs = prev->bundle->inputs;
        }

        if (b->export == NULL) {
            b->export = prev->bundle->export;
        }
    }

    if (conf->bundle != NULL && ngx_http_iamgate_compile_bundle(cf, conf->bundle) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /*
     * Incomplete settings are configuration errors where requests are
     * decided with them for sure: in locations without nested locations.
     * A server or an outer location may leave them to its locations (its
     * own requests, if any reach it, are then denied).
     */
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (!conf->enable || clcf == NULL || clcf->locations != NULL) {
        return NGX_CONF_OK;
    }

    if (conf->bundle == NULL
        || (conf->bundle->inputs == NULL && conf->bundle->export == NULL))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"iamgate on\" needs iamgate_policy or "
                           "iamgate_account_details at the same or an outer level");
        return NGX_CONF_ERROR;
    }

    if (conf->action.type == NGX_HTTP_IAMGATE_UNSET) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"iamgate on\" needs iamgate_action");
        return NGX_CONF_ERROR;
    }

    if (conf->bundle->export != NULL && conf->principal.type == NGX_HTTP_IAMGATE_UNSET) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "iamgate_account_details needs iamgate_principal");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_iamgate_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_iamgate_handler;

    return NGX_OK;
}


/* ------------------------------------------------------------------------ */
/* Request time                                                              */
/* ------------------------------------------------------------------------ */

/* NGX_OK with the value, NGX_DECLINED when unset or not found, NGX_ERROR. */
static ngx_int_t
ngx_http_iamgate_get(ngx_http_request_t *r, ngx_http_iamgate_value_t *v, iam_str *out)
{
    ngx_str_t                   s;
    ngx_http_variable_value_t  *vv;

    switch (v->type) {

    case NGX_HTTP_IAMGATE_STATIC:
        out->ptr = (const char *) v->text.data;
        out->len = v->text.len;
        return NGX_OK;

    case NGX_HTTP_IAMGATE_VARIABLE:
        vv = ngx_http_get_flushed_variable(r, v->index);
        if (vv == NULL) {
            return NGX_ERROR;
        }

        if (vv->not_found) {
            break;
        }

        out->ptr = (const char *) vv->data;
        out->len = vv->len;
        return NGX_OK;

    case NGX_HTTP_IAMGATE_COMPLEX:
        if (ngx_http_complex_value(r, v->cv, &s) != NGX_OK) {
            return NGX_ERROR;
        }

        out->ptr = (const char *) s.data;
        out->len = s.len;
        return NGX_OK;

    default:
        break;
    }

    out->ptr = NULL;
    out->len = 0;
    return NGX_DECLINED;
}


/* aws:CurrentTime and aws:EpochTime, formatted once a second per worker. */
static void
ngx_http_iamgate_clock(iam_str *iso, iam_str *epoch)
{
    time_t     now;
    ngx_tm_t   tm;

    static time_t  cached = -1;
    static u_char  iso_buf[sizeof("1970-01-01T00:00:00Z")];
    static u_char  epoch_buf[NGX_TIME_T_LEN + 1];
    static size_t  epoch_len;

    now = ngx_time();

    if (now != cached) {
        ngx_gmtime(now, &tm);
        ngx_sprintf(iso_buf, "%4d-%02d-%02dT%02d:%02d:%02dZ",
                    tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                    tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec);
        epoch_len = (size_t) (ngx_sprintf(epoch_buf, "%T", now) - epoch_buf);
        cached = now;
    }

    iso->ptr = (const char *) iso_buf;
    iso->len = sizeof(iso_buf) - 1;
    epoch->ptr = (const char *) epoch_buf;
    epoch->len = epoch_len;
}


static size_t
ngx_http_iamgate_json_len(iam_str s)
{
    size_t  i, n;

    n = 2;

    for (i = 0; i < s.len; i++) {
        u_char c = (u_char) s.ptr[i];
        n += (c == '"' || c == '\\') ? 2 : (c < 0x20 || c == 0x7f) ? 6 : 1;
    }

    return n;
}


static u_char *
ngx_http_iamgate_json_str(u_char *p, iam_str s)
{
    size_t  i;

    static const u_char  hex[] = "0123456789abcdef";

    *p++ = '"';

    for (i = 0; i < s.len; i++) {
        u_char c = (u_char) s.ptr[i];

        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = c;

        } else if (c < 0x20 || c == 0x7f) {
            p = ngx_cpymem(p, "\\u00", 4);
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0xf];

        } else {
            *p++ = c;
        }
    }

    *p++ = '"';
    return p;
}


#define ngx_http_iamgate_lit(p, lit)  ngx_cpymem(p, lit, sizeof(lit) - 1)

/* Answers 403 with {"decision":...} and finalizes the request. */
static ngx_int_t
ngx_http_iamgate_deny(ngx_http_request_t *r, ngx_http_iamgate_loc_conf_t *lcf,
    iam_decision decision, const char *reason, const iam_request *req,
    const iam_explain *ex)
{
    u_char       *p;
    size_t        len;
    iam_str       name, sid, reason_s;
    uint32_t      i, nm, nx;
    ngx_buf_t    *b;
    ngx_int_t     rc;
    ngx_chain_t   out;
    u_char        idx[NGX_INT32_LEN];

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    name.ptr = iam_decision_name(decision);
    name.len = ngx_strlen(name.ptr);
    reason_s.ptr = reason;
    reason_s.len = reason ? ngx_strlen(reason) : 0;

    nm = ex ? ngx_min(ex->matched_count, ex->matched_cap) : 0;
    nx = ex ? ngx_min(ex->missing_count, ex->missing_cap) : 0;

    len = sizeof("{\"decision\":}\n") - 1 + ngx_http_iamgate_json_len(name);

    if (reason) {
        len += sizeof(",\"reason\":") - 1 + ngx_http_iamgate_json_len(reason_s);
    }

    if (lcf->debug) {
        len += sizeof(",\"action\":,\"resource\":,\"principal\":,\"matched\":[],\"missing\":[]")
               - 1
               + ngx_http_iamgate_json_len(req->action)
               + ngx_http_iamgate_json_len(req->resource)
               + ngx_http_iamgate_json_len(req->principal);

        for (i = 0; i < nm; i++) {
            len += sizeof("{\"policy\":,\"statement\":,\"sid\":},") - 1 + NGX_INT32_LEN
                   + ngx_http_iamgate_json_len(ex->matched[i].policy_name)
                   + ngx_http_iamgate_json_len(ex->matched[i].sid);
        }

        for (i = 0; i < nx; i++) {
            len += 1 + ngx_http_iamgate_json_len(ex->missing[i]);
        }
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = b->last;
    p = ngx_http_iamgate_lit(p, "{\"decision\":");
    p = ngx_http_iamgate_json_str(p, name);

    if (reason) {
        p = ngx_http_iamgate_lit(p, ",\"reason\":");
        p = ngx_http_iamgate_json_str(p, reason_s);
    }

    if (lcf->debug) {
        p = ngx_http_iamgate_lit(p, ",\"action\":");
        p = ngx_http_iamgate_json_str(p, req->action);
        p = ngx_http_iamgate_lit(p, ",\"resource\":");
        p = ngx_http_iamgate_json_str(p, req->resource);
        p = ngx_http_iamgate_lit(p, ",\"principal\":");
        p = ngx_http_iamgate_json_str(p, req->principal);
        p = ngx_http_iamgate_lit(p, ",\"matched\":[");

        for (i = 0; i < nm; i++) {
            if (i) {
                *p++ = ',';
            }
            sid = ex->matched[i].sid;
            p = ngx_http_iamgate_lit(p, "{\"policy\":");
            p = ngx_http_iamgate_json_str(p, ex->matched[i].policy_name);
            p = ngx_http_iamgate_lit(p, ",\"statement\":");
            p = ngx_cpymem(p, idx, ngx_sprintf(idx, "%uD", ex->matched[i].statement) - idx);
            p = ngx_http_iamgate_lit(p, ",\"sid\":");
            p = ngx_http_iamgate_json_str(p, sid);
            *p++ = '}';
        }

        p = ngx_http_iamgate_lit(p, "],\"missing\":[");

        for (i = 0; i < nx; i++) {
            if (i) {
                *p++ = ',';
            }
            p = ngx_http_iamgate_json_str(p, ex->missing[i]);
        }

        *p++ = ']';
    }

    p = ngx_http_iamgate_lit(p, "}\n");
    b->last = p;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    if (lcf->debug) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "iamgate: %s \"%*s\" on \"%*s\" for \"%*s\"%s%s",
                      name.ptr, req->action.len, req->action.ptr,
                      req->resource.len, req->resource.ptr,
                      req->principal.len, req->principal.ptr,
                      reason ? ": " : "", reason ? reason : "");
    }

    r->headers_out.status = NGX_HTTP_FORBIDDEN;
    r->headers_out.content_length_n = p - b->pos;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        ngx_http_finalize_request(r, rc);
        return NGX_DONE;
    }

    out.buf = b;
    out.next = NULL;

    ngx_http_finalize_request(r, ngx_http_output_filter(r, &out));

    /* the response is sent: stop the phases (NGX_OK here would mean allow) */
    return NGX_DONE;
}


/*
 * The access-phase handler runs for every request of every location: it
 * only looks at the flag, and the decision (with its large stack frame)
 * lives in a separate function.
 */
static ngx_int_t
ngx_http_iamgate_handler(ngx_http_request_t *r)
{
    ngx_http_iamgate_loc_conf_t  *lcf;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_iamgate_module);

    if (!lcf->enable) {
        return NGX_DECLINED;
    }

    return ngx_http_iamgate_decide(r, lcf);
}


static ngx_int_t
ngx_http_iamgate_decide(ngx_http_request_t *r, ngx_http_iamgate_loc_conf_t *lcf)
{
    ngx_int_t                      rc;
    ngx_uint_t                     i, n, lo, hi, mid;
    iam_str                        values[NGX_HTTP_IAMGATE_MAX_CONTEXT];
    iam_request                    req;
    iam_explain                    ex, *exp;
    iam_decision                   d;
    iam_context_entry              ctx[NGX_HTTP_IAMGATE_MAX_CONTEXT];
    iam_statement_ref              matched[NGX_HTTP_IAMGATE_EXPLAIN_CAP];
    iam_str                        missing[NGX_HTTP_IAMGATE_EXPLAIN_CAP];
    const iam_policy_set          *set;
    iam_directory_principal        p;
    ngx_http_iamgate_bundle_t     *b;
    ngx_http_iamgate_context_t    *c;
    ngx_http_iamgate_principal_t  *pr;

    b = lcf->bundle;

    if (ngx_http_iamgate_get(r, &lcf->action, &req.action) == NGX_ERROR
        || ngx_http_iamgate_get(r, &lcf->resource, &req.resource) == NGX_ERROR
        || ngx_http_iamgate_get(r, &lcf->principal, &req.principal) == NGX_ERROR)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = 0;

    /* configured keys first: the first entry of a key wins */
    if (lcf->context) {
        c = lcf->context->elts;

        for (i = 0; i < lcf->context->nelts; i++) {
            rc = ngx_http_iamgate_get(r, &c[i].value, &values[n]);
            if (rc == NGX_ERROR) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            if (rc != NGX_OK || values[n].len == 0) {
                continue; /* absent: conditions on it see a missing key */
            }

            ctx[n].key = c[i].key;
            ctx[n].values = &values[n];
            ctx[n].count = 1;
            ctx[n].multi = false;
            n++;
        }
    }

    if (b == NULL) {
        set = NULL; /* no policies here: iam_eval denies */

    } else if (b->export == NULL) {
        set = b->set;

        if (req.principal.len) {
            values[n] = req.principal;
            ctx[n].key = ngx_http_iamgate_k_principal_arn;
            ctx[n].values = &values[n];
            ctx[n].count = 1;
            ctx[n].multi = false;
            n++;
        }

    } else {
        /* the caller's user or role in the export, and its compiled set */
        if (iam_directory_find(b->export->dir, req.principal.ptr, req.principal.len, &p)
            != IAM_OK)
        {
            return ngx_http_iamgate_deny(r, lcf, IAM_DENY_IMPLICIT, "unknown principal",
                                         &req, NULL);
        }

        pr = NULL;
        lo = 0;
        hi = b->nprincipals;

        while (lo < hi) {
            mid = lo + (hi - lo) / 2;

            if ((uintptr_t) b->principals[mid].key < (uintptr_t) p.name.ptr) {
                lo = mid + 1;

            } else if ((uintptr_t) b->principals[mid].key > (uintptr_t) p.name.ptr) {
                hi = mid;

            } else {
                pr = &b->principals[mid];
                break;
            }
        }

        if (pr == NULL) { /* a group: not a caller */
            return ngx_http_iamgate_deny(r, lcf, IAM_DENY_IMPLICIT, "unknown principal",
                                         &req, NULL);
        }

        set = pr->set;

        for (i = 0; i < pr->ncontext; i++) {
            ctx[n++] = pr->context[i];
        }

        values[n] = (pr->role || p.session_name.len) ? ngx_http_iamgate_assumed_role
                                                      : ngx_http_iamgate_user;
        ctx[n].key = ngx_http_iamgate_k_principal_type;
        ctx[n].values = &values[n];
        ctx[n].count = 1;
        ctx[n].multi = false;
        n++;
    }

    /* built-in keys */
    values[n].ptr = (const char *) r->connection->addr_text.data;
    values[n].len = r->connection->addr_text.len;
    ctx[n].key = ngx_http_iamgate_k_source_ip;
    ctx[n].values = &values[n];
    ctx[n].count = 1;
    ctx[n].multi = false;
    n++;

#if (NGX_HTTP_SSL)
    values[n] = r->connection->ssl ? ngx_http_iamgate_true : ngx_http_iamgate_false;
#else
    values[n] = ngx_http_iamgate_false;
#endif
    ctx[n].key = ngx_http_iamgate_k_secure;
    ctx[n].values = &values[n];
    ctx[n].count = 1;
    ctx[n].multi = false;
    n++;

    ngx_http_iamgate_clock(&values[n], &values[n + 1]);
    ctx[n].key = ngx_http_iamgate_k_current_time;
    ctx[n].values = &values[n];
    ctx[n].count = 1;
    ctx[n].multi = false;
    n++;
    ctx[n].key = ngx_http_iamgate_k_epoch_time;
    ctx[n].values = &values[n];
    ctx[n].count = 1;
    ctx[n].multi = false;
    n++;

    req.context = ctx;
    req.context_count = (uint32_t) n;

    exp = NULL;

    if (lcf->debug) {
        ngx_memzero(&ex, sizeof(iam_explain));
        ex.matched = matched;
        ex.matched_cap = NGX_HTTP_IAMGATE_EXPLAIN_CAP;
        ex.missing = missing;
        ex.missing_cap = NGX_HTTP_IAMGATE_EXPLAIN_CAP;
        exp = &ex;
    }

    d = iam_eval(set, &req, exp);

    if (d == IAM_ALLOW) {
        if (lcf->debug) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "iamgate: Allow \"%*s\" on \"%*s\" for \"%*s\"",
                          req.action.len, req.action.ptr,
                          req.resource.len, req.resource.ptr,
                          req.principal.len, req.principal.ptr);
        }

        return NGX_OK;
    }

    return ngx_http_iamgate_deny(r, lcf, d, NULL, &req, exp);
}
