// SPDX-License-Identifier: MIT
// What the s6 and runit writers share: the checks of commands, directories and accounts, and the
// `finish` script both supervisors run after the service exits (a `#!/bin/sh` script that can keep the
// service down after one exit status, then runs a command with the supervisor's own arguments).
// Internal: not part of the API.
#pragma once

#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move, std::pair
#include <vector>       // std::vector

#include "../error.hpp"  // result, make_error
#include "config.hpp"    // HERMES_SERVICE_ABI_NAMESPACE
#include "escape.hpp"    // status, field_ref, check_user_name, printable
#include "sh.hpp"        // put_sh_word, lex_sh, split_sh_lines

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

/// What a finish script does.
struct finish_action {
    std::vector<std::string> argv;      ///< run with the supervisor's arguments appended; empty: none
    std::optional<int> stop_exit_code;  ///< after this exit status the service stays down
};

/// Checks a command line given to a script writer: not empty, an absolute executable.
[[nodiscard]] inline status check_command(const std::vector<std::string>& argv, std::string_view key) {
    if (argv.empty())
        return make_error(errc::empty_value, std::string(key),
                          "the command line is empty; give at least the executable");
    if (argv.front().empty())
        return make_error(errc::empty_value, field_ref(key, std::size_t{0}), "the executable is empty");
    if (argv.front().front() != '/')
        return make_error(errc::relative_path, field_ref(key, std::size_t{0}),
                          "must be an absolute path, got \"" + printable(argv.front()) + "\"");
    return {};
}

/// An account s6-setuidgid or chpst -u looks up by name (a numeric id is read as a name there).
[[nodiscard]] inline status check_account(std::string_view name, const field_ref& field) {
    if (auto ok = check_user_name(name, field); !ok) return ok;
    if (name.find_first_not_of("0123456789") == std::string_view::npos)
        return make_error(errc::invalid_name, std::string(field),
                          "\"" + std::string(name) + "\" is numeric; the account is looked up by name");
    return {};
}

/// An absolute directory for `cd` or HOME: not empty, starting with `/` (NUL is refused by the word).
[[nodiscard]] inline status check_directory(std::string_view path, const field_ref& field) {
    if (path.empty()) return make_error(errc::empty_value, std::string(field), "the path is empty");
    if (path.front() != '/')
        return make_error(errc::relative_path, std::string(field),
                          "must be an absolute path, got \"" + printable(path) + "\"");
    return {};
}

/// Checks an exit status a finish script tests: 0..255.
[[nodiscard]] inline status check_exit_code(int code, std::string_view key) {
    if (code < 0 || code > 255)
        return make_error(errc::out_of_range, std::string(key),
                          std::to_string(code) + " is not an exit status (0..255)");
    return {};
}

/// HOME, USER and LOGNAME: what the s6 and runit builders' user() exports itself.
[[nodiscard]] inline bool is_account_variable(std::string_view name) noexcept {
    return name == "HOME" || name == "USER" || name == "LOGNAME";
}

/// The bytes of a finish argv as a script spells it (each word quoted, a space apart), for sizing.
[[nodiscard]] inline std::size_t finish_argv_size(
    const std::optional<std::vector<std::string>>& argv) noexcept {
    std::size_t n = 0;
    if (argv)
        for (const std::string& arg : *argv) n += arg.size() + 3;
    return n;
}

/// Calls `put(name, value, field)` for each variable in order, PATH last: a supervisor's run script looks
/// up every later command on the PATH in effect. Names are unique (the builders check); stops at the
/// first error. Shared by the s6 (execline `export`) and runit (sh `export`) run scripts.
template <class Put>
[[nodiscard]] status put_environment_path_last(
    const std::vector<std::pair<std::string, std::string>>& environment, Put&& put) {
    const std::pair<std::string, std::string>* path = nullptr;
    for (const auto& variable : environment) {
        if (std::string_view(variable.first) == "PATH") {
            path = &variable;
            continue;
        }
        if (auto ok = put(variable.first, variable.second, field_ref("environment", variable.first)); !ok)
            return ok;
    }
    if (path != nullptr) return put(path->first, path->second, field_ref("environment", path->first));
    return {};
}

