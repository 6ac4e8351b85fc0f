// SPDX-License-Identifier: MIT
// The escaping rules: one function per value grammar, which validates and writes in one place.
// Internal: not part of the API. Rules as observed on systemd 252 and XML 1.0 (see docs/escaping.md).
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "../error.hpp"
#include "byte_scan.hpp"  // find_stop: the bytes a grammar must look at, a word at a time
#include "config.hpp"     // HERMES_SERVICE_ABI_NAMESPACE
#include "utf8.hpp"

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

/// Appends to a string: what every writer writes through.
struct string_sink {
    std::string* out;
    void put(char c) { out->push_back(c); }
    void put(std::string_view s) { out->append(s); }
};

/// Success of a validating writer, or the first error it met.
using status = result<void>;

/// The name of the input an error is about ("WorkingDirectory", "ExecStart[3]", "Environment[HOME]"),
/// kept as views and spelled out (converted to std::string) only when an error is created.
struct field_ref {
    std::string_view key;
    std::string_view name{};  ///< the `[name]` part when `form == named`
    std::size_t index = 0;    ///< the `[index]` part when `form == numbered`
    enum class form : unsigned char { plain, named, numbered } how = form::plain;

    field_ref(std::string_view k) noexcept : key(k) {}    // NOLINT(google-explicit-constructor)
    field_ref(const char* k) noexcept : key(k) {}         // NOLINT(google-explicit-constructor)
    field_ref(const std::string& k) noexcept : key(k) {}  // NOLINT(google-explicit-constructor)
    field_ref(std::string_view k, std::string_view n) noexcept : key(k), name(n), how(form::named) {}
    field_ref(std::string_view k, std::size_t i) noexcept : key(k), index(i), how(form::numbered) {}

    [[nodiscard]] std::string str() const {
        std::string f(key);
        if (how == form::named) f.append("[").append(name).append("]");
        if (how == form::numbered) f.append("[").append(std::to_string(index)).append("]");
        return f;
    }
    operator std::string() const { return str(); }  // NOLINT(google-explicit-constructor)
};

[[nodiscard]] inline std::string character_name(char32_t cp) {
    switch (cp) {
        case 0: return "a NUL character (U+0000)";
        case '\n': return "a newline (U+000A)";
        case '\r': return "a carriage return (U+000D)";
        case '\t': return "a tab (U+0009)";
        default: return "the control character " + describe_code_point(cp);
    }
}

/// "contains a newline (U+000A) at character 5 (byte 5); <why>"
[[nodiscard]] inline unexpected_error char_error(errc code, const field_ref& field, std::string_view value,
                                                 std::size_t offset, char32_t cp, std::string_view why) {
    std::string message = "contains " + character_name(cp) + " at " + describe_position(value, offset);
    if (!why.empty()) message.append("; ").append(why);
    return make_error(code, std::string(field), std::move(message));
}

[[nodiscard]] inline unexpected_error utf8_error(const field_ref& field, std::string_view value,
                                                 std::size_t offset) {
    return make_error(errc::invalid_utf8, std::string(field),
                      "is not valid UTF-8: byte " + describe_byte(static_cast<unsigned char>(value[offset])) +
                          " at " + describe_position(value, offset) + " does not start a valid sequence");
}

/// "is not UTF-8 to systemd: the non-character U+FFFE at ...": systemd's utf8_is_valid refuses the line.
[[nodiscard]] inline unexpected_error noncharacter_error(const field_ref& field, std::string_view value,
                                                         std::size_t offset, char32_t cp) {
    return make_error(errc::invalid_utf8, std::string(field),
                      "is not UTF-8 to systemd: the non-character " + describe_code_point(cp) + " at " +
                          describe_position(value, offset) + "; systemd refuses to load a unit holding one");
}

[[nodiscard]] constexpr bool is_control(char32_t cp) noexcept { return cp < 0x20 || cp == 0x7F; }

