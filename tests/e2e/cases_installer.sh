# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Cases 10-14 of the e2e suite, sourced by run-e2e.sh: the example installer (examples/hermes_gateway_service.cpp,
# linked statically as hermes_service_e2e_installer, passed in HERMES_E2E_INSTALLER) against the real systemd 252
# in the container. The gateway stand-in is the probe, installed where upstream's worked examples put the
# interpreter (/home/alice/.hermes/hermes-agent/venv/bin/python), so the installer finds it by its own rules.
#
#   10 install --user as alice: the stand-in runs with cwd = HERMES_HOME; status; uninstall leaves nothing
#   11 a checkout-pinned user unit in the 200/CHDIR loop is healed by one `refresh`
#   12 install --system as root for alice: runs as alice; uninstall leaves nothing
#   13 units holding upstream's worked-example text byte for byte: `refresh` says current, changes nothing
#   14 a symlink planted at the system unit path: refused, then replaced by --force (never written through)

readonly I_HOME=/home/$TEST_USER
readonly I_HERMES=$I_HOME/.hermes
readonly I_PYTHON=$I_HERMES/hermes-agent/venv/bin/python
readonly I_UDIR=$I_HOME/.config/systemd/user
readonly I_UNIT=hermes-gateway.service
I_GOLDEN=$(cd "$(dirname "${BASH_SOURCE[0]}")/../golden" && pwd)
readonly I_GOLDEN

# HI ARGS...: the installer as the test user (its HOME, its user manager); HR ARGS...: as root.
HI() {
    C runuser -u "$TEST_USER" -- env HOME="$I_HOME" XDG_RUNTIME_DIR="/run/user/$TEST_UID" \
        /e2e/bin/hermes-gateway-service "$@"
}
HR() { C /e2e/bin/hermes-gateway-service "$@"; }

# inst_run NAME HI|HR ARGS...: runs the installer, prints its output, sets RC and OUT.
inst_run() {
    local what=$1
    shift
    RC=0
    OUT=$("$@" 2>&1) || RC=$?
    log "$what (exit $RC):"
    printf '%s\n' "$OUT" | sed 's/^/    | /'
}
has() { grep -qF -- "$2" <<<"$1" && echo yes || echo no; }

inst_setup() {
    [ -n "${HERMES_E2E_INSTALLER:-}" ] && [ -x "$HERMES_E2E_INSTALLER" ] ||
        die "HERMES_E2E_INSTALLER (the statically linked example installer) is not set or not executable"
    install -m 755 "$HERMES_E2E_INSTALLER" "$SHARE/bin/hermes-gateway-service"
    # Case 6 leaves its user unit in place (the installer would rightly refuse to replace it): start clean.
    C rm -rf "$I_UDIR/$I_UNIT" "$I_UDIR/$I_UNIT.d" "$I_UDIR/default.target.wants/$I_UNIT"
    C install -d -o "$TEST_USER" -g "$TEST_USER" "$I_HERMES" "$I_HERMES/hermes-agent" "$I_HERMES/hermes-agent/venv" \
        "$I_HERMES/hermes-agent/venv/bin" "$I_HOME/.config" "$I_HOME/.config/systemd" "$I_UDIR"
    C install -o "$TEST_USER" -g "$TEST_USER" -m 755 /e2e/bin/probe "$I_PYTHON"
}

inst_user_cleanup() {
    CU systemctl --user disable --now "$I_UNIT" >/dev/null 2>&1 || true
    C rm -rf "$I_UDIR/$I_UNIT" "$I_UDIR/$I_UNIT.d" "$I_HOME/src"
    CU systemctl --user daemon-reload >/dev/null 2>&1 || true
    C systemctl stop "user@$TEST_UID.service" >/dev/null 2>&1 || true
}

inst_system_cleanup() {
    C systemctl disable --now "$I_UNIT" >/dev/null 2>&1 || true
    C rm -rf "/etc/systemd/system/$I_UNIT" /srv/victim /srv/open
    C systemctl daemon-reload
    C systemctl reset-failed "$I_UNIT" >/dev/null 2>&1 || true
    C systemctl stop "user@$TEST_UID.service" >/dev/null 2>&1 || true
}

