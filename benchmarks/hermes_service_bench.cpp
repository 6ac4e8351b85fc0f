// SPDX-License-Identifier: MIT
// hermes-service benchmarks (Google Benchmark). Each benchmark reports, per iteration:
//   allocs     heap allocations (counting_allocator.hpp replaces the global operator new)
//   alloc_B    bytes requested from the heap
//   out_B      the bytes the operation reads or writes, matched by a `baseline/copy/<out_B>` run
// After the runs a table prints each median next to the baseline that only copies the same number
// of bytes into a fresh std::string (one allocation plus a memcpy): the ratio is the cost over that floor.
#include <benchmark/benchmark.h>

#include <algorithm>  // std::sort, std::unique
#include <cstdint>    // std::int64_t
#include <cstdio>     // std::printf, std::fprintf
#include <cstdlib>    // std::abort
#include <hermes/service/gateway.hpp>
#include <hermes/service/refresh.hpp>
#include <map>          // std::map
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "counting_allocator.hpp"
#include "writer_inputs.hpp"  // the s6, runit, OpenRC, cmd and task inputs

namespace {

namespace hs = hermes::service;
namespace gw = hermes::service::gateway;

// ---- inputs ---------------------------------------------------------------------------------------

template <class T>
T value_or_die(hs::result<T> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "benchmark input %s failed: %s\n", what, hs::to_string(r.error()).c_str());
        std::abort();
    }
    return std::move(*r);
}

/// The installation of the worked example in tests/golden (alice, default profile).
gw::installation alice_installation() {
    return gw::installation{"/home/alice/.hermes/hermes-agent/venv/bin/python",
                            "/home/alice/.hermes/hermes-agent", false};
}

const gw::unit_options& user_unit_options() {
    static const gw::unit_options o =
        gw::user_unit_options(alice_installation(), "/home/alice/.hermes", "/home/alice/.hermes");
    return o;
}

const gw::plist_options& plist_options() {
    static const gw::plist_options o = [] {
        gw::plist_options p =
            gw::agent_plist_options(alice_installation(), "/Users/alice/.hermes", "/Users/alice/.hermes");
        p.path_entries = {"/opt/homebrew/bin", "/Users/alice/.local/bin", "/usr/local/bin", "/usr/bin",
                          "/bin"};
        return p;
    }();
    return o;
}

/// A typical ~1 KiB service unit written with the core builder.
const std::string& unit_1k() {
    static const std::string text =
        value_or_die(hs::systemd::unit_builder{}
                         .description("Example web application server (serves the API and the static assets)")
                         .after("network-online.target")
                         .wants("network-online.target")
                         .after("postgresql.service")
                         .type(hs::systemd::service_type::notify)
                         .user("webapp")
                         .group("webapp")
                         .exec_start({"/srv/webapp/venv/bin/gunicorn", "--workers", "4", "--bind",
                                      "unix:/run/webapp/webapp.sock", "--access-logfile", "-",
                                      "--error-logfile", "-", "--timeout", "30", "webapp.wsgi:application"})
                         .exec_reload({"/bin/kill", "-HUP", hs::systemd::variable("MAINPID")})
                         .working_directory("/srv/webapp/current")
                         .environment("PATH", "/srv/webapp/venv/bin:/usr/local/bin:/usr/bin:/bin")
                         .environment("DJANGO_SETTINGS_MODULE", "webapp.settings.production")
                         .environment("WEBAPP_HOME", "/srv/webapp")
                         .environment("LANG", "C.UTF-8")
                         .environment("GREETING", "100% \"quoted\" $HOME")
                         .restart(hs::systemd::restart_policy::on_failure)
                         .restart_sec("5s")
                         .timeout_stop_sec("90s")
                         .kill_mode(hs::systemd::kill_mode::mixed)
                         .kill_signal("SIGTERM")
                         .standard_output("journal")
                         .standard_error("append:/var/log/webapp/error.log")
                         .set("Service", "LimitNOFILE", "65536")
                         .set("Service", "RuntimeDirectory", "webapp")
                         .set("Service", "StateDirectory", "webapp")
                         .wanted_by("multi-user.target")
                         .build(),
                     "unit_1k");
    return text;
}

