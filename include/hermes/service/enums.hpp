// SPDX-License-Identifier: MIT
// from_string for every enum of the library: the inverse of its to_string, found through one
// `enumerators(E)` overload that each enum declares beside its to_string.
#pragma once

#include <optional>     // std::optional
#include <string_view>  // std::string_view

#include "detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {

/// The enumerator of `Enum` whose to_string() is `text`, e.g. from_string<systemd::restart_policy>
/// ("on-failure"); nullopt for any other text. `Enum` needs `enumerators(Enum)` and `to_string(Enum)`.
template <class Enum>
[[nodiscard]] constexpr std::optional<Enum> from_string(std::string_view text) noexcept {
    for (const Enum e : enumerators(Enum{}))
        if (to_string(e) == text) return e;
    return std::nullopt;
}

}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
