// SPDX-License-Identifier: MIT
// The readers held against the test vectors of the projects they mirror: systemd 252's own unit
// tests (extract_first_word, config_parse_exec, cunescape, replace_env_argv, env validity,
// config_parse, unit-name escaping, specifier escaping) and CPython's test_plistlib. The vectors
// are data under tests/vectors/, each file naming where every record came from.
#include <hermes/service/launchd.hpp>
#include <hermes/service/systemd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "support/vectors.hpp"

using hermes::service::errc;
namespace systemd = hermes::service::systemd;
namespace launchd = hermes::service::launchd;
namespace vectors = hermes_test::vectors;
using strings = std::vector<std::string>;

namespace {

std::string show(std::string_view s) { return hermes::service::detail::printable(s); }

std::string describe(const vectors::record& r) {
    std::string d = r.source + " " + r.where + " " + r.op;
    for (const auto& a : r.args) d += " [" + show(a.text) + "]";
    return d;
}

vectors::file load(const std::string& name) {
    vectors::file f = vectors::load(name);
    REQUIRE(f.records.size() == f.declared_count);
    return f;
}

strings texts(const std::vector<vectors::token>& tokens) {
    strings out;
    for (const auto& t : tokens) out.push_back(t.text);
    return out;
}

// "UNQUOTE|CUNESCAPE" -> flags; a flag our word reader does not model fails the test.
systemd::detail::extract_flags parse_flags(const std::string& text) {
    systemd::detail::extract_flags f;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('|', start);
        if (end == std::string::npos) end = text.size();
        const std::string one = text.substr(start, end - start);
        if (one == "UNQUOTE") {
            f.unquote = true;
        } else if (one == "CUNESCAPE") {
            f.cunescape = true;
        } else if (one == "UNESCAPE_RELAX") {
            f.unescape_relax = true;
        } else if (one == "RELAX") {
            f.relax = true;
        } else if (one != "0") {
            FAIL("flag " << one << " is not one the unit readers use");
        }
        start = end + 1;
    }
    return f;
}

// One word as systemd's extract_first_word_and_warn reads it: on -EINVAL, again with UNESCAPE_RELAX.
hermes::service::result<std::optional<std::string>> extract(std::string_view& rest,
                                                            systemd::detail::extract_flags flags,
                                                            bool and_warn) {
    std::string_view attempt = rest;
    auto r = systemd::detail::extract_first_word(attempt, flags, "word");
    if (!r && and_warn && !flags.unescape_relax) {
        flags.unescape_relax = true;
        attempt = rest;
        r = systemd::detail::extract_first_word(attempt, flags, "word");
    }
    rest = attempt;
    return r;
}

// A double-quoted word for an Exec* or Environment= value that reads back as `s`.
std::string quoted(std::string_view s, bool escape_percent = true) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '%' && escape_percent) out.push_back('%');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::vector<std::pair<std::string, std::string>> environment_of(const vectors::record& r) {
    std::vector<std::pair<std::string, std::string>> env;
    for (const auto& e : r.environment) {
        const std::size_t eq = e.find('=');
        env.emplace_back(e.substr(0, eq), e.substr(eq + 1));
    }
    return env;
}

std::string canonical(const launchd::plist_value& v) {
    if (const auto* s = v.as_string()) {
        std::string out = "\"";
        for (const char c : *s) {
            if (c == '\\' || c == '"') out.push_back('\\');
            out.push_back(c);
        }
        return out + "\"";
    }
    if (const auto* i = v.as_integer()) return std::to_string(*i);
    if (const auto* b = v.as_bool()) return *b ? "true" : "false";
    std::string out;
    if (const auto* a = v.as_array()) {
        out = "[";
        for (std::size_t k = 0; k < a->size(); ++k) out += (k != 0 ? "," : "") + canonical((*a)[k]);
        return out + "]";
    }
    out = "{";
    const auto& d = *v.as_dict();
    for (std::size_t k = 0; k < d.size(); ++k)
        out += (k != 0 ? "," : "") +
               canonical(launchd::plist_value(launchd::plist_value::storage_type(d[k].first))) + ":" +
               canonical(d[k].second);
    return out + "}";
}

}  // namespace

