// SPDX-License-Identifier: MIT
// systemd unit files: the typed, validating writers (unit_builder, and the shared setters dropin_builder
// uses), their enums, and quote_command_line.
#pragma once

#include <array>        // std::array, for enumerators()
#include <chrono>       // std::chrono::duration, for every duration setter
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint64_t
#include <limits>       // std::numeric_limits, for range checks
#include <optional>     // std::optional
#include <ratio>        // std::ratio_divide, std::micro
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::is_floating_point
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/buffer_sink.hpp"  // buffer_sink: unit_writer's output
#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
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

/// The kind of a unit: which sections it has and what build() requires.
enum class unit_kind { service, socket, timer, path, target };
/// The privilege prefix of an Exec* line: none, `+` (full privileges), `!` (ambient, no setuid
/// credentials), `!!` (ambient only where the kernel has no ambient capabilities).
enum class exec_privileges { normal, full, ambient, ambient_fallback };

/// The file suffix, e.g. "timer".
[[nodiscard]] constexpr std::string_view to_string(unit_kind k) noexcept {
    constexpr std::string_view names[] = {"service", "socket", "timer", "path", "target"};
    return names[static_cast<std::size_t>(k)];
}
/// The prefix spelling, e.g. "+" ("" for normal).
[[nodiscard]] constexpr std::string_view to_string(exec_privileges p) noexcept {
    constexpr std::string_view names[] = {"", "+", "!", "!!"};
    return names[static_cast<std::size_t>(p)];
}
/// Every unit_kind, for from_string<unit_kind>.
[[nodiscard]] constexpr std::array<unit_kind, 5> enumerators(unit_kind /*tag*/) noexcept {
    return {unit_kind::service, unit_kind::socket, unit_kind::timer, unit_kind::path, unit_kind::target};
}
/// Every exec_privileges, for from_string<exec_privileges>.
[[nodiscard]] constexpr std::array<exec_privileges, 4> enumerators(exec_privileges /*tag*/) noexcept {
    using p = exec_privileges;
    return {p::normal, p::full, p::ambient, p::ambient_fallback};
}

/// The prefixes of one Exec* line (systemd.service(5), "Table 1"), e.g. `exec_flags{true}` for `-`.
struct exec_flags {
    bool ignore_failure = false;            ///< `-`: a failing exit status is recorded but not fatal
    bool separate_argv0 = false;            ///< `@`: argv[1] is passed to the process as its argv[0]
    bool no_environment_expansion = false;  ///< `:`: `$` is literal (variable() tokens are refused)
    exec_privileges privileges = exec_privileges::normal;  ///< `+`, `!` or `!!`
};

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
    calendar,           ///< OnCalendar= event (charset checked, `%%`)
    listen_address,     ///< ListenStream=/ListenDatagram=: absolute path, or port/address text
    reset,              ///< the empty assignment that clears a list (drop-ins)
    trusted,            ///< produced by this library (enum spellings, numbers): written as is
};

