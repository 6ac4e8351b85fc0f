#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The library's runit service directories under the real runit (runsvdir -P on a temporary directory, not
# PID 1): exact argv/environment/cwd for the hostile corpus, sv restart and SIGKILL restarts in the same
# cwd, finish, the permanent-failure exit code, log/run, down, the privilege drop, the seed's failure (a
# directory pinned to a deleted checkout) and the gateway anchored at HERMES_HOME. See common.sh.
KIND=runit
. "$(dirname "$0")/common.sh"
require_tools runsvdir runsv sv chpst svlogd

W=$(mktemp -d /tmp/hermes-sv-runit.XXXXXX); chmod 755 "$W"
SV=$W/service WORK=$(hostile_workdir "$W") TUSER=hermes-sv-runit THOME=$W/home
mkdir -p "$SV" "$WORK" "$THOME" "$W/checkout" "$W/hermes-home/probe-out" "$W/gw-checkout"
make_user "$TUSER" "$THOME"
RUNSVDIR=
stop_all() { sv -w 10 force-stop "$SV"/* "$SV"/*/log >/dev/null 2>&1; kill -HUP "$RUNSVDIR"; wait_for 10 pid_dead "$RUNSVDIR"; }
cleanup() {
    [ -n "$RUNSVDIR" ] && pid_alive "$RUNSVDIR" && stop_all
    drop_user "$TUSER"
    [ "$FAILS" -eq 0 ] && rm -rf "$W"
}
trap cleanup EXIT

common() { A=(probe="$PROBE" work="$WORK" out="$W/out-$1"); }
write() { # NAME CASE key=value...
    local name=$1 case=$2; shift 2; mkdir -p "$W/build/$name" "$W/out-$name"
    "$DEFS" write runit "$W/build/$name" "$case" "$@" || bad "write $name"
}
common hostile; write hostile hostile "${A[@]}"
common user; write user user "${A[@]}" user="$TUSER" home="$THOME"; chown "$TUSER" "$W/out-user"
common down; write down down "${A[@]}"
common pinned; write pinned pinned "${A[@]}" checkout="$W/checkout"
GW=(probe="$PROBE" checkout="$W/gw-checkout" hermes_home="$W/hermes-home")
mkdir -p "$W/build/gateway"; "$DEFS" write runit "$W/build/gateway" gateway "${GW[@]}" || bad "write gateway"
log "run script of 'user':"; sed -n '1,8p' "$W/build/user/run" | cut -c1-150 | sed 's/^/    | /'

t=$(date +%s%N)
setsid env --default-signal runsvdir -P "$SV" >"$W/runsvdir.log" 2>&1 &
RUNSVDIR=$!
mv "$W/build/"* "$SV/"
for o in hostile user pinned; do wait_for 10 new_ready "$W/out-$o" || bad "$o never started"; done
wait_for 10 new_ready "$W/hermes-home/probe-out" || bad "gateway never started"
log "4 services up in $(ms_since "$t") ms"
common hostile; defs_check runit "$SV/hostile" hostile "${A[@]}"
common user; defs_check runit "$SV/user" user "${A[@]}" user="$TUSER" home="$THOME"
defs_check runit "$SV/gateway" gateway "${GW[@]}" out="$W/hermes-home/probe-out"
read -r uid gid _ <"$W/out-user/ids"
[ "$uid:$gid" = "$(id -u "$TUSER"):$(id -g "$TUSER")" ] && ok "user: runs as $TUSER ($uid:$gid) with HOME, USER, LOGNAME" || bad "user: ids $uid:$gid"
wait_for 5 grep -q "probe $(ready_pid "$W/out-hostile") started" "$SV/hostile/log/main/current" &&
    ok "log/run: stderr in log/main/current ($(tail -n1 "$SV/hostile/log/main/current"))" || bad "log/run: nothing logged"

sleep 0.3
[ ! -e "$W/out-down/ready" ] && sv status "$SV/down" | grep -q '^down:' &&
    ok "down: not started ($(sv status "$SV/down"))" || bad "down: $(sv status "$SV/down")"
sv -w 5 up "$SV/down" >/dev/null; wait_for 5 new_ready "$W/out-down" && ok "down: sv up starts it" || bad "down: sv up"

