// SPDX-License-Identifier: MIT
// systemd unit files: a typed writer (unit_builder) and its inverse readers (parse_unit,
// split_command_line, split_environment), plus systemd-escape's unit-name escaping.
#pragma once

#include <chrono>       // std::chrono::milliseconds
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t
#include <optional>     // std::optional
#include <set>          // std::set
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair, std::move
#include <vector>       // std::vector

#include "detail/escape.hpp"
#include "detail/utf8.hpp"
#include "error.hpp"

namespace hermes::service {
inline namespace v1 {
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

/// systemd's LONG_LINE_MAX: a longer line makes the whole unit fail to load.
inline constexpr std::size_t max_line_length = std::size_t{1024} * 1024;

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

/// Field name used in errors: "ExecStart[2]", "Environment[HOME]", "WorkingDirectory".
inline std::string indexed_field(std::string_view key, std::string_view index) {
    std::string f(key);
    f.append("[").append(index).append("]");
    return f;
}

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

// ================================ reading ================================================

/// One `Key=value` line of a unit file (value whitespace-trimmed, continuations joined).
struct unit_entry {
    std::string section;
    std::string key;
    std::string value;
    std::size_t line;  ///< 1-based line where the directive starts
};

/// A parsed unit file: sections and entries in file order, as systemd 252 reads them.
class unit_file {
  public:
    /// Section names in first-appearance order (a repeated header merges into the first).
    [[nodiscard]] const std::vector<std::string>& sections() const noexcept { return sections_; }
    /// Every assignment in file order.
    [[nodiscard]] const std::vector<unit_entry>& entries() const noexcept { return entries_; }
    /// Lines systemd would ignore with a warning (no '=', outside a section, not UTF-8).
    [[nodiscard]] const std::vector<std::string>& warnings() const noexcept { return warnings_; }

    /// The last assignment of section.key; nullopt when unset or reset by an empty assignment.
    [[nodiscard]] std::optional<std::string> value(std::string_view section, std::string_view key) const {
        for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
            if (it->section == section && it->key == key) {
                if (it->value.empty()) return std::nullopt;
                return it->value;
            }
        return std::nullopt;
    }

    /// All assignments of a list setting, after the last empty assignment (which resets the list).
    [[nodiscard]] std::vector<std::string> values(std::string_view section, std::string_view key) const {
        std::vector<std::string> out;
        for (const unit_entry& e : entries_) {
            if (e.section != section || e.key != key) continue;
            if (e.value.empty()) {
                out.clear();
            } else {
                out.push_back(e.value);
            }
        }
        return out;
    }

  private:
    friend result<unit_file> parse_unit(std::string_view text);
    std::vector<std::string> sections_;
    std::vector<unit_entry> entries_;
    std::vector<std::string> warnings_;
};

namespace detail {

/// systemd's WHITESPACE set.
[[nodiscard]] constexpr bool is_unit_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

[[nodiscard]] constexpr std::string_view strip(std::string_view s) noexcept {
    while (!s.empty() && is_unit_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_unit_space(s.back())) s.remove_suffix(1);
    return s;
}

/// Returns the next physical line and advances; systemd ends lines at LF, CR, CRLF and NUL.
[[nodiscard]] constexpr std::string_view next_line(std::string_view text, std::size_t& pos) noexcept {
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != '\n' && text[pos] != '\r' && text[pos] != '\0') ++pos;
    const std::string_view line = text.substr(start, pos - start);
    if (pos < text.size()) {
        if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
        ++pos;
    }
    return line;
}

}  // namespace detail

/// Parses unit text as systemd 252 does: comments (`#`, `;`) skipped even inside continuations,
/// an odd number of trailing backslashes joins the next line (the backslash becomes a space),
/// whitespace around keys and values trimmed. Fails where systemd refuses the whole file.
[[nodiscard]] inline result<unit_file> parse_unit(std::string_view text) {
    unit_file file;
    std::string current_section;
    bool have_section = false;
    std::set<std::string, std::less<>> seen_sections;  // a repeated header must not cost a scan of all
    // One logical line (continuations joined): a header, an assignment, or something ignored.
    const auto process = [&](std::string_view logical, std::size_t line) -> detail::status {
        const std::string_view l = detail::strip(logical);
        if (l.empty()) return {};
        const std::string where = "line " + std::to_string(line);
        if (detail::find_invalid_utf8(l) != std::string_view::npos) {
            file.warnings_.push_back(where + ": not UTF-8 clean, ignored");
        } else if (l.front() == '[') {
            bool safe = l.size() >= 2 && l.back() == ']';
            for (std::size_t i = 1; safe && i + 1 < l.size(); ++i)
                safe = !detail::is_control(static_cast<unsigned char>(l[i])) && l[i] != '"' && l[i] != '\'' &&
                       l[i] != '\\';
            if (!safe)
                return make_error(errc::parse_error, where,
                                  "invalid section header \"" + detail::printable(l) +
                                      "\" (a header must be the whole line)");
            current_section = std::string(l.substr(1, l.size() - 2));
            have_section = true;
            if (seen_sections.insert(current_section).second) file.sections_.push_back(current_section);
        } else if (l.front() == '.') {
            file.warnings_.push_back(where + ": '.include' is not supported, ignored");
        } else if (const std::size_t eq = l.find('='); eq == std::string_view::npos) {
            file.warnings_.push_back(where + ": missing '=', ignored");
        } else if (!have_section) {
            file.warnings_.push_back(where + ": assignment outside of a section, ignored");
        } else {
            file.entries_.push_back(unit_entry{current_section, std::string(detail::strip(l.substr(0, eq))),
                                               std::string(detail::strip(l.substr(eq + 1))), line});
        }
        return {};
    };
    std::string continuation;
    bool continuing = false;
    std::size_t start_line = 0;
    std::size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    for (std::size_t line_no = 1; pos < text.size(); ++line_no) {
        const std::string_view raw = detail::next_line(text, pos);
        if (raw.size() >= detail::max_line_length)
            return make_error(errc::parse_error, "line " + std::to_string(line_no),
                              "is longer than systemd's 1 MiB line limit");
        std::string_view first = raw;
        while (!first.empty() && detail::is_unit_space(first.front())) first.remove_prefix(1);
        if (!first.empty() && (first.front() == '#' || first.front() == ';'))
            continue;  // even mid-continuation
        if (!continuing) start_line = line_no;
        continuation.append(raw);
        if (continuation.size() >= detail::max_line_length)
            return make_error(errc::parse_error, "line " + std::to_string(start_line),
                              "the continued line is longer than systemd's 1 MiB line limit");
        // The line continues when it ends in an odd run of backslashes. Only the run is scanned: the
        // joined text before this line ends in a space, so the run lies within `raw` (linear time).
        std::size_t run = 0;
        while (run < continuation.size() && continuation[continuation.size() - 1 - run] == '\\') ++run;
        if (run % 2 == 1) {  // an odd number of trailing backslashes: the last becomes a space
            continuation.back() = ' ';
            continuing = true;
            continue;
        }
        continuing = false;
        if (auto ok = process(continuation, start_line); !ok) return unexpected_error(std::move(ok.error()));
        continuation.clear();
    }
    if (continuing)  // a trailing backslash on the last line is harmless
        if (auto ok = process(continuation, start_line); !ok) return unexpected_error(std::move(ok.error()));
    return file;
}

namespace detail {

/// systemd's cunescape_one: decodes the escape after a backslash at `s[0]`; returns the number of
/// characters consumed after the backslash, or 0 when it is not a valid escape.
[[nodiscard]] inline std::size_t cunescape_one(std::string_view s, std::string& out) {
    if (s.empty()) return 0;
    switch (s[0]) {
        case 'a': out.push_back('\a'); return 1;
        case 'b': out.push_back('\b'); return 1;
        case 'f': out.push_back('\f'); return 1;
        case 'n': out.push_back('\n'); return 1;
        case 'r': out.push_back('\r'); return 1;
        case 't': out.push_back('\t'); return 1;
        case 'v': out.push_back('\v'); return 1;
        case '\\': out.push_back('\\'); return 1;
        case '"': out.push_back('"'); return 1;
        case '\'': out.push_back('\''); return 1;
        case 's': out.push_back(' '); return 1;
        case 'x': {
            if (s.size() < 3) return 0;
            const int a = hex_value(s[1]);
            const int b = hex_value(s[2]);
            if (a < 0 || b < 0 || (a == 0 && b == 0)) return 0;
            out.push_back(static_cast<char>((a << 4) | b));
            return 3;
        }
        case 'u':
        case 'U': {
            const std::size_t n = s[0] == 'u' ? 4 : 8;
            if (s.size() < n + 1) return 0;
            char32_t cp = 0;
            for (std::size_t i = 1; i <= n; ++i) {
                const int h = hex_value(s[i]);
                if (h < 0) return 0;
                cp = (cp << 4) | static_cast<char32_t>(h);
            }
            if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
            append_utf8(out, cp);
            return n + 1;
        }
        default: break;
    }
    if (s[0] >= '0' && s[0] <= '7') {
        if (s.size() < 3) return 0;
        int m = 0;
        for (std::size_t i = 0; i < 3; ++i) {
            if (s[i] < '0' || s[i] > '7') return 0;
            m = m * 8 + (s[i] - '0');
        }
        if (m == 0 || m > 255) return 0;
        out.push_back(static_cast<char>(m));
        return 3;
    }
    return 0;
}

/// systemd's extract_first_word(UNQUOTE|CUNESCAPE|CUNESCAPE_RELAX when `relax`): the next word of
/// `rest`, or nullopt at the end. Unknown escapes are kept literally when `relax`, else an error.
[[nodiscard]] inline result<std::optional<std::string>> extract_word(std::string_view& rest, bool relax,
                                                                     std::string_view field) {
    std::size_t i = 0;
    while (i < rest.size() && is_unit_space(rest[i])) ++i;
    if (i == rest.size()) {
        rest = {};
        return std::optional<std::string>{};
    }
    std::string word;
    char quote = 0;
    for (; i < rest.size(); ++i) {
        const char c = rest[i];
        if (c == '\\') {
            if (i + 1 == rest.size()) {
                if (!relax)
                    return make_error(errc::parse_error, std::string(field), "ends in a lone backslash");
                word.push_back('\\');
                continue;
            }
            const std::size_t used = cunescape_one(rest.substr(i + 1), word);
            if (used == 0) {
                if (!relax)
                    return make_error(errc::parse_error, std::string(field),
                                      "has an unknown escape \"\\" + printable(rest.substr(i + 1, 1)) +
                                          "\" at " + describe_position(rest, i));
                word.push_back('\\');
                word.push_back(rest[i + 1]);
                ++i;
            } else {
                i += used;
            }
            continue;
        }
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            } else {
                word.push_back(c);
            }
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
            continue;
        }
        if (is_unit_space(c)) break;
        word.push_back(c);
    }
    if (quote != 0) return make_error(errc::parse_error, std::string(field), "has unbalanced quoting");
    while (i < rest.size() && is_unit_space(rest[i])) ++i;
    rest.remove_prefix(i);
    return std::optional<std::string>(std::move(word));
}

