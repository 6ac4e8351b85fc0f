// SPDX-License-Identifier: MIT
// Must not compile (tests/abi/check-abi.cmake): the std::expected backend chosen in C++17.
#include <hermes/service.hpp>

int main() { return 0; }
