// SPDX-License-Identifier: MIT
// The systemd writers' fast paths (issue 14, "render") give the plain paths' answers: the gateway's
// constant lines equal what the validating writer writes, buffer_sink equals plain appends, and the
// 32-byte scan step agrees with the bytewise reference on the hostile corpus and on random input.
#include <cstdint>
#include <hermes/service/detail/buffer_sink.hpp>
#include <hermes/service/detail/byte_scan.hpp>
#include <hermes/service/gateway.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"

namespace hs = hermes::service;
namespace g = hermes::service::gateway;
namespace sd = hermes::service::systemd;

namespace {

/// What `body` writes through a validating unit_writer, after a first section (so a later section
/// gets its blank line), without that section's header.
template <class F>
std::string written(F&& body) {
    std::string out;
    {
        sd::detail::unit_writer w(out);
        w.section("Unit");
        body(w);
    }
    REQUIRE(out.substr(0, 7) == "[Unit]\n");
    return out.substr(7);
}

template <hs::detail::byte_class Cls>
void check_scan(std::string_view s) {
    for (std::size_t pos = 0; pos <= s.size(); ++pos) {
        INFO("class " << static_cast<int>(Cls) << " size " << s.size() << " pos " << pos);
        REQUIRE(hs::detail::find_stop<Cls>(s, pos) == hs::detail::find_stop_bytewise<Cls>(s, pos));
    }
}

void check_all_classes(std::string_view s) {
    using hs::detail::byte_class;
    check_scan<byte_class::quoted>(s);
    check_scan<byte_class::quoted_dollar>(s);
    check_scan<byte_class::executable>(s);
    check_scan<byte_class::unquoted>(s);
    check_scan<byte_class::word>(s);
    check_scan<byte_class::xml_text>(s);
    check_scan<byte_class::non_ascii>(s);
}

}  // namespace

TEST_CASE("render: the gateway's constant lines are what the validating writer writes", "[render]") {
    using namespace std::chrono_literals;
    namespace text = g::detail::unit_text;
    CHECK(text::after_network == written([](sd::detail::unit_writer& w) {
              REQUIRE(w.unit_name("After", "network-online.target"));
              REQUIRE(w.unit_name("Wants", "network-online.target"));
          }));
    CHECK(text::start_limit_and_service == written([](sd::detail::unit_writer& w) {
              REQUIRE(w.trusted("StartLimitIntervalSec", sd::detail::format_time_span(0s)));
              w.section("Service");
          }));
    CHECK(text::type_notify == written([](sd::detail::unit_writer& w) {
              REQUIRE(w.trusted("Type", to_string(sd::service_type::notify)));
              REQUIRE(w.trusted("NotifyAccess", to_string(sd::notify_access::main)));
          }));
    CHECK(text::type_simple == written([](sd::detail::unit_writer& w) {
              REQUIRE(w.trusted("Type", to_string(sd::service_type::simple)));
          }));
    CHECK(text::restart_and_kill == written([](sd::detail::unit_writer& w) {
              REQUIRE(w.environment("HERMES_SUPERVISED_CHILD", "1"));
              REQUIRE(w.trusted("Restart", to_string(sd::restart_policy::always)));
              REQUIRE(w.trusted("RestartSec", sd::detail::format_time_span(5s)));
              REQUIRE(w.trusted("RestartForceExitStatus", std::to_string(g::restart_exit_code)));
              REQUIRE(w.trusted("SuccessExitStatus", std::to_string(g::restart_exit_code)));
              REQUIRE(w.trusted("RestartPreventExitStatus", std::to_string(g::fatal_config_exit_code)));
              REQUIRE(w.trusted("KillMode", to_string(sd::kill_mode::mixed)));
              REQUIRE(w.signal("KillSignal", "SIGTERM"));
              REQUIRE(w.trusted("ExecReload", "/bin/kill -USR1 $MAINPID"));
          }));
    for (const bool system : {false, true})
        CHECK((system ? text::output_and_install_system : text::output_and_install_user) ==
              written([&](sd::detail::unit_writer& w) {
                  REQUIRE(w.output("StandardOutput", "journal"));
                  REQUIRE(w.output("StandardError", "journal"));
                  w.section("Install");
                  REQUIRE(w.unit_name("WantedBy", system ? "multi-user.target" : "default.target"));
              }));
}

