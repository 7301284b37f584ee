// The vector table of the architecture-only port: the core's system exceptions (vector_table.hpp)
// and the first IRQIO_CORTEX_M_IRQ_LINES external lines (the board's count, board.cmake), whose
// handlers are named by line, IRQ<n>_Handler. Every handler here is weak: a driver defines the
// function of that name; the others report an unexpected exception and stop.
#include <cstddef>
#include <utility>

#include "vector_table.hpp"

#ifndef IRQIO_CORTEX_M_IRQ_LINES
#error "IRQIO_CORTEX_M_IRQ_LINES: the NVIC lines of the chip (board.cmake: IRQIO_BOARD_IRQ_LINES)"
#endif

// clang-format off
IRQIO_WEAK_HANDLER(IRQ0_Handler)
IRQIO_WEAK_HANDLER(IRQ1_Handler)
IRQIO_WEAK_HANDLER(IRQ2_Handler)
IRQIO_WEAK_HANDLER(IRQ3_Handler)
IRQIO_WEAK_HANDLER(IRQ4_Handler)
IRQIO_WEAK_HANDLER(IRQ5_Handler)
IRQIO_WEAK_HANDLER(IRQ6_Handler)
IRQIO_WEAK_HANDLER(IRQ7_Handler)
IRQIO_WEAK_HANDLER(IRQ8_Handler)
IRQIO_WEAK_HANDLER(IRQ9_Handler)
IRQIO_WEAK_HANDLER(IRQ10_Handler)
IRQIO_WEAK_HANDLER(IRQ11_Handler)
IRQIO_WEAK_HANDLER(IRQ12_Handler)
IRQIO_WEAK_HANDLER(IRQ13_Handler)
IRQIO_WEAK_HANDLER(IRQ14_Handler)
IRQIO_WEAK_HANDLER(IRQ15_Handler)
IRQIO_WEAK_HANDLER(IRQ16_Handler)
IRQIO_WEAK_HANDLER(IRQ17_Handler)
IRQIO_WEAK_HANDLER(IRQ18_Handler)
IRQIO_WEAK_HANDLER(IRQ19_Handler)
IRQIO_WEAK_HANDLER(IRQ20_Handler)
IRQIO_WEAK_HANDLER(IRQ21_Handler)
IRQIO_WEAK_HANDLER(IRQ22_Handler)
IRQIO_WEAK_HANDLER(IRQ23_Handler)
IRQIO_WEAK_HANDLER(IRQ24_Handler)
IRQIO_WEAK_HANDLER(IRQ25_Handler)
IRQIO_WEAK_HANDLER(IRQ26_Handler)
IRQIO_WEAK_HANDLER(IRQ27_Handler)
IRQIO_WEAK_HANDLER(IRQ28_Handler)
IRQIO_WEAK_HANDLER(IRQ29_Handler)
IRQIO_WEAK_HANDLER(IRQ30_Handler)
IRQIO_WEAK_HANDLER(IRQ31_Handler)
IRQIO_WEAK_HANDLER(IRQ32_Handler)
IRQIO_WEAK_HANDLER(IRQ33_Handler)
IRQIO_WEAK_HANDLER(IRQ34_Handler)
IRQIO_WEAK_HANDLER(IRQ35_Handler)
IRQIO_WEAK_HANDLER(IRQ36_Handler)
IRQIO_WEAK_HANDLER(IRQ37_Handler)
IRQIO_WEAK_HANDLER(IRQ38_Handler)
IRQIO_WEAK_HANDLER(IRQ39_Handler)
IRQIO_WEAK_HANDLER(IRQ40_Handler)
IRQIO_WEAK_HANDLER(IRQ41_Handler)
IRQIO_WEAK_HANDLER(IRQ42_Handler)
IRQIO_WEAK_HANDLER(IRQ43_Handler)
IRQIO_WEAK_HANDLER(IRQ44_Handler)
IRQIO_WEAK_HANDLER(IRQ45_Handler)
IRQIO_WEAK_HANDLER(IRQ46_Handler)
IRQIO_WEAK_HANDLER(IRQ47_Handler)
IRQIO_WEAK_HANDLER(IRQ48_Handler)
IRQIO_WEAK_HANDLER(IRQ49_Handler)
IRQIO_WEAK_HANDLER(IRQ50_Handler)
IRQIO_WEAK_HANDLER(IRQ51_Handler)
IRQIO_WEAK_HANDLER(IRQ52_Handler)
IRQIO_WEAK_HANDLER(IRQ53_Handler)
IRQIO_WEAK_HANDLER(IRQ54_Handler)
IRQIO_WEAK_HANDLER(IRQ55_Handler)
IRQIO_WEAK_HANDLER(IRQ56_Handler)
IRQIO_WEAK_HANDLER(IRQ57_Handler)
IRQIO_WEAK_HANDLER(IRQ58_Handler)
IRQIO_WEAK_HANDLER(IRQ59_Handler)
IRQIO_WEAK_HANDLER(IRQ60_Handler)
IRQIO_WEAK_HANDLER(IRQ61_Handler)
IRQIO_WEAK_HANDLER(IRQ62_Handler)
IRQIO_WEAK_HANDLER(IRQ63_Handler)
IRQIO_WEAK_HANDLER(IRQ64_Handler)
IRQIO_WEAK_HANDLER(IRQ65_Handler)
IRQIO_WEAK_HANDLER(IRQ66_Handler)
IRQIO_WEAK_HANDLER(IRQ67_Handler)
IRQIO_WEAK_HANDLER(IRQ68_Handler)
IRQIO_WEAK_HANDLER(IRQ69_Handler)
IRQIO_WEAK_HANDLER(IRQ70_Handler)
IRQIO_WEAK_HANDLER(IRQ71_Handler)
IRQIO_WEAK_HANDLER(IRQ72_Handler)
IRQIO_WEAK_HANDLER(IRQ73_Handler)
IRQIO_WEAK_HANDLER(IRQ74_Handler)
IRQIO_WEAK_HANDLER(IRQ75_Handler)
IRQIO_WEAK_HANDLER(IRQ76_Handler)
IRQIO_WEAK_HANDLER(IRQ77_Handler)
IRQIO_WEAK_HANDLER(IRQ78_Handler)
IRQIO_WEAK_HANDLER(IRQ79_Handler)
IRQIO_WEAK_HANDLER(IRQ80_Handler)
IRQIO_WEAK_HANDLER(IRQ81_Handler)
IRQIO_WEAK_HANDLER(IRQ82_Handler)
IRQIO_WEAK_HANDLER(IRQ83_Handler)
IRQIO_WEAK_HANDLER(IRQ84_Handler)
IRQIO_WEAK_HANDLER(IRQ85_Handler)
IRQIO_WEAK_HANDLER(IRQ86_Handler)
IRQIO_WEAK_HANDLER(IRQ87_Handler)
IRQIO_WEAK_HANDLER(IRQ88_Handler)
IRQIO_WEAK_HANDLER(IRQ89_Handler)
IRQIO_WEAK_HANDLER(IRQ90_Handler)
IRQIO_WEAK_HANDLER(IRQ91_Handler)
IRQIO_WEAK_HANDLER(IRQ92_Handler)
IRQIO_WEAK_HANDLER(IRQ93_Handler)
IRQIO_WEAK_HANDLER(IRQ94_Handler)
IRQIO_WEAK_HANDLER(IRQ95_Handler)
// clang-format on

