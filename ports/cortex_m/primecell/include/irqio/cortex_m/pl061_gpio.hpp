// Pl061Gpio: one Arm PrimeCell PL061 GPIO port (8 pins, one interrupt line), as in the LM3S6965;
// Pl061Pin: one of its pins behind the portable PinDriver, with edge interrupts, so irqio::Pin
// (awaited, started, blocking) runs on it.
//
//   cortex_m::Pl061Pin up(cortex_m::lm3s6965::gpio_e(), 0);   // input
//   Pin pin(up);  auto e = co_await pin.wait_for_edge(Edge::falling);
//
// The board routes the port's NVIC line to its instance's on_irq() (boards/*/src/gpio.cpp).
#pragma once
#include <cstdint>

#include "irqio/periph/driver.hpp"

namespace irqio::cortex_m {

class Pl061Gpio {
  public:
    constexpr Pl061Gpio(uintptr_t base, unsigned irq, uint8_t priority = 0x80) noexcept
        : base_(base), irq_(irq), priority_(priority) {}
    Pl061Gpio(const Pl061Gpio&) = delete;
    Pl061Gpio& operator=(const Pl061Gpio&) = delete;

    // Task context (setup): the pin as a digital output or input.
    void make_output(unsigned pin, bool output) noexcept;
    // Task context (setup): the pin to the peripheral that shares it (the chip's alternate
    // function, e.g. an SSI's clock), no longer a GPIO.
    void make_alternate(unsigned pin) noexcept;
    bool read(unsigned pin) noexcept;
    void write(unsigned pin, bool level) noexcept;
    // Interrupts on the given edges of an input pin call sink->on_edge(); Edge::none stops them
    // and returns once no handler can call the old sink any more.
    void set_edges(unsigned pin, Edge edges, EdgeSink* sink) noexcept;

    // The port's interrupt handler: clears the pins that raised it, tells each its sink.
    void on_irq() noexcept;

  private:
    uintptr_t base_;
    unsigned irq_;
    uint8_t priority_;
    EdgeSink* volatile sinks_[8] = {};
};

class Pl061Pin final : public PinDriver {
  public:
    Pl061Pin(Pl061Gpio& port, unsigned pin, bool output = false) noexcept
        : port_(&port), pin_(pin) {
        port_->make_output(pin_, output);
    }
    bool pin_read() noexcept override { return port_->read(pin_); }
    void pin_write(bool level) noexcept override { port_->write(pin_, level); }
    void pin_irq(Edge edges, EdgeSink* sink) noexcept override {
        port_->set_edges(pin_, edges, sink);
    }

  private:
    Pl061Gpio* port_;
    unsigned pin_;
};

}  // namespace irqio::cortex_m
