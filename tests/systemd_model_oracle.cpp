// SPDX-License-Identifier: MIT
// The unit kinds, Exec prefixes and drop-ins held against systemd itself: `systemd-analyze verify`
// passes with no diagnostic and systemd's parsed view (its debug dump) holds the builder's inputs.
#include <chrono>
#include <hermes/service/systemd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "support/oracles.hpp"

using namespace std::chrono_literals;
namespace systemd = hermes::service::systemd;
namespace oracle = hermes_test::oracle;
using strings = std::vector<std::string>;
using extras = std::vector<std::pair<std::string, std::string>>;

namespace {

const std::string acme_exe = "/usr/bin/acme-sync";

std::string acme_service() {
    return systemd::unit_builder{}
        .description("acme-sync")
        .type(systemd::service_type::oneshot)
        .exec_start({acme_exe, "--once"})
        .build()
        .value();
}

oracle::systemd_view verify_clean(const std::string& unit, const std::string& name, const extras& more = {}) {
    INFO(unit);
    auto view = oracle::verify_unit(unit, name, false, {acme_exe}, more);
    CHECK(view.rc == 0);
    // NOLINTNEXTLINE(readability-container-size-empty): this form makes Catch print the lines
    CHECK(view.diagnostics == std::vector<std::string>{});
    return view;
}

}  // namespace

TEST_CASE("oracle: a timer with every typed trigger verifies clean and reads back",
          "[systemd][oracle][model]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    const auto timer = systemd::unit_builder(systemd::unit_kind::timer)
                           .description("acme-sync schedule")
                           .on_calendar("Mon..Fri *-*-* 04:00:00")
                           .on_active_sec(2s)
                           .on_boot_sec(5min)
                           .on_startup_sec(1500ms)
                           .on_unit_active_sec(6h)
                           .on_unit_inactive_sec(std::chrono::microseconds(250))
                           .persistent()
                           .randomized_delay_sec(10min)
                           .accuracy_sec("1us")
                           .unit("acme-sync.service")
                           .wanted_by("timers.target")
                           .build();
    REQUIRE(timer);
    const auto view = verify_clean(*timer, "acme-nightly.timer", {{"acme-sync.service", acme_service()}});
    CHECK(view.props("Unit") == strings{"acme-sync.service"});
    CHECK(view.props("Persistent") == strings{"yes"});
    CHECK(view.props("OnCalendar") == strings{"Mon..Fri *-*-* 04:00:00"});
    CHECK(view.props("OnActiveSec") == strings{"2s"});
    CHECK(view.props("OnBootSec") == strings{"5min"});
    CHECK(view.props("OnStartupSec") == strings{"1.500000s"});
    CHECK(view.props("OnUnitActiveSec") == strings{"6h"});
    CHECK(view.props("OnUnitInactiveSec") == strings{"250us"});
    CHECK(view.props("Accuracy") == strings{"1us"});
}

TEST_CASE("oracle: a socket verifies clean and reads back", "[systemd][oracle][model]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    const auto socket = systemd::unit_builder(systemd::unit_kind::socket)
                            .description("acme-sync socket")
                            .listen_stream("127.0.0.1:8080")
                            .listen_stream("/run/acme/100% sure.sock")
                            .listen_datagram("[::1]:9000")
                            .accept(false)
                            .socket_user("acme")
                            .socket_group("acme")
                            .socket_mode(0660)
                            .service("acme-sync.service")
                            .wanted_by("sockets.target")
                            .build();
    REQUIRE(socket);
    const auto view = verify_clean(*socket, "acme-sync.socket", {{"acme-sync.service", acme_service()}});
    CHECK(view.props("ListenStream") == strings{"127.0.0.1:8080", "/run/acme/100% sure.sock"});
    CHECK(view.props("ListenDatagram") == strings{"[::1]:9000"});
    CHECK(view.props("SocketMode") == strings{"0660"});
    CHECK(view.props("SocketUser") == strings{"acme"});
    CHECK(view.props("SocketGroup") == strings{"acme"});
}

TEST_CASE("oracle: a path unit verifies clean and reads back", "[systemd][oracle][model]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    const auto path = systemd::unit_builder(systemd::unit_kind::path)
                          .path_exists("/var/lib/acme/inbox/go")
                          .path_changed("/etc/acme/acme 100%.conf")
                          .path_modified("/var/lib/acme/state")
                          .directory_not_empty("/var/lib/acme/inbox")
                          .unit("acme-sync.service")
                          .build();
    REQUIRE(path);
    const auto view = verify_clean(*path, "acme-sync.path", {{"acme-sync.service", acme_service()}});
    CHECK(view.props("PathExists") == strings{"/var/lib/acme/inbox/go"});
    CHECK(view.props("PathChanged") == strings{"/etc/acme/acme 100%.conf"});
    CHECK(view.props("PathModified") == strings{"/var/lib/acme/state"});
    CHECK(view.props("DirectoryNotEmpty") == strings{"/var/lib/acme/inbox"});
    CHECK(view.props("Unit") == strings{"acme-sync.service"});
}

