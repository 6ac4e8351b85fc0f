// SPDX-License-Identifier: MIT
// The general unit model (issue 8): unit kinds and their build() rules, every Exec line with its
// prefixes, checked set()/add(), durations and counts, drop-ins, and quote_command_line.
#include <chrono>
#include <cstdint>
#include <hermes/service/systemd.hpp>
#include <limits>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/expect_error.hpp"

using namespace std::chrono_literals;
using hermes::service::errc;
namespace systemd = hermes::service::systemd;
using strings = std::vector<std::string>;
using hermes_test::error_of;

namespace {

systemd::unit_builder minimal() {
    systemd::unit_builder b;
    b.exec_start({"/usr/bin/acme-sync"});
    return b;
}

std::string built(const systemd::unit_builder& b) {
    const auto r = b.build();
    if (!r) FAIL(to_string(r.error()));
    return *r;
}

}  // namespace

TEST_CASE("a timer renders its triggers and the unit it starts", "[systemd][model]") {
    const auto r = systemd::unit_builder(systemd::unit_kind::timer)
                       .description("acme-sync every morning")
                       .on_calendar("Mon..Fri *-*-* 04:00:00")
                       .on_boot_sec(5min)
                       .on_unit_active_sec(std::chrono::hours(6))
                       .on_active_sec(1500ms)
                       .persistent()
                       .randomized_delay_sec("10min")
                       .accuracy_sec(1s)
                       .unit("acme-sync.service")
                       .wanted_by("timers.target")
                       .build();
    REQUIRE(r);
    CHECK(*r ==
          "[Unit]\nDescription=acme-sync every morning\n\n"
          "[Timer]\nOnCalendar=Mon..Fri *-*-* 04:00:00\nOnBootSec=300\nOnUnitActiveSec=21600\n"
          "OnActiveSec=1500ms\nPersistent=yes\nRandomizedDelaySec=10min\nAccuracySec=1\n"
          "Unit=acme-sync.service\n\n"
          "[Install]\nWantedBy=timers.target\n");
}

TEST_CASE("a socket and a path unit render their own sections", "[systemd][model]") {
    const auto socket = systemd::unit_builder(systemd::unit_kind::socket)
                            .listen_stream("127.0.0.1:8080")
                            .listen_stream("/run/acme/100%.sock")
                            .listen_datagram("[::1]:9000")
                            .accept(false)
                            .socket_user("acme")
                            .socket_group("acme")
                            .socket_mode(0660)
                            .service("acme-sync.service")
                            .wanted_by("sockets.target")
                            .build();
    REQUIRE(socket);
    CHECK(*socket ==
          "[Socket]\nListenStream=127.0.0.1:8080\nListenStream=/run/acme/100%%.sock\n"
          "ListenDatagram=[::1]:9000\nAccept=no\nSocketUser=acme\nSocketGroup=acme\nSocketMode=0660\n"
          "Service=acme-sync.service\n\n[Install]\nWantedBy=sockets.target\n");
    const auto path = systemd::unit_builder(systemd::unit_kind::path)
                          .path_exists("/var/lib/acme/inbox/go")
                          .path_changed("/etc/acme/acme.conf")
                          .path_modified("/var/lib/acme/state")
                          .directory_not_empty("/var/lib/acme/inbox")
                          .unit("acme-sync.service")
                          .build();
    REQUIRE(path);
    CHECK(*path ==
          "[Path]\nPathExists=/var/lib/acme/inbox/go\nPathChanged=/etc/acme/acme.conf\n"
          "PathModified=/var/lib/acme/state\nDirectoryNotEmpty=/var/lib/acme/inbox\n"
          "Unit=acme-sync.service\n");
    const auto target = systemd::unit_builder(systemd::unit_kind::target)
                            .description("acme")
                            .wants("acme-sync.timer")
                            .wanted_by("multi-user.target")
                            .build();
    REQUIRE(target);
    CHECK(*target ==
          "[Unit]\nDescription=acme\nWants=acme-sync.timer\n\n[Install]\nWantedBy=multi-user.target\n");
}

