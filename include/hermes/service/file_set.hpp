// SPDX-License-Identifier: MIT
// A service definition that is several files (an s6 or runit service directory).
#pragma once

#include <string>  // std::string
#include <vector>  // std::vector

#include "detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {

/// One file of a service directory: its path relative to that directory, its text and its mode.
struct generated_file {
    std::string path;     ///< relative to the service directory, e.g. `run`, `log/run`
    std::string content;  ///< the whole file
    unsigned mode = 0;    ///< permission bits, e.g. 0755 for scripts, 0644 for data files
};

/// Files equal when path, content and mode are.
[[nodiscard]] inline bool operator==(const generated_file& a, const generated_file& b) noexcept {
    return a.path == b.path && a.content == b.content && a.mode == b.mode;
}
/// Negation of operator==.
[[nodiscard]] inline bool operator!=(const generated_file& a, const generated_file& b) noexcept {
    return !(a == b);
}

/// The files of one service directory, in the order they are written.
using file_set = std::vector<generated_file>;

/// The file at `path` in `files`, or nullptr.
[[nodiscard]] inline const generated_file* find_file(const file_set& files,
                                                     const std::string& path) noexcept {
    for (const generated_file& f : files)
        if (f.path == path) return &f;
    return nullptr;
}

}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
