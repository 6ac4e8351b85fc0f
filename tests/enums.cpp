// SPDX-License-Identifier: MIT
// from_string is the exact inverse of to_string for every enum a unit or plist can contain.
#include <hermes/service/enums.hpp>
#include <hermes/service/error.hpp>
#include <hermes/service/launchd/plist.hpp>
#include <hermes/service/systemd/unit.hpp>

#include "support/catch.hpp"

namespace hs = hermes::service;

namespace {
template <class Enum>
void require_round_trip() {
    for (const Enum e : enumerators(Enum{})) {
        const auto back = hs::from_string<Enum>(to_string(e));
        REQUIRE(back.has_value());
        REQUIRE(*back == e);
    }
    REQUIRE_FALSE(hs::from_string<Enum>("").has_value());
    REQUIRE_FALSE(hs::from_string<Enum>("no-such-value").has_value());
}
}  // namespace

TEST_CASE("from_string inverts to_string for every enum", "[enums]") {
    require_round_trip<hs::errc>();
    require_round_trip<hs::systemd::service_type>();
    require_round_trip<hs::systemd::restart_policy>();
    require_round_trip<hs::systemd::kill_mode>();
    require_round_trip<hs::systemd::notify_access>();
    require_round_trip<hs::launchd::process_type>();
    require_round_trip<hs::launchd::job_kind>();
    require_round_trip<hs::systemd::unit_kind>();
}

TEST_CASE("from_string inverts to_string for exec_privileges, whose normal spelling is empty", "[enums]") {
    using p = hs::systemd::exec_privileges;
    for (const p e : enumerators(p{})) REQUIRE(hs::from_string<p>(to_string(e)) == e);
    REQUIRE(hs::from_string<p>("") == p::normal);
    REQUIRE(hs::from_string<p>("!!") == p::ambient_fallback);
    REQUIRE_FALSE(hs::from_string<p>("-").has_value());  // '-' is exec_flags::ignore_failure, not a privilege
    REQUIRE(hs::from_string<hs::systemd::unit_kind>("timer") == hs::systemd::unit_kind::timer);
}

TEST_CASE("from_string takes the exact spelling", "[enums]") {
    STATIC_REQUIRE(hs::from_string<hs::systemd::restart_policy>("on-failure") ==
                   hs::systemd::restart_policy::on_failure);
    REQUIRE(hs::from_string<hs::errc>("control_character") == hs::errc::control_character);
    REQUIRE(hs::from_string<hs::launchd::process_type>("Background") ==
            hs::launchd::process_type::background);
    REQUIRE_FALSE(hs::from_string<hs::systemd::restart_policy>("on_failure").has_value());  // the enum name
    REQUIRE_FALSE(hs::from_string<hs::launchd::process_type>("background").has_value());    // case matters
    REQUIRE(hs::from_string<hs::errc>("unknown") == std::nullopt);
}
