/* lint_resources.c — placeholder until its checks land. */
#include "lint_internal.h"

void lint_resources(lint_ctx *ctx)
{
    (void)ctx;
}
