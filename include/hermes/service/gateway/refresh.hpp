// SPDX-License-Identifier: MIT
// The refresh decision: is an installed unit or plist still what would be generated now, what
// changed, and what the installed unit pins. Pure: the host reads the installed file and writes.
#pragma once

#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/config.hpp"    // HERMES_SERVICE_ABI_NAMESPACE
#include "../launchd/compare.hpp"  // launchd::compare_plists, launchd::compare_options
#include "../systemd/compare.hpp"  // directive_change, systemd::compare_units, systemd::compare_options
#include "../systemd/read.hpp"     // systemd::parse_unit, systemd::split_environment

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {

/// Internals of the refresh decision (nested: generic names stay out of hermes::service::detail).
namespace detail::refresh {

/// Drops a UTF-8 byte-order mark (upstream reads the installed file as utf-8-sig).
[[nodiscard]] constexpr std::string_view drop_bom(std::string_view text) noexcept {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return text;
}

/// Calls `keep(segment, first)` for each segment of a PATH value that is not a WSL Windows-interop
/// `/mnt/...` path; `first` is true until a non-empty segment has been kept (where ':' goes).
template <class Keep>
void for_each_kept_path_segment(std::string_view value, Keep&& keep) {
    bool first = true;
    for (std::size_t start = 0; start <= value.size();) {
        std::size_t end = value.find(':', start);
        if (end == std::string_view::npos) end = value.size();
        const std::string_view segment = value.substr(start, end - start);
        if (segment.substr(0, 5) != "/mnt/") {
            keep(segment, first);
            first = first && segment.empty();
        }
        start = end + 1;
    }
}

/// Drops WSL Windows-interop `/mnt/...` segments from a PATH value.
[[nodiscard]] inline std::string mask_wsl_path(std::string_view value) {
    std::string out;
    for_each_kept_path_segment(value, [&](std::string_view segment, bool first) {
        if (!first) out.push_back(':');
        out.append(segment);
    });
    return out;
}

}  // namespace detail::refresh

/// The gateway's rules for comparing an installed unit with a generated one (upstream's): the
/// directives older systemd versions drop (RestartMaxDelaySec=, RestartSteps=; #41119) are ignored,
/// and WSL Windows-interop `/mnt/...` segments of Environment=PATH are masked. Everything else counts.
[[nodiscard]] inline systemd::compare_options gateway_unit_compare_options() {
    systemd::compare_options o;
    o.ignored_keys = {"RestartMaxDelaySec", "RestartSteps"};
    o.value_filter = [](std::string_view /*section*/, std::string_view key, std::string_view value) {
        return key == "Environment[PATH]" ? detail::refresh::mask_wsl_path(value) : std::string(value);
    };
    return o;
}

/// The gateway's rules for comparing plists: the EnvironmentVariables PATH value is ignored (it
/// follows the invoking shell); its presence still counts.
[[nodiscard]] inline launchd::compare_options gateway_plist_compare_options() {
    launchd::compare_options o;
    o.value_filter = [](std::string_view key, const launchd::plist_value& value) {
        return key == "EnvironmentVariables.PATH" ? launchd::plist_value(std::string()) : value;
    };
    return o;
}

/// What differs between an installed gateway unit and the generated one: systemd::compare_units
/// with gateway_unit_compare_options() (generated order first, then directives only the installed
/// unit has; values as written, so an installer prints "old -> new").
[[nodiscard]] inline std::vector<directive_change> systemd_unit_diff(std::string_view installed,
                                                                     std::string_view generated) {
    // Built once: the options are constant, and building them costs two strings and a std::function.
    static const systemd::compare_options options = gateway_unit_compare_options();
    return systemd::compare_units(installed, generated, options);
}

/// True exactly when systemd_unit_diff() is empty: the units differ at most in layout (quoting,
/// spacing, comments, CRLF, BOM, blank lines, order), in RestartMaxDelaySec=/RestartSteps=, or in
/// WSL `/mnt/...` PATH segments.
[[nodiscard]] inline bool systemd_unit_is_current(std::string_view installed, std::string_view generated) {
    return installed == generated || systemd_unit_diff(installed, generated).empty();
}

/// True exactly when launchd::compare_plists() with gateway_plist_compare_options() finds no change.
[[nodiscard]] inline bool launchd_plist_is_current(std::string_view installed, std::string_view generated) {
    return installed == generated ||
           launchd::compare_plists(installed, generated, gateway_plist_compare_options()).empty();
}

/// The HERMES_HOME an installed unit pins (its last `Environment=` assignment of it in [Service]),
/// unquoted and unescaped as systemd reads it; nullopt when it pins none or cannot be parsed.
[[nodiscard]] inline std::optional<std::string> pinned_hermes_home(std::string_view unit_text) {
    auto parsed = systemd::parse_unit(detail::refresh::drop_bom(unit_text));
    if (!parsed) return std::nullopt;
    std::optional<std::string> home;
    for (const std::string& value : parsed->values("Service", "Environment")) {
        auto vars = systemd::split_environment(value);
        if (!vars) continue;  // systemd ignores an invalid Environment= line
        for (auto& [name, v] : *vars)
            if (name == "HERMES_HOME") home = std::move(v);
    }
    if (home && home->empty()) return std::nullopt;
    return home;
}

/// The User= of an installed unit ([Service], last assignment, `%%` resolved); nullopt when unset,
/// unparseable, or written with a specifier only systemd can resolve.
[[nodiscard]] inline std::optional<std::string> unit_user(std::string_view unit_text) {
    auto parsed = systemd::parse_unit(detail::refresh::drop_bom(unit_text));
    if (!parsed) return std::nullopt;
    auto user = parsed->value("Service", "User");
    if (!user) return std::nullopt;
    auto resolved = systemd::detail::resolve_specifiers(std::move(*user), "User");
    if (!resolved) return std::nullopt;
    return std::move(*resolved);
}

}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
