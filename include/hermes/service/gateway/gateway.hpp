// SPDX-License-Identifier: MIT
// The hermes gateway's service policy: names, HERMES_HOME resolution and remapping, timeouts, the
// command lines, and the systemd unit and launchd plist upstream's generator ("version B") writes,
// with every value escaped by the core builders. The only header that knows what a gateway is.
#pragma once

#include <algorithm>    // std::max, std::find
#include <charconv>     // std::to_chars
#include <chrono>       // std::chrono::seconds
#include <cstddef>      // std::size_t
#include <limits>       // std::numeric_limits
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/buffer_sink.hpp"  // basic_buffer_sink, the plist template's sink
#include "../detail/config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"       // put_xml_text, put_xml_chardata
#include "../detail/sha256.hpp"       // detail::sha256_hex, for the foreign-home suffix
#include "../detail/utf8.hpp"         // detail::decode_utf8, for Python's repr()
#include "../error.hpp"               // result, make_error
#include "../launchd/plist.hpp"       // launchd::detail::check_label, check_plist_path
#include "../paths.hpp"               // lexically_normal, check_anchor_path, stable_service_working_dir
#include "../systemd/unit.hpp"        // systemd::detail::unit_writer and the directive enums

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace gateway {

/// Upstream's SERVICE_DESCRIPTION, the default Description=.
inline constexpr std::string_view default_description =
    "Hermes Agent Gateway - Messaging Platform Integration";
/// Exit status of a planned restart after a graceful drain (EX_TEMPFAIL).
inline constexpr int restart_exit_code = 75;
/// Exit status of a fatal configuration error (EX_CONFIG): restarting cannot help.
inline constexpr int fatal_config_exit_code = 78;
/// The launchd plist's NumberOfFiles soft limit when the config does not change it.
inline constexpr unsigned default_nofile_soft_limit = 4096;

/// Where the systemd unit is installed: the user's manager or the system manager.
enum class scope { user, system };

/// The account a system unit runs as (the host looks it up, e.g. with getpwnam).
struct system_identity {
    std::string user;   ///< User= and USER/LOGNAME
    std::string group;  ///< Group= (the primary group's name)
    std::string home;   ///< the account's home directory, HOME=
    unsigned uid = 0;   ///< for After=/Wants=user@UID.service
};

namespace detail {
using namespace hermes::service::detail;

[[nodiscard]] constexpr bool is_python_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

[[nodiscard]] constexpr bool is_blank(std::string_view s) noexcept {
    for (const char c : s)
        if (!is_python_space(c)) return false;
    return true;
}

/// The part of `path` below `base` ("" when equal), or nullopt; both lexically normal and
/// compared component-wise like pathlib's relative_to.
[[nodiscard]] inline std::optional<std::string> relative_to(std::string_view path, std::string_view base) {
    const std::string p = lexically_normal(path);
    const std::string b = lexically_normal(base);
    if (p.empty() || b.empty()) return std::nullopt;
    if (p == b) return std::string();
    if (b == "/") return p.front() == '/' ? std::optional<std::string>(p.substr(1)) : std::nullopt;
    if (p.size() > b.size() && p.compare(0, b.size(), b) == 0 && p[b.size()] == '/')
        return p.substr(b.size() + 1);
    return std::nullopt;
}

/// Advances `pos` past the next segment of `path` that lexically_normal keeps (not empty, not ".").
[[nodiscard]] constexpr bool next_segment(std::string_view path, std::size_t& pos,
                                          std::string_view& segment) noexcept {
    while (pos <= path.size()) {
        std::size_t end = path.find('/', pos);
        if (end == std::string_view::npos) end = path.size();
        segment = path.substr(pos, end - pos);
        pos = end + 1;
        if (!segment.empty() && segment != ".") return true;
    }
    return false;
}

/// For absolute `path` and `base`: relative_to(path, base).has_value() when `base` is not the root
/// (false when it is), compared segment by segment without normalised copies.
[[nodiscard]] constexpr bool lies_under(std::string_view path, std::string_view base) noexcept {
    std::size_t p = 0;
    std::size_t b = 0;
    std::string_view ps;
    std::string_view bs;
    bool any = false;
    while (next_segment(base, b, bs)) {
        any = true;
        if (!next_segment(path, p, ps) || ps != bs) return false;
    }
    return any;
}

/// pathlib's `Path(base) / rel` for a lexically normal `rel` ("" means base itself).
[[nodiscard]] inline std::string join(std::string_view base, std::string_view rel) {
    std::string out = lexically_normal(base);
    if (rel.empty()) return out;
    if (out.empty() || out.back() != '/') out.push_back('/');
    out.append(rel);
    return out;
}

/// pathlib's expanduser for the `~` and `~/...` forms (`~name` needs the password database: kept).
[[nodiscard]] inline std::string expand_user(std::string_view path, std::string_view home) {
    if (path == "~") return std::string(home);
    if (path.substr(0, 2) == "~/") return join(home, lexically_normal(path.substr(2)));
    return std::string(path);
}

/// `^[a-z0-9][a-z0-9_-]{0,63}$`, upstream's profile-name rule.
[[nodiscard]] constexpr bool is_profile_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!(alnum || (i > 0 && (c == '_' || c == '-')))) return false;
    }
    return true;
}

/// Whether Python's str.isprintable() holds for a non-ASCII code point. Covers the control,
/// format, separator, surrogate and private-use ranges; unassigned code points count as printable.
[[nodiscard]] constexpr bool python_printable(char32_t cp) noexcept {
    constexpr char32_t ranges[][2] = {
        {0x80, 0xA0},       {0xAD, 0xAD},       {0x600, 0x605},     {0x61C, 0x61C},     {0x6DD, 0x6DD},
        {0x70F, 0x70F},     {0x890, 0x891},     {0x8E2, 0x8E2},     {0x1680, 0x1680},   {0x180E, 0x180E},
        {0x2000, 0x200F},   {0x2028, 0x202F},   {0x205F, 0x2064},   {0x2066, 0x206F},   {0x3000, 0x3000},
        {0xD800, 0xF8FF},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0xFFFE, 0xFFFF},   {0x110BD, 0x110BD},
        {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
        {0xE0020, 0xE007F}, {0xF0000, 0x10FFFF}};
    for (const auto& r : ranges)
        if (cp >= r[0] && cp <= r[1]) return false;
    return true;
}

