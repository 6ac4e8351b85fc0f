// SPDX-License-Identifier: MIT
// UTF-8 decoding and the "where" part of error messages. Internal: not part of the API.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdio>       // std::snprintf
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

/// Sentinel returned by decode_utf8 for a malformed sequence.
inline constexpr char32_t invalid_code_point = 0xFFFFFFFF;

/// decode_utf8 for a lead byte >= 0x80 (kept out of the ASCII path so that path inlines).
[[nodiscard]] constexpr char32_t decode_utf8_sequence(std::string_view s, std::size_t& pos) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = byte(pos);
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2, cp = b0 & 0x1FU, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3, cp = b0 & 0x0FU, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4, cp = b0 & 0x07U, min = 0x10000;
    } else {
        ++pos;
        return invalid_code_point;
    }
    if (s.size() - pos < len) {
        ++pos;
        return invalid_code_point;
    }
    for (std::size_t i = 1; i < len; ++i) {
        const unsigned char b = byte(pos + i);
        if ((b & 0xC0) != 0x80) {
            ++pos;
            return invalid_code_point;
        }
        cp = (cp << 6) | (b & 0x3FU);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++pos;
        return invalid_code_point;
    }
    pos += len;
    return cp;
}

/// Decodes the code point at `pos` and advances `pos`; strict (no overlongs, surrogates or > U+10FFFF).
/// On a malformed sequence returns invalid_code_point and advances by one byte.
[[nodiscard]] constexpr char32_t decode_utf8(std::string_view s, std::size_t& pos) noexcept {
    const auto b0 = static_cast<unsigned char>(s[pos]);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    return decode_utf8_sequence(s, pos);
}

/// systemd's unichar_is_valid: a Unicode scalar value that is not a non-character (U+FDD0..U+FDEF,
/// U+xxFFFE, U+xxFFFF). systemd refuses a unit line holding one, so the unit writers refuse them too.
[[nodiscard]] constexpr bool is_valid_unichar(char32_t cp) noexcept {
    return cp < 0x110000 && (cp & 0xFFFFF800) != 0xD800 && !(cp >= 0xFDD0 && cp <= 0xFDEF) &&
           (cp & 0xFFFE) != 0xFFFE;
}

/// Byte offset of the first malformed sequence, or npos when `s` is valid UTF-8.
[[nodiscard]] constexpr std::size_t find_invalid_utf8(std::string_view s) noexcept {
    for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t at = pos;
        if (decode_utf8(s, pos) == invalid_code_point) return at;
    }
    return std::string_view::npos;
}

/// Number of characters before byte `offset` (an invalid byte counts as one character).
[[nodiscard]] constexpr std::size_t character_index(std::string_view s, std::size_t offset) noexcept {
    std::size_t count = 0;
    for (std::size_t pos = 0; pos < offset && pos < s.size(); ++count) (void)decode_utf8(s, pos);
    return count;
}

/// The value of a hex digit, or -1.
[[nodiscard]] constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Appends `cp` (a valid code point) encoded as UTF-8.
inline void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

/// `s` safe to show inside a message: control characters and invalid bytes as C escapes
/// (`\n`, `\t`, `\r`, `\xHH`), so a value can never break the line it is reported on.
[[nodiscard]] inline std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t at = pos;
        const char32_t cp = decode_utf8(s, pos);
        if (cp == '\n') {
            out.append("\\n");
        } else if (cp == '\t') {
            out.append("\\t");
        } else if (cp == '\r') {
            out.append("\\r");
        } else if (cp == invalid_code_point || cp < 0x20 || cp == 0x7F) {
            constexpr std::string_view digits = "0123456789abcdef";
            const auto b = static_cast<unsigned char>(s[at]);
            out.append("\\x").push_back(digits[b >> 4]);
            out.push_back(digits[b & 0xF]);
        } else {
            out.append(s.substr(at, pos - at));
        }
    }
    return out;
}

/// "character 3 (byte 4)": both 1-based counts are what editors show; bytes help with hexdumps.
[[nodiscard]] inline std::string describe_position(std::string_view s, std::size_t offset) {
    return "character " + std::to_string(character_index(s, offset) + 1) + " (byte " +
           std::to_string(offset + 1) + ")";
}

/// "U+000A" for a code point.
[[nodiscard]] inline std::string describe_code_point(char32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
}

/// "0xFF" for a raw byte.
[[nodiscard]] inline std::string describe_byte(unsigned char b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(b));
    return buf;
}

}  // namespace detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
