// SPDX-License-Identifier: MIT
// gateway.hpp: the upstream test cases (tests/hermes_cli/test_gateway_service.py @ 00067189 and
// gateway/config tests) ported with the same inputs and assertions, the worked examples of the
// reference (§8.2) as golden files, typed errors for bad input, and the real oracles
// (systemd-analyze, xmllint, plistlib) over every generated unit and plist.
#include <cstdio>
#include <hermes/service/gateway.hpp>
#include <hermes/service/launchd.hpp>
#include <hermes/service/refresh.hpp>
#include <hermes/service/systemd.hpp>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "support/golden.hpp"
#include "support/oracles.hpp"

namespace hs = hermes::service;
namespace g = hermes::service::gateway;
namespace o = hermes_test::oracle;
using argv_t = std::vector<std::string>;

namespace {

using hermes_test::golden;
using hermes_test::replace_all;

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string unwrap(const hs::result<std::string>& r) {
    if (!r) FAIL("unexpected error: " << hs::to_string(r.error()));
    return *r;
}

/// Every line of `text` that is exactly `key=...`'s value ([Service] or any section).
std::optional<std::string> directive(const std::string& text, const std::string& section,
                                     const std::string& key) {
    auto unit = hs::systemd::parse_unit(text);
    REQUIRE(unit);
    return unit->value(section, key);
}

argv_t exec_argv(const std::string& text, const std::string& key) {
    auto value = directive(text, "Service", key);
    REQUIRE(value);
    std::string_view v = *value;
    if (!v.empty() && v.front() == '-') v.remove_prefix(1);
    auto argv = hs::systemd::split_command_line(v);
    REQUIRE(argv);
    return *argv;
}

argv_t tail(const argv_t& v, std::size_t n) { return {v.end() - static_cast<std::ptrdiff_t>(n), v.end()}; }

argv_t program_arguments(const std::string& plist) {
    auto doc = hs::launchd::parse_plist(plist);
    REQUIRE(doc);
    const hs::launchd::plist_value* args = doc->find("ProgramArguments");
    REQUIRE(args != nullptr);
    REQUIRE(args->as_array() != nullptr);
    argv_t out;
    for (const auto& item : *args->as_array()) {
        REQUIRE(item.as_string() != nullptr);
        out.push_back(*item.as_string());
    }
    return out;
}

std::string plist_string(const std::string& plist, std::initializer_list<const char*> path) {
    auto doc = hs::launchd::parse_plist(plist);
    REQUIRE(doc);
    const hs::launchd::plist_value* v = &*doc;
    for (const char* key : path) {
        v = v->find(key);
        REQUIRE(v != nullptr);
    }
    REQUIRE(v->as_string() != nullptr);
    return *v->as_string();
}

// ---- the worked examples of the reference (§8): alice, uid 1000, her venv, no optional PATH dirs --

const std::string alice_home = "/home/alice";
const std::string alice_hermes = "/home/alice/.hermes";
const std::string alice_work = "/home/alice/.hermes/profiles/work";
const g::installation alice_venv{"/home/alice/.hermes/hermes-agent/venv/bin/python",
                                 "/home/alice/.hermes/hermes-agent", false};
const g::system_identity alice_identity{"alice", "alice", "/home/alice", 1000};
const argv_t shell_path = {"/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"};

g::unit_options worked_user(const std::string& home) {
    return g::user_unit_options(alice_venv, home, alice_hermes);
}

g::unit_options worked_system(bool work) {
    // `sudo hermes [-p work] gateway install --system --run-as-user alice`: root's HERMES_HOME is remapped.
    return g::system_unit_options(alice_venv, work ? "/root/.hermes/profiles/work" : "/root/.hermes", "/root",
                                  alice_identity);
}

g::plist_options worked_plist(const std::string& home) {
    return g::agent_plist_options(alice_venv, home, alice_hermes, {}, true, shell_path);
}

}  // namespace

// =================================================================================================
// Golden files: the worked examples of the reference, §8.2 (version B, no pm store python)
// =================================================================================================

TEST_CASE("golden: user unit, default and work profile", "[gateway][golden]") {
    CHECK(unwrap(g::systemd_unit(worked_user(alice_hermes))) == golden("hermes-gateway.user.service"));
    CHECK(unwrap(g::systemd_unit(worked_user(alice_work))) == golden("hermes-gateway-work.user.service"));
}

TEST_CASE("golden: system unit for alice, default and work profile", "[gateway][golden]") {
    CHECK(unwrap(g::systemd_unit(worked_system(false))) == golden("hermes-gateway.system.service"));
    CHECK(unwrap(g::systemd_unit(worked_system(true))) == golden("hermes-gateway-work.system.service"));
}

TEST_CASE("golden: launchd plist, default and work profile", "[gateway][golden]") {
    CHECK(unwrap(g::launchd_plist(worked_plist(alice_hermes))) == golden("ai.hermes.gateway.plist"));
    CHECK(unwrap(g::launchd_plist(worked_plist(alice_work))) == golden("ai.hermes.gateway-work.plist"));
}

TEST_CASE("golden: the store-launcher variant of §8.2", "[gateway][golden]") {
    g::installation store = alice_venv;
    store.store_launcher = true;
    const std::string unit = unwrap(g::systemd_unit(g::user_unit_options(store, alice_work, alice_hermes)));
    CHECK(contains(unit,
                   "ExecStart=\"/home/alice/.hermes/hermes-agent/.hermes/bin/hermes\" \"--profile\" \"work\" "
                   "\"gateway\" \"run\"\n"));
    CHECK(contains(unit,
                   "ExecStopPost=-\"/home/alice/.hermes/hermes-agent/.hermes/bin/hermes\" \"--run-module\" "
                   "\"gateway.cgroup_cleanup\"\n"));
    const std::string plist =
        unwrap(g::launchd_plist(g::agent_plist_options(store, alice_work, alice_hermes)));
    const std::string launcher = "/home/alice/.hermes/hermes-agent/.hermes/bin/hermes";
    CHECK(program_arguments(plist) == argv_t{launcher, "--run-module", "hermes_cli.stderr_timestamp",
                                             "--error-log", alice_work + "/logs/gateway.error.log", "--",
                                             launcher, "--profile", "work", "gateway", "run",
                                             "--external-supervisor"});
}

// =================================================================================================
// Ported: TestServiceWorkingDirIsStable (PR #34805)
// =================================================================================================

TEST_CASE("TestServiceWorkingDirIsStable: user unit WorkingDirectory is HERMES_HOME, not the checkout",
          "[gateway][upstream]") {
    // test_user_unit_workingdirectory_is_hermes_home_not_checkout
    const std::string home = "/srv/tmp_path/.hermes";
    const g::installation checkout{"/srv/checkout/.worktrees/x/venv/bin/python",
                                   "/srv/checkout/.worktrees/x"};
    const std::string unit = unwrap(g::systemd_unit(g::user_unit_options(checkout, home, home, true)));
    const auto wd = directive(unit, "Service", "WorkingDirectory");
    REQUIRE(wd);
    CHECK(*wd == home);
    CHECK_FALSE(contains(*wd, "/.worktrees/"));
}

