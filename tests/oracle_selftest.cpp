// Self-test of the real-tool oracles (tests/support/oracles.hpp, tests/oracles/*.py) on
// hand-written unit files and plists whose parsed form is known from observations with
// systemd 252 / libxml2 2.9.14 / python3 plistlib (reference service-syntax.md §2-§4).
// These tests do not use the library: they check that the oracles report what the real
// tools parsed, so that library tests can trust them.
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/oracles.hpp"

namespace o = hermes_test::oracle;
using argv_t = std::vector<std::string>;

#define REQUIRE_SYSTEMD()                                         \
  do {                                                            \
    if (auto why_ = o::systemd_unavailable()) HERMES_SKIP(*why_); \
  } while (0)
#define REQUIRE_SYSTEMD_USER()                                         \
  do {                                                                 \
    if (auto why_ = o::systemd_user_unavailable()) HERMES_SKIP(*why_); \
  } while (0)
#define REQUIRE_PLIST()                                         \
  do {                                                          \
    if (auto why_ = o::plist_unavailable()) HERMES_SKIP(*why_); \
  } while (0)

namespace {

const char* const pct_escaped =
    "[Unit]\n"
    "Description=Percent escaped 100%% sure\n"
    "[Service]\n"
    "ExecStart=/bin/echo \"/tmp/a%%b\" 50%%\n"
    "WorkingDirectory=/srv/t/pct%%dir\n"
    "Environment=\"P=100%%\"\n"
    "[Install]\n"
    "WantedBy=multi-user.target\n";

const char* const spaces =
    "[Unit]\n"
    "Description=Path with spaces\n"
    "[Service]\n"
    "ExecStart=\"/srv/t/dir with space/my prog\" \"arg one\" 'arg two' plain\\x20hex \"tab\\there\" "
    "\"nl\\nhere\"\n"
    "WorkingDirectory=/srv/t/dir with space\n";

const argv_t spaces_argv = {
    "/srv/t/dir with space/my prog", "arg one", "arg two", "plain hex", "tab\there", "nl\nhere"};

void check_pct_escaped(const o::systemd_view& v) {
    CHECK(v.rc == 0);
    CHECK(v.diagnostics.empty());
    CHECK(v.description == std::optional<std::string>("Percent escaped 100% sure"));
    CHECK(v.working_directory == std::optional<std::string>("/srv/t/pct%dir"));
    REQUIRE(v.environment.size() == 1);
    CHECK(v.environment[0].first == "P");
    CHECK(v.environment[0].second == "100%");
    CHECK(v.env("P") == std::optional<std::string>("100%"));
    CHECK_FALSE(v.user.has_value());
    CHECK_FALSE(v.group.has_value());
    REQUIRE(v.exec.size() == 1);
    CHECK(v.exec[0].first == "ExecStart");
    CHECK(v.exec[0].second == argv_t{"/bin/echo", "/tmp/a%b", "50%"});
}

}  // namespace

TEST_CASE("systemd oracle: pct-escaped.service decodes % escapes", "[oracle][systemd]") {
    REQUIRE_SYSTEMD();
    check_pct_escaped(o::verify_unit(pct_escaped, "pct-escaped.service"));
}

TEST_CASE("systemd oracle: pct-escaped.service in user scope", "[oracle][systemd][user]") {
    REQUIRE_SYSTEMD_USER();
    check_pct_escaped(o::verify_unit(pct_escaped, "pct-escaped.service", true));
}

TEST_CASE("systemd oracle: spaces.service with a stub executable", "[oracle][systemd]") {
    REQUIRE_SYSTEMD();
    SECTION("without the stub the missing binary is reported") {
        const auto v = o::verify_unit(spaces, "spaces.service");
        CHECK(v.rc != 0);
        REQUIRE(v.diagnostics.size() == 1);
        CHECK(v.diagnostics[0].find("Command /srv/t/dir with space/my prog is not executable") !=
              std::string::npos);
        // the parsed view is still available
        REQUIRE(v.exec.size() == 1);
        CHECK(v.exec[0].second == spaces_argv);
    }
    SECTION("with the stub it verifies cleanly") {
        const auto v = o::verify_unit(spaces, "spaces.service", false, {"/srv/t/dir with space/my prog"});
        CHECK(v.rc == 0);
        CHECK(v.diagnostics.empty());
        CHECK(v.description == std::optional<std::string>("Path with spaces"));
        CHECK(v.working_directory == std::optional<std::string>("/srv/t/dir with space"));
        REQUIRE(v.exec.size() == 1);
        CHECK(v.exec[0].first == "ExecStart");
        CHECK(v.exec[0].second == spaces_argv);
    }
}

