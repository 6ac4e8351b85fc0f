// SPDX-License-Identifier: MIT
// The cmd.exe batch-file grammars: one function per grammar, each validating and writing in one place.
// Internal: not part of the API. Rules as observed under Wine 8.0's cmd.exe with a mingw-built probe
// (tests/wine); see docs/windows.md and docs/escaping.md.
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "../error.hpp"     // errc, make_error
#include "byte_scan.hpp"    // find_stop
#include "config.hpp"       // HERMES_SERVICE_ABI_NAMESPACE
#include "escape.hpp"       // status, field_ref, char_error, utf8_error, check_environment_name
#include "text_buffer.hpp"  // byte_set, find_bytes
#include "utf8.hpp"         // decode_utf8, describe_position, describe_code_point, printable

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

/// cmd's quote state along one line: a `"` toggles it; `^` escapes and `& | < > ( ) !` act only outside.
struct cmd_line_state {
    bool quoted = false;
};

/// What a value may hold in a batch file: ASCII; control characters only where `controls_ok`, and never
/// NUL, CR, LF or Ctrl-Z. A line break ends the command (the rest runs as a new one), real cmd.exe reads
/// Ctrl-Z (U+001A) in a batch file as a line feed, and cmd reads the file in the OEM code page, so
/// non-ASCII text does not arrive as the UTF-8 it was.
[[nodiscard]] inline status check_cmd_text(std::string_view value, const field_ref& field, bool controls_ok) {
    // Printable ASCII passes every rule below: start at the first byte that is not (find_stop's
    // `unquoted` class: controls, DEL, >= 0x80), usually the end.
    for (std::size_t pos = find_stop<byte_class::unquoted>(value, 0); pos < value.size(); ++pos) {
        const auto b = static_cast<unsigned char>(value[pos]);
        if (b >= 0x80) {
            std::size_t next = pos;
            const char32_t cp = decode_utf8(value, next);
            if (cp == invalid_code_point) return utf8_error(field, value, pos);
            return make_error(errc::unrepresentable, std::string(field),
                              "contains the non-ASCII character " + describe_code_point(cp) + " at " +
                                  describe_position(value, pos) +
                                  "; cmd reads a batch file in the OEM code page, so only ASCII arrives "
                                  "exactly (pass an ASCII spelling, e.g. the 8.3 short path)");
        }
        if (b == '\n' || b == '\r')
            return char_error(errc::control_character, field, value, pos, b,
                              "a line break ends the batch-file line and the rest would run as a command");
        if (b == 0)
            return char_error(errc::control_character, field, value, pos, b,
                              "a Windows command line and environment cannot carry a NUL");
        if (b == 0x1A)
            return char_error(errc::control_character, field, value, pos, b,
                              "cmd.exe reads Ctrl-Z in a batch file as a line feed");
        if ((b < 0x20 || b == 0x7F) && !controls_ok)
            return char_error(errc::control_character, field, value, pos, b,
                              "Windows paths and rem comments cannot hold control characters");
    }
    return {};
}

/// Writes `text` on a cmd line from `state`: `%` doubled; outside quotes `^` before `^ & | < > ( ) !`;
/// each `"` written as is and toggling the state (cmd's own rule, whatever the backslashes before it).
template <class Sink>
void put_cmd_line_text(Sink& sink, std::string_view text, cmd_line_state& state) {
    // The bytes between those the rule acts on are copied in runs.
    static constexpr byte_set special("%\"^&|<>()!");
    std::size_t run = 0;
    for (std::size_t i = special.find(text, 0); i < text.size(); i = special.find(text, i + 1)) {
        if (i > run) sink.put(text.substr(run, i - run));
        run = i + 1;
        const char c = text[i];
        switch (c) {
            case '%': sink.put("%%"); continue;
            case '"':
                state.quoted = !state.quoted;
                sink.put('"');
                continue;
            default:  // ^ & | < > ( ) !
                if (!state.quoted) sink.put('^');
                sink.put(c);
                continue;
        }
    }
    if (text.size() > run) sink.put(text.substr(run));
}

/// Characters a Windows path written unquoted needs nothing for: letters, digits, `\ : . _ -`.
[[nodiscard]] constexpr bool is_cmd_plain(char c) noexcept {
    return is_ascii_alnum(c) || c == '\\' || c == ':' || c == '.' || c == '_' || c == '-';
}

