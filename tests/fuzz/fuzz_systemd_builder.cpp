// SPDX-License-Identifier: MIT
// libFuzzer harness: systemd::unit_builder and dropin_builder, of any unit kind, fed arbitrary argv (every
// Exec line, every prefix), environment, paths, names, durations and text.
//
// Property: build() returns either a typed error, or text that parse_unit reads back to exactly the
// expected sections and directives (same order, nothing added: no injection), whose values decode
// (split_command_line, split_environment, %% un-doubling) to exactly the inputs.
//
// Input: records separated by 0xFE (see fuzz_common.hpp); tag byte, then payload:
//   D description          W working_directory      w working_directory(missing_ok)
//   U user                 G group                  E environment("NAME=value", split at the first '=')
//   S exec_start, argv[0] = payload made absolute ("/" prefixed when it does not start with '/')
//   s exec_start, argv[0] = payload as is          R exec_reload (argv[0] made absolute)
//   P exec_stop_post       p exec_stop_post(ignore_failure)       (argv[0] made absolute)
//   A one more argument for the last S/s/R/P/p    V systemd::variable(payload) as the next argument
//   T Type=oneshot         t Type=simple            B after(unit)    N wanted_by(unit)
//   O standard_output      o standard_error         Z restart_sec(span string)
//   K set("Section=Key=value", split at the first two '=')     k add(...) likewise
//   Y unit kind (first byte % 5; only the first Y counts)     I a drop-in (dropin_builder) instead
//   X an Exec line: byte 0 % 6 picks
//   ExecStartPre/ExecStartPost/ExecCondition/ExecStop/ExecReload/ExecStopPost,
//     byte 1 the prefixes (bits: '-', '@', ':', then % 4 of the rest: none, '+', '!', '!!'); the rest is
//     argv[0] (made absolute); A/V add arguments
//   r reset("Section=Key")    C on_calendar    b on_boot_sec(span string)    L listen_stream    F path_exists
//   M restart_sec(std::chrono::nanoseconds(first 8 bytes, little-endian, as a signed count))
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <hermes/service/systemd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_common.hpp"

namespace {

namespace hs = hermes::service;
namespace sd = hermes::service::systemd;

enum class kind { literal, working_directory, exec, environment, name, output, verbatim, reset, duration };

// What one directive must read back as.
struct expected {
    std::string section;
    std::string key;
    kind k;
    std::vector<std::string>
        values;         // exec: argv (variables as systemd::variable tokens); environment: {name, value}
    bool flag = false;  // working_directory: missing_ok
    bool custom = false;
    sd::exec_flags prefixes{};  // exec
};

// One builder call, replayed in record order once every argument has been collected.
struct op {
    char tag;
    std::string a, b, c;
    std::vector<std::string> argv;
    sd::exec_flags flags{};
};

class model {
  public:
    void scalar(std::string section, std::string key, kind k, std::string value, bool flag = false) {
        for (expected& d : directives)
            if (d.section == section && d.key == key && !d.custom) {
                d.k = k;
                d.values = {std::move(value)};
                d.flag = flag;
                return;
            }
        directives.push_back(
            expected{std::move(section), std::move(key), k, {std::move(value)}, flag, false});
    }
    void append(std::string section, std::string key, kind k, std::vector<std::string> values,
                bool flag = false, bool custom = false, sd::exec_flags prefixes = {}) {
        directives.push_back(
            expected{std::move(section), std::move(key), k, std::move(values), flag, custom, prefixes});
    }
    // set(): one custom line per key, a later set() replacing the value in place.
    void set(std::string section, std::string key, std::string value) {
        for (expected& d : directives)
            if (d.custom && d.k == kind::literal && d.section == section && d.key == key) {
                d.values = {std::move(value)};
                return;
            }
        append(std::move(section), std::move(key), kind::literal, {std::move(value)}, false, true);
    }

