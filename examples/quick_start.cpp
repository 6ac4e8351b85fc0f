// SPDX-License-Identifier: MIT
// The README's first example: a systemd unit whose values need quoting, escaping or refusing.
#include <cstdio>
#include <hermes/service.hpp>

int main() {
    namespace systemd = hermes::service::systemd;
    const auto unit = systemd::unit_builder{}
                          .description("Example gateway")
                          .exec_start({"/usr/bin/python3", "-m", "gateway", "--motto", "100% \"$HOME\""})
                          .working_directory("/var/lib/gateway")
                          .environment("GREETING", "hello world")
                          .restart(systemd::restart_policy::always)
                          .wanted_by("multi-user.target")
                          .build();
    if (!unit) return std::fprintf(stderr, "%s\n", to_string(unit.error()).c_str()), 1;
    std::fputs(unit->c_str(), stdout);
}
