// SPDX-License-Identifier: MIT
// operator<< for error, errc and directive_change: streams and Catch2 print them.
#include <hermes/service/error.hpp>
#include <hermes/service/systemd/compare.hpp>
#include <sstream>
#include <string>

#include "support/catch.hpp"

namespace hs = hermes::service;

namespace {
template <class T>
std::string streamed(const T& value) {
    std::ostringstream out;
    out << value;
    return out.str();
}
}  // namespace

TEST_CASE("errc and error write their stable text to a stream", "[printing]") {
    CHECK(streamed(hs::errc::relative_path) == "relative_path");
    CHECK(streamed(hs::errc::invalid_value) == "invalid_value");
    const hs::error e{hs::errc::relative_path, "ExecStart[0]", "must be an absolute path, got \"x\""};
    CHECK(streamed(e) == "ExecStart[0]: must be an absolute path, got \"x\" [relative_path]");
    CHECK(streamed(e) == to_string(e));
}

TEST_CASE("Catch2 prints errc and error with their text, not {?} or a number", "[printing]") {
    CHECK(Catch::Detail::stringify(hs::errc::control_character) == "control_character");
    const hs::error e{hs::errc::relative_path, "ExecStart[0]", "must be an absolute path, got \"x\""};
    CHECK(Catch::Detail::stringify(e) == "ExecStart[0]: must be an absolute path, got \"x\" [relative_path]");
}

TEST_CASE("a directive_change prints its section, key and both sides", "[printing]") {
    const hs::directive_change changed{
        "Service", "ExecStart", {"/usr/bin/app --old"}, {"/usr/bin/app", "/bin/x"}};
    CHECK(streamed(changed) == R"([Service] ExecStart: "/usr/bin/app --old" -> "/usr/bin/app", "/bin/x")");
    const hs::directive_change added{"Install", "WantedBy", {}, {"default.target"}};
    CHECK(Catch::Detail::stringify(added) == R"([Install] WantedBy: (absent) -> "default.target")");
    const hs::directive_change removed{"Service", "Environment[A]", {"A=1"}, {}};
    CHECK(Catch::Detail::stringify(removed) == R"([Service] Environment[A]: "A=1" -> (absent))");
}
