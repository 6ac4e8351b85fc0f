// SPDX-License-Identifier: MIT
// systemd-escape's unit-name escaping: escape_unit_name, escape_unit_path.
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE
#include "../detail/escape.hpp"
#include "../detail/utf8.hpp"
#include "../error.hpp"
#include "detail/syntax.hpp"  // the systemd::detail namespace sees the shared escapers

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace systemd {

/// `systemd-escape STRING`: '/' becomes '-', and every byte outside `[A-Za-z0-9:_.]` (and a
/// leading '.') becomes `\xNN`. An empty string is an error (it names no unit).
[[nodiscard]] inline result<std::string> escape_unit_name(std::string_view text) {
    if (text.empty()) return make_error(errc::empty_value, "unit name", "nothing to escape");
    std::string out;
    out.reserve(text.size());
    detail::string_sink sink{&out};
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '/') {
            out.push_back('-');
        } else if ((c == '.' && i == 0) || !(detail::is_ascii_alnum(c) || c == ':' || c == '_' || c == '.')) {
            detail::put_hex_escape(sink, static_cast<unsigned char>(c));
        } else {
            out.push_back(c);
        }
    }
    return out;
}

/// `systemd-escape -p PATH` (unit_name_path_escape): simplified, "/" becomes "-", leading and trailing
/// slashes dropped, then escape_unit_name; the root and the empty path (which systemd takes as the
/// root) are "-". Relative paths and `..` segments are errors (not reversible).
[[nodiscard]] inline result<std::string> escape_unit_path(std::string_view path) {
    if (path.empty()) return std::string("-");
    if (path.front() != '/')
        return make_error(
            errc::relative_path, "unit path",
            "\"" + detail::printable(path) + "\" is not absolute, so its escape would not be reversible");
    std::string simplified;
    for (std::size_t start = 0; start <= path.size();) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view segment = path.substr(start, end - start);
        if (segment == "..")
            return make_error(
                errc::not_normalized, "unit path",
                "\"" + detail::printable(path) + "\" has a '..' segment; pass the resolved path");
        if (!segment.empty() && segment != ".") {
            if (!simplified.empty()) simplified.push_back('/');
            simplified.append(segment);
        }
        start = end + 1;
    }
    if (simplified.empty()) return std::string("-");
    return escape_unit_name(simplified);
}

}  // namespace systemd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
