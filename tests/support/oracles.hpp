// Real-oracle helpers for the hermes-service tests: run systemd-analyze and xmllint /
// python3 plistlib (through tests/oracles/*.py) over a rendered text and return what the
// real tools parsed.  POSIX only (popen, mkstemp); no third-party dependencies.
//
// The script directory comes from the compile definition HERMES_TEST_ORACLE_DIR, a string
// literal such as "/path/to/repo/tests/oracles".
//
//   if (auto why = hermes_test::oracle::systemd_unavailable()) HERMES_SKIP(*why);
//   auto v = hermes_test::oracle::verify_unit(text, "hermes-gateway.service", false,
//                                             {"/opt/hermes/bin/hermes-gateway"});
//   CHECK(v.rc == 0); CHECK(v.diagnostics.empty());
//   CHECK(v.exec.at(0).first == "ExecStart");
//
// Oracle failures (script missing, undecodable dump, oracle not runnable here) throw
// std::runtime_error carrying the script's stderr.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#ifndef HERMES_TEST_ORACLE_DIR
#  error \
      "HERMES_TEST_ORACLE_DIR must be defined (string literal: directory of systemd_view.py / plist_view.py)"
#endif

namespace hermes_test::oracle {

// ------------------------------------------------------------------------------------------
// Result types

struct systemd_view {
    int rc = -1;                             // exit status of the strict verify run
    std::vector<std::string> diagnostics;    // its non-empty stderr lines
    std::optional<std::string> description;  // raw values from the debug dump
    std::optional<std::string> working_directory;
    std::optional<std::string> user;
    std::optional<std::string> group;
    std::vector<std::pair<std::string, std::string>> environment;  // dump order
    // one entry per command: (Exec key, argv); e.g. {"ExecStart", {"/bin/echo", "x"}}
    std::vector<std::pair<std::string, std::vector<std::string>>> exec;
    // every other "Key: value" line of the dump, in dump order (e.g. {"OnActiveSec", "2s"})
    std::vector<std::pair<std::string, std::string>> properties;

    // all values of one dump key, in dump order
    [[nodiscard]] std::vector<std::string> props(std::string_view key) const {
        std::vector<std::string> out;
        for (const auto& p : properties)
            if (p.first == key) out.push_back(p.second);
        return out;
    }

    // all argvs of one key, in dump order
    [[nodiscard]] std::vector<std::vector<std::string>> commands(std::string_view key) const {
        std::vector<std::vector<std::string>> out;
        for (const auto& e : exec)
            if (e.first == key) out.push_back(e.second);
        return out;
    }
    // value of the last Environment entry named `name`
    [[nodiscard]] std::optional<std::string> env(std::string_view name) const {
        std::optional<std::string> out;
        for (const auto& e : environment)
            if (e.first == name) out = e.second;
        return out;
    }
};

struct plist_leaf {
    std::string kind;   // string|integer|real|true|false|data|date|emptydict|emptyarray
    std::string path;   // hex-encoded keys / decimal indexes joined by '/'; see plist_path()
    std::string value;  // decoded: string text, integer decimal text, raw data bytes, ...
};

struct plist_view {
    int xmllint_rc = -1;             // plain `xmllint --noout` rc if nonzero, else the --dtdvalid rc
    bool strict_ok = false;          // plistlib (expat) parse + duplicate-key check passed
    std::string strict_error;        // "Type: message" when !strict_ok
    std::vector<plist_leaf> leaves;  // document order; empty when !strict_ok
    int xmllint_wellformed_rc = -1;  // plain `xmllint --noout --nonet`
    int xmllint_dtd_rc = -1;         // `xmllint --noout --nonet --dtdvalid plist-equivalent.dtd`
    std::vector<std::string> xmllint_diagnostics;  // stderr lines of both xmllint runs

    [[nodiscard]] const plist_leaf* find(std::string_view path) const {
        for (const auto& l : leaves)
            if (l.path == path) return &l;
        return nullptr;
    }
};

// ------------------------------------------------------------------------------------------
namespace detail {

inline std::string hex_encode(std::string_view s) {
    static constexpr char digits[] = "0123456789abcdef";
    if (s.empty()) return "-";
    std::string out;
    out.reserve(s.size() * 2);
    for (char c : s) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0FU]);
    }
    return out;
}