/// Resolves `%%`; any other specifier needs a unit context this library does not have.
[[nodiscard]] inline result<std::string> resolve_specifiers(std::string word, std::string_view field) {
    if (word.find('%') == std::string::npos) return word;
    std::string out;
    out.reserve(word.size());
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (word[i] != '%' || i + 1 == word.size()) {
            out.push_back(word[i]);
            continue;
        }
        const char next = word[i + 1];
        if (next == '%') {
            out.push_back('%');
            ++i;
        } else if (is_ascii_alnum(next)) {
            return make_error(errc::unrepresentable, std::string(field),
                              "uses the specifier %" + printable(std::string_view(&word[i + 1], 1)) +
                                  ", which only systemd can resolve (write %% for a literal %)");
        } else {
            out.push_back('%');
        }
    }
    return out;
}

/// Environment for exec-time expansion: (name, value) pairs, later ones win.
using environment_list = std::vector<std::pair<std::string, std::string>>;

[[nodiscard]] inline const std::string* find_variable(const environment_list& env, std::string_view name) {
    for (auto it = env.rbegin(); it != env.rend(); ++it)
        if (it->first == name) return &it->second;
    return nullptr;
}

/// systemd's exec-time replace_env_argv for one word, appending the result to `argv`: a whole-word
/// `$NAME` becomes the value split at whitespace (nothing when unset); `${NAME}` inside a word
/// becomes the value; `$$` becomes `$`. Without `env`, a reference is an error.
[[nodiscard]] inline status expand_word(std::string word, const environment_list* env, std::string_view field,
                                        std::vector<std::string>& argv) {
    if (word.find('$') == std::string::npos) {
        argv.push_back(std::move(word));
        return {};
    }
    const auto needs_env = [&](std::string_view what) {
        return make_error(errc::unrepresentable, std::string(field),
                          "refers to " + std::string(what) +
                              ", which systemd expands from the environment when it starts the process "
                              "(write $$ for a literal $)");
    };
    if (word.front() == '$' && (word.size() == 1 || (word[1] != '{' && word[1] != '$'))) {
        if (env == nullptr) return needs_env(word);
        if (const std::string* v = find_variable(*env, std::string_view(word).substr(1))) {
            std::string_view rest = *v;
            while (!rest.empty()) {
                std::size_t i = 0;
                while (i < rest.size() && is_unit_space(rest[i])) ++i;
                std::size_t j = i;
                while (j < rest.size() && !is_unit_space(rest[j])) ++j;
                if (j > i) argv.emplace_back(rest.substr(i, j - i));
                rest.remove_prefix(j);
            }
        }
        return {};
    }
    std::string out;
    out.reserve(word.size());
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (word[i] == '$' && i + 1 < word.size() && word[i + 1] == '$') {
            out.push_back('$');
            ++i;
        } else if (word[i] == '$' && i + 1 < word.size() && word[i + 1] == '{') {
            const std::size_t close = word.find('}', i);
            if (close == std::string::npos) return needs_env(word.substr(i));
            if (env == nullptr) return needs_env(word.substr(i, close - i + 1));
            if (const std::string* v =
                    find_variable(*env, std::string_view(word).substr(i + 2, close - i - 2)))
                out.append(*v);
            i = close;
        } else {
            out.push_back(word[i]);
        }
    }
    argv.push_back(std::move(out));
    return {};
}

