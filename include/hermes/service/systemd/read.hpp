// SPDX-License-Identifier: MIT
// Reading systemd unit files as systemd 252 does: parse_unit, split_command_line, split_environment.
#pragma once

#include <cstddef>      // std::size_t
#include <functional>   // std::less
#include <map>          // std::map
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair, std::move
#include <vector>       // std::vector

#include "../detail/byte_scan.hpp"  // find_stop: ASCII runs, word runs
#include "../detail/config.hpp"     // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"
#include "../detail/utf8.hpp"
#include "../error.hpp"
#include "detail/syntax.hpp"  // is_unit_space, strip, next_line, max_line_length

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace systemd {

namespace detail {

/// Byte offset of the first sequence systemd's utf8_is_valid refuses (malformed, surrogate, or a
/// non-character such as U+FFFE), or npos. ASCII runs are skipped a block at a time.
[[nodiscard]] inline std::size_t find_invalid_unit_utf8(std::string_view s) noexcept {
    for (std::size_t pos = find_stop<byte_class::non_ascii>(s, 0); pos < s.size();
         pos = find_stop<byte_class::non_ascii>(s, pos)) {
        const std::size_t at = pos;
        const char32_t cp = decode_utf8(s, pos);
        if (cp == invalid_code_point || !is_valid_unichar(cp)) return at;
    }
    return std::string_view::npos;
}

/// The error for find_invalid_unit_utf8's finding at `offset` in `value`.
[[nodiscard]] inline unexpected_error unit_utf8_error(const std::string& field, std::string_view value,
                                                      std::size_t offset, std::string_view why = {}) {
    std::size_t pos = offset;
    const char32_t cp = decode_utf8(value, pos);
    std::string message = cp == invalid_code_point
                              ? "is not valid UTF-8: byte " +
                                    describe_byte(static_cast<unsigned char>(value[offset])) + " at " +
                                    describe_position(value, offset) + " does not start a valid sequence"
                              : "is not UTF-8 to systemd: the non-character " + describe_code_point(cp) +
                                    " at " + describe_position(value, offset);
    message.append(why);
    return make_error(errc::invalid_utf8, field, std::move(message));
}

}  // namespace detail

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
    /// Lines systemd would ignore with a warning (no '=', no key, outside a section).
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

namespace detail {

/// "line N", the field of a reader error or warning (built on those paths only).
[[nodiscard]] inline std::string line_field(std::size_t line) { return "line " + std::to_string(line); }

/// The line reader behind parse_unit and compare_units (conf-parser's config_parse and parse_line):
/// comments (`#`, `;`) skipped even inside continuations, an odd number of trailing backslashes
/// joins the next line (the backslash becomes a space), whitespace around keys and values trimmed;
/// a leading BOM skipped. Reports to `sink`:
///   sink.header(name, line, in_text)           a valid `[name]` header
///   sink.assignment(key, value, line, in_text) a `Key=value` inside a section
///   sink.ignored(line, why)                    a line systemd ignores with a warning (why: ": ...")
/// `in_text` is true when the views point into `text`; false when they point into the joined
/// continuation, which the next line overwrites. Fails where systemd refuses the whole file.
template <class Sink>
[[nodiscard]] status read_unit(std::string_view text, Sink& sink) {
    bool have_section = false;
    // A text with no byte >= 0x80 holds no invalid UTF-8: one scan of the whole text spares one per line.
    const bool ascii = find_stop<byte_class::non_ascii>(text, 0) == text.size();
    // One logical line (continuations joined): a header, an assignment, or something ignored.
    const auto process = [&](std::string_view logical, std::size_t line, bool in_text) -> status {
        const std::string_view l = strip(logical);
        if (l.empty()) return {};
        if (const std::size_t bad = ascii ? std::string_view::npos : find_invalid_unit_utf8(l);
            bad != std::string_view::npos) {
            // conf-parser's parse_line logs "ignoring assignment" but returns -EINVAL: the unit fails to
            // load.
            return unit_utf8_error(line_field(line), l, bad, "; systemd refuses to load the unit");
        }
        if (l.front() == '[') {
            bool safe = l.size() >= 2 && l.back() == ']';
            for (std::size_t i = 1; safe && i + 1 < l.size(); ++i)
                safe = !is_control(static_cast<unsigned char>(l[i])) && l[i] != '"' && l[i] != '\'' &&
                       l[i] != '\\';
            if (!safe)
                return make_error(
                    errc::parse_error, line_field(line),
                    "invalid section header \"" + printable(l) + "\" (a header must be the whole line)");
            have_section = true;
            sink.header(l.substr(1, l.size() - 2), line, in_text);
        } else if (l.front() == '.') {
            sink.ignored(line, ": '.include' is not supported, ignored");
        } else if (const std::size_t eq = l.find('='); eq == std::string_view::npos) {
            sink.ignored(line, ": missing '=', ignored");
        } else if (!have_section) {
            sink.ignored(line, ": assignment outside of a section, ignored");
        } else if (eq == 0) {
            sink.ignored(line, ": missing key name before '=', ignored");
        } else {
            sink.assignment(strip(l.substr(0, eq)), strip(l.substr(eq + 1)), line, in_text);
        }
        return {};
    };
    std::string continuation;  // only used while a line continues
    bool continuing = false;
    std::size_t start_line = 0;
    std::size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    for (std::size_t line_no = 1; pos < text.size(); ++line_no) {
        const std::string_view raw = next_line(text, pos);
        if (raw.size() >= max_line_length)
            return make_error(errc::parse_error, line_field(line_no),
                              "is longer than systemd's 1 MiB line limit");
        std::string_view first = raw;
        while (!first.empty() && is_unit_space(first.front())) first.remove_prefix(1);
        if (!first.empty() && (first.front() == '#' || first.front() == ';'))
            continue;  // even mid-continuation
        if (!continuing) start_line = line_no;
        // The line continues when it ends in an odd run of backslashes. Only the run is scanned: the
        // joined text before this line ends in a space, so the run lies within `raw` (linear time).
        std::size_t run = 0;
        while (run < raw.size() && raw[raw.size() - 1 - run] == '\\') ++run;
        if (!continuing && run % 2 == 0) {  // the common case: a whole logical line, read in place
            if (auto ok = process(raw, start_line, true); !ok) return ok;
            continue;
        }
        continuation.append(raw);
        if (continuation.size() >= max_line_length)
            return make_error(errc::parse_error, line_field(start_line),
                              "the continued line is longer than systemd's 1 MiB line limit");
        if (run % 2 == 1) {  // an odd number of trailing backslashes: the last becomes a space
            continuation.back() = ' ';
            continuing = true;
            continue;
        }
        continuing = false;
        if (auto ok = process(continuation, start_line, false); !ok) return ok;
        continuation.clear();
    }
    if (continuing)  // a trailing backslash on the last line is harmless
        return process(continuation, start_line, false);
    return {};
}

/// Fills a unit_file's tables from read_unit's reports (parse_unit's sink).
struct unit_file_sink {
    std::vector<std::string>& sections;
    std::vector<unit_entry>& entries;
    std::vector<std::string>& warnings;
    std::size_t current = 0;  // index of the current section in file.sections_
    // Headers are found by a scan of the few sections; past `few` a set keeps a repeated header
    // from costing a scan of all.
    static constexpr std::size_t few = 16;
    std::map<std::string, std::size_t, std::less<>> section_index{};  // copies: sections_ may reallocate

    void header(std::string_view name, std::size_t /*line*/, bool /*in_text*/) {
        current = sections.size();
        if (sections.size() <= few) {
            for (std::size_t i = 0; i < sections.size(); ++i)
                if (sections[i] == name) current = i;  // names are distinct: at most one matches
        } else if (const auto it = section_index.find(name); it != section_index.end()) {
            current = it->second;
        }
        if (current != sections.size()) return;
        sections.emplace_back(name);
        if (sections.size() == few + 1) {  // from now on through the set
            for (std::size_t i = 0; i < sections.size(); ++i) section_index.emplace(sections[i], i);
        } else if (sections.size() > few + 1) {
            section_index.emplace(sections.back(), current);
        }
    }
    void assignment(std::string_view key, std::string_view value, std::size_t line, bool /*in_text*/) {
        // Constructed in place from the views (cheaper than assigning into empty strings).
        entries.push_back(unit_entry{sections[current], std::string(key), std::string(value), line});
    }
    void ignored(std::size_t line, std::string_view why) { warnings.push_back(line_field(line).append(why)); }
};

}  // namespace detail

/// Parses unit text as systemd 252 does: comments (`#`, `;`) skipped even inside continuations,
/// an odd number of trailing backslashes joins the next line (the backslash becomes a space),
/// whitespace around keys and values trimmed (conf-parser's config_parse and parse_line). Fails where
/// systemd refuses the whole file: a line longer than 1 MiB, a bad section header, a line that is not
/// UTF-8 (systemd's utf8_is_valid, which also refuses non-characters such as U+FFFE).
[[nodiscard]] inline result<unit_file> parse_unit(std::string_view text) {
    unit_file file;
    // One allocation for the entry table (at most one entry per line) and one for the section list
    // (most units have at most four sections).
    std::size_t lines = 1;
    for (std::size_t at = text.find('\n'); at != std::string_view::npos; at = text.find('\n', at + 1))
        ++lines;
    file.entries_.reserve(lines);
    file.sections_.reserve(4);
    detail::unit_file_sink sink{file.sections_, file.entries_, file.warnings_};
    if (auto ok = detail::read_unit(text, sink); !ok) return unexpected_error(std::move(ok.error()));
    return file;
}

namespace detail {

/// systemd's cunescape_one (NUL refused): decodes the escape after a backslash at `s[0]`; returns
/// the number of characters consumed after the backslash, or 0 when it is not a valid escape.
/// `\u` takes any non-zero 16-bit value (a surrogate too, encoded as its three bytes); `\U` only
/// what is_valid_unichar accepts; `\x` and octal give a raw byte.
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
            if (cp == 0 || (n == 8 && !is_valid_unichar(cp))) return 0;
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

/// The ExtractFlags of systemd's extract_first_word that the unit readers use (separators are
/// always WHITESPACE).
struct extract_flags {
    bool unquote = false;         ///< EXTRACT_UNQUOTE: '...' and "..." group and are removed
    bool cunescape = false;       ///< EXTRACT_CUNESCAPE: C escapes decoded (else `\c` is c)
    bool unescape_relax = false;  ///< EXTRACT_UNESCAPE_RELAX: an unknown escape stays literally
    bool relax = false;           ///< EXTRACT_RELAX: unbalanced quotes and a last '\' tolerated
};

/// config_parse_environ's flags: EXTRACT_CUNESCAPE|EXTRACT_UNQUOTE.
inline constexpr extract_flags environ_flags{true, true, false, false};
/// config_parse_exec's flags: EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE through extract_first_word_and_warn,
/// whose retry with EXTRACT_UNESCAPE_RELAX gives the same words as asking for it at once.
inline constexpr extract_flags exec_flags{true, true, true, false};
/// replace_env_argv's split of a whole-word $NAME: EXTRACT_RELAX|EXTRACT_UNQUOTE.
inline constexpr extract_flags variable_split_flags{true, false, false, true};

/// systemd's extract_first_word(p, &word, NULL, flags), appending the next word of `rest` to `word`:
/// false at the end; `rest` then starts at the next word. Where systemd returns -EINVAL, an error
/// naming `field`.
[[nodiscard]] inline result<bool> extract_first_word_into(std::string_view& rest, extract_flags flags,
                                                          std::string_view field, std::string& word) {
    std::size_t i = 0;
    while (i < rest.size() && is_unit_space(rest[i])) ++i;
    if (i == rest.size()) {
        rest = {};
        return false;
    }
    char quote = 0;
    for (; i < rest.size(); ++i) {
        const char c = rest[i];
        if (c == '\\') {
            if (i + 1 == rest.size()) {  // a last backslash
                if (flags.unescape_relax && (quote == 0 || flags.relax)) {
                    word.push_back('\\');
                } else if (!flags.relax) {
                    return make_error(errc::parse_error, std::string(field),
                                      quote != 0 ? "has unbalanced quoting" : "ends in a lone backslash");
                }
                rest = {};
                return true;
            }
            if (!flags.cunescape) {
                word.push_back(rest[++i]);
                continue;
            }
            const std::size_t used = cunescape_one(rest.substr(i + 1), word);
            if (used > 0) {
                i += used;
            } else if (flags.unescape_relax) {
                word.push_back('\\');
                word.push_back(rest[++i]);
            } else {
                return make_error(errc::parse_error, std::string(field),
                                  "has an unknown escape \"\\" + printable(rest.substr(i + 1, 1)) + "\" at " +
                                      describe_position(rest, i));
            }
            continue;
        }
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            } else {  // c and the run after it up to a byte that may end the quote or escape
                const std::size_t end = find_stop<byte_class::word>(rest, i + 1);
                word.append(rest.substr(i, end - i));
                i = end - 1;
            }
            continue;
        }
        if (flags.unquote && (c == '"' || c == '\'')) {
            quote = c;
            continue;
        }
        if (is_unit_space(c)) break;
        // A run of bytes none of the cases above looks at (every such byte stops byte_class::word)
        // is copied at once.
        const std::size_t end = find_stop<byte_class::word>(rest, i + 1);
        word.append(rest.substr(i, end - i));
        i = end - 1;
    }
    if (quote != 0 && !flags.relax)
        return make_error(errc::parse_error, std::string(field), "has unbalanced quoting");
    while (i < rest.size() && is_unit_space(rest[i])) ++i;
    rest.remove_prefix(i);
    return true;
}

