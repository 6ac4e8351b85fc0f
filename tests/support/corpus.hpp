// SPDX-License-Identifier: MIT
// Test-only: hostile values every writer must carry byte-exact (or refuse with a typed error).
#pragma once

#include <string>
#include <vector>

namespace hermes_test {

/// Command-line arguments: every one of these reaches the process unchanged.
inline std::vector<std::string> hostile_arguments() {
    return {"with space",
            "double\"quote",
            "single'quote",
            "back\\slash",
            "trailing\\",
            "percent%h",
            "%%",
            "100%",
            "%n",
            "dollar$HOME",
            "${HOME}",
            "$$",
            "$",
            "tab\there",
            "new\nline",
            "cr\rx",
            "crlf\r\n",
            ";",
            "\\;",
            "-dash",
            "@at",
            ":colon",
            "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
            "",
            "a=b",
            "#hash",
            " leading and trailing ",
            "\\x41",
            "\\n",
            "bell\x07",
            "esc\x1b[0m",
            "del\x7f",
            "nbsp\xc2\xa0",
            "\"\"",
            "''",
            "a\"b'c\\d$e%f",
            "!bang",
            "+plus",
            "{brace}",
            "x\\\\y",
            "<>|&*?[]~"};
}

/// The hostile arguments XML 1.0 can carry (no C0 controls but tab, newline and CR).
inline std::vector<std::string> xml_carryable_arguments() {
    std::vector<std::string> out;
    for (const auto& a : hostile_arguments()) {
        bool ok = true;
        for (const char c : a)
            ok = ok && !(static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r');
        if (ok) out.push_back(a);
    }
    return out;
}

/// Environment values (must be UTF-8; '$' is literal there).
inline std::vector<std::string> hostile_environment_values() {
    std::vector<std::string> v = hostile_arguments();
    v.emplace_back("PATH=/usr/bin:/bin");
    v.emplace_back("==");
    return v;
}

/// Working directories that systemd can carry (absolute, normalised, no control characters).
inline std::vector<std::string> hostile_paths() {
    return {"/srv/dir with space", "/srv/pct%dir",     "/srv/100%%", "/srv/\"quoted\"",
            "/srv/it's",           "/srv/caf\xc3\xa9", "/srv/a\\b",  "/srv/$HOME",
            "/srv/#hash",          "/srv/;semi",       "/"};
}

}  // namespace hermes_test