inline void append_hex(std::string& out, unsigned long value, int digits) {
    constexpr std::string_view hex = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push_back(hex[(value >> shift) & 0xFU]);
}

}  // namespace detail

/// Python's repr() of a str, as upstream's bootstrap embeds paths: `'...'` (or `"..."` when the text
/// holds `'` but no `"`); bytes that are not UTF-8 appear as Python's surrogate escapes `\udcXX`.
[[nodiscard]] inline std::string python_repr(std::string_view text) {
    const bool double_quoted =
        text.find('\'') != std::string_view::npos && text.find('"') == std::string_view::npos;
    const char quote = double_quoted ? '"' : '\'';
    std::string out(1, quote);
    out.reserve(text.size() + 2);
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t at = pos;
        const char32_t cp = detail::decode_utf8(text, pos);
        if (cp == detail::invalid_code_point) {
            out.append("\\udc");
            detail::append_hex(out, static_cast<unsigned char>(text[at]), 2);
        } else if (cp == static_cast<char32_t>(quote) || cp == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(cp));
        } else if (cp == '\t') {
            out.append("\\t");
        } else if (cp == '\n') {
            out.append("\\n");
        } else if (cp == '\r') {
            out.append("\\r");
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && !detail::python_printable(cp))) {
            out.append(cp < 0x100 ? "\\x" : cp < 0x10000 ? "\\u" : "\\U");
            detail::append_hex(out, cp, cp < 0x100 ? 2 : cp < 0x10000 ? 4 : 8);
        } else {
            out.append(text.substr(at, pos - at));
        }
    }
    out.push_back(quote);
    return out;
}

// ---- HERMES_HOME and naming -------------------------------------------------------------------

/// What the host knows about the environment that decides HERMES_HOME.
struct home_inputs {
    std::optional<std::string> hermes_home_env;  ///< $HERMES_HOME, when set
    std::string user_home;                       ///< the caller's home (Path.home())
    std::string data_dir_suffix;                 ///< $HERMES_DATA_DIR_SUFFIX, usually empty
};

/// `$HERMES_HOME` when non-blank (`~` expanded against user_home), else `user_home/.hermes<suffix>`;
/// lexically normal, and an error unless absolute. Not resolved (the host resolves symlinks).
[[nodiscard]] inline result<std::string> resolve_hermes_home(const home_inputs& in) {
    if (in.hermes_home_env && !detail::is_blank(*in.hermes_home_env)) {
        std::string home = detail::expand_user(*in.hermes_home_env, in.user_home);
        if (auto ok = check_anchor_path(home, "HERMES_HOME"); !ok)
            return unexpected_error(std::move(ok.error()));
        return lexically_normal(home);
    }
    if (auto ok = check_anchor_path(in.user_home, "user_home"); !ok)
        return unexpected_error(std::move(ok.error()));
    std::string home = detail::join(in.user_home, ".hermes" + in.data_dir_suffix);
    if (auto ok = check_anchor_path(home, "HERMES_DATA_DIR_SUFFIX"); !ok)
        return unexpected_error(std::move(ok.error()));
    return lexically_normal(home);
}

/// Upstream's get_default_hermes_root(): the native home when HERMES_HOME is it or under it, else
/// `<x>` for a `<x>/profiles/<name>` home, else HERMES_HOME itself (e.g. a Docker `/opt/data`).
[[nodiscard]] inline std::string default_hermes_root(std::string_view hermes_home,
                                                     std::string_view native_home) {
    if (hermes_home.empty() || detail::relative_to(hermes_home, native_home))
        return lexically_normal(native_home);
    std::string home = lexically_normal(hermes_home);
    const std::size_t slash = home.rfind('/');
    if (slash != std::string::npos && slash > 0) {
        const std::string parent = home.substr(0, slash);
        const std::size_t parent_slash = parent.rfind('/');
        if (parent_slash != std::string::npos && parent.substr(parent_slash + 1) == "profiles")
            return parent_slash == 0 ? std::string("/") : parent.substr(0, parent_slash);
    }
    return home;
}

/// The profile name when `hermes_home` is `<default_root>/profiles/<name>` with a name matching
/// `^[a-z0-9][a-z0-9_-]{0,63}$`, else nullopt (lexical: the host passes resolved paths).
[[nodiscard]] inline std::optional<std::string> profile_name(std::string_view hermes_home,
                                                             std::string_view default_root) {
    if (default_root.empty()) return std::nullopt;
    auto rel = detail::relative_to(hermes_home, detail::join(default_root, "profiles"));
    if (!rel || rel->find('/') != std::string::npos || !detail::is_profile_name(*rel)) return std::nullopt;
    return rel;
}

/// Upstream's `_profile_arg` as argv: `{"--profile", name}` for a named profile, else empty.
[[nodiscard]] inline std::vector<std::string> profile_args(std::string_view hermes_home,
                                                           std::string_view default_root) {
    if (auto name = profile_name(hermes_home, default_root)) return {"--profile", std::move(*name)};
    return {};
}

/// The service-name suffix: "" for the default home (`native_home`, or one of `bare_homes`, e.g. the
/// SUDO_USER's home or the one a bare system unit pins), the profile name, else the first 8 hex
/// digits of SHA-256 of the lexically normal home path.
[[nodiscard]] inline std::string service_suffix(std::string_view hermes_home, std::string_view native_home,
                                                const std::vector<std::string>& bare_homes = {}) {
    const std::string home = lexically_normal(hermes_home);
    if (home == lexically_normal(native_home)) return {};
    for (const std::string& bare : bare_homes)
        if (!bare.empty() && home == lexically_normal(bare)) return {};
    if (auto name = profile_name(home, default_hermes_root(home, native_home))) return std::move(*name);
    return hermes::service::detail::sha256_hex(home).substr(0, 8);
}

/// `hermes-gateway`, or `hermes-gateway-<suffix>` (no `.service`).
[[nodiscard]] inline std::string systemd_service_name(std::string_view suffix) {
    std::string name = "hermes-gateway";
    if (!suffix.empty()) name.append("-").append(suffix);
    return name;
}