[[nodiscard]] constexpr bool is_ascii_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
[[nodiscard]] constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
[[nodiscard]] constexpr bool is_ascii_alnum(char c) noexcept {
    return is_ascii_alpha(c) || is_ascii_digit(c);
}

template <class Sink>
void put_hex_escape(Sink& sink, unsigned char b) {
    constexpr std::string_view digits = "0123456789abcdef";
    sink.put('\\');
    sink.put('x');
    sink.put(digits[b >> 4]);
    sink.put(digits[b & 0xF]);
}

/// The inside of a double-quoted systemd word and its closing quote: C escapes for `\ "` and
/// controls, `%%`, and `$$` when `double_dollar`. Any UTF-8 text but NUL can be carried. (Bytes that
/// are not UTF-8 would reach the process, but systemd then cannot report the unit over D-Bus:
/// `systemctl show` fails with "Invalid argument", so they are refused.)
template <class Sink>
status put_quoted_body(Sink& sink, std::string_view value, const field_ref& field, bool double_dollar,
                       std::string_view what) {
    // Bytes that need no escaping are written in runs, found a word at a time; UTF-8 is decoded only
    // at bytes >= 0x80 (a valid non-ASCII character is never a control character, so it joins the run).
    std::size_t run = 0;
    for (std::size_t pos = 0; pos < value.size();) {
        pos = double_dollar ? find_stop<byte_class::quoted_dollar>(value, pos)
                            : find_stop<byte_class::quoted>(value, pos);
        if (pos == value.size()) break;
        const auto b = static_cast<unsigned char>(value[pos]);
        if (b >= 0x80) {
            const std::size_t at = pos;
            const char32_t cp = decode_utf8(value, pos);
            if (cp == invalid_code_point) return utf8_error(field, value, at);
            if (!is_valid_unichar(cp)) return noncharacter_error(field, value, at, cp);
            continue;
        }
        if (b == 0)
            return char_error(errc::control_character, field, value, pos, 0,
                              std::string(what) + " cannot carry a NUL byte");
        if (pos > run) sink.put(value.substr(run, pos - run));
        switch (b) {
            case '\\': sink.put("\\\\"); break;
            case '"': sink.put("\\\""); break;
            case '%': sink.put("%%"); break;
            case '$': sink.put("$$"); break;
            case '\n': sink.put("\\n"); break;
            case '\t': sink.put("\\t"); break;
            case '\r': sink.put("\\r"); break;
            default: put_hex_escape(sink, b);
        }
        run = ++pos;
    }
    if (value.size() > run) sink.put(value.substr(run));
    sink.put('"');
    return {};
}

/// A whole double-quoted word: the opening quote, then put_quoted_body.
template <class Sink>
status put_quoted_word(Sink& sink, std::string_view value, const field_ref& field, bool double_dollar,
                       std::string_view what) {
    sink.put('"');
    return put_quoted_body(sink, value, field, double_dollar, what);
}

