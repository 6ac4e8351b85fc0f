// SPDX-License-Identifier: MIT
// Test-only: golden files under tests/golden/ and small text helpers shared by the test files.
#pragma once

#include <cstdio>
#include <string>

#include "catch.hpp"

#ifndef HERMES_TEST_SOURCE_DIR
#  error "HERMES_TEST_SOURCE_DIR must be defined (string literal: the tests/ directory)"
#endif

namespace hermes_test {

/// The text of tests/golden/<name>; fails the test when it is missing or empty.
inline std::string golden(const std::string& name) {
    std::string out;
    if (std::FILE* f = std::fopen((std::string(HERMES_TEST_SOURCE_DIR) + "/golden/" + name).c_str(), "rb")) {
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
        std::fclose(f);
    }
    REQUIRE_FALSE(out.empty());
    return out;
}

/// `s` with every `from` replaced by `to`.
inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

}  // namespace hermes_test
