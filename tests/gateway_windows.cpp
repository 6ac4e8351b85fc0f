// SPDX-License-Identifier: MIT
// gateway/windows.hpp: the task name, file names, .cmd launcher and task of upstream's
// hermes_cli/gateway_windows.py @ 00325ec8, as golden files (tests/golden/windows/) that differ from
// upstream's text (tests/golden/upstream/windows/) only by the documented lines; typed errors; and the
// launcher and task read back to the inputs.
#include <hermes/service/gateway/windows.hpp>
#include <hermes/service/windows/cmd_script_reader.hpp>
#include <hermes/service/windows/task_reader.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/golden.hpp"

namespace hs = hermes::service;
namespace g = hermes::service::gateway;
namespace w = hermes::service::windows;
using hermes_test::golden;
using hermes_test::replace_all;
using hs::errc;

namespace {

const std::string local = R"(C:\Users\alice\AppData\Local\hermes)";

/// The worked example's inputs on Windows: HERMES_HOME %LOCALAPPDATA%\hermes (or its profile `work`),
/// the checkout and its venv under it, the user DESKTOP\alice.
g::windows_options example(bool work) {
    g::windows_options o;
    o.suffix = work ? "work" : "";
    o.hermes_home = work ? local + "\\profiles\\work" : local;
    o.project_root = local + "\\hermes-agent";
    o.python = o.project_root + R"(\venv\Scripts\python.exe)";
    if (work) o.profile = {"--profile", "work"};
    o.user_id = "DESKTOP\\alice";
    return o;
}

template <class T>
T unwrap(hs::result<T> r) {
    if (!r) FAIL("unexpected error: " << hs::to_string(r.error()));
    return std::move(*r);
}

}  // namespace

TEST_CASE("Windows task names and file names", "[gateway][windows]") {
    CHECK(g::windows_task_name("") == "Hermes_Gateway");
    CHECK(g::windows_task_name("work") == "Hermes_Gateway_work");
    CHECK(g::windows_task_name("1a2b3c4d") == "Hermes_Gateway_1a2b3c4d");
    CHECK(g::windows_file_name("a<b>c:d\"e/f\\g|h?i*j\x01k") == "a_b_c_d_e_f_g_h_i_j_k");
    const g::windows_files f = g::windows_file_names(example(true));
    CHECK(f.task_name == "Hermes_Gateway_work");
    CHECK(f.directory == local + "\\profiles\\work\\gateway-service");
    CHECK(f.cmd == f.directory + "\\Hermes_Gateway_work.cmd");
    CHECK(f.launcher == f.directory + "\\Hermes_Gateway_work.vbs");
    CHECK(f.task_xml == f.directory + "\\Hermes_Gateway_work.task.xml");
    g::windows_options js = example(false);
    js.vbscript = false;
    js.hermes_home += "\\";  // a trailing separator is not doubled
    CHECK(g::windows_file_names(js).launcher == local + "\\gateway-service\\Hermes_Gateway.js");
}

TEST_CASE("golden: the gateway's .cmd and task XML for the worked example", "[gateway][windows][golden]") {
    for (const bool work : {false, true}) {
        const std::string name = work ? "Hermes_Gateway_work" : "Hermes_Gateway";
        INFO(name);
        const auto launcher = unwrap(g::windows_launcher(example(work)));
        const auto task = unwrap(g::windows_task(example(work)));
        CHECK(launcher.text == golden("windows/" + name + ".cmd"));
        CHECK(task.xml == golden("windows/" + name + ".task.xml"));
        CHECK(launcher.files.cmd == launcher.files.directory + "\\" + name + ".cmd");
    }
}

TEST_CASE("golden: the Windows files differ from upstream's text only by the documented lines",
          "[gateway][windows][golden]") {
    for (const std::string name : {"Hermes_Gateway", "Hermes_Gateway_work"}) {
        INFO(name);
        // 1. PYTHONPATH without upstream's `;%PYTHONPATH%` (tests/golden/README.md).
        CHECK(replace_all(golden("upstream/windows/" + name + ".cmd"), ";%PYTHONPATH%\"", "\"") ==
              golden("windows/" + name + ".cmd"));
        // 2. Schema version 1.2; 3. RestartOnFailure Count within the schema's unsignedByte.
        CHECK(replace_all(replace_all(golden("upstream/windows/" + name + ".task.xml"),
                                      "<Task version=\"1.4\"", "<Task version=\"1.2\""),
                          "<Count>999</Count>",
                          "<Count>255</Count>") == golden("windows/" + name + ".task.xml"));
    }
}

