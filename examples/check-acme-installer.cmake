# SPDX-License-Identifier: MIT
# cmake -DPROGRAM=<acme-installer> -DWORK=<dir> -P check-acme-installer.cmake
# The acme installer's refresh loop with the general comparison: installed files are current; layout edits
# (a comment, quoting) keep them current; a changed RestartSteps= or ThrottleInterval makes them stale and is
# named in the diff (the gateway's rules ignore RestartSteps=; a general installer must not).
file(REMOVE_RECURSE "${WORK}")
set(home "/home/alice/.acme")

function(run expected_rc out_var)
  execute_process(COMMAND "${PROGRAM}" ${ARGN} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  message("$ ${ARGN}\n${out}${err}")
  if(NOT rc EQUAL expected_rc)
    message(FATAL_ERROR "expected exit ${expected_rc}, got ${rc}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

function(edit file from to)
  file(READ "${WORK}/${file}" text)
  string(FIND "${text}" "${from}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${file} has no '${from}'")
  endif()
  string(REPLACE "${from}" "${to}" text "${text}")
  file(WRITE "${WORK}/${file}" "${text}")
endfunction()

run(0 out install "${WORK}" "${home}")
run(0 out check "${WORK}" "${home}")
if(NOT out MATCHES "current: user/acme-sync-compact.timer\n" OR NOT out MATCHES "current: launchd/com.acme.sync.plist\n")
  message(FATAL_ERROR "a freshly installed file is not current")
endif()

# Layout: a comment, unquoted words, CRLF; a plist key order and a comment.
edit("user/acme-sync.service" "[Unit]\n" "# edited by hand\n[Unit]\r\n")
edit("user/acme-sync.service" "\"/home/alice/.acme/state\"" "/home/alice/.acme/state")
edit("launchd/com.acme.sync.plist" "<dict>\n" "<dict>\n    <!-- local note -->\n")
run(0 out check "${WORK}" "${home}")

# Meaning: RestartSteps= and ThrottleInterval changed.
edit("user/acme-sync.service" "RestartSteps=5" "RestartSteps=4")
edit("launchd/com.acme.sync.plist" "<integer>10</integer>" "<integer>30</integer>")
run(1 out check "${WORK}" "${home}")
foreach(expected "stale: user/acme-sync.service\n" "\\[Service\\] RestartSteps: 4 -> 5\n"
                 "stale: launchd/com.acme.sync.plist\n" "ThrottleInterval changed\n" "current: system/acme-sync.service\n")
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "the check output does not match '${expected}'")
  endif()
endforeach()
