// SPDX-License-Identifier: MIT
// The hermes gateway under s6, runit and OpenRC: the same gathered facts as the systemd unit
// (gateway::unit_options), the same working directory (stable_service_working_dir: a `cd` before exec),
// environment, exit-code and restart semantics as far as each supervisor has them (docs/s6.md,
// docs/runit.md, docs/openrc.md list what each lacks), and an is_current for each built on its reader.
#pragma once

#include <chrono>       // std::chrono::seconds, std::chrono::milliseconds
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move, std::pair
#include <vector>       // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE
#include "../error.hpp"          // result, make_error
#include "../file_set.hpp"       // file_set
#include "../openrc.hpp"         // openrc::script_builder, openrc::read_script
#include "../paths.hpp"          // check_anchor_path, lexically_normal, stable_service_working_dir
#include "../runit.hpp"          // runit::service_builder, runit::read_service
#include "../s6.hpp"             // s6::service_builder, s6::read_service
#include "gateway.hpp"  // unit_options, timeout_stop_sec, restart/fatal exit codes, systemd_service_name

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace gateway {

/// The s6 service directory's name, as upstream's container image names it: `gateway-<profile>`,
/// `gateway-default` for the default home (the suffix of service_suffix() otherwise).
[[nodiscard]] inline std::string s6_service_name(std::string_view suffix) {
    return "gateway-" + (suffix.empty() ? std::string("default") : std::string(suffix));
}

/// The runit service directory's name: systemd_service_name(suffix), e.g. `hermes-gateway-work`.
[[nodiscard]] inline std::string runit_service_name(std::string_view suffix) {
    return systemd_service_name(suffix);
}

/// The OpenRC script's name under /etc/init.d: systemd_service_name(suffix).
[[nodiscard]] inline std::string openrc_script_name(std::string_view suffix) {
    return systemd_service_name(suffix);
}

/// Seconds OpenRC waits before respawning the gateway: the systemd unit's RestartSec.
inline constexpr std::chrono::seconds respawn_delay{5};

namespace detail {

/// What every supervisor's definition of the gateway is made of, derived once from unit_options.
struct supervised_gateway {
    std::vector<std::string> argv;                                 ///< exec_start
    std::string working_directory;                                 ///< stable_service_working_dir
    std::vector<std::pair<std::string, std::string>> environment;  ///< PATH, HERMES_HOME, ...
    std::optional<system_identity> identity;                       ///< system scope: the account
    unsigned stop_timeout_seconds = 0;                             ///< TimeoutStopSec
};

/// The systemd unit's facts for another supervisor: the same checks, working directory, PATH and
/// HERMES_* variables as systemd_unit(o); HOME, USER and LOGNAME come with the identity.
[[nodiscard]] inline result<supervised_gateway> supervised_facts(const unit_options& o) {
    const bool system = o.scope == scope::system;
    if (system && !o.identity)
        return make_error(errc::missing_field, "system_identity",
                          "a system service needs the account to run as");
    if (auto ok = check_anchor_path(o.hermes_home, "HERMES_HOME"); !ok)
        return unexpected_error(std::move(ok.error()));
    const std::string hermes_home = lexically_normal(o.hermes_home);
    if (auto ok = check_not_temporary(hermes_home, o.tmpdir, o.allow_temporary_home); !ok)
        return unexpected_error(std::move(ok.error()));
    if (system)
        if (auto ok = check_anchor_path(o.identity->home, "HOME"); !ok)
            return unexpected_error(std::move(ok.error()));
    auto choice = stable_service_working_dir(
        system || o.hermes_home_is_dir ? std::optional<std::string_view>(hermes_home) : std::nullopt,
        o.project_root);
    if (!choice) return unexpected_error(std::move(choice.error()));
    std::vector<std::string> entries = o.path_entries;
    for (const char* fixed : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"})
        entries.emplace_back(fixed);
    auto path = join_path(entries, /*absolute=*/true);
    if (!path) return unexpected_error(std::move(path.error()));
    if (o.exec_start.empty())
        return make_error(errc::empty_value, "ExecStart",
                          "the command line is empty; give at least the executable");
    supervised_gateway g;
    g.argv = o.exec_start;
    g.working_directory = std::move(choice->path);
    g.environment = {
        {"PATH", std::move(*path)}, {"HERMES_HOME", hermes_home}, {"HERMES_SUPERVISED_CHILD", "1"}};
    g.identity = system ? o.identity : std::nullopt;
    g.stop_timeout_seconds = timeout_stop_sec(o.drain_timeout, o.cron_drain_timeout);
    return g;
}

}  // namespace detail

/// The gateway's s6 service directory (install it as `<scandir>/s6_service_name(suffix)`): `cd` to the
/// stable working directory, s6-setuidgid for a system service, exit 78 kept down (finish exits 125),
/// `timeout-kill` = TimeoutStopSec. s6 restarts after any other exit, ~1 s later (no RestartSec).
[[nodiscard]] inline result<file_set> s6_service(const unit_options& o) {
    auto g = detail::supervised_facts(o);
    if (!g) return unexpected_error(std::move(g.error()));
    s6::service_builder b;
    b.exec(g->argv).working_directory(g->working_directory);
    for (auto& [name, value] : g->environment) b.environment(name, value);
    if (g->identity) b.user(g->identity->user).user_home(g->identity->home);
    b.permanent_failure_exit_code(fatal_config_exit_code)
        .kill_timeout(std::chrono::milliseconds(std::chrono::seconds(g->stop_timeout_seconds)));
    return b.build();
}

/// The gateway's runit service directory (`runit_service_name(suffix)`): `cd` to the stable working
/// directory, `chpst -u` for a system service, exit 78 kept down (finish runs `sv down .`), logs
/// through svlogd. runit restarts after any other exit, ~1 s later; it has no stop timeout.
[[nodiscard]] inline result<file_set> runit_service(const unit_options& o) {
    auto g = detail::supervised_facts(o);
    if (!g) return unexpected_error(std::move(g.error()));
    runit::service_builder b;
    b.exec(g->argv).working_directory(g->working_directory);
    for (auto& [name, value] : g->environment) b.environment(name, value);
    if (g->identity) b.user(g->identity->user).user_home(g->identity->home);
    b.permanent_failure_exit_code(fatal_config_exit_code).log(true);
    return b.build();
}

/// The gateway's OpenRC script (`/etc/init.d/openrc_script_name(suffix)`): supervise-daemon with the
/// stable working directory, respawn after 5 s without limit, stop timeout = TimeoutStopSec, started
/// after `net`. OpenRC cannot keep exit 78 down: supervise-daemon respawns after every exit.
[[nodiscard]] inline result<std::string> openrc_script(const unit_options& o, std::string_view pidfile = {}) {
    auto g = detail::supervised_facts(o);
    if (!g) return unexpected_error(std::move(g.error()));
    openrc::script_builder b;
    b.description(o.description).command(g->argv).directory(g->working_directory);
    if (g->identity) {
        b.command_user(g->identity->user + ":" + g->identity->group);
        b.environment("HOME", g->identity->home).environment("USER", g->identity->user);
        b.environment("LOGNAME", g->identity->user);
    }
    for (auto& [name, value] : g->environment) b.environment(name, value);
    if (!pidfile.empty()) b.pidfile(std::string(pidfile));
    b.respawn_delay(respawn_delay)
        .respawn_max(0)
        .stop_timeout(std::chrono::seconds(g->stop_timeout_seconds))
        .after("net");
    return b.build();
}

/// Whether the installed s6 service directory says what `generated` says (read, then compared).
[[nodiscard]] inline bool s6_service_is_current(const file_set& installed, const file_set& generated) {
    const auto a = s6::read_service(installed);
    const auto b = s6::read_service(generated);
    return a && b && *a == *b;
}

/// Whether the installed runit service directory says what `generated` says (read, then compared).
[[nodiscard]] inline bool runit_service_is_current(const file_set& installed, const file_set& generated) {
    const auto a = runit::read_service(installed);
    const auto b = runit::read_service(generated);
    return a && b && *a == *b;
}

/// Whether the installed OpenRC script says what `generated` says (read, then compared).
[[nodiscard]] inline bool openrc_script_is_current(std::string_view installed, std::string_view generated) {
    const auto a = openrc::read_script(installed);
    const auto b = openrc::read_script(generated);
    return a && b && *a == *b;
}

}  // namespace gateway
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
