// SPDX-License-Identifier: MIT
// The working-directory choice that prevents status=200/CHDIR crash loops: HERMES_HOME when usable,
// the checkout only as a fallback. The host (here: argv) supplies the facts.
#include <cstdio>
#include <hermes/service.hpp>
#include <optional>
#include <string_view>

int main(int argc, char** argv) {
    const std::optional<std::string_view> home =
        argc > 1 ? std::optional<std::string_view>(argv[1])
                 : std::optional<std::string_view>("/home/alice/.hermes/");
    const std::string_view checkout = argc > 2 ? argv[2] : "/srv/checkout/.worktrees/feature-x";
    const auto choice = hermes::service::stable_service_working_dir(home, checkout);
    if (!choice) return std::fprintf(stderr, "%s\n", to_string(choice.error()).c_str()), 1;
    std::printf("WorkingDirectory=%s%s\n", choice->path.c_str(),
                choice->fell_back ? " (fell back to the checkout)" : "");
}