/// Exec* executable (first word): absolute, and free of what systemd refuses or cannot unescape there.
template <class Sink>
status put_exec_executable(Sink& sink, std::string_view value, const field_ref& field) {
    if (value.empty())
        return make_error(errc::empty_value, std::string(field), "the executable path is empty");
    if (value.front() != '/')
        return make_error(errc::relative_path, std::string(field),
                          "the executable must be an absolute path, got \"" + printable(value) + "\"");
    if (value.back() == '/')
        return make_error(errc::invalid_value, std::string(field),
                          "the executable path ends in '/', which names a directory");
    if (value.size() >= 4096)
        return make_error(errc::out_of_range, std::string(field),
                          "is " + std::to_string(value.size()) + " bytes; systemd limits paths to 4095");
    // A segment starts after the leading '/', so none can exceed 255 bytes in a value of at most 256.
    for (std::size_t start = 1, end = 0; value.size() > 256 && start < value.size(); start = end + 1) {
        end = value.find('/', start);
        if (end == std::string_view::npos) end = value.size();
        if (end - start > 255)
            return make_error(errc::out_of_range, std::string(field),
                              "has a path segment of " + std::to_string(end - start) +
                                  " bytes; systemd limits segments to 255");
    }
    for (std::size_t pos = find_stop<byte_class::executable>(value, 0); pos < value.size();
         pos = find_stop<byte_class::executable>(value, pos)) {
        const std::size_t at = pos;
        const char32_t cp = decode_utf8(value, pos);
        if (cp == invalid_code_point) return utf8_error(field, value, at);
        if (!is_valid_unichar(cp)) return noncharacter_error(field, value, at, cp);
        if (is_control(cp))
            return char_error(errc::control_character, field, value, at, cp,
                              "systemd refuses control characters in the executable path");
        if (cp == '"' || cp == '\'' || cp == '\\')
            return make_error(errc::unrepresentable, std::string(field),
                              "contains '" + printable(value.substr(at, 1)) + "' at " +
                                  describe_position(value, at) +
                                  "; systemd refuses quotes and backslashes in the executable path "
                                  "(run it through /usr/bin/env or a symlink)");
        if (cp == '$')
            return make_error(errc::unrepresentable, std::string(field),
                              "contains '$' at " + describe_position(value, at) +
                                  "; systemd expands '$' in argv[0] but not in the executable path, so "
                                  "no spelling gives both back exactly");
    }
    return put_quoted_word(sink, value, field, /*double_dollar=*/false, "the executable path");
}

/// `[A-Za-z_][A-Za-z0-9_]*`, the environment-variable names systemd accepts.
[[nodiscard]] inline status check_environment_name(std::string_view name, const field_ref& field) {
    if (name.empty()) return make_error(errc::empty_value, std::string(field), "the variable name is empty");
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (c == '_' || is_ascii_alpha(c) || (i > 0 && is_ascii_digit(c))) continue;
        return make_error(errc::invalid_name, std::string(field),
                          "variable name \"" + printable(name) + "\" has '" + printable(name.substr(i, 1)) +
                              "' at byte " + std::to_string(i + 1) +
                              "; names are ASCII letters, digits and '_', not starting with a digit");
    }
    return {};
}

/// Marks an Exec* argument made by systemd::variable(): NUL cannot occur in a real argument.
inline constexpr char variable_marker = '\0';

/// Exec* argument after the first: double-quoted, C escapes, `%%`, `$$`; UTF-8 without NUL.
/// A systemd::variable() token is written as `"${NAME}"` for systemd to expand at exec time.
template <class Sink>
status put_exec_argument(Sink& sink, std::string_view value, const field_ref& field) {
    if (!value.empty() && value.front() == variable_marker) {
        const std::string_view name = value.substr(1);
        if (auto ok = check_environment_name(name, field); !ok) return ok;
        sink.put("\"${");
        sink.put(name);
        sink.put("}\"");
        return {};
    }
    return put_quoted_word(sink, value, field, /*double_dollar=*/true, "a command-line argument");
}

/// Environment= item `"NAME=value"`: C escapes and `%%`; `$` is literal there; value must be UTF-8.
template <class Sink>
status put_environment_assignment(Sink& sink, std::string_view name, std::string_view value,
                                  const field_ref& field) {
    if (auto ok = check_environment_name(name, field); !ok) return ok;
    sink.put('"');
    sink.put(name);
    sink.put('=');
    return put_quoted_body(sink, value, field, /*double_dollar=*/false, "an environment value");
}

/// Checks shared by unquoted values: UTF-8, no control characters, nothing systemd would trim
/// or read as a line continuation.
[[nodiscard]] inline status check_unquoted(std::string_view value, const field_ref& field,
                                           std::string_view what) {
    for (std::size_t pos = find_stop<byte_class::unquoted>(value, 0); pos < value.size();
         pos = find_stop<byte_class::unquoted>(value, pos)) {
        const std::size_t at = pos;
        const char32_t cp = decode_utf8(value, pos);
        if (cp == invalid_code_point) return utf8_error(field, value, at);
        if (!is_valid_unichar(cp)) return noncharacter_error(field, value, at, cp);
        if (is_control(cp))
            return char_error(errc::control_character, field, value, at, cp,
                              std::string(what) + " is written unquoted and cannot carry control characters");
    }
    if (value.front() == ' ' || value.back() == ' ')
        return make_error(errc::unrepresentable, std::string(field),
                          "starts or ends with a space, which systemd strips from " + std::string(what));
    if (value.back() == '\\')
        return make_error(errc::unrepresentable, std::string(field),
                          "ends with a backslash, which systemd reads as a line continuation");
    return {};
}

