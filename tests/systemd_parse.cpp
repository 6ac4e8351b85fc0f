// SPDX-License-Identifier: MIT
// Tests for the systemd readers (<hermes/service/systemd.hpp>): parse_unit, split_command_line,
// split_environment and unit-name escaping, each held against the writer and systemd's rules.
#include <hermes/service/systemd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/oracles.hpp"

using hermes::service::errc;
namespace systemd = hermes::service::systemd;
using strings = std::vector<std::string>;

TEST_CASE("parse_unit: sections, entries, comments, whitespace", "[systemd][parse]") {
    const auto f = systemd::parse_unit(
        "\xEF\xBB\xBF# comment\n; also\n[Unit]\n  Description  =  spaced value   \r\n"
        "\t# indented comment\n[Service]\nExecStart=/bin/a\nExecStart=\nExecStart=/bin/b\n"
        "Description=x # not a comment\n\n[Unit]\nAfter=a.target\n");
    REQUIRE(f);
    CHECK(f->sections() == strings{"Unit", "Service"});
    REQUIRE(f->entries().size() == 6);
    CHECK(f->entries()[0].key == "Description");
    CHECK(f->entries()[0].value == "spaced value");
    CHECK(f->entries()[0].line == 4);
    CHECK(f->value("Service", "Description") == "x # not a comment");
    CHECK(f->values("Service", "ExecStart") == strings{"/bin/b"});
    CHECK(f->value("Service", "ExecStart") == "/bin/b");
    CHECK(f->value("Unit", "After") == "a.target");
    CHECK_FALSE(f->value("Unit", "Nope").has_value());
    CHECK(f->warnings().empty());
}

TEST_CASE("parse_unit: an empty assignment resets", "[systemd][parse]") {
    const auto f = systemd::parse_unit("[Service]\nEnvironment=A=1\nEnvironment=B=2\nEnvironment=\n");
    REQUIRE(f);
    CHECK(f->values("Service", "Environment").empty());
    CHECK_FALSE(f->value("Service", "Environment").has_value());
}

TEST_CASE("parse_unit: backslash continuations as systemd 252 joins them", "[systemd][parse]") {
    const auto f = systemd::parse_unit(
        "[Unit]\nDescription=cont \\\n  next line\n"
        "[Service]\nExecStart=/bin/echo \"quoted \\\n# skipped comment\n  continued\" x\n"
        "X-Even=trailing\\\\\nX-After=kept\nX-Last=end\\");
    REQUIRE(f);
    CHECK(f->value("Unit", "Description") == "cont    next line");
    CHECK(f->value("Service", "ExecStart") == "/bin/echo \"quoted    continued\" x");
    CHECK(f->value("Service", "X-Even") == "trailing\\\\");
    CHECK(f->value("Service", "X-After") == "kept");
    CHECK(f->value("Service", "X-Last") == "end");
    const auto args = systemd::split_command_line(*f->value("Service", "ExecStart"));
    REQUIRE(args);
    CHECK(*args == strings{"/bin/echo", "quoted    continued", "x"});
}

TEST_CASE("parse_unit: a value ending in a backslash swallows the next line", "[systemd][parse]") {
    // The hazard the writer must never produce (reference: service-syntax.md 1.2).
    const auto f = systemd::parse_unit("[Service]\nWorkingDirectory=/tmp/endslash\\\nUser=root\n");
    REQUIRE(f);
    CHECK(f->value("Service", "WorkingDirectory") == "/tmp/endslash User=root");
    CHECK_FALSE(f->value("Service", "User").has_value());
}

TEST_CASE("parse_unit: line endings LF, CRLF and CR", "[systemd][parse]") {
    const auto f = systemd::parse_unit("[Unit]\r\nA=1\rB=2\nC=3");
    REQUIRE(f);
    CHECK(f->value("Unit", "A") == "1");
    CHECK(f->value("Unit", "B") == "2");
    CHECK(f->value("Unit", "C") == "3");
}

