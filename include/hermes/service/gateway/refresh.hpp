// SPDX-License-Identifier: MIT
// The refresh decision: is an installed unit or plist still what would be generated now, what
// changed, and what the installed unit pins. Pure: the host reads the installed file and writes.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <cstring>      // std::memcpy
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move, std::pair
#include <vector>       // std::vector

#include "../detail/config.hpp"    // HERMES_SERVICE_ABI_NAMESPACE
#include "../systemd/compare.hpp"  // directive_change
#include "../systemd/read.hpp"     // systemd::parse_unit, systemd::split_environment

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {

/// Internals of the refresh decision (nested: generic names stay out of hermes::service::detail).
namespace detail::refresh {

[[nodiscard]] constexpr bool is_refresh_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

[[nodiscard]] constexpr std::string_view trim_refresh_space(std::string_view s) noexcept {
    while (!s.empty() && is_refresh_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_refresh_space(s.back())) s.remove_suffix(1);
    return s;
}

/// Python's str.splitlines() for the line ends a text file can have: LF, CRLF, CR, VT, FF.
[[nodiscard]] inline std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\n' && c != '\r' && c != '\v' && c != '\f') continue;
        lines.push_back(text.substr(start, i - start));
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        start = i + 1;
    }
    if (start < text.size()) lines.push_back(text.substr(start));
    return lines;
}

/// Drops a UTF-8 byte-order mark (upstream reads the installed file as utf-8-sig).
[[nodiscard]] constexpr std::string_view drop_bom(std::string_view text) noexcept {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return text;
}

/// Upstream's _normalize_service_definition: whole text trimmed, each line right-trimmed, LF ends.
[[nodiscard]] inline std::string normalize_definition(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool first = true;
    for (std::string_view line : split_lines(trim_refresh_space(drop_bom(text)))) {
        while (!line.empty() && is_refresh_space(line.back())) line.remove_suffix(1);
        if (!first) out.push_back('\n');
        first = false;
        out.append(line);
    }
    return out;
}

/// The directives older systemd versions drop, so their presence never makes a unit stale (#41119).
[[nodiscard]] constexpr bool is_optional_directive(std::string_view key) noexcept {
    return key == "RestartMaxDelaySec" || key == "RestartSteps";
}

