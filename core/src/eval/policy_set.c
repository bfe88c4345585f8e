/* Compiling a batch of parsed policies into an immutable iam_policy_set. */
#include "eval_internal.h"

#include <stdlib.h>

typedef struct compile_ctx {
    iam_arena *arena;
    const iam_policy_input *inputs;
    size_t count;
    uint32_t statements;
    glob_input *actions;
    size_t action_n;
} compile_ctx;

/* Variables are substituted only in 2012-10-17 policies (spec §1.3, §4);
 * only in a Resource pattern's resource part (spec §4.2). */
static bool resource_has_variable(bool enabled, const iam_value *v)
{
    if (!enabled)
        return false;
    size_t from = variables_resource_part(v->text);
    iam_str part = {v->text.ptr + from, v->text.len - from};
    return variables_present(part);
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
        for (uint32_t v = 0; v < ast->values.count; v++)
            condition_compile_value((iam_condition_op)ast->op, &ast->values.items[v], variables,
                                    &values[v]);
        conds[c].ast = ast;
        conds[c].values = values;
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

static bool compile_statement(compile_ctx *cc, const iam_policy_input *in, uint32_t input,
                              uint32_t index, uint32_t id, compiled_statement *out)
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
    bool variables = in->policy->version == IAM_VERSION_2012_10_17;
    add_patterns(cc->actions, &cc->action_n, &st->actions, id);
    return prepare_resources(cc, &st->resources, variables, out) &&
           compile_conditions(cc, st, variables, out);
}

static bool inputs_valid(const iam_policy_input *inputs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (inputs[i].policy == NULL || (unsigned)inputs[i].kind >= IAM_POLICY_KIND_COUNT ||
            inputs[i].level >= EVAL_MAX_LEVELS)
            return false;
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
        if (st[s].ast->not_action)
            na[set->not_action_count++] = s;
    set->not_actions = na;
    return true;
}

/* Compiles the statements of one effect, in input order, from id on. */
static bool compile_effect(compile_ctx *cc, uint8_t effect, compiled_statement *st, uint32_t *id)
{
    for (size_t i = 0; i < cc->count; i++)
        for (uint32_t s = 0; s < cc->inputs[i].policy->statement_count; s++) {
            if (cc->inputs[i].policy->statements[s].effect != effect)
                continue;
            if (!compile_statement(cc, &cc->inputs[i], (uint32_t)i, s, *id, &st[*id]))
                return false;
            (*id)++;
        }
    return true;
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
}

static iam_status compile_all(compile_ctx *cc, iam_policy_set *set)
{
    compiled_statement *st = arena_alloc(cc->arena, (cc->statements + 1) * sizeof *st,
                                         _Alignof(compiled_statement));
    if (st == NULL)
        return IAM_E_NOMEM;
    note_kinds(cc, set);
    uint32_t id = 0;
    if (!compile_effect(cc, IAM_EFFECT_DENY, st, &id))
        return IAM_E_NOMEM;
    set->deny_count = id;
    if (!compile_effect(cc, IAM_EFFECT_ALLOW, st, &id))
        return IAM_E_NOMEM;
    set->statements = st;
    set->statement_count = cc->statements;
    if (!index_not_actions(cc, set, st))
        return IAM_E_NOMEM;
    return glob_set_compile(cc->arena, GLOB_KIND_ACTION, cc->actions, cc->action_n,
                            cc->statements, &set->actions);
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
    cc.actions = malloc((actions + 1) * sizeof *cc.actions);
    size_t mark = arena->used;
    iam_policy_set *set = arena_alloc(arena, sizeof *set, _Alignof(iam_policy_set));
    iam_status s = cc.actions && set ? IAM_OK : IAM_E_NOMEM;
    if (s == IAM_OK) {
        memset(set, 0, sizeof *set);
        s = compile_all(&cc, set);
    }
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
        size_t used = arena.used;
        free(buf);
        if (s == IAM_OK)
            return used;
        if (s != IAM_E_NOMEM)
            return 0;
    }
    return 0;
}