TEST_CASE("each kind's build() rule", "[systemd][model][errors]") {
    CHECK(error_of(systemd::unit_builder(systemd::unit_kind::timer).description("x"), errc::missing_field,
                   "Timer") ==
          "a timer needs at least one trigger; call on_calendar(), on_active_sec(), on_boot_sec(), "
          "on_startup_sec(), on_unit_active_sec() or on_unit_inactive_sec()");
    CHECK(
        error_of(systemd::unit_builder(systemd::unit_kind::socket).accept(), errc::missing_field, "Socket") ==
        "a socket needs at least one Listen*= address; call listen_stream() or listen_datagram()");
    CHECK(error_of(systemd::unit_builder(systemd::unit_kind::path).unit("a.service"), errc::missing_field,
                   "Path") ==
          "a path unit needs at least one condition; call path_exists(), path_changed(), path_modified() or "
          "directory_not_empty()");
    CHECK(error_of(systemd::unit_builder{}.set("Service", "LimitNOFILE", "65536"), errc::missing_field,
                   "ExecStart") == "a service needs ExecStart=; call exec_start()");
    // a Listen* key set() by hand satisfies the socket rule; a timer trigger is always typed
    CHECK(systemd::unit_builder(systemd::unit_kind::socket)
              .set("Socket", "ListenFIFO", "/run/acme.fifo")
              .build());
    CHECK(systemd::unit_builder(systemd::unit_kind::target).build() == std::string());
}

TEST_CASE("a setter of another kind's section is refused with the kind's sections",
          "[systemd][model][errors]") {
    CHECK(error_of(systemd::unit_builder(systemd::unit_kind::timer)
                       .on_boot_sec(1s)
                       .restart(systemd::restart_policy::always),
                   errc::not_allowed, "Restart") ==
          "[Service] is not a section of a .timer unit (it has Unit, Timer, Install or an X- section)");
    CHECK(error_of(minimal().on_calendar("daily"), errc::not_allowed, "OnCalendar") ==
          "[Timer] is not a section of a .service unit (it has Unit, Service, Install or an X- section)");
    CHECK(error_of(minimal().listen_stream("80"), errc::not_allowed, "ListenStream") ==
          "[Socket] is not a section of a .service unit (it has Unit, Service, Install or an X- section)");
    CHECK(error_of(systemd::unit_builder(systemd::unit_kind::target).path_exists("/x"), errc::not_allowed,
                   "PathExists") ==
          "[Path] is not a section of a .target unit (it has Unit, Install or an X- section)");
    // unit() goes to [Timer] or [Path] by kind
    CHECK(error_of(minimal().unit("a.service"), errc::not_allowed, "Unit") ==
          "[Timer] is not a section of a .service unit (it has Unit, Service, Install or an X- section)");
}

TEST_CASE("set() is checked: owned keys name their setter, sections must exist", "[systemd][model][errors]") {
    CHECK(error_of(minimal().set("Service", "ExecStart", "/bin/other"), errc::not_allowed, "ExecStart") ==
          "[Service] ExecStart= has a typed setter; call exec_start() instead of set() or add()");
    CHECK(error_of(minimal().restart(systemd::restart_policy::always).set("Service", "Restart", "no"),
                   errc::not_allowed, "Restart") ==
          "[Service] Restart= has a typed setter; call restart() instead of set() or add()");
    CHECK(error_of(minimal().add("Unit", "After", "x.target"), errc::not_allowed, "After") ==
          "[Unit] After= has a typed setter; call after() instead of set() or add()");
    CHECK(error_of(systemd::unit_builder(systemd::unit_kind::timer)
                       .on_boot_sec(1s)
                       .set("Timer", "OnCalendar", "daily"),
                   errc::not_allowed, "OnCalendar") ==
          "[Timer] OnCalendar= has a typed setter; call on_calendar() instead of set() or add()");
    CHECK(error_of(minimal().set("Sevrice", "Nice", "5"), errc::not_allowed, "section Sevrice") ==
          "[Sevrice] is not a section of a .service unit (it has Unit, Service, Install or an X- section)");
    CHECK(error_of(minimal().set("Socket", "Backlog", "5"), errc::not_allowed, "section Socket") ==
          "[Socket] is not a section of a .service unit (it has Unit, Service, Install or an X- section)");
    // X- sections and keys without a typed setter are allowed; the same key in another section is free
    const auto ok = minimal()
                        .set("X-Acme", "Channel", "stable")
                        .set("Service", "Nice", "5")
                        .set("Service", "Nice", "7")
                        .add("Service", "LimitNOFILE", "65536")
                        .add("Unit", "Documentation", "man:acme(1)")
                        .add("Unit", "Documentation", "https://acme.example/docs")
                        .build();
    REQUIRE(ok);
    CHECK(*ok ==
          "[Unit]\nDocumentation=man:acme(1)\nDocumentation=https://acme.example/docs\n\n"
          "[Service]\nExecStart=\"/usr/bin/acme-sync\"\nNice=7\nLimitNOFILE=65536\n\n"
          "[X-Acme]\nChannel=stable\n");
    CHECK(systemd::unit_builder(systemd::unit_kind::socket)
              .listen_stream("80")
              .set("Socket", "ExecStartPre", "/bin/true")
              .build());
}

