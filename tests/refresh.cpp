// SPDX-License-Identifier: MIT
// refresh.hpp: upstream's staleness normalisation (tests/hermes_cli/test_systemd_optional_directives.py
// @ 2f4f088e, TestSystemUnitRefreshSyncsHermesHome @ 00067189) ported with the same inputs and
// assertions, plus the directive diff and the readers of an installed unit.
#include <cstdio>
#include <hermes/service/gateway.hpp>
#include <hermes/service/refresh.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/golden.hpp"

namespace hs = hermes::service;
namespace g = hermes::service::gateway;
using strings = std::vector<std::string>;

namespace {

using hermes_test::golden;
using hermes_test::replace_all;

// The unit text of test_systemd_optional_directives.py (a version-B-like user unit).
const std::string base_unit =
    "[Unit]\n"
    "Description=Hermes Agent Gateway - Messaging Platform Integration\n"
    "After=network-online.target\n"
    "\n"
    "[Service]\n"
    "Type=simple\n"
    "ExecStart=/home/a/venv/bin/python -m hermes_cli.main gateway run\n"
    "Environment=\"PATH=/home/a/venv/bin:/usr/bin\"\n"
    "Environment=\"HERMES_HOME=/home/a/.hermes\"\n"
    "Restart=always\n"
    "RestartSec=5\n"
    "\n"
    "[Install]\n"
    "WantedBy=default.target\n";

std::string with_optional_directives(const std::string& unit) {
    return replace_all(unit, "RestartSec=5\n", "RestartSec=5\nRestartMaxDelaySec=120\nRestartSteps=5\n");
}

}  // namespace

// =================================================================================================
// Ported: _strip_optional_systemd_directives (#41119), now the gateway's ignored keys
// =================================================================================================

TEST_CASE("gateway compare options: RestartMaxDelaySec and RestartSteps are ignored", "[refresh][upstream]") {
    const std::string unit = "[Service]\nRestartSec=5\nKillMode=mixed\n";
    const std::string with =
        "[Service]\nRestartSec=5\nRestartMaxDelaySec=120\nRestartSteps=5\nKillMode=mixed\n";
    CHECK(hs::systemd_unit_diff(with, unit).empty());
    // the key is the trimmed text before '=', as systemd reads it; a longer key is another directive
    CHECK(hs::systemd_unit_diff("[Service]\n  RestartSteps = 5\nRestartStepsX=1\n",
                                "[Service]\nRestartStepsX=1\n")
              .empty());
    // the general comparison ignores nothing: the same texts differ there
    const auto general = hs::systemd::compare_units(with, unit);
    REQUIRE(general.size() == 2);
    CHECK(general[0].key == "RestartMaxDelaySec");
    CHECK(general[0].new_values.empty());
    CHECK(general[1].key == "RestartSteps");
    CHECK(general[1].old_values == strings{"5"});
}

// =================================================================================================
// Ported: systemd_unit_is_current
// =================================================================================================

TEST_CASE("systemd_unit_is_current: optional directives never make a unit stale", "[refresh][upstream]") {
    // a unit missing the optional directives counts as current
    CHECK(hs::systemd_unit_is_current(base_unit, with_optional_directives(base_unit)));
    // a unit with the directives counts as current
    CHECK(hs::systemd_unit_is_current(with_optional_directives(base_unit), base_unit));
    CHECK(hs::systemd_unit_is_current(base_unit, base_unit));
}

TEST_CASE("systemd_unit_is_current: any other change makes it stale", "[refresh][upstream]") {
    // RestartSec=10 vs 5 counts as not current
    CHECK_FALSE(
        hs::systemd_unit_is_current(replace_all(base_unit, "RestartSec=5", "RestartSec=10"), base_unit));
    // a missing installed file (the host passes no text) is not current
    CHECK_FALSE(hs::systemd_unit_is_current("", base_unit));
}

TEST_CASE("systemd_unit_is_current: exactly when the diff is empty (layout never counts)", "[refresh]") {
    // Upstream compared text, so a comment made a unit stale while its diff was empty (issue 8); now
    // comments, blank lines, spacing and quoting are layout, as they are to systemd.
    for (const std::string& same :
         {"# edited\n" + base_unit, replace_all(base_unit, "Type=simple\n", "Type=simple\n\n"),
          replace_all(base_unit, "Type=simple", "  Type = simple"),
          replace_all(base_unit, "Environment=\"HERMES_HOME=/home/a/.hermes\"",
                      "Environment=HERMES_HOME=/home/a/.hermes"),
          replace_all(base_unit, "-m hermes_cli.main", "\"-m\" 'hermes_cli.main'")}) {
        INFO(same);
        CHECK(hs::systemd_unit_diff(same, base_unit).empty());
        CHECK(hs::systemd_unit_is_current(same, base_unit));
    }
    const std::string changed = replace_all(base_unit, "-m hermes_cli.main", "-m hermes_cli.other");
    CHECK_FALSE(hs::systemd_unit_diff(changed, base_unit).empty());
    CHECK_FALSE(hs::systemd_unit_is_current(changed, base_unit));
}

