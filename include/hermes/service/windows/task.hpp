// SPDX-License-Identifier: MIT
// A Task Scheduler 1.2 task definition (XML) for a program started at logon and restarted on failure,
// and the UTF-16LE-with-BOM bytes `schtasks /Create /XML` takes.
#pragma once

#include <array>             // std::array, for enumerators()
#include <chrono>            // std::chrono::seconds
#include <cstddef>           // std::size_t
#include <initializer_list>  // the action fields checked in one loop
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <utility>           // std::move

#include "../detail/byte_scan.hpp"    // find_stop
#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"       // put_xml_text, string_sink, status
#include "../detail/text_buffer.hpp"  // text_buffer
#include "../detail/utf8.hpp"         // decode_utf8, invalid_code_point
#include "../error.hpp"               // result, make_error

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace windows {

/// The Task Scheduler XML namespace (Task Scheduler 1.2, Windows 7 and later).
inline constexpr std::string_view task_namespace = "http://schemas.microsoft.com/windows/2004/02/mit/task";

/// Principal/RunLevel: without or with elevation.
enum class run_level { least_privilege, highest_available };
/// The XML spelling, e.g. "LeastPrivilege".
[[nodiscard]] constexpr std::string_view to_string(run_level l) noexcept {
    return l == run_level::highest_available ? "HighestAvailable" : "LeastPrivilege";
}

/// Every run_level, for from_string<run_level> (enums.hpp).
[[nodiscard]] constexpr std::array<run_level, 2> enumerators(run_level /*tag*/) noexcept {
    return {run_level::least_privilege, run_level::highest_available};
}

/// Settings/MultipleInstancesPolicy: what a start does while the task runs.
enum class instances_policy { parallel, queue, ignore_new, stop_existing };
/// The XML spelling, e.g. "IgnoreNew".
[[nodiscard]] constexpr std::string_view to_string(instances_policy p) noexcept {
    switch (p) {
        case instances_policy::parallel: return "Parallel";
        case instances_policy::queue: return "Queue";
        case instances_policy::stop_existing: return "StopExisting";
        case instances_policy::ignore_new: break;
    }
    return "IgnoreNew";
}

/// Every instances_policy, for from_string<instances_policy> (enums.hpp).
[[nodiscard]] constexpr std::array<instances_policy, 4> enumerators(instances_policy /*tag*/) noexcept {
    using p = instances_policy;
    return {p::parallel, p::queue, p::ignore_new, p::stop_existing};
}

/// Settings/RestartOnFailure.
struct restart_policy {
    std::chrono::seconds interval{60};  ///< PT1M..P31D
    unsigned count = 1;                 ///< 1..255 (the schema's unsignedByte)
};

/// Actions/Exec.
struct task_action {
    std::string command;            ///< the program (Command)
    std::string arguments;          ///< the command-line tail (Arguments), empty: none
    std::string working_directory;  ///< WorkingDirectory, empty: none
};

/// What a task definition holds: what task_builder was given and read_task gives back.
struct task {
    std::optional<std::string> description;
    std::optional<std::string> author;
    std::optional<std::chrono::seconds> logon_delay;  ///< a LogonTrigger with this Delay, if any
    std::optional<std::string> user_id;
    windows::run_level run_level = run_level::least_privilege;
    instances_policy multiple_instances_policy = instances_policy::ignore_new;
    std::chrono::seconds execution_time_limit{259200};  ///< 0: no limit; default 72 hours
    std::optional<restart_policy> restart_on_failure;
    unsigned priority = 7;  ///< 0 (realtime) .. 10 (idle); 7 is the default
    task_action action;
};

/// Equal when every part is.
[[nodiscard]] inline bool operator==(const task& a, const task& b) {
    const bool restart_equal =
        a.restart_on_failure.has_value() == b.restart_on_failure.has_value() &&
        (!a.restart_on_failure || (a.restart_on_failure->interval == b.restart_on_failure->interval &&
                                   a.restart_on_failure->count == b.restart_on_failure->count));
    return a.description == b.description && a.author == b.author && a.logon_delay == b.logon_delay &&
           a.user_id == b.user_id && a.run_level == b.run_level &&
           a.multiple_instances_policy == b.multiple_instances_policy &&
           a.execution_time_limit == b.execution_time_limit && restart_equal && a.priority == b.priority &&
           a.action.command == b.action.command && a.action.arguments == b.action.arguments &&
           a.action.working_directory == b.action.working_directory;
}

namespace detail {
using namespace hermes::service::detail;

/// An XML duration for a number of seconds: `PT0S`, `PT30S`, `PT1M`, `P3D`, `P1DT2H3M4S`.
[[nodiscard]] inline std::string format_task_duration(std::chrono::seconds span) {
    auto s = static_cast<unsigned long long>(span.count());
    if (s == 0) return "PT0S";
    std::string out = "P";
    if (s >= 86400) out.append(std::to_string(s / 86400)).push_back('D');
    s %= 86400;
    if (s == 0) return out;
    out.push_back('T');
    if (s >= 3600) out.append(std::to_string(s / 3600)).push_back('H');
    if (s % 3600 >= 60) out.append(std::to_string(s % 3600 / 60)).push_back('M');
    if (s % 60 != 0) out.append(std::to_string(s % 60)).push_back('S');
    return out;
}

/// Task Scheduler expands `%NAME%` in an Exec action's Command, Arguments and WorkingDirectory, so a
/// `%` has no literal spelling there.
[[nodiscard]] inline status check_task_action_text(std::string_view value, const field_ref& field) {
    if (const std::size_t at = value.find('%'); at != std::string_view::npos)
        return make_error(errc::unrepresentable, std::string(field),
                          "contains '%' at " + describe_position(value, at) +
                              "; Task Scheduler expands %NAME% in Exec actions and has no escape for it");
    for (std::size_t pos = 0; pos < value.size(); ++pos) {
        const auto b = static_cast<unsigned char>(value[pos]);
        if (b < 0x20)
            return char_error(errc::control_character, field, value, pos, b,
                              "a command line in a task action cannot carry it");
    }
    return {};
}

}  // namespace detail

/// The bytes of `utf8` as UTF-16LE after a byte-order mark (FF FE): the encoding `schtasks /Create /XML`
/// takes for a document declaring encoding="UTF-16". Expects valid UTF-8 (what build() returns); an
/// invalid byte would become U+FFFD.
[[nodiscard]] inline std::string to_utf16le_with_bom(std::string_view utf8) {
    // At most two bytes per input byte (a 4-byte sequence gives two units, 4 bytes): written through a
    // cursor into storage sized for that, then trimmed.
    std::string out(2 + 2 * utf8.size(), '\0');
    char* at = out.data();
    *at++ = '\xFF';
    *at++ = '\xFE';
    const auto put_unit = [&at](unsigned unit) {
        *at++ = static_cast<char>(unit & 0xFFU);
        *at++ = static_cast<char>(unit >> 8);
    };
    for (std::size_t pos = 0; pos < utf8.size();) {
        // ASCII, the common case, up to the next byte >= 0x80: each byte one unit, high byte 0 (the
        // storage is zeroed).
        const std::size_t end =
            hermes::service::detail::find_stop<hermes::service::detail::byte_class::non_ascii>(utf8, pos);
        for (; pos < end; ++pos, at += 2) *at = utf8[pos];
        if (pos == utf8.size()) break;
        char32_t cp = hermes::service::detail::decode_utf8(utf8, pos);
        if (cp == hermes::service::detail::invalid_code_point) cp = 0xFFFD;  // decode_utf8 moved one byte on
        if (cp >= 0x10000) {
            const auto v = static_cast<unsigned>(cp - 0x10000);
            put_unit(0xD800U + (v >> 10));
            put_unit(0xDC00U + (v & 0x3FFU));
        } else {
            put_unit(static_cast<unsigned>(cp));
        }
    }
    out.resize(static_cast<std::size_t>(at - out.data()));
    return out;
}

/// Builds a Task Scheduler task (schema 1.2): a logon trigger, an interactive principal, settings for
/// a long-running program, and one Exec action. build() gives UTF-8 text declaring UTF-16: write it
/// with to_utf16le_with_bom().
class task_builder {
  public:
    /// RegistrationInfo/Description.
    task_builder& description(std::string text) {
        task_.description = std::move(text);
        return *this;
    }
    /// RegistrationInfo/Author.
    task_builder& author(std::string text) {
        task_.author = std::move(text);
        return *this;
    }
    /// A LogonTrigger firing `delay` after the logon.
    task_builder& logon_trigger(std::chrono::seconds delay) {
        task_.logon_delay = delay;
        return *this;
    }
    /// Principal/UserId, e.g. `DOMAIN\user`.
    task_builder& user_id(std::string id) {
        task_.user_id = std::move(id);
        return *this;
    }
    /// Principal/RunLevel (default least_privilege).
    task_builder& run_level(windows::run_level level) {
        task_.run_level = level;
        return *this;
    }
    /// Settings/MultipleInstancesPolicy (default ignore_new).
    task_builder& multiple_instances_policy(instances_policy policy) {
        task_.multiple_instances_policy = policy;
        return *this;
    }
    /// Settings/ExecutionTimeLimit; 0 means no limit (default 72 hours).
    task_builder& execution_time_limit(std::chrono::seconds limit) {
        task_.execution_time_limit = limit;
        return *this;
    }
    /// Settings/RestartOnFailure: retry every `interval` (1 minute..31 days), at most `count` (1..255) times.
    task_builder& restart_on_failure(std::chrono::seconds interval, unsigned count) {
        task_.restart_on_failure = restart_policy{interval, count};
        return *this;
    }
    /// Settings/Priority, 0..10 (default 7).
    task_builder& priority(unsigned value) {
        task_.priority = value;
        return *this;
    }
    /// Actions/Exec (required): the program, its command-line tail and working directory (both optional).
    task_builder& action(std::string command, std::string arguments = {},
                         std::string working_directory = {}) {
        task_.action = task_action{std::move(command), std::move(arguments), std::move(working_directory)};
        return *this;
    }

    /// The task XML, or the first setting it cannot carry exactly.
    [[nodiscard]] result<std::string> build() const {
        // Rendered into storage sized for the fixed text plus the values (few need references).
        const windows::task& t = task_;
        std::size_t expected =
            1536 + t.action.command.size() + t.action.arguments.size() + t.action.working_directory.size();
        for (const auto* text : {&t.description, &t.author, &t.user_id})
            if (*text) expected += (*text)->size();
        std::string out;
        detail::text_buffer sink(out, expected);
        if (auto ok = render(sink); !ok) return unexpected_error(std::move(ok.error()));
        sink.finish();
        return out;
    }

    /// What build() renders, as read_task gives it back.
    [[nodiscard]] const windows::task& definition() const noexcept { return task_; }

  private:
    windows::task task_;

    template <class Sink>
    [[nodiscard]] detail::status element(Sink& sink, std::string_view indent, std::string_view name,
                                         std::string_view value, std::string_view field) const {
        if (value.empty()) return make_error(errc::empty_value, std::string(field), "the value is empty");
        sink.put(indent);
        sink.put('<');
        sink.put(name);
        sink.put('>');
        if (auto ok = detail::put_xml_text(sink, value, field, /*escape_quotes=*/false); !ok) return ok;
        sink.put("</");
        sink.put(name);
        sink.put(">\n");
        return {};
    }

    template <class Sink>
    [[nodiscard]] detail::status render(Sink& sink) const {
        using namespace std::chrono_literals;
        const windows::task& t = task_;
        if (t.action.command.empty())
            return make_error(errc::missing_field, "action.command", "the program to run was never given");
        if (t.logon_delay && t.logon_delay->count() < 0)
            return make_error(errc::out_of_range, "logon_trigger", "the delay is negative");
        if (t.execution_time_limit.count() < 0)
            return make_error(errc::out_of_range, "execution_time_limit", "the limit is negative");
        if (t.priority > 10)
            return make_error(errc::out_of_range, "priority",
                              std::to_string(t.priority) + " is above 10 (priorities are 0..10)");
        if (t.restart_on_failure) {
            const restart_policy& r = *t.restart_on_failure;
            if (r.interval < 60s || r.interval > 31 * 24h)
                return make_error(
                    errc::out_of_range, "restart_on_failure.interval",
                    std::to_string(r.interval.count()) + " seconds is outside the schema's PT1M..P31D");
            if (r.count < 1 || r.count > 255)
                return make_error(errc::out_of_range, "restart_on_failure.count",
                                  std::to_string(r.count) + " is outside the schema's 1..255 (unsignedByte)");
        }
        for (const auto& [value, field] :
             {std::pair{std::string_view(t.action.command), "action.command"},
              std::pair{std::string_view(t.action.arguments), "action.arguments"},
              std::pair{std::string_view(t.action.working_directory), "action.working_directory"}})
            if (auto ok = detail::check_task_action_text(value, field); !ok) return ok;

        sink.put("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<Task version=\"1.2\" xmlns=\"");
        sink.put(task_namespace);
        sink.put("\">\n  <RegistrationInfo>\n");
        if (t.author)
            if (auto ok = element(sink, "    ", "Author", *t.author, "author"); !ok) return ok;
        if (t.description)
            if (auto ok = element(sink, "    ", "Description", *t.description, "description"); !ok) return ok;
        sink.put("  </RegistrationInfo>\n");
        if (t.logon_delay) {
            sink.put("  <Triggers>\n    <LogonTrigger>\n      <Enabled>true</Enabled>\n      <Delay>");
            sink.put(detail::format_task_duration(*t.logon_delay));
            sink.put("</Delay>\n    </LogonTrigger>\n  </Triggers>\n");
        }
        sink.put("  <Principals>\n    <Principal id=\"Author\">\n");
        if (t.user_id)
            if (auto ok = element(sink, "      ", "UserId", *t.user_id, "user_id"); !ok) return ok;
        sink.put("      <LogonType>InteractiveToken</LogonType>\n      <RunLevel>");
        sink.put(to_string(t.run_level));
        sink.put(
            "</RunLevel>\n    </Principal>\n  </Principals>\n  <Settings>\n    <MultipleInstancesPolicy>");
        sink.put(to_string(t.multiple_instances_policy));
        sink.put(
            "</MultipleInstancesPolicy>\n"
            "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
            "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n"
            "    <AllowHardTerminate>true</AllowHardTerminate>\n"
            "    <StartWhenAvailable>true</StartWhenAvailable>\n"
            "    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>\n"
            "    <IdleSettings>\n"
            "      <StopOnIdleEnd>false</StopOnIdleEnd>\n"
            "      <RestartOnIdle>false</RestartOnIdle>\n"
            "    </IdleSettings>\n"
            "    <AllowStartOnDemand>true</AllowStartOnDemand>\n"
            "    <Enabled>true</Enabled>\n"
            "    <Hidden>false</Hidden>\n"
            "    <RunOnlyIfIdle>false</RunOnlyIfIdle>\n"
            "    <WakeToRun>false</WakeToRun>\n"
            "    <ExecutionTimeLimit>");
        sink.put(detail::format_task_duration(t.execution_time_limit));
        sink.put("</ExecutionTimeLimit>\n    <Priority>");
        sink.put(std::to_string(t.priority));
        sink.put("</Priority>\n");
        if (t.restart_on_failure) {
            sink.put("    <RestartOnFailure>\n      <Interval>");
            sink.put(detail::format_task_duration(t.restart_on_failure->interval));
            sink.put("</Interval>\n      <Count>");
            sink.put(std::to_string(t.restart_on_failure->count));
            sink.put("</Count>\n    </RestartOnFailure>\n");
        }
        sink.put("  </Settings>\n  <Actions Context=\"Author\">\n    <Exec>\n");
        if (auto ok = element(sink, "      ", "Command", t.action.command, "action.command"); !ok) return ok;
        if (!t.action.arguments.empty())
            if (auto ok = element(sink, "      ", "Arguments", t.action.arguments, "action.arguments"); !ok)
                return ok;
        if (!t.action.working_directory.empty())
            if (auto ok = element(sink, "      ", "WorkingDirectory", t.action.working_directory,
                                  "action.working_directory");
                !ok)
                return ok;
        sink.put("    </Exec>\n  </Actions>\n</Task>\n");
        return {};
    }
};

}  // namespace windows
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