inline int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

inline std::string hex_decode(std::string_view h) {
    if (h == "-") return {};
    if (h.size() % 2 != 0) throw std::runtime_error("oracle: odd-length hex field: " + std::string(h));
    std::string out;
    out.reserve(h.size() / 2);
    for (std::size_t i = 0; i < h.size(); i += 2) {
        const int hi = hex_digit(h[i]);
        const int lo = hex_digit(h[i + 1]);
        if (hi < 0 || lo < 0) throw std::runtime_error("oracle: bad hex field: " + std::string(h));
        out.push_back(static_cast<char>(static_cast<unsigned char>(hi * 16 + lo)));
    }
    return out;
}

inline std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            out.push_back(s.substr(start));
            return out;
        }
        out.push_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

inline std::vector<std::string_view> lines(std::string_view s) {
    auto out = split(s, '\n');
    if (!out.empty() && out.back().empty()) out.pop_back();
    return out;
}

inline std::string shell_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out.push_back(c);
    }
    out.push_back('\'');
    return out;
}

// A temporary file removed on destruction.
class temp_file {
  public:
    explicit temp_file(std::string_view contents, const char* suffix_hint = "hermes-oracle") {
        const char* dir = std::getenv("TMPDIR");
        std::string tmpl = (dir != nullptr && *dir != '\0') ? dir : "/tmp";
        tmpl += "/";
        tmpl += suffix_hint;
        tmpl += "-XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        const int fd = ::mkstemp(buf.data());
        if (fd < 0) throw std::runtime_error("oracle: mkstemp failed: " + std::string(std::strerror(errno)));
        path_.assign(buf.data());
        std::size_t done = 0;
        while (done < contents.size()) {
            const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                const std::string err = std::strerror(errno);
                ::close(fd);
                ::unlink(path_.c_str());
                throw std::runtime_error("oracle: write to temp file failed: " + err);
            }
            done += static_cast<std::size_t>(n);
        }
        ::close(fd);
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    ~temp_file() { ::unlink(path_.c_str()); }
    [[nodiscard]] const std::string& path() const { return path_; }

  private:
    std::string path_;
};

inline std::string read_file(const std::string& path) {
    std::string out;
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
        std::fclose(f);
    }
    return out;
}

struct run_result {
    int status = -1;  // exit status, or -1 when the command did not exit normally
    std::string out;
    std::string err;
};

// Runs a /bin/sh command line, capturing stdout (pipe) and stderr (temp file).
inline run_result run(const std::string& command) {
    temp_file errf("", "hermes-oracle-err");
    const std::string full = command + " 2>" + shell_quote(errf.path()) + " </dev/null";
    run_result r;
    FILE* p = ::popen(full.c_str(), "r");
    if (p == nullptr) throw std::runtime_error("oracle: popen failed: " + std::string(std::strerror(errno)));
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int st = ::pclose(p);
    r.status = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
    r.err = read_file(errf.path());
    return r;
}

inline std::string oracle_dir() { return HERMES_TEST_ORACLE_DIR; }

// /usr/bin/python3 (the system interpreter, stdlib only) when present, else python3 on PATH.
inline std::string python() {
    if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
    return "python3";
}

inline std::string script(const char* name) {
    return shell_quote(python()) + " " + shell_quote(oracle_dir() + "/" + name);
}

inline std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

[[noreturn]] inline void fail(const char* what, const run_result& r) {
    throw std::runtime_error(std::string("oracle: ") + what + " exited " + std::to_string(r.status) + ": " +
                             trim(r.err));
}

inline int to_int(std::string_view s) { return std::stoi(std::string(s)); }

