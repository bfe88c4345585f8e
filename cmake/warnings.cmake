# Warnings as errors, applied per target (PRIVATE) so embedders don't inherit them.
include(CheckCCompilerFlag)
include(CheckCXXCompilerFlag)

set(IAM_C_WARNINGS -Wall -Wextra -Wpedantic -Werror)
foreach(flag -Wshadow -Wundef -Wcast-qual -Wwrite-strings -Wstrict-prototypes
             -Wmissing-prototypes -Wpointer-arith -Wdouble-promotion
             -Wredundant-decls -Wvla -Wformat=2)
  string(MAKE_C_IDENTIFIER "HAVE_C${flag}" var)
  check_c_compiler_flag(${flag} ${var})
  if(${var})
    list(APPEND IAM_C_WARNINGS ${flag})
  endif()
endforeach()
set(IAM_CXX_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wshadow -Wcast-qual)

function(iam_add_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C>:${IAM_C_WARNINGS}>
    $<$<COMPILE_LANGUAGE:CXX>:${IAM_CXX_WARNINGS}>)
endfunction()
