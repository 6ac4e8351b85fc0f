// SPDX-License-Identifier: MIT
// A launchd agent plist, then a typed error for a value XML cannot carry.
#include <cstdio>
#include <hermes/service.hpp>

int main() {
    namespace launchd = hermes::service::launchd;
    auto agent = launchd::plist_builder{}
                     .label("com.example.gateway")
                     .program_arguments({"/usr/local/bin/gateway", "--greeting", "fish & chips <3"})
                     .working_directory("/Users/alice/Library/Application Support/gateway")
                     .run_at_load()
                     .keep_alive(true);
    const auto plist = agent.build();
    if (!plist) return std::fprintf(stderr, "%s\n", to_string(plist.error()).c_str()), 1;
    std::fputs(plist->c_str(), stdout);

    // An escape character cannot appear in XML 1.0 at all: refused, naming the argument.
    const auto refused = agent.program_arguments({"/usr/local/bin/gateway", "\x1b[31mred"}).build();
    std::printf("refused: %s\n", to_string(refused.error()).c_str());
    return refused ? 1 : 0;
}
