// SPDX-License-Identifier: MIT
// The s6, runit, OpenRC, cmd and Task Scheduler writers' fast paths (issue 14: text_buffer, find_bytes,
// one-pass words, the ASCII path of to_utf16le_with_bom) give what the plain writers gave (commit 80335ad,
// tests/support/plain_writers.hpp): byte-identical output and identical errors, over the hostile corpus
// and random inputs.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/plain_writers.hpp"

namespace hs = hermes::service;
namespace hd = hermes::service::detail;

namespace {

/// "ok:<text>" or "error:<to_string>", so one comparison covers output and error alike.
std::string outcome(const hs::result<std::string>& r) {
    return r ? "ok:" + *r : "error:" + hs::to_string(r.error());
}
std::string outcome(const hs::result<hs::file_set>& r) {
    if (!r) return "error:" + hs::to_string(r.error());
    std::string s = "ok:";
    for (const auto& f : *r) s += f.path + "|" + std::to_string(f.mode) + "|" + f.content + "\n--\n";
    return s;
}
std::string outcome(const hd::status& r) { return r ? "ok" : "error:" + hs::to_string(r.error()); }

/// Random values over the bytes the grammars decide about, plain text and UTF-8 (valid and not).
class value_source {
  public:
    explicit value_source(std::uint32_t seed) : rng_(seed) {}
    std::string next(std::size_t max_len = 40) {
        static const std::vector<std::string> pieces = {"a",
                                                        "Z",
                                                        "0",
                                                        "_",
                                                        "-",
                                                        ".",
                                                        "/",
                                                        "\\",
                                                        ":",
                                                        " ",
                                                        "\t",
                                                        "\n",
                                                        "\r",
                                                        std::string(1, '\0'),
                                                        "\"",
                                                        "'",
                                                        "%",
                                                        "$",
                                                        "^",
                                                        "&",
                                                        "|",
                                                        "<",
                                                        ">",
                                                        "(",
                                                        ")",
                                                        "!",
                                                        "=",
                                                        "*",
                                                        "?",
                                                        "[",
                                                        "#",
                                                        "~",
                                                        "\x1a",
                                                        "\x7f",
                                                        "\x07",
                                                        "\xc3\xa9",
                                                        "\xe6\x97\xa5",
                                                        "\xf0\x9f\x98\x80",
                                                        "\xff",
                                                        "\xc3",
                                                        "\xef\xbf\xbe",
                                                        "/?",
                                                        "]]>",
                                                        "abcdefghijklmnop",
                                                        "C:\\Users\\x",
                                                        R"(\\srv\share)"};
        std::string s;
        const std::size_t len = std::uniform_int_distribution<std::size_t>(0, max_len)(rng_);
        const bool plain = std::uniform_int_distribution<int>(0, 3)(rng_) == 0;
        while (s.size() < len) {
            const std::size_t i = std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng_);
            s += plain ? pieces[i % 4 == 0 ? 43 : 0] : pieces[i];
        }
        return s;
    }
    bool coin() { return std::uniform_int_distribution<int>(0, 1)(rng_) == 1; }
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  private:
    std::mt19937 rng_;
};

std::vector<std::string> corpus_values() {
    std::vector<std::string> v = hermes_test::hostile_environment_values();
    for (const auto& p : hermes_test::hostile_paths()) v.push_back(p);
    v.emplace_back("nul\0inside", 10);
    v.push_back(std::string(200, 'x') + "\"" + std::string(100, '\\'));
    v.emplace_back(R"(C:\Program Files\App\app.exe)");
    v.emplace_back("C:\\dir\\");
    v.emplace_back(R"(\\server\share\a b\c%d)");
    v.emplace_back("ctrl\x1az");
    v.emplace_back("trail\\\\");
    return v;
}

template <class Fast, class Plain, class Fill>
void check_builders(Fill fill) {
    Fast fast;
    Plain plain;
    fill(fast);
    fill(plain);
    INFO(outcome(plain.build()));
    CHECK(outcome(fast.build()) == outcome(plain.build()));
}

/// One configuration of an s6 or runit builder: slot `slot` gets `v`, the rest realistic values.
template <class B>
void fill_supervised(B& b, int slot, const std::string& v, bool with_user) {
    std::vector<std::string> argv = {"/usr/bin/daemon", "--flag", "value with space"};
    if (slot == 0) argv[0] = v;
    if (slot == 1) argv[2] = v;
    if (slot == 2) argv.push_back(v);
    b.exec(argv);
    b.working_directory(slot == 3 ? v : "/srv/app");
    b.environment("HERMES_HOME", slot == 4 ? v : "/home/alice/.hermes");
    if (slot == 5) b.environment(v, "value");
    b.environment("PATH", slot == 6 ? v : "/usr/bin:/bin");
    if (with_user || slot == 7) {
        b.user(slot == 7 ? v : "alice");
        b.user_home(slot == 8 ? v : "/home/alice");
    }
    if (slot == 9) b.finish({"/usr/bin/logger", v});
    if (slot == 10) b.finish({v});
    if (slot >= 9) b.permanent_failure_exit_code(78);
}

}  // namespace

