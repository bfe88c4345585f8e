/* lint_actions.c — placeholder until its checks land. */
#include "lint_internal.h"

void lint_actions(lint_ctx *ctx)
{
    (void)ctx;
}
