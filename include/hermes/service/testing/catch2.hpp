// SPDX-License-Identifier: MIT
// Catch2 matchers for unit and plist text, for downstream tests (docs/testing.md):
//   REQUIRE_THAT(text, has_directive("Service", "WorkingDirectory", "/srv/app"));
// Each matcher reads the text with this library's readers (as systemd 252 and launchd read it) and,
// when it fails, says what the text actually holds. Not part of <hermes/service.hpp>; include it only
// in test code that links Catch2 (v2; v3 is used when its headers are found).
#pragma once

#include <cstdint>           // std::int64_t
#include <initializer_list>  // std::initializer_list, for exec_start_is({...})
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <type_traits>       // std::enable_if_t, std::is_integral
#include <utility>           // std::move, std::pair
#include <vector>            // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE

#if defined(HERMES_SERVICE_CATCH2_MAJOR)
#  define HERMES_SERVICE_TESTING_CATCH2_MAJOR HERMES_SERVICE_CATCH2_MAJOR
#elif defined(__has_include)
#  if __has_include(<catch2/matchers/catch_matchers.hpp>)
#    define HERMES_SERVICE_TESTING_CATCH2_MAJOR 3
#  endif
#endif
#if defined(HERMES_SERVICE_TESTING_CATCH2_MAJOR) && HERMES_SERVICE_TESTING_CATCH2_MAJOR == 3
#  include <catch2/matchers/catch_matchers.hpp>  // Catch::Matchers::MatcherBase
#else
#  include <catch2/catch.hpp>  // Catch::MatcherBase (single header of v2)
#endif

