# SPDX-License-Identifier: MIT
# Install rules: headers, the exported hermes::service target, the CMake package files and a pkg-config file.
# The package is architecture-independent, so everything goes under share/.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(hermes_service_cmake_dir "${CMAKE_INSTALL_DATADIR}/cmake/hermes_service"
    CACHE STRING "Where to install hermes_serviceConfig.cmake, relative to the prefix")
set(hermes_service_pkgconfig_dir "${CMAKE_INSTALL_DATADIR}/pkgconfig"
    CACHE STRING "Where to install hermes_service.pc, relative to the prefix")
mark_as_advanced(hermes_service_cmake_dir hermes_service_pkgconfig_dir)

set_target_properties(hermes_service PROPERTIES EXPORT_NAME service)
install(TARGETS hermes_service EXPORT hermes_serviceTargets FILE_SET HEADERS)
install(EXPORT hermes_serviceTargets NAMESPACE hermes:: DESTINATION "${hermes_service_cmake_dir}")

# Substituted into the Config file: whether the installed package needs tl-expected.
if(HERMES_SERVICE_USE_STD_EXPECTED)
  set(HERMES_SERVICE_PACKAGE_USES_STD_EXPECTED ON)
else()
  set(HERMES_SERVICE_PACKAGE_USES_STD_EXPECTED OFF)
endif()
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/hermes_serviceConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/hermes_serviceConfig.cmake"
  INSTALL_DESTINATION "${hermes_service_cmake_dir}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/hermes_serviceConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion
  ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/hermes_serviceConfig.cmake"
              "${PROJECT_BINARY_DIR}/hermes_serviceConfigVersion.cmake"
        DESTINATION "${hermes_service_cmake_dir}")

# pkg-config: the prefix is computed from the .pc file's own location, so the package stays relocatable
# (and `cmake --install --prefix <dir>` works).
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(HERMES_SERVICE_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(HERMES_SERVICE_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
file(RELATIVE_PATH HERMES_SERVICE_PC_TO_PREFIX "/prefix/${hermes_service_pkgconfig_dir}" "/prefix")
string(REGEX REPLACE "/$" "" HERMES_SERVICE_PC_TO_PREFIX "${HERMES_SERVICE_PC_TO_PREFIX}")
if(HERMES_SERVICE_USE_STD_EXPECTED)
  set(HERMES_SERVICE_PC_CFLAGS " -DHERMES_SERVICE_USE_STD_EXPECTED")
else()
  set(HERMES_SERVICE_PC_CFLAGS "")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/hermes_service.pc.in" "${PROJECT_BINARY_DIR}/hermes_service.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/hermes_service.pc" DESTINATION "${hermes_service_pkgconfig_dir}")