    // Sections in the order build() writes them, and the directives in file order.
    [[nodiscard]] std::vector<std::string> sections() const {
        std::vector<std::string> out;
        const std::string own(sd::detail::kind_section(unit_kind));
        for (const std::string& fixed : {std::string("Unit"), own, std::string("Install")})
            for (const expected& d : directives)
                if (!fixed.empty() && d.section == fixed) {
                    out.push_back(fixed);
                    break;
                }
        for (const expected& d : directives) {
            if (d.section == "Unit" || d.section == own || d.section == "Install") continue;
            bool seen = false;
            for (const std::string& s : out) seen = seen || s == d.section;
            if (!seen) out.push_back(d.section);
        }
        return out;
    }
    [[nodiscard]] std::vector<const expected*> in_file_order() const {
        std::vector<const expected*> out;
        for (const std::string& s : sections())
            for (const expected& d : directives)
                if (d.section == s) out.push_back(&d);
        return out;
    }

    std::vector<expected> directives;
    sd::unit_kind unit_kind = sd::unit_kind::service;
};

std::string absolute(std::string s) {
    if (s.empty() || s.front() != '/') s.insert(s.begin(), '/');
    return s;
}

// The argv systemd runs: variable tokens replaced by the variable's value (empty when unset).
std::vector<std::string> expand(const std::vector<std::string>& argv,
                                const std::vector<std::pair<std::string, std::string>>& env) {
    std::vector<std::string> out;
    for (const std::string& a : argv) {
        if (!a.empty() && a.front() == '\0') {
            std::string value;
            for (const auto& [n, v] : env)
                if (n == a.substr(1)) value = v;
            out.push_back(value);
        } else {
            out.push_back(a);
        }
    }
    return out;
}

void check_value(const expected& d, const hs::systemd::unit_entry& e,
                 const std::vector<std::pair<std::string, std::string>>& env, const std::string& text) {
    const std::string& v = e.value;
    switch (d.k) {
        case kind::literal:
            FUZZ_CHECK(fuzz::undouble_percent(v) == d.values[0], d.key + ": " + fuzz::hex(v), text);
            break;
        case kind::output:  // systemd resolves specifiers in file: paths and fd: names too
            FUZZ_CHECK(fuzz::undouble_percent(v) == d.values[0], d.key + ": " + fuzz::hex(v), text);
            break;
        case kind::working_directory: {
            std::string_view rest = v;
            if (d.flag) {
                FUZZ_CHECK(!rest.empty() && rest.front() == '-', "WorkingDirectory lost its '-'", text);
                rest.remove_prefix(1);
            }
            FUZZ_CHECK(fuzz::undouble_percent(rest) == d.values[0], "WorkingDirectory: " + fuzz::hex(v),
                       text);
            break;
        }
        case kind::exec: {
            std::string prefix;
            if (d.prefixes.ignore_failure) prefix += '-';
            if (d.prefixes.separate_argv0) prefix += '@';
            if (d.prefixes.no_environment_expansion) prefix += ':';
            prefix += std::string(sd::to_string(d.prefixes.privileges));
            FUZZ_CHECK(v.compare(0, prefix.size(), prefix) == 0 &&
                           (v.size() > prefix.size() && v[prefix.size()] == '"'),
                       d.key + ": prefixes", text);
            // '@': the process's argv starts at the second word
            std::vector<std::string> want = d.values;
            if (d.prefixes.separate_argv0) want.erase(want.begin());
            if (d.prefixes.no_environment_expansion) {
                auto argv = sd::split_command_line(v);
                FUZZ_CHECK(argv.has_value(),
                           d.key + ": " + (argv ? std::string() : hs::to_string(argv.error())), text);
                FUZZ_CHECK(*argv == want, d.key + ": argv differs (':')", text);
                break;
            }
            bool has_variable = false;
            for (const std::string& a : d.values)
                has_variable = has_variable || (!a.empty() && a.front() == '\0');
            if (!has_variable) {
                auto argv = sd::split_command_line(v);
                FUZZ_CHECK(argv.has_value(),
                           d.key + ": " + (argv ? std::string() : hs::to_string(argv.error())), text);
                FUZZ_CHECK(*argv == want, d.key + ": argv differs", text);
                // the same words through the public quoting
                if (!d.prefixes.separate_argv0) {
                    auto quoted = sd::quote_command_line(d.values);
                    FUZZ_CHECK(quoted.has_value() && v.substr(prefix.size()) == *quoted,
                               d.key + ": quote_command_line differs", text);
                }
            } else {
                auto argv = sd::split_command_line(v);
                FUZZ_CHECK(!argv.has_value(), d.key + ": a variable read back without an environment", text);
            }
            auto argv = sd::split_command_line(v, env);
            FUZZ_CHECK(argv.has_value(),
                       d.key + " with env: " + (argv ? std::string() : hs::to_string(argv.error())), text);
            FUZZ_CHECK(*argv == expand(want, env), d.key + ": expanded argv differs", text);
            break;
        }
        case kind::environment: {
            auto vars = sd::split_environment(v);
            FUZZ_CHECK(vars.has_value(),
                       "Environment: " + (vars ? std::string() : hs::to_string(vars.error())), text);
            FUZZ_CHECK(vars->size() == 1, "Environment: not exactly one assignment", text);
            FUZZ_CHECK((*vars)[0].first == d.values[0] && (*vars)[0].second == d.values[1],
                       "Environment: " + fuzz::hex((*vars)[0].first) + "=" + fuzz::hex((*vars)[0].second),
                       text);
            break;
        }
        case kind::name:
        case kind::verbatim: FUZZ_CHECK(v == d.values[0], d.key + ": " + fuzz::hex(v), text); break;
        case kind::reset: FUZZ_CHECK(v.empty(), d.key + ": a reset is not empty", text); break;
        case kind::duration: {
            // "N" seconds, "Nms" or "Nus": back to microseconds, equal to the nanoseconds given / 1000
            std::string_view t = v;
            std::int64_t scale = 1000000;
            if (t.size() > 2 && t.substr(t.size() - 2) == "ms") {
                scale = 1000;
                t.remove_suffix(2);
            } else if (t.size() > 2 && t.substr(t.size() - 2) == "us") {
                scale = 1;
                t.remove_suffix(2);
            }
            std::int64_t n = 0;
            for (const char c : t) {
                FUZZ_CHECK(c >= '0' && c <= '9', d.key + ": " + fuzz::hex(v), text);
                n = n * 10 + (c - '0');
            }
            FUZZ_CHECK(std::to_string(n * scale) == d.values[0], d.key + ": " + fuzz::hex(v), text);
            break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;
    const std::vector<fuzz::record> records = fuzz::split_records(data, size);

    // Collect the calls, arguments attached to the last command.
    std::vector<op> ops;
    sd::unit_kind unit_kind = sd::unit_kind::service;
    bool kind_given = false;
    bool dropin = false;
    std::optional<std::size_t> command;
    for (const fuzz::record& r : records) {
        switch (r.tag) {
            case 'S':
            case 'R':
            case 'P':
            case 'p':
                ops.push_back(op{r.tag, {}, {}, {}, {absolute(r.payload)}});
                command = ops.size() - 1;
                break;
            case 's':
                ops.push_back(op{r.tag, {}, {}, {}, {r.payload}});
                command = ops.size() - 1;
                break;
            case 'X': {
                const std::string p = r.payload.size() >= 2 ? r.payload.substr(2) : std::string();
                op x{r.tag, {}, {}, {}, {absolute(p)}};
                const auto pick = static_cast<unsigned char>(r.payload.empty() ? 0 : r.payload[0]);
                const auto bits = static_cast<unsigned char>(r.payload.size() < 2 ? 0 : r.payload[1]);
                constexpr const char* keys[] = {"ExecStartPre", "ExecStartPost", "ExecCondition",
                                                "ExecStop",     "ExecReload",    "ExecStopPost"};
                x.a = keys[pick % 6];
                x.flags.ignore_failure = (bits & 1U) != 0;
                x.flags.separate_argv0 = (bits & 2U) != 0;
                x.flags.no_environment_expansion = (bits & 4U) != 0;
                x.flags.privileges = static_cast<sd::exec_privileges>((bits >> 3U) % 4U);
                ops.push_back(std::move(x));
                command = ops.size() - 1;
                break;
            }
            case 'A':
                if (command) ops[*command].argv.push_back(r.payload);
                break;
            case 'V':
                if (command) ops[*command].argv.push_back(sd::variable(r.payload));
                break;
            case 'E': {
                auto [n, v] = fuzz::split_assignment(r.payload);
                ops.push_back(op{r.tag, std::move(n), std::move(v), {}, {}});
                break;
            }
            case 'r': {
                auto [section, key] = fuzz::split_assignment(r.payload);
                ops.push_back(op{r.tag, std::move(section), std::move(key), {}, {}});
                break;
            }
            case 'Y':
                if (!kind_given)
                    unit_kind = static_cast<sd::unit_kind>(
                        static_cast<unsigned char>(r.payload.empty() ? 0 : r.payload[0]) % 5U);
                kind_given = true;
                break;
            case 'I': dropin = true; break;
            case 'K':
            case 'k': {
                auto [section, rest] = fuzz::split_assignment(r.payload);
                auto [key, value] = fuzz::split_assignment(rest);
                ops.push_back(op{r.tag, std::move(section), std::move(key), std::move(value), {}});
                break;
            }
            case 'D':
            case 'W':
            case 'w':
            case 'U':
            case 'G':
            case 'T':
            case 't':
            case 'B':
            case 'N':
            case 'O':
            case 'o':
            case 'C':
            case 'b':
            case 'L':
            case 'F':
            case 'M':
            case 'Z': ops.push_back(op{r.tag, r.payload, {}, {}, {}}); break;
            default: break;
        }
    }

    model m;
    m.unit_kind = unit_kind;
    std::vector<std::pair<std::string, std::string>> env;
    const auto replay = [&](auto& b) {
        for (const op& o : ops) {
            switch (o.tag) {
                case 'D':
                    b.description(o.a);
                    m.scalar("Unit", "Description", kind::literal, o.a);
                    break;
                case 'W':
                case 'w':
                    b.working_directory(o.a, o.tag == 'w');
                    m.scalar("Service", "WorkingDirectory", kind::working_directory, o.a, o.tag == 'w');
                    break;
                case 'U':
                    b.user(o.a);
                    m.scalar("Service", "User", kind::name, o.a);
                    break;
                case 'G':
                    b.group(o.a);
                    m.scalar("Service", "Group", kind::name, o.a);
                    break;
                case 'E':
                    b.environment(o.a, o.b);
                    m.append("Service", "Environment", kind::environment, {o.a, o.b});
                    env.emplace_back(o.a, o.b);
                    break;
                case 'S':
                case 's':
                    b.exec_start(o.argv);
                    m.append("Service", "ExecStart", kind::exec, o.argv);
                    break;
                case 'R':
                    b.exec_reload(o.argv);
                    m.append("Service", "ExecReload", kind::exec, o.argv);
                    break;
                case 'P':
                case 'p':
                    b.exec_stop_post(o.argv, o.tag == 'p');
                    {
                        sd::exec_flags dash;
                        dash.ignore_failure = o.tag == 'p';
                        m.append("Service", "ExecStopPost", kind::exec, o.argv, false, false, dash);
                    }
                    break;
                case 'T':
                    b.type(sd::service_type::oneshot);
                    m.scalar("Service", "Type", kind::verbatim, "oneshot");
                    break;
                case 't':
                    b.type(sd::service_type::simple);
                    m.scalar("Service", "Type", kind::verbatim, "simple");
                    break;
                case 'B':
                    b.after(o.a);
                    m.append("Unit", "After", kind::name, {o.a});
                    break;
                case 'N':
                    b.wanted_by(o.a);
                    m.append("Install", "WantedBy", kind::name, {o.a});
                    break;
                case 'O':
                    b.standard_output(o.a);
                    m.scalar("Service", "StandardOutput", kind::output, o.a);
                    break;
                case 'o':
                    b.standard_error(o.a);
                    m.scalar("Service", "StandardError", kind::output, o.a);
                    break;
                case 'Z':
                    b.restart_sec(std::string_view(o.a));
                    m.scalar("Service", "RestartSec", kind::verbatim, o.a);
                    break;
                case 'K':
                    b.set(o.a, o.b, o.c);
                    m.set(o.a, o.b, o.c);
                    break;
                case 'k':
                    b.add(o.a, o.b, o.c);
                    m.append(o.a, o.b, kind::literal, {o.c}, false, true);
                    break;
                case 'X':
                    if (o.a == "ExecStartPre") b.exec_start_pre(o.argv, o.flags);
                    if (o.a == "ExecStartPost") b.exec_start_post(o.argv, o.flags);
                    if (o.a == "ExecCondition") b.exec_condition(o.argv, o.flags);
                    if (o.a == "ExecStop") b.exec_stop(o.argv, o.flags);
                    if (o.a == "ExecReload") b.exec_reload(o.argv, o.flags);
                    if (o.a == "ExecStopPost") b.exec_stop_post(o.argv, o.flags);
                    m.append("Service", o.a, kind::exec, o.argv, false, false, o.flags);
                    break;
                case 'C':
                    b.on_calendar(o.a);
                    m.append("Timer", "OnCalendar", kind::literal, {o.a});
                    break;
                case 'b':
                    b.on_boot_sec(std::string_view(o.a));
                    m.append("Timer", "OnBootSec", kind::verbatim, {o.a});
                    break;
                case 'L':
                    b.listen_stream(o.a);
                    m.append("Socket", "ListenStream", kind::literal, {o.a});
                    break;
                case 'F':
                    b.path_exists(o.a);
                    m.append("Path", "PathExists", kind::literal, {o.a});
                    break;
                case 'M': {
                    std::uint64_t bits = 0;
                    for (std::size_t i = 0; i < o.a.size() && i < 8; ++i)
                        bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(o.a[i])) << (8 * i);
                    const auto ns = static_cast<std::int64_t>(bits);
                    b.restart_sec(std::chrono::nanoseconds(ns));
                    m.scalar("Service", "RestartSec", kind::duration, std::to_string(ns / 1000));
                    break;
                }
                default: break;
            }
        }
    };

    std::optional<std::string> built;
    if (dropin) {
        sd::dropin_builder b(unit_kind);
        for (const op& o : ops)
            if (o.tag == 'r') {
                b.reset(o.a, o.b);
                m.append(o.a, o.b, kind::reset, {std::string()}, false, true);
            }
        replay(b);
        built = fuzz::stable_build(b);
    } else {
        sd::unit_builder b(unit_kind);
        replay(b);
        built = fuzz::stable_build(b);
    }
    if (!built) return 0;
    const std::string& text = *built;

    const hs::result<sd::unit_file> parsed = sd::parse_unit(text);
    FUZZ_CHECK(parsed.has_value(), parsed ? std::string() : hs::to_string(parsed.error()), text);
    FUZZ_CHECK(parsed->warnings().empty(), parsed->warnings().empty() ? std::string() : parsed->warnings()[0],
               text);
    FUZZ_CHECK(parsed->sections() == m.sections(), "the sections differ", text);

    const std::vector<const expected*> want = m.in_file_order();
    const std::vector<sd::unit_entry>& got = parsed->entries();
    FUZZ_CHECK(
        got.size() == want.size(),
        "read back " + std::to_string(got.size()) + " directives, wrote " + std::to_string(want.size()),
        text);
    for (std::size_t i = 0; i < got.size(); ++i) {
        FUZZ_CHECK(got[i].section == want[i]->section && got[i].key == want[i]->key,
                   "directive " + std::to_string(i) + " is " + got[i].section + "." + got[i].key +
                       ", expected " + want[i]->section + "." + want[i]->key,
                   text);
        check_value(*want[i], got[i], env, text);
    }
    return 0;
}
