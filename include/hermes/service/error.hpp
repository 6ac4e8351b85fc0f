// SPDX-License-Identifier: MIT
// Errors are values: every fallible function returns result<T>, never throws for bad input.
#pragma once

#include <array>        // std::array, for enumerators()
#include <iosfwd>       // std::basic_ostream, declared only: operator<< is a template on the stream
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move

#include "detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE, the backend checks

#if defined(HERMES_SERVICE_USE_STD_EXPECTED)
#  include <expected>  // std::expected, std::unexpected
#else
#  include <tl/expected.hpp>  // tl::expected, tl::unexpected
#endif

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {

/// What went wrong with an input; stable, part of the API.
enum class errc {
    empty_value,        ///< a required value is empty
    relative_path,      ///< a path must be absolute
    control_character,  ///< a character the grammar cannot carry (newline, NUL, ...)
    invalid_utf8,       ///< bytes that are not valid UTF-8
    invalid_name,       ///< a name (unit, user, variable, label, key) breaks its grammar
    out_of_range,       ///< a number outside what the setting accepts
    missing_field,      ///< a required setting was never given
    unrepresentable,    ///< the value cannot be written so the reader gets it back exactly
    parse_error,        ///< text that cannot be parsed
    not_normalized,     ///< a path with a `..` segment (or, for unit paths, `.`)
    duplicate,          ///< the same name given twice where only one is allowed
    not_allowed,        ///< a setting that does not apply here (e.g. UserName in an agent)
    invalid_value,      ///< a value outside the setting's vocabulary
};

/// The stable spelling of an error code, e.g. "control_character".
[[nodiscard]] constexpr std::string_view to_string(errc code) noexcept {
    switch (code) {
        case errc::empty_value: return "empty_value";
        case errc::relative_path: return "relative_path";
        case errc::control_character: return "control_character";
        case errc::invalid_utf8: return "invalid_utf8";
        case errc::invalid_name: return "invalid_name";
        case errc::out_of_range: return "out_of_range";
        case errc::missing_field: return "missing_field";
        case errc::unrepresentable: return "unrepresentable";
        case errc::parse_error: return "parse_error";
        case errc::not_normalized: return "not_normalized";
        case errc::duplicate: return "duplicate";
        case errc::not_allowed: return "not_allowed";
        case errc::invalid_value: return "invalid_value";
    }
    return "unknown";
}

/// Every errc, in declaration order (for from_string<errc>, see enums.hpp).
[[nodiscard]] constexpr std::array<errc, 13> enumerators(errc /*tag*/) noexcept {
    return {errc::empty_value,  errc::relative_path,  errc::control_character, errc::invalid_utf8,
            errc::invalid_name, errc::out_of_range,   errc::missing_field,     errc::unrepresentable,
            errc::parse_error,  errc::not_normalized, errc::duplicate,         errc::not_allowed,
            errc::invalid_value};
}

/// A typed error: which input (`field`, e.g. "ExecStart[2]") and what is wrong with it.
struct error {
    errc code;
    std::string field;
    std::string message;
};

/// Errors are equal when code, field and message are.
[[nodiscard]] inline bool operator==(const error& a, const error& b) noexcept {
    return a.code == b.code && a.field == b.field && a.message == b.message;
}
/// Negation of operator==.
[[nodiscard]] inline bool operator!=(const error& a, const error& b) noexcept { return !(a == b); }

/// One line for humans: "ExecStart[2]: <message> [control_character]".
[[nodiscard]] inline std::string to_string(const error& e) {
    std::string out;
    const std::string_view code = to_string(e.code);
    out.reserve(e.field.size() + e.message.size() + code.size() + 5);
    out.append(e.field).append(": ").append(e.message).append(" [").append(code).append("]");
    return out;
}

/// Writes to_string(code) to a stream (Catch2 and other test frameworks print errc with it).
template <class Traits>
std::basic_ostream<char, Traits>& operator<<(std::basic_ostream<char, Traits>& out, errc code) {
    return out << to_string(code);
}

/// Writes to_string(e), "ExecStart[2]: <message> [control_character]", to a stream.
template <class Traits>
std::basic_ostream<char, Traits>& operator<<(std::basic_ostream<char, Traits>& out, const error& e) {
    return out << e.field << ": " << e.message << " [" << to_string(e.code) << ']';
}

#if defined(HERMES_SERVICE_USE_STD_EXPECTED)
/// The value, or the error that explains why there is none.
template <class T>
using result = std::expected<T, error>;
/// The error side of a result, for `return unexpected_error(...)`.
using unexpected_error = std::unexpected<error>;
#else
/// The value, or the error that explains why there is none.
template <class T>
using result = tl::expected<T, error>;
/// The error side of a result, for `return unexpected_error(...)`.
using unexpected_error = tl::unexpected<error>;
#endif

/// Builds the error side of a result in one call.
[[nodiscard]] inline unexpected_error make_error(errc code, std::string field, std::string message) {
    return unexpected_error(error{code, std::move(field), std::move(message)});
}

}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
