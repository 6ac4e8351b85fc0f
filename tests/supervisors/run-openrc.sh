#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The library's OpenRC scripts under the real OpenRC (openrc-run + supervise-daemon, not PID 1), inside a
# private mount namespace: a tmpfs on /run/openrc with a softlevel, a temporary directory bound over
# /etc/init.d (the host's are never touched). Exact argv/environment/cwd for the hostile corpus through
# supervise-daemon's eval, rc-service restart and SIGKILL respawn in the same cwd, command_user, the seed's
# failure (a script pinned to a deleted checkout) and the gateway anchored at HERMES_HOME. See common.sh.
KIND=openrc
. "$(dirname "$0")/common.sh"
if [ "${HERMES_OPENRC_NS:-}" != 1 ]; then
    require_tools openrc-run rc-service supervise-daemon unshare
    before=$(grep -c ' /run/openrc \| /etc/init.d ' /proc/self/mountinfo)
    unshare --mount --propagation private env HERMES_OPENRC_NS=1 bash "$0" --defs "$DEFS" --probe "$PROBE"
    rc=$?
    after=$(grep -c ' /run/openrc \| /etc/init.d ' /proc/self/mountinfo)
    if [ "$rc" -eq 0 ] && [ "$before" = "$after" ]; then
        log "PASS the host's mounts are unchanged ($after on /run/openrc or /etc/init.d)"
    elif [ "$rc" -eq 0 ]; then
        log "FAIL mounts on the host changed: $before -> $after"; rc=1
    fi
    exit "$rc"
fi

W=$(mktemp -d /tmp/hermes-sv-openrc.XXXXXX); chmod 755 "$W"
WORK=$(hostile_workdir "$W") TUSER=hermes-sv-openrc THOME=$W/home
mkdir -p "$WORK" "$THOME" "$W/checkout" "$W/hermes-home/probe-out" "$W/gw-checkout" "$W/init.d"
make_user "$TUSER" "$THOME"
mkdir -p /run/openrc
mount -t tmpfs -o mode=0755 hermes-openrc-test /run/openrc || { bad "tmpfs on /run/openrc"; exit 1; }
mkdir -p /run/openrc/{daemons,exclusive,failed,hotplugged,inactive,options,scheduled,started,starting,stopping,tmp,wasinactive}
echo default >/run/openrc/softlevel
mount --bind "$W/init.d" /etc/init.d || { bad "bind mount over /etc/init.d"; umount /run/openrc; exit 1; }
SERVICES="hsv-hostile hsv-user hsv-pinned hsv-gateway"
cleanup() {
    local s p; for s in $SERVICES; do rc-service "$s" stop >/dev/null 2>&1; done
    for p in $(procs_matching "$W" | cut -d' ' -f1); do kill "$p" 2>/dev/null; done  # only what this run started
    umount /etc/init.d; umount /run/openrc
    drop_user "$TUSER"
    [ "$FAILS" -eq 0 ] && rm -rf "$W"
}
trap cleanup EXIT

common() { A=(probe="$PROBE" work="$WORK" out="$W/out-$1" pidfile="/run/openrc/hsv-$1.pid"); }
write() { # NAME CASE key=value...
    local name=$1 case=$2; shift 2; mkdir -p "$W/out-$name"
    "$DEFS" write openrc "/etc/init.d/hsv-$name" "$case" "$@" || bad "write $name"
}
common hostile; write hostile hostile "${A[@]}"
common user; write user user "${A[@]}" user="$TUSER" home="$THOME"; chown "$TUSER" "$W/out-user"
common pinned; write pinned pinned "${A[@]}" checkout="$W/checkout"
GW=(probe="$PROBE" checkout="$W/gw-checkout" hermes_home="$W/hermes-home" pidfile=/run/openrc/hsv-gateway.pid)
"$DEFS" write openrc /etc/init.d/hsv-gateway gateway "${GW[@]}" || bad "write gateway"
log "script hsv-user:"; grep -v '^_hermes_arg\|^export HOSTILE\|^ *[^ =]*$' /etc/init.d/hsv-user | cut -c1-150 | sed 's/^/    | /'

