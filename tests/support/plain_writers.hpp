// SPDX-License-Identifier: MIT
// Test-only: the s6, runit, OpenRC, cmd and Task Scheduler writers as they were before the issue 14 fast
// paths (commit 80335ad), each changed function renamed plain_*, each builder in namespace plain::<format>.
// tests/writer_fast_paths.cpp checks the fast writers against them. Generated; do not edit by hand.
#pragma once

#include <hermes/service/openrc/script.hpp>
#include <hermes/service/runit/service.hpp>
#include <hermes/service/s6/service.hpp>
#include <hermes/service/windows/cmd_script.hpp>
#include <hermes/service/windows/task.hpp>

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

template <class Sink>
[[nodiscard]] status plain_put_execline_word(Sink& sink, std::string_view value, const field_ref& field) {
    if (const std::size_t nul = value.find('\0'); nul != std::string_view::npos)
        return char_error(errc::control_character, field, value, nul, 0,
                          "a process argument, environment value or path cannot hold NUL");
    sink.put('"');
    std::size_t run = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '\\' && value[i] != '"') continue;
        sink.put(value.substr(run, i - run));
        sink.put('\\');
        run = i;
    }
    sink.put(value.substr(run));
    sink.put('"');
    return {};
}

/// An environment name execline's `export` can set: not empty, no `=`, no NUL.
[[nodiscard]] inline status plain_check_export_name(std::string_view name, const field_ref& field) {
    if (name.empty()) return make_error(errc::empty_value, std::string(field), "the variable name is empty");
    if (const std::size_t bad = name.find_first_of(std::string_view("=\0", 2)); bad != std::string_view::npos)
        return make_error(errc::invalid_name, std::string(field),
                          "variable name \"" + printable(name) + "\" has '" + printable(name.substr(bad, 1)) +
                              "' at byte " + std::to_string(bad + 1) + "; a name cannot hold '=' or NUL");
    return {};
}

template <class Sink>
[[nodiscard]] status plain_put_sh_word(Sink& sink, std::string_view value, const field_ref& field) {
    if (const std::size_t nul = value.find('\0'); nul != std::string_view::npos)
        return char_error(errc::control_character, field, value, nul, 0,
                          "a process argument, environment value or path cannot hold NUL");
    sink.put('\'');
    std::size_t run = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '\'') continue;
        sink.put(value.substr(run, i - run));
        sink.put("'\\''");
        run = i + 1;
    }
    sink.put(value.substr(run));
    sink.put('\'');
    return {};
}

template <class Sink>
[[nodiscard]] status plain_put_finish_script(Sink& sink, const finish_action& action, std::string_view stop,
                                             std::string_view key) {
    sink.put("#!/bin/sh\n");
    if (action.stop_exit_code) {
        sink.put("test \"$1\" = ");
        sink.put(std::to_string(*action.stop_exit_code));
        sink.put(" && ");
        sink.put(stop);
        sink.put('\n');
    }
    if (!action.argv.empty()) {
        sink.put("exec");
        for (std::size_t i = 0; i < action.argv.size(); ++i) {
            sink.put(' ');
            if (auto ok = plain_put_sh_word(sink, action.argv[i], field_ref(key, i)); !ok) return ok;
        }
        sink.put(" \"$@\"\n");
    }
    return {};
}

[[nodiscard]] inline status plain_check_cmd_text(std::string_view value, const field_ref& field,
                                                 bool controls_ok) {
    for (std::size_t pos = 0; pos < value.size(); ++pos) {
        const auto b = static_cast<unsigned char>(value[pos]);
        if (b >= 0x80) {
            std::size_t next = pos;
            const char32_t cp = decode_utf8(value, next);
            if (cp == invalid_code_point) return utf8_error(field, value, pos);
            return make_error(errc::unrepresentable, std::string(field),
                              "contains the non-ASCII character " + describe_code_point(cp) + " at " +
                                  describe_position(value, pos) +
                                  "; cmd reads a batch file in the OEM code page, so only ASCII arrives "
                                  "exactly (pass an ASCII spelling, e.g. the 8.3 short path)");
        }
        if (b == '\n' || b == '\r')
            return char_error(errc::control_character, field, value, pos, b,
                              "a line break ends the batch-file line and the rest would run as a command");
        if (b == 0)
            return char_error(errc::control_character, field, value, pos, b,
                              "a Windows command line and environment cannot carry a NUL");
        if (b == 0x1A)
            return char_error(errc::control_character, field, value, pos, b,
                              "cmd.exe reads Ctrl-Z in a batch file as a line feed");
        if ((b < 0x20 || b == 0x7F) && !controls_ok)
            return char_error(errc::control_character, field, value, pos, b,
                              "Windows paths and rem comments cannot hold control characters");
    }
    return {};
}

/// Writes `text` on a cmd line from `state`: `%` doubled; outside quotes `^` before `^ & | < > ( ) !`;
/// each `"` written as is and toggling the state (cmd's own rule, whatever the backslashes before it).
template <class Sink>
void plain_put_cmd_line_text(Sink& sink, std::string_view text, cmd_line_state& state) {
    for (const char c : text) {
        switch (c) {
            case '%': sink.put("%%"); continue;
            case '"':
                state.quoted = !state.quoted;
                sink.put('"');
                continue;
            case '^':
            case '&':
            case '|':
            case '<':
            case '>':
            case '(':
            case ')':
            case '!':
                if (!state.quoted) sink.put('^');
                sink.put(c);
                continue;
            default: sink.put(c);
        }
    }
}

/// Characters a Windows path written unquoted needs nothing for: letters, digits, `\ : . _ -`.
[[nodiscard]] constexpr bool plain_is_cmd_plain(char c) noexcept {
    return is_ascii_alnum(c) || c == '\\' || c == ':' || c == '.' || c == '_' || c == '-';
}

