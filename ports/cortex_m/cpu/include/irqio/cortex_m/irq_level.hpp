// IrqLevel: an interrupt level on Cortex-M. The InterruptLoop it serves runs inside the handler of
// an otherwise unused NVIC line at a chosen priority; a wake pends that line (one store), and the
// level's earliest deadline goes to a LevelAlarm that one hardware timer serves for every level.
#pragma once
#include <cstdint>

#include "irqio/core/interrupt_loop.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {

// One hardware alarm for the deadlines of every level: set() records the level's earliest deadline
// (kNever: none); when one falls due, the alarm pends that level's line.
class LevelAlarm {
  public:
    // Any context (a level's handler, at the end of its serve()).
    virtual void set(unsigned irq, uint64_t deadline_us) noexcept = 0;

  protected:
    ~LevelAlarm() = default;
};

class IrqLevel final : public LevelPort {
  public:
    // `clock`: the board's clock (the thread loop's port); `priority`: the NVIC value (lower is
    // more urgent; multiples of 0x40 are portable to ARMv6-M).
    constexpr IrqLevel(unsigned irq, uint8_t priority, Port& clock, LevelAlarm& alarm) noexcept
        : irq_(irq), priority_(priority), clock_(clock), alarm_(alarm) {}

    // Sets the line's priority and enables it. The vector-table entry of the line calls the
    // level's serve(): extern "C" void <Line>_IRQHandler() { level.serve(); }
    void start() noexcept {
        nvic::disable(irq_);
        nvic::set_priority(irq_, priority_);
        nvic::clear_pending(irq_);
        nvic::enable(irq_);
    }
    uint64_t now_us() noexcept override { return clock_.now_us(); }
    void notify() noexcept override { nvic::pend(irq_); }
    volatile uint32_t* pend_word(uint32_t& value) noexcept override {
        value = 1u << (irq_ % 32);
        return &nvic::regs().ispr[irq_ / 32];
    }
    void arm(uint64_t deadline_us) noexcept override { alarm_.set(irq_, deadline_us); }
    void stop() noexcept override {
        nvic::disable(irq_);
        alarm_.set(irq_, kNever);
    }
    unsigned irq() const noexcept { return irq_; }

  private:
    const unsigned irq_;
    const uint8_t priority_;
    Port& clock_;
    LevelAlarm& alarm_;
};

// The levels' alarm on SysTick, for boards whose own port leaves SysTick free (mps2-an385 keeps
// its clock on CMSDK timers). Its SysTick_Handler pends every level whose deadline has come.
class SysTickLevelAlarm final : public LevelAlarm {
  public:
    static constexpr unsigned kMaxLevels = 4;
    constexpr SysTickLevelAlarm(Port& clock, uint32_t cycles_per_us) noexcept
        : clock_(clock), cycles_per_us_(cycles_per_us) {}
    void set(unsigned irq, uint64_t deadline_us) noexcept override;
    // SysTick_Handler (defined with it): not for user code.
    void on_systick() noexcept;
    uint32_t fired() const noexcept { return fired_; }
    static SysTickLevelAlarm* instance;  // the one SysTick_Handler serves (set on first set())

  private:
    struct Slot {
        uint16_t irq = 0xFFFF;  // free
        uint64_t deadline = kNever;
    };
    void program_masked() noexcept;
    Port& clock_;
    const uint32_t cycles_per_us_;
    Slot slots_[kMaxLevels] = {};
    uint32_t fired_ = 0;
};

}  // namespace irqio::cortex_m
