// SPDX-License-Identifier: MIT
// hermes-gateway-service: an installer for the hermes gateway's service definition. It gathers this
// machine's facts by upstream hermes-agent's rules (HOME, HERMES_HOME, the interpreter, PATH, the target
// account), asks the library for the unit or plist, and does the I/O the library never does: atomic
// writes, systemctl. Run with --help for the commands.
#include <fcntl.h>     // open, openat, O_*
#include <grp.h>       // getgrgid
#include <pwd.h>       // getpwnam, getpwuid
#include <sys/stat.h>  // stat, fstat, mkdirat, fchmod
#include <sys/wait.h>  // waitpid
#include <unistd.h>    // fork, execvp, pipe, fsync, geteuid, access

#include <cerrno>   // errno
#include <climits>  // PATH_MAX
#include <csignal>  // std::signal, SIGXFSZ
#include <cstdio>   // std::printf, std::fprintf
#include <cstdlib>  // std::getenv, realpath, mkstemp
#include <cstring>  // std::strerror
#include <hermes/service/gateway.hpp>
#include <hermes/service/refresh.hpp>
#include <optional>  // std::optional
#include <string>    // std::string
#include <vector>    // std::vector

namespace gw = hermes::service::gateway;
namespace hs = hermes::service;

namespace {

constexpr const char* usage_text =
    "usage: hermes-gateway-service COMMAND [--user|--system|--launchd] [OPTIONS]\n"
    "\n"
    "Commands (the unit of this machine's HERMES_HOME; --user is the default scope):\n"
    "  print [--user|--system|--launchd]   print the definitions this machine needs (all three by default)\n"
    "  check [--user|--system|--launchd] [FILE]\n"
    "                       exit 0 when FILE (default: the installed path) is current, 1 with the\n"
    "                       differences when it is stale or missing\n"
    "  diff [--user|--system] [FILE]       what a rewrite would change\n"
    "  install [--user|--system]   write the unit atomically, then systemctl daemon-reload and\n"
    "                       enable --now; refuses when a different unit is there (--force replaces it)\n"
    "  refresh [--user|--system]   when the installed unit is stale: print the differences, rewrite it,\n"
    "                       daemon-reload and restart; exit 0 when nothing was needed\n"
    "  uninstall [--user|--system] systemctl disable --now, remove the unit, daemon-reload\n"
    "  status [--user|--system]    the unit's path, current or stale (with the differences), and\n"
    "                       systemd's ActiveState, SubState and NRestarts\n"
    "\n"
    "Options:\n"
    "  --dry-run            print the commands and the file, change nothing\n"
    "  --force              install: replace a different unit (or a symlink) at the unit path;\n"
    "                       uninstall: remove a unit that pins another HERMES_HOME\n"
    "  --run-as USER        the system unit's account (default: $SUDO_USER, $USER, $LOGNAME)\n"
    "  --python PATH        the interpreter (default: <checkout>/venv/bin/python, .venv, python3)\n"
    "  --project-root DIR   the checkout (default: $HERMES_HOME/hermes-agent)\n"
    "  --unit-dir DIR       install into DIR instead of ~/.config/systemd/user or /etc/systemd/system\n"
    "  --allow-temporary-home   write a HERMES_HOME under a temporary directory anyway\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit status: 0 success (check: current), 1 stale, missing or a failure, 2 usage.\n";

enum class kind { user, system, launchd };

// ---- small POSIX helpers ----------------------------------------------------------------------

bool is_dir(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_executable_file(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

std::string current_dir() {
    char buf[PATH_MAX];
    return ::getcwd(buf, sizeof buf) != nullptr ? std::string(buf) : std::string("/");
}

/// `p` made absolute against the working directory (pathlib's absolute()).
std::string absolute(const std::string& p) {
    if (p.empty() || p.front() == '/') return p;
    return current_dir() + "/" + p;
}

/// pathlib's resolve(strict=False): symlinks resolved as far as the path exists, the rest kept.
std::string resolved(const std::string& p) {
    std::string path = hs::lexically_normal(absolute(p));
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) != nullptr) return buf;
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos || path == "/") return path;
    const std::string parent = slash == 0 ? "/" : path.substr(0, slash);
    const std::string head = resolved(parent);
    return (head == "/" ? "" : head) + path.substr(slash);
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t at = text.find(sep, start);
        out.push_back(text.substr(start, at - start));
        if (at == std::string::npos) return out;
        start = at + 1;
    }
}

std::vector<std::string> shell_path_entries() {
    const char* path = std::getenv("PATH");
    return path != nullptr ? split(path, ':') : std::vector<std::string>{};
}

