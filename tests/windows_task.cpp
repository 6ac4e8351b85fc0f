// SPDX-License-Identifier: MIT
// windows::task_builder, to_utf16le_with_bom and read_task: the XML for known inputs byte for byte,
// typed errors, durations, the UTF-16LE encoding, and writer -> reader round trips over hostile text.
// xmllint and Wine's `schtasks /Create /XML` are the oracles in tests/wine (label `wine`).
#include <chrono>
#include <hermes/service/enums.hpp>
#include <hermes/service/windows/task.hpp>
#include <hermes/service/windows/task_reader.hpp>
#include <string>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/expect_error.hpp"

namespace hs = hermes::service;
namespace w = hermes::service::windows;
using hermes_test::error_of;
using hs::errc;
using namespace std::chrono_literals;

namespace {

w::task_builder minimal() {
    w::task_builder b;
    b.action("C:\\app\\run.exe");
    return b;
}

std::string unwrap(const hs::result<std::string>& r) {
    if (!r) FAIL("unexpected error: " << hs::to_string(r.error()));
    return *r;
}

}  // namespace

TEST_CASE("a task renders byte for byte", "[windows][task][golden]") {
    const std::string xml = unwrap(w::task_builder{}
                                       .author("A & B")
                                       .description("runs <app> \"quoted\" it's")
                                       .logon_trigger(45s)
                                       .user_id("PC\\alice")
                                       .run_level(w::run_level::highest_available)
                                       .multiple_instances_policy(w::instances_policy::stop_existing)
                                       .execution_time_limit(26h + 1s)
                                       .restart_on_failure(5min, 3)
                                       .priority(5)
                                       .action("C:\\app\\run.exe", "--flag \"two words\"", "C:\\app")
                                       .build());
    CHECK(xml ==
          "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
          "<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n"
          "  <RegistrationInfo>\n"
          "    <Author>A &amp; B</Author>\n"
          "    <Description>runs &lt;app&gt; \"quoted\" it's</Description>\n"
          "  </RegistrationInfo>\n"
          "  <Triggers>\n"
          "    <LogonTrigger>\n"
          "      <Enabled>true</Enabled>\n"
          "      <Delay>PT45S</Delay>\n"
          "    </LogonTrigger>\n"
          "  </Triggers>\n"
          "  <Principals>\n"
          "    <Principal id=\"Author\">\n"
          "      <UserId>PC\\alice</UserId>\n"
          "      <LogonType>InteractiveToken</LogonType>\n"
          "      <RunLevel>HighestAvailable</RunLevel>\n"
          "    </Principal>\n"
          "  </Principals>\n"
          "  <Settings>\n"
          "    <MultipleInstancesPolicy>StopExisting</MultipleInstancesPolicy>\n"
          "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
          "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n"
          "    <AllowHardTerminate>true</AllowHardTerminate>\n"
          "    <StartWhenAvailable>true</StartWhenAvailable>\n"
          "    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>\n"
          "    <IdleSettings>\n"
          "      <StopOnIdleEnd>false</StopOnIdleEnd>\n"
          "      <RestartOnIdle>false</RestartOnIdle>\n"
          "    </IdleSettings>\n"
          "    <AllowStartOnDemand>true</AllowStartOnDemand>\n"
          "    <Enabled>true</Enabled>\n"
          "    <Hidden>false</Hidden>\n"
          "    <RunOnlyIfIdle>false</RunOnlyIfIdle>\n"
          "    <WakeToRun>false</WakeToRun>\n"
          "    <ExecutionTimeLimit>P1DT2H1S</ExecutionTimeLimit>\n"
          "    <Priority>5</Priority>\n"
          "    <RestartOnFailure>\n"
          "      <Interval>PT5M</Interval>\n"
          "      <Count>3</Count>\n"
          "    </RestartOnFailure>\n"
          "  </Settings>\n"
          "  <Actions Context=\"Author\">\n"
          "    <Exec>\n"
          "      <Command>C:\\app\\run.exe</Command>\n"
          "      <Arguments>--flag \"two words\"</Arguments>\n"
          "      <WorkingDirectory>C:\\app</WorkingDirectory>\n"
          "    </Exec>\n"
          "  </Actions>\n"
          "</Task>\n");
}

