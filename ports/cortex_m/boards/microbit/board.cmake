# Nordic nRF51822 (QEMU microbit, Cortex-M0) on the architecture-only port: a 16 MHz core clock
# (hw/arm/nrf51_soc.c), 32 NVIC lines; the board timer is TIMER0.
# BoardTimer: the shared driver over this board's timer block (include/.../board_timer_block.hpp).
set(IRQIO_BOARD_SOURCES ${IRQIO_CORTEX_M_DIR}/cpu/src/board_timer.cpp)
set(IRQIO_BOARD_LINKER_SCRIPT microbit.ld)
set(IRQIO_BOARD_QEMU_MACHINE microbit)
set(IRQIO_BOARD_CPU cortex-m0)
set(IRQIO_BOARD_CORE_CLOCK_HZ 16000000)
set(IRQIO_BOARD_IRQ_LINES 32)
set(IRQIO_BOARD_TEST_TIMER_HANDLER IRQ8_Handler)
list(APPEND IRQIO_BOARD_DEFINITIONS IRQIO_BOARD_TIMER_HAS_COUNTER=1)
include(${IRQIO_CORTEX_M_DIR}/cpu/systick_board.cmake)
