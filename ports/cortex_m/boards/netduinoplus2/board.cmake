# ST STM32F405 (QEMU netduinoplus2, Cortex-M4) on the architecture-only port: QEMU's 168 MHz core
# clock (hw/arm/netduinoplus2.c), 82 NVIC lines; the board timer is TIM2.
# BoardTimer: the shared driver over this board's timer block (include/.../board_timer_block.hpp).
set(IRQIO_BOARD_SOURCES ${IRQIO_CORTEX_M_DIR}/cpu/src/board_timer.cpp)
set(IRQIO_BOARD_LINKER_SCRIPT netduinoplus2.ld)
set(IRQIO_BOARD_QEMU_MACHINE netduinoplus2)
set(IRQIO_BOARD_CPU cortex-m4)
set(IRQIO_BOARD_CORE_CLOCK_HZ 168000000)
set(IRQIO_BOARD_IRQ_LINES 82)
set(IRQIO_BOARD_TEST_TIMER_HANDLER IRQ28_Handler)
list(APPEND IRQIO_BOARD_DEFINITIONS IRQIO_BOARD_TIMER_HAS_COUNTER=1)
include(${IRQIO_CORTEX_M_DIR}/cpu/systick_board.cmake)
