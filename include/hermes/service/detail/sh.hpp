// SPDX-License-Identifier: MIT
// The POSIX sh word: how a `#!/bin/sh` script (runit's run, the OpenRC script, finish scripts) carries
// one value exactly, and the lexer that reads such scripts back. Rules as observed on dash 0.5.12
// (see docs/escaping.md). Internal: not part of the API.
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../error.hpp"     // result, make_error
#include "config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "escape.hpp"       // status, field_ref, char_error, is_ascii_alnum
#include "text_buffer.hpp"  // find_bytes

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

/// A POSIX sh single-quoted word: `'...'` with `'` -> `'\''`; `''` for the empty value. Every byte
/// but NUL arrives exactly (newlines, `$`, backquotes, bytes that are not UTF-8); NUL is refused.
template <class Sink>
[[nodiscard]] status put_sh_word(Sink& sink, std::string_view value, const field_ref& field) {
    sink.put('\'');
    // One pass: the runs between the bytes that matter (NUL and `'`) are copied whole.
    std::size_t run = 0;
    for (std::size_t i = find_bytes<'\'', '\0'>(value, 0); i < value.size();
         i = find_bytes<'\'', '\0'>(value, i + 1)) {
        const char c = value[i];
        if (c == '\0')
            return char_error(errc::control_character, field, value, i, 0,
                              "a process argument, environment value or path cannot hold NUL");
        if (c != '\'') continue;
        sink.put(value.substr(run, i - run));
        sink.put("'\\''");
        run = i + 1;
    }
    sink.put(value.substr(run));
    sink.put('\'');
    return {};
}

/// One token of a sh script: a word (quotes removed, expansions done), an operator or a newline.
struct sh_token {
    enum class kind : unsigned char { word, op, newline } what = kind::word;
    std::string value;            ///< the word's text, or the operator (`||`, `>&`, `(`, ...)
    std::size_t bare_prefix = 0;  ///< how many leading bytes of a word were unquoted text
    std::size_t offset = 0;       ///< where the token starts in the script
};

[[nodiscard]] constexpr bool is_sh_operator_char(char c) noexcept {
    return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')';
}

[[nodiscard]] constexpr bool is_sh_name(std::string_view name) noexcept {
    if (name.empty() || is_ascii_digit(name.front())) return false;
    for (const char c : name)
        if (!(c == '_' || is_ascii_alnum(c))) return false;
    return true;
}

/// Never finds a variable: for scripts whose words expand nothing.
struct no_variables {
    [[nodiscard]] const std::string* operator()(std::string_view /*name*/) const noexcept { return nullptr; }
};

