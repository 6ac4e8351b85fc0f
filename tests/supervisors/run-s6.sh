#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The library's s6 service directories under the real s6 (s6-svscan on a temporary scandir, not PID 1):
# exact argv/environment/cwd for the hostile corpus, s6-svc -r and SIGKILL restarts in the same cwd,
# notification-fd, finish, the permanent-failure exit code, down, the privilege drop, the seed's failure
# (a directory pinned to a deleted checkout) and the gateway anchored at HERMES_HOME. See common.sh.
KIND=s6
. "$(dirname "$0")/common.sh"
require_tools s6-svscan s6-svc s6-svstat s6-svwait s6-svscanctl execlineb

W=$(mktemp -d /tmp/hermes-sv-s6.XXXXXX); chmod 755 "$W"
SCAN=$W/scan WORK=$(hostile_workdir "$W") TUSER=hermes-sv-s6 THOME=$W/home
mkdir -p "$SCAN" "$WORK" "$THOME" "$W/checkout" "$W/hermes-home/probe-out" "$W/gw-checkout"
make_user "$TUSER" "$THOME"
SVSCAN=
cleanup() {
    [ -n "$SVSCAN" ] && pid_alive "$SVSCAN" && { s6-svscanctl -t "$SCAN"; wait_for 10 pid_dead "$SVSCAN"; }
    drop_user "$TUSER"
    [ "$FAILS" -eq 0 ] && rm -rf "$W"
}
trap cleanup EXIT

write() { # NAME CASE key=value...
    local name=$1 case=$2; shift 2; mkdir -p "$SCAN/$name" "$W/out-$name"
    "$DEFS" write s6 "$SCAN/$name" "$case" "$@" || bad "write $name"
}
common() { A=(probe="$PROBE" work="$WORK" out="$W/out-$1"); }
common hostile; write hostile hostile "${A[@]}"
common user; write user user "${A[@]}" user="$TUSER" home="$THOME"; chown "$TUSER" "$W/out-user"
common down; write down down "${A[@]}"
common pinned; write pinned pinned "${A[@]}" checkout="$W/checkout"
GW=(probe="$PROBE" checkout="$W/gw-checkout" hermes_home="$W/hermes-home")
mkdir -p "$SCAN/gateway"; "$DEFS" write s6 "$SCAN/gateway" gateway "${GW[@]}" || bad "write gateway"
log "run script of 'user':"; sed -n '1,6p' "$SCAN/user/run" | cut -c1-150 | sed 's/^/    | /'

t=$(date +%s%N)
setsid env --default-signal s6-svscan "$SCAN" >"$W/svscan.log" 2>&1 &
SVSCAN=$!
for o in hostile user pinned; do wait_for 10 new_ready "$W/out-$o" || bad "$o never started"; done
wait_for 10 new_ready "$W/hermes-home/probe-out" || bad "gateway never started"
log "4 services up in $(ms_since "$t") ms"
common hostile; defs_check s6 "$SCAN/hostile" hostile "${A[@]}"
common user; defs_check s6 "$SCAN/user" user "${A[@]}" user="$TUSER" home="$THOME"
defs_check s6 "$SCAN/gateway" gateway "${GW[@]}" out="$W/hermes-home/probe-out"
read -r uid gid _ <"$W/out-user/ids"
[ "$uid:$gid" = "$(id -u "$TUSER"):$(id -g "$TUSER")" ] && ok "user: runs as $TUSER ($uid:$gid) with HOME, USER, LOGNAME" || bad "user: ids $uid:$gid"

s6-svwait -U -t 5000 "$SCAN/hostile" && [ "$(s6-svstat -o ready "$SCAN/hostile")" = true ] &&
    ok "notification-fd: s6-svwait -U returned, svstat ready=true" || bad "notification-fd: not ready"
sleep 0.3
[ ! -e "$W/out-down/ready" ] && [ "$(s6-svstat -o normallyup "$SCAN/down")" = false ] &&
    ok "down: not started, normallyup=false" || bad "down: started or normallyup"
s6-svc -wu -T 5000 -u "$SCAN/down" && wait_for 5 new_ready "$W/out-down" && ok "down: s6-svc -u starts it" || bad "down: s6-svc -u"

