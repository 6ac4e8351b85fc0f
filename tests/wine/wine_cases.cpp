// SPDX-License-Identifier: MIT
// The Windows oracle (label `wine`): the launchers and task definitions the library writes, run and
// registered under Wine 8 in a throwaway WINEPREFIX made in the build tree and removed afterwards.
//
//   hermes_service_wine_cases --probe probe.exe --work DIR
//
// Cases (each prints PASS/FAIL lines; the exit status is the number of failures, capped at 100):
//   cmd      every hostile ASCII value the builder accepts arrives exactly through a generated .cmd, as
//            CRT argv, CommandLineToArgvW argv and environment values, in a hostile working directory,
//            from a hostile program path; the program's exit status passes through `exit /b`
//   refused  each kind of value the builder refuses, written naively by hand, shown breaking under
//            cmd (the builder's typed error asserted beside it)
//   gateway  gateway::windows_launcher's .cmd runs the program with upstream's argv, variables and
//            working directory, and `exit /b 0` hides its status as upstream's does
//   task     task XML (the gateway's and a hostile one) as UTF-16LE with BOM: well-formed for xmllint,
//            accepted by `schtasks /Create /XML`, read back by read_task to the same settings; the same
//            text without its BOM is rejected (Wine checks what it is given). Wine does not run XML tasks.
// Without wine, the probe or xmllint the suite prints "skipped: <reason>" (ctest: Skipped); under CI=true
// that is a failure.
#include <dirent.h>    // opendir, readdir
#include <sys/wait.h>  // WIFEXITED, WEXITSTATUS
#include <unistd.h>    // getpid, close

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <hermes/service/gateway/windows.hpp>
#include <hermes/service/windows.hpp>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/corpus.hpp"

namespace {

namespace hs = hermes::service;
namespace w = hermes::service::windows;
namespace g = hermes::service::gateway;

int failures = 0;
std::chrono::steady_clock::time_point start_time;

double elapsed() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
}
void log(const std::string& s) { std::printf("[%7.2fs] %s\n", elapsed(), s.c_str()), std::fflush(stdout); }
void pass(const std::string& s) { log("PASS " + s); }
void fail(const std::string& s) {
    ++failures;
    log("FAIL " + s);
}
bool check(bool ok, const std::string& what) {
    ok ? pass(what) : fail(what);
    return ok;
}

/// `s` with control characters and backslashes as C escapes (how the probe reports values).
std::string escaped(const std::string& s) {
    std::string out;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (b < 0x20 || b == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(b));
            out += buf;
        } else {
            out += c;
        }
    }
    return out;
}

std::string sh_quote(const std::string& s) {
    std::string out = "'";
    for (const char c : s) c == '\'' ? out += "'\\''" : out += c;
    return out + "'";
}

int run(const std::string& command) {
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string read_file(const std::string& path);

/// Runs `command` (a sh command line) and returns its status and stdout+stderr. The output goes
/// through a file, not a pipe: Wine's service processes inherit it and outlive the command.
std::pair<int, std::string> capture(const std::string& command) {
    char name[] = "/tmp/hermes-wine-output.XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0) return {127, ""};
    close(fd);
    const int rc = run("( " + command + " ) >" + sh_quote(name) + " 2>&1 </dev/null");
    std::string out = read_file(name);
    std::remove(name);
    return {rc, out};
}

bool on_path(const std::string& tool) { return run("command -v " + tool + " >/dev/null 2>&1") == 0; }

void write_file(const std::string& path, const std::string& bytes) {
    run("mkdir -p " + sh_quote(path.substr(0, path.rfind('/'))));
    std::ofstream f(path, std::ios::binary);
    f << bytes;
}
std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

/// The probe's report: key -> escaped value.
using report = std::map<std::string, std::string>;
report read_report(const std::string& path) {
    report r;
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);) {
        const std::size_t eq = line.find('=');
        if (eq != std::string::npos)
            r[line.substr(0, eq)] = line.substr(eq + 1);
        else
            r[line] = "";
    }
    return r;
}
std::string get(const report& r, const std::string& key) {
    const auto it = r.find(key);
    return it == r.end() ? std::string("<missing>") : it->second;
}

