# SPDX-License-Identifier: MIT
# cmake -DBUILD_DIR=<build> -DPREFIX=<dir> [-DCONFIG=<cfg>] -P install.cmake
# A clean `cmake --install` of the build into PREFIX (removed first, so no stale header survives).
file(REMOVE_RECURSE "${PREFIX}")
set(config_args "")
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config_args}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
foreach(file IN ITEMS include/hermes/service.hpp include/hermes/service/version.hpp
                      share/cmake/hermes_service/hermes_serviceConfig.cmake
                      share/cmake/hermes_service/hermes_serviceConfigVersion.cmake
                      share/cmake/hermes_service/hermes_serviceTargets.cmake share/pkgconfig/hermes_service.pc)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()
