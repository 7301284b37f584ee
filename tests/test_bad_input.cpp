// Bad input, found by trying the public API (issue 12, point 5): each case gives a clear Result
// error or a documented assertion (the death tests), never a hang, a silent success or an overflow.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/linux_io.hpp"

using namespace irqio;

namespace {

std::string temp_path(const char* what) {
    return "/tmp/irqio_bad_input_" + std::to_string(getpid()) + "_" + what;
}

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

// ---------------------------------------------------------------- open_unix_connection

// A path with nothing there is not a peer that closed: Error::not_found. A socket file nobody
// listens on still refuses (Error::closed).
TEST(BadInput, UnixConnectToMissingPathIsNotFound) {
    std::string missing = temp_path("missing.sock");
    ::unlink(missing.c_str());
    std::string idle = temp_path("idle.sock");
    ::unlink(idle.c_str());
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", idle.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);  // bound, not listening
    auto main = [&]() -> Task<void> {
        Result<Connection> c = co_await open_unix_connection(missing.c_str());
        EXPECT_EQ(c.error(), Error::not_found) << to_string(c.error());
        Result<Connection> d = co_await open_unix_connection(idle.c_str());
        EXPECT_EQ(d.error(), Error::closed) << to_string(d.error());
    };
    run(main());
    ::close(fd);
    ::unlink(idle.c_str());
}

}  // namespace