struct wine_env {
    std::string work, prefix, drive_c;
    /// `C:\a\b` -> <drive_c>/a/b
    [[nodiscard]] std::string unix_path(const std::string& windows_path) const {
        std::string out = drive_c;
        for (std::size_t i = 2; i < windows_path.size(); ++i)
            out.push_back(windows_path[i] == '\\' ? '/' : windows_path[i]);
        return out;
    }
    /// Runs `wine <args>` with `env` prepended (NAME=value ...), in sh.
    [[nodiscard]] std::pair<int, std::string> wine(const std::string& args, const std::string& env = "",
                                                   const std::string& cwd = "") const {
        return capture("cd " + sh_quote(cwd.empty() ? work : cwd) + " && " + env + " timeout 120 wine " +
                       args);
    }
};

/// The live processes (not this one, not zombies) whose environment names `prefix` as WINEPREFIX.
std::string live_processes_of(const std::string& prefix) {
    std::string out;
    const std::string marker = "WINEPREFIX=" + prefix;
    DIR* proc = opendir("/proc");
    if (proc == nullptr) return out;
    while (const dirent* e = readdir(proc)) {
        const std::string pid = e->d_name;
        if (pid.find_first_not_of("0123456789") != std::string::npos || std::stoi(pid) == getpid()) continue;
        const std::string environ = read_file("/proc/" + pid + "/environ");
        bool match = false;
        for (std::size_t at = 0; at < environ.size() && !match;) {
            const std::size_t end = environ.find('\0', at);
            match = environ.compare(at, end - at, marker) == 0;
            at = end == std::string::npos ? environ.size() : end + 1;
        }
        const std::string status = read_file("/proc/" + pid + "/status");
        if (match && status.find("State:\tZ") == std::string::npos) out += " " + pid;
    }
    closedir(proc);
    return out;
}

std::string cmd_run(const std::string& windows_script) { return "cmd /c " + sh_quote(windows_script); }

/// The values the builder carries: the shared corpus plus cmd's own metacharacters and quote traps.
std::vector<std::string> cmd_corpus() {
    std::vector<std::string> values = hermes_test::hostile_arguments();
    for (const char* extra : {"^caret",
                              "a&b",
                              "a|b",
                              "<lt>",
                              "bang!x!",
                              "(paren)",
                              ")",
                              "%~1 %0 %*",
                              "%PATH%",
                              "\"",
                              "\\",
                              "\\\\",
                              R"(back\\"q)",
                              "x\\\" & echo INJECTED-A",
                              "x\" & echo INJECTED-B",
                              "semi;comma,eq=",
                              "trail space ",
                              "two  spaces",
                              "ctl\x01\x0b\x0c\x1b\x7f",
                              "a\"\"b",
                              "^",
                              "^^",
                              "\"&\"",
                              "1>nul",
                              "2>&1",
                              "&& echo INJECTED-C"})
        values.emplace_back(extra);
    return values;
}

bool accepted_as_argument(const std::string& v) {
    return w::cmd_script_builder{}.working_directory("C:\\").command({"C:\\p.exe", v}).build().has_value();
}

// ---- cases --------------------------------------------------------------------------------------

