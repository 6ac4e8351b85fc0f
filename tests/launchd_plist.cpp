// SPDX-License-Identifier: MIT
// Tests for <hermes/service/launchd.hpp>: the plist writer (golden, errors), its reader, and both
// held against expat (python3 plistlib) and libxml2 (xmllint with the plist DTD).
#include <cstdint>
#include <hermes/service/launchd.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/expect_error.hpp"
#include "support/oracles.hpp"

using hermes::service::errc;
namespace launchd = hermes::service::launchd;
namespace oracle = hermes_test::oracle;

namespace {

launchd::plist_builder minimal() {
    launchd::plist_builder b;
    b.label("ai.hermes.gateway").program_arguments({"/usr/bin/true"});
    return b;
}

using hermes_test::error_of;

}  // namespace

TEST_CASE("a full agent plist renders byte for byte", "[launchd][golden]") {
    launchd::plist_builder b;
    b.label("ai.hermes.gateway-work")
        .program_arguments(
            {"/Users/alice/.hermes/venv/bin/python", "-c", "print('a & b')", "--profile", "work"})
        .working_directory("/Users/alice/.hermes/profiles/work")
        .environment("PATH", "/usr/bin:/bin")
        .environment("HERMES_HOME", "/Users/alice/.hermes/profiles/work")
        .limit_load_to_session_type({"Aqua", "Background"})
        .run_at_load(true)
        .keep_alive(true)
        .throttle_interval(30)
        .exit_timeout(25)
        .number_of_files_soft_limit(4096)
        .standard_out_path("/Users/alice/.hermes/profiles/work/logs/gateway.log")
        .standard_error_path("/Users/alice/.hermes/profiles/work/logs/gateway.error.log")
        .process_type(launchd::process_type::background);
    const auto r = b.build();
    REQUIRE(r);
    CHECK(*r == R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>ai.hermes.gateway-work</string>

    <key>ProgramArguments</key>
    <array>
        <string>/Users/alice/.hermes/venv/bin/python</string>
        <string>-c</string>
        <string>print(&#x27;a &amp; b&#x27;)</string>
        <string>--profile</string>
        <string>work</string>
    </array>

    <key>WorkingDirectory</key>
    <string>/Users/alice/.hermes/profiles/work</string>

    <key>EnvironmentVariables</key>
    <dict>
        <key>PATH</key>
        <string>/usr/bin:/bin</string>
        <key>HERMES_HOME</key>
        <string>/Users/alice/.hermes/profiles/work</string>
    </dict>

    <key>LimitLoadToSessionType</key>
    <array>
        <string>Aqua</string>
        <string>Background</string>
    </array>

    <key>RunAtLoad</key>
    <true/>

    <key>KeepAlive</key>
    <true/>

    <key>ThrottleInterval</key>
    <integer>30</integer>

    <key>ExitTimeOut</key>
    <integer>25</integer>

    <key>SoftResourceLimits</key>
    <dict>
        <key>NumberOfFiles</key>
        <integer>4096</integer>
    </dict>

    <key>StandardOutPath</key>
    <string>/Users/alice/.hermes/profiles/work/logs/gateway.log</string>

    <key>StandardErrorPath</key>
    <string>/Users/alice/.hermes/profiles/work/logs/gateway.error.log</string>

    <key>ProcessType</key>
    <string>Background</string>
</dict>
</plist>
)");
}

TEST_CASE("a daemon carries UserName and GroupName; an agent refuses them", "[launchd]") {
    const auto daemon = launchd::plist_builder(launchd::job_kind::daemon)
                            .label("ai.hermes.daemon")
                            .program_arguments({"/usr/local/bin/hermes"})
                            .user_name("_hermes")
                            .group_name("staff")
                            .keep_alive(false)
                            .build();
    REQUIRE(daemon);
    CHECK(daemon->find("    <key>UserName</key>\n    <string>_hermes</string>\n\n    <key>GroupName</key>\n  "
                       "  <string>staff</string>\n") != std::string::npos);
    CHECK(daemon->find("<false/>") != std::string::npos);
    CHECK(error_of(minimal().user_name("alice"), errc::not_allowed, "UserName") ==
          "applies only to LaunchDaemons (launchd refuses it in an agent); build with job_kind::daemon");
    error_of(minimal().group_name("staff"), errc::not_allowed, "GroupName");
    error_of(launchd::plist_builder(launchd::job_kind::daemon)
                 .label("a.b")
                 .program_arguments({"/x"})
                 .user_name("bad name"),
             errc::invalid_name, "UserName");
}

TEST_CASE("plist errors name the key", "[launchd][errors]") {
    CHECK(error_of(launchd::plist_builder{}.program_arguments({"/x"}), errc::missing_field, "Label") ==
          "a job needs a Label; call label()");
    error_of(launchd::plist_builder{}.label("a.b"), errc::missing_field, "ProgramArguments");
    error_of(minimal().program_arguments({}), errc::empty_value, "ProgramArguments");
    CHECK(error_of(minimal().program_arguments({"python3"}), errc::relative_path, "ProgramArguments[0]") ==
          "must be an absolute path, got \"python3\"");
    CHECK(error_of(minimal().program_arguments({"/x", "ok", "esc\x1b"}), errc::control_character,
                   "ProgramArguments[2]") ==
          "contains the control character U+001B at character 4 (byte 4); XML 1.0 cannot carry it, not even "
          "as a character reference");
    CHECK(error_of(minimal().program_arguments({"/x", "\xef\xbf\xbe"}), errc::unrepresentable,
                   "ProgramArguments[1]") ==
          "contains the non-character U+FFFE at character 1 (byte 1), which XML 1.0 cannot carry");
    error_of(minimal().program_arguments({"/x", "\xc3("}), errc::invalid_utf8, "ProgramArguments[1]");
    error_of(minimal().working_directory("relative"), errc::relative_path, "WorkingDirectory");
    error_of(minimal().working_directory("/a\nb"), errc::control_character, "WorkingDirectory");
    error_of(minimal().standard_out_path("logs/out.log"), errc::relative_path, "StandardOutPath");
    error_of(minimal().standard_error_path(""), errc::empty_value, "StandardErrorPath");
    CHECK(error_of(minimal().environment("A", "1").environment("A", "2"), errc::duplicate,
                   "EnvironmentVariables[A]") == "variable A is set twice; set it once");
    error_of(minimal().environment("BAD-NAME", "1"), errc::invalid_name, "EnvironmentVariables[BAD-NAME]");
    error_of(minimal().environment("A", std::string("\0", 1)), errc::control_character,
             "EnvironmentVariables[A]");
    error_of(minimal().exit_timeout(0), errc::out_of_range, "ExitTimeOut");
    error_of(minimal().number_of_files_soft_limit(0), errc::out_of_range, "SoftResourceLimits.NumberOfFiles");
    CHECK(error_of(minimal().limit_load_to_session_type({"Aqua", "Desktop"}), errc::invalid_value,
                   "LimitLoadToSessionType[1]") ==
          "\"Desktop\" is not Aqua, Background, LoginWindow, StandardIO or System");
    error_of(minimal().limit_load_to_session_type({}), errc::empty_value, "LimitLoadToSessionType");
}

TEST_CASE("labels", "[launchd][errors]") {
    CHECK(minimal().label("com.example.my-daemon_2").build().has_value());
    CHECK(error_of(minimal().label("1password.helper"), errc::invalid_name, "Label") ==
          "\"1password.helper\" has '1' at character 1 (byte 1); labels are reverse-DNS names: ASCII "
          "letters, digits, '.', '_' "
          "and '-', starting with a letter");
    error_of(minimal().label("a/b"), errc::invalid_name, "Label");
    error_of(minimal().label("a\nb"), errc::invalid_name, "Label");
    error_of(minimal().label(""), errc::empty_value, "Label");
    error_of(minimal().label(std::string(250, 'a')), errc::out_of_range, "Label");
    CHECK(error_of(minimal().label("COM.Apple.launchd.x"), errc::invalid_name, "Label") ==
          "\"com.apple.\" labels are reserved for Apple");
}

TEST_CASE("parse_plist reads back exactly what the builder wrote", "[launchd][roundtrip]") {
    std::vector<std::string> argv{"/opt/My App/bin/run"};
    for (const auto& a : hermes_test::xml_carryable_arguments()) argv.push_back(a);
    argv.emplace_back("]]> <![CDATA[ &amp; &#13;");
    launchd::plist_builder b;
    b.label("ai.hermes.gateway")
        .program_arguments(argv)
        .environment("V", "a&b<c>\r\n")
        .keep_alive(false)
        .throttle_interval(0);
    const auto text = b.build();
    REQUIRE(text);
    const auto v = launchd::parse_plist(*text);
    REQUIRE(v);
    const auto* args = v->find("ProgramArguments")->as_array();
    REQUIRE(args != nullptr);
    REQUIRE(args->size() == argv.size());
    for (std::size_t i = 0; i < argv.size(); ++i) CHECK(*(*args)[i].as_string() == argv[i]);
    CHECK(*v->find("EnvironmentVariables")->find("V")->as_string() == "a&b<c>\r\n");
    CHECK(*v->find("KeepAlive")->as_bool() == false);
    CHECK(*v->find("ThrottleInterval")->as_integer() == 0);
    CHECK(v->find("Nope") == nullptr);
}

TEST_CASE("parse_plist is strict like expat", "[launchd][parse]") {
    const std::string head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n";
    const auto parse_error = [&](const std::string& body) {
        const auto r = launchd::parse_plist(head + body + "\n</plist>\n");
        REQUIRE_FALSE(r);
        return r.error();
    };
    CHECK(parse_error("<string>a & b</string>").message.find("malformed reference") != std::string::npos);
    CHECK(parse_error("<string>a < b</string>").code == errc::parse_error);
    CHECK(parse_error("<string>\x01</string>").message ==
          "line 3, column 9 (byte 70): a character XML 1.0 cannot carry");
    CHECK(parse_error("<string>&#1;</string>").code == errc::parse_error);
    CHECK(parse_error("<string>&nbsp;</string>").message.find("undefined entity &nbsp;") !=
          std::string::npos);
    CHECK(parse_error("<array><string>x</string></dict></array>").code == errc::parse_error);
    CHECK(parse_error("<dict><key>A</key><string>1</string><key>A</key><string>2</string></dict>")
              .message.find("duplicate dict key \"A\"") != std::string::npos);
    CHECK(parse_error("<dict><key>Orphan</key></dict>").message.find("missing value for key \"Orphan\"") !=
          std::string::npos);
    CHECK(parse_error("<integer>12abc</integer>").message.find("is not a base-10 integer") !=
          std::string::npos);
    CHECK(parse_error("<string>\xe9</string>").message.find("not valid UTF-8") != std::string::npos);
    CHECK(parse_error("<real>1.5</real>").code == errc::unrepresentable);
    CHECK_FALSE(launchd::parse_plist(head + "<string>x</string>"));  // no </plist>
}

TEST_CASE("parse_plist accepts what XML allows", "[launchd][parse]") {
    const auto v = launchd::parse_plist(
        "<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"x\">\n"
        "<plist "
        "version=\"1.0\"><dict><key>A&amp;B</key><string>&#x41;&#66;&quot;&apos;<![CDATA[<raw>&]]>\r\nz</"
        "string>"
        "<key>E</key><array/><key>D</key><dict/><key>S</key><string/><key>N</"
        "key><integer>-9223372036854775808</integer>"
        "<key>T</key><true/></dict></plist>\n");
    REQUIRE(v);
    CHECK(*v->find("A&B")->as_string() == "AB\"'<raw>&\nz");
    CHECK(v->find("E")->as_array()->empty());
    CHECK(v->find("D")->as_dict()->empty());
    CHECK(v->find("S")->as_string()->empty());
    CHECK(*v->find("N")->as_integer() == INT64_MIN);
    CHECK(*v->find("T")->as_bool());
}

TEST_CASE("oracle: plists parse with plistlib to exactly the inputs and pass the DTD", "[launchd][oracle]") {
    if (auto why = oracle::plist_unavailable()) HERMES_SKIP(*why);
    std::vector<std::string> argv{"/opt/My App/bin/run"};
    for (const auto& a : hermes_test::xml_carryable_arguments()) argv.push_back(a);
    const auto text = launchd::plist_builder(launchd::job_kind::daemon)
                          .label("ai.hermes.gateway")
                          .program_arguments(argv)
                          .working_directory("/Users/alice/My Home/.hermes & co")
                          .environment("PATH", "/usr/bin:/bin")
                          .environment("TRICKY", "<&>\"'\r\n\t]]>")
                          .limit_load_to_session_type({"Aqua", "Background"})
                          .run_at_load(true)
                          .keep_alive(true)
                          .throttle_interval(30)
                          .exit_timeout(25)
                          .number_of_files_soft_limit(4096)
                          .standard_out_path("/tmp/out.log")
                          .standard_error_path("/tmp/err.log")
                          .process_type(launchd::process_type::interactive)
                          .user_name("_hermes")
                          .group_name("_hermes")
                          .build();
    REQUIRE(text);
    const auto view = oracle::check_plist(*text);
    CHECK(view.xmllint_rc == 0);
    CHECK(view.strict_ok);
    const auto leaf = [&](std::initializer_list<oracle::plist_component> path) -> std::string {
        const auto* l = view.find(oracle::plist_path(path));
        REQUIRE(l != nullptr);
        return l->kind + ":" + l->value;
    };
    CHECK(leaf({"Label"}) == "string:ai.hermes.gateway");
    for (std::size_t i = 0; i < argv.size(); ++i) CHECK(leaf({"ProgramArguments", i}) == "string:" + argv[i]);
    CHECK(leaf({"WorkingDirectory"}) == "string:/Users/alice/My Home/.hermes & co");
    CHECK(leaf({"EnvironmentVariables", "TRICKY"}) == "string:<&>\"'\r\n\t]]>");
    CHECK(leaf({"LimitLoadToSessionType", 1}) == "string:Background");
    CHECK(leaf({"RunAtLoad"}) == "true:");
    CHECK(leaf({"ThrottleInterval"}) == "integer:30");
    CHECK(leaf({"SoftResourceLimits", "NumberOfFiles"}) == "integer:4096");
    CHECK(leaf({"ProcessType"}) == "string:Interactive");
    CHECK(leaf({"UserName"}) == "string:_hermes");
}
