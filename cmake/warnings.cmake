# SPDX-License-Identifier: MIT
# hermes_service_warnings: the warning flags for our own tests, examples and benchmarks. It is never linked
# into the library target and never exported, so consumers keep their own flags.
if(TARGET hermes_service_warnings)
  return()
endif()

add_library(hermes_service_warnings INTERFACE)
if(MSVC)
  target_compile_options(hermes_service_warnings INTERFACE /W4 /permissive-
                                                           $<$<BOOL:${HERMES_SERVICE_WARNINGS_AS_ERRORS}>:/WX>)
else()
  target_compile_options(
    hermes_service_warnings
    INTERFACE -Wall
              -Wextra
              -Wpedantic
              -Wconversion
              -Wsign-conversion
              -Wshadow
              $<$<BOOL:${HERMES_SERVICE_WARNINGS_AS_ERRORS}>:-Werror>)
  # GCC 12's -Wrestrict fires inside libstdc++'s std::string at -O2/-O3 on correct code (GCC bugs 105329,
  # 105651), e.g. with -std=c++23: keep the warning, but never let it fail the build.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(hermes_service_warnings INTERFACE -Wno-error=restrict)
  endif()
endif()
