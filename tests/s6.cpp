// SPDX-License-Identifier: MIT
// Tests for s6::service_builder and s6::read_service (<hermes/service/s6.hpp>): goldens, one typed error
// per rule, round trips over the hostile corpus, and the reader's refusals.
#include <chrono>
#include <hermes/service/s6.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/expect_error.hpp"

using hermes::service::errc;
using hermes::service::file_set;
namespace s6 = hermes::service::s6;
using hermes_test::error_of;

namespace {

s6::service_builder minimal() {
    s6::service_builder b;
    b.exec({"/usr/bin/gateway"});
    return b;
}

}  // namespace

TEST_CASE("s6: a full service directory renders byte for byte", "[s6][golden]") {
    s6::service_builder b;
    b.exec({"/usr/bin/python3", "-c", "print(\"$1\")", "it's", "a\\b"})
        .working_directory("/home/alice/.hermes")
        .environment("PATH", "/usr/bin:/bin")
        .environment("HERMES_HOME", "/home/alice/.hermes")
        .user("alice")
        .user_home("/home/alice")
        .notification_fd(3)
        .down(true)
        .finish({"/usr/bin/logger", "-t", "gateway"})
        .permanent_failure_exit_code(78)
        .kill_timeout(std::chrono::milliseconds(70000));
    const auto r = b.build();
    REQUIRE(r);
    REQUIRE(r->size() == 5);
    CHECK((*r)[0].path == "run");
    CHECK((*r)[0].mode == 0755);
    CHECK((*r)[0].content == R"run(#!/usr/bin/execlineb -P
cd "/home/alice/.hermes"
s6-setuidgid "alice"
export "HOME" "/home/alice"
export "USER" "alice"
export "LOGNAME" "alice"
export "HERMES_HOME" "/home/alice/.hermes"
export "PATH" "/usr/bin:/bin"
"/usr/bin/python3" "-c" "print(\"$1\")" "it's" "a\\b"
)run");
    CHECK((*r)[1].path == "finish");
    CHECK((*r)[1].mode == 0755);
    CHECK((*r)[1].content ==
          "#!/bin/sh\ntest \"$1\" = 78 && exit 125\nexec '/usr/bin/logger' '-t' 'gateway' \"$@\"\n");
    CHECK((*r)[2].path == "notification-fd");
    CHECK((*r)[2].content == "3\n");
    CHECK((*r)[2].mode == 0644);
    CHECK((*r)[3].path == "timeout-kill");
    CHECK((*r)[3].content == "70000\n");
    CHECK((*r)[4].path == "down");
    CHECK((*r)[4].content.empty());
}

TEST_CASE("s6: the minimal service is one run script", "[s6][golden]") {
    const auto r = minimal().build();
    REQUIRE(r);
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].content == "#!/usr/bin/execlineb -P\n\"/usr/bin/gateway\"\n");
}

TEST_CASE("s6: typed errors name the field", "[s6][errors]") {
    CHECK(error_of(s6::service_builder(), errc::missing_field, "exec") == "no command was given");
    CHECK(error_of(s6::service_builder().exec({}), errc::empty_value, "exec") ==
          "the command line is empty; give at least the executable");
    CHECK(error_of(s6::service_builder().exec({"gateway"}), errc::relative_path, "exec[0]") ==
          "must be an absolute path, got \"gateway\"");
    CHECK(
        error_of(minimal().exec({"/bin/x", std::string("a\0b", 3)}), errc::control_character, "exec[1]") ==
        "contains a NUL character (U+0000) at character 2 (byte 2); a process argument, environment value or "
        "path cannot hold NUL");
    CHECK(error_of(minimal().working_directory("srv"), errc::relative_path, "working_directory") ==
          "must be an absolute path, got \"srv\"");
    CHECK(error_of(minimal().working_directory(""), errc::empty_value, "working_directory") ==
          "the path is empty");
    CHECK(error_of(minimal().environment("A=B", "x"), errc::invalid_name, "environment[A=B]") ==
          "variable name \"A=B\" has '=' at byte 2; a name cannot hold '=' or NUL");
    CHECK(error_of(minimal().environment("", "x"), errc::empty_value, "environment[]") ==
          "the variable name is empty");
    CHECK(error_of(minimal().environment("K", "1").environment("K", "2"), errc::duplicate,
                   "environment[K]") == "the variable is set twice");
    CHECK(error_of(minimal().user("alice"), errc::missing_field, "user_home") ==
          "user() needs the account's home: s6-setuidgid does not set HOME");
    CHECK(error_of(minimal().user_home("/home/alice"), errc::not_allowed, "user_home") ==
          "a home without user() has no account");
    CHECK(error_of(minimal().user("1000").user_home("/h"), errc::invalid_name, "user") ==
          "\"1000\" is numeric; the account is looked up by name");
    CHECK(error_of(minimal().user("al ice").user_home("/h"), errc::invalid_name, "user").find("has ' '") !=
          std::string::npos);
    CHECK(error_of(minimal().user("alice").user_home("/h").environment("HOME", "/x"), errc::duplicate,
                   "environment[HOME]") == "user() exports HOME, USER and LOGNAME for the account");
    CHECK(error_of(minimal().notification_fd(1), errc::out_of_range, "notification_fd") ==
          "1 is not a free descriptor (3 or more; 0, 1, 2 are stdin, stdout, stderr)");
    CHECK(error_of(minimal().finish({"true"}), errc::relative_path, "finish[0]") ==
          "must be an absolute path, got \"true\"");
    CHECK(error_of(minimal().permanent_failure_exit_code(256), errc::out_of_range,
                   "permanent_failure_exit_code") == "256 is not an exit status (0..255)");
    CHECK(error_of(minimal().kill_timeout(std::chrono::milliseconds(0)), errc::out_of_range,
                   "kill_timeout") == "0 ms; give at least 1 ms");
}