TEST_CASE("parse_unit: what systemd ignores becomes a warning, what it refuses an error",
          "[systemd][parse]") {
    const auto f = systemd::parse_unit("Orphan=1\n[Unit]\nno equals sign\n=no key\n");
    REQUIRE(f);
    CHECK(f->entries().empty());
    CHECK(f->warnings() == strings{"line 1: assignment outside of a section, ignored",
                                   "line 3: missing '=', ignored",
                                   "line 4: missing key name before '=', ignored"});
    // A line that is not UTF-8 makes systemd 252 refuse the whole unit (it was a warning here before).
    const auto not_utf8 = systemd::parse_unit("[Unit]\nA=1\n\nBad=\xff\n");
    REQUIRE_FALSE(not_utf8);
    CHECK(not_utf8.error().code == errc::invalid_utf8);
    CHECK(not_utf8.error().field == "line 4");
    CHECK(not_utf8.error().message ==
          "is not valid UTF-8: byte 0xFF at character 5 (byte 5) does not start a valid sequence; systemd "
          "refuses to load the unit");
    const auto non_character = systemd::parse_unit("[Unit]\nDescription=a\xef\xbf\xbe\n");
    REQUIRE_FALSE(non_character);
    CHECK(non_character.error().code == errc::invalid_utf8);
    CHECK(non_character.error().field == "line 2");
    CHECK(non_character.error().message ==
          "is not UTF-8 to systemd: the non-character U+FFFE at character 14 (byte 14); systemd refuses to "
          "load "
          "the unit");
    const auto bad = systemd::parse_unit("[Service] # trailing comment\nA=1\n");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == errc::parse_error);
    CHECK(bad.error().field == "line 1");
    CHECK(bad.error().message ==
          "invalid section header \"[Service] # trailing comment\" (a header must be the whole line)");
    CHECK_FALSE(systemd::parse_unit("[Service\n"));
    CHECK_FALSE(systemd::parse_unit("[Unit]\nA=" + std::string(std::size_t{1024} * 1024, 'x') + "\n"));
}

TEST_CASE("split_command_line: quoting, escapes, specifiers, prefixes", "[systemd][parse]") {
    const auto words = [](std::string_view v) {
        auto r = systemd::split_command_line(v);
        REQUIRE(r);
        return *r;
    };
    CHECK(words("/bin/echo e\"f g\"h 'a'\"b\" \"a\"b c") == strings{"/bin/echo", "ef gh", "ab", "ab", "c"});
    CHECK(words("/bin/echo \"\" '' \\x41\\x20B \\101 \\u00e9 \\U0001F600 \\s") ==
          strings{"/bin/echo", "", "", "A B", "A", "\xc3\xa9", "\xf0\x9f\x98\x80", " "});
    CHECK(words("/bin/echo unknown\\q \"\\x00\" a\\ b") ==
          strings{"/bin/echo", "unknown\\q", "\\x00", "a\\ b"});
    CHECK(words("/bin/echo \\; \";\" ';' ;x") == strings{"/bin/echo", ";", ";", ";", ";x"});
    CHECK(words("/bin/echo 50%% \"/tmp/a%%b\" 100% a%-b") ==
          strings{"/bin/echo", "50%", "/tmp/a%b", "100%", "a%-b"});
    CHECK(words("/bin/echo $$ $$HOME a$b \"$${X}\"") == strings{"/bin/echo", "$", "$HOME", "a$b", "${X}"});
    CHECK(words("-/bin/false x") == strings{"/bin/false", "x"});
    CHECK(words("@/bin/busybox sh -c x") == strings{"sh", "-c", "x"});
    CHECK(words(":/bin/echo $HOME ${X}") == strings{"/bin/echo", "$HOME", "${X}"});
    CHECK(words("/bin/echo trailing\\\\") == strings{"/bin/echo", "trailing\\"});
}

