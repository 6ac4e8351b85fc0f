// SPDX-License-Identifier: MIT
// Tests for systemd::unit_builder (<hermes/service/systemd.hpp>): golden files, ordering, and one
// typed error per rule.
#include <chrono>
#include <hermes/service/systemd.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/expect_error.hpp"

using namespace std::chrono_literals;
using hermes::service::errc;
namespace systemd = hermes::service::systemd;

namespace {

systemd::unit_builder minimal() {
    systemd::unit_builder b;
    b.exec_start({"/usr/bin/gateway"});
    return b;
}

using hermes_test::error_of;

}  // namespace

TEST_CASE("a full unit renders byte for byte", "[systemd][golden]") {
    systemd::unit_builder b;
    b.description("Hermes Agent Gateway - Messaging Platform Integration")
        .after("network-online.target")
        .wants("network-online.target")
        .start_limit_interval_sec(0s)
        .type(systemd::service_type::simple)
        .exec_start({"/home/alice/.hermes/venv/bin/python", "-m", "hermes_cli.main", "gateway", "run"})
        .working_directory("/home/alice/.hermes")
        .environment("PATH", "/usr/local/bin:/usr/bin:/bin")
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
        .standard_output("journal")
        .standard_error("journal")
        .wanted_by("default.target");
    const auto r = b.build();
    REQUIRE(r);
    CHECK(*r == R"([Unit]
Description=Hermes Agent Gateway - Messaging Platform Integration
After=network-online.target
Wants=network-online.target
StartLimitIntervalSec=0

[Service]
Type=simple
ExecStart="/home/alice/.hermes/venv/bin/python" "-m" "hermes_cli.main" "gateway" "run"
WorkingDirectory=/home/alice/.hermes
Environment="PATH=/usr/local/bin:/usr/bin:/bin"
Environment="HERMES_HOME=/home/alice/.hermes"
Restart=always
RestartSec=5
RestartForceExitStatus=75
SuccessExitStatus=75
RestartPreventExitStatus=78
KillMode=mixed
KillSignal=SIGTERM
ExecReload="/bin/kill" "-USR1" "${MAINPID}"
ExecStopPost=-"/home/alice/.hermes/venv/bin/python" "-m" "gateway.cgroup_cleanup"
TimeoutStopSec=70
StandardOutput=journal
StandardError=journal

[Install]
WantedBy=default.target
)");
    CHECK(b.build() == r);  // deterministic
}

TEST_CASE("sections come in Unit, Service, Install order, then others by first use", "[systemd]") {
    systemd::unit_builder b;
    b.set("X-Later", "A", "1")
        .wanted_by("multi-user.target")
        .exec_start({"/bin/true"})
        .set("Service", "Nice", "5")
        .description("d")
        .set("X-Alpha", "B", "2")
        .set("X-Later", "C", "3");
    const auto r = b.build();
    REQUIRE(r);
    CHECK(*r == R"([Unit]
Description=d

[Service]
ExecStart="/bin/true"
Nice=5

[Install]
WantedBy=multi-user.target

[X-Later]
A=1
C=3

[X-Alpha]
B=2
)");
}

TEST_CASE("a scalar set twice keeps its first place and its last value", "[systemd]") {
    systemd::unit_builder b;
    b.description("first")
        .exec_start({"/bin/true"})
        .description("second")
        .restart_sec(1s)
        .restart_sec(2500ms);
    const auto r = b.build();
    REQUIRE(r);
    CHECK(*r == "[Unit]\nDescription=second\n\n[Service]\nExecStart=\"/bin/true\"\nRestartSec=2500ms\n");
}

TEST_CASE("list directives add one line per call", "[systemd]") {
    systemd::unit_builder b = minimal();
    b.after("network-online.target")
        .after("user@1000.service")
        .wanted_by("multi-user.target")
        .wanted_by("default.target");
    const auto r = b.build();
    REQUIRE(r);
    CHECK(r->find("After=network-online.target\nAfter=user@1000.service\n") != std::string::npos);
    CHECK(r->find("WantedBy=multi-user.target\nWantedBy=default.target\n") != std::string::npos);
}