/// `ai.hermes.gateway`, or `ai.hermes.gateway-<suffix>` (a hyphen, not a dot).
[[nodiscard]] inline std::string launchd_label(std::string_view suffix) {
    std::string label = "ai.hermes.gateway";
    if (!suffix.empty()) label.append("-").append(suffix);
    return label;
}

/// Where the unit file goes: `<user_home>/.config/systemd/user/<name>.service` for user scope,
/// `/etc/systemd/system/<name>.service` for system scope (`user_home` unused).
[[nodiscard]] inline std::string unit_file_path(scope where, std::string_view suffix,
                                                std::string_view user_home = {}) {
    const std::string file = systemd_service_name(suffix) + ".service";
    if (where == scope::system) return "/etc/systemd/system/" + file;
    return detail::join(user_home, ".config/systemd/user/" + file);
}

/// `<account_home>/Library/LaunchAgents/<label>.plist`; pass the account's real home (getpwuid),
/// not $HOME, which profile mode may point elsewhere.
[[nodiscard]] inline std::string launchd_plist_path(std::string_view account_home, std::string_view suffix) {
    return detail::join(account_home, "Library/LaunchAgents/" + launchd_label(suffix) + ".plist");
}

/// Upstream's `_hermes_home_for_target_user` (lexical): `current_home` (HERMES_HOME, `~` expanded
/// against `caller_home`) moved from `<caller_home>/.hermes` to `<target_home>/.hermes`; a home
/// elsewhere is kept. `/root/.hermes/profiles/x` -> `/home/alice/.hermes/profiles/x`.
[[nodiscard]] inline std::string hermes_home_for_target_user(std::string_view current_home,
                                                             std::string_view caller_home,
                                                             std::string_view target_home) {
    std::string current = lexically_normal(detail::expand_user(current_home, caller_home));
    if (auto rel = detail::relative_to(current, detail::join(caller_home, ".hermes")))
        return detail::join(detail::join(target_home, ".hermes"), *rel);
    return current;
}

/// Upstream's `_remap_path_for_user` (lexical, symlinks kept): a path under `caller_home` moved
/// under `target_home`; any other path kept.
[[nodiscard]] inline std::string remap_path_for_user(std::string_view path, std::string_view caller_home,
                                                     std::string_view target_home) {
    std::string p = lexically_normal(detail::expand_user(path, caller_home));
    if (auto rel = detail::relative_to(p, caller_home)) return detail::join(target_home, *rel);
    return p;
}

// ---- timeouts -----------------------------------------------------------------------------------

/// `max(60, max(drain, cron > 0 ? cron + 10 : 0) + 30)`: the stop budget covers the restart drain
/// and the cron drain floor (gateway/restart.py at upstream's version B).
[[nodiscard]] constexpr unsigned timeout_stop_sec(long drain_seconds, long cron_drain_seconds) noexcept {
    constexpr long long cap = std::numeric_limits<unsigned>::max();
    const long long cron_budget =
        cron_drain_seconds > 0 ? static_cast<long long>(cron_drain_seconds) + 10 : 0;
    const long long budget = std::max(static_cast<long long>(drain_seconds), cron_budget);
    const long long stop = budget >= cap - 30 ? cap : budget + 30;
    return static_cast<unsigned>(std::max(60LL, stop));
}

/// Upstream's coerce_systemd_watchdog_seconds for a configured string: ASCII decimal digits after
/// trimming whitespace, in 1..2147483647; anything else (sign, point, exponent, text) is 0 (off).
[[nodiscard]] constexpr unsigned coerce_watchdog_seconds(std::string_view configured) noexcept {
    while (!configured.empty() && detail::is_python_space(configured.front())) configured.remove_prefix(1);
    while (!configured.empty() && detail::is_python_space(configured.back())) configured.remove_suffix(1);
    if (configured.empty()) return 0;
    unsigned long long value = 0;
    for (const char c : configured) {
        if (c < '0' || c > '9') return 0;
        value = value * 10 + static_cast<unsigned long long>(c - '0');
        if (value > 2147483647ULL) return 0;
    }
    return static_cast<unsigned>(value);
}

/// The same rule for a configured integer: 1..2147483647, else 0.
[[nodiscard]] constexpr unsigned coerce_watchdog_seconds(long long configured) noexcept {
    return configured >= 1 && configured <= 2147483647LL ? static_cast<unsigned>(configured) : 0;
}

// ---- the temporary-home guard -------------------------------------------------------------------

/// Whether `path` is, or lies under, `tmpdir` (the host's tempfile.gettempdir(); may be empty),
/// /tmp, /var/tmp, /private/tmp or /private/var/tmp; lexical (the host passes resolved paths).
[[nodiscard]] inline bool is_temporary_path(std::string_view path, std::string_view tmpdir) {
    if (path.empty() || path.front() != '/') return false;
    if (!tmpdir.empty() && tmpdir.front() == '/' && detail::lies_under(path, tmpdir)) return true;
    // The fixed roots' first segments are tmp, var and private: a path whose first byte after the
    // leading '/' starts none of them (and no empty or "." segment) lies under none of them.
    const char first = path.size() > 1 ? path[1] : '/';
    if (first != '/' && first != '.' && first != 't' && first != 'v' && first != 'p') return false;
    for (const std::string_view root :
         {std::string_view("/tmp"), std::string_view("/var/tmp"), std::string_view("/private/tmp"),
          std::string_view("/private/var/tmp")})
        if (detail::lies_under(path, root)) return true;
    return false;
}

namespace detail {

/// The temporary-home refusal shared by both generators.
[[nodiscard]] inline status check_not_temporary(std::string_view hermes_home, std::string_view tmpdir,
                                                bool allowed) {
    if (allowed || !is_temporary_path(hermes_home, tmpdir)) return {};
    return make_error(errc::not_allowed, "HERMES_HOME",
                      "\"" + std::string(hermes_home) +
                          "\" is in a temporary directory; a service pinned there crash-loops once it is "
                          "cleaned up (set allow_temporary_home to write it anyway)");
}

}  // namespace detail

// ---- command lines ------------------------------------------------------------------------------

/// How the gateway's Python code is started.
struct installation {
    std::string python;           ///< the interpreter (upstream's get_python_path()); unused with a launcher
    std::string project_root;     ///< the source checkout (PROJECT_ROOT), resolved
    bool store_launcher = false;  ///< a pm-managed install: run `<project_root>/.hermes/bin/hermes` instead
};

