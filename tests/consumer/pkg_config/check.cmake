# SPDX-License-Identifier: MIT
# A consumer that uses only pkg-config, as a Makefile user would:
#   c++ -std=c++17 $(pkg-config --cflags hermes_service) main.cpp && ./a.out
# cmake -DPKG_CONFIG=<exe> -DCXX=<compiler> -DCXX_STD=17 -DPREFIX=<install prefix> -DBINARY_DIR=<dir>
#       -DEXPECTED_VERSION=<x.y.z> -P check.cmake
set(ENV{PKG_CONFIG_PATH} "${PREFIX}/share/pkgconfig")

execute_process(COMMAND "${PKG_CONFIG}" --modversion hermes_service OUTPUT_VARIABLE version
                        OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT version STREQUAL EXPECTED_VERSION)
  message(FATAL_ERROR "pkg-config --modversion hermes_service: '${version}' (exit ${rc}), expected ${EXPECTED_VERSION}")
endif()

execute_process(COMMAND "${PKG_CONFIG}" --cflags hermes_service OUTPUT_VARIABLE cflags
                        OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags hermes_service failed (${rc})")
endif()
message(STATUS "pkg-config --cflags hermes_service: ${cflags}")
separate_arguments(cflags_list UNIX_COMMAND "${cflags}")

file(MAKE_DIRECTORY "${BINARY_DIR}")
get_filename_component(source "${CMAKE_CURRENT_LIST_DIR}/../main.cpp" ABSOLUTE)
set(program "${BINARY_DIR}/hermes_consumer")
execute_process(COMMAND "${CXX}" -std=c++${CXX_STD} ${cflags_list} "${source}" -o "${program}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling with the pkg-config flags failed (${rc})")
endif()

execute_process(COMMAND "${program}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the pkg-config consumer exited with ${rc}")
endif()
