/* iamgate.h compiles alone as strict C11 (and this file's main uses it). */
#include "iamgate.h"

int main(void)
{
    iam_arena arena;
    iam_arena_init(&arena, 0, 0);
    return iam_arena_used(&arena) == 0 && iam_status_name(IAM_OK)[0] == 'I' ? 0 : 1;
}
