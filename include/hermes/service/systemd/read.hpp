// SPDX-License-Identifier: MIT
// Reading systemd unit files as systemd 252 does: parse_unit, split_command_line, split_environment.
#pragma once

#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <set>          // std::set
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair, std::move
#include <vector>       // std::vector

#include "../detail/escape.hpp"
#include "../detail/utf8.hpp"
#include "../error.hpp"
#include "detail/syntax.hpp"  // is_unit_space, strip, next_line, max_line_length

namespace hermes::service {
inline namespace v1 {
namespace systemd {

/// One `Key=value` line of a unit file (value whitespace-trimmed, continuations joined).
struct unit_entry {
    std::string section;
    std::string key;
    std::string value;
    std::size_t line;  ///< 1-based line where the directive starts
};

/// A parsed unit file: sections and entries in file order, as systemd 252 reads them.
class unit_file {
  public:
    /// Section names in first-appearance order (a repeated header merges into the first).
    [[nodiscard]] const std::vector<std::string>& sections() const noexcept { return sections_; }
    /// Every assignment in file order.
    [[nodiscard]] const std::vector<unit_entry>& entries() const noexcept { return entries_; }
    /// Lines systemd would ignore with a warning (no '=', outside a section, not UTF-8).
    [[nodiscard]] const std::vector<std::string>& warnings() const noexcept { return warnings_; }

    /// The last assignment of section.key; nullopt when unset or reset by an empty assignment.
    [[nodiscard]] std::optional<std::string> value(std::string_view section, std::string_view key) const {
        for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
            if (it->section == section && it->key == key) {
                if (it->value.empty()) return std::nullopt;
                return it->value;
            }
        return std::nullopt;
    }

    /// All assignments of a list setting, after the last empty assignment (which resets the list).
    [[nodiscard]] std::vector<std::string> values(std::string_view section, std::string_view key) const {
        std::vector<std::string> out;
        for (const unit_entry& e : entries_) {
            if (e.section != section || e.key != key) continue;
            if (e.value.empty()) {
                out.clear();
            } else {
                out.push_back(e.value);
            }
        }
        return out;
    }

  private:
    friend result<unit_file> parse_unit(std::string_view text);
    std::vector<std::string> sections_;
    std::vector<unit_entry> entries_;
    std::vector<std::string> warnings_;
};

/// Parses unit text as systemd 252 does: comments (`#`, `;`) skipped even inside continuations,
/// an odd number of trailing backslashes joins the next line (the backslash becomes a space),
/// whitespace around keys and values trimmed. Fails where systemd refuses the whole file.
[[nodiscard]] inline result<unit_file> parse_unit(std::string_view text) {
    unit_file file;
    std::string current_section;
    bool have_section = false;
    std::set<std::string, std::less<>> seen_sections;  // a repeated header must not cost a scan of all
    // One logical line (continuations joined): a header, an assignment, or something ignored.
    const auto process = [&](std::string_view logical, std::size_t line) -> detail::status {
        const std::string_view l = detail::strip(logical);
        if (l.empty()) return {};
        const std::string where = "line " + std::to_string(line);
        if (detail::find_invalid_utf8(l) != std::string_view::npos) {
            file.warnings_.push_back(where + ": not UTF-8 clean, ignored");
        } else if (l.front() == '[') {
            bool safe = l.size() >= 2 && l.back() == ']';
            for (std::size_t i = 1; safe && i + 1 < l.size(); ++i)
                safe = !detail::is_control(static_cast<unsigned char>(l[i])) && l[i] != '"' && l[i] != '\'' &&
                       l[i] != '\\';
            if (!safe)
                return make_error(errc::parse_error, where,
                                  "invalid section header \"" + detail::printable(l) +
                                      "\" (a header must be the whole line)");
            current_section = std::string(l.substr(1, l.size() - 2));
            have_section = true;
            if (seen_sections.insert(current_section).second) file.sections_.push_back(current_section);
        } else if (l.front() == '.') {
            file.warnings_.push_back(where + ": '.include' is not supported, ignored");
        } else if (const std::size_t eq = l.find('='); eq == std::string_view::npos) {
            file.warnings_.push_back(where + ": missing '=', ignored");
        } else if (!have_section) {
            file.warnings_.push_back(where + ": assignment outside of a section, ignored");
        } else {
            file.entries_.push_back(unit_entry{current_section, std::string(detail::strip(l.substr(0, eq))),
                                               std::string(detail::strip(l.substr(eq + 1))), line});
        }
        return {};
    };
    std::string continuation;
    bool continuing = false;
    std::size_t start_line = 0;
    std::size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    for (std::size_t line_no = 1; pos < text.size(); ++line_no) {
        const std::string_view raw = detail::next_line(text, pos);
        if (raw.size() >= detail::max_line_length)
            return make_error(errc::parse_error, "line " + std::to_string(line_no),
                              "is longer than systemd's 1 MiB line limit");
        std::string_view first = raw;
        while (!first.empty() && detail::is_unit_space(first.front())) first.remove_prefix(1);
        if (!first.empty() && (first.front() == '#' || first.front() == ';'))
            continue;  // even mid-continuation
        if (!continuing) start_line = line_no;
        continuation.append(raw);
        if (continuation.size() >= detail::max_line_length)
            return make_error(errc::parse_error, "line " + std::to_string(start_line),
                              "the continued line is longer than systemd's 1 MiB line limit");
        // The line continues when it ends in an odd run of backslashes. Only the run is scanned: the
        // joined text before this line ends in a space, so the run lies within `raw` (linear time).
        std::size_t run = 0;
        while (run < continuation.size() && continuation[continuation.size() - 1 - run] == '\\') ++run;
        if (run % 2 == 1) {  // an odd number of trailing backslashes: the last becomes a space
            continuation.back() = ' ';
            continuing = true;
            continue;
        }
        continuing = false;
        if (auto ok = process(continuation, start_line); !ok) return unexpected_error(std::move(ok.error()));
        continuation.clear();
    }
    if (continuing)  // a trailing backslash on the last line is harmless
        if (auto ok = process(continuation, start_line); !ok) return unexpected_error(std::move(ok.error()));
    return file;
}

namespace detail {

/// systemd's cunescape_one: decodes the escape after a backslash at `s[0]`; returns the number of
/// characters consumed after the backslash, or 0 when it is not a valid escape.
[[nodiscard]] inline std::size_t cunescape_one(std::string_view s, std::string& out) {
    if (s.empty()) return 0;
    switch (s[0]) {
        case 'a': out.push_back('\a'); return 1;
        case 'b': out.push_back('\b'); return 1;
        case 'f': out.push_back('\f'); return 1;
        case 'n': out.push_back('\n'); return 1;
        case 'r': out.push_back('\r'); return 1;
        case 't': out.push_back('\t'); return 1;
        case 'v': out.push_back('\v'); return 1;
        case '\\': out.push_back('\\'); return 1;
        case '"': out.push_back('"'); return 1;
        case '\'': out.push_back('\''); return 1;
        case 's': out.push_back(' '); return 1;
        case 'x': {
            if (s.size() < 3) return 0;
            const int a = hex_value(s[1]);
            const int b = hex_value(s[2]);
            if (a < 0 || b < 0 || (a == 0 && b == 0)) return 0;
            out.push_back(static_cast<char>((a << 4) | b));
            return 3;
        }
        case 'u':
        case 'U': {
            const std::size_t n = s[0] == 'u' ? 4 : 8;
            if (s.size() < n + 1) return 0;
            char32_t cp = 0;
            for (std::size_t i = 1; i <= n; ++i) {
                const int h = hex_value(s[i]);
                if (h < 0) return 0;
                cp = (cp << 4) | static_cast<char32_t>(h);
            }
            if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
            append_utf8(out, cp);
            return n + 1;
        }
        default: break;
    }
    if (s[0] >= '0' && s[0] <= '7') {
        if (s.size() < 3) return 0;
        int m = 0;
        for (std::size_t i = 0; i < 3; ++i) {
            if (s[i] < '0' || s[i] > '7') return 0;
            m = m * 8 + (s[i] - '0');
        }
        if (m == 0 || m > 255) return 0;
        out.push_back(static_cast<char>(m));
        return 3;
    }
    return 0;
}

/// systemd's extract_first_word(UNQUOTE|CUNESCAPE|CUNESCAPE_RELAX when `relax`): the next word of
/// `rest`, or nullopt at the end. Unknown escapes are kept literally when `relax`, else an error.
[[nodiscard]] inline result<std::optional<std::string>> extract_word(std::string_view& rest, bool relax,
                                                                     std::string_view field) {
    std::size_t i = 0;
    while (i < rest.size() && is_unit_space(rest[i])) ++i;
    if (i == rest.size()) {
        rest = {};
        return std::optional<std::string>{};
    }
    std::string word;
    char quote = 0;
    for (; i < rest.size(); ++i) {
        const char c = rest[i];
        if (c == '\\') {
            if (i + 1 == rest.size()) {
                if (!relax)
                    return make_error(errc::parse_error, std::string(field), "ends in a lone backslash");
                word.push_back('\\');
                continue;
            }
            const std::size_t used = cunescape_one(rest.substr(i + 1), word);
            if (used == 0) {
                if (!relax)
                    return make_error(errc::parse_error, std::string(field),
                                      "has an unknown escape \"\\" + printable(rest.substr(i + 1, 1)) +
                                          "\" at " + describe_position(rest, i));
                word.push_back('\\');
                word.push_back(rest[i + 1]);
                ++i;
            } else {
                i += used;
            }
            continue;
        }
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            } else {
                word.push_back(c);
            }
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
            continue;
        }
        if (is_unit_space(c)) break;
        word.push_back(c);
    }
    if (quote != 0) return make_error(errc::parse_error, std::string(field), "has unbalanced quoting");
    while (i < rest.size() && is_unit_space(rest[i])) ++i;
    rest.remove_prefix(i);
    return std::optional<std::string>(std::move(word));
}

/// Resolves `%%`; any other specifier needs a unit context this library does not have.
[[nodiscard]] inline result<std::string> resolve_specifiers(std::string word, std::string_view field) {
    if (word.find('%') == std::string::npos) return word;
    std::string out;
    out.reserve(word.size());
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (word[i] != '%' || i + 1 == word.size()) {
            out.push_back(word[i]);
            continue;
        }
        const char next = word[i + 1];
        if (next == '%') {
            out.push_back('%');
            ++i;
        } else if (is_ascii_alnum(next)) {
            return make_error(errc::unrepresentable, std::string(field),
                              "uses the specifier %" + printable(std::string_view(&word[i + 1], 1)) +
                                  ", which only systemd can resolve (write %% for a literal %)");
        } else {
            out.push_back('%');
        }
    }
    return out;
}

/// Environment for exec-time expansion: (name, value) pairs, later ones win.
using environment_list = std::vector<std::pair<std::string, std::string>>;

[[nodiscard]] inline const std::string* find_variable(const environment_list& env, std::string_view name) {
    for (auto it = env.rbegin(); it != env.rend(); ++it)
        if (it->first == name) return &it->second;
    return nullptr;
}

/// systemd's exec-time replace_env_argv for one word, appending the result to `argv`: a whole-word
/// `$NAME` becomes the value split at whitespace (nothing when unset); `${NAME}` inside a word
/// becomes the value; `$$` becomes `$`. Without `env`, a reference is an error.
[[nodiscard]] inline status expand_word(std::string word, const environment_list* env, std::string_view field,
                                        std::vector<std::string>& argv) {
    if (word.find('$') == std::string::npos) {
        argv.push_back(std::move(word));
        return {};
    }
    const auto needs_env = [&](std::string_view what) {
        return make_error(errc::unrepresentable, std::string(field),
                          "refers to " + std::string(what) +
                              ", which systemd expands from the environment when it starts the process "
                              "(write $$ for a literal $)");
    };
    if (word.front() == '$' && (word.size() == 1 || (word[1] != '{' && word[1] != '$'))) {
        if (env == nullptr) return needs_env(word);
        if (const std::string* v = find_variable(*env, std::string_view(word).substr(1))) {
            std::string_view rest = *v;
            while (!rest.empty()) {
                std::size_t i = 0;
                while (i < rest.size() && is_unit_space(rest[i])) ++i;
                std::size_t j = i;
                while (j < rest.size() && !is_unit_space(rest[j])) ++j;
                if (j > i) argv.emplace_back(rest.substr(i, j - i));
                rest.remove_prefix(j);
            }
        }
        return {};
    }
    std::string out;
    out.reserve(word.size());
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (word[i] == '$' && i + 1 < word.size() && word[i + 1] == '$') {
            out.push_back('$');
            ++i;
        } else if (word[i] == '$' && i + 1 < word.size() && word[i + 1] == '{') {
            const std::size_t close = word.find('}', i);
            if (close == std::string::npos) return needs_env(word.substr(i));
            if (env == nullptr) return needs_env(word.substr(i, close - i + 1));
            if (const std::string* v =
                    find_variable(*env, std::string_view(word).substr(i + 2, close - i - 2)))
                out.append(*v);
            i = close;
        } else {
            out.push_back(word[i]);
        }
    }
    argv.push_back(std::move(out));
    return {};
}

