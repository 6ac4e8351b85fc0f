// SPDX-License-Identifier: MIT
// Forwarding header: the gateway's refresh decision lives in gateway/refresh.hpp.
#pragma once

#include "gateway/refresh.hpp"  // systemd_unit_is_current, launchd_plist_is_current, systemd_unit_diff, ...
#include "systemd.hpp"          // what this header gave before the move: the whole systemd folder
