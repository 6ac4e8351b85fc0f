// SPDX-License-Identifier: MIT
// Tests for the gateway under s6, runit and OpenRC (<hermes/service/gateway/supervisors.hpp>): naming, the
// facts shared with the systemd unit, restart semantics, typed errors and the reader-based is_current.
#include <hermes/service/gateway/supervisors.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"

using hermes::service::errc;
namespace gw = hermes::service::gateway;
namespace s6 = hermes::service::s6;
namespace runit = hermes::service::runit;
namespace openrc = hermes::service::openrc;

namespace {

const gw::installation alice_install{"/home/alice/.hermes/hermes-agent/venv/bin/python",
                                     "/home/alice/.hermes/hermes-agent", false};

gw::unit_options user_options() {
    return gw::user_unit_options(alice_install, "/home/alice/.hermes", "/home/alice/.hermes");
}

gw::unit_options system_options() {
    return gw::system_unit_options(alice_install, "/root/.hermes", "/root",
                                   gw::system_identity{"alice", "alice", "/home/alice", 1000});
}

}  // namespace

TEST_CASE("gateway supervisors: names", "[gateway][supervisors]") {
    CHECK(gw::s6_service_name("") == "gateway-default");
    CHECK(gw::s6_service_name("work") == "gateway-work");
    CHECK(gw::runit_service_name("work") == "hermes-gateway-work");
    CHECK(gw::openrc_script_name("") == "hermes-gateway");
}

