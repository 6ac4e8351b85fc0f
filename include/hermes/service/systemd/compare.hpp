// SPDX-License-Identifier: MIT
// Comparing systemd units as systemd reads them: what differs, directive by directive.
#pragma once

#include <string>  // std::string
#include <vector>  // std::vector

namespace hermes::service {
inline namespace v1 {

/// One directive whose values differ: every assignment of `key` in `section`, as written.
/// Environment= is split per variable, with key `Environment[NAME]`.
struct directive_change {
    std::string section;
    std::string key;
    std::vector<std::string> old_values;  ///< in the installed unit (empty: absent)
    std::vector<std::string> new_values;  ///< in the generated unit (empty: removed)
};

namespace systemd {
/// The same type, under the format's namespace.
using hermes::service::directive_change;
}  // namespace systemd

}  // namespace v1
}  // namespace hermes::service
