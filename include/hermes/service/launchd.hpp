// SPDX-License-Identifier: MIT
// launchd property lists, everything: the writer and the reader.
// Include a single header of launchd/ to pay for less.
#pragma once

#include "launchd/plist.hpp"  // plist_builder and its enums
#include "launchd/read.hpp"   // plist_value, parse_plist
