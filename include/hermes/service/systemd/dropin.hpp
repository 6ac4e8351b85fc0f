// SPDX-License-Identifier: MIT
// systemd drop-ins: an override fragment (NAME.service.d/50-x.conf) with unit_builder's typed setters.
#pragma once

#include <string>   // std::string
#include <utility>  // std::move

#include "../detail/config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE
#include "../error.hpp"
#include "unit.hpp"  // detail::unit_setters, unit_kind

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace systemd {

/// A typed, validating writer for a drop-in of a unit of `kind`: the same setters as unit_builder,
/// no required keys, and reset() for the empty assignment that clears a list before a new value.
/// Directives render in call order within each section, so `reset("Service", "ExecStart")
/// .exec_start({...})` replaces the packaged command.
class dropin_builder : public detail::unit_setters<dropin_builder> {
  public:
    /// A drop-in for a unit of `kind` (a .service by default).
    explicit dropin_builder(unit_kind kind = unit_kind::service) noexcept : unit_setters(kind) {}

    /// The kind given at construction.
    [[nodiscard]] unit_kind kind() const noexcept { return kind_; }

    /// `Key=` in `section`: clears a list setting (ExecStart=, Environment=, After=, ...) or returns a
    /// scalar to its default; typed setters called after it add the new values.
    dropin_builder& reset(std::string section, std::string key) {
        detail::directive d{std::move(section), std::move(key), kind::reset, {std::string()}};
        d.custom = true;
        directives_.push_back(std::move(d));
        return *this;
    }

    /// Renders the fragment, or returns the first invalid input with its field. Byte-stable.
    [[nodiscard]] result<std::string> build() const {
        if (auto ok = validate_directives(); !ok) return unexpected_error(std::move(ok.error()));
        if (directives_.empty() && !deferred_)
            return make_error(errc::empty_value, "drop-in",
                              "the drop-in sets nothing; call a setter or reset()");
        return render();
    }
};

}  // namespace systemd
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