[[nodiscard]] inline result<std::vector<std::string>> split_command_line(std::string_view value,
                                                                         const environment_list* env);

}  // namespace detail

/// The shared reader behind both split_command_line overloads.
[[nodiscard]] inline result<std::vector<std::string>> detail::split_command_line(
    std::string_view value, const environment_list* env) {
    std::string_view rest = value;
    auto first = detail::extract_word(rest, /*relax=*/true, "command line");
    if (!first) return unexpected_error(std::move(first.error()));
    if (!*first) return make_error(errc::empty_value, "command line", "is empty");
    std::string_view f = **first;
    bool separate_argv0 = false;
    bool no_env_expand = false;
    for (bool more = true; more && !f.empty();) {
        switch (f.front()) {
            case '@':
                more = !separate_argv0;
                separate_argv0 = true;
                break;
            case ':':
                more = !no_env_expand;
                no_env_expand = true;
                break;
            case '-':
            case '+':
            case '!': break;
            default: more = false;
        }
        if (more) f.remove_prefix(1);
    }
    auto path = detail::resolve_specifiers(std::string(f), "command line[0]");
    if (!path) return unexpected_error(std::move(path.error()));
    if (path->empty())
        return make_error(errc::empty_value, "command line[0]", "has an empty executable path");
    std::vector<std::string> argv;
    if (!separate_argv0) argv.push_back(*path);
    while (!rest.empty()) {
        if (rest[0] == ';' && (rest.size() == 1 || detail::is_unit_space(rest[1])))
            return make_error(errc::unrepresentable, "command line",
                              "holds more than one command (an unquoted ';' separates commands)");
        if (rest.size() >= 2 && rest[0] == '\\' && rest[1] == ';' &&
            (rest.size() == 2 || detail::is_unit_space(rest[2]))) {
            argv.emplace_back(";");
            rest.remove_prefix(2);
            while (!rest.empty() && detail::is_unit_space(rest.front())) rest.remove_prefix(1);
            continue;
        }
        const std::string field =
            "command line[" + std::to_string(argv.size() + (separate_argv0 ? 1 : 0)) + "]";
        auto word = detail::extract_word(rest, /*relax=*/true, field);
        if (!word) return unexpected_error(std::move(word.error()));
        if (!*word) break;
        auto resolved = detail::resolve_specifiers(std::move(**word), field);
        if (!resolved) return unexpected_error(std::move(resolved.error()));
        argv.push_back(std::move(*resolved));
    }
    if (argv.empty()) return make_error(errc::empty_value, "command line", "has no argv[0] after '@'");
    if (no_env_expand) return argv;
    std::vector<std::string> expanded;
    expanded.reserve(argv.size());
    for (std::size_t i = 0; i < argv.size(); ++i)
        if (auto ok = detail::expand_word(std::move(argv[i]), env, "command line[" + std::to_string(i) + "]",
                                          expanded);
            !ok)
            return unexpected_error(std::move(ok.error()));
    return expanded;
}

