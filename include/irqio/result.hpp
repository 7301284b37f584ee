// Result<T>: a value or an Error, the core's only way to report failure (no exceptions).
// Reading value() of an error, or error() of a value, is a documented assertion.
#pragma once
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "irqio/config.hpp"

namespace irqio {

enum class Error : uint8_t {
    none = 0,
    cancelled,
    timed_out,
    full,
    empty,
    closed,
    io,
    invalid_argument,
    no_memory,
    eof,
    reset,
    busy,
    nack,
    overrun,
    too_long,
    not_found,    // the named thing (a path, a device) does not exist
    unsupported,  // the device cannot do what was asked (it kept other settings)
};

const char* to_string(Error e) noexcept;

template <class T>
class [[nodiscard]] Result {
  public:
    Result(const T& v) : err_(Error::none) { new (&value_) T(v); }
    Result(T&& v) : err_(Error::none) { new (&value_) T(std::move(v)); }
    Result(Error e) : err_(e) {
        IRQIO_ASSERT(e != Error::none, "Result(Error::none) has no value");
    }
    Result(const Result& o) : err_(o.err_) {
        if (ok()) new (&value_) T(o.value_);
    }
    Result(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : err_(o.err_) {
        if (ok()) new (&value_) T(std::move(o.value_));
    }
    Result& operator=(const Result& o) {
        if (this != &o) {
            reset();
            err_ = o.err_;
            if (ok()) new (&value_) T(o.value_);
        }
        return *this;
    }
    Result& operator=(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
        if (this != &o) {
            reset();
            err_ = o.err_;
            if (ok()) new (&value_) T(std::move(o.value_));
        }
        return *this;
    }
    ~Result() { reset(); }

    bool ok() const noexcept { return err_ == Error::none; }
    explicit operator bool() const noexcept { return ok(); }
    Error error() const noexcept { return err_; }
    T& value() & {
        IRQIO_ASSERT(ok(), "Result::value() on an error");
        return value_;
    }
    const T& value() const& {
        IRQIO_ASSERT(ok(), "Result::value() on an error");
        return value_;
    }
    T&& value() && {
        IRQIO_ASSERT(ok(), "Result::value() on an error");
        return std::move(value_);
    }
    T value_or(T fallback) const { return ok() ? value_ : fallback; }
    T* operator->() { return &value(); }
    T& operator*() { return value(); }

  private:
    void reset() noexcept {
        if (ok()) value_.~T();
    }
    union {
        T value_;
    };
    Error err_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() noexcept = default;
    Result(Error e) noexcept : err_(e) {}
    bool ok() const noexcept { return err_ == Error::none; }
    explicit operator bool() const noexcept { return ok(); }
    Error error() const noexcept { return err_; }
    void value() const { IRQIO_ASSERT(ok(), "Result::value() on an error"); }

  private:
    Error err_ = Error::none;
};

template <class T>
struct is_result : std::false_type {};
template <class T>
struct is_result<Result<T>> : std::true_type {};

}  // namespace irqio