/// shutil.which(name)'s directory as PATH spells it (symlinks not resolved: upstream #48700).
std::optional<std::string> which_dir(const std::string& name) {
    for (const std::string& dir : shell_path_entries())
        if (!dir.empty() && dir.front() == '/' &&
            is_executable_file(std::string(dir).append("/").append(name)))
            return dir;
    return std::nullopt;
}

void add_unique(std::vector<std::string>& to, const std::string& entry) {
    for (const std::string& e : to)
        if (e == entry) return;
    to.push_back(entry);
}

bool contains(const std::vector<std::string>& list, const std::string& entry) {
    for (const std::string& e : list)
        if (e == entry) return true;
    return false;
}

std::optional<gw::system_identity> account(const char* name) {
    const passwd* pw = name != nullptr ? ::getpwnam(name) : ::getpwuid(::getuid());
    if (pw == nullptr) return std::nullopt;
    const group* gr = ::getgrgid(pw->pw_gid);
    return gw::system_identity{pw->pw_name, gr != nullptr ? gr->gr_name : std::to_string(pw->pw_gid),
                               pw->pw_dir, static_cast<unsigned>(pw->pw_uid)};
}

const char* env_or_null(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : nullptr;
}

// ---- the facts, by upstream version B's rules ---------------------------------------------------

struct options {
    std::string command = "print";
    std::optional<kind> only;
    const char* run_as = nullptr;
    const char* python = nullptr;
    const char* project_root = nullptr;
    const char* unit_dir = nullptr;
    const char* file = nullptr;
    bool allow_temporary_home = false;
    bool dry_run = false;
    bool force = false;
};

struct facts {
    std::string caller_home;      // Path.home(): $HOME, else the account's home
    std::string account_home;     // pwd.getpwuid(os.getuid()).pw_dir (the plist's directory)
    std::string native_home;      // ~/.hermes + $HERMES_DATA_DIR_SUFFIX, resolved
    std::string hermes_home_env;  // get_hermes_home(): absolute, not resolved
    std::string hermes_home;      // get_hermes_home().resolve()
    bool hermes_home_is_dir = false;
    gw::installation install;
    std::string tmpdir;
    std::vector<std::string> service_dirs;  // _build_service_path_dirs()
    std::vector<std::string> wsl_dirs;      // the shell PATH's /mnt/... entries, under WSL
    std::optional<gw::system_identity> target;
    std::string target_problem;           // why there is no target account
    std::vector<std::string> bare_homes;  // homes that keep the bare service name
};

bool under_wsl() {
    if (::access("/proc/sys/fs/binfmt_misc/WSLInterop", F_OK) == 0) return true;
    std::FILE* f = std::fopen("/proc/sys/kernel/osrelease", "r");
    if (f == nullptr) return false;
    char buf[256] = {};
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    const std::string release(buf, n);
    return release.find("microsoft") != std::string::npos || release.find("Microsoft") != std::string::npos;
}

/// `_append_node_dir_for_service` for `home`: the legacy `<home>/node` tree (node/bin, node) when it is
/// there, else the directory where `node` is found on PATH. (The pm store's facts.json, preferred by
/// upstream, is not read here: its format is not part of the reference.)
std::vector<std::string> node_dirs(const std::string& home, const std::vector<std::string>& existing) {
    std::vector<std::string> out;
    const auto add = [&](const std::string& d) {
        if (!contains(existing, d) && !contains(out, d)) out.push_back(d);
    };
    if (is_dir(home + "/node")) {
        if (is_dir(home + "/node/bin")) add(home + "/node/bin");
        add(home + "/node");
        return out;
    }
    if (auto dir = which_dir("node")) add(*dir);
    return out;
}

/// `_build_user_local_paths(home, existing)`: the per-user tool directories that exist.
std::vector<std::string> user_local_dirs(const std::string& home, const std::vector<std::string>& existing) {
    std::vector<std::string> out;
    for (const char* rel : {"/.local/bin", "/.cargo/bin", "/go/bin", "/.npm-global/bin"}) {
        const std::string d = hs::lexically_normal(home + rel);
        if (is_dir(d) && !contains(existing, d)) out.push_back(d);
    }
    return out;
}

/// HERMES_HOME pinned by the unit at `path` (for the system unit root manages: upstream's sync).
std::optional<std::string> pinned_home_of(const std::string& path);

