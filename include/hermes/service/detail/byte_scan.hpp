// SPDX-License-Identifier: MIT
// Finding the first byte a grammar must look at, 32/16 bytes at a time with compiler vector extensions,
// else eight at a time (portable SWAR, no intrinsics).
// Internal. Each byte class is defined once, by its table; the word test is checked against the table
// exhaustively and on random input (tests/byte_scan.cpp), so the fast path cannot disagree with the rules.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <cstring>      // std::memcpy
#include <string_view>  // std::string_view

#include "config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

/// The byte classes the escapers and readers scan for. A byte "stops" a scan when the grammar must decide
/// about it: escape it, refuse it, or decode UTF-8 (every class stops at bytes >= 0x80).
enum class byte_class : unsigned char {
    quoted,         ///< inside "...": controls, DEL, >= 0x80, `\`, `"`, `%`
    quoted_dollar,  ///< as quoted, plus `$` (Exec* arguments double it)
    executable,     ///< Exec* executable: controls, DEL, >= 0x80, `"`, `'`, `\`, `$`
    unquoted,       ///< unquoted values: controls, DEL, >= 0x80
    word,           ///< unit readers' words: controls, DEL, >= 0x80, space, `\\`, `"`, `'`
    xml_text,       ///< plist character data: controls, DEL, >= 0x80, `<`, `&`, `]`
    non_ascii,      ///< UTF-8 validation: only bytes >= 0x80 (the one class that lets controls pass)
    xml_markup,     ///< plist escapers: controls, DEL, >= 0x80, `&`, `<`, `>`, `"`, `'`
};

/// Whether `b` stops a scan for `cls`: the rule itself, one place.
[[nodiscard]] constexpr bool stops(byte_class cls, unsigned char b) noexcept {
    if (cls == byte_class::non_ascii) return b >= 0x80;
    if (b < 0x20 || b >= 0x7F) return true;
    switch (cls) {
        case byte_class::quoted: return b == '\\' || b == '"' || b == '%';
        case byte_class::quoted_dollar: return b == '\\' || b == '"' || b == '%' || b == '$';
        case byte_class::executable: return b == '"' || b == '\'' || b == '\\' || b == '$';
        case byte_class::unquoted: return false;
        case byte_class::word: return b == ' ' || b == '\\' || b == '"' || b == '\'';
        case byte_class::xml_text: return b == '<' || b == '&' || b == ']';
        case byte_class::non_ascii: break;  // answered above
        case byte_class::xml_markup: return b == '&' || b == '<' || b == '>' || b == '"' || b == '\'';
    }
    return true;
}

namespace swar {
inline constexpr std::uint64_t ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t highs = 0x8080808080808080ULL;
inline constexpr std::uint64_t lows = 0x7F7F7F7F7F7F7F7FULL;

/// Eight bytes from `p`, in whatever order the machine has (only "is there such a byte" is asked).
[[nodiscard]] inline std::uint64_t load(const char* p) noexcept {
    std::uint64_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return v;
}
/// Nonzero exactly when some byte of `v` is below `n` (n <= 0x80; the borrow trick is exact for "some").
[[nodiscard]] constexpr std::uint64_t any_below(std::uint64_t v, unsigned n) noexcept {
    return (v - ones * n) & ~v & highs;
}
/// Nonzero exactly when some byte of `v` equals `c`.
[[nodiscard]] constexpr std::uint64_t any_equal(std::uint64_t v, unsigned char c) noexcept {
    return any_below(v ^ (ones * c), 1);
}
/// Nonzero exactly when some byte is outside printable ASCII 0x20..0x7E (controls, DEL, >= 0x80).
/// Per byte, with no carry between bytes: low7 + 0x60 reaches bit 7 iff low7 >= 0x20, low7 + 1 iff
/// low7 == 0x7F.
[[nodiscard]] constexpr std::uint64_t any_unprintable(std::uint64_t v) noexcept {
    const std::uint64_t low7 = v & lows;
    return (v | ~(low7 + ones * 0x60) | (low7 + ones)) & highs;
}
}  // namespace swar

/// Whether any of the eight bytes in `v` stops a scan for `cls` (the word form of stops()).
[[nodiscard]] constexpr bool word_stops(byte_class cls, std::uint64_t v) noexcept {
    using namespace swar;
    std::uint64_t hit = any_unprintable(v) | any_equal(v, '\\');
    switch (cls) {
        case byte_class::quoted: hit |= any_equal(v, '"') | any_equal(v, '%'); break;
        case byte_class::quoted_dollar:  // '$' (0x24) and '%' (0x25) differ in the last bit only
            hit |= any_equal(v, '"') | any_below(v ^ (ones * '$'), 2);
            break;
        case byte_class::executable: hit |= any_equal(v, '"') | any_equal(v, '\'') | any_equal(v, '$'); break;
        case byte_class::unquoted: hit = any_unprintable(v); break;
        case byte_class::word: hit |= any_equal(v, ' ') | any_equal(v, '"') | any_equal(v, '\''); break;
        case byte_class::xml_text:
            hit = any_unprintable(v) | any_equal(v, '<') | any_equal(v, '&') | any_equal(v, ']');
            break;
        case byte_class::non_ascii: hit = v & highs; break;
        case byte_class::xml_markup:
            hit = any_unprintable(v) | any_equal(v, '&') | any_equal(v, '<') | any_equal(v, '>') |
                  any_equal(v, '"') | any_equal(v, '\'');
            break;
    }
    return hit != 0;
}

