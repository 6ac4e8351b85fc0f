// SPDX-License-Identifier: MIT
// The hermes gateway on Windows (upstream hermes_cli/gateway_windows.py @ 00325ec8): the Task Scheduler
// task `Hermes_Gateway[_<suffix>]`, its files under `<HERMES_HOME>\gateway-service\`, the .cmd launcher
// and the task settings, rendered through windows::cmd_script_builder and windows::task_builder.
#pragma once

#include <chrono>       // std::chrono::seconds
#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/cmd_escape.hpp"   // put_cmd_path, to check HERMES_HOME for the task's launcher path
#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"       // string_sink
#include "../error.hpp"               // result, make_error
#include "../paths.hpp"               // stable_service_working_dir
#include "../windows/cmd_script.hpp"  // windows::cmd_script_builder
#include "../windows/task.hpp"        // windows::task_builder, windows::task
#include "gateway.hpp"                // gateway::default_description

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace gateway {

/// `Hermes_Gateway`, or `Hermes_Gateway_<suffix>` (suffix: service_suffix()).
[[nodiscard]] inline std::string windows_task_name(std::string_view suffix) {
    std::string name = "Hermes_Gateway";
    if (!suffix.empty()) name.append("_").append(suffix);
    return name;
}

/// Upstream's _sanitize_filename: each of `< > : " / \ | ? *` and C0 controls becomes `_`.
[[nodiscard]] inline std::string windows_file_name(std::string_view name) {
    std::string out(name);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 ||
            std::string_view("<>:\"/\\|?*").find(c) != std::string_view::npos)
            c = '_';
    return out;
}

/// What the host gathered for the gateway's Windows launcher and task (Windows paths throughout).
struct windows_options {
    /// service_suffix() of this HERMES_HOME ("" for the default home).
    std::string suffix;
    /// HERMES_HOME as upstream's get_hermes_home() gives it (not resolved), e.g.
    /// `C:\Users\alice\AppData\Local\hermes`.
    std::string hermes_home;
    /// Whether hermes_home is an existing directory (else the working directory falls back).
    bool hermes_home_is_dir = true;
    /// The checkout (PROJECT_ROOT): the working directory's fallback and PYTHONPATH.
    std::string project_root;
    /// The console interpreter, e.g. `<venv>\Scripts\python.exe`.
    std::string python;
    /// VIRTUAL_ENV; empty: two levels above `python`, as upstream derives it.
    std::string virtual_env;
    /// profile_args(): `{"--profile", name}` for a named profile, else empty.
    std::vector<std::string> profile;
    /// Principal/UserId (`DOMAIN\user`); empty: none.
    std::string user_id;
    /// The task's launcher is `<task>.vbs` (true) or `<task>.js` run with `//E:JScript` (false, when
    /// Windows lacks VBScript).
    bool vbscript = true;
};

/// The files of one gateway install: `<HERMES_HOME>\gateway-service\<sanitized task name>.*`.
struct windows_files {
    std::string task_name;  ///< Hermes_Gateway[_<suffix>]
    std::string directory;  ///< <HERMES_HOME>\gateway-service
    std::string cmd;        ///< the .cmd launcher
    std::string launcher;   ///< the .vbs (or .js) the task runs through wscript.exe
    std::string task_xml;   ///< the XML given to `schtasks /Create /XML` (then deleted)
};

/// The .cmd launcher: where it goes and its text (CRLF).
struct windows_launcher_file {
    windows_files files;
    std::string text;
};

/// The task: its name, files, settings and XML (UTF-8 text; write to_utf16le_with_bom(xml)).
struct windows_scheduled_task {
    windows_files files;
    windows::task settings;
    std::string xml;
};

namespace detail {

/// `C:\a\b` -> `/C:/a/b` and `\\srv\share\a` -> `/\\srv/share/a`: a Windows path in the form the
/// POSIX path functions (check_anchor_path, stable_service_working_dir) reason about.
[[nodiscard]] inline std::string posix_form(std::string_view windows_path) {
    std::string out;
    std::size_t start = 0;
    if (windows_path.size() >= 2 && windows_path[1] == ':') {
        out = "/";
    } else if (windows_path.substr(0, 2) == "\\\\") {
        out = "/\\\\";
        start = 2;
    }
    for (std::size_t i = start; i < windows_path.size(); ++i)
        out.push_back(windows_path[i] == '\\' ? '/' : windows_path[i]);
    return out;
}

/// `dir` and `name` joined with one backslash.
[[nodiscard]] inline std::string windows_join(std::string_view dir, std::string_view name) {
    std::string out(dir);
    while (out.size() > 3 && out.back() == '\\') out.pop_back();
    if (out.empty() || out.back() != '\\') out.push_back('\\');
    out.append(name);
    return out;
}

/// `path` without its last `levels` components (pathlib's `.parent` applied `levels` times).
[[nodiscard]] inline std::string windows_parent(std::string_view path, int levels) {
    std::string out(path);
    for (int i = 0; i < levels; ++i) {
        const std::size_t slash = out.rfind('\\');
        if (slash == std::string::npos) break;
        out.resize(slash == 2 && out.size() > 1 && out[1] == ':' ? 3 : slash);
    }
    return out;
}

}  // namespace detail

