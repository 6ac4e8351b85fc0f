// SPDX-License-Identifier: MIT
// An s6 service directory: an execline `run` script (`#!/usr/bin/execlineb -P`), and the `finish`,
// `notification-fd`, `timeout-kill` and `down` files s6-supervise reads. Rules as observed on s6 2.11.3
// and execline 2.9.3 (see docs/s6.md).
#pragma once

#include <chrono>       // std::chrono::milliseconds
#include <climits>      // INT_MAX
#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move, std::pair
#include <vector>       // std::vector

#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"       // string_sink, field_ref, check_user_name, printable
#include "../detail/execline.hpp"     // put_execline_word
#include "../detail/supervision.hpp"  // finish_action, put_finish_script, check_command
#include "../detail/text_buffer.hpp"  // text_buffer
#include "../error.hpp"               // result, make_error
#include "../file_set.hpp"            // file_set, generated_file

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace s6 {

/// The shebang of every run script: `-P` keeps `$1`, `$@`, `${#}` in values literal.
inline constexpr std::string_view run_shebang = "#!/usr/bin/execlineb -P\n";
/// What the finish script does to keep the service down: s6-supervise reads exit 125 as permanent.
inline constexpr std::string_view permanent_failure_command = "exit 125";

namespace detail {
using namespace hermes::service::detail;

}  // namespace detail

/// Builds an s6 service directory; setters record, build() validates and renders.
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
            if (auto ok = detail::check_export_name(name, field_ref("environment", name)); !ok)
                return unexpected_error(std::move(ok.error()));
            for (std::size_t j = 0; j < i; ++j)
                if (environment_[j].first == name)
                    return make_error(errc::duplicate, field_ref("environment", name),
                                      "the variable is set twice");
            if (user_ && detail::is_account_variable(name))
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

        // Rendered into storage sized for the common case (a value rarely needs an escape).
        std::size_t expected = run_shebang.size() + 32;
        if (working_directory_) expected += working_directory_->size() + 8;
        if (user_) expected += 3 * user_->size() + user_home_->size() + 80;
        for (const auto& [name, value] : environment_) expected += name.size() + value.size() + 16;
        for (const std::string& arg : *exec_) expected += arg.size() + 3;
        std::string run;
        detail::text_buffer sink(run, expected);
        sink.put(run_shebang);
        if (working_directory_) {
            sink.put("cd ");
            if (auto ok = detail::put_execline_word(sink, *working_directory_, "working_directory"); !ok)
                return unexpected_error(std::move(ok.error()));
            sink.put('\n');
        }
        const auto put_export = [&](std::string_view name, std::string_view value,
                                    const field_ref& field) -> detail::status {
            sink.put("export ");
            if (auto ok = detail::put_execline_word(sink, name, field); !ok) return ok;
            sink.put(' ');
            if (auto ok = detail::put_execline_word(sink, value, field); !ok) return ok;
            sink.put('\n');
            return {};
        };
        // s6-setuidgid first and PATH last: each execline command is looked up on the PATH in effect.
        if (user_) {
            sink.put("s6-setuidgid ");
            if (auto ok = detail::put_execline_word(sink, *user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
            sink.put('\n');
            if (auto ok = put_export("HOME", *user_home_, "user_home"); !ok)
                return unexpected_error(std::move(ok.error()));
            if (auto ok = put_export("USER", *user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
            if (auto ok = put_export("LOGNAME", *user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        if (auto ok = detail::put_environment_path_last(environment_, put_export); !ok)
            return unexpected_error(std::move(ok.error()));
        for (std::size_t i = 0; i < exec_->size(); ++i) {
            if (i > 0) sink.put(' ');
            if (auto ok = detail::put_execline_word(sink, (*exec_)[i], field_ref("exec", i)); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        sink.put('\n');
        sink.finish();

        file_set files;
        files.reserve(5);
        files.push_back({"run", std::move(run), 0755});
        if (finish_ || permanent_failure_exit_code_) {
            std::string text;
            detail::text_buffer finish_sink(text, 64 + detail::finish_argv_size(finish_));
            if (auto ok = detail::put_finish_script(finish_sink, finish_ ? &*finish_ : nullptr,
                                                    permanent_failure_exit_code_, permanent_failure_command,
                                                    "finish");
                !ok)
                return unexpected_error(std::move(ok.error()));
            finish_sink.finish();
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
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
