// Reading a recording (core/trace.hpp, IRQIO_TRACE=1) out of a Cortex-M after the run: the ring's
// text lines over semihosting, which the QEMU runner prints; tools/irqio_trace.py reads them.
#pragma once
#include <cstddef>

#include "irqio/core/trace.hpp"
#include "irqio/cortex_m/semihosting.hpp"

namespace irqio::cortex_m {

// Thread mode, after the run (one semihosting call per line: far too slow while it runs).
inline void dump_trace_semihosting() noexcept {
    irqio::trace::dump(
        [](void*, const char* text, std::size_t len) {
            char line[200];
            std::size_t n = len < sizeof line - 1 ? len : sizeof line - 1;
            for (std::size_t i = 0; i < n; ++i) line[i] = text[i];
            line[n] = '\0';
            semihosting::write(line);
        },
        nullptr);
}

}  // namespace irqio::cortex_m
