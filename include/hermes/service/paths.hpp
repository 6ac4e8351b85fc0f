// SPDX-License-Identifier: MIT
// Lexical path handling and the service working-directory choice (no filesystem access).
#pragma once

#include <cstddef>      // std::size_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "detail/byte_scan.hpp"  // find_stop: check_anchor_path skips printable ASCII in blocks
#include "detail/config.hpp"     // HERMES_SERVICE_ABI_NAMESPACE
#include "detail/escape.hpp"
#include "detail/utf8.hpp"
#include "error.hpp"

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {

/// Removes repeated and trailing slashes and `.` segments; keeps `..` (it needs the filesystem).
/// "/home//alice/./.hermes/" -> "/home/alice/.hermes"; "" stays "".
[[nodiscard]] inline std::string lexically_normal(std::string_view path) {
    std::string out;
    out.reserve(path.size());
    const bool absolute = !path.empty() && path.front() == '/';
    for (std::size_t start = 0; start <= path.size();) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view segment = path.substr(start, end - start);
        if (!segment.empty() && segment != ".") {
            if (!out.empty() || absolute) out.push_back('/');
            out.append(segment);
        }
        start = end + 1;
    }
    if (out.empty() && absolute) out = "/";
    if (out.empty() && !path.empty()) out = ".";
    return out;
}

namespace detail {

/// Whether lexically_normal(path) would return `path` unchanged (then no copy is needed).
[[nodiscard]] constexpr bool is_lexically_normal(std::string_view path) noexcept {
    if (path.empty() || path == "/" || path == ".") return true;
    for (std::size_t start = path.front() == '/' ? 1 : 0; start <= path.size();) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view segment = path.substr(start, end - start);
        if (segment.empty() || segment == ".") return false;
        start = end + 1;
    }
    return true;
}

}  // namespace detail

/// Checks that `path` can anchor a service: non-empty, absolute, no `..` segment, no control
/// character, valid UTF-8. `field` names it in the error.
[[nodiscard]] inline result<void> check_anchor_path(std::string_view path, std::string_view field) {
    if (path.empty()) return make_error(errc::empty_value, std::string(field), "the path is empty");
    if (path.front() != '/')
        return make_error(errc::relative_path, std::string(field),
                          "must be an absolute path, got \"" + detail::printable(path) + "\"");
    // Printable ASCII is skipped a block at a time; every other byte is decoded as before.
    for (std::size_t pos = detail::find_stop<detail::byte_class::unquoted>(path, 0); pos < path.size();
         pos = detail::find_stop<detail::byte_class::unquoted>(path, pos)) {
        const std::size_t at = pos;
        const char32_t cp = detail::decode_utf8(path, pos);
        if (cp == detail::invalid_code_point) return detail::utf8_error(field, path, at);
        if (detail::is_control(cp))
            return detail::char_error(errc::control_character, field, path, at, cp, "");
    }
    if (path.find("..") == std::string_view::npos) return {};  // no segment can be ".."
    for (std::size_t start = 1; start <= path.size();) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (path.substr(start, end - start) == "..")
            return make_error(errc::not_normalized, std::string(field),
                              "has a '..' segment at " + detail::describe_position(path, start) +
                                  "; pass the resolved path");
        start = end + 1;
    }
    return {};
}

/// The working directory a service definition should pin, and whether it fell back.
struct working_dir_choice {
    std::string path;  ///< lexically normalised, absolute
    bool fell_back;    ///< true when HERMES_HOME was unusable and the project root was used
};

/// HERMES_HOME when usable (the host passes it only if it is an existing directory), else the
/// project root; an error only when neither is usable. Never the checkout while HERMES_HOME works.
[[nodiscard]] inline result<working_dir_choice> stable_service_working_dir(
    std::optional<std::string_view> hermes_home, std::string_view project_root) {
    std::optional<error> home_problem;
    if (hermes_home) {
        auto usable = check_anchor_path(*hermes_home, "HERMES_HOME");
        if (usable) return working_dir_choice{lexically_normal(*hermes_home), false};
        home_problem = std::move(usable.error());
    }
    if (auto usable = check_anchor_path(project_root, "project_root"); !usable)
        return make_error(usable.error().code, "WorkingDirectory",
                          "no usable working directory: " +
                              (home_problem ? "HERMES_HOME " + home_problem->message
                                            : std::string("HERMES_HOME was not given (not resolved or not an "
                                                          "existing directory)")) +
                              ", and project_root " + usable.error().message);
    return working_dir_choice{lexically_normal(project_root), true};
}

}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
