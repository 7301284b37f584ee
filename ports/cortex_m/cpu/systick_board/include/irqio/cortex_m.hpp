// The port of a board on the architecture-only port: CortexMPort, the board's port, is the
// SysTick port (irqio/cortex_m/systick_port.hpp), as CMSDK boards' is their timer port.
#pragma once
#include "irqio/cortex_m/systick_port.hpp"

namespace irqio::cortex_m {
using CortexMPort = SysTickPort;
}
