#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Upstream's text for the golden inputs, by upstream version B's templates (upstream-gateway.md §1.3,
§1.5: the templates copied verbatim, the values filled in with the escaping upstream applies: every
ExecStart/ExecStopPost word `"..."` with \\ " % $ escaped, html.escape for ProgramArguments, everything
else raw). It is checked against the worked examples of §8.2 (the files here written from the reference)
before it writes anything, so a transcription error cannot pass silently.

    python3 render_upstream.py          # check §8.2, then (re)write the files of the other inputs
    python3 render_upstream.py --check  # check that every file here is what the templates give
"""
import hashlib
import html
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DESCRIPTION = "Hermes Agent Gateway - Messaging Platform Integration"

UNIT = """[Unit]
Description={SERVICE_DESCRIPTION}
After=network-online.target
Wants=network-online.target
{ordering_lines}StartLimitIntervalSec=0

[Service]
Type={systemd_type}
{systemd_watchdog_directives}{identity_lines}ExecStart={start}
WorkingDirectory={working_dir}
{env_lines}Environment="PATH={sane_path}"

Environment="HERMES_HOME={hermes_home}"
Environment="HERMES_SUPERVISED_CHILD=1"
Restart=always
RestartSec=5
RestartForceExitStatus=75
SuccessExitStatus=75
RestartPreventExitStatus=78
KillMode=mixed
KillSignal=SIGTERM
ExecReload=/bin/kill -USR1 $MAINPID
ExecStopPost=-{cleanup}
TimeoutStopSec={restart_timeout}
StandardOutput=journal
StandardError=journal

[Install]
WantedBy={wanted_by}
"""

PLIST = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>{label}</string>

    <key>ProgramArguments</key>
    <array>
        {prog_args_xml}
    </array>
    
    <key>WorkingDirectory</key>
    <string>{working_dir}</string>
    
    <key>EnvironmentVariables</key>
    <dict>
        <key>PATH</key>
        <string>{sane_path}</string>

        <key>HERMES_HOME</key>
        <string>{hermes_home}</string>
        <key>HERMES_SUPERVISED_CHILD</key>
        <string>1</string>
    </dict>

    <key>LimitLoadToSessionType</key>
    <array>
        <string>Aqua</string>
        <string>Background</string>
    </array>
    
    <key>RunAtLoad</key>
    <true/>
    
    <key>KeepAlive</key>
    <true/>

    <!-- ThrottleInterval raises launchd's default 10s minimum respawn interval
         to 30s so a crash-looping gateway can't hammer launchd into a rapid
         respawn storm; ExitTimeOut gives the gateway 25s of graceful-drain
         headroom before launchd escalates from SIGTERM to SIGKILL on stop. -->
    <key>ThrottleInterval</key>
    <integer>30</integer>

    <key>ExitTimeOut</key>
    <integer>25</integer>
{nofile_block}
    <key>StandardOutPath</key>
    <string>{log_dir}/gateway.log</string>
    
    <key>StandardErrorPath</key>
    <string>{log_dir}/gateway.error.log</string>
</dict>
</plist>
"""

FIXED_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]


def bootstrap(home, root, module):
    return ("import os, sys, runpy; os.environ['HERMES_HOME'] = os.environ.get('HERMES_HOME') or "
            f"{repr(str(home))}; os.environ.pop('PYTHONHOME', None); os.environ.pop('PYTHONPATH', None); "
            f"os.environ.pop('VIRTUAL_ENV', None); sys.path.insert(0, {repr(str(root))}); "
            f"import hermes_bootstrap; runpy.run_module({repr(module)}, run_name='__main__', alter_sys=True)")


def command(python, root, home, module, args):
    return [python, "-I", "-c", bootstrap(home, root, module), *args]


