// SPDX-License-Identifier: MIT
// A Windows batch launcher (.cmd) that changes to a working directory, sets variables and runs one
// program with an exact argv: every value quoted by the MS C runtime's rules and escaped for cmd.
#pragma once

#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/cmd_escape.hpp"   // put_cmd_path, put_cmd_argument, put_cmd_set, put_cmd_comment
#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"       // string_sink, field_ref, is_ascii_alpha
#include "../detail/text_buffer.hpp"  // text_buffer
#include "../error.hpp"               // result, make_error

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace windows {

/// One `set "NAME=value"` line of a launcher.
struct cmd_variable {
    std::string name;   ///< `[A-Za-z_][A-Za-z0-9_]*`
    std::string value;  ///< non-empty ASCII, no NUL, CR, LF or Ctrl-Z
};

/// Equal when name and value are.
[[nodiscard]] inline bool operator==(const cmd_variable& a, const cmd_variable& b) noexcept {
    return a.name == b.name && a.value == b.value;
}

/// What a launcher holds: what cmd_script_builder was given and read_cmd_script gives back.
struct cmd_script {
    std::optional<std::string> comment;     ///< the `rem` line, if any
    std::string working_directory;          ///< `cd /d` target
    std::vector<cmd_variable> environment;  ///< `set` lines, in order
    std::vector<std::string> command;       ///< argv, argv[0] the program's absolute path
    bool exit_with_command_status = true;   ///< `exit /b %ERRORLEVEL%` (else `exit /b 0`)
};

/// Equal when every part is.
[[nodiscard]] inline bool operator==(const cmd_script& a, const cmd_script& b) {
    return a.comment == b.comment && a.working_directory == b.working_directory &&
           a.environment == b.environment && a.command == b.command &&
           a.exit_with_command_status == b.exit_with_command_status;
}

namespace detail {
using namespace hermes::service::detail;

[[nodiscard]] constexpr char ascii_upper(char c) noexcept {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

/// Windows variable names are case-insensitive: `Path` and `PATH` are one variable.
[[nodiscard]] constexpr bool same_variable(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_upper(a[i]) != ascii_upper(b[i])) return false;
    return true;
}

}  // namespace detail

/// Builds a .cmd launcher: `@echo off`, `rem`, `cd /d`, `set` lines, the command, `exit /b`; CRLF.
class cmd_script_builder {
  public:
    /// The `cd /d` target (required): an absolute Windows path.
    cmd_script_builder& working_directory(std::string path) {
        script_.working_directory = std::move(path);
        return *this;
    }
    /// One `set "NAME=value"` line; a name given twice (case-insensitively) is an error at build().
    cmd_script_builder& environment(std::string name, std::string value) {
        script_.environment.push_back(cmd_variable{std::move(name), std::move(value)});
        return *this;
    }
    /// The program (absolute path) and its arguments (required).
    cmd_script_builder& command(std::vector<std::string> argv) {
        script_.command = std::move(argv);
        return *this;
    }
    /// true (default): `exit /b %ERRORLEVEL%`, the program's status; false: `exit /b 0`.
    cmd_script_builder& exit_with_command_status(bool value) {
        script_.exit_with_command_status = value;
        return *this;
    }
    /// A `rem` line after `@echo off` (printable ASCII).
    cmd_script_builder& comment(std::string text) {
        script_.comment = std::move(text);
        return *this;
    }

    /// The launcher text with CRLF line ends, or the first input it cannot carry exactly.
    [[nodiscard]] result<std::string> build() const {
        // Rendered into storage sized for the common case (few values need escapes).
        std::size_t expected = 64 + script_.working_directory.size();
        if (script_.comment) expected += script_.comment->size() + 8;
        for (const cmd_variable& v : script_.environment) expected += v.name.size() + v.value.size() + 12;
        for (const std::string& arg : script_.command) expected += arg.size() + 4;
        std::string out;
        detail::text_buffer sink(out, expected);
        if (auto ok = render(sink); !ok) return unexpected_error(std::move(ok.error()));
        sink.finish();
        return out;
    }

    /// What build() renders, as read_cmd_script gives it back.
    [[nodiscard]] const cmd_script& script() const noexcept { return script_; }

  private:
    cmd_script script_;

    template <class Sink>
    [[nodiscard]] detail::status render(Sink& sink) const {
        using namespace detail;
        if (script_.working_directory.empty())
            return make_error(errc::missing_field, "working_directory", "the `cd /d` target was never given");
        if (script_.command.empty())
            return make_error(errc::missing_field, "command", "the program to run was never given");
        sink.put("@echo off\r\n");
        if (script_.comment) {
            if (auto ok = put_cmd_comment(sink, *script_.comment, "comment"); !ok) return ok;
            sink.put("\r\n");
        }
        sink.put("cd /d ");
        if (auto ok = put_cmd_path(sink, script_.working_directory, "working_directory", false); !ok)
            return ok;
        sink.put("\r\n");
        for (std::size_t i = 0; i < script_.environment.size(); ++i) {
            const cmd_variable& v = script_.environment[i];
            const field_ref field("environment", v.name);
            for (std::size_t j = 0; j < i; ++j)
                if (same_variable(script_.environment[j].name, v.name))
                    return make_error(errc::duplicate, field,
                                      "the variable is set twice (Windows names are case-insensitive: \"" +
                                          printable(script_.environment[j].name) + "\" came first)");
            if (auto ok = put_cmd_set(sink, v.name, v.value, field); !ok) return ok;
            sink.put("\r\n");
        }
        if (auto ok = put_cmd_path(sink, script_.command[0], field_ref("command", std::size_t{0}), true); !ok)
            return ok;
        cmd_line_state state;
        for (std::size_t i = 1; i < script_.command.size(); ++i) {
            sink.put(' ');
            if (auto ok = put_cmd_argument(sink, script_.command[i], field_ref("command", i), state); !ok)
                return ok;
        }
        sink.put(script_.exit_with_command_status ? "\r\nexit /b %ERRORLEVEL%\r\n" : "\r\nexit /b 0\r\n");
        return {};
    }
};

}  // namespace windows
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
