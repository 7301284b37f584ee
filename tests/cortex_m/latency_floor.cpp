// The floor under cm_latency: the same interrupt-to-thread path with no irqio at all. The dual
// timer's one-shot interrupt sets a volatile flag; thread mode sleeps with wfi until it sees the
// flag, then calls irqio_latency_marker(). ports/cortex_m/measure-latency.py counts the
// instructions from DUALTIMER_IRQHandler's first instruction to the marker's, in the last of
// kRounds identical rounds, exactly as for cm_latency; irqio's figures are divided by this one
// (docs/porting.md).
//
// No irqio header and no irqio library: the registers are written here. Only the port library's
// start-up and vector table are linked (Reset_Handler calls main and exits with its result
// through semihosting); this file's strong DUALTIMER_IRQHandler replaces the table's weak one, so
// the port's DualTimer driver is not linked either.
//
// The sleep is race-free, as irqio's idle is (CortexMPort::wait_until): with interrupts masked,
// check the flag, wfi (a pending interrupt ends it even when masked), unmask (the handler runs
// here), check again. An unmasked "while (!flag) wfi" would be a few instructions shorter but
// could sleep forever if the interrupt landed between its check and its wfi.
#include <cstdint>

extern "C" [[gnu::noinline, gnu::used]] void irqio_latency_marker() {
    asm volatile("" ::: "memory");
}

namespace {

constexpr int kRounds = 4;

// mps2-an385: timer 1 of the CMSDK dual timer (SP804 layout) at 0x40002000, NVIC line 10,
// clocked at 25 MHz.
constexpr uintptr_t kDualTimer = 0x4000'2000;
constexpr uintptr_t kLoad = kDualTimer + 0x00;
constexpr uintptr_t kControl = kDualTimer + 0x08;
constexpr uintptr_t kIntClr = kDualTimer + 0x0C;
constexpr uint32_t kOneShot = 1u << 0;
constexpr uint32_t k32Bit = 1u << 1;
constexpr uint32_t kIrqEnable = 1u << 5;
constexpr uint32_t kEnable = 1u << 7;
constexpr unsigned kDualTimerIrq = 10;
constexpr uintptr_t kNvicIser0 = 0xE000'E100;
constexpr uint32_t kDelayTicks = 200 * 25;  // 200 us, as cm_latency

inline volatile uint32_t& reg(uintptr_t address) {
    return *reinterpret_cast<volatile uint32_t*>(address);
}

volatile bool g_flag = false;

}  // namespace

extern "C" void DUALTIMER_IRQHandler() {
    reg(kIntClr) = 1;  // acknowledge (any write)
    g_flag = true;
}

int main() {
    reg(kNvicIser0) = 1u << kDualTimerIrq;
    for (int i = 0; i < kRounds; ++i) {
        g_flag = false;
        reg(kControl) = k32Bit | kOneShot;  // configure while stopped
        reg(kLoad) = kDelayTicks - 1;
        reg(kControl) = k32Bit | kOneShot | kIrqEnable | kEnable;
        for (;;) {
            asm volatile("cpsid i" ::: "memory");
            if (g_flag) break;
            asm volatile("wfi" ::: "memory");
            asm volatile("cpsie i" ::: "memory");
        }
        asm volatile("cpsie i" ::: "memory");
        irqio_latency_marker();
    }
    return 0;
}
