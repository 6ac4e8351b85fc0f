// SPDX-License-Identifier: MIT
// ODR/link test, translation unit 1: includes the umbrella header twice (include guards / #pragma once).
#include <hermes/service.hpp>
#include <hermes/service.hpp>  // NOLINT(readability-duplicate-include): on purpose
#include <string>

std::string odr_render_in_tu1();

std::string odr_render_in_tu1() {
    auto unit = hermes::service::systemd::unit_builder{}.description("x").exec_start({"/bin/true"}).build();
    return unit ? *unit : std::string{};
}
