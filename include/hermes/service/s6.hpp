// SPDX-License-Identifier: MIT
// s6 service directories: the writer (s6::service_builder) and its reader (s6::read_service).
#pragma once

#include "s6/read.hpp"     // s6::read_service, s6::service_definition
#include "s6/service.hpp"  // s6::service_builder
