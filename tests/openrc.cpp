// SPDX-License-Identifier: MIT
// Tests for openrc::script_builder and openrc::read_script (<hermes/service/openrc.hpp>): goldens, one
// typed error per rule, round trips over the hostile corpus through the eval model, the reader's refusals.
#include <chrono>
#include <hermes/service/openrc.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/expect_error.hpp"

using hermes::service::errc;
namespace openrc = hermes::service::openrc;
using hermes_test::error_of;
using namespace std::chrono_literals;

namespace {

openrc::script_builder minimal() {
    openrc::script_builder b;
    b.command({"/usr/bin/gateway"});
    return b;
}

}  // namespace

TEST_CASE("openrc: a full script renders byte for byte", "[openrc][golden]") {
    openrc::script_builder b;
    b.description("Hermes Agent Gateway")
        .command({"/usr/bin/python3", "two words", "it's"})
        .directory("/home/alice/.hermes")
        .command_user("alice:alice")
        .environment("HERMES_HOME", "/home/alice/.hermes")
        .environment("PATH", "/usr/bin:/bin")
        .respawn_delay(5s)
        .respawn_max(0)
        .pidfile("/run/hermes-gateway.pid")
        .stop_timeout(70s)
        .need("localmount")
        .after("net");
    const auto r = b.build();
    REQUIRE(r);
    CHECK(*r == R"(#!/sbin/openrc-run
description='Hermes Agent Gateway'
supervisor=supervise-daemon
_hermes_env1='HERMES_HOME=/home/alice/.hermes'
_hermes_env2='PATH=/usr/bin:/bin'
_hermes_cmd='/usr/bin/python3'
_hermes_arg1='two words'
_hermes_arg2='it'\''s'
_hermes_dir='/home/alice/.hermes'
command=/usr/bin/env
command_args='"$_hermes_env1" "$_hermes_env2" "$_hermes_cmd" "$_hermes_arg1" "$_hermes_arg2"'
directory='"$_hermes_dir"'
command_user=alice:alice
pidfile=/run/hermes-gateway.pid
respawn_delay=5
respawn_max=0
retry=SIGTERM/70/SIGKILL/5

depend() {
	need localmount
	after net
	:
}
)");
}

TEST_CASE("openrc: without environment the command is its own variable", "[openrc][golden]") {
    const auto r = minimal().build();
    REQUIRE(r);
    CHECK(*r ==
          "#!/sbin/openrc-run\nsupervisor=supervise-daemon\n_hermes_cmd='/usr/bin/gateway'\n"
          "command='\"$_hermes_cmd\"'\n\ndepend() {\n\t:\n}\n");
}

TEST_CASE("openrc: typed errors name the field", "[openrc][errors]") {
    CHECK(error_of(openrc::script_builder(), errc::missing_field, "command") == "no command was given");
    CHECK(error_of(openrc::script_builder().command({"x"}), errc::relative_path, "command[0]") ==
          "must be an absolute path, got \"x\"");
    CHECK(error_of(minimal().command({"/a=b"}).environment("K", "v"), errc::unrepresentable, "command[0]") ==
          "\"/a=b\" contains '='; env would read it as a variable assignment");
    CHECK(error_of(minimal().directory("rel"), errc::relative_path, "directory") ==
          "must be an absolute path, got \"rel\"");
    CHECK(
        error_of(minimal().pidfile("/run/my pid"), errc::unrepresentable, "pidfile") ==
        "\"/run/my pid\" has ' ' at character 8 (byte 8); OpenRC splits, globs and evaluates this value (and "
        "uses it unevaluated on stop), so only ASCII letters, digits and _./:@%+,=- are carried");
    CHECK(error_of(minimal().pidfile("run.pid"), errc::relative_path, "pidfile") ==
          "must be an absolute path, got \"run.pid\"");
    CHECK(error_of(minimal().command_user("al ice"), errc::invalid_name, "command_user").find("has ' '") !=
          std::string::npos);
    CHECK(error_of(minimal().environment("1X", "v"), errc::invalid_name, "environment[1X]") ==
          "variable name \"1X\" has '1' at byte 1; names are ASCII letters, digits and '_', not starting "
          "with a "
          "digit");
    CHECK(error_of(minimal().environment("A", "1").environment("A", "2"), errc::duplicate,
                   "environment[A]") == "the variable is set twice");
    CHECK(
        error_of(minimal().environment("A", std::string("\0", 1)), errc::control_character, "environment[A]")
            .find("NUL") != std::string::npos);
    CHECK(error_of(minimal().respawn_delay(-1s), errc::out_of_range, "respawn_delay") ==
          "-1 seconds is negative");
    CHECK(error_of(minimal().stop_timeout(0s), errc::out_of_range, "stop_timeout") ==
          "0 seconds; give at least 1");
    CHECK(error_of(minimal().need("-net"), errc::invalid_name, "need[0]") ==
          "\"-net\" has '-' at character 1 (byte 1); service names are ASCII letters, digits and _.+- (not "
          "first)");
    CHECK(error_of(minimal().after(""), errc::empty_value, "after[0]") == "the service name is empty");
}

