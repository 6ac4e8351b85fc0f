# SPDX-License-Identifier: MIT
# One fuzz ctest case: copies the seed corpus to WORK/corpus (the copy may grow; the source tree is never
# written), then runs FUZZER for RUNS inputs. Crash inputs land in WORK/artifacts/; the test fails on any
# crash, sanitizer report or property violation, and prints how to reproduce it.
#   cmake -DFUZZER=... -DSEEDS=... -DWORK=... -DRUNS=N [-DSEED=S] -P run-fuzzer.cmake
foreach(var IN ITEMS FUZZER SEEDS WORK RUNS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run-fuzzer.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED SEED)
  set(SEED 1)
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/artifacts")
file(GLOB seeds "${SEEDS}/*")
if(seeds)
  file(COPY ${seeds} DESTINATION "${WORK}/corpus")
endif()
list(LENGTH seeds seed_count)

execute_process(
  COMMAND "${FUZZER}" "-runs=${RUNS}" "-seed=${SEED}" "-artifact_prefix=${WORK}/artifacts/" -print_final_stats=1
          "${WORK}/corpus"
  WORKING_DIRECTORY "${WORK}"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)

string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" executed "${out}")
string(REGEX MATCH "stat::average_exec_per_sec: *[0-9]+" speed "${out}")
string(REGEX REPLACE "[^0-9]" "" executed "${executed}")
string(REGEX REPLACE "[^0-9]" "" speed "${speed}")
file(GLOB corpus_after "${WORK}/corpus/*")
list(LENGTH corpus_after corpus_count)
if(NOT rc EQUAL 0)
  file(GLOB artifacts "${WORK}/artifacts/*")
  message("${out}")
  message(FATAL_ERROR "fuzzer failed (exit ${rc}) after ${executed} inputs; reproduce with:\n"
                      "  ${FUZZER} ${artifacts}")
endif()
message("fuzz: ${executed} inputs, ${speed} exec/s, ${seed_count} seeds -> ${corpus_count} corpus files, no findings")
