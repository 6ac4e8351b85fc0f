// SPDX-License-Identifier: MIT
// Tests for <hermes/service/paths.hpp>: lexical normalisation and the working-directory choice.
#include <hermes/service/paths.hpp>
#include <optional>
#include <string_view>

#include "support/catch.hpp"

using hermes::service::errc;
using hermes::service::lexically_normal;
using hermes::service::stable_service_working_dir;

TEST_CASE("lexically_normal removes repeated and trailing slashes and dot segments", "[paths]") {
    CHECK(lexically_normal("/home//alice/./.hermes/") == "/home/alice/.hermes");
    CHECK(lexically_normal("/") == "/");
    CHECK(lexically_normal("///") == "/");
    CHECK(lexically_normal("/./.") == "/");
    CHECK(lexically_normal("/a/../b") == "/a/../b");  // '..' needs the filesystem; kept
    CHECK(lexically_normal("a//b/") == "a/b");
    CHECK(lexically_normal("").empty());
    CHECK(lexically_normal("./") == ".");
    CHECK(lexically_normal("/srv/dir with space/") == "/srv/dir with space");
}

TEST_CASE("HERMES_HOME anchors the working directory when usable", "[paths]") {
    const auto r = stable_service_working_dir(std::string_view("/home/alice/.hermes//"),
                                              "/srv/checkout/.worktrees/feature-x");
    REQUIRE(r);
    CHECK(r->path == "/home/alice/.hermes");
    CHECK_FALSE(r->fell_back);
    CHECK(r->path.find("/.worktrees/") == std::string::npos);
}

TEST_CASE("the project root is the fallback when HERMES_HOME is unusable", "[paths]") {
    SECTION("not given (not resolved, or not an existing directory)") {
        const auto r = stable_service_working_dir(std::nullopt, "/srv/hermes-agent/");
        REQUIRE(r);
        CHECK(r->path == "/srv/hermes-agent");
        CHECK(r->fell_back);
    }
    SECTION("empty") {
        const auto r = stable_service_working_dir(std::string_view(""), "/srv/hermes-agent");
        REQUIRE(r);
        CHECK(r->fell_back);
    }
    SECTION("relative") {
        const auto r = stable_service_working_dir(std::string_view("~/.hermes"), "/srv/hermes-agent");
        REQUIRE(r);
        CHECK(r->path == "/srv/hermes-agent");
        CHECK(r->fell_back);
    }
    SECTION("with a .. segment") {
        const auto r = stable_service_working_dir(std::string_view("/home/alice/../bob/.hermes"), "/srv/h");
        REQUIRE(r);
        CHECK(r->fell_back);
    }
    SECTION("with a control character") {
        const auto r = stable_service_working_dir(std::string_view("/home/alice/.her\nmes"), "/srv/h");
        REQUIRE(r);
        CHECK(r->fell_back);
    }
    SECTION("not valid UTF-8") {
        const auto r = stable_service_working_dir(std::string_view("/home/\xff/.hermes"), "/srv/h");
        REQUIRE(r);
        CHECK(r->fell_back);
    }
}

TEST_CASE("neither path usable is a typed error that explains both", "[paths]") {
    const auto r = stable_service_working_dir(std::string_view("relative/home"), "checkout");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::relative_path);
    CHECK(r.error().field == "WorkingDirectory");
    CHECK(r.error().message ==
          "no usable working directory: HERMES_HOME must be an absolute path, got \"relative/home\", "
          "and project_root must be an absolute path, got \"checkout\"");
}

TEST_CASE("check_anchor_path names the position of a bad character", "[paths]") {
    const auto r = hermes::service::check_anchor_path("/h\xc3\xa9/\tx", "HERMES_HOME");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::control_character);
    CHECK(r.error().message == "contains a tab (U+0009) at character 5 (byte 6)");
    const auto dots = hermes::service::check_anchor_path("/a/../b", "HERMES_HOME");
    REQUIRE_FALSE(dots);
    CHECK(dots.error().code == errc::not_normalized);
    CHECK(dots.error().message == "has a '..' segment at character 4 (byte 4); pass the resolved path");
}
