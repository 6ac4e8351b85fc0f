// SPDX-License-Identifier: MIT
// A downstream installer for "acme-sync", a daemon that is not the hermes gateway: a user unit, a
// system unit with User=, a timer and its service, a drop-in for the distribution's packaged unit,
// and two launchd agents; then the refresh check with the general comparison (nothing ignored).
//
//   acme-installer print HOME          every file it would install, under "==> NAME <==" headers
//   acme-installer install DIR HOME    write them into DIR (the host's job; the library does no I/O)
//   acme-installer check DIR HOME      compare DIR with what would be generated now: 0 current, 1 stale
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <hermes/service/launchd.hpp>
#include <hermes/service/systemd.hpp>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace hs = hermes::service;
namespace sd = hermes::service::systemd;
namespace ld = hermes::service::launchd;
using namespace std::chrono_literals;

namespace {

const std::string exe = "/usr/local/bin/acme-sync";

/// What the daemon runs as a long-lived service, in a user or a system scope.
sd::unit_builder daemon_unit(const std::string& home) {
    sd::unit_builder b;
    b.description("acme-sync: keeps " + home + " in sync")
        .after("network-online.target")
        .wants("network-online.target")
        .start_limit_interval_sec(0s)
        .exec_start_pre({"/bin/mkdir", "-p", home + "/state"}, sd::exec_flags{true})
        .exec_start({exe, "--home", home, "--log-level", sd::variable("ACME_LOG_LEVEL")})
        .exec_reload({"/bin/kill", "-HUP", sd::variable("MAINPID")})
        .working_directory(home)
        .environment("ACME_HOME", home)
        .environment("ACME_LOG_LEVEL", "info")
        .restart(sd::restart_policy::always)
        .restart_sec(2s)
        .set("Service", "RestartSteps", "5")
        .set("Service", "RestartMaxDelaySec", "1min")
        .set("Service", "LimitNOFILE", "65536");
    return b;
}

std::vector<std::pair<std::string, hs::result<std::string>>> definitions(const std::string& home) {
    std::vector<std::pair<std::string, hs::result<std::string>>> files;
    files.emplace_back("user/acme-sync.service", daemon_unit(home).wanted_by("default.target").build());
    files.emplace_back(
        "system/acme-sync.service",
        daemon_unit("/var/lib/acme").user("acme").group("acme").wanted_by("multi-user.target").build());
    files.emplace_back("user/acme-sync-compact.timer", sd::unit_builder(sd::unit_kind::timer)
                                                           .description("acme-sync: daily compaction")
                                                           .on_calendar("*-*-* 04:00:00")
                                                           .persistent()
                                                           .randomized_delay_sec(15min)
                                                           .unit("acme-sync-compact.service")
                                                           .wanted_by("timers.target")
                                                           .build());
    files.emplace_back("user/acme-sync-compact.service", sd::unit_builder{}
                                                             .description("acme-sync: compaction")
                                                             .type(sd::service_type::oneshot)
                                                             .exec_start({exe, "compact", "--home", home})
                                                             .build());
    // The distribution's packaged /usr/lib/systemd/system/acme-sync.service runs in /var/lib/acme; this
    // override moves it to HOME and replaces its command (ExecStart= must be cleared first).
    files.emplace_back("system/acme-sync.service.d/50-home.conf", sd::dropin_builder{}
                                                                      .working_directory(home)
                                                                      .reset("Service", "ExecStart")
                                                                      .exec_start({exe, "--home", home})
                                                                      .environment("ACME_HOME", home)
                                                                      .build());
    files.emplace_back("launchd/com.acme.sync.plist", ld::plist_builder{}
                                                          .label("com.acme.sync")
                                                          .program_arguments({exe, "--home", home})
                                                          .working_directory(home)
                                                          .environment("ACME_HOME", home)
                                                          .run_at_load()
                                                          .successful_exit(false)
                                                          .crashed(true)
                                                          .throttle_interval(10s)
                                                          .build());
    ld::calendar_interval four_am;
    four_am.hour = 4;
    four_am.minute = 0;
    files.emplace_back("launchd/com.acme.sync.compact.plist",
                       ld::plist_builder{}
                           .label("com.acme.sync.compact")
                           .program_arguments({exe, "compact", "--home", home})
                           .start_calendar_interval(four_am)
                           .set("LowPriorityIO", true)
                           .build());
    return files;
}

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
}

std::string show(const std::vector<std::string>& values) {
    if (values.empty()) return "(none)";
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : " | ") + v;
    return out;
}

/// Prints what differs in one installed file; true when it is current.
bool check_one(const std::string& name, const std::string& installed, const std::string& generated) {
    bool current = true;
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".plist") == 0) {
        for (const auto& c : ld::compare_plists(installed, generated)) {
            current = false;
            std::printf("  %s changed\n", c.key.c_str());
        }
    } else {
        for (const auto& c : sd::compare_units(installed, generated)) {
            current = false;
            std::printf("  [%s] %s: %s -> %s\n", c.section.c_str(), c.key.c_str(), show(c.old_values).c_str(),
                        show(c.new_values).c_str());
        }
    }
    std::printf("%s: %s\n", current ? "current" : "stale", name.c_str());
    return current;
}

int run(const std::vector<std::string>& args) {
    const bool print = args.size() == 2 && args[0] == "print";
    const bool install = args.size() == 3 && args[0] == "install";
    const bool check = args.size() == 3 && args[0] == "check";
    if (!print && !install && !check)
        return std::fprintf(stderr, "usage: acme-installer print HOME | install DIR HOME | check DIR HOME\n"),
               2;
    int status = 0;
    for (auto& [name, text] : definitions(args.back())) {
        if (!text) return std::fprintf(stderr, "%s: %s\n", name.c_str(), to_string(text.error()).c_str()), 2;
        const std::string path = print ? name : args[1] + "/" + name;
        if (print) {
            std::printf("==> %s <==\n%s\n", name.c_str(), text->c_str());
        } else if (install) {
            std::error_code ec;
            std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
            if (!(std::ofstream(path, std::ios::binary) << *text))
                return std::fprintf(stderr, "cannot write %s\n", path.c_str()), 2;
        } else {
            std::string installed;
            if (!read_file(path, installed)) std::printf("  not installed\n");
            if (!check_one(name, installed, *text)) status = 1;
        }
    }
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {  // std::filesystem and the streams may throw; the library never does
        return std::fprintf(stderr, "acme-installer: %s\n", e.what()), 2;
    }
}
