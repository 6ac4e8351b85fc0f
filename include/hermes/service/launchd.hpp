// SPDX-License-Identifier: MIT
// launchd property lists, everything: the writer and the reader.
// Include a single header of launchd/ to pay for less.
#pragma once

#include "launchd/compare.hpp"  // compare_plists, plist_change
#include "launchd/plist.hpp"    // plist_builder and its enums
#include "launchd/read.hpp"     // parse_plist
#include "launchd/value.hpp"    // plist_value
