# mps2-an521 (Arm's FPGA image of the SSE-200: two Cortex-M33 at 20 MHz). The clock is TIMER0,
# shared; each core's alarm is its SysTick; the MHU0 doorbell wakes a sleeping core from the other.
# The CMSDK drivers (UART, dual timer, timer-paced ADC) are the an385 board's, through the neutral
# irqio/cortex_m/board.hpp.
# IRQIO_AN521_CORES: 2 builds the multi-core configuration (a loop per core, real barriers:
# IRQIO_CORES=2, IRQIO_SINGLE_THREAD=0, hence IRQIO_UNIPROCESSOR=0); 1 the single-core one, whose
# interrupt path is the M3 board's (for comparing figures).
set(IRQIO_AN521_CORES 2 CACHE STRING "Loops (cores) an mps2-an521 build runs: 1 or 2")
set(IRQIO_BOARD_SOURCES
    src/vectors.cpp
    src/cortex_m_port.cpp
    ../mps2_an385/src/cmsdk_uart.cpp
    ../mps2_an385/src/cmsdk_dualtimer.cpp
    ../mps2_an385/src/cmsdk_uart_driver.cpp
    ../mps2_an385/src/timer_adc.cpp)
list(APPEND IRQIO_BOARD_INCLUDE_DIRS ${CMAKE_CURRENT_LIST_DIR}/../mps2_an385/include)
set(IRQIO_BOARD_LINKER_SCRIPT mps2_an521.ld)
set(IRQIO_BOARD_QEMU_MACHINE mps2-an521)
set(IRQIO_BOARD_CPU cortex-m33)
set(IRQIO_BOARD_PORT_INLINE_HEADER irqio/cortex_m/an521_inline.hpp)
if(IRQIO_AN521_CORES GREATER 1)
    set(IRQIO_BOARD_DEFINITIONS IRQIO_CORES=${IRQIO_AN521_CORES} IRQIO_SINGLE_THREAD=0
        IRQIO_HEAP_FRAMES=0)
endif()
