# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Cases 7-9 of run-e2e.sh (sourced by it): the general unit model (issue 8) on the real systemd: a timer fires a
# service, a socket activates one, and a drop-in moves a packaged unit to HERMES_HOME. Uses the harness of
# run-e2e.sh (C, install_unit, wait_running, expect, poll, $UNITS, $SHARE, $CASEDIR).

# 7. A timer built by unit_builder(unit_kind::timer) fires its oneshot service: OnActiveSec=1s once, then
#    OnUnitActiveSec=2s after each activation; every run appends a line to a log in the shared directory.
case_7() {
    local timer=hermes-e2e-tick.timer service=hermes-e2e-tick.service log=/e2e/out/tick.log
    "$UNITS" model-timer >"$CASEDIR/$timer"
    "$UNITS" model-timer-service "$log" >"$CASEDIR/$service"
    sed 's/^/    | /' "$CASEDIR/$timer" "$CASEDIR/$service"
    rm -f "$SHARE/out/tick.log"
    install_unit "$service" "$CASEDIR/$service"
    install_unit "$timer" "$CASEDIR/$timer"
    C systemctl daemon-reload
    expect "the service before the timer starts" "$(C systemctl show -p ActiveState --value "$service")" inactive
    local t0
    t0=$(date +%s.%N)
    C systemctl start "$timer"
    ticks() { [ -f "$SHARE/out/tick.log" ] && [ "$(wc -l <"$SHARE/out/tick.log")" -ge "$1" ]; }
    poll 15 0.1 ticks 3 || true
    local n first
    n=$(wc -l <"$SHARE/out/tick.log" 2>/dev/null || echo 0)
    first=$(head -n 1 "$SHARE/out/tick.log" 2>/dev/null || echo 0)
    log "observed: $n runs; first $(awk -v a="$t0" -v b="$first" 'BEGIN { printf "%.2f", b - a }') s after start;" \
        "gaps $(awk 'NR > 1 { printf "%.2f ", $1 - p } { p = $1 }' "$SHARE/out/tick.log" 2>/dev/null)s"
    expect "the timer fired the service at least 3 times (OnActiveSec, then OnUnitActiveSec)" "$([ "$n" -ge 3 ] && echo yes || echo no)" yes
    expect "the first run came after OnActiveSec=1s" "$(awk -v a="$t0" -v b="$first" 'BEGIN { print (b - a >= 0.9 && b - a < 5) ? "yes" : "no" }')" yes
    expect "the service's last result" "$(C systemctl show -p Result --value "$service")" success
    log "timer: $(C systemctl show -p ActiveState,SubState,Triggers,LastTriggerUSec "$timer" | paste -sd' ')"
    C systemctl stop "$timer"
}

# 8. A socket built by unit_builder(unit_kind::socket) activates its service on the first connection: the service
#    is inactive until a client connects to 127.0.0.1:PORT, then runs with the two listening sockets
#    (LISTEN_FDS=2); the file-system socket has SocketUser= and SocketMode=.
case_8() {
    local socket=hermes-e2e-sock.socket service=hermes-e2e-sock.service port=8517 path=/run/hermes-e2e/acme.sock
    "$UNITS" model-socket "$port" "$path" "$TEST_USER" >"$CASEDIR/$socket"
    "$UNITS" model-socket-service >"$CASEDIR/$service"
    sed 's/^/    | /' "$CASEDIR/$socket" "$CASEDIR/$service"
    install_unit "$service" "$CASEDIR/$service"
    install_unit "$socket" "$CASEDIR/$socket"
    C systemctl daemon-reload
    C systemctl start "$socket"
    expect "socket state" "$(C systemctl show -p ActiveState --value "$socket")/$(C systemctl show -p SubState --value "$socket")" "active/listening"
    expect "service before any connection" "$(C systemctl show -p ActiveState --value "$service")" inactive
    expect "owner and mode of $path" "$(C stat -c '%U %a %F' "$path")" "$TEST_USER 660 socket"
    log "connecting to 127.0.0.1:$port from inside the container"
    C bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && sleep 0.2" || log "note: the connection closed early"
    local pid
    if pid=$(wait_running "$service"); then
        "$UNITS" check-record "$SHARE/out/rec.$pid" env:LISTEN_FDS=2 env:LISTEN_PID="$pid" \
            env:LISTEN_FDNAMES="$socket:$socket" | sed 's/^/    /'
        [ "${PIPESTATUS[0]}" = 0 ] || FAILED=1
        log "observed: $(C systemctl show -p ActiveState,SubState,NConnections,NAccepted "$socket" | paste -sd' '); service $(props "$service")"
        expect "TriggeredBy of the service" "$(C systemctl show -p TriggeredBy --value "$service")" "$socket"
    else
        FAILED=1
    fi
    C systemctl stop "$socket" "$service"
}

