// Pl022SpiDriver: an Arm PrimeCell PL022 synchronous serial port (LM3S6965, RP2040, the mps2
// boards) as an SPI master behind the portable SpiDriver, so irqio::SpiBus (awaited, blocking,
// started) runs on it. No DMA: the FIFO-level interrupts move the bytes, at most 8 in flight (the
// receive FIFO's depth, so it never overruns); spi_abort() returns once the interrupt can no
// longer touch the caller's buffers.
//
//   Uart-like wiring: the board routes the port's NVIC line to its instance's on_irq().
#pragma once
#include <cstddef>
#include <cstdint>

#include "irqio/periph/driver.hpp"

namespace irqio::cortex_m {

class Pl022SpiDriver final : public SpiDriver {
  public:
    using Select = void (*)(uint8_t cs, bool active);

    // `clock_hz`: SSPCLK; the bit rate is the fastest at or below `bit_rate_hz`. `select` drives
    // chip selects (GPIO), or nullptr. `loopback`: the PL022's internal loopback (tests).
    constexpr Pl022SpiDriver(uintptr_t base, unsigned irq, uint32_t clock_hz, uint32_t bit_rate_hz,
                             Select select = nullptr, bool loopback = false,
                             uint8_t priority = 0x80) noexcept
        : base_(base),
          irq_(irq),
          clock_hz_(clock_hz),
          bit_rate_hz_(bit_rate_hz),
          select_(select),
          loopback_(loopback),
          priority_(priority) {}
    Pl022SpiDriver(const Pl022SpiDriver&) = delete;
    Pl022SpiDriver& operator=(const Pl022SpiDriver&) = delete;

    // ---- SpiDriver ----
    Result<void> spi_start(const uint8_t* tx, uint8_t* rx, std::size_t n,
                           Completion* done) noexcept override;
    void spi_abort() noexcept override;
    void spi_select(uint8_t cs, bool active) noexcept override;
    uint32_t spi_clock_hz() const noexcept override;

    // The port's interrupt handler (the board's IRQ<n>_Handler calls it).
    void on_irq() noexcept;

    uint32_t irqs() const noexcept { return irqs_; }

  private:
    void setup() noexcept;
    bool step() noexcept;  // moves what the FIFOs allow; true when the transfer is complete

    uintptr_t base_;
    unsigned irq_;
    uint32_t clock_hz_;
    uint32_t bit_rate_hz_;
    Select select_;
    bool loopback_;
    uint8_t priority_;
    bool ready_ = false;
    uint32_t divisor_ = 2;  // CPSDVSR * (1 + SCR)
    // The running transfer (handler and task, the task's side masked).
    const uint8_t* tx_ = nullptr;
    uint8_t* rx_ = nullptr;
    std::size_t n_ = 0, sent_ = 0, received_ = 0;
    Completion* volatile done_ = nullptr;
    volatile uint32_t irqs_ = 0;
};

}  // namespace irqio::cortex_m
