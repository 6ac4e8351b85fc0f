// SPDX-License-Identifier: MIT
// runit service directories: the writer (runit::service_builder) and its reader (runit::read_service).
#pragma once

#include "runit/read.hpp"     // runit::read_service, runit::service_definition
#include "runit/service.hpp"  // runit::service_builder
