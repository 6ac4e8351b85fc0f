// SPDX-License-Identifier: MIT
// Reads an s6 service directory written by s6::service_builder back into its settings: the writer's
// inverse, for tests and for deciding whether an installed service is current.
#pragma once

#include <chrono>       // std::chrono::milliseconds
#include <cstddef>      // std::size_t
#include <map>          // std::map
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <tuple>        // std::tie
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/execline.hpp"     // lex_execline
#include "../detail/supervision.hpp"  // read_finish_script
#include "../error.hpp"               // result, make_error
#include "../file_set.hpp"            // file_set
#include "service.hpp"                // run_shebang, permanent_failure_command

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace s6 {

/// What an s6 service directory says: the settings service_builder was given.
struct service_definition {
    std::vector<std::string> argv;                          ///< the command
    std::map<std::string, std::string> environment;         ///< exported (not user()'s HOME, USER, LOGNAME)
    std::string working_directory;                          ///< empty when none
    std::string user;                                       ///< empty when none
    std::string user_home;                                  ///< HOME for user, else empty
    std::optional<unsigned> notification_fd;                ///< `notification-fd`
    bool down = false;                                      ///< a `down` file
    std::vector<std::string> finish;                        ///< the finish command, or empty
    std::optional<int> permanent_failure_exit_code;         ///< finish exits 125 after it
    std::optional<std::chrono::milliseconds> kill_timeout;  ///< `timeout-kill`
};

/// Definitions equal when every setting is.
[[nodiscard]] inline bool operator==(const service_definition& a, const service_definition& b) {
    return std::tie(a.argv, a.environment, a.working_directory, a.user, a.user_home, a.notification_fd,
                    a.down, a.finish, a.permanent_failure_exit_code, a.kill_timeout) ==
           std::tie(b.argv, b.environment, b.working_directory, b.user, b.user_home, b.notification_fd,
                    b.down, b.finish, b.permanent_failure_exit_code, b.kill_timeout);
}
/// Negation of operator==.
[[nodiscard]] inline bool operator!=(const service_definition& a, const service_definition& b) {
    return !(a == b);
}

namespace detail {

/// A data file holding one decimal number and a newline.
[[nodiscard]] inline result<unsigned long long> read_number_file(std::string_view text,
                                                                 const std::string& path) {
    unsigned long long n = 0;
    bool ok = text.size() >= 2 && text.size() <= 11 && text.back() == '\n';
    for (std::size_t i = 0; ok && i + 1 < text.size(); ++i) {
        ok = text[i] >= '0' && text[i] <= '9';
        n = n * 10 + static_cast<unsigned long long>(text[i] - '0');
    }
    if (!ok)
        return make_error(errc::parse_error, path,
                          "expected one decimal number and a newline, got \"" +
                              hermes::service::detail::printable(text) + "\"");
    return n;
}

}  // namespace detail

/// The settings of a service directory service_builder wrote; a parse_error naming the file for
/// anything it does not write (another run script shape, unknown files, blocks, numeric escapes).
[[nodiscard]] inline result<service_definition> read_service(const file_set& files) {
    service_definition d;
    bool have_run = false;
    for (const generated_file& f : files) {
        if (f.path == "run") {
            have_run = true;
            const auto fail = [](const std::string& what) {
                return make_error(errc::parse_error, "run", what + "; not what the writer produces");
            };
            if (std::string_view(f.content).substr(0, run_shebang.size()) != run_shebang)
                return fail("the first line is not #!/usr/bin/execlineb -P");
            auto words = hermes::service::detail::lex_execline(f.content, "run");
            if (!words) return unexpected_error(std::move(words.error()));
            const auto& w = *words;
            std::size_t i = 0;
            const auto keyword = [&](std::string_view k) {
                return i < w.size() && !w[i].quoted && w[i].value == k;
            };
            if (keyword("cd")) {
                if (i + 1 >= w.size()) return fail("cd without a directory");
                d.working_directory = w[i + 1].value;
                i += 2;
            }
            if (keyword("s6-setuidgid")) {
                if (i + 1 >= w.size()) return fail("s6-setuidgid without an account");
                d.user = w[i + 1].value;
                i += 2;
                for (const std::string_view name : {"HOME", "USER", "LOGNAME"}) {
                    if (!keyword("export") || i + 2 >= w.size() || w[i + 1].value != name ||
                        (name != "HOME" && w[i + 2].value != d.user))
                        return fail("s6-setuidgid not followed by HOME, USER and LOGNAME of its account");
                    if (name == "HOME") d.user_home = w[i + 2].value;
                    i += 3;
                }
            }
            while (keyword("export")) {
                if (i + 2 >= w.size()) return fail("export without a name and value");
                if (!d.environment.emplace(w[i + 1].value, w[i + 2].value).second)
                    return fail("the variable " + w[i + 1].value + " exported twice");
                i += 3;
            }
            if (i >= w.size()) return fail("no command");
            for (; i < w.size(); ++i) {
                if (!w[i].quoted) return fail("the bare word \"" + w[i].value + "\" in the command");
                d.argv.push_back(w[i].value);
            }
        } else if (f.path == "finish") {
            auto action =
                hermes::service::detail::read_finish_script(f.content, permanent_failure_command, "finish");
            if (!action) return unexpected_error(std::move(action.error()));
            d.finish = std::move(action->argv);
            d.permanent_failure_exit_code = action->stop_exit_code;
        } else if (f.path == "notification-fd") {
            auto n = detail::read_number_file(f.content, f.path);
            if (!n) return unexpected_error(std::move(n.error()));
            d.notification_fd = static_cast<unsigned>(*n);
        } else if (f.path == "timeout-kill") {
            auto n = detail::read_number_file(f.content, f.path);
            if (!n) return unexpected_error(std::move(n.error()));
            d.kill_timeout = std::chrono::milliseconds(static_cast<long long>(*n));
        } else if (f.path == "down") {
            d.down = true;
        } else {
            return make_error(errc::parse_error, f.path, "not a file the s6 writer produces");
        }
    }
    if (!have_run) return make_error(errc::missing_field, "run", "the service directory has no run script");
    return d;
}

}  // namespace s6
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
