# TI LM3S6965 (QEMU lm3s6965evb, Cortex-M3) on the architecture-only port. The core clock at reset
# is QEMU's: RCC's SYSDIV field is 15, so 200 MHz / 16 = 12.5 MHz (hw/arm/stellaris.c).
# Its PrimeCell drivers come from ports/cortex_m/primecell; BoardTimer is the shared driver over
# its timer block (include/irqio/cortex_m/board_timer_block.hpp: general-purpose timer 0).
set(IRQIO_BOARD_SOURCES ${IRQIO_CORTEX_M_DIR}/cpu/src/board_timer.cpp src/uart0.cpp src/gpio.cpp src/ssi0.cpp src/adc.cpp
    ${IRQIO_CORTEX_M_DIR}/primecell/src/pl022_spi_driver.cpp
    ${IRQIO_CORTEX_M_DIR}/primecell/src/pl011_uart_driver.cpp
    ${IRQIO_CORTEX_M_DIR}/primecell/src/pl061_gpio.cpp)
list(APPEND IRQIO_BOARD_INCLUDE_DIRS ${IRQIO_CORTEX_M_DIR}/primecell/include)
set(IRQIO_BOARD_LINKER_SCRIPT lm3s6965evb.ld)
set(IRQIO_BOARD_QEMU_MACHINE lm3s6965evb)
set(IRQIO_BOARD_CPU cortex-m3)
set(IRQIO_BOARD_CORE_CLOCK_HZ 12500000)
set(IRQIO_BOARD_IRQ_LINES 48)
set(IRQIO_BOARD_TEST_TIMER_HANDLER IRQ19_Handler)
# QEMU does not model reading the GPTM counter (TAR): the tests use its interrupts only.
list(APPEND IRQIO_BOARD_DEFINITIONS IRQIO_BOARD_TIMER_HAS_COUNTER=0)
include(${IRQIO_CORTEX_M_DIR}/cpu/systick_board.cmake)