/// systemd's extract_first_word(p, &word, NULL, flags): the next word of `rest`, or nullopt at the
/// end; `rest` then starts at the next word. Where systemd returns -EINVAL, an error naming `field`.
[[nodiscard]] inline result<std::optional<std::string>> extract_first_word(std::string_view& rest,
                                                                           extract_flags flags,
                                                                           std::string_view field) {
    std::string word;
    auto found = extract_first_word_into(rest, flags, field, word);
    if (!found) return unexpected_error(std::move(found.error()));
    if (!*found) return std::optional<std::string>{};
    return std::optional<std::string>(std::move(word));
}

/// Resolves `%%`; any other specifier needs a unit context this library does not have. As systemd
/// 252's specifier_printf, '%' before a character that is not a letter or digit stays literally.
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

/// systemd's strv_env_get_n over `env` (searched from the end): the value of the last entry whose
/// "NAME=value" text starts with `name` followed by '='. An empty name is never found. Without an
/// environment (env == nullptr) a lookup is an error naming `reference`.
[[nodiscard]] inline result<std::optional<std::string>> lookup_variable(const environment_list* env,
                                                                        std::string_view name,
                                                                        std::string_view reference,
                                                                        std::string_view field) {
    if (name.empty()) return std::optional<std::string>{};
    if (env == nullptr)
        return make_error(errc::unrepresentable, std::string(field),
                          "refers to " + printable(reference) +
                              ", which systemd expands from the environment when it starts the process "
                              "(write $$ for a literal $)");
    for (auto it = env->rbegin(); it != env->rend(); ++it) {
        std::string entry = it->first;
        entry.append("=").append(it->second);
        if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
            entry[name.size()] == '=')
            return std::optional<std::string>(entry.substr(name.size() + 1));
    }
    return std::optional<std::string>{};
}

