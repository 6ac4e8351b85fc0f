// SPDX-License-Identifier: MIT
// systemd unit files, everything: the writer, the readers and unit-name escaping.
// Include a single header of systemd/ to pay for less.
#pragma once

#include "systemd/compare.hpp"  // directive_change, compare_units
#include "systemd/dropin.hpp"   // dropin_builder
#include "systemd/names.hpp"    // escape_unit_name, escape_unit_path
#include "systemd/read.hpp"     // parse_unit, split_command_line, split_environment
#include "systemd/unit.hpp"     // unit_builder and its enums, quote_command_line