TEST_CASE("defaults: no trigger, 72 hours, priority 7, IgnoreNew, LeastPrivilege", "[windows][task]") {
    const std::string xml = unwrap(minimal().build());
    CHECK(xml.find("<Triggers>") == std::string::npos);
    CHECK(xml.find("<ExecutionTimeLimit>P3D</ExecutionTimeLimit>") != std::string::npos);
    CHECK(xml.find("<Priority>7</Priority>") != std::string::npos);
    CHECK(xml.find("<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>") != std::string::npos);
    CHECK(xml.find("<RunLevel>LeastPrivilege</RunLevel>") != std::string::npos);
    CHECK(xml.find("<RestartOnFailure>") == std::string::npos);
    CHECK(xml.find("<Arguments>") == std::string::npos);
}

TEST_CASE("durations: the largest units, PT0S for zero", "[windows][task]") {
    const auto limit = [](std::chrono::seconds s) {
        const std::string xml = unwrap(minimal().execution_time_limit(s).build());
        const std::size_t at = xml.find("<ExecutionTimeLimit>") + 20;
        return xml.substr(at, xml.find('<', at) - at);
    };
    CHECK(limit(0s) == "PT0S");
    CHECK(limit(30s) == "PT30S");
    CHECK(limit(60s) == "PT1M");
    CHECK(limit(90s) == "PT1M30S");
    CHECK(limit(1h) == "PT1H");
    CHECK(limit(24h) == "P1D");
    CHECK(limit(31 * 24h + 1h + 1s) == "P31DT1H1S");
    for (const auto s : {0s, 1s, 59s, 61s, 3599s, 3601s, 86399s, 86401s, 999999s}) {
        const auto back = w::read_task(unwrap(minimal().execution_time_limit(s).build()));
        REQUIRE(back);
        CHECK(back->execution_time_limit == s);
    }
}

TEST_CASE("task errors name the setting", "[windows][task][errors]") {
    CHECK(error_of(w::task_builder{}, errc::missing_field, "action.command") ==
          "the program to run was never given");
    CHECK(error_of(minimal().priority(11), errc::out_of_range, "priority") ==
          "11 is above 10 (priorities are 0..10)");
    CHECK(error_of(minimal().restart_on_failure(59s, 3), errc::out_of_range, "restart_on_failure.interval") ==
          "59 seconds is outside the schema's PT1M..P31D");
    CHECK(error_of(minimal().restart_on_failure(31 * 24h + 1s, 3), errc::out_of_range,
                   "restart_on_failure.interval") == "2678401 seconds is outside the schema's PT1M..P31D");
    CHECK(error_of(minimal().restart_on_failure(1min, 0), errc::out_of_range, "restart_on_failure.count") ==
          "0 is outside the schema's 1..255 (unsignedByte)");
    CHECK(error_of(minimal().restart_on_failure(1min, 999), errc::out_of_range, "restart_on_failure.count") ==
          "999 is outside the schema's 1..255 (unsignedByte)");
    CHECK(error_of(minimal().logon_trigger(-1s), errc::out_of_range, "logon_trigger") ==
          "the delay is negative");
    CHECK(error_of(minimal().execution_time_limit(-1s), errc::out_of_range, "execution_time_limit") ==
          "the limit is negative");
    CHECK(error_of(minimal().action("C:\\%APPDATA%\\x.exe"), errc::unrepresentable, "action.command") ==
          "contains '%' at character 4 (byte 4); Task Scheduler expands %NAME% in Exec actions and has no "
          "escape for it");
    CHECK(error_of(minimal().action("C:\\x.exe", "a\nb"), errc::control_character, "action.arguments") ==
          "contains a newline (U+000A) at character 2 (byte 2); a command line in a task action cannot carry "
          "it");
    CHECK(error_of(minimal().description(""), errc::empty_value, "description") == "the value is empty");
    CHECK(error_of(minimal().description("bell\x07"), errc::control_character, "description") ==
          "contains the control character U+0007 at character 5 (byte 5); XML 1.0 cannot carry it, not even "
          "as a character reference");
    CHECK(error_of(minimal().user_id("\xc3("), errc::invalid_utf8, "user_id") ==
          "is not valid UTF-8: byte 0xC3 at character 1 (byte 1) does not start a valid sequence");
}

