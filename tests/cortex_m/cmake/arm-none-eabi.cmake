# CMake resolves a relative CMAKE_TOOLCHAIN_FILE against the build tree, then the source tree
# (tests/cortex_m), not the current directory. This forwarder lets the documented command
# `cmake -S tests/cortex_m -B build-cm -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake`
# work from the repository root.
include(${CMAKE_CURRENT_LIST_DIR}/../../../cmake/arm-none-eabi.cmake)