TEST_CASE("TestServiceWorkingDirIsStable: launchd WorkingDirectory is HERMES_HOME", "[gateway][upstream]") {
    // test_launchd_workingdirectory_is_hermes_home
    const std::string home = "/srv/tmp_path/.hermes";
    const g::installation checkout{"/srv/checkout/.worktrees/x/venv/bin/python",
                                   "/srv/checkout/.worktrees/x"};
    const std::string plist = unwrap(g::launchd_plist(g::agent_plist_options(checkout, home, home)));
    std::smatch m;
    REQUIRE(std::regex_search(plist, m, std::regex("<key>WorkingDirectory</key>\\s*<string>(.*?)</string>")));
    CHECK(m[1].str() == home);
    CHECK_FALSE(contains(m[1].str(), "/.worktrees/"));
}

TEST_CASE("TestServiceWorkingDirIsStable: PROJECT_ROOT only when HERMES_HOME is not a directory",
          "[gateway][upstream]") {
    // PR #34805's fallback test: HERMES_HOME missing -> the checkout, for the unit and the plist.
    const std::string home = "/srv/missing/.hermes";
    const std::string unit = unwrap(g::systemd_unit(g::user_unit_options(alice_venv, home, home, false)));
    CHECK(directive(unit, "Service", "WorkingDirectory") == alice_venv.project_root);
    CHECK(contains(unit, "Environment=\"HERMES_HOME=/srv/missing/.hermes\"\n"));
    const std::string plist =
        unwrap(g::launchd_plist(g::agent_plist_options(alice_venv, home, home, {}, false)));
    CHECK(plist_string(plist, {"WorkingDirectory"}) == alice_venv.project_root);
    // The system unit never falls back: the target's HERMES_HOME, whether or not it exists yet.
    g::unit_options sys = worked_system(false);
    sys.hermes_home_is_dir = false;
    CHECK(directive(unwrap(g::systemd_unit(sys)), "Service", "WorkingDirectory") == alice_hermes);
}

// =================================================================================================
// Ported: TestSystemUnitPathRemapping, TestHermesHomeForTargetUser, TestRemapPathForUser,
// TestSystemUnitHermesHome, TestGeneratedUnitIncludesLocalBin
// =================================================================================================

TEST_CASE("TestSystemUnitPathRemapping: test_system_unit_has_no_root_paths", "[gateway][upstream]") {
    const std::string root_home = "/srv/tmp_path/root";
    const g::installation project{root_home + "/.hermes/hermes-agent/venv/bin/python",
                                  root_home + "/.hermes/hermes-agent"};
    const g::unit_options opts = g::system_unit_options(
        project, root_home + "/.hermes", root_home, g::system_identity{"alice", "alice", "/home/alice", 1001},
        {root_home + "/.hermes/hermes-agent/node_modules/.bin"});
    const std::string unit = unwrap(g::systemd_unit(opts));
    CHECK_FALSE(contains(unit, root_home));
    CHECK(contains(unit, "/home/alice"));
    CHECK(contains(unit, "WorkingDirectory=/home/alice/.hermes"));
    CHECK_FALSE(contains(unit, "WorkingDirectory=/home/alice/.hermes/hermes-agent"));
    CHECK(exec_argv(unit, "ExecStart").at(0) == "/home/alice/.hermes/hermes-agent/venv/bin/python");
    CHECK(contains(unit, "PATH=/home/alice/.hermes/hermes-agent/node_modules/.bin:/usr/local/sbin"));
}

TEST_CASE("TestHermesHomeForTargetUser: remaps the default home and profiles, keeps custom homes",
          "[gateway][upstream]") {
    // test_remaps_default_home: home /root, no HERMES_HOME (so get_hermes_home() is /root/.hermes).
    const auto home = g::resolve_hermes_home({std::nullopt, "/root", ""});
    REQUIRE(home);
    CHECK(g::hermes_home_for_target_user(*home, "/root", "/home/alice") == "/home/alice/.hermes");
    // The reference's examples (§3).
    CHECK(g::hermes_home_for_target_user("/root/.hermes/profiles/x", "/root", "/home/alice") ==
          "/home/alice/.hermes/profiles/x");
    CHECK(g::hermes_home_for_target_user("/opt/custom", "/root", "/home/alice") == "/opt/custom");
    // Lexical like pathlib: `~` expanded, slashes and `.` normalised, components compared whole.
    CHECK(g::hermes_home_for_target_user("~/.hermes/profiles/x", "/root", "/home/alice") ==
          "/home/alice/.hermes/profiles/x");
    CHECK(g::hermes_home_for_target_user("/root//.hermes/./", "/root", "/home/alice") ==
          "/home/alice/.hermes");
    CHECK(g::hermes_home_for_target_user("/root/.hermes-dev", "/root", "/home/alice") == "/root/.hermes-dev");
}

TEST_CASE("TestRemapPathForUser: remaps a path under the current home, keeps others", "[gateway][upstream]") {
    // test_remaps_path_under_current_home
    CHECK(g::remap_path_for_user("/srv/t/root/.hermes/hermes-agent", "/srv/t/root", "/srv/t/alice") ==
          "/srv/t/alice/.hermes/hermes-agent");
    CHECK(g::remap_path_for_user("/usr/bin/python3", "/root", "/home/alice") == "/usr/bin/python3");
    CHECK(g::remap_path_for_user("/rootfs/bin", "/root", "/home/alice") == "/rootfs/bin");
    CHECK(g::remap_path_for_user("/root", "/root", "/home/alice") == "/home/alice");
    CHECK(g::remap_path_for_user("~/.local/bin", "/root", "/home/alice") == "/home/alice/.local/bin");
    // Symlinks are not resolved: the venv's bin/python link is kept as written.
    CHECK(g::remap_path_for_user("/root/venv/bin/python", "/root", "/home/alice") ==
          "/home/alice/venv/bin/python");
}

TEST_CASE("TestProfileArg: system unit for a target user includes the named profile", "[gateway][upstream]") {
    // test_systemd_unit_for_target_user_includes_named_profile
    const std::string tmp = "/tmp/pytest-of-root/pytest-0/test_named0";
    const std::string target = tmp + "/home/alice";
    g::unit_options opts =
        g::system_unit_options(alice_venv, tmp + "/root/.hermes/profiles/mybot", tmp + "/root",
                               g::system_identity{"alice", "alice", target, 1001});
    opts.allow_temporary_home = true;  // pytest's tmp_path; upstream's generator has no guard
    const std::string unit = unwrap(g::systemd_unit(opts));
    CHECK(tail(exec_argv(unit, "ExecStart"), 4) == argv_t{"--profile", "mybot", "gateway", "run"});
    CHECK(contains(unit, "HERMES_HOME=" + target + "/.hermes/profiles/mybot"));
}

TEST_CASE("TestProfileArg: launchd plist wraps gateway stderr with timestamps", "[gateway][upstream]") {
    // test_launchd_plist_wraps_gateway_stderr_with_timestamps
    const std::string home = "/Users/u/.hermes/profiles/mybot";
    const g::installation python{"/usr/bin/python3", "/Users/u/src/hermes-agent"};
    const std::string plist =
        unwrap(g::launchd_plist(g::agent_plist_options(python, home, "/Users/u/.hermes")));
    const argv_t args = program_arguments(plist);
    CHECK(args.at(0) == "/usr/bin/python3");
    CHECK(tail(args, 5) == argv_t{"--profile", "mybot", "gateway", "run", "--external-supervisor"});
    const auto dashdash = std::find(args.begin(), args.end(), "--");
    REQUIRE(dashdash - args.begin() >= 2);
    CHECK(argv_t(dashdash - 2, dashdash) == argv_t{"--error-log", home + "/logs/gateway.error.log"});
    CHECK(std::find(args.begin(), args.end(), "--replace") == args.end());
}