TEST_CASE("every Exec line, in call order, with each prefix", "[systemd][model]") {
    systemd::exec_flags dash;
    dash.ignore_failure = true;
    systemd::exec_flags at;
    at.separate_argv0 = true;
    systemd::exec_flags colon;
    colon.no_environment_expansion = true;
    systemd::exec_flags plus;
    plus.privileges = systemd::exec_privileges::full;
    systemd::exec_flags bang;
    bang.privileges = systemd::exec_privileges::ambient;
    systemd::exec_flags bangbang;
    bangbang.privileges = systemd::exec_privileges::ambient_fallback;
    systemd::exec_flags all = dash;
    all.separate_argv0 = true;
    all.no_environment_expansion = true;
    all.privileges = systemd::exec_privileges::full;
    systemd::unit_builder b;
    b.exec_condition({"/usr/bin/test", "-e", "/etc/acme.conf"})
        .exec_start_pre({"/bin/mkdir", "-p", "/var/lib/acme"}, dash)
        .exec_start_pre({"/usr/bin/acme-migrate", "acme-migrate $1"}, colon)
        .exec_start({"/usr/bin/acme-sync", "--home", "$HOME"})
        .exec_start_post({"/bin/sh", "acme-notify", "-c", "echo up"}, at)
        .exec_reload({"/bin/kill", "-HUP", systemd::variable("MAINPID")})
        .exec_stop({"/usr/bin/acmectl", "stop"}, plus)
        .exec_stop_post({"/usr/bin/acmectl", "cleanup"}, bang)
        .exec_stop_post({"/usr/bin/acmectl", "cleanup2"}, bangbang)
        .exec_stop_post({"/usr/bin/acmectl", "cleanup3"}, true)
        .exec_stop_post({"/usr/bin/acmectl", "argv0", "x"}, all);
    CHECK(built(b) ==
          "[Service]\nExecCondition=\"/usr/bin/test\" \"-e\" \"/etc/acme.conf\"\n"
          "ExecStartPre=-\"/bin/mkdir\" \"-p\" \"/var/lib/acme\"\n"
          "ExecStartPre=:\"/usr/bin/acme-migrate\" \"acme-migrate $1\"\n"
          "ExecStart=\"/usr/bin/acme-sync\" \"--home\" \"$$HOME\"\n"
          "ExecStartPost=@\"/bin/sh\" \"acme-notify\" \"-c\" \"echo up\"\n"
          "ExecReload=\"/bin/kill\" \"-HUP\" \"${MAINPID}\"\n"
          "ExecStop=+\"/usr/bin/acmectl\" \"stop\"\n"
          "ExecStopPost=!\"/usr/bin/acmectl\" \"cleanup\"\n"
          "ExecStopPost=!!\"/usr/bin/acmectl\" \"cleanup2\"\n"
          "ExecStopPost=-\"/usr/bin/acmectl\" \"cleanup3\"\n"
          "ExecStopPost=-@:+\"/usr/bin/acmectl\" \"argv0\" \"x\"\n");
    // each line reads back as the argv systemd runs
    const auto unit = systemd::parse_unit(built(b));
    REQUIRE(unit);
    CHECK(systemd::split_command_line(*unit->value("Service", "ExecStart"), {{"HOME", "/root"}}) ==
          strings{"/usr/bin/acme-sync", "--home", "$HOME"});
    CHECK(systemd::split_command_line(unit->values("Service", "ExecStartPre")[1]) ==
          strings{"/usr/bin/acme-migrate", "acme-migrate $1"});
    CHECK(systemd::split_command_line(*unit->value("Service", "ExecStartPost")) ==
          strings{"acme-notify", "-c", "echo up"});
}

TEST_CASE("Exec prefix errors", "[systemd][model][errors]") {
    systemd::exec_flags at;
    at.separate_argv0 = true;
    CHECK(error_of(minimal().exec_start_post({"/bin/sh"}, at), errc::empty_value, "ExecStartPost") ==
          "with '@' (separate_argv0) give the executable and then the process's argv[0]");
    systemd::exec_flags colon;
    colon.no_environment_expansion = true;
    CHECK(error_of(minimal().exec_stop({"/bin/kill", systemd::variable("MAINPID")}, colon), errc::not_allowed,
                   "ExecStop[1]") ==
          "a variable() cannot be expanded under the ':' prefix (no_environment_expansion)");
    CHECK(error_of(minimal().exec_start_pre({}), errc::empty_value, "ExecStartPre") ==
          "the command line is empty; give at least the executable");
    error_of(minimal().exec_condition({"test"}), errc::relative_path, "ExecCondition[0]");
    // systemd 252 refuses an executable path with a segment over 255 bytes ("neither a valid executable
    // name nor an absolute path"), as split_command_line does
    CHECK(error_of(minimal().exec_stop({"/opt/" + std::string(256, 'a') + "/x"}), errc::out_of_range,
                   "ExecStop[0]") == "has a path segment of 256 bytes; systemd limits segments to 255");
    CHECK(minimal().exec_stop({"/opt/" + std::string(255, 'a') + "/x"}).build());
}

