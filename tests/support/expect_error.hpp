// SPDX-License-Identifier: MIT
// Test-only: build() must fail with exactly this code and field.
#pragma once

#include <string>

#include "catch.hpp"

namespace hermes_test {

/// Builds `b` (any builder with build() -> result<std::string>), requires an error with exactly this
/// `code` and `field`, and returns its message for an exact comparison.
template <class Builder, class Code>
std::string error_of(const Builder& b, Code code, const std::string& field) {
    const auto r = b.build();
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == code);
    CHECK(r.error().field == field);
    return r.error().message;
}

}  // namespace hermes_test
