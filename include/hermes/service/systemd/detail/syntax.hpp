// SPDX-License-Identifier: MIT
// Lexical facts of the unit-file syntax shared by the systemd writer and readers.
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "../../detail/byte_scan.hpp"  // find_stop: next_line skips printable runs
#include "../../detail/config.hpp"     // HERMES_SERVICE_ABI_NAMESPACE

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {}  // namespace detail
namespace systemd::detail {
using namespace hermes::service::detail;

/// systemd's LONG_LINE_MAX: a longer line makes the whole unit fail to load.
inline constexpr std::size_t max_line_length = std::size_t{1024} * 1024;

/// Field name used in errors: "ExecStart[2]", "Environment[HOME]", "WorkingDirectory".
inline std::string indexed_field(std::string_view key, std::string_view index) {
    std::string f(key);
    f.append("[").append(index).append("]");
    return f;
}

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
[[nodiscard]] inline std::string_view next_line(std::string_view text, std::size_t& pos) noexcept {
    const std::size_t start = pos;
    // Printable runs (which hold no line end) are skipped a block at a time; each other byte is looked at.
    pos = find_stop<byte_class::unquoted>(text, pos);
    while (pos < text.size() && text[pos] != '\n' && text[pos] != '\r' && text[pos] != '\0')
        pos = find_stop<byte_class::unquoted>(text, pos + 1);
    const std::string_view line = text.substr(start, pos - start);
    if (pos < text.size()) {
        if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
        ++pos;
    }
    return line;
}

}  // namespace systemd::detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