TEST_CASE("durations: any std::chrono::duration, exact or a typed error", "[systemd][model]") {
    CHECK(built(minimal().restart_sec(std::chrono::microseconds(1500))).find("RestartSec=1500us\n") !=
          std::string::npos);
    CHECK(built(minimal().restart_sec(std::chrono::nanoseconds(2000000))).find("RestartSec=2ms\n") !=
          std::string::npos);
    CHECK(built(minimal().timeout_stop_sec(std::chrono::minutes(2))).find("TimeoutStopSec=120\n") !=
          std::string::npos);
    CHECK(built(minimal().watchdog_sec(std::chrono::duration<double>(0.25))).find("WatchdogSec=250ms\n") !=
          std::string::npos);
    CHECK(built(minimal().timeout_start_sec("infinity")).find("TimeoutStartSec=infinity\n") !=
          std::string::npos);
    CHECK(error_of(minimal().restart_sec(std::chrono::nanoseconds(1500)), errc::unrepresentable,
                   "RestartSec") ==
          "the duration has a fraction of a microsecond; systemd counts whole microseconds");
    CHECK(error_of(minimal().watchdog_sec(std::chrono::duration<double>(1e-7)), errc::unrepresentable,
                   "WatchdogSec") ==
          "the duration has a fraction of a microsecond; systemd counts whole microseconds");
    CHECK(error_of(minimal().timeout_stop_sec(-1s), errc::out_of_range, "TimeoutStopSec") ==
          "a duration cannot be negative");
    CHECK(error_of(minimal().restart_sec(std::chrono::hours(std::numeric_limits<std::int64_t>::max() / 3600)),
                   errc::out_of_range,
                   "RestartSec") == "the duration is beyond what systemd stores (64-bit microseconds)");
    CHECK(error_of(
              minimal().restart_sec(std::chrono::duration<double>(std::numeric_limits<double>::infinity())),
              errc::out_of_range,
              "RestartSec") == "the duration is beyond what systemd stores (64-bit microseconds)");
    error_of(systemd::unit_builder(systemd::unit_kind::timer).on_boot_sec("5 parsecs"), errc::invalid_value,
             "OnBootSec");
}

TEST_CASE("counts are range checked", "[systemd][model][errors]") {
    CHECK(built(minimal().start_limit_burst(4294967295LL)).find("StartLimitBurst=4294967295\n") !=
          std::string::npos);
    CHECK(error_of(minimal().start_limit_burst(-1), errc::out_of_range, "StartLimitBurst") ==
          "-1 is outside 0..4294967295");
    CHECK(error_of(minimal().start_limit_burst(4294967296LL), errc::out_of_range, "StartLimitBurst") ==
          "4294967296 is outside 0..4294967295");
    CHECK(error_of(systemd::unit_builder(systemd::unit_kind::socket).listen_stream("80").socket_mode(010000),
                   errc::out_of_range, "SocketMode") == "mode 10000 is above 07777");
    CHECK(
        error_of(systemd::unit_builder(systemd::unit_kind::socket).listen_stream("80").service("acme.socket"),
                 errc::invalid_name, "Service") == "a socket activates a .service unit, got \"acme.socket\"");
}

TEST_CASE("timer, socket and path values are validated", "[systemd][model][errors]") {
    const systemd::unit_builder timer(systemd::unit_kind::timer);
    CHECK(error_of(systemd::unit_builder(timer).on_calendar("daily\nExecStart=/bin/evil"),
                   errc::control_character, "OnCalendar")
              .find("a newline") != std::string::npos);
    CHECK(error_of(systemd::unit_builder(timer).on_calendar("daily;reboot"), errc::invalid_name, "OnCalendar")
              .find("calendar events use letters") != std::string::npos);
    const systemd::unit_builder socket(systemd::unit_kind::socket);
    CHECK(error_of(systemd::unit_builder(socket).listen_stream("0.0.0.0 80"), errc::invalid_value,
                   "ListenStream") ==
          "\"0.0.0.0 80\" has a space; give a port, an address:port, an absolute path or @abstract");
    error_of(systemd::unit_builder(socket).listen_stream("/run/../x.sock"), errc::not_normalized,
             "ListenStream");
    error_of(systemd::unit_builder(socket).listen_datagram(""), errc::empty_value, "ListenDatagram");
    error_of(systemd::unit_builder(socket).listen_stream("80").socket_user("9bad"), errc::invalid_name,
             "SocketUser");
    error_of(systemd::unit_builder(systemd::unit_kind::path).path_exists("relative"), errc::relative_path,
             "PathExists");
}

