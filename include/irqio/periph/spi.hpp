// SpiBus and SpiDevice: DMA transfers usable three ways.
//
//   awaited:  co_await bus.write(buf)              -> Result<void>
//   blocking: bus.write_blocking(buf)              -> Result<void> (spins; interrupts still run)
//   started:  bus.start_write(buf); ... bus.busy(); co_await bus.done()  (or done_blocking())
//
// In started mode the bus holds the caller's buffer until the transfer ends: keep it alive until
// busy() is false, or call abort() (which returns once the DMA has stopped). Destroying the bus
// aborts. One transfer at a time per bus; a second start gives Error::busy.
//
// SpiDevice adds a chip select and transactions: `auto tx = co_await dev.transaction();` locks the
// bus (FIFO between devices), selects the chip, and releases both when `tx` goes away.
#pragma once
#include <cstdint>
#include <span>

#include "irqio/core/task.hpp"
#include "irqio/periph/driver.hpp"
#include "irqio/periph/transfer.hpp"
#include "irqio/sync/lock.hpp"

namespace irqio {

class SpiBus {
  public:
    explicit SpiBus(SpiDriver& d) noexcept : d_(&d) {}
    ~SpiBus() { abort(); }
    SpiBus(const SpiBus&) = delete;
    SpiBus& operator=(const SpiBus&) = delete;

    // --- started ---
    Result<void> start_write(std::span<const uint8_t> tx) noexcept {
        return start(tx.data(), nullptr, tx.size());
    }
    Result<void> start_read(std::span<uint8_t> rx) noexcept {
        return start(nullptr, rx.data(), rx.size());
    }
    // Sends tx while receiving into rx; both must be the same length (else invalid_argument).
    Result<void> start_transfer(std::span<const uint8_t> tx, std::span<uint8_t> rx) noexcept {
        if (tx.size() != rx.size()) return Error::invalid_argument;
        return start(tx.data(), rx.data(), tx.size());
    }
    Result<void> start_transfer_in_place(std::span<uint8_t> buf) noexcept {
        return start(buf.data(), buf.data(), buf.size());
    }
    bool busy() const noexcept { return done_.is_busy(); }
    Completion::Awaiter done(Priority p = Priority::normal) noexcept { return done_.wait(p); }
    Result<void> done_blocking() const noexcept { return done_.wait_blocking(); }
    // Stops a running transfer; returns once the DMA no longer touches the buffers.
    void abort() noexcept {
        if (done_.is_busy()) {
            d_->spi_abort();
            done_.cancel();
        }
    }

    // --- awaited (cancelling the awaiting task aborts the transfer) ---
    auto write(std::span<const uint8_t> tx, Priority p = Priority::normal) noexcept {
        return detail::make_transfer(
            this, [tx](SpiBus* b) { return b->start_write(tx); }, p);
    }
    auto read(std::span<uint8_t> rx, Priority p = Priority::normal) noexcept {
        return detail::make_transfer(
            this, [rx](SpiBus* b) { return b->start_read(rx); }, p);
    }
    auto transfer(std::span<const uint8_t> tx, std::span<uint8_t> rx,
                  Priority p = Priority::normal) noexcept {
        return detail::make_transfer(
            this, [tx, rx](SpiBus* b) { return b->start_transfer(tx, rx); }, p);
    }
    auto transfer_in_place(std::span<uint8_t> buf, Priority p = Priority::normal) noexcept {
        return detail::make_transfer(
            this, [buf](SpiBus* b) { return b->start_transfer_in_place(buf); }, p);
    }

    // --- blocking ---
    Result<void> write_blocking(std::span<const uint8_t> tx) noexcept {
        return blocking(start_write(tx));
    }
    Result<void> read_blocking(std::span<uint8_t> rx) noexcept { return blocking(start_read(rx)); }
    Result<void> transfer_blocking(std::span<const uint8_t> tx, std::span<uint8_t> rx) noexcept {
        return blocking(start_transfer(tx, rx));
    }
    Result<void> transfer_in_place_blocking(std::span<uint8_t> buf) noexcept {
        return blocking(start_transfer_in_place(buf));
    }