void case_cmd(const wine_env& env, const std::string& probe) {
    log("== cmd: hostile values through a generated .cmd");
    const std::string program = R"(C:\Program Files (x86)\hermes & co 100%\probe.exe)";
    const std::string dir = "C:\\work dir & (x) 100% ^ ! ' $ ; %PATH% =,";
    run("mkdir -p " + sh_quote(env.unix_path(dir)) + " " +
        sh_quote(env.unix_path(program.substr(0, program.rfind('\\')))));
    run("cp " + sh_quote(probe) + " " + sh_quote(env.unix_path(program)));

    std::vector<std::string> args;
    std::vector<std::string> refused;
    for (const std::string& v : cmd_corpus()) (accepted_as_argument(v) ? args : refused).push_back(v);
    w::cmd_script_builder b;
    b.working_directory(dir).environment("PROBE_DIR", "C:\\out\\cmd").environment("PROBE_EXIT", "7");
    std::vector<std::string> argv = {program};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::pair<std::string, std::string>> vars;
    for (std::size_t i = 0; i < args.size(); ++i)
        if (!args[i].empty()) vars.emplace_back("HOSTILE_" + std::to_string(i), args[i]);
    for (const auto& [name, value] : vars) b.environment(name, value);
    b.command(argv).exit_with_command_status(true);
    const auto text = b.build();
    if (!check(text.has_value(), "the builder accepts " + std::to_string(args.size()) + " corpus values")) {
        log(hs::to_string(text.error()));
        return;
    }
    auto back = w::read_cmd_script(*text);
    check(back && back->command == argv && back->working_directory == dir,
          "read_cmd_script gives back the argv and working directory");
    write_file(env.unix_path("C:\\cases\\cmd.cmd"), *text);
    log("launcher (" + std::to_string(text->size()) + " bytes), command line: " +
        escaped(text->substr(text->find(program.substr(0, 12)) - 1, 240)) + "...");

    const auto t0 = std::chrono::steady_clock::now();
    const auto [rc, output] = env.wine(cmd_run("C:\\cases\\cmd.cmd"));
    log("wine cmd /c took " +
        std::to_string(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()) + " s");
    check(rc == 7, "the program's exit status 7 passes through `exit /b %ERRORLEVEL%` (got " +
                       std::to_string(rc) + ")");
    check(output.find("INJECTED") == std::string::npos, "no injected command ran");
    const report r = read_report(env.unix_path(R"(C:\out\cmd\report.txt)"));
    if (!check(get(r, "end").empty(), "the probe wrote its report")) {
        log("wine output: " + escaped(output));
        return;
    }
    log("argv[0] as the CRT sees it: " + get(r, "crt_argv[0]"));
    check(get(r, "crt_argc") == std::to_string(args.size() + 1) &&
              get(r, "shell_argc") == std::to_string(args.size() + 1),
          "argc is " + std::to_string(args.size() + 1) + " for the CRT and CommandLineToArgvW");
    int exact = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string want = escaped(args[i]);
        const std::string key = "[" + std::to_string(i + 1) + "]";
        if (get(r, "crt_argv" + key) == want && get(r, "shell_argv" + key) == want) {
            ++exact;
            continue;
        }
        fail("argument " + std::to_string(i + 1) + " [" + want + "]: CRT [" + get(r, "crt_argv" + key) +
             "], CommandLineToArgvW [" + get(r, "shell_argv" + key) + "]");
    }
    check(exact == static_cast<int>(args.size()),
          std::to_string(exact) + "/" + std::to_string(args.size()) + " arguments exact in both argvs");
    int env_exact = 0;
    for (const auto& [name, value] : vars) {
        if (get(r, "env[" + name + "]") == escaped(value)) {
            ++env_exact;
            continue;
        }
        fail("variable " + name + " [" + escaped(value) + "]: got [" + get(r, "env[" + name + "]") + "]");
    }
    check(env_exact == static_cast<int>(vars.size()),
          std::to_string(env_exact) + "/" + std::to_string(vars.size()) + " `set` values exact");
    check(get(r, "cwd") == escaped(dir), "working directory exact: " + get(r, "cwd"));
    std::string refused_list;
    for (const std::string& v : refused) refused_list += " [" + escaped(v) + "]";
    log("refused corpus values (" + std::to_string(refused.size()) + "):" + refused_list);
}

/// The first error of building a launcher that has `value` as argument (or variable value).
hs::error builder_error(const std::string& value, bool as_variable) {
    w::cmd_script_builder b;
    b.working_directory("C:\\").command({"C:\\probe.exe", as_variable ? "x" : value});
    if (as_variable) b.environment("HOSTILE_X", value);
    const auto r = b.build();
    return r ? hs::error{hs::errc::parse_error, "", "accepted"} : r.error();
}