TEST_CASE("find_bytes and text_buffer agree with the plain definitions", "[writers][fast]") {
    value_source src(1);
    for (int n = 0; n < 3000; ++n) {
        const std::string s = src.next(70);
        for (std::size_t pos = 0; pos <= s.size(); pos += 1 + s.size() / 5) {
            std::size_t expect = pos;
            while (expect < s.size() && s[expect] != '\\' && s[expect] != '"' && s[expect] != '\0') ++expect;
            CHECK(hd::find_bytes<'\\', '"', '\0'>(s, pos) == expect);
        }
        std::string out = "pre";
        {
            hd::text_buffer b(out, static_cast<std::size_t>(src.pick(4)));  // grows from almost nothing
            b.put(s);
            b.put('!');
            b.put(3, '\\');
            b.put(std::string_view(s).substr(0, s.size() / 2));
            b.finish();
        }
        CHECK(out == "pre" + s + "!\\\\\\" + s.substr(0, s.size() / 2));
    }
}

TEST_CASE("the sh, execline and cmd word writers agree with the plain ones", "[writers][fast]") {
    std::vector<std::string> values = corpus_values();
    value_source src(2);
    for (int n = 0; n < 4000; ++n) values.push_back(src.next());
    for (const std::string& v : values) {
        INFO(v);
        const auto run = [&](auto&& write) {
            std::string out;
            hd::string_sink sink{&out};
            const hd::status ok = write(sink);
            return ok ? "ok:" + out : outcome(ok);
        };
        CHECK(run([&](auto& s) { return hd::put_execline_word(s, v, "f"); }) ==
              run([&](auto& s) { return hd::plain_put_execline_word(s, v, "f"); }));
        CHECK(run([&](auto& s) { return hd::put_sh_word(s, v, "f"); }) ==
              run([&](auto& s) { return hd::plain_put_sh_word(s, v, "f"); }));
        CHECK(outcome(hd::check_export_name(v, "f")) == outcome(hd::plain_check_export_name(v, "f")));
        for (const bool controls_ok : {false, true})
            CHECK(outcome(hd::check_cmd_text(v, "f", controls_ok)) ==
                  outcome(hd::plain_check_cmd_text(v, "f", controls_ok)));
        for (const bool quoted : {false, true}) {
            hd::cmd_line_state a{quoted};
            hd::cmd_line_state b{quoted};
            CHECK(run([&](auto& s) { return hd::put_cmd_argument(s, v, "f", a); }) ==
                  run([&](auto& s) { return hd::plain_put_cmd_argument(s, v, "f", b); }));
            CHECK(a.quoted == b.quoted);
        }
        for (const bool program : {false, true})
            CHECK(run([&](auto& s) { return hd::put_cmd_path(s, v, "f", program); }) ==
                  run([&](auto& s) { return hd::plain_put_cmd_path(s, v, "f", program); }));
        CHECK(run([&](auto& s) { return hd::put_cmd_set(s, "NAME", v, "f"); }) ==
              run([&](auto& s) { return hd::plain_put_cmd_set(s, "NAME", v, "f"); }));
        CHECK(run([&](auto& s) { return hd::put_cmd_comment(s, v, "f"); }) ==
              run([&](auto& s) { return hd::plain_put_cmd_comment(s, v, "f"); }));
        CHECK(hs::windows::to_utf16le_with_bom(v) == hs::plain::windows::plain_to_utf16le_with_bom(v));
    }
}

TEST_CASE("s6 and runit builders agree with the plain ones", "[writers][fast][s6][runit]") {
    std::vector<std::string> values = corpus_values();
    value_source src(3);
    for (int n = 0; n < 600; ++n) values.push_back(src.next());
    for (const std::string& v : values)
        for (int slot = 0; slot <= 10; ++slot)
            for (const bool with_user : {false, true}) {
                INFO("slot " << slot << " value " << v);
                const auto fill = [&](auto& b) { fill_supervised(b, slot, v, with_user); };
                check_builders<hs::s6::service_builder, hs::plain::s6::service_builder>([&](auto& b) {
                    fill(b);
                    b.notification_fd(3).kill_timeout(std::chrono::milliseconds(5000)).down(slot % 2 == 0);
                });
                check_builders<hs::runit::service_builder, hs::plain::runit::service_builder>([&](auto& b) {
                    fill(b);
                    b.log(slot % 2 == 0).down(slot % 3 == 0);
                });
            }
    // A name given twice, an account variable with user(), a missing home: the same errors.
    for (const char* name : {"HOME", "USER", "LOGNAME", "PATH", "HERMES_HOME"}) {
        check_builders<hs::s6::service_builder, hs::plain::s6::service_builder>([&](auto& b) {
            fill_supervised(b, -1, "", true);
            b.environment(name, "x");
        });
        check_builders<hs::runit::service_builder, hs::plain::runit::service_builder>([&](auto& b) {
            fill_supervised(b, -1, "", true);
            b.environment(name, "x");
        });
    }
    check_builders<hs::s6::service_builder, hs::plain::s6::service_builder>([](auto& b) { b.user("alice"); });
    check_builders<hs::runit::service_builder, hs::plain::runit::service_builder>(
        [](auto& b) { b.exec({"/bin/x"}).user("alice"); });
}