/// An absolute Windows path (`X:\...` or `\\server\share\...`) for `cd /d` or as the program: ASCII,
/// no `" * ? < > | /`, no `.`/`..` component, no component ending in a space or dot (Win32 strips
/// them). Written unquoted when every character is plain, else in `"..."` with `%` doubled.
/// `program`: a file, so not ending in `\`.
template <class Sink>
status plain_put_cmd_path(Sink& sink, std::string_view value, const field_ref& field, bool program) {
    if (value.empty()) return make_error(errc::empty_value, std::string(field), "the path is empty");
    if (auto ok = plain_check_cmd_text(value, field, /*controls_ok=*/false); !ok) return ok;
    const bool drive = value.size() >= 3 && is_ascii_alpha(value[0]) && value[1] == ':' && value[2] == '\\';
    const bool unc = value.size() >= 3 && value[0] == '\\' && value[1] == '\\' && value[2] != '\\';
    if (!drive && !unc)
        return make_error(errc::relative_path, std::string(field),
                          R"(must be an absolute Windows path (X:\... or \\server\share\...), got ")" +
                              printable(value) + "\"");
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '"' || c == '*' || c == '?' || c == '<' || c == '>' || c == '|' || c == '/' ||
            (c == ':' && i != 1))
            return make_error(errc::unrepresentable, std::string(field),
                              "contains '" + std::string(1, c) + "' at " + describe_position(value, i) +
                                  "; Windows paths cannot hold \" * ? < > | or ':' past the drive, and "
                                  "'/' must be written '\\'");
    }
    for (std::size_t start = drive ? 3 : 2; start < value.size();) {
        std::size_t end = value.find('\\', start);
        if (end == std::string_view::npos) end = value.size();
        const std::string_view part = value.substr(start, end - start);
        if (part == "." || part == "..")
            return make_error(errc::not_normalized, std::string(field),
                              "has a '" + std::string(part) + "' component at " +
                                  describe_position(value, start) + "; pass the resolved path");
        if (part.empty() && end != value.size())
            return make_error(errc::not_normalized, std::string(field),
                              R"(has an empty component ("\\") at )" + describe_position(value, start));
        if (!part.empty() && (part.back() == ' ' || part.back() == '.'))
            return make_error(errc::unrepresentable, std::string(field),
                              "has a component ending in '" + std::string(1, part.back()) + "' at " +
                                  describe_position(value, end - 1) +
                                  "; Windows strips trailing spaces and dots from path components");
        start = end + 1;
    }
    if (program && value.back() == '\\')
        return make_error(errc::invalid_value, std::string(field),
                          "the program path ends in '\\', which names a directory");
    bool plain = true;
    for (const char c : value) plain = plain && plain_is_cmd_plain(c);
    if (plain) {
        sink.put(value);
        return {};
    }
    cmd_line_state state;
    sink.put('"');
    state.quoted = true;
    plain_put_cmd_line_text(sink, value, state);
    sink.put('"');
    return {};
}

/// One program argument after the first: quoted by the MS C runtime's rules (as CommandLineToArgvW and
/// the CRT's argv read it back) and then escaped for cmd from `state` (plain_put_cmd_line_text).
/// ASCII (control characters but NUL, CR, LF and Ctrl-Z included).
template <class Sink>
status plain_put_cmd_argument(Sink& sink, std::string_view value, const field_ref& field,
                              cmd_line_state& state) {
    if (auto ok = plain_check_cmd_text(value, field, /*controls_ok=*/true); !ok) return ok;
    if (!value.empty() && value.find_first_of(" \t\"") == std::string_view::npos) {
        plain_put_cmd_line_text(sink, value, state);  // no quote: the CRT takes backslashes literally
        return {};
    }
    // CRT quoting: 2n+1 backslashes before a literal `"`, 2n before the closing quote, n elsewhere.
    std::string crt = "\"";
    std::size_t backslashes = 0;
    for (const char c : value) {
        if (c == '\\') {
            ++backslashes;
            continue;
        }
        crt.append(c == '"' ? 2 * backslashes + 1 : backslashes, '\\');
        backslashes = 0;
        crt.push_back(c);
    }
    crt.append(2 * backslashes, '\\');
    crt.push_back('"');
    plain_put_cmd_line_text(sink, crt, state);
    return {};
}

/// `set "NAME=value"`: NAME as in check_environment_name; the value non-empty (cmd's `set NAME=` deletes
/// the variable), ASCII as for arguments, escaped by plain_put_cmd_line_text from inside the quotes. cmd's
/// set drops the last `"` on the line and what follows it, so the value's own quotes are kept.
template <class Sink>
status plain_put_cmd_set(Sink& sink, std::string_view name, std::string_view value, const field_ref& field) {
    if (auto ok = check_environment_name(name, field); !ok) return ok;
    if (value.empty())
        return make_error(errc::empty_value, std::string(field),
                          "the value is empty; cmd's `set NAME=` deletes the variable instead of setting "
                          "it to \"\"");
    if (auto ok = plain_check_cmd_text(value, field, /*controls_ok=*/true); !ok) return ok;
    cmd_line_state state;
    sink.put("set \"");
    state.quoted = true;
    sink.put(name);
    sink.put('=');
    plain_put_cmd_line_text(sink, value, state);
    sink.put('"');
    return {};
}

/// A `rem` comment: printable ASCII, `%` doubled, not empty, not ending in `^` (a line continuation),
/// not holding `/?` (rem would print its help).
template <class Sink>
status plain_put_cmd_comment(Sink& sink, std::string_view value, const field_ref& field) {
    if (value.empty()) return make_error(errc::empty_value, std::string(field), "the comment is empty");
    if (auto ok = plain_check_cmd_text(value, field, /*controls_ok=*/false); !ok) return ok;
    if (value.back() == '^')
        return make_error(errc::unrepresentable, std::string(field),
                          "ends with '^', which continues the line in cmd");
    if (value.find("/?") != std::string_view::npos)
        return make_error(errc::unrepresentable, std::string(field),
                          "contains \"/?\", which makes rem print its help");
    sink.put("rem ");
    for (const char c : value) c == '%' ? sink.put("%%") : sink.put(c);
    return {};
}

[[nodiscard]] inline status plain_check_eval_token(std::string_view value, const field_ref& field) {
    if (value.empty()) return make_error(errc::empty_value, std::string(field), "the value is empty");
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (is_ascii_alnum(c) || std::string_view("_./:@%+,=-").find(c) != std::string_view::npos) continue;
        return make_error(errc::unrepresentable, std::string(field),
                          "\"" + printable(value) + "\" has '" + printable(value.substr(i, 1)) + "' at " +
                              describe_position(value, i) +
                              "; OpenRC splits, globs and evaluates this value (and uses it unevaluated on "
                              "stop), so only ASCII letters, digits and _./:@%+,=- are carried");
    }
    return {};
}