hs::result<facts> gather(const options& opt) {
    facts f;
    const auto me = account(nullptr);
    f.account_home = me ? me->home : "/";
    const char* home_env = env_or_null("HOME");
    f.caller_home = hs::lexically_normal(home_env != nullptr ? home_env : f.account_home);
    const char* suffix = std::getenv("HERMES_DATA_DIR_SUFFIX");
    f.native_home = resolved(f.caller_home + "/.hermes" + (suffix != nullptr ? suffix : ""));

    gw::home_inputs in;
    in.user_home = f.caller_home;
    if (suffix != nullptr) in.data_dir_suffix = suffix;
    if (const char* h = std::getenv("HERMES_HOME")) {
        std::string v = h;
        if (!v.empty() && v.front() != '/' && v.front() != '~' &&
            v.find_first_not_of(" \t\n") != std::string::npos)
            v = absolute(v);  // upstream resolve()s it; the library takes absolute paths
        in.hermes_home_env = v;
    }
    const bool system_scope = opt.only == kind::system;
    if (system_scope && !in.hermes_home_env && ::geteuid() == 0) {
        // Under sudo HERMES_HOME is stripped: adopt the one the bare system unit pins (upstream's
        // _sync_hermes_home_from_systemd_unit), which then keeps the bare name.
        const std::string dir = opt.unit_dir != nullptr ? opt.unit_dir : "/etc/systemd/system";
        if (auto pinned = pinned_home_of(dir + "/hermes-gateway.service")) {
            in.hermes_home_env = *pinned;
            f.bare_homes.push_back(*pinned);
        }
    }
    auto home = gw::resolve_hermes_home(in);
    if (!home) return hs::unexpected_error(home.error());
    f.hermes_home_env = *home;
    f.hermes_home = resolved(*home);
    f.hermes_home_is_dir = is_dir(f.hermes_home);
    if (const char* sudo_user = env_or_null("SUDO_USER"); sudo_user != nullptr && ::geteuid() == 0)
        if (auto su = account(sudo_user); su && su->uid != 0)
            f.bare_homes.push_back(resolved(su->home + "/.hermes"));

    // The checkout and the interpreter (upstream: PROJECT_ROOT, get_python_path()).
    f.install.project_root =
        resolved(opt.project_root != nullptr                   ? opt.project_root
                 : is_dir(f.hermes_home_env + "/hermes-agent") ? f.hermes_home_env + "/hermes-agent"
                                                               : current_dir());
    if (opt.python != nullptr) {
        f.install.python = absolute(opt.python);
    } else if (is_executable_file(f.install.project_root + "/venv/bin/python")) {
        f.install.python = f.install.project_root + "/venv/bin/python";
    } else if (is_executable_file(f.install.project_root + "/.venv/bin/python")) {
        f.install.python = f.install.project_root + "/.venv/bin/python";
    } else if (auto dir = which_dir("python3")) {
        f.install.python = *dir + "/python3";
    } else {
        f.install.python = "/usr/bin/python3";
    }

    // _build_service_path_dirs(): the Node tool directories of the checkout and HERMES_HOME.
    for (const std::string& d : {f.install.project_root + "/node_modules/.bin",
                                 f.hermes_home_env + "/node/bin", f.hermes_home_env + "/node_modules/.bin"})
        if (is_dir(d)) add_unique(f.service_dirs, d);
    if (under_wsl())
        for (const std::string& e : shell_path_entries())
            if (e.rfind("/mnt/", 0) == 0) add_unique(f.wsl_dirs, e);

    // _system_service_identity(): --run-as, else $SUDO_USER, $USER, $LOGNAME, the caller.
    const char* name = opt.run_as;
    for (const char* var : {"SUDO_USER", "USER", "LOGNAME"})
        if (name == nullptr) name = env_or_null(var);
    const std::string who = name != nullptr ? name : me ? me->user : "";
    if (who.empty()) {
        f.target_problem = "no account to run the system unit as; pass --run-as USER";
    } else if (who == "root" && opt.run_as == nullptr) {
        f.target_problem =
            "refusing to install the gateway system service as root; pass --run-as root to override "
            "(e.g. in LXC containers) or --run-as USER";
    } else if (auto t = account(who.c_str())) {
        f.target = *t;
    } else {
        f.target_problem = "no such account: " + who;
    }

    const char* tmp = env_or_null("TMPDIR");
    f.tmpdir = tmp != nullptr ? tmp : "/tmp";
    return f;
}

// ---- rendering ------------------------------------------------------------------------------------