TEST_CASE("enum spellings", "[systemd]") {
    CHECK(systemd::to_string(systemd::service_type::oneshot) == "oneshot");
    CHECK(systemd::to_string(systemd::service_type::idle) == "idle");
    CHECK(systemd::to_string(systemd::restart_policy::on_abnormal) == "on-abnormal");
    CHECK(systemd::to_string(systemd::restart_policy::no) == "no");
    CHECK(systemd::to_string(systemd::kill_mode::control_group) == "control-group");
    CHECK(systemd::to_string(systemd::notify_access::all) == "all");
    STATIC_REQUIRE(systemd::to_string(systemd::restart_policy::on_watchdog) == "on-watchdog");
}

TEST_CASE("every Exec argument is quoted with C escapes, %% and $$", "[systemd][escape]") {
    systemd::unit_builder b;
    b.exec_start({"/opt/My App/bin/run 100%", "with space", "double\"quote", "single'quote", "back\\slash",
                  "trailing\\", "percent%h", "dollar$HOME", "${HOME}", "$$", "tab\there", "new\nline",
                  "cr\rx", ";", "-dash", "", "caf\xc3\xa9 \xf0\x9f\x98\x80", "bell\x07", "del\x7f"});
    const auto r = b.build();
    REQUIRE(r);
    CHECK(*r ==
          "[Service]\nExecStart=\"/opt/My App/bin/run 100%%\" \"with space\" \"double\\\"quote\" "
          "\"single'quote\" "
          "\"back\\\\slash\" \"trailing\\\\\" \"percent%%h\" \"dollar$$HOME\" \"$${HOME}\" \"$$$$\" "
          "\"tab\\there\" "
          "\"new\\nline\" \"cr\\rx\" \";\" \"-dash\" \"\" \"caf\xc3\xa9 \xf0\x9f\x98\x80\" \"bell\\x07\" "
          "\"del\\x7f\"\n");
}

TEST_CASE("Environment values: C escapes and %%, $ literal", "[systemd][escape]") {
    systemd::unit_builder b = minimal();
    b.environment("V", "a \"b\" \\c $d ${e} 100% \t\n\r\x01");
    const auto r = b.build();
    REQUIRE(r);
    CHECK(r->find("Environment=\"V=a \\\"b\\\" \\\\c $d ${e} 100%% \\t\\n\\r\\x01\"\n") != std::string::npos);
}

TEST_CASE("WorkingDirectory, Description and set() values are unquoted with %%", "[systemd][escape]") {
    systemd::unit_builder b = minimal();
    b.working_directory("/srv/dir with space/100%", true)
        .description(R"(50% "quoted" \x41)")
        .set("Unit", "Documentation", "man:x(1)");
    const auto r = b.build();
    REQUIRE(r);
    CHECK(r->find("WorkingDirectory=-/srv/dir with space/100%%\n") != std::string::npos);
    CHECK(r->find("Description=50%% \"quoted\" \\x41\n") != std::string::npos);
    CHECK(r->find("Documentation=man:x(1)\n") != std::string::npos);
}

TEST_CASE("StandardOutput file forms escape their path", "[systemd][escape]") {
    systemd::unit_builder b = minimal();
    b.standard_output("append:/var/log/my app/100%.log").standard_error("fd:stderr");
    const auto r = b.build();
    REQUIRE(r);
    CHECK(r->find("StandardOutput=append:/var/log/my app/100%%.log\n") != std::string::npos);
    CHECK(r->find("StandardError=fd:stderr\n") != std::string::npos);
}

