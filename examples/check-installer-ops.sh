#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check-installer-ops.sh PROGRAM WORK: the installer's install/refresh/uninstall/status/--dry-run and its
# refusals, against a fake systemctl on PATH (it logs its arguments; FAKE_RC makes it fail). The real
# systemd runs the same commands in the e2e suite (tests/e2e/cases_installer.sh).
set -uo pipefail
PROGRAM=$1
WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK/home/.hermes" "$WORK/bin" "$WORK/nobin" "$WORK/checkout"
chmod 755 "$WORK" "$WORK/home" "$WORK/home/.hermes" "$WORK/bin"
WORK=$(cd "$WORK" && pwd -P)
UNITS=$WORK/units
UNIT=$UNITS/hermes-gateway.service
LOG=$WORK/systemctl.log
cat >"$WORK/bin/systemctl" <<'EOF'
#!/bin/sh
echo "$*" >>"$FAKE_LOG"
case "$*" in *show*) printf 'ActiveState=active\nSubState=running\nNRestarts=3\n' ;; esac
exit "${FAKE_RC:-0}"
EOF
chmod 755 "$WORK/bin/systemctl"
export HOME=$WORK/home FAKE_LOG=$LOG PATH=$WORK/bin:/usr/bin:/bin
unset HERMES_HOME HERMES_DATA_DIR_SUFFIX FAKE_RC
ARGS=(--project-root "$WORK/checkout" --python /usr/bin/python3 --allow-temporary-home --unit-dir "$UNITS")
FAILED=0

# run EXPECTED_RC CMD...: runs the installer, keeps stdout+stderr in $OUT.
run() {
    local expected=$1
    shift
    : >"$LOG"
    OUT=$("$PROGRAM" "$@" 2>&1)
    local rc=$?
    printf '$ hermes-gateway-service %s\n%s\n[exit %s]\n' "$*" "$OUT" "$rc"
    if [ "$rc" != "$expected" ]; then
        echo "FAIL: exit status $rc, expected $expected"
        FAILED=1
    fi
}
ok() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; FAILED=1; fi; }
calls() { paste -sd';' "$LOG"; }
leftovers() { find "$UNITS" -name '.hermes-gateway.service.*' 2>/dev/null | wc -l; }

echo "== --help, -h, usage errors"
run 0 --help
ok "--help prints usage" '[[ $OUT == usage:* ]]'
run 0 install -h
ok "-h prints usage" '[[ $OUT == usage:* ]]'
run 2 install --bogus
ok "an unknown option is one line" '[ "$(wc -l <<<"$OUT")" = 1 ]'

echo "== install --dry-run changes nothing"
run 0 install --dry-run "${ARGS[@]}"
ok "dry run prints the file and the commands" '[[ $OUT == *"would write $UNIT"* && $OUT == *"would run: systemctl --user daemon-reload"* && $OUT == *"would run: systemctl --user enable --now hermes-gateway.service"* ]]'
ok "dry run wrote nothing and ran nothing" '[ ! -e "$UNITS" ] && [ ! -s "$LOG" ]'

echo "== install"
"$PROGRAM" print --user "${ARGS[@]}" >"$WORK/expected.service" 2>/dev/null
run 0 install "${ARGS[@]}"
ok "the unit is what print prints" 'cmp -s "$UNIT" "$WORK/expected.service"'
ok "mode 0644, a regular file" '[ "$(stat -c %a "$UNIT")" = 644 ] && [ -f "$UNIT" ] && [ ! -L "$UNIT" ]'
ok "daemon-reload, then enable --now" '[ "$(calls)" = "--user daemon-reload;--user enable --now hermes-gateway.service" ]'
ok "no temporary file left" '[ "$(leftovers)" = 0 ]'
run 0 install "${ARGS[@]}"
ok "installing again: already current" '[[ $OUT == *"already installed and current"* ]]'

echo "== status"
run 0 status "${ARGS[@]}"
ok "status: path, current, systemd's state" '[[ $OUT == *"unit: $UNIT"* && $OUT == *"definition: current"* && $OUT == *"systemd: ActiveState=active SubState=running NRestarts=3"* ]]'

