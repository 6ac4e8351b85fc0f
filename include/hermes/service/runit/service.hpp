// SPDX-License-Identifier: MIT
// A runit service directory: a `#!/bin/sh` `run` script (environment exported in the script, never an
// envdir), and the `finish`, `down` and `log/run` files runsv reads. Rules as observed on runit 2.1.2
// and dash 0.5.12 (see docs/runit.md).
#pragma once

#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move, std::pair
#include <vector>       // std::vector

#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"       // string_sink, field_ref, check_environment_name, check_user_name
#include "../detail/sh.hpp"           // put_sh_word
#include "../detail/supervision.hpp"  // finish_action, put_finish_script, check_command
#include "../detail/text_buffer.hpp"  // text_buffer
#include "../error.hpp"               // result, make_error
#include "../file_set.hpp"            // file_set, generated_file

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace runit {

/// The shebang of the run and finish scripts.
inline constexpr std::string_view run_shebang = "#!/bin/sh\n";
/// What the finish script does to keep the service down: tell runsv (cwd is the service directory).
inline constexpr std::string_view permanent_failure_command = "exec sv down .";
/// The exit status of the run script when `cd` fails (runsv restarts it a second later).
inline constexpr int chdir_failure_exit_code = 111;
/// The `log/run` script log(true) writes: svlogd keeps timestamped logs in `log/main/current`.
inline constexpr std::string_view log_run_script =
    "#!/bin/sh\nmkdir -p main || exit 111\nexec svlogd -tt main\n";

namespace detail {
using namespace hermes::service::detail;

}  // namespace detail

/// Builds a runit service directory; setters record, build() validates and renders.
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
            if (user_ && detail::is_account_variable(name))
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

        // Rendered into storage sized for the common case (a value rarely needs an escape).
        std::size_t expected = run_shebang.size() + 48;
        if (working_directory_) expected += working_directory_->size() + 16;
        if (user_) expected += 3 * user_->size() + user_home_->size() + 64;
        for (const auto& [name, value] : environment_) expected += name.size() + value.size() + 12;
        for (const std::string& arg : *exec_) expected += arg.size() + 3;
        std::string run;
        detail::text_buffer sink(run, expected);
        sink.put(run_shebang);
        if (log_) sink.put("exec 2>&1\n");
        if (working_directory_) {
            sink.put("cd ");
            if (auto ok = detail::put_sh_word(sink, *working_directory_, "working_directory"); !ok)
                return unexpected_error(std::move(ok.error()));
            static_assert(chdir_failure_exit_code == 111, "the text below spells it");
            sink.put(" || exit 111\n");
        }
        const auto put_export = [&](std::string_view name, std::string_view value,
                                    const field_ref& field) -> detail::status {
            sink.put("export ");
            sink.put(name);
            sink.put('=');
            if (auto ok = detail::put_sh_word(sink, value, field); !ok) return ok;
            sink.put('\n');
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
        if (auto ok = detail::put_environment_path_last(environment_, put_export); !ok)
            return unexpected_error(std::move(ok.error()));
        sink.put("exec");
        if (user_) {
            sink.put(" chpst -u ");
            if (auto ok = detail::put_sh_word(sink, *user_, "user"); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        for (std::size_t i = 0; i < exec_->size(); ++i) {
            sink.put(' ');
            if (auto ok = detail::put_sh_word(sink, (*exec_)[i], field_ref("exec", i)); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        sink.put('\n');
        sink.finish();

        file_set files;
        files.reserve(4);
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
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
