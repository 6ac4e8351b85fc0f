// SPDX-License-Identifier: MIT
// A sink that gathers small appends in a stack buffer and hands them to a std::string in large ones, so
// the writers stop paying std::string's per-append bookkeeping (size, capacity check, terminator).
// Internal. Tested against plain appends (tests/render_fast_paths.cpp).
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "config.hpp"  // HERMES_SERVICE_ABI_NAMESPACE

namespace hermes::service {
inline namespace HERMES_SERVICE_ABI_NAMESPACE {
namespace detail {

/// Appends to `out` as string_sink does, through a stack buffer of `Capacity` bytes that is flushed to
/// `out` in large appends (one size/capacity update per buffer instead of per piece). `out` holds the
/// bytes plain appends would have left once finish() ran or the sink is gone, also after an error.
template <std::size_t Capacity>
class basic_buffer_sink {
  public:
    static constexpr std::size_t capacity = Capacity;

    explicit basic_buffer_sink(std::string& out) noexcept : out_(&out) {}
    basic_buffer_sink(const basic_buffer_sink&) = delete;
    basic_buffer_sink& operator=(const basic_buffer_sink&) = delete;
    ~basic_buffer_sink() { finish(); }

    /// Appends one byte.
    void put(char c) {
        if (used_ == capacity) flush();
        buf_[used_++] = c;
    }
    /// Appends `s`.
    void put(std::string_view s) {
        if (s.size() <= capacity - used_) {  // the common case, kept small enough to inline
            std::char_traits<char>::copy(buf_ + used_, s.data(), s.size());  // n == 0 is fine
            used_ += s.size();
            return;
        }
        put_long(s);
    }
    /// Bytes written through this sink so far.
    [[nodiscard]] std::size_t size() const noexcept { return flushed_ + used_; }
    /// Moves the buffered bytes to `out`; call it before reading `out` while the sink lives.
    void finish() { flush(); }

  private:
    /// put() of a piece that does not fit what is left of the buffer.
    void put_long(std::string_view s) {
        flush();
        if (s.size() >= capacity) {  // a long piece goes straight to the string
            out_->append(s);
            flushed_ += s.size();
            return;
        }
        std::char_traits<char>::copy(buf_, s.data(), s.size());
        used_ = s.size();
    }

    void flush() {
        out_->append(buf_, used_);
        flushed_ += used_;
        used_ = 0;
    }

    std::string* out_;
    std::size_t flushed_ = 0;
    std::size_t used_ = 0;
    char buf_[capacity];
};

/// The unit writers' sink: a kilobyte holds most directives' pieces between two flushes.
using buffer_sink = basic_buffer_sink<1024>;

}  // namespace detail
}  // namespace HERMES_SERVICE_ABI_NAMESPACE
}  // namespace hermes::service
