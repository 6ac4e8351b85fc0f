// SPDX-License-Identifier: MIT
// Test-only: includes Catch2 v3 or v2 (whichever the build found) and defines HERMES_SKIP.
#pragma once

#if defined(HERMES_TEST_CATCH2_MAJOR) && HERMES_TEST_CATCH2_MAJOR >= 3
#  include <catch2/catch_test_macros.hpp>
#elif defined(HERMES_TEST_CATCH2_MAJOR)
#  include <catch2/catch.hpp>
#elif __has_include(<catch2/catch_test_macros.hpp>)
#  include <catch2/catch_test_macros.hpp>
#else
#  include <catch2/catch.hpp>
#endif

#include <cstdlib>      // std::getenv
#include <string_view>  // std::string_view

namespace hermes_test {
/// True on CI (CI=true), where a real-tool test may not skip: every tool is installed there.
inline bool skips_forbidden() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string_view(ci) == "true";
}
}  // namespace hermes_test

// HERMES_SKIP(msg): skip the rest of the current test case and say why, visibly; under CI=true fail
// instead. `msg` may be a stream expression (`"no " << tool`). Catch2 >= 3.3 has SKIP (ctest reports
// "Skipped"); with older Catch2 it prints a warning "skipped: <msg>", which tests/CMakeLists.txt maps to a
// ctest skip.
#ifdef SKIP
#  define HERMES_SKIP_NOW(msg) SKIP(msg)
#else
// `msg` is deliberately not parenthesised: it is the right-hand side of a stream expression.
#  define HERMES_SKIP_NOW(msg)                                           \
    do {                                                                 \
      WARN("skipped: " << msg); /* NOLINT(bugprone-macro-parentheses) */ \
      return;                                                            \
    } while (false)
#endif
#define HERMES_SKIP(msg)                                                                     \
  do {                                                                                       \
    if (hermes_test::skips_forbidden())                                                      \
      FAIL("required under CI=true, but: " << msg); /* NOLINT(bugprone-macro-parentheses) */ \
    HERMES_SKIP_NOW(msg);                                                                    \
  } while (false)