TEST_CASE("TestProfileArg: launchd plist path uses the real user home, not the profile home",
          "[gateway][upstream]") {
    // test_launchd_plist_path_uses_real_user_home_not_profile_home
    const std::string machine_home = "/Users/machine";
    CHECK(g::launchd_plist_path(machine_home, "orcha") ==
          "/Users/machine/Library/LaunchAgents/ai.hermes.gateway-orcha.plist");
    CHECK(g::launchd_plist_path(machine_home, "") ==
          "/Users/machine/Library/LaunchAgents/ai.hermes.gateway.plist");
}

TEST_CASE("TestSystemUnitHermesHome: system unit orders after the target user's manager",
          "[gateway][upstream]") {
    // test_system_unit_orders_after_target_user_manager (#104893)
    g::unit_options sys = worked_system(false);
    sys.identity->uid = 1001;
    const std::string unit = unwrap(g::systemd_unit(sys));
    auto parsed = hs::systemd::parse_unit(unit);
    REQUIRE(parsed);
    const auto after = parsed->values("Unit", "After");
    const auto wants = parsed->values("Unit", "Wants");
    CHECK(std::find(after.begin(), after.end(), "user@1001.service") != after.end());
    CHECK(std::find(wants.begin(), wants.end(), "user@1001.service") != wants.end());
    CHECK_FALSE(contains(unwrap(g::systemd_unit(worked_user(alice_hermes))), "user@"));
}

TEST_CASE("TestSystemUnitHermesHome: system unit uses the target user's home, not the caller's",
          "[gateway][upstream]") {
    // test_system_unit_uses_target_user_home_not_calling_user
    const std::string unit = unwrap(g::systemd_unit(worked_system(false)));
    CHECK(contains(unit, "HERMES_HOME=/home/alice/.hermes"));
    CHECK_FALSE(contains(unit, "/root/.hermes"));
}

TEST_CASE("TestSystemUnitHermesHome: user unit pins the resolved HERMES_HOME", "[gateway][upstream]") {
    // test_user_unit_unaffected_by_change
    CHECK(contains(unwrap(g::systemd_unit(worked_user(alice_hermes))), "HERMES_HOME=/home/alice/.hermes\""));
}

TEST_CASE("TestSystemUnitHermesHome: managed Node dirs are prepended and not remapped",
          "[gateway][upstream]") {
    // test_managed_node_makes_system_unit_independent_of_callers_path: the target's managed Node dirs
    // lead PATH and root's ambient `which node` is no input of a system unit, so two runs with
    // different root PATHs give the same unit, with no /root/bin in it.
    const argv_t managed = {"/home/alice/.hermes/node/bin", "/home/alice/.hermes/node"};
    const auto a = g::systemd_unit(
        g::system_unit_options(alice_venv, "/root/.hermes", "/root", alice_identity, {}, managed));
    REQUIRE(a);
    CHECK(contains(*a, "PATH=/home/alice/.hermes/node/bin:/home/alice/.hermes/node:/usr/local/sbin:"));
    CHECK_FALSE(contains(*a, "/root/bin"));
    // Upstream's merge: `[e for e in target_node if e not in path_entries] + path_entries`, after
    // remapping path_entries (root's ~/.hermes/node/bin becomes alice's).
    const auto b = g::systemd_unit(g::system_unit_options(
        alice_venv, "/root/.hermes", "/root", alice_identity, {"/root/.hermes/node/bin"}, managed));
    REQUIRE(b);
    CHECK(contains(*b, "PATH=/home/alice/.hermes/node:/home/alice/.hermes/node/bin:/usr/local/sbin:"));
    // test_no_pm_node_facts_uses_only_ambient_fallback: the host's fallback entry passes through.
    const auto c = g::systemd_unit(g::system_unit_options(alice_venv, "/root/.hermes", "/root",
                                                          alice_identity, {}, {"/opt/external-node/bin"}));
    REQUIRE(c);
    CHECK(contains(*c, "PATH=/opt/external-node/bin:/usr/local/sbin:"));
}

TEST_CASE("TestGeneratedUnitIncludesLocalBin: system unit includes ~/.local/bin in PATH",
          "[gateway][upstream]") {
    // test_system_unit_includes_local_bin_in_path: the host found the target's ~/.local/bin.
    const std::string unit = unwrap(g::systemd_unit(g::system_unit_options(
        alice_venv, "/root/.hermes", "/root", alice_identity, {"/home/alice/.local/bin"})));
    CHECK(contains(unit, "/.local/bin"));
}

// =================================================================================================
// Ported: TestGeneratedSystemdUnits, TestTimeoutStopSecCoversCronFloor, watchdog tests
// =================================================================================================

namespace {
unsigned unit_timeout(long drain, long cron) {
    g::unit_options opts = worked_user(alice_hermes);
    opts.drain_timeout = drain;
    opts.cron_drain_timeout = cron;
    const auto value = directive(unwrap(g::systemd_unit(opts)), "Service", "TimeoutStopSec");
    REQUIRE(value);
    return static_cast<unsigned>(std::stoul(*value));
}
}  // namespace

TEST_CASE("TestGeneratedSystemdUnits: TimeoutStopSec covers the cron drain floor", "[gateway][upstream]") {
    // test_timeout_stop_sec_covers_default_cron_drain_floor
    CHECK(unit_timeout(0, 30) == g::timeout_stop_sec(0, 30));
    CHECK(unit_timeout(0, 30) > 60);
    CHECK(unit_timeout(0, 30) ==
          unit_timeout(g::unit_options{}.drain_timeout, g::unit_options{}.cron_drain_timeout));
    // test_timeout_stop_sec_follows_a_raised_cron_drain_timeout
    CHECK(unit_timeout(0, 60) == g::timeout_stop_sec(0, 60));
    // test_timeout_stop_sec_keeps_the_floor_when_cron_drain_is_opted_out
    CHECK(contains(unwrap(g::systemd_unit([] {
                       g::unit_options u = worked_user(alice_hermes);
                       u.cron_drain_timeout = 0;
                       return u;
                   }())),
                   "TimeoutStopSec=60\n"));
    // test_unit_stop_budget_beats_drain_only_formula_with_real_loaders
    for (const long drain : {-5L, 0L})
        for (const long cron : {30L, 45L, 120L}) {  // the default 30 and raised values
            INFO("drain " << drain << ", cron " << cron);
            CHECK(unit_timeout(drain, cron) == g::timeout_stop_sec(drain, cron));
            CHECK(unit_timeout(drain, cron) > std::max(60L, drain + 30));
        }
}

TEST_CASE("TestTimeoutStopSecCoversCronFloor: the values upstream asserts", "[gateway][upstream]") {
    CHECK(unit_timeout(0, 120) == 160);  // cron_drain_timeout: 120
    CHECK(unit_timeout(60, 30) == 90);   // restart_drain_timeout: 60
    CHECK(unit_timeout(0, 200) == 240);  // HERMES_CRON_DRAIN_TIMEOUT=200
    CHECK(g::timeout_stop_sec(0, 0) == 60);
    CHECK(g::timeout_stop_sec(0, 30) == 70);
    CHECK(g::timeout_stop_sec(180, 30) == 210);
    CHECK(g::timeout_stop_sec(-100, -1) == 60);
    CHECK(g::timeout_stop_sec(std::numeric_limits<long>::max(), 0) == std::numeric_limits<unsigned>::max());
    STATIC_REQUIRE(g::timeout_stop_sec(0, 30) == 70);
}