/// systemd 252's replace_env with flags 0 over one word: `${NAME}` becomes the value (empty when
/// unset), `$$` becomes `$`; `$NAME`, an unterminated `${NAME` and `${NAME:...}` stay literally
/// (only a `${...}` inside the latter is expanded).
[[nodiscard]] inline result<std::string> replace_env(std::string_view w, const environment_list* env,
                                                     std::string_view field) {
    enum class state { word, curly, variable } st = state::word;
    std::string out;
    std::size_t word = 0;  // start of the text not yet copied to `out`
    for (std::size_t i = 0; i < w.size(); ++i) {
        const char c = w[i];
        switch (st) {
            case state::word:
                if (c == '$') st = state::curly;
                break;
            case state::curly:
                if (c == '{') {
                    out.append(w.substr(word, i - 1 - word));
                    word = i - 1;
                    st = state::variable;
                } else if (c == '$') {
                    out.append(w.substr(word, i - word));
                    word = i + 1;
                    st = state::word;
                } else {
                    st = state::word;
                }
                break;
            case state::variable:
                if (c == '}') {
                    auto value = lookup_variable(env, w.substr(word + 2, i - word - 2),
                                                 w.substr(word, i - word + 1), field);
                    if (!value) return unexpected_error(std::move(value.error()));
                    if (*value) out.append(**value);
                    word = i + 1;
                    st = state::word;
                } else if (c == ':') {
                    st = state::word;  // ${NAME:-...} and ${NAME:+...} are not expanded in 252
                }
                break;
        }
    }
    out.append(w.substr(word));
    return out;
}