TEST_CASE("render: the PATH tail is what append_path_entry joins", "[render]") {
    std::string joined;
    std::size_t i = 0;
    for (const std::string_view fixed :
         {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"})
        REQUIRE(g::detail::append_path_entry(joined, fixed, i++, true));
    g::unit_options o = g::user_unit_options(
        g::installation{"/home/alice/venv/bin/python", "/home/alice/hermes-agent", false},
        "/home/alice/.hermes", "/home/alice/.hermes");
    CHECK(g::systemd_unit(o)->find("Environment=\"PATH=" + joined + "\"\n") != std::string::npos);
    o.path_entries = {"/opt/node/bin"};
    CHECK(g::systemd_unit(o)->find("Environment=\"PATH=/opt/node/bin:" + joined + "\"\n") !=
          std::string::npos);
}

TEST_CASE("render: buffer_sink leaves what plain appends leave", "[render]") {
    std::mt19937 rng(14);
    for (int round = 0; round < 300; ++round) {
        std::string plain = round % 3 == 0 ? "prefix" : "";
        std::string fast = plain;
        hs::detail::string_sink s{&plain};
        std::size_t written_bytes = 0;
        {
            hs::detail::buffer_sink b(fast);
            const int pieces = static_cast<int>(rng() % 60);
            for (int p = 0; p < pieces; ++p) {
                if (rng() % 3 == 0) {
                    const char c = static_cast<char>('a' + rng() % 26);
                    s.put(c);
                    b.put(c);
                    ++written_bytes;
                } else {
                    const std::size_t n = rng() % 5 == 0 ? rng() % 3000 : rng() % 40;
                    std::string piece(n, '\0');
                    for (char& c : piece) c = static_cast<char>(rng());
                    s.put(piece);
                    b.put(piece);
                    written_bytes += n;
                }
                REQUIRE(b.size() == written_bytes);
            }
            if (round % 2 == 0) {
                b.finish();
                REQUIRE(fast == plain);
            }
        }
        REQUIRE(fast == plain);
    }
}

TEST_CASE("render: quoted words through buffer_sink equal plain appends, errors alike", "[render]") {
    std::vector<std::string> words = hermes_test::hostile_arguments();
    for (const std::string& v : hermes_test::hostile_environment_values()) words.push_back(v);
    words.emplace_back("a\0b", 3);
    words.emplace_back("\xFF\xFE");
    words.emplace_back(std::string(700, 'x') + "%\"\\$\n" + std::string(100, 'y'));
    for (const std::string& v : words)
        for (const bool dollar : {false, true}) {
            std::string plain;
            std::string fast;
            hs::detail::string_sink s{&plain};
            const auto a = hs::detail::put_quoted_word(s, v, "X", dollar, "an argument");
            hs::detail::status b;
            {
                hs::detail::buffer_sink sink(fast);
                b = hs::detail::put_quoted_word(sink, v, "X", dollar, "an argument");
            }
            REQUIRE(a.has_value() == b.has_value());
            if (!a) {
                CHECK(a.error().code == b.error().code);
                CHECK(a.error().field == b.error().field);
                CHECK(a.error().message == b.error().message);
            }
            CHECK(plain == fast);
        }
}

TEST_CASE("render: the 32-byte scan step agrees with the bytewise reference", "[render]") {
    std::vector<std::string> inputs = hermes_test::hostile_arguments();
    for (const std::string& p : hermes_test::hostile_paths()) inputs.push_back(p);
    // Every hostile value placed at every offset of a long clean run, so it lands in each lane of a step.
    const std::string clean(80, 'a');
    for (const std::string& v : hermes_test::hostile_arguments())
        for (std::size_t at = 0; at <= 40; at += 3)
            inputs.push_back(clean.substr(0, at).append(v).append(clean));
    std::mt19937 rng(1432);
    const std::string alphabet = "abc/%$\"\\' <&]\x7F\x01\n\t\xC3\xA9\x80";
    for (int i = 0; i < 400; ++i) {
        std::string s(rng() % 100, 'a');
        for (char& c : s)
            if (rng() % 12 == 0) c = alphabet[rng() % alphabet.size()];
        inputs.push_back(s);
    }
    for (const std::string& s : inputs) check_all_classes(s);
}

TEST_CASE("render: both gateway overloads give the same text, also into a reused buffer", "[render]") {
    const g::installation in{"/home/alice/.hermes/hermes-agent/venv/bin/python",
                             "/home/alice/.hermes/hermes-agent", false};
    std::string reused(5000, 'z');
    for (const std::string& home : hermes_test::hostile_paths()) {
        const g::unit_options o = g::user_unit_options(in, home, "/home/alice/.hermes");
        const auto fresh = g::systemd_unit(o);
        const auto into = g::systemd_unit(o, reused);
        REQUIRE(fresh.has_value() == into.has_value());
        if (fresh) CHECK(*fresh == reused);
        if (!fresh) CHECK(fresh.error().message == into.error().message);
    }
}

namespace {

// is_temporary_path and check_anchor_path as they were before the shortcuts: the references.
bool reference_is_temporary_path(std::string_view path, std::string_view tmpdir) {
    if (path.empty() || path.front() != '/') return false;
    for (const std::string_view root :
         {tmpdir, std::string_view("/tmp"), std::string_view("/var/tmp"), std::string_view("/private/tmp"),
          std::string_view("/private/var/tmp")})
        if (!root.empty() && root.front() == '/' && g::detail::lies_under(path, root)) return true;
    return false;
}

hs::result<void> reference_check_anchor_path(std::string_view path, std::string_view field) {
    namespace d = hs::detail;
    if (path.empty()) return hs::make_error(hs::errc::empty_value, std::string(field), "the path is empty");
    if (path.front() != '/')
        return hs::make_error(hs::errc::relative_path, std::string(field),
                              "must be an absolute path, got \"" + d::printable(path) + "\"");
    for (std::size_t pos = 0; pos < path.size();) {
        const std::size_t at = pos;
        const char32_t cp = d::decode_utf8(path, pos);
        if (cp == d::invalid_code_point) return d::utf8_error(field, path, at);
        if (d::is_control(cp)) return d::char_error(hs::errc::control_character, field, path, at, cp, "");
    }
    for (std::size_t start = 1; start <= path.size();) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (path.substr(start, end - start) == "..")
            return hs::make_error(
                hs::errc::not_normalized, std::string(field),
                "has a '..' segment at " + d::describe_position(path, start) + "; pass the resolved path");
        start = end + 1;
    }
    return {};
}

/// Random absolute-ish paths from segments that exercise the shortcuts: tmp roots, dots, long segments.
std::vector<std::string> random_paths() {
    std::vector<std::string> out = hermes_test::hostile_paths();
    const std::vector<std::string> segments = {"tmp",
                                               "var",
                                               "private",
                                               ".",
                                               "..",
                                               "",
                                               "alice",
                                               "t",
                                               "v",
                                               "p",
                                               "tmpx",
                                               "...",
                                               "a..b",
                                               "é",
                                               "\x01",
                                               "\xFF",
                                               std::string(255, 's'),
                                               std::string(256, 'l'),
                                               "x y",
                                               "%"};
    std::mt19937 rng(77);
    for (int i = 0; i < 3000; ++i) {
        std::string p = rng() % 10 == 0 ? "" : "/";
        const int n = static_cast<int>(rng() % 6);
        for (int k = 0; k < n; ++k) {
            if (k > 0) p.push_back('/');
            p.append(segments[rng() % segments.size()]);
        }
        out.push_back(p);
    }
    return out;
}

}  // namespace

TEST_CASE("render: path shortcuts answer as the segment walks do", "[render]") {
    const std::vector<std::string> paths = random_paths();
    for (const std::string& p : paths) {
        INFO(p);
        for (const std::string_view tmpdir : {std::string_view(), std::string_view("/tmp"),
                                              std::string_view("/home/alice/t"), std::string_view("rel")})
            REQUIRE(g::is_temporary_path(p, tmpdir) == reference_is_temporary_path(p, tmpdir));
        const auto fast = hs::check_anchor_path(p, "HERMES_HOME");
        const auto plain = reference_check_anchor_path(p, "HERMES_HOME");
        REQUIRE(fast.has_value() == plain.has_value());
        if (!fast) REQUIRE(fast.error() == plain.error());
        // put_path and the executable check skip their segment walk when it cannot fail: the errors
        // below are the walk's own (a ".." segment, one over 255 bytes).
        std::string out;
        hs::detail::string_sink sink{&out};
        const auto path_ok = hs::detail::put_path(sink, p, "WorkingDirectory");
        if (path_ok && !p.empty()) {
            CHECK(p.find("/../") == std::string::npos);
            CHECK((p.size() < 3 || p.compare(p.size() - 3, 3, "/..") != 0));
            CHECK(p.find(std::string(256, 'l')) == std::string::npos);
        }
        const auto exe_ok = hs::detail::put_exec_executable(sink, p, "ExecStart");
        if (exe_ok) CHECK(p.find(std::string(256, 'l')) == std::string::npos);
    }
}
