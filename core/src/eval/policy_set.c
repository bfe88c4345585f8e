/* Compiling a batch of parsed policies into an immutable iam_policy_set. */
#include "eval_internal.h"
#include "iamgate_catalog.h"
#include "../catalog/catalog_internal.h"

#include <stdlib.h>

/* Scratch of sets up to this size lives on the stack (1.5 KB and 512 B). */
#define SMALL_ACTIONS 64
#define SMALL_SLOTS 128

typedef struct compile_ctx {
    iam_arena *arena;
    const iam_policy_input *inputs;
    size_t count;
    uint32_t statements;
    glob_input *actions;
    size_t action_n;
    iam_str keys[KEY_SLOTS];        /* distinct condition keys, in order met */
    uint32_t key_n;
} compile_ctx;

/* Variables are substituted only in 2012-10-17 policies (spec §1.3, §4);
 * only in a Resource pattern's resource part (spec §4.2). */
static bool resource_has_variable(bool enabled, const iam_value *v)
{
    if (!enabled || !variables_present(v->text)) /* (most patterns: no "${" at all) */
        return false;
    size_t from = variables_resource_part(v->text);
    iam_str part = {v->text.ptr + from, v->text.len - from};
    return variables_present(part);
}

/* The key's slot: the first KEY_SLOTS distinct keys of the set get one. */
static uint8_t key_slot(compile_ctx *cc, iam_str key)
{
    for (uint32_t i = 0; i < cc->key_n; i++)
        if (context_key_equals(cc->keys[i], key))
            return (uint8_t)i;
    if (cc->key_n == KEY_SLOTS)
        return KEY_SLOTS;
    cc->keys[cc->key_n] = key;
    return (uint8_t)cc->key_n++;
}

static bool compile_conditions(compile_ctx *cc, const iam_statement *st, bool variables,
                               compiled_statement *out)
{
    compiled_condition *conds = NULL;
    if (st->condition_count != 0) {
        conds = arena_alloc(cc->arena, st->condition_count * sizeof *conds, _Alignof(compiled_condition));
        if (conds == NULL)
            return false;
    }
    for (uint32_t c = 0; c < st->condition_count; c++) {
        const iam_condition *ast = &st->conditions[c];
        compiled_value *values = NULL;
        if (ast->values.count != 0) {
            values = arena_alloc(cc->arena, ast->values.count * sizeof *values, _Alignof(compiled_value));
            if (values == NULL)
                return false;
        }
        if (!condition_compile(cc->arena, ast, variables, values, &conds[c]))
            return false;
        conds[c].key_slot = key_slot(cc, ast->key);
    }
    out->conditions = conds;
    out->condition_count = st->condition_count;
    return true;
}

static void add_patterns(glob_input *dst, size_t *n, const iam_value_list *l, uint32_t owner)
{
    for (uint32_t i = 0; i < l->count; i++) {
        glob_input in = {l->items[i].text.ptr, l->items[i].text.len, owner};
        dst[(*n)++] = in;
    }
}

static bool is_star(const iam_value *v)
{
    return v->text.len == 1 && v->text.ptr[0] == '*';
}

/* Resource patterns are prepared per statement (iam_eval matches them
 * only for the statements the action index yields), except "*" (a flag)
 * and those with variables (substituted per request). */
static bool prepare_resources(compile_ctx *cc, const iam_value_list *l, bool variables,
                              compiled_statement *out)
{
    glob_resource *prepared = NULL;
    if (l->count != 0) {
        prepared = arena_alloc(cc->arena, l->count * sizeof *prepared, _Alignof(glob_resource));
        if (prepared == NULL)
            return false;
    }
    for (uint32_t i = 0; i < l->count; i++) {
        if (is_star(&l->items[i]))
            out->resource_star = true;
        else if (resource_has_variable(variables, &l->items[i]))
            out->resource_variables = true;
        else if (!glob_resource_prepare(cc->arena, l->items[i].text.ptr, l->items[i].text.len,
                                        &prepared[out->resource_count++]))
            return false;
    }
    out->resources = prepared;
    return true;
}

static size_t count_patterns(const iam_policy_input *inputs, size_t count, uint32_t *statements)
{
    size_t actions = 0;
    *statements = 0;
    for (size_t i = 0; i < count; i++)
        for (uint32_t s = 0; s < inputs[i].policy->statement_count; s++) {
            actions += inputs[i].policy->statements[s].actions.count;
            (*statements)++;
        }
    return actions;
}