# gone PID: the process no longer exists in the container; none of the test user's stand-ins is left.
inst_expect_nothing_runs() {
    expect "process $1 after uninstall" "$(C kill -0 "$1" 2>/dev/null && echo alive || echo gone)" gone
    expect "processes of $TEST_USER running the stand-in" "$(C pgrep -u "$TEST_USER" -f "$I_PYTHON" | wc -l)" 0
}

# 10. install --user as the target user brings the stand-in up with cwd = HERMES_HOME; uninstall removes it all.
case_10() {
    inst_setup
    CLEANUP="$CLEANUP inst_user_cleanup;"
    C systemctl start "user@$TEST_UID.service"
    inst_run "install --user, as $TEST_USER" HI install --user
    expect "install --user exit status" "$RC" 0
    local pid=
    if pid=$(wait_running "$I_UNIT" --user); then
        "$UNITS" check-record "$SHARE/out/rec.$pid" uid=$TEST_UID gid=$TEST_UID cwd="$I_HERMES" \
            env:HERMES_HOME="$I_HERMES" env:HERMES_SUPERVISED_CHILD=1 | sed 's/^/    /'
        [ "${PIPESTATUS[0]}" = 0 ] || FAILED=1
        expect "cwd of MainPID $pid" "$(C readlink "/proc/$pid/cwd")" "$I_HERMES"
        log "observed: $(CU systemctl --user show -p ActiveState,SubState,MainPID,NRestarts,UnitFileState "$I_UNIT" | paste -sd' ')"
    else
        FAILED=1
    fi
    C cat "$I_UDIR/$I_UNIT" >"$CASEDIR/installed.service"
    expect "the installed unit is upstream's worked example (§8.2 user unit), byte for byte" \
        "$(cmp -s "$CASEDIR/installed.service" "$I_GOLDEN/upstream/hermes-gateway.user.service" && echo yes || echo no)" yes
    expect "owner and mode of the unit file" "$(C stat -c '%U %a %F' "$I_UDIR/$I_UNIT")" "$TEST_USER 644 regular file"
    inst_run "status --user" HI status --user
    expect "status: current" "$(has "$OUT" "definition: current")" yes
    expect "status: systemd's state" "$(has "$OUT" "systemd: ActiveState=active")" yes
    inst_run "uninstall --user" HI uninstall --user
    expect "uninstall --user exit status" "$RC" 0
    expect "the unit file after uninstall" "$(C test -e "$I_UDIR/$I_UNIT" && echo present || echo absent)" absent
    expect "the enablement link after uninstall" \
        "$(C test -e "$I_UDIR/default.target.wants/$I_UNIT" && echo present || echo absent)" absent
    expect "systemctl --user is-active" "$(CU systemctl --user is-active "$I_UNIT" || true)" inactive
    [ -n "$pid" ] && inst_expect_nothing_runs "$pid"
}

