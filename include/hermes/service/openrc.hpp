// SPDX-License-Identifier: MIT
// OpenRC init scripts run by supervise-daemon: the writer (openrc::script_builder) and its reader
// (openrc::read_script).
#pragma once

#include "openrc/read.hpp"    // openrc::read_script, openrc::script_definition
#include "openrc/script.hpp"  // openrc::script_builder
