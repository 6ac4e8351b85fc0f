// SPDX-License-Identifier: MIT
// Comparing systemd units as systemd reads them: what differs, directive by directive.
#pragma once

#include <cstddef>       // std::size_t
#include <cstdint>       // std::uint32_t
#include <cstring>       // std::memcmp
#include <forward_list>  // std::forward_list
#include <functional>    // std::function, for compare_options::value_filter
#include <iosfwd>        // std::basic_ostream, declared only: operator<< is a template on the stream
#include <optional>      // std::optional
#include <string>        // std::string
#include <string_view>   // std::string_view
#include <utility>       // std::move
#include <vector>        // std::vector

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
[[nodiscard]] inline std::string resolved_or_raw(std::string_view value) {
    if (value.find('%') == std::string_view::npos) return std::string(value);  // nothing to resolve
    auto r = resolve_specifiers(std::string(value), "value");
    if (r) return std::move(*r);
    return std::string(value);
}

/// One `Key=value` directive as compare_units reads it: views into the unit text (or into the
/// joined continuation kept by read_directives).
struct unit_directive {
    std::string_view section;
    std::string_view key;
    std::string_view value;
};

/// The directives of one unit text: what parse_unit's entries hold, as views.
struct unit_directives {
    std::vector<unit_directive> list;
    std::forward_list<std::string> joined;  ///< continuation lines (the only copies; stable addresses)
};

/// read_unit's sink for compare_units: views into the text, no per-directive allocation.
struct directive_sink {
    unit_directives& out;
    std::string_view section{};

    [[nodiscard]] std::string_view keep(std::string_view s, bool in_text) {
        if (in_text) return s;
        return out.joined.emplace_front(s);
    }
    void header(std::string_view name, std::size_t /*line*/, bool in_text) { section = keep(name, in_text); }
    void assignment(std::string_view key, std::string_view value, std::size_t /*line*/, bool in_text) {
        out.list.push_back(unit_directive{section, keep(key, in_text), keep(value, in_text)});
    }
    void ignored(std::size_t /*line*/, std::string_view /*why*/) {}
};

/// The directives of `text` as parse_unit reads them, after compare_units' own BOM skip (parse_unit
/// skips one more); a text that does not parse gives none.
inline void read_directives(std::string_view text, unit_directives& out) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // systemd skips a BOM
    // Units average well over 32 bytes a directive: one allocation for most, without counting lines.
    out.list.reserve(text.size() / 32 + 16);
    directive_sink sink{out};
    if (!read_unit(text, sink)) out.list.clear();
}

/// The family of a key: its groups (Environment= gives `Environment[NAME]`) and a key written
/// `Environment[NAME]=` share one, so dropping a whole family never splits a compared group.
[[nodiscard]] constexpr std::string_view key_family(std::string_view key) noexcept {
    return key.substr(0, key.find('['));
}

/// Whether two views hold the same bytes: short ones (names, most values) compared inline a word at
/// a time, long ones through memcmp.
[[nodiscard]] inline bool same_bytes(std::string_view x, std::string_view y) noexcept {
    if (x.size() != y.size()) return false;
    if (x.data() == y.data()) return true;
    const std::size_t n = x.size();
    if (n > 64) return std::memcmp(x.data(), y.data(), n) == 0;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        if (swar::load(x.data() + i) != swar::load(y.data() + i)) return false;
    for (; i < n; ++i)
        if (x[i] != y[i]) return false;
    return true;
}

/// A cheap hash of (section, family); collisions are settled by comparing the names.
[[nodiscard]] constexpr std::size_t family_hash(std::string_view section, std::string_view family) noexcept {
    using z = std::size_t;  // every product in size_t: the hash mixes in the full width
    std::size_t h = section.size() * z{0x9E3779B1U} + family.size() * z{0x85EBCA77U};
    if (!section.empty()) h += z{static_cast<unsigned char>(section.front())} * z{0xC2B2AE3DU};
    if (!family.empty()) {
        h ^= z{static_cast<unsigned char>(family.front())} * z{0x27D4EB2FU};
        h += z{static_cast<unsigned char>(family[family.size() / 2])} * z{0x165667B1U};
        h ^= z{static_cast<unsigned char>(family.back())} * z{0x9E3779B9U} + (h >> 7);
    }
    return h;
}