TEST_CASE("split_command_line: what it cannot resolve is an error", "[systemd][parse]") {
    const auto err = [](std::string_view v) {
        auto r = systemd::split_command_line(v);
        REQUIRE_FALSE(r);
        return r.error();
    };
    CHECK(err("/bin/echo %n").code == errc::unrepresentable);
    CHECK(err("/bin/echo %n").field == "command line[1]");
    CHECK(err("/bin/echo %n").message ==
          "uses the specifier %n, which only systemd can resolve (write %% for a literal %)");
    CHECK(err("/bin/kill $MAINPID").message ==
          "refers to $MAINPID, which systemd expands from the environment when it starts the process (write "
          "$$ for a literal $)");
    CHECK(err("/bin/echo a${X}b").code == errc::unrepresentable);
    CHECK(err("/bin/echo \"unbalanced").message == "has unbalanced quoting");
    CHECK(err("/bin/echo a ; /bin/echo b").message ==
          "holds more than one command (an unquoted ';' separates commands)");
    CHECK(err("").code == errc::empty_value);
}

TEST_CASE("split_command_line refuses what config_parse_exec refuses", "[systemd][parse]") {
    const auto err = [](std::string_view v) {
        auto r = systemd::split_command_line(v);
        REQUIRE_FALSE(r);
        return r.error();
    };
    CHECK(err("/usr/bin/ x").code == errc::parse_error);
    CHECK(err("/usr/bin/ x").field == "command line[0]");
    CHECK(err("/usr/bin/ x").message == "executable \"/usr/bin/\" names a directory (ends in '/')");
    CHECK(err("/bin/a\\x").field == "command line[0]");
    CHECK(err("/bin/a\\x").message ==
          "executable \"/bin/a\\x\" contains a quote, backslash or control character, which systemd refuses");
    CHECK(err("/bin/a\\t").message ==
          "executable \"/bin/a\\t\" contains a quote, backslash or control character, which systemd refuses");
    CHECK(err("--/bin/true").message ==
          "\"-/bin/true\" is neither a valid executable name nor an absolute path");
    CHECK(err("@@/bin/true x").code == errc::parse_error);
    CHECK(err("+!/bin/true").code == errc::parse_error);
    CHECK(err("..").message == "\"..\" is neither a valid executable name nor an absolute path");
    CHECK(err("-").code == errc::empty_value);
    CHECK(err("-").message == "has an empty executable path");
    CHECK(err(" ; ").code == errc::empty_value);
    CHECK(err(" ; ").message == "is empty");
    CHECK(err("/bin/a ; /bin/b").code == errc::unrepresentable);
    // \U of a non-character is no escape: kept literally by the relaxed retry, refused in Environment=.
    CHECK(*systemd::split_command_line("/bin/echo \\U0000FFFE") == strings{"/bin/echo", "\\U0000FFFE"});
    CHECK(systemd::split_environment("A=\\U0000FFFE").error().message ==
          "has an unknown escape \"\\U\" at character 3 (byte 3)");
    CHECK(*systemd::split_command_line("/bin/echo a ;") == strings{"/bin/echo", "a"});
    CHECK(*systemd::split_command_line("; /bin/echo a ; ;") == strings{"/bin/echo", "a"});
    CHECK(*systemd::split_command_line("-!!/bin/echo \\ud800") == strings{"/bin/echo", "\xed\xa0\x80"});
    CHECK(*systemd::split_command_line("true x") == strings{"true", "x"});
    CHECK(err("@/bin/true $").code == errc::empty_value);  // "$" names "" and is dropped at exec time
    CHECK(err("@/bin/true $").message == "leaves no argv[0] after exec-time expansion");
}

TEST_CASE("split_command_line without an environment keeps what systemd 252 does not expand",
          "[systemd][parse]") {
    const auto r = systemd::split_command_line("/bin/echo ${FOO ${A:-b} $ a$B");
    REQUIRE(r);
    CHECK(*r == strings{"/bin/echo", "${FOO", "${A:-b}", "a$B"});  // a lone "$" names "" and is dropped
    const auto inner = systemd::split_command_line("/bin/echo ${A:-${B}}");
    REQUIRE_FALSE(inner);
    CHECK(inner.error().code == errc::unrepresentable);
    CHECK(inner.error().field == "command line[1]");
    CHECK(inner.error().message ==
          "refers to ${B}, which systemd expands from the environment when it starts the process (write $$ "
          "for a "
          "literal $)");
}

