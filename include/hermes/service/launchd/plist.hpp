// SPDX-License-Identifier: MIT
// launchd property lists: the typed, validating writer (plist_builder).
#pragma once

#include <array>        // std::array, for enumerators()
#include <chrono>       // std::chrono::duration, for the duration setters
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint64_t
#include <limits>       // std::numeric_limits
#include <optional>     // std::optional
#include <ratio>        // std::ratio_divide
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::is_floating_point
#include <utility>      // std::pair, std::move
#include <vector>       // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"
#include "../detail/utf8.hpp"
#include "../error.hpp"
#include "value.hpp"  // plist_value, for set()

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace launchd {

/// Where the job is loaded: a per-user LaunchAgent or a system LaunchDaemon.
enum class job_kind { agent, daemon };
/// ProcessType= values.
enum class process_type { background, standard, adaptive, interactive };

/// The spelling, e.g. "agent".
[[nodiscard]] constexpr std::string_view to_string(job_kind k) noexcept {
    return k == job_kind::agent ? "agent" : "daemon";
}
/// Every job_kind, for from_string<job_kind>.
[[nodiscard]] constexpr std::array<job_kind, 2> enumerators(job_kind /*tag*/) noexcept {
    return {job_kind::agent, job_kind::daemon};
}

/// One StartCalendarInterval entry: an unset field matches every value (as cron's `*`).
struct calendar_interval {
    std::optional<int> minute;   ///< Minute, 0..59
    std::optional<int> hour;     ///< Hour, 0..23
    std::optional<int> day;      ///< Day of the month, 1..31
    std::optional<int> weekday;  ///< Weekday, 0..7 (0 and 7 are Sunday)
    std::optional<int> month;    ///< Month, 1..12
};

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

/// A duration as the whole seconds launchd takes (0..4294967295), stored in `out`; a fraction of a
/// second is an error. (A status and an out-parameter rather than result<unsigned>: one instantiation
/// of tl::expected less in every includer.)
template <class Rep, class Period>
[[nodiscard]] status whole_seconds(std::chrono::duration<Rep, Period> span, std::string_view field,
                                   unsigned& out) {
    using ratio = std::ratio_divide<Period, std::ratio<1>>;  // span.count() * num / den seconds
    constexpr long double max = std::numeric_limits<unsigned>::max();
    const long double v = static_cast<long double>(span.count()) * ratio::num / ratio::den;
    if (!(v == v) || v < 0)
        return make_error(errc::out_of_range, std::string(field), "a duration cannot be negative");
    if (v > max)
        return make_error(errc::out_of_range, std::string(field), "the duration is above 4294967295 seconds");
    const auto seconds = static_cast<unsigned>(v);
    bool exact = static_cast<long double>(seconds) == v;
    if constexpr (!std::is_floating_point<Rep>::value)  // integer arithmetic, immune to rounding
        exact = static_cast<std::uint64_t>(span.count()) % static_cast<std::uint64_t>(ratio::den) == 0;
    if (!exact)
        return make_error(errc::unrepresentable, std::string(field),
                          "launchd counts whole seconds; the duration has a fraction of a second");
    out = seconds;
    return {};
}

inline std::string indexed(std::string_view key, std::size_t i) {
    return std::string(key) + "[" + std::to_string(i) + "]";
}

}  // namespace detail

namespace detail {
/// basic_plist_builder's only argument (see plist_builder).
struct plist_builder_tag;
/// `T`, spelled so that it depends on `Tag`: see basic_plist_builder's members.
template <class Tag, class T>
struct dependent_type {
    using type = T;
};
}  // namespace detail

/// plist_builder's definition. A class template only so that its member functions are compiled in the
/// translation units that call them rather than in every one that includes this header (issue 9);
/// use it through the plist_builder alias.
template <class Tag>
class basic_plist_builder {
    using plist_builder = basic_plist_builder;
    // The members' types depend on Tag, so the compiler instantiates std::optional<...> and the vectors
    // (and checks the bodies that use them) only where a builder is used, not at every #include.
    template <class T>
    using member = typename detail::dependent_type<Tag, T>::type;

  public:
    /// An agent by default; UserName/GroupName need job_kind::daemon.
    explicit basic_plist_builder(job_kind kind = job_kind::agent) : kind_(kind) {}