/// `installation` with python and project_root moved from `caller_home` to `target_home`
/// (remap_path_for_user), as upstream does for a system unit.
[[nodiscard]] inline installation remap_installation_for_user(const installation& in,
                                                              std::string_view caller_home,
                                                              std::string_view target_home) {
    return installation{
        in.python.empty() ? std::string() : remap_path_for_user(in.python, caller_home, target_home),
        remap_path_for_user(in.project_root, caller_home, target_home), in.store_launcher};
}

/// Upstream's bootstrap (`python -I -c <this>`): defaults HERMES_HOME, drops PYTHONHOME, PYTHONPATH
/// and VIRTUAL_ENV, puts `project_root` first on sys.path and runs `module` as __main__.
[[nodiscard]] inline std::string bootstrap_script(std::string_view hermes_home, std::string_view project_root,
                                                  std::string_view module) {
    std::string s = "import os, sys, runpy; os.environ['HERMES_HOME'] = os.environ.get('HERMES_HOME') or ";
    s.append(python_repr(hermes_home))
        .append(
            "; os.environ.pop('PYTHONHOME', None); os.environ.pop('PYTHONPATH', None); "
            "os.environ.pop('VIRTUAL_ENV', None); sys.path.insert(0, ")
        .append(python_repr(project_root))
        .append("); import hermes_bootstrap; runpy.run_module(")
        .append(python_repr(module))
        .append(", run_name='__main__', alter_sys=True)");
    return s;
}

