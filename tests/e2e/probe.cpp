// SPDX-License-Identifier: MIT
// The e2e probe: a statically linked program that the units under test start inside the container. It records
// exactly what it received from systemd (argv, environ, cwd, uid, gid) in a binary-safe file,
// /e2e/out/rec.<pid> (pid as the container sees it, i.e. the unit's MainPID), then waits for SIGTERM, so the
// service stays active (running) and can be inspected. SIGUSR1 (the gateway's ExecReload=) creates
// /e2e/out/usr1.<pid> instead of killing it. A run whose argv names gateway.cgroup_cleanup (the gateway's
// ExecStopPost=) records and exits at once.
//
// Record format (every item length-prefixed, so any byte but NUL round-trips):
//   hermes-e2e-probe 1\n uid <n>\n gid <n>\n argc <n>\n { <len> <bytes>\n } envc <n>\n { <len> <bytes>\n }
//   cwd <len> <bytes>\n
//
// C library calls only: it is linked with -static and must run in a minimal rootfs.
#include <fcntl.h>
#include <unistd.h>  // also declares environ (_GNU_SOURCE)

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

char usr1_path[64];

extern "C" void on_usr1(int /*signal*/) {
    const int fd = ::open(usr1_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);  // async-signal-safe
    if (fd >= 0) ::close(fd);
}

void put_item(std::string& out, const char* s, std::size_t n) {
    out += std::to_string(n);
    out += ' ';
    out.append(s, n);
    out += '\n';
}

bool write_all(int fd, const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        ssize_t w = ::write(fd, s.data() + done, s.size() - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        done += static_cast<std::size_t>(w);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::snprintf(usr1_path, sizeof usr1_path, "/e2e/out/usr1.%ld", static_cast<long>(::getpid()));
    struct sigaction sa {};
    sa.sa_handler = on_usr1;
    ::sigaction(SIGUSR1, &sa, nullptr);

    std::string rec = "hermes-e2e-probe 1\n";
    rec += "uid " + std::to_string(::getuid()) + "\n";
    rec += "gid " + std::to_string(::getgid()) + "\n";
    rec += "argc " + std::to_string(argc) + "\n";
    for (int i = 0; i < argc; ++i) put_item(rec, argv[i], std::strlen(argv[i]));
    std::size_t envc = 0;
    for (char** e = environ; *e != nullptr; ++e) ++envc;
    rec += "envc " + std::to_string(envc) + "\n";
    for (char** e = environ; *e != nullptr; ++e) put_item(rec, *e, std::strlen(*e));
    char cwd[8192];
    if (::getcwd(cwd, sizeof cwd) == nullptr)
        std::snprintf(cwd, sizeof cwd, "<getcwd: %s>", std::strerror(errno));
    rec += "cwd ";
    put_item(rec, cwd, std::strlen(cwd));

    // Write to a temporary name, then rename: the harness never reads a partial record.
    const std::string final_path = "/e2e/out/rec." + std::to_string(::getpid());
    const std::string tmp_path = final_path + ".tmp";
    int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || !write_all(fd, rec) || ::close(fd) != 0 ||
        ::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
        std::fprintf(stderr, "probe: cannot write %s: %s\n", final_path.c_str(), std::strerror(errno));
        return 1;
    }
    // Standing in for the gateway's python, the ExecStopPost= run (module gateway.cgroup_cleanup) ends at
    // once.
    for (int i = 1; i < argc; ++i)
        if (std::strstr(argv[i], "gateway.cgroup_cleanup") != nullptr) return 0;
    for (;;) ::pause();  // until SIGTERM (default action: exit)
}
