// SPDX-License-Identifier: MIT
// The supervisor probe: a statically linked program the s6, runit and OpenRC services under test run. It
// records what the supervisor gave it in $HERMES_PROBE_OUT (a directory; else $HERMES_HOME/probe-out): `argv`
// and `env` (NUL-separated), `cwd`, `ids` ("uid gid ppid"), appends "start <pid>" to `events`, and writes
// `ready` (its pid) last. With HERMES_PROBE_NOTIFY_FD it writes a newline to that descriptor (s6 readiness).
// If the file
// `$HERMES_PROBE_OUT/exit-code` holds a number, it exits with that status right after recording; else it
// waits for SIGTERM, appends "term <pid>" and exits 0.
#include <fcntl.h>
#include <unistd.h>  // also declares environ (_GNU_SOURCE)

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

std::string out_dir;
char term_line[64];
std::size_t term_len = 0;
char events_path[4096];

bool write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

bool put_file(const std::string& name, const std::string& data, int flags) {
    const std::string path = out_dir + "/" + name;
    const std::string tmp = path + ".tmp";
    const bool append = (flags & O_APPEND) != 0;
    const int fd = ::open(append ? path.c_str() : tmp.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
    if (fd < 0) return false;
    const bool ok = write_all(fd, data.data(), data.size()) && ::close(fd) == 0;
    return ok && (append || ::rename(tmp.c_str(), path.c_str()) == 0);
}

extern "C" void on_term(int /*signal*/) {
    const int fd = ::open(events_path, O_WRONLY | O_APPEND | O_CLOEXEC);  // async-signal-safe
    if (fd >= 0) {
        const ssize_t written = ::write(fd, term_line, term_len);  // nothing to do if it fails
        static_cast<void>(written);
        ::close(fd);
    }
    ::_exit(0);
}

}  // namespace

int main(int argc, char** argv) {
    const char* dir = std::getenv("HERMES_PROBE_OUT");
    if (dir != nullptr && *dir != '\0') {
        out_dir = dir;
    } else if (const char* home = std::getenv("HERMES_HOME"); home != nullptr && *home != '\0') {
        out_dir = std::string(home) + "/probe-out";  // the gateway's definitions set only HERMES_HOME
    } else {
        std::fprintf(stderr, "probe: neither HERMES_PROBE_OUT nor HERMES_HOME is set\n");
        return 100;
    }
    dir = out_dir.c_str();
    const long pid = static_cast<long>(::getpid());
    std::snprintf(events_path, sizeof events_path, "%s/events", dir);
    term_len = static_cast<std::size_t>(std::snprintf(term_line, sizeof term_line, "term %ld\n", pid));
    struct sigaction sa {};
    sa.sa_handler = on_term;
    ::sigaction(SIGTERM, &sa, nullptr);

    std::string args;
    for (int i = 0; i < argc; ++i) args.append(argv[i]).push_back('\0');
    std::string env;
    for (char** e = environ; *e != nullptr; ++e) env.append(*e).push_back('\0');
    char cwd[8192];
    std::string cwd_text = ::getcwd(cwd, sizeof cwd) != nullptr ? cwd : std::string("<getcwd failed>");
    const std::string ids = std::to_string(::getuid()) + " " + std::to_string(::getgid()) + " " +
                            std::to_string(::getppid()) + "\n";
    if (!put_file("argv", args, O_TRUNC) || !put_file("env", env, O_TRUNC) ||
        !put_file("cwd", cwd_text, O_TRUNC) || !put_file("ids", ids, O_TRUNC) ||
        !put_file("events", "start " + std::to_string(pid) + "\n", O_APPEND) ||
        !put_file("ready", std::to_string(pid) + "\n", O_TRUNC)) {
        std::fprintf(stderr, "probe: cannot write to %s: %s\n", dir, std::strerror(errno));
        return 100;
    }
    std::fprintf(stderr, "probe %ld started\n", pid);  // for runit's log/run (stderr joined to stdout)
    if (const char* fd = std::getenv("HERMES_PROBE_NOTIFY_FD"); fd != nullptr)
        if (::write(std::atoi(fd), "\n", 1) != 1)
            std::fprintf(stderr, "probe: notification fd %s: %s\n", fd, std::strerror(errno));
    const std::string code_path = out_dir + "/exit-code";
    if (FILE* f = std::fopen(code_path.c_str(), "re"); f != nullptr) {
        int code = 0;
        const int n = std::fscanf(f, "%d", &code);
        std::fclose(f);
        if (n == 1) return code;
    }
    for (;;) ::pause();
}
