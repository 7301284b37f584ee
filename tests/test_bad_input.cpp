// Bad input, found by trying the public API (issue 12, point 5): each case gives a clear Result
// error or a documented assertion (the death tests), never a hang, a silent success or an overflow.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "irqio/irqio.hpp"

using namespace irqio;

namespace {

// ---------------------------------------------------------------- Queue<T>(n)

// (SIZE_MAX / 8 + 2) * 8 wraps around to 8 bytes: the queue must refuse the capacity, not take
// eight items into an 8-byte block.
TEST(BadInputDeathTest, QueueCapacityOverflowAsserts) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    const std::size_t n = SIZE_MAX / sizeof(uint64_t) + 2;
    EXPECT_DEATH(
        {
            Queue<uint64_t> q(n);
            for (uint64_t i = 0; i < 8; ++i) (void)q.try_put(i);
        },
        "Queue capacity \\* sizeof\\(T\\) overflows");
}

}  // namespace