TEST_CASE("TestGeneratedSystemdUnits: the restart exit code is also a success status",
          "[gateway][upstream]") {
    // test_restart_exit_code_is_also_declared_a_success_status (#104251)
    const std::string unit = unwrap(g::systemd_unit(worked_user(alice_hermes)));
    CHECK(contains(unit, "SuccessExitStatus=75"));
    CHECK(contains(unit, "RestartForceExitStatus=75"));
    CHECK(contains(unit, "RestartPreventExitStatus=78"));
}

TEST_CASE("TestGeneratedSystemdUnits: no profile node symlink target leaks into PATH",
          "[gateway][upstream]") {
    // test_user_unit_does_not_leak_profile_node_symlink_target / ..._launchd_plist_... (#48700):
    // ~/.local/bin/node links into profiles/jarvis/node/bin; the host passes the directory where node
    // was found and the library never resolves symlinks.
    const argv_t found = {"/home/alice/.local/bin"};
    const std::string unit =
        unwrap(g::systemd_unit(g::user_unit_options(alice_venv, alice_hermes, alice_hermes, true, found)));
    CHECK(contains(unit, "/home/alice/.local/bin"));
    CHECK_FALSE(contains(unit, "profiles/jarvis/node/bin"));
    const std::string plist = unwrap(
        g::launchd_plist(g::agent_plist_options(alice_venv, alice_hermes, alice_hermes, {}, true, found)));
    CHECK(contains(plist, "/home/alice/.local/bin"));
    CHECK_FALSE(contains(plist, "profiles/jarvis/node/bin"));
}

TEST_CASE("TestGeneratedSystemdUnits: the plist persists the configured nofile soft limit",
          "[gateway][upstream]") {
    // test_launchd_plist_persists_configured_nofile_soft_limit
    g::plist_options p = worked_plist(alice_hermes);
    p.nofile_soft_limit = 65536;
    const std::string plist = unwrap(g::launchd_plist(p));
    CHECK(contains(plist, "<key>SoftResourceLimits</key>"));
    CHECK(contains(plist, "<key>NumberOfFiles</key>"));
    CHECK(contains(plist, "<integer>65536</integer>"));
    // test_launchd_plist_omits_nofile_block_when_disabled
    p.nofile_soft_limit = std::nullopt;
    CHECK_FALSE(contains(unwrap(g::launchd_plist(p)), "SoftResourceLimits"));
}

TEST_CASE("watchdog: a configured watchdog makes the unit Type=notify", "[gateway][upstream]") {
    g::unit_options opts = worked_user(alice_hermes);
    opts.watchdog_seconds = g::coerce_watchdog_seconds("120");
    const std::string on = unwrap(g::systemd_unit(opts));
    CHECK(contains(on, "Type=notify\nNotifyAccess=main\nWatchdogSec=120s\nExecStart="));
    const std::string off = unwrap(g::systemd_unit(worked_user(alice_hermes)));
    CHECK(contains(off, "Type=simple\n"));
    CHECK_FALSE(contains(off, "NotifyAccess"));
    CHECK_FALSE(contains(off, "WatchdogSec"));
    // The system unit reads the *target* home's config: the host passes that value; order is kept.
    g::unit_options sys = worked_system(false);
    sys.watchdog_seconds = 45;
    CHECK(contains(unwrap(g::systemd_unit(sys)),
                   "Type=notify\nNotifyAccess=main\nWatchdogSec=45s\nUser=alice\n"));
}

TEST_CASE("coerce_systemd_watchdog_seconds: upstream's inputs", "[gateway][upstream]") {
    // gateway/config tests: None, 0, -1, True, 1.5, nan, inf, "120.0", "1e3", "bad", 2147483648 give 0.
    for (const char* bad : {"", "0", "-1", "1.5", "nan", "inf", "120.0", "1e3", "bad", "2147483648", "+5",
                            "  ", "99999999999999999999999", "\xD9\xA1"})
        CHECK(g::coerce_watchdog_seconds(std::string_view(bad)) == 0);
    CHECK(g::coerce_watchdog_seconds(0LL) == 0);
    CHECK(g::coerce_watchdog_seconds(-1LL) == 0);
    CHECK(g::coerce_watchdog_seconds(2147483648LL) == 0);
    CHECK(g::coerce_watchdog_seconds(120LL) == 120);
    CHECK(g::coerce_watchdog_seconds(2147483647LL) == 2147483647U);
    // {"gateway": {"systemd_watchdog_seconds": "45"}} gives 45; strings are stripped first.
    CHECK(g::coerce_watchdog_seconds(std::string_view("45")) == 45);
    CHECK(g::coerce_watchdog_seconds(std::string_view(" 120\n")) == 120);
    CHECK(g::coerce_watchdog_seconds(std::string_view("0045")) == 45);
    CHECK(g::coerce_watchdog_seconds(std::string_view("2147483647")) == 2147483647U);
    STATIC_REQUIRE(g::coerce_watchdog_seconds(std::string_view("60")) == 60);
}

// =================================================================================================
// Ported: TestServiceTakeoverGovernance (#79048, #86893)
// =================================================================================================

TEST_CASE("TestServiceTakeoverGovernance: supervised services never pass --replace", "[gateway][upstream]") {
    const std::string plist = unwrap(g::launchd_plist(worked_plist(alice_hermes)));
    CHECK_FALSE(contains(plist, "--replace"));
    CHECK(contains(plist, "<string>gateway</string>"));
    CHECK(contains(plist, "<string>run</string>"));
    CHECK(contains(plist, "<key>KeepAlive</key>"));
    CHECK(contains(plist, "<true/>"));
    const std::string unit = unwrap(g::systemd_unit(worked_user(alice_hermes)));
    const std::size_t at = unit.find("ExecStart=");
    REQUIRE(at != std::string::npos);
    CHECK_FALSE(contains(unit.substr(at, unit.find('\n', at) - at), "--replace"));
    // A `--replace` in the gateway arguments is dropped and --external-supervisor added once.
    const argv_t args = g::launchd_program_arguments(alice_venv, alice_hermes, "/l/e.log", {"--replace"});
    CHECK(std::count(args.begin(), args.end(), "--replace") == 0);
    CHECK(std::count(args.begin(), args.end(), "--external-supervisor") == 1);
    const argv_t again =
        g::launchd_program_arguments(alice_venv, alice_hermes, "/l/e.log", {"--external-supervisor"});
    CHECK(std::count(again.begin(), again.end(), "--external-supervisor") == 1);
}

// =================================================================================================
// Ported: TestServiceIdentityForForeignHome, TestUnitAnchoredServiceIdentity, TestUninstallRefusesForeignUnit
// =================================================================================================

TEST_CASE("TestServiceIdentityForForeignHome: a foreign home gets its own unit", "[gateway][upstream]") {
    // test_foreign_home_gets_its_own_unit (#106611)
    const std::string suffix = g::service_suffix("/opt/data", "/home/u/.hermes");
    CHECK(suffix == "b7dd404e");  // hashlib.sha256(b"/opt/data").hexdigest()[:8]
    CHECK(g::systemd_service_name(suffix) != "hermes-gateway");
    CHECK(g::unit_file_path(g::scope::user, suffix, "/home/u") ==
          "/home/u/.config/systemd/user/hermes-gateway-b7dd404e.service");
    CHECK(g::unit_file_path(g::scope::user, "", "/home/u") ==
          "/home/u/.config/systemd/user/hermes-gateway.service");
    // Lexically equal spellings of one home share the name; a different home does not.
    CHECK(g::service_suffix("/opt/data/", "/home/u/.hermes") == suffix);
    CHECK(g::service_suffix("/opt/data2", "/home/u/.hermes") != suffix);
    // A home under the native root that is not a valid profile is hashed too.
    CHECK(g::service_suffix("/home/u/.hermes/profiles/Bad_Name", "/home/u/.hermes").size() == 8);
}