void case_refused(const wine_env& env) {
    log("== refused: what the builder refuses, written naively, breaks under cmd");
    // Line feed in a value: the rest of the line runs as a command.
    const auto lf = builder_error("line1\necho NL-TAIL-RAN", true);
    check(lf.code == hs::errc::control_character && lf.field == "environment[HOSTILE_X]",
          "builder: LF in a value -> control_character (" + lf.message + ")");
    // Carriage return inside an argument.
    const auto cr = builder_error("a\rb", false);
    check(cr.code == hs::errc::control_character && cr.field == "command[1]",
          "builder: CR in an argument -> control_character");
    // Empty variable value.
    const auto empty = builder_error("", true);
    check(empty.code == hs::errc::empty_value, "builder: empty variable value -> empty_value");
    // Non-ASCII.
    const std::string utf8 =
        "gr\xc3\xbc\xc3\x9f"
        "e \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac";
    const auto non_ascii = builder_error(utf8, false);
    check(non_ascii.code == hs::errc::unrepresentable, "builder: non-ASCII argument -> unrepresentable");
    // A path component ending in a dot or space.
    const auto dot = w::cmd_script_builder{}.working_directory("C:\\dotdir.").command({"C:\\p.exe"}).build();
    check(!dot && dot.error().code == hs::errc::unrepresentable && dot.error().field == "working_directory",
          "builder: a directory component ending in '.' -> unrepresentable");

    run("mkdir -p " + sh_quote(env.drive_c + "/dotdir."));
    // What a writer without these refusals would write; one probe run per demonstration.
    const std::string naive =
        "@echo off\r\n"
        "set \"HOSTILE_NL=line1\necho NL-TAIL-RAN\"\r\n"
        "set \"HOSTILE_EMPTY=\"\r\n"
        "set \"PROBE_DIR=C:\\out\\empty\"\r\n"
        "C:\\probe.exe x\r\n"
        "set \"PROBE_DIR=C:\\out\\cr\"\r\n"
        "C:\\probe.exe \"a\rb\" after\r\n"
        "set \"PROBE_DIR=C:\\out\\utf8\"\r\n"
        "C:\\probe.exe \"" +
        utf8 +
        "\"\r\n"
        "set \"PROBE_DIR=C:\\out\\percent\"\r\n"
        "C:\\probe.exe \"100%\" \"%PATH%x\"\r\n"
        "set \"PROBE_DIR=C:\\out\\inject\"\r\n"
        "C:\\probe.exe \"x\\\" & echo INJECTED-NAIVE\r\n"
        "set \"PROBE_DIR=C:\\out\\chcp\"\r\n"
        "chcp 65001 >nul\r\n"
        "C:\\probe.exe \"" +
        utf8 +
        "\"\r\n"
        "set \"PROBE_DIR=C:\\out\\dot\"\r\n"
        "cd /d \"C:\\dotdir.\"\r\n"
        "C:\\probe.exe\r\n"
        "exit /b 0\r\n";
    write_file(env.unix_path("C:\\cases\\naive.cmd"), naive);
    const auto [rc, output] = env.wine(cmd_run("C:\\cases\\naive.cmd"));
    (void)rc;
    const auto ran = [&](const std::string& name) {
        report r = read_report(env.unix_path("C:\\out\\" + name + "\\report.txt"));
        if (!get(r, "end").empty()) fail("the probe did not run in the '" + name + "' demonstration");
        return r;
    };
    check(output.find("NL-TAIL-RAN") != std::string::npos,
          "LF inside `set \"NAME=...\"`: the text after it ran as a command");
    check(get(ran("empty"), "env[HOSTILE_EMPTY]") == "<missing>",
          "`set \"NAME=\"` leaves NAME unset (cmd has no empty value)");
    const report cr_report = ran("cr");
    check(get(cr_report, "crt_argv[1]") != "a\\rb",
          "CR inside an argument: argv [" + get(cr_report, "crt_argv[1]") + "], argc " +
              get(cr_report, "crt_argc") + " (the CR ended the line)");
    const report utf8_report = ran("utf8");
    check(get(utf8_report, "crt_argv[1]") != utf8,
          "UTF-8 text arrives as [" + get(utf8_report, "crt_argv[1]") + "] (the OEM code page)");
    const report chcp_report = ran("chcp");
    check(get(chcp_report, "crt_argv[1]") != utf8,
          "after `chcp 65001` too: [" + get(chcp_report, "crt_argv[1]") + "]");
    const report percent_report = ran("percent");
    check(get(percent_report, "crt_argv[1]") != "100%",
          R"(single % signs are eaten or expanded: "100%" "%PATH%x" arrive as [)" +
              get(percent_report, "crt_argv[1]").substr(0, 60) + "] argc " + get(percent_report, "crt_argc"));
    const report dot_report = ran("dot");
    check(get(dot_report, "cwd") != "C:\\\\dotdir.",
          R"(`cd /d "C:\dotdir."` does not end there (cwd [)" + get(dot_report, "cwd") + "])");
    ran("inject");
    check(output.find("INJECTED-NAIVE") != std::string::npos,
          R"(`"x\" & echo ...` without cmd escaping runs the injected command (cmd counts \" as a quote))");
}