// Probes are cached per process and argument set (the answer does not change).
inline std::optional<std::string> probe(const std::string& args, const char* script_name, const char* tool) {
    struct entry {
        std::string key;
        std::optional<std::string> value;
    };
    static std::vector<entry> cache;
    const std::string key = std::string(script_name) + " " + args;
    for (const auto& e : cache)
        if (e.key == key) return e.value;
    std::optional<std::string> why;
    const run_result r = run(script(script_name) + " --probe" + args);
    if (r.status != 0 || trim(r.out) != "ok") {
        // 127: no python3; 3: the script's own reason (tool missing, namespace refused, ...)
        why = std::string(tool) + " oracle unavailable: " +
              (r.err.empty() ? "probe exited " + std::to_string(r.status) : trim(r.err));
    }
    cache.push_back({key, why});
    return why;
}

}  // namespace detail

// ------------------------------------------------------------------------------------------
// systemd

// nullopt when systemd-analyze verify and python3 work here (system scope); else the reason.
inline std::optional<std::string> systemd_unavailable() {
    return detail::probe("", "systemd_view.py", "systemd");
}

// Same for user scope (systemd-analyze --user verify with a private XDG_RUNTIME_DIR).
inline std::optional<std::string> systemd_user_unavailable() {
    return detail::probe(" --user", "systemd_view.py", "systemd (user scope)");
}

// User scope with stub executables needs a private mount namespace (unshare -m / -rm and
// overlayfs).  nullopt when that works here; else the reason.
inline std::optional<std::string> systemd_user_stubs_unavailable() {
    return detail::probe(" --user --stub /var/tmp/hermes-oracle-probe/bin/probe", "systemd_view.py",
                         "systemd (user scope with stubs)");
}

// Verifies `text` as unit `name`.  `stubs`: absolute paths of executables that do not exist
// on this host but are referenced by Exec* lines (they are made to exist for verify only).
// `extras`: (relative path, text) of files placed beside the unit: a unit it triggers, or a drop-in
// such as "NAME.d/50-x.conf".
inline systemd_view verify_unit(std::string_view text, std::string_view name = "test.service",
                                bool user_scope = false, const std::vector<std::string>& stubs = {},
                                const std::vector<std::pair<std::string, std::string>>& extras = {}) {
    detail::temp_file unit(text, "hermes-oracle-unit");
    std::vector<std::unique_ptr<detail::temp_file>> extra_files;
    std::string cmd = detail::script("systemd_view.py");
    if (user_scope) cmd += " --user";
    for (const auto& s : stubs) cmd += " --stub " + detail::shell_quote(s);
    for (const auto& [rel, content] : extras) {
        extra_files.push_back(std::make_unique<detail::temp_file>(content, "hermes-oracle-extra"));
        cmd += " --extra " + detail::shell_quote(rel + "=" + extra_files.back()->path());
    }
    cmd += " -- " + detail::shell_quote(unit.path()) + " " + detail::shell_quote(name);
    const detail::run_result r = detail::run(cmd);
    if (r.status != 0) detail::fail("systemd_view.py", r);

    systemd_view v;
    bool have_rc = false;
    for (std::string_view ln : detail::lines(r.out)) {
        const auto f = detail::split(ln, ' ');
        const std::string_view k = f[0];
        auto need = [&](std::size_t n) {
            if (f.size() != n) throw std::runtime_error("oracle: malformed line: " + std::string(ln));
        };
        if (k == "rc") {
            need(2);
            v.rc = detail::to_int(f[1]);
            have_rc = true;
        } else if (k == "diag") {
            need(2);
            v.diagnostics.push_back(detail::hex_decode(f[1]));
        } else if (k == "description") {
            need(2);
            v.description = detail::hex_decode(f[1]);
        } else if (k == "working_directory") {
            need(2);
            v.working_directory = detail::hex_decode(f[1]);
        } else if (k == "user") {
            need(2);
            v.user = detail::hex_decode(f[1]);
        } else if (k == "group") {
            need(2);
            v.group = detail::hex_decode(f[1]);
        } else if (k == "env") {
            need(3);
            v.environment.emplace_back(detail::hex_decode(f[1]), detail::hex_decode(f[2]));
        } else if (k == "exec") {
            if (f.size() < 3) throw std::runtime_error("oracle: malformed line: " + std::string(ln));
            std::vector<std::string> argv;
            for (std::size_t i = 2; i < f.size(); ++i) argv.push_back(detail::hex_decode(f[i]));
            v.exec.emplace_back(std::string(f[1]), std::move(argv));
        } else if (k == "prop") {
            need(3);
            v.properties.emplace_back(detail::hex_decode(f[1]), detail::hex_decode(f[2]));
        } else {
            throw std::runtime_error("oracle: unknown systemd_view.py record: " + std::string(ln));
        }
    }
    if (!have_rc) throw std::runtime_error("oracle: systemd_view.py printed no rc line");
    return v;
}

