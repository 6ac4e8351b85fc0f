// SPDX-License-Identifier: MIT
// The execline word: how an s6 `run` script (execlineb -P) carries one argument exactly, and the lexer
// that reads such scripts back. Rules as observed on execline 2.9.3 (see docs/escaping.md).
// Internal: not part of the API.
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../error.hpp"     // result, make_error
#include "config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "escape.hpp"       // status, field_ref, char_error, printable
#include "text_buffer.hpp"  // find_bytes

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

/// An execline word: `"..."` with `\` -> `\\` and `"` -> `\"`; every byte but NUL arrives exactly
/// (newlines, `$`, `#`, `{`, bytes that are not UTF-8). NUL is refused: no argv or environ can hold it.
template <class Sink>
[[nodiscard]] status put_execline_word(Sink& sink, std::string_view value, const field_ref& field) {
    sink.put('"');
    // One pass: the runs between the bytes that matter (NUL, `\`, `"`) are copied whole.
    std::size_t run = 0;
    for (std::size_t i = find_bytes<'\\', '"', '\0'>(value, 0); i < value.size();
         i = find_bytes<'\\', '"', '\0'>(value, i + 1)) {
        const char c = value[i];
        if (c == '\0')
            return char_error(errc::control_character, field, value, i, 0,
                              "a process argument, environment value or path cannot hold NUL");
        if (c != '\\' && c != '"') continue;
        sink.put(value.substr(run, i - run));
        sink.put('\\');
        run = i;
    }
    sink.put(value.substr(run));
    sink.put('"');
    return {};
}

/// An environment name execline's `export` can set: not empty, no `=`, no NUL.
[[nodiscard]] inline status check_export_name(std::string_view name, const field_ref& field) {
    if (name.empty()) return make_error(errc::empty_value, std::string(field), "the variable name is empty");
    for (std::size_t bad = 0; bad < name.size(); ++bad)  // a loop: find_first_of calls memchr per byte
        if (name[bad] == '=' || name[bad] == '\0')
            return make_error(errc::invalid_name, std::string(field),
                              "variable name \"" + printable(name) + "\" has '" +
                                  printable(name.substr(bad, 1)) + "' at byte " + std::to_string(bad + 1) +
                                  "; a name cannot hold '=' or NUL");
    return {};
}

/// One word of an execline script, its quotes removed.
struct execline_word {
    std::string value;
    bool quoted = false;  ///< written in `"..."` (a keyword such as `cd` is written bare)
};

[[nodiscard]] constexpr bool is_execline_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/// The words of an execline script as execlineb splits them: blanks separate words, `#` at the start
/// of a word comments out the rest of the line, `"..."` is one word with the C escapes `\\ \" \a \b
/// \t \n \v \f \r`. Anything else (blocks `{ }`, numeric escapes, a quote inside a bare word, a
/// backslash outside quotes) is a parse_error naming `field`: the reader does not guess.
[[nodiscard]] inline result<std::vector<execline_word>> lex_execline(std::string_view text,
                                                                     std::string_view field) {
    std::vector<execline_word> words;
    const auto fail = [&](std::size_t at, const std::string& what) {
        return make_error(errc::parse_error, std::string(field),
                          what + " at " + describe_position(text, at) + "; not what the writer produces");
    };
    if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos)
        return fail(nul, "a NUL byte");
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (is_execline_space(c)) {
            ++i;
        } else if (c == '#') {
            while (i < text.size() && text[i] != '\n') ++i;
        } else if (c == '"') {
            execline_word w{{}, true};
            const std::size_t open = i++;
            bool closed = false;
            while (i < text.size()) {
                const char q = text[i++];
                if (q == '"') {
                    closed = true;
                    break;
                }
                if (q != '\\') {
                    w.value.push_back(q);
                    continue;
                }
                if (i >= text.size()) break;
                const char e = text[i++];
                switch (e) {
                    case '\\': w.value.push_back('\\'); break;
                    case '"': w.value.push_back('"'); break;
                    case 'a': w.value.push_back('\a'); break;
                    case 'b': w.value.push_back('\b'); break;
                    case 't': w.value.push_back('\t'); break;
                    case 'n': w.value.push_back('\n'); break;
                    case 'v': w.value.push_back('\v'); break;
                    case 'f': w.value.push_back('\f'); break;
                    case 'r': w.value.push_back('\r'); break;
                    default:
                        return fail(i - 2, "the escape \\" + printable(std::string_view(&e, 1)) +
                                               " (execline reads it as a numeric or literal escape)");
                }
            }
            if (!closed) return fail(open, "a quoted word that is never closed");
            if (i < text.size() && !is_execline_space(text[i]))
                return fail(i, "text glued to the end of a quoted word");
            words.push_back(std::move(w));
        } else {
            const std::size_t start = i;
            while (i < text.size() && !is_execline_space(text[i])) {
                if (text[i] == '"' || text[i] == '\\')
                    return fail(i, "a quote or backslash inside a bare word");
                ++i;
            }
            execline_word w{std::string(text.substr(start, i - start)), false};
            if (w.value == "{" || w.value == "}") return fail(start, "an execline block");
            words.push_back(std::move(w));
        }
    }
    return words;
}

}  // namespace detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
