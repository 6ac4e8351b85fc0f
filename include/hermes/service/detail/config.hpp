// SPDX-License-Identifier: MIT
// The result backend's checks and the inline ABI namespace it implies; every header includes this first.
// tl::expected (the default) puts everything in hermes::service::v1, std::expected
// (HERMES_SERVICE_USE_STD_EXPECTED) in hermes::service::v1_std, so a program that mixes the two in
// different translation units gets different symbols for each (no silent ODR violation), and a call
// across the two with a library type fails to link.
#pragma once

#if defined(HERMES_SERVICE_USE_STD_EXPECTED)
#  if defined(__has_include)
#    if __has_include(<version>)
#      include <version>  // __cpp_lib_expected
#    endif
#  endif
#  if !defined(__cpp_lib_expected) || __cpp_lib_expected < 202202L
#    error \
        "hermes-service: HERMES_SERVICE_USE_STD_EXPECTED needs C++23 std::expected (__cpp_lib_expected), which this compiler mode lacks: compile with -std=c++23 (g++ 12+), or leave HERMES_SERVICE_USE_STD_EXPECTED undefined to use tl::expected"
#  endif
/// The inline namespace of everything in hermes::service: v1_std with the std::expected backend.
#  define HERMES_SERVICE_ABI_NAMESPACE v1_std
#else
/// The inline namespace of everything in hermes::service: v1 with the tl::expected backend.
#  define HERMES_SERVICE_ABI_NAMESPACE v1
#endif