TEST_CASE("newline injection is impossible through every setter", "[systemd][escape]") {
    const std::string evil = "x\nExecStartPre=/bin/rm -rf /";
    CHECK(error_of(minimal().description(evil), errc::control_character, "Description")
              .find("a newline (U+000A)") != std::string::npos);
    error_of(minimal().working_directory("/srv/" + evil), errc::control_character, "WorkingDirectory");
    error_of(minimal().user(evil), errc::invalid_name, "User");
    error_of(minimal().group(evil), errc::invalid_name, "Group");
    error_of(minimal().after(evil), errc::invalid_name, "After");
    error_of(minimal().wants(evil), errc::invalid_name, "Wants");
    error_of(minimal().before(evil), errc::invalid_name, "Before");
    error_of(minimal().wanted_by(evil), errc::invalid_name, "WantedBy");
    error_of(minimal().kill_signal(evil), errc::invalid_value, "KillSignal");
    error_of(minimal().standard_output("file:/x" + evil), errc::control_character, "StandardOutput");
    error_of(minimal().standard_error(evil), errc::invalid_value, "StandardError");
    error_of(minimal().restart_sec(std::string_view(evil)), errc::invalid_value, "RestartSec");
    error_of(minimal().set("Service", "Nice", evil), errc::control_character, "Nice");
    error_of(minimal().set("Service", "Ni\nce", "1"), errc::invalid_name, "Ni\nce");
    error_of(minimal().set("Serv]ice", "Nice", "1"), errc::invalid_name, "section Serv]ice");
    error_of(minimal().environment("A\nB", "1"), errc::invalid_name, "Environment[A\nB]");
    error_of(systemd::unit_builder{}.exec_start({"/bin/x\n"}), errc::control_character, "ExecStart[0]");
    // Where a newline can be carried, it is escaped, so the unit still has exactly its directives.
    const auto r = minimal().environment("A", evil).exec_reload({"/bin/echo", evil}).build();
    REQUIRE(r);
    CHECK(r->find("\nExecStartPre=") == std::string::npos);
}

TEST_CASE("Exec errors name the argument and say why", "[systemd][errors]") {
    CHECK(error_of(systemd::unit_builder{}.exec_start({"bin/gateway"}), errc::relative_path,
                   "ExecStart[0]") == "the executable must be an absolute path, got \"bin/gateway\"");
    CHECK(error_of(systemd::unit_builder{}.exec_start({""}), errc::empty_value, "ExecStart[0]") ==
          "the executable path is empty");
    CHECK(error_of(systemd::unit_builder{}.exec_start({"/opt/bin/"}), errc::invalid_value, "ExecStart[0]") ==
          "the executable path ends in '/', which names a directory");
    CHECK(
        error_of(systemd::unit_builder{}.exec_start({"/opt/it's/run"}), errc::unrepresentable,
                 "ExecStart[0]") ==
        "contains ''' at character 8 (byte 8); systemd refuses quotes and backslashes in the executable path "
        "(run it through /usr/bin/env or a symlink)");
    CHECK(error_of(systemd::unit_builder{}.exec_start({"/opt/a$b"}), errc::unrepresentable, "ExecStart[0]")
              .find("'$'") != std::string::npos);
    CHECK(error_of(systemd::unit_builder{}.exec_start({"/opt/\xff"}), errc::invalid_utf8, "ExecStart[0]") ==
          "is not valid UTF-8: byte 0xFF at character 6 (byte 6) does not start a valid sequence");
    CHECK(error_of(systemd::unit_builder{}.exec_start({"/bin/echo", "ok", std::string("a\0b", 3)}),
                   errc::control_character, "ExecStart[2]") ==
          "contains a NUL character (U+0000) at character 2 (byte 2); a command-line argument cannot carry a "
          "NUL byte");
    error_of(systemd::unit_builder{}.exec_start({}), errc::empty_value, "ExecStart");
    // Bytes that are not UTF-8 would reach the process, but systemd could no longer report the unit
    // over D-Bus (`systemctl show` fails), so they are refused.
    CHECK(error_of(systemd::unit_builder{}.exec_start({"/bin/echo", "raw\xff"}), errc::invalid_utf8,
                   "ExecStart[1]") ==
          "is not valid UTF-8: byte 0xFF at character 4 (byte 4) does not start a valid sequence");
    // A value is never quoted raw in a message: control characters show as escapes.
    CHECK(error_of(minimal().user("alice\nUser=root"), errc::invalid_name, "User") ==
          "\"alice\\nUser=root\" has '\\n' at character 6 (byte 6); user and group names are ASCII letters, "
          "digits, '_', '.' "
          "and '-', not starting with a digit or '-' (or a numeric id)");
    error_of(minimal().exec_reload({"/bin/kill", systemd::variable("1BAD")}), errc::invalid_name,
             "ExecReload[1]");
}