/// A service name in `need` or `after`: `[A-Za-z0-9][A-Za-z0-9_.+-]*`.
[[nodiscard]] inline status plain_check_openrc_service_name(std::string_view name, const field_ref& field) {
    if (name.empty()) return make_error(errc::empty_value, std::string(field), "the service name is empty");
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (is_ascii_alnum(c) || (i > 0 && (c == '_' || c == '.' || c == '+' || c == '-'))) continue;
        return name_error(field, name, i, "service names are ASCII letters, digits and _.+- (not first)");
    }
    return {};
}

/// The reference eval turns back into exactly the variable's value: `"$<prefix><name>"`.
template <class Sink>
void plain_put_eval_reference(Sink& sink, std::string_view name) {
    sink.put("\"$");
    sink.put(openrc_variable_prefix);
    sink.put(name);
    sink.put('"');
}

}  // namespace detail

namespace plain {

namespace s6 {
using namespace hermes::service::s6;
namespace detail {
using namespace hermes::service::detail;
using namespace hermes::service::s6::detail;
}  // namespace detail
class service_builder {
  public:
    /// The command and its arguments; argv[0] absolute (no PATH search).
    service_builder& exec(std::vector<std::string> argv) {
        exec_ = std::move(argv);
        return *this;
    }
    /// The directory to `cd` into before exec (absolute).
    service_builder& working_directory(std::string path) {
        working_directory_ = std::move(path);
        return *this;
    }
    /// Exports NAME=value to the service (in call order, PATH last); a name given twice is an error.
    service_builder& environment(std::string name, std::string value) {
        environment_.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    /// Runs the service as this account through s6-setuidgid; needs user_home() for HOME.
    service_builder& user(std::string name) {
        user_ = std::move(name);
        return *this;
    }
    /// The account's home directory, exported as HOME with USER and LOGNAME (s6-setuidgid sets none).
    service_builder& user_home(std::string path) {
        user_home_ = std::move(path);
        return *this;
    }
    /// Readiness: the service writes a newline to this descriptor (3 or more) when it is ready.
    service_builder& notification_fd(unsigned fd) {
        notification_fd_ = fd;
        return *this;
    }
    /// With true, a `down` file: the service is not started until `s6-svc -u`.
    service_builder& down(bool value) {
        down_ = value;
        return *this;
    }
    /// A finish command, run after each exit with s6's arguments (exit code, signal, ...) appended.
    service_builder& finish(std::vector<std::string> argv) {
        finish_ = std::move(argv);
        return *this;
    }
    /// After this exit status the finish script exits 125 and s6 keeps the service down.
    service_builder& permanent_failure_exit_code(int code) {
        permanent_failure_exit_code_ = code;
        return *this;
    }
    /// `timeout-kill`: SIGKILL this long after SIGTERM if the service is still running (at least 1 ms).
    service_builder& kill_timeout(std::chrono::milliseconds timeout) {
        kill_timeout_ = timeout;
        return *this;
    }

    /// The service directory's files (`run`, then `finish`, `notification-fd`, `timeout-kill`, `down`
    /// as set), or the first error with its field.
    [[nodiscard]] result<file_set> build() const {
        using detail::field_ref;
        if (!exec_) return make_error(errc::missing_field, "exec", "no command was given");
        if (auto ok = detail::check_command(*exec_, "exec"); !ok)
            return unexpected_error(std::move(ok.error()));
        if (working_directory_)
            if (auto ok = detail::check_directory(*working_directory_, "working_directory"); !ok)
                return unexpected_error(std::move(ok.error()));
        for (std::size_t i = 0; i < environment_.size(); ++i) {
            const std::string& name = environment_[i].first;
            if (auto ok = detail::plain_check_export_name(name, field_ref("environment", name)); !ok)
                return unexpected_error(std::move(ok.error()));
            for (std::size_t j = 0; j < i; ++j)
                if (environment_[j].first == name)
                    return make_error(errc::duplicate, field_ref("environment", name),
                                      "the variable is set twice");
            if (user_ && (name == "HOME" || name == "USER" || name == "LOGNAME"))
                return make_error(errc::duplicate, field_ref("environment", name),
                                  "user() exports HOME, USER and LOGNAME for the account");
        }
        if (user_) {
            if (auto ok = detail::check_account(*user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
            if (!user_home_)
                return make_error(errc::missing_field, "user_home",
                                  "user() needs the account's home: s6-setuidgid does not set HOME");
        }
        if (user_home_) {
            if (!user_)
                return make_error(errc::not_allowed, "user_home", "a home without user() has no account");
            if (auto ok = detail::check_directory(*user_home_, "user_home"); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        if (notification_fd_ && (*notification_fd_ < 3 || *notification_fd_ > INT_MAX))
            return make_error(errc::out_of_range, "notification_fd",
                              std::to_string(*notification_fd_) +
                                  " is not a free descriptor (3 or more; 0, 1, 2 are stdin, stdout, stderr)");
        if (finish_)
            if (auto ok = detail::check_command(*finish_, "finish"); !ok)
                return unexpected_error(std::move(ok.error()));
        if (permanent_failure_exit_code_)
            if (auto ok =
                    detail::check_exit_code(*permanent_failure_exit_code_, "permanent_failure_exit_code");
                !ok)
                return unexpected_error(std::move(ok.error()));
        if (kill_timeout_ && kill_timeout_->count() < 1)
            return make_error(errc::out_of_range, "kill_timeout",
                              std::to_string(kill_timeout_->count()) + " ms; give at least 1 ms");

        std::string run(run_shebang);
        detail::string_sink sink{&run};
        if (working_directory_) {
            run.append("cd ");
            if (auto ok = detail::plain_put_execline_word(sink, *working_directory_, "working_directory");
                !ok)
                return unexpected_error(std::move(ok.error()));
            run.push_back('\n');
        }
        const auto put_export = [&](std::string_view name, std::string_view value,
                                    const field_ref& field) -> detail::status {
            run.append("export ");
            if (auto ok = detail::plain_put_execline_word(sink, name, field); !ok) return ok;
            run.push_back(' ');
            if (auto ok = detail::plain_put_execline_word(sink, value, field); !ok) return ok;
            run.push_back('\n');
            return {};
        };
        // s6-setuidgid first and PATH last: each execline command is looked up on the PATH in effect.
        if (user_) {
            run.append("s6-setuidgid ");
            if (auto ok = detail::plain_put_execline_word(sink, *user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
            run.push_back('\n');
            if (auto ok = put_export("HOME", *user_home_, "user_home"); !ok)
                return unexpected_error(std::move(ok.error()));
            if (auto ok = put_export("USER", *user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
            if (auto ok = put_export("LOGNAME", *user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        for (const bool path_pass : {false, true})
            for (const auto& [name, value] : environment_)
                if ((name == "PATH") == path_pass)
                    if (auto ok = put_export(name, value, field_ref("environment", name)); !ok)
                        return unexpected_error(std::move(ok.error()));
        for (std::size_t i = 0; i < exec_->size(); ++i) {
            if (i > 0) run.push_back(' ');
            if (auto ok = detail::plain_put_execline_word(sink, (*exec_)[i], field_ref("exec", i)); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        run.push_back('\n');

        file_set files;
        files.push_back({"run", std::move(run), 0755});
        if (finish_ || permanent_failure_exit_code_) {
            std::string text;
            detail::string_sink finish_sink{&text};
            const detail::finish_action action{finish_ ? *finish_ : std::vector<std::string>{},
                                               permanent_failure_exit_code_};
            if (auto ok =
                    detail::plain_put_finish_script(finish_sink, action, permanent_failure_command, "finish");
                !ok)
                return unexpected_error(std::move(ok.error()));
            files.push_back({"finish", std::move(text), 0755});
        }
        if (notification_fd_)
            files.push_back({"notification-fd", std::to_string(*notification_fd_) + "\n", 0644});
        if (kill_timeout_)
            files.push_back({"timeout-kill", std::to_string(kill_timeout_->count()) + "\n", 0644});
        if (down_) files.push_back({"down", std::string(), 0644});
        return files;
    }

  private:
    std::optional<std::vector<std::string>> exec_;
    std::optional<std::string> working_directory_;
    std::vector<std::pair<std::string, std::string>> environment_;
    std::optional<std::string> user_;
    std::optional<std::string> user_home_;
    std::optional<unsigned> notification_fd_;
    bool down_ = false;
    std::optional<std::vector<std::string>> finish_;
    std::optional<int> permanent_failure_exit_code_;
    std::optional<std::chrono::milliseconds> kill_timeout_;
};

}  // namespace s6

namespace runit {
using namespace hermes::service::runit;
namespace detail {
using namespace hermes::service::detail;
using namespace hermes::service::runit::detail;
}  // namespace detail
class service_builder {
  public:
    /// The command and its arguments; argv[0] absolute (no PATH search).
    service_builder& exec(std::vector<std::string> argv) {
        exec_ = std::move(argv);
        return *this;
    }
    /// The directory to `cd` into before exec (absolute); the run script exits 111 if it cannot.
    service_builder& working_directory(std::string path) {
        working_directory_ = std::move(path);
        return *this;
    }
    /// Exports NAME=value in the run script (call order, PATH last); NAME a sh name, given once.
    service_builder& environment(std::string name, std::string value) {
        environment_.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    /// Runs the service as this account through `chpst -u`; needs user_home() for HOME.
    service_builder& user(std::string name) {
        user_ = std::move(name);
        return *this;
    }
    /// The account's home directory, exported as HOME with USER and LOGNAME (chpst sets none).
    service_builder& user_home(std::string path) {
        user_home_ = std::move(path);
        return *this;
    }
    /// runit has no readiness notification: build() refuses this setting (not_allowed).
    service_builder& notification_fd(unsigned fd) {
        notification_fd_ = fd;
        return *this;
    }
    /// With true, a `down` file: the service is not started until `sv up`.
    service_builder& down(bool value) {
        down_ = value;
        return *this;
    }
    /// A finish command, run after each exit with runsv's arguments (exit code, signal) appended.
    service_builder& finish(std::vector<std::string> argv) {
        finish_ = std::move(argv);
        return *this;
    }
    /// After this exit status the finish script runs `sv down .` and runsv keeps the service down.
    service_builder& permanent_failure_exit_code(int code) {
        permanent_failure_exit_code_ = code;
        return *this;
    }
    /// With true, stderr joins stdout and a `log/run` script runs svlogd into `log/main`.
    service_builder& log(bool value) {
        log_ = value;
        return *this;
    }

    /// The service directory's files (`run`, then `finish`, `down`, `log/run` as set), or the first
    /// error with its field.
    [[nodiscard]] result<file_set> build() const {
        using detail::field_ref;
        if (!exec_) return make_error(errc::missing_field, "exec", "no command was given");
        if (auto ok = detail::check_command(*exec_, "exec"); !ok)
            return unexpected_error(std::move(ok.error()));
        if (working_directory_)
            if (auto ok = detail::check_directory(*working_directory_, "working_directory"); !ok)
                return unexpected_error(std::move(ok.error()));
        for (std::size_t i = 0; i < environment_.size(); ++i) {
            const std::string& name = environment_[i].first;
            if (auto ok = detail::check_environment_name(name, field_ref("environment", name)); !ok)
                return unexpected_error(std::move(ok.error()));
            for (std::size_t j = 0; j < i; ++j)
                if (environment_[j].first == name)
                    return make_error(errc::duplicate, field_ref("environment", name),
                                      "the variable is set twice");
            if (user_ && (name == "HOME" || name == "USER" || name == "LOGNAME"))
                return make_error(errc::duplicate, field_ref("environment", name),
                                  "user() exports HOME, USER and LOGNAME for the account");
        }
        if (user_) {
            if (auto ok = detail::check_account(*user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
            if (!user_home_)
                return make_error(errc::missing_field, "user_home",
                                  "user() needs the account's home: chpst -u does not set HOME");
        }
        if (user_home_) {
            if (!user_)
                return make_error(errc::not_allowed, "user_home", "a home without user() has no account");
            if (auto ok = detail::check_directory(*user_home_, "user_home"); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        if (notification_fd_)
            return make_error(errc::not_allowed, "notification_fd",
                              "runit has no readiness notification (use s6 for notification-fd)");
        if (finish_)
            if (auto ok = detail::check_command(*finish_, "finish"); !ok)
                return unexpected_error(std::move(ok.error()));
        if (permanent_failure_exit_code_)
            if (auto ok =
                    detail::check_exit_code(*permanent_failure_exit_code_, "permanent_failure_exit_code");
                !ok)
                return unexpected_error(std::move(ok.error()));

        std::string run(run_shebang);
        detail::string_sink sink{&run};
        if (log_) run.append("exec 2>&1\n");
        if (working_directory_) {
            run.append("cd ");
            if (auto ok = detail::plain_put_sh_word(sink, *working_directory_, "working_directory"); !ok)
                return unexpected_error(std::move(ok.error()));
            run.append(" || exit ").append(std::to_string(chdir_failure_exit_code)).push_back('\n');
        }
        const auto put_export = [&](std::string_view name, std::string_view value,
                                    const field_ref& field) -> detail::status {
            run.append("export ").append(name).push_back('=');
            if (auto ok = detail::plain_put_sh_word(sink, value, field); !ok) return ok;
            run.push_back('\n');
            return {};
        };
        if (user_) {
            if (auto ok = put_export("HOME", *user_home_, "user_home"); !ok)
                return unexpected_error(std::move(ok.error()));
            if (auto ok = put_export("USER", *user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
            if (auto ok = put_export("LOGNAME", *user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        for (const bool path_pass : {false, true})
            for (const auto& [name, value] : environment_)
                if ((name == "PATH") == path_pass)
                    if (auto ok = put_export(name, value, field_ref("environment", name)); !ok)
                        return unexpected_error(std::move(ok.error()));
        run.append("exec");
        if (user_) {
            run.append(" chpst -u ");
            if (auto ok = detail::plain_put_sh_word(sink, *user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        for (std::size_t i = 0; i < exec_->size(); ++i) {
            run.push_back(' ');
            if (auto ok = detail::plain_put_sh_word(sink, (*exec_)[i], field_ref("exec", i)); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        run.push_back('\n');

        file_set files;
        files.push_back({"run", std::move(run), 0755});
        if (finish_ || permanent_failure_exit_code_) {
            std::string text;
            detail::string_sink finish_sink{&text};
            const detail::finish_action action{finish_ ? *finish_ : std::vector<std::string>{},
                                               permanent_failure_exit_code_};
            if (auto ok =
                    detail::plain_put_finish_script(finish_sink, action, permanent_failure_command, "finish");
                !ok)
                return unexpected_error(std::move(ok.error()));
            files.push_back({"finish", std::move(text), 0755});
        }
        if (down_) files.push_back({"down", std::string(), 0644});
        if (log_) files.push_back({"log/run", std::string(log_run_script), 0755});
        return files;
    }

  private:
    std::optional<std::vector<std::string>> exec_;
    std::optional<std::string> working_directory_;
    std::vector<std::pair<std::string, std::string>> environment_;
    std::optional<std::string> user_;
    std::optional<std::string> user_home_;
    std::optional<unsigned> notification_fd_;
    bool down_ = false;
    std::optional<std::vector<std::string>> finish_;
    std::optional<int> permanent_failure_exit_code_;
    bool log_ = false;
};

}  // namespace runit

namespace openrc {
using namespace hermes::service::openrc;
namespace detail {
using namespace hermes::service::detail;
using namespace hermes::service::openrc::detail;

/// `user` or `user:group`, each a user or group name, written as a plain eval token.
[[nodiscard]] inline status plain_check_command_user(std::string_view value, const field_ref& field) {
    const std::size_t colon = value.find(':');
    if (auto ok = check_user_name(value.substr(0, colon), field); !ok) return ok;
    if (colon != std::string_view::npos)
        if (auto ok = check_user_name(value.substr(colon + 1), field); !ok) return ok;
    return plain_check_eval_token(value, field);
}

}  // namespace detail
class script_builder {
  public:
    /// `description`, shown by `rc-service NAME describe`.
    script_builder& description(std::string text) {
        description_ = std::move(text);
        return *this;
    }
    /// The command and its arguments (`command`, `command_args`); argv[0] absolute.
    script_builder& command(std::vector<std::string> argv) {
        command_ = std::move(argv);
        return *this;
    }
    /// The directory supervise-daemon changes into (`directory`, absolute).
    script_builder& directory(std::string path) {
        directory_ = std::move(path);
        return *this;
    }
    /// `command_user`: `user` or `user:group`; supervise-daemon sets HOME, USER and LOGNAME from it.
    script_builder& command_user(std::string value) {
        command_user_ = std::move(value);
        return *this;
    }
    /// Sets NAME=value for the command only, through `/usr/bin/env` (call order); NAME a sh name.
    script_builder& environment(std::string name, std::string value) {
        environment_.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    /// `respawn_delay`: seconds supervise-daemon waits before restarting the command.
    script_builder& respawn_delay(std::chrono::seconds delay) {
        respawn_delay_ = delay;
        return *this;
    }
    /// `respawn_max`: restarts allowed per respawn period; 0 is unlimited.
    script_builder& respawn_max(unsigned count) {
        respawn_max_ = count;
        return *this;
    }
    /// `pidfile` of supervise-daemon (absolute; only ASCII letters, digits and _./:@%+,=-).
    script_builder& pidfile(std::string path) {
        pidfile_ = std::move(path);
        return *this;
    }
    /// `retry=SIGTERM/<seconds>/SIGKILL/5`: how long stop waits before killing.
    script_builder& stop_timeout(std::chrono::seconds timeout) {
        stop_timeout_ = timeout;
        return *this;
    }
    /// A service this one needs (`need` in depend()).
    script_builder& need(std::string service) {
        need_.push_back(std::move(service));
        return *this;
    }
    /// A service this one starts after when both start (`after` in depend()).
    script_builder& after(std::string service) {
        after_.push_back(std::move(service));
        return *this;
    }

    /// The script, or the first error with its field.
    [[nodiscard]] result<std::string> build() const {
        using detail::field_ref;
        if (!command_) return make_error(errc::missing_field, "command", "no command was given");
        if (command_->empty())
            return make_error(errc::empty_value, "command",
                              "the command line is empty; give at least the executable");
        if (command_->front().empty())
            return make_error(errc::empty_value, field_ref("command", std::size_t{0}),
                              "the executable is empty");
        if (command_->front().front() != '/')
            return make_error(
                errc::relative_path, field_ref("command", std::size_t{0}),
                "must be an absolute path, got \"" + detail::printable(command_->front()) + "\"");
        if (!environment_.empty() && command_->front().find('=') != std::string::npos)
            return make_error(errc::unrepresentable, field_ref("command", std::size_t{0}),
                              "\"" + detail::printable(command_->front()) +
                                  "\" contains '='; env would read it as a variable assignment");
        if (directory_) {
            if (directory_->empty()) return make_error(errc::empty_value, "directory", "the path is empty");
            if (directory_->front() != '/')
                return make_error(errc::relative_path, "directory",
                                  "must be an absolute path, got \"" + detail::printable(*directory_) + "\"");
        }
        if (command_user_)
            if (auto ok = detail::plain_check_command_user(*command_user_, "command_user"); !ok)
                return unexpected_error(std::move(ok.error()));
        for (std::size_t i = 0; i < environment_.size(); ++i) {
            const std::string& name = environment_[i].first;
            if (auto ok = detail::check_environment_name(name, field_ref("environment", name)); !ok)
                return unexpected_error(std::move(ok.error()));
            for (std::size_t j = 0; j < i; ++j)
                if (environment_[j].first == name)
                    return make_error(errc::duplicate, field_ref("environment", name),
                                      "the variable is set twice");
        }
        if (respawn_delay_ && respawn_delay_->count() < 0)
            return make_error(errc::out_of_range, "respawn_delay",
                              std::to_string(respawn_delay_->count()) + " seconds is negative");
        if (pidfile_) {
            if (auto ok = detail::plain_check_eval_token(*pidfile_, "pidfile"); !ok)
                return unexpected_error(std::move(ok.error()));
            if (pidfile_->front() != '/')
                return make_error(errc::relative_path, "pidfile",
                                  "must be an absolute path, got \"" + *pidfile_ + "\"");
        }
        if (stop_timeout_ && stop_timeout_->count() < 1)
            return make_error(errc::out_of_range, "stop_timeout",
                              std::to_string(stop_timeout_->count()) + " seconds; give at least 1");
        for (std::size_t i = 0; i < need_.size(); ++i)
            if (auto ok = detail::plain_check_openrc_service_name(need_[i], field_ref("need", i)); !ok)
                return unexpected_error(std::move(ok.error()));
        for (std::size_t i = 0; i < after_.size(); ++i)
            if (auto ok = detail::plain_check_openrc_service_name(after_[i], field_ref("after", i)); !ok)
                return unexpected_error(std::move(ok.error()));

        std::string out(shebang);
        detail::string_sink sink{&out};
        const auto assign = [&](std::string_view name, std::string_view value,
                                const field_ref& field) -> detail::status {
            out.append(name).push_back('=');
            if (auto ok = detail::plain_put_sh_word(sink, value, field); !ok) return ok;
            out.push_back('\n');
            return {};
        };
        const auto assign_variable = [&](std::string_view name, std::string_view value,
                                         const field_ref& field) -> detail::status {
            out.append(detail::openrc_variable_prefix);
            return assign(name, value, field);
        };
        if (description_)
            if (auto ok = assign("description", *description_, "description"); !ok)
                return unexpected_error(std::move(ok.error()));
        out.append("supervisor=supervise-daemon\n");
        // Each value the eval re-reads in a variable of its own; the eval'd settings refer to them.
        // Each value the eval re-reads in a variable of its own; the eval'd settings refer to them.
        for (std::size_t i = 0; i < environment_.size(); ++i) {
            const auto& [name, value] = environment_[i];
            std::string assignment = name;
            assignment.append("=").append(value);
            if (auto ok = assign_variable("env" + std::to_string(i + 1), assignment,
                                          field_ref("environment", name));
                !ok)
                return unexpected_error(std::move(ok.error()));
        }
        if (auto ok = assign_variable("cmd", command_->front(), field_ref("command", std::size_t{0})); !ok)
            return unexpected_error(std::move(ok.error()));
        for (std::size_t i = 1; i < command_->size(); ++i)
            if (auto ok = assign_variable("arg" + std::to_string(i), (*command_)[i], field_ref("command", i));
                !ok)
                return unexpected_error(std::move(ok.error()));
        if (directory_)
            if (auto ok = assign_variable("dir", *directory_, "directory"); !ok)
                return unexpected_error(std::move(ok.error()));
        if (environment_.empty()) {
            out.append("command='");
            detail::plain_put_eval_reference(sink, "cmd");
            out.append("'\n");
        } else {
            out.append("command=").append(env_command).push_back('\n');
        }
        if (command_->size() > 1 || !environment_.empty()) {
            out.append("command_args='");
            bool first = true;
            const auto ref = [&](const std::string& var) {
                if (!first) out.push_back(' ');
                first = false;
                detail::plain_put_eval_reference(sink, var);
            };
            for (std::size_t i = 0; i < environment_.size(); ++i) ref("env" + std::to_string(i + 1));
            if (!environment_.empty()) ref("cmd");
            for (std::size_t i = 1; i < command_->size(); ++i) ref("arg" + std::to_string(i));
            out.append("'\n");
        }
        if (directory_) {
            out.append("directory='");
            detail::plain_put_eval_reference(sink, "dir");
            out.append("'\n");
        }
        if (command_user_) out.append("command_user=").append(*command_user_).push_back('\n');
        if (pidfile_) out.append("pidfile=").append(*pidfile_).push_back('\n');
        if (respawn_delay_)
            out.append("respawn_delay=").append(std::to_string(respawn_delay_->count())).push_back('\n');
        if (respawn_max_) out.append("respawn_max=").append(std::to_string(*respawn_max_)).push_back('\n');
        if (stop_timeout_)
            out.append("retry=SIGTERM/")
                .append(std::to_string(stop_timeout_->count()))
                .append("/SIGKILL/")
                .append(std::to_string(kill_grace_seconds))
                .push_back('\n');
        out.append("\ndepend() {\n");
        if (!need_.empty()) {
            out.append("\tneed");
            for (const std::string& n : need_) out.append(" ").append(n);
            out.push_back('\n');
        }
        if (!after_.empty()) {
            out.append("\tafter");
            for (const std::string& n : after_) out.append(" ").append(n);
            out.push_back('\n');
        }
        out.append("\t:\n}\n");
        return out;
    }

  private:
    std::optional<std::string> description_;
    std::optional<std::vector<std::string>> command_;
    std::optional<std::string> directory_;
    std::optional<std::string> command_user_;
    std::vector<std::pair<std::string, std::string>> environment_;
    std::optional<std::chrono::seconds> respawn_delay_;
    std::optional<unsigned> respawn_max_;
    std::optional<std::string> pidfile_;
    std::optional<std::chrono::seconds> stop_timeout_;
    std::vector<std::string> need_;
    std::vector<std::string> after_;
};

}  // namespace openrc

namespace windows {
using namespace hermes::service::windows;
namespace detail {
using namespace hermes::service::detail;
using namespace hermes::service::windows::detail;
}  // namespace detail
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
        std::string out;
        detail::string_sink sink{&out};
        if (auto ok = render(sink); !ok) return unexpected_error(std::move(ok.error()));
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
            if (auto ok = plain_put_cmd_comment(sink, *script_.comment, "comment"); !ok) return ok;
            sink.put("\r\n");
        }
        sink.put("cd /d ");
        if (auto ok = plain_put_cmd_path(sink, script_.working_directory, "working_directory", false); !ok)
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
            if (auto ok = plain_put_cmd_set(sink, v.name, v.value, field); !ok) return ok;
            sink.put("\r\n");
        }
        if (auto ok =
                plain_put_cmd_path(sink, script_.command[0], field_ref("command", std::size_t{0}), true);
            !ok)
            return ok;
        cmd_line_state state;
        for (std::size_t i = 1; i < script_.command.size(); ++i) {
            sink.put(' ');
            if (auto ok = plain_put_cmd_argument(sink, script_.command[i], field_ref("command", i), state);
                !ok)
                return ok;
        }
        sink.put(script_.exit_with_command_status ? "\r\nexit /b %ERRORLEVEL%\r\n" : "\r\nexit /b 0\r\n");
        return {};
    }
};

}  // namespace windows

namespace windows {
[[nodiscard]] inline std::string plain_to_utf16le_with_bom(std::string_view utf8) {
    std::string out = "\xFF\xFE";
    out.reserve(2 + 2 * utf8.size());
    const auto put_unit = [&out](unsigned unit) {
        out.push_back(static_cast<char>(unit & 0xFFU));
        out.push_back(static_cast<char>(unit >> 8));
    };
    for (std::size_t pos = 0; pos < utf8.size();) {
        char32_t cp = hermes::service::detail::decode_utf8(utf8, pos);
        if (cp == hermes::service::detail::invalid_code_point) cp = 0xFFFD;  // decode_utf8 moved one byte on
        if (cp >= 0x10000) {
            const auto v = static_cast<unsigned>(cp - 0x10000);
            put_unit(0xD800U + (v >> 10));
            put_unit(0xDC00U + (v & 0x3FFU));
        } else {
            put_unit(static_cast<unsigned>(cp));
        }
    }
    return out;
}

}  // namespace windows

namespace windows {
using namespace hermes::service::windows;
namespace detail {
using namespace hermes::service::detail;
using namespace hermes::service::windows::detail;

/// An XML duration for a number of seconds: `PT0S`, `PT30S`, `PT1M`, `P3D`, `P1DT2H3M4S`.
[[nodiscard]] inline std::string plain_format_task_duration(std::chrono::seconds span) {
    auto s = static_cast<unsigned long long>(span.count());
    if (s == 0) return "PT0S";
    std::string out = "P";
    if (s >= 86400) out.append(std::to_string(s / 86400)).push_back('D');
    s %= 86400;
    if (s == 0) return out;
    out.push_back('T');
    if (s >= 3600) out.append(std::to_string(s / 3600)).push_back('H');
    if (s % 3600 >= 60) out.append(std::to_string(s % 3600 / 60)).push_back('M');
    if (s % 60 != 0) out.append(std::to_string(s % 60)).push_back('S');
    return out;
}

/// Task Scheduler expands `%NAME%` in an Exec action's Command, Arguments and WorkingDirectory, so a
/// `%` has no literal spelling there.
[[nodiscard]] inline status plain_check_task_action_text(std::string_view value, const field_ref& field) {
    if (const std::size_t at = value.find('%'); at != std::string_view::npos)
        return make_error(errc::unrepresentable, std::string(field),
                          "contains '%' at " + describe_position(value, at) +
                              "; Task Scheduler expands %NAME% in Exec actions and has no escape for it");
    for (std::size_t pos = 0; pos < value.size(); ++pos) {
        const auto b = static_cast<unsigned char>(value[pos]);
        if (b < 0x20)
            return char_error(errc::control_character, field, value, pos, b,
                              "a command line in a task action cannot carry it");
    }
    return {};
}

}  // namespace detail
class task_builder {
  public:
    /// RegistrationInfo/Description.
    task_builder& description(std::string text) {
        task_.description = std::move(text);
        return *this;
    }
    /// RegistrationInfo/Author.
    task_builder& author(std::string text) {
        task_.author = std::move(text);
        return *this;
    }
    /// A LogonTrigger firing `delay` after the logon.
    task_builder& logon_trigger(std::chrono::seconds delay) {
        task_.logon_delay = delay;
        return *this;
    }
    /// Principal/UserId, e.g. `DOMAIN\user`.
    task_builder& user_id(std::string id) {
        task_.user_id = std::move(id);
        return *this;
    }
    /// Principal/RunLevel (default least_privilege).
    task_builder& run_level(windows::run_level level) {
        task_.run_level = level;
        return *this;
    }
    /// Settings/MultipleInstancesPolicy (default ignore_new).
    task_builder& multiple_instances_policy(instances_policy policy) {
        task_.multiple_instances_policy = policy;
        return *this;
    }
    /// Settings/ExecutionTimeLimit; 0 means no limit (default 72 hours).
    task_builder& execution_time_limit(std::chrono::seconds limit) {
        task_.execution_time_limit = limit;
        return *this;
    }
    /// Settings/RestartOnFailure: retry every `interval` (1 minute..31 days), at most `count` (1..255) times.
    task_builder& restart_on_failure(std::chrono::seconds interval, unsigned count) {
        task_.restart_on_failure = restart_policy{interval, count};
        return *this;
    }
    /// Settings/Priority, 0..10 (default 7).
    task_builder& priority(unsigned value) {
        task_.priority = value;
        return *this;
    }
    /// Actions/Exec (required): the program, its command-line tail and working directory (both optional).
    task_builder& action(std::string command, std::string arguments = {},
                         std::string working_directory = {}) {
        task_.action = task_action{std::move(command), std::move(arguments), std::move(working_directory)};
        return *this;
    }

    /// The task XML, or the first setting it cannot carry exactly.
    [[nodiscard]] result<std::string> build() const {
        std::string out;
        detail::string_sink sink{&out};
        if (auto ok = render(sink); !ok) return unexpected_error(std::move(ok.error()));
        return out;
    }

    /// What build() renders, as read_task gives it back.
    [[nodiscard]] const windows::task& definition() const noexcept { return task_; }

  private:
    windows::task task_;

    template <class Sink>
    [[nodiscard]] detail::status element(Sink& sink, std::string_view indent, std::string_view name,
                                         std::string_view value, std::string_view field) const {
        if (value.empty()) return make_error(errc::empty_value, std::string(field), "the value is empty");
        sink.put(indent);
        sink.put('<');
        sink.put(name);
        sink.put('>');
        if (auto ok = detail::put_xml_text(sink, value, field, /*escape_quotes=*/false); !ok) return ok;
        sink.put("</");
        sink.put(name);
        sink.put(">\n");
        return {};
    }

    template <class Sink>
    [[nodiscard]] detail::status render(Sink& sink) const {
        using namespace std::chrono_literals;
        const windows::task& t = task_;
        if (t.action.command.empty())
            return make_error(errc::missing_field, "action.command", "the program to run was never given");
        if (t.logon_delay && t.logon_delay->count() < 0)
            return make_error(errc::out_of_range, "logon_trigger", "the delay is negative");
        if (t.execution_time_limit.count() < 0)
            return make_error(errc::out_of_range, "execution_time_limit", "the limit is negative");
        if (t.priority > 10)
            return make_error(errc::out_of_range, "priority",
                              std::to_string(t.priority) + " is above 10 (priorities are 0..10)");
        if (t.restart_on_failure) {
            const restart_policy& r = *t.restart_on_failure;
            if (r.interval < 60s || r.interval > 31 * 24h)
                return make_error(
                    errc::out_of_range, "restart_on_failure.interval",
                    std::to_string(r.interval.count()) + " seconds is outside the schema's PT1M..P31D");
            if (r.count < 1 || r.count > 255)
                return make_error(errc::out_of_range, "restart_on_failure.count",
                                  std::to_string(r.count) + " is outside the schema's 1..255 (unsignedByte)");
        }
        for (const auto& [value, field] :
             {std::pair{std::string_view(t.action.command), "action.command"},
              std::pair{std::string_view(t.action.arguments), "action.arguments"},
              std::pair{std::string_view(t.action.working_directory), "action.working_directory"}})
            if (auto ok = detail::plain_check_task_action_text(value, field); !ok) return ok;

        sink.put("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<Task version=\"1.2\" xmlns=\"");
        sink.put(task_namespace);
        sink.put("\">\n  <RegistrationInfo>\n");
        if (t.author)
            if (auto ok = element(sink, "    ", "Author", *t.author, "author"); !ok) return ok;
        if (t.description)
            if (auto ok = element(sink, "    ", "Description", *t.description, "description"); !ok) return ok;
        sink.put("  </RegistrationInfo>\n");
        if (t.logon_delay) {
            sink.put("  <Triggers>\n    <LogonTrigger>\n      <Enabled>true</Enabled>\n      <Delay>");
            sink.put(detail::plain_format_task_duration(*t.logon_delay));
            sink.put("</Delay>\n    </LogonTrigger>\n  </Triggers>\n");
        }
        sink.put("  <Principals>\n    <Principal id=\"Author\">\n");
        if (t.user_id)
            if (auto ok = element(sink, "      ", "UserId", *t.user_id, "user_id"); !ok) return ok;
        sink.put("      <LogonType>InteractiveToken</LogonType>\n      <RunLevel>");
        sink.put(to_string(t.run_level));
        sink.put(
            "</RunLevel>\n    </Principal>\n  </Principals>\n  <Settings>\n    <MultipleInstancesPolicy>");
        sink.put(to_string(t.multiple_instances_policy));
        sink.put(
            "</MultipleInstancesPolicy>\n"
            "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
            "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n"
            "    <AllowHardTerminate>true</AllowHardTerminate>\n"
            "    <StartWhenAvailable>true</StartWhenAvailable>\n"
            "    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>\n"
            "    <IdleSettings>\n"
            "      <StopOnIdleEnd>false</StopOnIdleEnd>\n"
            "      <RestartOnIdle>false</RestartOnIdle>\n"
            "    </IdleSettings>\n"
            "    <AllowStartOnDemand>true</AllowStartOnDemand>\n"
            "    <Enabled>true</Enabled>\n"
            "    <Hidden>false</Hidden>\n"
            "    <RunOnlyIfIdle>false</RunOnlyIfIdle>\n"
            "    <WakeToRun>false</WakeToRun>\n"
            "    <ExecutionTimeLimit>");
        sink.put(detail::plain_format_task_duration(t.execution_time_limit));
        sink.put("</ExecutionTimeLimit>\n    <Priority>");
        sink.put(std::to_string(t.priority));
        sink.put("</Priority>\n");
        if (t.restart_on_failure) {
            sink.put("    <RestartOnFailure>\n      <Interval>");
            sink.put(detail::plain_format_task_duration(t.restart_on_failure->interval));
            sink.put("</Interval>\n      <Count>");
            sink.put(std::to_string(t.restart_on_failure->count));
            sink.put("</Count>\n    </RestartOnFailure>\n");
        }
        sink.put("  </Settings>\n  <Actions Context=\"Author\">\n    <Exec>\n");
        if (auto ok = element(sink, "      ", "Command", t.action.command, "action.command"); !ok) return ok;
        if (!t.action.arguments.empty())
            if (auto ok = element(sink, "      ", "Arguments", t.action.arguments, "action.arguments"); !ok)
                return ok;
        if (!t.action.working_directory.empty())
            if (auto ok = element(sink, "      ", "WorkingDirectory", t.action.working_directory,
                                  "action.working_directory");
                !ok)
                return ok;
        sink.put("    </Exec>\n  </Actions>\n</Task>\n");
        return {};
    }
};

}  // namespace windows

}  // namespace plain
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