/// systemd 252's replace_env_argv for one argument, appending to `argv`: a word that is `$NAME`
/// as a whole (not `${` or `$$`) becomes the value split into words with unquoting
/// (EXTRACT_RELAX|EXTRACT_UNQUOTE; nothing when unset); any other word goes through replace_env.
[[nodiscard]] inline status replace_env_word(std::string word, const environment_list* env,
                                             std::string_view field, std::vector<std::string>& argv) {
    if (word.find('$') == std::string::npos) {
        argv.push_back(std::move(word));
        return {};
    }
    if (word.front() == '$' && (word.size() == 1 || (word[1] != '{' && word[1] != '$'))) {
        auto value = lookup_variable(env, std::string_view(word).substr(1), word, field);
        if (!value) return unexpected_error(std::move(value.error()));
        if (!*value) return {};
        std::string_view rest = **value;
        for (;;) {
            auto part = extract_first_word(rest, variable_split_flags, field);
            if (!part) return unexpected_error(std::move(part.error()));  // not reached: RELAX never fails
            if (!*part) return {};
            argv.push_back(std::move(**part));
        }
    }
    auto replaced = replace_env(word, env, field);
    if (!replaced) return unexpected_error(std::move(replaced.error()));
    argv.push_back(std::move(*replaced));
    return {};
}