TEST_CASE("gateway supervisors: s6 carries the systemd unit's facts", "[gateway][supervisors][s6]") {
    const auto files = gw::s6_service(user_options());
    REQUIRE(files);
    const auto d = s6::read_service(*files);
    REQUIRE(d);
    CHECK(d->argv == user_options().exec_start);
    CHECK(d->working_directory == "/home/alice/.hermes");
    CHECK(d->environment.at("HERMES_HOME") == "/home/alice/.hermes");
    CHECK(d->environment.at("HERMES_SUPERVISED_CHILD") == "1");
    CHECK(d->environment.at("PATH") == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    CHECK(d->user.empty());
    CHECK(d->permanent_failure_exit_code == 78);
    CHECK(d->kill_timeout == std::chrono::milliseconds(70000));  // TimeoutStopSec for drain 0, cron 30
    CHECK(d->finish.empty());
    const auto system = gw::s6_service(system_options());
    REQUIRE(system);
    const auto ds = s6::read_service(*system);
    REQUIRE(ds);
    CHECK(ds->user == "alice");
    CHECK(ds->user_home == "/home/alice");
    CHECK(ds->working_directory == "/home/alice/.hermes");
    CHECK(ds->argv == system_options().exec_start);
}

TEST_CASE("gateway supervisors: runit and OpenRC carry the same facts",
          "[gateway][supervisors][runit][openrc]") {
    const auto files = gw::runit_service(system_options());
    REQUIRE(files);
    const auto r = runit::read_service(*files);
    REQUIRE(r);
    CHECK(r->argv == system_options().exec_start);
    CHECK(r->user == "alice");
    CHECK(r->user_home == "/home/alice");
    CHECK(r->working_directory == "/home/alice/.hermes");
    CHECK(r->environment.at("HERMES_HOME") == "/home/alice/.hermes");
    CHECK(r->permanent_failure_exit_code == 78);
    CHECK(r->log);

    const auto script = gw::openrc_script(system_options(), "/run/hermes-gateway.pid");
    REQUIRE(script);
    const auto o = openrc::read_script(*script);
    REQUIRE(o);
    CHECK(o->argv == system_options().exec_start);
    CHECK(o->directory == "/home/alice/.hermes");
    CHECK(o->command_user == "alice:alice");
    CHECK(o->environment.at("HOME") == "/home/alice");
    CHECK(o->environment.at("LOGNAME") == "alice");
    CHECK(o->environment.at("HERMES_SUPERVISED_CHILD") == "1");
    CHECK(o->respawn_delay == std::chrono::seconds(5));
    CHECK(o->respawn_max == 0U);
    CHECK(o->stop_timeout == std::chrono::seconds(70));
    CHECK(o->pidfile == "/run/hermes-gateway.pid");
    CHECK(o->after == std::vector<std::string>{"net"});
    CHECK(o->description == std::string(gw::default_description));
}

TEST_CASE("gateway supervisors: the working directory falls back like the systemd unit",
          "[gateway][supervisors]") {
    auto o = user_options();
    o.hermes_home_is_dir = false;
    const auto files = gw::runit_service(o);
    REQUIRE(files);
    const auto d = runit::read_service(*files);
    REQUIRE(d);
    CHECK(d->working_directory == "/home/alice/.hermes/hermes-agent");
    CHECK(d->environment.at("HERMES_HOME") == "/home/alice/.hermes");
}

TEST_CASE("gateway supervisors: typed errors", "[gateway][supervisors][errors]") {
    auto o = system_options();
    o.identity.reset();
    for (const auto& e : {gw::s6_service(o).error(), gw::runit_service(o).error()}) {
        CHECK(e.code == errc::missing_field);
        CHECK(e.field == "system_identity");
        CHECK(e.message == "a system service needs the account to run as");
    }
    auto t = user_options();
    t.hermes_home = "/tmp/x/.hermes";
    const auto e = gw::openrc_script(t).error();
    CHECK(e.code == errc::not_allowed);
    CHECK(e.field == "HERMES_HOME");
    auto p = user_options();
    p.path_entries = {"relative/bin"};
    const auto pe = gw::s6_service(p).error();
    CHECK(pe.code == errc::relative_path);
    CHECK(pe.field == "PATH[0]");
    auto u = system_options();
    u.identity->user = "1000";
    const auto ue = gw::runit_service(u).error();
    CHECK(ue.code == errc::invalid_name);
    CHECK(ue.field == "user");
    CHECK(ue.message == "\"1000\" is numeric; the account is looked up by name");
    const auto pf = gw::openrc_script(user_options(), "/run/my gateway.pid").error();
    CHECK(pf.code == errc::unrepresentable);
    CHECK(pf.field == "pidfile");
}

TEST_CASE("gateway supervisors: is_current reads both sides", "[gateway][supervisors][refresh]") {
    const auto a = gw::s6_service(user_options());
    REQUIRE(a);
    CHECK(gw::s6_service_is_current(*a, *a));
    auto moved = user_options();
    moved.project_root = "/srv/hermes-agent";
    moved.exec_start = gw::gateway_run_command(gw::installation{"/srv/venv/bin/python", "/srv/hermes-agent"},
                                               "/home/alice/.hermes");
    const auto b = gw::s6_service(moved);
    REQUIRE(b);
    CHECK_FALSE(gw::s6_service_is_current(*a, *b));
    // the same settings written differently (a comment, other spacing) are current
    auto respaced = *a;
    respaced[0].content.insert(std::string_view(respaced[0].content).find('\n') + 1, "# installed by hand\n");
    CHECK(gw::s6_service_is_current(respaced, *a));
    auto broken = *a;
    broken[0].content += "{\n";
    CHECK_FALSE(gw::s6_service_is_current(broken, *a));

    const auto r = gw::runit_service(user_options());
    const auto rb = gw::runit_service(moved);
    REQUIRE(r);
    REQUIRE(rb);
    CHECK(gw::runit_service_is_current(*r, *r));
    CHECK_FALSE(gw::runit_service_is_current(*r, *rb));
    const auto x = gw::openrc_script(user_options());
    const auto xb = gw::openrc_script(moved);
    REQUIRE(x);
    REQUIRE(xb);
    CHECK(gw::openrc_script_is_current(*x, *x));
    CHECK(gw::openrc_script_is_current("# comment\n" + *x, *x) == false);  // the shebang must come first
    CHECK_FALSE(gw::openrc_script_is_current(*x, *xb));
}
