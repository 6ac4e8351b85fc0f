// SPDX-License-Identifier: MIT
// launchd::plist_value: one value of a property list, as the reader returns it and plist_builder::set() takes
// it.
#pragma once

#include <cstdint>      // std::int64_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::enable_if_t, std::is_integral
#include <utility>      // std::pair, std::move, std::in_place_type
#include <variant>      // std::variant
#include <vector>       // std::vector

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace launchd {

/// A plist value of the subset plist_builder writes: string, integer, boolean, array, dict
/// (dict entries keep their document order).
class plist_value {
  public:
    using array_type = std::vector<plist_value>;
    using dict_type = std::vector<std::pair<std::string, plist_value>>;
    using storage_type = std::variant<std::string, std::int64_t, bool, array_type, dict_type>;

    plist_value() = default;
    /// Wraps any of the five alternatives.
    explicit plist_value(storage_type v) : value_(std::move(v)) {}
    /// A <string>.
    plist_value(std::string s)
        : value_(std::in_place_type<std::string>, std::move(s)) {}  // NOLINT(google-explicit-constructor)
    /// A <string>.
    plist_value(const char* s)
        : value_(std::in_place_type<std::string>, s) {}  // NOLINT(google-explicit-constructor)
    /// An <integer> from any integer type that fits a plist's signed 64 bits (not bool).
    template <class Int, std::enable_if_t<std::is_integral<Int>::value && !std::is_same<Int, bool>::value &&
                                              (std::is_signed<Int>::value || sizeof(Int) < 8),
                                          int> = 0>
    plist_value(Int v)
        : value_(std::in_place_type<std::int64_t>, static_cast<std::int64_t>(v)) {
    }  // NOLINT(google-explicit-constructor)
    /// <true/> or <false/>.
    plist_value(bool b) : value_(std::in_place_type<bool>, b) {}  // NOLINT(google-explicit-constructor)
    /// An <array>.
    plist_value(array_type items)
        : value_(std::in_place_type<array_type>, std::move(items)) {}  // NOLINT(google-explicit-constructor)
    /// A <dict> (entries in order; keys must be distinct).
    plist_value(dict_type entries)
        : value_(std::in_place_type<dict_type>, std::move(entries)) {}  // NOLINT(google-explicit-constructor)

    /// The underlying variant, for std::visit.
    [[nodiscard]] const storage_type& storage() const noexcept { return value_; }
    /// The string, or nullptr when this is not a string.
    [[nodiscard]] const std::string* as_string() const noexcept { return std::get_if<std::string>(&value_); }
    /// The integer, or nullptr.
    [[nodiscard]] const std::int64_t* as_integer() const noexcept {
        return std::get_if<std::int64_t>(&value_);
    }
    /// The boolean, or nullptr.
    [[nodiscard]] const bool* as_bool() const noexcept { return std::get_if<bool>(&value_); }
    /// The array, or nullptr.
    [[nodiscard]] const array_type* as_array() const noexcept { return std::get_if<array_type>(&value_); }
    /// The dict entries, or nullptr.
    [[nodiscard]] const dict_type* as_dict() const noexcept { return std::get_if<dict_type>(&value_); }
    /// The value under `key` when this is a dict holding it, else nullptr.
    [[nodiscard]] const plist_value* find(std::string_view key) const noexcept {
        if (const dict_type* d = as_dict())
            for (const auto& [k, v] : *d)
                if (k == key) return &v;
        return nullptr;
    }
    /// Deep equality (dict order included).
    friend bool operator==(const plist_value& a, const plist_value& b) { return a.value_ == b.value_; }
    friend bool operator!=(const plist_value& a, const plist_value& b) { return !(a == b); }

  private:
    storage_type value_;
};

}  // namespace launchd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