TEST_CASE("the OpenRC builder agrees with the plain one", "[writers][fast][openrc]") {
    std::vector<std::string> values = corpus_values();
    value_source src(4);
    for (int n = 0; n < 1500; ++n) values.push_back(src.next());
    for (const std::string& v : values)
        for (int slot = 0; slot <= 9; ++slot) {
            INFO("slot " << slot << " value " << v);
            check_builders<hs::openrc::script_builder, hs::plain::openrc::script_builder>([&](auto& b) {
                std::vector<std::string> argv = {"/usr/bin/daemon", "--flag", "value with space"};
                if (slot == 0) argv[0] = v;
                if (slot == 1) argv.push_back(v);
                b.command(argv);
                if (slot != 2) b.description(slot == 3 ? v : "A daemon");
                b.directory(slot == 4 ? v : "/srv/app");
                b.command_user(slot == 5 ? v : "alice:alice");
                if (slot % 2 == 0) b.environment("HERMES_HOME", slot == 6 ? v : "/home/alice");
                if (slot == 7) b.environment(v, "x");
                b.pidfile(slot == 8 ? v : "/run/daemon.pid");
                b.need(slot == 9 ? v : "net").after("dns").after("firewall");
                b.respawn_delay(std::chrono::seconds(slot - 1)).respawn_max(static_cast<unsigned>(slot));
                b.stop_timeout(std::chrono::seconds(slot == 2 ? 0 : 30));
            });
        }
    for (int n = 0; n < 300; ++n) {  // sparse builders: each setting present or not
        check_builders<hs::openrc::script_builder, hs::plain::openrc::script_builder>([&](auto& b) {
            value_source s(static_cast<std::uint32_t>(1000 + n));
            if (s.coin()) b.command({"/bin/daemon", "a"});
            if (s.coin()) b.command({"/bin/d=x", s.next()});
            if (s.coin()) b.environment("A", s.next());
            if (s.coin()) b.environment("A", "again");
            if (s.coin()) b.directory(s.next());
            if (s.coin()) b.description(s.next());
            if (s.coin()) b.respawn_max(0);
            if (s.coin()) b.after(s.next(5));
        });
    }
}

TEST_CASE("the cmd and task builders agree with the plain ones", "[writers][fast][windows]") {
    std::vector<std::string> values = corpus_values();
    value_source src(5);
    for (int n = 0; n < 1500; ++n) values.push_back(src.next());
    for (const std::string& v : values)
        for (int slot = 0; slot <= 6; ++slot) {
            INFO("slot " << slot << " value " << v);
            check_builders<hs::windows::cmd_script_builder, hs::plain::windows::cmd_script_builder>(
                [&](auto& b) {
                    if (slot != 0) b.comment(slot == 1 ? v : "launcher");
                    b.working_directory(slot == 2 ? v : "C:\\app dir");
                    b.environment("HERMES_HOME", slot == 3 ? v : "C:\\h");
                    if (slot == 4) b.environment(v, "x");
                    b.environment("hermes_home2", "x");
                    std::vector<std::string> argv = {"C:\\app\\app.exe", "--x", "a b"};
                    if (slot == 5) argv[0] = v;
                    if (slot == 6) argv.push_back(v);
                    b.command(argv).exit_with_command_status(slot % 2 == 0);
                });
            check_builders<hs::windows::task_builder, hs::plain::windows::task_builder>([&](auto& b) {
                if (slot != 0) b.description(slot == 1 ? v : "A task");
                b.author(slot == 2 ? v : "me");
                if (slot % 2 == 1) b.user_id(slot == 3 ? v : "PC\\me");
                b.logon_trigger(std::chrono::seconds(slot * 4000 - 1));
                b.restart_on_failure(std::chrono::seconds(59 + slot * 9000), static_cast<unsigned>(slot));
                b.execution_time_limit(std::chrono::seconds(slot * 100000 - 1))
                    .priority(static_cast<unsigned>(slot * 2));
                b.action(slot == 4 ? v : "C:\\app\\app.exe", slot == 5 ? v : "-a \"b c\"",
                         slot == 6 ? v : "");
            });
        }
    check_builders<hs::windows::cmd_script_builder, hs::plain::windows::cmd_script_builder>(
        [](auto& b) { b.working_directory("C:\\x"); });
    check_builders<hs::windows::task_builder, hs::plain::windows::task_builder>([](auto&) {});
}