struct directive {
    std::string section;
    std::string key;
    value_kind kind;
    std::vector<std::string> values;  ///< exec: argv; environment: {name, value}; else {value}
    bool flag = false;                ///< working_directory: missing ok
    bool custom = false;              ///< from set()/add()/reset(): checked against the kind at build()
    systemd::exec_flags prefixes{};   ///< exec: the line's prefixes
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

/// A duration as systemd time-span text: whole seconds "5", else "1500ms", else "1500us"; an error
/// when negative, finer than systemd's microsecond, not finite, or beyond its 64-bit microseconds.
template <class Rep, class Period>
[[nodiscard]] result<std::string> format_duration(std::chrono::duration<Rep, Period> span,
                                                  std::string_view field) {
    using micro_ratio = std::ratio_divide<Period, std::micro>;  // span.count() * num / den microseconds
    std::int64_t us = 0;
    const auto too_large = [&] {
        return make_error(errc::out_of_range, std::string(field),
                          "the duration is beyond what systemd stores (64-bit microseconds)");
    };
    if constexpr (std::is_floating_point<Rep>::value) {
        const long double v = static_cast<long double>(span.count()) * micro_ratio::num / micro_ratio::den;
        if (!(v == v) || v < 0)  // NaN or negative
            return make_error(errc::out_of_range, std::string(field), "a duration cannot be negative");
        if (v >= 9.2e18L) return too_large();
        us = static_cast<std::int64_t>(v);
        if (static_cast<long double>(us) != v)
            return make_error(
                errc::unrepresentable, std::string(field),
                "the duration has a fraction of a microsecond; systemd counts whole microseconds");
    } else {
        const auto count = span.count();
        if (count < 0)
            return make_error(errc::out_of_range, std::string(field), "a duration cannot be negative");
        const auto n = static_cast<std::uint64_t>(count);
        constexpr auto num = static_cast<std::uint64_t>(micro_ratio::num);
        constexpr auto den = static_cast<std::uint64_t>(micro_ratio::den);
        if (n % den != 0)
            return make_error(
                errc::unrepresentable, std::string(field),
                "the duration has a fraction of a microsecond; systemd counts whole microseconds");
        const std::uint64_t whole = n / den;
        if (whole > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / num)
            return too_large();
        us = static_cast<std::int64_t>(whole * num);
    }
    if (us % 1000000 == 0) return std::to_string(us / 1000000);
    if (us % 1000 == 0) return std::to_string(us / 1000) + "ms";
    return std::to_string(us) + "us";
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

/// The words of a command line: the executable, then the arguments (`$` literal and variable() refused
/// under `:`); with `@`, argv needs at least the executable and argv[0].
template <class Sink, class Argv>
status put_command_line(Sink& sink, std::string_view key, const Argv& argv,
                        const systemd::exec_flags& flags) {
    std::size_t i = 0;
    for (const auto& arg : argv) {
        if (i > 0) sink.put(' ');
        const field_ref field(key, i);
        status ok;
        if (i == 0) {
            ok = put_exec_executable(sink, arg, field);
        } else if (!flags.no_environment_expansion) {
            ok = put_exec_argument(sink, arg, field);
        } else if (!std::string_view(arg).empty() && std::string_view(arg).front() == variable_marker) {
            ok =
                make_error(errc::not_allowed, std::string(field),
                           "a variable() cannot be expanded under the ':' prefix (no_environment_expansion)");
        } else {
            ok = put_quoted_word(sink, arg, field, /*double_dollar=*/false, "a command-line argument");
        }
        if (!ok) return ok;
        ++i;
    }
    if (i == 0)
        return make_error(errc::empty_value, std::string(key),
                          "the command line is empty; give at least the executable");
    if (flags.separate_argv0 && i < 2)
        return make_error(errc::empty_value, std::string(key),
                          "with '@' (separate_argv0) give the executable and then the process's argv[0]");
    return {};
}

/// Writes directives straight into a string in call order, each validated and escaped exactly as
/// unit_builder::build() writes it, with no directive list in between (no allocation beyond the
/// output's). For callers with a fixed layout (the gateway); unit_builder's ordering, deduplication and
/// whole-unit checks (one ExecStart=, distinct Environment= names, non-empty argv) are theirs to keep.
/// A class template only so that its members are compiled where a writer is used (issue 9); use it
/// through the unit_writer alias.
template <class Tag>
class basic_unit_writer {
  public:
    /// Appends to `out`, which holds the text written once finish() ran or the writer is gone.
    explicit basic_unit_writer(std::string& out) : sink_(out) {}

    /// Cuts `out` to the text written; call before reading `out` while the writer lives.
    void finish() { sink_.finish(); }

    /// `[name]`, preceded by a blank line unless it is the first section.
    void section(std::string_view name) {
        if (!first_) sink_.put('\n');
        first_ = false;
        sink_.put('[');
        sink_.put(name);
        sink_.put("]\n");
    }

    /// An empty line inside a section (layout only: systemd skips it).
    void blank_line() { sink_.put('\n'); }

    /// Whole lines of constant text, e.g. "KillMode=mixed\n"; the caller guarantees they are exactly
    /// what the validating calls would write (a test compares them), so no check is repeated per call.
    void constant_lines(std::string_view text) { sink_.put(text); }

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
        systemd::exec_flags flags;
        flags.ignore_failure = dash;
        return exec(key, argv, flags);
    }
    /// An Exec* line with its prefixes: `-@:` then `+`, `!` or `!!`.
    template <class Argv>
    status exec(std::string_view key, const Argv& argv, const systemd::exec_flags& flags) {
        return line(key, [&]() -> status {
            if (flags.ignore_failure) sink_.put('-');
            if (flags.separate_argv0) sink_.put('@');
            if (flags.no_environment_expansion) sink_.put(':');
            sink_.put(to_string(flags.privileges));
            return put_command_line(sink_, key, argv, flags);
        });
    }
    /// `Key=`: the empty assignment that clears a list setting.
    status reset(std::string_view key) {
        return line(key, [] { return status{}; });
    }
    /// OnCalendar=: the characters calendar events use, written with `%%`.
    status calendar(std::string_view key, std::string_view v) {
        return line(key, [&]() -> status {
            if (auto ok = check_unquoted(v, key, "a calendar event"); !ok) return ok;
            for (std::size_t i = 0; i < v.size(); ++i)
                if (!is_ascii_alnum(v[i]) &&
                    std::string_view("*,./:~ +-").find(v[i]) == std::string_view::npos)
                    return name_error(key, v, i,
                                      "calendar events use letters, digits, spaces and * , . / : ~ + - "
                                      "(see systemd.time(7))");
            put_percent_doubled(sink_, v);
            return {};
        });
    }
    /// ListenStream=/ListenDatagram=: an absolute socket path, or a port, address or other literal form.
    status listen_address(std::string_view key, std::string_view v) {
        return line(key, [&]() -> status {
            if (!v.empty() && v.front() == '/') return put_path(sink_, v, key);
            if (v.empty()) return make_error(errc::empty_value, std::string(key), "the address is empty");
            if (v.find(' ') != std::string_view::npos)
                return make_error(errc::invalid_value, std::string(key),
                                  "\"" + printable(v) +
                                      "\" has a space; give a port, an address:port, "
                                      "an absolute path or @abstract");
            return put_literal(sink_, v, key);
        });
    }

  private:
    status checked(status ok, std::string_view v) {
        if (ok) sink_.put(v);
        return ok;
    }

    template <class F>
    status line(std::string_view key, F&& value) {
        const std::size_t before = sink_.size();
        sink_.put(key);
        sink_.put('=');
        if (auto ok = value(); !ok) return ok;
        if (const std::size_t n = sink_.size() - before; n >= max_line_length)
            return make_error(
                errc::out_of_range, std::string(key),
                "the line would be " + std::to_string(n) + " bytes; systemd refuses lines of 1 MiB or more");
        sink_.put('\n');
        return {};
    }

    buffer_sink sink_;
    bool first_ = true;
};

/// basic_unit_writer's only argument.
struct unit_writer_tag;
/// The streaming unit writer (see basic_unit_writer).
using unit_writer = basic_unit_writer<unit_writer_tag>;

}  // namespace detail

