// SPDX-License-Identifier: MIT
// A counting allocator for the benchmarks: replaces the global operator new/delete so every heap
// allocation of the program is counted. Include it from exactly one translation unit (the
// replacement functions are ordinary definitions, not inline).
#pragma once

#include <atomic>   // std::atomic
#include <cstddef>  // std::size_t
#include <cstdlib>  // std::malloc, std::free, std::aligned_alloc
#include <new>      // std::bad_alloc, std::align_val_t, std::nothrow_t

namespace hermes_bench {

/// Allocations and bytes requested since the program started (relaxed: one thread measures).
struct allocation_counters {
    std::atomic<std::size_t> count{0};
    std::atomic<std::size_t> bytes{0};
};

inline allocation_counters& counters() noexcept {
    static allocation_counters c;
    return c;
}

/// A snapshot, so a benchmark can subtract "before" from "after".
struct allocation_snapshot {
    std::size_t count;
    std::size_t bytes;
};

inline allocation_snapshot snapshot() noexcept {
    return {counters().count.load(std::memory_order_relaxed),
            counters().bytes.load(std::memory_order_relaxed)};
}

inline void* counted_alloc(std::size_t size) noexcept {
    counters().count.fetch_add(1, std::memory_order_relaxed);
    counters().bytes.fetch_add(size, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}

inline void* counted_aligned_alloc(std::size_t size, std::size_t align) noexcept {
    counters().count.fetch_add(1, std::memory_order_relaxed);
    counters().bytes.fetch_add(size, std::memory_order_relaxed);
    const std::size_t rounded = (size + align - 1) / align * align;
    return std::aligned_alloc(align, rounded == 0 ? align : rounded);
}

/// Out of line, so the compiler never sees malloc'd memory reach a `delete` it inlined
/// (GCC's -Wmismatched-new-delete would flag that pairing, which is correct here by construction).
[[gnu::noinline]] inline void counted_free(void* p) noexcept { std::free(p); }

}  // namespace hermes_bench

void* operator new(std::size_t size) {
    if (void* p = hermes_bench::counted_alloc(size)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    if (void* p = hermes_bench::counted_alloc(size)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return hermes_bench::counted_alloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return hermes_bench::counted_alloc(size);
}
void* operator new(std::size_t size, std::align_val_t align) {
    if (void* p = hermes_bench::counted_aligned_alloc(size, static_cast<std::size_t>(align))) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
    if (void* p = hermes_bench::counted_aligned_alloc(size, static_cast<std::size_t>(align))) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { hermes_bench::counted_free(p); }
void operator delete[](void* p) noexcept { hermes_bench::counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { hermes_bench::counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { hermes_bench::counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { hermes_bench::counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { hermes_bench::counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { hermes_bench::counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { hermes_bench::counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { hermes_bench::counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { hermes_bench::counted_free(p); }