TEST_CASE("vectors: extract_first_word agrees with systemd's test-extract-word.c", "[systemd][vectors]") {
    for (const auto& r : load("systemd-extract-word.txt").records) {
        INFO(describe(r));
        REQUIRE((r.op == "extract" || r.op == "extract_and_warn"));
        REQUIRE(r.args.size() == 2);
        const auto flags = parse_flags(r.args[0].text);
        std::string_view rest = r.args[1].text;
        for (std::size_t k = 0; k < r.expect.size(); ++k) {
            const vectors::token& e = r.expect[k];
            INFO("expectation " << k + 1 << ": " << show(e.text));
            if (!e.is_string && e.text == "REST") {
                REQUIRE(k + 1 < r.expect.size());
                CHECK(std::string(rest) == r.expect[++k].text);
                continue;
            }
            const auto got = extract(rest, flags, r.op == "extract_and_warn");
            if (!e.is_string && e.text == "EINVAL") {
                CHECK_FALSE(got.has_value());
                break;
            }
            REQUIRE(got.has_value());
            if (!e.is_string && e.text == "END") {
                CHECK_FALSE(got->has_value());
            } else {
                REQUIRE(e.is_string);
                REQUIRE(got->has_value());
                CHECK(**got == e.text);
            }
        }
    }
}

TEST_CASE("vectors: split_command_line agrees with systemd's config_parse_exec tests", "[systemd][vectors]") {
    for (const auto& r : load("systemd-load-fragment.txt").records) {
        INFO(describe(r));
        REQUIRE(r.op == "exec");
        REQUIRE(r.args.size() == 1);
        const auto got = systemd::split_command_line(r.args[0].text);
        if (!r.expect.empty() && !r.expect[0].is_string) {
            REQUIRE_FALSE(got.has_value());
            INFO(got.error().message);
            if (r.expect[0].text == "RESET") {
                CHECK(got.error().code == errc::empty_value);
            } else {
                CHECK(r.expect[0].text == "ERROR");
            }
        } else {
            REQUIRE(got.has_value());
            CHECK(*got == texts(r.expect));
        }
    }
}

TEST_CASE("vectors: C escapes agree with systemd's test-escape.c", "[systemd][vectors]") {
    for (const auto& r : load("systemd-escape.txt").records) {
        INFO(describe(r));
        REQUIRE(r.op == "cunescape");
        REQUIRE(r.args.size() == 2);
        const std::string& in = r.args[1].text;
        // cunescape() and one word of extract_first_word agree unless the text splits or quotes.
        for (std::size_t i = 0; i < in.size(); ++i) {
            if (in[i] == '\\') {
                ++i;
                continue;
            }
            REQUIRE_FALSE((in[i] == ' ' || in[i] == '\t' || in[i] == '\n' || in[i] == '\r' || in[i] == '"' ||
                           in[i] == '\''));
        }
        const bool relax = r.args[0].text == "RELAX";
        REQUIRE((relax || r.args[0].text == "0"));
        std::string_view rest = in;
        const auto got = systemd::detail::extract_first_word(
            rest, relax ? systemd::detail::exec_flags : systemd::detail::environ_flags, "word");
        REQUIRE(r.expect.size() == 1);
        if (!r.expect[0].is_string) {
            CHECK(r.expect[0].text == "EINVAL");
            CHECK_FALSE(got.has_value());
        } else {
            REQUIRE(got.has_value());
            REQUIRE(got->has_value());
            CHECK(show(**got) == show(r.expect[0].text));
            CHECK(rest.empty());
        }
    }
}