static void compile_statement(const iam_policy_input *in, uint32_t input, uint32_t index,
                              compiled_statement *out)
{
    const iam_statement *st = &in->policy->statements[index];
    memset(out, 0, sizeof *out);
    out->ast = st;
    out->input = input;
    out->name = in->name;
    out->index = index;
    out->kind = (uint8_t)in->kind;
    out->level = (uint8_t)in->level;
    out->effect = st->effect;
    out->version_2012 = in->policy->version == IAM_VERSION_2012_10_17;
    out->resources_present = st->resources.present;
    out->not_resource = st->not_resource;
    out->copy_of = UINT32_MAX;
}

/* What only the statements iam_eval visits need (copies are reached
 * through their first): prepared resources and conditions. */
static bool compile_body(compile_ctx *cc, compiled_statement *out)
{
    const iam_statement *st = out->ast;
    bool variables = out->version_2012;
    if (!prepare_resources(cc, &st->resources, variables, out) ||
        !compile_conditions(cc, st, variables, out))
        return false;
    bool kind_always = out->kind == IAM_POLICY_IDENTITY || out->kind == IAM_POLICY_BOUNDARY ||
                       out->kind == IAM_POLICY_SESSION;
    out->always_applies = kind_always && st->resources.present && !st->not_resource &&
                          out->resource_star && st->condition_count == 0;
    return true;
}

static bool inputs_valid(const iam_policy_input *inputs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (inputs[i].policy == NULL || (unsigned)inputs[i].kind >= IAM_POLICY_KIND_COUNT ||
            inputs[i].level >= EVAL_MAX_LEVELS)
            return false;
    return true;
}

/* ---- identical statements ---- */

static bool same_str(iam_str a, iam_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool same_values(const iam_value_list *a, const iam_value_list *b)
{
    if (a->present != b->present || a->count != b->count)
        return false;
    for (uint32_t i = 0; i < a->count; i++)
        if (a->items[i].type != b->items[i].type || !same_str(a->items[i].text, b->items[i].text))
            return false;
    return true;
}

static bool same_conditions(const iam_statement *a, const iam_statement *b)
{
    if (a->condition_count != b->condition_count)
        return false;
    for (uint32_t i = 0; i < a->condition_count; i++) {
        const iam_condition *x = &a->conditions[i], *y = &b->conditions[i];
        if (x->op != y->op || x->qualifier != y->qualifier || x->if_exists != y->if_exists ||
            !same_str(x->key, y->key) || !same_values(&x->values, &y->values))
            return false;
    }
    return true;
}

static bool same_principals(const iam_statement *a, const iam_statement *b)
{
    if (a->has_principal != b->has_principal || a->not_principal != b->not_principal ||
        a->principal_count != b->principal_count)
        return false;
    for (uint32_t i = 0; i < a->principal_count; i++)
        if (!same_str(a->principals[i].type, b->principals[i].type) ||
            !same_values(&a->principals[i].values, &b->principals[i].values))
            return false;
    return true;
}

static bool same_statement(const compiled_statement *a, const compiled_statement *b)
{
    const iam_statement *x = a->ast, *y = b->ast;
    return a->kind == b->kind && a->level == b->level && a->effect == b->effect &&
           a->version_2012 == b->version_2012 && x->not_action == y->not_action &&
           x->not_resource == y->not_resource && same_values(&x->actions, &y->actions) &&
           same_values(&x->resources, &y->resources) && same_conditions(x, y) &&
           same_principals(x, y);
}

/* Its length and its first and last eight bytes: enough to tell most
 * texts apart (same_statement decides). */
static uint64_t hash_text(uint64_t h, iam_str s)
{
    uint64_t head = 0, tail = 0;
    if (s.len >= 8) {
        head = text_load8(s.ptr);
        tail = text_load8(s.ptr + s.len - 8);
    } else {
        for (size_t i = 0; i < s.len; i++) /* (no call for a short copy) */
            head |= (uint64_t)(unsigned char)s.ptr[i] << (8 * i);
    }
    h = (h ^ s.len ^ head) * 0xFF51AFD7ED558CCDull;
    h = (h ^ (h >> 29) ^ tail) * 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 32);
}

/* A list by its length and its first and last texts: a few steps for any
 * size (same_statement compares the rest). */
static uint64_t hash_list_ends(uint64_t h, const iam_value_list *l)
{
    h = (h ^ l->count) * 0xFF51AFD7ED558CCDull;
    if (l->count == 0)
        return h;
    h = hash_text(h, l->items[0].text);
    return l->count > 1 ? hash_text(h, l->items[l->count - 1].text) : h;
}

/* Over what same_statement compares first; conditions and principals
 * only by their number. */
