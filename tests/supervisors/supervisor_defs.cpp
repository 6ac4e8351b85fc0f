// SPDX-License-Identifier: MIT
// The library's side of the supervisor oracle suite (run-supervisors.sh): writes the s6 / runit / OpenRC
// definitions of one case with the library's builders, and checks a run of it: the installed files read
// back (s6::read_service, runit::read_service, openrc::read_script) to what the case asked for, and the
// probe's record (what the real supervisor gave the process) to the same.
//
//   supervisor_defs write KIND DEST CASE key=value...   write the definition (DEST: service dir or script)
//   supervisor_defs check KIND DEST CASE key=value...   compare DEST and the probe record in out=DIR
//
// KIND: s6 | runit | openrc. Keys: probe= work= out= user= home= uid= gid= pidfile= checkout= hermes_home=.
// Exit status 0 when everything matched, 1 on a mismatch (each printed), 2 on bad usage or a build error.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <hermes/service/gateway/supervisors.hpp>
#include <hermes/service/openrc.hpp>
#include <hermes/service/runit.hpp>
#include <hermes/service/s6.hpp>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hs = hermes::service;
namespace gw = hermes::service::gateway;

namespace {

using env_list = std::vector<std::pair<std::string, std::string>>;

/// The hostile corpus of shared/reference/other-inits.md, plus every byte but NUL and bytes that are not
/// UTF-8.
std::vector<std::string> hostile_values() {
    std::vector<std::string> v = {"two words",
                                  "say \"hi\"",
                                  "it's",
                                  R"(back\slash \\ \n \")",
                                  "$HOME ${HOME} $(id) `id` $1 $@ $#",
                                  "100% %PATH% %%",
                                  "grüße ✓ 日本語",
                                  "*.txt ?",
                                  "",
                                  "semi;pipe|amp&lt<gt>",
                                  "tab\there",
                                  "-x",
                                  "k=v",
                                  "#hash",
                                  "{",
                                  "}",
                                  "line1\nline2",
                                  " lead  double  trail ",
                                  "\xff\xfe not UTF-8 \xc3",
                                  "cr\r\n",
                                  "\"$_hermes_cmd\" '$_hermes_arg1'"};
    std::string all;
    for (int b = 1; b < 256; ++b) all.push_back(static_cast<char>(b));
    v.push_back(all);
    return v;
}

/// What one case asks of a supervisor.
struct spec {
    std::vector<std::string> argv;
    env_list env;
    std::string dir;
    std::string user, home;
    bool down = false, log = false;
    std::optional<unsigned> notify;
    std::vector<std::string> finish;
    std::optional<int> permanent;
    std::string pidfile;
};

std::string need(const std::map<std::string, std::string>& kv, const std::string& key) {
    const auto it = kv.find(key);
    if (it == kv.end()) {
        std::fprintf(stderr, "supervisor_defs: missing %s=\n", key.c_str());
        std::exit(2);
    }
    return it->second;
}

spec make_spec(const std::string& kind, const std::string& name,
               const std::map<std::string, std::string>& kv) {
    spec s;
    const std::string out = need(kv, "out");
    s.argv = {need(kv, "probe")};
    s.env = {{"HERMES_PROBE_OUT", out}};
    s.dir = need(kv, "work");
    if (kv.count("pidfile") != 0) s.pidfile = kv.at("pidfile");
    if (name == "hostile" || name == "user") {
        const auto h = hostile_values();
        s.argv.insert(s.argv.end(), h.begin(), h.end());
        for (std::size_t i = 0; i < h.size(); ++i) s.env.emplace_back("HOSTILE_" + std::to_string(i), h[i]);
        if (kind == "s6") s.env.emplace_back("lower.case-name+x", "s6 takes any name without '='");
        if (name == "user") {
            s.user = need(kv, "user");
            s.home = need(kv, "home");
            // supervise-daemon sets HOME and USER for command_user, not LOGNAME (observed on 0.45.2)
            if (kind == "openrc") s.env.emplace_back("LOGNAME", s.user);
        }
        if (kind == "s6") s.notify = 3;  // readiness through notification-fd
        if (kind == "s6") s.env.emplace_back("HERMES_PROBE_NOTIFY_FD", "3");
        if (kind != "openrc") {
            s.finish = {"/bin/sh", "-c", R"(printf '%s\n' "$*" >> "$0")", out + "/finish.log"};
            s.permanent = 78;
        }
        if (kind == "runit") s.log = true;
    } else if (name == "down") {
        s.down = true;
    } else if (name == "pinned") {
        s.dir = need(kv, "checkout");  // the seed's failure: a definition pinned to the checkout
    } else {
        std::fprintf(stderr, "supervisor_defs: unknown case %s\n", name.c_str());
        std::exit(2);
    }
    return s;
}

hs::result<hs::file_set> build_dir(const std::string& kind, const spec& s) {
    if (kind == "s6") {
        hs::s6::service_builder b;
        b.exec(s.argv).working_directory(s.dir).down(s.down);
        for (const auto& [n, v] : s.env) b.environment(n, v);
        if (!s.user.empty()) b.user(s.user).user_home(s.home);
        if (s.notify) b.notification_fd(*s.notify);
        if (!s.finish.empty()) b.finish(s.finish);
        if (s.permanent) b.permanent_failure_exit_code(*s.permanent);
        b.kill_timeout(std::chrono::milliseconds(3000));
        return b.build();
    }
    hs::runit::service_builder b;
    b.exec(s.argv).working_directory(s.dir).down(s.down).log(s.log);
    for (const auto& [n, v] : s.env) b.environment(n, v);
    if (!s.user.empty()) b.user(s.user).user_home(s.home);
    if (!s.finish.empty()) b.finish(s.finish);
    if (s.permanent) b.permanent_failure_exit_code(*s.permanent);
    return b.build();
}

hs::result<std::string> build_script(const spec& s) {
    hs::openrc::script_builder b;
    b.description("hermes-service oracle: 'quotes' \"and\" $dollars").command(s.argv).directory(s.dir);
    for (const auto& [n, v] : s.env) b.environment(n, v);
    if (!s.user.empty()) b.command_user(s.user);
    if (!s.pidfile.empty()) b.pidfile(s.pidfile);
    b.respawn_delay(std::chrono::seconds(1))
        .respawn_max(0)
        .stop_timeout(std::chrono::seconds(5))
        .after("localmount");
    return b.build();
}

std::string slurp(const std::string& path, bool* ok = nullptr) {
    std::ifstream in(path, std::ios::binary);
    if (ok != nullptr) *ok = static_cast<bool>(in);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> split_nul(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\0') {
            out.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    return out;
}

std::string shown(const std::string& s) {
    return hs::detail::printable(s.size() > 120 ? s.substr(0, 120) + "..." : s);
}

int failures = 0;
void expect(bool ok, const std::string& what) {
    if (!ok) {
        ++failures;
        std::printf("MISMATCH %s\n", what.c_str());
    }
}

/// Compares the probe's record with what the definition says.
void check_record(const std::string& out, const std::vector<std::string>& argv, const env_list& env,
                  const std::string& cwd) {
    bool have = false;
    const auto got_argv = split_nul(slurp(out + "/argv", &have));
    expect(have, "no probe record in " + out);
    if (!have) return;
    expect(got_argv.size() == argv.size(),
           "argc " + std::to_string(got_argv.size()) + " want " + std::to_string(argv.size()));
    for (std::size_t i = 0; i < argv.size() && i < got_argv.size(); ++i)
        expect(got_argv[i] == argv[i], "argv[" + std::to_string(i) + "] got \"" + shown(got_argv[i]) +
                                           "\" want \"" + shown(argv[i]) + "\"");
    std::map<std::string, std::string> got_env;
    for (const std::string& e : split_nul(slurp(out + "/env"))) {
        const std::size_t eq = e.find('=');
        got_env[e.substr(0, eq)] = eq == std::string::npos ? std::string() : e.substr(eq + 1);
    }
    for (const auto& [n, v] : env) {
        const auto it = got_env.find(n);
        expect(it != got_env.end(), "environment " + n + " missing");
        if (it != got_env.end())
            expect(it->second == v,
                   "environment " + n + " got \"" + shown(it->second) + "\" want \"" + shown(v) + "\"");
    }
    const std::string got_cwd = slurp(out + "/cwd");
    expect(got_cwd == cwd, "cwd got \"" + shown(got_cwd) + "\" want \"" + shown(cwd) + "\"");
}

/// The gateway case's options: the systemd unit's facts with the probe as the interpreter.
gw::unit_options gateway_options(const std::map<std::string, std::string>& kv) {
    const gw::installation in{need(kv, "probe"), need(kv, "checkout"), false};
    const std::string home = need(kv, "hermes_home");
    gw::unit_options o = gw::user_unit_options(in, home, home);
    if (kv.count("user") != 0) {
        const std::string uhome = need(kv, "home");
        o = gw::system_unit_options(in, home, uhome,
                                    gw::system_identity{need(kv, "user"), need(kv, "user"), uhome, 0});
    }
    o.allow_temporary_home = true;  // the suite lives under /tmp
    o.drain_timeout = 0;
    o.cron_drain_timeout = 0;
    return o;
}

int write_files(const std::string& dest, const hs::file_set& files) {
    for (const hs::generated_file& f : files) {
        const std::string path = dest + "/" + f.path;
        const std::size_t slash = path.rfind('/');
        ::mkdir(path.substr(0, slash).c_str(), 0755);
        std::ofstream o(path, std::ios::binary | std::ios::trunc);
        o << f.content;
        o.close();
        if (!o || ::chmod(path.c_str(), f.mode) != 0) {
            std::fprintf(stderr, "supervisor_defs: cannot write %s\n", path.c_str());
            return 2;
        }
    }
    return 0;
}

hs::file_set read_dir(const std::string& dest, const std::vector<std::string>& names) {
    hs::file_set files;
    for (const std::string& n : names) {
        bool ok = false;
        std::string path = dest;
        path.append("/").append(n);
        std::string text = slurp(path, &ok);
        struct stat st {};
        if (ok && ::stat(path.c_str(), &st) == 0)
            files.push_back({n, std::move(text), static_cast<unsigned>(st.st_mode & 07777)});
    }
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: supervisor_defs write|check s6|runit|openrc DEST CASE key=value...\n");
        return 2;
    }
    const std::string mode = argv[1];
    const std::string kind = argv[2];
    const std::string dest = argv[3];
    const std::string name = argv[4];
    std::map<std::string, std::string> kv;
    for (int i = 5; i < argc; ++i) {
        const std::string a = argv[i];
        const std::size_t eq = a.find('=');
        kv[a.substr(0, eq)] = eq == std::string::npos ? std::string() : a.substr(eq + 1);
    }
    const std::vector<std::string> dir_files = {"run",          "finish", "notification-fd",
                                                "timeout-kill", "down",   "log/run"};

    if (name == "gateway") {
        const gw::unit_options o = gateway_options(kv);
        if (kind == "openrc") {
            auto script = gw::openrc_script(o, kv.count("pidfile") != 0 ? kv.at("pidfile") : std::string());
            if (!script) return std::fprintf(stderr, "%s\n", hs::to_string(script.error()).c_str()), 2;
            if (mode == "write") {
                std::ofstream f(dest, std::ios::binary | std::ios::trunc);
                f << *script;
                f.close();
                return ::chmod(dest.c_str(), 0755) == 0 && f ? 0 : 2;
            }
            const std::string installed = slurp(dest);
            expect(gw::openrc_script_is_current(installed, *script), "openrc_script_is_current is false");
            auto d = hs::openrc::read_script(installed);
            if (!d) return std::printf("MISMATCH %s\n", hs::to_string(d.error()).c_str()), 1;
            check_record(need(kv, "out"), d->argv, env_list(d->environment.begin(), d->environment.end()),
                         d->directory);
        } else {
            auto files = kind == "s6" ? gw::s6_service(o) : gw::runit_service(o);
            if (!files) return std::fprintf(stderr, "%s\n", hs::to_string(files.error()).c_str()), 2;
            if (mode == "write") return write_files(dest, *files);
            const hs::file_set installed = read_dir(dest, dir_files);
            const bool current = kind == "s6" ? gw::s6_service_is_current(installed, *files)
                                              : gw::runit_service_is_current(installed, *files);
            expect(current, kind + "_service_is_current is false");
            if (kind == "s6") {
                auto d = hs::s6::read_service(installed);
                if (!d) return std::printf("MISMATCH %s\n", hs::to_string(d.error()).c_str()), 1;
                check_record(need(kv, "out"), d->argv, env_list(d->environment.begin(), d->environment.end()),
                             d->working_directory);
            } else {
                auto d = hs::runit::read_service(installed);
                if (!d) return std::printf("MISMATCH %s\n", hs::to_string(d.error()).c_str()), 1;
                check_record(need(kv, "out"), d->argv, env_list(d->environment.begin(), d->environment.end()),
                             d->working_directory);
            }
        }
        return failures == 0 ? 0 : 1;
    }

    const spec s = make_spec(kind, name, kv);
    env_list want_env = s.env;
    if (!s.user.empty()) {
        want_env.emplace_back("HOME", s.home);
        want_env.emplace_back("USER", s.user);
        if (kind != "openrc") want_env.emplace_back("LOGNAME", s.user);
    }
    if (kind == "openrc") {
        auto script = build_script(s);
        if (!script) return std::fprintf(stderr, "%s\n", hs::to_string(script.error()).c_str()), 2;
        if (mode == "write") {
            std::ofstream f(dest, std::ios::binary | std::ios::trunc);
            f << *script;
            f.close();
            return ::chmod(dest.c_str(), 0755) == 0 && f ? 0 : 2;
        }
        auto d = hs::openrc::read_script(slurp(dest));
        if (!d) return std::printf("MISMATCH %s\n", hs::to_string(d.error()).c_str()), 1;
        expect(d->argv == s.argv, "read_script: argv differs from what was built");
        expect(d->environment == std::map<std::string, std::string>(s.env.begin(), s.env.end()),
               "read_script: environment differs");
        expect(d->directory == s.dir && d->command_user == s.user, "read_script: directory or user differs");
        check_record(need(kv, "out"), s.argv, want_env, s.dir);
        return failures == 0 ? 0 : 1;
    }
    auto files = build_dir(kind, s);
    if (!files) return std::fprintf(stderr, "%s\n", hs::to_string(files.error()).c_str()), 2;
    if (mode == "write") return write_files(dest, *files);
    const hs::file_set installed = read_dir(dest, dir_files);
    expect(installed == *files, "the installed files differ from the built ones");
    const std::map<std::string, std::string> env_map(s.env.begin(), s.env.end());
    if (kind == "s6") {
        auto d = hs::s6::read_service(installed);
        if (!d) return std::printf("MISMATCH %s\n", hs::to_string(d.error()).c_str()), 1;
        expect(d->argv == s.argv && d->environment == env_map && d->working_directory == s.dir &&
                   d->user == s.user && d->user_home == s.home && d->finish == s.finish &&
                   d->permanent_failure_exit_code == s.permanent && d->notification_fd == s.notify,
               "s6::read_service differs from what was built");
    } else {
        auto d = hs::runit::read_service(installed);
        if (!d) return std::printf("MISMATCH %s\n", hs::to_string(d.error()).c_str()), 1;
        expect(d->argv == s.argv && d->environment == env_map && d->working_directory == s.dir &&
                   d->user == s.user && d->user_home == s.home && d->finish == s.finish &&
                   d->permanent_failure_exit_code == s.permanent && d->log == s.log,
               "runit::read_service differs from what was built");
    }
    check_record(need(kv, "out"), s.argv, want_env, s.dir);
    return failures == 0 ? 0 : 1;
}
