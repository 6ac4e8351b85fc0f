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
#include "../detail/text_buffer.hpp"  // text_buffer, put_decimal
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

        // Rendered into storage sized for the common case (a value rarely needs an escape).
        std::size_t expected = 160;
        if (description_) expected += description_->size() + 16;
        if (directory_) expected += directory_->size() + 48;
        if (command_user_) expected += command_user_->size() + 16;
        if (pidfile_) expected += pidfile_->size() + 16;
        for (const auto& [name, value] : environment_) expected += name.size() + value.size() + 48;
        for (const std::string& arg : *command_) expected += arg.size() + 40;
        for (const std::string& n : need_) expected += n.size() + 1;
        for (const std::string& n : after_) expected += n.size() + 1;
        std::string out;
        detail::text_buffer sink(out, expected);
        sink.put(shebang);
        const auto put_variable_name = [&](std::string_view kind, std::size_t number) {
            detail::put_openrc_variable(sink, kind, number);
        };
        const auto assign_value = [&](std::string_view value, const field_ref& field) -> detail::status {
            sink.put('=');
            if (auto ok = detail::put_sh_word(sink, value, field); !ok) return ok;
            sink.put('\n');
            return {};
        };
        const auto put_reference = [&](std::string_view kind, std::size_t number) {
            detail::put_eval_reference(sink, kind, number);
        };
        if (description_) {
            sink.put("description");
            if (auto ok = assign_value(*description_, "description"); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        sink.put("supervisor=supervise-daemon\n");
        // Each value the eval re-reads in a variable of its own; the eval'd settings refer to them.
        std::string assignment;  // NAME=value, one buffer for every variable
        for (std::size_t i = 0; i < environment_.size(); ++i) {
            const auto& [name, value] = environment_[i];
            assignment.assign(name).append("=").append(value);
            put_variable_name("env", i + 1);
            if (auto ok = assign_value(assignment, field_ref("environment", name)); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        put_variable_name("cmd", 0);
        if (auto ok = assign_value(command_->front(), field_ref("command", std::size_t{0})); !ok)
            return unexpected_error(std::move(ok.error()));
        for (std::size_t i = 1; i < command_->size(); ++i) {
            put_variable_name("arg", i);
            if (auto ok = assign_value((*command_)[i], field_ref("command", i)); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        if (directory_) {
            put_variable_name("dir", 0);
            if (auto ok = assign_value(*directory_, "directory"); !ok)
                return unexpected_error(std::move(ok.error()));
        }
        if (environment_.empty()) {
            sink.put("command='");
            put_reference("cmd", 0);
            sink.put("'\n");
        } else {
            sink.put("command=");
            sink.put(env_command);
            sink.put('\n');
        }
        if (command_->size() > 1 || !environment_.empty()) {
            sink.put("command_args='");
            bool first = true;
            const auto ref = [&](std::string_view kind, std::size_t number) {
                if (!first) sink.put(' ');
                first = false;
                put_reference(kind, number);
            };
            for (std::size_t i = 0; i < environment_.size(); ++i) ref("env", i + 1);
            if (!environment_.empty()) ref("cmd", 0);
            for (std::size_t i = 1; i < command_->size(); ++i) ref("arg", i);
            sink.put("'\n");
        }
        if (directory_) {
            sink.put("directory='");
            put_reference("dir", 0);
            sink.put("'\n");
        }
        const auto setting = [&](std::string_view name, std::string_view value) {
            sink.put(name);
            sink.put('=');
            sink.put(value);
            sink.put('\n');
        };
        if (command_user_) setting("command_user", *command_user_);
        if (pidfile_) setting("pidfile", *pidfile_);
        if (respawn_delay_) {
            sink.put("respawn_delay=");
            detail::put_decimal(sink, static_cast<unsigned long long>(respawn_delay_->count()));  // >= 0
            sink.put('\n');
        }
        if (respawn_max_) {
            sink.put("respawn_max=");
            detail::put_decimal(sink, *respawn_max_);
            sink.put('\n');
        }
        if (stop_timeout_) {
            sink.put("retry=SIGTERM/");
            detail::put_decimal(sink, static_cast<unsigned long long>(stop_timeout_->count()));  // >= 1
            sink.put("/SIGKILL/");
            detail::put_decimal(sink, kill_grace_seconds);
            sink.put('\n');
        }
        sink.put("\ndepend() {\n");
        if (!need_.empty()) {
            sink.put("\tneed");
            for (const std::string& n : need_) {
                sink.put(' ');
                sink.put(n);
            }
            sink.put('\n');
        }
        if (!after_.empty()) {
            sink.put("\tafter");
            for (const std::string& n : after_) {
                sink.put(' ');
                sink.put(n);
            }
            sink.put('\n');
        }
        sink.put("\t:\n}\n");
        sink.finish();
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