TEST_CASE("structural errors", "[systemd][errors]") {
    CHECK(error_of(systemd::unit_builder{}.description("x"), errc::missing_field, "ExecStart") ==
          "a service needs ExecStart=; call exec_start()");
    CHECK(error_of(minimal().exec_start({"/bin/true"}), errc::invalid_value, "ExecStart") ==
          "only Type=oneshot services may have more than one ExecStart= (got 2)");
    CHECK(minimal().exec_start({"/bin/true"}).type(systemd::service_type::oneshot).build().has_value());
    CHECK(error_of(minimal().environment("A", "1").environment("A", "2"), errc::duplicate,
                   "Environment[A]") == "variable A is set twice; set it once");
    error_of(minimal().restart_sec(-1s), errc::out_of_range, "RestartSec");
    CHECK(error_of(minimal().success_exit_status({0, 256}), errc::out_of_range, "SuccessExitStatus") ==
          "exit status 256 is outside 0..255");
    error_of(minimal().restart_force_exit_status({}), errc::empty_value, "RestartForceExitStatus");
}

TEST_CASE("value rules for unquoted settings", "[systemd][errors]") {
    CHECK(error_of(minimal().working_directory("srv/x"), errc::relative_path, "WorkingDirectory") ==
          "must be an absolute path, got \"srv/x\"");
    CHECK(error_of(minimal().working_directory("/srv/../etc"), errc::not_normalized, "WorkingDirectory") ==
          "has a '..' segment at character 6 (byte 6); systemd refuses it, pass the resolved path");
    CHECK(error_of(minimal().working_directory("/srv/x "), errc::unrepresentable, "WorkingDirectory") ==
          "starts or ends with a space, which systemd strips from a path");
    CHECK(error_of(minimal().working_directory("/srv/x\\"), errc::unrepresentable, "WorkingDirectory") ==
          "ends with a backslash, which systemd reads as a line continuation");
    error_of(minimal().working_directory(""), errc::empty_value, "WorkingDirectory");
    error_of(minimal().working_directory("/" + std::string(256, 'a')), errc::out_of_range,
             "WorkingDirectory");
    CHECK(error_of(minimal().description(" padded"), errc::unrepresentable, "Description") ==
          "starts or ends with a space, which systemd strips from this setting");
    error_of(minimal().description(""), errc::empty_value, "Description");
    error_of(minimal().description("ends\\"), errc::unrepresentable, "Description");
    error_of(minimal().description("bad \xc3"), errc::invalid_utf8, "Description");
    error_of(minimal().standard_output("append:relative.log"), errc::relative_path, "StandardOutput");
    error_of(minimal().standard_output("syslog"), errc::invalid_value, "StandardOutput");
}

TEST_CASE("names: units, users, variables", "[systemd][errors]") {
    CHECK(
        minimal().after("my\\x20app.service").after("a@b.service").after("-dash.slice").build().has_value());
    CHECK(error_of(minimal().after("my app.service"), errc::invalid_name, "After") ==
          "\"my app.service\" has ' ' at character 3 (byte 3); unit names use ASCII letters, digits, ':', "
          "'-', '_', "
          "'.', '\\' and one '@' (escape other text with escape_unit_name)");
    CHECK(error_of(minimal().after("x.serv"), errc::invalid_name, "After") ==
          "\"x.serv\" does not end in a unit type such as .service or .target");
    error_of(minimal().after("a@b@c.service"), errc::invalid_name, "After");
    error_of(minimal().after(std::string(250, 'a') + ".service"), errc::out_of_range, "After");
    CHECK(minimal().user("alice").group("1000").build().has_value());
    error_of(minimal().user("9alice"), errc::invalid_name, "User");
    error_of(minimal().user("4294967295"), errc::out_of_range, "User");
    error_of(minimal().user(""), errc::empty_value, "User");
    CHECK(error_of(minimal().environment("1BAD", "x"), errc::invalid_name, "Environment[1BAD]") ==
          "variable name \"1BAD\" has '1' at byte 1; names are ASCII letters, digits and '_', not starting "
          "with a digit");
    error_of(minimal().environment("", "x"), errc::empty_value, "Environment[]");
    error_of(minimal().environment("A", "\xff"), errc::invalid_utf8, "Environment[A]");
    error_of(minimal().environment("A", std::string("\0", 1)), errc::control_character, "Environment[A]");
}