/// The fast path of compare_units: removes from both units every (section, key family) whose
/// assignments, in order, are byte-equal (same keys, same values as read). Such a family gives the
/// same groups with the same tokens on both sides, hence no change, and the groups of the other
/// families (their contents and relative order) do not depend on it: the semantic comparison of
/// what remains reports exactly what it reports for the whole units.
inline void drop_equal_directives(std::vector<unit_directive>& a, std::vector<unit_directive>& b) {
    constexpr std::uint32_t none = ~std::uint32_t{0};
    struct family {
        std::size_t hash;
        std::string_view section;
        std::string_view name;
        std::uint32_t first[2];
        std::uint32_t last[2];
        std::uint32_t count[2];
        bool equal;  ///< byte-equal assignments on both sides
    };
    const std::size_t n = a.size() + b.size();
    if (a.empty() || b.empty()) return;
    std::size_t buckets = 16;
    while (buckets < 2 * n) buckets *= 2;
    // One table: the hash buckets (family index + 1, 0 empty), then per directive its family and the
    // next directive of that family in the same unit.
    std::vector<std::uint32_t> table(buckets + 2 * n, 0);
    std::uint32_t* const family_of = table.data() + buckets;
    std::uint32_t* const next = family_of + n;
    std::vector<family> families;
    families.reserve(n);
    const auto at = [&](std::uint32_t g) -> const unit_directive& {
        return g < a.size() ? a[g] : b[g - a.size()];
    };
    for (std::uint32_t g = 0; g < n; ++g) {
        const unit_directive& d = at(g);
        const std::size_t side = g < a.size() ? 0 : 1;
        const std::string_view name = key_family(d.key);
        const std::size_t hash = family_hash(d.section, name);
        std::size_t slot = hash & (buckets - 1);
        std::uint32_t f = none;
        for (; table[slot] != 0; slot = (slot + 1) & (buckets - 1)) {
            const family& x = families[table[slot] - 1];
            if (x.hash == hash && same_bytes(x.name, name) && same_bytes(x.section, d.section)) {
                f = table[slot] - 1;
                break;
            }
        }
        if (f == none) {
            f = static_cast<std::uint32_t>(families.size());
            families.push_back(family{hash, d.section, name, {none, none}, {none, none}, {0, 0}, false});
            table[slot] = f + 1;
        }
        family& x = families[f];
        family_of[g] = f;
        next[g] = none;
        if (x.count[side]++ == 0) {
            x.first[side] = g;
        } else {
            next[x.last[side]] = g;
        }
        x.last[side] = g;
    }
    bool any = false;
    for (family& x : families) {
        if (x.count[0] != x.count[1]) continue;
        bool same = true;
        for (std::uint32_t i = x.first[0], j = x.first[1]; same && i != none; i = next[i], j = next[j])
            same = same_bytes(at(i).key, at(j).key) && same_bytes(at(i).value, at(j).value);
        x.equal = same;
        any = any || same;
    }
    if (!any) return;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!families[family_of[i]].equal) a[kept++] = a[i];
    a.resize(kept);
    kept = 0;
    const std::size_t base = n - b.size();  // the size a had
    for (std::size_t i = 0; i < b.size(); ++i)
        if (!families[family_of[base + i]].equal) b[kept++] = b[i];
    b.resize(kept);
}

class unit_comparer {
  public:
    explicit unit_comparer(const compare_options& options) : options_(&options) {}

    /// The groups of one unit text as parse_unit reads it; a text that does not parse gives none.
    [[nodiscard]] std::vector<compared_group> groups(std::string_view text) const {
        std::vector<compared_group> out;
        if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // systemd skips a BOM
        auto parsed = parse_unit(text);
        if (!parsed) return out;
        for (const unit_entry& e : parsed->entries()) add_entry(out, e.section, e.key, e.value);
        return out;
    }

