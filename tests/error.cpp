// SPDX-License-Identifier: MIT
// Tests for <hermes/service/error.hpp>.
#include <hermes/service/error.hpp>

#include "support/catch.hpp"

using hermes::service::errc;
using hermes::service::error;

TEST_CASE("every errc has a stable spelling", "[error]") {
    STATIC_REQUIRE(hermes::service::to_string(errc::empty_value) == "empty_value");
    CHECK(to_string(errc::relative_path) == "relative_path");
    CHECK(to_string(errc::control_character) == "control_character");
    CHECK(to_string(errc::invalid_utf8) == "invalid_utf8");
    CHECK(to_string(errc::invalid_name) == "invalid_name");
    CHECK(to_string(errc::out_of_range) == "out_of_range");
    CHECK(to_string(errc::missing_field) == "missing_field");
    CHECK(to_string(errc::unrepresentable) == "unrepresentable");
    CHECK(to_string(errc::parse_error) == "parse_error");
    CHECK(to_string(errc::not_normalized) == "not_normalized");
    CHECK(to_string(errc::duplicate) == "duplicate");
    CHECK(to_string(errc::not_allowed) == "not_allowed");
    CHECK(to_string(errc::invalid_value) == "invalid_value");
}

TEST_CASE("an error renders as field, message and code", "[error]") {
    const error e{errc::relative_path, "WorkingDirectory", "must be an absolute path, got \"x\""};
    CHECK(to_string(e) == "WorkingDirectory: must be an absolute path, got \"x\" [relative_path]");
}

TEST_CASE("make_error builds the error side of a result", "[error]") {
    const hermes::service::result<int> r = hermes::service::make_error(errc::out_of_range, "N", "too big");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::out_of_range);
    CHECK(r.error().field == "N");
    CHECK(r.error().message == "too big");
}