namespace {

using irqio::cortex_m::vectors::Handler;

// clang-format off
constexpr Handler kLineHandlers[] = {
    IRQ0_Handler, IRQ1_Handler, IRQ2_Handler, IRQ3_Handler, IRQ4_Handler, IRQ5_Handler,
    IRQ6_Handler, IRQ7_Handler, IRQ8_Handler, IRQ9_Handler, IRQ10_Handler, IRQ11_Handler,
    IRQ12_Handler, IRQ13_Handler, IRQ14_Handler, IRQ15_Handler, IRQ16_Handler, IRQ17_Handler,
    IRQ18_Handler, IRQ19_Handler, IRQ20_Handler, IRQ21_Handler, IRQ22_Handler, IRQ23_Handler,
    IRQ24_Handler, IRQ25_Handler, IRQ26_Handler, IRQ27_Handler, IRQ28_Handler, IRQ29_Handler,
    IRQ30_Handler, IRQ31_Handler, IRQ32_Handler, IRQ33_Handler, IRQ34_Handler, IRQ35_Handler,
    IRQ36_Handler, IRQ37_Handler, IRQ38_Handler, IRQ39_Handler, IRQ40_Handler, IRQ41_Handler,
    IRQ42_Handler, IRQ43_Handler, IRQ44_Handler, IRQ45_Handler, IRQ46_Handler, IRQ47_Handler,
    IRQ48_Handler, IRQ49_Handler, IRQ50_Handler, IRQ51_Handler, IRQ52_Handler, IRQ53_Handler,
    IRQ54_Handler, IRQ55_Handler, IRQ56_Handler, IRQ57_Handler, IRQ58_Handler, IRQ59_Handler,
    IRQ60_Handler, IRQ61_Handler, IRQ62_Handler, IRQ63_Handler, IRQ64_Handler, IRQ65_Handler,
    IRQ66_Handler, IRQ67_Handler, IRQ68_Handler, IRQ69_Handler, IRQ70_Handler, IRQ71_Handler,
    IRQ72_Handler, IRQ73_Handler, IRQ74_Handler, IRQ75_Handler, IRQ76_Handler, IRQ77_Handler,
    IRQ78_Handler, IRQ79_Handler, IRQ80_Handler, IRQ81_Handler, IRQ82_Handler, IRQ83_Handler,
    IRQ84_Handler, IRQ85_Handler, IRQ86_Handler, IRQ87_Handler, IRQ88_Handler, IRQ89_Handler,
    IRQ90_Handler, IRQ91_Handler, IRQ92_Handler, IRQ93_Handler, IRQ94_Handler, IRQ95_Handler,
};
// clang-format on
constexpr size_t kLines = IRQIO_CORTEX_M_IRQ_LINES;
static_assert(kLines <= sizeof kLineHandlers / sizeof kLineHandlers[0], "add names above");
using VectorTable = irqio::cortex_m::vectors::VectorTable<kLines>;

template <size_t... Line>
constexpr VectorTable make_table(std::index_sequence<Line...>) {
    return {
        __stack_top,
        Reset_Handler,
        irqio::cortex_m::vectors::kSystemHandlers,
        {kLineHandlers[Line]...},
    };
}

}  // namespace

// Placed at the start of flash by cpu/cortex_m.ld; -u irqio_vectors pulls it into every link.
extern "C" [[gnu::used, gnu::section(".isr_vector")]] constinit const VectorTable irqio_vectors =
    make_table(std::make_index_sequence<kLines>{});
