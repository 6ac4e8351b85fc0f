// SPDX-License-Identifier: MIT
// launchd::plist_value: one value of a property list, as the reader returns it and plist_builder::set() takes
// it.
#pragma once

#include <cstdint>      // std::int64_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::enable_if_t, std::is_integral
#include <utility>      // std::pair, std::move, std::in_place_index
#include <variant>      // std::variant, std::visit: storage_type
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
    /// The five alternatives as one std::variant (storage() and the constructor from it).
    using storage_type = std::variant<std::string, std::int64_t, bool, array_type, dict_type>;
    /// Which alternative a value holds (the index of storage_type's alternative).
    enum class value_type : unsigned char { string, integer, boolean, array, dict };

    /// An empty <string>.
    plist_value() = default;
    /// Wraps any of the five alternatives. (A template only so that the variant's visit is compiled
    /// where it is called: plain members rather than a variant keep this header light, issue 9.)
    template <class Storage, std::enable_if_t<std::is_same<Storage, storage_type>::value, int> = 0>
    explicit plist_value(Storage v) {
        // `v` is this constructor's own copy: each alternative is moved out of it.
        std::visit([this](auto& alternative) { *this = plist_value(std::move(alternative)); }, v);
    }
    /// A <string>.
    plist_value(std::string s) : string_(std::move(s)) {}  // NOLINT(google-explicit-constructor)
    /// A <string>.
    plist_value(const char* s) : string_(s) {}  // NOLINT(google-explicit-constructor)
    /// An <integer> from any integer type that fits a plist's signed 64 bits (not bool).
    template <class Int, std::enable_if_t<std::is_integral<Int>::value && !std::is_same<Int, bool>::value &&
                                              (std::is_signed<Int>::value || sizeof(Int) < 8),
                                          int> = 0>
    plist_value(Int v)  // NOLINT(google-explicit-constructor)
        : type_(value_type::integer), integer_(static_cast<std::int64_t>(v)) {}
    /// <true/> or <false/>.
    plist_value(bool b) : type_(value_type::boolean), boolean_(b) {}  // NOLINT(google-explicit-constructor)
    /// An <array>.
    plist_value(array_type items)  // NOLINT(google-explicit-constructor)
        : type_(value_type::array), array_(std::move(items)) {}
    /// A <dict> (entries in order; keys must be distinct).
    plist_value(dict_type entries)  // NOLINT(google-explicit-constructor)
        : type_(value_type::dict), dict_(std::move(entries)) {}

    /// Which alternative this value holds.
    [[nodiscard]] value_type type() const noexcept { return type_; }
    /// A copy of the value as a std::variant, for std::visit.
    template <class Storage = storage_type>
    [[nodiscard]] Storage storage() const {
        switch (type_) {
            case value_type::integer: return Storage(std::in_place_index<1>, integer_);
            case value_type::boolean: return Storage(std::in_place_index<2>, boolean_);
            case value_type::array: return Storage(std::in_place_index<3>, array_);
            case value_type::dict: return Storage(std::in_place_index<4>, dict_);
            case value_type::string: break;
        }
        return Storage(std::in_place_index<0>, string_);
    }
    /// The string, or nullptr when this is not a string.
    [[nodiscard]] const std::string* as_string() const noexcept {
        return type_ == value_type::string ? &string_ : nullptr;
    }
    /// The integer, or nullptr.
    [[nodiscard]] const std::int64_t* as_integer() const noexcept {
        return type_ == value_type::integer ? &integer_ : nullptr;
    }
    /// The boolean, or nullptr.
    [[nodiscard]] const bool* as_bool() const noexcept {
        return type_ == value_type::boolean ? &boolean_ : nullptr;
    }
    /// The array, or nullptr.
    [[nodiscard]] const array_type* as_array() const noexcept {
        return type_ == value_type::array ? &array_ : nullptr;
    }
    /// The dict entries, or nullptr.
    [[nodiscard]] const dict_type* as_dict() const noexcept {
        return type_ == value_type::dict ? &dict_ : nullptr;
    }
    /// The value under `key` when this is a dict holding it, else nullptr.
    [[nodiscard]] const plist_value* find(std::string_view key) const noexcept {
        if (const dict_type* d = as_dict())
            for (const auto& [k, v] : *d)
                if (k == key) return &v;
        return nullptr;
    }
    /// Deep equality (dict order included).
    friend bool operator==(const plist_value& a, const plist_value& b) {
        if (a.type_ != b.type_) return false;
        switch (a.type_) {
            case value_type::integer: return a.integer_ == b.integer_;
            case value_type::boolean: return a.boolean_ == b.boolean_;
            case value_type::array: return a.array_ == b.array_;
            case value_type::dict: return a.dict_ == b.dict_;
            case value_type::string: break;
        }
        return a.string_ == b.string_;
    }
    friend bool operator!=(const plist_value& a, const plist_value& b) { return !(a == b); }

  private:
    // One member per alternative, only the one `type_` names in use: moving a value is then a few
    // member moves, and no std::variant machinery is instantiated by including this header.
    value_type type_ = value_type::string;
    bool boolean_ = false;
    std::int64_t integer_ = 0;
    std::string string_;
    array_type array_;
    dict_type dict_;
};

}  // namespace launchd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