TEST_CASE("TestServiceIdentityForForeignHome: default and named profile homes keep their names",
          "[gateway][upstream]") {
    // test_default_and_named_profile_homes_keep_their_names
    CHECK(g::systemd_service_name(g::service_suffix("/home/u/.hermes", "/home/u/.hermes")) ==
          "hermes-gateway");
    CHECK(g::systemd_service_name(g::service_suffix("/home/u/.hermes/profiles/alpha", "/home/u/.hermes")) ==
          "hermes-gateway-alpha");
    CHECK(g::launchd_label(g::service_suffix("/home/u/.hermes/profiles/alpha", "/home/u/.hermes")) ==
          "ai.hermes.gateway-alpha");
    CHECK(g::launchd_label("") == "ai.hermes.gateway");
    // get_default_hermes_root(): a `<x>/profiles/<name>` home outside the native root names its profile.
    CHECK(g::service_suffix("/srv/x/profiles/foo", "/home/u/.hermes") == "foo");
}

TEST_CASE("TestServiceIdentityForForeignHome: sudo user's default home keeps the bare name",
          "[gateway][upstream]") {
    // test_sudo_user_default_home_keeps_bare_service_name: euid 0, SUDO_USER=alice; before the
    // HERMES_HOME sync the home is root's native one, after it alice's, which the host passes as bare.
    const std::vector<std::string> sudo_user_home = {"/home/alice/.hermes"};
    CHECK(g::service_suffix("/root/.hermes", "/root/.hermes", sudo_user_home).empty());
    CHECK(g::service_suffix("/home/alice/.hermes", "/root/.hermes", sudo_user_home).empty());
    CHECK_FALSE(g::service_suffix("/home/alice/.hermes", "/root/.hermes").empty());
}

TEST_CASE("TestUnitAnchoredServiceIdentity: the bare system unit anchors the bare name",
          "[gateway][upstream]") {
    const std::string kimi = "/home/alice/.hermes/profiles/kimi";
    // an unpinned home keeps its suffix
    CHECK(g::service_suffix("/srv/foreign", "/home/alice/.hermes").size() == 8);
    // an unprivileged profile command ignores the system unit
    CHECK(g::service_suffix(kimi, "/home/alice/.hermes") == "kimi");
    // a bare system unit pinning profiles/kimi (as root) keeps the bare name; the pinned home is read
    // with the real unquoting, and is stable across regenerating the unit.
    g::unit_options sys =
        g::system_unit_options(alice_venv, "/root/.hermes/profiles/kimi", "/root", alice_identity);
    const std::string unit = unwrap(g::systemd_unit(sys));
    const auto pinned = hs::pinned_hermes_home(unit);
    REQUIRE(pinned);
    CHECK(*pinned == kimi);
    CHECK(g::service_suffix(*pinned, "/root/.hermes", {*pinned}).empty());
    CHECK(g::service_suffix(kimi, "/root/.hermes", {*pinned}).empty());
    CHECK(hs::pinned_hermes_home(unwrap(g::systemd_unit(sys))) == pinned);
}

TEST_CASE("TestUninstallRefusesForeignUnit: a unit pinning another home is recognisable",
          "[gateway][upstream]") {
    g::unit_options foreign = worked_user(alice_hermes);
    foreign.hermes_home = "/somewhere/else";
    foreign.hermes_home_is_dir = false;
    const auto pinned = hs::pinned_hermes_home(unwrap(g::systemd_unit(foreign)));
    REQUIRE(pinned);
    CHECK(*pinned == "/somewhere/else");
    CHECK(*pinned != alice_hermes);
}

// =================================================================================================
// Ported: TestTempHomeServiceDefinitionGuard, TestSystemdServiceRefresh (the refusal)
// =================================================================================================

TEST_CASE("TestTempHomeServiceDefinitionGuard: temporary homes are detected", "[gateway][upstream]") {
    CHECK(g::is_temporary_path("/tmp/hermes-e2e-41264", ""));
    CHECK(g::is_temporary_path("/tmp/hermes-e2e-41264", "/tmp"));
    // a tempdir-based home (macOS's per-user $TMPDIR)
    CHECK(g::is_temporary_path("/var/folders/xy/abc/T/hermes-home", "/var/folders/xy/abc/T"));
    CHECK(g::is_temporary_path("/var/folders/xy/abc/T", "/var/folders/xy/abc/T/"));
    for (const char* root : {"/tmp", "/var/tmp", "/private/tmp", "/private/var/tmp"}) {
        CHECK(g::is_temporary_path(root, ""));
        CHECK(g::is_temporary_path(std::string(root) + "/x/.hermes", ""));
    }
    CHECK_FALSE(g::is_temporary_path("/home/alice/.hermes", "/tmp"));
    CHECK_FALSE(g::is_temporary_path("/tmpfoo/.hermes", ""));
    CHECK_FALSE(g::is_temporary_path("/home/alice/tmp/.hermes", ""));
    CHECK_FALSE(g::is_temporary_path("relative/tmp", ""));
    CHECK_FALSE(g::is_temporary_path("/home/alice/.hermes", "/"));  // a tmpdir of "/" would match everything
}

TEST_CASE("TestSystemdServiceRefresh: refuses to bake a temporary HERMES_HOME into a unit",
          "[gateway][upstream]") {
    // test_refresh_refuses_to_bake_pytest_tmpdir_into_real_user_unit: a typed error, nothing rendered.
    const std::string tmp_home = "/tmp/pytest-of-alice/pytest-3/test_refresh0/.hermes";
    g::unit_options opts = worked_user(tmp_home);
    auto unit = g::systemd_unit(opts);
    REQUIRE_FALSE(unit);
    CHECK(unit.error().code == hs::errc::not_allowed);
    CHECK(unit.error().field == "HERMES_HOME");
    g::plist_options p = worked_plist(tmp_home);
    auto plist = g::launchd_plist(p);
    REQUIRE_FALSE(plist);
    CHECK(plist.error().code == hs::errc::not_allowed);
    // the host's own tmpdir counts too
    opts = worked_user("/scratch/t/.hermes");
    opts.tmpdir = "/scratch";
    CHECK(g::systemd_unit(opts).error().code == hs::errc::not_allowed);
    // ...and the options can allow it explicitly
    opts.allow_temporary_home = true;
    CHECK(g::systemd_unit(opts));
    p.allow_temporary_home = true;
    CHECK(g::launchd_plist(p));
}

// =================================================================================================
// Naming and HERMES_HOME resolution
// =================================================================================================

