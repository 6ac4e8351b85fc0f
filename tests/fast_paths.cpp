// SPDX-License-Identifier: MIT
// The fast paths of docs/performance.md give the same answers as the plain definitions: the
// in-place staleness check against comparing comparable_unit() texts, on generated inputs.
#include <cstdint>
#include <hermes/service/refresh.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"

namespace hs = hermes::service;

namespace {

/// xorshift: deterministic, no <random> needed.
struct rng {
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    std::uint64_t next() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

const std::vector<std::string> pieces = {
    "[Unit]", "[Service]", "Description=x", "Type=simple", "RestartSteps=5", " RestartMaxDelaySec = 1",
    "RestartSteps", "# comment", "Environment=\"PATH=/a:/mnt/c/x:/b\"", "Environment=PATH=/mnt/c:/a ",
    "Environment=\"PATH=:/mnt/x:/a\" ", "Environment=PATH= :/mnt/x", "Environment=\"PATH=/a", "  Environment=PATH=/a",
    "Environment=\"HOME=/h\"", "\xEF\xBB\xBF", "\xEF\xBB\xBF" "Environment=PATH=/mnt/a:/b", "\xEF\xBB\xBFx", " ", "\t",
    "", "x ", " x", "a=b", "Environment=PATH=", "Environment=PATH=/mnt/", "Environment=PATH=::/a::/b:"};
const std::vector<std::string> ends = {"\n", "\r\n", "\r", "\v", "\f", " \n", "\n\n"};

std::string random_unit(rng& r) {
    std::string text;
    const std::size_t lines = r.below(7);
    for (std::size_t i = 0; i < lines; ++i) {
        text += pieces[r.below(pieces.size())];
        if (i + 1 < lines || r.below(2) == 0) text += ends[r.below(ends.size())];
    }
    return text;
}

}  // namespace

TEST_CASE("systemd_unit_is_current agrees with comparing comparable_unit()", "[refresh][fast]") {
    rng r;
    std::size_t equal = 0;
    for (int i = 0; i < 200000; ++i) {
        const std::string a = random_unit(r);
        const std::string b = r.below(3) == 0 ? a : random_unit(r);
        const bool expected =
            hs::detail::refresh::comparable_unit(a) == hs::detail::refresh::comparable_unit(b);
        if (expected) ++equal;
        if (hs::systemd_unit_is_current(a, b) != expected) {
            INFO("installed: " << hs::detail::printable(a));
            INFO("generated: " << hs::detail::printable(b));
            CHECK(hs::systemd_unit_is_current(a, b) == expected);
            return;
        }
    }
    CHECK(equal > 1000);
    // A masked PATH line longer than the stack buffer.
    const std::string long_path = "Environment=\"PATH=" + std::string(2000, 'p') + ":/mnt/c:/b\"\n";
    CHECK(hs::systemd_unit_is_current("[Service]\n" + long_path, "[Service]\r\n" + long_path));
    CHECK_FALSE(hs::systemd_unit_is_current("[Service]\n" + long_path, "[Service]\n" + long_path + "x\n"));
}