/// Writes `value` with every `%` doubled (specifier escaping for unquoted values).
template <class Sink>
void put_percent_doubled(Sink& sink, std::string_view value) {
    for (std::size_t start = 0;;) {
        const std::size_t pct = value.find('%', start);
        sink.put(value.substr(start, pct - start));
        if (pct == std::string_view::npos) return;
        sink.put("%%");
        start = pct + 1;
    }
}

/// Absolute path written unquoted (WorkingDirectory=, StandardOutput=file:...): `%%`, no `..`.
template <class Sink>
status put_path(Sink& sink, std::string_view value, const field_ref& field) {
    if (value.empty()) return make_error(errc::empty_value, std::string(field), "the path is empty");
    if (value.front() != '/')
        return make_error(errc::relative_path, std::string(field),
                          "must be an absolute path, got \"" + printable(value) + "\"");
    if (auto ok = check_unquoted(value, field, "a path"); !ok) return ok;
    if (value.size() >= 4096)
        return make_error(errc::out_of_range, std::string(field),
                          "is " + std::to_string(value.size()) + " bytes; paths are limited to 4095");
    // The segment walk only finds something in a value with a ".." or one over 256 bytes.
    const bool may_fail = value.size() > 256 || value.find("..") != std::string_view::npos;
    for (std::size_t start = 1; may_fail && start <= value.size();) {
        std::size_t end = value.find('/', start);
        if (end == std::string_view::npos) end = value.size();
        const std::string_view segment = value.substr(start, end - start);
        if (segment == "..")
            return make_error(errc::not_normalized, std::string(field),
                              "has a '..' segment at " + describe_position(value, start) +
                                  "; systemd refuses it, pass the resolved path");
        if (segment.size() > 255)
            return make_error(errc::out_of_range, std::string(field),
                              "has a path segment of " + std::to_string(segment.size()) +
                                  " bytes; segments are limited to 255");
        start = end + 1;
    }
    put_percent_doubled(sink, value);
    return {};
}

/// Literal text (Description=, set()): unquoted, no C escapes, `%%`; one line, untrimmed.
template <class Sink>
status put_literal(Sink& sink, std::string_view value, const field_ref& field) {
    if (value.empty()) return make_error(errc::empty_value, std::string(field), "the value is empty");
    if (auto ok = check_unquoted(value, field, "this setting"); !ok) return ok;
    put_percent_doubled(sink, value);
    return {};
}

/// The next byte at or after `pos` the XML escapers must decide about (byte_class::xml_markup), or
/// value.size(); `Bytewise` is the byte-at-a-time reference.
template <bool Bytewise>
[[nodiscard]] inline std::size_t xml_scan(std::string_view value, std::size_t pos) noexcept {
    if constexpr (Bytewise)
        return find_stop_bytewise<byte_class::xml_markup>(value, pos);
    else
        return find_stop<byte_class::xml_markup>(value, pos);
}

