// SPDX-License-Identifier: MIT
// Reads a launcher written by cmd_script_builder back into what it was given, by cmd's and the MS C
// runtime's rules: `%%` and carets as cmd undoes them, the command line split as the CRT's argv.
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE
#include "../error.hpp"          // result, make_error
#include "cmd_script.hpp"        // cmd_script, cmd_variable

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace windows {
namespace detail {

[[nodiscard]] inline unexpected_error cmd_parse_error(std::size_t line, std::string_view what) {
    return make_error(errc::parse_error, "cmd_script",
                      "line " + std::to_string(line) + ": " + std::string(what));
}

/// cmd's first pass over a batch-file line: `%%` is `%`; any other `%` expands a variable or a
/// parameter, which has no literal value, so it is an error.
[[nodiscard]] inline result<std::string> cmd_undo_percent(std::string_view text, std::size_t line) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '%') {
            out.push_back('%');
            ++i;
            continue;
        }
        return cmd_parse_error(line, "'%' at byte " + std::to_string(i + 1) +
                                         " expands a variable or parameter, which has no literal value");
    }
    return out;
}

/// cmd's second pass: outside quotes `^x` is `x` (a final `^` would continue the line); quotes are kept.
[[nodiscard]] inline result<std::string> cmd_undo_carets(std::string_view text, std::size_t line) {
    std::string out;
    out.reserve(text.size());
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') quoted = !quoted;
        if (c == '^' && !quoted) {
            if (i + 1 == text.size()) return cmd_parse_error(line, "a final '^' continues the line");
            out.push_back(text[++i]);
            continue;
        }
        if (!quoted && (c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')'))
            return cmd_parse_error(line, "an unescaped '" + std::string(1, c) + "' at byte " +
                                             std::to_string(i + 1) + " is a cmd operator");
        out.push_back(c);
    }
    return out;
}

/// The MS C runtime's argv: argv[0] up to the next `"` when quoted, else up to a blank; then words
/// split at blanks outside quotes, 2n (2n+1) backslashes before `"` giving n (and a literal `"`).
[[nodiscard]] inline result<std::vector<std::string>> crt_split(std::string_view line_text,
                                                                std::size_t line) {
    std::vector<std::string> argv;
    std::size_t i = 0;
    std::string program;
    if (!line_text.empty() && line_text[0] == '"') {
        const std::size_t end = line_text.find('"', 1);
        if (end == std::string_view::npos)
            return cmd_parse_error(line, "the program's quote is never closed");
        program = line_text.substr(1, end - 1);
        i = end + 1;
        if (i < line_text.size() && line_text[i] != ' ' && line_text[i] != '\t')
            return cmd_parse_error(line, "text follows the program's closing quote");
    } else {
        while (i < line_text.size() && line_text[i] != ' ' && line_text[i] != '\t') ++i;
        program = line_text.substr(0, i);
    }
    if (program.empty()) return cmd_parse_error(line, "the command has no program");
    argv.push_back(std::move(program));
    for (;;) {
        while (i < line_text.size() && (line_text[i] == ' ' || line_text[i] == '\t')) ++i;
        if (i == line_text.size()) break;
        std::string arg;
        bool quoted = false;
        while (i < line_text.size()) {
            std::size_t backslashes = 0;
            while (i < line_text.size() && line_text[i] == '\\') ++backslashes, ++i;
            if (i < line_text.size() && line_text[i] == '"') {
                arg.append(backslashes / 2, '\\');
                if (backslashes % 2 == 1) {
                    arg.push_back('"');
                } else {
                    if (quoted && i + 1 < line_text.size() && line_text[i + 1] == '"')
                        return cmd_parse_error(line,
                                               "'\"\"' inside quotes is read differently by the CRT "
                                               "and CommandLineToArgvW");
                    quoted = !quoted;
                }
                ++i;
                continue;
            }
            arg.append(backslashes, '\\');
            if (i == line_text.size()) break;
            if (!quoted && (line_text[i] == ' ' || line_text[i] == '\t')) break;
            arg.push_back(line_text[i++]);
        }
        argv.push_back(std::move(arg));
    }
    return argv;
}

}  // namespace detail