namespace detail {

/// The section holding a kind's own settings ("Service", "Timer", ...; "" for a target).
[[nodiscard]] constexpr std::string_view kind_section(unit_kind k) noexcept {
    constexpr std::string_view names[] = {"Service", "Socket", "Timer", "Path", ""};
    return names[static_cast<std::size_t>(k)];
}

/// Whether a unit of kind `k` has section `s`: Unit, Install, its own section, or any `X-` section.
[[nodiscard]] constexpr bool has_section(unit_kind k, std::string_view s) noexcept {
    return s == "Unit" || s == "Install" || (!kind_section(k).empty() && s == kind_section(k)) ||
           s.substr(0, 2) == "X-";
}

/// A directive a typed setter writes: set() and add() refuse it and name the setter.
struct owned_key {
    std::string_view section;
    std::string_view key;
    std::string_view setter;
};
inline constexpr owned_key owned_keys[] = {
    {"Unit", "Description", "description()"},
    {"Unit", "After", "after()"},
    {"Unit", "Wants", "wants()"},
    {"Unit", "Before", "before()"},
    {"Unit", "StartLimitIntervalSec", "start_limit_interval_sec()"},
    {"Unit", "StartLimitBurst", "start_limit_burst()"},
    {"Service", "Type", "type()"},
    {"Service", "ExecStart", "exec_start()"},
    {"Service", "ExecStartPre", "exec_start_pre()"},
    {"Service", "ExecStartPost", "exec_start_post()"},
    {"Service", "ExecCondition", "exec_condition()"},
    {"Service", "ExecStop", "exec_stop()"},
    {"Service", "ExecReload", "exec_reload()"},
    {"Service", "ExecStopPost", "exec_stop_post()"},
    {"Service", "WorkingDirectory", "working_directory()"},
    {"Service", "Environment", "environment()"},
    {"Service", "User", "user()"},
    {"Service", "Group", "group()"},
    {"Service", "Restart", "restart()"},
    {"Service", "RestartSec", "restart_sec()"},
    {"Service", "TimeoutStartSec", "timeout_start_sec()"},
    {"Service", "TimeoutStopSec", "timeout_stop_sec()"},
    {"Service", "KillMode", "kill_mode()"},
    {"Service", "KillSignal", "kill_signal()"},
    {"Service", "SuccessExitStatus", "success_exit_status()"},
    {"Service", "RestartForceExitStatus", "restart_force_exit_status()"},
    {"Service", "RestartPreventExitStatus", "restart_prevent_exit_status()"},
    {"Service", "WatchdogSec", "watchdog_sec()"},
    {"Service", "NotifyAccess", "notify_access()"},
    {"Service", "StandardOutput", "standard_output()"},
    {"Service", "StandardError", "standard_error()"},
    {"Timer", "OnActiveSec", "on_active_sec()"},
    {"Timer", "OnBootSec", "on_boot_sec()"},
    {"Timer", "OnStartupSec", "on_startup_sec()"},
    {"Timer", "OnUnitActiveSec", "on_unit_active_sec()"},
    {"Timer", "OnUnitInactiveSec", "on_unit_inactive_sec()"},
    {"Timer", "OnCalendar", "on_calendar()"},
    {"Timer", "Persistent", "persistent()"},
    {"Timer", "RandomizedDelaySec", "randomized_delay_sec()"},
    {"Timer", "AccuracySec", "accuracy_sec()"},
    {"Timer", "Unit", "unit()"},
    {"Socket", "ListenStream", "listen_stream()"},
    {"Socket", "ListenDatagram", "listen_datagram()"},
    {"Socket", "Accept", "accept()"},
    {"Socket", "SocketUser", "socket_user()"},
    {"Socket", "SocketGroup", "socket_group()"},
    {"Socket", "SocketMode", "socket_mode()"},
    {"Socket", "Service", "service()"},
    {"Path", "PathExists", "path_exists()"},
    {"Path", "PathChanged", "path_changed()"},
    {"Path", "PathModified", "path_modified()"},
    {"Path", "DirectoryNotEmpty", "directory_not_empty()"},
    {"Path", "Unit", "unit()"},
    {"Install", "WantedBy", "wanted_by()"},
};

/// The typed setter that owns section.key, or nullptr.
[[nodiscard]] constexpr const owned_key* find_owned_key(std::string_view section,
                                                        std::string_view key) noexcept {
    for (const owned_key& o : owned_keys)
        if (o.section == section && o.key == key) return &o;
    return nullptr;
}

/// The setters unit_builder and dropin_builder share: they record directives in call order; the
/// derived builder's build() validates and renders them. `Derived` is the builder (returned by reference).
template <class Derived>
class unit_setters {
  public:
    // ---- [Unit] -------------------------------------------------------------------------
    /// Description= (literal text, one line).
    Derived& description(std::string text) {
        return scalar("Unit", "Description", kind::literal, std::move(text));
    }
    /// After= (one unit per call; repeated calls add lines).
    Derived& after(std::string unit) { return append("Unit", "After", kind::unit_name, {std::move(unit)}); }
    /// Wants= (one unit per call).
    Derived& wants(std::string unit) { return append("Unit", "Wants", kind::unit_name, {std::move(unit)}); }
    /// Before= (one unit per call).
    Derived& before(std::string unit) { return append("Unit", "Before", kind::unit_name, {std::move(unit)}); }
    /// StartLimitIntervalSec= (0 disables the start rate limit); any std::chrono::duration.
    template <class Rep, class Period>
    Derived& start_limit_interval_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Unit", "StartLimitIntervalSec", span, false);
    }
    /// StartLimitIntervalSec= as a systemd time span string ("10s", "infinity").
    Derived& start_limit_interval_sec(std::string_view span) {
        return scalar("Unit", "StartLimitIntervalSec", kind::time_span, std::string(span));
    }
    /// StartLimitBurst= (0..4294967295, what systemd 252 reads; 0 disables the limit).
    Derived& start_limit_burst(long long burst) {
        return count("Unit", "StartLimitBurst", burst, 0, std::numeric_limits<std::uint32_t>::max());
    }