static uint64_t statement_hash(const compiled_statement *c)
{
    uint64_t h = 0xCBF29CE484222325ull ^ ((uint64_t)c->kind << 24 | (uint64_t)c->level << 16 |
                                          (uint64_t)c->effect << 8 | c->ast->condition_count);
    return hash_list_ends(hash_list_ends(h, &c->ast->actions), &c->ast->resources);
}

/* Finds each statement's first identical one (a hash table of ids on the
 * heap) and lays out the copy lists. */
static bool merge_copies(compile_ctx *cc, iam_policy_set *set, compiled_statement *st)
{
    uint32_t n = cc->statements, cap = 2;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t small[SMALL_SLOTS]; /* most sets: no heap */
    uint32_t *slots = cap <= SMALL_SLOTS ? small : malloc(cap * sizeof *slots);
    uint32_t *copies = arena_alloc(cc->arena, (n + 1) * sizeof *copies, _Alignof(uint32_t));
    if (slots == NULL || copies == NULL) {
        if (slots != small)
            free(slots);
        return false;
    }
    memset(slots, 0xFF, cap * sizeof *slots);
    for (uint32_t s = 0; s < n; s++) {
        uint32_t slot = (uint32_t)statement_hash(&st[s]) & (cap - 1);
        for (; slots[slot] != UINT32_MAX; slot = (slot + 1) & (cap - 1))
            if (same_statement(&st[slots[slot]], &st[s]))
                break;
        if (slots[slot] == UINT32_MAX)
            slots[slot] = s;
        else {
            st[s].copy_of = slots[slot];
            st[slots[slot]].copy_count++;
        }
    }
    if (slots != small)
        free(slots);
    uint32_t at = 0;
    for (uint32_t s = 0; s < n; s++) {
        st[s].copy_start = at;
        at += st[s].copy_count;
        st[s].copy_count = 0;
    }
    for (uint32_t s = 0; s < n; s++)
        if (st[s].copy_of != UINT32_MAX) {
            compiled_statement *o = &st[st[s].copy_of];
            copies[o->copy_start + o->copy_count++] = s;
        }
    set->copies = copies;
    return true;
}

/* The NotAction statements: the evaluator visits them when the automaton
 * does not report them. */
static bool index_not_actions(compile_ctx *cc, iam_policy_set *set, compiled_statement *st)
{
    uint32_t *na = arena_alloc(cc->arena, (cc->statements + 1) * sizeof *na, _Alignof(uint32_t));
    if (na == NULL)
        return false;
    for (uint32_t s = 0; s < cc->statements; s++)
        if (st[s].ast->not_action && st[s].copy_of == UINT32_MAX)
            na[set->not_action_count++] = s;
    set->not_actions = na;
    return true;
}

/* Compiles the statements of one effect, in input order, from id on. */
static void compile_effect(compile_ctx *cc, uint8_t effect, compiled_statement *st, uint32_t *id)
{
    for (size_t i = 0; i < cc->count; i++)
        for (uint32_t s = 0; s < cc->inputs[i].policy->statement_count; s++) {
            if (cc->inputs[i].policy->statements[s].effect != effect)
                continue;
            compile_statement(&cc->inputs[i], (uint32_t)i, s, &st[*id]);
            (*id)++;
        }
}

static void note_kinds(compile_ctx *cc, iam_policy_set *set)
{
    for (size_t i = 0; i < cc->count; i++) {
        /* a policy's presence counts even when all its statements fail to apply */
        set->has_kind[cc->inputs[i].kind] = true;
        if (cc->inputs[i].kind == IAM_POLICY_SCP)
            set->scp_levels |= (uint8_t)(1u << cc->inputs[i].level);
        if (cc->inputs[i].kind == IAM_POLICY_RCP)
            set->rcp_levels |= (uint8_t)(1u << cc->inputs[i].level);
    }
    set->identity_only = true;
    for (int k = 0; k < IAM_POLICY_KIND_COUNT; k++)
        set->identity_only &= k == IAM_POLICY_IDENTITY || !set->has_kind[k];
}

/* Services whose every catalog action gets its complete answer at compile
 * time (the first of them that the set names with prefix patterns): the
 * service this library models completely. A request naming one of its
 * actions then costs one probe of the action index. */
static const char *const precomputed_services[] = {"chime"};

