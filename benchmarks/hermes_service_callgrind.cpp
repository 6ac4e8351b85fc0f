// SPDX-License-Identifier: MIT
// Instruction counts per call, independent of machine load. Run under callgrind:
//   valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out
//       hermes_service_callgrind <operation> [calls]
// then divide the "totals:" (Ir) line of the output file by the number of calls (1000 by default).
// Each operation runs once un-instrumented (warm-up), then `calls` times with instrumentation on.
// Operations: unit, unit_into, unit_options, plist, build, current, current_crlf, stale, parse_unit,
// split20 (split_command_line of the benchmark's 20-word line), parse_plist (the gateway plist),
// plist_into (launchd_plist into a reused string), plist_current (launchd_plist_is_current of the
// gateway plist against itself re-indented with tabs: parses both and compares),
// compare_crlf, compare_stale (systemd::compare_units of the current_crlf and stale pairs, default options).
// Writers of writer_inputs.hpp: s6_build, runit_build, openrc_build, cmd_build, task_build, task_utf16.
#include <valgrind/callgrind.h>

#include <cstdio>   // std::fprintf
#include <cstdlib>  // std::atoi, std::abort
#include <hermes/service/gateway.hpp>
#include <hermes/service/refresh.hpp>
#include <string>  // std::string
#include <string_view>
#include <vector>  // std::vector

#include "writer_inputs.hpp"  // the s6, runit, OpenRC, cmd and task inputs

namespace hs = hermes::service;
namespace gw = hermes::service::gateway;