TEST_CASE("systemd oracle: user scope with a stub executable", "[oracle][systemd][user]") {
    REQUIRE_SYSTEMD_USER();
    if (auto why = o::systemd_user_stubs_unavailable()) HERMES_SKIP(*why);
    const auto v = o::verify_unit(spaces, "spaces.service", true, {"/srv/t/dir with space/my prog"});
    CHECK(v.rc == 0);
    CHECK(v.diagnostics.empty());
    REQUIRE(v.exec.size() == 1);
    CHECK(v.exec[0].second == spaces_argv);
}

TEST_CASE("systemd oracle: $ and quoting in Command Line dumps", "[oracle][systemd]") {
    REQUIRE_SYSTEMD();
    const auto v = o::verify_unit(
        "[Service]\n"
        "ExecStart=/bin/echo $HOME ${HOME} $$HOME \"$$\" '$$'\n"
        "ExecStartPre=/bin/echo \"\" '' \"\"x \"\\xff\" \"\\xc3\\xa9\" <>|&*?[]~{} \"a\\\\b\" \"q\\\"q\" "
        "`bt` "
        "\"\\x01\\x1b\\x7f\" \"\\a\\b\\f\\v\\r\"\n"
        "ExecStopPost=/bin/false ; /bin/true x\n",
        "dollar.service");
    CHECK(v.rc == 0);
    CHECK(v.diagnostics.empty());
    CHECK(v.description == std::optional<std::string>("dollar.service"));  // unset: the unit name
    CHECK(v.commands("ExecStart") ==
          std::vector<argv_t>{{"/bin/echo", "$HOME", "${HOME}", "$$HOME", "$$", "$$"}});
    CHECK(v.commands("ExecStartPre") ==
          std::vector<argv_t>{{"/bin/echo", "", "", "x", "\xff", "\xc3\xa9", "<>|&*?[]~{}", "a\\b", "q\"q",
                               "`bt`", "\x01\x1b\x7f", "\a\b\f\v\r"}});
    CHECK(v.commands("ExecStopPost") == std::vector<argv_t>{{"/bin/false"}, {"/bin/true", "x"}});
    // dump order: ExecStartPre, ExecStart, ..., ExecStopPost
    REQUIRE(v.exec.size() == 4);
    CHECK(v.exec[0].first == "ExecStartPre");
    CHECK(v.exec[1].first == "ExecStart");
}

TEST_CASE("systemd oracle: Environment values, User and Group", "[oracle][systemd]") {
    REQUIRE_SYSTEMD();
    const auto v = o::verify_unit(
        "[Service]\n"
        "ExecStart=/bin/true\n"
        "Environment=\"A=b c\" \"D=e\" \"NL=line1\\nline2\" \"T=x\\ty\" EMPTY= \"E==\" \"Q=\\\"'$x\"\n"
        "User=root\n"
        "Group=root\n",
        "env.service");
    CHECK(v.rc == 0);
    CHECK(v.diagnostics.empty());
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"A", "b c"},  {"D", "e"}, {"NL", "line1\nline2"}, {"T", "x\ty"},
        {"EMPTY", ""}, {"E", "="}, {"Q", "\"'$x"}};
    CHECK(v.environment == expected);
    CHECK(v.user == std::optional<std::string>("root"));
    CHECK(v.group == std::optional<std::string>("root"));
}