TEST_CASE("to_utf16le_with_bom: BOM, little-endian units, surrogate pairs", "[windows][task]") {
    CHECK(w::to_utf16le_with_bom("") == std::string("\xFF\xFE", 2));
    CHECK(w::to_utf16le_with_bom("A\xc3\xbc") == std::string("\xFF\xFE"
                                                             "A\0\xFC\0",
                                                             6));
    CHECK(w::to_utf16le_with_bom("\xe6\x97\xa5") == std::string("\xFF\xFE\xE5\x65", 4));
    CHECK(w::to_utf16le_with_bom("\xf0\x9f\x98\x80") == std::string("\xFF\xFE\x3D\xD8\x00\xDE", 6));
    // Not what build() returns, but never skipped: each invalid byte is one U+FFFD.
    CHECK(w::to_utf16le_with_bom("\xff"
                                 "A") == std::string("\xFF\xFE\xFD\xFF"
                                                     "A\0",
                                                     6));
}

TEST_CASE("read_task is the builder's inverse, in UTF-8 and in UTF-16LE with BOM",
          "[windows][task][roundtrip]") {
    std::size_t carried = 0;
    for (const std::string& text : hermes_test::xml_carryable_arguments()) {
        INFO("text: " << text);
        const std::string value = text.empty() ? "x" : text;  // empty text elements are refused
        w::task_builder in_text;                              // XML character data carries every one of these
        in_text.description(value).author(value).user_id(value).logon_trigger(30s).action("C:\\x.exe");
        w::task_builder in_action;  // a command line does not carry controls; `%` would be expanded
        in_action.restart_on_failure(1min, 255).execution_time_limit(0s).action("C:\\x.exe", text, "C:\\dir");
        const bool has_control = text.find_first_of("\t\n\r") != std::string::npos;
        const bool has_percent = text.find('%') != std::string::npos;
        REQUIRE(in_text.build().has_value());
        REQUIRE(in_action.build().has_value() == !(has_control || has_percent));
        for (const w::task_builder* b : {&in_text, &in_action}) {
            const auto xml = b->build();
            if (!xml) continue;
            ++carried;
            for (const std::string& form : {*xml, w::to_utf16le_with_bom(*xml)}) {
                const auto back = w::read_task(form);
                REQUIRE(back);
                CHECK(*back == b->definition());
            }
        }
    }
    CHECK(carried > 40);
}

TEST_CASE("read_task: parse errors", "[windows][task][errors]") {
    const auto err = [](const std::string& text) {
        const auto r = w::read_task(text);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::parse_error);
        CHECK(r.error().field == "task");
        return r.error().message;
    };
    const std::string ns = "xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\"";
    CHECK(err("<Job/>") == "the root element is <Job>, not <Task>");
    CHECK(err("<Task/>") == "<Task> is not in the Task Scheduler namespace");
    CHECK(err("<Task " + ns + "/>") == "no Actions/Exec/Command");
    CHECK(err("<Task " + ns + "><Settings><Priority>11</Priority></Settings></Task>") ==
          "Priority is out of range");
    CHECK(err("<Task " + ns + "><Settings><ExecutionTimeLimit>P1Y</ExecutionTimeLimit></Settings></Task>") ==
          "ExecutionTimeLimit \"P1Y\" is not a duration PnDTnHnMnS");
    CHECK(err("<Task " + ns +
              "><Principals><Principal><RunLevel>Admin</RunLevel></Principal></Principals></Task>") ==
          "unknown RunLevel \"Admin\"");
    CHECK(err("<Task " + ns + "><A></B></Task>") == "line 1 (byte 75): expected </A>");
    CHECK(err(std::string("\xFF\xFE<", 3)) == "the UTF-16LE text is malformed");
}

TEST_CASE("run_level and instances_policy spell as the schema does, both ways", "[windows][task]") {
    for (const auto l : enumerators(w::run_level{})) CHECK(hs::from_string<w::run_level>(to_string(l)) == l);
    for (const auto p : enumerators(w::instances_policy{}))
        CHECK(hs::from_string<w::instances_policy>(to_string(p)) == p);
    CHECK(to_string(w::instances_policy::queue) == "Queue");
    CHECK(to_string(w::instances_policy::parallel) == "Parallel");
}