/// The tokens of a sh script for the subset the writers produce: blanks split words, newlines end
/// commands, `#` at a word's start comments out the line, `\c` and `'...'` are literal, `"..."` takes the
/// escapes `\$ \` \" \\` and expands `$NAME`/`${NAME}` (and `$1`...`$9`, `$@`) through `lookup` (a
/// callable returning a `const std::string*`, nullptr when unknown). Unquoted expansions, command
/// substitution, globs, tildes and unknown variables are a parse_error naming `field`.
template <class Lookup>
[[nodiscard]] result<std::vector<sh_token>> lex_sh(std::string_view text, std::string_view field,
                                                   const Lookup& lookup) {
    std::vector<sh_token> tokens;
    const auto fail = [&](std::size_t at, const std::string& what) {
        return make_error(errc::parse_error, std::string(field),
                          what + " at " + describe_position(text, at) + "; not what the writer produces");
    };
    if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos)
        return fail(nul, "a NUL byte");
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == ' ' || c == '\t') {
            ++i;
            continue;
        }
        if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {  // a line continuation
            i += 2;
            continue;
        }
        if (c == '\n') {
            tokens.push_back({sh_token::kind::newline, "\n", 0, i++});
            continue;
        }
        if (c == '#') {
            while (i < text.size() && text[i] != '\n') ++i;
            continue;
        }
        if (is_sh_operator_char(c)) {
            std::size_t n = 1;
            if (i + 1 < text.size()) {
                const std::string_view two = text.substr(i, 2);
                if (two == "||" || two == "&&" || two == ">&" || two == "<&" || two == ">>" || two == ";;")
                    n = 2;
            }
            tokens.push_back({sh_token::kind::op, std::string(text.substr(i, n)), 0, i});
            i += n;
            continue;
        }
        sh_token word{sh_token::kind::word, {}, 0, i};
        bool any_quoted = false;
        while (i < text.size()) {
            const char w = text[i];
            if (w == ' ' || w == '\t' || w == '\n' || is_sh_operator_char(w)) break;
            if (w == '\'') {
                const std::size_t close = text.find('\'', i + 1);
                if (close == std::string_view::npos)
                    return fail(i, "a single-quoted word that is never closed");
                word.value.append(text.substr(i + 1, close - i - 1));
                any_quoted = true;
                i = close + 1;
            } else if (w == '"') {
                const std::size_t open = i++;
                bool closed = false;
                while (i < text.size()) {
                    const char q = text[i];
                    if (q == '"') {
                        closed = true;
                        ++i;
                        break;
                    }
                    if (q == '\\' && i + 1 < text.size()) {
                        const char e = text[i + 1];
                        if (e == '$' || e == '`' || e == '"' || e == '\\') {
                            word.value.push_back(e);
                            i += 2;
                        } else if (e == '\n') {
                            i += 2;
                        } else {
                            word.value.push_back('\\');
                            ++i;
                        }
                    } else if (q == '`') {
                        return fail(i, "command substitution");
                    } else if (q == '$') {
                        std::size_t start = i + 1;
                        std::size_t end = start;
                        const bool braced = start < text.size() && text[start] == '{';
                        if (braced) end = ++start;
                        while (end < text.size() && (text[end] == '_' || is_ascii_alnum(text[end]))) ++end;
                        if (!braced && end == start && end < text.size() && text[end] == '@') ++end;
                        const std::string_view name = text.substr(start, end - start);
                        const bool positional = name == "@" || (name.size() == 1 && is_ascii_digit(name[0]));
                        if (!(is_sh_name(name) || positional) ||
                            (braced && (end >= text.size() || text[end] != '}')))
                            return fail(i, "a '$' that is not a plain $NAME or ${NAME}");
                        const std::string* found = lookup(name);
                        if (found == nullptr) return fail(i, "the unknown variable $" + std::string(name));
                        word.value.append(*found);
                        i = braced ? end + 1 : end;
                    } else {
                        word.value.push_back(q);
                        ++i;
                    }
                }
                if (!closed) return fail(open, "a double-quoted word that is never closed");
                any_quoted = true;
            } else if (w == '\\' && i + 1 < text.size()) {
                if (text[i + 1] != '\n')
                    word.value.push_back(text[i + 1]);  // a backslash-newline joins lines
                any_quoted = true;
                i += 2;
            } else if (w == '\\' || w == '$' || w == '`' || w == '*' || w == '?' || w == '[' ||
                       (w == '~' && word.value.empty() && !any_quoted)) {
                return fail(i, "the unquoted '" + std::string(1, w) +
                                   "' (an escape, expansion or pattern the reader does not evaluate)");
            } else {
                word.value.push_back(w);
                if (!any_quoted) ++word.bare_prefix;
                ++i;
            }
        }
        tokens.push_back(std::move(word));
    }
    return tokens;
}

/// The commands of a token list: the words of each line (operators kept as their own entries).
[[nodiscard]] inline std::vector<std::vector<sh_token>> split_sh_lines(std::vector<sh_token> tokens) {
    std::vector<std::vector<sh_token>> lines;
    std::vector<sh_token> line;
    for (sh_token& t : tokens) {
        if (t.what == sh_token::kind::newline) {
            if (!line.empty()) lines.push_back(std::move(line));
            line.clear();
        } else {
            line.push_back(std::move(t));
        }
    }
    if (!line.empty()) lines.push_back(std::move(line));
    return lines;
}

}  // namespace detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
