// SPDX-License-Identifier: MIT
// libFuzzer harness: s6::service_builder, runit::service_builder and openrc::script_builder fed the same
// arbitrary argv, environment, paths and names, and the three readers fed arbitrary text.
//
// Property: each build() returns either a typed error, or a definition its reader (s6::read_service,
// runit::read_service, openrc::read_script) reads back to exactly what was asked: argv, environment,
// working directory, user and home, finish, permanent exit code, notification-fd, down, log. build() is
// byte-stable. The readers on arbitrary text return a typed error or a definition, never crash.
//
// Input: records separated by 0xFE (see fuzz_common.hpp); tag byte, then payload:
//   A one more argv element (the first is made absolute: "/" prefixed unless it starts with '/')
//   E environment("NAME=value", split at the first '=')      W working directory (as is)
//   U user             H user home (as is)                    F one more finish element (first made absolute)
//   C permanent_failure_exit_code(first payload byte)         N notification_fd(first payload byte)
//   D down(true)       L log(true)                            S OpenRC description
//   R raw text for the three readers (as `run` and as the OpenRC script)
#include <cstddef>
#include <cstdint>
#include <hermes/service/openrc.hpp>
#include <hermes/service/runit.hpp>
#include <hermes/service/s6.hpp>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_common.hpp"

namespace {

namespace hs = hermes::service;

std::string absolute(std::string s) { return !s.empty() && s.front() == '/' ? s : "/" + s; }

struct inputs {
    std::vector<std::string> argv, finish;
    std::vector<std::pair<std::string, std::string>> env;
    std::optional<std::string> dir, user, home, description;
    std::optional<int> code;
    std::optional<unsigned> fd;
    bool down = false, log = false;
    std::vector<std::string> raw;
};

std::map<std::string, std::string> env_map(const inputs& in) { return {in.env.begin(), in.env.end()}; }

template <class Builder>
void common_setters(Builder& b, const inputs& in) {
    if (!in.argv.empty()) b.exec(in.argv);
    if (in.dir) b.working_directory(*in.dir);
    for (const auto& [n, v] : in.env) b.environment(n, v);
    if (in.user) b.user(*in.user);
    if (in.home) b.user_home(*in.home);
    if (in.fd) b.notification_fd(*in.fd);
    b.down(in.down);
    if (!in.finish.empty()) b.finish(in.finish);
    if (in.code) b.permanent_failure_exit_code(*in.code);
}

void check_s6(const inputs& in) {
    hs::s6::service_builder b;
    common_setters(b, in);
    const auto r = b.build();
    if (!r) return fuzz::check_error(r.error());
    const auto again = b.build();
    FUZZ_CHECK(again && *again == *r, "s6: build() is not byte-stable");
    const auto d = hs::s6::read_service(*r);
    FUZZ_CHECK(d.has_value(), d ? "" : d.error().message, r->front().content);
    FUZZ_CHECK(d->argv == in.argv, "s6: argv differs", r->front().content);
    FUZZ_CHECK(d->environment == env_map(in), "s6: environment differs", r->front().content);
    FUZZ_CHECK(d->working_directory == in.dir.value_or(""), "s6: working directory differs");
    FUZZ_CHECK(d->user == in.user.value_or("") && d->user_home == in.home.value_or(""), "s6: user differs");
    FUZZ_CHECK(d->finish == in.finish && d->permanent_failure_exit_code == in.code, "s6: finish differs");
    FUZZ_CHECK(d->notification_fd == in.fd && d->down == in.down, "s6: notification-fd or down differs");
}

void check_runit(const inputs& in) {
    hs::runit::service_builder b;
    common_setters(b, in);
    b.log(in.log);
    const auto r = b.build();
    if (!r) return fuzz::check_error(r.error());
    const auto again = b.build();
    FUZZ_CHECK(again && *again == *r, "runit: build() is not byte-stable");
    const auto d = hs::runit::read_service(*r);
    FUZZ_CHECK(d.has_value(), d ? "" : d.error().message, r->front().content);
    FUZZ_CHECK(d->argv == in.argv, "runit: argv differs", r->front().content);
    FUZZ_CHECK(d->environment == env_map(in), "runit: environment differs", r->front().content);
    FUZZ_CHECK(d->working_directory == in.dir.value_or(""), "runit: working directory differs");
    FUZZ_CHECK(d->user == in.user.value_or("") && d->user_home == in.home.value_or(""),
               "runit: user differs");
    FUZZ_CHECK(d->finish == in.finish && d->permanent_failure_exit_code == in.code, "runit: finish differs");
    FUZZ_CHECK(d->down == in.down && d->log == in.log, "runit: down or log differs");
}

void check_openrc(const inputs& in) {
    hs::openrc::script_builder b;
    if (!in.argv.empty()) b.command(in.argv);
    if (in.dir) b.directory(*in.dir);
    for (const auto& [n, v] : in.env) b.environment(n, v);
    if (in.user) b.command_user(*in.user);
    if (in.description) b.description(*in.description);
    const auto r = b.build();
    if (!r) return fuzz::check_error(r.error());
    const auto again = b.build();
    FUZZ_CHECK(again && *again == *r, "openrc: build() is not byte-stable");
    const auto d = hs::openrc::read_script(*r);
    FUZZ_CHECK(d.has_value(), d ? "" : d.error().message, *r);
    FUZZ_CHECK(d->argv == in.argv, "openrc: argv differs", *r);
    FUZZ_CHECK(d->environment == env_map(in), "openrc: environment differs", *r);
    FUZZ_CHECK(d->directory == in.dir.value_or("") && d->command_user == in.user.value_or(""),
               "openrc: directory or user differs", *r);
    FUZZ_CHECK(d->description == in.description.value_or(""), "openrc: description differs", *r);
}

void check_readers(const std::string& text) {
    if (const auto d = hs::s6::read_service(hs::file_set{{"run", text, 0755}}); !d)
        fuzz::check_error(d.error());
    if (const auto d = hs::runit::read_service(hs::file_set{{"run", text, 0755}, {"finish", text, 0755}}); !d)
        fuzz::check_error(d.error());
    if (const auto d = hs::openrc::read_script(text); !d) fuzz::check_error(d.error());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    inputs in;
    for (fuzz::record& r : fuzz::split_records(data, size)) {
        switch (r.tag) {
            case 'A':
                in.argv.push_back(in.argv.empty() ? absolute(std::move(r.payload)) : std::move(r.payload));
                break;
            case 'F':
                in.finish.push_back(in.finish.empty() ? absolute(std::move(r.payload))
                                                      : std::move(r.payload));
                break;
            case 'E': in.env.push_back(fuzz::split_assignment(r.payload)); break;
            case 'W': in.dir = std::move(r.payload); break;
            case 'U': in.user = std::move(r.payload); break;
            case 'H': in.home = std::move(r.payload); break;
            case 'S': in.description = std::move(r.payload); break;
            case 'C': in.code = r.payload.empty() ? 0 : static_cast<unsigned char>(r.payload[0]); break;
            case 'N': in.fd = r.payload.empty() ? 0U : static_cast<unsigned char>(r.payload[0]); break;
            case 'D': in.down = true; break;
            case 'L': in.log = true; break;
            case 'R': in.raw.push_back(std::move(r.payload)); break;
            default: break;
        }
    }
    check_s6(in);
    check_runit(in);
    check_openrc(in);
    for (const std::string& t : in.raw) check_readers(t);
    return 0;
}
