// SPDX-License-Identifier: MIT
// Comparing launchd plists as launchd reads them: what differs, key by key.
#pragma once

#include <functional>   // std::function, for compare_options::value_filter
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE
#include "read.hpp"              // parse_plist
#include "value.hpp"             // plist_value

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace launchd {

/// One key whose value differs; `key` is a path of dict keys joined by '.' ("KeepAlive.SuccessfulExit",
/// "EnvironmentVariables.PATH"); an absent side is nullopt.
struct plist_change {
    std::string key;
    std::optional<plist_value> old_value;  ///< in the installed plist
    std::optional<plist_value> new_value;  ///< in the generated plist
};

/// What compare_plists leaves out. By default nothing: every key counts.
struct compare_options {
    /// Key paths never compared ("EnvironmentVariables.PATH", "ProgramArguments").
    std::vector<std::string> ignored_keys;
    /// When set, every value that is not a dict passes through it, as (key path, value), before comparison.
    std::function<plist_value(std::string_view key, const plist_value& value)> value_filter;
};

namespace detail {

/// "prefix.key", or "key" at the top level.
[[nodiscard]] inline std::string key_path(const std::string& prefix, const std::string& key) {
    if (prefix.empty()) return key;
    std::string path = prefix;
    path.append(".").append(key);
    return path;
}

class plist_comparer {
  public:
    explicit plist_comparer(const compare_options& options) : options_(&options) {}

    /// Appends the changes between two dicts (order of keys never counts): the generated order first,
    /// then keys only the installed dict has. Nested dicts are compared key by key.
    void dicts(const plist_value::dict_type& before, const plist_value::dict_type& after,
               const std::string& prefix, std::vector<plist_change>& out) const {
        for (const auto& [key, value] : after) {
            const std::string path = key_path(prefix, key);
            if (ignored(path)) continue;
            const plist_value* old = find(before, key);
            if (old != nullptr && old->as_dict() != nullptr && value.as_dict() != nullptr) {
                dicts(*old->as_dict(), *value.as_dict(), path, out);
                continue;
            }
            if (old != nullptr && same(path, *old, value)) continue;
            out.push_back(
                plist_change{path, old != nullptr ? std::optional<plist_value>(*old) : std::nullopt, value});
        }
        for (const auto& [key, value] : before) {
            const std::string path = key_path(prefix, key);
            if (!ignored(path) && find(after, key) == nullptr)
                out.push_back(plist_change{path, value, std::nullopt});
        }
    }

  private:
    const compare_options* options_;

    [[nodiscard]] bool ignored(std::string_view path) const {
        for (const std::string& k : options_->ignored_keys)
            if (k == path) return true;
        return false;
    }

    [[nodiscard]] static const plist_value* find(const plist_value::dict_type& d, std::string_view key) {
        for (const auto& [k, v] : d)
            if (k == key) return &v;
        return nullptr;
    }

    /// Equal as launchd reads them: dicts regardless of key order, everything else after the filter.
    [[nodiscard]] bool same(const std::string& path, const plist_value& a, const plist_value& b) const {
        const auto* da = a.as_dict();
        const auto* db = b.as_dict();
        if (da != nullptr || db != nullptr) {
            if (da == nullptr || db == nullptr) return false;
            std::vector<plist_change> inner;
            dicts(*da, *db, path, inner);
            return inner.empty();
        }
        const auto* aa = a.as_array();
        const auto* ab = b.as_array();
        if (aa != nullptr && ab != nullptr) {
            if (aa->size() != ab->size()) return false;
            for (std::size_t i = 0; i < aa->size(); ++i)
                if (!same(path, (*aa)[i], (*ab)[i])) return false;
            return true;
        }
        if (!options_->value_filter) return a == b;
        return options_->value_filter(path, a) == options_->value_filter(path, b);
    }
};

}  // namespace detail

/// What differs between two plists as launchd reads them, key by key: XML layout, comments,
/// encoding of characters, and the order of dict keys never count; arrays compare element by element.
/// Nested dicts report their own keys. A text that does not parse reads as an empty dict.
[[nodiscard]] inline std::vector<plist_change> compare_plists(std::string_view installed,
                                                              std::string_view generated,
                                                              const compare_options& options = {}) {
    // The parsed documents stay alive and their dicts are compared where they are (no copies).
    const plist_value::dict_type none;
    const auto as_dict = [&none](const result<plist_value>& doc) -> const plist_value::dict_type& {
        if (doc && doc->as_dict() != nullptr) return *doc->as_dict();
        return none;
    };
    const result<plist_value> installed_doc = parse_plist(installed);
    const result<plist_value> generated_doc = parse_plist(generated);
    std::vector<plist_change> changes;
    detail::plist_comparer(options).dicts(as_dict(installed_doc), as_dict(generated_doc), "", changes);
    return changes;
}

}  // namespace launchd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
