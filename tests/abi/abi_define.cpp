// SPDX-License-Identifier: MIT
// One half of the mixed-backend program (tests/abi/check-abi.cmake): compiled with the tl::expected
// backend, it defines a function whose signature names a library type, and renders a unit.
#include <hermes/service/systemd/unit.hpp>
#include <string>

std::string describe(const hermes::service::error& e);
std::string render();

std::string describe(const hermes::service::error& e) { return hermes::service::to_string(e); }

std::string render() {
    auto unit = hermes::service::systemd::unit_builder{}.description("abi").exec_start({"/bin/true"}).build();
    return unit ? *unit : std::string();
}