def systemd_command(argv):
    def word(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$") + '"'
    return " ".join(word(a) for a in argv)


def unit(c):
    system = c.get("identity") is not None
    home = c["hermes_home"]
    start = command(c["python"], c["root"], home, "hermes_cli.main", [*c.get("profile", []), "gateway", "run"])
    cleanup = command(c["python"], c["root"], home, "gateway.cgroup_cleanup", [])
    ident = c.get("identity")
    return UNIT.format(
        SERVICE_DESCRIPTION=DESCRIPTION,
        ordering_lines=f"After=user@{ident[3]}.service\nWants=user@{ident[3]}.service\n" if system else "",
        systemd_type="simple", systemd_watchdog_directives="",
        identity_lines=f"User={ident[0]}\nGroup={ident[1]}\n" if system else "",
        start=systemd_command(start), working_dir=home,
        env_lines=(f'Environment="HOME={ident[2]}"\nEnvironment="USER={ident[0]}"\n'
                   f'Environment="LOGNAME={ident[0]}"\n') if system else "",
        sane_path=":".join([*c.get("path_entries", []), *FIXED_PATH]), hermes_home=home,
        cleanup=systemd_command(cleanup), restart_timeout=70,
        wanted_by="multi-user.target" if system else "default.target")


def plist(c):
    home = c["hermes_home"]
    log_dir = home + "/logs"
    inner = command(c["python"], c["root"], home, "hermes_cli.main",
                    [*c.get("profile", []), "gateway", "run", "--external-supervisor"])
    argv = command(c["python"], c["root"], home, "hermes_cli.stderr_timestamp",
                   ["--error-log", log_dir + "/gateway.error.log", "--", *inner])
    shell = [p for p in c["shell_path"] if p]
    shell += sorted(d for d in ("/bin", "/usr/bin", "/usr/sbin", "/sbin") if d not in shell)
    nofile = ("\n    <key>SoftResourceLimits</key>\n    <dict>\n        <key>NumberOfFiles</key>\n"
              "        <integer>4096</integer>\n    </dict>\n")
    return PLIST.format(label=c["label"],
                        prog_args_xml="\n        ".join(f"<string>{html.escape(a)}</string>" for a in argv),
                        working_dir=home, sane_path=":".join(dict.fromkeys(c.get("priority", []) + shell)),
                        hermes_home=home, nofile_block=nofile, log_dir=log_dir)


def suffix(home):
    return hashlib.sha256(home.encode()).hexdigest()[:8]


ALICE = ("alice", "alice", "/home/alice", 1000)
VENV = dict(python="/home/alice/.hermes/hermes-agent/venv/bin/python", root="/home/alice/.hermes/hermes-agent")
SHELL = ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
WORK = "/home/alice/.hermes/profiles/work"
FOREIGN = "/srv/hermes-data"
PERCENT = "/home/alice/Hermes 50%off"
NODE = "/home/alice/Node Tools/bin"

# The seven inputs of issue 10: (file, renderer, case). The §8.2 files come first: they are the check.
CASES = [
    ("hermes-gateway.user.service", unit, dict(VENV, hermes_home="/home/alice/.hermes")),
    ("hermes-gateway-work.user.service", unit, dict(VENV, hermes_home=WORK, profile=["--profile", "work"])),
    ("hermes-gateway.system.service", unit, dict(VENV, hermes_home="/home/alice/.hermes", identity=ALICE)),
    ("hermes-gateway-work.system.service", unit,
     dict(VENV, hermes_home=WORK, profile=["--profile", "work"], identity=ALICE)),
    ("ai.hermes.gateway.plist", plist,
     dict(VENV, hermes_home="/home/alice/.hermes", label="ai.hermes.gateway", shell_path=SHELL)),
    ("ai.hermes.gateway-work.plist", plist,
     dict(VENV, hermes_home=WORK, profile=["--profile", "work"], label="ai.hermes.gateway-work",
          shell_path=SHELL)),
    # not in §8.2: written by this script
    (f"hermes-gateway-{suffix(FOREIGN)}.user.service", unit, dict(VENV, hermes_home=FOREIGN)),
    (f"ai.hermes.gateway-{suffix(FOREIGN)}.plist", plist,
     dict(VENV, hermes_home=FOREIGN, label=f"ai.hermes.gateway-{suffix(FOREIGN)}", shell_path=SHELL)),
    (f"hermes-gateway-{suffix(PERCENT)}.user.service", unit, dict(VENV, hermes_home=PERCENT)),
    (f"ai.hermes.gateway-{suffix(PERCENT)}.plist", plist,
     dict(VENV, hermes_home=PERCENT, label=f"ai.hermes.gateway-{suffix(PERCENT)}", shell_path=SHELL)),
    ("hermes-gateway-node.user.service", unit, dict(VENV, hermes_home="/home/alice/.hermes", path_entries=[NODE])),
    ("ai.hermes.gateway-node.plist", plist,
     dict(VENV, hermes_home="/home/alice/.hermes", label="ai.hermes.gateway", priority=[NODE],
          shell_path=[NODE] + SHELL)),
]
WORKED = 6  # the first six are copied from the reference


def main():
    check_only = "--check" in sys.argv[1:]
    bad = 0
    for i, (name, render, case) in enumerate(CASES):
        text = render(case)
        path = os.path.join(HERE, name)
        if i < WORKED or check_only:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    print(f"MISMATCH {name}: the templates do not give the file", file=sys.stderr)
                    bad = 1
        elif not bad:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {name}")
    return bad


if __name__ == "__main__":
    sys.exit(main())
