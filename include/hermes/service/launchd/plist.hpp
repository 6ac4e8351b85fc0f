// SPDX-License-Identifier: MIT
// launchd property lists: the typed, validating writer (plist_builder).
#pragma once

#include <array>        // std::array, for enumerators()
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair, std::move
#include <vector>       // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"
#include "../detail/utf8.hpp"
#include "../error.hpp"

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace launchd {

/// Where the job is loaded: a per-user LaunchAgent or a system LaunchDaemon.
enum class job_kind { agent, daemon };
/// ProcessType= values.
enum class process_type { background, standard, adaptive, interactive };

/// The plist spelling, e.g. "Background".
[[nodiscard]] constexpr std::string_view to_string(process_type t) noexcept {
    constexpr std::string_view names[] = {"Background", "Standard", "Adaptive", "Interactive"};
    return names[static_cast<std::size_t>(t)];
}

/// Every process_type, for from_string<process_type> (enums.hpp).
[[nodiscard]] constexpr std::array<process_type, 4> enumerators(process_type /*tag*/) noexcept {
    using t = process_type;
    return {t::background, t::standard, t::adaptive, t::interactive};
}

namespace detail {
using namespace hermes::service::detail;

/// launchd labels: conservative reverse-DNS `[A-Za-z][A-Za-z0-9._-]*`, at most 249 bytes (the
/// file is `<Label>.plist`), not in Apple's reserved `com.apple.` space.
[[nodiscard]] inline status check_label(std::string_view label) {
    if (label.empty()) return make_error(errc::empty_value, "Label", "the label is empty");
    if (label.size() > 249)
        return make_error(errc::out_of_range, "Label",
                          "is " + std::to_string(label.size()) +
                              " bytes; at most 249 so that <Label>.plist fits in a file name");
    for (std::size_t i = 0; i < label.size(); ++i) {
        const char c = label[i];
        if (is_ascii_alpha(c) || (i > 0 && (is_ascii_digit(c) || c == '.' || c == '_' || c == '-'))) continue;
        return name_error("Label", label, i,
                          "labels are reverse-DNS names: ASCII letters, digits, '.', '_' and '-', "
                          "starting with a letter");
    }
    std::string lower(label.substr(0, 10));
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (lower == "com.apple.")
        return make_error(errc::invalid_name, "Label", "\"com.apple.\" labels are reserved for Apple");
    return {};
}

/// An absolute path as a plist string: UTF-8, no control characters.
[[nodiscard]] inline status check_plist_path(std::string_view path, const field_ref& field) {
    if (path.empty()) return make_error(errc::empty_value, std::string(field), "the path is empty");
    if (path.front() != '/')
        return make_error(errc::relative_path, std::string(field),
                          "must be an absolute path, got \"" + printable(path) + "\"");
    for (std::size_t pos = 0; pos < path.size();) {
        const std::size_t at = pos;
        const char32_t cp = decode_utf8(path, pos);
        if (cp == invalid_code_point) return utf8_error(field, path, at);
        if (is_control(cp)) return char_error(errc::control_character, field, path, at, cp, "");
    }
    return {};
}

inline std::string indexed(std::string_view key, std::size_t i) {
    return std::string(key) + "[" + std::to_string(i) + "]";
}

}  // namespace detail

/// A typed, validating writer for one launchd job. Keys are written in a fixed order (Label,
/// ProgramArguments, WorkingDirectory, EnvironmentVariables, LimitLoadToSessionType, RunAtLoad,
/// KeepAlive, ThrottleInterval, ExitTimeOut, SoftResourceLimits, StandardOutPath,
/// StandardErrorPath, ProcessType, UserName, GroupName).
class plist_builder {
  public:
    /// An agent by default; UserName/GroupName need job_kind::daemon.
    explicit plist_builder(job_kind kind = job_kind::agent) : kind_(kind) {}

    /// Label (required): reverse-DNS, also the file name `<Label>.plist`.
    plist_builder& label(std::string value) {
        label_ = std::move(value);
        return *this;
    }
    /// ProgramArguments (required): argv, argv[0] absolute; passed as is (no shell, no expansion).
    plist_builder& program_arguments(std::vector<std::string> argv) {
        arguments_ = std::move(argv);
        return *this;
    }
    /// WorkingDirectory (absolute).
    plist_builder& working_directory(std::string path) {
        working_directory_ = std::move(path);
        return *this;
    }
    /// One EnvironmentVariables entry; a name given twice is an error at build().
    plist_builder& environment(std::string name, std::string value) {
        environment_.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    /// RunAtLoad.
    plist_builder& run_at_load(bool value = true) {
        run_at_load_ = value;
        return *this;
    }
    /// KeepAlive as a boolean (true: restart whenever it exits).
    plist_builder& keep_alive(bool value) {
        keep_alive_ = value;
        return *this;
    }
    /// ThrottleInterval in seconds (minimum time between spawns).
    plist_builder& throttle_interval(unsigned seconds) {
        throttle_interval_ = seconds;
        return *this;
    }
    /// ExitTimeOut in seconds between SIGTERM and SIGKILL (0 means infinity and is refused).
    plist_builder& exit_timeout(unsigned seconds) {
        exit_timeout_ = seconds;
        return *this;
    }
    /// SoftResourceLimits/NumberOfFiles.
    plist_builder& number_of_files_soft_limit(unsigned limit) {
        number_of_files_ = limit;
        return *this;
    }
    /// LimitLoadToSessionType ("Aqua", "Background", "LoginWindow", "StandardIO", "System").
    plist_builder& limit_load_to_session_type(std::vector<std::string> types) {
        session_types_ = std::move(types);
        return *this;
    }
    /// StandardOutPath (absolute; launchd does not create its directory).
    plist_builder& standard_out_path(std::string path) {
        stdout_path_ = std::move(path);
        return *this;
    }
    /// StandardErrorPath (absolute; launchd does not create its directory).
    plist_builder& standard_error_path(std::string path) {
        stderr_path_ = std::move(path);
        return *this;
    }
    /// ProcessType.
    plist_builder& process_type(launchd::process_type t) {
        process_type_ = t;
        return *this;
    }
    /// UserName (LaunchDaemons only).
    plist_builder& user_name(std::string name) {
        user_name_ = std::move(name);
        return *this;
    }
    /// GroupName (LaunchDaemons only).
    plist_builder& group_name(std::string name) {
        group_name_ = std::move(name);
        return *this;
    }

    /// Renders the XML 1.0 plist with Apple's DOCTYPE, or returns the first invalid input.
    [[nodiscard]] result<std::string> build() const {
        if (auto ok = validate(); !ok) return unexpected_error(std::move(ok.error()));
        // One pass into a string reserved from the input sizes (escaping rarely adds a quarter).
        std::string out;
        out.reserve(estimated_size());
        detail::string_sink sink{&out};
        if (auto ok = write(sink); !ok) return unexpected_error(std::move(ok.error()));
        return out;
    }

  private:
    job_kind kind_;
    std::optional<std::string> label_;
    std::optional<std::vector<std::string>> arguments_;
    std::optional<std::string> working_directory_;
    std::vector<std::pair<std::string, std::string>> environment_;
    std::optional<bool> run_at_load_;
    std::optional<bool> keep_alive_;
    std::optional<unsigned> throttle_interval_;
    std::optional<unsigned> exit_timeout_;
    std::optional<unsigned> number_of_files_;
    std::optional<std::vector<std::string>> session_types_;
    std::optional<std::string> stdout_path_;
    std::optional<std::string> stderr_path_;
    std::optional<launchd::process_type> process_type_;
    std::optional<std::string> user_name_;
    std::optional<std::string> group_name_;

    /// The unescaped size of the plist plus a quarter: build()'s one reservation.
    [[nodiscard]] std::size_t estimated_size() const noexcept {
        std::size_t n = 1024;  // the prolog, DOCTYPE and the fixed keys
        for (const std::optional<std::string>* v :
             {&label_, &working_directory_, &stdout_path_, &stderr_path_, &user_name_, &group_name_})
            if (*v) n += (*v)->size() + 48;
        if (arguments_)
            for (const std::string& a : *arguments_) n += a.size() + 32;
        for (const auto& [name, value] : environment_) n += name.size() + value.size() + 48;
        if (session_types_)
            for (const std::string& t : *session_types_) n += t.size() + 32;
        return n + n / 4;
    }

    [[nodiscard]] detail::status validate() const {
        if (!label_) return make_error(errc::missing_field, "Label", "a job needs a Label; call label()");
        if (auto ok = detail::check_label(*label_); !ok) return ok;
        if (!arguments_)
            return make_error(errc::missing_field, "ProgramArguments",
                              "a job needs ProgramArguments; call program_arguments()");
        if (arguments_->empty())
            return make_error(errc::empty_value, "ProgramArguments", "give at least the executable");
        if (auto ok = detail::check_plist_path((*arguments_)[0], "ProgramArguments[0]"); !ok) return ok;
        if (working_directory_)
            if (auto ok = detail::check_plist_path(*working_directory_, "WorkingDirectory"); !ok) return ok;
        for (std::size_t i = 0; i < environment_.size(); ++i) {
            const detail::field_ref field("EnvironmentVariables", environment_[i].first);
            if (auto ok = detail::check_environment_name(environment_[i].first, field); !ok) return ok;
            for (std::size_t j = 0; j < i; ++j)
                if (environment_[j].first == environment_[i].first)
                    return make_error(errc::duplicate, field,
                                      "variable " + environment_[i].first + " is set twice; set it once");
        }
        if (exit_timeout_ && *exit_timeout_ == 0)
            return make_error(errc::out_of_range, "ExitTimeOut",
                              "0 means wait forever, which launchd advises against; give seconds");
        if (number_of_files_ && *number_of_files_ == 0)
            return make_error(errc::out_of_range, "SoftResourceLimits.NumberOfFiles",
                              "a limit of 0 files leaves the job unable to run");
        if (session_types_) {
            if (session_types_->empty())
                return make_error(errc::empty_value, "LimitLoadToSessionType",
                                  "give at least one session type");
            constexpr std::string_view known[] = {"Aqua", "Background", "LoginWindow", "StandardIO",
                                                  "System"};
            for (std::size_t i = 0; i < session_types_->size(); ++i) {
                bool ok = false;
                for (const std::string_view k : known) ok = ok || (*session_types_)[i] == k;
                if (!ok)
                    return make_error(errc::invalid_value, detail::indexed("LimitLoadToSessionType", i),
                                      "\"" + (*session_types_)[i] +
                                          "\" is not Aqua, Background, LoginWindow, StandardIO or System");
            }
        }
        if (stdout_path_)
            if (auto ok = detail::check_plist_path(*stdout_path_, "StandardOutPath"); !ok) return ok;
        if (stderr_path_)
            if (auto ok = detail::check_plist_path(*stderr_path_, "StandardErrorPath"); !ok) return ok;
        for (const auto& [key, value] :
             {std::pair{"UserName", &user_name_}, std::pair{"GroupName", &group_name_}}) {
            if (!*value) continue;
            if (kind_ == job_kind::agent)
                return make_error(errc::not_allowed, key,
                                  "applies only to LaunchDaemons (launchd refuses it in an agent); build "
                                  "with job_kind::daemon");
            if (auto ok = detail::check_user_name(**value, key); !ok) return ok;
        }
        return {};
    }

    template <class Sink>
    static void open_key(Sink& sink, std::string_view key, bool& first) {
        if (!first) sink.put('\n');
        first = false;
        sink.put("    <key>");
        sink.put(key);
        sink.put("</key>\n");
    }

    template <class Sink>
    static detail::status put_string(Sink& sink, std::string_view indent, std::string_view value,
                                     const detail::field_ref& field) {
        sink.put(indent);
        sink.put("<string>");
        if (auto ok = detail::put_xml_text(sink, value, field); !ok) return ok;
        sink.put("</string>\n");
        return {};
    }

    template <class Sink>
    static detail::status put_string_key(Sink& sink, std::string_view key,
                                         const std::optional<std::string>& value, bool& first) {
        if (!value) return {};
        open_key(sink, key, first);
        return put_string(sink, "    ", *value, key);
    }

    template <class Sink>
    static void put_integer(Sink& sink, std::string_view indent, unsigned value) {
        sink.put(indent);
        sink.put("<integer>");
        sink.put(std::to_string(value));
        sink.put("</integer>\n");
    }

    template <class Sink>
    static detail::status put_array(Sink& sink, std::string_view key, const std::vector<std::string>& items,
                                    bool& first) {
        open_key(sink, key, first);
        sink.put("    <array>\n");
        for (std::size_t i = 0; i < items.size(); ++i)
            if (auto ok = put_string(sink, "        ", items[i], detail::field_ref(key, i)); !ok) return ok;
        sink.put("    </array>\n");
        return {};
    }

    template <class Sink>
    detail::status write(Sink& sink) const {
        sink.put(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
            "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
            "<plist version=\"1.0\">\n<dict>\n");
        bool first = true;
        if (auto ok = put_string_key(sink, "Label", label_, first); !ok) return ok;
        if (auto ok = put_array(sink, "ProgramArguments", *arguments_, first); !ok) return ok;
        if (auto ok = put_string_key(sink, "WorkingDirectory", working_directory_, first); !ok) return ok;
        if (!environment_.empty()) {
            open_key(sink, "EnvironmentVariables", first);
            sink.put("    <dict>\n");
            for (const auto& [name, value] : environment_) {
                sink.put("        <key>");
                sink.put(name);  // validated: [A-Za-z_][A-Za-z0-9_]* needs no escaping
                sink.put("</key>\n");
                if (auto ok =
                        put_string(sink, "        ", value, detail::field_ref("EnvironmentVariables", name));
                    !ok)
                    return ok;
            }
            sink.put("    </dict>\n");
        }
        if (session_types_)
            if (auto ok = put_array(sink, "LimitLoadToSessionType", *session_types_, first); !ok) return ok;
        for (const auto& [key, value] :
             {std::pair{"RunAtLoad", &run_at_load_}, std::pair{"KeepAlive", &keep_alive_}}) {
            if (!*value) continue;
            open_key(sink, key, first);
            sink.put(**value ? "    <true/>\n" : "    <false/>\n");
        }
        for (const auto& [key, value] :
             {std::pair{"ThrottleInterval", &throttle_interval_}, std::pair{"ExitTimeOut", &exit_timeout_}}) {
            if (!*value) continue;
            open_key(sink, key, first);
            put_integer(sink, "    ", **value);
        }
        if (number_of_files_) {
            open_key(sink, "SoftResourceLimits", first);
            sink.put("    <dict>\n        <key>NumberOfFiles</key>\n");
            put_integer(sink, "        ", *number_of_files_);
            sink.put("    </dict>\n");
        }
        if (auto ok = put_string_key(sink, "StandardOutPath", stdout_path_, first); !ok) return ok;
        if (auto ok = put_string_key(sink, "StandardErrorPath", stderr_path_, first); !ok) return ok;
        if (process_type_) {
            open_key(sink, "ProcessType", first);
            sink.put("    <string>");
            sink.put(to_string(*process_type_));
            sink.put("</string>\n");
        }
        if (auto ok = put_string_key(sink, "UserName", user_name_, first); !ok) return ok;
        if (auto ok = put_string_key(sink, "GroupName", group_name_, first); !ok) return ok;
        sink.put("</dict>\n</plist>\n");
        return {};
    }
};

}  // namespace launchd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
