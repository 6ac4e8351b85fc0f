# SPDX-License-Identifier: MIT
# Shared by run-s6.sh, run-runit.sh and run-openrc.sh (sourced): options, skip/fail policy, waiting,
# the probe record, the throwaway test account and the leak checks.
#
#   run-<kind>.sh --defs SUPERVISOR_DEFS --probe PROBE
#
# Exit codes: 0 pass, 1 fail, 77 skipped (not root, a supervisor not installed). With CI=true nothing is
# skipped: a missing prerequisite is a failure.
set -u
DEFS='' PROBE=''
while [ $# -gt 0 ]; do
    case $1 in
        --defs) DEFS=$2; shift 2 ;;
        --probe) PROBE=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
T0=$(date +%s%N)
FAILS=0 PASSES=0
ts() { local n; n=$(date +%s%N); printf '%d.%03d' $(((n - T0) / 1000000000)) $(((n - T0) / 1000000 % 1000)); }
log() { printf '[%7ss] %s\n' "$(ts)" "$*"; }
ok() { PASSES=$((PASSES + 1)); log "PASS $*"; }
bad() { FAILS=$((FAILS + 1)); log "FAIL $*"; }
check() { if "$@"; then return 0; else return 1; fi; }
# skip REASON: exit 77, or fail under CI=true
skip() {
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true, nothing may be skipped): $*"; exit 1; fi
    echo "skipped: $*"; exit 77
}
require_tools() {
    [ "$(id -u)" -eq 0 ] || skip "needs root (supervisors run as root, a test account is created)"
    [ -x "$DEFS" ] && [ -x "$PROBE" ] || skip "supervisor_defs or the static probe was not built"
    local t; for t in "$@"; do command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (scripts/install-deps)"; done
}
# wait_for SECONDS CMD...: poll every 50 ms
wait_for() { local end=$(($(date +%s%N) + $1 * 1000000000)); shift
    until "$@"; do [ "$(date +%s%N)" -lt "$end" ] || return 1; sleep 0.05; done; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
# new_ready OUT [OLDPID]: the probe in OUT recorded a pid other than OLDPID
new_ready() { [ -s "$1/ready" ] && [ "$(cat "$1/ready")" != "${2:-}" ]; }
ready_pid() { cat "$1/ready" 2>/dev/null; }
pid_alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
pid_dead() { ! pid_alive "$1"; }
starts() { grep -c '^start ' "$1/events" 2>/dev/null || echo 0; }
# defs_check KIND DEST CASE key=value...: the library's reader and the probe record agree with the case
defs_check() { local out; if out=$("$DEFS" check "$@" 2>&1); then ok "$3: argv, environment and cwd exact ($1 $(basename "$2"))"; else bad "$3: $out"; fi; }
# processes (other than this shell and its children) whose cmdline or cwd mention $1
procs_matching() {
    { grep -laF -- "$1" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3
      find /proc/[0-9]*/cwd -maxdepth 0 -lname "*$1*" 2>/dev/null | cut -d/ -f3; } |
        sort -u | while read -r p; do
            [ "$p" = "$$" ] || [ "$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null)" = "$$" ] && continue
            [ -d "/proc/$p" ] && echo "$p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-120)"; done; true; }
no_procs() { [ -z "$(procs_matching "$1")" ]; }
# make_user NAME HOME: a throwaway system account (removed by drop_user)
# (retried: the suites run in parallel and useradd/userdel lock /etc/passwd)
make_user() { local i; userdel "$1" >/dev/null 2>&1
    for i in 1 2 3 4 5 6 7 8 9 10; do
        useradd --system --home-dir "$2" --no-create-home --shell /usr/sbin/nologin "$1" 2>/dev/null && return 0; sleep 0.3; done
    skip "useradd $1 failed"; }
drop_user() { local i; for i in 1 2 3 4 5 6 7 8 9 10; do id "$1" >/dev/null 2>&1 || return 0; userdel "$1" 2>/dev/null || sleep 0.3; done; }
# The hostile working directory of shared/reference/other-inits.md
hostile_workdir() { printf '%s' "$1/work dir ü 'sq' \"dq\" \$x %p% \\b"; }
finish_result() {
    log "RESULT $KIND: $PASSES passed, $FAILS failed in $(ts) s"
    [ "$FAILS" -eq 0 ]
}