/// systemd's string_is_safe: no control character, quote, backslash or DEL.
[[nodiscard]] constexpr bool is_safe_string(std::string_view s) noexcept {
    for (const char c : s)
        if ((c > 0 && c < ' ') || c == '"' || c == '\'' || c == '\\' || c == '\x7f') return false;
    return true;
}

/// config_parse_exec's check of the executable: `path_is_absolute ? path_is_valid :
/// filename_is_valid` (components of at most 255 bytes, under 4096 bytes in all; a bare name is
/// not "." or "..").
[[nodiscard]] constexpr bool is_valid_executable(std::string_view path) noexcept {
    if (path.empty()) return false;
    if (path.front() != '/')
        return path != "." && path != ".." && path.find('/') == std::string_view::npos && path.size() <= 255;
    if (path.size() >= 4096) return false;
    for (std::size_t start = 0; start < path.size();) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (end - start > 255) return false;
        start = end + 1;
    }
    return true;
}

/// The error `e` of argument `index` of a command line, named "command line[index]" (the name is
/// built here, on the error path only).
[[nodiscard]] inline unexpected_error with_field(error e, std::size_t index) {
    e.field = "command line[" + std::to_string(index) + "]";
    return unexpected_error(std::move(e));
}

/// The shared reader behind both split_command_line overloads: config_parse_exec, then (without
/// the ':' prefix) replace_env_argv.
[[nodiscard]] inline result<std::vector<std::string>> split_command_line(std::string_view value,
                                                                         const environment_list* env) {
    std::string_view rest = value;
    std::vector<std::string> argv;
    argv.reserve(value.size() / 8 + 4);  // one allocation for most lines (a word and its space: 8 bytes)
    bool have_command = false;
    bool no_env_expand = false;
    for (bool semicolon = true; semicolon;) {
        semicolon = false;
        auto first = extract_first_word(rest, exec_flags, "command line");
        if (!first) return unexpected_error(std::move(first.error()));
        if (!*first) break;
        if (**first == ";") {  // a lone ";" separates commands; it is never an executable
            semicolon = true;
            continue;
        }
        if (have_command)
            return make_error(errc::unrepresentable, "command line",
                              "holds more than one command (an unquoted ';' separates commands)");
        have_command = true;
        // Each prefix at most once; '+', '!' and "!!" exclude one another.
        std::string_view f = **first;
        bool ignore = false;
        bool separate_argv0 = false;
        bool privileged = false;
        bool no_setuid = false;
        bool ambient = false;
        for (;; f.remove_prefix(1)) {
            const char c = f.empty() ? '\0' : f.front();
            if (c == '-' && !ignore) {
                ignore = true;
            } else if (c == '@' && !separate_argv0) {
                separate_argv0 = true;
            } else if (c == ':' && !no_env_expand) {
                no_env_expand = true;
            } else if (c == '+' && !(privileged || no_setuid || ambient)) {
                privileged = true;
            } else if (c == '!' && !(privileged || no_setuid || ambient)) {
                no_setuid = true;
            } else if (c == '!' && !(privileged || ambient)) {
                no_setuid = false;
                ambient = true;
            } else {
                break;
            }
        }
        auto path = resolve_specifiers(std::string(f), "command line[0]");
        if (!path) return unexpected_error(std::move(path.error()));
        if (path->empty())
            return make_error(errc::empty_value, "command line[0]", "has an empty executable path");
        if (!is_safe_string(*path))
            return make_error(
                errc::parse_error, "command line[0]",
                "executable \"" + printable(*path) +
                    "\" contains a quote, backslash or control character, which systemd refuses");
        if (path->back() == '/')
            return make_error(errc::parse_error, "command line[0]",
                              "executable \"" + printable(*path) + "\" names a directory (ends in '/')");
        if (!is_valid_executable(*path))
            return make_error(
                errc::parse_error, "command line[0]",
                "\"" + printable(*path) + "\" is neither a valid executable name nor an absolute path");
        if (!separate_argv0) argv.push_back(std::move(*path));
        while (!rest.empty()) {
            if (rest[0] == ';' && (rest.size() == 1 || is_unit_space(rest[1]))) {
                rest.remove_prefix(1);
                while (!rest.empty() && is_unit_space(rest.front())) rest.remove_prefix(1);
                semicolon = true;
                break;
            }
            if (rest.size() >= 2 && rest[0] == '\\' && rest[1] == ';' &&
                (rest.size() == 2 || is_unit_space(rest[2]))) {
                argv.emplace_back(";");
                rest.remove_prefix(2);
                while (!rest.empty() && is_unit_space(rest.front())) rest.remove_prefix(1);
                continue;
            }
            // The word is read in place; its field ("command line[N]") is only spelled out on an error.
            const std::size_t index = argv.size() + (separate_argv0 ? 1 : 0);
            std::string& word = argv.emplace_back();
            auto found = extract_first_word_into(rest, exec_flags, {}, word);
            if (!found) return with_field(std::move(found.error()), index);
            if (!*found) {
                argv.pop_back();
                break;
            }
            if (word.find('%') == std::string::npos) continue;
            auto resolved = resolve_specifiers(std::move(word), {});
            if (!resolved) return with_field(std::move(resolved.error()), index);
            argv.back() = std::move(*resolved);
        }
        if (argv.empty()) return make_error(errc::empty_value, "command line", "has no argv[0] after '@'");
    }
    if (!have_command) return make_error(errc::empty_value, "command line", "is empty");
    if (no_env_expand) return argv;
    // Only a word that is `$NAME` as a whole can become more or fewer words: without one, each word
    // is expanded in place.
    const auto whole_variable = [](const std::string& w) {
        return w.front() == '$' && (w.size() == 1 || (w[1] != '{' && w[1] != '$'));
    };
    bool in_place = true;
    for (const std::string& w : argv) in_place = in_place && !(!w.empty() && whole_variable(w));
    if (in_place) {
        for (std::size_t i = 0; i < argv.size(); ++i) {
            if (argv[i].find('$') == std::string::npos) continue;
            auto replaced = replace_env(argv[i], env, {});
            if (!replaced) return with_field(std::move(replaced.error()), i);
            argv[i] = std::move(*replaced);
        }
        return argv;  // not empty: argv[0] was checked above
    }
    std::vector<std::string> expanded;
    expanded.reserve(argv.size());
    for (std::size_t i = 0; i < argv.size(); ++i)
        if (auto ok = replace_env_word(std::move(argv[i]), env, {}, expanded); !ok)
            return with_field(std::move(ok.error()), i);
    if (expanded.empty())  // systemd would exec with argc 0; no Exec* line can say that back
        return make_error(errc::empty_value, "command line", "leaves no argv[0] after exec-time expansion");
    return expanded;
}

}  // namespace detail

