# SPDX-License-Identifier: MIT
# hermes_service_sanitizers: AddressSanitizer + UndefinedBehaviorSanitizer for our own tests and examples
# when HERMES_SERVICE_SANITIZE is ON (empty otherwise). Never linked into the library, never exported.
if(TARGET hermes_service_sanitizers)
  return()
endif()

add_library(hermes_service_sanitizers INTERFACE)
if(HERMES_SERVICE_SANITIZE)
  if(MSVC)
    message(FATAL_ERROR "hermes_service: HERMES_SERVICE_SANITIZE supports GCC and Clang only")
  endif()
  set(hermes_service_sanitizer_flags -fsanitize=address,undefined -fno-sanitize-recover=all
                                     -fno-omit-frame-pointer)
  target_compile_options(hermes_service_sanitizers INTERFACE ${hermes_service_sanitizer_flags})
  target_link_options(hermes_service_sanitizers INTERFACE ${hermes_service_sanitizer_flags})
endif()