TEST_CASE("openrc: every hostile value and byte reads back exactly through the eval", "[openrc][roundtrip]") {
    std::vector<std::string> argv = {"/opt/it's here/bin"};
    for (const std::string& a : hermes_test::hostile_arguments()) argv.push_back(a);
    std::string all;
    for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
    argv.push_back(all);
    argv.emplace_back("\"$_hermes_cmd\" '$_hermes_arg1'");
    openrc::script_builder b;
    b.command(argv).directory("/" + all.substr(0, 46) + all.substr(47)).description(all);
    for (std::size_t i = 0; i < argv.size(); ++i) b.environment("V" + std::to_string(i), argv[i]);
    const auto text = b.build();
    REQUIRE(text);
    const auto d = openrc::read_script(*text);
    REQUIRE(d);
    CHECK(d->argv == argv);
    CHECK(d->directory == "/" + all.substr(0, 46) + all.substr(47));
    CHECK(d->description == all);
    REQUIRE(d->environment.size() == argv.size());
    for (std::size_t i = 0; i < argv.size(); ++i)
        CHECK(d->environment.at("V" + std::to_string(i)) == argv[i]);
}

TEST_CASE("openrc: the reader evaluates as supervise-daemon.sh and refuses the rest", "[openrc][read]") {
    const auto err = [](const std::string& text) {
        const auto d = openrc::read_script(text);
        REQUIRE_FALSE(d);
        return d.error();
    };
    const std::string head = "#!/sbin/openrc-run\nsupervisor=supervise-daemon\n";
    // a plain sh-quoted command_args (what a generator might write first): eval splits it again
    auto d = openrc::read_script(head + "command=/bin/x\ncommand_args='\"a  b\" c'\n");
    REQUIRE(d);
    CHECK(d->argv ==
          std::vector<std::string>{"/bin/x", "a b", "c"});  // the double space is gone, as observed
    auto e = err(head + "command=/bin/x\ncommand_args='*.txt'\n");
    CHECK(e.code == errc::parse_error);
    CHECK(e.field == "command_args");
    CHECK(e.message == "a glob pattern eval would expand; not what the writer produces");
    e = err(head + "command=/bin/x\ncommand_args='$HOME'\n");
    CHECK(e.message ==
          "the unquoted '$' (an escape, expansion or pattern the reader does not evaluate) at character 1 "
          "(byte "
          "1); not what the writer produces");
    e = err(head + "command='\"$_hermes_nope\"'\n");
    CHECK(e.field == "command");
    CHECK(e.message ==
          "the unknown variable $_hermes_nope at character 2 (byte 2); not what the writer produces");
    e = err(head + "command=/bin/x\nstart_pre() { rm -rf /; }\n");
    CHECK(e.field == "script");
    e = err(head + "command=/bin/x\noutput_log=/tmp/x\n");
    CHECK(e.field == "output_log");
    CHECK(e.message == "a setting the writer does not produce; not what the writer produces");
    e = err("#!/sbin/openrc-run\nsupervisor=start-stop-daemon\ncommand=/bin/x\n");
    CHECK(e.field == "supervisor");
    e = err(head + "_hermes_cmd='/bin/x'\n_hermes_extra='y'\ncommand='\"$_hermes_cmd\"'\n");
    CHECK(e.message == "a variable the settings do not refer to; not what the writer produces");
}