# 9. A drop-in built by dropin_builder moves a packaged unit (hand-written, as a package ships it) from
#    WorkingDirectory=/opt/acme to HERMES_HOME, and reset("Service", "ExecStart").exec_start(...) replaces its
#    command: before, the packaged command in /opt/acme; after daemon-reload and restart, the drop-in's.
case_9() {
    local unit=hermes-e2e-pkg.service home="/root/hermes home/.hermes" conf
    conf=/etc/systemd/system/$unit.d/50-hermes-home.conf
    printf '[Unit]\nDescription=hermes e2e: a packaged unit\n\n[Service]\nWorkingDirectory=/opt/acme\nExecStart=/e2e/bin/probe --packaged\n' \
        >"$CASEDIR/$unit"
    "$UNITS" model-dropin "$home" >"$CASEDIR/50-hermes-home.conf"
    sed 's/^/    | /' "$CASEDIR/50-hermes-home.conf"
    C mkdir -p /opt/acme "$home"
    install_unit "$unit" "$CASEDIR/$unit"
    C systemctl daemon-reload
    C systemctl start "$unit"
    local pid
    pid=$(wait_running "$unit") || die "the packaged unit did not start"
    expect "packaged: WorkingDirectory" "$(C systemctl show -p WorkingDirectory --value "$unit")" /opt/acme
    expect "packaged: cwd of MainPID $pid" "$(C readlink "/proc/$pid/cwd")" /opt/acme
    "$UNITS" model-check-argv "$SHARE/out/rec.$pid" /e2e/bin/probe --packaged | sed 's/^/    /'
    [ "${PIPESTATUS[0]}" = 0 ] || FAILED=1
    install -m 644 "$CASEDIR/50-hermes-home.conf" "$SHARE/units/50-hermes-home.conf"
    C install -D -m 644 /e2e/units/50-hermes-home.conf "$conf"
    C systemctl daemon-reload
    C systemctl restart "$unit"
    pid=$(wait_running "$unit") || die "the unit did not start with the drop-in"
    expect "with the drop-in: DropInPaths" "$(C systemctl show -p DropInPaths --value "$unit")" "$conf"
    expect "with the drop-in: WorkingDirectory (systemctl show)" "$(C systemctl show -p WorkingDirectory --value "$unit")" "$home"
    expect "with the drop-in: /proc/$pid/cwd" "$(C readlink "/proc/$pid/cwd")" "$home"
    "$UNITS" model-check-argv "$SHARE/out/rec.$pid" /e2e/bin/probe --from-dropin "$home" | sed 's/^/    /'
    [ "${PIPESTATUS[0]}" = 0 ] || FAILED=1
    "$UNITS" check-record "$SHARE/out/rec.$pid" env:HERMES_HOME="$home" | sed 's/^/    /'
    [ "${PIPESTATUS[0]}" = 0 ] || FAILED=1
    log "observed: $(props "$unit"); ExecStart $(C systemctl show -p ExecStart --value "$unit" | sed 's/ ; ignore_errors.*//')"
}