void case_gateway(const wine_env& env, const std::string& probe) {
    log("== gateway: gateway::windows_launcher's .cmd");
    g::windows_options o;
    o.suffix = "work";
    o.hermes_home = R"(C:\Users\alice & bob\AppData\Local\hermes 100%\profiles\work)";
    o.project_root = "C:\\hermes-agent";
    o.python = R"(C:\hermes-agent\venv\Scripts\python.exe)";
    o.profile = {"--profile", "work"};
    const auto launcher = g::windows_launcher(o);
    if (!check(launcher.has_value(), "windows_launcher builds")) return;
    run("mkdir -p " + sh_quote(env.unix_path(o.hermes_home)) + " " +
        sh_quote(env.unix_path(R"(C:\hermes-agent\venv\Scripts)")));
    run("cp " + sh_quote(probe) + " " + sh_quote(env.unix_path(o.python)));
    write_file(env.unix_path(launcher->files.cmd), launcher->text);
    // Started from its own directory: `cmd /c` would split the path at its '&' (how the launcher is
    // started is wscript's business, not the launcher's).
    const std::string unix_cmd = env.unix_path(launcher->files.cmd);
    const auto [rc, output] =
        env.wine(cmd_run(launcher->files.cmd.substr(launcher->files.cmd.rfind('\\') + 1)),
                 "PROBE_EXIT=5 PROBE_DIR='C:\\out\\gateway'", unix_cmd.substr(0, unix_cmd.rfind('/')));
    check(rc == 0, "`exit /b 0` (upstream's) ends the launcher with 0 though the program exited 5 (got " +
                       std::to_string(rc) + ")");
    const report r = read_report(env.unix_path(R"(C:\out\gateway\report.txt)"));
    const std::vector<std::string> want = {"-m", "hermes_cli.main", "--profile", "work", "gateway", "run"};
    bool argv_ok = get(r, "crt_argc") == "7";
    for (std::size_t i = 0; i < want.size(); ++i)
        argv_ok = argv_ok && get(r, "crt_argv[" + std::to_string(i + 1) + "]") == want[i];
    check(argv_ok, "argv is `python -m hermes_cli.main --profile work gateway run`");
    check(get(r, "cwd") == escaped(o.hermes_home), "the working directory is HERMES_HOME: " + get(r, "cwd"));
    check(get(r, "env[HERMES_HOME]") == escaped(o.hermes_home) &&
              get(r, "env[PYTHONIOENCODING]") == "utf-8" && get(r, "env[HERMES_GATEWAY_DETACHED]") == "1" &&
              get(r, "env[HERMES_SUPERVISED_CHILD]") == "1" &&
              get(r, "env[VIRTUAL_ENV]") == R"(C:\\hermes-agent\\venv)" &&
              get(r, "env[PYTHONPATH]") == "C:\\\\hermes-agent",
          "HERMES_HOME, PYTHONIOENCODING, HERMES_GATEWAY_DETACHED, HERMES_SUPERVISED_CHILD, VIRTUAL_ENV and "
          "PYTHONPATH arrive exactly");
    if (failures != 0) log("wine output: " + escaped(output));
}

void case_task(const wine_env& env) {
    log("== task: schtasks /Create /XML");
    using namespace std::chrono_literals;
    g::windows_options o;
    o.hermes_home = R"(C:\Users\alice\AppData\Local\hermes)";
    o.project_root = "C:\\hermes-agent";
    o.python = R"(C:\hermes-agent\venv\Scripts\python.exe)";
    o.user_id = "WINEHOST\\alice";
    const auto gateway_task = g::windows_task(o);
    if (!check(gateway_task.has_value(), "windows_task builds")) return;
    w::task_builder hostile;
    hostile
        .description(
            "d & <x> \"q\" 'a' ]]> gr\xc3\xbc\xc3\x9f"
            "e \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 tab\there")
        .author("A & B <ab@example.com>")
        .logon_trigger(90s)
        .user_id("DOMAIN\\\xc3\xbcser")
        .run_level(w::run_level::highest_available)
        .multiple_instances_policy(w::instances_policy::parallel)
        .execution_time_limit(3h + 25min)
        .restart_on_failure(2h, 3)
        .priority(4)
        .action(R"(C:\Program Files\x & y\run.exe)", "\"a b\" c&d <e> \xc3\xbc", "C:\\work dir");
    const auto hostile_xml = hostile.build();
    if (!check(hostile_xml.has_value(), "the hostile task builds")) return;
    const std::vector<std::pair<std::string, std::pair<std::string, w::task>>> tasks = {
        {"HermesGateway", {gateway_task->xml, gateway_task->settings}},
        {"HermesHostile", {*hostile_xml, hostile.definition()}}};
    for (const auto& [name, xml_and_settings] : tasks) {
        const std::string bytes = w::to_utf16le_with_bom(xml_and_settings.first);
        const std::string file = "C:\\tasks\\" + name + ".xml";
        write_file(env.unix_path(file), bytes);
        check(run("xmllint --noout " + sh_quote(env.unix_path(file)) + " 2>/dev/null") == 0,
              name + ": xmllint reads the UTF-16LE+BOM file as well-formed XML");
        const auto back = w::read_task(bytes);
        check(back && *back == xml_and_settings.second, name + ": read_task gives back the same settings");
        const auto [rc, output] = env.wine("schtasks /Create /XML " + sh_quote(file) + " /TN " + name);
        const std::string stored = env.drive_c + "/windows/system32/tasks/" + name;
        check(rc == 0 && !read_file(stored).empty(),
              name + ": `schtasks /Create /XML` accepts it (rc " + std::to_string(rc) + ") and stores it");
    }
    // Negative control: Wine does check the encoding, so its acceptance above means something.
    const std::string no_bom = w::to_utf16le_with_bom(gateway_task->xml).substr(2);
    write_file(env.unix_path("C:\\tasks\\NoBom.xml"), no_bom);
    const auto [rc, output] = env.wine("schtasks /Create /XML 'C:\\tasks\\NoBom.xml' /TN NoBom");
    check(rc != 0 && read_file(env.drive_c + "/windows/system32/tasks/NoBom").empty(),
          "the same XML as UTF-16LE without a BOM is rejected (rc " + std::to_string(rc) + ")");
}

}  // namespace

