/* Library version (see iamgate.h). */
#include "../internal.h"

const char *iam_version_string(void) /* see iamgate.h */
{
    return IAM_VERSION_STRING;
}
