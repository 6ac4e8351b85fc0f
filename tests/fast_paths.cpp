// SPDX-License-Identifier: MIT
// The fast paths of docs/performance.md give the same answers as the plain definitions: the
// staleness check against an empty diff, and the streaming gateway renderer, on generated inputs.
#include <cstdint>
#include <hermes/service/gateway.hpp>
#include <hermes/service/refresh.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/golden.hpp"

namespace hs = hermes::service;
namespace g = hermes::service::gateway;

namespace {

// gateway::systemd_unit as it was written on unit_builder (commit 10df0ad): the reference for the
// streaming renderer, output and errors alike.
hs::result<std::string> reference_systemd_unit(const g::unit_options& o) {
    using namespace hs;
    using namespace hs::gateway;
    namespace detail = hs::gateway::detail;
    const bool system = o.scope == scope::system;
    if (system && !o.identity)
        return make_error(errc::missing_field, "system_identity",
                          "a system unit needs the account to run as");
    if (auto ok = check_anchor_path(o.hermes_home, "HERMES_HOME"); !ok)
        return unexpected_error(std::move(ok.error()));
    const std::string hermes_home = lexically_normal(o.hermes_home);
    if (auto ok = detail::check_not_temporary(hermes_home, o.tmpdir, o.allow_temporary_home); !ok)
        return unexpected_error(std::move(ok.error()));
    if (o.watchdog_seconds > 2147483647U)
        return make_error(errc::out_of_range, "WatchdogSec",
                          std::to_string(o.watchdog_seconds) + " seconds is above 2147483647");

    std::string working_dir;
    if (system) {
        if (auto ok = check_anchor_path(o.identity->home, "HOME"); !ok)
            return unexpected_error(std::move(ok.error()));
        working_dir = hermes_home;  // upstream: the target user's HERMES_HOME, never the checkout
    } else {
        auto choice = stable_service_working_dir(
            o.hermes_home_is_dir ? std::optional<std::string_view>(hermes_home) : std::nullopt,
            o.project_root);
        if (!choice) return unexpected_error(std::move(choice.error()));
        working_dir = std::move(choice->path);
    }

    std::vector<std::string> path = o.path_entries;
    for (const char* fixed : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"})
        path.emplace_back(fixed);
    auto path_value = detail::join_path(path, /*absolute=*/true);
    if (!path_value) return unexpected_error(std::move(path_value.error()));

    using namespace std::chrono_literals;
    systemd::unit_builder b;
    b.description(o.description).after("network-online.target").wants("network-online.target");
    if (system) {
        const std::string user_manager = "user@" + std::to_string(o.identity->uid) + ".service";
        b.after(user_manager).wants(user_manager);
    }
    b.start_limit_interval_sec(0s);

    if (o.watchdog_seconds > 0) {
        b.type(systemd::service_type::notify)
            .notify_access(systemd::notify_access::main)
            .watchdog_sec(std::to_string(o.watchdog_seconds) + "s");
    } else {
        b.type(systemd::service_type::simple);
    }
    if (system) b.user(o.identity->user).group(o.identity->group);
    b.exec_start(o.exec_start).working_directory(working_dir);
    if (system)
        b.environment("HOME", o.identity->home)
            .environment("USER", o.identity->user)
            .environment("LOGNAME", o.identity->user);
    b.environment("PATH", std::move(*path_value))
        .environment("HERMES_HOME", hermes_home)
        .environment("HERMES_SUPERVISED_CHILD", "1")
        .restart(systemd::restart_policy::always)
        .restart_sec(5s)
        .restart_force_exit_status({restart_exit_code})
        .success_exit_status({restart_exit_code})
        .restart_prevent_exit_status({fatal_config_exit_code})
        .kill_mode(systemd::kill_mode::mixed)
        .kill_signal("SIGTERM")
        .exec_reload({"/bin/kill", "-USR1", systemd::variable("MAINPID")});
    if (o.exec_stop_post) b.exec_stop_post(*o.exec_stop_post, /*ignore_failure=*/true);
    b.timeout_stop_sec(std::chrono::seconds(timeout_stop_sec(o.drain_timeout, o.cron_drain_timeout)))
        .standard_output("journal")
        .standard_error("journal")
        .wanted_by(system ? "multi-user.target" : "default.target");
    auto text = b.build();
    if (!text) return text;
    // Upstream's layout, which unit_builder does not write: ExecReload= as upstream spells it, and the
    // blank line before HERMES_HOME.
    std::string out = hermes_test::replace_all(*text, "ExecReload=\"/bin/kill\" \"-USR1\" \"${MAINPID}\"\n",
                                               "ExecReload=/bin/kill -USR1 $MAINPID\n");
    return hermes_test::replace_all(out, "\nEnvironment=\"HERMES_HOME=", "\n\nEnvironment=\"HERMES_HOME=");
}

/// xorshift: deterministic, no <random> needed.
struct rng {
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    std::uint64_t next() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

const std::vector<std::string> pieces = {"[Unit]",
                                         "[Service]",
                                         "Description=x",
                                         "Type=simple",
                                         "RestartSteps=5",
                                         " RestartMaxDelaySec = 1",
                                         "RestartSteps",
                                         "# comment",
                                         "Environment=\"PATH=/a:/mnt/c/x:/b\"",
                                         "Environment=PATH=/mnt/c:/a ",
                                         "Environment=\"PATH=:/mnt/x:/a\" ",
                                         "Environment=PATH= :/mnt/x",
                                         "Environment=\"PATH=/a",
                                         "  Environment=PATH=/a",
                                         "Environment=\"HOME=/h\"",
                                         "\xEF\xBB\xBF",
                                         std::string("\xEF\xBB\xBF") + "Environment=PATH=/mnt/a:/b",
                                         "\xEF\xBB\xBFx",
                                         " ",
                                         "\t",
                                         "",
                                         "x ",
                                         " x",
                                         "a=b",
                                         "Environment=PATH=",
                                         "Environment=PATH=/mnt/",
                                         "Environment=PATH=::/a::/b:"};
const std::vector<std::string> ends = {"\n", "\r\n", "\r", "\v", "\f", " \n", "\n\n"};

std::string random_unit(rng& r) {
    std::string text;
    const std::size_t lines = r.below(7);
    for (std::size_t i = 0; i < lines; ++i) {
        text += pieces[r.below(pieces.size())];
        if (i + 1 < lines || r.below(2) == 0) text += ends[r.below(ends.size())];
    }
    return text;
}

}  // namespace

TEST_CASE("systemd_unit_is_current is exactly an empty systemd_unit_diff", "[refresh][fast]") {
    rng r;
    std::size_t equal = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::string a = random_unit(r);
        const std::string b = r.below(3) == 0 ? a : random_unit(r);
        const bool expected = hs::systemd_unit_diff(a, b).empty();
        if (expected) ++equal;
        if (hs::systemd_unit_is_current(a, b) != expected) {
            INFO("installed: " << hs::detail::printable(a));
            INFO("generated: " << hs::detail::printable(b));
            CHECK(hs::systemd_unit_is_current(a, b) == expected);
            return;
        }
    }
    CHECK(equal > 1000);
    // A masked PATH line longer than any buffer.
    const std::string long_path = "Environment=\"PATH=" + std::string(2000, 'p') + ":/mnt/c:/b\"\n";
    CHECK(hs::systemd_unit_is_current("[Service]\n" + long_path, "[Service]\r\n" + long_path));
    CHECK_FALSE(hs::systemd_unit_is_current("[Service]\n" + long_path, "[Service]\n" + long_path + "x=1\n"));
}

TEST_CASE("gateway::systemd_unit(o, out) renders what the unit_builder version rendered", "[gateway][fast]") {
    const g::installation venv{"/home/alice/.hermes/hermes-agent/venv/bin/python",
                               "/home/alice/.hermes/hermes-agent", false};
    const g::system_identity alice{"alice", "alice", "/home/alice", 1000};
    std::vector<g::unit_options> cases;
    cases.push_back(g::user_unit_options(venv, "/home/alice/.hermes", "/home/alice/.hermes"));
    cases.push_back(g::user_unit_options(venv, "/home/alice/.hermes/profiles/work", "/home/alice/.hermes"));
    cases.push_back(
        g::system_unit_options(venv, "/root/.hermes/profiles/work", "/root", alice, {"/opt/node/bin"}));
    const std::size_t bases = cases.size();
    for (std::size_t b = 0; b < bases; ++b) {
        const g::unit_options base = cases[b];
        const auto variant = [&](auto&& change) {
            g::unit_options o = base;
            change(o);
            cases.push_back(std::move(o));
        };
        variant([](g::unit_options& o) { o.watchdog_seconds = 30; });
        variant([](g::unit_options& o) { o.watchdog_seconds = 2147483648U; });
        variant([](g::unit_options& o) { o.description = "100% \"quoted\" $HOME"; });
        variant([](g::unit_options& o) { o.description = "two\nlines"; });
        variant([](g::unit_options& o) { o.description = ""; });
        variant([](g::unit_options& o) { o.exec_start.clear(); });
        variant([](g::unit_options& o) { o.exec_start[0] = "python"; });
        variant([](g::unit_options& o) { o.exec_start.emplace_back("a\x01b\tc%d$e\\f\"g 'h' Zo\xC3\xAB"); });
        variant([](g::unit_options& o) { o.exec_start.emplace_back("nul\0x", 5); });
        variant([](g::unit_options& o) { o.exec_start.emplace_back("bad \xC3 utf8"); });
        variant([](g::unit_options& o) { o.exec_stop_post = std::vector<std::string>{}; });
        variant([](g::unit_options& o) { o.exec_stop_post.reset(); });
        variant([](g::unit_options& o) { o.exec_stop_post->push_back("x\ny"); });
        variant([](g::unit_options& o) { o.hermes_home = "/home//alice/./.hermes/"; });
        variant([](g::unit_options& o) { o.hermes_home = "relative/home"; });
        variant([](g::unit_options& o) { o.hermes_home = "/tmp/x/.hermes"; });
        variant([](g::unit_options& o) { o.hermes_home = "/var//tmp/./x"; });
        variant([](g::unit_options& o) { o.hermes_home = "/private/tmpx/y"; });
        variant([](g::unit_options& o) { o.tmpdir = "/home/alice/"; });
        variant([](g::unit_options& o) {
            o.tmpdir = "/home/alice/./";
            o.allow_temporary_home = true;
        });
        variant([](g::unit_options& o) { o.tmpdir = "//"; });
        variant([](g::unit_options& o) { o.hermes_home = "/home/al%ice/.her\"mes"; });
        variant([](g::unit_options& o) { o.hermes_home_is_dir = false; });
        variant([](g::unit_options& o) {
            o.hermes_home_is_dir = false;
            o.project_root = "rel";
        });
        variant([](g::unit_options& o) {
            o.hermes_home_is_dir = false;
            o.project_root = "/a/../b";
        });
        variant([](g::unit_options& o) { o.path_entries = {"/a", "/b:c"}; });
        variant([](g::unit_options& o) { o.path_entries = {"/a", ""}; });
        variant([](g::unit_options& o) { o.path_entries = {"rel"}; });
        variant([](g::unit_options& o) { o.path_entries = {"/with space", "/\xC3\xA9t\xC3\xA9", "/p%h"}; });
        variant([](g::unit_options& o) { o.path_entries = {std::string(3000, '/')}; });
        variant([](g::unit_options& o) {
            o.drain_timeout = 1000000;
            o.cron_drain_timeout = 0;
        });
        variant([](g::unit_options& o) {
            o.scope = g::scope::system;
            o.identity.reset();
        });
        variant([](g::unit_options& o) {
            o.scope = g::scope::system;
            o.identity = g::system_identity{"9bad", "g", "/home/b", 7};
        });
        variant([](g::unit_options& o) {
            o.scope = g::scope::system;
            o.identity = g::system_identity{"bob", "bob", "home", 7};
        });
        variant([](g::unit_options& o) { o.exec_start.emplace_back(std::size_t{1024} * 1024, 'x'); });
    }
    std::string out = "left over from an earlier call";
    for (const g::unit_options& o : cases) {
        const auto expected = reference_systemd_unit(o);
        const auto got = g::systemd_unit(o);
        const auto into = g::systemd_unit(o, out);
        REQUIRE(got.has_value() == expected.has_value());
        REQUIRE(into.has_value() == expected.has_value());
        if (expected) {
            CHECK(*got == *expected);
            CHECK(out == *expected);
        } else {
            CHECK(hs::to_string(got.error()) == hs::to_string(expected.error()));
            CHECK(hs::to_string(into.error()) == hs::to_string(expected.error()));
            CHECK(out.empty());  // never a partial unit, even where the error comes late (ExecStart)
            out = "left over from an earlier call";
        }
    }
}

TEST_CASE("is_temporary_path agrees with the lexically_normal/relative_to definition", "[gateway][fast]") {
    const auto reference = [](std::string_view path, std::string_view tmpdir) {
        if (path.empty() || path.front() != '/') return false;
        for (const std::string_view root :
             {tmpdir, std::string_view("/tmp"), std::string_view("/var/tmp"),
              std::string_view("/private/tmp"), std::string_view("/private/var/tmp")})
            if (!root.empty() && root.front() == '/' && hs::lexically_normal(root) != "/" &&
                g::detail::relative_to(path, root))
                return true;
        return false;
    };
    const std::vector<std::string> paths = {"",           "/",         "//",          "/tmp",
                                            "/tmp/",      "/tmp/x",    "//tmp//x/",   "/./tmp/./x",
                                            "/tmpx",      "/var/tmp",  "/var/tmpx/y", "/private/var/tmp/a",
                                            "/home/a",    "/home/a/b", "/home/ab",    "/home/a/../b",
                                            "/home/./a/", "tmp/x",     "/h/..",       "/h/../x"};
    const std::vector<std::string> tmpdirs = {
        "", "/", "//", "/.", "/home/a", "/home/a/", "/home//a/.", "home/a", "/home/a/..", "/h/..", "/tmp"};
    for (const std::string& p : paths)
        for (const std::string& t : tmpdirs) {
            INFO(p << " under " << t);
            CHECK(g::is_temporary_path(p, t) == reference(p, t));
        }
    for (const std::string& p : paths) {
        INFO(p);
        CHECK(hs::detail::is_lexically_normal(p) == (hs::lexically_normal(p) == p));
    }
}

namespace {

// put_quoted_body as it was written before the run-based version: one code point at a time.
hs::detail::status reference_quoted_body(std::string& out, std::string_view value, std::string_view field,
                                         bool double_dollar, std::string_view what) {
    namespace d = hs::detail;
    for (std::size_t pos = 0; pos < value.size();) {
        const std::size_t at = pos;
        const char32_t cp = d::decode_utf8(value, pos);
        if (cp == d::invalid_code_point) return d::utf8_error(field, value, at);
        switch (cp) {
            case 0:
                return d::char_error(hs::errc::control_character, field, value, at, cp,
                                     std::string(what) + " cannot carry a NUL byte");
            case '\\': out.append("\\\\"); break;
            case '"': out.append("\\\""); break;
            case '%': out.append("%%"); break;
            case '$': out.append(double_dollar ? "$$" : "$"); break;
            case '\n': out.append("\\n"); break;
            case '\t': out.append("\\t"); break;
            case '\r': out.append("\\r"); break;
            default:
                if (d::is_control(cp)) {
                    constexpr std::string_view digits = "0123456789abcdef";
                    const auto b = static_cast<unsigned char>(cp);
                    out.append("\\x").push_back(digits[b >> 4]);
                    out.push_back(digits[b & 0xF]);
                } else {
                    out.append(value.substr(at, pos - at));
                }
        }
    }
    out.push_back('"');
    return {};
}

}  // namespace

TEST_CASE("put_quoted_body (runs, 8 bytes at a time) agrees with the per-character version",
          "[escape][fast]") {
    const std::vector<std::string> atoms = {"a",
                                            "bcdefghi",
                                            "/usr/bin/",
                                            " ",
                                            "\\",
                                            "\"",
                                            "%",
                                            "$",
                                            "'",
                                            "\n",
                                            "\t",
                                            "\r",
                                            "\x01",
                                            "\x7f",
                                            "\x1f",
                                            std::string(1, '\0'),
                                            "\xC3\xA9",
                                            "\xE2\x82\xAC",
                                            "\xF0\x9F\x98\x80",
                                            "\xC3",
                                            "\xFF",
                                            "\xED\xA0\x80",
                                            "\xC0\xAF",
                                            "~"};
    rng r;
    for (int i = 0; i < 100000; ++i) {
        std::string value;
        const std::size_t n = r.below(12);
        for (std::size_t k = 0; k < n; ++k) value += atoms[r.below(atoms.size())];
        for (const bool dd : {false, true}) {
            std::string expected = "=";
            std::string got = "=";
            hs::detail::string_sink sink{&got};
            const auto e = reference_quoted_body(expected, value, "F[1]", dd, "a value");
            const auto g2 = hs::detail::put_quoted_body(
                sink, value, hs::detail::field_ref("F", std::size_t{1}), dd, "a value");
            REQUIRE(e.has_value() == g2.has_value());
            if (e) {
                REQUIRE(got == expected);
            } else {
                REQUIRE(hs::to_string(g2.error()) == hs::to_string(e.error()));
            }
        }
    }
}