    // ---- [Service] ----------------------------------------------------------------------
    /// Type=.
    Derived& type(service_type t) {
        return scalar("Service", "Type", kind::trusted, std::string(to_string(t)));
    }
    /// ExecStart=: argv[0] is the absolute executable; every argument arrives byte-exact.
    Derived& exec_start(std::vector<std::string> argv, systemd::exec_flags flags = {}) {
        return exec("ExecStart", std::move(argv), flags);
    }
    /// ExecStartPre= (repeated calls add lines, run in order).
    Derived& exec_start_pre(std::vector<std::string> argv, systemd::exec_flags flags = {}) {
        return exec("ExecStartPre", std::move(argv), flags);
    }
    /// ExecStartPost=.
    Derived& exec_start_post(std::vector<std::string> argv, systemd::exec_flags flags = {}) {
        return exec("ExecStartPost", std::move(argv), flags);
    }
    /// ExecCondition= (exit 1..254 skips the start without failing).
    Derived& exec_condition(std::vector<std::string> argv, systemd::exec_flags flags = {}) {
        return exec("ExecCondition", std::move(argv), flags);
    }
    /// ExecStop=.
    Derived& exec_stop(std::vector<std::string> argv, systemd::exec_flags flags = {}) {
        return exec("ExecStop", std::move(argv), flags);
    }
    /// ExecReload=.
    Derived& exec_reload(std::vector<std::string> argv, systemd::exec_flags flags = {}) {
        return exec("ExecReload", std::move(argv), flags);
    }
    /// ExecStopPost=.
    Derived& exec_stop_post(std::vector<std::string> argv, systemd::exec_flags flags = {}) {
        return exec("ExecStopPost", std::move(argv), flags);
    }
    /// ExecStopPost=, with the '-' prefix when `ignore_failure`.
    Derived& exec_stop_post(std::vector<std::string> argv, bool ignore_failure) {
        systemd::exec_flags flags;
        flags.ignore_failure = ignore_failure;
        return exec("ExecStopPost", std::move(argv), flags);
    }
    /// WorkingDirectory=, with the '-' prefix when `missing_ok` (a missing directory is not fatal).
    Derived& working_directory(std::string path, bool missing_ok = false) {
        return scalar("Service", "WorkingDirectory", kind::working_directory, std::move(path), missing_ok);
    }
    /// Environment="NAME=value", one line per variable; a name given twice is an error at build().
    Derived& environment(std::string name, std::string value) {
        return append("Service", "Environment", kind::environment, {std::move(name), std::move(value)});
    }
    /// User=.
    Derived& user(std::string name) { return scalar("Service", "User", kind::user_name, std::move(name)); }
    /// Group=.
    Derived& group(std::string name) { return scalar("Service", "Group", kind::user_name, std::move(name)); }
    /// Restart=.
    Derived& restart(restart_policy p) {
        return scalar("Service", "Restart", kind::trusted, std::string(to_string(p)));
    }
    /// RestartSec=; any std::chrono::duration.
    template <class Rep, class Period>
    Derived& restart_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Service", "RestartSec", span, false);
    }
    /// RestartSec= as a time span string.
    Derived& restart_sec(std::string_view span) {
        return scalar("Service", "RestartSec", kind::time_span, std::string(span));
    }
    /// TimeoutStartSec=; any std::chrono::duration.
    template <class Rep, class Period>
    Derived& timeout_start_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Service", "TimeoutStartSec", span, false);
    }
    /// TimeoutStartSec= as a time span string ("infinity").
    Derived& timeout_start_sec(std::string_view span) {
        return scalar("Service", "TimeoutStartSec", kind::time_span, std::string(span));
    }
    /// TimeoutStopSec=; any std::chrono::duration.
    template <class Rep, class Period>
    Derived& timeout_stop_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Service", "TimeoutStopSec", span, false);
    }
    /// TimeoutStopSec= as a time span string ("infinity").
    Derived& timeout_stop_sec(std::string_view span) {
        return scalar("Service", "TimeoutStopSec", kind::time_span, std::string(span));
    }
    /// KillMode=.
    Derived& kill_mode(systemd::kill_mode m) {
        return scalar("Service", "KillMode", kind::trusted, std::string(to_string(m)));
    }
    /// KillSignal= ("SIGTERM", "SIGINT", "SIGRTMIN+3", ...).
    Derived& kill_signal(std::string name) {
        return scalar("Service", "KillSignal", kind::signal, std::move(name));
    }
    /// SuccessExitStatus= (exit codes 0..255).
    Derived& success_exit_status(const std::vector<int>& codes) {
        return exit_codes("SuccessExitStatus", codes);
    }
    /// RestartForceExitStatus= (exit codes 0..255).
    Derived& restart_force_exit_status(const std::vector<int>& codes) {
        return exit_codes("RestartForceExitStatus", codes);
    }
    /// RestartPreventExitStatus= (exit codes 0..255).
    Derived& restart_prevent_exit_status(const std::vector<int>& codes) {
        return exit_codes("RestartPreventExitStatus", codes);
    }
    /// WatchdogSec=; any std::chrono::duration.
    template <class Rep, class Period>
    Derived& watchdog_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Service", "WatchdogSec", span, false);
    }
    /// WatchdogSec= as a time span string ("60s").
    Derived& watchdog_sec(std::string_view span) {
        return scalar("Service", "WatchdogSec", kind::time_span, std::string(span));
    }
    /// NotifyAccess=.
    Derived& notify_access(systemd::notify_access a) {
        return scalar("Service", "NotifyAccess", kind::trusted, std::string(to_string(a)));
    }
    /// StandardOutput= ("journal", "null", "append:/var/log/x.log", ...).
    Derived& standard_output(std::string spec) {
        return scalar("Service", "StandardOutput", kind::output, std::move(spec));
    }
    /// StandardError=.
    Derived& standard_error(std::string spec) {
        return scalar("Service", "StandardError", kind::output, std::move(spec));
    }

    // ---- [Timer] ------------------------------------------------------------------------
    /// OnActiveSec= (after the timer itself is activated); repeated calls add triggers.
    template <class Rep, class Period>
    Derived& on_active_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Timer", "OnActiveSec", span, true);
    }
    /// OnActiveSec= as a time span string.
    Derived& on_active_sec(std::string_view span) { return append_span("OnActiveSec", span); }
    /// OnBootSec= (after boot); repeated calls add triggers.
    template <class Rep, class Period>
    Derived& on_boot_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Timer", "OnBootSec", span, true);
    }
    /// OnBootSec= as a time span string.
    Derived& on_boot_sec(std::string_view span) { return append_span("OnBootSec", span); }
    /// OnStartupSec= (after the service manager started).
    template <class Rep, class Period>
    Derived& on_startup_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Timer", "OnStartupSec", span, true);
    }
    /// OnStartupSec= as a time span string.
    Derived& on_startup_sec(std::string_view span) { return append_span("OnStartupSec", span); }
    /// OnUnitActiveSec= (after the triggered unit was last activated).
    template <class Rep, class Period>
    Derived& on_unit_active_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Timer", "OnUnitActiveSec", span, true);
    }
    /// OnUnitActiveSec= as a time span string.
    Derived& on_unit_active_sec(std::string_view span) { return append_span("OnUnitActiveSec", span); }
    /// OnUnitInactiveSec= (after the triggered unit was last deactivated).
    template <class Rep, class Period>
    Derived& on_unit_inactive_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Timer", "OnUnitInactiveSec", span, true);
    }
    /// OnUnitInactiveSec= as a time span string.
    Derived& on_unit_inactive_sec(std::string_view span) { return append_span("OnUnitInactiveSec", span); }
    /// OnCalendar= ("daily", "Mon..Fri 09:00", "*-*-* 04:00:00"); repeated calls add triggers.
    Derived& on_calendar(std::string event) {
        return append("Timer", "OnCalendar", kind::calendar, {std::move(event)});
    }
    /// Persistent= (catch up on a run missed while the system was off).
    Derived& persistent(bool value = true) { return flag("Timer", "Persistent", value); }
    /// RandomizedDelaySec=; any std::chrono::duration.
    template <class Rep, class Period>
    Derived& randomized_delay_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Timer", "RandomizedDelaySec", span, false);
    }
    /// RandomizedDelaySec= as a time span string.
    Derived& randomized_delay_sec(std::string_view span) {
        return scalar("Timer", "RandomizedDelaySec", kind::time_span, std::string(span));
    }
    /// AccuracySec= (how far systemd may shift the trigger to coalesce wake-ups; default 1min).
    template <class Rep, class Period>
    Derived& accuracy_sec(std::chrono::duration<Rep, Period> span) {
        return duration("Timer", "AccuracySec", span, false);
    }
    /// AccuracySec= as a time span string.
    Derived& accuracy_sec(std::string_view span) {
        return scalar("Timer", "AccuracySec", kind::time_span, std::string(span));
    }
    /// Unit= of a timer or path unit: what it activates (default: the same name, .service).
    Derived& unit(std::string name) {
        return scalar(kind_ == unit_kind::path ? "Path" : "Timer", "Unit", kind::unit_name, std::move(name));
    }

    // ---- [Socket] -----------------------------------------------------------------------
    /// ListenStream= (a port "8080", "127.0.0.1:8080", "[::1]:8080", an absolute path, "@abstract").
    Derived& listen_stream(std::string address) {
        return append("Socket", "ListenStream", kind::listen_address, {std::move(address)});
    }
    /// ListenDatagram= (same forms as listen_stream).
    Derived& listen_datagram(std::string address) {
        return append("Socket", "ListenDatagram", kind::listen_address, {std::move(address)});
    }
    /// Accept= (true: one service instance per connection, NAME@.service).
    Derived& accept(bool value = true) { return flag("Socket", "Accept", value); }
    /// SocketUser= (owner of a file-system socket).
    Derived& socket_user(std::string name) {
        return scalar("Socket", "SocketUser", kind::user_name, std::move(name));
    }
    /// SocketGroup=.
    Derived& socket_group(std::string name) {
        return scalar("Socket", "SocketGroup", kind::user_name, std::move(name));
    }
    /// SocketMode= (permission bits 0..07777, written in octal).
    Derived& socket_mode(unsigned mode) {
        if (mode > 07777) defer(errc::out_of_range, "SocketMode", "mode " + octal(mode) + " is above 07777");
        return scalar("Socket", "SocketMode", kind::trusted, octal(mode));
    }
    /// Service= (the .service the socket activates; default: the same name).
    Derived& service(std::string name) {
        if (name.size() < 8 || name.compare(name.size() - 8, 8, ".service") != 0)
            defer(errc::invalid_name, "Service", "a socket activates a .service unit, got \"" + name + "\"");
        return scalar("Socket", "Service", kind::unit_name, std::move(name));
    }

    // ---- [Path] -------------------------------------------------------------------------
    /// PathExists= (absolute); repeated calls add conditions.
    Derived& path_exists(std::string path) {
        return append("Path", "PathExists", kind::path, {std::move(path)});
    }
    /// PathChanged= (a write to the file was closed).
    Derived& path_changed(std::string path) {
        return append("Path", "PathChanged", kind::path, {std::move(path)});
    }
    /// PathModified= (any write).
    Derived& path_modified(std::string path) {
        return append("Path", "PathModified", kind::path, {std::move(path)});
    }
    /// DirectoryNotEmpty=.
    Derived& directory_not_empty(std::string path) {
        return append("Path", "DirectoryNotEmpty", kind::path, {std::move(path)});
    }

    // ---- [Install] ----------------------------------------------------------------------
    /// WantedBy= (one unit per call).
    Derived& wanted_by(std::string unit) {
        return append("Install", "WantedBy", kind::unit_name, {std::move(unit)});
    }

    // ---- escape hatches -----------------------------------------------------------------
    /// Any directive without a typed setter, once (a second set() of it replaces the value): literal
    /// text (specifiers escaped). At build(): errc::not_allowed for a key a typed setter owns (the error
    /// names it) and for a section this kind does not have (X- sections are always allowed).
    Derived& set(std::string section, std::string key, std::string value) {
        for (directive& d : directives_)
            if (d.custom && d.kind == kind::literal && d.section == section && d.key == key) {
                d.values = {std::move(value)};
                return self();
            }
        return add(std::move(section), std::move(key), std::move(value));
    }
    /// Like set(), for a directive deliberately repeated (each call adds a line).
    Derived& add(std::string section, std::string key, std::string value) {
        directive d{std::move(section), std::move(key), kind::literal, {std::move(value)}};
        d.custom = true;
        directives_.push_back(std::move(d));
        return self();
    }

  protected:
    using kind = value_kind;

    explicit unit_setters(unit_kind k) noexcept : kind_(k) {}

    unit_kind kind_;
    std::vector<directive> directives_;
    // Setter-time problems that have no value to validate later (a negative duration).
    std::optional<error> deferred_;

    Derived& self() noexcept { return static_cast<Derived&>(*this); }

    void defer(errc code, std::string_view field, std::string message) {
        if (!deferred_) deferred_ = error{code, std::string(field), std::move(message)};
    }

    static std::string octal(unsigned v) {
        std::string digits;
        do {
            digits.insert(digits.begin(), static_cast<char>('0' + (v & 7U)));
            v >>= 3U;
        } while (v != 0);
        while (digits.size() < 4) digits.insert(digits.begin(), '0');
        return digits;
    }

    Derived& append(std::string_view section, std::string key, kind k, std::vector<std::string> values) {
        directives_.push_back(directive{std::string(section), std::move(key), k, std::move(values)});
        return self();
    }

    Derived& exec(std::string_view key, std::vector<std::string> argv, systemd::exec_flags flags) {
        directive d{"Service", std::string(key), kind::exec, std::move(argv)};
        d.prefixes = flags;
        directives_.push_back(std::move(d));
        return self();
    }

    Derived& append_span(std::string_view key, std::string_view span) {
        return append("Timer", std::string(key), kind::time_span, {std::string(span)});
    }

    Derived& scalar(std::string_view section, std::string_view key, kind k, std::string value,
                    bool flag_value = false) {
        for (directive& d : directives_)
            if (d.section == section && d.key == key && !d.custom) {
                d.kind = k;
                d.values = {std::move(value)};
                d.flag = flag_value;
                return self();
            }
        directive d{std::string(section), std::string(key), k, {std::move(value)}};
        d.flag = flag_value;
        directives_.push_back(std::move(d));
        return self();
    }

    Derived& flag(std::string_view section, std::string_view key, bool value) {
        return scalar(section, key, kind::trusted, value ? "yes" : "no");
    }

    Derived& count(std::string_view section, std::string_view key, long long value, long long low,
                   unsigned long long high) {
        if (value < low || static_cast<unsigned long long>(value) > high)
            defer(errc::out_of_range, key,
                  std::to_string(value) + " is outside " + std::to_string(low) + ".." + std::to_string(high));
        return scalar(section, key, kind::trusted, std::to_string(value));
    }

    template <class Rep, class Period>
    Derived& duration(std::string_view section, std::string_view key, std::chrono::duration<Rep, Period> span,
                      bool list) {
        auto text = format_duration(span, key);
        if (!text) {
            if (!deferred_) deferred_ = std::move(text.error());
            return self();
        }
        if (list) return append(section, std::string(key), kind::trusted, {std::move(*text)});
        return scalar(section, key, kind::trusted, std::move(*text));
    }

    Derived& exit_codes(std::string_view key, const std::vector<int>& codes) {
        std::string value;
        for (const int c : codes) {
            if (c < 0 || c > 255)
                defer(errc::out_of_range, key, "exit status " + std::to_string(c) + " is outside 0..255");
            if (!value.empty()) value.push_back(' ');
            value.append(std::to_string(c));
        }
        if (codes.empty()) defer(errc::empty_value, key, "give at least one exit status");
        return scalar("Service", key, kind::trusted, std::move(value));
    }

    /// The unescaped size of the unit plus a quarter: build()'s one reservation.
    [[nodiscard]] std::size_t estimated_size() const noexcept {
        std::size_t n = 48;  // the section headers and the blank lines between them
        for (const directive& d : directives_) {
            n += d.key.size() + 6;
            for (const std::string& v : d.values) n += v.size() + 4;
            if (d.custom) n += d.section.size() + 4;
        }
        return n + n / 4;
    }

    /// The checks every builder applies: setter-time errors, sections of this kind, owned keys,
    /// directive names, distinct Environment= names.
    [[nodiscard]] status validate_directives() const {
        if (deferred_) return unexpected_error(*deferred_);
        for (std::size_t i = 0; i < directives_.size(); ++i) {
            const directive& d = directives_[i];
            if (d.custom) {
                const std::string section_field = "section " + d.section;
                if (auto ok = check_directive_name(d.section, section_field); !ok) return ok;
                if (!has_section(kind_, d.section)) return section_error(section_field, d.section);
                if (auto ok = check_directive_name(d.key, d.key.empty() ? std::string("key") : d.key); !ok)
                    return ok;
                if (d.kind != kind::reset)
                    if (const owned_key* o = find_owned_key(d.section, d.key))
                        return make_error(errc::not_allowed, d.key,
                                          "[" + d.section + "] " + d.key + "= has a typed setter; call " +
                                              std::string(o->setter) + " instead of set() or add()");
            } else if (!has_section(kind_, d.section)) {
                return section_error(d.key, d.section);
            }
            if (d.kind == kind::environment)
                for (std::size_t j = 0; j < i; ++j)
                    if (directives_[j].kind == kind::environment && directives_[j].values[0] == d.values[0])
                        return make_error(errc::duplicate, indexed_field("Environment", d.values[0]),
                                          "variable " + d.values[0] + " is set twice; set it once");
            if (d.kind == kind::exec && d.values.empty())
                return make_error(errc::empty_value, d.key,
                                  "the command line is empty; give at least the executable");
        }
        return {};
    }

    [[nodiscard]] unexpected_error section_error(std::string field, std::string_view section) const {
        std::string sections = "Unit, ";
        if (!kind_section(kind_).empty()) sections.append(kind_section(kind_)).append(", ");
        sections.append("Install or an X- section");
        return make_error(errc::not_allowed, std::move(field),
                          "[" + std::string(section) + "] is not a section of a ." +
                              std::string(to_string(kind_)) + " unit (it has " + sections + ")");
    }

    /// How many directives of `section` have a key starting with `prefix` (reset lines not counted).
    [[nodiscard]] std::size_t count_keys(std::string_view section, std::string_view prefix) const noexcept {
        std::size_t n = 0;
        for (const directive& d : directives_)
            if (d.section == section && d.kind != kind::reset && d.key.compare(0, prefix.size(), prefix) == 0)
                ++n;
        return n;
    }

    /// One directive through the writer: each value kind maps to one grammar there.
    static status write_directive(unit_writer& w, const directive& d) {
        const std::string_view key = d.key;
        if (d.kind == kind::reset) return w.reset(key);
        if (d.kind == kind::exec) return w.exec(key, d.values, d.prefixes);
        const std::string& v = d.values[0];
        switch (d.kind) {
            case kind::literal: return w.literal(key, v);
            case kind::path: return w.path(key, v, false);
            case kind::working_directory: return w.path(key, v, d.flag);
            case kind::environment: return w.environment(v, d.values[1]);
            case kind::unit_name: return w.unit_name(key, v);
            case kind::user_name: return w.user_name(key, v);
            case kind::output: return w.output(key, v);
            case kind::time_span: return w.time_span(key, v);
            case kind::signal: return w.signal(key, v);
            case kind::calendar: return w.calendar(key, v);
            case kind::listen_address: return w.listen_address(key, v);
            case kind::trusted: return w.trusted(key, v);
            case kind::exec:
            case kind::reset: break;
        }
        return {};
    }

    [[nodiscard]] status write_section(unit_writer& w, std::string_view section) const {
        bool opened = false;
        for (const directive& d : directives_) {
            // The first byte decides most mismatches (Service vs Install) without a memcmp call.
            const std::string_view ds = d.section;
            if (ds.size() != section.size() || (!ds.empty() && ds.front() != section.front()) ||
                ds != section)
                continue;
            if (!opened) w.section(section);
            opened = true;
            if (auto ok = write_directive(w, d); !ok) return ok;
        }
        return {};
    }

    /// Sections Unit, the kind's own, Install, then the others in first-use order.
    [[nodiscard]] status write(unit_writer& w) const {
        const std::string_view own = kind_section(kind_);
        for (const std::string_view fixed : {std::string_view("Unit"), own, std::string_view("Install")})
            if (!fixed.empty())
                if (auto ok = write_section(w, fixed); !ok) return ok;
        for (std::size_t i = 0; i < directives_.size(); ++i) {
            const std::string_view s = directives_[i].section;
            if (s == "Unit" || s == own || s == "Install") continue;
            bool seen = false;
            for (std::size_t j = 0; j < i && !seen; ++j) seen = directives_[j].section == s;
            if (seen) continue;
            if (auto ok = write_section(w, s); !ok) return ok;
        }
        return {};
    }

    /// Renders after the derived builder's checks passed.
    [[nodiscard]] result<std::string> render() const {
        // One pass into a string reserved from the input sizes (escaping rarely adds a quarter).
        std::string out;
        out.reserve(estimated_size());
        unit_writer writer(out);
        if (auto ok = write(writer); !ok) return unexpected_error(std::move(ok.error()));
        writer.finish();
        return out;
    }
};

}  // namespace detail