/// The argv systemd 252 passes for one Exec* value (config_parse_exec, then replace_env_argv):
/// quotes removed, C escapes decoded, `%%` and `$$` resolved, prefixes (`-`, `@`, `:`, `+`, `!`,
/// `!!`, each at most once) applied, a trailing ` ;` accepted. What systemd refuses (an executable
/// ending in '/' or holding a quote, backslash or control character) is an error, and so are what
/// only systemd can resolve (a specifier other than `%%`, a `$NAME` or `${NAME}` reference) and a
/// second command after `;`.
[[nodiscard]] inline result<std::vector<std::string>> split_command_line(std::string_view value) {
    return detail::split_command_line(value, nullptr);
}

/// As above, expanding from `environment` as systemd 252 does when it starts the process: a word
/// that is `$NAME` as a whole becomes the value split into words (quotes removed), `${NAME}` the
/// value; `${NAME:-...}` and an unterminated `${` stay literally. Pairs as split_environment returns
/// them; the last assignment of a name wins.
[[nodiscard]] inline result<std::vector<std::string>> split_command_line(
    std::string_view value, const std::vector<std::pair<std::string, std::string>>& environment) {
    return detail::split_command_line(value, &environment);
}

/// The variables of one Environment= value, in order, as systemd 252's config_parse_environ reads
/// them (EXTRACT_CUNESCAPE|EXTRACT_UNQUOTE, `%%`; `$` literal). An empty value (a reset) gives an
/// empty list. What systemd would skip (bad syntax, name or UTF-8) is an error here.
[[nodiscard]] inline result<std::vector<std::pair<std::string, std::string>>> split_environment(
    std::string_view value) {
    std::vector<std::pair<std::string, std::string>> out;
    std::string_view rest = value;
    for (;;) {
        auto word = detail::extract_first_word(rest, detail::environ_flags, "Environment");
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
        if (const std::size_t bad = detail::find_invalid_unit_utf8(val); bad != std::string::npos)
            return detail::unit_utf8_error(field, val, bad);
        out.emplace_back(std::move(name), std::move(val));
    }
}

}  // namespace systemd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
