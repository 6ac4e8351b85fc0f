// SPDX-License-Identifier: MIT
// Reads a runit service directory written by runit::service_builder back into its settings: the
// writer's inverse, for tests and for deciding whether an installed service is current.
#pragma once

#include <cstddef>      // std::size_t
#include <map>          // std::map
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <tuple>        // std::tie
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/sh.hpp"           // lex_sh, split_sh_lines, is_sh_name
#include "../detail/supervision.hpp"  // read_finish_script
#include "../error.hpp"               // result, make_error
#include "../file_set.hpp"            // file_set
#include "service.hpp"                // run_shebang, permanent_failure_command, log_run_script

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace runit {

/// What a runit service directory says: the settings service_builder was given.
struct service_definition {
    std::vector<std::string> argv;                   ///< the command
    std::map<std::string, std::string> environment;  ///< exported (not user()'s HOME, USER, LOGNAME)
    std::string working_directory;                   ///< empty when none
    std::string user;                                ///< empty when none
    std::string user_home;                           ///< HOME for user, else empty
    bool down = false;                               ///< a `down` file
    std::vector<std::string> finish;                 ///< the finish command, or empty
    std::optional<int> permanent_failure_exit_code;  ///< finish runs `sv down .` after it
    bool log = false;                                ///< `log/run` and stderr joined to stdout
};

/// Definitions equal when every setting is.
[[nodiscard]] inline bool operator==(const service_definition& a, const service_definition& b) {
    return std::tie(a.argv, a.environment, a.working_directory, a.user, a.user_home, a.down, a.finish,
                    a.permanent_failure_exit_code,
                    a.log) == std::tie(b.argv, b.environment, b.working_directory, b.user, b.user_home,
                                       b.down, b.finish, b.permanent_failure_exit_code, b.log);
}
/// Negation of operator==.
[[nodiscard]] inline bool operator!=(const service_definition& a, const service_definition& b) {
    return !(a == b);
}

/// The settings of a service directory service_builder wrote; a parse_error naming the file for
/// anything it does not write (other commands, expansions, globs, unknown files).
[[nodiscard]] inline result<service_definition> read_service(const file_set& files) {
    using hermes::service::detail::sh_token;
    service_definition d;
    bool have_run = false;
    bool joined_stderr = false;
    for (const generated_file& f : files) {
        if (f.path == "run") {
            have_run = true;
            const auto fail = [](const std::string& what) {
                return make_error(errc::parse_error, "run", what + "; not what the writer produces");
            };
            if (std::string_view(f.content).substr(0, run_shebang.size()) != run_shebang)
                return fail("the first line is not #!/bin/sh");
            auto tokens =
                hermes::service::detail::lex_sh(f.content, "run", hermes::service::detail::no_variables{});
            if (!tokens) return unexpected_error(std::move(tokens.error()));
            const auto lines = hermes::service::detail::split_sh_lines(std::move(*tokens));
            const auto is = [](const std::vector<sh_token>& l, std::size_t i, std::string_view text,
                               bool op) {
                return i < l.size() && l[i].value == text &&
                       (op ? l[i].what == sh_token::kind::op
                           : l[i].what == sh_token::kind::word && l[i].bare_prefix == text.size());
            };
            std::size_t at = 0;
            if (at < lines.size() && lines[at].size() == 4 && is(lines[at], 0, "exec", false) &&
                is(lines[at], 1, "2", false) && is(lines[at], 2, ">&", true) &&
                is(lines[at], 3, "1", false)) {
                joined_stderr = true;
                ++at;
            }
            if (at < lines.size() && is(lines[at], 0, "cd", false)) {
                const auto& l = lines[at];
                if (l.size() != 5 || l[1].what != sh_token::kind::word || !is(l, 2, "||", true) ||
                    !is(l, 3, "exit", false) || !is(l, 4, std::to_string(chdir_failure_exit_code), false))
                    return fail("a cd line other than `cd DIR || exit 111`");
                d.working_directory = l[1].value;
                ++at;
            }
            std::vector<std::pair<std::string, std::string>> exports;
            for (; at < lines.size() && is(lines[at], 0, "export", false); ++at) {
                const auto& l = lines[at];
                const std::size_t eq = l.size() == 2 ? l[1].value.find('=') : std::string::npos;
                if (eq == std::string::npos || eq >= l[1].bare_prefix ||
                    !hermes::service::detail::is_sh_name(std::string_view(l[1].value).substr(0, eq)))
                    return fail("an export other than `export NAME=VALUE`");
                exports.emplace_back(l[1].value.substr(0, eq), l[1].value.substr(eq + 1));
            }
            if (at + 1 != lines.size() || !is(lines[at], 0, "exec", false))
                return fail("no final exec, or more after it");
            const auto& l = lines[at];
            std::size_t i = 1;
            if (is(l, 1, "chpst", false)) {
                if (!is(l, 2, "-u", false) || l.size() < 4) return fail("chpst other than `chpst -u USER`");
                d.user = l[3].value;
                i = 4;
                if (exports.size() < 3 || exports[0].first != "HOME" || exports[1].first != "USER" ||
                    exports[2].first != "LOGNAME" || exports[1].second != d.user ||
                    exports[2].second != d.user)
                    return fail("chpst -u not preceded by HOME, USER and LOGNAME of its account");
                d.user_home = exports[0].second;
                exports.erase(exports.begin(), exports.begin() + 3);
            }
            for (auto& [name, value] : exports)
                if (!d.environment.emplace(name, std::move(value)).second)
                    return fail("the variable " + name + " exported twice");
            if (i >= l.size()) return fail("exec without a command");
            for (; i < l.size(); ++i) {
                if (l[i].what != sh_token::kind::word) return fail("an operator in the command");
                d.argv.push_back(l[i].value);
            }
        } else if (f.path == "finish") {
            auto action =
                hermes::service::detail::read_finish_script(f.content, permanent_failure_command, "finish");
            if (!action) return unexpected_error(std::move(action.error()));
            d.finish = std::move(action->argv);
            d.permanent_failure_exit_code = action->stop_exit_code;
        } else if (f.path == "down") {
            d.down = true;
        } else if (f.path == "log/run") {
            if (f.content != log_run_script)
                return make_error(errc::parse_error, "log/run", "not the svlogd script the writer produces");
            d.log = true;
        } else {
            return make_error(errc::parse_error, f.path, "not a file the runit writer produces");
        }
    }
    if (!have_run) return make_error(errc::missing_field, "run", "the service directory has no run script");
    if (joined_stderr != d.log)
        return make_error(errc::parse_error, "run",
                          "`exec 2>&1` and log/run come together; not what the writer produces");
    return d;
}

}  // namespace runit
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