t=$(date +%s%N)
for s in $SERVICES; do (out=$(rc-service "$s" start 2>&1) || echo "rc-service $s start: $out" >"$W/start-$s.err") & done
wait
for f in "$W"/start-*.err; do [ -e "$f" ] && bad "$(cat "$f")"; done
for o in hostile user pinned; do wait_for 10 new_ready "$W/out-$o" || bad "$o never started"; done
wait_for 10 new_ready "$W/hermes-home/probe-out" || bad "gateway never started"
log "4 services up in $(ms_since "$t") ms"
common hostile; defs_check openrc /etc/init.d/hsv-hostile hostile "${A[@]}"
common user; defs_check openrc /etc/init.d/hsv-user user "${A[@]}" user="$TUSER" home="$THOME"
defs_check openrc /etc/init.d/hsv-gateway gateway "${GW[@]}" out="$W/hermes-home/probe-out"
read -r uid gid ppid <"$W/out-user/ids"
[ "$uid:$gid" = "$(id -u "$TUSER"):$(id -g "$TUSER")" ] && ok "command_user: runs as $TUSER ($uid:$gid)" || bad "command_user: ids $uid:$gid"
log "command_user: HOME/USER/LOGNAME from supervise-daemon: $(tr '\0' '\n' <"$W/out-user/env" | grep -E '^(HOME|USER|LOGNAME)=' | tr '\n' ' ')"
sd=$(cat /run/openrc/hsv-hostile.pid 2>/dev/null)
read -r _ _ ppid <"$W/out-hostile/ids"
[ -n "$sd" ] && [ "$ppid" = "$sd" ] && ok "the probe's parent is supervise-daemon ($sd)" || bad "parent $ppid, supervise-daemon ${sd:-none}"

old=$(ready_pid "$W/out-hostile"); t=$(date +%s%N); out=$(rc-service hsv-hostile restart 2>&1) || bad "restart: $out"
wait_for 10 new_ready "$W/out-hostile" "$old" && ok "rc-service restart: restarted in $(ms_since "$t") ms" || bad "rc-service restart: no restart"
grep -q "^term $old\$" "$W/out-hostile/events" && ok "the old probe got SIGTERM" || bad "no SIGTERM for $old"
common hostile; defs_check openrc /etc/init.d/hsv-hostile hostile "${A[@]}"
old=$(ready_pid "$W/out-hostile"); t=$(date +%s%N); kill -KILL "$old"
wait_for 10 new_ready "$W/out-hostile" "$old" && ok "SIGKILL: respawned in $(ms_since "$t") ms (respawn_delay=1)" || bad "SIGKILL: no respawn"
common hostile; defs_check openrc /etc/init.d/hsv-hostile hostile "${A[@]}"

# Exit 78: supervise-daemon cannot tell it apart and respawns (OpenRC lacks RestartPreventExitStatus).
echo 78 >"$W/out-hostile/exit-code"; n=$(starts "$W/out-hostile"); old=$(ready_pid "$W/out-hostile"); kill "$old"
sleep 3.2; rm -f "$W/out-hostile/exit-code"
log "exit 78 under supervise-daemon: $(($(starts "$W/out-hostile") - n)) starts in 3.2 s ($(rc-service hsv-hostile status 2>&1 | tr '\n' ' '))"
[ "$(($(starts "$W/out-hostile") - n))" -ge 2 ] && ok "exit 78: respawned (as documented: no exit status keeps it down)" || bad "exit 78: $(($(starts "$W/out-hostile") - n)) starts"

# The seed's failure: a script pinned to the checkout, which is then deleted.
rm -rf "$W/checkout"; old=$(ready_pid "$W/out-pinned")
out=$(rc-service hsv-pinned restart 2>&1); rc=$?; sleep 2
st=$(rc-service hsv-pinned status 2>&1 | tr '\n' ' ')
[ "$(ready_pid "$W/out-pinned")" = "$old" ] && ok "pinned to a deleted checkout: never comes up (restart rc=$rc: $(echo "$out" | tr '\n' ' ' | cut -c1-160); status: $st)" ||
    bad "pinned: came up again ($st)"
rc-service hsv-pinned stop >/dev/null 2>&1
# The gateway's script, anchored at HERMES_HOME: the checkout goes, a restart still comes up there.
rm -rf "$W/gw-checkout"; old=$(ready_pid "$W/hermes-home/probe-out"); rc-service hsv-gateway restart >/dev/null 2>&1
wait_for 10 new_ready "$W/hermes-home/probe-out" "$old" && [ "$(cat "$W/hermes-home/probe-out/cwd")" = "$W/hermes-home" ] &&
    ok "gateway: restarted after the checkout was deleted, cwd HERMES_HOME" || bad "gateway: not back after the checkout was deleted"

log "teardown: rc-service stop"
pids=$(cat "$W"/out-*/events "$W/hermes-home/probe-out/events" | awk '$1=="start"{print $2}')
t=$(date +%s%N)
for s in $SERVICES; do rc-service "$s" stop >/dev/null 2>&1 & done
wait
ok "stopped in $(ms_since "$t") ms"
left=; for p in $pids; do pid_alive "$p" && left="$left $p"; done
[ -z "$left" ] && ok "no probe left" || bad "probes left:$left"
wait_for 5 no_procs "$W" && ok "no supervise-daemon or probe refers to $W" || bad "left: $(procs_matching "$W")"
finish_result
