# SPDX-License-Identifier: MIT
# ctest -P script (tests hermes_service.abi.*): the two result backends live in different inline
# namespaces (v1 and v1_std, include/hermes/service/detail/config.hpp).
#   -DCHECK=headers  no header writes `inline namespace v1 {` literally (scripts/abi-namespace rewrites it)
#   -DCHECK=mixed    a program with one TU per backend shares no library symbol (nm) and, where a
#                    library type crosses between the TUs, fails to link; the same TUs with one backend
#                    link and run (the control)
#                    and tests/abi/subset.cpp (docs/error.md's common subset of result<T>) compiles and
#                    runs with both backends
#   -DCHECK=no_cxx23 the std backend in C++17 stops at hermes-service's #error, as the first error
# Other inputs: SOURCE_DIR, WORK, CXX, TL_INCLUDE (tl-expected's include directory), NM.
cmake_minimum_required(VERSION 3.23)

if(CHECK STREQUAL "headers")
  file(GLOB_RECURSE headers "${SOURCE_DIR}/include/*.hpp")
  set(bad "")
  foreach(h IN LISTS headers)
    file(STRINGS "${h}" lines REGEX "^inline namespace ")
    foreach(line IN LISTS lines)
      if(NOT line STREQUAL "inline namespace HERMES_SERVICE_ABI_NAMESPACE {")
        list(APPEND bad "${h}: ${line}")
      endif()
    endforeach()
  endforeach()
  if(bad)
    string(REPLACE ";" "\n  " bad "${bad}")
    message(FATAL_ERROR "headers with a literal inline namespace (run scripts/abi-namespace):\n  ${bad}")
  endif()
  list(LENGTH headers n)
  message(STATUS "${n} headers use HERMES_SERVICE_ABI_NAMESPACE")
  return()
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(tl_flags -std=c++17 "-I${SOURCE_DIR}/include" "-I${TL_INCLUDE}")
set(std_flags -std=c++23 -DHERMES_SERVICE_USE_STD_EXPECTED "-I${SOURCE_DIR}/include")

function(compile out source)  # compile(<object> <source> <flags>...)
  execute_process(COMMAND "${CXX}" ${ARGN} -c "${source}" -o "${out}" RESULT_VARIABLE rc OUTPUT_VARIABLE log
                  ERROR_VARIABLE log)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "compiling ${source} (${ARGN}) failed:\n${log}")
  endif()
endfunction()

