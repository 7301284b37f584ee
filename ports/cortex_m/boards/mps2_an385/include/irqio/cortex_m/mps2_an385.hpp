// The board: QEMU's mps2-an385 (Arm AN385 FPGA image, Cortex-M3 at 25 MHz).
// Addresses and interrupt numbers from QEMU's hw/arm/mps2.c and Arm AN385; one place to change
// when porting to another CMSDK-based board.
#pragma once
#include <cstdint>

namespace irqio::cortex_m::board {

// Every CMSDK peripheral here is clocked by the 25 MHz system clock (PCLK == SYSCLK).
inline constexpr uint32_t kSysClockHz = 25'000'000;
inline constexpr uint32_t kTicksPerUs = kSysClockHz / 1'000'000;
static_assert(kSysClockHz % 1'000'000 == 0, "the clock code assumes whole ticks per microsecond");

// APB peripherals.
inline constexpr uintptr_t kTimer0Base = 0x4000'0000;
inline constexpr uintptr_t kTimer1Base = 0x4000'1000;
inline constexpr uintptr_t kDualTimerBase = 0x4000'2000;
inline constexpr uintptr_t kUartBase[] = {0x4000'4000, 0x4000'5000, 0x4000'6000, 0x4000'7000,
                                          0x4000'9000};
inline constexpr unsigned kUartCount = 5;

// External interrupt numbers (NVIC lines). Each UART has separate RX and TX lines.
namespace irq {
inline constexpr unsigned kUartRx[] = {0, 2, 4, 18, 20};
inline constexpr unsigned kUartTx[] = {1, 3, 5, 19, 21};
inline constexpr unsigned kGpio0 = 6;
inline constexpr unsigned kGpio1 = 7;
inline constexpr unsigned kTimer0 = 8;
inline constexpr unsigned kTimer1 = 9;
inline constexpr unsigned kDualTimer = 10;
inline constexpr unsigned kSpi = 11;
inline constexpr unsigned kUartOverflow = 12;  // UART0..2 overruns, ORed together
inline constexpr unsigned kEthernet = 13;
inline constexpr unsigned kCount = 32;  // QEMU models 32 external lines for AN385
}  // namespace irq

}  // namespace irqio::cortex_m::board