[[nodiscard]] inline result<std::vector<std::string>> split_command_line(std::string_view value,
                                                                         const environment_list* env);

}  // namespace detail

/// The shared reader behind both split_command_line overloads.
[[nodiscard]] inline result<std::vector<std::string>> detail::split_command_line(
    std::string_view value, const environment_list* env) {
    std::string_view rest = value;
    auto first = detail::extract_word(rest, /*relax=*/true, "command line");
    if (!first) return unexpected_error(std::move(first.error()));
    if (!*first) return make_error(errc::empty_value, "command line", "is empty");
    std::string_view f = **first;
    bool separate_argv0 = false;
    bool no_env_expand = false;
    for (bool more = true; more && !f.empty();) {
        switch (f.front()) {
            case '@':
                more = !separate_argv0;
                separate_argv0 = true;
                break;
            case ':':
                more = !no_env_expand;
                no_env_expand = true;
                break;
            case '-':
            case '+':
            case '!': break;
            default: more = false;
        }
        if (more) f.remove_prefix(1);
    }
    auto path = detail::resolve_specifiers(std::string(f), "command line[0]");
    if (!path) return unexpected_error(std::move(path.error()));
    if (path->empty())
        return make_error(errc::empty_value, "command line[0]", "has an empty executable path");
    std::vector<std::string> argv;
    if (!separate_argv0) argv.push_back(*path);
    while (!rest.empty()) {
        if (rest[0] == ';' && (rest.size() == 1 || detail::is_unit_space(rest[1])))
            return make_error(errc::unrepresentable, "command line",
                              "holds more than one command (an unquoted ';' separates commands)");
        if (rest.size() >= 2 && rest[0] == '\\' && rest[1] == ';' &&
            (rest.size() == 2 || detail::is_unit_space(rest[2]))) {
            argv.emplace_back(";");
            rest.remove_prefix(2);
            while (!rest.empty() && detail::is_unit_space(rest.front())) rest.remove_prefix(1);
            continue;
        }
        const std::string field =
            "command line[" + std::to_string(argv.size() + (separate_argv0 ? 1 : 0)) + "]";
        auto word = detail::extract_word(rest, /*relax=*/true, field);
        if (!word) return unexpected_error(std::move(word.error()));
        if (!*word) break;
        auto resolved = detail::resolve_specifiers(std::move(**word), field);
        if (!resolved) return unexpected_error(std::move(resolved.error()));
        argv.push_back(std::move(*resolved));
    }
    if (argv.empty()) return make_error(errc::empty_value, "command line", "has no argv[0] after '@'");
    if (no_env_expand) return argv;
    std::vector<std::string> expanded;
    expanded.reserve(argv.size());
    for (std::size_t i = 0; i < argv.size(); ++i)
        if (auto ok = detail::expand_word(std::move(argv[i]), env, "command line[" + std::to_string(i) + "]",
                                          expanded);
            !ok)
            return unexpected_error(std::move(ok.error()));
    return expanded;
}