int main(int argc, char** argv) {
    start_time = std::chrono::steady_clock::now();
    std::string probe;
    std::string work;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--probe") probe = argv[i + 1];
        if (a == "--work") work = argv[i + 1];
    }
    const char* ci = std::getenv("CI");
    const bool in_ci = ci != nullptr && std::string(ci) == "true";
    std::string missing;
    if (!on_path("wine") || !on_path("wineboot") || !on_path("wineserver"))
        missing = "wine is not installed";
    else if (probe.empty() || read_file(probe).empty())
        missing = "the probe was not built (x86_64-w64-mingw32-gcc missing at configure time)";
    else if (!on_path("xmllint"))
        missing = "xmllint is not installed";
    if (!missing.empty()) {
        if (in_ci) {
            std::printf("FAIL: %s (CI=true: the Wine suite must run; scripts/install-deps installs it)\n",
                        missing.c_str());
            return 1;
        }
        std::printf(
            "skipped: %s (apt-get install --no-install-recommends wine wine64 gcc-mingw-w64-x86-64-win32)\n",
            missing.c_str());
        return 0;
    }
    if (work.empty()) return std::printf("usage: %s --probe probe.exe --work DIR\n", argv[0]), 2;

    wine_env env;
    env.work = work;
    env.prefix = work + "/prefix";
    env.drive_c = env.prefix + "/drive_c";
    run("rm -rf " + sh_quote(work) + " && mkdir -p " + sh_quote(work));
    setenv("WINEPREFIX", env.prefix.c_str(), 1);
    setenv("WINEDEBUG", "-all", 1);
    setenv("WINEDLLOVERRIDES", "mscoree,mshtml=", 1);  // no Mono or Gecko installer prompts
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");

    const auto boot = capture("wineboot -i && wineserver -w");
    // One server for every case: started persistent, so the services are not restarted per `wine` run.
    run("wineserver -p </dev/null >/dev/null 2>&1");
    log("cold WINEPREFIX (wineboot -i): rc " + std::to_string(boot.first) + ", " + std::to_string(elapsed()) +
        " s since start");
    if (check(boot.first == 0, "wineboot -i made the prefix")) {
        run("cp " + sh_quote(probe) + " " + sh_quote(env.drive_c + "/probe.exe"));
        case_cmd(env, probe);
        case_refused(env);
        case_gateway(env, probe);
        case_task(env);
    }

    run("wineserver -k >/dev/null 2>&1; wineserver -w >/dev/null 2>&1");
    const std::string left = live_processes_of(env.prefix);
    check(left.empty(), "no Wine process of this prefix is left" + (left.empty() ? "" : ":" + left));
    if (failures == 0) run("rm -rf " + sh_quote(work));
    log("RESULT wine: " + std::to_string(failures) + " failed; total " + std::to_string(elapsed()) + " s" +
        (failures != 0 ? "; the prefix is kept in " + work : ""));
    return failures > 100 ? 100 : failures;
}
