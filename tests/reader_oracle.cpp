// SPDX-License-Identifier: MIT
// The behaviours the readers took from systemd 252 and plistlib (issue 11), held against the real
// tools: systemd-analyze verify (what it loads, what it refuses), systemd-escape and plistlib.
// Skipped, with the reason, where a tool is missing.
#include <hermes/service/launchd.hpp>
#include <hermes/service/systemd.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/oracles.hpp"

namespace systemd = hermes::service::systemd;
namespace launchd = hermes::service::launchd;
namespace oracle = hermes_test::oracle;

TEST_CASE("oracle: split_command_line loads what systemd loads and refuses what it refuses",
          "[systemd][oracle][vectors]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    // Each value as the only ExecStart= of a unit: systemd loads one command (its dump shows the argv), or
    // it refuses the line or the unit.
    const std::vector<std::string> values{
        "/usr/bin/ x",                    // a directory: "Executable path specifies a directory"
        "/bin/true\\x",                   // unknown escape kept, then "contains special characters"
        "/bin/true\\a",                   // a control character in the executable
        "--/bin/true",                    // a prefix twice: not a valid path, ignored, so no ExecStart=
        "@@/bin/true x",                  //
        "/bin/echo a ;",                  // a trailing ';' ends the one command
        "; /bin/echo a ; ;",              //
        "/bin/echo a ; /bin/echo b",      // two commands: refused by split_command_line, and by verify here
        "/bin/echo \\ud800 \\U0001F600",  // \u of a surrogate is taken (three bytes)
        "/bin/echo \\U0000FFFE",          // \U of a non-character is no escape: kept literally
        "/bin/echo ${FOO ${A:-b} $$X",    // not expanded by 252 (only $$ is read here)
        "-!!/bin/echo x",
    };
    for (const auto& v : values) {
        INFO("ExecStart=" << v);
        const auto view = oracle::verify_unit("[Service]\nExecStart=" + v + "\n", "vec.service");
        const auto mine = systemd::split_command_line(v);
        INFO((mine ? std::string("split ok") : mine.error().message));
        // verify exits non-zero on any warning ("Ignoring unknown escape sequences"), so what counts is
        // whether systemd loaded exactly one command: then its argv is ours, else ours is an error.
        if (view.commands("ExecStart").size() == 1) {
            REQUIRE(mine.has_value());
            std::vector<std::string> dumped = view.commands("ExecStart")[0];
            for (auto& a : dumped)  // the dump shows argv before exec time, where "$$" is still doubled
                for (std::size_t p = a.find("$$"); p != std::string::npos; p = a.find("$$", p + 1))
                    a.erase(p, 1);
            CHECK(*mine == dumped);
        } else {
            CHECK(view.rc != 0);
            CHECK_FALSE(mine.has_value());
        }
    }
}

TEST_CASE("oracle: systemd refuses a unit with a line that is not UTF-8, and so does parse_unit",
          "[systemd][oracle][vectors]") {
    if (auto why = oracle::systemd_unavailable()) HERMES_SKIP(*why);
    for (const char* bad : {"X-Foo=\xff", "Description=\xef\xbf\xbe", "Description=\xed\xa0\x80"}) {
        const std::string unit = std::string("[Service]\nExecStart=/bin/true\n") + bad + "\n";
        const auto view = oracle::verify_unit(unit, "utf8.service");
        CHECK(view.rc != 0);
        const auto mine = systemd::parse_unit(unit);
        REQUIRE_FALSE(mine);
        CHECK(mine.error().code == hermes::service::errc::invalid_utf8);
        CHECK(mine.error().field == "line 3");
    }
}

TEST_CASE("oracle: escape_unit_path(\"\") is what systemd-escape --path prints",
          "[systemd][oracle][vectors]") {
    namespace od = oracle::detail;
    if (od::run("command -v systemd-escape").status != 0) HERMES_SKIP("systemd-escape is not installed");
    const auto real = od::run("systemd-escape --path ''");
    REQUIRE(real.status == 0);
    CHECK(*systemd::escape_unit_path("") + "\n" == real.out);
}

TEST_CASE("oracle: parse_plist reads hexadecimal integers as plistlib does", "[launchd][oracle][vectors]") {
    if (auto why = oracle::plist_unavailable()) HERMES_SKIP(*why);
    for (const char* n : {"0xa", "0XFF", "0x7fffffffffffffff", "0123", "-5"}) {
        const std::string doc = std::string("<plist version=\"1.0\"><integer>") + n + "</integer></plist>\n";
        INFO(doc);
        const auto real = oracle::check_plist(doc);
        REQUIRE(real.strict_ok);
        REQUIRE(real.leaves.size() == 1);
        const auto mine = launchd::parse_plist(doc);
        REQUIRE(mine);
        REQUIRE(mine->as_integer() != nullptr);
        CHECK(std::to_string(*mine->as_integer()) == real.leaves[0].value);
    }
}
