// SPDX-License-Identifier: MIT
// Tests for <hermes/service/testing/catch2.hpp>: what each matcher accepts, and what it says when
// it fails (the unit's actual value).
#include <hermes/service/launchd/plist.hpp>
#include <hermes/service/systemd/unit.hpp>
#include <hermes/service/testing/catch2.hpp>
#include <string>

#include "support/catch.hpp"

namespace hs = hermes::service;
using namespace hermes::service::testing;  // NOLINT(google-build-using-namespace): the matchers read as prose

namespace {
const std::string unit_text = R"([Unit]
Description=Backup agent
After=network-online.target
After=time-sync.target

[Service]
Type=notify
ExecStart=/usr/bin/backupd --config "/etc/backup d/conf.toml" 100%%
WorkingDirectory=/var/lib/backupd
Environment="LANG=C.UTF-8" "BACKUP_TARGET=s3://bucket/path with space"
Environment=BACKUP_TARGET=s3://other

[Install]
WantedBy=multi-user.target
)";

// What a failing matcher reports (Catch2 prints "<text> <description>").
template <class Matcher, class Arg>
std::string failure(const Matcher& m, const Arg& arg) {
    REQUIRE_FALSE(m.match(arg));
    return m.toString();
}
}  // namespace

TEST_CASE("has_directive matches the value systemd reads", "[testing]") {
    CHECK_THAT(unit_text, has_directive("Service", "WorkingDirectory", "/var/lib/backupd"));
    CHECK_THAT(unit_text, has_directive("Service", "Type"));
    CHECK_THAT(unit_text, has_directive("Unit", "After", "time-sync.target"));  // a list: any assignment
    CHECK_THAT(unit_text, !has_directive("Unit", "WorkingDirectory"));
    CHECK(failure(has_directive("Service", "WorkingDirectory", "/x"), unit_text) ==
          R"(has [Service] WorkingDirectory="/x"; the unit has WorkingDirectory="/var/lib/backupd")");
    CHECK(failure(has_directive("Service", "User", "backup"), unit_text) ==
          R"(has [Service] User="backup"; the unit has no User= in [Service])");
    CHECK(
        failure(has_directive("Unit", "After", "x.target"), unit_text) ==
        R"(has [Unit] After="x.target"; the unit has After= {"network-online.target", "time-sync.target"})");
    const std::string broken = "[Service]\nType=simple\n[Service\n";
    CHECK(failure(has_directive("Service", "Type", "simple"), broken) ==
          "has [Service] Type=\"simple\"; the text does not parse as a unit: " +
              to_string(hs::systemd::parse_unit(broken).error()));
}

TEST_CASE("exec_start_is compares the argv systemd passes", "[testing]") {
    CHECK_THAT(unit_text, exec_start_is({"/usr/bin/backupd", "--config", "/etc/backup d/conf.toml", "100%"}));
    CHECK(failure(exec_start_is({"/usr/bin/backupd"}), unit_text) ==
          R"(ExecStart= is {"/usr/bin/backupd"}; the unit's ExecStart= is {"/usr/bin/backupd", "--config", )"
          R"("/etc/backup d/conf.toml", "100%"})");
    CHECK(failure(exec_is("ExecStop", {"/bin/kill"}), unit_text) ==
          R"(ExecStop= is {"/bin/kill"}; the unit has no ExecStop= in [Service])");
}

TEST_CASE("environment_has reads every Environment= line, the last assignment winning", "[testing]") {
    CHECK_THAT(unit_text, environment_has("LANG", "C.UTF-8"));
    CHECK_THAT(unit_text, environment_has("BACKUP_TARGET", "s3://other"));
    CHECK(failure(environment_has("BACKUP_TARGET", "s3://bucket/path with space"), unit_text) ==
          R"(sets the environment variable BACKUP_TARGET="s3://bucket/path with space"; the unit sets )"
          R"(BACKUP_TARGET="s3://other")");
    CHECK(failure(environment_has("HOME", "/root"), unit_text) ==
          R"(sets the environment variable HOME="/root"; the unit does not set HOME)");
}

TEST_CASE("is_valid_unit checks that the text reads and every Exec and Environment value splits",
          "[testing]") {
    CHECK_THAT(unit_text, is_valid_unit());
    CHECK(failure(is_valid_unit(), std::string("[Service]\nExecStart=/bin/echo \"unterminated\n")) ==
          R"(is a unit systemd reads (every Exec*= and Environment= value splits); line 2, )"
          R"(ExecStart="/bin/echo \"unterminated": )" +
              to_string(hs::systemd::split_command_line("/bin/echo \"unterminated").error()));
    CHECK(failure(is_valid_unit(), std::string("[Service]\nEnvironment=\"A=1\n")) ==
          R"(is a unit systemd reads (every Exec*= and Environment= value splits); line 2, )"
          R"(Environment="\"A=1": )" +
              to_string(hs::systemd::split_environment("\"A=1").error()));
}

TEST_CASE("the unit matchers take a build() result and report its error", "[testing]") {
    const hs::result<std::string> built = hs::systemd::unit_builder{}
                                              .description("Backup agent")
                                              .exec_start({"/usr/bin/backupd", "--once"})
                                              .working_directory("/var/lib/backupd")
                                              .build();
    CHECK_THAT(built, is_valid_unit());
    CHECK_THAT(built, exec_start_is({"/usr/bin/backupd", "--once"}));
    const hs::result<std::string> refused =
        hs::systemd::unit_builder{}.description("x").exec_start({"backupd"}).build();
    CHECK(failure(is_valid_unit(), refused) ==
          "is a unit systemd reads (every Exec*= and Environment= value splits); build() failed: " +
              to_string(refused.error()));
}

TEST_CASE("plist_has and program_arguments_are read the plist's top-level keys", "[testing]") {
    const hs::result<std::string> plist = hs::launchd::plist_builder{}
                                              .label("org.example.backupd")
                                              .program_arguments({"/usr/local/bin/backupd", "--serve"})
                                              .run_at_load()
                                              .exit_timeout(30)
                                              .build();
    REQUIRE(plist);
    CHECK_THAT(*plist, plist_has("Label", "org.example.backupd"));
    CHECK_THAT(*plist, plist_has("RunAtLoad", true));
    CHECK_THAT(*plist, plist_has("ExitTimeOut", 30));
    CHECK_THAT(*plist, plist_has("ProgramArguments"));
    CHECK_THAT(plist, program_arguments_are({"/usr/local/bin/backupd", "--serve"}));
    CHECK(failure(plist_has("Label", "org.example.other"), *plist) ==
          R"(has Label = "org.example.other"; the plist has Label = "org.example.backupd")");
    CHECK(failure(plist_has("RunAtLoad", false), *plist) ==
          "has RunAtLoad = false; the plist has RunAtLoad = true");
    CHECK(failure(plist_has("KeepAlive"), *plist) == "has KeepAlive; the plist has no KeepAlive");
    CHECK(failure(program_arguments_are({"/usr/local/bin/backupd"}), *plist) ==
          R"(has ProgramArguments = ["/usr/local/bin/backupd"]; the plist has ProgramArguments = )"
          R"(["/usr/local/bin/backupd", "--serve"])");
    CHECK(failure(plist_has("Label", "x"), std::string("<plist>")) ==
          "has Label = \"x\"; the text does not parse as a plist: " +
              to_string(hs::launchd::parse_plist("<plist>").error()));
}