/// XML 1.0 character data: `& < > " '` as references (`" '` kept as they are when `!escape_quotes`,
/// for element content only), CR as `&#13;`; characters XML cannot carry refused.
/// Runs of plain bytes are skipped with find_stop (`Bytewise` takes them a byte at a time: the
/// reference the fast path is tested against); every byte that stops the scan gets the rule below.
template <bool Bytewise = false, class Sink>
status put_xml_text(Sink& sink, std::string_view value, const field_ref& field, bool escape_quotes = true) {
    std::size_t run = 0;  // start of the bytes not yet written (they need no escaping)
    for (std::size_t pos = xml_scan<Bytewise>(value, 0); pos < value.size();
         pos = xml_scan<Bytewise>(value, pos)) {
        const auto b = static_cast<unsigned char>(value[pos]);
        const std::size_t at = pos;
        if (b >= 0x80) {
            const char32_t cp = decode_utf8(value, pos);
            if (cp == invalid_code_point) return utf8_error(field, value, at);
            if (cp == 0xFFFE || cp == 0xFFFF)
                return make_error(errc::unrepresentable, std::string(field),
                                  "contains the non-character " + describe_code_point(cp) + " at " +
                                      describe_position(value, at) + ", which XML 1.0 cannot carry");
            continue;
        }
        std::string_view reference;
        switch (b) {
            case '&': reference = "&amp;"; break;
            case '<': reference = "&lt;"; break;
            case '>': reference = "&gt;"; break;
            case '"':
            case '\'':
                if (!escape_quotes) {
                    ++pos;
                    continue;
                }
                reference = b == '"' ? "&quot;" : "&#x27;";
                break;
            case '\r': reference = "&#13;"; break;
            case '\n':
            case '\t': ++pos; continue;
            default:
                if (b < 0x20)
                    return char_error(errc::control_character, field, value, at, b,
                                      "XML 1.0 cannot carry it, not even as a character reference");
                ++pos;
                continue;
        }
        if (at > run) sink.put(value.substr(run, at - run));
        sink.put(reference);
        run = ++pos;
    }
    if (value.size() > run) sink.put(value.substr(run));
    return {};
}

/// XML 1.0 character data with only the references well-formedness needs: `&` and `<`, `>` after
/// `]]`, CR as `&#13;` (quotes stay as they are, as a template that writes the text raw has them);
/// characters XML cannot carry refused.
/// Plain runs skipped as put_xml_text does (`Bytewise` as there).
template <bool Bytewise = false, class Sink>
status put_xml_chardata(Sink& sink, std::string_view value, const field_ref& field) {
    std::size_t run = 0;  // start of the bytes not yet written (they need no escaping)
    for (std::size_t pos = xml_scan<Bytewise>(value, 0); pos < value.size();
         pos = xml_scan<Bytewise>(value, pos)) {
        const auto b = static_cast<unsigned char>(value[pos]);
        const std::size_t at = pos;
        if (b >= 0x80) {
            const char32_t cp = decode_utf8(value, pos);
            if (cp == invalid_code_point) return utf8_error(field, value, at);
            if (cp == 0xFFFE || cp == 0xFFFF)
                return make_error(errc::unrepresentable, std::string(field),
                                  "contains the non-character " + describe_code_point(cp) + " at " +
                                      describe_position(value, at) + ", which XML 1.0 cannot carry");
            continue;
        }
        std::string_view reference;
        if (b == '&') {
            reference = "&amp;";
        } else if (b == '<') {
            reference = "&lt;";
        } else if (b == '>' && at >= 2 && value.compare(at - 2, 2, "]]") == 0) {
            reference = "&gt;";
        } else if (b == '\r') {
            reference = "&#13;";
        } else if (b < 0x20 && b != '\n' && b != '\t') {
            return char_error(errc::control_character, field, value, at, b,
                              "XML 1.0 cannot carry it, not even as a character reference");
        } else {
            ++pos;
            continue;
        }
        if (at > run) sink.put(value.substr(run, at - run));
        sink.put(reference);
        run = ++pos;
    }
    if (value.size() > run) sink.put(value.substr(run));
    return {};
}

// ---- names -------------------------------------------------------------------------------

[[nodiscard]] inline unexpected_error name_error(const field_ref& field, std::string_view name,
                                                 std::size_t at, std::string_view rule) {
    return make_error(errc::invalid_name, std::string(field),
                      "\"" + printable(name) + "\" has '" + printable(name.substr(at, 1)) + "' at " +
                          describe_position(name, at) + "; " + std::string(rule));
}