    // Each setter below moves its argument into a member; the members' types depend on Tag, so
    // clang-tidy cannot see the move and takes the by-value parameters for copies.
    // NOLINTBEGIN(performance-unnecessary-value-param)

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
    /// KeepAlive.SuccessfulExit: restart after a clean exit (true) or only after a failure (false).
    plist_builder& successful_exit(bool value) {
        keep_alive_conditions_.successful_exit = value;
        return *this;
    }
    /// KeepAlive.NetworkState: keep running while a network is up (true) or down (false).
    plist_builder& network_state(bool value) {
        keep_alive_conditions_.network_state = value;
        return *this;
    }
    /// KeepAlive.PathState: keep running while `path` exists (true) or is absent (false); one entry per path.
    plist_builder& path_state(std::string path, bool exists = true) {
        keep_alive_conditions_.path_state.emplace_back(std::move(path), exists);
        return *this;
    }
    /// KeepAlive.Crashed: restart after a crash (true) or only after an exit without one (false).
    plist_builder& crashed(bool value) {
        keep_alive_conditions_.crashed = value;
        return *this;
    }
    /// ThrottleInterval in seconds (minimum time between spawns).
    plist_builder& throttle_interval(unsigned seconds) {
        throttle_interval_ = seconds;
        return *this;
    }
    /// ThrottleInterval from any std::chrono::duration (whole seconds, else a typed error at build()).
    template <class Rep, class Period>
    plist_builder& throttle_interval(std::chrono::duration<Rep, Period> span) {
        return seconds(throttle_interval_, span, "ThrottleInterval");
    }
    /// ExitTimeOut in seconds between SIGTERM and SIGKILL (0 means infinity and is refused).
    plist_builder& exit_timeout(unsigned seconds) {
        exit_timeout_ = seconds;
        return *this;
    }
    /// ExitTimeOut from any std::chrono::duration (whole seconds).
    template <class Rep, class Period>
    plist_builder& exit_timeout(std::chrono::duration<Rep, Period> span) {
        return seconds(exit_timeout_, span, "ExitTimeOut");
    }
    /// StartInterval: start the job every `seconds` (at least 1).
    plist_builder& start_interval(unsigned seconds) {
        start_interval_ = seconds;
        return *this;
    }
    /// StartInterval from any std::chrono::duration (whole seconds).
    template <class Rep, class Period>
    plist_builder& start_interval(std::chrono::duration<Rep, Period> span) {
        return seconds(start_interval_, span, "StartInterval");
    }
    /// One StartCalendarInterval entry; repeated calls add entries (written as an array).
    plist_builder& start_calendar_interval(calendar_interval when) {
        calendar_.push_back(when);
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
    // NOLINTEND(performance-unnecessary-value-param)

    /// Any key without a typed setter (a second set() of it replaces the value), written after the
    /// typed keys. At build(): errc::not_allowed for a key a typed setter owns (the error names it).
    plist_builder& set(std::string key, plist_value value) {
        for (auto& [k, v] : extra_)
            if (k == key) {
                v = std::move(value);
                return *this;
            }
        extra_.emplace_back(std::move(key), std::move(value));
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
    struct keep_alive_dict {
        member<std::optional<bool>> successful_exit;
        member<std::optional<bool>> network_state;
        member<std::vector<std::pair<std::string, bool>>> path_state;
        member<std::optional<bool>> crashed;
        [[nodiscard]] bool empty() const noexcept {
            return !successful_exit && !network_state && path_state.empty() && !crashed;
        }
    };

    job_kind kind_;
    member<std::optional<error>> deferred_;  // setter-time problems (a fractional duration)
    keep_alive_dict keep_alive_conditions_;
    member<std::optional<unsigned>> start_interval_;
    member<std::vector<calendar_interval>> calendar_;
    member<std::vector<std::pair<std::string, plist_value>>> extra_;
    member<std::optional<std::string>> label_;
    member<std::optional<std::vector<std::string>>> arguments_;
    member<std::optional<std::string>> working_directory_;
    member<std::vector<std::pair<std::string, std::string>>> environment_;
    member<std::optional<bool>> run_at_load_;
    member<std::optional<bool>> keep_alive_;
    member<std::optional<unsigned>> throttle_interval_;
    member<std::optional<unsigned>> exit_timeout_;
    member<std::optional<unsigned>> number_of_files_;
    member<std::optional<std::vector<std::string>>> session_types_;
    member<std::optional<std::string>> stdout_path_;
    member<std::optional<std::string>> stderr_path_;
    member<std::optional<launchd::process_type>> process_type_;
    member<std::optional<std::string>> user_name_;
    member<std::optional<std::string>> group_name_;

    template <class Rep, class Period>
    plist_builder& seconds(std::optional<unsigned>& slot, std::chrono::duration<Rep, Period> span,
                           std::string_view key) {
        unsigned value = 0;
        if (auto ok = detail::whole_seconds(span, key, value)) {
            slot = value;
        } else if (!deferred_) {
            deferred_ = std::move(ok.error());
        }
        return *this;
    }

    /// The typed setter that owns `key`, or "" when set() may write it.
    [[nodiscard]] static std::string_view owner(std::string_view key) noexcept {
        // Plain structs rather than std::pair here and below: a pair of string literals instantiates
        // pair's converting constructor once per pair of lengths, which every includer pays for.
        struct key_owner {
            std::string_view key, setter;
        };
        constexpr key_owner owned[] = {
            {"Label", "label()"},
            {"ProgramArguments", "program_arguments()"},
            {"WorkingDirectory", "working_directory()"},
            {"EnvironmentVariables", "environment()"},
            {"LimitLoadToSessionType", "limit_load_to_session_type()"},
            {"RunAtLoad", "run_at_load()"},
            {"KeepAlive", "keep_alive(), successful_exit(), network_state(), path_state() or crashed()"},
            {"ThrottleInterval", "throttle_interval()"},
            {"ExitTimeOut", "exit_timeout()"},
            {"StartInterval", "start_interval()"},
            {"StartCalendarInterval", "start_calendar_interval()"},
            {"SoftResourceLimits", "number_of_files_soft_limit()"},
            {"StandardOutPath", "standard_out_path()"},
            {"StandardErrorPath", "standard_error_path()"},
            {"ProcessType", "process_type()"},
            {"UserName", "user_name()"},
            {"GroupName", "group_name()"},
        };
        for (const key_owner& o : owned)
            if (o.key == key) return o.setter;
        return {};
    }

    /// The checks of the newer keys: KeepAlive conditions, StartInterval, StartCalendarInterval, set().
    [[nodiscard]] detail::status validate_schedule_and_extra() const {
        if (keep_alive_ && !keep_alive_conditions_.empty())
            return make_error(errc::not_allowed, "KeepAlive",
                              "is either a boolean (keep_alive()) or a dictionary of conditions "
                              "(successful_exit(), network_state(), path_state(), crashed()), not both");
        for (std::size_t i = 0; i < keep_alive_conditions_.path_state.size(); ++i) {
            const std::string& path = keep_alive_conditions_.path_state[i].first;
            if (auto ok = detail::check_plist_path(path, detail::field_ref("KeepAlive.PathState", i)); !ok)
                return ok;
            for (std::size_t j = 0; j < i; ++j)
                if (keep_alive_conditions_.path_state[j].first == path)
                    return make_error(errc::duplicate, detail::indexed("KeepAlive.PathState", i),
                                      "path " + path + " is given twice; give it once");
        }
        if (start_interval_ && *start_interval_ == 0)
            return make_error(errc::out_of_range, "StartInterval",
                              "an interval of 0 seconds never fires; give at least 1");
        for (std::size_t i = 0; i < calendar_.size(); ++i) {
            const calendar_interval& c = calendar_[i];
            struct bounded_field {
                const std::optional<int>* value;
                int low, high;
                const char* name;
            };
            const bounded_field fields[] = {{&c.minute, 0, 59, "Minute"},
                                            {&c.hour, 0, 23, "Hour"},
                                            {&c.day, 1, 31, "Day"},
                                            {&c.weekday, 0, 7, "Weekday"},
                                            {&c.month, 1, 12, "Month"}};
            for (const bounded_field& f : fields) {
                if (*f.value && (**f.value < f.low || **f.value > f.high))
                    return make_error(errc::out_of_range,
                                      detail::indexed("StartCalendarInterval", i) + "." + f.name,
                                      std::to_string(**f.value) + " is outside " + std::to_string(f.low) +
                                          ".." + std::to_string(f.high));
            }
        }
        for (const auto& [key, value] : extra_) {
            if (key.empty()) return make_error(errc::empty_value, "set()", "the key is empty");
            if (const std::string_view setter = owner(key); !setter.empty())
                return make_error(errc::not_allowed, key,
                                  "has a typed setter; call " + std::string(setter) + " instead of set()");
        }
        return {};
    }

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
        if (deferred_) return unexpected_error(*deferred_);
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
        struct named_string {
            const char* key;
            const std::optional<std::string>* value;
        };
        for (const auto& [key, value] :
             {named_string{"UserName", &user_name_}, named_string{"GroupName", &group_name_}}) {
            if (!*value) continue;
            if (kind_ == job_kind::agent)
                return make_error(errc::not_allowed, key,
                                  "applies only to LaunchDaemons (launchd refuses it in an agent); build "
                                  "with job_kind::daemon");
            if (auto ok = detail::check_user_name(**value, key); !ok) return ok;
        }
        return validate_schedule_and_extra();
    }

    template <class Sink>
    static void open_key(Sink& sink, std::string_view key, bool& first) {
        if (!first) sink.put('\n');
        first = false;
        put_key(sink, "    ", key);
    }

    /// `<key>key</key>` at `indent`; `key` is one of this file's constants (needs no escaping).
    template <class Sink>
    static void put_key(Sink& sink, std::string_view indent, std::string_view key) {
        sink.put(indent);
        sink.put("<key>");
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

    /// `<key>key</key>` and a boolean, at `indent`.
    template <class Sink>
    static void put_bool_entry(Sink& sink, std::string_view indent, std::string_view key, bool value) {
        put_key(sink, indent, key);
        sink.put(indent);
        sink.put(value ? "<true/>\n" : "<false/>\n");
    }

    /// The KeepAlive dictionary at depth 1, written directly (not through plist_value: issue 9).
    template <class Sink>
    detail::status put_keep_alive_dict(Sink& sink) const {
        const keep_alive_dict& k = keep_alive_conditions_;
        sink.put("    <dict>\n");
        if (k.successful_exit) put_bool_entry(sink, "        ", "SuccessfulExit", *k.successful_exit);
        if (k.network_state) put_bool_entry(sink, "        ", "NetworkState", *k.network_state);
        if (!k.path_state.empty()) {
            sink.put("        <key>PathState</key>\n        <dict>\n");
            for (const auto& [path, exists] : k.path_state) {
                sink.put("            <key>");
                if (auto ok = detail::put_xml_text(sink, path, "KeepAlive.PathState." + path); !ok) return ok;
                sink.put("</key>\n");
                sink.put(exists ? "            <true/>\n" : "            <false/>\n");
            }
            sink.put("        </dict>\n");
        }
        if (k.crashed) put_bool_entry(sink, "        ", "Crashed", *k.crashed);
        sink.put("    </dict>\n");
        return {};
    }

    /// One StartCalendarInterval dictionary, indented `depth` levels of four spaces.
    template <class Sink>
    static void put_calendar_dict(Sink& sink, std::size_t depth, const calendar_interval& c) {
        const std::string_view indent = std::string_view("            ").substr(0, depth * 4);
        const std::string_view inner = std::string_view("            ").substr(0, depth * 4 + 4);
        struct named_field {
            const std::optional<int>* value;
            std::string_view key;
        };
        const named_field fields[] = {{&c.minute, "Minute"},
                                      {&c.hour, "Hour"},
                                      {&c.day, "Day"},
                                      {&c.weekday, "Weekday"},
                                      {&c.month, "Month"}};
        sink.put(indent);
        sink.put("<dict>\n");
        for (const auto& [value, key] : fields) {
            if (!*value) continue;
            put_key(sink, inner, key);
            put_integer(sink, inner, static_cast<unsigned>(**value));  // validated: 0..59 at most
        }
        sink.put(indent);
        sink.put("</dict>\n");
    }

    /// Any plist value, indented `depth` levels of four spaces: strings and keys XML-escaped, dict keys
    /// distinct.
    template <class Sink>
    static detail::status put_value(Sink& sink, std::size_t depth, const plist_value& value,
                                    const std::string& field) {
        const std::string indent(depth * 4, ' ');
        if (const std::string* str = value.as_string()) {
            sink.put(indent);
            sink.put("<string>");
            if (auto ok = detail::put_xml_text(sink, *str, field); !ok) return ok;
            sink.put("</string>\n");
        } else if (const std::int64_t* n = value.as_integer()) {
            sink.put(indent);
            sink.put("<integer>");
            sink.put(std::to_string(*n));
            sink.put("</integer>\n");
        } else if (const bool* b = value.as_bool()) {
            sink.put(indent);
            sink.put(*b ? "<true/>\n" : "<false/>\n");
        } else if (const plist_value::array_type* items = value.as_array()) {
            sink.put(indent);
            sink.put("<array>\n");
            for (std::size_t i = 0; i < items->size(); ++i)
                if (auto ok = put_value(sink, depth + 1, (*items)[i], detail::indexed(field, i)); !ok)
                    return ok;
            sink.put(indent);
            sink.put("</array>\n");
        } else if (const plist_value::dict_type* entries = value.as_dict()) {
            sink.put(indent);
            sink.put("<dict>\n");
            for (std::size_t i = 0; i < entries->size(); ++i) {
                const std::string& key = (*entries)[i].first;
                std::string inner = field;
                inner.append(".").append(key);
                for (std::size_t j = 0; j < i; ++j)
                    if ((*entries)[j].first == key)
                        return make_error(errc::duplicate, inner,
                                          "the dictionary has the key twice; give it once");
                sink.put(indent);
                sink.put("    <key>");
                if (auto ok = detail::put_xml_text(sink, key, inner); !ok) return ok;
                sink.put("</key>\n");
                if (auto ok = put_value(sink, depth + 1, (*entries)[i].second, inner); !ok) return ok;
            }
            sink.put(indent);
            sink.put("</dict>\n");
        }
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
        struct named_bool {
            const char* key;
            const std::optional<bool>* value;
        };
        for (const auto& [key, value] :
             {named_bool{"RunAtLoad", &run_at_load_}, named_bool{"KeepAlive", &keep_alive_}}) {
            if (!*value) continue;
            open_key(sink, key, first);
            sink.put(**value ? "    <true/>\n" : "    <false/>\n");
        }
        if (!keep_alive_conditions_.empty()) {
            open_key(sink, "KeepAlive", first);
            if (auto ok = put_keep_alive_dict(sink); !ok) return ok;
        }
        struct named_count {
            const char* key;
            const std::optional<unsigned>* value;
        };
        for (const auto& [key, value] :
             {named_count{"ThrottleInterval", &throttle_interval_},
              named_count{"ExitTimeOut", &exit_timeout_}, named_count{"StartInterval", &start_interval_}}) {
            if (!*value) continue;
            open_key(sink, key, first);
            put_integer(sink, "    ", **value);
        }
        if (!calendar_.empty()) {
            open_key(sink, "StartCalendarInterval", first);
            if (calendar_.size() == 1) {
                put_calendar_dict(sink, 1, calendar_.front());
            } else {
                sink.put("    <array>\n");
                for (const calendar_interval& c : calendar_) put_calendar_dict(sink, 2, c);
                sink.put("    </array>\n");
            }
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
        for (const auto& [key, value] : extra_) {
            if (!first) sink.put('\n');
            first = false;
            sink.put("    <key>");
            if (auto ok = detail::put_xml_text(sink, key, "set()"); !ok) return ok;
            sink.put("</key>\n");
            if (auto ok = put_value(sink, 1, value, key); !ok) return ok;
        }
        sink.put("</dict>\n</plist>\n");
        return {};
    }
};

/// A typed, validating writer for one launchd job. Keys are written in a fixed order (Label,
/// ProgramArguments, WorkingDirectory, EnvironmentVariables, LimitLoadToSessionType, RunAtLoad,
/// KeepAlive, ThrottleInterval, ExitTimeOut, StartInterval, StartCalendarInterval,
/// SoftResourceLimits, StandardOutPath, StandardErrorPath, ProcessType, UserName, GroupName),
/// then the keys given to set() in call order.
using plist_builder = basic_plist_builder<detail::plist_builder_tag>;

}  // namespace launchd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
