# The tests of a board on the architecture-only port (included by CMakeLists.txt): the core suite,
# the interrupt stress, the SysTick clock, the minimal program and the interrupt-to-task figure,
# on the board's own timer (BoardTimer, test_timer.hpp). The machine comes from board.cmake.
irqio_add_qemu_test(cm_smoke smoke.cpp LIBRARIES cm_test_support TIMEOUT 20)
irqio_add_qemu_test(cm_exit_code exit_code.cpp TIMEOUT 20 EXPECT_EXIT 42)
irqio_add_qemu_test(cm_hardfault hardfault.cpp TIMEOUT 20 EXPECT_EXIT 4)
irqio_add_qemu_test(cm_unexpected_irq unexpected_irq.cpp TIMEOUT 20 EXPECT_EXIT 5)
irqio_add_qemu_test(cm_fatal fatal.cpp TIMEOUT 20 EXPECT_EXIT 3)
irqio_add_qemu_test(cm_systick_clock systick_clock.cpp LIBRARIES cm_test_support TIMEOUT 60 ICOUNT)
irqio_add_qemu_test(cm_timer_irq timer_irq.cpp LIBRARIES cm_test_support TIMEOUT 30 ICOUNT)
irqio_add_qemu_test(cm_minimal minimal.cpp LIBRARIES irqio cm_test_support TIMEOUT 20 NO_DIAGNOSTICS)
irqio_add_qemu_test(cm_core core.cpp LIBRARIES irqio cm_test_support TIMEOUT 60 ICOUNT)
if(IRQIO_QEMU_MACHINE STREQUAL "microbit")  # 16 KiB of RAM
    target_compile_definitions(cm_core PRIVATE CM_CORE_FRAMES=9)
endif()
irqio_add_qemu_test(cm_irq_stress irq_stress.cpp LIBRARIES irqio cm_test_support TIMEOUT 60 ICOUNT)
irqio_add_qemu_test(cm_latency latency.cpp LIBRARIES irqio cm_test_support TIMEOUT 20 ICOUNT)

get_filename_component(_port_dir ${IRQIO_QEMU_RUNNER} DIRECTORY)
# Minimal program flash: printed per machine (docs/porting.md); the bounds are regression checks a
# little above today's sizes (link-time optimised or not).
if(CMAKE_INTERPROCEDURAL_OPTIMIZATION)
    set(_min_flash 4900)
else()
    set(_min_flash 6000)
endif()
add_test(NAME cm_minimal_size
    COMMAND ${IRQIO_PYTHON} ${_port_dir}/size-report.py --max-flash ${_min_flash} --max-ram 688
        $<TARGET_FILE:cm_minimal>)
set_tests_properties(cm_minimal_size PROPERTIES LABELS cortex_m)
# Interrupt entry (the board timer's handler) to the woken task, exact under -icount.
if(IRQIO_ARM_CPU MATCHES "cortex-m0")
    set(_latency_max 175)
else()
    set(_latency_max 130)
endif()
add_test(NAME cm_latency_instructions
    COMMAND ${IRQIO_PYTHON} ${_port_dir}/measure-latency.py --machine ${IRQIO_QEMU_MACHINE}
        --handler ${IRQIO_TEST_TIMER_HANDLER} --qemu ${IRQIO_QEMU_SYSTEM_ARM}
        --max ${_latency_max} $<TARGET_FILE:cm_latency>)
set_tests_properties(cm_latency_instructions PROPERTIES TIMEOUT 90 LABELS cortex_m)

# The PrimeCell drivers of the LM3S6965: irqio::Uart over the PL011 (UART0), echoing what the host
# sends (blocking, awaited, started), as cm_periph_uart does over the CMSDK UART.
if(IRQIO_QEMU_MACHINE STREQUAL "lm3s6965evb")
    irqio_add_qemu_test(cm_periph_uart periph_uart.cpp LIBRARIES irqio cm_test_support TIMEOUT 30
        HOST_SCRIPT ${CMAKE_CURRENT_SOURCE_DIR}/periph_uart_host.py)
endif()
# PL061 edge interrupts under irqio::Pin: the board's up button, stroked by the host through the
# QEMU monitor (awaited, blocking, started, cancelled).
if(IRQIO_QEMU_MACHINE STREQUAL "lm3s6965evb")
    irqio_add_qemu_test(cm_gpio_keys gpio_keys.cpp LIBRARIES irqio cm_test_support TIMEOUT 30
        HOST_SCRIPT ${CMAKE_CURRENT_SOURCE_DIR}/gpio_keys_host.py)
endif()
# The LM3S6965's ADC under irqio::Adc, paced by a general-purpose timer: every sample checked
# against QEMU's conversion sequence, exact counts, overruns and FIFO overflows counted, stop/cancel.
# sleep=off: while the core sleeps, time warps to the next timer, so the idle phase is exact too.
if(IRQIO_QEMU_MACHINE STREQUAL "lm3s6965evb")
    irqio_add_qemu_test(cm_lm3s_adc lm3s_adc.cpp LIBRARIES irqio cm_test_support TIMEOUT 60
        ICOUNT_OPTS shift=0,align=off,sleep=off)
endif()
# PL022 SPI under irqio::SpiBus, in the port's loopback: awaited, blocking, started, abort, cancel.
if(IRQIO_QEMU_MACHINE STREQUAL "lm3s6965evb")
    irqio_add_qemu_test(cm_spi_loopback spi_loopback.cpp LIBRARIES irqio cm_test_support TIMEOUT 20
        ICOUNT)
endif()
# The OLED example (examples/cortex_m/oled, SSD0323 over the PL022, keys, a timer job): the host
# strokes the keys with the monitor's sendkey and compares the display, taken with screendump,
# pixel by pixel with oled_expected.txt (oled_host.py --regenerate rewrites it).
if(TARGET oled_lm3s6965evb)
    add_test(NAME cm_oled
        COMMAND ${IRQIO_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/oled_host.py --runner ${IRQIO_QEMU_RUNNER}
            --elf $<TARGET_FILE:oled_lm3s6965evb> -- --timeout 40 --machine ${IRQIO_QEMU_MACHINE}
            --qemu ${IRQIO_QEMU_SYSTEM_ARM} --icount)
    set_tests_properties(cm_oled PROPERTIES TIMEOUT 70 LABELS cortex_m)
endif()