#include "../error.hpp"            // error, result, operator<<
#include "../launchd/read.hpp"     // parse_plist, plist_value
#include "../systemd/compare.hpp"  // directive_change and its operator<<, so Catch2 prints it
#include "../systemd/read.hpp"     // parse_unit, split_command_line, split_environment

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace testing {

namespace detail {

#if defined(HERMES_SERVICE_TESTING_CATCH2_MAJOR) && HERMES_SERVICE_TESTING_CATCH2_MAJOR == 3
template <class T>
using matcher_base = Catch::Matchers::MatcherBase<T>;
#else
template <class T>
using matcher_base = Catch::MatcherBase<T>;
#endif

/// `"text"`, with quotes, backslashes and control characters escaped (C style).
[[nodiscard]] inline std::string in_quotes(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out.append("\\n");
        } else if (c == '\t') {
            out.append("\\t");
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            constexpr char hex[] = "0123456789abcdef";
            out.append("\\x").push_back(hex[(static_cast<unsigned char>(c) >> 4) & 0xf]);
            out.push_back(hex[static_cast<unsigned char>(c) & 0xf]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
    return out;
}

/// `{"a", "b"}`.
[[nodiscard]] inline std::string quoted_list(const std::vector<std::string>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) out.append(i == 0 ? "" : ", ").append(in_quotes(items[i]));
    return out.append("}");
}

/// A plist value as text: `"s"`, `42`, `true`, `["a", 1]`, `{Key = "v"}`.
[[nodiscard]] inline std::string describe(const launchd::plist_value& v) {
    if (const std::string* s = v.as_string()) return in_quotes(*s);
    if (const std::int64_t* i = v.as_integer()) return std::to_string(*i);
    if (const bool* b = v.as_bool()) return *b ? "true" : "false";
    std::string out;
    if (const launchd::plist_value::array_type* items = v.as_array()) {
        out = "[";
        for (std::size_t i = 0; i < items->size(); ++i)
            out.append(i == 0 ? "" : ", ").append(describe((*items)[i]));
        return out.append("]");
    }
    if (const launchd::plist_value::dict_type* entries = v.as_dict()) {
        out = "{";
        for (std::size_t i = 0; i < entries->size(); ++i)
            out.append(i == 0 ? "" : ", ")
                .append((*entries)[i].first)
                .append(" = ")
                .append(describe((*entries)[i].second));
        return out.append("}");
    }
    return "(empty)";
}

/// The text of a result<std::string>, or why there is none (for the matchers' result overloads).
[[nodiscard]] inline const std::string* text_of(const result<std::string>& r, std::string& why) {
    if (r) return &*r;
    why = "; build() failed: " + to_string(r.error());
    return nullptr;
}

/// What a unit matcher reads: the parsed unit, or the parse error (kept for the description).
struct parsed_unit {
    std::optional<systemd::unit_file> unit;
    std::string problem;  ///< "; the text does not parse: ..." when unit is empty
};

[[nodiscard]] inline parsed_unit parse(std::string_view text) {
    auto parsed = systemd::parse_unit(text);
    if (parsed) return {std::move(*parsed), {}};
    return {std::nullopt, "; the text does not parse as a unit: " + to_string(parsed.error())};
}

/// A matcher of unit or plist text that also takes `result<std::string>` (a build() result) and
/// records what it saw for describe().
class text_matcher : public matcher_base<std::string> {
  public:
    using matcher_base<std::string>::match;
    /// Matches the text a build() returned; fails with the error when build() failed.
    bool match(const result<std::string>& built) const {
        const std::string* text = text_of(built, actual_);
        return text != nullptr && match(*text);
    }

  protected:
    [[nodiscard]] std::string describe() const override { return expectation() + actual_; }
    /// What the matcher wants, e.g. "has [Service] WorkingDirectory=\"/x\"".
    [[nodiscard]] virtual std::string expectation() const = 0;
    mutable std::string actual_;  ///< "; the unit has ...", set by match()
};

}  // namespace detail

/// Matches unit text in which `[section]` assigns `key` exactly `value` (as written, trimmed). The
/// last assignment counts, as systemd reads single-valued settings; list settings (ExecStart=,
/// Environment=, After=, ...) match when any of their current assignments has the value.
class has_directive final : public detail::text_matcher {
  public:
    /// `[section]` has `key=value`.
    has_directive(std::string section, std::string key, std::string value)
        : section_(std::move(section)), key_(std::move(key)), value_(std::move(value)) {}
    /// `[section]` assigns `key` (any non-empty value).
    has_directive(std::string section, std::string key)
        : section_(std::move(section)), key_(std::move(key)) {}

    using detail::text_matcher::match;
    bool match(const std::string& text) const override {
        detail::parsed_unit parsed = detail::parse(text);
        if (!parsed.unit) {
            actual_ = parsed.problem;
            return false;
        }
        const std::vector<std::string> values = parsed.unit->values(section_, key_);
        if (values.empty()) {
            actual_ = "; the unit has no " + key_ + "= in [" + section_ + "]";
            return false;
        }
        if (!value_) return true;
        const bool list = values.size() > 1;
        for (const std::string& v : values)
            if (v == *value_ && (list || v == values.back())) return true;
        actual_ = list ? "; the unit has " + key_ + "= " + detail::quoted_list(values)
                       : "; the unit has " + key_ + "=" + detail::in_quotes(values.back());
        return false;
    }

  private:
    [[nodiscard]] std::string expectation() const override {
        return "has [" + section_ + "] " + key_ + "=" +
               (value_ ? detail::in_quotes(*value_) : std::string("..."));
    }
    std::string section_;
    std::string key_;
    std::optional<std::string> value_;
};

/// Matches unit text whose `[section] key=` command line (ExecStart= by default) gives exactly this
/// argv as systemd passes it (quotes removed, escapes decoded, `%%` and `$$` resolved).
class exec_is final : public detail::text_matcher {
  public:
    /// `key` in `section`, e.g. exec_is("ExecStop", {"/bin/kill", "-TERM", "${MAINPID}"}).
    exec_is(std::string key, std::vector<std::string> argv, std::string section = "Service")
        : section_(std::move(section)), key_(std::move(key)), argv_(std::move(argv)) {}

    using detail::text_matcher::match;
    bool match(const std::string& text) const override {
        detail::parsed_unit parsed = detail::parse(text);
        if (!parsed.unit) {
            actual_ = parsed.problem;
            return false;
        }
        const std::vector<std::string> values = parsed.unit->values(section_, key_);
        if (values.size() != 1) {
            actual_ = values.empty() ? "; the unit has no " + key_ + "= in [" + section_ + "]"
                                     : "; the unit has " + std::to_string(values.size()) + " " + key_ +
                                           "= lines: " + detail::quoted_list(values);
            return false;
        }
        auto argv = systemd::split_command_line(values.front());
        if (!argv) {
            actual_ = "; " + key_ + "=" + detail::in_quotes(values.front()) +
                      " does not split: " + to_string(argv.error());
            return false;
        }
        if (*argv == argv_) return true;
        actual_ = "; the unit's " + key_ + "= is " + detail::quoted_list(*argv);
        return false;
    }

  private:
    [[nodiscard]] std::string expectation() const override {
        return key_ + "= is " + detail::quoted_list(argv_);
    }
    std::string section_;
    std::string key_;
    std::vector<std::string> argv_;
};

/// ExecStart= of [Service] gives exactly `argv`: exec_start_is({"/usr/bin/app", "--serve"}).
[[nodiscard]] inline exec_is exec_start_is(std::vector<std::string> argv) {
    return {"ExecStart", std::move(argv)};
}

/// Matches unit text whose [Service] Environment= lines set `name` to `value` (the last assignment
/// wins, quotes and escapes decoded, as systemd reads them).
class environment_has final : public detail::text_matcher {
  public:
    /// `name` is set to `value`.
    environment_has(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}

    using detail::text_matcher::match;
    bool match(const std::string& text) const override {
        detail::parsed_unit parsed = detail::parse(text);
        if (!parsed.unit) {
            actual_ = parsed.problem;
            return false;
        }
        std::optional<std::string> found;
        for (const std::string& line : parsed.unit->values("Service", "Environment")) {
            auto variables = systemd::split_environment(line);
            if (!variables) {
                actual_ = "; Environment=" + detail::in_quotes(line) +
                          " does not split: " + to_string(variables.error());
                return false;
            }
            for (const auto& [name, value] : *variables)
                if (name == name_) found = value;
        }
        if (found && *found == value_) return true;
        actual_ = found ? "; the unit sets " + name_ + "=" + detail::in_quotes(*found)
                        : "; the unit does not set " + name_;
        return false;
    }

  private:
    [[nodiscard]] std::string expectation() const override {
        return "sets the environment variable " + name_ + "=" + detail::in_quotes(value_);
    }
    std::string name_;
    std::string value_;
};

/// Matches unit text that systemd 252 reads without error and whose Exec*= and Environment= values
/// all split; on a build() result, also that build() succeeded.
class is_valid_unit final : public detail::text_matcher {
  public:
    using detail::text_matcher::match;
    bool match(const std::string& text) const override {
        detail::parsed_unit parsed = detail::parse(text);
        if (!parsed.unit) {
            actual_ = parsed.problem;
            return false;
        }
        for (const systemd::unit_entry& e : parsed.unit->entries()) {
            if (e.value.empty()) continue;  // a reset
            const std::string_view key = e.key;
            std::optional<error> problem;
            if (key.substr(0, 4) == "Exec") {
                if (auto argv = systemd::split_command_line(e.value); !argv) problem = argv.error();
            } else if (key == "Environment") {
                if (auto variables = systemd::split_environment(e.value); !variables)
                    problem = variables.error();
            }
            if (problem) {
                actual_ = "; line " + std::to_string(e.line) + ", " + e.key + "=" +
                          detail::in_quotes(e.value) + ": " + to_string(*problem);
                return false;
            }
        }
        return true;
    }

  private:
    [[nodiscard]] std::string expectation() const override {
        return "is a unit systemd reads (every Exec*= and Environment= value splits)";
    }
};

/// Matches plist text whose top-level dict has `key`, equal to the given value when one is given:
/// plist_has("Label", "org.example.app"), plist_has("RunAtLoad", true), plist_has("ExitTimeOut", 30).
class plist_has final : public detail::text_matcher {
  public:
    /// `key` is present.
    explicit plist_has(std::string key) : key_(std::move(key)) {}
    /// `key` is a <string> equal to `value`.
    plist_has(std::string key, std::string value)
        : key_(std::move(key)), value_(launchd::plist_value(std::move(value))) {}
    /// `key` is a <string> equal to `value`.
    plist_has(std::string key, const char* value) : plist_has(std::move(key), std::string(value)) {}
    /// `key` is <true/> or <false/>.
    plist_has(std::string key, bool value) : key_(std::move(key)), value_(launchd::plist_value(value)) {}
    /// `key` is an <integer> equal to `value`.
    template <class Int,
              std::enable_if_t<std::is_integral<Int>::value && !std::is_same<Int, bool>::value, int> = 0>
    plist_has(std::string key, Int value)
        : key_(std::move(key)), value_(launchd::plist_value(static_cast<std::int64_t>(value))) {}
    /// `key` equals `value` (any plist value, e.g. an array or a dict).
    plist_has(std::string key, launchd::plist_value value) : key_(std::move(key)), value_(std::move(value)) {}

    using detail::text_matcher::match;
    bool match(const std::string& text) const override {
        auto parsed = launchd::parse_plist(text);
        if (!parsed) {
            actual_ = "; the text does not parse as a plist: " + to_string(parsed.error());
            return false;
        }
        const launchd::plist_value* found = parsed->find(key_);
        if (found == nullptr) {
            actual_ = "; the plist has no " + key_;
            return false;
        }
        if (!value_ || *found == *value_) return true;
        actual_ = "; the plist has " + key_ + " = " + detail::describe(*found);
        return false;
    }

  private:
    [[nodiscard]] std::string expectation() const override {
        return "has " + key_ + (value_ ? " = " + detail::describe(*value_) : std::string());
    }
    std::string key_;
    std::optional<launchd::plist_value> value_;
};

/// ProgramArguments is exactly `argv`: program_arguments_are({"/usr/bin/app", "--serve"}).
[[nodiscard]] inline plist_has program_arguments_are(const std::vector<std::string>& argv) {
    launchd::plist_value::array_type items;
    items.reserve(argv.size());
    for (const std::string& a : argv) items.emplace_back(a);
    return {"ProgramArguments", launchd::plist_value(std::move(items))};
}

}  // namespace testing
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