TEST_CASE("split_command_line with an environment expands as systemd does at exec time", "[systemd][parse]") {
    const std::vector<std::pair<std::string, std::string>> env{
        {"MAINPID", "42"}, {"WORDS", "a  b\tc"}, {"X", "1 2"}, {"Q", R"('one word' "two\ w" th\ree)"}};
    const auto r =
        systemd::split_command_line("/bin/echo $MAINPID $WORDS ${X} pre${X}post $UNSET ${UNSET}x $$ $Q", env);
    REQUIRE(r);
    // A whole-word $Q is split with unquoting (EXTRACT_RELAX|EXTRACT_UNQUOTE: "\\c" is c).
    CHECK(*r == strings{"/bin/echo", "42", "a", "b", "c", "1 2", "pre1 2post", "x", "$", "one word", "two w",
                        "three"});
}

TEST_CASE("split_environment: quoting, escapes, %%, literal $", "[systemd][parse]") {
    using env = std::vector<std::pair<std::string, std::string>>;
    auto r = systemd::split_environment(R"("A=b c" "D=e" F="g h" EMPTY= P=100%% Q==  R=$x)");
    REQUIRE(r);
    CHECK(*r ==
          env{{"A", "b c"}, {"D", "e"}, {"F", "g h"}, {"EMPTY", ""}, {"P", "100%"}, {"Q", "="}, {"R", "$x"}});
    CHECK(systemd::split_environment("")->empty());
    const auto unknown_escape = systemd::split_environment(R"("D=\$x" E=1)");
    REQUIRE_FALSE(unknown_escape);
    CHECK(unknown_escape.error().code == errc::parse_error);
    CHECK(unknown_escape.error().message == "has an unknown escape \"\\$\" at character 4 (byte 4)");
    CHECK(systemd::split_environment("1BAD=x").error().code == errc::invalid_name);
    CHECK(systemd::split_environment("novalue").error().code == errc::parse_error);
    CHECK(systemd::split_environment("A=\\xff").error().code == errc::invalid_utf8);
}

TEST_CASE("round trip: every hostile argument comes back from split_command_line", "[systemd][roundtrip]") {
    std::vector<std::string> argv{"/opt/My App/bin/run 100%"};
    for (const auto& a : hermes_test::hostile_arguments()) argv.push_back(a);
    const auto unit = systemd::unit_builder{}.exec_start(argv).exec_stop_post(argv, true).build();
    REQUIRE(unit);
    const auto f = systemd::parse_unit(*unit);
    REQUIRE(f);
    CHECK(f->entries().size() == 2);
    for (const char* key : {"ExecStart", "ExecStopPost"}) {
        const auto back = systemd::split_command_line(*f->value("Service", key));
        REQUIRE(back);
        CHECK(*back == argv);
    }
}

TEST_CASE("round trip: every hostile environment value comes back from split_environment",
          "[systemd][roundtrip]") {
    systemd::unit_builder b;
    b.exec_start({"/bin/true"});
    const auto values = hermes_test::hostile_environment_values();
    for (std::size_t i = 0; i < values.size(); ++i) b.environment("V" + std::to_string(i), values[i]);
    const auto unit = b.build();
    REQUIRE(unit);
    const auto f = systemd::parse_unit(*unit);
    REQUIRE(f);
    const auto lines = f->values("Service", "Environment");
    REQUIRE(lines.size() == values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto back = systemd::split_environment(lines[i]);
        REQUIRE(back);
        REQUIRE(back->size() == 1);
        CHECK((*back)[0].first == "V" + std::to_string(i));
        CHECK((*back)[0].second == values[i]);
    }
}

