// A QEMU test's list of named sub-tests, each a task run to completion on a fresh loop, with a
// check after each (every frame back in the pool, no driver left running, ...).
#pragma once
#include <cstddef>

#include "check.hpp"
#include "irqio/irqio.hpp"

namespace cm_test {

struct NamedTest {
    const char* name;
    irqio::Task<int> (*fn)();
};

// Runs every test in order, printing "-- name", and `after()` once each has returned 0.
template <std::size_t N, class After>
void run_named(const NamedTest (&tests)[N], After&& after) {
    for (const NamedTest& t : tests) {
        sh::write("-- ");
        sh::write(t.name);
        sh::write("\n");
        CM_CHECK(irqio::run(t.fn()) == 0);
        after();
    }
}

}  // namespace cm_test
