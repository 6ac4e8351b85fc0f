// SPDX-License-Identifier: MIT
// hermes-service umbrella header: includes every public header.
#pragma once

#include "service/error.hpp"
#include "service/file_set.hpp"
#include "service/gateway.hpp"
#include "service/gateway/supervisors.hpp"
#include "service/launchd.hpp"
#include "service/openrc.hpp"
#include "service/paths.hpp"
#include "service/refresh.hpp"
#include "service/runit.hpp"
#include "service/s6.hpp"
#include "service/systemd.hpp"
#include "service/version.hpp"