/* Whether some Action pattern of the set starts with "service:" (any case). */
static bool names_service(const compile_ctx *cc, const char *service)
{
    size_t n = strlen(service);
    for (size_t i = 0; i < cc->action_n; i++) {
        const glob_input *a = &cc->actions[i];
        if (a->len <= n || a->text[n] != ':')
            continue;
        size_t k = 0;
        while (k < n && text_lower_ascii((unsigned char)a->text[k]) == (unsigned char)service[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static iam_status compile_actions(compile_ctx *cc, iam_policy_set *set)
{
    const iam_str *names = NULL; /* the catalog's names of the one service named */
    size_t name_count = 0;
    for (size_t i = 0; i < sizeof precomputed_services / sizeof precomputed_services[0]; i++) {
        const char *name = precomputed_services[i];
        const iam_catalog_service *wanted =
            names_service(cc, name) ? iam_catalog_find_service(name, strlen(name)) : NULL;
        if (wanted != NULL) { /* (the set's patterns first: most sets skip the catalog) */
            names = catalog_action_names + wanted->first_action;
            name_count = wanted->action_count;
            break; /* (one service is precomputed at a time) */
        }
    }
    return glob_set_compile_actions(cc->arena, cc->actions, cc->action_n, cc->statements, names,
                                    name_count, &set->actions);
}

static iam_status compile_all(compile_ctx *cc, iam_policy_set *set)
{
    compiled_statement *st = arena_alloc(cc->arena, (cc->statements + 1) * sizeof *st,
                                         _Alignof(compiled_statement));
    if (st == NULL)
        return IAM_E_NOMEM;
    note_kinds(cc, set);
    uint32_t id = 0;
    compile_effect(cc, IAM_EFFECT_DENY, st, &id);
    set->deny_count = id;
    compile_effect(cc, IAM_EFFECT_ALLOW, st, &id);
    set->statements = st;
    set->statement_count = cc->statements;
    if (!merge_copies(cc, set, st) || !index_not_actions(cc, set, st))
        return IAM_E_NOMEM;
    for (uint32_t s = 0; s < cc->statements; s++) {
        if (st[s].copy_of != UINT32_MAX)
            continue;
        if (!compile_body(cc, &st[s]))
            return IAM_E_NOMEM;
        add_patterns(cc->actions, &cc->action_n, &st[s].ast->actions, s);
    }
    return compile_actions(cc, set);
}

iam_status iam_policy_set_compile(iam_arena *arena, const iam_policy_input *inputs, size_t count,
                                  const iam_policy_set **out, iam_error *err) /* see iamgate.h */
{
    if (out != NULL)
        *out = NULL;
    if (arena == NULL || out == NULL || (inputs == NULL && count != 0) || !inputs_valid(inputs, count)) {
        error_set(err, IAM_E_ARG, NULL, NULL, 0, 0);
        return IAM_E_ARG;
    }
    compile_ctx cc;
    memset(&cc, 0, sizeof cc);
    cc.arena = arena;
    cc.inputs = inputs;
    cc.count = count;
    size_t actions = count_patterns(inputs, count, &cc.statements);
    if (cc.statements > EVAL_MAX_STATEMENTS) {
        error_set(err, IAM_E_LIMIT_STATEMENTS, NULL, NULL, 0, 0);
        return IAM_E_LIMIT_STATEMENTS;
    }
    glob_input small[SMALL_ACTIONS]; /* most sets: no heap */
    cc.actions = actions < SMALL_ACTIONS ? small : malloc((actions + 1) * sizeof *cc.actions);
    size_t mark = arena->used;
    iam_policy_set *set = arena_alloc(arena, sizeof *set, _Alignof(iam_policy_set));
    iam_status s = cc.actions && set ? IAM_OK : IAM_E_NOMEM;
    if (s == IAM_OK) {
        memset(set, 0, sizeof *set);
        s = compile_all(&cc, set);
    }
    if (cc.actions != small)
        free(cc.actions);
    if (s != IAM_OK) {
        arena->used = mark;
        error_set(err, s, NULL, NULL, 0, 0);
        return s;
    }
    *out = set;
    if (err != NULL)
        err->code = IAM_OK;
    return IAM_OK;
}

size_t iam_policy_set_measure(const iam_policy_input *inputs, size_t count) /* see iamgate.h */
{
    size_t cap = 1u << 20;
    for (int attempt = 0; attempt < 12; attempt++, cap *= 4) {
        void *buf = aligned_alloc(64, (cap + 63) / 64 * 64); /* see iamgate.h: 64-byte aligned */
        if (buf == NULL)
            return 0;
        iam_arena arena;
        iam_arena_init(&arena, buf, cap);
        const iam_policy_set *set = NULL;
        iam_status s = iam_policy_set_compile(&arena, inputs, count, &set, NULL);
        size_t peak = arena.high_water; /* (the set keeps a little less) */
        free(buf);
        if (s == IAM_OK)
            return peak;
        if (s != IAM_E_NOMEM)
            return 0;
    }
    return 0;
}
