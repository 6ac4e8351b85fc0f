// SPDX-License-Identifier: MIT
// hermes-gateway-service: an installer front end for the hermes gateway. It gathers this machine's
// facts (HOME, HERMES_HOME, the interpreter, the account), asks the library for the unit or plist,
// and does the I/O the library never does.
//
//   hermes-gateway-service print [--user|--system|--launchd]   the definitions this machine needs
//   hermes-gateway-service check [--user|--system|--launchd] [FILE]
//                                exit 0 when FILE (default: the installed path) is current,
//                                1 with the differences when it is stale or missing
//   hermes-gateway-service diff  [--user|--system] [FILE]       what a rewrite would change
// Options: --run-as USER (system unit's account; default: $SUDO_USER or the caller),
//          --python PATH, --project-root DIR (the checkout; the unit's fallback only),
//          --allow-temporary-home (write a HERMES_HOME under a temporary directory anyway).
#include <grp.h>       // getgrgid
#include <pwd.h>       // getpwnam, getpwuid
#include <sys/stat.h>  // stat
#include <unistd.h>    // getuid, access

#include <climits>  // PATH_MAX
#include <cstdio>   // std::printf, std::fopen
#include <cstdlib>  // std::getenv, realpath
#include <hermes/service/gateway.hpp>
#include <hermes/service/refresh.hpp>
#include <optional>  // std::optional
#include <string>    // std::string
#include <vector>    // std::vector

namespace gw = hermes::service::gateway;
namespace hs = hermes::service;

namespace {

enum class kind { user, system, launchd };

struct facts {
    std::string caller_home;  // the invoking account's home
    std::string hermes_home;  // resolved HERMES_HOME
    std::string hermes_home_env_form;
    bool hermes_home_is_dir = false;
    gw::installation install;
    gw::system_identity target;  // account of the system unit
    std::string tmpdir;
    std::vector<std::string> path_entries;
    bool allow_temporary_home = false;
};

bool is_dir(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string resolved(const std::string& p) {
    char buf[PATH_MAX];
    return ::realpath(p.c_str(), buf) != nullptr ? std::string(buf) : p;
}

std::optional<gw::system_identity> account(const char* name) {
    const passwd* pw = name != nullptr ? ::getpwnam(name) : ::getpwuid(::getuid());
    if (pw == nullptr) return std::nullopt;
    const group* gr = ::getgrgid(pw->pw_gid);
    return gw::system_identity{pw->pw_name, gr != nullptr ? gr->gr_name : std::to_string(pw->pw_gid),
                               pw->pw_dir, static_cast<unsigned>(pw->pw_uid)};
}

int fail(const std::string& what) {
    std::fprintf(stderr, "hermes-gateway-service: %s\n", what.c_str());
    return 2;
}

// Gathers this machine's facts; the library gets them as plain values.
hs::result<facts> gather(const char* run_as, const char* python, const char* project_root) {
    facts f;
    const auto me = account(nullptr);
    const char* home_env = std::getenv("HOME");
    f.caller_home = home_env != nullptr && *home_env != '\0' ? home_env : me ? me->home : "/";
    gw::home_inputs in;
    if (const char* h = std::getenv("HERMES_HOME")) in.hermes_home_env = h;
    in.user_home = f.caller_home;
    if (const char* s = std::getenv("HERMES_DATA_DIR_SUFFIX")) in.data_dir_suffix = s;
    auto home = gw::resolve_hermes_home(in);
    if (!home) return hs::unexpected_error(home.error());
    f.hermes_home_env_form = *home;
    f.hermes_home = resolved(*home);
    f.hermes_home_is_dir = is_dir(f.hermes_home);
    f.install.project_root =
        resolved(project_root != nullptr                   ? project_root
                 : is_dir(f.hermes_home + "/hermes-agent") ? f.hermes_home + "/hermes-agent"
                                                           : ".");
    const std::string venv_python = f.install.project_root + "/venv/bin/python";
    f.install.python = python != nullptr                          ? python
                       : ::access(venv_python.c_str(), X_OK) == 0 ? venv_python
                                                                  : "/usr/bin/python3";
    const char* sudo_user = std::getenv("SUDO_USER");
    const auto target = account(run_as != nullptr      ? run_as
                                : sudo_user != nullptr ? sudo_user
                                : me                   ? me->user.c_str()
                                                       : "root");
    if (!target) return hs::make_error(hs::errc::invalid_name, "--run-as", "no such account");
    f.target = *target;
    const char* tmp = std::getenv("TMPDIR");
    f.tmpdir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    if (is_dir(f.caller_home + "/.local/bin")) f.path_entries.push_back(f.caller_home + "/.local/bin");
    return f;
}

hs::result<std::string> render(const facts& f, kind k) {
    if (k == kind::launchd) {
        // launchd starts jobs with a minimal PATH, so the plist carries the invoking shell's.
        std::vector<std::string> path = f.path_entries;
        const char* shell_path = std::getenv("PATH");
        for (std::string rest = shell_path != nullptr ? shell_path : ""; !rest.empty();) {
            const std::size_t colon = rest.find(':');
            path.push_back(rest.substr(0, colon));
            rest = colon == std::string::npos ? "" : rest.substr(colon + 1);
        }
        gw::plist_options o = gw::agent_plist_options(f.install, f.hermes_home, f.caller_home + "/.hermes",
                                                      f.hermes_home_env_form, f.hermes_home_is_dir, path);
        o.tmpdir = f.tmpdir;
        o.allow_temporary_home = f.allow_temporary_home;
        return gw::launchd_plist(o);
    }
    gw::unit_options o =
        k == kind::user
            ? gw::user_unit_options(f.install, f.hermes_home, f.caller_home + "/.hermes",
                                    f.hermes_home_is_dir, f.path_entries)
            : gw::system_unit_options(f.install, f.hermes_home, f.caller_home, f.target, f.path_entries);
    o.tmpdir = f.tmpdir;
    o.allow_temporary_home = f.allow_temporary_home;
    return gw::systemd_unit(o);
}

std::string installed_path(const facts& f, kind k) {
    const std::string suffix = gw::service_suffix(f.hermes_home, f.caller_home + "/.hermes");
    if (k == kind::launchd) return gw::launchd_plist_path(f.caller_home, suffix);
    return gw::unit_file_path(k == kind::user ? gw::scope::user : gw::scope::system, suffix, f.caller_home);
}

std::optional<std::string> read_file(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return std::nullopt;
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0;) text.append(buf, n);
    std::fclose(file);
    return text;
}

std::string joined(const std::vector<std::string>& values) {
    if (values.empty()) return "(absent)";
    std::string out;
    for (const std::string& v : values) out += (out.empty() ? "" : ", ") + hs::detail::printable(v);
    return out;
}

void print_diff(const std::string& installed, const std::string& generated) {
    for (const auto& c : hs::systemd_unit_diff(installed, generated))
        std::printf("  [%s] %s: %s -> %s\n", c.section.c_str(), c.key.c_str(), joined(c.old_values).c_str(),
                    joined(c.new_values).c_str());
}

}  // namespace