TEST_CASE("s6: every hostile value and byte reads back exactly", "[s6][roundtrip]") {
    std::vector<std::string> argv = {"/opt/my app/bin"};
    for (const std::string& a : hermes_test::hostile_arguments()) argv.push_back(a);
    std::string all;
    for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
    argv.push_back(all);
    s6::service_builder b;
    b.exec(argv).working_directory("/srv/" + all.substr(0, 46) + all.substr(47)).finish(argv);
    std::size_t i = 0;
    for (const std::string& a : argv)
        b.environment("V" + std::to_string(i++) + a.substr(0, a.find('=')).substr(0, 3), a);
    b.user("svc").user_home("/var/lib/svc dir");
    const auto files = b.build();
    REQUIRE(files);
    const auto d = s6::read_service(*files);
    REQUIRE(d);
    CHECK(d->argv == argv);
    CHECK(d->finish == argv);
    CHECK(d->working_directory == "/srv/" + all.substr(0, 46) + all.substr(47));
    CHECK(d->user == "svc");
    CHECK(d->user_home == "/var/lib/svc dir");
    REQUIRE(d->environment.size() == argv.size());
    i = 0;
    for (const std::string& a : argv)
        CHECK(d->environment.at("V" + std::to_string(i++) + a.substr(0, a.find('=')).substr(0, 3)) == a);
    CHECK_FALSE(d->notification_fd);
    CHECK_FALSE(d->down);
}

TEST_CASE("s6: the reader refuses what the writer never writes", "[s6][read]") {
    const auto run = [](std::string text) { return file_set{{"run", std::move(text), 0755}}; };
    const auto err = [](const file_set& f) {
        const auto d = s6::read_service(f);
        REQUIRE_FALSE(d);
        return d.error();
    };
    auto e = err(run("#!/usr/bin/execlineb -S1\n\"/bin/x\"\n"));
    CHECK(e.code == errc::parse_error);
    CHECK(e.field == "run");
    CHECK(e.message == "the first line is not #!/usr/bin/execlineb -P; not what the writer produces");
    e = err(run("#!/usr/bin/execlineb -P\nforeground { \"/bin/x\" }\n\"/bin/y\"\n"));
    CHECK(e.message == "an execline block at character 36 (byte 36); not what the writer produces");
    e = err(run("#!/usr/bin/execlineb -P\n\"/bin/x\" \"\\0x41\"\n"));
    CHECK(e.message ==
          "the escape \\0 (execline reads it as a numeric or literal escape) at character 35 (byte 35); not "
          "what "
          "the writer produces");
    e = err(run("#!/usr/bin/execlineb -P\n\"/bin/x\" unquoted\n"));
    CHECK(e.message == "the bare word \"unquoted\" in the command; not what the writer produces");
    e = err(run("#!/usr/bin/execlineb -P\n\"/bin/x\" \"open\n"));
    CHECK(e.message ==
          "a quoted word that is never closed at character 34 (byte 34); not what the writer produces");
    e = err(file_set{{"run", "#!/usr/bin/execlineb -P\n\"/x\"\n", 0755}, {"log/run", "", 0755}});
    CHECK(e.field == "log/run");
    CHECK(e.message == "not a file the s6 writer produces");
    e = err(file_set{});
    CHECK(e.code == errc::missing_field);
    CHECK(e.message == "the service directory has no run script");
    e = err(
        file_set{{"run", "#!/usr/bin/execlineb -P\n\"/x\"\n", 0755}, {"notification-fd", "three\n", 0644}});
    CHECK(e.field == "notification-fd");
    CHECK(e.message == "expected one decimal number and a newline, got \"three\\n\"");
    e = err(file_set{{"run", "#!/usr/bin/execlineb -P\n\"/x\"\n", 0755},
                     {"finish", "#!/bin/sh\nrm -rf /\n", 0755}});
    CHECK(e.field == "finish");
    CHECK(e.message == "a command other than `exec ARGV... \"$@\"`; not what the writer produces");
    // comments and layout are execline's, not the writer's: still read
    const auto d =
        s6::read_service(run("#!/usr/bin/execlineb -P\n# a comment\ncd \"/srv\"\n  \"/bin/x\"\t\"a\\tb\"\n"));
    REQUIRE(d);
    CHECK(d->working_directory == "/srv");
    CHECK(d->argv == std::vector<std::string>{"/bin/x", "a\tb"});
}
