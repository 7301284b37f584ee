# Included by the board.cmake of a board on the architecture-only port, after it has set
#   IRQIO_BOARD_CORE_CLOCK_HZ  the core clock at reset (SysTick counts it; whole MHz)
#   IRQIO_BOARD_IRQ_LINES      how many NVIC lines its vector table has
# Adds the SysTick port and the vector table by line number (IRQ<n>_Handler).
list(APPEND IRQIO_BOARD_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/src/systick_port.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/vectors_by_line.cpp)
list(APPEND IRQIO_BOARD_DEFINITIONS
    IRQIO_CORE_CLOCK_HZ=${IRQIO_BOARD_CORE_CLOCK_HZ}u
    IRQIO_CORTEX_M_IRQ_LINES=${IRQIO_BOARD_IRQ_LINES}
    IRQIO_CORTEX_M_SYSTICK_PORT=1)
list(APPEND IRQIO_BOARD_INCLUDE_DIRS ${CMAKE_CURRENT_LIST_DIR}/systick_board/include)
set(IRQIO_BOARD_PORT systick)
