// SPDX-License-Identifier: MIT
// The systemd writer held against systemd itself: every unit built here passes
// `systemd-analyze verify` with no diagnostic, and systemd's own parsed view (its debug dump)
// equals the builder's inputs. Skipped, with the reason, where systemd-analyze is missing.
#include <chrono>
#include <hermes/service/systemd.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/oracles.hpp"

using namespace std::chrono_literals;
namespace systemd = hermes::service::systemd;
namespace oracle = hermes_test::oracle;

namespace {

// The dump shows argv before exec-time expansion, so a '$' the builder doubled shows as "$$".
std::string as_dumped(std::string arg) {
    for (std::size_t p = arg.find('$'); p != std::string::npos; p = arg.find('$', p + 2))
        arg.insert(p, 1, '$');
    return arg;
}

oracle::systemd_view verify_clean(const std::string& unit, const std::string& name, bool user_scope = false,
                                  const std::vector<std::string>& stubs = {}) {
    INFO(unit);
    auto view = oracle::verify_unit(unit, name, user_scope, stubs);
    CHECK(view.rc == 0);
    // NOLINTNEXTLINE(readability-container-size-empty): this form makes Catch print the lines
    CHECK(view.diagnostics == std::vector<std::string>{});
    return view;
}

}  // namespace

TEST_CASE("oracle: hostile arguments reach systemd's argv exactly", "[systemd][oracle]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    const std::string exe = "/opt/hermes test/bin/gateway 100%";
    std::vector<std::string> argv{exe};
    for (const auto& a : hermes_test::hostile_arguments()) argv.push_back(a);
    const auto unit = systemd::unit_builder{}
                          .description("hostile argv")
                          .exec_start(argv)
                          .exec_stop_post(argv, true)
                          .build();
    REQUIRE(unit);
    const auto view = verify_clean(*unit, "hostile-argv.service", false, {exe});
    std::vector<std::string> expected;
    expected.reserve(argv.size());
    for (const auto& a : argv) expected.push_back(as_dumped(a));
    REQUIRE(view.commands("ExecStart").size() == 1);
    CHECK(view.commands("ExecStart")[0] == expected);
    REQUIRE(view.commands("ExecStopPost").size() == 1);
    CHECK(view.commands("ExecStopPost")[0] == expected);
}

TEST_CASE("oracle: hostile environment values reach systemd exactly", "[systemd][oracle]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    systemd::unit_builder b;
    b.exec_start({"/bin/true"});
    const auto values = hermes_test::hostile_environment_values();
    for (std::size_t i = 0; i < values.size(); ++i) b.environment("V" + std::to_string(i), values[i]);
    const auto unit = b.build();
    REQUIRE(unit);
    const auto view = verify_clean(*unit, "hostile-env.service");
    REQUIRE(view.environment.size() == values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        CHECK(view.environment[i].first == "V" + std::to_string(i));
        CHECK(view.environment[i].second == values[i]);
    }
}

TEST_CASE("oracle: working directories and descriptions reach systemd exactly", "[systemd][oracle]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    for (const auto& path : hermes_test::hostile_paths()) {
        for (const bool missing_ok : {false, true}) {
            const auto unit = systemd::unit_builder{}
                                  .description("Gateway in " + path + " (100% sure)")
                                  .exec_start({"/bin/true"})
                                  .working_directory(path, missing_ok)
                                  .build();
            REQUIRE(unit);
            const auto view = verify_clean(*unit, "wd.service");
            CHECK(view.working_directory == path);
            CHECK(view.description == "Gateway in " + path + " (100% sure)");
        }
    }
}

TEST_CASE("oracle: a complete system unit with identity verifies clean", "[systemd][oracle]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    const auto unit =
        systemd::unit_builder{}
            .description("Hermes Agent Gateway - Messaging Platform Integration")
            .after("network-online.target")
            .wants("network-online.target")
            .after("user@1000.service")
            .wants("user@1000.service")
            .start_limit_interval_sec(0s)
            .start_limit_burst(5)
            .type(systemd::service_type::notify)
            .user("alice")
            .group("alice")
            .exec_start({"/home/alice/.hermes/venv/bin/python", "-m", "hermes_cli.main", "gateway", "run"})
            .working_directory("/home/alice/.hermes")
            .environment("HOME", "/home/alice")
            .environment("HERMES_HOME", "/home/alice/.hermes")
            .restart(systemd::restart_policy::always)
            .restart_sec(5s)
            .restart_force_exit_status({75})
            .success_exit_status({75})
            .restart_prevent_exit_status({78})
            .kill_mode(systemd::kill_mode::mixed)
            .kill_signal("SIGTERM")
            .exec_reload({"/bin/kill", "-USR1", systemd::variable("MAINPID")})
            .exec_stop_post({"/home/alice/.hermes/venv/bin/python", "-m", "gateway.cgroup_cleanup"}, true)
            .timeout_stop_sec(70s)
            .watchdog_sec("60s")
            .notify_access(systemd::notify_access::main)
            .standard_output("append:/var/log/hermes gateway/out.log")
            .standard_error("journal")
            .set("Service", "Nice", "5")
            .wanted_by("multi-user.target")
            .build();
    REQUIRE(unit);
    const auto view =
        verify_clean(*unit, "hermes-gateway.service", false, {"/home/alice/.hermes/venv/bin/python"});
    CHECK(view.user == "alice");
    CHECK(view.group == "alice");
    CHECK(view.working_directory == "/home/alice/.hermes");
    CHECK(view.env("HERMES_HOME") == "/home/alice/.hermes");
    REQUIRE(view.commands("ExecReload").size() == 1);
    CHECK(view.commands("ExecReload")[0] == std::vector<std::string>{"/bin/kill", "-USR1", "${MAINPID}"});
}

TEST_CASE("oracle: a user unit verifies clean under the user manager", "[systemd][oracle]") {
    if (auto why = oracle::systemd_user_unavailable()) HERMES_SKIP(*why);
    const auto unit = systemd::unit_builder{}
                          .description("user gateway")
                          .after("network-online.target")
                          .exec_start({"/bin/sleep", "1000"})
                          .working_directory("/tmp")
                          .environment("HERMES_HOME", "/tmp")
                          .restart(systemd::restart_policy::always)
                          .wanted_by("default.target")
                          .build();
    REQUIRE(unit);
    const auto view = verify_clean(*unit, "hermes-gateway.service", true);
    CHECK(view.working_directory == "/tmp");
    CHECK(view.commands("ExecStart") == std::vector<std::vector<std::string>>{{"/bin/sleep", "1000"}});
}

TEST_CASE("oracle: what the builder refuses, systemd would have mangled", "[systemd][oracle]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    // The raw text a naive generator writes for a WorkingDirectory ending in '\' swallows the next
    // line; systemd shows it. The builder refuses that value instead.
    const auto view = oracle::verify_unit(
        "[Service]\nExecStart=/bin/true\nWorkingDirectory=/tmp/endslash\\\nUser=root\n", "naive.service");
    CHECK(view.working_directory == "/tmp/endslash User=root");
    CHECK_FALSE(view.user.has_value());
    const auto refused = systemd::unit_builder{}
                             .exec_start({"/bin/true"})
                             .working_directory("/tmp/endslash\\")
                             .user("root")
                             .build();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == hermes::service::errc::unrepresentable);
}