    Completion& completion() noexcept { return done_; }
    SpiDriver& driver() noexcept { return *d_; }
    Lock& lock() noexcept { return lock_; }
    uint64_t transfers() const noexcept { return transfers_; }
    uint64_t bytes() const noexcept { return bytes_; }

  private:
    Result<void> start(const uint8_t* tx, uint8_t* rx, std::size_t n) noexcept;
    Result<void> blocking(Result<void> started) noexcept {
        if (!started) return started;
        return done_.wait_blocking();
    }

    SpiDriver* d_;
    Completion done_;
    Lock lock_;  // held by SpiDevice transactions
    uint64_t transfers_ = 0, bytes_ = 0;
};

class SpiDevice {
  public:
    SpiDevice(SpiBus& bus, uint8_t cs) noexcept : bus_(&bus), cs_(cs) {}

    // A selected chip with the bus to itself. Transfers through it work in all three modes
    // (bus().start_write(...) too); the chip is deselected and the bus released when it goes away.
    class Transaction {
      public:
        Transaction() noexcept = default;
        Transaction(SpiDevice* d, Lock::Guard g) noexcept : d_(d), guard_(std::move(g)) {
            d_->bus_->driver().spi_select(d_->cs_, true);
        }
        Transaction(Transaction&& o) noexcept
            : d_(std::exchange(o.d_, nullptr)), guard_(std::move(o.guard_)) {}
        Transaction& operator=(Transaction&& o) noexcept {
            if (this != &o) {
                end();
                d_ = std::exchange(o.d_, nullptr);
                guard_ = std::move(o.guard_);
            }
            return *this;
        }
        ~Transaction() { end(); }
        explicit operator bool() const noexcept { return d_ != nullptr; }
        SpiBus& bus() noexcept { return *d_->bus_; }
        auto write(std::span<const uint8_t> tx) noexcept { return bus().write(tx); }
        auto read(std::span<uint8_t> rx) noexcept { return bus().read(rx); }
        auto transfer(std::span<const uint8_t> tx, std::span<uint8_t> rx) noexcept {
            return bus().transfer(tx, rx);
        }
        auto transfer_in_place(std::span<uint8_t> b) noexcept { return bus().transfer_in_place(b); }
        // Ends early: waits for nothing, aborts a transfer still running, deselects, unlocks.
        void end() noexcept {
            if (!d_) return;
            d_->bus_->abort();
            d_->bus_->driver().spi_select(d_->cs_, false);
            d_ = nullptr;
            guard_.unlock();
        }

      private:
        SpiDevice* d_ = nullptr;
        Lock::Guard guard_;
    };

    class TransactionAwaiter {
      public:
        explicit TransactionAwaiter(SpiDevice* d) noexcept
            : d_(d), inner_(d->bus_->lock().acquire()) {}
        bool await_ready() noexcept { return inner_.await_ready(); }
        void await_suspend(std::coroutine_handle<> h) noexcept { inner_.await_suspend(h); }
        Transaction await_resume() noexcept { return Transaction(d_, inner_.await_resume()); }

      private:
        SpiDevice* d_;
        Lock::Awaiter inner_;
    };
    // Task context: waits for the bus, then selects the chip.
    TransactionAwaiter transaction() noexcept { return TransactionAwaiter(this); }
    // Blocking: Error::busy if another transaction holds the bus.
    Result<Transaction> transaction_blocking() noexcept {
        if (!bus_->lock().try_acquire()) return Error::busy;
        return Transaction(this, Lock::Guard(&bus_->lock()));
    }

    // One-shot helpers: transaction + one transfer.
    Task<Result<void>> write(std::span<const uint8_t> tx) {
        Transaction t = co_await transaction();
        co_return co_await t.write(tx);
    }
    Task<Result<void>> read(std::span<uint8_t> rx) {
        Transaction t = co_await transaction();
        co_return co_await t.read(rx);
    }
    Task<Result<void>> transfer(std::span<const uint8_t> tx, std::span<uint8_t> rx) {
        Transaction t = co_await transaction();
        co_return co_await t.transfer(tx, rx);
    }

    SpiBus& bus() noexcept { return *bus_; }
    uint8_t cs() const noexcept { return cs_; }

  private:
    SpiBus* bus_;
    uint8_t cs_;
};

}  // namespace irqio