TEST_CASE("vectors: exec-time expansion and environment validity agree with systemd's test-env-util.c",
          "[systemd][vectors]") {
    for (const auto& r : load("systemd-env-util.txt").records) {
        INFO(describe(r));
        REQUIRE(r.args.size() == 1);
        if (r.op == "replace_env_argv") {
            const auto got =
                systemd::split_command_line("/bin/echo " + quoted(r.args[0].text), environment_of(r));
            REQUIRE(got.has_value());
            CHECK(strings(got->begin() + 1, got->end()) == texts(r.expect));
            continue;
        }
        std::string s = r.args[0].text;
        s = s.substr(0, s.find('\0'));  // a C string ends at its first NUL
        if (r.op == "env_name_is_valid") {
            s += "=";
        } else if (r.op == "env_value_is_valid") {
            s.insert(0, "V=");
        } else {
            REQUIRE(r.op == "env_assignment_is_valid");
        }
        const auto got = systemd::split_environment(quoted(s));
        REQUIRE(r.expect.size() == 1);
        if (r.expect[0].text == "VALID") {
            REQUIRE(got.has_value());
            const std::size_t eq = s.find('=');
            CHECK(*got ==
                  std::vector<std::pair<std::string, std::string>>{{s.substr(0, eq), s.substr(eq + 1)}});
        } else {
            CHECK(r.expect[0].text == "INVALID");
            CHECK_FALSE(got.has_value());
        }
    }
}

TEST_CASE("vectors: parse_unit agrees with systemd's test-conf-parser.c", "[systemd][vectors]") {
    for (const auto& r : load("systemd-conf-parser.txt").records) {
        INFO(describe(r).substr(0, 200));
        REQUIRE(r.op == "config_parse");
        REQUIRE(r.args.size() == 1);
        REQUIRE(r.expect.size() == 1);
        const auto got = systemd::parse_unit(r.args[0].text);
        if (!r.expect[0].is_string) {
            CHECK(r.expect[0].text == "ENOBUFS");
            CHECK_FALSE(got.has_value());
        } else {
            REQUIRE(got.has_value());
            CHECK(got->value("Section", "setting1") == r.expect[0].text);
        }
    }
}

TEST_CASE("vectors: unit-name escaping agrees with systemd's test-unit-name.c", "[systemd][vectors]") {
    for (const auto& r : load("systemd-unit-name.txt").records) {
        INFO(describe(r));
        REQUIRE(r.args.size() == 1);
        REQUIRE(r.expect.size() == 1);
        REQUIRE((r.op == "path_escape" || r.op == "escape"));
        const auto got = r.op == "path_escape" ? systemd::escape_unit_path(r.args[0].text)
                                               : systemd::escape_unit_name(r.args[0].text);
        if (!r.expect[0].is_string) {
            CHECK(r.expect[0].text == "ERROR");
            CHECK_FALSE(got.has_value());
        } else {
            REQUIRE(got.has_value());
            CHECK(*got == r.expect[0].text);
        }
    }
}

TEST_CASE("vectors: %% reads back as systemd's test-specifier.c escapes it", "[systemd][vectors]") {
    for (const auto& r : load("systemd-specifier.txt").records) {
        INFO(describe(r));
        REQUIRE(r.op == "unescape_specifiers");
        std::string line = "/bin/echo";
        for (const auto& a : r.args) line += " " + quoted(a.text, /*escape_percent=*/false);
        const auto got = systemd::split_command_line(line);
        REQUIRE(got.has_value());
        CHECK(strings(got->begin() + 1, got->end()) == texts(r.expect));
    }
}

TEST_CASE("vectors: parse_plist agrees with CPython's test_plistlib.py", "[launchd][vectors]") {
    for (const auto& r : load("plistlib.txt").records) {
        INFO(describe(r));
        REQUIRE(r.op == "loads");
        REQUIRE(r.args.size() == 1);
        REQUIRE(r.expect.size() == 1);
        const auto got = launchd::parse_plist(r.args[0].text);
        if (!r.expect[0].is_string) {
            CHECK(r.expect[0].text == "ERROR");
            CHECK_FALSE(got.has_value());
        } else {
            INFO((got.has_value() ? std::string() : got.error().message));
            REQUIRE(got.has_value());
            CHECK(canonical(*got) == r.expect[0].text);
        }
    }
}