TEST_CASE("systemd_unit_is_current: whitespace, CRLF and BOM are normalised", "[refresh][upstream]") {
    CHECK(hs::systemd_unit_is_current(replace_all(base_unit, "\n", "\r\n"), base_unit));
    CHECK(hs::systemd_unit_is_current(replace_all(base_unit, "\n", "  \t\n"), base_unit));
    CHECK(hs::systemd_unit_is_current("\n\n" + base_unit + "\n\n\n", base_unit));
    CHECK(hs::systemd_unit_is_current("\xEF\xBB\xBF" + base_unit, base_unit));  // read as utf-8-sig
    CHECK(hs::systemd_unit_is_current(replace_all(base_unit, "\n", "\r"), base_unit));
    // leading whitespace on a line is layout too (systemd strips it)
    CHECK(hs::systemd_unit_is_current(replace_all(base_unit, "Type=simple", "  Type=simple"), base_unit));
}

TEST_CASE("TestSystemdUnitPathNormalization: only WSL /mnt segments of PATH are masked",
          "[refresh][upstream]") {
    const std::string wsl = replace_all(base_unit, "PATH=/home/a/venv/bin:/usr/bin",
                                        "PATH=/home/a/venv/bin:/mnt/c/WINDOWS/system32:/usr/bin:/mnt/c/"
                                        "WINDOWS/System32/WindowsPowerShell/v1.0/");
    CHECK(hs::systemd_unit_is_current(wsl, base_unit));
    CHECK(hs::systemd_unit_is_current(base_unit, wsl));
    CHECK(hs::detail::refresh::mask_wsl_path(
              "/home/a/venv/bin:/mnt/c/WINDOWS/system32:/usr/bin:/mnt/c/x/v1.0/") ==
          "/home/a/venv/bin:/usr/bin");
    // a non-/mnt PATH difference is still stale
    CHECK_FALSE(hs::systemd_unit_is_current(replace_all(base_unit, "PATH=/home/a/venv/bin:/usr/bin",
                                                        "PATH=/home/a/venv/bin:/home/a/.local/bin:/usr/bin"),
                                            base_unit));
    CHECK_FALSE(hs::systemd_unit_is_current(
        replace_all(base_unit, "PATH=/home/a/venv/bin:/usr/bin", "PATH=/usr/bin"), base_unit));
    // a differing HERMES_HOME is still stale, even under /mnt
    CHECK_FALSE(hs::systemd_unit_is_current(
        replace_all(base_unit, "HERMES_HOME=/home/a/.hermes", "HERMES_HOME=/mnt/c/hermes"), base_unit));
    // only PATH= is masked, quoted or not
    CHECK(hs::systemd_unit_is_current(replace_all(base_unit, "Environment=\"PATH=/home/a/venv/bin:/usr/bin\"",
                                                  "Environment=PATH=/home/a/venv/bin:/mnt/d/bin:/usr/bin"),
                                      replace_all(base_unit, "Environment=\"PATH=/home/a/venv/bin:/usr/bin\"",
                                                  "Environment=PATH=/home/a/venv/bin:/usr/bin")));
}

TEST_CASE("systemd_unit_is_current: our generated units against themselves and upstream's", "[refresh]") {
    for (const char* name : {"hermes-gateway.user.service", "hermes-gateway-work.system.service"}) {
        INFO(name);
        const std::string ours = golden(name);
        CHECK(hs::systemd_unit_is_current(ours, ours));
        CHECK(hs::systemd_unit_is_current(
            with_optional_directives(replace_all(ours, "RestartSec=5\n", "RestartSec=5\n")), ours));
        // A unit upstream wrote is ours byte for byte (tests/parity.cpp has the other inputs).
        CHECK(hs::systemd_unit_is_current(golden(std::string("upstream/") + name), ours));
    }
}

// =================================================================================================
// launchd_plist_is_current
// =================================================================================================

