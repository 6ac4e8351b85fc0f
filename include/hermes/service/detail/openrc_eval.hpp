// SPDX-License-Identifier: MIT
// The values OpenRC's supervise-daemon.sh re-reads: it runs `eval supervise-daemon ... --chdir $directory
// ... $command -- $command_args`, so those values are split on blanks, globbed, joined with single spaces
// and parsed as sh again. A value survives exactly only as a reference `"$var"` to a variable holding it
// (single-quoted), or as a plain token eval leaves alone. Observed on OpenRC 0.45.2 (docs/openrc.md).
// Internal: not part of the API.
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../error.hpp"     // result, make_error
#include "config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "escape.hpp"       // status, field_ref, is_ascii_alnum, name_error
#include "sh.hpp"           // lex_sh, sh_token, is_sh_name
#include "text_buffer.hpp"  // put_decimal

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

/// Prefix of the script's own variables; openrc-run.sh's are `_cmd`, `_d`, ... (never `_hermes_`).
inline constexpr std::string_view openrc_variable_prefix = "_hermes_";

/// A value eval re-reads unchanged: `[A-Za-z0-9_./:@%+,=-]`, not empty (no blank, quote, `$`, glob,
/// backslash or operator). Used for pidfile, command_user and retry, which OpenRC also uses unevaluated.
[[nodiscard]] inline status check_eval_token(std::string_view value, const field_ref& field) {
    if (value.empty()) return make_error(errc::empty_value, std::string(field), "the value is empty");
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (is_ascii_alnum(c) || std::string_view("_./:@%+,=-").find(c) != std::string_view::npos) continue;
        return make_error(errc::unrepresentable, std::string(field),
                          "\"" + printable(value) + "\" has '" + printable(value.substr(i, 1)) + "' at " +
                              describe_position(value, i) +
                              "; OpenRC splits, globs and evaluates this value (and uses it unevaluated on "
                              "stop), so only ASCII letters, digits and _./:@%+,=- are carried");
    }
    return {};
}

/// A service name in `need` or `after`: `[A-Za-z0-9][A-Za-z0-9_.+-]*`.
[[nodiscard]] inline status check_openrc_service_name(std::string_view name, const field_ref& field) {
    if (name.empty()) return make_error(errc::empty_value, std::string(field), "the service name is empty");
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (is_ascii_alnum(c) || (i > 0 && (c == '_' || c == '.' || c == '+' || c == '-'))) continue;
        return name_error(field, name, i, "service names are ASCII letters, digits and _.+- (not first)");
    }
    return {};
}

/// The name of one of the script's own variables: `<prefix><kind><number>` (number 0: no number).
template <class Sink>
void put_openrc_variable(Sink& sink, std::string_view kind, std::size_t number) {
    sink.put(openrc_variable_prefix);
    sink.put(kind);
    if (number != 0) put_decimal(sink, number);
}

/// The reference eval turns back into exactly the variable's value: `"$<prefix><kind><number>"`.
template <class Sink>
void put_eval_reference(Sink& sink, std::string_view kind, std::size_t number) {
    sink.put("\"$");
    put_openrc_variable(sink, kind, number);
    sink.put('"');
}

/// The reference eval turns back into exactly the variable's value: `"$<prefix><name>"`.
template <class Sink>
void put_eval_reference(Sink& sink, std::string_view name) {
    put_eval_reference(sink, name, 0);
}

/// What `eval ... $value` makes of `value`: split on blanks, globbed (a pattern character is a
/// parse_error: the reader does not look at files), joined with spaces and lexed with `lookup`.
template <class Lookup>
[[nodiscard]] result<std::vector<std::string>> eval_words(std::string_view value, std::string_view field,
                                                          const Lookup& lookup) {
    std::string joined;
    for (std::size_t i = 0; i < value.size();) {
        while (i < value.size() && (value[i] == ' ' || value[i] == '\t' || value[i] == '\n')) ++i;
        const std::size_t start = i;
        while (i < value.size() && !(value[i] == ' ' || value[i] == '\t' || value[i] == '\n')) {
            if (value[i] == '*' || value[i] == '?' || value[i] == '[')
                return make_error(errc::parse_error, std::string(field),
                                  "a glob pattern eval would expand; not what the writer produces");
            ++i;
        }
        if (i == start) break;
        if (!joined.empty()) joined.push_back(' ');
        joined.append(value.substr(start, i - start));
    }
    auto tokens = lex_sh(joined, field, lookup);
    if (!tokens) return unexpected_error(std::move(tokens.error()));
    std::vector<std::string> words;
    for (sh_token& t : *tokens) {
        if (t.what != sh_token::kind::word)
            return make_error(errc::parse_error, std::string(field),
                              "an operator or newline in an evaluated value; not what the writer produces");
        words.push_back(std::move(t.value));
    }
    return words;
}

}  // namespace detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
