# SPDX-License-Identifier: MIT
# Consumer tests, label `packaging`, included from tests/CMakeLists.txt:
#   hermes_service.packaging.install           installs this build into a build-tree prefix (fixture)
#   hermes_service.packaging.find_package      find_package(hermes_service CONFIG REQUIRED) from that prefix
#   hermes_service.packaging.pkg_config        compiles with `pkg-config --cflags hermes_service` from that prefix
#   hermes_service.packaging.add_subdirectory  add_subdirectory() of this source tree
#   hermes_service.packaging.parent_tl_expected  add_subdirectory() under a parent that defines tl::expected
# Each consumer builds and runs tests/consumer/main.cpp, which renders a unit.
set(hermes_consumer_dir "${CMAKE_CURRENT_SOURCE_DIR}/consumer")
set(hermes_consumer_bin "${CMAKE_CURRENT_BINARY_DIR}/consumer")
set(hermes_consumer_prefix "${hermes_consumer_bin}/prefix")

if(HERMES_SERVICE_USE_STD_EXPECTED)
  set(hermes_consumer_std 23)
else()
  set(hermes_consumer_std 17)
endif()

# What every consumer project is configured with: the same compiler and build type as this build.
set(hermes_consumer_options "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
                            "-DCMAKE_BUILD_TYPE=$<CONFIG>"
                            "-DHERMES_EXPECTED_VERSION=${PROJECT_VERSION}")
set(hermes_consumer_generator --build-generator "${CMAKE_GENERATOR}")
if(CMAKE_MAKE_PROGRAM)
  list(APPEND hermes_consumer_generator --build-makeprogram "${CMAKE_MAKE_PROGRAM}")
endif()

add_test(NAME hermes_service.packaging.install
         COMMAND "${CMAKE_COMMAND}" "-DBUILD_DIR=${PROJECT_BINARY_DIR}" "-DPREFIX=${hermes_consumer_prefix}"
                 "-DCONFIG=$<CONFIG>" -P "${hermes_consumer_dir}/install.cmake")
set_tests_properties(hermes_service.packaging.install PROPERTIES FIXTURES_SETUP hermes_service_installed
                                                                 LABELS packaging)

add_test(NAME hermes_service.packaging.find_package
         COMMAND "${CMAKE_CTEST_COMMAND}" --build-and-test "${hermes_consumer_dir}/find_package"
                 "${hermes_consumer_bin}/find_package" ${hermes_consumer_generator} --build-options
                 ${hermes_consumer_options} "-DCMAKE_PREFIX_PATH=${hermes_consumer_prefix}"
                 --test-command hermes_consumer)
set_tests_properties(hermes_service.packaging.find_package PROPERTIES FIXTURES_REQUIRED hermes_service_installed
                                                                      LABELS packaging)

add_test(NAME hermes_service.packaging.add_subdirectory
         COMMAND "${CMAKE_CTEST_COMMAND}" --build-and-test "${hermes_consumer_dir}/add_subdirectory"
                 "${hermes_consumer_bin}/add_subdirectory" ${hermes_consumer_generator} --build-options
                 ${hermes_consumer_options} "-DHERMES_SERVICE_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
                 "-DHERMES_SERVICE_USE_STD_EXPECTED=${HERMES_SERVICE_USE_STD_EXPECTED}"
                 --test-command hermes_consumer)
set_tests_properties(hermes_service.packaging.add_subdirectory PROPERTIES LABELS packaging)

find_program(HERMES_PKG_CONFIG_EXECUTABLE NAMES pkg-config pkgconf)
if(HERMES_PKG_CONFIG_EXECUTABLE)
  add_test(NAME hermes_service.packaging.pkg_config
           COMMAND "${CMAKE_COMMAND}" "-DPKG_CONFIG=${HERMES_PKG_CONFIG_EXECUTABLE}"
                   "-DCXX=${CMAKE_CXX_COMPILER}" "-DCXX_STD=${hermes_consumer_std}"
                   "-DPREFIX=${hermes_consumer_prefix}" "-DBINARY_DIR=${hermes_consumer_bin}/pkg_config"
                   "-DEXPECTED_VERSION=${PROJECT_VERSION}" -P "${hermes_consumer_dir}/pkg_config/check.cmake")
  set_tests_properties(hermes_service.packaging.pkg_config PROPERTIES FIXTURES_REQUIRED hermes_service_installed
                                                                      LABELS packaging)
else()
  message(WARNING "hermes_service: pkg-config not found; the pkg_config consumer test is not registered")
endif()

# add_subdirectory() under a parent that already has a tl::expected target (and no findable package).
if(NOT HERMES_SERVICE_USE_STD_EXPECTED)
  get_target_property(hermes_consumer_tl_include tl::expected INTERFACE_INCLUDE_DIRECTORIES)
  find_file(HERMES_TL_EXPECTED_HEADER tl/expected.hpp PATHS ${hermes_consumer_tl_include} NO_DEFAULT_PATH)
  add_test(NAME hermes_service.packaging.parent_tl_expected
           COMMAND "${CMAKE_CTEST_COMMAND}" --build-and-test "${hermes_consumer_dir}/parent_tl_expected"
                   "${hermes_consumer_bin}/parent_tl_expected" ${hermes_consumer_generator} --build-options
                   ${hermes_consumer_options} "-DHERMES_SERVICE_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
                   "-DTL_EXPECTED_HEADER=${HERMES_TL_EXPECTED_HEADER}" --test-command hermes_consumer)
  set_tests_properties(hermes_service.packaging.parent_tl_expected PROPERTIES LABELS packaging)
endif()