/// The argv systemd passes for one Exec* value: quotes removed, C escapes decoded, `%%` and `$$`
/// resolved, prefixes (`-`, `@`, `:`, `+`, `!`) applied. A specifier other than `%%`, a `$VAR`
/// reference (expanded by systemd at exec time), or a second command after `;` is an error.
[[nodiscard]] inline result<std::vector<std::string>> split_command_line(std::string_view value) {
    return detail::split_command_line(value, nullptr);
}

/// As above, expanding `$NAME` and `${NAME}` from `environment` as systemd does when it starts the
/// process (pairs as split_environment returns them; the last assignment of a name wins).
[[nodiscard]] inline result<std::vector<std::string>> split_command_line(
    std::string_view value, const std::vector<std::pair<std::string, std::string>>& environment) {
    return detail::split_command_line(value, &environment);
}

/// The variables of one Environment= value, in order, as systemd 252 reads them (quotes, C escapes,
/// `%%`; `$` literal). An empty value (a reset) gives an empty list.
[[nodiscard]] inline result<std::vector<std::pair<std::string, std::string>>> split_environment(
    std::string_view value) {
    std::vector<std::pair<std::string, std::string>> out;
    std::string_view rest = value;
    for (;;) {
        auto word = detail::extract_word(rest, /*relax=*/false, "Environment");
        if (!word) return unexpected_error(std::move(word.error()));
        if (!*word) return out;
        auto resolved = detail::resolve_specifiers(std::move(**word), "Environment");
        if (!resolved) return unexpected_error(std::move(resolved.error()));
        const std::size_t eq = resolved->find('=');
        if (eq == std::string::npos)
            return make_error(errc::parse_error, "Environment",
                              "\"" + *resolved + "\" is not a NAME=value assignment");
        std::string name = resolved->substr(0, eq);
        const std::string field = detail::indexed_field("Environment", name);
        if (auto ok = detail::check_environment_name(name, field); !ok)
            return unexpected_error(std::move(ok.error()));
        std::string val = resolved->substr(eq + 1);
        if (const std::size_t bad = detail::find_invalid_utf8(val); bad != std::string::npos)
            return detail::utf8_error(field, val, bad);
        out.emplace_back(std::move(name), std::move(val));
    }
}