hs::result<std::string> render(const facts& f, const options& opt, kind k) {
    if (k == kind::launchd) {
        // The plist: the service and Node directories, then the invoking shell's PATH (the library drops
        // repeats and empty entries and appends the missing system directories, as upstream does).
        std::vector<std::string> path = f.service_dirs;
        for (const std::string& d : node_dirs(f.hermes_home_env, path)) path.push_back(d);
        for (const std::string& e : shell_path_entries()) path.push_back(e);
        gw::plist_options o = gw::agent_plist_options(f.install, f.hermes_home, f.native_home,
                                                      f.hermes_home_env, f.hermes_home_is_dir, path);
        o.tmpdir = f.tmpdir;
        o.allow_temporary_home = opt.allow_temporary_home;
        return gw::launchd_plist(o);
    }
    gw::unit_options o;
    if (k == kind::user) {
        std::vector<std::string> path = f.service_dirs;
        for (const std::string& d : node_dirs(f.hermes_home_env, path)) path.push_back(d);
        for (const std::string& d : user_local_dirs(f.caller_home, path)) path.push_back(d);
        for (const std::string& d : f.wsl_dirs) add_unique(path, d);
        o = gw::user_unit_options(f.install, f.hermes_home, f.native_home, f.hermes_home_is_dir, path);
    } else {
        if (!f.target) return hs::make_error(hs::errc::missing_field, "--run-as", f.target_problem);
        // The target's HERMES_HOME, its Node directories (prepended, not remapped) and its tool dirs.
        const std::string target_home =
            gw::hermes_home_for_target_user(f.hermes_home_env, f.caller_home, f.target->home);
        const std::vector<std::string> target_node = node_dirs(target_home, {});
        std::vector<std::string> seen = target_node;
        for (const std::string& d : f.service_dirs)
            seen.push_back(gw::remap_path_for_user(d, f.caller_home, f.target->home));
        std::vector<std::string> path = f.service_dirs;
        for (const std::string& d : user_local_dirs(f.target->home, seen)) path.push_back(d);
        for (const std::string& d : f.wsl_dirs) add_unique(path, d);
        o = gw::system_unit_options(f.install, f.hermes_home_env, f.caller_home, *f.target, path,
                                    target_node);
    }
    o.tmpdir = f.tmpdir;
    o.allow_temporary_home = opt.allow_temporary_home;
    return gw::systemd_unit(o);
}

std::string unit_name(const facts& f, kind k) {
    return gw::systemd_service_name(gw::service_suffix(
               f.hermes_home, f.native_home, k == kind::system ? f.bare_homes : std::vector<std::string>{})) +
           ".service";
}

std::string unit_dir(const facts& f, const options& opt, kind k) {
    if (opt.unit_dir != nullptr) return hs::lexically_normal(absolute(opt.unit_dir));
    return k == kind::system ? "/etc/systemd/system" : f.caller_home + "/.config/systemd/user";
}

std::string installed_path(const facts& f, const options& opt, kind k) {
    if (k == kind::launchd)
        return gw::launchd_plist_path(f.account_home, gw::service_suffix(f.hermes_home, f.native_home));
    return unit_dir(f, opt, k) + "/" + unit_name(f, k);
}

// ---- files, written as root would have to: the file system is hostile --------------------------

struct fd_guard {
    int fd = -1;
    fd_guard() = default;
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
};