# 11. A unit pinned to a checkout (the old way) loops on 200/CHDIR after the checkout is deleted; one
#     `refresh` prints the diff, rewrites the unit, reloads and restarts it: running, cwd = HERMES_HOME.
case_11() {
    local checkout=$I_HOME/src/hermes-agent/.worktrees/fix-34805
    local args=(--project-root "$checkout" --python "$I_PYTHON")
    inst_setup
    CLEANUP="$CLEANUP inst_user_cleanup;"
    C install -d -o "$TEST_USER" -g "$TEST_USER" "$I_HOME/src" "$I_HOME/src/hermes-agent" \
        "$I_HOME/src/hermes-agent/.worktrees" "$checkout"
    HI print --user "${args[@]}" >"$CASEDIR/generated.service"
    sed "s|^WorkingDirectory=.*|WorkingDirectory=$checkout|" "$CASEDIR/generated.service" >"$CASEDIR/stale.service"
    sed 's/^/    | /' "$CASEDIR/stale.service" | grep -E 'WorkingDirectory|ExecStart='
    install_unit "$I_UNIT" "$CASEDIR/stale.service" "$I_UDIR"
    C chown "$TEST_USER:$TEST_USER" "$I_UDIR/$I_UNIT"
    fast_restart "$I_UNIT" "$I_UDIR"
    C systemctl start "user@$TEST_UID.service"
    CU systemctl --user daemon-reload
    CU systemctl --user start "$I_UNIT"
    local pid
    pid=$(wait_running "$I_UNIT" --user) || die "the checkout-pinned unit did not start while its checkout existed"
    expect "cwd of MainPID $pid while the checkout exists" "$(C readlink "/proc/$pid/cwd")" "$checkout"
    log "deleting the checkout, then restarting the service"
    C rm -rf "$I_HOME/src"
    CU systemctl --user restart "$I_UNIT" || true
    USNAP=''
    uloop() {
        USNAP=$(CU systemctl --user show -p ActiveState,SubState,ExecMainStatus,NRestarts "$I_UNIT" | paste -sd' ')
        [[ $USNAP == *"SubState=auto-restart"* && $USNAP == *"ExecMainStatus=200"* ]] &&
            [ "$(sed -n 's/.*NRestarts=\([0-9]*\).*/\1/p' <<<"$USNAP")" -ge 3 ]
    }
    poll 20 0.1 uloop || FAILED=1
    log "before refresh: $USNAP"
    # (status shows the last failure only between two attempts: poll for it, as case 1 does)
    chdir_shown() { [ "$(has "$(CU systemctl --user status --no-pager -n 0 "$I_UNIT" 2>&1 || true)" "status=200/CHDIR")" = yes ]; }
    expect "systemctl --user status shows status=200/CHDIR" "$(poll 5 0.05 chdir_shown && echo yes || echo no)" yes
    inst_run "refresh --user, as $TEST_USER" HI refresh --user "${args[@]}"
    expect "refresh exit status" "$RC" 0
    expect "refresh printed the WorkingDirectory change" \
        "$(has "$OUT" "[Service] WorkingDirectory: $checkout -> $I_HERMES")" yes
    expect "refresh restarted the service" "$(has "$OUT" "+ systemctl --user restart $I_UNIT")" yes
    if pid=$(wait_running "$I_UNIT" --user); then
        expect "cwd of MainPID $pid after the refresh" "$(C readlink "/proc/$pid/cwd")" "$I_HERMES"
        log "after refresh: $(CU systemctl --user show -p ActiveState,SubState,MainPID,NRestarts "$I_UNIT" | paste -sd' ')"
    else
        FAILED=1
    fi
    C cat "$I_UDIR/$I_UNIT" >"$CASEDIR/refreshed.service"
    expect "the rewritten unit is what print prints" \
        "$(cmp -s "$CASEDIR/refreshed.service" "$CASEDIR/generated.service" && echo yes || echo no)" yes
    inst_run "refresh --user again" HI refresh --user "${args[@]}"
    expect "a second refresh has nothing to do" "$RC/$(has "$OUT" "is current; nothing to do")" 0/yes
}

# 12. install --system as root for alice: the unit runs as alice in her HERMES_HOME; uninstall removes it all.
case_12() {
    inst_setup
    CLEANUP="$CLEANUP inst_system_cleanup;"
    inst_run "install --system --run-as $TEST_USER, as root" \
        HR install --system --run-as "$TEST_USER" --project-root "$I_HERMES/hermes-agent" --python "$I_PYTHON"
    expect "install --system exit status" "$RC" 0
    C cat "/etc/systemd/system/$I_UNIT" >"$CASEDIR/installed.service"
    expect "lines of the unit mentioning /root" "$(grep -c /root "$CASEDIR/installed.service" || true)" 0
    expect "the installed unit is upstream's worked example (§8.2 system unit for alice), byte for byte" \
        "$(cmp -s "$CASEDIR/installed.service" "$I_GOLDEN/upstream/hermes-gateway.system.service" && echo yes || echo no)" yes
    local pid=
    if pid=$(wait_running "$I_UNIT"); then
        "$UNITS" check-record "$SHARE/out/rec.$pid" uid=$TEST_UID gid=$TEST_UID cwd="$I_HERMES" env:HOME="$I_HOME" \
            env:USER=$TEST_USER env:LOGNAME=$TEST_USER env:HERMES_HOME="$I_HERMES" | sed 's/^/    /'
        [ "${PIPESTATUS[0]}" = 0 ] || FAILED=1
        expect "process owner (ps)" "$(C ps -o user= -p "$pid")" "$TEST_USER"
        log "observed: $(props "$I_UNIT"), $(C systemctl show -p User,Group,UnitFileState "$I_UNIT" | paste -sd' ')"
    else
        FAILED=1
    fi
    inst_run "status --system" HR status --system
    expect "status: current and active" \
        "$(has "$OUT" "definition: current")/$(has "$OUT" "systemd: ActiveState=active")" yes/yes
    inst_run "uninstall --system (the unit's User= and HERMES_HOME adopted)" HR uninstall --system
    expect "uninstall --system exit status" "$RC" 0
    expect "the unit file after uninstall" "$(C test -e "/etc/systemd/system/$I_UNIT" && echo present || echo absent)" absent
    expect "the enablement link after uninstall" \
        "$(C test -e "/etc/systemd/system/multi-user.target.wants/$I_UNIT" && echo present || echo absent)" absent
    expect "systemctl is-active" "$(C systemctl is-active "$I_UNIT" || true)" inactive
    [ -n "$pid" ] && inst_expect_nothing_runs "$pid"
}

