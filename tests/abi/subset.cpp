// SPDX-License-Identifier: MIT
// The part of result<T> docs/error.md promises for both backends; tests/abi/check-abi.cmake compiles
// and runs it with tl::expected and with std::expected.
#include <hermes/service/error.hpp>
#include <string>
#include <utility>

namespace hs = hermes::service;

namespace {
hs::result<int> parse_digit(char c) {
    if (c < '0' || c > '9') return hs::make_error(hs::errc::invalid_value, "digit", "not a digit");
    return c - '0';
}
hs::result<void> check(bool ok) {
    if (!ok) return hs::make_error(hs::errc::out_of_range, "flag", "not set");
    return {};
}
}  // namespace

int main() {
    hs::result<int> seven = parse_digit('7');
    const hs::result<int> bad = parse_digit('x');
    int failures = 0;
    failures += (seven.has_value() && static_cast<bool>(seven) && *seven == 7 && seven.value() == 7) ? 0 : 1;
    failures += (!bad && bad.error().code == hs::errc::invalid_value && bad.value_or(-1) == -1) ? 0 : 1;
    const hs::result<std::string> text = std::to_string(*seven);
    failures += (text && text->size() == 1 && *text == "7" && text == hs::result<std::string>("7")) ? 0 : 1;
    seven.emplace(8);
    hs::result<int> other = parse_digit('1');
    swap(seven, other);
    failures += (*seven == 1 && *other == 8 && seven != other) ? 0 : 1;
    const hs::result<void> unset = check(false);
    failures += (!unset && unset.error().field == "flag" && check(true).has_value()) ? 0 : 1;
    hs::error e{hs::errc::duplicate, "f", "m"};
    const hs::result<int> moved = hs::unexpected_error(std::move(e));
    failures += (!moved && moved.error().code == hs::errc::duplicate && moved != seven) ? 0 : 1;
    return failures;
}