TEST_CASE("launchd_plist_is_current: PATH is ignored, everything else is compared", "[refresh][upstream]") {
    const std::string ours = golden("ai.hermes.gateway.plist");
    CHECK(hs::launchd_plist_is_current(ours, ours));
    const std::string other_path =
        replace_all(ours, "<string>/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin</string>",
                    "<string>/opt/homebrew/bin:/usr/bin:/bin</string>");
    REQUIRE(other_path != ours);
    CHECK(hs::launchd_plist_is_current(other_path, ours));
    // a PATH payload over several lines is ignored too; whitespace between elements is layout
    CHECK(hs::launchd_plist_is_current(
        replace_all(ours, "<key>PATH</key>\n        <string>", "<key>PATH</key>\n        <string>/x\n:"),
        ours));
    CHECK(hs::launchd_plist_is_current(
        replace_all(ours, "<key>PATH</key>\n        <string>", "<key>PATH</key>\n\n        <string>"), ours));
    // PATH's presence still counts
    CHECK_FALSE(
        hs::launchd_plist_is_current(replace_all(ours, "<key>PATH</key>", "<key>OTHER_PATH</key>"), ours));
    // four-space lines, CRLF and surrounding blank lines are normalised
    CHECK(hs::launchd_plist_is_current(
        replace_all(replace_all(ours, "\n\n", "\n    \n"), "\n", "\r\n") + "\n\n", ours));
    CHECK_FALSE(hs::launchd_plist_is_current(
        replace_all(ours, "<integer>30</integer>", "<integer>10</integer>"), ours));
    CHECK_FALSE(hs::launchd_plist_is_current(
        replace_all(ours, "<string>/home/alice/.hermes</string>", "<string>/srv/checkout</string>"), ours));
    CHECK_FALSE(hs::launchd_plist_is_current("", ours));
    // upstream's own text differs only in layout (a comment, blank lines): current, exactly when
    // compare_plists finds no change (issue 8; upstream compared text)
    CHECK(hs::launchd::compare_plists(golden("upstream/ai.hermes.gateway.plist"), ours,
                                      hs::gateway_plist_compare_options())
              .empty());
    CHECK(hs::launchd_plist_is_current(golden("upstream/ai.hermes.gateway.plist"), ours));
}

// =================================================================================================
// Ported: TestSystemUnitRefreshSyncsHermesHome (the pure part: read the pin, regenerate, compare)
// =================================================================================================

TEST_CASE("TestSystemUnitRefreshSyncsHermesHome: refresh adopts the unit's HERMES_HOME before rewriting",
          "[refresh][upstream]") {
    // test_refresh_adopts_unit_hermes_home_before_rewriting: alice's config has drain 180, so the good
    // unit has TimeoutStopSec=210; root's has drain 60. Under sudo HERMES_HOME is root's.
    const g::installation venv{"/home/alice/.hermes/hermes-agent/venv/bin/python",
                               "/home/alice/.hermes/hermes-agent"};
    const g::system_identity alice{"alice", "alice", "/home/alice", 1001};
    g::unit_options good_opts =
        g::system_unit_options(venv, "/home/alice/.hermes/profiles/bot", "/root", alice);
    good_opts.drain_timeout = 180;
    auto good = g::systemd_unit(good_opts);
    REQUIRE(good);
    REQUIRE(good->find("TimeoutStopSec=210\n") != std::string::npos);

    // Regenerating from root's environment would rewrite the unit: stale, and the host must not write it.
    g::unit_options from_root = g::system_unit_options(venv, "/root/.hermes", "/root", alice);
    from_root.drain_timeout = 60;
    auto wrong = g::systemd_unit(from_root);
    REQUIRE(wrong);
    CHECK_FALSE(hs::systemd_unit_is_current(*good, *wrong));

    // The sync: read User= and HERMES_HOME from the installed unit, regenerate from alice's home and
    // config; the unit is current and is left unchanged.
    CHECK(hs::unit_user(*good) == std::string("alice"));
    const auto pinned = hs::pinned_hermes_home(*good);
    REQUIRE(pinned);
    CHECK(*pinned == "/home/alice/.hermes/profiles/bot");
    g::unit_options synced = g::system_unit_options(venv, *pinned, "/home/alice", alice);
    synced.drain_timeout = 180;  // alice's config, read from the pinned home
    auto again = g::systemd_unit(synced);
    REQUIRE(again);
    CHECK(hs::systemd_unit_is_current(*good, *again));
    CHECK(hs::systemd_unit_diff(*good, *again).empty());
}

// =================================================================================================
// systemd_unit_diff
// =================================================================================================

