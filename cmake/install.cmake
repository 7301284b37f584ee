# Installs the Linux library and its headers with an export set, so that another project can
# `find_package(irqio)` and link `irqio::irqio`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

target_include_directories(irqio PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
install(TARGETS irqio EXPORT irqioTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/irqio ${PROJECT_SOURCE_DIR}/ports/linux/include/irqio
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT irqioTargets NAMESPACE irqio:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/irqio)
file(WRITE ${PROJECT_BINARY_DIR}/irqioConfig.cmake.in [=[
@PACKAGE_INIT@
include(CMakeFindDependencyMacro)
find_dependency(Threads)
include("${CMAKE_CURRENT_LIST_DIR}/irqioTargets.cmake")
]=])
configure_package_config_file(${PROJECT_BINARY_DIR}/irqioConfig.cmake.in
    ${PROJECT_BINARY_DIR}/irqioConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/irqio)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/irqioConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/irqioConfig.cmake ${PROJECT_BINARY_DIR}/irqioConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/irqio)
