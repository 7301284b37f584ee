# mps2-an385 (Arm's FPGA image of a Cortex-M3 with CMSDK peripherals): its clock and alarm come
# from the CMSDK timers, its drivers are the CMSDK UART, dual timer and the timer-paced ADC.
set(IRQIO_BOARD_SOURCES
    src/vectors.cpp
    src/cortex_m_port.cpp
    src/cmsdk_uart.cpp
    src/cmsdk_dualtimer.cpp
    src/cmsdk_uart_driver.cpp
    src/timer_adc.cpp)
set(IRQIO_BOARD_LINKER_SCRIPT mps2_an385.ld)
set(IRQIO_BOARD_QEMU_MACHINE mps2-an385)
set(IRQIO_BOARD_CPU cortex-m3)