/// The key of a `Key=value` line (trimmed), or "" for blank lines and `#` comments.
[[nodiscard]] constexpr std::string_view line_key(std::string_view line) noexcept {
    const std::string_view t = trim_refresh_space(line);
    if (t.empty() || t.front() == '#') return {};
    return trim_refresh_space(t.substr(0, t.find('=')));
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

/// The parts of a trimmed `Environment=PATH=...` or `Environment="PATH=..."` line: the PATH value
/// and what follows it (the closing quote and anything after); nullopt for any other line.
struct path_line {
    bool quoted;
    std::string_view value;
    std::string_view tail;
};
[[nodiscard]] constexpr std::optional<path_line> split_path_line(std::string_view t) noexcept {
    if (t.substr(0, 12) != "Environment=") return std::nullopt;
    std::string_view rest = t.substr(12);
    const bool quoted = !rest.empty() && rest.front() == '"';
    if (quoted) rest.remove_prefix(1);
    if (rest.substr(0, 5) != "PATH=") return std::nullopt;
    rest.remove_prefix(5);
    std::string_view tail;
    if (quoted) {
        const std::size_t close = rest.find('"');
        if (close != std::string_view::npos) {
            tail = rest.substr(close);
            rest = rest.substr(0, close);
        }
    }
    return path_line{quoted, rest, tail};
}

/// An `Environment="PATH=..."` (or unquoted) line with its `/mnt/...` segments masked; other lines as is.
[[nodiscard]] inline std::string mask_wsl_path_line(std::string_view line) {
    const auto parts = split_path_line(trim_refresh_space(line));
    if (!parts) return std::string(line);
    std::string out = parts->quoted ? "Environment=\"PATH=" : "Environment=PATH=";
    out.append(mask_wsl_path(parts->value)).append(parts->tail);
    return out;
}

/// The systemd comparison form: optional directives dropped, WSL PATH segments masked, normalized.
[[nodiscard]] inline std::string comparable_unit(std::string_view text) {
    std::string kept;
    kept.reserve(text.size());
    bool first = true;
    for (const std::string_view line : split_lines(drop_bom(text))) {
        if (is_optional_directive(line_key(line))) continue;
        if (!first) kept.push_back('\n');
        first = false;
        kept.append(mask_wsl_path_line(line));
    }
    return normalize_definition(kept);
}

/// The launchd comparison form: normalized, every `<key>PATH</key><string>...</string>` payload masked.
[[nodiscard]] inline std::string comparable_plist(std::string_view text) {
    const std::string normal = normalize_definition(text);
    constexpr std::string_view key = "<key>PATH</key>";
    std::string out;
    out.reserve(normal.size());
    std::size_t pos = 0;
    for (;;) {
        const std::size_t at = normal.find(key, pos);
        if (at == std::string::npos) break;
        std::size_t i = at + key.size();
        while (i < normal.size() && is_refresh_space(normal[i])) ++i;
        if (normal.compare(i, 8, "<string>") != 0) {
            out.append(normal, pos, i - pos);
            pos = i;
            continue;
        }
        const std::size_t close = normal.find("</string>", i + 8);
        if (close == std::string::npos) break;
        out.append(normal, pos, i + 8 - pos).append("__HERMES_PATH__");
        pos = close;
    }
    out.append(normal, pos, std::string::npos);
    return out;
}

/// Walks a unit as comparable_unit() would render it, one line at a time and without copying:
/// next() yields each non-blank line of the comparison form with the number of blank lines before it
/// (trailing blank lines are never yielded). Two units compare equal exactly when they yield the same
/// (blank count, line) sequence. Only a masked PATH line is written out, into a stack buffer.
class comparable_lines {
  public:
    explicit comparable_lines(std::string_view text) noexcept : text_(drop_bom(text)) {}
    comparable_lines(const comparable_lines&) = delete;
    comparable_lines& operator=(const comparable_lines&) = delete;

    std::size_t blanks = 0;  ///< blank lines before `line`
    std::string_view line;   ///< the line, as comparable_unit() has it

    [[nodiscard]] bool next() {
        blanks = 0;
        while (pos_ < text_.size()) {
            std::string_view l = next_raw_line();
            const std::string_view t = trim_refresh_space(l);
            if (!t.empty() && t.front() == 'R' && is_optional_directive(line_key(l))) continue;
            if (!t.empty() && t.front() == 'E' && split_path_line(t)) {
                l = masked_path_line(t);
                while (!l.empty() && is_refresh_space(l.back())) l.remove_suffix(1);
            } else if (first_kept_ &&
                       l.substr(0, 3) == "\xEF\xBB\xBF") {  // comparable_unit() drops a BOM again
                l = drop_bom(l);
                if (!started_) l = trim_refresh_space(l);
                while (!l.empty() && is_refresh_space(l.back())) l.remove_suffix(1);
            } else {
                // `t` is `l` trimmed: right-trimmed, `l` ends where `t` ends; before the first line it is
                // `t`.
                if (started_ && !t.empty()) {
                    l = l.substr(0, static_cast<std::size_t>(t.data() - l.data()) + t.size());
                } else {
                    l = t;
                }
            }
            first_kept_ = false;
            if (l.empty()) {
                if (started_) ++blanks;
                continue;
            }
            started_ = true;
            line = l;
            return true;
        }
        return false;
    }

  private:
    /// split_lines' next element: ends at LF, CRLF, CR, VT or FF.
    std::string_view next_raw_line() noexcept {
        const std::size_t start = pos_;
        const std::size_t n = text_.size();
        std::size_t i = start;
        for (;;) {
            // Eight bytes at a time while none is below 14 (no line end, nor a tab or other control).
            constexpr std::uint64_t ones = 0x0101010101010101ULL;
            constexpr std::uint64_t highs = 0x8080808080808080ULL;
            for (std::uint64_t w = 0; i + 8 <= n; i += 8) {
                std::memcpy(&w, text_.data() + i, 8);
                if (((w - ones * 14) & ~w & highs) != 0) break;
            }
            const std::size_t stop = i + 8 < n ? i + 8 : n;
            while (i<stop&& static_cast<unsigned char>(text_[i]) - 10U> 3U) ++i;  // \n \v \f \r
            if (i < stop || i == n) break;
        }
        const std::string_view l = text_.substr(start, i - start);
        if (i + 1 < text_.size() && text_[i] == '\r' && text_[i + 1] == '\n') ++i;
        pos_ = i + 1;
        return l;
    }

    /// mask_wsl_path_line(t), in buf_ (or spill_ when it does not fit).
    std::string_view masked_path_line(std::string_view t) {
        size_ = 0;
        spill_.clear();
        const path_line parts = *split_path_line(t);
        put(parts.quoted ? std::string_view("Environment=\"PATH=") : std::string_view("Environment=PATH="));
        for_each_kept_path_segment(parts.value, [&](std::string_view segment, bool first) {
            if (!first) put(":");
            put(segment);
        });
        put(parts.tail);
        return spill_.empty() ? std::string_view(buf_, size_) : std::string_view(spill_);
    }

    void put(std::string_view s) {
        if (spill_.empty() && size_ + s.size() <= sizeof buf_) {
            s.copy(buf_ + size_, s.size());
            size_ += s.size();
            return;
        }
        if (spill_.empty()) spill_.assign(buf_, size_);
        spill_.append(s);
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    bool first_kept_ = true;
    bool started_ = false;
    char buf_[512];
    std::size_t size_ = 0;
    std::string spill_;
};

}  // namespace detail::refresh

/// True when `installed` equals `generated` after upstream's normalisation: BOM, CRLF, trailing
/// whitespace and surrounding blank lines ignored, RestartMaxDelaySec=/RestartSteps= lines ignored,
/// WSL `/mnt/...` PATH segments masked. Any other difference (a comment, a blank line) is stale.
[[nodiscard]] inline bool systemd_unit_is_current(std::string_view installed, std::string_view generated) {
    // Same answer as comparing comparable_unit() of both, without building either.
    if (installed == generated) return true;
    detail::refresh::comparable_lines a(installed);
    detail::refresh::comparable_lines b(generated);
    for (;;) {
        const bool more = a.next();
        if (more != b.next()) return false;
        if (!more) return true;
        if (a.blanks != b.blanks || a.line != b.line) return false;
    }
}

/// True when `installed` equals `generated` after the same whitespace normalisation, with the PATH
/// value ignored (it follows the invoking shell).
[[nodiscard]] inline bool launchd_plist_is_current(std::string_view installed, std::string_view generated) {
    return detail::refresh::comparable_plist(installed) == detail::refresh::comparable_plist(generated);
}

namespace detail::refresh {

struct directive_group {
    std::string section;
    std::string key;
    std::vector<std::string> values;
};

/// The unit's assignments grouped by (section, key) in first-appearance order; the optional
/// directives left out and PATH masked, as in systemd_unit_is_current. An unparseable text gives
/// no groups (so every generated directive shows as new).
[[nodiscard]] inline std::vector<directive_group> group_directives(std::string_view text) {
    std::vector<directive_group> groups;
    auto parsed = systemd::parse_unit(drop_bom(text));
    if (!parsed) return groups;
    for (const systemd::unit_entry& e : parsed->entries()) {
        if (is_optional_directive(e.key)) continue;
        std::string key = e.key;
        std::string value = e.value;
        if (e.key == "Environment") {
            auto vars = systemd::split_environment(e.value);
            if (vars && vars->size() == 1) {
                key = "Environment[" + vars->front().first + "]";
                if (vars->front().first == "PATH")
                    value = mask_wsl_path_line("Environment=" + e.value).substr(12);
            }
        }
        directive_group* group = nullptr;
        for (directive_group& g : groups)
            if (g.section == e.section && g.key == key) group = &g;
        if (group == nullptr) group = &groups.emplace_back(directive_group{e.section, key, {}});
        group->values.push_back(std::move(value));
    }
    return groups;
}

}  // namespace detail::refresh

/// What differs between two units, directive by directive: the generated unit's order first, then
/// directives only the installed unit has. Empty when they differ only in layout (comments, blank
/// lines, order of different keys); values as written (an installer prints "old -> new").
[[nodiscard]] inline std::vector<directive_change> systemd_unit_diff(std::string_view installed,
                                                                     std::string_view generated) {
    using group_list = std::vector<detail::refresh::directive_group>;
    const group_list before = detail::refresh::group_directives(installed);
    const group_list after = detail::refresh::group_directives(generated);
    const auto find = [](const group_list& in, const detail::refresh::directive_group& g) {
        for (const detail::refresh::directive_group& x : in)
            if (x.section == g.section && x.key == g.key) return &x.values;
        return static_cast<const std::vector<std::string>*>(nullptr);
    };
    std::vector<directive_change> changes;
    for (const detail::refresh::directive_group& g : after) {
        const std::vector<std::string>* old = find(before, g);
        if (old != nullptr && *old == g.values) continue;
        changes.push_back(
            directive_change{g.section, g.key, old != nullptr ? *old : std::vector<std::string>{}, g.values});
    }
    for (const detail::refresh::directive_group& g : before)
        if (find(after, g) == nullptr) changes.push_back(directive_change{g.section, g.key, g.values, {}});
    return changes;
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