TEST_CASE("systemd_unit_diff: the moved-checkout WorkingDirectory", "[refresh]") {
    const std::string now = golden("hermes-gateway.user.service");
    const std::string old = replace_all(now, "WorkingDirectory=/home/alice/.hermes\n",
                                        "WorkingDirectory=/srv/checkout/.worktrees/x\n");
    const auto changes = hs::systemd_unit_diff(old, now);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].section == "Service");
    CHECK(changes[0].key == "WorkingDirectory");
    CHECK(changes[0].old_values == strings{"/srv/checkout/.worktrees/x"});
    CHECK(changes[0].new_values == strings{"/home/alice/.hermes"});
    CHECK(hs::systemd_unit_diff(now, now).empty());
}

TEST_CASE("systemd_unit_diff: Environment= is compared per variable", "[refresh]") {
    const std::string now = golden("hermes-gateway-work.user.service");
    const std::string old = replace_all(now, "HERMES_HOME=/home/alice/.hermes/profiles/work\"",
                                        "HERMES_HOME=/root/.hermes/profiles/work\"");
    const auto changes = hs::systemd_unit_diff(old, now);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].key == "Environment[HERMES_HOME]");
    CHECK(changes[0].old_values == strings{"\"HERMES_HOME=/root/.hermes/profiles/work\""});
    CHECK(changes[0].new_values == strings{"\"HERMES_HOME=/home/alice/.hermes/profiles/work\""});
    // WSL /mnt PATH segments and the optional directives are ignored, as in systemd_unit_is_current
    const std::string wsl = with_optional_directives(
        replace_all(now, "PATH=/usr/local/sbin:", "PATH=/mnt/c/Windows:/usr/local/sbin:"));
    CHECK(hs::systemd_unit_diff(wsl, now).empty());
}

TEST_CASE("systemd_unit_diff: upstream's unit has no differences; a quoted ExecReload= has one",
          "[refresh]") {
    const std::string ours = golden("hermes-gateway.system.service");
    CHECK(hs::systemd_unit_diff(golden("upstream/hermes-gateway.system.service"), ours).empty());
    // the spelling this library wrote before it matched upstream's bytes
    const auto changes =
        hs::systemd_unit_diff(replace_all(ours, "ExecReload=/bin/kill -USR1 $MAINPID\n",
                                          "ExecReload=\"/bin/kill\" \"-USR1\" \"${MAINPID}\"\n"),
                              ours);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].key == "ExecReload");
    CHECK(changes[0].old_values == strings{"\"/bin/kill\" \"-USR1\" \"${MAINPID}\""});
    CHECK(changes[0].new_values == strings{"/bin/kill -USR1 $MAINPID"});
}

TEST_CASE("systemd_unit_diff: a version A unit shows added and removed directives", "[refresh]") {
    // Version A (PR #34805 era) had VIRTUAL_ENV and no exit-status directives.
    const std::string version_a =
        "[Unit]\nDescription=Hermes Agent Gateway - Messaging Platform Integration\n"
        "After=network-online.target\nWants=network-online.target\nStartLimitIntervalSec=0\n\n"
        "[Service]\nType=simple\n"
        "ExecStart=/home/alice/.hermes/hermes-agent/venv/bin/python -m hermes_cli.main gateway run\n"
        "WorkingDirectory=/home/alice/.hermes\n"
        "Environment=\"PATH=/home/alice/.hermes/hermes-agent/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/"
        "sbin:/usr/bin:/sbin:/bin\"\n"
        "Environment=\"VIRTUAL_ENV=/home/alice/.hermes/hermes-agent/venv\"\n"
        "Environment=\"HERMES_HOME=/home/alice/.hermes\"\n"
        "Restart=always\nRestartSec=5\nRestartForceExitStatus=75\nKillMode=mixed\nKillSignal=SIGTERM\n"
        "ExecReload=/bin/kill -USR1 "
        "$MAINPID\nTimeoutStopSec=210\nStandardOutput=journal\nStandardError=journal\n\n"
        "[Install]\nWantedBy=default.target\n";
    const auto changes = hs::systemd_unit_diff(version_a, golden("hermes-gateway.user.service"));
    strings keys;
    for (const auto& c : changes) keys.push_back(c.key);
    CHECK(keys == strings{"ExecStart", "Environment[PATH]", "Environment[HERMES_SUPERVISED_CHILD]",
                          "SuccessExitStatus", "RestartPreventExitStatus", "ExecStopPost", "TimeoutStopSec",
                          "Environment[VIRTUAL_ENV]"});
    CHECK(changes.back().new_values.empty());  // removed
    CHECK(changes[2].old_values.empty());      // added
    CHECK(changes[6].old_values == strings{"210"});
    CHECK(changes[6].new_values == strings{"70"});
}

