// I2c: controller transfers usable three ways (awaited, blocking, started + busy()/done()).
// A missing acknowledge is Error::nack, a bus error or lost arbitration Error::io: both come back
// as the Result of the transfer, never as a silent short read.
#pragma once
#include <cstdint>
#include <span>

#include "irqio/periph/driver.hpp"
#include "irqio/periph/transfer.hpp"
#include "irqio/sync/lock.hpp"

namespace irqio {

class I2c {
  public:
    explicit I2c(I2cDriver& d) noexcept : d_(&d) {}
    ~I2c() { abort(); }
    I2c(const I2c&) = delete;
    I2c& operator=(const I2c&) = delete;

    // --- started: buffers are held until busy() is false ---
    Result<void> start_write(uint8_t addr, std::span<const uint8_t> w) noexcept {
        return start(addr, w.data(), w.size(), nullptr, 0);
    }
    Result<void> start_read(uint8_t addr, std::span<uint8_t> r) noexcept {
        return start(addr, nullptr, 0, r.data(), r.size());
    }
    Result<void> start_write_read(uint8_t addr, std::span<const uint8_t> w,
                                  std::span<uint8_t> r) noexcept {
        return start(addr, w.data(), w.size(), r.data(), r.size());
    }
    bool busy() const noexcept { return done_.is_busy(); }
    Completion::Awaiter done(Priority p = Priority::normal) noexcept { return done_.wait(p); }
    Result<void> done_blocking() const noexcept { return done_.wait_blocking(); }
    void abort() noexcept {
        if (done_.is_busy()) {
            d_->i2c_abort();
            done_.cancel();
        }
    }

    // --- awaited ---
    auto write(uint8_t addr, std::span<const uint8_t> w, Priority p = Priority::normal) noexcept {
        return detail::make_transfer(
            this, [=](I2c* b) { return b->start_write(addr, w); }, p);
    }
    auto read(uint8_t addr, std::span<uint8_t> r, Priority p = Priority::normal) noexcept {
        return detail::make_transfer(
            this, [=](I2c* b) { return b->start_read(addr, r); }, p);
    }
    auto write_read(uint8_t addr, std::span<const uint8_t> w, std::span<uint8_t> r,
                    Priority p = Priority::normal) noexcept {
        return detail::make_transfer(
            this, [=](I2c* b) { return b->start_write_read(addr, w, r); }, p);
    }

    // --- blocking ---
    Result<void> write_blocking(uint8_t addr, std::span<const uint8_t> w) noexcept {
        return blocking(start_write(addr, w));
    }
    Result<void> read_blocking(uint8_t addr, std::span<uint8_t> r) noexcept {
        return blocking(start_read(addr, r));
    }
    Result<void> write_read_blocking(uint8_t addr, std::span<const uint8_t> w,
                                     std::span<uint8_t> r) noexcept {
        return blocking(start_write_read(addr, w, r));
    }

    Completion& completion() noexcept { return done_; }
    // For several tasks sharing the bus across multi-transfer sequences.
    Lock& lock() noexcept { return lock_; }

  private:
    Result<void> start(uint8_t addr, const uint8_t* w, std::size_t wn, uint8_t* r,
                       std::size_t rn) noexcept;
    Result<void> blocking(Result<void> started) noexcept {
        if (!started) return started;
        return done_.wait_blocking();
    }

    I2cDriver* d_;
    Completion done_;
    Lock lock_;
};

}  // namespace irqio