TEST_CASE("resolve_hermes_home: $HERMES_HOME, else ~/.hermes plus the data-dir suffix", "[gateway]") {
    CHECK(g::resolve_hermes_home({std::string("/opt/data"), "/home/u", ""}) == std::string("/opt/data"));
    CHECK(g::resolve_hermes_home({std::string("~/.hermes/profiles/w"), "/home/u", ""}) ==
          std::string("/home/u/.hermes/profiles/w"));
    CHECK(g::resolve_hermes_home({std::string("~"), "/home/u", ""}) == std::string("/home/u"));
    CHECK(g::resolve_hermes_home({std::string("/opt//data/"), "/home/u", ""}) == std::string("/opt/data"));
    CHECK(g::resolve_hermes_home({std::nullopt, "/home/u", ""}) == std::string("/home/u/.hermes"));
    CHECK(g::resolve_hermes_home({std::string(""), "/home/u", ""}) == std::string("/home/u/.hermes"));
    CHECK(g::resolve_hermes_home({std::string(" \t"), "/home/u", "-dev"}) ==
          std::string("/home/u/.hermes-dev"));
    // must be absolute, and errors name the input
    auto relative = g::resolve_hermes_home({std::string("data"), "/home/u", ""});
    REQUIRE_FALSE(relative);
    CHECK(relative.error().code == hs::errc::relative_path);
    CHECK(relative.error().field == "HERMES_HOME");
    auto no_home = g::resolve_hermes_home({std::nullopt, "", ""});
    REQUIRE_FALSE(no_home);
    CHECK(no_home.error().code == hs::errc::empty_value);
    CHECK(no_home.error().field == "user_home");
    auto dotdot = g::resolve_hermes_home({std::string("/opt/../etc"), "/home/u", ""});
    REQUIRE_FALSE(dotdot);
    CHECK(dotdot.error().code == hs::errc::not_normalized);
    auto newline = g::resolve_hermes_home({std::nullopt, "/home/u", "\n[Service]"});
    REQUIRE_FALSE(newline);
    CHECK(newline.error().code == hs::errc::control_character);
    CHECK(newline.error().field == "HERMES_DATA_DIR_SUFFIX");
}

TEST_CASE("profile_name: exactly one valid component under <root>/profiles", "[gateway]") {
    const std::string root = "/home/u/.hermes";
    CHECK(g::profile_name(root + "/profiles/work", root) == std::string("work"));
    CHECK(g::profile_name(root + "/profiles/a", root) == std::string("a"));
    CHECK(g::profile_name(root + "/profiles/0-x_y", root) == std::string("0-x_y"));
    CHECK(g::profile_name(root + "/profiles/" + std::string(64, 'a'), root) == std::string(64, 'a'));
    CHECK_FALSE(g::profile_name(root + "/profiles/" + std::string(65, 'a'), root));
    for (const char* bad : {"Work", "-x", "_x", "a.b", "a b", "\xC3\xA4", "a/b", ""}) {
        INFO(bad);
        CHECK_FALSE(g::profile_name(root + "/profiles/" + bad, root));
    }
    CHECK_FALSE(g::profile_name(root, root));
    CHECK_FALSE(g::profile_name(root + "/profiles", root));
    CHECK_FALSE(g::profile_name("/elsewhere/profiles/work", root));
    CHECK(g::profile_name(root + "//profiles/work/", root + "/") == std::string("work"));
    CHECK(g::profile_args(root + "/profiles/work", root) == argv_t{"--profile", "work"});
    CHECK(g::profile_args(root, root).empty());
    CHECK(g::profile_args("/opt/custom", root).empty());  // hash-suffixed homes get no --profile
}

TEST_CASE("default_hermes_root: upstream's get_default_hermes_root", "[gateway]") {
    CHECK(g::default_hermes_root("", "/home/u/.hermes") == "/home/u/.hermes");
    CHECK(g::default_hermes_root("/home/u/.hermes", "/home/u/.hermes") == "/home/u/.hermes");
    CHECK(g::default_hermes_root("/home/u/.hermes/profiles/x", "/home/u/.hermes") == "/home/u/.hermes");
    CHECK(g::default_hermes_root("/srv/x/profiles/foo", "/home/u/.hermes") == "/srv/x");
    CHECK(g::default_hermes_root("/profiles/foo", "/home/u/.hermes") == "/");
    CHECK(g::default_hermes_root("/opt/data", "/home/u/.hermes") == "/opt/data");
}

TEST_CASE("unit and plist file paths", "[gateway]") {
    CHECK(g::unit_file_path(g::scope::user, "work", "/home/alice") ==
          "/home/alice/.config/systemd/user/hermes-gateway-work.service");
    CHECK(g::unit_file_path(g::scope::system, "") == "/etc/systemd/system/hermes-gateway.service");
    CHECK(g::unit_file_path(g::scope::system, "work") == "/etc/systemd/system/hermes-gateway-work.service");
    CHECK(g::launchd_plist_path("/home/alice", "work") ==
          "/home/alice/Library/LaunchAgents/ai.hermes.gateway-work.plist");
}

TEST_CASE("python_repr: Python's repr() of the bootstrap's strings", "[gateway]") {
    // Expected values printed by CPython 3 (repr(str)).
    CHECK(g::python_repr("/home/alice/.hermes") == "'/home/alice/.hermes'");
    CHECK(g::python_repr("it's") == "\"it's\"");
    CHECK(g::python_repr("both ' and \"") == "'both \\' and \"'");
    CHECK(g::python_repr("tab\there") == "'tab\\there'");
    CHECK(g::python_repr("nl\nx") == "'nl\\nx'");
    CHECK(g::python_repr("back\\slash") == "'back\\\\slash'");
    CHECK(g::python_repr("\x7f\x01") == "'\\x7f\\x01'");
    CHECK(g::python_repr("caf\xC3\xA9") == "'caf\xC3\xA9'");
    CHECK(g::python_repr("\xC2\xA0nbsp") == "'\\xa0nbsp'");
    CHECK(g::python_repr("\xC2\xAD") == "'\\xad'");
    CHECK(g::python_repr("\xE2\x80\xA8") == "'\\u2028'");
    CHECK(g::python_repr("\xE2\x80\x8B") == "'\\u200b'");
    CHECK(g::python_repr("\xEF\xBB\xBF") == "'\\ufeff'");
    CHECK(g::python_repr("\xF0\x9F\x98\x80") == "'\xF0\x9F\x98\x80'");
    CHECK(g::python_repr("\xEE\x80\x80") == "'\\ue000'");
    CHECK(g::python_repr("\xF3\xB0\x80\x80") == "'\\U000f0000'");
    CHECK(g::python_repr("/srv/\xFF") == "'/srv/\\udcff'");  // os.fsdecode's surrogate escape
}

TEST_CASE("bootstrap_script: the exact BOOT(home, module) of the reference", "[gateway]") {
    CHECK(g::bootstrap_script(alice_hermes, alice_venv.project_root, "hermes_cli.main") ==
          "import os, sys, runpy; os.environ['HERMES_HOME'] = os.environ.get('HERMES_HOME') or "
          "'/home/alice/.hermes'; "
          "os.environ.pop('PYTHONHOME', None); os.environ.pop('PYTHONPATH', None); "
          "os.environ.pop('VIRTUAL_ENV', None); "
          "sys.path.insert(0, '/home/alice/.hermes/hermes-agent'); import hermes_bootstrap; "
          "runpy.run_module('hermes_cli.main', run_name='__main__', alter_sys=True)");
    const argv_t argv = g::gateway_run_command(alice_venv, alice_hermes, {"--profile", "work"});
    CHECK(argv.size() == 8);
    CHECK(argv[0] == alice_venv.python);
    CHECK(argv[1] == "-I");
    CHECK(argv[2] == "-c");
    CHECK(tail(argv, 4) == argv_t{"--profile", "work", "gateway", "run"});
}