// ------------------------------------------------------------------------------------------
// plist

// nullopt when xmllint (with the shipped DTD/catalog) and python3 work here; else the reason.
inline std::optional<std::string> plist_unavailable() { return detail::probe("", "plist_view.py", "plist"); }

// One component of a plist leaf path: a dict key (any string) or an array index (integer).
class plist_component {
  public:
    plist_component(const char* key) : text_(detail::hex_encode(key)) {}
    plist_component(std::string_view key) : text_(detail::hex_encode(key)) {}
    plist_component(const std::string& key) : text_(detail::hex_encode(key)) {}
    template <typename I, typename = std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool> &&
                                                      !std::is_same_v<I, char>>>
    plist_component(I index) {
        if constexpr (std::is_signed_v<I>) {
            if (index < 0) throw std::invalid_argument("plist_path: negative array index");
        }
        text_ = std::to_string(static_cast<unsigned long long>(index));
    }
    [[nodiscard]] const std::string& text() const { return text_; }

  private:
    std::string text_;
};

// The path string plist_view uses: plist_path({"ProgramArguments", 0}) == "50726f...73/0".
// String components are dict keys (hex of UTF-8; an empty key is "-"), integers are array
// indexes; plist_path({}) is "." (the root object itself).
inline std::string plist_path(std::initializer_list<plist_component> components) {
    if (components.size() == 0) return ".";
    std::string out;
    for (const auto& c : components) {
        if (!out.empty()) out.push_back('/');
        out += c.text();
    }
    return out;
}

inline plist_view check_plist(std::string_view text) {
    detail::temp_file file(text, "hermes-oracle-plist");
    const detail::run_result r =
        detail::run(detail::script("plist_view.py") + " " + detail::shell_quote(file.path()));
    if (r.status != 0) detail::fail("plist_view.py", r);

    plist_view v;
    bool have_rc = false;
    bool have_strict = false;
    for (std::string_view ln : detail::lines(r.out)) {
        const auto f = detail::split(ln, ' ');
        const std::string_view k = f[0];
        auto need = [&](std::size_t n) {
            if (f.size() != n) throw std::runtime_error("oracle: malformed line: " + std::string(ln));
        };
        if (k == "xmllint") {
            need(2);
            v.xmllint_rc = detail::to_int(f[1]);
            have_rc = true;
        } else if (k == "xmllint_wf") {
            need(2);
            v.xmllint_wellformed_rc = detail::to_int(f[1]);
        } else if (k == "xmllint_dtd") {
            need(2);
            v.xmllint_dtd_rc = detail::to_int(f[1]);
        } else if (k == "xmllint_diag") {
            need(2);
            v.xmllint_diagnostics.push_back(detail::hex_decode(f[1]));
        } else if (k == "strict") {
            if (f.size() == 2 && f[1] == "ok") {
                v.strict_ok = true;
            } else if (f.size() == 3 && f[1] == "INVALID") {
                v.strict_ok = false;
                v.strict_error = detail::hex_decode(f[2]);
            } else {
                throw std::runtime_error("oracle: malformed line: " + std::string(ln));
            }
            have_strict = true;
        } else {
            need(3);
            v.leaves.push_back({std::string(k), std::string(f[1]), detail::hex_decode(f[2])});
        }
    }
    if (!have_rc || !have_strict) throw std::runtime_error("oracle: plist_view.py output incomplete");
    return v;
}

}  // namespace hermes_test::oracle
