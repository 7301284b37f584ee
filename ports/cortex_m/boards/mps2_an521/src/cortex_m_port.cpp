// CortexMPort on mps2-an521: the shared 64-bit microsecond clock on TIMER0, each core's one-shot
// alarm on its SysTick, the MHU0 doorbell between the cores, the race-free wfi idle, core 1's
// start (the hooks of irqio/port.hpp: cpu/src/port_hooks.cpp).
#include "irqio/cortex_m.hpp"

#include "irqio/cortex_m/cmsdk_timer.hpp"
#include "irqio/cortex_m/cores.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/mps2_an521.hpp"
#include "irqio/cortex_m/nvic.hpp"

// Core 1's vector table (src/vectors.cpp), named here only for its address.
extern "C" const uint32_t irqio_vectors_core1[];

namespace irqio {
namespace {

namespace board = cortex_m::board;
namespace timer = cortex_m::cmsdk_timer;
namespace nvic = cortex_m::nvic;
using cortex_m::mmio;
using cortex_m::Reg;

// The clock's epoch (20 MHz: 2^27 us, about 134 s per epoch).
using Epoch = timer::Epoch<board::kTicksPerUs>;
constexpr unsigned kEpochShift = Epoch::kShift;
constexpr uint32_t kReload = Epoch::kReload;

// SysTick (ARMv8-M, the Secure instance as this port runs Secure): 24-bit, processor clock.
struct SysTickRegs {
    Reg csr;  // 0xE000E010
    Reg rvr;  // 0xE000E014: reload value, 24 bits
    Reg cvr;  // 0xE000E018: any write clears the count
};
constexpr uint32_t kSysTickEnable = 1u << 0;
constexpr uint32_t kSysTickInterrupt = 1u << 1;
constexpr uint32_t kSysTickCpuClock = 1u << 2;  // the SSE-200 wires no reference clock
constexpr uint32_t kSysTickMax = 0x00FF'FFFF;
constexpr uint32_t kMaxSleepUs = kSysTickMax / board::kTicksPerUs;  // ~0.84 s
Reg& icsr() noexcept {
    return mmio<Reg>(0xE000'ED04);
}
constexpr uint32_t kIcsrPendStClear = 1u << 25;
SysTickRegs& systick() noexcept {
    return mmio<SysTickRegs>(0xE000'E010);
}

// MHU0: a doorbell per core (bit 0 of CPUnINTR raises core n's line 6 until cleared).
struct MhuRegs {
    Reg cpu0_status;  // 0x00
    Reg cpu0_set;     // 0x04
    Reg cpu0_clear;   // 0x08
    Reg reserved;
    Reg cpu1_status;  // 0x10
    Reg cpu1_set;     // 0x14
    Reg cpu1_clear;   // 0x18
};
MhuRegs& mhu() noexcept {
    return mmio<MhuRegs>(board::kMhu0Base);
}

// The SSE-200 system control block, Secure only: core 1's reset vector table and power gate.
struct SysCtlRegs {
    Reg reserved[0x114 / 4];
    Reg initsvtor1;  // 0x114: core 1's Secure VTOR at its next reset
    Reg cpuwait;     // 0x118: bit n holds core n off; clearing it starts that core
};
constexpr uint32_t kCpuWaitCore1 = 1u << 1;

timer::Regs& clock_timer() noexcept {
    return timer::at(board::kTimer0Base);
}

// Orders this core's memory accesses, device ones included, before its later ones.
IRQIO_INLINE void memory_barrier() noexcept {
    asm volatile("dmb" ::: "memory");
}

// The epoch, as a sequence count: twice the epoch, odd while core 0 folds a wrap into it. Core 0
// alone writes it (interrupts masked); a reader on another core retries when it changed under it.
std::atomic<uint32_t> g_epoch_seq{0};

// Core 0, interrupts masked: a counter value that belongs to the epoch in g_epoch_seq.
// The wrap flag rises on the step from 1 to 0, before the reload: if it is clear after the counter
// was read, the value belongs to the current epoch; if it is set, wait for the reload and count
// the epoch here (whoever sees the flag first, this or the handler, counts it, both masked).
uint32_t sync_epoch() noexcept {
    timer::Regs& clock = clock_timer();
    uint32_t value = clock.value;
    if (clock.intstatus & timer::kIrqFlag) {
        do value = clock.value;
        while (value == 0);
        const uint32_t seq = g_epoch_seq.load(std::memory_order_relaxed);
        g_epoch_seq.store(seq + 1, std::memory_order_relaxed);
        memory_barrier();  // readers see "folding" before the flag clears
        clock.intstatus = timer::kIrqFlag;
        memory_barrier();
        g_epoch_seq.store(seq + 2, std::memory_order_relaxed);
    }
    return value;
}

uint64_t microseconds(uint32_t epoch, uint32_t value) noexcept {
    return (uint64_t{epoch} << kEpochShift) + (kReload - value) / board::kTicksPerUs;
}

// Any core but 0: reads the clock without writing anything. A wrap that core 0 has not counted
// yet shows as the raised flag with an even, unchanged sequence count: counted here, for this read.
uint64_t read_clock_elsewhere() noexcept {
    timer::Regs& clock = clock_timer();
    for (;;) {
        const uint32_t seq = g_epoch_seq.load(std::memory_order_relaxed);
        memory_barrier();
        if (seq & 1) continue;
        uint32_t value = clock.value;
        const bool wrapped = clock.intstatus & timer::kIrqFlag;
        if (wrapped) {
            do value = clock.value;
            while (value == 0);
        }
        memory_barrier();
        if (g_epoch_seq.load(std::memory_order_relaxed) == seq)
            return microseconds((seq >> 1) + (wrapped ? 1 : 0), value);
    }
}

constinit cortex_m::CortexMPort g_ports[board::kCores] = {cortex_m::CortexMPort(0),
                                                          cortex_m::CortexMPort(1)};

// Core 1's first code, run from its vector table with its own stack; static data is ready (core 0
// initialised it before main).
cortex_m::CoreEntry g_core1_entry = nullptr;
void* g_core1_arg = nullptr;

}  // namespace

cortex_m::CortexMPort& cortex_m::CortexMPort::of_core(unsigned core) noexcept {
    return g_ports[core];
}
cortex_m::CortexMPort& cortex_m::CortexMPort::instance() noexcept {
    return g_ports[port::core_id()];
}

void cortex_m::CortexMPort::start() noexcept {
    uint32_t primask = cortex_m::irq_disable();
    if (!started_) {
        if (core_ == 0) {
            timer::start_free_running(clock_timer(), kReload);
            nvic::clear_pending(board::irq::kTimer0);
            nvic::enable(board::irq::kTimer0);  // on core 0's NVIC only: it counts the epochs
        }
        systick().csr = 0;
        icsr() = kIcsrPendStClear;
        nvic::clear_pending(board::irq::kMhu0);
        nvic::enable(board::irq::kMhu0);
        started_ = true;
    }
    cortex_m::irq_restore(primask);
}

uint64_t cortex_m::CortexMPort::now_us_masked() noexcept {
    if (core_ != 0) return read_clock_elsewhere();
    const uint32_t value = sync_epoch();
    return microseconds(g_epoch_seq.load(std::memory_order_relaxed) >> 1, value);
}

uint64_t cortex_m::CortexMPort::now_us() noexcept {
    uint32_t primask = cortex_m::irq_disable();
    uint64_t now = now_us_masked();
    cortex_m::irq_restore(primask);
    return now;
}

void cortex_m::CortexMPort::notify() noexcept {
    detail::store_release(notified_, true);
    if (IRQIO_CORES == 1 || port::core_id() == core_) return;
    // The flag must be visible before the doorbell can end the other core's wfi and its masked
    // check reads the flag; a dmb orders the normal store before the device write.
    memory_barrier();
    if (core_ == 0)
        mhu().cpu0_set = 1;
    else
        mhu().cpu1_set = 1;
    doorbells_.fetch_add(1, std::memory_order_relaxed);
}

void cortex_m::CortexMPort::wait_until(uint64_t deadline_us) noexcept {
    idle([&] {
        uint64_t now = now_us_masked();
        if (deadline_us > now) {
            const bool timed = deadline_us != kNever;
            if (timed) {
                uint64_t delta = deadline_us - now;
                uint32_t us = delta > kMaxSleepUs ? kMaxSleepUs : static_cast<uint32_t>(delta);
                // Fires after reload + 1 ticks: never before the deadline.
                systick().rvr = us * board::kTicksPerUs;
                systick().cvr = 0;
                systick().csr = kSysTickEnable | kSysTickInterrupt | kSysTickCpuClock;
            }
            sleep_masked();
            if (timed) {
                // Disarm, and drop the alarm's pending exception: one entry less per timed wake.
                systick().csr = 0;
                icsr() = kIcsrPendStClear;
            }
        }
    });
}

void cortex_m::CortexMPort::on_clock_irq() noexcept {
    uint32_t primask = cortex_m::irq_disable();
    sync_epoch();
    cortex_m::irq_restore(primask);
}

void cortex_m::CortexMPort::on_alarm_irq() noexcept {
    systick().csr = 0;  // only reached when the alarm fired outside wait_until
}

void cortex_m::CortexMPort::on_doorbell_irq() noexcept {
    if (core_ == 0)
        mhu().cpu0_clear = 1;
    else
        mhu().cpu1_clear = 1;
}

void cortex_m::CortexMPort::skip_to_epoch_end(uint32_t us_before_wrap) noexcept {
    if (us_before_wrap > Epoch::kMaxUs) us_before_wrap = Epoch::kMaxUs;
    uint32_t primask = cortex_m::irq_disable();
    sync_epoch();
    clock_timer().value = us_before_wrap * board::kTicksPerUs;
    cortex_m::irq_restore(primask);
}

void cortex_m::start_core1(CoreEntry entry, void* arg) noexcept {
    g_ports[0].start();  // the clock runs before core 1 can read it
    g_core1_entry = entry;
    g_core1_arg = arg;
    auto& sysctl = mmio<SysCtlRegs>(board::kSysCtlBase);
    memory_barrier();  // core 1 sees everything written so far once it runs
    sysctl.initsvtor1 = reinterpret_cast<uintptr_t>(irqio_vectors_core1);
    sysctl.cpuwait = sysctl.cpuwait & ~kCpuWaitCore1;
}

}  // namespace irqio

extern "C" [[noreturn]] void Core1_Reset_Handler() {
    irqio::g_core1_entry(irqio::g_core1_arg);
    for (;;) irqio::cortex_m::wait_for_interrupt();
}

extern "C" void TIMER0_IRQHandler() {
    irqio::cortex_m::CortexMPort::of_core(0).on_clock_irq();
}
extern "C" void SysTick_Handler() {
    irqio::cortex_m::CortexMPort::instance().on_alarm_irq();
}
extern "C" void MHU0_IRQHandler() {
    irqio::cortex_m::CortexMPort::instance().on_doorbell_irq();
}