namespace detail {
/// basic_unit_builder's only argument (see unit_builder).
struct unit_builder_tag;
}  // namespace detail

/// unit_builder's definition. A class template only so that its member functions (and the setters'
/// render and validation) are compiled in the translation units that call them rather than in every
/// one that includes this header (issue 9); use it through the unit_builder alias.
/// A typed, validating writer for one systemd unit file of any kind. Setters record; build()
/// validates, escapes and renders. Sections: Unit, the kind's own (Service, Socket, Timer, Path),
/// Install, then others in first-use order; directives in call order (a scalar set twice keeps its
/// first place).
template <class Tag>
class basic_unit_builder : public detail::unit_setters<basic_unit_builder<Tag>> {
    using base = detail::unit_setters<basic_unit_builder<Tag>>;
    using base::count_keys;
    using base::directives_;
    using base::kind_;
    using base::render;
    using base::validate_directives;

  public:
    /// A builder for a unit of `kind` (a .service by default).
    explicit basic_unit_builder(unit_kind kind = unit_kind::service) noexcept : base(kind) {}

    /// The kind given at construction.
    [[nodiscard]] unit_kind kind() const noexcept { return kind_; }

    /// Renders the unit, or returns the first invalid input with its field. Byte-stable.
    [[nodiscard]] result<std::string> build() const {
        if (auto ok = validate(); !ok) return unexpected_error(std::move(ok.error()));
        return render();
    }