/// `systemd-escape STRING`: '/' becomes '-', and every byte outside `[A-Za-z0-9:_.]` (and a
/// leading '.') becomes `\xNN`. An empty string is an error (it names no unit).
[[nodiscard]] inline result<std::string> escape_unit_name(std::string_view text) {
    if (text.empty()) return make_error(errc::empty_value, "unit name", "nothing to escape");
    std::string out;
    out.reserve(text.size());
    detail::string_sink sink{&out};
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '/') {
            out.push_back('-');
        } else if ((c == '.' && i == 0) || !(detail::is_ascii_alnum(c) || c == ':' || c == '_' || c == '.')) {
            detail::put_hex_escape(sink, static_cast<unsigned char>(c));
        } else {
            out.push_back(c);
        }
    }
    return out;
}

/// `systemd-escape -p PATH`: simplified, "/" becomes "-", leading and trailing slashes dropped, then
/// escape_unit_name. Relative paths and `..` segments are errors (not reversible).
[[nodiscard]] inline result<std::string> escape_unit_path(std::string_view path) {
    if (path.empty()) return make_error(errc::empty_value, "unit path", "the path is empty");
    if (path.front() != '/')
        return make_error(
            errc::relative_path, "unit path",
            "\"" + detail::printable(path) + "\" is not absolute, so its escape would not be reversible");
    std::string simplified;
    for (std::size_t start = 0; start <= path.size();) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view segment = path.substr(start, end - start);
        if (segment == "..")
            return make_error(
                errc::not_normalized, "unit path",
                "\"" + detail::printable(path) + "\" has a '..' segment; pass the resolved path");
        if (!segment.empty() && segment != ".") {
            if (!simplified.empty()) simplified.push_back('/');
            simplified.append(segment);
        }
        start = end + 1;
    }
    if (simplified.empty()) return std::string("-");
    return escape_unit_name(simplified);
}

}  // namespace systemd
}  // namespace v1
}  // namespace hermes::service
