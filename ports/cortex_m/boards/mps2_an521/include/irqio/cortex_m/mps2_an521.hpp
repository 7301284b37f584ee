// The board: QEMU's mps2-an521 (Arm AN521 FPGA image: the SSE-200 subsystem with two Cortex-M33
// cores at 20 MHz). Written out from QEMU 7.2's hw/arm/mps2-tz.c (SYSCLK_FRQ, the UARTs and their
// interrupts), hw/arm/armsse.c (the SSE-200's timers, MHUs, CPU_IDENTITY, system control block and
// its interrupt lines 0..31) and Arm's SSE-200 TRM (101104). Same names as mps2_an385.hpp, so the
// CMSDK drivers serve both boards through irqio/cortex_m/board.hpp.
#pragma once
#include <cstdint>

namespace irqio::cortex_m::board {

// MAINCLK: the CPUs, the SSE-200 timers and the UARTs' PCLK.
inline constexpr uint32_t kSysClockHz = 20'000'000;
inline constexpr uint32_t kTicksPerUs = kSysClockHz / 1'000'000;
static_assert(kSysClockHz % 1'000'000 == 0, "the clock code assumes whole ticks per microsecond");

inline constexpr unsigned kCores = 2;

// SSE-200 peripherals (APB PPC0, Non-secure aliases; this port runs Secure, which the PPCs allow
// at reset). Every one of them interrupts both cores: software picks the core that enables it.
inline constexpr uintptr_t kTimer0Base = 0x4000'0000;
inline constexpr uintptr_t kTimer1Base = 0x4000'1000;
inline constexpr uintptr_t kDualTimerBase = 0x4000'2000;
inline constexpr uintptr_t kMhu0Base = 0x4000'3000;    // doorbells between the cores
inline constexpr uintptr_t kCpuIdBase = 0x4001'F000;   // each core reads its own number here
inline constexpr uintptr_t kSysCtlBase = 0x5002'1000;  // Secure only: INITSVTOR1, CPUWAIT

// FPGA expansion: CMSDK UARTs (APB PPC expansion 1).
inline constexpr uintptr_t kUartBase[] = {0x4020'0000, 0x4020'1000, 0x4020'2000, 0x4020'3000,
                                          0x4020'4000};
inline constexpr unsigned kUartCount = 5;

// NVIC lines. 0..31 are the SSE-200's own; the FPGA's start at 32 (EXP_IRQ n is line 32 + n).
namespace irq {
inline constexpr unsigned kTimer0 = 3;
inline constexpr unsigned kTimer1 = 4;
inline constexpr unsigned kDualTimer = 5;
inline constexpr unsigned kMhu0 = 6;  // per core: MHU0's CPUnINTR reaches core n only
inline constexpr unsigned kMhu1 = 7;
inline constexpr unsigned kUartRx[] = {32, 34, 36, 38, 40};
inline constexpr unsigned kUartTx[] = {33, 35, 37, 39, 41};
inline constexpr unsigned kUartOverflow = 47;  // all UARTs' overruns, ORed together
inline constexpr unsigned kCount = 64;         // lines in the vector table (QEMU has 124)
}  // namespace irq

}  // namespace irqio::cortex_m::board