/// `#!/bin/sh`, then `test "$1" = N && <stop>` when a stop status is set, then `exec ARGV... "$@"`
/// when a command is set (`argv` may be null: none). `stop` is trusted text (e.g. `exit 125`); `key`
/// names argv in errors. Takes the parts, so a builder need not copy its argv into a finish_action.
template <class Sink>
[[nodiscard]] status put_finish_script(Sink& sink, const std::vector<std::string>* argv,
                                       std::optional<int> stop_exit_code, std::string_view stop,
                                       std::string_view key) {
    sink.put("#!/bin/sh\n");
    if (stop_exit_code) {
        sink.put("test \"$1\" = ");
        sink.put(std::to_string(*stop_exit_code));
        sink.put(" && ");
        sink.put(stop);
        sink.put('\n');
    }
    if (argv != nullptr && !argv->empty()) {
        sink.put("exec");
        for (std::size_t i = 0; i < argv->size(); ++i) {
            sink.put(' ');
            if (auto ok = put_sh_word(sink, (*argv)[i], field_ref(key, i)); !ok) return ok;
        }
        sink.put(" \"$@\"\n");
    }
    return {};
}

/// put_finish_script for a finish_action.
template <class Sink>
[[nodiscard]] status put_finish_script(Sink& sink, const finish_action& action, std::string_view stop,
                                       std::string_view key) {
    return put_finish_script(sink, &action.argv, action.stop_exit_code, stop, key);
}

/// Stand-ins for `"$1"` and `"$@"` while reading: NUL never occurs in a lexed script.
inline const std::string finish_arg1_marker(
    std::string_view("\0"
                     "1",
                     2));
inline const std::string finish_args_marker(
    std::string_view("\0"
                     "@",
                     2));

/// put_finish_script's inverse: the action of a finish script written with the same `stop` text.
[[nodiscard]] inline result<finish_action> read_finish_script(std::string_view text, std::string_view stop,
                                                              std::string_view field) {
    const auto fail = [&](const std::string& what) {
        return make_error(errc::parse_error, std::string(field), what + "; not what the writer produces");
    };
    constexpr std::string_view shebang = "#!/bin/sh\n";
    if (text.substr(0, shebang.size()) != shebang) return fail("the first line is not #!/bin/sh");
    const auto lookup = [](std::string_view name) -> const std::string* {
        if (name == "1") return &finish_arg1_marker;
        if (name == "@") return &finish_args_marker;
        return nullptr;
    };
    auto tokens = lex_sh(text, field, lookup);
    if (!tokens) return unexpected_error(std::move(tokens.error()));
    auto stop_tokens = lex_sh(stop, field, no_variables{});
    if (!stop_tokens) return unexpected_error(std::move(stop_tokens.error()));
    finish_action action;
    const auto lines = split_sh_lines(std::move(*tokens));
    std::size_t at = 0;
    if (at < lines.size() && !lines[at].empty() && lines[at].front().value == "test" &&
        lines[at].front().what == sh_token::kind::word) {
        const auto& l = lines[at];
        bool ok = l.size() == 5 + stop_tokens->size() && l[1].value == finish_arg1_marker &&
                  l[2].value == "=" && l[4].what == sh_token::kind::op && l[4].value == "&&";
        int code = -1;
        if (ok && !l[3].value.empty() && l[3].value.size() <= 3 && l[3].bare_prefix == l[3].value.size()) {
            code = 0;
            for (const char c : l[3].value) code = is_ascii_digit(c) ? code * 10 + (c - '0') : 1000;
        }
        for (std::size_t i = 0; ok && i < stop_tokens->size(); ++i)
            ok = l[5 + i].value == (*stop_tokens)[i].value && l[5 + i].what == (*stop_tokens)[i].what;
        if (!ok || code < 0 || code > 255)
            return fail("line 2 is not `test \"$1\" = N && " + std::string(stop) + "`");
        action.stop_exit_code = code;
        ++at;
    }
    if (at < lines.size()) {
        const auto& l = lines[at];
        if (l.size() < 3 || l.front().value != "exec" || l.front().bare_prefix != 4 ||
            l.back().value != finish_args_marker)
            return fail("a command other than `exec ARGV... \"$@\"`");
        for (std::size_t i = 1; i + 1 < l.size(); ++i) {
            if (l[i].what != sh_token::kind::word || l[i].value == finish_args_marker ||
                l[i].value == finish_arg1_marker)
                return fail("an operator or positional parameter inside the finish command");
            action.argv.push_back(l[i].value);
        }
        ++at;
    }
    if (at < lines.size()) return fail("more commands than the writer produces");
    return action;
}

}  // namespace detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