echo "== refresh: current, then stale"
run 0 refresh "${ARGS[@]}"
ok "current: nothing to do, no systemctl" '[[ $OUT == *"is current; nothing to do"* ]] && [ ! -s "$LOG" ]'
sed -i "s|^WorkingDirectory=.*|WorkingDirectory=$WORK/checkout/.worktrees/gone|" "$UNIT"
cp "$UNIT" "$WORK/stale.service"
run 1 status "${ARGS[@]}"
ok "status: stale with the diff" '[[ $OUT == *"definition: stale"* && $OUT == *"[Service] WorkingDirectory: $WORK/checkout/.worktrees/gone -> $WORK/home/.hermes"* ]]'
run 0 refresh --dry-run "${ARGS[@]}"
ok "refresh --dry-run: the diff, nothing done" '[[ $OUT == *"WorkingDirectory"* && $OUT == *"would run: systemctl --user restart hermes-gateway.service"* ]] && cmp -s "$UNIT" "$WORK/stale.service" && [ ! -s "$LOG" ]'
run 0 refresh "${ARGS[@]}"
ok "refresh: the diff, rewritten, daemon-reload, restart" '[[ $OUT == *"WorkingDirectory"* ]] && cmp -s "$UNIT" "$WORK/expected.service" && [ "$(calls)" = "--user daemon-reload;--user restart hermes-gateway.service" ]'

echo "== install refuses a different unit unless --force"
cp "$WORK/stale.service" "$UNIT"
run 1 install "${ARGS[@]}"
ok "refused in one line naming --force, file unchanged, no systemctl" '[[ $OUT == *"refusing to replace $UNIT: a different unit is installed there (--force replaces it)"* ]] && cmp -s "$UNIT" "$WORK/stale.service" && [ ! -s "$LOG" ]'
run 0 install --force "${ARGS[@]}"
ok "--force replaces it" 'cmp -s "$UNIT" "$WORK/expected.service"'

echo "== a symlink planted at the unit path is replaced, never written through"
echo "victim" >"$WORK/victim"
rm -f "$UNIT" && ln -s "$WORK/victim" "$UNIT"
run 1 install "${ARGS[@]}"
ok "refused without --force (it is a symlink)" '[[ $OUT == *"it is a symlink"* ]] && [ -L "$UNIT" ]'
run 1 refresh "${ARGS[@]}"
ok "refresh refuses it too" '[[ $OUT == *"refusing to refresh"* ]] && [ -L "$UNIT" ]'
run 0 install --force "${ARGS[@]}"
ok "the symlink is replaced by a regular file; the target is untouched" '[ ! -L "$UNIT" ] && cmp -s "$UNIT" "$WORK/expected.service" && [ "$(cat "$WORK/victim")" = victim ]'

echo "== directories another user can write to, or owns"
chmod 777 "$UNITS"
run 1 install --force "${ARGS[@]}"
ok "a world-writable unit directory is refused" '[[ $OUT == *"is writable by other users (mode 0777)"* ]]'
chmod 755 "$UNITS"
chmod 775 "$WORK"
run 1 install --force "${ARGS[@]}"
ok "a group-writable ancestor is refused" '[[ $OUT == *"$WORK is writable by other users (mode 0775)"* ]]'
chmod 755 "$WORK"
mkdir -p "$WORK/link-target" && rm -rf "$WORK/via-link" && ln -s "$WORK/link-target" "$WORK/via-link"
run 0 install --dry-run --project-root "$WORK/checkout" --python /usr/bin/python3 --allow-temporary-home --unit-dir "$WORK/via-link"
ok "a symlinked unit directory is followed to its (checked) target" '[[ $OUT == *"would write $WORK/link-target/hermes-gateway.service"* ]]'
if [ "$(id -u)" = 0 ]; then
    chown 65534 "$UNITS"
    run 1 install --force "${ARGS[@]}"
    ok "a unit directory another user owns is refused" '[[ $OUT == *"belongs to uid 65534, not to root or to you"* ]]'
    chown 0 "$UNITS"
    echo "== no permission"
    chmod 755 "$WORK/home" "$WORK/home/.hermes"
    cp "$WORK/stale.service" "$UNIT"
    OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$HOME" PATH="$PATH" FAKE_LOG=/dev/null \
        "$PROGRAM" install "${ARGS[@]}" --force 2>&1)
    rc=$?
    printf '$ (as nobody) hermes-gateway-service install --force\n%s\n[exit %s]\n' "$OUT" "$rc"
    ok "as another user: refused in one line, nothing changed" '[ "$rc" = 1 ] && [[ $OUT == *"cannot create a temporary file in $UNITS: Permission denied"* ]] && [ "$(wc -l <<<"$OUT")" = 1 ] && [ "$(leftovers)" = 0 ] && cmp -s "$UNIT" "$WORK/stale.service"'
else
    echo "note: not root: the foreign-owner and no-permission checks need root (CI runs as root)"
fi