/// Upstream's installation_command: `[<root>/.hermes/bin/hermes, (--run-module M), args...]` with a
/// store launcher, else `[python, -I, -c, bootstrap_script(hermes_home, root, M), args...]`.
[[nodiscard]] inline std::vector<std::string> installation_command(const installation& in,
                                                                   std::string_view hermes_home,
                                                                   std::string_view module,
                                                                   const std::vector<std::string>& args) {
    std::vector<std::string> argv;
    argv.reserve(args.size() + 4);
    if (in.store_launcher) {
        argv.push_back(detail::join(in.project_root, ".hermes/bin/hermes"));
        if (module != "hermes_cli.main") {
            argv.emplace_back("--run-module");
            argv.emplace_back(module);
        }
    } else {
        argv.push_back(in.python);
        argv.emplace_back("-I");
        argv.emplace_back("-c");
        argv.push_back(bootstrap_script(hermes_home, in.project_root, module));
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

/// ExecStart's argv: `... [--profile NAME] gateway run` (profile from profile_args()).
[[nodiscard]] inline std::vector<std::string> gateway_run_command(
    const installation& in, std::string_view hermes_home, const std::vector<std::string>& profile = {}) {
    std::vector<std::string> args = profile;
    args.emplace_back("gateway");
    args.emplace_back("run");
    return installation_command(in, hermes_home, "hermes_cli.main", args);
}

/// ExecStopPost's argv: the `gateway.cgroup_cleanup` module (written with the '-' prefix).
[[nodiscard]] inline std::vector<std::string> cgroup_cleanup_command(const installation& in,
                                                                     std::string_view hermes_home) {
    return installation_command(in, hermes_home, "gateway.cgroup_cleanup", {});
}

/// The plist's ProgramArguments: the `hermes_cli.stderr_timestamp` wrapper writing `error_log`, then
/// `--` and the gateway command with `--replace` dropped and `--external-supervisor` added.
/// Upstream passes the unresolved HERMES_HOME here.
[[nodiscard]] inline std::vector<std::string> launchd_program_arguments(
    const installation& in, std::string_view hermes_home, std::string_view error_log,
    const std::vector<std::string>& profile = {}) {
    std::vector<std::string> inner;
    for (std::string& arg : gateway_run_command(in, hermes_home, profile))
        if (arg != "--replace") inner.push_back(std::move(arg));
    if (std::find(inner.begin(), inner.end(), "--external-supervisor") == inner.end())
        inner.emplace_back("--external-supervisor");
    std::vector<std::string> args = {"--error-log", std::string(error_log), "--"};
    args.insert(args.end(), inner.begin(), inner.end());
    return installation_command(in, hermes_home, "hermes_cli.stderr_timestamp", args);
}

// ---- the systemd unit ---------------------------------------------------------------------------

/// Everything the host gathered for one systemd unit.
struct unit_options {
    gateway::scope scope = gateway::scope::user;
    /// ExecStart's argv, e.g. gateway_run_command() (for system scope: remapped to the target user).
    std::vector<std::string> exec_start;
    /// ExecStopPost's argv (written as `-"..."`: its failure is ignored), e.g. cgroup_cleanup_command().
    std::optional<std::vector<std::string>> exec_stop_post;
    /// HERMES_HOME to pin: user scope the resolved home; system scope the target user's home
    /// (hermes_home_for_target_user), which is also WorkingDirectory.
    std::string hermes_home;
    /// User scope: whether hermes_home is an existing directory (else WorkingDirectory falls back).
    bool hermes_home_is_dir = true;
    /// The checkout, WorkingDirectory's fallback (stable_service_working_dir).
    std::string project_root;
    /// PATH entries before the fixed `/usr/local/sbin:...:/bin` tail (node dirs, ~/.local/bin, ...).
    std::vector<std::string> path_entries;
    /// The target account; required for system scope.
    std::optional<system_identity> identity;
    long drain_timeout = 0;         ///< agent.restart_drain_timeout, seconds
    long cron_drain_timeout = 30;   ///< agent.cron_drain_timeout, seconds (0 opts out)
    unsigned watchdog_seconds = 0;  ///< coerce_watchdog_seconds() of the config; 0 is Type=simple
    std::string description = std::string(default_description);
    /// Write a HERMES_HOME under a temporary directory anyway (tests, throwaway installs).
    bool allow_temporary_home = false;
    /// The host's temporary directory (tempfile.gettempdir()), for the temporary-home guard.
    std::string tmpdir;
};

/// User-scope options as upstream derives them: HERMES_HOME (resolved) pinned, the profile taken
/// relative to default_hermes_root(hermes_home, native_home), ExecStart and ExecStopPost composed.
[[nodiscard]] inline unit_options user_unit_options(const installation& in, std::string_view hermes_home,
                                                    std::string_view native_home,
                                                    bool hermes_home_is_dir = true,
                                                    std::vector<std::string> path_entries = {}) {
    unit_options o;
    o.scope = scope::user;
    const std::vector<std::string> profile =
        profile_args(hermes_home, default_hermes_root(hermes_home, native_home));
    o.exec_start = gateway_run_command(in, hermes_home, profile);
    o.exec_stop_post = cgroup_cleanup_command(in, hermes_home);
    o.hermes_home = std::string(hermes_home);
    o.hermes_home_is_dir = hermes_home_is_dir;
    o.project_root = in.project_root;
    o.path_entries = std::move(path_entries);
    return o;
}

/// System-scope options as upstream derives them when the caller (e.g. root) installs for
/// `identity`: HERMES_HOME moved with hermes_home_for_target_user, the installation and
/// `path_entries` remapped, the profile taken relative to the target's `~/.hermes`.
/// `target_node_entries` (the target's managed Node dirs) not already there are prepended, unremapped.
[[nodiscard]] inline unit_options system_unit_options(
    const installation& in, std::string_view current_home, std::string_view caller_home,
    system_identity identity, const std::vector<std::string>& path_entries = {},
    const std::vector<std::string>& target_node_entries = {}) {
    unit_options o;
    o.scope = scope::system;
    const std::string home = hermes_home_for_target_user(current_home, caller_home, identity.home);
    const std::string target_root = detail::join(identity.home, ".hermes");
    const std::string root = detail::relative_to(home, target_root)
                                 ? target_root
                                 : default_hermes_root(home, detail::join(caller_home, ".hermes"));
    const installation target = remap_installation_for_user(in, caller_home, identity.home);
    const std::vector<std::string> profile = profile_args(home, root);
    o.exec_start = gateway_run_command(target, home, profile);
    o.exec_stop_post = cgroup_cleanup_command(target, home);
    o.hermes_home = home;
    o.project_root = target.project_root;
    std::vector<std::string> remapped;
    remapped.reserve(path_entries.size());
    for (const std::string& e : path_entries)
        remapped.push_back(remap_path_for_user(e, caller_home, identity.home));
    for (const std::string& e : target_node_entries)
        if (std::find(remapped.begin(), remapped.end(), e) == remapped.end()) o.path_entries.push_back(e);
    o.path_entries.insert(o.path_entries.end(), remapped.begin(), remapped.end());
    o.identity = std::move(identity);
    return o;
}

namespace detail {

/// Appends PATH entry number `i` to `out`, after a ':' unless first; it must be absolute when
/// `absolute`, and free of ':'.
template <class Out>
[[nodiscard]] status append_path_entry(Out& out, std::string_view e, std::size_t i, bool absolute) {
    if (e.empty()) return make_error(errc::empty_value, field_ref("PATH", i), "the PATH entry is empty");
    if (absolute && e.front() != '/')
        return make_error(errc::relative_path, field_ref("PATH", i),
                          "must be an absolute directory, got \"" + std::string(e) + "\"");
    if (e.find(':') != std::string_view::npos)
        return make_error(errc::unrepresentable, field_ref("PATH", i),
                          "\"" + std::string(e) + "\" contains ':', which separates PATH entries");
    if (!out.empty()) out.push_back(':');
    out.append(e);
    return {};
}

/// Joins PATH entries with ':'; each must be absolute when `absolute`, and free of ':'.
[[nodiscard]] inline result<std::string> join_path(const std::vector<std::string>& entries, bool absolute) {
    std::string out;
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (auto ok = append_path_entry(out, entries[i], i, absolute); !ok)
            return unexpected_error(std::move(ok.error()));
    return out;
}

/// Text kept on the stack while it fits in N bytes (the PATH value before it is escaped).
template <std::size_t N>
class stack_string {
  public:
    stack_string() = default;
    stack_string(const stack_string&) = delete;
    stack_string& operator=(const stack_string&) = delete;
    [[nodiscard]] bool empty() const noexcept { return size_ == 0 && heap_.empty(); }
    void push_back(char c) { append(std::string_view(&c, 1)); }
    stack_string& append(std::string_view s) {
        if (heap_.empty() && s.size() <= N - size_) {
            s.copy(buf_ + size_, s.size());
            size_ += s.size();
        } else {
            if (heap_.empty()) heap_.assign(buf_, size_);
            heap_.append(s);
        }
        return *this;
    }
    [[nodiscard]] std::string_view view() const noexcept {
        return heap_.empty() ? std::string_view(buf_, size_) : std::string_view(heap_);
    }

  private:
    char buf_[N];
    std::size_t size_ = 0;
    std::string heap_;
};

/// The gateway unit's fixed lines as text, so they are written without being re-validated per call.
/// Each equals what the validating unit_writer calls write (tests/render_fast_paths.cpp compares them).
namespace unit_text {
inline constexpr std::string_view after_network =
    "After=network-online.target\n"
    "Wants=network-online.target\n";
inline constexpr std::string_view start_limit_and_service =
    "StartLimitIntervalSec=0\n"
    "\n[Service]\n";
inline constexpr std::string_view type_notify =
    "Type=notify\n"
    "NotifyAccess=main\n";
inline constexpr std::string_view type_simple = "Type=simple\n";
inline constexpr std::string_view restart_and_kill =
    "Environment=\"HERMES_SUPERVISED_CHILD=1\"\n"
    "Restart=always\n"
    "RestartSec=5\n"
    "RestartForceExitStatus=75\n"
    "SuccessExitStatus=75\n"
    "RestartPreventExitStatus=78\n"
    "KillMode=mixed\n"
    "KillSignal=SIGTERM\n"
    "ExecReload=/bin/kill -USR1 $MAINPID\n";
inline constexpr std::string_view output_and_install_user =
    "StandardOutput=journal\n"
    "StandardError=journal\n"
    "\n[Install]\n"
    "WantedBy=default.target\n";
inline constexpr std::string_view output_and_install_system =
    "StandardOutput=journal\n"
    "StandardError=journal\n"
    "\n[Install]\n"
    "WantedBy=multi-user.target\n";
}  // namespace unit_text

/// systemd_unit(o, out)'s writing; on an error `out` holds the text written so far.
[[nodiscard]] inline result<void> write_systemd_unit(const unit_options& o, std::string& out) {
    out.clear();
    const bool system = o.scope == scope::system;
    if (system && !o.identity)
        return make_error(errc::missing_field, "system_identity",
                          "a system unit needs the account to run as");
    if (auto ok = check_anchor_path(o.hermes_home, "HERMES_HOME"); !ok) return ok;
    std::string normal_home;  // only when o.hermes_home is not lexically normal already
    std::string_view hermes_home = o.hermes_home;
    if (!detail::is_lexically_normal(hermes_home)) hermes_home = normal_home = lexically_normal(hermes_home);
    if (auto ok = detail::check_not_temporary(hermes_home, o.tmpdir, o.allow_temporary_home); !ok) return ok;
    if (o.watchdog_seconds > 2147483647U)
        return make_error(errc::out_of_range, "WatchdogSec",
                          std::to_string(o.watchdog_seconds) + " seconds is above 2147483647");

    std::string fallback_dir;
    std::string_view working_dir = hermes_home;  // upstream (system scope): the target user's HERMES_HOME
    if (system) {
        if (auto ok = check_anchor_path(o.identity->home, "HOME"); !ok) return ok;
    } else if (!o.hermes_home_is_dir) {  // else stable_service_working_dir() picks the (checked) HERMES_HOME
        auto choice = stable_service_working_dir(std::nullopt, o.project_root);
        if (!choice) return unexpected_error(std::move(choice.error()));
        fallback_dir = std::move(choice->path);
        working_dir = fallback_dir;
    }

    detail::stack_string<1024> path;
    std::size_t entry = 0;
    for (const std::string& e : o.path_entries)
        if (auto ok = detail::append_path_entry(path, e, entry++, /*absolute=*/true); !ok) return ok;
    // The fixed tail: absolute and free of ':', so append_path_entry would accept every entry.
    if (!path.empty()) path.push_back(':');
    path.append("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    // unit_builder's whole-unit checks; the other ones (one ExecStart=, distinct variables) hold by
    // construction.
    if (o.exec_start.empty())
        return make_error(errc::empty_value, "ExecStart",
                          "the command line is empty; give at least the executable");
    if (o.exec_stop_post && o.exec_stop_post->empty())
        return make_error(errc::empty_value, "ExecStopPost",
                          "the command line is empty; give at least the executable");

    std::size_t estimate =
        640 + o.description.size() + 2 * hermes_home.size() + working_dir.size() + path.view().size();
    for (const std::string& a : o.exec_start) estimate += a.size() + 3;
    if (o.exec_stop_post)
        for (const std::string& a : *o.exec_stop_post) estimate += a.size() + 3;
    if (system)
        estimate += 160 + 3 * o.identity->user.size() + o.identity->group.size() + o.identity->home.size();
    out.reserve(estimate + estimate / 4);

    systemd::detail::unit_writer w(out);
    w.section("Unit");
    if (auto ok = w.literal("Description", o.description); !ok) return ok;
    w.constant_lines(detail::unit_text::after_network);
    if (system) {
        const std::string user_manager = "user@" + std::to_string(o.identity->uid) + ".service";
        if (auto ok = w.unit_name("After", user_manager); !ok) return ok;
        if (auto ok = w.unit_name("Wants", user_manager); !ok) return ok;
    }
    w.constant_lines(detail::unit_text::start_limit_and_service);
    if (o.watchdog_seconds > 0) {
        w.constant_lines(detail::unit_text::type_notify);
        if (auto ok = w.time_span("WatchdogSec", std::to_string(o.watchdog_seconds) + "s"); !ok) return ok;
    } else {
        w.constant_lines(detail::unit_text::type_simple);
    }
    if (system) {
        if (auto ok = w.user_name("User", o.identity->user); !ok) return ok;
        if (auto ok = w.user_name("Group", o.identity->group); !ok) return ok;
    }
    if (auto ok = w.exec("ExecStart", o.exec_start, false); !ok) return ok;
    if (auto ok = w.path("WorkingDirectory", working_dir, false); !ok) return ok;
    if (system) {
        if (auto ok = w.environment("HOME", o.identity->home); !ok) return ok;
        if (auto ok = w.environment("USER", o.identity->user); !ok) return ok;
        if (auto ok = w.environment("LOGNAME", o.identity->user); !ok) return ok;
    }
    if (auto ok = w.environment("PATH", path.view()); !ok) return ok;
    w.blank_line();  // upstream's template keeps the line where VIRTUAL_ENV used to be
    if (auto ok = w.environment("HERMES_HOME", hermes_home); !ok) return ok;
    w.constant_lines(detail::unit_text::restart_and_kill);
    if (o.exec_stop_post)
        if (auto ok = w.exec("ExecStopPost", *o.exec_stop_post, /*dash=*/true); !ok) return ok;
    const std::chrono::seconds stop(timeout_stop_sec(o.drain_timeout, o.cron_drain_timeout));
    if (auto ok = w.trusted("TimeoutStopSec", systemd::detail::format_time_span(stop)); !ok) return ok;
    w.constant_lines(system ? detail::unit_text::output_and_install_system
                            : detail::unit_text::output_and_install_user);
    return {};
}
}  // namespace detail

/// Renders the gateway's systemd unit into `out` (its contents replaced, its capacity reused): the text
/// systemd_unit(o) returns, with no allocation when `out` is already large enough; empty after an error
/// (never a partial text).
[[nodiscard]] inline result<void> systemd_unit(const unit_options& o, std::string& out) {
    if (auto ok = detail::write_systemd_unit(o, out); !ok) {
        out.clear();  // the writer stopped at the bad value: nothing half-written reaches the caller
        return ok;
    }
    return {};
}

/// Renders the gateway's systemd unit: upstream version B's bytes for every input upstream renders
/// validly; a value upstream would write wrong (a `%`, `"` or `\` it leaves raw, a control character)
/// is escaped on its own line or refused with a typed error (see tests/golden/README.md).
[[nodiscard]] inline result<std::string> systemd_unit(const unit_options& o) {
    std::string out;
    if (auto ok = systemd_unit(o, out); !ok) return unexpected_error(std::move(ok.error()));
    return out;
}

// ---- the launchd plist --------------------------------------------------------------------------

/// Everything the host gathered for the launchd agent.
struct plist_options {
    /// service_suffix(); the label is launchd_label(suffix).
    std::string suffix;
    /// ProgramArguments, e.g. launchd_program_arguments().
    std::vector<std::string> program_arguments;
    /// The resolved HERMES_HOME (EnvironmentVariables, WorkingDirectory).
    std::string hermes_home;
    /// Whether hermes_home is an existing directory (else WorkingDirectory falls back).
    bool hermes_home_is_dir = true;
    /// The checkout, WorkingDirectory's fallback.
    std::string project_root;
    /// Where gateway.log and gateway.error.log go; empty means `<hermes_home>/logs`. Upstream uses
    /// the unresolved HERMES_HOME here.
    std::string log_dir;
    /// PATH: the priority dirs, then the invoking shell's PATH entries; empty entries and repeats
    /// are dropped and any of /bin, /sbin, /usr/bin, /usr/sbin missing is appended, as upstream does.
    std::vector<std::string> path_entries;
    /// SoftResourceLimits/NumberOfFiles; nullopt leaves the block out.
    std::optional<unsigned> nofile_soft_limit = default_nofile_soft_limit;
    /// Write a HERMES_HOME under a temporary directory anyway.
    bool allow_temporary_home = false;
    /// The host's temporary directory, for the temporary-home guard.
    std::string tmpdir;
};

/// Plist options as upstream derives them: the suffix and profile from `native_home`, ProgramArguments
/// from launchd_program_arguments() with the unresolved home (`hermes_home_env_form`, upstream's
/// get_hermes_home(); empty means `hermes_home`), logs under `<that home>/logs`.
[[nodiscard]] inline plist_options agent_plist_options(const installation& in, std::string_view hermes_home,
                                                       std::string_view native_home,
                                                       std::string_view hermes_home_env_form = {},
                                                       bool hermes_home_is_dir = true,
                                                       std::vector<std::string> path_entries = {}) {
    const std::string unresolved =
        lexically_normal(hermes_home_env_form.empty() ? hermes_home : hermes_home_env_form);
    plist_options o;
    o.suffix = service_suffix(hermes_home, native_home);
    o.log_dir = detail::join(unresolved, "logs");
    o.program_arguments =
        launchd_program_arguments(in, unresolved, o.log_dir + "/gateway.error.log",
                                  profile_args(hermes_home, default_hermes_root(hermes_home, native_home)));
    o.hermes_home = std::string(hermes_home);
    o.hermes_home_is_dir = hermes_home_is_dir;
    o.project_root = in.project_root;
    o.path_entries = std::move(path_entries);
    return o;
}

namespace detail {

/// Upstream's comment before ThrottleInterval, line by line.
inline constexpr std::string_view throttle_comment[] = {
    "    <!-- ThrottleInterval raises launchd's default 10s minimum respawn interval",
    "         to 30s so a crash-looping gateway can't hammer launchd into a rapid",
    "         respawn storm; ExitTimeOut gives the gateway 25s of graceful-drain",
    "         headroom before launchd escalates from SIGTERM to SIGKILL on stop. -->"};

}  // namespace detail

namespace detail {
/// launchd_plist(o, out)'s writing; on an error `out` holds the text written so far.
[[nodiscard]] inline result<void> write_launchd_plist(const plist_options& o, std::string& out) {
    out.clear();
    if (auto ok = check_anchor_path(o.hermes_home, "HERMES_HOME"); !ok) return ok;
    std::string normal_home;  // only when o.hermes_home is not lexically normal already
    std::string_view hermes_home = o.hermes_home;
    if (!detail::is_lexically_normal(hermes_home)) hermes_home = normal_home = lexically_normal(hermes_home);
    if (auto ok = detail::check_not_temporary(hermes_home, o.tmpdir, o.allow_temporary_home); !ok) return ok;
    // stable_service_working_dir(): a HERMES_HOME that passed check_anchor_path still passes it once
    // normalised, so the choice is HERMES_HOME itself whenever it is a directory.
    std::string fallback_dir;
    std::string_view working_dir = hermes_home;
    if (!o.hermes_home_is_dir) {
        auto choice = stable_service_working_dir(std::nullopt, o.project_root);
        if (!choice) return unexpected_error(std::move(choice.error()));
        fallback_dir = std::move(choice->path);
        working_dir = fallback_dir;
    }
    detail::stack_string<512> log_dir;  // join(hermes_home, "logs") or lexically_normal(o.log_dir)
    if (o.log_dir.empty()) {
        log_dir.append(hermes_home);
        if (hermes_home.back() != '/') log_dir.push_back('/');
        log_dir.append("logs");
    } else if (detail::is_lexically_normal(o.log_dir)) {
        log_dir.append(o.log_dir);
    } else {
        log_dir.append(lexically_normal(o.log_dir));
    }
    if (auto ok = check_anchor_path(log_dir.view(), "log_dir"); !ok) return ok;

    // PATH: the non-empty entries, first occurrence only, then the system dirs not among them; an
    // entry's index is its place in that list.
    detail::stack_string<1024> path;
    std::size_t entry = 0;
    const auto seen = [&o](std::string_view e, std::size_t before) {
        for (std::size_t j = 0; j < before; ++j)
            if (o.path_entries[j] == e) return true;
        return false;
    };
    for (std::size_t k = 0; k < o.path_entries.size(); ++k) {
        const std::string& e = o.path_entries[k];
        if (e.empty() || seen(e, k)) continue;
        if (auto ok = detail::append_path_entry(path, e, entry++, /*absolute=*/false); !ok) return ok;
    }
    for (const std::string_view sys : {"/bin", "/sbin", "/usr/bin", "/usr/sbin"})
        if (!seen(sys, o.path_entries.size()))
            if (auto ok = detail::append_path_entry(path, sys, entry++, /*absolute=*/false); !ok) return ok;

    // plist_builder's checks, for the keys written here.
    detail::stack_string<256> label;  // launchd_label(o.suffix)
    label.append("ai.hermes.gateway");
    if (!o.suffix.empty()) label.append("-").append(o.suffix);
    if (auto ok = launchd::detail::check_label(label.view()); !ok) return ok;
    if (o.program_arguments.empty())
        return make_error(errc::empty_value, "ProgramArguments", "give at least the executable");
    if (auto ok = launchd::detail::check_plist_path(o.program_arguments[0], "ProgramArguments[0]"); !ok)
        return ok;
    if (auto ok = launchd::detail::check_plist_path(working_dir, "WorkingDirectory"); !ok) return ok;
    if (o.nofile_soft_limit && *o.nofile_soft_limit == 0)
        return make_error(errc::out_of_range, "SoftResourceLimits.NumberOfFiles",
                          "a limit of 0 files leaves the job unable to run");
    detail::stack_string<512> out_log;
    out_log.append(log_dir.view()).append("/gateway.log");
    detail::stack_string<512> err_log;
    err_log.append(log_dir.view()).append("/gateway.error.log");

    std::size_t estimate = 1600 + label.view().size() + working_dir.size() + path.view().size() +
                           hermes_home.size() + out_log.view().size() + err_log.view().size();
    for (const std::string& a : o.program_arguments) estimate += a.size() + 28;
    out.reserve(estimate + estimate / 4);

    // The template, cut where a value goes. ProgramArguments are escaped as html.escape does, the other
    // strings with only the references XML needs (Python's html.escape and plistlib's writer).
    using hermes::service::detail::field_ref;
    hermes::service::detail::basic_buffer_sink<4096> sink(out);  // the whole plist in one or two flushes
    const auto text = [&sink](std::string_view value, const field_ref& field) {
        return hermes::service::detail::put_xml_chardata(sink, value, field);
    };
    sink.put(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        "<plist version=\"1.0\">\n<dict>\n"
        "    <key>Label</key>\n"
        "    <string>");
    if (auto ok = text(label.view(), "Label"); !ok) return ok;
    sink.put(
        "</string>\n"
        "\n"
        "    <key>ProgramArguments</key>\n"
        "    <array>\n");
    for (std::size_t i = 0; i < o.program_arguments.size(); ++i) {
        sink.put("        <string>");
        if (auto ok = hermes::service::detail::put_xml_text(sink, o.program_arguments[i],
                                                            field_ref("ProgramArguments", i));
            !ok)
            return ok;
        sink.put("</string>\n");
    }
    sink.put(
        "    </array>\n"
        "    \n"
        "    <key>WorkingDirectory</key>\n"
        "    <string>");
    if (auto ok = text(working_dir, "WorkingDirectory"); !ok) return ok;
    sink.put(
        "</string>\n"
        "    \n"
        "    <key>EnvironmentVariables</key>\n"
        "    <dict>\n"
        "        <key>PATH</key>\n"
        "        <string>");
    if (auto ok = text(path.view(), field_ref("EnvironmentVariables", "PATH")); !ok) return ok;
    sink.put(
        "</string>\n"
        "\n"
        "        <key>HERMES_HOME</key>\n"
        "        <string>");
    if (auto ok = text(hermes_home, field_ref("EnvironmentVariables", "HERMES_HOME")); !ok) return ok;
    sink.put(
        "</string>\n"
        "        <key>HERMES_SUPERVISED_CHILD</key>\n"
        "        <string>1</string>\n"
        "    </dict>\n"
        "\n"
        "    <key>LimitLoadToSessionType</key>\n"
        "    <array>\n"
        "        <string>Aqua</string>\n"
        "        <string>Background</string>\n"
        "    </array>\n"
        "    \n"
        "    <key>RunAtLoad</key>\n"
        "    <true/>\n"
        "    \n"
        "    <key>KeepAlive</key>\n"
        "    <true/>\n"
        "\n"
        "    <!-- ThrottleInterval raises launchd's default 10s minimum respawn interval\n"
        "         to 30s so a crash-looping gateway can't hammer launchd into a rapid\n"
        "         respawn storm; ExitTimeOut gives the gateway 25s of graceful-drain\n"
        "         headroom before launchd escalates from SIGTERM to SIGKILL on stop. -->\n"
        "    <key>ThrottleInterval</key>\n"
        "    <integer>30</integer>\n"
        "\n"
        "    <key>ExitTimeOut</key>\n"
        "    <integer>25</integer>\n");
    if (o.nofile_soft_limit) {
        char digits[16];
        const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, *o.nofile_soft_limit);
        (void)ec;  // an unsigned always fits in 16 digits
        sink.put(
            "\n"
            "    <key>SoftResourceLimits</key>\n"
            "    <dict>\n"
            "        <key>NumberOfFiles</key>\n"
            "        <integer>");
        sink.put(std::string_view(digits, static_cast<std::size_t>(end - digits)));
        sink.put(
            "</integer>\n"
            "    </dict>\n");
    }
    sink.put(
        "\n"
        "    <key>StandardOutPath</key>\n"
        "    <string>");
    if (auto ok = text(out_log.view(), "StandardOutPath"); !ok) return ok;
    sink.put(
        "</string>\n"
        "    \n"
        "    <key>StandardErrorPath</key>\n"
        "    <string>");
    if (auto ok = text(err_log.view(), "StandardErrorPath"); !ok) return ok;
    sink.put(
        "</string>\n"
        "</dict>\n</plist>\n");
    sink.finish();
    return {};
}
}  // namespace detail

/// Renders the gateway's launchd plist into `out` (its contents replaced, its capacity reused): the text
/// launchd_plist(o) returns, with no allocation when `out` is already large enough; empty after an error
/// (never a partial text). Written as upstream's template text with the values escaped into place; the
/// checks and their order are plist_builder's for these keys, so the errors are the same.
[[nodiscard]] inline result<void> launchd_plist(const plist_options& o, std::string& out) {
    if (auto ok = detail::write_launchd_plist(o, out); !ok) {
        out.clear();  // the writer stopped at the bad value: nothing half-written reaches the caller
        return ok;
    }
    return {};
}

/// Renders the gateway's launchd plist: upstream version B's bytes (its layout lines, comment and
/// blank lines included) for every input upstream renders validly. ProgramArguments are escaped as
/// upstream's html.escape does; the other strings get only the references XML needs (`&`, `<`),
/// which upstream leaves out (#48164); a character XML cannot carry is a typed error.
[[nodiscard]] inline result<std::string> launchd_plist(const plist_options& o) {
    std::string out;
    if (auto ok = launchd_plist(o, out); !ok) return unexpected_error(std::move(ok.error()));
    return out;
}

}  // namespace gateway
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
