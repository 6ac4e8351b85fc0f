// SPDX-License-Identifier: MIT
// plist_builder's general parts (issue 8): checked set(), StartInterval, StartCalendarInterval, the
// KeepAlive dictionary and std::chrono durations; each plist held against plistlib and xmllint.
#include <chrono>
#include <cstddef>  // std::size_t
#include <cstdint>  // std::int64_t
#include <hermes/service/launchd.hpp>
#include <string>
#include <variant>  // std::get
#include <vector>

#include "support/catch.hpp"
#include "support/expect_error.hpp"
#include "support/oracles.hpp"

using namespace std::chrono_literals;
using hermes::service::errc;
namespace launchd = hermes::service::launchd;
namespace oracle = hermes_test::oracle;
using hermes_test::error_of;

namespace {

launchd::plist_builder acme() {
    launchd::plist_builder b;
    b.label("com.acme.sync").program_arguments({"/usr/local/bin/acme-sync"});
    return b;
}

}  // namespace

TEST_CASE("plist_builder: schedules, KeepAlive conditions and set() render and read back",
          "[launchd][model]") {
    launchd::calendar_interval weekdays;
    weekdays.hour = 4;
    weekdays.minute = 30;
    weekdays.weekday = 1;
    launchd::calendar_interval monthly;
    monthly.day = 1;
    auto b = acme();
    b.start_interval(std::chrono::minutes(15))
        .start_calendar_interval(weekdays)
        .start_calendar_interval(monthly)
        .successful_exit(false)
        .network_state(true)
        .path_state("/Users/a/acme/enabled")
        .path_state("/Users/a/acme/paused & <stopped>", false)
        .crashed(true)
        .throttle_interval(std::chrono::minutes(1))
        .exit_timeout(std::chrono::duration<double>(20.0))
        .set("Nice", 5)
        .set("AbandonProcessGroup", true)
        .set("WatchPaths", launchd::plist_value::array_type{"/etc/acme.conf", "/Users/a/acme"})
        .set("Sockets",
             launchd::plist_value::dict_type{
                 {"Listeners", launchd::plist_value::dict_type{{"SockServiceName", "8080"}}}})
        .set("Nice", 7);
    const auto r = b.build();
    REQUIRE(r);
    CHECK(
        r->find(
            "    <key>KeepAlive</key>\n    <dict>\n        <key>SuccessfulExit</key>\n        <false/>\n") !=
        std::string::npos);
    CHECK(r->find("    <key>StartInterval</key>\n    <integer>900</integer>\n") != std::string::npos);
    CHECK(r->find("        <string>/Users/a/acme/paused &amp; &lt;stopped&gt;</string>") ==
          std::string::npos);
    CHECK(r->find(
              "            <key>/Users/a/acme/paused &amp; &lt;stopped&gt;</key>\n            <false/>\n") !=
          std::string::npos);
    // the library's reader
    const auto doc = launchd::parse_plist(*r);
    REQUIRE(doc);
    CHECK(*doc->find("StartInterval")->as_integer() == 900);
    CHECK(*doc->find("ThrottleInterval")->as_integer() == 60);
    CHECK(*doc->find("ExitTimeOut")->as_integer() == 20);
    CHECK(*doc->find("Nice")->as_integer() == 7);
    const auto* calendar = doc->find("StartCalendarInterval")->as_array();
    REQUIRE(calendar != nullptr);
    REQUIRE(calendar->size() == 2);
    CHECK((*calendar)[0] ==
          launchd::plist_value(launchd::plist_value::dict_type{{"Minute", 30}, {"Hour", 4}, {"Weekday", 1}}));
    const auto* keep = doc->find("KeepAlive");
    CHECK(*keep->find("Crashed")->as_bool());
    CHECK_FALSE(*keep->find("PathState")->find("/Users/a/acme/paused & <stopped>")->as_bool());
    // and the real parsers
    if (auto why = oracle::plist_unavailable()) HERMES_SKIP(*why);
    const auto view = oracle::check_plist(*r);
    CHECK(view.strict_ok);
    CHECK(view.xmllint_wellformed_rc == 0);
    CHECK(view.xmllint_dtd_rc == 0);
    const auto* hour = view.find(oracle::plist_path({"StartCalendarInterval", 0, "Hour"}));
    REQUIRE(hour != nullptr);
    CHECK(hour->value == "4");
    const auto* state =
        view.find(oracle::plist_path({"KeepAlive", "PathState", "/Users/a/acme/paused & <stopped>"}));
    REQUIRE(state != nullptr);
    CHECK(state->kind == "false");
    const auto* listener = view.find(oracle::plist_path({"Sockets", "Listeners", "SockServiceName"}));
    REQUIRE(listener != nullptr);
    CHECK(listener->value == "8080");
    // one calendar entry is a dict, not an array
    const auto single = acme().start_calendar_interval(monthly).build();
    REQUIRE(single);
    CHECK(launchd::parse_plist(*single)->find("StartCalendarInterval")->as_dict() != nullptr);
}

