// SPDX-License-Identifier: MIT
// hermes-service's light umbrella: errors, the stable working directory, and the unit and plist
// builders. Readers, comparison, the gateway policy and the testing kit have headers of their own
// (see docs/headers.md); <hermes/service/systemd.hpp> and <hermes/service/launchd.hpp> give a whole format.
#pragma once

#include "service/error.hpp"          // errc, error, result
#include "service/launchd/plist.hpp"  // launchd::plist_builder
#include "service/paths.hpp"          // stable_service_working_dir
#include "service/systemd/unit.hpp"   // systemd::unit_builder
#include "service/version.hpp"        // HERMES_SERVICE_VERSION
