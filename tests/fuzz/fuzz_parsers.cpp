// SPDX-License-Identifier: MIT
// libFuzzer harness: the readers on arbitrary text. parse_unit, split_command_line, split_environment
// and parse_plist must never crash or trip a sanitizer, must fail only with a typed error, and what they
// return must be consistent:
//   parse_unit: every entry in a listed section, keys and values trimmed and single-line, value() is
//     the last of values() (both empty after a reset), sections unique;
//   split_command_line / split_environment: what they return, written back by unit_builder, reads
//     back the same (or the builder refuses it with a typed error);
//   parse_plist: strings are UTF-8 made of XML 1.0 characters, dict keys unique.
// The whole input is given to each reader; the Exec*= and Environment= values parse_unit finds are
// split too (Exec*= also with the Environment= variables for $NAME expansion).
#include <cstddef>
#include <cstdint>
#include <hermes/service/launchd.hpp>
#include <hermes/service/systemd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_common.hpp"

namespace {

namespace hs = hermes::service;
namespace sd = hermes::service::systemd;
namespace ld = hermes::service::launchd;

using env_list = std::vector<std::pair<std::string, std::string>>;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::optional<std::string> only_value(const sd::unit_file& f, std::string_view section,
                                      std::string_view key) {
    for (const sd::unit_entry& e : f.entries())
        if (e.section == section && e.key == key) return e.value;
    return std::nullopt;
}

// argv from the reader, written by the builder, read again: the same argv (or a typed refusal).
void round_trip_argv(const std::vector<std::string>& argv) {
    if (argv.empty() || argv.size() > 64) return;
    for (const std::string& a : argv)
        if (!a.empty() && a.front() == '\0') return;  // would be taken for a systemd::variable() token
    auto text = sd::unit_builder().exec_start(argv).build();
    if (!text) return fuzz::check_error(text.error());
    auto unit = sd::parse_unit(*text);
    FUZZ_CHECK(unit.has_value(), "builder output does not parse", *text);
    const auto value = only_value(*unit, "Service", "ExecStart");
    FUZZ_CHECK(value.has_value(), "no ExecStart read back", *text);
    auto again = sd::split_command_line(*value);
    FUZZ_CHECK(again.has_value(), again ? std::string() : hs::to_string(again.error()), *text);
    FUZZ_CHECK(*again == argv, "argv does not survive write + read", *text);
}

void round_trip_environment(const env_list& vars) {
    for (std::size_t i = 0; i < vars.size() && i < 8; ++i) {
        auto text =
            sd::unit_builder().exec_start({"/bin/true"}).environment(vars[i].first, vars[i].second).build();
        if (!text) {
            fuzz::check_error(text.error());
            continue;
        }
        auto unit = sd::parse_unit(*text);
        FUZZ_CHECK(unit.has_value(), "builder output does not parse", *text);
        const auto value = only_value(*unit, "Service", "Environment");
        FUZZ_CHECK(value.has_value(), "no Environment read back", *text);
        auto again = sd::split_environment(*value);
        FUZZ_CHECK(again.has_value(), again ? std::string() : hs::to_string(again.error()), *text);
        FUZZ_CHECK(again->size() == 1 && (*again)[0] == vars[i], "variable does not survive write + read",
                   *text);
    }
}

void check_command_line(std::string_view value, const env_list* env) {
    auto argv = env ? sd::split_command_line(value, *env) : sd::split_command_line(value);
    if (!argv) return fuzz::check_error(argv.error());
    if (env == nullptr) {
        FUZZ_CHECK(!argv->empty(), "split_command_line returned no argv", value);
        round_trip_argv(*argv);
    }
}

void check_environment(std::string_view value, env_list* collect) {
    auto vars = sd::split_environment(value);
    if (!vars) return fuzz::check_error(vars.error());
    for (const auto& [name, v] : *vars) {
        FUZZ_CHECK(!name.empty() && name.find('=') == std::string::npos, "bad variable name", value);
        FUZZ_CHECK(hs::detail::find_invalid_utf8(v) == std::string::npos, "variable value is not UTF-8",
                   value);
        if (collect) collect->emplace_back(name, v);
    }
    round_trip_environment(*vars);
}

void check_unit(std::string_view text) {
    auto parsed = sd::parse_unit(text);
    if (!parsed) return fuzz::check_error(parsed.error());
    const sd::unit_file& f = *parsed;
    for (std::size_t i = 0; i < f.sections().size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            FUZZ_CHECK(f.sections()[i] != f.sections()[j], "duplicate section", text);
    std::size_t last_line = 0;
    env_list env;
    for (const sd::unit_entry& e : f.entries()) {
        bool listed = false;
        for (const std::string& s : f.sections()) listed = listed || s == e.section;
        FUZZ_CHECK(listed, "entry in an unlisted section: " + e.section, text);
        FUZZ_CHECK(e.line >= 1 && e.line >= last_line, "entry lines go backwards", text);
        last_line = e.line;
        for (const std::string* s : {&e.key, &e.value}) {
            FUZZ_CHECK(s->find_first_of(std::string_view("\n\r\0", 3)) == std::string::npos,
                       "line break in " + *s, text);
            FUZZ_CHECK(s->empty() || (!is_space(s->front()) && !is_space(s->back())), "untrimmed: " + *s,
                       text);
            FUZZ_CHECK(hs::detail::find_invalid_utf8(*s) == std::string::npos, "not UTF-8: " + fuzz::hex(*s),
                       text);
        }
        const auto v = f.value(e.section, e.key);
        const auto all = f.values(e.section, e.key);
        FUZZ_CHECK(v.has_value() == !all.empty(), "value() and values() disagree on " + e.key, text);
        if (v) FUZZ_CHECK(*v == all.back(), "value() is not the last of values() for " + e.key, text);
        if (e.key == "Environment" && !e.value.empty()) check_environment(e.value, &env);
    }
    for (const sd::unit_entry& e : f.entries())
        if (e.key.rfind("Exec", 0) == 0 && !e.value.empty()) {
            check_command_line(e.value, nullptr);
            check_command_line(e.value, &env);
        }
}

void check_plist_value(const ld::plist_value& v, std::string_view text, int depth) {
    FUZZ_CHECK(depth <= 66, "nesting deeper than the reader's limit", text);
    if (const std::string* s = v.as_string()) {
        FUZZ_CHECK(hs::detail::find_invalid_utf8(*s) == std::string::npos, "plist string is not UTF-8", text);
        for (const char c : *s)
            FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r',
                       "plist string holds a character XML 1.0 cannot carry", text);
    } else if (const auto* a = v.as_array()) {
        for (const ld::plist_value& item : *a) check_plist_value(item, text, depth + 1);
    } else if (const auto* d = v.as_dict()) {
        for (std::size_t i = 0; i < d->size(); ++i) {
            for (std::size_t j = 0; j < i; ++j)
                FUZZ_CHECK((*d)[i].first != (*d)[j].first, "duplicate dict key", text);
            FUZZ_CHECK(v.find((*d)[i].first) == &(*d)[i].second, "find() does not return the entry", text);
            check_plist_value((*d)[i].second, text, depth + 1);
        }
    }
}

void check_plist(std::string_view text) {
    auto parsed = ld::parse_plist(text);
    if (!parsed) return fuzz::check_error(parsed.error());
    check_plist_value(*parsed, text, 0);
    auto again = ld::parse_plist(text);
    FUZZ_CHECK(again.has_value() && *again == *parsed, "parse_plist is not deterministic", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 256 * 1024) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_unit(text);
    check_command_line(text, nullptr);
    check_environment(text, nullptr);
    check_plist(text);
    return 0;
}
