// SPDX-License-Identifier: MIT
#pragma once

/// The library version; CMake reads these three lines, so keep them plain `#define NAME number`.
#define HERMES_SERVICE_VERSION_MAJOR 0
#define HERMES_SERVICE_VERSION_MINOR 1
#define HERMES_SERVICE_VERSION_PATCH 0

/// The version as a string, "MAJOR.MINOR.PATCH".
#define HERMES_SERVICE_VERSION "0.1.0"
