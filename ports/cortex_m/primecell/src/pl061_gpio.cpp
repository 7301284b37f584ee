// Pl061Gpio. Registers from the Arm PrimeCell GPIO (PL061) Technical Reference Manual, the
// LM3S6965 data sheet (its digital-enable register) and QEMU's hw/gpio/pl061.c.
#include "irqio/cortex_m/pl061_gpio.hpp"

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/mmio.hpp"
#include "irqio/cortex_m/nvic.hpp"
#include "irqio/port.hpp"

namespace irqio::cortex_m {
namespace {

// Word offsets. DATA is address-masked: the word at (1 << pin) reads and writes that pin only.
enum : unsigned {
    kDir = 0x400 / 4,
    kIs = 0x404 / 4,   // 1 = level-sensitive (0: edges)
    kIbe = 0x408 / 4,  // 1 = both edges
    kIev = 0x40C / 4,  // 1 = rising edge (when not both)
    kIm = 0x410 / 4,   // 1 = interrupt enabled
    kMis = 0x418 / 4,
    kIcr = 0x41C / 4,
    kAfsel = 0x420 / 4,  // 1 = the pin belongs to the alternate (peripheral) function
    kDen = 0x51C / 4,    // LM3S (Stellaris) extension: digital enable
};

Reg& reg(uintptr_t base, unsigned word) noexcept {
    return mmio<Reg[0x540 / 4]>(base)[word];
}
Reg& data(uintptr_t base, unsigned pin) noexcept {
    return reg(base, 1u << pin);
}

void set_bit(Reg& r, uint32_t bit, bool on) noexcept {
    r = on ? (r | bit) : (r & ~bit);
}

}  // namespace

void Pl061Gpio::make_output(unsigned pin, bool output) noexcept {
    uint32_t primask = irq_disable();  // read-modify-write of registers the other pins share
    set_bit(reg(base_, kDen), 1u << pin, true);
    set_bit(reg(base_, kDir), 1u << pin, output);
    irq_restore(primask);
}

void Pl061Gpio::make_alternate(unsigned pin) noexcept {
    uint32_t primask = irq_disable();
    set_bit(reg(base_, kDen), 1u << pin, true);
    set_bit(reg(base_, kAfsel), 1u << pin, true);
    irq_restore(primask);
}

bool Pl061Gpio::read(unsigned pin) noexcept {
    return data(base_, pin) != 0;
}

void Pl061Gpio::write(unsigned pin, bool level) noexcept {
    data(base_, pin) = level ? 0xFF : 0;  // the address mask limits it to the pin
}

void Pl061Gpio::set_edges(unsigned pin, Edge edges, EdgeSink* sink) noexcept {
    uint32_t bit = 1u << pin;
    uint32_t primask = irq_disable();
    set_bit(reg(base_, kIm), bit, false);
    if (edges == Edge::none || sink == nullptr) {
        sinks_[pin] = nullptr;  // masked: no handler runs with the old sink after this
        irq_restore(primask);
        return;
    }
    set_bit(reg(base_, kIs), bit, false);
    set_bit(reg(base_, kIbe), bit, edges == Edge::both);
    set_bit(reg(base_, kIev), bit, edges == Edge::rising);
    reg(base_, kIcr) = bit;  // an edge from before does not count
    sinks_[pin] = sink;
    set_bit(reg(base_, kIm), bit, true);
    irq_restore(primask);
    nvic::set_priority(irq_, priority_);
    nvic::enable(irq_);
}

// Interrupt context. The timestamp is taken first, as close to the edge as the handler gets.
void Pl061Gpio::on_irq() noexcept {
    uint64_t now = port::clock_us();
    uint32_t pending = reg(base_, kMis);
    reg(base_, kIcr) = pending;
    for (unsigned pin = 0; pin < 8; ++pin) {
        if (!(pending & (1u << pin))) continue;
        if (EdgeSink* s = sinks_[pin]) s->on_edge(read(pin), now);
    }
}

}  // namespace irqio::cortex_m
