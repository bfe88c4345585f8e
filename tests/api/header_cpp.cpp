// iamgate.h compiles as C++ and links against the C library.
#include "iamgate.h"

#include <cstring>

int main()
{
    iam_limits limits = iam_limits_default();
    return limits.max_depth == 64 && std::strcmp(iam_version_string(), IAM_VERSION_STRING) == 0
               ? 0
               : 1;
}
