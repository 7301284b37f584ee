# CMake toolchain file for bare-metal Arm Cortex-M with the GNU Arm Embedded toolchain
# (Debian: gcc-arm-none-eabi, libstdc++-arm-none-eabi-newlib, libnewlib-arm-none-eabi).
#
#   cmake -S <src> -B <build> -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake
#         [-DIRQIO_ARM_CPU=cortex-m0]
#
# Only the CPU and the language policy live here; the board (linker script, startup code) comes
# from a port library such as ports/cortex_m, so one toolchain file serves every board.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

# The core to generate code for. cortex-m0/m0plus select ARMv6-M (no CAS, no division
# instruction); config.hpp derives IRQIO_NO_CAS from the compiler's __ARM_ARCH_6M__.
set(IRQIO_ARM_CPU "cortex-m3" CACHE STRING "Value of -mcpu= (cortex-m0, cortex-m3, cortex-m4, ...)")
# try_compile() projects re-read this file in a fresh scope: hand the CPU over to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES IRQIO_ARM_CPU)

set(IRQIO_ARM_PREFIX "arm-none-eabi-" CACHE STRING "Prefix of the cross tools")
find_program(CMAKE_C_COMPILER ${IRQIO_ARM_PREFIX}gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER ${IRQIO_ARM_PREFIX}g++ REQUIRED)
set(CMAKE_ASM_COMPILER ${CMAKE_C_COMPILER})
find_program(CMAKE_OBJCOPY ${IRQIO_ARM_PREFIX}objcopy)
find_program(CMAKE_SIZE ${IRQIO_ARM_PREFIX}size)

# There is no OS to run a test executable on, so probe the compiler with a static library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(_irqio_arch "-mcpu=${IRQIO_ARM_CPU} -mthumb")
# Sections per function and per object let --gc-sections drop everything a program does not use:
# this is what keeps a minimal irqio program small.
set(_irqio_common "${_irqio_arch} -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${_irqio_common}")
set(CMAKE_ASM_FLAGS_INIT "${_irqio_arch}")
# The core never throws and never needs RTTI; both would pull large parts of libstdc++ in.
set(CMAKE_CXX_FLAGS_INIT "${_irqio_common} -fno-exceptions -fno-rtti")
# nano: the small newlib (memcpy, memset, ...). nosys: stubs for the system calls newlib might
# reference; irqio itself talks to the host through its own semihosting calls, never through them.
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_irqio_arch} --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_EXECUTABLE_SUFFIX_C ".elf")
set(CMAKE_EXECUTABLE_SUFFIX_CXX ".elf")
