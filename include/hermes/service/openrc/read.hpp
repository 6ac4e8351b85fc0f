// SPDX-License-Identifier: MIT
// Reads an OpenRC script written by openrc::script_builder back into its settings, evaluating the
// settings as supervise-daemon.sh's eval does: the writer's inverse, for tests and the refresh decision.
#pragma once

#include <chrono>       // std::chrono::seconds
#include <cstddef>      // std::size_t
#include <map>          // std::map
#include <optional>     // std::optional
#include <set>          // std::set
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <tuple>        // std::tie
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/openrc_eval.hpp"  // eval_words, openrc_variable_prefix
#include "../detail/sh.hpp"           // lex_sh, split_sh_lines, is_sh_name
#include "../error.hpp"               // result, make_error
#include "script.hpp"                 // shebang, kill_grace_seconds

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace openrc {

/// What an OpenRC script says: the settings script_builder was given.
struct script_definition {
    std::string description;                         ///< empty when none
    std::vector<std::string> argv;                   ///< command, then command_args
    std::map<std::string, std::string> environment;  ///< set through /usr/bin/env
    std::string directory;                           ///< empty when none
    std::string command_user;                        ///< empty when none
    std::string pidfile;                             ///< empty when none
    std::optional<std::chrono::seconds> respawn_delay;
    std::optional<unsigned> respawn_max;
    std::optional<std::chrono::seconds> stop_timeout;  ///< from `retry=SIGTERM/N/SIGKILL/5`
    std::vector<std::string> need;
    std::vector<std::string> after;
};

/// Definitions equal when every setting is.
[[nodiscard]] inline bool operator==(const script_definition& a, const script_definition& b) {
    return std::tie(a.description, a.argv, a.environment, a.directory, a.command_user, a.pidfile,
                    a.respawn_delay, a.respawn_max, a.stop_timeout, a.need, a.after) ==
           std::tie(b.description, b.argv, b.environment, b.directory, b.command_user, b.pidfile,
                    b.respawn_delay, b.respawn_max, b.stop_timeout, b.need, b.after);
}
/// Negation of operator==.
[[nodiscard]] inline bool operator!=(const script_definition& a, const script_definition& b) {
    return !(a == b);
}

namespace detail {

[[nodiscard]] inline std::optional<unsigned long long> parse_decimal(std::string_view s) noexcept {
    if (s.empty() || s.size() > 10) return std::nullopt;
    unsigned long long n = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<unsigned long long>(c - '0');
    }
    return n;
}

}  // namespace detail