/// The same unit as a different tool (or editor) left it: CRLF line ends, trailing spaces, a
/// RestartSteps= line older systemd ignores. systemd_unit_is_current says it is current.
const std::string& unit_1k_crlf() {
    static const std::string text = [] {
        std::string out;
        for (const char c : unit_1k()) {
            if (c == '\n') {
                out.append("  \r\n");
            } else {
                out.push_back(c);
            }
        }
        const std::size_t at = out.find("RestartSec=");
        out.insert(at, "RestartSteps=5\r\n");
        return out;
    }();
    return text;
}

/// The unit with one value changed near the end (stale).
const std::string& unit_1k_stale() {
    static const std::string text = [] {
        std::string out = unit_1k();
        out.replace(out.find("multi-user.target"), 17, "graphical.target");
        return out;
    }();
    return text;
}

/// A 20-argument command line (argv[0] included), as unit_builder writes it: quotes, C escapes,
/// `%%` and `$$` in a few of the arguments.
const std::vector<std::string>& argv_20() {
    static const std::vector<std::string> argv = {"/usr/bin/python3",
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
    return argv;
}

const std::string& command_line_20() {
    static const std::string line = [] {
        const std::string unit =
            value_or_die(hs::systemd::unit_builder{}.exec_start(argv_20()).build(), "command_line_20");
        const std::size_t start = unit.find("ExecStart=") + 10;
        return unit.substr(start, unit.find('\n', start) - start);
    }();
    return line;
}

// ---- counters -------------------------------------------------------------------------------------

struct allocation_scope {
    benchmark::State& state;
    std::size_t out_bytes;
    hermes_bench::allocation_snapshot before = hermes_bench::snapshot();

    ~allocation_scope() {
        const hermes_bench::allocation_snapshot after = hermes_bench::snapshot();
        const auto n = static_cast<double>(state.iterations());
        state.counters["allocs"] = static_cast<double>(after.count - before.count) / n;
        state.counters["alloc_B"] = static_cast<double>(after.bytes - before.bytes) / n;
        state.counters["out_B"] = static_cast<double>(out_bytes);
    }
};

// ---- benchmarks -----------------------------------------------------------------------------------

/// The floor: copy `n` bytes into a new std::string (one allocation, one memcpy).
void baseline_copy(benchmark::State& state) {
    const std::string source(static_cast<std::size_t>(state.range(0)), 'x');
    allocation_scope scope{state, source.size()};
    for (auto _ : state) {
        std::string copy(source);
        benchmark::DoNotOptimize(copy.data());
        benchmark::ClobberMemory();
    }
}

void gateway_systemd_unit_user(benchmark::State& state) {
    const gw::unit_options& o = user_unit_options();
    const std::size_t size = value_or_die(gw::systemd_unit(o), "systemd_unit").size();
    allocation_scope scope{state, size};
    for (auto _ : state) {
        auto unit = gw::systemd_unit(o);
        benchmark::DoNotOptimize(unit);
    }
}

/// The same unit rendered into a caller-owned string that is reused across calls.
void gateway_systemd_unit_user_into(benchmark::State& state) {
    const gw::unit_options& o = user_unit_options();
    std::string unit;
    if (!gw::systemd_unit(o, unit)) std::abort();
    allocation_scope scope{state, unit.size()};
    for (auto _ : state) {
        auto ok = gw::systemd_unit(o, unit);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(unit.data());
    }
}

/// The whole host path: derive the options (bootstrap scripts, profile) and render.
void gateway_systemd_unit_user_from_installation(benchmark::State& state) {
    const gw::installation in = alice_installation();
    const std::size_t size = value_or_die(gw::systemd_unit(user_unit_options()), "systemd_unit").size();
    allocation_scope scope{state, size};
    for (auto _ : state) {
        auto unit = gw::systemd_unit(gw::user_unit_options(in, "/home/alice/.hermes", "/home/alice/.hermes"));
        benchmark::DoNotOptimize(unit);
    }
}

void gateway_launchd_plist(benchmark::State& state) {
    const gw::plist_options& o = plist_options();
    const std::size_t size = value_or_die(gw::launchd_plist(o), "launchd_plist").size();
    allocation_scope scope{state, size};
    for (auto _ : state) {
        auto plist = gw::launchd_plist(o);
        benchmark::DoNotOptimize(plist);
    }
}

/// The launchd plist into a reused string (launchd_plist(o, out)): no allocation once it is large enough.
void gateway_launchd_plist_into(benchmark::State& state) {
    const gw::plist_options& o = plist_options();
    std::string plist;
    if (!gw::launchd_plist(o, plist)) std::abort();
    allocation_scope scope{state, plist.size()};
    for (auto _ : state) {
        auto ok = gw::launchd_plist(o, plist);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(plist.data());
    }
}

/// The core writer alone: a builder filled once, build() timed.
void systemd_unit_builder_build(benchmark::State& state) {
    hs::systemd::unit_builder b;
    b.description("Hermes Agent Gateway - Messaging Platform Integration")
        .after("network-online.target")
        .wants("network-online.target")
        .type(hs::systemd::service_type::simple)
        .exec_start(user_unit_options().exec_start)
        .working_directory("/home/alice/.hermes")
        .environment("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .environment("HERMES_HOME", "/home/alice/.hermes")
        .restart(hs::systemd::restart_policy::always)
        .wanted_by("default.target");
    const std::size_t size = value_or_die(b.build(), "unit_builder").size();
    allocation_scope scope{state, size};
    for (auto _ : state) {
        auto unit = b.build();
        benchmark::DoNotOptimize(unit);
    }
}

void systemd_unit_is_current(benchmark::State& state, const std::string& installed, bool expected) {
    const std::string& generated = unit_1k();
    if (hs::systemd_unit_is_current(installed, generated) != expected) {
        std::fprintf(stderr, "systemd_unit_is_current gave the wrong answer\n");
        std::abort();
    }
    allocation_scope scope{state, installed.size() + generated.size()};
    for (auto _ : state) {
        bool current = hs::systemd_unit_is_current(installed, generated);
        benchmark::DoNotOptimize(current);
    }
}

/// systemd::compare_units (default options) of an installed unit against unit_1k(): `changes` is the
/// number of directive changes it must find.
void compare_units(benchmark::State& state, const std::string& installed, std::size_t changes) {
    const std::string& generated = unit_1k();
    if (hs::systemd::compare_units(installed, generated).size() != changes) {
        std::fprintf(stderr, "compare_units gave the wrong answer\n");
        std::abort();
    }
    allocation_scope scope{state, installed.size() + generated.size()};
    for (auto _ : state) {
        auto diff = hs::systemd::compare_units(installed, generated);
        benchmark::DoNotOptimize(diff);
    }
}

void launchd_plist_is_current(benchmark::State& state) {
    const std::string plist = value_or_die(gw::launchd_plist(plist_options()), "launchd_plist");
    if (!hs::launchd_plist_is_current(plist, plist)) std::abort();
    allocation_scope scope{state, 2 * plist.size()};
    for (auto _ : state) {
        bool current = hs::launchd_plist_is_current(plist, plist);
        benchmark::DoNotOptimize(current);
    }
}

void parse_unit(benchmark::State& state) {
    const std::string unit = value_or_die(gw::systemd_unit(user_unit_options()), "systemd_unit");
    if (value_or_die(hs::systemd::parse_unit(unit), "parse_unit").entries().empty()) std::abort();
    allocation_scope scope{state, unit.size()};
    for (auto _ : state) {
        auto parsed = hs::systemd::parse_unit(unit);
        benchmark::DoNotOptimize(parsed);
    }
}

void split_command_line(benchmark::State& state) {
    const std::string& line = command_line_20();
    if (value_or_die(hs::systemd::split_command_line(line), "split_command_line") != argv_20()) {
        std::fprintf(stderr, "split_command_line does not round-trip the 20-argument line\n");
        std::abort();
    }
    allocation_scope scope{state, line.size()};
    for (auto _ : state) {
        auto argv = hs::systemd::split_command_line(line);
        benchmark::DoNotOptimize(argv);
    }
}

void parse_plist(benchmark::State& state) {
    const std::string plist = value_or_die(gw::launchd_plist(plist_options()), "launchd_plist");
    allocation_scope scope{state, plist.size()};
    for (auto _ : state) {
        auto parsed = hs::launchd::parse_plist(plist);
        benchmark::DoNotOptimize(parsed);
    }
}

// ---- the other formats' writers (writer_inputs.hpp) ------------------------------------------------

/// The bytes a writer's result holds: a file_set's file contents, or the text itself.
std::size_t output_bytes(const hs::file_set& files) {
    std::size_t n = 0;
    for (const auto& f : files) n += f.content.size();
    return n;
}
std::size_t output_bytes(const std::string& text) { return text.size(); }

/// build() of a builder filled once (by `make`), timed alone; out_B is what it renders.
template <class Make>
void writer_build(benchmark::State& state, Make make) {
    const auto b = make();
    const std::size_t size = output_bytes(value_or_die(b.build(), "writer"));
    allocation_scope scope{state, size};
    for (auto _ : state) {
        auto out = b.build();
        benchmark::DoNotOptimize(out);
    }
}

/// to_utf16le_with_bom of the task XML; out_B is the UTF-16 size.
void task_utf16(benchmark::State& state) {
    const std::string& xml = hermes_bench::task_xml();
    allocation_scope scope{state, hs::windows::to_utf16le_with_bom(xml).size()};
    for (auto _ : state) {
        auto out = hs::windows::to_utf16le_with_bom(xml);
        benchmark::DoNotOptimize(out);
    }
}

/// Registers the writer benchmarks and returns the out_B sizes they report (for their copy floors).
std::vector<std::size_t> register_writer_benchmarks() {
    benchmark::RegisterBenchmark("s6/service_builder/build",
                                 [](benchmark::State& s) { writer_build(s, hermes_bench::s6_service); });
    benchmark::RegisterBenchmark("runit/service_builder/build",
                                 [](benchmark::State& s) { writer_build(s, hermes_bench::runit_service); });
    benchmark::RegisterBenchmark("openrc/script_builder/build",
                                 [](benchmark::State& s) { writer_build(s, hermes_bench::openrc_script); });
    benchmark::RegisterBenchmark("windows/cmd_script_builder/build",
                                 [](benchmark::State& s) { writer_build(s, hermes_bench::cmd_script); });
    benchmark::RegisterBenchmark("windows/task_builder/build",
                                 [](benchmark::State& s) { writer_build(s, hermes_bench::task); });
    benchmark::RegisterBenchmark("windows/to_utf16le_with_bom/task", task_utf16);
    return {output_bytes(*hermes_bench::s6_service().build()),
            output_bytes(*hermes_bench::runit_service().build()),
            output_bytes(*hermes_bench::openrc_script().build()),
            output_bytes(*hermes_bench::cmd_script().build()),
            hermes_bench::task_xml().size(),
            hs::windows::to_utf16le_with_bom(hermes_bench::task_xml()).size()};
}

// ---- the ratio table ------------------------------------------------------------------------------

/// The console output, then one table: each benchmark's median (or only run) against the
/// baseline/copy run with the same out_B.
class ratio_reporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
            const auto out = run.counters.find("out_B");
            const auto allocs = run.counters.find("allocs");
            if (out == run.counters.end()) continue;
            row& r = rows_[run.run_name.str()];
            r.ns = run.GetAdjustedRealTime();  // the time unit is ns for every benchmark here
            r.cpu_ns = run.GetAdjustedCPUTime();
            r.out_bytes = static_cast<std::size_t>(out->second.value);
            r.allocs = allocs == run.counters.end() ? 0 : allocs->second.value;
            if (order_.empty() || order_.back() != run.run_name.str()) order_.push_back(run.run_name.str());
        }
    }

    void Finalize() override {
        ConsoleReporter::Finalize();
        std::map<std::size_t, const row*> floor;
        for (const auto& [name, r] : rows_)
            if (name.rfind("baseline/copy/", 0) == 0) floor[r.out_bytes] = &r;
        // Wall time is what the targets name; CPU time is the same on an idle machine and the fairer
        // figure when other jobs share the cores (the process is then descheduled part of the time).
        std::printf("\n%-52s %9s %9s %7s %6s %9s %9s\n", "benchmark (median)", "wall ns", "cpu ns", "allocs",
                    "out_B", "copy cpu", "ratio");
        for (const std::string& name : order_) {
            const row& r = rows_[name];
            const auto f = floor.find(r.out_bytes);
            if (f == floor.end() || name.rfind("baseline/", 0) == 0) {
                std::printf("%-52s %9.1f %9.1f %7.1f %6zu\n", name.c_str(), r.ns, r.cpu_ns, r.allocs,
                            r.out_bytes);
            } else {
                std::printf("%-52s %9.1f %9.1f %7.1f %6zu %9.1f %8.1fx\n", name.c_str(), r.ns, r.cpu_ns,
                            r.allocs, r.out_bytes, f->second->cpu_ns, r.cpu_ns / f->second->cpu_ns);
            }
        }
    }

  private:
    struct row {
        double ns = 0;
        double cpu_ns = 0;
        std::size_t out_bytes = 0;
        double allocs = 0;
    };
    std::map<std::string, row> rows_;
    std::vector<std::string> order_;
};

}  // namespace