TEST_CASE("systemd_unit_diff: an unparseable installed unit shows every directive as new", "[refresh]") {
    const std::string now = golden("hermes-gateway.user.service");
    const auto changes = hs::systemd_unit_diff("[Unit\ngarbage", now);
    REQUIRE_FALSE(changes.empty());
    CHECK(changes.front().key == "Description");
    for (const auto& c : changes) CHECK(c.old_values.empty());
}

// =================================================================================================
// pinned_hermes_home, unit_user
// =================================================================================================

TEST_CASE("pinned_hermes_home: read with systemd's unquoting", "[refresh]") {
    CHECK(hs::pinned_hermes_home(golden("hermes-gateway-work.system.service")) ==
          std::string("/home/alice/.hermes/profiles/work"));
    // upstream's own unit
    CHECK(hs::pinned_hermes_home(golden("upstream/hermes-gateway.user.service")) ==
          std::string("/home/alice/.hermes"));
    // quoted and escaped values come back exact
    CHECK(hs::pinned_hermes_home("[Service]\nEnvironment=\"HERMES_HOME=/srv/a b/50%%\\\"q\\\"\\\\x\"\n") ==
          std::string("/srv/a b/50%\"q\"\\x"));
    CHECK(hs::pinned_hermes_home("[Service]\nEnvironment=A=1 HERMES_HOME=/srv/h B=2\n") ==
          std::string("/srv/h"));
    CHECK(hs::pinned_hermes_home("[Service]\nEnvironment='HERMES_HOME=/srv/single quoted'\n") ==
          std::string("/srv/single quoted"));
    // the last assignment wins; an empty Environment= resets the list
    CHECK(hs::pinned_hermes_home("[Service]\nEnvironment=HERMES_HOME=/a\nEnvironment=HERMES_HOME=/b\n") ==
          std::string("/b"));
    CHECK_FALSE(hs::pinned_hermes_home("[Service]\nEnvironment=HERMES_HOME=/a\nEnvironment=\n"));
    // none, elsewhere, or an invalid line (systemd ignores it)
    CHECK_FALSE(hs::pinned_hermes_home("[Service]\nEnvironment=PATH=/usr/bin\n"));
    CHECK_FALSE(hs::pinned_hermes_home("[Unit]\nEnvironment=HERMES_HOME=/a\n"));
    CHECK_FALSE(hs::pinned_hermes_home("[Service]\nEnvironment=\"HERMES_HOME=/a\n"));
    CHECK_FALSE(hs::pinned_hermes_home("[Service]\nEnvironment=HERMES_HOME=\n"));
    CHECK_FALSE(hs::pinned_hermes_home(""));
    // CRLF and a BOM as an editor might leave them
    CHECK(hs::pinned_hermes_home("\xEF\xBB\xBF[Service]\r\nEnvironment=\"HERMES_HOME=/c\"\r\n") ==
          std::string("/c"));
}

TEST_CASE("unit_user: the User= of an installed unit", "[refresh]") {
    CHECK(hs::unit_user(golden("hermes-gateway.system.service")) == std::string("alice"));
    CHECK_FALSE(hs::unit_user(golden("hermes-gateway.user.service")));
    CHECK(hs::unit_user("[Service]\nUser=bob\nUser=carol\n") == std::string("carol"));
    CHECK(hs::unit_user("[Service]\nUser = dave  \n") == std::string("dave"));
    CHECK(hs::unit_user("[Service]\nUser=100%%\n") == std::string("100%"));
    CHECK_FALSE(hs::unit_user("[Service]\nUser=%u\n"));  // a specifier only systemd can resolve
    CHECK_FALSE(hs::unit_user("[Service]\nUser=bob\nUser=\n"));
    CHECK_FALSE(hs::unit_user("[Unit]\nUser=bob\n"));
}

TEST_CASE("launchd::parse_plist reads the plists the gateway writes", "[refresh]") {
    for (const char* name : {"ai.hermes.gateway.plist", "ai.hermes.gateway-work.plist"}) {
        INFO(name);
        auto doc = hs::launchd::parse_plist(golden(name));
        REQUIRE(doc);
        const auto* env = doc->find("EnvironmentVariables");
        REQUIRE(env != nullptr);
        REQUIRE(env->find("HERMES_SUPERVISED_CHILD") != nullptr);
        CHECK(*env->find("HERMES_SUPERVISED_CHILD")->as_string() == "1");
        REQUIRE(doc->find("ThrottleInterval") != nullptr);
        CHECK(*doc->find("ThrottleInterval")->as_integer() == 30);
        CHECK(*doc->find("KeepAlive")->as_bool());
    }
}