// =================================================================================================
// Escaping and typed errors: the deliberate differences from upstream (#13886, #48164, #85365)
// =================================================================================================

namespace {
const std::string hostile_home = "/srv/My Homes/50%\"q\"$HOME\\x/\xC3\xA4/.hermes";
const g::installation hostile_install{"/opt/py 3/bin/python", "/srv/My Homes/co&de <1>"};
}  // namespace

TEST_CASE("escaping: hostile paths come back exact through the unit's own reader", "[gateway][escaping]") {
    g::unit_options opts = g::user_unit_options(hostile_install, hostile_home, "/home/u/.hermes");
    opts.path_entries = {"/srv/50% bin"};
    const std::string unit = unwrap(g::systemd_unit(opts));
    CHECK(directive(unit, "Service", "WorkingDirectory") ==
          "/srv/My Homes/50%%\"q\"$HOME\\x/\xC3\xA4/.hermes");
    CHECK(hs::pinned_hermes_home(unit) == hostile_home);
    CHECK(exec_argv(unit, "ExecStart") == opts.exec_start);
    CHECK(exec_argv(unit, "ExecStopPost") == *opts.exec_stop_post);
    CHECK(contains(unit, "ExecReload=/bin/kill -USR1 $MAINPID\n"));
    CHECK(contains(unit, "Environment=\"PATH=/srv/50%% bin:/usr/local/sbin:"));
}

TEST_CASE("escaping: a newline in any value is a typed error, not a new directive", "[gateway][escaping]") {
    g::unit_options opts = worked_user(alice_hermes);
    opts.hermes_home = "/home/alice/.hermes\nExecStartPre=/bin/sh";
    auto r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hs::errc::control_character);
    CHECK(r.error().field == "HERMES_HOME");

    opts = worked_user(alice_hermes);
    opts.exec_start.emplace_back("two\nlines");  // an argument may carry one: it is C-escaped
    CHECK(contains(unwrap(g::systemd_unit(opts)), "\"two\\nlines\""));

    opts = worked_user(alice_hermes);
    opts.description = "x\n[Install]";
    r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "Description");

    opts = worked_user(alice_hermes);
    opts.path_entries = {"/a:b"};
    r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hs::errc::unrepresentable);
    CHECK(r.error().field == "PATH[0]");

    opts.path_entries = {"relative/bin"};
    r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hs::errc::relative_path);

    opts = worked_user(alice_hermes);
    opts.exec_start.clear();
    r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "ExecStart");

    opts = worked_user(alice_hermes);
    opts.exec_start[0] = "python3";
    r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hs::errc::relative_path);
    CHECK(r.error().field == "ExecStart[0]");
}

TEST_CASE("system scope: typed errors for a missing or bad identity", "[gateway][escaping]") {
    g::unit_options opts = worked_system(false);
    opts.identity.reset();
    auto r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hs::errc::missing_field);
    CHECK(r.error().field == "system_identity");

    opts = worked_system(false);
    opts.identity->user = "alice;rm";
    r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hs::errc::invalid_name);
    CHECK(r.error().field == "User");

    opts = worked_system(false);
    opts.identity->group = "";
    r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "Group");

    opts = worked_system(false);
    opts.identity->home = "home/alice";
    r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hs::errc::relative_path);
    CHECK(r.error().field == "HOME");

    opts = worked_system(false);
    opts.watchdog_seconds = 2147483648U;
    r = g::systemd_unit(opts);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hs::errc::out_of_range);
    CHECK(r.error().field == "WatchdogSec");
}

TEST_CASE("escaping: the plist escapes every string, not only ProgramArguments", "[gateway][escaping]") {
    g::plist_options p = g::agent_plist_options(hostile_install, hostile_home, "/home/u/.hermes", {}, true,
                                                {"/opt/a&b", "", "/usr/bin", "/opt/a&b", "<x>"});
    const std::string plist = unwrap(g::launchd_plist(p));
    // Outside ProgramArguments only what XML needs is escaped (upstream writes these strings raw).
    CHECK(contains(plist, "<string>/srv/My Homes/50%\"q\"$HOME\\x/\xC3\xA4/.hermes</string>"));
    CHECK(contains(plist, "<string>/opt/a&amp;b:/usr/bin:&lt;x>:/bin:/sbin:/usr/sbin</string>"));
    CHECK(plist_string(plist, {"WorkingDirectory"}) == hostile_home);
    CHECK(plist_string(plist, {"EnvironmentVariables", "HERMES_HOME"}) == hostile_home);
    // PATH: empty entries and repeats dropped, the system dirs appended when missing
    CHECK(plist_string(plist, {"EnvironmentVariables", "PATH"}) ==
          "/opt/a&b:/usr/bin:<x>:/bin:/sbin:/usr/sbin");
    CHECK(plist_string(plist, {"StandardErrorPath"}) == hostile_home + "/logs/gateway.error.log");
    CHECK(program_arguments(plist) == p.program_arguments);

    p.hermes_home = "/home/u/.hermes\x01";
    auto r = g::launchd_plist(p);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hs::errc::control_character);
    CHECK(r.error().field == "HERMES_HOME");

    p = worked_plist(alice_hermes);
    p.program_arguments.emplace_back("nul\0x", 5);
    r = g::launchd_plist(p);
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "ProgramArguments[" + std::to_string(p.program_arguments.size() - 1) + "]");

    p = worked_plist(alice_hermes);
    p.suffix = "bad suffix";
    r = g::launchd_plist(p);
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "Label");

    p = worked_plist(alice_hermes);
    p.nofile_soft_limit = 0;
    r = g::launchd_plist(p);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hs::errc::out_of_range);
}

// =================================================================================================
// The real oracles: systemd-analyze verify, xmllint and plistlib over every generated file
// =================================================================================================