namespace {

gw::installation alice() {
    return gw::installation{"/home/alice/.hermes/hermes-agent/venv/bin/python",
                            "/home/alice/.hermes/hermes-agent", false};
}

template <class F>
void run(F&& f, int calls) {
    f();
    CALLGRIND_START_INSTRUMENTATION;
    for (int i = 0; i < calls; ++i) f();
    CALLGRIND_STOP_INSTRUMENTATION;
}

volatile std::size_t sink;

/// The writer operations (writer_inputs.hpp); false when `op` is not one of them.
bool run_writer_op(std::string_view op, int calls) {
    if (op == "s6_build") {
        const auto b = hermes_bench::s6_service();
        run([&] { sink = b.build()->size(); }, calls);
    } else if (op == "runit_build") {
        const auto b = hermes_bench::runit_service();
        run([&] { sink = b.build()->size(); }, calls);
    } else if (op == "openrc_build") {
        const auto b = hermes_bench::openrc_script();
        run([&] { sink = b.build()->size(); }, calls);
    } else if (op == "cmd_build") {
        const auto b = hermes_bench::cmd_script();
        run([&] { sink = b.build()->size(); }, calls);
    } else if (op == "task_build") {
        const auto b = hermes_bench::task();
        run([&] { sink = b.build()->size(); }, calls);
    } else if (op == "task_utf16") {
        const std::string& xml = hermes_bench::task_xml();
        run([&] { sink = hs::windows::to_utf16le_with_bom(xml).size(); }, calls);
    } else {
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const std::string_view op = argv[1];
    const int calls = argc > 2 ? std::atoi(argv[2]) : 1000;
    if (run_writer_op(op, calls)) return 0;
    const gw::unit_options o = gw::user_unit_options(alice(), "/home/alice/.hermes", "/home/alice/.hermes");
    const std::string unit = *gw::systemd_unit(o);
    std::string crlf;
    for (const char c : unit) {
        if (c == '\n')
            crlf.append("  \r\n");
        else
            crlf.push_back(c);
    }
    crlf.insert(crlf.find("RestartSec="), "RestartSteps=5\r\n");
    std::string stale = unit;
    stale.replace(stale.find("default.target"), 14, "graphical.target");
    if (op == "unit") {
        run([&] { sink = gw::systemd_unit(o)->size(); }, calls);
    } else if (op == "unit_into") {
        std::string out;
        run(
            [&] {
                if (gw::systemd_unit(o, out)) sink = out.size();
            },
            calls);
    } else if (op == "unit_options") {
        run(
            [&] {
                sink = gw::systemd_unit(
                           gw::user_unit_options(alice(), "/home/alice/.hermes", "/home/alice/.hermes"))
                           ->size();
            },
            calls);
    } else if (op == "plist") {
        gw::plist_options p =
            gw::agent_plist_options(alice(), "/Users/alice/.hermes", "/Users/alice/.hermes");
        p.path_entries = {"/opt/homebrew/bin", "/Users/alice/.local/bin", "/usr/local/bin", "/usr/bin",
                          "/bin"};
        run([&] { sink = gw::launchd_plist(p)->size(); }, calls);
    } else if (op == "build") {
        hs::systemd::unit_builder b;
        b.description("Hermes Agent Gateway - Messaging Platform Integration")
            .after("network-online.target")
            .wants("network-online.target")
            .type(hs::systemd::service_type::simple)
            .exec_start(o.exec_start)
            .working_directory("/home/alice/.hermes")
            .environment("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            .environment("HERMES_HOME", "/home/alice/.hermes")
            .restart(hs::systemd::restart_policy::always)
            .wanted_by("default.target");
        run([&] { sink = b.build()->size(); }, calls);
    } else if (op == "current") {
        run([&] { sink = hs::systemd_unit_is_current(unit, unit); }, calls);
    } else if (op == "current_crlf") {
        run([&] { sink = hs::systemd_unit_is_current(crlf, unit); }, calls);
    } else if (op == "stale") {
        run([&] { sink = hs::systemd_unit_is_current(stale, unit); }, calls);
    } else if (op == "parse_unit") {
        run([&] { sink = hs::systemd::parse_unit(unit)->entries().size(); }, calls);
    } else if (op == "compare_crlf") {  // systemd::compare_units, default options: layout + RestartSteps=
        run([&] { sink = hs::systemd::compare_units(crlf, unit).size(); }, calls);
    } else if (op == "compare_stale") {  // systemd::compare_units, default options: one changed value
        run([&] { sink = hs::systemd::compare_units(stale, unit).size(); }, calls);
    } else if (op == "split20") {
        // The 20-argument line of hermes_service_bench's split_command_line benchmark.
        const std::vector<std::string> args = {"/usr/bin/python3",
                                               "-I",
                                               "-m",
                                               "gateway.run",
                                               "--profile",
                                               "work",
                                               "--config",
                                               "/home/alice/.hermes/profiles/work/config.yaml",
                                               "--log-level",
                                               "info",
                                               "--motto",
                                               "100% \"sure\"",
                                               "--home",
                                               "$HOME is literal",
                                               "--tab",
                                               "a\tb",
                                               "--name",
                                               "Zoë's gateway",
                                               "--",
                                               "run"};
        const std::string built = *hs::systemd::unit_builder{}.exec_start(args).build();
        const std::size_t start = built.find("ExecStart=") + 10;
        const std::string line = built.substr(start, built.find('\n', start) - start);
        if (*hs::systemd::split_command_line(line) != args) std::abort();
        run([&] { sink = hs::systemd::split_command_line(line)->size(); }, calls);
    } else if (op == "parse_plist") {
        gw::plist_options p =
            gw::agent_plist_options(alice(), "/Users/alice/.hermes", "/Users/alice/.hermes");
        p.path_entries = {"/opt/homebrew/bin", "/Users/alice/.local/bin", "/usr/local/bin", "/usr/bin",
                          "/bin"};
        const std::string plist = *gw::launchd_plist(p);
        run([&] { sink = hs::launchd::parse_plist(plist)->as_dict()->size(); }, calls);
    } else if (op == "plist_into" || op == "plist_current") {
        gw::plist_options p =
            gw::agent_plist_options(alice(), "/Users/alice/.hermes", "/Users/alice/.hermes");
        p.path_entries = {"/opt/homebrew/bin", "/Users/alice/.local/bin", "/usr/local/bin", "/usr/bin",
                          "/bin"};
        std::string out;
        if (op == "plist_into") {
            run(
                [&] {
                    if (gw::launchd_plist(p, out)) sink = out.size();
                },
                calls);
        } else {
            // Installed with tabs for indentation: byte-different, so compare_plists() runs.
            const std::string plist = *gw::launchd_plist(p);
            std::string installed;
            for (std::size_t i = 0; i < plist.size(); ++i) {
                if (plist.compare(i, 4, "    ") == 0) {
                    installed.push_back('\t');
                    i += 3;
                } else {
                    installed.push_back(plist[i]);
                }
            }
            if (!hs::launchd_plist_is_current(installed, plist)) std::abort();
            run([&] { sink = hs::launchd_plist_is_current(installed, plist); }, calls);
        }
    } else {
        std::fprintf(stderr, "unknown operation\n");
        return 2;
    }
    return 0;
}
