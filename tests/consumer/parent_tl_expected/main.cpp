// SPDX-License-Identifier: MIT
// Built by tests/consumer/parent_tl_expected: the library must reach the parent's tl::expected target.
#include <cstdio>
#include <hermes/service.hpp>
#include <string>

#ifndef HERMES_CONSUMER_PARENT_EXPECTED
#  error "hermes::service did not link the parent's tl::expected target"
#endif

int main() {
    auto unit = hermes::service::systemd::unit_builder{}.description("x").exec_start({"/bin/true"}).build();
    if (!unit) {
        std::fprintf(stderr, "build() failed: %s\n", hermes::service::to_string(unit.error()).c_str());
        return 1;
    }
    std::fputs(unit->c_str(), stdout);
    return 0;
}
