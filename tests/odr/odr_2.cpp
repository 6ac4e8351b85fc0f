// SPDX-License-Identifier: MIT
// ODR/link test, translation unit 2: the same inline code used from a second TU must link and agree.
#include <cstdio>
#include <hermes/service.hpp>
#include <string>

std::string odr_render_in_tu1();

int main() {
    auto unit = hermes::service::systemd::unit_builder{}.description("x").exec_start({"/bin/true"}).build();
    if (!unit) {
        std::fputs("odr: build() failed\n", stderr);
        return 1;
    }
    if (unit->empty() || *unit != odr_render_in_tu1()) {
        std::fputs("odr: the two translation units rendered different units\n", stderr);
        return 1;
    }
    std::fputs(unit->c_str(), stdout);
    return 0;
}
