# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Case 15 of tests/e2e/run-e2e.sh (sourced by it; uses its helpers C, install_unit, wait_running, log).

# 15. Exec-time `$` expansion (issue 11): a hand-written unit whose ExecStart= holds the words of systemd's
#     own replace_env_argv tests (whole-word $FOO split with unquoting, ${FOO, ${FOO:-${BAR}}, $$, ...)
#     starts the probe; the argv the process receives must equal split_command_line(ExecStart,
#     split_environment(Environment)) of the same text.
case_15() {
    local unit=hermes-e2e-expansion.service pid
    "$UNITS" readers-unit >"$CASEDIR/$unit"
    log "unit under test:"
    sed 's/^/    | /' "$CASEDIR/$unit"
    install_unit "$unit" "$CASEDIR/$unit"
    C systemctl daemon-reload
    C systemctl start "$unit"
    if pid=$(wait_running "$unit"); then
        cp "$SHARE/out/rec.$pid" "$CASEDIR/probe.rec"
        "$UNITS" readers-check "$CASEDIR/$unit" "$CASEDIR/probe.rec" | sed 's/^/    /'
        [ "${PIPESTATUS[0]}" = 0 ] || FAILED=1
    else
        FAILED=1
    fi
}