int main(int argc, char** argv) {
    const std::string command = argc > 1 ? argv[1] : "print";
    std::optional<kind> only;
    const char* run_as = nullptr;
    const char* python = nullptr;
    const char* project_root = nullptr;
    const char* file = nullptr;
    bool allow_temporary_home = false;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--user")
            only = kind::user;
        else if (a == "--system")
            only = kind::system;
        else if (a == "--launchd")
            only = kind::launchd;
        else if (a == "--allow-temporary-home")
            allow_temporary_home = true;
        else if ((a == "--run-as" || a == "--python" || a == "--project-root") && i + 1 < argc)
            (a == "--run-as" ? run_as : a == "--python" ? python : project_root) = argv[++i];
        else if (a.rfind("--", 0) != 0 && file == nullptr)
            file = argv[i];
        else
            return fail("unknown argument " + a +
                        " (see the comment at the top of hermes_gateway_service.cpp)");
    }
    if (command != "print" && command != "check" && command != "diff")
        return fail("unknown command " + command);
    auto f = gather(run_as, python, project_root);
    if (!f) return fail(to_string(f.error()));
    f->allow_temporary_home = allow_temporary_home;

    if (!f->hermes_home_is_dir)
        std::fprintf(
            stderr,
            "note: HERMES_HOME %s is not an existing directory; the user unit and plist fall back to "
            "the checkout %s as WorkingDirectory (create HERMES_HOME to anchor them)\n",
            f->hermes_home.c_str(), f->install.project_root.c_str());
    if (command == "print") {
        for (const kind k : {kind::user, kind::system, kind::launchd}) {
            if (only && *only != k) continue;
            const auto text = render(*f, k);
            if (!text) return fail(to_string(text.error()));
            if (!only) std::printf("# %s\n", installed_path(*f, k).c_str());
            std::fputs(text->c_str(), stdout);
            if (!only && k != kind::launchd) std::printf("\n");
        }
        return 0;
    }
    const kind k = only.value_or(kind::user);
    if (command == "diff" && k == kind::launchd)
        return fail("diff compares systemd units; use check --launchd");
    const std::string path = file != nullptr ? file : installed_path(*f, k);
    const auto generated = render(*f, k);
    if (!generated) return fail(to_string(generated.error()));
    const auto installed = read_file(path);
    if (!installed) {
        std::printf("%s: not installed\n", path.c_str());
        return 1;
    }
    const bool current = k == kind::launchd ? hs::launchd_plist_is_current(*installed, *generated)
                                            : hs::systemd_unit_is_current(*installed, *generated);
    if (command == "check") std::printf("%s: %s\n", path.c_str(), current ? "current" : "stale, rewrite it");
    if (k != kind::launchd && (command == "diff" || !current)) print_diff(*installed, *generated);
    return command == "check" && !current ? 1 : 0;
}
