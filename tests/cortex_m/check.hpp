// Test assertions for the QEMU tests: report through semihosting and exit nonzero.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/semihosting.hpp"

namespace cm_test {

namespace sh = irqio::cortex_m::semihosting;

[[noreturn]] inline void fail(const char* what, int line) {
    sh::write("FAIL line ");
    sh::write_dec(static_cast<uint32_t>(line));
    sh::write(": ");
    sh::write(what);
    sh::write("\n");
    sh::exit(1);
}

// "name = value\n", for the figures a test reports.
inline void report(const char* name, uint64_t value) {
    sh::write(name);
    sh::write(" = ");
    sh::write_dec64(value);
    sh::write("\n");
}

}  // namespace cm_test

#define CM_CHECK(cond) ((cond) ? (void)0 : ::cm_test::fail(#cond, __LINE__))
