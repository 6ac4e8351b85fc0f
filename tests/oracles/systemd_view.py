#!/usr/bin/python3
"""Real-systemd test oracle: verify one unit file and print systemd's parsed view.

Usage:
    systemd_view.py [--user] [--stub ABSPATH ...] [--extra RELPATH=FILE ...] UNIT_FILE NAME
    systemd_view.py --probe [--user] [--stub ABSPATH ...]

UNIT_FILE holds the unit text; NAME is the unit name (e.g. hermes-gateway.service).
The text is copied into a fresh temporary tree as NAME and two commands are run:

  1. strict check:  systemd-analyze [--user] verify --man=no --recursive-errors=no ...
     -> exit status (rc) and the non-empty stderr lines (diagnostics)
  2. parsed view:   SYSTEMD_LOG_LEVEL=debug systemd-analyze [--user] verify --man=no ...
     -> stdout: the unit_dump block "\t-> Unit NAME:" is cut out and decoded

How executables are made to exist (verify fails on a missing Exec* binary):
  * system scope: always hermetic, with --root=$R.  The unit is $R/etc/systemd/system/NAME,
    $R/usr/lib/systemd/system/sysinit.target is a stub "[Unit]" (needed by the default
    dependencies), every --stub path P becomes an executable stub file $R/P, and every
    command that verify reports as "Command X is not executable" while X is an executable
    file on the host is mirrored into $R as a stub too (then the strict check is rerun).
  * user scope: systemd-analyze --user does not accept --root (observed: "Failed to
    initialize unit search paths for root directory ...: Invalid argument"), so the unit
    sits alone in a temporary directory, XDG_RUNTIME_DIR / XDG_CONFIG_HOME / XDG_DATA_HOME
    point to empty temporary directories, and --stub paths that do not exist on the host
    are overlaid (overlayfs, writes go to a tmpfs) inside a private mount namespace (unshare -m, or
    unshare -rm when not root).  If that is impossible the script exits 3.

Output (stdout), one record per line, every variable string as lowercase hex of its
bytes ('-' for the empty string):
    rc <int>
    diag <hex>                      one per non-empty stderr line of the strict check
    description <hex>
    working_directory <hex>
    user <hex>                      only when present
    group <hex>                     only when present
    env <hexname> <hexvalue>        one per Environment: line, dump order
    exec <Key> <hexarg0> <hexarg1>  one per command (Key = ExecStart, ExecStopPost, ...)
    prop <hexkey> <hexvalue>        every other "Key: value" line of the dump, in dump order
                                    (e.g. a timer's "OnActiveSec: 2s", a socket's "ListenStream: ...")

--extra RELPATH=FILE puts FILE into the unit directory as RELPATH beside the unit (another unit
it triggers, or a drop-in such as NAME.d/50-x.conf), so verify loads it too.

Exit status: 0 = output printed (whatever rc says); 2 = usage error or the dump could not
be decoded (never guessed); 3 = the oracle cannot run here (message on stderr).
--probe prints "ok" and exits 0 when the oracle can run with the given scope/stubs,
otherwise prints the reason on stderr and exits 3.

Standard library only; run with /usr/bin/python3.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

ANALYZE = "systemd-analyze"
# systemd's compiled-in executable search path (split-usr build, as on Debian 12),
# used only to mirror bare command names into the fake root.
SEARCH_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
NS_FLAG = "--_in_namespace"


class DecodeError(Exception):
    pass


class OracleUnavailable(Exception):
    pass


def hx(b):
    if isinstance(b, str):
        b = os.fsencode(b)
    return b.hex() if b else "-"


def die(code, msg):
    sys.stderr.write("systemd_view.py: %s\n" % msg)
    sys.exit(code)


# ---------------------------------------------------------------------------------------
# Command Line: decoding (reference §2.4, quote_command_line with SHELL_ESCAPE_EMPTY)

_SIMPLE_ESCAPES = {
    ord("a"): 0x07, ord("b"): 0x08, ord("f"): 0x0C, ord("n"): 0x0A, ord("r"): 0x0D,
    ord("t"): 0x09, ord("v"): 0x0B, ord("\\"): 0x5C, ord('"'): 0x22, ord("`"): 0x60,
    ord("$"): 0x24, ord("'"): 0x27,
}
_OCTAL = b"01234567"


def decode_command_line(line):
    """bytes -> list of bytes (argv). Raises DecodeError on anything unexpected."""
    argv = []
    i, n = 0, len(line)
    if n == 0:
        raise DecodeError("empty Command Line")
    while True:
        if i >= n:
            raise DecodeError("trailing separator in %r" % line)
        if line[i] == 0x22:  # "..."
            i += 1
            cur = bytearray()
            while True:
                if i >= n:
                    raise DecodeError("unterminated quote in %r" % line)
                c = line[i]
                if c == 0x22:
                    i += 1
                    break
                if c == 0x5C:
                    if i + 1 >= n:
                        raise DecodeError("dangling backslash in %r" % line)
                    e = line[i + 1]
                    if e in _SIMPLE_ESCAPES:
                        cur.append(_SIMPLE_ESCAPES[e])
                        i += 2
                    elif (i + 3 < n and line[i + 1] in _OCTAL and line[i + 2] in _OCTAL
                          and line[i + 3] in _OCTAL):
                        v = int(line[i + 1:i + 4], 8)
                        if v > 0o377:
                            raise DecodeError("octal escape out of range in %r" % line)
                        cur.append(v)
                        i += 4
                    else:
                        raise DecodeError("unknown escape \\%s in %r" % (chr(e), line))
                else:
                    cur.append(c)
                    i += 1
            argv.append(bytes(cur))
        else:  # bare word
            j = line.find(b" ", i)
            if j < 0:
                j = n
            word = line[i:j]
            if not word:
                raise DecodeError("empty bare word (double space?) in %r" % line)
            if any(ch in b'"\\`$\t\r\n' for ch in word):
                raise DecodeError("bare word with special character %r in %r" % (word, line))
            argv.append(word)
            i = j
        if i == n:
            return argv
        if line[i] != 0x20:
            raise DecodeError("expected space after argument at byte %d of %r" % (i, line))
        i += 1


# ---------------------------------------------------------------------------------------
# Dump parsing (reference §2.5)

def cut_block(stdout, name):
    header = b"\t-> Unit " + os.fsencode(name) + b":"
    lines = stdout.split(b"\n")
    try:
        start = lines.index(header)
    except ValueError:
        return None
    block = []
    for ln in lines[start + 1:]:
        if ln.startswith(b"\t-> Unit "):
            break
        if ln.startswith(b"\t\t") or not block:
            block.append(ln)
        else:
            # a raw value containing LF continues on a line not starting with two tabs
            block[-1] = block[-1] + b"\n" + ln
    while block and block[-1] == b"":
        block.pop()
    # the blank line that ends the block was joined to its last line
    if block and block[-1].endswith(b"\n"):
        block[-1] = block[-1][:-1]
    return block


_RAW_KEYS = {
    b"Description": "description",
    b"WorkingDirectory": "working_directory",
    b"User": "user",
    b"Group": "group",
}
_EXEC_HDR = re.compile(rb"^\t\t-> (Exec[A-Za-z]+):$")


def parse_block(block):
    fields = {}
    env = []
    execs = []
    props = []
    cur_exec = None
    for ln in block:
        m = _EXEC_HDR.match(ln)
        if m:
            cur_exec = m.group(1).decode("ascii")
            continue
        if ln.startswith(b"\t\t\t"):
            if ln.startswith(b"\t\t\tCommand Line: "):
                if cur_exec is None:
                    raise DecodeError("Command Line outside an Exec block: %r" % ln)
                execs.append((cur_exec, decode_command_line(ln[len(b"\t\t\tCommand Line: "):])))
            continue
        cur_exec = None
        body = ln[2:]
        key, sep, value = body.partition(b": ")
        if not sep:
            if body.endswith(b":"):
                key, value = body[:-1], b""
            else:
                continue
        if key in _RAW_KEYS:
            fields[_RAW_KEYS[key]] = value
        elif key != b"Environment":
            props.append((key, value))
        elif key == b"Environment":
            k, eq, v = value.partition(b"=")
            if not eq:
                raise DecodeError("Environment line without '=': %r" % ln)
            env.append((k, v))
    return fields, env, execs, props


# ---------------------------------------------------------------------------------------
# Running systemd-analyze

def run(cmd, env):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout, p.stderr


def make_stub(path):
    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"#!/bin/sh\nexit 0\n")
    os.chmod(path, 0o755)


def host_executable(cmd):
    """Host path of an executable named by a 'Command X' diagnostic, or None."""
    if cmd.startswith(b"/"):
        p = os.fsdecode(cmd)
        return p if os.path.isfile(p) and os.access(p, os.X_OK) else None
    if b"/" in cmd:
        return None
    for d in SEARCH_PATH:
        p = os.path.join(d, os.fsdecode(cmd))
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


_MISSING = re.compile(rb"^.*?: Command (.+) is not executable: No such file or directory$")


def diagnostics(stderr, unit_path=None, name=None):
    """Non-empty stderr lines; the temporary unit file path is shown as just NAME."""
    lines = [ln for ln in stderr.split(b"\n") if ln.strip()]
    if unit_path:
        up = os.fsencode(unit_path)
        lines = [ln.replace(up, os.fsencode(name)) for ln in lines]
    return lines


def check_stub_arg(s):
    if not s.startswith("/") or s.endswith("/") or "\0" in s:
        die(2, "--stub needs an absolute file path, got %r" % s)


def place_extras(unitdir, extras):
    for rel, src in extras:
        dst = os.path.join(unitdir, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)


def system_scope(text, name, stubs, base_env, tmp, extras=()):
    root = os.path.join(tmp, "root")
    unitdir = os.path.join(root, "etc", "systemd", "system")
    os.makedirs(unitdir)
    libdir = os.path.join(root, "usr", "lib", "systemd", "system")
    os.makedirs(libdir)
    with open(os.path.join(libdir, "sysinit.target"), "wb") as f:
        f.write(b"[Unit]\nDescription=oracle stub\n")
    with open(os.path.join(unitdir, name), "wb") as f:
        f.write(text)
    place_extras(unitdir, extras)
    for s in stubs:
        make_stub(root + s)
    inner = "/etc/systemd/system/" + name
    strict = [ANALYZE, "verify", "--man=no", "--recursive-errors=no", "--root=" + root, inner]
    rc, _, err = run(strict, base_env)
    mirrored = False  # (raw diagnostics: paths are matched before any rewriting)
    for ln in diagnostics(err):
        m = _MISSING.match(ln)
        if not m:
            continue
        hp = host_executable(m.group(1))
        if hp is not None and not os.path.exists(root + hp):
            make_stub(root + hp)
            mirrored = True
    if mirrored:
        rc, _, err = run(strict, base_env)
    denv = dict(base_env, SYSTEMD_LOG_LEVEL="debug")
    _, out, _ = run([ANALYZE, "verify", "--man=no", "--root=" + root, inner], denv)
    return rc, diagnostics(err, root + inner, name), out


def deepest_existing_dir(path):
    d = os.path.dirname(path)
    while not os.path.isdir(d):
        d = os.path.dirname(d)
    return d


def mount(args, what):
    p = subprocess.run(["mount"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise OracleUnavailable("%s failed: %s"
                                % (what, p.stderr.decode("utf-8", "replace").strip()))


def overlay_escape(path):
    return path.replace("\\", "\\\\").replace(",", "\\,").replace(":", "\\:")


def user_overlays(stubs, tmp, mounted):
    """Inside a private mount namespace: make the missing stub paths exist.

    For each deepest existing ancestor directory A of a missing stub, an overlay
    (lowerdir=A, upperdir=UPPER holding just the stub files) is mounted on A.  UPPER and
    the overlay workdir live on their own tmpfs so that they never "overlap" A (the kernel
    refuses that with ELOOP, e.g. for a stub under /tmp).  Mount points are appended to
    `mounted`."""
    missing = [s for s in stubs if not (os.path.isfile(s) and os.access(s, os.X_OK))]
    if not missing:
        return
    groups = {}
    for s in missing:
        if os.path.lexists(s):
            raise OracleUnavailable("stub path %s exists on the host but is not an executable file" % s)
        anc = deepest_existing_dir(s)
        if anc == "/":
            raise OracleUnavailable("cannot stub %s: no top-level directory of it exists" % s)
        groups.setdefault(anc, []).append(s)
    # collapse nested anchors onto the outermost one
    final = {}
    for a in sorted(groups, key=len):
        outer = next((o for o in final if a.startswith(o + "/")), None)
        final.setdefault(outer or a, []).extend(groups[a])
    layers = os.path.join(tmp, "layers")
    os.makedirs(layers)
    mount(["-t", "tmpfs", "-o", "mode=0755", "tmpfs", layers], "tmpfs mount on " + layers)
    mounted.append(layers)
    for i, (anc, paths) in enumerate(sorted(final.items())):
        upper = os.path.join(layers, str(i), "upper")
        work = os.path.join(layers, str(i), "work")
        os.makedirs(work)
        for s in paths:
            make_stub(os.path.join(upper, os.path.relpath(s, anc)))
        # writable overlay (writes land in the tmpfs): systemd-analyze needs a writable
        # /tmp (it mkdtemp()s /tmp/systemd-analyze-XXXXXX regardless of TMPDIR)
        opts = "lowerdir=%s,upperdir=%s,workdir=%s" % (
            overlay_escape(anc), overlay_escape(upper), overlay_escape(work))
        try:
            mount(["-t", "overlay", "overlay", "-o", opts, anc], "overlay mount on " + anc)
        except OracleUnavailable:
            # unprivileged (user namespace) overlays need the userxattr option
            mount(["-t", "overlay", "overlay", "-o", opts + ",userxattr", anc],
                  "overlay mount on " + anc)
        mounted.append(anc)


def user_scope(text, name, stubs, base_env, tmp, in_ns, extras=()):
    mounted = []
    try:
        if in_ns:
            user_overlays(stubs, tmp, mounted)
        return _user_scope(text, name, base_env, tmp, extras)
    finally:
        for m in reversed(mounted):
            subprocess.run(["umount", "-l", m], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _user_scope(text, name, base_env, tmp, extras=()):
    unitdir = os.path.join(tmp, "units")
    os.makedirs(unitdir)
    path = os.path.join(unitdir, name)
    with open(path, "wb") as f:
        f.write(text)
    place_extras(unitdir, extras)
    env = dict(base_env)
    # TMPDIR: verify creates its "systemd-temporary-*" directory there; /tmp may be a
    # read-only overlay inside the namespace.
    for var, sub in (("XDG_RUNTIME_DIR", "runtime"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_DATA_HOME", "data"), ("TMPDIR", "tmp")):
        d = os.path.join(tmp, sub)
        os.makedirs(d, mode=0o700)
        env[var] = d
    rc, _, err = run([ANALYZE, "--user", "verify", "--man=no", "--recursive-errors=no", path], env)
    denv = dict(env, SYSTEMD_LOG_LEVEL="debug")
    _, out, _ = run([ANALYZE, "--user", "verify", "--man=no", path], denv)
    return rc, diagnostics(err, path, name), out


def needs_namespace(user, stubs):
    return user and any(not (os.path.isfile(s) and os.access(s, os.X_OK)) for s in stubs)


def reexec_in_namespace(argv):
    unshare = shutil.which("unshare")
    if unshare is None:
        raise OracleUnavailable("user-scope stubs need 'unshare' (util-linux), not found")
    ns = [unshare, "-m", "--propagation", "private"] if os.geteuid() == 0 else \
         [unshare, "-r", "-m", "--propagation", "private"]
    cmd = ns + [sys.executable, os.path.abspath(__file__), NS_FLAG] + argv
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0 and not p.stdout and b"systemd_view.py:" not in p.stderr:
        raise OracleUnavailable("user-scope stubs need a private mount namespace; %s failed: %s"
                                % (" ".join(ns), p.stderr.decode("utf-8", "replace").strip()))
    sys.stdout.buffer.write(p.stdout)
    sys.stderr.buffer.write(p.stderr)
    sys.stdout.flush()
    sys.exit(p.returncode)


def parse_args(argv):
    user = False
    probe = False
    in_ns = False
    stubs = []
    extras = []
    pos = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--user":
            user = True
        elif a == "--probe":
            probe = True
        elif a == NS_FLAG:
            in_ns = True
        elif a == "--stub":
            if i + 1 >= len(argv):
                die(2, "--stub needs an argument")
            i += 1
            check_stub_arg(argv[i])
            stubs.append(argv[i])
        elif a.startswith("--stub="):
            check_stub_arg(a[len("--stub="):])
            stubs.append(a[len("--stub="):])
        elif a == "--extra":
            if i + 1 >= len(argv) or "=" not in argv[i + 1]:
                die(2, "--extra needs RELPATH=FILE")
            i += 1
            rel, _, src = argv[i].partition("=")
            if rel.startswith("/") or ".." in rel.split("/") or not rel:
                die(2, "--extra RELPATH must be relative without '..', got %r" % rel)
            extras.append((rel, src))
        elif a == "--":
            pos.extend(argv[i + 1:])
            break
        elif a.startswith("--"):
            die(2, "unknown option %s" % a)
        else:
            pos.append(a)
        i += 1
    return user, probe, in_ns, stubs, extras, pos


PROBE_UNIT = b"[Unit]\nDescription=probe\n[Service]\nExecStart=/bin/true\n"


def main(argv):
    user, probe, in_ns, stubs, extras, pos = parse_args(argv)
    if probe:
        if pos:
            die(2, "--probe takes no positional arguments")
    elif len(pos) != 2:
        die(2, "usage: systemd_view.py [--user] [--stub ABSPATH ...] UNIT_FILE NAME")
    if shutil.which(ANALYZE) is None:
        die(3, "%s not found in PATH" % ANALYZE)

    if probe:
        text, name = PROBE_UNIT, "oracle-probe.service"
    else:
        name = pos[1]
        if "/" in name or not name:
            die(2, "NAME must be a plain unit file name, got %r" % name)
        try:
            with open(pos[0], "rb") as f:
                text = f.read()
        except OSError as e:
            die(2, "cannot read %s: %s" % (pos[0], e))

    try:
        if needs_namespace(user, stubs) and not in_ns:
            reexec_in_namespace(argv)  # does not return
        base_env = dict(os.environ)
        base_env.pop("SYSTEMD_LOG_LEVEL", None)
        base_env.setdefault("LC_ALL", "C.UTF-8")
        with tempfile.TemporaryDirectory(prefix="hermes-sd-oracle-") as tmp:
            if user:
                rc, diags, out = user_scope(text, name, stubs, base_env, tmp, in_ns, extras)
            else:
                rc, diags, out = system_scope(text, name, stubs, base_env, tmp, extras)
    except OracleUnavailable as e:
        die(3, str(e))

    if probe:
        if rc != 0 or diags:
            die(3, "probe unit did not verify cleanly (rc %d): %s"
                % (rc, " | ".join(d.decode("utf-8", "replace") for d in diags)))
        sys.stdout.write("ok\n")
        return 0

    block = cut_block(out, name)
    if block is None and "@." in name:
        # verify instantiates a template "x@.service" as "x@i.service" (observed, 252)
        block = cut_block(out, name.replace("@.", "@i.", 1))
    if block is None:
        if rc == 0:
            die(2, "no '-> Unit %s:' block in the debug dump although verify passed" % name)
        block = []  # unit failed to load: no parsed view, only rc/diag
    try:
        fields, env, execs, props = parse_block(block)
    except DecodeError as e:
        die(2, "cannot decode dump: %s" % e)

    o = ["rc %d" % rc]
    o += ["diag " + hx(d) for d in diags]
    for k in ("description", "working_directory", "user", "group"):
        if k in fields:
            o.append("%s %s" % (k, hx(fields[k])))
    o += ["env %s %s" % (hx(k), hx(v)) for k, v in env]
    o += ["exec %s %s" % (key, " ".join(hx(a) for a in args)) for key, args in execs]
    o += ["prop %s %s" % (hx(k), hx(v)) for k, v in props]
    sys.stdout.write("\n".join(o) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