#if defined(__GNUC__) && !defined(HERMES_SERVICE_NO_VECTOR_SCAN)
// GCC and Clang vector extensions: sixteen bytes per step with the target's SIMD (SSE2, NEON, ...) or,
// where it has none, the compiler's own lowering; no intrinsics header, no CPU-specific code.
#  define HERMES_SERVICE_VECTOR_SCAN 1
using byte_block = signed char __attribute__((vector_size(16)));

/// The sixteen bytes at `p`, each 0xFF (-1) where it stops a scan for `cls`, else 0 (the block form of
/// stops()). Signed bytes: everything >= 0x80 is negative, so `< 0x20` also catches non-ASCII.
[[nodiscard]] inline byte_block block_mask(byte_class cls, const char* p) noexcept {
    byte_block x;
    std::memcpy(&x, p, sizeof x);
    byte_block hit = (x < 0x20) | (x == 0x7F);
    switch (cls) {
        case byte_class::non_ascii: hit = x < 0; break;
        case byte_class::quoted: hit |= (x == '\\') | (x == '"') | (x == '%'); break;
        case byte_class::quoted_dollar: hit |= (x == '\\') | (x == '"') | ((x | 1) == '%'); break;
        case byte_class::executable: hit |= (x == '\\') | (x == '"') | (x == '\'') | (x == '$'); break;
        case byte_class::unquoted: break;
        case byte_class::word: hit |= (x == ' ') | (x == '\\') | (x == '"') | (x == '\''); break;
        case byte_class::xml_text: hit |= (x == '<') | (x == '&') | (x == ']'); break;
        case byte_class::xml_markup:
            hit |= (x == '&') | (x == '<') | (x == '>') | (x == '"') | (x == '\'');
            break;
    }
    return hit;
}

/// The sixteen bytes at `p` as two words, each byte 0xFF where it stops a scan for `cls`, else 0.
inline void block_hits(byte_class cls, const char* p, std::uint64_t (&halves)[2]) noexcept {
    const byte_block hit = block_mask(cls, p);
    std::memcpy(halves, &hit, sizeof halves);
}

/// Whether any of the thirty-two bytes at `p` stops a scan for `cls`: the two blocks' masks OR-ed, so
/// long clean runs (quoted script bodies, paths) pay one test per 32 bytes.
[[nodiscard]] inline bool double_block_stops(byte_class cls, const char* p) noexcept {
    const byte_block hit = block_mask(cls, p) | block_mask(cls, p + 16);
    std::uint64_t halves[2];
    std::memcpy(halves, &hit, sizeof halves);
    return (halves[0] | halves[1]) != 0;
}

/// Whether any of the sixteen bytes at `p` stops a scan for `cls`.
[[nodiscard]] inline bool block_stops(byte_class cls, const char* p) noexcept {
    std::uint64_t halves[2];
    block_hits(cls, p, halves);
    return (halves[0] | halves[1]) != 0;
}
#endif

/// find_stop without the vector step: whole words while none of their bytes stops, then the
/// stopping word a byte at a time. Always compiled (the fallback, and tested as such).
template <byte_class Cls>
[[nodiscard]] inline std::size_t find_stop_portable(std::string_view s, std::size_t pos) noexcept {
    while (pos + 8 <= s.size() && !word_stops(Cls, swar::load(s.data() + pos))) pos += 8;
    while (pos < s.size() && !stops(Cls, static_cast<unsigned char>(s[pos]))) ++pos;
    return pos;
}

/// The first index at or after `pos` whose byte stops a scan for `Cls`, or s.size().
template <byte_class Cls>
[[nodiscard]] inline std::size_t find_stop(std::string_view s, std::size_t pos) noexcept {
#if defined(HERMES_SERVICE_VECTOR_SCAN)
#  if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    // Thirty-two clean bytes per step; the sixteen-byte loop then finds the stop in the step that has one.
    while (pos + 32 <= s.size() && !double_block_stops(Cls, s.data() + pos)) pos += 32;
    // The first stopping byte of a block is the lowest set byte of its hit words (byte i of the
    // block is byte i of the little-endian word).
    for (; pos + 16 <= s.size(); pos += 16) {
        std::uint64_t halves[2];
        block_hits(Cls, s.data() + pos, halves);
        if (halves[0] != 0) return pos + static_cast<std::size_t>(__builtin_ctzll(halves[0])) / 8;
        if (halves[1] != 0) return pos + 8 + static_cast<std::size_t>(__builtin_ctzll(halves[1])) / 8;
    }
#  endif
    while (pos + 16 <= s.size() && !block_stops(Cls, s.data() + pos)) pos += 16;
    // The tail (under 16 bytes, when no block stopped) through the last 16 bytes, which overlap what
    // was scanned: when none of them stops, none of [pos, size) does. A stop there only sends us on.
    if (pos < s.size() && pos + 16 > s.size() && s.size() >= 16 &&
        !block_stops(Cls, s.data() + s.size() - 16))
        return s.size();
#endif
    return find_stop_portable<Cls>(s, pos);
}

/// The same answer a byte at a time: the reference the fast path is tested against.
template <byte_class Cls>
[[nodiscard]] constexpr std::size_t find_stop_bytewise(std::string_view s, std::size_t pos) noexcept {
    while (pos < s.size() && !stops(Cls, static_cast<unsigned char>(s[pos]))) ++pos;
    return pos;
}

}  // namespace detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
