// SPDX-License-Identifier: MIT
// Comparing systemd units as systemd reads them: what differs, directive by directive.
#pragma once

#include <iosfwd>  // std::basic_ostream, declared only: operator<< is a template on the stream
#include <string>  // std::string
#include <vector>  // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {

/// One directive whose values differ: every assignment of `key` in `section`, as written.
/// Environment= is split per variable, with key `Environment[NAME]`.
struct directive_change {
    std::string section;
    std::string key;
    std::vector<std::string> old_values;  ///< in the installed unit (empty: absent)
    std::vector<std::string> new_values;  ///< in the generated unit (empty: removed)
};

/// Writes `[Service] ExecStart: "old" -> "new"` (values quoted as written, `(absent)` for none).
template <class Traits>
std::basic_ostream<char, Traits>& operator<<(std::basic_ostream<char, Traits>& out,
                                             const directive_change& c) {
    const auto put_values = [&out](const std::vector<std::string>& values) {
        if (values.empty()) out << "(absent)";
        const char* separator = "\"";
        for (const std::string& v : values) {
            out << separator << v << '"';
            separator = ", \"";
        }
    };
    out << '[' << c.section << "] " << c.key << ": ";
    put_values(c.old_values);
    out << " -> ";
    put_values(c.new_values);
    return out;
}

namespace systemd {
/// The same type, under the format's namespace.
using hermes::service::directive_change;
}  // namespace systemd

}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