/// The argv systemd passes for one Exec* value: quotes removed, C escapes decoded, `%%` and `$$`
/// resolved, prefixes (`-`, `@`, `:`, `+`, `!`) applied. A specifier other than `%%`, a `$VAR`
/// reference (expanded by systemd at exec time), or a second command after `;` is an error.
[[nodiscard]] inline result<std::vector<std::string>> split_command_line(std::string_view value) {
    return detail::split_command_line(value, nullptr);
}

/// As above, expanding `$NAME` and `${NAME}` from `environment` as systemd does when it starts the
/// process (pairs as split_environment returns them; the last assignment of a name wins).
[[nodiscard]] inline result<std::vector<std::string>> split_command_line(
    std::string_view value, const std::vector<std::pair<std::string, std::string>>& environment) {
    return detail::split_command_line(value, &environment);
}

/// The variables of one Environment= value, in order, as systemd 252 reads them (quotes, C escapes,
/// `%%`; `$` literal). An empty value (a reset) gives an empty list.
[[nodiscard]] inline result<std::vector<std::pair<std::string, std::string>>> split_environment(
    std::string_view value) {
    std::vector<std::pair<std::string, std::string>> out;
    std::string_view rest = value;
    for (;;) {
        auto word = detail::extract_word(rest, /*relax=*/false, "Environment");
        if (!word) return unexpected_error(std::move(word.error()));
        if (!*word) return out;
        auto resolved = detail::resolve_specifiers(std::move(**word), "Environment");
        if (!resolved) return unexpected_error(std::move(resolved.error()));
        const std::size_t eq = resolved->find('=');
        if (eq == std::string::npos)
            return make_error(errc::parse_error, "Environment",
                              "\"" + *resolved + "\" is not a NAME=value assignment");
        std::string name = resolved->substr(0, eq);
        const std::string field = detail::indexed_field("Environment", name);
        if (auto ok = detail::check_environment_name(name, field); !ok)
            return unexpected_error(std::move(ok.error()));
        std::string val = resolved->substr(eq + 1);
        if (const std::size_t bad = detail::find_invalid_utf8(val); bad != std::string::npos)
            return detail::utf8_error(field, val, bad);
        out.emplace_back(std::move(name), std::move(val));
    }
}

}  // namespace systemd
}  // namespace v1
}  // namespace hermes::service
