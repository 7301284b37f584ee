// Arm semihosting: the program asks the debugger or emulator (here QEMU with
// -semihosting-config enable=on) to print or to exit. This is how a test reports its output and
// its exit code without any UART. Without a host attached, the BKPT instruction faults.
#pragma once
#include <cstdint>

namespace irqio::cortex_m::semihosting {

// Exit codes the port itself uses, so that a test runner can tell them apart.
inline constexpr int kExitFatal = 3;       // irqio::port::fatal (a broken contract)
inline constexpr int kExitHardFault = 4;   // HardFault and the other fault handlers
inline constexpr int kExitUnexpected = 5;  // an enabled interrupt with no handler

// Writes a NUL-terminated string to the host's console (SYS_WRITE0).
void write(const char* text) noexcept;
// Writes an unsigned number in decimal, or in hex with a 0x prefix. write_dec64 is separate so
// that programs that print only 32-bit numbers do not link a 64-bit division.
void write_dec(uint32_t value) noexcept;
void write_dec64(uint64_t value) noexcept;
void write_hex(uint32_t value) noexcept;
// Ends the program with `code` as QEMU's exit status (SYS_EXIT_EXTENDED, falling back to SYS_EXIT,
// which only distinguishes zero from nonzero).
[[noreturn]] void exit(int code) noexcept;

}  // namespace irqio::cortex_m::semihosting