TEST_CASE("round trip: paths and descriptions come back from parse_unit", "[systemd][roundtrip]") {
    for (const auto& path : hermes_test::hostile_paths()) {
        const auto unit = systemd::unit_builder{}
                              .exec_start({"/bin/true"})
                              .working_directory(path)
                              .description("About " + path)
                              .build();
        REQUIRE(unit);
        const auto f = systemd::parse_unit(*unit);
        REQUIRE(f);
        // Unquoted values: only %% is processed, so un-doubling gives the input back.
        const auto undouble = [](std::string s) {
            for (std::size_t p = s.find("%%"); p != std::string::npos; p = s.find("%%", p + 1)) s.erase(p, 1);
            return s;
        };
        CHECK(undouble(*f->value("Service", "WorkingDirectory")) == path);
        CHECK(undouble(*f->value("Unit", "Description")) == "About " + path);
    }
}

TEST_CASE("escape_unit_name and escape_unit_path follow systemd-escape", "[systemd][escape]") {
    CHECK(systemd::escape_unit_name("Hall\xc3\xb6"
                                    "chen, Meister") == std::string("Hall\\xc3\\xb6"
                                                                    "chen\\x2c\\x20Meister"));
    CHECK(systemd::escape_unit_name("my-app") == std::string("my\\x2dapp"));
    CHECK(systemd::escape_unit_name("my_app.v1:2") == std::string("my_app.v1:2"));
    CHECK(systemd::escape_unit_name(".hidden") == std::string("\\x2ehidden"));
    CHECK(systemd::escape_unit_name("a/b/c") == std::string("a-b-c"));
    CHECK(systemd::escape_unit_name("/") == std::string("-"));
    CHECK(systemd::escape_unit_name("@x+y=z%") == std::string("\\x40x\\x2by\\x3dz\\x25"));
    CHECK(systemd::escape_unit_name("x\xffy") == std::string("x\\xffy"));
    CHECK(systemd::escape_unit_path("/tmp//waldi/foobar/") == std::string("tmp-waldi-foobar"));
    CHECK(systemd::escape_unit_path("/") == std::string("-"));
    CHECK(systemd::escape_unit_path("/a/./b") == std::string("a-b"));
    CHECK(systemd::escape_unit_path("/.hidden/x") == std::string("\\x2ehidden-x"));
    CHECK(systemd::escape_unit_name("").error().code == errc::empty_value);
    CHECK(systemd::escape_unit_path("") == std::string("-"));  // systemd takes "" as the root
    CHECK(systemd::escape_unit_path("relative/path").error().code == errc::relative_path);
    CHECK(systemd::escape_unit_path("/a/../b").error().code == errc::not_normalized);
}

TEST_CASE("oracle: escape_unit_name and escape_unit_path equal the real systemd-escape",
          "[systemd][escape][oracle]") {
    namespace od = hermes_test::oracle::detail;
    if (od::run("command -v systemd-escape").status != 0) HERMES_SKIP("systemd-escape is not installed");
    std::vector<std::string> inputs = hermes_test::hostile_arguments();
    inputs.erase(std::remove(inputs.begin(), inputs.end(), std::string()), inputs.end());
    for (const auto& p : hermes_test::hostile_paths()) inputs.push_back(p);
    inputs.emplace_back(
        "Hall\xc3\xb6"
        "chen, Meister");
    inputs.emplace_back("-leading-dash");
    for (const auto& in : inputs) {
        if (in.find('\n') != std::string::npos)
            continue;  // systemd-escape reads one argument per line? no: argv; keep shell-safe
        const auto name = od::run("systemd-escape -- " + od::shell_quote(in));
        REQUIRE(name.status == 0);
        const auto mine = systemd::escape_unit_name(in);
        REQUIRE(mine);
        CHECK(*mine + "\n" == name.out);
        if (!in.empty() && in.front() == '/') {
            const auto path = od::run("systemd-escape -p -- " + od::shell_quote(in));
            const auto my_path = systemd::escape_unit_path(in);
            REQUIRE(my_path);
            CHECK(*my_path + "\n" == path.out);
        }
    }
}