echo "== systemctl missing or failing"
rm -f "$UNIT"
PATH=$WORK/nobin run 1 install "${ARGS[@]}" # it needs nothing else from PATH here (--python is given)
ok "systemctl missing: one line, nothing written" '[[ $OUT == *"systemctl is not on PATH; nothing was written"* ]] && [ "$(wc -l <<<"$OUT")" = 1 ] && [ ! -e "$UNIT" ]'
export FAKE_RC=1
run 1 install "${ARGS[@]}"
ok "systemctl failing: one line naming the command; the unit is complete" '[[ $OUT == *"systemctl --user daemon-reload failed with exit status 1"* ]] && cmp -s "$UNIT" "$WORK/expected.service"'
unset FAKE_RC

echo "== a write that fails (file-size limit, as a full disk would) leaves no partial file"
cp "$WORK/stale.service" "$UNIT"
OUT=$(bash -c 'ulimit -f 1; exec "$@"' _ "$PROGRAM" install --force "${ARGS[@]}" 2>&1)
rc=$?
printf '$ (ulimit -f 1) hermes-gateway-service install --force\n%s\n[exit %s]\n' "$OUT" "$rc"
ok "one line, the old unit untouched, no temporary file" '[ "$rc" = 1 ] && [[ $OUT == *"cannot write"*"(nothing was changed)"* ]] && [ "$(wc -l <<<"$OUT")" = 1 ] && cmp -s "$UNIT" "$WORK/stale.service" && [ "$(leftovers)" = 0 ]'

echo "== uninstall"
cp "$WORK/expected.service" "$UNIT"
run 0 uninstall --dry-run "${ARGS[@]}"
ok "uninstall --dry-run changes nothing" '[ -f "$UNIT" ] && [ ! -s "$LOG" ] && [[ $OUT == *"would remove $UNIT"* ]]'
sed 's|HERMES_HOME=[^"]*|HERMES_HOME=/somewhere/else|' "$WORK/expected.service" >"$UNIT"
run 1 uninstall "${ARGS[@]}"
ok "a unit pinning another HERMES_HOME is left alone" '[[ $OUT == *"pins HERMES_HOME=/somewhere/else"* ]] && [ -f "$UNIT" ] && [ ! -s "$LOG" ]'
cp "$WORK/expected.service" "$UNIT"
run 0 uninstall "${ARGS[@]}"
ok "disable --now, removed, daemon-reload" '[ ! -e "$UNIT" ] && [ "$(calls)" = "--user disable --now hermes-gateway.service;--user daemon-reload" ]'
run 0 uninstall "${ARGS[@]}"
ok "uninstalling again: nothing to do" '[[ $OUT == *"not installed; nothing to do"* ]]'
run 1 refresh "${ARGS[@]}"
ok "refresh of a missing unit: one line" '[[ $OUT == *"is not installed; run install first"* ]]'

echo "== system scope: the account"
run 0 install --system --dry-run --run-as root "${ARGS[@]}"
ok "--run-as root is taken as asked" '[[ $OUT == *"User=root"* && $OUT == *"would run: systemctl daemon-reload"* ]]'
run 1 install --system --dry-run --run-as no-such-user-hermes "${ARGS[@]}"
ok "an unknown account: one line" '[[ $OUT == *"no such account: no-such-user-hermes"* ]]'

echo "== the facts upstream gathers: node's directory as PATH names it, ~/.local/bin (unit only)"
mkdir -p "$WORK/Node Tools/real" "$WORK/Node Tools/bin" "$HOME/.local/bin"
printf '#!/bin/sh\n' >"$WORK/Node Tools/real/node" && chmod 755 "$WORK/Node Tools/real/node"
ln -sfn "../real/node" "$WORK/Node Tools/bin/node"
UNIT_TEXT=$(PATH="$WORK/bin:$WORK/Node Tools/bin:/usr/bin:/bin" "$PROGRAM" print --user "${ARGS[@]}" 2>&1)
ok "unit PATH: node's directory (symlink not resolved), then ~/.local/bin, then the fixed tail" \
    '[[ $UNIT_TEXT == *"Environment=\"PATH=$WORK/Node Tools/bin:$HOME/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\""* ]]'
PLIST_TEXT=$(PATH="$WORK/bin:$WORK/Node Tools/bin:/usr/bin:/bin" "$PROGRAM" print --launchd "${ARGS[@]}" 2>&1)
ok "plist PATH: node's directory first, then the shell's PATH, no ~/.local/bin" \
    '[[ $PLIST_TEXT == *"<string>$WORK/Node Tools/bin:$WORK/bin:/usr/bin:/bin:/sbin:/usr/sbin</string>"* ]]'
rm -rf "$HOME/.local"

if [ "$FAILED" = 0 ]; then echo "PASS"; else echo "FAILED"; fi
exit "$FAILED"