# The library's defined symbols in an object, demangled, with the ABI namespace's name erased, so
# that the same entity compiled with either backend gives the same line.
function(library_symbols out object)
  execute_process(COMMAND "${NM}" -C --defined-only "${object}" OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm ${object} failed")
  endif()
  string(REPLACE "\n" ";" lines "${text}")
  set(symbols "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-f]+ [WVuT] (.*hermes::service::.*)$")
      list(APPEND symbols "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES symbols)
  set(${out} "${symbols}" PARENT_SCOPE)
endfunction()

function(common out a b)
  set(both "")
  foreach(s IN LISTS a)
    if(s IN_LIST b)
      list(APPEND both "${s}")
    endif()
  endforeach()
  set(${out} "${both}" PARENT_SCOPE)
endfunction()

if(CHECK STREQUAL "mixed")
  compile("${WORK}/define_tl.o" "${CMAKE_CURRENT_LIST_DIR}/abi_define.cpp" ${tl_flags})
  compile("${WORK}/use_tl.o" "${CMAKE_CURRENT_LIST_DIR}/abi_use.cpp" ${tl_flags})
  compile("${WORK}/use_std.o" "${CMAKE_CURRENT_LIST_DIR}/abi_use.cpp" ${std_flags})

  # Control: one backend links, runs, and its two objects share the library's inline functions.
  execute_process(COMMAND "${CXX}" "${WORK}/define_tl.o" "${WORK}/use_tl.o" -o "${WORK}/same" RESULT_VARIABLE rc
                  ERROR_VARIABLE log)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the single-backend program does not link:\n${log}")
  endif()
  execute_process(COMMAND "${WORK}/same" RESULT_VARIABLE rc OUTPUT_VARIABLE out)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "ExecStart\\[0\\]: .*\\[relative_path\\]")
    message(FATAL_ERROR "the single-backend program failed (${rc}): ${out}")
  endif()
  library_symbols(define_tl "${WORK}/define_tl.o")
  library_symbols(use_tl "${WORK}/use_tl.o")
  library_symbols(use_std "${WORK}/use_std.o")
  common(shared_same "${define_tl}" "${use_tl}")
  if(NOT shared_same MATCHES "hermes::service::v1::systemd::basic_unit_builder<[^>]*>::build")
    message(FATAL_ERROR "control failed: two tl-backend objects do not share unit_builder::build:\n${shared_same}")
  endif()

  # Mixed: no library symbol in common (nothing for the linker to merge silently) ...
  common(shared_mixed "${define_tl}" "${use_std}")
  if(shared_mixed)
    string(REPLACE ";" "\n  " shared_mixed "${shared_mixed}")
    message(FATAL_ERROR "objects of the two backends share library symbols (ODR violation):\n  ${shared_mixed}")
  endif()
  if(NOT use_std MATCHES "hermes::service::v1_std::systemd::basic_unit_builder<[^>]*>::build")
    message(FATAL_ERROR "the std backend's object has no v1_std symbols:\n${use_std}")
  endif()
  # ... and describe(const error&) of one backend is not the other's: the link fails.
  execute_process(COMMAND "${CXX}" "${WORK}/define_tl.o" "${WORK}/use_std.o" -o "${WORK}/mixed" RESULT_VARIABLE rc
                  OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(rc EQUAL 0)
    message(FATAL_ERROR "a program mixing the tl::expected and std::expected backends linked")
  endif()
  if(NOT log MATCHES "undefined reference to `describe\\[abi:cxx11\\]\\(hermes::service::v1_std::error const&\\)'")
    message(FATAL_ERROR "the mixed program failed to link, but not on describe(v1_std::error):\n${log}")
  endif()
  # The common subset of result<T> (docs/error.md), with both backends.
  foreach(backend IN ITEMS tl std)
    execute_process(COMMAND "${CXX}" ${${backend}_flags} "${CMAKE_CURRENT_LIST_DIR}/subset.cpp" -o "${WORK}/subset_${backend}"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "subset.cpp does not compile with the ${backend} backend:\n${log}")
    endif()
    execute_process(COMMAND "${WORK}/subset_${backend}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "subset.cpp with the ${backend} backend: ${rc} checks failed")
    endif()
  endforeach()
  list(LENGTH shared_same n_same)
  message(STATUS "one backend: ${n_same} shared library symbols, links; mixed: none shared, link fails:\n${log}")
  return()
endif()

if(CHECK STREQUAL "no_cxx23")
  execute_process(COMMAND "${CXX}" -std=c++17 -DHERMES_SERVICE_USE_STD_EXPECTED "-I${SOURCE_DIR}/include" -fsyntax-only
                          "${CMAKE_CURRENT_LIST_DIR}/std_without_cxx23.cpp" RESULT_VARIABLE rc OUTPUT_VARIABLE log
                  ERROR_VARIABLE log)
  if(rc EQUAL 0)
    message(FATAL_ERROR "the std::expected backend compiled in C++17")
  endif()
  string(REGEX MATCH "error: [^\n]*" first "${log}")
  if(NOT first MATCHES "hermes-service: HERMES_SERVICE_USE_STD_EXPECTED needs C\\+\\+23 std::expected")
    message(FATAL_ERROR "the first error is not hermes-service's #error: ${first}\n${log}")
  endif()
  message(STATUS "refused as expected: ${first}")
  return()
endif()

message(FATAL_ERROR "check-abi.cmake: unknown CHECK=${CHECK}")