old=$(ready_pid "$W/out-hostile"); t=$(date +%s%N); s6-svc -r "$SCAN/hostile"
wait_for 10 new_ready "$W/out-hostile" "$old" && ok "s6-svc -r: restarted in $(ms_since "$t") ms" || bad "s6-svc -r: no restart"
common hostile; defs_check s6 "$SCAN/hostile" hostile "${A[@]}"
old=$(ready_pid "$W/out-hostile"); t=$(date +%s%N); kill -KILL "$old"
wait_for 10 new_ready "$W/out-hostile" "$old" && ok "SIGKILL: respawned in $(ms_since "$t") ms" || bad "SIGKILL: no respawn"
common hostile; defs_check s6 "$SCAN/hostile" hostile "${A[@]}"
wait_for 5 eval '[ "$(wc -l <"$W/out-hostile/finish.log")" -ge 2 ]'
log "finish.log (exit code, signal, ...): $(tr '\n' ';' <"$W/out-hostile/finish.log")"
grep -q '^256 9 ' "$W/out-hostile/finish.log" && ok "finish: ran with s6's arguments (256 9 after SIGKILL)" || bad "finish: $(cat "$W/out-hostile/finish.log")"

# Exit 78 (the gateway's fatal configuration error): finish exits 125, s6 keeps the service down.
echo 78 >"$W/out-hostile/exit-code"; n=$(starts "$W/out-hostile"); old=$(ready_pid "$W/out-hostile")
s6-svc -r "$SCAN/hostile"; wait_for 10 new_ready "$W/out-hostile" "$old"; sleep 1.8
[ "$(starts "$W/out-hostile")" -eq $((n + 1)) ] && [ "$(s6-svstat -o up,wantedup "$SCAN/hostile")" = "false false" ] &&
    ok "exit 78: started once, then kept down ($(s6-svstat "$SCAN/hostile"))" || bad "exit 78: starts $n -> $(starts "$W/out-hostile"), $(s6-svstat "$SCAN/hostile")"
rm -f "$W/out-hostile/exit-code"; old=$(ready_pid "$W/out-hostile")
s6-svc -u "$SCAN/hostile"; wait_for 10 new_ready "$W/out-hostile" "$old" && ok "exit 78: s6-svc -u brings it back" || bad "exit 78: not back"

# The seed's failure: a run script pinned to the checkout, which is then deleted.
rm -rf "$W/checkout"; old=$(ready_pid "$W/out-pinned"); n=$(grep -c 'unable to chdir' "$W/svscan.log")
s6-svc -r "$SCAN/pinned"; sleep 3.2
tries=$(($(grep -c 'unable to chdir' "$W/svscan.log") - n))
[ "$(ready_pid "$W/out-pinned")" = "$old" ] && [ "$tries" -ge 2 ] &&
    ok "pinned to a deleted checkout: loops, $tries failed starts in 3.2 s ('$(grep -m1 'unable to chdir' "$W/svscan.log")'; $(s6-svstat "$SCAN/pinned"))" ||
    bad "pinned: tries=$tries ready $(ready_pid "$W/out-pinned") (was $old)"
s6-svc -d "$SCAN/pinned"
# The gateway's directory, anchored at HERMES_HOME: the checkout goes, a restart still comes up there.
rm -rf "$W/gw-checkout"; old=$(ready_pid "$W/hermes-home/probe-out"); s6-svc -r "$SCAN/gateway"
wait_for 10 new_ready "$W/hermes-home/probe-out" "$old" && [ "$(cat "$W/hermes-home/probe-out/cwd")" = "$W/hermes-home" ] &&
    ok "gateway: restarted after the checkout was deleted, cwd HERMES_HOME" || bad "gateway: not back after the checkout was deleted"
old=$(ready_pid "$W/hermes-home/probe-out"); kill -KILL "$old"; wait_for 10 new_ready "$W/hermes-home/probe-out" "$old" &&
    ok "gateway: respawned after SIGKILL with the checkout gone" || bad "gateway: no respawn"

log "teardown: s6-svscanctl -t"
pids=$(cat "$W"/out-*/events "$W/hermes-home/probe-out/events" | awk '$1=="start"{print $2}')
t=$(date +%s%N); s6-svscanctl -t "$SCAN"
wait_for 10 pid_dead "$SVSCAN" && ok "s6-svscan exited in $(ms_since "$t") ms" || bad "s6-svscan still running"
SVSCAN=
left=; for p in $pids; do pid_alive "$p" && left="$left $p"; done
[ -z "$left" ] && ok "no probe left" || bad "probes left:$left"
wait_for 5 no_procs "$W" && ok "no process refers to $W" || bad "left: $(procs_matching "$W")"
finish_result
