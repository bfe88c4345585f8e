/* lint_conditions.c — placeholder until its checks land. */
#include "lint_internal.h"

void lint_conditions(lint_ctx *ctx)
{
    (void)ctx;
}
