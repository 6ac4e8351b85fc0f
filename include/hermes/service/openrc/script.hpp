// SPDX-License-Identifier: MIT
// An OpenRC init script (`#!/sbin/openrc-run`) run by supervise-daemon, with every value carried exactly
// through the eval supervise-daemon.sh does. Rules as observed on OpenRC 0.45.2 (see docs/openrc.md).
#pragma once

#include <chrono>       // std::chrono::seconds
#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move, std::pair
#include <vector>       // std::vector

#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"       // string_sink, field_ref, check_user_name, check_environment_name
#include "../detail/openrc_eval.hpp"  // check_eval_token, put_eval_reference, check_openrc_service_name
#include "../detail/sh.hpp"           // put_sh_word
#include "../error.hpp"               // result, make_error

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace openrc {

/// The first line of every script.
inline constexpr std::string_view shebang = "#!/sbin/openrc-run\n";
/// What runs the command when environment() is used: `env NAME=VALUE... COMMAND ARGS...`. Variables
/// exported from the script would reach openrc-run's own shell (an exported PATH hides its helpers).
inline constexpr std::string_view env_command = "/usr/bin/env";
/// The signal schedule stop_timeout() writes: `SIGTERM/<seconds>/SIGKILL/<kill_grace>`.
inline constexpr unsigned kill_grace_seconds = 5;

namespace detail {
using namespace hermes::service::detail;

/// `user` or `user:group`, each a user or group name, written as a plain eval token.
[[nodiscard]] inline status check_command_user(std::string_view value, const field_ref& field) {
    const std::size_t colon = value.find(':');
    if (auto ok = check_user_name(value.substr(0, colon), field); !ok) return ok;
    if (colon != std::string_view::npos)
        if (auto ok = check_user_name(value.substr(colon + 1), field); !ok) return ok;
    return check_eval_token(value, field);
}

}  // namespace detail

/// Builds an OpenRC script supervised by supervise-daemon; setters record, build() validates and renders.
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
            if (auto ok = detail::check_command_user(*command_user_, "command_user"); !ok)
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
            if (auto ok = detail::check_eval_token(*pidfile_, "pidfile"); !ok)
                return unexpected_error(std::move(ok.error()));
            if (pidfile_->front() != '/')
                return make_error(errc::relative_path, "pidfile",
                                  "must be an absolute path, got \"" + *pidfile_ + "\"");
        }
        if (stop_timeout_ && stop_timeout_->count() < 1)
            return make_error(errc::out_of_range, "stop_timeout",
                              std::to_string(stop_timeout_->count()) + " seconds; give at least 1");
        for (std::size_t i = 0; i < need_.size(); ++i)
            if (auto ok = detail::check_openrc_service_name(need_[i], field_ref("need", i)); !ok)
                return unexpected_error(std::move(ok.error()));
        for (std::size_t i = 0; i < after_.size(); ++i)
            if (auto ok = detail::check_openrc_service_name(after_[i], field_ref("after", i)); !ok)
                return unexpected_error(std::move(ok.error()));

        std::string out(shebang);
        detail::string_sink sink{&out};
        const auto assign = [&](std::string_view name, std::string_view value,
                                const field_ref& field) -> detail::status {
            out.append(name).push_back('=');
            if (auto ok = detail::put_sh_word(sink, value, field); !ok) return ok;
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
            detail::put_eval_reference(sink, "cmd");
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
                detail::put_eval_reference(sink, var);
            };
            for (std::size_t i = 0; i < environment_.size(); ++i) ref("env" + std::to_string(i + 1));
            if (!environment_.empty()) ref("cmd");
            for (std::size_t i = 1; i < command_->size(); ++i) ref("arg" + std::to_string(i));
            out.append("'\n");
        }
        if (directory_) {
            out.append("directory='");
            detail::put_eval_reference(sink, "dir");
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
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
