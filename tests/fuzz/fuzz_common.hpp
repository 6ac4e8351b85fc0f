// SPDX-License-Identifier: MIT
// Shared by the libFuzzer harnesses: the record encoding of builder inputs and the property checks.
//
// Builder inputs are records separated by the byte 0xFE (which never occurs in UTF-8, so every other
// byte, NUL and invalid UTF-8 included, can reach the builders). The first byte of a record is its tag,
// the rest its payload; each harness documents its tags. Unknown tags and empty records are ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <hermes/service/error.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

inline constexpr char record_separator = '\xFE';

struct record {
    char tag;
    std::string payload;
};

inline std::vector<record> split_records(const std::uint8_t* data, std::size_t size) {
    std::vector<record> out;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (std::size_t start = 0; start <= text.size();) {
        std::size_t end = text.find(record_separator, start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view r = text.substr(start, end - start);
        if (!r.empty()) out.push_back(record{r.front(), std::string(r.substr(1))});
        start = end + 1;
    }
    return out;
}

/// Splits "name=value" at the first '=' (no '=': the whole payload is the name, the value is empty).
inline std::pair<std::string, std::string> split_assignment(std::string_view s) {
    const std::size_t eq = s.find('=');
    if (eq == std::string_view::npos) return {std::string(s), std::string()};
    return {std::string(s.substr(0, eq)), std::string(s.substr(eq + 1))};
}

/// Prints what failed and the values involved, then aborts (libFuzzer saves the input as a crash).
[[noreturn]] inline void fail(const char* what, std::string_view detail = {}, std::string_view text = {}) {
    std::fprintf(stderr, "\n*** PROPERTY VIOLATED: %s\n", what);
    if (!detail.empty())
        std::fprintf(stderr, "*** detail: %.*s\n", static_cast<int>(detail.size()), detail.data());
    if (!text.empty())
        std::fprintf(stderr, "*** text:\n%.*s\n*** end of text\n", static_cast<int>(text.size()),
                     text.data());
    std::abort();
}

#define FUZZ_CHECK(cond, ...)                                       \
  do {                                                              \
    if (!(cond)) ::fuzz::fail("check failed: " #cond, __VA_ARGS__); \
  } while (false)

/// A typed error: a known code, a field naming the input and a message explaining it.
inline void check_error(const hermes::service::error& e) {
    using hermes::service::errc;
    const auto code = static_cast<unsigned>(e.code);
    if (code > static_cast<unsigned>(errc::invalid_value)) fail("error code out of range", e.message);
    if (e.field.empty()) fail("error with an empty field", e.message);
    if (e.message.empty()) fail("error with an empty message", e.field);
    if (hermes::service::to_string(e.code) == "unknown") fail("error code without a spelling", e.field);
}

/// Builds twice: a builder must be deterministic, and a failure must be a typed error. Returns the
/// text, or nullopt when the builder refused its inputs.
template <class Builder>
std::optional<std::string> stable_build(const Builder& b) {
    const hermes::service::result<std::string> built = b.build();
    const hermes::service::result<std::string> again = b.build();
    FUZZ_CHECK(built.has_value() == again.has_value(), "build() is not deterministic");
    if (!built) {
        check_error(built.error());
        FUZZ_CHECK(built.error() == again.error(), "build() errors differ between calls");
        return std::nullopt;
    }
    FUZZ_CHECK(*built == *again, "build() is not byte-stable", *built);
    return *built;
}

/// Reverses the specifier escaping of unquoted values: every "%%" becomes "%". A lone '%' (which the
/// writers never produce) is reported, since systemd would read it as a specifier.
inline std::string undouble_percent(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 1 == s.size() || s[i + 1] != '%') fail("a single '%' in an unquoted value", s);
            ++i;
        }
        out.push_back(s[i]);
    }
    return out;
}

/// Hex of a byte string, for messages.
inline std::string hex(std::string_view s) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const char c : s) {
        out.push_back(digits[static_cast<unsigned char>(c) >> 4]);
        out.push_back(digits[static_cast<unsigned char>(c) & 0xF]);
    }
    return out;
}

}  // namespace fuzz
