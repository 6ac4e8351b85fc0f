# SPDX-License-Identifier: MIT
# cmake -DPROGRAM=<hermes-gateway-service> -DWORK=<dir> -P check-installer.cmake
# The installer's self-heal loop: print the unit, `check` says current (0); pin it to a checkout the
# old way, `check` says stale (1) and names WorkingDirectory.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/home/.hermes")
set(ENV{HOME} "${WORK}/home")
unset(ENV{HERMES_HOME})
unset(ENV{HERMES_DATA_DIR_SUFFIX})
# The build tree may live under /tmp, where the temporary-home guard would (rightly) refuse.
set(args --project-root "${WORK}/checkout" --allow-temporary-home)

function(run expected_rc out_var)
  execute_process(COMMAND "${PROGRAM}" ${ARGN} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  message("$ hermes-gateway-service ${ARGN}\n${out}${err}")
  if(NOT rc EQUAL expected_rc)
    message(FATAL_ERROR "exit code ${rc}, expected ${expected_rc}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

run(0 unit print --user ${args})
if(NOT unit MATCHES "\nWorkingDirectory=${WORK}/home/.hermes\n")
  message(FATAL_ERROR "the unit is not anchored at HERMES_HOME")
endif()
file(WRITE "${WORK}/installed.service" "${unit}")
run(0 out check ${args} "${WORK}/installed.service")
if(NOT out MATCHES ": current\n")
  message(FATAL_ERROR "a freshly printed unit is not current")
endif()

string(REGEX REPLACE "\nWorkingDirectory=[^\n]*" "\nWorkingDirectory=${WORK}/checkout/.worktrees/x" stale "${unit}")
file(WRITE "${WORK}/installed.service" "${stale}")
run(1 out check ${args} "${WORK}/installed.service")
if(NOT out MATCHES "stale, rewrite it\n  \\[Service\\] WorkingDirectory: [^\n]*/checkout/.worktrees/x -> [^\n]*/home/.hermes\n$")
  message(FATAL_ERROR "the stale unit's diff does not name WorkingDirectory alone")
endif()
run(0 out diff ${args} "${WORK}/installed.service")
run(1 out check ${args} "${WORK}/missing.service")
if(NOT out MATCHES "not installed")
  message(FATAL_ERROR "a missing unit is not reported")
endif()