/// The task name and file names for `o` (hermes_home is not checked here).
[[nodiscard]] inline windows_files windows_file_names(const windows_options& o) {
    windows_files f;
    f.task_name = windows_task_name(o.suffix);
    f.directory = detail::windows_join(o.hermes_home, "gateway-service");
    const std::string stem = detail::windows_join(f.directory, windows_file_name(f.task_name));
    f.cmd = stem + ".cmd";
    f.launcher = stem + (o.vbscript ? ".vbs" : ".js");
    f.task_xml = f.launcher.substr(0, f.launcher.rfind('.')) + ".task.xml";
    return f;
}

/// Upstream's `gateway.cmd`: `@echo off`, `rem <description>`, `cd /d <working dir>` (HERMES_HOME, the
/// checkout when HERMES_HOME is not a directory: stable_service_working_dir), HERMES_HOME,
/// PYTHONIOENCODING, HERMES_GATEWAY_DETACHED, HERMES_SUPERVISED_CHILD, VIRTUAL_ENV and PYTHONPATH,
/// `<python> -m hermes_cli.main [--profile X] gateway run`, `exit /b 0`. Differences from upstream:
/// every value escaped for cmd, and PYTHONPATH without upstream's trailing `;%PYTHONPATH%`.
[[nodiscard]] inline result<windows_launcher_file> windows_launcher(const windows_options& o) {
    const std::string home_form = detail::posix_form(o.hermes_home);
    auto choice = stable_service_working_dir(
        o.hermes_home_is_dir ? std::optional<std::string_view>(home_form) : std::nullopt,
        detail::posix_form(o.project_root));
    if (!choice) return unexpected_error(std::move(choice.error()));
    std::vector<std::string> argv = {o.python, "-m", "hermes_cli.main"};
    argv.insert(argv.end(), o.profile.begin(), o.profile.end());
    argv.emplace_back("gateway");
    argv.emplace_back("run");
    windows::cmd_script_builder b;
    b.comment(std::string(default_description))
        .working_directory(choice->fell_back ? o.project_root : o.hermes_home)
        .environment("HERMES_HOME", o.hermes_home)
        .environment("PYTHONIOENCODING", "utf-8")
        .environment("HERMES_GATEWAY_DETACHED", "1")
        .environment("HERMES_SUPERVISED_CHILD", "1")
        .environment("VIRTUAL_ENV",
                     o.virtual_env.empty() ? detail::windows_parent(o.python, 2) : o.virtual_env)
        .environment("PYTHONPATH", o.project_root)
        .command(std::move(argv))
        .exit_with_command_status(false);
    auto text = b.build();
    if (!text) return unexpected_error(std::move(text.error()));
    return windows_launcher_file{windows_file_names(o), std::move(*text)};
}

/// Upstream's Scheduled Task: a logon trigger delayed 30 s, the interactive user without elevation,
/// IgnoreNew, no time limit, priority 7, restart every minute, and the action
/// `wscript.exe //B //Nologo[ //E:JScript] "<launcher>"`. Differences from upstream: schema version
/// 1.2 (upstream says 1.4 but uses nothing newer) and RestartOnFailure Count 255, the schema's
/// maximum (upstream's 999 is outside its unsignedByte).
[[nodiscard]] inline result<windows_scheduled_task> windows_task(const windows_options& o) {
    using namespace std::chrono_literals;
    std::string scratch;
    hermes::service::detail::string_sink check{&scratch};
    if (auto ok = hermes::service::detail::put_cmd_path(check, o.hermes_home, "HERMES_HOME", false); !ok)
        return unexpected_error(std::move(ok.error()));
    windows_scheduled_task t;
    t.files = windows_file_names(o);
    windows::task_builder b;
    b.description(std::string(default_description))
        .logon_trigger(30s)
        .run_level(windows::run_level::least_privilege)
        .multiple_instances_policy(windows::instances_policy::ignore_new)
        .execution_time_limit(0s)
        .priority(7)
        .restart_on_failure(1min, 255)
        .action("wscript.exe", std::string("//B //Nologo") + (o.vbscript ? "" : " //E:JScript") + " \"" +
                                   t.files.launcher + "\"");
    if (!o.user_id.empty()) b.user_id(o.user_id);
    auto xml = b.build();
    if (!xml) return unexpected_error(std::move(xml.error()));
    t.settings = b.definition();
    t.xml = std::move(*xml);
    return t;
}

}  // namespace gateway
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