TEST_CASE("drop-ins: reset() then the typed setters, no required keys", "[systemd][model][dropin]") {
    const auto r = systemd::dropin_builder{}
                       .working_directory("/home/alice/.hermes")
                       .reset("Service", "ExecStart")
                       .exec_start({"/usr/bin/acme-sync", "--home", "/home/alice/.hermes"})
                       .environment("HERMES_HOME", "/home/alice/.hermes")
                       .set("Service", "LimitNOFILE", "65536")
                       .build();
    REQUIRE(r);
    CHECK(*r ==
          "[Service]\nWorkingDirectory=/home/alice/.hermes\nExecStart=\n"
          "ExecStart=\"/usr/bin/acme-sync\" \"--home\" \"/home/alice/.hermes\"\n"
          "Environment=\"HERMES_HOME=/home/alice/.hermes\"\nLimitNOFILE=65536\n");
    // the unit_builder's example that failed before (issue 8) is a drop-in
    CHECK(systemd::dropin_builder{}.set("Service", "LimitNOFILE", "65536").build() ==
          std::string("[Service]\nLimitNOFILE=65536\n"));
    // a timer drop-in: clear the calendar, add another
    CHECK(systemd::dropin_builder(systemd::unit_kind::timer)
              .reset("Timer", "OnCalendar")
              .on_calendar("hourly")
              .build() == std::string("[Timer]\nOnCalendar=\nOnCalendar=hourly\n"));
    CHECK(systemd::dropin_builder(systemd::unit_kind::timer).kind() == systemd::unit_kind::timer);
}

TEST_CASE("drop-in errors", "[systemd][model][dropin][errors]") {
    CHECK(error_of(systemd::dropin_builder{}, errc::empty_value, "drop-in") ==
          "the drop-in sets nothing; call a setter or reset()");
    CHECK(error_of(systemd::dropin_builder{}.reset("Timer", "OnCalendar"), errc::not_allowed,
                   "section Timer") ==
          "[Timer] is not a section of a .service unit (it has Unit, Service, Install or an X- section)");
    error_of(systemd::dropin_builder{}.reset("Service", "Exec Start"), errc::invalid_name, "Exec Start");
    CHECK(
        error_of(systemd::dropin_builder{}.set("Service", "WorkingDirectory", "/x"), errc::not_allowed,
                 "WorkingDirectory") ==
        "[Service] WorkingDirectory= has a typed setter; call working_directory() instead of set() or add()");
    error_of(systemd::dropin_builder{}.environment("A", "1").environment("A", "2"), errc::duplicate,
             "Environment[A]");
    error_of(systemd::dropin_builder{}.restart_sec(-5ms), errc::out_of_range, "RestartSec");
}

TEST_CASE("quote_command_line is the exact inverse of split_command_line", "[systemd][model]") {
    for (const std::string& arg : hermes_test::hostile_arguments()) {
        const strings argv{"/opt/acme 100%/bin/sync", arg, "$HOME", "%h", "a;b", ";"};
        const auto line = systemd::quote_command_line(argv);
        REQUIRE(line);
        INFO(*line);
        CHECK(systemd::split_command_line(*line) == argv);
    }
    CHECK(systemd::quote_command_line({"/bin/echo", "$HOME", "100%"}) ==
          std::string("\"/bin/echo\" \"$$HOME\" \"100%%\""));
    const auto empty = systemd::quote_command_line({});
    REQUIRE_FALSE(empty);
    CHECK(empty.error().code == errc::empty_value);
    CHECK(empty.error().field == "command line");
    const auto relative = systemd::quote_command_line({"echo"});
    REQUIRE_FALSE(relative);
    CHECK(relative.error().code == errc::relative_path);
    CHECK(relative.error().field == "command line[0]");
    const auto nul = systemd::quote_command_line({"/bin/echo", std::string("a\0b", 3)});
    REQUIRE_FALSE(nul);
    CHECK(nul.error().code == errc::control_character);
    CHECK(nul.error().field == "command line[1]");
}