old=$(ready_pid "$W/out-hostile"); t=$(date +%s%N); sv restart "$SV/hostile" >/dev/null
wait_for 10 new_ready "$W/out-hostile" "$old" && ok "sv restart: restarted in $(ms_since "$t") ms" || bad "sv restart: no restart"
common hostile; defs_check runit "$SV/hostile" hostile "${A[@]}"
old=$(ready_pid "$W/out-hostile"); t=$(date +%s%N); kill -KILL "$old"
wait_for 10 new_ready "$W/out-hostile" "$old" && ok "SIGKILL: respawned in $(ms_since "$t") ms" || bad "SIGKILL: no respawn"
common hostile; defs_check runit "$SV/hostile" hostile "${A[@]}"
wait_for 5 eval '[ "$(wc -l <"$W/out-hostile/finish.log")" -ge 2 ]'
log "finish.log (exit code, signal): $(tr '\n' ';' <"$W/out-hostile/finish.log")"
grep -q '^-1 9$' "$W/out-hostile/finish.log" && ok "finish: ran with runsv's arguments (-1 9 after SIGKILL)" || bad "finish: $(cat "$W/out-hostile/finish.log")"

# Exit 78 (the gateway's fatal configuration error): finish runs `sv down .`, runsv keeps it down.
echo 78 >"$W/out-hostile/exit-code"; n=$(starts "$W/out-hostile"); old=$(ready_pid "$W/out-hostile")
sv term "$SV/hostile" >/dev/null; wait_for 10 new_ready "$W/out-hostile" "$old"; sleep 1.8
[ "$(starts "$W/out-hostile")" -eq $((n + 1)) ] && sv status "$SV/hostile" | grep -q '^down:' &&
    ok "exit 78: started once, then kept down ($(sv status "$SV/hostile" | cut -c1-80))" || bad "exit 78: starts $n -> $(starts "$W/out-hostile"), $(sv status "$SV/hostile")"
rm -f "$W/out-hostile/exit-code"; old=$(ready_pid "$W/out-hostile")
sv up "$SV/hostile" >/dev/null; wait_for 10 new_ready "$W/out-hostile" "$old" && ok "exit 78: sv up brings it back" || bad "exit 78: not back"

# The seed's failure: a run script pinned to the checkout, which is then deleted.
rm -rf "$W/checkout"; old=$(ready_pid "$W/out-pinned"); n=$(grep -c "can't cd" "$W/runsvdir.log")
sv term "$SV/pinned" >/dev/null; sleep 3.2
tries=$(($(grep -c "can't cd" "$W/runsvdir.log") - n))
[ "$(ready_pid "$W/out-pinned")" = "$old" ] && [ "$tries" -ge 2 ] &&
    ok "pinned to a deleted checkout: loops, $tries failed starts in 3.2 s ('$(grep -m1 "can't cd" "$W/runsvdir.log")'; $(sv status "$SV/pinned"))" ||
    bad "pinned: tries=$tries, ready $(ready_pid "$W/out-pinned") (was $old)"
sv down "$SV/pinned" >/dev/null
# The gateway's directory, anchored at HERMES_HOME: the checkout goes, a restart still comes up there.
rm -rf "$W/gw-checkout"; old=$(ready_pid "$W/hermes-home/probe-out"); sv restart "$SV/gateway" >/dev/null
wait_for 10 new_ready "$W/hermes-home/probe-out" "$old" && [ "$(cat "$W/hermes-home/probe-out/cwd")" = "$W/hermes-home" ] &&
    ok "gateway: restarted after the checkout was deleted, cwd HERMES_HOME" || bad "gateway: not back after the checkout was deleted"
old=$(ready_pid "$W/hermes-home/probe-out"); kill -KILL "$old"; wait_for 10 new_ready "$W/hermes-home/probe-out" "$old" &&
    ok "gateway: respawned after SIGKILL with the checkout gone" || bad "gateway: no respawn"

log "teardown: sv force-stop, then SIGHUP to runsvdir"
pids=$(cat "$W"/out-*/events "$W/hermes-home/probe-out/events" | awk '$1=="start"{print $2}')
t=$(date +%s%N); stop_all && ok "runsvdir exited in $(ms_since "$t") ms" || bad "runsvdir still running"
RUNSVDIR=
left=; for p in $pids; do pid_alive "$p" && left="$left $p"; done
[ -z "$left" ] && ok "no probe left" || bad "probes left:$left"
wait_for 5 no_procs "$W" && ok "no runsv, svlogd or probe refers to $W" || bad "left: $(procs_matching "$W")"
finish_result