std::string mode_text(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

/// Opens directory `dir` (symlinks resolved first, then walked from / without following any), creating
/// missing components when `create`. Every directory on the way must belong to root or to us and must
/// not be writable by anyone else (an ancestor may be a root-owned sticky directory such as /tmp).
/// Returns the error text, or "" with `out` open and `canonical` the path walked.
std::string open_safe_dir(const std::string& dir, bool create, fd_guard& out, std::string& canonical) {
    canonical = resolved(dir);
    fd_guard cur;
    cur.fd = ::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cur.fd < 0) return std::string("cannot open /: ") + std::strerror(errno);
    const std::vector<std::string> parts = split(canonical.substr(1), '/');
    std::string so_far;
    for (std::size_t i = 0; i <= parts.size(); ++i) {
        if (i > 0) {
            const std::string& comp = parts[i - 1];
            if (comp.empty()) continue;
            so_far += "/" + comp;
            int next = ::openat(cur.fd, comp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (next < 0 && errno == ENOENT && create) {
                if (::mkdirat(cur.fd, comp.c_str(), 0755) != 0 && errno != EEXIST)
                    return "cannot create " + so_far + ": " + std::strerror(errno);
                next = ::openat(cur.fd, comp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            }
            if (next < 0)
                return errno == ELOOP || errno == ENOTDIR
                           ? so_far +
                                 " changed into a symlink or a file while it was opened; refusing to write"
                           : "cannot open " + so_far + ": " + std::strerror(errno);
            ::close(cur.fd);
            cur.fd = next;
        }
        struct stat st {};
        if (::fstat(cur.fd, &st) != 0) return "cannot stat " + so_far + ": " + std::strerror(errno);
        const std::string shown = so_far.empty() ? "/" : so_far;
        const bool last = i == parts.size();
        if (st.st_uid != 0 && st.st_uid != ::geteuid())
            return std::string("refusing to write into ")
                .append(canonical)
                .append(": ")
                .append(shown)
                .append(" belongs to uid ")
                .append(std::to_string(st.st_uid))
                .append(", not to root or to you (uid ")
                .append(std::to_string(::geteuid()))
                .append(")");
        const bool sticky_root = (st.st_mode & S_ISVTX) != 0 && st.st_uid == 0;
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (last || !sticky_root))
            return std::string("refusing to write into ")
                .append(canonical)
                .append(": ")
                .append(shown)
                .append(" is writable by other users (mode ")
                .append(mode_text(st.st_mode))
                .append(")");
    }
    out.fd = cur.fd;
    cur.fd = -1;
    return {};
}

struct existing_file {
    enum { missing, regular, other } state = missing;
    std::string text;
    std::string what;  // for `other`: what is there
};

/// The unit at `name` in `dirfd`, never through a symlink.
std::string read_existing(int dirfd, const std::string& name, existing_file& out) {
    fd_guard fd;
    fd.fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd.fd < 0) {
        if (errno == ENOENT) return {};
        if (errno == ELOOP) {
            out.state = existing_file::other;
            out.what = "a symlink";
            return {};
        }
        return "cannot read " + name + ": " + std::strerror(errno);
    }
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0) return "cannot stat " + name + ": " + std::strerror(errno);
    if (!S_ISREG(st.st_mode)) {
        out.state = existing_file::other;
        out.what = "not a regular file";
        return {};
    }
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return "cannot read " + name + ": " + std::strerror(errno);
        if (n == 0) break;
        out.text.append(buf, static_cast<std::size_t>(n));
    }
    out.state = existing_file::regular;
    return {};
}

std::optional<std::string> pinned_home_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    fd_guard dir;
    dir.fd = ::open(path.substr(0, slash == 0 ? 1 : slash).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir.fd < 0) return std::nullopt;
    existing_file e;
    if (!read_existing(dir.fd, path.substr(slash + 1), e).empty() || e.state != existing_file::regular)
        return std::nullopt;
    return hs::pinned_hermes_home(e.text);
}

/// Writes `text` as `dir/name`: an exclusive temporary file from mkstemp in the same directory, mode
/// 0644, fsync, rename over the name (a symlink there is replaced, never followed), fsync of the
/// directory. On failure the temporary file is removed and the old file is untouched.
std::string write_atomically(int dirfd, const std::string& dir, const std::string& name,
                             const std::string& text) {
    std::string tmpl = dir + "/." + name + ".XXXXXX";
    std::vector<char> path(tmpl.begin(), tmpl.end());
    path.push_back('\0');
    fd_guard fd;
    fd.fd = ::mkstemp(path.data());
    if (fd.fd < 0) return "cannot create a temporary file in " + dir + ": " + std::strerror(errno);
    const std::string base = std::string(path.data()).substr(dir.size() + 1);
    const auto fail = [&](const std::string& what) {
        const int e = errno;
        ::unlinkat(dirfd, base.c_str(), 0);
        return what + ": " + std::strerror(e) + " (nothing was changed)";
    };
    if (::fchmod(fd.fd, 0644) != 0) return fail("cannot set the mode of " + std::string(path.data()));
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd.fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("cannot write " + std::string(path.data()));
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.fd) != 0) return fail("cannot flush " + std::string(path.data()));
    const int closing = fd.fd;
    fd.fd = -1;
    if (::close(closing) != 0) return fail("cannot close " + std::string(path.data()));
    if (::renameat(dirfd, base.c_str(), dirfd, name.c_str()) != 0)
        return fail("cannot rename " + std::string(path.data()) + " to " + name);
    if (::fsync(dirfd) != 0)
        return "wrote " + dir + "/" + name + " but cannot flush " + dir + ": " + std::strerror(errno);
    return {};
}

// ---- systemctl ------------------------------------------------------------------------------------