  private:
    /// Whole-unit rules that no single value can check, per kind.
    [[nodiscard]] detail::status validate() const {
        if (auto ok = validate_directives(); !ok) return ok;
        switch (kind_) {
            case unit_kind::service: {
                std::size_t exec_starts = 0;
                bool oneshot = false;
                for (const detail::directive& d : directives_) {
                    // string_view comparisons: a length check first, no strlen per directive.
                    const std::string_view key = d.key;
                    if (d.kind == detail::value_kind::exec && key == "ExecStart") ++exec_starts;
                    if (d.kind == detail::value_kind::trusted && key == "Type")
                        oneshot = std::string_view(d.values[0]) == "oneshot";
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
            case unit_kind::timer:
                if (count_keys("Timer", "On") == 0)
                    return make_error(
                        errc::missing_field, "Timer",
                        "a timer needs at least one trigger; call on_calendar(), on_active_sec(), "
                        "on_boot_sec(), on_startup_sec(), on_unit_active_sec() or "
                        "on_unit_inactive_sec()");
                return {};
            case unit_kind::socket:
                if (count_keys("Socket", "Listen") == 0)
                    return make_error(errc::missing_field, "Socket",
                                      "a socket needs at least one Listen*= address; call listen_stream() or "
                                      "listen_datagram()");
                return {};
            case unit_kind::path:
                if (count_keys("Path", "Path") + count_keys("Path", "DirectoryNotEmpty") == 0)
                    return make_error(errc::missing_field, "Path",
                                      "a path unit needs at least one condition; call path_exists(), "
                                      "path_changed(), path_modified() or directory_not_empty()");
                return {};
            case unit_kind::target: return {};
        }
        return {};
    }
};

/// A typed, validating writer for one systemd unit file of any kind (see basic_unit_builder).
using unit_builder = basic_unit_builder<detail::unit_builder_tag>;

/// The command line for an Exec* line: the executable and each argument double-quoted, with C
/// escapes, `%%` and `$$`; the exact inverse of split_command_line (a variable() token becomes
/// `"${NAME}"`, which the environment overload of split_command_line expands).
[[nodiscard]] inline result<std::string> quote_command_line(const std::vector<std::string>& argv) {
    std::string out;
    detail::string_sink sink{&out};
    if (auto ok = detail::put_command_line(sink, "command line", argv, systemd::exec_flags{}); !ok)
        return unexpected_error(std::move(ok.error()));
    return out;
}

}  // namespace systemd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