# 13. Units holding upstream's worked-example text, byte for byte: `refresh` reports them current and
#     rewrites nothing (a host and upstream's gateway managing the same unit do not fight).
case_13() {
    inst_setup
    CLEANUP="$CLEANUP inst_user_cleanup; inst_system_cleanup;"
    install_unit "$I_UNIT" "$I_GOLDEN/upstream/hermes-gateway.user.service" "$I_UDIR"
    C chown "$TEST_USER:$TEST_USER" "$I_UDIR/$I_UNIT"
    local before after
    before=$(C sha256sum "$I_UDIR/$I_UNIT")
    inst_run "refresh --user, as $TEST_USER, of upstream's user unit" HI refresh --user
    after=$(C sha256sum "$I_UDIR/$I_UNIT")
    expect "refresh of upstream's user unit" "$RC/$(has "$OUT" "is current; nothing to do")" 0/yes
    expect "the file is unchanged" "$after" "$before"
    install_unit "$I_UNIT" "$I_GOLDEN/upstream/hermes-gateway.system.service"
    C systemctl daemon-reload
    before=$(C sha256sum "/etc/systemd/system/$I_UNIT")
    inst_run "refresh --system, as root, of upstream's system unit for alice" HR refresh --system
    after=$(C sha256sum "/etc/systemd/system/$I_UNIT")
    expect "refresh of upstream's system unit" "$RC/$(has "$OUT" "is current; nothing to do")" 0/yes
    expect "the file is unchanged" "$after" "$before"
    inst_run "status --system" HR status --system
    expect "status of upstream's system unit" "$(has "$OUT" "definition: current")" yes
}

# 14. A symlink planted at /etc/systemd/system/hermes-gateway.service: install refuses it; --force replaces
#     the link itself by rename, and the file it pointed to is untouched. A unit directory others can write
#     to is refused.
case_14() {
    local args=(--system --run-as "$TEST_USER" --project-root "$I_HERMES/hermes-agent" --python "$I_PYTHON")
    inst_setup
    CLEANUP="$CLEANUP inst_system_cleanup;"
    C sh -c 'echo victim >/srv/victim'
    C ln -sfn /srv/victim "/etc/systemd/system/$I_UNIT"
    inst_run "install over a planted symlink" HR install "${args[@]}"
    expect "refused" "$RC/$(has "$OUT" "it is a symlink (--force replaces it)")" 1/yes
    expect "the symlink is still there, its target untouched" \
        "$(C stat -c %F "/etc/systemd/system/$I_UNIT")/$(C cat /srv/victim)" "symbolic link/victim"
    inst_run "install --force over the planted symlink" HR install --force "${args[@]}"
    expect "install --force exit status" "$RC" 0
    expect "the unit path is a regular file; the symlink's target is untouched" \
        "$(C stat -c %F "/etc/systemd/system/$I_UNIT")/$(C cat /srv/victim)" "regular file/victim"
    local pid
    if pid=$(wait_running "$I_UNIT"); then
        expect "process owner (ps)" "$(C ps -o user= -p "$pid")" "$TEST_USER"
    else
        FAILED=1
    fi
    C install -d -m 1777 /srv/open
    inst_run "install into a directory everyone can write to" HR install "${args[@]}" --unit-dir /srv/open
    expect "refused" "$RC/$(has "$OUT" "/srv/open is writable by other users (mode 1777)")" 1/yes
    expect "files left in /srv/open" "$(C find /srv/open -mindepth 1 | wc -l)" 0
}