TEST_CASE("the launcher reads back to upstream's argv, variables and working directory",
          "[gateway][windows]") {
    const auto launcher = unwrap(g::windows_launcher(example(true)));
    const auto script = unwrap(w::read_cmd_script(launcher.text));
    CHECK(script.comment == std::optional<std::string>(std::string(g::default_description)));
    CHECK(script.working_directory == local + "\\profiles\\work");
    CHECK(script.command == std::vector<std::string>{local + "\\hermes-agent\\venv\\Scripts\\python.exe",
                                                     "-m", "hermes_cli.main", "--profile", "work", "gateway",
                                                     "run"});
    CHECK(script.environment == std::vector<w::cmd_variable>{{"HERMES_HOME", local + "\\profiles\\work"},
                                                             {"PYTHONIOENCODING", "utf-8"},
                                                             {"HERMES_GATEWAY_DETACHED", "1"},
                                                             {"HERMES_SUPERVISED_CHILD", "1"},
                                                             {"VIRTUAL_ENV", local + "\\hermes-agent\\venv"},
                                                             {"PYTHONPATH", local + "\\hermes-agent"}});
    CHECK_FALSE(script.exit_with_command_status);
}

TEST_CASE("the working directory: HERMES_HOME, the checkout only when HERMES_HOME is not a directory",
          "[gateway][windows]") {
    g::windows_options o = example(false);
    o.hermes_home_is_dir = false;
    const auto fallback = unwrap(w::read_cmd_script(unwrap(g::windows_launcher(o)).text));
    CHECK(fallback.working_directory == local + "\\hermes-agent");
    CHECK(fallback.environment.front().value == local);  // HERMES_HOME itself is still set
    o.virtual_env = "D:\\venvs\\hermes";
    const auto explicit_venv = unwrap(w::read_cmd_script(unwrap(g::windows_launcher(o)).text));
    CHECK(explicit_venv.environment[4] == w::cmd_variable{"VIRTUAL_ENV", "D:\\venvs\\hermes"});
    o.python = "C:\\Python312\\python.exe";  // no venv: upstream's parent.parent is the drive root
    o.virtual_env.clear();
    CHECK(unwrap(w::read_cmd_script(unwrap(g::windows_launcher(o)).text)).environment[4].value == "C:\\");
}

TEST_CASE("the task reads back to upstream's settings", "[gateway][windows]") {
    using namespace std::chrono_literals;
    const auto task = unwrap(g::windows_task(example(false)));
    const auto back = unwrap(w::read_task(w::to_utf16le_with_bom(task.xml)));
    CHECK(back == task.settings);
    CHECK(back.logon_delay == std::optional<std::chrono::seconds>(30s));
    CHECK(back.user_id == std::optional<std::string>("DESKTOP\\alice"));
    CHECK(back.multiple_instances_policy == w::instances_policy::ignore_new);
    CHECK(back.execution_time_limit == 0s);
    CHECK(back.priority == 7);
    REQUIRE(back.restart_on_failure);
    CHECK(back.restart_on_failure->interval == 1min);
    CHECK(back.restart_on_failure->count == 255);
    CHECK(back.action.command == "wscript.exe");
    CHECK(back.action.arguments == "//B //Nologo \"" + local + "\\gateway-service\\Hermes_Gateway.vbs\"");
    g::windows_options js = example(false);
    js.vbscript = false;
    js.user_id.clear();
    const auto js_task = unwrap(g::windows_task(js));
    CHECK(js_task.settings.action.arguments ==
          "//B //Nologo //E:JScript \"" + local + "\\gateway-service\\Hermes_Gateway.js\"");
    CHECK_FALSE(js_task.settings.user_id);
}

TEST_CASE("gateway Windows errors name the input", "[gateway][windows][errors]") {
    g::windows_options o = example(false);
    o.hermes_home = "C:\\Users\\J\xc3\xbcrgen\\AppData\\Local\\hermes";
    const auto launcher = g::windows_launcher(o);
    REQUIRE_FALSE(launcher);
    CHECK(launcher.error().code == errc::unrepresentable);
    CHECK(launcher.error().field == "working_directory");
    CHECK(launcher.error().message ==
          "contains the non-ASCII character U+00FC at character 11 (byte 11); cmd reads a batch file in the "
          "OEM code page, so only ASCII arrives exactly (pass an ASCII spelling, e.g. the 8.3 short path)");
    const auto task = g::windows_task(o);
    REQUIRE_FALSE(task);
    CHECK(task.error().field == "HERMES_HOME");
    o = example(false);
    o.hermes_home = R"(C:\Users\100%\hermes)";
    const auto percent = g::windows_task(o);
    REQUIRE_FALSE(percent);
    CHECK(percent.error().code == errc::unrepresentable);
    CHECK(percent.error().field == "action.arguments");
    o = example(false);
    o.project_root = "relative\\checkout";
    o.hermes_home_is_dir = false;
    const auto no_dir = g::windows_launcher(o);
    REQUIRE_FALSE(no_dir);
    CHECK(no_dir.error().code == errc::relative_path);
    CHECK(no_dir.error().field == "WorkingDirectory");
    o = example(false);
    o.python = "python.exe";
    const auto bare_python = g::windows_launcher(o);
    REQUIRE_FALSE(bare_python);
    CHECK(bare_python.error().field == "command[0]");
}
