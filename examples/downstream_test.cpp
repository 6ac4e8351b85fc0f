// SPDX-License-Identifier: MIT
// A downstream project's Catch2 test of the service definitions it generates (docs/testing.md).
// The project: "mirrord", a daemon that mirrors a directory to a remote; it installs itself as a
// systemd user service on Linux and as a LaunchAgent on macOS. This file is its whole test program.
#define CATCH_CONFIG_MAIN  // Catch2 v2: this file provides main()
#include <catch2/catch.hpp>
#include <hermes/service.hpp>                 // the builders the project uses
#include <hermes/service/testing/catch2.hpp>  // has_directive, exec_start_is, ... (tests only)
#include <string>

// --- The project's code under test (normally in its own source file) -------------------------------

struct mirror_config {
    std::string binary = "/usr/local/bin/mirrord";
    std::string data_dir;  // where mirrord keeps its state; must be absolute
    std::string remote;    // e.g. "sftp://backup.example.org/alice"
    bool verbose = false;
};

hermes::service::result<std::string> mirrord_unit(const mirror_config& c) {
    std::vector<std::string> argv{c.binary, "--remote", c.remote};
    if (c.verbose) argv.emplace_back("--verbose");
    return hermes::service::systemd::unit_builder{}
        .description("mirrord: mirror " + c.data_dir + " to " + c.remote)
        .exec_start(argv)
        .working_directory(c.data_dir)
        .environment("MIRRORD_STATE", c.data_dir + "/state")
        .environment("LANG", "C.UTF-8")
        .restart(hermes::service::systemd::restart_policy::on_failure)
        .wanted_by("default.target")
        .build();
}

hermes::service::result<std::string> mirrord_agent(const mirror_config& c) {
    return hermes::service::launchd::plist_builder{}
        .label("org.example.mirrord")
        .program_arguments({c.binary, "--remote", c.remote})
        .working_directory(c.data_dir)
        .run_at_load()
        .keep_alive(true)
        .build();
}

// --- The tests -------------------------------------------------------------------------------------

using namespace hermes::service::testing;  // NOLINT(google-build-using-namespace): matchers read as prose

namespace {
mirror_config alice() {
    mirror_config c;
    c.data_dir = "/home/alice/.local/share/mirrord";
    c.remote = "sftp://backup.example.org/alice";
    return c;
}
}  // namespace

TEST_CASE("the systemd unit runs mirrord from its data directory") {
    const auto unit = mirrord_unit(alice());
    REQUIRE_THAT(unit, is_valid_unit());  // on failure Catch2 prints build()'s error
    CHECK_THAT(*unit, has_directive("Service", "WorkingDirectory", "/home/alice/.local/share/mirrord"));
    CHECK_THAT(*unit,
               exec_start_is({"/usr/local/bin/mirrord", "--remote", "sftp://backup.example.org/alice"}));
    CHECK_THAT(*unit, environment_has("MIRRORD_STATE", "/home/alice/.local/share/mirrord/state"));
    CHECK_THAT(*unit, has_directive("Service", "Restart", "on-failure"));
    CHECK_THAT(*unit, has_directive("Install", "WantedBy", "default.target"));
}

TEST_CASE("odd characters reach mirrord exactly as given") {
    mirror_config c = alice();
    c.remote = "sftp://backup.example.org/alice's \"files\" 100%";
    c.verbose = true;
    const auto unit = mirrord_unit(c);
    REQUIRE_THAT(unit, is_valid_unit());
    CHECK_THAT(*unit, exec_start_is({"/usr/local/bin/mirrord", "--remote", c.remote, "--verbose"}));
}

TEST_CASE("a relative data directory is refused with a typed error") {
    mirror_config c = alice();
    c.data_dir = "mirror-data";
    const auto unit = mirrord_unit(c);
    REQUIRE_FALSE(unit);
    CHECK(unit.error().code == hermes::service::errc::relative_path);  // prints "relative_path" on failure
    CHECK(unit.error().field == "WorkingDirectory");
}

TEST_CASE("the LaunchAgent runs the same command") {
    const auto plist = mirrord_agent(alice());
    REQUIRE(plist);
    CHECK_THAT(*plist, plist_has("Label", "org.example.mirrord"));
    CHECK_THAT(*plist, program_arguments_are(
                           {"/usr/local/bin/mirrord", "--remote", "sftp://backup.example.org/alice"}));
    CHECK_THAT(*plist, plist_has("WorkingDirectory", "/home/alice/.local/share/mirrord"));
    CHECK_THAT(*plist, plist_has("RunAtLoad", true));
    CHECK_THAT(*plist, plist_has("KeepAlive", true));
}
