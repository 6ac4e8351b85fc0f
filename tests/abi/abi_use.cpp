// SPDX-License-Identifier: MIT
// The other half (tests/abi/check-abi.cmake): compiled with either backend, it calls describe() with
// a library type. With the same backend as abi_define.cpp it links; with the other it must not.
#include <cstdio>
#include <hermes/service/systemd/unit.hpp>
#include <string>

std::string describe(const hermes::service::error& e);
std::string render();

int main() {
    auto refused = hermes::service::systemd::unit_builder{}.description("abi").exec_start({"true"}).build();
    if (refused) return 1;
    std::puts(describe(refused.error()).c_str());
    return render().find("/bin/true") == std::string::npos ? 1 : 0;
}