/// An absolute Windows path (`X:\...` or `\\server\share\...`) for `cd /d` or as the program: ASCII,
/// no `" * ? < > | /`, no `.`/`..` component, no component ending in a space or dot (Win32 strips
/// them). Written unquoted when every character is plain, else in `"..."` with `%` doubled.
/// `program`: a file, so not ending in `\`.
template <class Sink>
status put_cmd_path(Sink& sink, std::string_view value, const field_ref& field, bool program) {
    if (value.empty()) return make_error(errc::empty_value, std::string(field), "the path is empty");
    if (auto ok = check_cmd_text(value, field, /*controls_ok=*/false); !ok) return ok;
    const bool drive = value.size() >= 3 && is_ascii_alpha(value[0]) && value[1] == ':' && value[2] == '\\';
    const bool unc = value.size() >= 3 && value[0] == '\\' && value[1] == '\\' && value[2] != '\\';
    if (!drive && !unc)
        return make_error(errc::relative_path, std::string(field),
                          R"(must be an absolute Windows path (X:\... or \\server\share\...), got ")" +
                              printable(value) + "\"");
    static constexpr byte_set refused("\"*?<>|/:");  // ':' only past the drive
    for (std::size_t i = refused.find(value, 0); i < value.size(); i = refused.find(value, i + 1)) {
        const char c = value[i];
        if (c != ':' || i != 1)
            return make_error(errc::unrepresentable, std::string(field),
                              "contains '" + std::string(1, c) + "' at " + describe_position(value, i) +
                                  "; Windows paths cannot hold \" * ? < > | or ':' past the drive, and "
                                  "'/' must be written '\\'");
    }
    for (std::size_t start = drive ? 3 : 2; start < value.size();) {
        std::size_t end = value.find('\\', start);
        if (end == std::string_view::npos) end = value.size();
        const std::string_view part = value.substr(start, end - start);
        if (part == "." || part == "..")
            return make_error(errc::not_normalized, std::string(field),
                              "has a '" + std::string(part) + "' component at " +
                                  describe_position(value, start) + "; pass the resolved path");
        if (part.empty() && end != value.size())
            return make_error(errc::not_normalized, std::string(field),
                              R"(has an empty component ("\\") at )" + describe_position(value, start));
        if (!part.empty() && (part.back() == ' ' || part.back() == '.'))
            return make_error(errc::unrepresentable, std::string(field),
                              "has a component ending in '" + std::string(1, part.back()) + "' at " +
                                  describe_position(value, end - 1) +
                                  "; Windows strips trailing spaces and dots from path components");
        start = end + 1;
    }
    if (program && value.back() == '\\')
        return make_error(errc::invalid_value, std::string(field),
                          "the program path ends in '\\', which names a directory");
    bool plain = true;
    for (const char c : value) plain = plain && is_cmd_plain(c);
    if (plain) {
        sink.put(value);
        return {};
    }
    cmd_line_state state;
    sink.put('"');
    state.quoted = true;
    put_cmd_line_text(sink, value, state);
    sink.put('"');
    return {};
}

/// One program argument after the first: quoted by the MS C runtime's rules (as CommandLineToArgvW and
/// the CRT's argv read it back) and then escaped for cmd from `state` (put_cmd_line_text).
/// ASCII (control characters but NUL, CR, LF and Ctrl-Z included).
template <class Sink>
status put_cmd_argument(Sink& sink, std::string_view value, const field_ref& field, cmd_line_state& state) {
    if (auto ok = check_cmd_text(value, field, /*controls_ok=*/true); !ok) return ok;
    if (!value.empty() && find_bytes<' ', '\t', '"'>(value, 0) == value.size()) {
        put_cmd_line_text(sink, value, state);  // no quote: the CRT takes backslashes literally
        return {};
    }
    // CRT quoting: 2n+1 backslashes before a literal `"`, 2n before the closing quote, n elsewhere;
    // each piece goes through put_cmd_line_text in order (backslashes are plain there).
    put_cmd_line_text(sink, "\"", state);
    std::size_t run = 0;
    for (std::size_t i = find_bytes<'\\', '"'>(value, 0); i < value.size();
         i = find_bytes<'\\', '"'>(value, i)) {
        put_cmd_line_text(sink, value.substr(run, i - run), state);
        std::size_t backslashes = 0;
        for (; i < value.size() && value[i] == '\\'; ++i) ++backslashes;
        std::size_t n = backslashes;  // before an ordinary character
        if (i == value.size())
            n = 2 * backslashes;  // before the closing quote
        else if (value[i] == '"')
            n = 2 * backslashes + 1;  // before a literal quote
        for (std::size_t k = 0; k < n; ++k) sink.put('\\');
        run = i;
        if (i < value.size() && value[i] == '"') {
            put_cmd_line_text(sink, "\"", state);
            run = ++i;
        }
    }
    put_cmd_line_text(sink, value.substr(run), state);
    put_cmd_line_text(sink, "\"", state);
    return {};
}

/// `set "NAME=value"`: NAME as in check_environment_name; the value non-empty (cmd's `set NAME=` deletes
/// the variable), ASCII as for arguments, escaped by put_cmd_line_text from inside the quotes. cmd's
/// set drops the last `"` on the line and what follows it, so the value's own quotes are kept.
template <class Sink>
status put_cmd_set(Sink& sink, std::string_view name, std::string_view value, const field_ref& field) {
    if (auto ok = check_environment_name(name, field); !ok) return ok;
    if (value.empty())
        return make_error(errc::empty_value, std::string(field),
                          "the value is empty; cmd's `set NAME=` deletes the variable instead of setting "
                          "it to \"\"");
    if (auto ok = check_cmd_text(value, field, /*controls_ok=*/true); !ok) return ok;
    cmd_line_state state;
    sink.put("set \"");
    state.quoted = true;
    sink.put(name);
    sink.put('=');
    put_cmd_line_text(sink, value, state);
    sink.put('"');
    return {};
}

/// A `rem` comment: printable ASCII, `%` doubled, not empty, not ending in `^` (a line continuation),
/// not holding `/?` (rem would print its help).
template <class Sink>
status put_cmd_comment(Sink& sink, std::string_view value, const field_ref& field) {
    if (value.empty()) return make_error(errc::empty_value, std::string(field), "the comment is empty");
    if (auto ok = check_cmd_text(value, field, /*controls_ok=*/false); !ok) return ok;
    if (value.back() == '^')
        return make_error(errc::unrepresentable, std::string(field),
                          "ends with '^', which continues the line in cmd");
    if (value.find("/?") != std::string_view::npos)
        return make_error(errc::unrepresentable, std::string(field),
                          "contains \"/?\", which makes rem print its help");
    sink.put("rem ");
    std::size_t run = 0;
    for (std::size_t i = find_bytes<'%'>(value, 0); i < value.size(); i = find_bytes<'%'>(value, i + 1)) {
        sink.put(value.substr(run, i + 1 - run));  // the `%` itself, then once more below
        sink.put('%');
        run = i + 1;
    }
    sink.put(value.substr(run));
    return {};
}

}  // namespace detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
