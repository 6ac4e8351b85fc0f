// SPDX-License-Identifier: MIT
// Comparing systemd units as systemd reads them: what differs, directive by directive.
#pragma once

#include <cstddef>      // std::size_t
#include <functional>   // std::function, for compare_options::value_filter
#include <iosfwd>       // std::basic_ostream, declared only: operator<< is a template on the stream
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE
#include "read.hpp"  // parse_unit, split_environment, detail::extract_first_word, detail::resolve_specifiers

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {

/// One directive whose values differ: every assignment of `key` in `section`, as written.
/// Environment= is split per variable, with key `Environment[NAME]`.
struct directive_change {
    std::string section;
    std::string key;
    std::vector<std::string> old_values;  ///< in the installed unit (empty: absent)
    std::vector<std::string> new_values;  ///< in the generated unit (empty: removed)
};

/// Writes `[Service] ExecStart: "old" -> "new"` (values quoted as written, `(absent)` for none).
template <class Traits>
std::basic_ostream<char, Traits>& operator<<(std::basic_ostream<char, Traits>& out,
                                             const directive_change& c) {
    const auto put_values = [&out](const std::vector<std::string>& values) {
        if (values.empty()) out << "(absent)";
        const char* separator = "\"";
        for (const std::string& v : values) {
            out << separator << v << '"';
            separator = ", \"";
        }
    };
    out << '[' << c.section << "] " << c.key << ": ";
    put_values(c.old_values);
    out << " -> ";
    put_values(c.new_values);
    return out;
}

namespace systemd {
/// The same type, under the format's namespace.
using hermes::service::directive_change;
}  // namespace systemd

namespace systemd {

/// What compare_units leaves out. By default nothing: every directive counts, compared as systemd reads it.
struct compare_options {
    /// Keys never compared: "RestartSteps" (any section), "Service.RestartSteps" (one section),
    /// "Environment[PATH]" (one variable) or "Environment" (every variable).
    std::vector<std::string> ignored_keys;
    /// When set, every value passes through it before comparison, as (section, key, value): key is
    /// "Environment[NAME]" with the variable's value, each Exec* argument separately, else the whole value.
    std::function<std::string(std::string_view section, std::string_view key, std::string_view value)>
        value_filter;
};

namespace detail {

/// One (section, key) of a unit: what systemd reads (`tokens`, compared) and what is written (`shown`).
struct compared_group {
    std::string section;
    std::string key;
    std::vector<std::string> tokens;
    std::vector<std::string> shown;
};

/// Keys whose value systemd reads as a whitespace-separated list of unit names (quotes kept).
[[nodiscard]] constexpr bool is_unit_list_key(std::string_view key) noexcept {
    constexpr std::string_view keys[] = {"After",
                                         "Before",
                                         "Wants",
                                         "Requires",
                                         "Requisite",
                                         "BindsTo",
                                         "PartOf",
                                         "Upholds",
                                         "Conflicts",
                                         "OnFailure",
                                         "OnSuccess",
                                         "WantedBy",
                                         "RequiredBy",
                                         "UpheldBy",
                                         "Also",
                                         "PropagatesReloadTo",
                                         "ReloadPropagatedFrom",
                                         "JoinsNamespaceOf"};
    for (const std::string_view k : keys)
        if (k == key) return true;
    return false;
}

/// Keys whose value is a command line.
[[nodiscard]] constexpr bool is_exec_key(std::string_view key) noexcept {
    constexpr std::string_view keys[] = {"ExecStart", "ExecStartPre", "ExecStartPost", "ExecCondition",
                                         "ExecStop",  "ExecStopPre",  "ExecStopPost",  "ExecReload"};
    for (const std::string_view k : keys)
        if (k == key) return true;
    return false;
}

/// `%%` resolved when that is all the value needs; else the value as written.
[[nodiscard]] inline std::string resolved_or_raw(const std::string& value) {
    auto r = resolve_specifiers(value, "value");
    if (r) return std::move(*r);
    return value;
}

class unit_comparer {
  public:
    explicit unit_comparer(const compare_options& options) : options_(&options) {}

    /// The groups of one unit text; a text that does not parse gives none.
    [[nodiscard]] std::vector<compared_group> groups(std::string_view text) const {
        std::vector<compared_group> out;
        if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // systemd skips a BOM
        auto parsed = parse_unit(text);
        if (!parsed) return out;
        for (const unit_entry& e : parsed->entries()) add_entry(out, e);
        return out;
    }

  private:
    const compare_options* options_;

    [[nodiscard]] bool ignored(std::string_view section, std::string_view key) const {
        // "Environment" also ignores every "Environment[NAME]"
        const std::string_view base = key.substr(0, key.find('['));
        for (const std::string& k : options_->ignored_keys) {
            if (k == key || k == base) return true;
            if (k.size() == section.size() + 1 + key.size() && k.compare(0, section.size(), section) == 0 &&
                k[section.size()] == '.' && k.compare(section.size() + 1, key.size(), key) == 0)
                return true;
        }
        return false;
    }

    [[nodiscard]] std::string filtered(std::string_view section, std::string_view key,
                                       std::string value) const {
        if (!options_->value_filter) return value;
        return options_->value_filter(section, key, value);
    }

    void push(std::vector<compared_group>& out, const std::string& section, const std::string& key,
              std::string token, std::string shown) const {
        if (ignored(section, key)) return;
        compared_group* group = nullptr;
        for (compared_group& g : out)
            if (g.section == section && g.key == key) group = &g;
        if (group == nullptr) group = &out.emplace_back(compared_group{section, key, {}, {}});
        group->tokens.push_back(std::move(token));
        group->shown.push_back(std::move(shown));
    }

    /// A command line as systemd reads it before exec-time expansion: its prefixes (sorted) and its
    /// words unquoted with `%%` resolved; nullopt when it does not split.
    [[nodiscard]] std::optional<std::string> command_token(const unit_entry& e) const {
        std::string_view rest = e.value;
        std::string prefixes;
        std::string token;
        for (bool first = true;; first = false) {
            if (!rest.empty() && rest.front() == ';' && (rest.size() == 1 || is_unit_space(rest[1]))) {
                token.append("\x1e");  // a command separator
                rest.remove_prefix(1);
                continue;
            }
            auto word = extract_first_word(rest, exec_flags, e.key);
            if (!word) return std::nullopt;
            if (!*word) break;
            std::string w = std::move(**word);
            if (first) {
                std::size_t n = 0;
                while (n < w.size() && std::string_view("-@:+!").find(w[n]) != std::string_view::npos) ++n;
                prefixes = w.substr(0, n);
                w.erase(0, n);
            }
            token.push_back('\x1f');
            token.append(filtered(e.section, e.key, resolved_or_raw(w)));
        }
        std::string sorted;
        for (const char c : std::string_view("-@:+!"))
            for (const char p : prefixes)
                if (p == c) sorted.push_back(p);
        return sorted + token;
    }

    void add_entry(std::vector<compared_group>& out, const unit_entry& e) const {
        if (e.key == "Environment" && !e.value.empty()) {
            if (auto vars = split_environment(e.value)) {
                for (auto& [name, value] : *vars) {
                    const std::string key = indexed_field("Environment", name);
                    std::string shown = e.value;
                    if (vars->size() != 1) shown.assign(name).append("=").append(value);
                    push(out, e.section, key, filtered(e.section, key, std::move(value)), std::move(shown));
                }
                return;
            }
        }
        if (is_exec_key(e.key) && !e.value.empty()) {
            if (auto token = command_token(e)) {
                push(out, e.section, e.key, std::move(*token), e.value);
                return;
            }
        }
        if (is_unit_list_key(e.key) && !e.value.empty()) {
            // config_parse_unit_deps splits at whitespace and keeps quotes and backslashes
            std::vector<std::string> words;
            for (std::size_t i = 0; i < e.value.size();) {
                while (i < e.value.size() && is_unit_space(e.value[i])) ++i;
                std::size_t j = i;
                while (j < e.value.size() && !is_unit_space(e.value[j])) ++j;
                if (j > i) words.push_back(resolved_or_raw(e.value.substr(i, j - i)));
                i = j;
            }
            for (std::string& w : words) {
                std::string shown = words.size() == 1 ? e.value : w;
                push(out, e.section, e.key, filtered(e.section, e.key, std::move(w)), std::move(shown));
            }
            return;
        }
        push(out, e.section, e.key, filtered(e.section, e.key, resolved_or_raw(e.value)), e.value);
    }
};

}  // namespace detail

/// What differs between two units, as systemd reads them, directive by directive: the generated
/// unit's order first, then directives only the installed unit has. Quoting, spacing, comments,
/// CRLF, a BOM, blank lines, section and key order, and repeated section headers never count;
/// Exec* lines compare by prefixes and unquoted words, Environment= per variable (key
/// `Environment[NAME]`), After=/Wants=/WantedBy=... per unit name, everything else by value (`%%`
/// resolved). Assignments of one key compare in order, empty (resetting) ones included. Values are
/// reported as written. A text that does not parse reads as no directives.
[[nodiscard]] inline std::vector<directive_change> compare_units(std::string_view installed,
                                                                 std::string_view generated,
                                                                 const compare_options& options = {}) {
    const detail::unit_comparer comparer(options);
    const std::vector<detail::compared_group> before = comparer.groups(installed);
    const std::vector<detail::compared_group> after = comparer.groups(generated);
    const auto find = [](const std::vector<detail::compared_group>& in, const detail::compared_group& g) {
        for (const detail::compared_group& x : in)
            if (x.section == g.section && x.key == g.key) return &x;
        return static_cast<const detail::compared_group*>(nullptr);
    };
    std::vector<directive_change> changes;
    for (const detail::compared_group& g : after) {
        const detail::compared_group* old = find(before, g);
        if (old != nullptr && old->tokens == g.tokens) continue;
        changes.push_back(directive_change{
            g.section, g.key, old != nullptr ? old->shown : std::vector<std::string>{}, g.shown});
    }
    for (const detail::compared_group& g : before)
        if (find(after, g) == nullptr) changes.push_back(directive_change{g.section, g.key, g.shown, {}});
    return changes;
}

}  // namespace systemd

}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