TEST_CASE("systemd oracle: non-existent WorkingDirectory and User are not errors", "[oracle][systemd]") {
    REQUIRE_SYSTEMD();
    const char* unit =
        "[Unit]\nDescription=Hermes gateway\nAfter=network-online.target\nWants=network-online.target\n"
        "[Service]\nType=simple\nExecStart=\"/opt/hermes/bin/hermes-gateway\" \"--port\" \"8080\"\n"
        "WorkingDirectory=/home/alice/.hermes\nUser=alice\nRestart=always\n"
        "[Install]\nWantedBy=multi-user.target\n";
    const auto v = o::verify_unit(unit, "hermes-gateway.service", false, {"/opt/hermes/bin/hermes-gateway"});
    CHECK(v.rc == 0);
    CHECK(v.diagnostics.empty());
    CHECK(v.working_directory == std::optional<std::string>("/home/alice/.hermes"));
    CHECK(v.user == std::optional<std::string>("alice"));
    CHECK(v.commands("ExecStart") ==
          std::vector<argv_t>{{"/opt/hermes/bin/hermes-gateway", "--port", "8080"}});
}

TEST_CASE("systemd oracle: invalid units give rc != 0 and diagnostics", "[oracle][systemd]") {
    REQUIRE_SYSTEMD();
    SECTION("relative WorkingDirectory (fatal)") {
        const auto v = o::verify_unit("[Service]\nExecStart=/bin/true\nWorkingDirectory=relative/dir\n",
                                      "relwd.service");
        CHECK(v.rc != 0);
        REQUIRE_FALSE(v.diagnostics.empty());
        CHECK(v.diagnostics[0].find("WorkingDirectory= path is not absolute: relative/dir") !=
              std::string::npos);
    }
    SECTION("unknown key and unknown escape (warnings, strict mode fails)") {
        const auto v = o::verify_unit("[Service]\nExecStart=/bin/echo a\\ b\nFooBar=1\n", "warn.service");
        CHECK(v.rc != 0);
        CHECK(v.diagnostics.size() == 2);
    }
    SECTION("User=nobody: rc 0 but a diagnostic") {
        const auto v = o::verify_unit("[Service]\nExecStart=/bin/true\nUser=nobody\n", "nobody.service");
        CHECK(v.rc == 0);
        REQUIRE(v.diagnostics.size() == 1);
        CHECK(v.diagnostics[0].find("Special user nobody configured") != std::string::npos);
    }
}

TEST_CASE("plist_path helper", "[oracle][plist]") {
    CHECK(o::plist_path({"Label"}) == "4c6162656c");
    CHECK(o::plist_path({"ProgramArguments", 0}) == "50726f6772616d417267756d656e7473/0");
    CHECK(o::plist_path({"KeepAlive", std::string("Crashed")}) == "4b656570416c697665/43726173686564");
    CHECK(o::plist_path({""}) == "-");
    CHECK(o::plist_path({}) == ".");
}

