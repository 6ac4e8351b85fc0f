// SPDX-License-Identifier: MIT
// A sink that writes into a std::string sized up front: each put is a bounds check and a copy, where
// std::string::append and push_back are out-of-line calls that re-check capacity and re-terminate.
// The s6, runit, OpenRC, cmd and Task Scheduler writers render through it. Internal: not part of the API.
#pragma once

#include <array>        // std::array
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <cstring>      // std::memcpy
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "byte_scan.hpp"  // swar::load, swar::any_equal
#include "config.hpp"     // HERMES_SERVICE_ABI_NAMESPACE

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

/// The first index at or after `pos` whose byte is one of `Bytes`, or s.size(): eight bytes a step while
/// none is there (swar::any_equal is exact), then a byte at a time. For the few-byte sets of the sh and
/// execline words, where most values hold none of them.
template <char... Bytes>
[[nodiscard]] inline std::size_t find_bytes(std::string_view s, std::size_t pos) noexcept {
    for (; pos + 8 <= s.size(); pos += 8) {
        const std::uint64_t v = swar::load(s.data() + pos);
        if ((swar::any_equal(v, static_cast<unsigned char>(Bytes)) | ...) != 0) break;
    }
    // A tail under eight bytes after clean words: the last eight bytes (overlapping clean ones) tell
    // whether there is anything to find at all.
    if (pos < s.size() && pos + 8 > s.size() && s.size() >= 8) {
        const std::uint64_t v = swar::load(s.data() + s.size() - 8);
        if ((swar::any_equal(v, static_cast<unsigned char>(Bytes)) | ...) == 0) return s.size();
    }
    while (pos < s.size() && ((s[pos] != Bytes) && ...)) ++pos;
    return pos;
}

/// Writes `n` in decimal, as std::to_string spells it, without a temporary string.
template <class Sink>
void put_decimal(Sink& sink, unsigned long long n) {
    char digits[20];
    std::size_t at = sizeof digits;
    do {
        digits[--at] = static_cast<char>('0' + n % 10);
        n /= 10;
    } while (n != 0);
    sink.put(std::string_view(digits + at, sizeof digits - at));
}

/// A set of bytes a writer must decide about (escape or refuse); the rest it copies in runs.
class byte_set {
  public:
    constexpr byte_set(std::string_view members) noexcept {  // NOLINT(google-explicit-constructor)
        for (const char c : members) bits_[static_cast<unsigned char>(c)] = true;
    }
    /// Adds the C0 controls and DEL.
    [[nodiscard]] constexpr byte_set with_controls() const noexcept {
        byte_set out = *this;
        for (unsigned b = 0; b < 0x20; ++b) out.bits_[b] = true;
        out.bits_[0x7F] = true;
        return out;
    }
    /// Adds the bytes 0x80..0xFF.
    [[nodiscard]] constexpr byte_set with_non_ascii() const noexcept {
        byte_set out = *this;
        for (unsigned b = 0x80; b < 0x100; ++b) out.bits_[b] = true;
        return out;
    }
    [[nodiscard]] constexpr bool has(char c) const noexcept { return bits_[static_cast<unsigned char>(c)]; }
    /// The first index at or after `pos` whose byte is in the set, or s.size(): a plain loop, which
    /// beats a call per search for the short values writers see (most under 64 bytes).
    [[nodiscard]] constexpr std::size_t find(std::string_view s, std::size_t pos) const noexcept {
        while (pos < s.size() && !has(s[pos])) ++pos;
        return pos;
    }

  private:
    std::array<bool, 256> bits_{};
};

/// Appends to `*out` through a cursor into storage made ahead (`expected` bytes, doubled when short);
/// finish() trims the string to what was written. Same put() interface as string_sink.
class text_buffer {
  public:
    text_buffer(std::string& out, std::size_t expected) : out_(&out) {
        const std::size_t used = out.size();
        out.resize(used + expected);
        at_ = out.data() + used;
        end_ = out.data() + out.size();
    }
    text_buffer(const text_buffer&) = delete;
    text_buffer& operator=(const text_buffer&) = delete;
    ~text_buffer() = default;

    void put(char c) {
        if (at_ == end_) grow(1);
        *at_++ = c;
    }
    void put(std::string_view s) {
        if (static_cast<std::size_t>(end_ - at_) < s.size()) grow(s.size());
        if (!s.empty()) std::memcpy(at_, s.data(), s.size());
        at_ += s.size();
    }
    /// `n` copies of `c` (the CRT's runs of backslashes).
    void put(std::size_t n, char c) {
        if (static_cast<std::size_t>(end_ - at_) < n) grow(n);
        for (std::size_t i = 0; i < n; ++i) at_[i] = c;
        at_ += n;
    }
    /// Ends the writing: the string holds exactly what was put.
    void finish() { out_->resize(static_cast<std::size_t>(at_ - out_->data())); }

  private:
    void grow(std::size_t more) {
        const auto used = static_cast<std::size_t>(at_ - out_->data());
        const std::size_t want = used + more;
        out_->resize(want > 2 * out_->size() ? want : 2 * out_->size());
        at_ = out_->data() + used;
        end_ = out_->data() + out_->size();
    }

    std::string* out_;
    char* at_ = nullptr;
    char* end_ = nullptr;
};

}  // namespace detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
