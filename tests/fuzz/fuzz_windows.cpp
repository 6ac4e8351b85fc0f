// SPDX-License-Identifier: MIT
// libFuzzer harness: windows::cmd_script_builder and windows::task_builder fed arbitrary values, and the
// readers fed arbitrary text.
//
// Property: build() is deterministic and returns either a typed error, or a launcher (CRLF lines only)
// that read_cmd_script reads back to exactly what the builder was given, or a task that read_task reads
// back to exactly its settings, from the UTF-8 text and from the UTF-16LE bytes with BOM. Arbitrary text
// given to the readers yields a value or a typed error, never a crash.
//
// Input: records separated by 0xFE (see fuzz_common.hpp); tag byte, then payload:
//   launcher: W working_directory   E environment("NAME=value")   A one more argv element (the first is
//             the program)   X exit_with_command_status(payload[0] odd)   C comment
//   task:     D description   U author   T logon_trigger(seconds)   I user_id   L run_level(payload[0] % 2)
//             M multiple_instances_policy(payload[0] % 4)   K execution_time_limit(seconds)
//             R restart_on_failure(seconds from bytes 0-3, count from byte 4)   P priority   a action
//             command   g action arguments   w action working directory
//   readers:  r the payload to read_cmd_script and read_task
// Seconds and numbers are little-endian signed 32-bit values of the payload's first bytes.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <hermes/service/windows.hpp>
#include <string>
#include <vector>

#include "fuzz_common.hpp"

namespace {

namespace hs = hermes::service;
namespace w = hermes::service::windows;

std::int32_t number(const std::string& payload, std::size_t from = 0) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4 && from + i < payload.size(); ++i)
        v |= static_cast<std::uint32_t>(static_cast<unsigned char>(payload[from + i])) << (8 * i);
    return static_cast<std::int32_t>(v);
}

unsigned byte(const std::string& payload, std::size_t at = 0) {
    return at < payload.size() ? static_cast<unsigned char>(payload[at]) : 0U;
}

void check_launcher(const w::cmd_script_builder& b) {
    const auto text = fuzz::stable_build(b);
    if (!text) return;
    for (std::size_t i = 0; i < text->size(); ++i)
        if ((*text)[i] == '\n' || (*text)[i] == '\r')
            FUZZ_CHECK((*text)[i] == '\r' ? i + 1 < text->size() && (*text)[i + 1] == '\n'
                                          : i > 0 && (*text)[i - 1] == '\r',
                       "a bare CR or LF in the launcher", *text);
    const auto back = w::read_cmd_script(*text);
    if (!back) fuzz::fail("read_cmd_script refuses the builder's text", back.error().message, *text);
    FUZZ_CHECK(*back == b.script(), "the launcher reads back differently", *text);
}

void check_task(const w::task_builder& b) {
    const auto xml = fuzz::stable_build(b);
    if (!xml) return;
    for (const std::string& form : {*xml, w::to_utf16le_with_bom(*xml)}) {
        const auto back = w::read_task(form);
        if (!back) fuzz::fail("read_task refuses the builder's XML", back.error().message, *xml);
        FUZZ_CHECK(*back == b.definition(), "the task reads back differently", *xml);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;
    w::cmd_script_builder launcher;
    w::task_builder task;
    std::vector<std::string> argv;
    std::string command, arguments, directory;
    bool any_launcher = false;
    bool any_task = false;
    for (const fuzz::record& r : fuzz::split_records(data, size)) {
        const std::string& p = r.payload;
        using std::chrono::seconds;
        any_launcher = any_launcher || std::string("WEAXC").find(r.tag) != std::string::npos;
        any_task = any_task || std::string("DUTILMKRPagw").find(r.tag) != std::string::npos;
        switch (r.tag) {
            case 'W': launcher.working_directory(p); break;
            case 'E': {
                auto [name, value] = fuzz::split_assignment(p);
                launcher.environment(name, value);
                break;
            }
            case 'A': argv.push_back(p); break;
            case 'X': launcher.exit_with_command_status(byte(p) % 2 == 1); break;
            case 'C': launcher.comment(p); break;
            case 'D': task.description(p); break;
            case 'U': task.author(p); break;
            case 'T': task.logon_trigger(seconds(number(p))); break;
            case 'I': task.user_id(p); break;
            case 'L': task.run_level(static_cast<w::run_level>(byte(p) % 2)); break;
            case 'M': task.multiple_instances_policy(static_cast<w::instances_policy>(byte(p) % 4)); break;
            case 'K': task.execution_time_limit(seconds(number(p))); break;
            case 'R': task.restart_on_failure(seconds(number(p)), byte(p, 4)); break;
            case 'P': task.priority(byte(p)); break;
            case 'a': command = p; break;
            case 'g': arguments = p; break;
            case 'w': directory = p; break;
            case 'r': {
                const auto script = w::read_cmd_script(p);
                if (!script) fuzz::check_error(script.error());
                const auto read = w::read_task(p);
                if (!read) fuzz::check_error(read.error());
                break;
            }
            default: break;
        }
    }
    if (any_launcher) {
        launcher.command(argv);
        check_launcher(launcher);
    }
    if (any_task) {
        task.action(command, arguments, directory);
        check_task(task);
    }
    return 0;
}