TEST_CASE("plist oracle: XML escapes decode exactly", "[oracle][plist]") {
    REQUIRE_PLIST();
    const auto v = o::check_plist(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        "<plist version=\"1.0\">\n"
        "<dict>\n"
        "\t<key>Label</key>\n"
        "\t<string>com.example.my-daemon</string>\n"
        "\t<key>ProgramArguments</key>\n"
        "\t<array>\n"
        "\t\t<string>/opt/My App/bin/daemon</string>\n"
        "\t\t<string>a &amp; b &lt;c&gt; ]]&gt; cr&#13;tab\tlf\n\xf0\x9f\x98\x80 \"q\" 'sq'</string>\n"
        "\t\t<string></string>\n"
        "\t</array>\n"
        "\t<key>EnvironmentVariables</key>\n"
        "\t<dict>\n"
        "\t\t<key>A&amp;B</key>\n"
        "\t\t<string>x</string>\n"
        "\t</dict>\n"
        "\t<key>KeepAlive</key>\n"
        "\t<dict>\n"
        "\t\t<key>SuccessfulExit</key>\n"
        "\t\t<false/>\n"
        "\t</dict>\n"
        "\t<key>RunAtLoad</key>\n"
        "\t<true/>\n"
        "\t<key>ThrottleInterval</key>\n"
        "\t<integer>10</integer>\n"
        "\t<key>Sockets</key>\n"
        "\t<array/>\n"
        "</dict>\n"
        "</plist>\n");
    CHECK(v.xmllint_rc == 0);
    CHECK(v.xmllint_diagnostics.empty());
    CHECK(v.strict_ok);
    CHECK(v.strict_error.empty());
    REQUIRE(v.leaves.size() == 9);
    auto leaf = [&](std::size_t i, const char* kind, const std::string& path, const std::string& value) {
        INFO("leaf " << i);
        CHECK(v.leaves[i].kind == kind);
        CHECK(v.leaves[i].path == path);
        CHECK(v.leaves[i].value == value);
    };
    leaf(0, "string", o::plist_path({"Label"}), "com.example.my-daemon");
    leaf(1, "string", o::plist_path({"ProgramArguments", 0}), "/opt/My App/bin/daemon");
    leaf(2, "string", o::plist_path({"ProgramArguments", 1}),
         "a & b <c> ]]> cr\rtab\tlf\n\xf0\x9f\x98\x80 \"q\" 'sq'");
    leaf(3, "string", o::plist_path({"ProgramArguments", 2}), "");
    leaf(4, "string", o::plist_path({"EnvironmentVariables", "A&B"}), "x");
    leaf(5, "false", o::plist_path({"KeepAlive", "SuccessfulExit"}), "");
    leaf(6, "true", o::plist_path({"RunAtLoad"}), "");
    leaf(7, "integer", o::plist_path({"ThrottleInterval"}), "10");
    leaf(8, "emptyarray", o::plist_path({"Sockets"}), "");
    REQUIRE(v.find(o::plist_path({"Label"})) != nullptr);
    CHECK(v.find(o::plist_path({"Nope"})) == nullptr);
}

TEST_CASE("plist oracle: malformed plists are rejected", "[oracle][plist]") {
    REQUIRE_PLIST();
    auto doc = [](const std::string& body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n" + body +
               "\n</dict>\n</plist>\n";
    };
    SECTION("raw &") {
        const auto v = o::check_plist(doc("<key>A</key><string>a & b</string>"));
        CHECK_FALSE(v.strict_ok);
        CHECK(v.strict_error.find("ExpatError") != std::string::npos);
        CHECK(v.xmllint_rc == 1);
        CHECK(v.leaves.empty());
    }
    SECTION("raw <") {
        const auto v = o::check_plist(doc("<key>A</key><string>a < b</string>"));
        CHECK_FALSE(v.strict_ok);
        CHECK(v.xmllint_rc == 1);
    }
    SECTION("raw control character 0x01") {
        const auto v = o::check_plist(doc("<key>A</key><string>a\x01z</string>"));
        CHECK_FALSE(v.strict_ok);
        CHECK(v.xmllint_rc == 1);
    }
    SECTION("character reference &#1;") {
        const auto v = o::check_plist(doc("<key>A</key><string>a&#1;z</string>"));
        CHECK_FALSE(v.strict_ok);
        CHECK(v.xmllint_rc == 1);
    }
    SECTION("duplicate key: well-formed and DTD-valid, strict parse fails") {
        const auto v = o::check_plist(doc("<key>A</key><string>1</string><key>A</key><string>2</string>"));
        CHECK(v.xmllint_rc == 0);
        CHECK_FALSE(v.strict_ok);
        CHECK(v.strict_error.find("duplicate dict key") != std::string::npos);
    }
    SECTION("<bool> element: DTD violation") {
        const auto v = o::check_plist(doc("<key>A</key><bool>yes</bool>"));
        CHECK(v.xmllint_wellformed_rc == 0);
        CHECK(v.xmllint_dtd_rc == 3);
        CHECK(v.xmllint_rc == 3);
        CHECK_FALSE(v.strict_ok);
    }
    SECTION("bad integer: DTD cannot tell, strict parse fails") {
        const auto v = o::check_plist(doc("<key>A</key><integer>12abc</integer>"));
        CHECK(v.xmllint_rc == 0);
        CHECK_FALSE(v.strict_ok);
    }
}
