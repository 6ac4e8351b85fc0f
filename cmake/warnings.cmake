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
endif()
