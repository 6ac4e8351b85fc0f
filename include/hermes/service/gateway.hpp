// SPDX-License-Identifier: MIT
// Forwarding header: the hermes gateway policy lives in gateway/.
#pragma once

#include "gateway/gateway.hpp"  // names, HERMES_HOME, the gateway's unit and plist
#include "launchd.hpp"          // what this header gave before the move: the whole launchd folder
#include "systemd.hpp"          // and the whole systemd folder