TEST_CASE("oracle: every Exec line with every prefix verifies clean", "[systemd][oracle][model]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    systemd::exec_flags all;
    all.ignore_failure = true;
    all.separate_argv0 = true;
    all.no_environment_expansion = true;
    all.privileges = systemd::exec_privileges::full;
    systemd::exec_flags bangbang;
    bangbang.privileges = systemd::exec_privileges::ambient_fallback;
    systemd::exec_flags bang;
    bang.privileges = systemd::exec_privileges::ambient;
    const auto unit = systemd::unit_builder{}
                          .exec_condition({acme_exe, "--check", "$1 literal"})
                          .exec_start_pre({acme_exe, "acme-pre", "$HOME stays", "100%"}, all)
                          .exec_start({acme_exe, "--home", "$HOME"})
                          .exec_start_post({acme_exe, "--post"}, bang)
                          .exec_reload({"/bin/kill", "-HUP", systemd::variable("MAINPID")})
                          .exec_stop({acme_exe, "--stop"}, bangbang)
                          .exec_stop_post({acme_exe, "--cleanup"}, true)
                          .build();
    REQUIRE(unit);
    const auto view = verify_clean(*unit, "acme-sync.service");
    CHECK(view.commands("ExecCondition") == std::vector<strings>{{acme_exe, "--check", "$$1 literal"}});
    // '@': the dump shows the process's argv, whose [0] is the second word; ':' keeps '$' literal
    CHECK(view.commands("ExecStartPre") == std::vector<strings>{{"acme-pre", "$HOME stays", "100%"}});
    CHECK(view.commands("ExecStart") == std::vector<strings>{{acme_exe, "--home", "$$HOME"}});
    CHECK(view.commands("ExecStartPost") == std::vector<strings>{{acme_exe, "--post"}});
    CHECK(view.commands("ExecStop") == std::vector<strings>{{acme_exe, "--stop"}});
    CHECK(view.commands("ExecStopPost") == std::vector<strings>{{acme_exe, "--cleanup"}});
}

TEST_CASE("oracle: a drop-in moves WorkingDirectory and replaces ExecStart",
          "[systemd][oracle][model][dropin]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    const std::string packaged = "[Unit]\nDescription=packaged acme\n[Service]\nExecStart=" + acme_exe +
                                 " --packaged\nWorkingDirectory=/opt/acme\nEnvironment=ACME_MODE=packaged\n";
    const auto dropin = systemd::dropin_builder{}
                            .working_directory("/home/alice/.hermes")
                            .reset("Service", "ExecStart")
                            .exec_start({acme_exe, "--home", "/home/alice/.hermes"})
                            .environment("HERMES_HOME", "/home/alice/.hermes")
                            .set("Service", "LimitNOFILE", "65536")
                            .build();
    REQUIRE(dropin);
    const auto view = verify_clean(packaged, "acme.service", {{"acme.service.d/50-hermes.conf", *dropin}});
    CHECK(view.working_directory == "/home/alice/.hermes");
    CHECK(view.commands("ExecStart") == std::vector<strings>{{acme_exe, "--home", "/home/alice/.hermes"}});
    CHECK(view.env("HERMES_HOME") == "/home/alice/.hermes");
    CHECK(view.env("ACME_MODE") == "packaged");
    // without the reset, systemd refuses the unit: two ExecStart= in a simple service
    const auto no_reset =
        systemd::dropin_builder{}.exec_start({acme_exe, "--home", "/home/alice/.hermes"}).build();
    REQUIRE(no_reset);
    const auto refused = oracle::verify_unit(packaged, "acme.service", false, {acme_exe},
                                             {{"acme.service.d/50-hermes.conf", *no_reset}});
    CHECK(refused.rc != 0);
}

TEST_CASE("oracle: what set() refuses, systemd would have ignored or duplicated",
          "[systemd][oracle][model]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    // A misspelt section is ignored by systemd with only a warning.
    const auto view =
        oracle::verify_unit("[Service]\nExecStart=/bin/true\n[Sevrice]\nNice=5\n", "typo.service");
    REQUIRE(view.diagnostics.size() == 1);
    CHECK(view.diagnostics[0].find("Unknown section 'Sevrice'") != std::string::npos);
    const auto refused =
        systemd::unit_builder{}.exec_start({"/bin/true"}).set("Sevrice", "Nice", "5").build();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == hermes::service::errc::not_allowed);
}