TEST_CASE("time spans and signals", "[systemd]") {
    const auto r = minimal()
                       .timeout_stop_sec("infinity")
                       .watchdog_sec("1min 30s")
                       .restart_sec(std::string_view("500ms"))
                       .kill_signal("SIGRTMIN+3")
                       .start_limit_interval_sec("10s")
                       .start_limit_burst(5)
                       .build();
    REQUIRE(r);
    CHECK(r->find("TimeoutStopSec=infinity\n") != std::string::npos);
    CHECK(r->find("WatchdogSec=1min 30s\n") != std::string::npos);
    CHECK(r->find("KillSignal=SIGRTMIN+3\n") != std::string::npos);
    CHECK(r->find("StartLimitBurst=5\n") != std::string::npos);
    CHECK(error_of(minimal().watchdog_sec("5 parsecs"), errc::invalid_value, "WatchdogSec") ==
          "\"5 parsecs\" is not a systemd time span (unknown unit at character 3 (byte 3)); use e.g. \"5\", "
          "\"90s\", "
          "\"1min 30s\" or \"infinity\"");
    error_of(minimal().watchdog_sec(""), errc::empty_value, "WatchdogSec");
    error_of(minimal().kill_signal("TERM"), errc::invalid_value, "KillSignal");
}

TEST_CASE("a line of 1 MiB is refused", "[systemd][errors]") {
    error_of(minimal().environment("BIG", std::string(std::size_t{1024} * 1024, 'x')), errc::out_of_range,
             "Environment");
}

TEST_CASE("non-characters are refused where systemd refuses the line", "[systemd][utf8]") {
    // systemd 252's utf8_is_valid refuses U+FFFE, U+FFFF and U+FDD0..U+FDEF: the unit would not load
    // (parse_unit reports the same), so the writer refuses them in every value it writes raw or quoted.
    const std::string fffe = "\xEF\xBF\xBE";  // U+FFFE
    const std::string fdd0 = "\xEF\xB7\x90";  // U+FDD0
    const auto service = [] { return systemd::unit_builder{}.exec_start({"/bin/true"}); };
    CHECK(error_of(service().description("a" + fffe), errc::invalid_utf8, "Description") ==
          "is not UTF-8 to systemd: the non-character U+FFFE at character 2 (byte 2); systemd refuses to "
          "load a "
          "unit holding one");
    CHECK(error_of(systemd::unit_builder{}.exec_start({"/bin/echo", "x" + fdd0}), errc::invalid_utf8,
                   "ExecStart[1]")
              .find("the non-character U+FDD0") != std::string::npos);
    CHECK(error_of(systemd::unit_builder{}.exec_start({"/opt/" + fffe + "/x"}), errc::invalid_utf8,
                   "ExecStart[0]")
              .find("U+FFFE") != std::string::npos);
    CHECK(error_of(service().environment("K", fffe), errc::invalid_utf8, "Environment[K]").find("U+FFFE") !=
          std::string::npos);
    CHECK(error_of(service().working_directory("/srv/" + fdd0), errc::invalid_utf8, "WorkingDirectory")
              .find("U+FDD0") != std::string::npos);
    // Ordinary non-ASCII text is still carried.
    REQUIRE(service()
                .description("gr\xC3\xBC\xC3\x9F"
                             "e \xE2\x9C\x93")
                .build()
                .has_value());
}