/// The settings of a script script_builder wrote; a parse_error naming the setting for anything it
/// does not write (other commands or functions, unquoted expansions, globs, unknown settings).
[[nodiscard]] inline result<script_definition> read_script(std::string_view text) {
    using hermes::service::detail::sh_token;
    const auto fail = [](std::string_view field, const std::string& what) {
        return make_error(errc::parse_error, std::string(field), what + "; not what the writer produces");
    };
    if (text.substr(0, shebang.size()) != shebang)
        return fail("script", "the first line is not #!/sbin/openrc-run");
    auto tokens = hermes::service::detail::lex_sh(text, "script", hermes::service::detail::no_variables{});
    if (!tokens) return unexpected_error(std::move(tokens.error()));
    const auto lines = hermes::service::detail::split_sh_lines(std::move(*tokens));

    script_definition d;
    std::map<std::string, std::string> settings;   // description, command, ... as written
    std::map<std::string, std::string> variables;  // _hermes_* values
    bool in_depend = false;
    bool seen_depend = false;
    const auto bare = [](const sh_token& t, std::string_view s) {
        return t.what == sh_token::kind::word && t.value == s && t.bare_prefix == s.size();
    };
    for (const auto& l : lines) {
        if (in_depend) {
            if (l.size() == 1 && bare(l[0], "}")) {
                in_depend = false;
                continue;
            }
            if (l.size() == 1 && bare(l[0], ":")) continue;
            std::vector<std::string>* list = bare(l[0], "need")    ? &d.need
                                             : bare(l[0], "after") ? &d.after
                                                                   : nullptr;
            if (list == nullptr || !list->empty())
                return fail("depend", "a line other than one need and one after");
            for (std::size_t i = 1; i < l.size(); ++i) {
                if (l[i].what != sh_token::kind::word || l[i].bare_prefix != l[i].value.size())
                    return fail("depend", "a quoted or operator word");
                list->push_back(l[i].value);
            }
            continue;
        }
        if (l.size() == 4 && bare(l[0], "depend") && l[1].value == "(" && l[2].value == ")" &&
            bare(l[3], "{") && !seen_depend) {
            in_depend = seen_depend = true;
            continue;
        }
        if (l.size() != 1) return fail("script", "a command other than assignments and depend()");
        const sh_token& w = l.front();
        const std::size_t eq = w.value.find('=');
        if (w.what != sh_token::kind::word || eq == std::string::npos || eq >= w.bare_prefix ||
            !hermes::service::detail::is_sh_name(std::string_view(w.value).substr(0, eq)))
            return fail("script", "a command other than assignments and depend()");
        std::string name = w.value.substr(0, eq);
        std::string value = w.value.substr(eq + 1);
        std::map<std::string, std::string>& into =
            name.compare(0, hermes::service::detail::openrc_variable_prefix.size(),
                         hermes::service::detail::openrc_variable_prefix) == 0
                ? variables
                : settings;
        if (!into.emplace(name, std::move(value)).second) return fail(name, "assigned twice");
    }
    if (in_depend) return fail("depend", "depend() is never closed");

    std::set<std::string> referenced;
    const auto lookup = [&variables, &referenced](std::string_view name) -> const std::string* {
        const auto it = variables.find(std::string(name));
        if (it == variables.end()) return nullptr;
        referenced.insert(it->first);
        return &it->second;
    };
    const auto evaluated = [&](const std::string& name, bool one) -> result<std::vector<std::string>> {
        const auto it = settings.find(name);
        if (it == settings.end()) return std::vector<std::string>{};
        auto words = hermes::service::detail::eval_words(it->second, name, lookup);
        if (words && one && words->size() != 1) return fail(name, "not exactly one word after eval");
        return words;
    };
    for (const auto& [name, value] : settings) {
        static constexpr std::string_view known[] = {
            "description",  "supervisor", "command",       "command_args", "directory",
            "command_user", "pidfile",    "respawn_delay", "respawn_max",  "retry"};
        bool is_known = false;
        for (const std::string_view k : known) is_known = is_known || name == k;
        if (!is_known) return fail(name, "a setting the writer does not produce");
    }
    if (settings["supervisor"] != "supervise-daemon") return fail("supervisor", "not supervise-daemon");
    if (settings.count("command") == 0)
        return make_error(errc::missing_field, "command", "the script sets no command");
    auto command = evaluated("command", true);
    if (!command) return unexpected_error(std::move(command.error()));
    auto args = evaluated("command_args", false);
    if (!args) return unexpected_error(std::move(args.error()));
    d.argv = std::move(*command);
    d.argv.insert(d.argv.end(), args->begin(), args->end());
    if (d.argv.front() == env_command) {  // env's grammar: NAME=VALUE words, then the command
        std::size_t i = 1;
        for (; i < d.argv.size(); ++i) {
            const std::size_t eq = d.argv[i].find('=');
            if (eq == std::string::npos) break;
            if (!hermes::service::detail::is_sh_name(std::string_view(d.argv[i]).substr(0, eq)))
                return fail("command_args", "an env assignment whose name is not a sh name");
            if (!d.environment.emplace(d.argv[i].substr(0, eq), d.argv[i].substr(eq + 1)).second)
                return fail("command_args", "a variable set twice");
        }
        if (i == 1 || i == d.argv.size())
            return fail("command_args", "env without variables or without a command");
        d.argv.erase(d.argv.begin(), d.argv.begin() + static_cast<std::ptrdiff_t>(i));
    }
    for (const auto& [field, out] : {std::pair<const char*, std::string*>{"directory", &d.directory},
                                     {"command_user", &d.command_user},
                                     {"pidfile", &d.pidfile}}) {
        if (settings.count(field) == 0) continue;
        auto v = evaluated(field, true);
        if (!v) return unexpected_error(std::move(v.error()));
        *out = std::move(v->front());
    }
    if (const auto it = settings.find("description"); it != settings.end()) d.description = it->second;
    if (const auto it = settings.find("respawn_delay"); it != settings.end()) {
        const auto n = detail::parse_decimal(it->second);
        if (!n) return fail("respawn_delay", "not a number of seconds");
        d.respawn_delay = std::chrono::seconds(static_cast<long long>(*n));
    }
    if (const auto it = settings.find("respawn_max"); it != settings.end()) {
        const auto n = detail::parse_decimal(it->second);
        if (!n || *n > 0xFFFFFFFFULL) return fail("respawn_max", "not a count");
        d.respawn_max = static_cast<unsigned>(*n);
    }
    if (const auto it = settings.find("retry"); it != settings.end()) {
        const std::string& r = it->second;
        const std::string tail = "/SIGKILL/" + std::to_string(kill_grace_seconds);
        const auto n = r.size() > 8 + tail.size() && r.compare(0, 8, "SIGTERM/") == 0 &&
                               r.compare(r.size() - tail.size(), tail.size(), tail) == 0
                           ? detail::parse_decimal(std::string_view(r).substr(8, r.size() - 8 - tail.size()))
                           : std::nullopt;
        if (!n) return fail("retry", "not SIGTERM/N/SIGKILL/5");
        d.stop_timeout = std::chrono::seconds(static_cast<long long>(*n));
    }
    // Every variable of the script is referred to: a stray one would be a value nobody reads.
    if (referenced.size() != variables.size())
        return fail("script", "a variable the settings do not refer to");
    return d;
}

}  // namespace openrc
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