std::vector<std::string> systemctl(kind k, std::vector<std::string> args) {
    std::vector<std::string> argv = {"systemctl"};
    if (k == kind::user) argv.emplace_back("--user");
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

std::string joined_words(const std::vector<std::string>& argv) {
    std::string out;
    for (const std::string& a : argv) out += (out.empty() ? "" : " ") + a;
    return out;
}

/// Runs argv (PATH searched); its standard output into `captured` when given. The exit status, 128+N
/// for a signal, 127 when it could not be started.
int run(const std::vector<std::string>& argv, std::string* captured = nullptr) {
    int pipe_fds[2] = {-1, -1};
    if (captured != nullptr && ::pipe(pipe_fds) != 0) return 127;
    const pid_t pid = ::fork();
    if (pid < 0) return 127;
    if (pid == 0) {
        if (captured != nullptr) {
            ::dup2(pipe_fds[1], STDOUT_FILENO);
            ::close(pipe_fds[0]);
            ::close(pipe_fds[1]);
        }
        std::vector<char*> args;
        args.reserve(argv.size() + 1);
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    if (captured != nullptr) {
        ::close(pipe_fds[1]);
        char buf[4096];
        for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) != 0;) {
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) break;
            captured->append(buf, static_cast<std::size_t>(n));
        }
        ::close(pipe_fds[0]);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// ---- the commands ---------------------------------------------------------------------------------

int fail(const std::string& what) {
    std::fprintf(stderr, "hermes-gateway-service: %s\n", what.c_str());
    return 1;
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

std::optional<std::string> read_file(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return std::nullopt;
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0;) text.append(buf, n);
    std::fclose(file);
    return text;
}

/// One systemctl step of install/refresh/uninstall: printed, run, and a failure is one line.
int step(const options& opt, const std::vector<std::string>& argv) {
    if (opt.dry_run) {
        std::printf("would run: %s\n", joined_words(argv).c_str());
        return 0;
    }
    std::printf("+ %s\n", joined_words(argv).c_str());
    std::fflush(stdout);
    const int rc = run(argv);
    if (rc == 0) return 0;
    return fail(joined_words(argv) +
                (rc == 127 ? " could not be started" : " failed with exit status " + std::to_string(rc)));
}

/// What the unit commands share: the unit's directory (checked), name, path and current contents.
struct unit_site {
    fd_guard dir;
    std::string dir_path;
    std::string name;
    std::string path;
    existing_file existing;
};

std::string open_site(const facts& f, const options& opt, kind k, bool create, unit_site& s) {
    s.name = unit_name(f, k);
    const std::string dir = unit_dir(f, opt, k);
    if (!create && !is_dir(dir)) {
        s.dir_path = dir;
        s.path = dir + "/" + s.name;
        return {};
    }
    if (auto why = open_safe_dir(dir, create, s.dir, s.dir_path); !why.empty()) return why;
    s.path = s.dir_path + "/" + s.name;
    return read_existing(s.dir.fd, s.name, s.existing);
}

/// For a system unit already installed: regenerate it for the account it names (upstream reads User=).
void adopt_unit_user(facts& f, const options& opt, kind k, const existing_file& e) {
    if (k != kind::system || opt.run_as != nullptr || e.state != existing_file::regular) return;
    if (auto user = hs::unit_user(e.text))
        if (auto t = account(user->c_str())) f.target = *t;
}

bool systemctl_missing() { return !which_dir("systemctl"); }

int install(facts& f, const options& opt, kind k) {
    const auto text = render(f, opt, k);
    if (!text) return fail(to_string(text.error()));
    if (!opt.dry_run && systemctl_missing()) return fail("systemctl is not on PATH; nothing was written");
    unit_site s;
    if (auto why = open_site(f, opt, k, !opt.dry_run, s); !why.empty()) return fail(why);
    const bool same = s.existing.state == existing_file::regular && s.existing.text == *text;
    if (s.existing.state != existing_file::missing && !same && !opt.force) {
        if (s.existing.state == existing_file::regular) {
            std::printf("%s differs from what install writes:\n", s.path.c_str());
            print_diff(s.existing.text, *text);
            return fail("refusing to replace " + s.path +
                        ": a different unit is installed there (--force replaces it)");
        }
        return fail("refusing to replace " + s.path + ": it is " + s.existing.what +
                    " (--force replaces it)");
    }
    if (same) {
        std::printf("%s is already installed and current\n", s.path.c_str());
    } else if (opt.dry_run) {
        std::printf("would write %s (mode 0644, atomically):\n%s", s.path.c_str(), text->c_str());
    } else {
        if (auto why = write_atomically(s.dir.fd, s.dir_path, s.name, *text); !why.empty()) return fail(why);
        std::printf("wrote %s\n", s.path.c_str());
    }
    if (step(opt, systemctl(k, {"daemon-reload"})) != 0) return 1;
    if (step(opt, systemctl(k, {"enable", "--now", s.name})) != 0) return 1;
    if (!opt.dry_run) std::printf("installed and started %s\n", s.name.c_str());
    return 0;
}

int refresh(facts& f, const options& opt, kind k) {
    unit_site s;
    if (auto why = open_site(f, opt, k, false, s); !why.empty()) return fail(why);
    if (s.existing.state == existing_file::missing)
        return fail(s.path + " is not installed; run install first");
    if (s.existing.state == existing_file::other)
        return fail("refusing to refresh " + s.path + ": it is " + s.existing.what +
                    " (install --force replaces it)");
    adopt_unit_user(f, opt, k, s.existing);
    const auto text = render(f, opt, k);
    if (!text) return fail(to_string(text.error()));
    if (hs::systemd_unit_is_current(s.existing.text, *text)) {
        std::printf("%s is current; nothing to do\n", s.path.c_str());
        return 0;
    }
    std::printf("%s is stale:\n", s.path.c_str());
    print_diff(s.existing.text, *text);
    if (opt.dry_run) {
        std::printf("would write %s (mode 0644, atomically):\n%s", s.path.c_str(), text->c_str());
    } else {
        if (systemctl_missing()) return fail("systemctl is not on PATH; nothing was written");
        if (auto why = write_atomically(s.dir.fd, s.dir_path, s.name, *text); !why.empty()) return fail(why);
        std::printf("rewrote %s\n", s.path.c_str());
    }
    if (step(opt, systemctl(k, {"daemon-reload"})) != 0) return 1;
    return step(opt, systemctl(k, {"restart", s.name}));
}

int uninstall(facts& f, const options& opt, kind k) {
    unit_site s;
    if (auto why = open_site(f, opt, k, false, s); !why.empty()) return fail(why);
    if (s.existing.state == existing_file::missing) {
        std::printf("%s is not installed; nothing to do\n", s.path.c_str());
        return 0;
    }
    adopt_unit_user(f, opt, k, s.existing);
    if (s.existing.state == existing_file::regular && !opt.force) {
        // upstream's _systemd_unit_belongs_to_current_home: never remove another home's unit
        const auto pinned = hs::pinned_hermes_home(s.existing.text);
        const std::string ours =
            k == kind::system && f.target
                ? gw::hermes_home_for_target_user(f.hermes_home_env, f.caller_home, f.target->home)
                : f.hermes_home;
        if (pinned && resolved(*pinned) != resolved(ours))
            return fail("refusing to uninstall " + s.path +
                        ": it pins HERMES_HOME=" + hs::detail::printable(*pinned) + ", not " +
                        hs::detail::printable(ours) + " (--force removes it anyway)");
    }
    if (!opt.dry_run && systemctl_missing()) return fail("systemctl is not on PATH; nothing was removed");
    if (step(opt, systemctl(k, {"disable", "--now", s.name})) != 0) return 1;
    if (opt.dry_run) {
        std::printf("would remove %s\n", s.path.c_str());
    } else {
        if (::unlinkat(s.dir.fd, s.name.c_str(), 0) != 0)
            return fail("cannot remove " + s.path + ": " + std::strerror(errno));
        ::fsync(s.dir.fd);
        std::printf("removed %s\n", s.path.c_str());
    }
    return step(opt, systemctl(k, {"daemon-reload"}));
}

int status(facts& f, const options& opt, kind k) {
    unit_site s;
    if (auto why = open_site(f, opt, k, false, s); !why.empty()) return fail(why);
    adopt_unit_user(f, opt, k, s.existing);
    const auto text = render(f, opt, k);
    if (!text) return fail(to_string(text.error()));
    std::printf("unit: %s\n", s.path.c_str());
    bool current = false;
    if (s.existing.state == existing_file::missing) {
        std::printf("definition: not installed\n");
    } else if (s.existing.state == existing_file::other) {
        std::printf("definition: %s, not a unit file written by this installer\n", s.existing.what.c_str());
    } else if ((current = hs::systemd_unit_is_current(s.existing.text, *text))) {
        std::printf("definition: current\n");
    } else {
        std::printf("definition: stale\n");
        print_diff(s.existing.text, *text);
    }
    const std::vector<std::string> show =
        systemctl(k, {"show", "-p", "ActiveState", "-p", "SubState", "-p", "NRestarts", s.name});
    if (opt.dry_run) {
        std::printf("would run: %s\n", joined_words(show).c_str());
        return current ? 0 : 1;
    }
    if (systemctl_missing()) return fail("systemctl is not on PATH; cannot ask systemd for the state");
    std::string out;
    const int rc = run(show, &out);
    if (rc != 0) return fail(joined_words(show) + " failed with exit status " + std::to_string(rc));
    std::string line;  // in this order, whatever order systemctl prints them in
    for (const std::string key : {"ActiveState=", "SubState=", "NRestarts="})
        for (const std::string& l : split(out, '\n'))
            if (l.rfind(key, 0) == 0) line += (line.empty() ? "" : " ") + l;
    std::printf("systemd: %s\n", line.c_str());
    return current ? 0 : 1;
}

int print_check_diff(const facts& f, const options& opt) {
    if (opt.command == "print") {
        for (const kind k : {kind::user, kind::system, kind::launchd}) {
            if (opt.only && *opt.only != k) continue;
            const auto text = render(f, opt, k);
            if (!text && !opt.only && k == kind::system) {
                std::printf("# system unit: not printed (%s)\n\n", text.error().message.c_str());
                continue;
            }
            if (!text) return fail(to_string(text.error()));
            if (!opt.only) std::printf("# %s\n", installed_path(f, opt, k).c_str());
            std::fputs(text->c_str(), stdout);
            if (!opt.only && k != kind::launchd) std::printf("\n");
        }
        return 0;
    }
    const kind k = opt.only.value_or(kind::user);
    if (opt.command == "diff" && k == kind::launchd)
        return fail("diff compares systemd units; use check --launchd");
    const std::string path = opt.file != nullptr ? opt.file : installed_path(f, opt, k);
    const auto generated = render(f, opt, k);
    if (!generated) return fail(to_string(generated.error()));
    const auto installed = read_file(path);
    if (!installed) {
        std::printf("%s: not installed\n", path.c_str());
        return 1;
    }
    const bool current = k == kind::launchd ? hs::launchd_plist_is_current(*installed, *generated)
                                            : hs::systemd_unit_is_current(*installed, *generated);
    if (opt.command == "check")
        std::printf("%s: %s\n", path.c_str(), current ? "current" : "stale, rewrite it");
    if (k != kind::launchd && (opt.command == "diff" || !current)) print_diff(*installed, *generated);
    return opt.command == "check" && !current ? 1 : 0;
}

int usage_error(const std::string& what) {
    std::fprintf(stderr, "hermes-gateway-service: %s (see --help)\n", what.c_str());
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGXFSZ,
                SIG_IGN);  // a file-size limit is a write error (and a removed temp file), not a crash
    options opt;
    int first = 1;
    if (argc > 1 && argv[1][0] != '-') {
        opt.command = argv[1];
        first = 2;
    }
    for (int i = first; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(usage_text, stdout);
            return 0;
        }
        if (a == "--user" || a == "--system" || a == "--launchd") {
            opt.only = a == "--user" ? kind::user : a == "--system" ? kind::system : kind::launchd;
        } else if (a == "--allow-temporary-home") {
            opt.allow_temporary_home = true;
        } else if (a == "--dry-run") {
            opt.dry_run = true;
        } else if (a == "--force") {
            opt.force = true;
        } else if (a == "--run-as" || a == "--python" || a == "--project-root" || a == "--unit-dir") {
            if (i + 1 >= argc) return usage_error(a + " needs a value");
            (a == "--run-as"         ? opt.run_as
             : a == "--python"       ? opt.python
             : a == "--project-root" ? opt.project_root
                                     : opt.unit_dir) = argv[++i];
        } else if (a.rfind('-', 0) != 0 && opt.file == nullptr &&
                   (opt.command == "check" || opt.command == "diff")) {
            opt.file = argv[i];
        } else {
            return usage_error("unknown argument " + a);
        }
    }
    const std::vector<std::string> commands = {"print",   "check",     "diff",  "install",
                                               "refresh", "uninstall", "status"};
    if (!contains(commands, opt.command)) return usage_error("unknown command " + opt.command);
    const bool unit_command = opt.command != "print" && opt.command != "check" && opt.command != "diff";
    if (unit_command && opt.only == kind::launchd)
        return usage_error(opt.command + " manages systemd units; for launchd use print --launchd");
    auto f = gather(opt);
    if (!f) return fail(to_string(f.error()));
    if (!f->hermes_home_is_dir && opt.only != kind::system)
        std::fprintf(
            stderr,
            "note: HERMES_HOME %s is not an existing directory; the user unit and plist fall back to "
            "the checkout %s as WorkingDirectory (create HERMES_HOME to anchor them)\n",
            f->hermes_home.c_str(), f->install.project_root.c_str());
    const kind k = opt.only.value_or(kind::user);
    if (opt.command == "install") return install(*f, opt, k);
    if (opt.command == "refresh") return refresh(*f, opt, k);
    if (opt.command == "uninstall") return uninstall(*f, opt, k);
    if (opt.command == "status") return status(*f, opt, k);
    return print_check_diff(*f, opt);
}