int main(int argc, char** argv) {
    const std::size_t unit_size = value_or_die(gw::systemd_unit(user_unit_options()), "systemd_unit").size();
    const std::size_t plist_size = value_or_die(gw::launchd_plist(plist_options()), "launchd_plist").size();
    const std::string user_unit = value_or_die(gw::systemd_unit(user_unit_options()), "systemd_unit");

    benchmark::RegisterBenchmark("gateway/systemd_unit/user", gateway_systemd_unit_user);
    benchmark::RegisterBenchmark("gateway/systemd_unit/user/into_string", gateway_systemd_unit_user_into);
    benchmark::RegisterBenchmark("gateway/systemd_unit/user+options",
                                 gateway_systemd_unit_user_from_installation);
    benchmark::RegisterBenchmark("gateway/launchd_plist", gateway_launchd_plist);
    benchmark::RegisterBenchmark("gateway/launchd_plist/into_string", gateway_launchd_plist_into);
    benchmark::RegisterBenchmark("systemd/unit_builder/build", systemd_unit_builder_build);
    benchmark::RegisterBenchmark("refresh/systemd_unit_is_current/1KiB/identical",
                                 [](benchmark::State& s) { systemd_unit_is_current(s, unit_1k(), true); });
    benchmark::RegisterBenchmark(
        "refresh/systemd_unit_is_current/1KiB/crlf+optional",
        [](benchmark::State& s) { systemd_unit_is_current(s, unit_1k_crlf(), true); });
    benchmark::RegisterBenchmark("refresh/systemd_unit_is_current/1KiB/stale", [](benchmark::State& s) {
        systemd_unit_is_current(s, unit_1k_stale(), false);
    });
    // compare_units of two ~1.5 KiB units: equal but for layout (CRLF, trailing spaces) and one
    // directive the installed unit has more (RestartSteps=; not ignored here), and one changed value.
    benchmark::RegisterBenchmark("systemd/compare_units/1KiB/crlf+optional",
                                 [](benchmark::State& s) { compare_units(s, unit_1k_crlf(), 1); });
    benchmark::RegisterBenchmark("systemd/compare_units/1KiB/stale",
                                 [](benchmark::State& s) { compare_units(s, unit_1k_stale(), 1); });
    benchmark::RegisterBenchmark("refresh/launchd_plist_is_current", launchd_plist_is_current);
    benchmark::RegisterBenchmark("systemd/parse_unit/gateway_user_unit", parse_unit);
    benchmark::RegisterBenchmark("systemd/split_command_line/20_args", split_command_line);
    benchmark::RegisterBenchmark("launchd/parse_plist/gateway_plist", parse_plist);

    // One floor per size the benchmarks above report (out_B).
    std::vector<std::size_t> sizes = {unit_size,
                                      plist_size,
                                      unit_1k().size() * 2,
                                      unit_1k_crlf().size() + unit_1k().size(),
                                      unit_1k_stale().size() + unit_1k().size(),
                                      2 * plist_size,
                                      user_unit.size(),
                                      command_line_20().size()};
    for (const std::size_t n : register_writer_benchmarks()) sizes.push_back(n);
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    for (const std::size_t n : sizes)
        benchmark::RegisterBenchmark("baseline/copy", baseline_copy)->Arg(static_cast<std::int64_t>(n));

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    std::printf("1 KiB unit: %zu bytes; CRLF variant: %zu bytes; 20-argument line: %zu bytes\n",
                unit_1k().size(), unit_1k_crlf().size(), command_line_20().size());
    ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