/// The bytes of a unit name's prefix and instance besides '@': `[A-Za-z0-9:_.\\-]`, as a table.
inline constexpr struct unit_name_char_table {
    bool ok[256] = {};
    constexpr unit_name_char_table() {
        for (int b = 0; b < 256; ++b) {
            const char c = static_cast<char>(b);
            ok[b] = is_ascii_alnum(c) || c == ':' || c == '-' || c == '_' || c == '.' || c == '\\';
        }
    }
    constexpr bool operator[](unsigned char b) const noexcept { return ok[b]; }
} unit_name_chars{};

/// A unit name: `prefix[@instance].suffix`, prefix characters `[A-Za-z0-9:_.\-]`, at most 255 bytes.
[[nodiscard]] inline status check_unit_name(std::string_view name, const field_ref& field) {
    constexpr std::string_view rule =
        "unit names use ASCII letters, digits, ':', '-', '_', '.', '\\' and one '@' (escape other "
        "text with escape_unit_name)";
    if (name.empty()) return make_error(errc::empty_value, std::string(field), "the unit name is empty");
    if (name.size() > 255)
        return make_error(errc::out_of_range, std::string(field),
                          "unit name is " + std::to_string(name.size()) + " bytes; the limit is 255");
    const std::size_t dot = name.rfind('.');
    constexpr std::string_view suffixes[] = {"service", "socket", "device", "mount", "automount", "swap",
                                             "target",  "path",   "timer",  "slice", "scope"};
    bool known_suffix = false;
    if (dot != std::string_view::npos) {
        const std::string_view suffix = name.substr(dot + 1);
        for (const std::string_view s : suffixes)
            if (suffix == s) {
                known_suffix = true;
                break;
            }
    }
    if (!known_suffix || dot == 0)
        return make_error(
            errc::invalid_name, std::string(field),
            "\"" + printable(name) + "\" does not end in a unit type such as .service or .target");
    std::size_t ats = 0;
    for (std::size_t i = 0; i < dot; ++i) {
        const char c = name[i];
        if (unit_name_chars[static_cast<unsigned char>(c)]) continue;  // the common case, one load
        if (c == '@') {
            if (++ats > 1 || i == 0) return name_error(field, name, i, rule);
            continue;
        }
        return name_error(field, name, i, rule);
    }
    return {};
}

/// A user or group: a numeric id, or `[A-Za-z_][A-Za-z0-9_.-]*` up to 256 bytes.
[[nodiscard]] inline status check_user_name(std::string_view name, const field_ref& field) {
    constexpr std::string_view rule =
        "user and group names are ASCII letters, digits, '_', '.' and '-', not starting with a digit "
        "or '-' (or a numeric id)";
    if (name.empty()) return make_error(errc::empty_value, std::string(field), "the name is empty");
    if (name.size() > 256)
        return make_error(errc::out_of_range, std::string(field),
                          "name is " + std::to_string(name.size()) + " bytes; the limit is 256");
    bool all_digits = true;
    for (const char c : name) all_digits = all_digits && is_ascii_digit(c);
    if (all_digits) {
        if (name.size() > 10 || std::stoull(std::string(name)) >= 4294967295ULL)
            return make_error(errc::out_of_range, std::string(field),
                              "numeric id " + std::string(name) + " is above 4294967294");
        return {};
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (c == '_' || is_ascii_alpha(c)) continue;
        if (i > 0 && (is_ascii_digit(c) || c == '.' || c == '-')) continue;
        return name_error(field, name, i, rule);
    }
    return {};
}

/// A section or key name: `[A-Za-z][A-Za-z0-9_-]*` (covers systemd's keys and X- extensions).
[[nodiscard]] inline status check_directive_name(std::string_view name, const field_ref& field) {
    if (name.empty()) return make_error(errc::empty_value, std::string(field), "the name is empty");
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (is_ascii_alpha(c) || (i > 0 && (is_ascii_digit(c) || c == '-' || c == '_'))) continue;
        return name_error(field, name, i,
                          "section and directive names are ASCII letters, digits, '-' and '_', "
                          "starting with a letter");
    }
    return {};
}

}  // namespace detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
