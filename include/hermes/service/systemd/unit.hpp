// SPDX-License-Identifier: MIT
// systemd unit files: the typed, validating writer (unit_builder) and its enums.
#pragma once

#include <array>        // std::array, for enumerators()
#include <chrono>       // std::chrono::milliseconds
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"
#include "../detail/utf8.hpp"
#include "../error.hpp"
#include "detail/syntax.hpp"  // max_line_length, indexed_field

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace systemd {

/// Type= of a service.
enum class service_type { simple, exec, forking, oneshot, notify, idle };
/// Restart= policy.
enum class restart_policy { no, on_success, on_failure, on_abnormal, on_watchdog, on_abort, always };
/// KillMode= of a service.
enum class kill_mode { control_group, mixed, process, none };
/// NotifyAccess= of a service.
enum class notify_access { none, main, exec, all };

/// The directive spelling, e.g. "notify".
[[nodiscard]] constexpr std::string_view to_string(service_type t) noexcept {
    constexpr std::string_view names[] = {"simple", "exec", "forking", "oneshot", "notify", "idle"};
    return names[static_cast<std::size_t>(t)];
}
/// The directive spelling, e.g. "on-failure".
[[nodiscard]] constexpr std::string_view to_string(restart_policy p) noexcept {
    constexpr std::string_view names[] = {"no",          "on-success", "on-failure", "on-abnormal",
                                          "on-watchdog", "on-abort",   "always"};
    return names[static_cast<std::size_t>(p)];
}
/// The directive spelling, e.g. "control-group".
[[nodiscard]] constexpr std::string_view to_string(kill_mode m) noexcept {
    constexpr std::string_view names[] = {"control-group", "mixed", "process", "none"};
    return names[static_cast<std::size_t>(m)];
}
/// The directive spelling, e.g. "main".
[[nodiscard]] constexpr std::string_view to_string(notify_access a) noexcept {
    constexpr std::string_view names[] = {"none", "main", "exec", "all"};
    return names[static_cast<std::size_t>(a)];
}

/// Every service_type, for from_string<service_type> (enums.hpp).
[[nodiscard]] constexpr std::array<service_type, 6> enumerators(service_type /*tag*/) noexcept {
    using t = service_type;
    return {t::simple, t::exec, t::forking, t::oneshot, t::notify, t::idle};
}
/// Every restart_policy, for from_string<restart_policy>.
[[nodiscard]] constexpr std::array<restart_policy, 7> enumerators(restart_policy /*tag*/) noexcept {
    using p = restart_policy;
    return {p::no, p::on_success, p::on_failure, p::on_abnormal, p::on_watchdog, p::on_abort, p::always};
}
/// Every kill_mode, for from_string<kill_mode>.
[[nodiscard]] constexpr std::array<kill_mode, 4> enumerators(kill_mode /*tag*/) noexcept {
    return {kill_mode::control_group, kill_mode::mixed, kill_mode::process, kill_mode::none};
}
/// Every notify_access, for from_string<notify_access>.
[[nodiscard]] constexpr std::array<notify_access, 4> enumerators(notify_access /*tag*/) noexcept {
    return {notify_access::none, notify_access::main, notify_access::exec, notify_access::all};
}

/// An Exec* argument that systemd fills in when it starts the process, e.g.
/// `exec_reload({"/bin/kill", "-USR1", systemd::variable("MAINPID")})` writes `"${MAINPID}"`.
/// Every other argument is passed literally ('$' written as '$$').
[[nodiscard]] inline std::string variable(std::string_view name) {
    std::string token(1, '\0');
    token.append(name);
    return token;
}

namespace detail {
using namespace hermes::service::detail;

/// How a directive's value is written; each kind maps to one grammar in detail/escape.hpp.
enum class value_kind : unsigned char {
    literal,            ///< text, `%%`
    path,               ///< absolute path, unquoted, `%%`
    working_directory,  ///< path with optional `-` prefix
    exec,               ///< command line: executable + quoted arguments
    environment,        ///< "NAME=value"
    unit_name,          ///< validated unit name
    user_name,          ///< validated user or group
    output,             ///< StandardOutput=/StandardError= spec
    time_span,          ///< validated systemd time span
    signal,             ///< signal name
    trusted,            ///< produced by this library (enum spellings, numbers): written as is
};

struct directive {
    std::string section;
    std::string key;
    value_kind kind;
    std::vector<std::string> values;  ///< exec: argv; environment: {name, value}; else {value}
    bool flag = false;                ///< exec: ignore failure ('-'); working_directory: missing ok
    bool custom = false;              ///< from set(): section and key are validated at build()
};

/// Accepts systemd time spans: "infinity" or one or more `<number>[unit]` groups.
[[nodiscard]] inline status check_time_span(std::string_view span, const field_ref& field) {
    if (span.empty()) return make_error(errc::empty_value, std::string(field), "the time span is empty");
    if (span == "infinity") return {};
    if (span.front() == ' ' || span.back() == ' ')
        return make_error(errc::unrepresentable, std::string(field),
                          "\"" + printable(span) + "\" starts or ends with a space, which systemd strips");
    constexpr std::string_view units[] = {
        "usec",  "us",    "\xC2\xB5s", "\xCE\xBCs", "msec", "ms",     "seconds", "second",
        "sec",   "s",     "minutes",   "minute",    "min",  "months", "month",   "M",
        "years", "year",  "y",         "weeks",     "week", "w",      "days",    "day",
        "d",     "hours", "hour",      "hr",        "h",    "m",      ""};
    std::size_t pos = 0;
    const auto fail = [&](std::string_view why) {
        return make_error(errc::invalid_value, std::string(field),
                          "\"" + printable(span) + "\" is not a systemd time span (" + std::string(why) +
                              " at " + describe_position(span, pos) +
                              R"(); use e.g. "5", "90s", "1min 30s" or "infinity")");
    };
    while (pos < span.size()) {
        while (pos < span.size() && span[pos] == ' ') ++pos;
        const std::size_t digits = pos;
        while (pos < span.size() && is_ascii_digit(span[pos])) ++pos;
        if (pos < span.size() && span[pos] == '.') {
            ++pos;
            while (pos < span.size() && is_ascii_digit(span[pos])) ++pos;
        }
        if (pos == digits) return fail("expected a number");
        while (pos < span.size() && span[pos] == ' ') ++pos;
        std::size_t unit_end = pos;
        while (unit_end < span.size() && span[unit_end] != ' ' && !is_ascii_digit(span[unit_end])) ++unit_end;
        const std::string_view unit = span.substr(pos, unit_end - pos);
        bool known = false;
        for (const std::string_view u : units) known = known || unit == u;
        if (!known) return fail("unknown unit");
        pos = unit_end;
    }
    return {};
}

/// Formats a duration as systemd reads it: whole seconds as "5", else milliseconds as "1500ms".
[[nodiscard]] inline std::string format_time_span(std::chrono::milliseconds span) {
    const auto ms = span.count();
    if (ms % 1000 == 0) return std::to_string(ms / 1000);
    return std::to_string(ms) + "ms";
}

/// StandardOutput=/StandardError=: a keyword, `fd:NAME`, or `file:|append:|truncate:` + path.
template <class Sink>
status put_output(Sink& sink, std::string_view spec, const field_ref& field) {
    constexpr std::string_view keywords[] = {"inherit",         "null",         "tty",   "journal", "kmsg",
                                             "journal+console", "kmsg+console", "socket"};
    for (const std::string_view k : keywords)
        if (spec == k) {
            sink.put(spec);
            return {};
        }
    for (const std::string_view prefix :
         {std::string_view("file:"), std::string_view("append:"), std::string_view("truncate:")})
        if (spec.substr(0, prefix.size()) == prefix) {
            sink.put(prefix);
            return put_path(sink, spec.substr(prefix.size()), field);
        }
    if (spec.substr(0, 3) == "fd:" && spec.size() > 3) {
        const std::string_view name = spec.substr(3);
        if (name.size() > 255)
            return make_error(
                errc::out_of_range, std::string(field),
                "file descriptor name is " + std::to_string(name.size()) + " bytes; the limit is 255");
        for (std::size_t i = 0; i < name.size(); ++i)
            if (name[i] <= ' ' || name[i] > '~' || name[i] == ':')
                return name_error(field, spec, i + 3,
                                  "file descriptor names are printable ASCII without ':'");
        if (name.back() == '\\')
            return make_error(errc::unrepresentable, std::string(field),
                              "ends with a backslash, which systemd reads as a line continuation");
        sink.put("fd:");
        put_percent_doubled(sink, name);  // systemd resolves specifiers in the name
        return {};
    }
    return make_error(errc::invalid_value, std::string(field),
                      "\"" + printable(spec) +
                          "\" is not an output: use inherit, null, tty, journal, kmsg, "
                          "journal+console, kmsg+console, socket, fd:NAME, file:PATH, "
                          "append:PATH or truncate:PATH");
}

/// A signal name as KillSignal= takes it: "SIGTERM", "SIGRTMIN+3", ...
[[nodiscard]] inline status check_signal(std::string_view name, const field_ref& field) {
    constexpr std::string_view signals[] = {
        "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",  "SIGFPE",
        "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",  "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPOLL", "SIGPWR",  "SIGSYS"};
    for (const std::string_view s : signals)
        if (name == s) return {};
    for (const std::string_view rt : {std::string_view("SIGRTMIN+"), std::string_view("SIGRTMAX-")})
        if (name.size() > rt.size() && name.size() <= rt.size() + 2 && name.substr(0, rt.size()) == rt) {
            bool digits = true;
            for (const char c : name.substr(rt.size())) digits = digits && is_ascii_digit(c);
            if (digits) return {};
        }
    return make_error(errc::invalid_value, std::string(field),
                      "\"" + printable(name) + "\" is not a signal name such as SIGTERM or SIGRTMIN+1");
}

/// Writes directives straight into a string in call order, each validated and escaped exactly as
/// unit_builder::build() writes it, with no directive list in between (no allocation beyond the
/// output's). For callers with a fixed layout (the gateway); unit_builder's ordering, deduplication and
/// whole-unit checks (one ExecStart=, distinct Environment= names, non-empty argv) are theirs to keep.
class unit_writer {
  public:
    explicit unit_writer(std::string& out) noexcept : out_(&out), sink_{&out} {}

    /// `[name]`, preceded by a blank line unless it is the first section.
    void section(std::string_view name) {
        if (!first_) out_->push_back('\n');
        first_ = false;
        out_->push_back('[');
        out_->append(name);
        out_->append("]\n");
    }

    /// An empty line inside a section (layout only: systemd skips it).
    void blank_line() { out_->push_back('\n'); }

    status literal(std::string_view key, std::string_view v) {
        return line(key, [&] { return put_literal(sink_, v, key); });
    }
    status trusted(std::string_view key, std::string_view v) {
        return line(key, [&] {
            sink_.put(v);
            return status{};
        });
    }
    status unit_name(std::string_view key, std::string_view v) {
        return line(key, [&] { return checked(check_unit_name(v, key), v); });
    }
    status user_name(std::string_view key, std::string_view v) {
        return line(key, [&] { return checked(check_user_name(v, key), v); });
    }
    status time_span(std::string_view key, std::string_view v) {
        return line(key, [&] { return checked(check_time_span(v, key), v); });
    }
    status signal(std::string_view key, std::string_view v) {
        return line(key, [&] { return checked(check_signal(v, key), v); });
    }
    status output(std::string_view key, std::string_view v) {
        return line(key, [&] { return put_output(sink_, v, key); });
    }
    /// WorkingDirectory=-style path, with the '-' prefix when `dash`.
    status path(std::string_view key, std::string_view v, bool dash) {
        return line(key, [&] {
            if (dash) sink_.put('-');
            return put_path(sink_, v, key);
        });
    }
    status environment(std::string_view name, std::string_view v) {
        return line("Environment", [&] {
            return put_environment_assignment(sink_, name, v, field_ref("Environment", name));
        });
    }
    /// An Exec* line; `argv` (non-empty) is any range of strings or string views.
    template <class Argv>
    status exec(std::string_view key, const Argv& argv, bool dash) {
        return line(key, [&]() -> status {
            if (dash) sink_.put('-');
            std::size_t i = 0;
            for (const auto& arg : argv) {
                if (i > 0) sink_.put(' ');
                if (auto ok = i == 0 ? put_exec_executable(sink_, arg, field_ref(key, i))
                                     : put_exec_argument(sink_, arg, field_ref(key, i));
                    !ok)
                    return ok;
                ++i;
            }
            return {};
        });
    }

  private:
    status checked(status ok, std::string_view v) {
        if (ok) sink_.put(v);
        return ok;
    }

    template <class F>
    status line(std::string_view key, F&& value) {
        const std::size_t before = out_->size();
        out_->append(key);
        out_->push_back('=');
        if (auto ok = value(); !ok) return ok;
        if (const std::size_t n = out_->size() - before; n >= max_line_length)
            return make_error(
                errc::out_of_range, std::string(key),
                "the line would be " + std::to_string(n) + " bytes; systemd refuses lines of 1 MiB or more");
        out_->push_back('\n');
        return {};
    }

    std::string* out_;
    string_sink sink_;
    bool first_ = true;
};

}  // namespace detail

/// A typed, validating writer for one systemd unit file. Setters record; build() validates,
/// escapes and renders. Sections: Unit, Service, Install, then others in first-use order;
/// directives in the order the setters were called (a scalar set twice keeps its first place).
class unit_builder {
  public:
    // ---- [Unit] -------------------------------------------------------------------------
    /// Description= (literal text, one line).
    unit_builder& description(std::string text) {
        return scalar("Unit", "Description", kind::literal, std::move(text));
    }
    /// After= (one unit per call; repeated calls add lines).
    unit_builder& after(std::string unit) {
        return append("Unit", "After", kind::unit_name, {std::move(unit)});
    }
    /// Wants= (one unit per call).
    unit_builder& wants(std::string unit) {
        return append("Unit", "Wants", kind::unit_name, {std::move(unit)});
    }
    /// Before= (one unit per call).
    unit_builder& before(std::string unit) {
        return append("Unit", "Before", kind::unit_name, {std::move(unit)});
    }
    /// StartLimitIntervalSec= (0 disables the start rate limit).
    unit_builder& start_limit_interval_sec(std::chrono::milliseconds span) {
        return scalar("Unit", "StartLimitIntervalSec", kind::trusted, detail::format_time_span(span),
                      span.count() < 0);
    }
    /// StartLimitIntervalSec= as a systemd time span string ("10s", "infinity").
    unit_builder& start_limit_interval_sec(std::string_view span) {
        return scalar("Unit", "StartLimitIntervalSec", kind::time_span, std::string(span));
    }
    /// StartLimitBurst=.
    unit_builder& start_limit_burst(unsigned burst) {
        return scalar("Unit", "StartLimitBurst", kind::trusted, std::to_string(burst));
    }

    // ---- [Service] ----------------------------------------------------------------------
    /// Type=.
    unit_builder& type(service_type t) {
        return scalar("Service", "Type", kind::trusted, std::string(to_string(t)));
    }
    /// ExecStart=: argv[0] is the absolute executable; every argument arrives byte-exact.
    unit_builder& exec_start(std::vector<std::string> argv) {
        return append("Service", "ExecStart", kind::exec, std::move(argv));
    }
    /// ExecReload=.
    unit_builder& exec_reload(std::vector<std::string> argv) {
        return append("Service", "ExecReload", kind::exec, std::move(argv));
    }
    /// ExecStopPost=, with the '-' prefix when `ignore_failure`.
    unit_builder& exec_stop_post(std::vector<std::string> argv, bool ignore_failure = false) {
        return append("Service", "ExecStopPost", kind::exec, std::move(argv), ignore_failure);
    }
    /// WorkingDirectory=, with the '-' prefix when `missing_ok` (a missing directory is not fatal).
    unit_builder& working_directory(std::string path, bool missing_ok = false) {
        return scalar("Service", "WorkingDirectory", kind::working_directory, std::move(path), false,
                      missing_ok);
    }
    /// Environment="NAME=value", one line per variable; a name given twice is an error at build().
    unit_builder& environment(std::string name, std::string value) {
        return append("Service", "Environment", kind::environment, {std::move(name), std::move(value)});
    }
    /// User=.
    unit_builder& user(std::string name) {
        return scalar("Service", "User", kind::user_name, std::move(name));
    }
    /// Group=.
    unit_builder& group(std::string name) {
        return scalar("Service", "Group", kind::user_name, std::move(name));
    }
    /// Restart=.
    unit_builder& restart(restart_policy p) {
        return scalar("Service", "Restart", kind::trusted, std::string(to_string(p)));
    }
    /// RestartSec=.
    unit_builder& restart_sec(std::chrono::milliseconds span) { return time_scalar("RestartSec", span); }
    /// RestartSec= as a time span string.
    unit_builder& restart_sec(std::string_view span) {
        return scalar("Service", "RestartSec", kind::time_span, std::string(span));
    }
    /// TimeoutStopSec=.
    unit_builder& timeout_stop_sec(std::chrono::milliseconds span) {
        return time_scalar("TimeoutStopSec", span);
    }
    /// TimeoutStopSec= as a time span string ("infinity").
    unit_builder& timeout_stop_sec(std::string_view span) {
        return scalar("Service", "TimeoutStopSec", kind::time_span, std::string(span));
    }
    /// KillMode=.
    unit_builder& kill_mode(systemd::kill_mode m) {
        return scalar("Service", "KillMode", kind::trusted, std::string(to_string(m)));
    }
    /// KillSignal= ("SIGTERM", "SIGINT", "SIGRTMIN+3", ...).
    unit_builder& kill_signal(std::string name) {
        return scalar("Service", "KillSignal", kind::signal, std::move(name));
    }
    /// SuccessExitStatus= (exit codes 0..255).
    unit_builder& success_exit_status(const std::vector<int>& codes) {
        return exit_codes("SuccessExitStatus", codes);
    }
    /// RestartForceExitStatus= (exit codes 0..255).
    unit_builder& restart_force_exit_status(const std::vector<int>& codes) {
        return exit_codes("RestartForceExitStatus", codes);
    }
    /// RestartPreventExitStatus= (exit codes 0..255).
    unit_builder& restart_prevent_exit_status(const std::vector<int>& codes) {
        return exit_codes("RestartPreventExitStatus", codes);
    }
    /// WatchdogSec=.
    unit_builder& watchdog_sec(std::chrono::milliseconds span) { return time_scalar("WatchdogSec", span); }
    /// WatchdogSec= as a time span string ("60s").
    unit_builder& watchdog_sec(std::string_view span) {
        return scalar("Service", "WatchdogSec", kind::time_span, std::string(span));
    }
    /// NotifyAccess=.
    unit_builder& notify_access(systemd::notify_access a) {
        return scalar("Service", "NotifyAccess", kind::trusted, std::string(to_string(a)));
    }
    /// StandardOutput= ("journal", "null", "append:/var/log/x.log", ...).
    unit_builder& standard_output(std::string spec) {
        return scalar("Service", "StandardOutput", kind::output, std::move(spec));
    }
    /// StandardError=.
    unit_builder& standard_error(std::string spec) {
        return scalar("Service", "StandardError", kind::output, std::move(spec));
    }

    // ---- [Install] ----------------------------------------------------------------------
    /// WantedBy= (one unit per call).
    unit_builder& wanted_by(std::string unit) {
        return append("Install", "WantedBy", kind::unit_name, {std::move(unit)});
    }

    /// Any other directive; the value is literal text (specifiers escaped), validated like Description.
    unit_builder& set(std::string section, std::string key, std::string value) {
        directives_.push_back(
            directive{std::move(section), std::move(key), kind::literal, {std::move(value)}, false, true});
        return *this;
    }

    /// Renders the unit, or returns the first invalid input with its field. Byte-stable.
    [[nodiscard]] result<std::string> build() const {
        if (auto ok = validate(); !ok) return unexpected_error(std::move(ok.error()));
        // One pass into a string reserved from the input sizes (escaping rarely adds a quarter).
        std::string out;
        out.reserve(estimated_size());
        detail::unit_writer writer(out);
        if (auto ok = write(writer); !ok) return unexpected_error(std::move(ok.error()));
        return out;
    }

  private:
    using kind = detail::value_kind;
    using directive = detail::directive;

    std::vector<directive> directives_;
    // Setter-time problems that have no value to validate later (a negative duration).
    std::optional<error> deferred_;

    unit_builder& append(std::string_view section, std::string key, kind k, std::vector<std::string> values,
                         bool flag = false) {
        directives_.push_back(
            directive{std::string(section), std::move(key), k, std::move(values), flag, false});
        return *this;
    }

    unit_builder& scalar(std::string_view section, std::string_view key, kind k, std::string value,
                         bool negative = false, bool flag = false) {
        if (negative && !deferred_)
            deferred_ = error{errc::out_of_range, std::string(key), "a duration cannot be negative"};
        for (directive& d : directives_)
            if (d.section == section && d.key == key && !d.custom) {
                d.kind = k;
                d.values = {std::move(value)};
                d.flag = flag;
                return *this;
            }
        directives_.push_back(
            directive{std::string(section), std::string(key), k, {std::move(value)}, flag, false});
        return *this;
    }

    unit_builder& time_scalar(std::string_view key, std::chrono::milliseconds span) {
        return scalar("Service", key, kind::trusted, detail::format_time_span(span), span.count() < 0);
    }

    unit_builder& exit_codes(std::string_view key, const std::vector<int>& codes) {
        std::string value;
        for (const int c : codes) {
            if ((c < 0 || c > 255) && !deferred_)
                deferred_ = error{errc::out_of_range, std::string(key),
                                  "exit status " + std::to_string(c) + " is outside 0..255"};
            if (!value.empty()) value.push_back(' ');
            value.append(std::to_string(c));
        }
        if (codes.empty() && !deferred_)
            deferred_ = error{errc::empty_value, std::string(key), "give at least one exit status"};
        return scalar("Service", key, kind::trusted, std::move(value));
    }

    /// The unescaped size of the unit plus a quarter: build()'s one reservation.
    [[nodiscard]] std::size_t estimated_size() const noexcept {
        std::size_t n = 48;  // the three fixed section headers and the blank lines between them
        for (const directive& d : directives_) {
            n += d.key.size() + 3;
            for (const std::string& v : d.values) n += v.size() + 4;
            if (d.custom) n += d.section.size() + 4;
        }
        return n + n / 4;
    }

    /// Whole-unit rules that no single value can check.
    [[nodiscard]] detail::status validate() const {
        if (deferred_) return unexpected_error(*deferred_);
        std::size_t exec_starts = 0;
        bool oneshot = false;
        for (std::size_t i = 0; i < directives_.size(); ++i) {
            const directive& d = directives_[i];
            if (d.key == "ExecStart" && d.kind == kind::exec) ++exec_starts;
            if (d.key == "Type" && d.kind == kind::trusted) oneshot = d.values[0] == "oneshot";
            if (d.kind == kind::environment)
                for (std::size_t j = 0; j < i; ++j)
                    if (directives_[j].kind == kind::environment && directives_[j].values[0] == d.values[0])
                        return make_error(errc::duplicate, detail::indexed_field("Environment", d.values[0]),
                                          "variable " + d.values[0] + " is set twice; set it once");
            if (d.kind == kind::exec && d.values.empty())
                return make_error(errc::empty_value, d.key,
                                  "the command line is empty; give at least the executable");
        }
        if (exec_starts == 0)
            return make_error(errc::missing_field, "ExecStart",
                              "a service needs ExecStart=; call exec_start()");
        if (exec_starts > 1 && !oneshot)
            return make_error(errc::invalid_value, "ExecStart",
                              "only Type=oneshot services may have more than one ExecStart= (got " +
                                  std::to_string(exec_starts) + ")");
        return {};
    }

    /// One directive through the writer: each value kind maps to one grammar there.
    static detail::status write_directive(detail::unit_writer& w, const directive& d) {
        const std::string_view key = d.key;
        const std::string& v = d.values[0];
        switch (d.kind) {
            case kind::literal: return w.literal(key, v);
            case kind::path: return w.path(key, v, false);
            case kind::working_directory: return w.path(key, v, d.flag);
            case kind::exec: return w.exec(key, d.values, d.flag);
            case kind::environment: return w.environment(v, d.values[1]);
            case kind::unit_name: return w.unit_name(key, v);
            case kind::user_name: return w.user_name(key, v);
            case kind::output: return w.output(key, v);
            case kind::time_span: return w.time_span(key, v);
            case kind::signal: return w.signal(key, v);
            case kind::trusted: return w.trusted(key, v);
        }
        return {};
    }

    detail::status write_section(detail::unit_writer& w, std::string_view section) const {
        bool opened = false;
        for (const directive& d : directives_) {
            if (d.section != section) continue;
            if (d.custom) {
                if (auto ok = detail::check_directive_name(section, "section " + std::string(section)); !ok)
                    return ok;
                if (auto ok = detail::check_directive_name(d.key, d.key.empty() ? std::string("key") : d.key);
                    !ok)
                    return ok;
            }
            if (!opened) w.section(section);
            opened = true;
            if (auto ok = write_directive(w, d); !ok) return ok;
        }
        return {};
    }

    detail::status write(detail::unit_writer& w) const {
        for (const std::string_view fixed :
             {std::string_view("Unit"), std::string_view("Service"), std::string_view("Install")})
            if (auto ok = write_section(w, fixed); !ok) return ok;
        for (std::size_t i = 0; i < directives_.size(); ++i) {
            const std::string& s = directives_[i].section;
            if (s == "Unit" || s == "Service" || s == "Install") continue;
            bool seen = false;
            for (std::size_t j = 0; j < i && !seen; ++j) seen = directives_[j].section == s;
            if (seen) continue;
            if (auto ok = write_section(w, s); !ok) return ok;
        }
        return {};
    }
};
}  // namespace systemd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