TEST_CASE("plist_builder: set() is checked, durations are whole seconds, ranges",
          "[launchd][model][errors]") {
    CHECK(error_of(acme().set("KeepAlive", true), errc::not_allowed, "KeepAlive") ==
          "has a typed setter; call keep_alive(), successful_exit(), network_state(), path_state() or "
          "crashed() "
          "instead of set()");
    CHECK(error_of(acme().set("ProgramArguments", launchd::plist_value::array_type{"/bin/x"}),
                   errc::not_allowed,
                   "ProgramArguments") == "has a typed setter; call program_arguments() instead of set()");
    error_of(acme().set("", 1), errc::empty_value, "set()");
    CHECK(error_of(acme().set("Sockets", launchd::plist_value::dict_type{{"A", 1}, {"A", 2}}),
                   errc::duplicate, "Sockets.A") == "the dictionary has the key twice; give it once");
    error_of(acme().set("Comment", "bell\x07"), errc::control_character, "Comment");
    CHECK(error_of(acme().keep_alive(true).crashed(true), errc::not_allowed, "KeepAlive") ==
          "is either a boolean (keep_alive()) or a dictionary of conditions (successful_exit(), "
          "network_state(), "
          "path_state(), crashed()), not both");
    error_of(acme().path_state("relative"), errc::relative_path, "KeepAlive.PathState[0]");
    error_of(acme().path_state("/a").path_state("/a", false), errc::duplicate, "KeepAlive.PathState[1]");
    CHECK(error_of(acme().throttle_interval(1500ms), errc::unrepresentable, "ThrottleInterval") ==
          "launchd counts whole seconds; the duration has a fraction of a second");
    error_of(acme().exit_timeout(std::chrono::duration<double>(0.5)), errc::unrepresentable, "ExitTimeOut");
    CHECK(error_of(acme().start_interval(-1s), errc::out_of_range, "StartInterval") ==
          "a duration cannot be negative");
    error_of(acme().start_interval(std::chrono::hours(2000000)), errc::out_of_range, "StartInterval");
    CHECK(error_of(acme().start_interval(0s), errc::out_of_range, "StartInterval") ==
          "an interval of 0 seconds never fires; give at least 1");
    launchd::calendar_interval bad;
    bad.hour = 24;
    CHECK(error_of(acme().start_calendar_interval({}).start_calendar_interval(bad), errc::out_of_range,
                   "StartCalendarInterval[1].Hour") == "24 is outside 0..23");
    bad = {};
    bad.day = 0;
    error_of(acme().start_calendar_interval(bad), errc::out_of_range, "StartCalendarInterval[0].Day");
    CHECK(acme().throttle_interval(std::chrono::milliseconds(2000)).build());
}

TEST_CASE("plist_value: one alternative at a time, the variant view and deep equality", "[launchd][model]") {
    using value = launchd::plist_value;
    const value text("x");
    const value number(-7);
    const value flag(false);
    const value items(value::array_type{"a", 1, true});
    const value entries(value::dict_type{{"K", value::array_type{"v"}}, {"N", 2}});
    CHECK(value().type() == value::value_type::string);
    CHECK(value().as_string()->empty());
    CHECK(text.type() == value::value_type::string);
    CHECK(number.type() == value::value_type::integer);
    CHECK(flag.type() == value::value_type::boolean);
    CHECK(items.type() == value::value_type::array);
    CHECK(entries.type() == value::value_type::dict);
    CHECK(*number.as_integer() == -7);
    CHECK(number.as_string() == nullptr);
    CHECK(flag.as_integer() == nullptr);
    CHECK(*flag.as_bool() == false);
    CHECK(items.as_dict() == nullptr);
    CHECK(entries.find("N")->as_integer() != nullptr);
    CHECK(entries.find("missing") == nullptr);

    // storage() is the same value as a std::variant, and the variant constructor is its inverse.
    for (const value* v : {&text, &number, &flag, &items, &entries}) {
        const value::storage_type s = v->storage();
        CHECK(s.index() == static_cast<std::size_t>(v->type()));
        CHECK(value(s) == *v);
    }
    CHECK(std::get<std::int64_t>(number.storage()) == -7);
    CHECK(std::get<value::dict_type>(entries.storage()).size() == 2);

    // Equality compares the alternative first: the integer 0, false and "" are different values.
    CHECK(value(0) != value(false));
    CHECK(value(false) != value(""));
    CHECK(value(value::array_type{}) != value(value::dict_type{}));
    CHECK(items == value(value::array_type{"a", 1, true}));
    CHECK(items != value(value::array_type{"a", 1, false}));
    CHECK(entries != value(value::dict_type{{"N", 2}, {"K", value::array_type{"v"}}}));  // order counts
}
