# SPDX-License-Identifier: MIT
# cmake -DPROGRAM=<exe> [-DARGS=<a;b>] [-DREGEX=<re>] -P check-example.cmake
# Runs an example; passes when it exits with 0 and (if REGEX is set) its standard output matches REGEX.
execute_process(COMMAND "${PROGRAM}" ${ARGS} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
message("${out}")
if(err)
  message("stderr:\n${err}")
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${rc}")
endif()
if(REGEX AND NOT out MATCHES "${REGEX}")
  message(FATAL_ERROR "${PROGRAM}: output does not match '${REGEX}'")
endif()
