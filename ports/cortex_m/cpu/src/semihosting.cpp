// Semihosting calls: BKPT 0xAB with the operation in r0 and its argument in r1 (Arm's
// "Semihosting for AArch32 and AArch64", the same on ARMv6-M and ARMv7-M).
#include "irqio/cortex_m/semihosting.hpp"

namespace irqio::cortex_m::semihosting {
namespace {

constexpr uint32_t kSysWrite0 = 0x04;
constexpr uint32_t kSysExit = 0x18;
constexpr uint32_t kSysExitExtended = 0x20;
constexpr uint32_t kApplicationExit = 0x20026;  // ADP_Stopped_ApplicationExit
constexpr uint32_t kRunTimeError = 0x20023;     // ADP_Stopped_RunTimeErrorUnknown

uint32_t call(uint32_t op, const void* arg) noexcept {
    register uint32_t r0 asm("r0") = op;
    register const void* r1 asm("r1") = arg;
    // "memory": the host reads the buffer r1 points at.
    asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

}  // namespace

void write(const char* text) noexcept {
    call(kSysWrite0, text);
}

// Decimal without a division: value / 10 by shifts and adds (Hacker's Delight divu10, widened to
// 64 bits for uint64_t). ARMv6-M has no division instruction, and a plain 64-bit division would
// link libgcc's __udivmoddi4, 700 bytes for a debug print. One body, two instantiations: the
// 32-bit one on its own, since port::fatal prints a line number with it, so every program links
// it, and the 64-bit loop is twice the code.
template <class U>
void write_decimal(U value) noexcept {
    char buf[sizeof(U) == 8 ? 21 : 11];
    char* p = buf + sizeof buf;
    *--p = '\0';
    do {
        U q = (value >> 1) + (value >> 2);
        q += q >> 4;
        q += q >> 8;
        q += q >> 16;
        if constexpr (sizeof(U) == 8) q += q >> 32;
        q >>= 3;
        uint32_t r = static_cast<uint32_t>(value - q * 10);
        if (r > 9) {
            ++q;
            r -= 10;
        }
        *--p = static_cast<char>('0' + r);
        value = q;
    } while (value != 0);
    write(p);
}

void write_dec(uint32_t value) noexcept {
    write_decimal(value);
}

void write_dec64(uint64_t value) noexcept {
    write_decimal(value);
}

void write_hex(uint32_t value) noexcept {
    char buf[11] = "0x";
    for (int i = 0; i < 8; ++i) buf[2 + i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 0xF];
    buf[10] = '\0';
    write(buf);
}

void exit(int code) noexcept {
    const uint32_t block[2] = {kApplicationExit, static_cast<uint32_t>(code)};
    call(kSysExitExtended, block);
    // A host without SYS_EXIT_EXTENDED returns here: it can only tell success from failure.
    call(kSysExit, reinterpret_cast<const void*>(code == 0 ? kApplicationExit : kRunTimeError));
    for (;;) asm volatile("bkpt 0");
}

}  // namespace irqio::cortex_m::semihosting
