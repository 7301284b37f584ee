// The small interfaces a board implements so the portable peripherals (SpiBus, I2c, Adc, Dac, Pin,
// Uart) run on it. Start calls come from task context; completion is reported from the
// peripheral's interrupt handler (any context) through a Completion or a sink.
//
// Rule for every abort()/stop(): it returns only once the hardware no longer reads or writes the
// buffers it was given (the DMA channel has stopped), and no completion for the stopped transfer
// is reported afterwards. Awaiter destructors call it, and the buffer may be freed right after.
#pragma once
#include <cstddef>
#include <cstdint>

#include "irqio/periph/completion.hpp"
#include "irqio/result.hpp"

namespace irqio {

class SpiDriver {
  public:
    // Full duplex, n bytes. tx == nullptr sends 0xFF fill bytes; rx == nullptr discards what comes
    // in; tx == rx (in place) is allowed. The completion interrupt calls done->finish().
    virtual Result<void> spi_start(const uint8_t* tx, uint8_t* rx, std::size_t n,
                                   Completion* done) noexcept = 0;
    virtual void spi_abort() noexcept = 0;
    // Drives chip select `cs` (active = selected).
    virtual void spi_select(uint8_t cs, bool active) noexcept = 0;
    virtual uint32_t spi_clock_hz() const noexcept = 0;

  protected:
    ~SpiDriver() = default;
};

class I2cDriver {
  public:
    // START, address+W, wn bytes from w (if wn > 0), repeated START, address+R, rn bytes into r
    // (if rn > 0), STOP. The interrupt reports Error::nack (address or data not acknowledged) or
    // Error::io (bus error, arbitration lost) through done->finish().
    virtual Result<void> i2c_start(uint8_t addr7, const uint8_t* w, std::size_t wn, uint8_t* r,
                                   std::size_t rn, Completion* done) noexcept = 0;
    virtual void i2c_abort() noexcept = 0;

  protected:
    ~I2cDriver() = default;
};

// Told by a streaming driver (ADC, DAC) from its interrupt that one more block is done.
class BlockSink {
  public:
    virtual void block_done(uint64_t timestamp_us) noexcept = 0;

  protected:
    ~BlockSink() = default;
};

// Circular DMA over `blocks` consecutive blocks of `block_len` samples, one sample per period of
// `rate_hz`, block_done() after each block, forever until stop().
class AdcDriver {
  public:
    virtual Result<void> adc_start(uint16_t* buf, std::size_t block_len, uint32_t blocks,
                                   uint32_t rate_hz, BlockSink* sink) noexcept = 0;
    virtual void adc_stop() noexcept = 0;

  protected:
    ~AdcDriver() = default;
};

class DacDriver {
  public:
    virtual Result<void> dac_start(const uint16_t* buf, std::size_t block_len, uint32_t blocks,
                                   uint32_t rate_hz, BlockSink* sink) noexcept = 0;
    virtual void dac_stop() noexcept = 0;

  protected:
    ~DacDriver() = default;
};

enum class Edge : uint8_t { none = 0, rising = 1, falling = 2, both = 3 };

class EdgeSink {
  public:
    // From the pin's interrupt: the level after the edge and the time the interrupt took.
    virtual void on_edge(bool level, uint64_t timestamp_us) noexcept = 0;

  protected:
    ~EdgeSink() = default;
};

class PinDriver {
  public:
    virtual bool pin_read() noexcept = 0;
    virtual void pin_write(bool level) noexcept = 0;
    // Interrupt on the given edges (Edge::none disables); `sink` is called from the handler.
    virtual void pin_irq(Edge edges, EdgeSink* sink) noexcept = 0;

  protected:
    ~PinDriver() = default;
};

// A byte-at-a-time UART with receive and transmit-empty interrupts (16550, CMSDK, PL011 style).
class UartSink {
  public:
    virtual void on_uart_irq() noexcept = 0;  // the UART's interrupt handler

  protected:
    ~UartSink() = default;
};

class UartDriver {
  public:
    virtual void uart_attach(UartSink* sink) noexcept = 0;  // enables the receive interrupt
    // Handler side: one received byte, false when the receive register is empty.
    virtual bool uart_rx(uint8_t& b) noexcept = 0;
    // Handler or task side: false when the transmit register is full.
    virtual bool uart_tx(uint8_t b) noexcept = 0;
    // Enables the transmit-empty interrupt (while there is something to send).
    virtual void uart_tx_irq(bool enable) noexcept = 0;
    // Enables the receive interrupt (on after uart_attach). Off, received bytes wait in the UART
    // (and its FIFO), so the line's flow control holds the sender back: how Uart throttles.
    virtual void uart_rx_irq(bool enable) noexcept = 0;

  protected:
    ~UartDriver() = default;
};

}  // namespace irqio
