// SPDX-License-Identifier: MIT
// windows::cmd_script_builder and read_cmd_script: the text for known inputs byte for byte, typed
// errors (code, field, message), and writer -> reader round trips over the hostile corpus. That the
// text does what it says under cmd.exe is checked by the Wine oracle (tests/wine, label `wine`).
#include <hermes/service/windows/cmd_script.hpp>
#include <hermes/service/windows/cmd_script_reader.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/expect_error.hpp"

namespace hs = hermes::service;
namespace w = hermes::service::windows;
using hermes_test::error_of;
using hs::errc;

namespace {

w::cmd_script_builder minimal() {
    w::cmd_script_builder b;
    b.working_directory("C:\\work").command({"C:\\bin\\probe.exe"});
    return b;
}

std::string unwrap(const hs::result<std::string>& r) {
    if (!r) FAIL("unexpected error: " << hs::to_string(r.error()));
    return *r;
}

/// The one command line of a launcher built with `args` after C:\p.exe.
std::string command_line(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"C:\\p.exe"};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string text = unwrap(w::cmd_script_builder{}.working_directory("C:\\").command(argv).build());
    const std::size_t start = text.find("C:\\p.exe");
    return text.substr(start, text.find("\r\n", start) - start);
}

/// Whether the builder must refuse `v` as an argument: NUL, CR, LF, Ctrl-Z or non-ASCII.
bool refusable(const std::string& v) {
    for (const char c : v) {
        const auto b = static_cast<unsigned char>(c);
        if (b == 0 || b == '\r' || b == '\n' || b == 0x1A || b >= 0x80) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("a launcher renders byte for byte with CRLF line ends", "[windows][cmd][golden]") {
    const std::string text = unwrap(w::cmd_script_builder{}
                                        .comment("launch 100% of it")
                                        .working_directory("C:\\Program Files\\app dir")
                                        .environment("GREETING", "hello world")
                                        .environment("QUOTED", "say \"hi\" & bye")
                                        .command({R"(C:\Program Files\app dir\app.exe)", "--name",
                                                  "two words", "100%", "a&b", "x\\\"y", "", "end\\"})
                                        .exit_with_command_status(true)
                                        .build());
    CHECK(text ==
          "@echo off\r\n"
          "rem launch 100%% of it\r\n"
          "cd /d \"C:\\Program Files\\app dir\"\r\n"
          "set \"GREETING=hello world\"\r\n"
          "set \"QUOTED=say \"hi\" & bye\"\r\n"
          "\"C:\\Program Files\\app dir\\app.exe\" --name \"two words\" 100%% a^&b \"x\\\\\\\"y\" \"\" "
          "end\\\r\n"
          "exit /b %ERRORLEVEL%\r\n");
}

TEST_CASE("arguments: MS C runtime quoting, then cmd escaping that follows cmd's quote state",
          "[windows][cmd]") {
    // Plain words stay bare; blanks, quotes and the empty string are quoted by the CRT's rules.
    CHECK(command_line({"-m", "hermes_cli.main"}) == "C:\\p.exe -m hermes_cli.main");
    CHECK(command_line({"two words"}) == "C:\\p.exe \"two words\"");
    CHECK(command_line({""}) == "C:\\p.exe \"\"");
    CHECK(command_line({"tab\there"}) == "C:\\p.exe \"tab\there\"");
    // Backslashes are literal unless they precede a quote: 2n+1 before a literal quote, 2n at the end.
    CHECK(command_line({"back\\slash"}) == "C:\\p.exe back\\slash");
    CHECK(command_line({"a \\"}) == "C:\\p.exe \"a \\\\\"");
    CHECK(command_line({"a\\\"b"}) == "C:\\p.exe \"a\\\\\\\"b\"");
    // cmd: % doubled everywhere; ^ before metacharacters only where cmd is outside quotes.
    CHECK(command_line({"100%", "%PATH%"}) == "C:\\p.exe 100%% %%PATH%%");
    CHECK(command_line({"a&b|c<d>e(f)g^h!i"}) == "C:\\p.exe a^&b^|c^<d^>e^(f^)g^^h^!i");
    CHECK(command_line({"a b&c"}) == "C:\\p.exe \"a b&c\"");
    // `\"` is a literal quote for the CRT but toggles cmd's state: what follows is escaped for cmd.
    CHECK(command_line({"x\" & echo INJECTED"}) == "C:\\p.exe \"x\\\" ^& echo INJECTED\"");
    // An odd number of quotes leaves cmd inside quotes for the next argument.
    CHECK(command_line({"a\"b", "c&d"}) == "C:\\p.exe \"a\\\"b\" c&d");
}

TEST_CASE("the program and the working directory: quoted only when needed, % doubled", "[windows][cmd]") {
    CHECK(unwrap(minimal().build()) ==
          "@echo off\r\ncd /d C:\\work\r\nC:\\bin\\probe.exe\r\nexit /b %ERRORLEVEL%\r\n");
    CHECK(unwrap(minimal().working_directory("C:\\a&b (x) 100%").exit_with_command_status(false).build()) ==
          "@echo off\r\ncd /d \"C:\\a&b (x) 100%%\"\r\nC:\\bin\\probe.exe\r\nexit /b 0\r\n");
    CHECK(unwrap(minimal().working_directory("\\\\server\\share\\dir").build())
              .find("cd /d \\\\server\\share\\dir\r\n") != std::string::npos);
    CHECK(unwrap(minimal().working_directory("C:\\").build()).find("cd /d C:\\\r\n") != std::string::npos);
}

TEST_CASE("cmd launcher errors name the field", "[windows][cmd][errors]") {
    CHECK(error_of(w::cmd_script_builder{}.command({"C:\\p.exe"}), errc::missing_field,
                   "working_directory") == "the `cd /d` target was never given");
    CHECK(error_of(w::cmd_script_builder{}.working_directory("C:\\"), errc::missing_field, "command") ==
          "the program to run was never given");
    CHECK(error_of(minimal().working_directory("work"), errc::relative_path, "working_directory") ==
          "must be an absolute Windows path (X:\\... or \\\\server\\share\\...), got \"work\"");
    CHECK(error_of(minimal().working_directory("C:\\a\\..\\b"), errc::not_normalized, "working_directory") ==
          "has a '..' component at character 6 (byte 6); pass the resolved path");
    CHECK(error_of(minimal().working_directory("C:\\dir."), errc::unrepresentable, "working_directory") ==
          "has a component ending in '.' at character 7 (byte 7); Windows strips trailing spaces and dots "
          "from path components");
    CHECK(error_of(minimal().working_directory("C:\\a\"b"), errc::unrepresentable, "working_directory") ==
          "contains '\"' at character 5 (byte 5); Windows paths cannot hold \" * ? < > | or ':' past the "
          "drive, and '/' must be written '\\'");
    CHECK(error_of(minimal().working_directory("C:\\a\tb"), errc::control_character, "working_directory") ==
          "contains a tab (U+0009) at character 5 (byte 5); Windows paths and rem comments cannot hold "
          "control characters");
    CHECK(error_of(minimal().command({"C:\\dir\\"}), errc::invalid_value, "command[0]") ==
          "the program path ends in '\\', which names a directory");
    CHECK(error_of(minimal().command({"python.exe"}), errc::relative_path, "command[0]") ==
          "must be an absolute Windows path (X:\\... or \\\\server\\share\\...), got \"python.exe\"");
    CHECK(error_of(minimal().command({"C:\\p.exe", "ok", "a\nb"}), errc::control_character, "command[2]") ==
          "contains a newline (U+000A) at character 2 (byte 2); a line break ends the batch-file line and "
          "the rest would run as a command");
    CHECK(error_of(minimal().command({"C:\\p.exe", "a\rb"}), errc::control_character, "command[1]") ==
          "contains a carriage return (U+000D) at character 2 (byte 2); a line break ends the batch-file "
          "line and the rest would run as a command");
    CHECK(error_of(minimal().command({"C:\\p.exe", "a\x1a"}), errc::control_character, "command[1]") ==
          "contains the control character U+001A at character 2 (byte 2); cmd.exe reads Ctrl-Z in a "
          "batch file as a line feed");
    CHECK(error_of(minimal().command({"C:\\p.exe", std::string("a\0b", 3)}), errc::control_character,
                   "command[1]") ==
          "contains a NUL character (U+0000) at character 2 (byte 2); a Windows command line and "
          "environment cannot carry a NUL");
    CHECK(error_of(minimal().command({"C:\\p.exe", "gr\xc3\xbc\xc3\x9f"}), errc::unrepresentable,
                   "command[1]") ==
          "contains the non-ASCII character U+00FC at character 3 (byte 3); cmd reads a batch file in the "
          "OEM code page, so only ASCII arrives exactly (pass an ASCII spelling, e.g. the 8.3 short path)");
    CHECK(error_of(minimal().command({"C:\\p.exe", "\xff"}), errc::invalid_utf8, "command[1]") ==
          "is not valid UTF-8: byte 0xFF at character 1 (byte 1) does not start a valid sequence");
    CHECK(error_of(minimal().environment("EMPTY", ""), errc::empty_value, "environment[EMPTY]") ==
          "the value is empty; cmd's `set NAME=` deletes the variable instead of setting it to \"\"");
    CHECK(error_of(minimal().environment("A-B", "x"), errc::invalid_name, "environment[A-B]") ==
          "variable name \"A-B\" has '-' at byte 2; names are ASCII letters, digits and '_', not starting "
          "with a digit");
    CHECK(error_of(minimal().environment("Path", "x").environment("PATH", "y"), errc::duplicate,
                   "environment[PATH]") ==
          "the variable is set twice (Windows names are case-insensitive: \"Path\" came first)");
    CHECK(error_of(minimal().environment("X", "a\nb"), errc::control_character, "environment[X]") ==
          "contains a newline (U+000A) at character 2 (byte 2); a line break ends the batch-file line and "
          "the rest would run as a command");
    CHECK(error_of(minimal().comment("see /? for help"), errc::unrepresentable, "comment") ==
          "contains \"/?\", which makes rem print its help");
    CHECK(error_of(minimal().comment("ends in ^"), errc::unrepresentable, "comment") ==
          "ends with '^', which continues the line in cmd");
}

TEST_CASE("read_cmd_script is the builder's inverse over the hostile corpus", "[windows][cmd][roundtrip]") {
    std::vector<std::string> values = hermes_test::hostile_arguments();
    for (const char* extra : {"^", "^^", "\"", "\\", "a\"\"b", "\"&\"", "%~1 %0 %*", "x\\\" & echo INJECTED",
                              "ctl\x01\x0b\x0c\x1b\x7f", "(", ")", "!x!", "1>nul", "&& echo x"})
        values.emplace_back(extra);
    std::size_t carried = 0;
    for (const std::string& v : values) {
        INFO("value: " << v);
        w::cmd_script_builder b;
        b.working_directory("C:\\work dir & (x) 100% ^ ! ' $ ;").command({"C:\\p.exe", v, "after"});
        if (!v.empty()) b.environment("HOSTILE", v);
        const auto text = b.build();
        REQUIRE(text.has_value() != refusable(v));
        if (!text) continue;
        ++carried;
        const auto back = w::read_cmd_script(*text);
        REQUIRE(back);
        CHECK(*back == b.script());
    }
    CHECK(carried ==
          values.size() - 5);  // refused: "new\nline", "cr\rx", "crlf\r\n" and two non-ASCII values
}

TEST_CASE("read_cmd_script refuses what cmd would not read back literally", "[windows][cmd][errors]") {
    const auto err = [](const std::string& text) {
        const auto r = w::read_cmd_script(text);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::parse_error);
        CHECK(r.error().field == "cmd_script");
        return r.error().message;
    };
    CHECK(err("@echo off\ncd /d C:\\\n") == "line 1: the last line does not end in CRLF");
    CHECK(err("@echo on\r\n") == "line 1: expected `@echo off`");
    CHECK(err("@echo off\r\nC:\\p.exe\r\n") == "line 2: expected `cd /d <directory>`");
    CHECK(err("@echo off\r\ncd /d C:\\\r\nset \"PYTHONPATH=C:\\x;%PYTHONPATH%\"\r\nC:\\p.exe\r\nexit /b "
              "0\r\n") ==
          "line 3: '%' at byte 22 expands a variable or parameter, which has no literal value");
    CHECK(err("@echo off\r\ncd /d C:\\\r\nC:\\p.exe a & b\r\nexit /b 0\r\n") ==
          "line 3: an unescaped '&' at byte 12 is a cmd operator");
    CHECK(err("@echo off\r\ncd /d C:\\\r\nC:\\p.exe\r\nexit\r\n") ==
          "line 4: expected `exit /b %ERRORLEVEL%` or `exit /b 0`");
    CHECK(err("@echo off\r\ncd /d C:\\\r\nC:\\p.exe\r\nexit /b 0\r\necho\r\n") ==
          "line 5: unexpected text after `exit /b`");
}

TEST_CASE("read_cmd_script reads upstream's launcher where it has a literal meaning", "[windows][cmd]") {
    // Upstream quotes by doubling '"' (and not for the CRT): a path with a space reads the same either way.
    const auto r = w::read_cmd_script(
        "@echo off\r\nrem Hermes\r\ncd /d \"C:\\Program Files\\x\"\r\nset \"HERMES_HOME=C:\\h\"\r\n"
        "\"C:\\Program Files\\py\\python.exe\" -m hermes_cli.main gateway run\r\nexit /b 0\r\n");
    REQUIRE(r);
    CHECK(r->comment == std::optional<std::string>("Hermes"));
    CHECK(r->working_directory == "C:\\Program Files\\x");
    CHECK(r->environment == std::vector<w::cmd_variable>{{"HERMES_HOME", "C:\\h"}});
    CHECK(r->command == std::vector<std::string>{"C:\\Program Files\\py\\python.exe", "-m", "hermes_cli.main",
                                                 "gateway", "run"});
    CHECK_FALSE(r->exit_with_command_status);
}