/// Reads a launcher in cmd_script_builder's form (CRLF lines: `@echo off`, optional `rem`, `cd /d`,
/// `set "NAME=value"` lines, the command, `exit /b`) back into its parts; parse_error otherwise.
[[nodiscard]] inline result<cmd_script> read_cmd_script(std::string_view text) {
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = text.find("\r\n", start);
        if (end == std::string_view::npos)
            return detail::cmd_parse_error(lines.size() + 1, "the last line does not end in CRLF");
        const std::string_view l = text.substr(start, end - start);
        if (l.find_first_of("\r\n") != std::string_view::npos)
            return detail::cmd_parse_error(lines.size() + 1, "a bare CR or LF inside the line");
        lines.push_back(l);
        start = end + 2;
    }
    cmd_script out;
    std::size_t n = 0;
    const auto at_line = [&](std::string_view prefix) {
        return n < lines.size() && lines[n].substr(0, prefix.size()) == prefix;
    };
    if (!at_line("@echo off") || lines[n].size() != 9)
        return detail::cmd_parse_error(1, "expected `@echo off`");
    ++n;
    if (at_line("rem ")) {
        auto comment = detail::cmd_undo_percent(lines[n].substr(4), n + 1);
        if (!comment) return unexpected_error(std::move(comment.error()));
        out.comment = std::move(*comment);
        ++n;
    }
    if (!at_line("cd /d ")) return detail::cmd_parse_error(n + 1, "expected `cd /d <directory>`");
    {
        auto dir = detail::cmd_undo_percent(lines[n].substr(6), n + 1);
        if (!dir) return unexpected_error(std::move(dir.error()));
        std::string_view d = *dir;
        if (!d.empty() && d.front() == '"') {
            if (d.size() < 2 || d.back() != '"' ||
                d.substr(1, d.size() - 2).find('"') != std::string_view::npos)
                return detail::cmd_parse_error(n + 1, "the directory's quotes are unbalanced");
            d = d.substr(1, d.size() - 2);
        } else {
            for (const char c : d)
                if (!hermes::service::detail::is_cmd_plain(c))
                    return detail::cmd_parse_error(n + 1, "an unquoted directory with a character cmd reads");
        }
        out.working_directory = std::string(d);
        ++n;
    }
    while (at_line("set \"")) {
        auto expanded = detail::cmd_undo_percent(lines[n], n + 1);
        if (!expanded) return unexpected_error(std::move(expanded.error()));
        auto plain = detail::cmd_undo_carets(*expanded, n + 1);
        if (!plain) return unexpected_error(std::move(plain.error()));
        const std::string_view body = std::string_view(*plain).substr(5);  // after `set "`
        const std::size_t last = body.rfind('"');
        if (last == std::string_view::npos || last + 1 != body.size())
            return detail::cmd_parse_error(n + 1, "the set line does not end with its closing quote");
        const std::string_view assignment = body.substr(0, last);
        const std::size_t eq = assignment.find('=');
        if (eq == std::string_view::npos || eq == 0 || eq + 1 == assignment.size())
            return detail::cmd_parse_error(n + 1, "expected `set \"NAME=value\"` with a name and a value");
        out.environment.push_back(
            cmd_variable{std::string(assignment.substr(0, eq)), std::string(assignment.substr(eq + 1))});
        ++n;
    }
    if (n >= lines.size()) return detail::cmd_parse_error(n + 1, "expected the command");
    {
        auto expanded = detail::cmd_undo_percent(lines[n], n + 1);
        if (!expanded) return unexpected_error(std::move(expanded.error()));
        auto plain = detail::cmd_undo_carets(*expanded, n + 1);
        if (!plain) return unexpected_error(std::move(plain.error()));
        auto argv = detail::crt_split(*plain, n + 1);
        if (!argv) return unexpected_error(std::move(argv.error()));
        out.command = std::move(*argv);
        ++n;
    }
    if (at_line("exit /b %ERRORLEVEL%") && lines[n].size() == 20) {
        out.exit_with_command_status = true;
    } else if (at_line("exit /b 0") && lines[n].size() == 9) {
        out.exit_with_command_status = false;
    } else {
        return detail::cmd_parse_error(n + 1, "expected `exit /b %ERRORLEVEL%` or `exit /b 0`");
    }
    ++n;
    if (n != lines.size()) return detail::cmd_parse_error(n + 1, "unexpected text after `exit /b`");
    return out;
}

}  // namespace windows
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
