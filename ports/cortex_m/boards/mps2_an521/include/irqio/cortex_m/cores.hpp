// Starting the second core of mps2-an521. Core 1 is held powered off at reset (the SSE-200's
// CPUWAIT bit 1); core 0 points INITSVTOR1 at core 1's vector table and clears that bit.
#pragma once

namespace irqio::cortex_m {

using CoreEntry = void (*)(void* arg);

// Core 0, once: core 1 starts at entry(arg) on its own stack (the linker script's
// __core1_stack_top), in thread mode, interrupts enabled; if entry returns, core 1 sleeps for
// ever. Everything core 0 wrote before the call is visible to core 1.
void start_core1(CoreEntry entry, void* arg) noexcept;

}  // namespace irqio::cortex_m
