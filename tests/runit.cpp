// SPDX-License-Identifier: MIT
// Tests for runit::service_builder and runit::read_service (<hermes/service/runit.hpp>): goldens, one typed
// error per rule, round trips over the hostile corpus, and the reader's refusals.
#include <hermes/service/runit.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/corpus.hpp"
#include "support/expect_error.hpp"

using hermes::service::errc;
using hermes::service::file_set;
namespace runit = hermes::service::runit;
using hermes_test::error_of;

namespace {

runit::service_builder minimal() {
    runit::service_builder b;
    b.exec({"/usr/bin/gateway"});
    return b;
}

}  // namespace

TEST_CASE("runit: a full service directory renders byte for byte", "[runit][golden]") {
    runit::service_builder b;
    b.exec({"/usr/bin/python3", "-c", "print('$1')", ""})
        .working_directory("/home/alice/.hermes")
        .environment("PATH", "/usr/bin:/bin")
        .environment("HERMES_HOME", "/home/alice/.hermes")
        .user("alice")
        .user_home("/home/alice")
        .down(true)
        .finish({"/usr/bin/logger", "it's"})
        .permanent_failure_exit_code(78)
        .log(true);
    const auto r = b.build();
    REQUIRE(r);
    REQUIRE(r->size() == 4);
    CHECK((*r)[0].path == "run");
    CHECK((*r)[0].mode == 0755);
    CHECK((*r)[0].content == R"(#!/bin/sh
exec 2>&1
cd '/home/alice/.hermes' || exit 111
export HOME='/home/alice'
export USER='alice'
export LOGNAME='alice'
export HERMES_HOME='/home/alice/.hermes'
export PATH='/usr/bin:/bin'
exec chpst -u 'alice' '/usr/bin/python3' '-c' 'print('\''$1'\'')' ''
)");
    CHECK((*r)[1].path == "finish");
    CHECK((*r)[1].content ==
          "#!/bin/sh\ntest \"$1\" = 78 && exec sv down .\nexec '/usr/bin/logger' 'it'\\''s' \"$@\"\n");
    CHECK((*r)[2].path == "down");
    CHECK((*r)[3].path == "log/run");
    CHECK((*r)[3].mode == 0755);
    CHECK((*r)[3].content == "#!/bin/sh\nmkdir -p main || exit 111\nexec svlogd -tt main\n");
}

TEST_CASE("runit: typed errors name the field", "[runit][errors]") {
    CHECK(error_of(runit::service_builder(), errc::missing_field, "exec") == "no command was given");
    CHECK(error_of(runit::service_builder().exec({"bin/x"}), errc::relative_path, "exec[0]") ==
          "must be an absolute path, got \"bin/x\"");
    CHECK(
        error_of(minimal().exec({"/bin/x", std::string(1, '\0')}), errc::control_character, "exec[1]") ==
        "contains a NUL character (U+0000) at character 1 (byte 1); a process argument, environment value or "
        "path cannot hold NUL");
    CHECK(error_of(minimal().environment("my-var", "x"), errc::invalid_name, "environment[my-var]") ==
          "variable name \"my-var\" has '-' at byte 3; names are ASCII letters, digits and '_', not starting "
          "with "
          "a digit");
    CHECK(
        error_of(minimal().environment("K", std::string("a\0", 2)), errc::control_character, "environment[K]")
            .find("NUL") != std::string::npos);
    CHECK(error_of(minimal().working_directory("."), errc::relative_path, "working_directory") ==
          "must be an absolute path, got \".\"");
    CHECK(error_of(minimal().user("alice"), errc::missing_field, "user_home") ==
          "user() needs the account's home: chpst -u does not set HOME");
    CHECK(error_of(minimal().notification_fd(3), errc::not_allowed, "notification_fd") ==
          "runit has no readiness notification (use s6 for notification-fd)");
    CHECK(error_of(minimal().permanent_failure_exit_code(-1), errc::out_of_range,
                   "permanent_failure_exit_code") == "-1 is not an exit status (0..255)");
}

TEST_CASE("runit: every hostile value and byte reads back exactly", "[runit][roundtrip]") {
    std::vector<std::string> argv = {"/opt/it's/bin"};
    for (const std::string& a : hermes_test::hostile_arguments()) argv.push_back(a);
    std::string all;
    for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
    argv.push_back(all);
    runit::service_builder b;
    b.exec(argv)
        .working_directory("/" + all.substr(0, 46) + all.substr(47))
        .finish(argv)
        .log(true)
        .down(true);
    for (std::size_t i = 0; i < argv.size(); ++i) b.environment("V" + std::to_string(i), argv[i]);
    b.environment("PATH", "/x").user("svc").user_home("/var/lib/it's");
    const auto files = b.build();
    REQUIRE(files);
    const auto d = runit::read_service(*files);
    REQUIRE(d);
    CHECK(d->argv == argv);
    CHECK(d->finish == argv);
    CHECK(d->working_directory == "/" + all.substr(0, 46) + all.substr(47));
    CHECK(d->user_home == "/var/lib/it's");
    REQUIRE(d->environment.size() == argv.size() + 1);
    for (std::size_t i = 0; i < argv.size(); ++i)
        CHECK(d->environment.at("V" + std::to_string(i)) == argv[i]);
    CHECK(d->log);
    CHECK(d->down);
}

TEST_CASE("runit: the reader refuses what the writer never writes", "[runit][read]") {
    const auto err = [](std::string text) {
        const auto d = runit::read_service(file_set{{"run", std::move(text), 0755}});
        REQUIRE_FALSE(d);
        CHECK(d.error().code == errc::parse_error);
        CHECK(d.error().field == "run");
        return d.error().message;
    };
    CHECK(err("#!/bin/bash\nexec '/bin/x'\n") ==
          "the first line is not #!/bin/sh; not what the writer produces");
    CHECK(err("#!/bin/sh\nexec /bin/x $HOME\n") ==
          "the unquoted '$' (an escape, expansion or pattern the reader does not evaluate) at character 23 "
          "(byte 23); not what "
          "the writer produces");
    CHECK(
        err("#!/bin/sh\nexec /bin/x \"$(id)\"\n") ==
        "a '$' that is not a plain $NAME or ${NAME} at character 24 (byte 24); not what the writer produces");
    CHECK(err("#!/bin/sh\nexec /bin/x *.txt\n") ==
          "the unquoted '*' (an escape, expansion or pattern the reader does not evaluate) at character 23 "
          "(byte 23); not what "
          "the writer produces");
    CHECK(
        err("#!/bin/sh\nexec /bin/x 'open\n") ==
        "a single-quoted word that is never closed at character 23 (byte 23); not what the writer produces");
    CHECK(err("#!/bin/sh\nexport A=1\n") == "no final exec, or more after it; not what the writer produces");
    CHECK(err("#!/bin/sh\nexec 2>&1\nexec /bin/x\n") ==
          "`exec 2>&1` and log/run come together; not what the writer produces");
    // sh's own spellings of the same words are read as sh reads them
    const auto d = runit::read_service(
        file_set{{"run", "#!/bin/sh\n# c\nexport A=\"x y\"'z'\nexec /bin/x a\\ b \"\\$\"\n", 0755}});
    REQUIRE(d);
    CHECK(d->environment.at("A") == "x yz");
    CHECK(d->argv == std::vector<std::string>{"/bin/x", "a b", "$"});
}
