// SPDX-License-Identifier: MIT
// The program every consumer test builds against the package: render a unit and print it.
#include <cstdio>
#include <hermes/service.hpp>
#include <string>

int main() {
    auto unit = hermes::service::systemd::unit_builder{}.description("x").exec_start({"/bin/true"}).build();
    if (!unit) {
        std::fprintf(stderr, "build() failed: %s: %s\n", unit.error().field.c_str(),
                     unit.error().message.c_str());
        return 1;
    }
    std::fputs(unit->c_str(), stdout);
    return unit->find("ExecStart=") == std::string::npos ? 1 : 0;
}
