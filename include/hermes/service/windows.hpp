// SPDX-License-Identifier: MIT
// Windows service definitions: the .cmd launcher and the Task Scheduler task, their readers.
#pragma once

#include "windows/cmd_script.hpp"         // windows::cmd_script_builder
#include "windows/cmd_script_reader.hpp"  // windows::read_cmd_script
#include "windows/task.hpp"               // windows::task_builder, windows::to_utf16le_with_bom
#include "windows/task_reader.hpp"        // windows::read_task