namespace {

struct unit_case {
    std::string name;  // unit name
    g::unit_options options;
};

std::vector<unit_case> oracle_units() {
    std::vector<unit_case> cases = {
        {"hermes-gateway.service", worked_user(alice_hermes)},
        {"hermes-gateway-work.service", worked_user(alice_work)},
        {"hermes-gateway.service", worked_system(false)},
        {"hermes-gateway-work.service", worked_system(true)},
    };
    g::unit_options watchdog = worked_system(true);
    watchdog.watchdog_seconds = 120;
    watchdog.drain_timeout = 180;
    cases.push_back({"hermes-gateway-work.service", watchdog});
    g::unit_options hostile = g::user_unit_options(hostile_install, hostile_home, "/home/u/.hermes");
    hostile.path_entries = {"/srv/50% bin", "/opt/$x"};
    cases.push_back({"hermes-gateway-3f2a9c1d.service", hostile});
    g::unit_options store = g::user_unit_options({"", "/srv/hermes agent", true}, alice_work, alice_hermes);
    cases.push_back({"hermes-gateway-work.service", store});
    return cases;
}

/// The argv systemd passes at exec time: the dump shows words before `$$` becomes `$` (our units
/// have no other `$` references but ExecReload's "$MAINPID", compared as dumped).
std::vector<argv_t> exec_time(std::vector<argv_t> commands) {
    for (argv_t& argv : commands)
        for (std::string& word : argv)
            if (word != "$MAINPID") word = replace_all(word, "$$", "$");
    return commands;
}

/// What systemd must read back from a unit rendered from `opts`.
void check_unit_view(const o::systemd_view& v, const g::unit_options& opts) {
    for (const auto& d : v.diagnostics) UNSCOPED_INFO("diagnostic: " << d);
    CHECK(v.rc == 0);
    CHECK(v.diagnostics.empty());
    CHECK(v.description == std::optional<std::string>(opts.description));
    const bool system = opts.scope == g::scope::system;
    std::string wd = opts.hermes_home;
    if (!system) {
        auto choice = hs::stable_service_working_dir(
            opts.hermes_home_is_dir ? std::optional<std::string_view>(opts.hermes_home) : std::nullopt,
            opts.project_root);
        REQUIRE(choice);
        wd = choice->path;
    }
    CHECK(v.working_directory == std::optional<std::string>(wd));
    std::vector<std::pair<std::string, std::string>> env;
    if (system) {
        CHECK(v.user == std::optional<std::string>(opts.identity->user));
        CHECK(v.group == std::optional<std::string>(opts.identity->group));
        env = {
            {"HOME", opts.identity->home}, {"USER", opts.identity->user}, {"LOGNAME", opts.identity->user}};
    } else {
        CHECK_FALSE(v.user);
        CHECK_FALSE(v.group);
    }
    std::string path;
    for (const std::string& e : opts.path_entries) path += e + ":";
    path += "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    env.insert(env.end(),
               {{"PATH", path}, {"HERMES_HOME", opts.hermes_home}, {"HERMES_SUPERVISED_CHILD", "1"}});
    CHECK(v.environment == env);
    CHECK(exec_time(v.commands("ExecStart")) == std::vector<argv_t>{opts.exec_start});
    CHECK(v.commands("ExecReload") == std::vector<argv_t>{{"/bin/kill", "-USR1", "$MAINPID"}});
    CHECK(exec_time(v.commands("ExecStopPost")) == std::vector<argv_t>{*opts.exec_stop_post});
}

argv_t stubs_for(const g::unit_options& opts) {
    argv_t stubs = {opts.exec_start.at(0)};
    if (opts.exec_stop_post && opts.exec_stop_post->at(0) != stubs[0])
        stubs.push_back(opts.exec_stop_post->at(0));
    return stubs;
}

}  // namespace

TEST_CASE("oracle: system units load in systemd-analyze and carry every input exactly", "[gateway][oracle]") {
    if (auto why = o::systemd_unavailable()) HERMES_SKIP(*why);
    for (const unit_case& c : oracle_units()) {
        g::unit_options opts = c.options;
        if (opts.scope != g::scope::system) {
            // the same inputs as a system unit: root installing for alice (nothing under /root here)
            opts.scope = g::scope::system;
            opts.identity = alice_identity;
        }
        const std::string text = unwrap(g::systemd_unit(opts));
        INFO(c.name << "\n" << text);
        check_unit_view(o::verify_unit(text, c.name, /*user_scope=*/false, stubs_for(opts)), opts);
    }
    // The golden files themselves (as written on disk).
    check_unit_view(o::verify_unit(golden("hermes-gateway.system.service"), "hermes-gateway.service", false,
                                   stubs_for(worked_system(false))),
                    worked_system(false));
    check_unit_view(o::verify_unit(golden("hermes-gateway-work.system.service"),
                                   "hermes-gateway-work.service", false, stubs_for(worked_system(true))),
                    worked_system(true));
}

TEST_CASE("oracle: user units load in systemd-analyze --user and carry every input exactly",
          "[gateway][oracle]") {
    if (auto why = o::systemd_user_stubs_unavailable()) HERMES_SKIP(*why);
    for (const unit_case& c : oracle_units()) {
        if (c.options.scope != g::scope::user) continue;
        const std::string text = unwrap(g::systemd_unit(c.options));
        INFO(c.name << "\n" << text);
        check_unit_view(o::verify_unit(text, c.name, /*user_scope=*/true, stubs_for(c.options)), c.options);
    }
    check_unit_view(o::verify_unit(golden("hermes-gateway.user.service"), "hermes-gateway.service", true,
                                   stubs_for(worked_user(alice_hermes))),
                    worked_user(alice_hermes));
    check_unit_view(o::verify_unit(golden("hermes-gateway-work.user.service"), "hermes-gateway-work.service",
                                   true, stubs_for(worked_user(alice_work))),
                    worked_user(alice_work));
}

namespace {

void check_plist_view(const std::string& text, const g::plist_options& p) {
    const o::plist_view v = o::check_plist(text);
    for (const auto& d : v.xmllint_diagnostics) UNSCOPED_INFO("xmllint: " << d);
    CHECK(v.xmllint_rc == 0);
    CHECK(v.strict_ok);
    CHECK(v.strict_error.empty());
    const auto leaf = [&](std::initializer_list<o::plist_component> path) -> std::string {
        const o::plist_leaf* l = v.find(o::plist_path(path));
        if (l == nullptr) FAIL("no plist leaf at " << o::plist_path(path));
        return l->value;
    };
    CHECK(leaf({"Label"}) == g::launchd_label(p.suffix));
    for (std::size_t i = 0; i < p.program_arguments.size(); ++i)
        CHECK(leaf({"ProgramArguments", i}) == p.program_arguments[i]);
    CHECK(v.find(o::plist_path({"ProgramArguments", p.program_arguments.size()})) == nullptr);
    CHECK(leaf({"EnvironmentVariables", "HERMES_HOME"}) == p.hermes_home);
    CHECK(leaf({"EnvironmentVariables", "HERMES_SUPERVISED_CHILD"}) == "1");
    CHECK(leaf({"ThrottleInterval"}) == "30");
    CHECK(leaf({"ExitTimeOut"}) == "25");
    const std::string logs = p.log_dir.empty() ? p.hermes_home + "/logs" : p.log_dir;
    CHECK(leaf({"StandardOutPath"}) == logs + "/gateway.log");
    CHECK(leaf({"StandardErrorPath"}) == logs + "/gateway.error.log");
    if (p.nofile_soft_limit)
        CHECK(leaf({"SoftResourceLimits", "NumberOfFiles"}) == std::to_string(*p.nofile_soft_limit));
    CHECK(v.find(o::plist_path({"RunAtLoad"}))->kind == "true");
    CHECK(v.find(o::plist_path({"KeepAlive"}))->kind == "true");
}

}  // namespace

TEST_CASE("oracle: plists pass xmllint and plistlib and carry every input exactly", "[gateway][oracle]") {
    if (auto why = o::plist_unavailable()) HERMES_SKIP(*why);
    std::vector<g::plist_options> cases = {worked_plist(alice_hermes), worked_plist(alice_work)};
    cases.push_back(
        g::agent_plist_options(hostile_install, hostile_home, "/home/u/.hermes", {}, true, {"/opt/a&b"}));
    g::plist_options no_nofile = worked_plist(alice_work);
    no_nofile.nofile_soft_limit = std::nullopt;
    cases.push_back(no_nofile);
    g::installation store = alice_venv;
    store.store_launcher = true;
    cases.push_back(g::agent_plist_options(store, alice_work, alice_hermes));
    for (const g::plist_options& p : cases) {
        const std::string text = unwrap(g::launchd_plist(p));
        INFO(text);
        check_plist_view(text, p);
    }
    check_plist_view(golden("ai.hermes.gateway.plist"), worked_plist(alice_hermes));
    check_plist_view(golden("ai.hermes.gateway-work.plist"), worked_plist(alice_work));
}