    /// The groups of directives read by read_directives.
    [[nodiscard]] std::vector<compared_group> groups(const std::vector<unit_directive>& directives) const {
        std::vector<compared_group> out;
        for (const unit_directive& d : directives) add_entry(out, d.section, d.key, d.value);
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

    void push(std::vector<compared_group>& out, std::string_view section, std::string_view key,
              std::string token, std::string shown) const {
        if (ignored(section, key)) return;
        compared_group* group = nullptr;
        for (compared_group& g : out)
            if (g.section == section && g.key == key) group = &g;
        if (group == nullptr)
            group = &out.emplace_back(compared_group{std::string(section), std::string(key), {}, {}});
        group->tokens.push_back(std::move(token));
        group->shown.push_back(std::move(shown));
    }

    /// A command line as systemd reads it before exec-time expansion: its prefixes (sorted) and its
    /// words unquoted with `%%` resolved; nullopt when it does not split.
    [[nodiscard]] std::optional<std::string> command_token(std::string_view section, std::string_view key,
                                                           std::string_view value) const {
        std::string_view rest = value;
        std::string prefixes;
        std::string token;
        for (bool first = true;; first = false) {
            if (!rest.empty() && rest.front() == ';' && (rest.size() == 1 || is_unit_space(rest[1]))) {
                token.append("\x1e");  // a command separator
                rest.remove_prefix(1);
                continue;
            }
            auto word = extract_first_word(rest, exec_flags, key);
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
            token.append(filtered(section, key, resolved_or_raw(w)));
        }
        std::string sorted;
        for (const char c : std::string_view("-@:+!"))
            for (const char p : prefixes)
                if (p == c) sorted.push_back(p);
        return sorted + token;
    }

    void add_entry(std::vector<compared_group>& out, std::string_view section, std::string_view key,
                   std::string_view value) const {
        if (key == "Environment" && !value.empty()) {
            if (auto vars = split_environment(value)) {
                for (auto& [name, var_value] : *vars) {
                    const std::string indexed = indexed_field("Environment", name);
                    std::string shown(value);
                    if (vars->size() != 1) shown.assign(name).append("=").append(var_value);
                    push(out, section, indexed, filtered(section, indexed, std::move(var_value)),
                         std::move(shown));
                }
                return;
            }
        }
        if (is_exec_key(key) && !value.empty()) {
            if (auto token = command_token(section, key, value)) {
                push(out, section, key, std::move(*token), std::string(value));
                return;
            }
        }
        if (is_unit_list_key(key) && !value.empty()) {
            // config_parse_unit_deps splits at whitespace and keeps quotes and backslashes
            std::vector<std::string> words;
            for (std::size_t i = 0; i < value.size();) {
                while (i < value.size() && is_unit_space(value[i])) ++i;
                std::size_t j = i;
                while (j < value.size() && !is_unit_space(value[j])) ++j;
                if (j > i) words.push_back(resolved_or_raw(value.substr(i, j - i)));
                i = j;
            }
            for (std::string& w : words) {
                std::string shown = words.size() == 1 ? std::string(value) : w;
                push(out, section, key, filtered(section, key, std::move(w)), std::move(shown));
            }
            return;
        }
        push(out, section, key, filtered(section, key, resolved_or_raw(value)), std::string(value));
    }
};

}  // namespace detail

namespace detail {

/// The changes between two units' groups: the generated unit's order first, then groups only the
/// installed unit has.
[[nodiscard]] inline std::vector<directive_change> changes_between(const std::vector<compared_group>& before,
                                                                   const std::vector<compared_group>& after) {
    const auto find = [](const std::vector<compared_group>& in, const compared_group& g) {
        for (const compared_group& x : in)
            if (x.section == g.section && x.key == g.key) return &x;
        return static_cast<const compared_group*>(nullptr);
    };
    std::vector<directive_change> changes;
    for (const compared_group& g : after) {
        const compared_group* old = find(before, g);
        if (old != nullptr && old->tokens == g.tokens) continue;
        changes.push_back(directive_change{
            g.section, g.key, old != nullptr ? old->shown : std::vector<std::string>{}, g.shown});
    }
    for (const compared_group& g : before)
        if (find(after, g) == nullptr) changes.push_back(directive_change{g.section, g.key, g.shown, {}});
    return changes;
}

/// compare_units without its fast paths: every directive of both units (as parse_unit's entries)
/// through the semantic comparison. The reference the fast paths are tested against.
[[nodiscard]] inline std::vector<directive_change> compare_units_plain(std::string_view installed,
                                                                       std::string_view generated,
                                                                       const compare_options& options = {}) {
    const unit_comparer comparer(options);
    return changes_between(comparer.groups(installed), comparer.groups(generated));
}

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
    // Equal texts read alike (or both fail to parse): nothing differs.
    if (installed == generated) return {};
    detail::unit_directives before;
    detail::unit_directives after;
    detail::read_directives(installed, before);
    detail::read_directives(generated, after);
    detail::drop_equal_directives(before.list, after.list);
    const detail::unit_comparer comparer(options);
    return detail::changes_between(comparer.groups(before.list), comparer.groups(after.list));
}

}  // namespace systemd

}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
