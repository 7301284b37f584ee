// Bad input, found by trying the public API: each case gives a clear Result
// error or a documented assertion (the death tests), never a hang, a silent success or an overflow.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/linux_io.hpp"
#include "irqio/periph/periph.hpp"
#include "irqio/sim/board.hpp"

using namespace irqio;
using namespace irqio::linux_port;  // sockets, fd streams, serial ports

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

// ---------------------------------------------------------------- ThreadSafeQueue<T, 1>

// A capacity of 1 (2^0) is a power of two like any other; full() says what try_put would do.
TEST(BadInput, ThreadSafeQueueOfOneAndFull) {
    ThreadSafeQueue<int, 1> q;
    EXPECT_EQ(q.capacity(), 1u);
    EXPECT_FALSE(q.full());
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(q.try_put(i));
        EXPECT_TRUE(q.full());
        EXPECT_FALSE(q.try_put(-1));  // full: refused and counted
        Result<int> r = q.try_get();
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(*r, i);
        EXPECT_FALSE(q.full());
        EXPECT_EQ(q.try_get().error(), Error::empty);
    }
    EXPECT_EQ(q.dropped(), 1000u);

    ThreadSafeQueue<int, 4> q4;
    for (int i = 0; i < 4; ++i) {
        EXPECT_FALSE(q4.full());
        EXPECT_TRUE(q4.try_put(i));
    }
    EXPECT_TRUE(q4.full());
    EXPECT_FALSE(q4.try_put(4));
    EXPECT_TRUE(q4.try_get().ok());
    EXPECT_FALSE(q4.full());

    // Awaited both ways through the one slot: every item in order, none lost.
    auto main = [&]() -> Task<void> {
        constexpr int kItems = 500;
        auto producer = [&]() -> Task<void> {
            for (int i = 0; i < kItems; ++i) EXPECT_TRUE((co_await q.put(i)).ok());
        };
        auto h = create_task(producer());
        for (int i = 0; i < kItems; ++i) {
            Result<int> r = co_await q.get();
            EXPECT_EQ(r.value_or(-1), i);
        }
        (void)co_await h;
        EXPECT_TRUE(q.empty());
    };
    run(main());
}

// ---------------------------------------------------------------- Adc::next_block()

// On an ADC that is not running, next_block() gives Error::closed at once; a task already waiting
// when stop() is called is woken with Error::closed.
TEST(BadInput, AdcNextBlockOnStoppedAdcIsClosed) {
    sim::Board board;
    std::vector<uint16_t> storage(2 * 256);
    Adc adc(board.adc1(), storage, 2);
    auto main = [&]() -> Task<void> {
        Result<AdcBlock> never = co_await wait_for_ms(adc.next_block(), 300);  // never started
        EXPECT_EQ(never.error(), Error::closed) << to_string(never.error());

        EXPECT_TRUE(adc.start(1000).ok());  // 256 ms per block: nothing comes in the next 20 ms
        // Gives the error as a number (a Result<Error> would not say which is the error).
        auto waiter = [&]() -> Task<int> {
            co_return static_cast<int>((co_await adc.next_block()).error());
        };
        auto h = create_task(waiter());
        co_await sleep_ms(20);
        EXPECT_FALSE(h.done());
        adc.stop();
        Result<int> woken = co_await wait_for_ms(h, 300);
        EXPECT_TRUE(woken.ok()) << to_string(woken.error());  // not timed_out: it was woken
        EXPECT_EQ(woken.value_or(-1), static_cast<int>(Error::closed));

        Result<AdcBlock> after = co_await wait_for_ms(adc.next_block(), 300);  // stopped
        EXPECT_EQ(after.error(), Error::closed) << to_string(after.error());
    };
    run(main());
}

// ---------------------------------------------------------------- readline(max) on a long line

void send(int fd, const std::string& s) {
    ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
}

std::string str(Result<StreamReader::Bytes> r) {
    if (!r) return std::string("<") + to_string(r.error()) + ">";
    return std::string(r->begin(), r->end());
}

// After readline's too_long, skip_line() drops exactly the rest of that line (waiting for its
// '\n' if it has not arrived, through a line longer than the buffer); the lines after it stay.
TEST(BadInput, SkipLineDropsExactlyTheOverlongLine) {
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    StreamOptions o;
    o.read_buffer = 64;
    Result<FdStream> s = FdStream::adopt(sv[0], o);
    ASSERT_TRUE(s.ok());
    StreamReader& r = s->reader();
    auto main = [&]() -> Task<void> {
        send(sv[1], "short\n" + std::string(30, 'a') + "\nnext\nafter\n");
        EXPECT_EQ(str(co_await r.readline(100)), "short\n");
        EXPECT_EQ(str(co_await r.readline(10)), "<too_long>");
        EXPECT_GE(r.buffered(), 10u);  // documented: at least the first max bytes stay buffered
        Result<std::size_t> n = co_await r.skip_line();
        EXPECT_EQ(n.value_or(0), 31u);  // 30 bytes and the '\n'
        EXPECT_EQ(str(co_await r.readline(10)), "next\n");
        EXPECT_EQ(str(co_await r.readline(10)), "after\n");

        // Longer than the buffer, and its end not there yet: skip_line() waits for it.
        send(sv[1], std::string(100, 'b'));
        EXPECT_EQ(str(co_await r.readline(16)), "<too_long>");
        auto skipper = [&]() -> Task<std::size_t> {
            co_return (co_await r.skip_line()).value_or(0);
        };
        auto h = create_task(skipper());
        co_await sleep_ms(10);
        EXPECT_FALSE(h.done());
        send(sv[1], std::string(100, 'b') + "\nlast\n");
        Result<std::size_t> skipped = co_await wait_for_ms(h, 1000);
        EXPECT_EQ(skipped.value_or(0), 201u);
        EXPECT_EQ(str(co_await r.readline(16)), "last\n");

        // At the end of the stream: an unterminated rest is skipped, then eof.
        send(sv[1], "cc");
        ::shutdown(sv[1], SHUT_WR);
        Result<std::size_t> tail = co_await r.skip_line();
        EXPECT_EQ(tail.value_or(0), 2u);
        EXPECT_EQ((co_await r.skip_line()).error(), Error::eof);
    };
    run(main());
    ::close(sv[1]);
}

// ---------------------------------------------------------------- write_all cut off

// write_all cut off by wait_for (or a cancel) says how many bytes it accepted, so the caller
// resumes exactly there: the peer gets every byte once, in order.
TEST(BadInput, WriteAllCutOffSaysHowManyBytesItAccepted) {
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    int small = 4096;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    StreamOptions o;
    o.write_buffer = 1024;
    Result<FdStream> s = FdStream::adopt(sv[0], o);
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
    std::vector<uint8_t> data(1 << 20);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 131 + i / 251);
    std::vector<uint8_t> got;
    auto main = [&]() -> Task<void> {
        StreamWriter& w = s->writer();
        std::span<const uint8_t> rest(data);
        // Cut off by wait_for: nobody reads the other side.
        std::size_t accepted = 0;
        Result<void> r = co_await wait_for_ms(w.write_all(rest, &accepted), 50);
        EXPECT_EQ(r.error(), Error::timed_out);
        EXPECT_GT(accepted, 0u);
        EXPECT_LT(accepted, data.size());
        rest = rest.subspan(accepted);
        // Cut off by a cancel.
        std::size_t accepted2 = 0;
        auto h = create_task(w.write_all(rest, &accepted2));
        co_await sleep_ms(10);
        h.cancel();
        (void)co_await h;
        rest = rest.subspan(accepted2);
        // Resumed exactly where it stopped, while the other side reads everything.
        auto reader = [&]() -> Task<void> {
            uint8_t buf[8192];
            while (got.size() < data.size()) {
                ssize_t n = ::read(sv[1], buf, sizeof buf);
                if (n > 0) {
                    got.insert(got.end(), buf, buf + n);
                } else if (n < 0 && errno == EAGAIN) {
                    if (!(co_await readable(sv[1]))) co_return;
                } else {
                    co_return;
                }
            }
        };
        auto rh = create_task(reader());
        std::size_t accepted3 = 0;
        EXPECT_TRUE((co_await w.write_all(rest, &accepted3)).ok());
        EXPECT_EQ(accepted3, rest.size());
        EXPECT_TRUE((co_await w.flush()).ok());
        (void)co_await wait_for_ms(rh, 5000);
    };
    run(main());
    EXPECT_EQ(got.size(), data.size());
    EXPECT_TRUE(got == data);
    linux_port::close_fd(sv[1]);  // readable() registered it: forget it, then close
}

// ---------------------------------------------------------------- a server out of fds

Task<void> echo_lines(Connection c) {
    for (;;) {
        Result<StreamReader::Bytes> line = co_await c.reader().readline(256);
        if (!line) co_return;
        if (!(co_await c.writer().write_all(*line))) co_return;
    }
}

Task<std::string> round_trip(Connection& c, const char* line) {
    std::string text(line);
    std::span<const uint8_t> out(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    if (!(co_await c.writer().write_all(out))) co_return "<write failed>";
    Result<StreamReader::Bytes> r = co_await wait_for_ms(c.reader().readline(256), 2000);
    co_return str(std::move(r));
}

int highest_open_fd() {
    int hi = -1;
    for (int fd = 0; fd < 65536; ++fd)
        if (fcntl(fd, F_GETFD) != -1) hi = fd;
    return hi;
}

// A server that runs out of file descriptors (EMFILE) counts it, says which error it was, and goes
// on serving its other connections; the waiting connection is accepted once an fd is free.
TEST(BadInput, ServerOutOfFdsIsCountedAndKeepsServing) {
    std::string path = temp_path("server.sock");
    rlimit saved{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
    std::vector<int> fillers;
    struct Restore {
        rlimit& saved;
        std::vector<int>& fillers;
        ~Restore() {
            for (int fd : fillers) ::close(fd);
            setrlimit(RLIMIT_NOFILE, &saved);
        }
    } restore{saved, fillers};
    auto main = [&]() -> Task<void> {
        Result<Server> srv = start_unix_server(echo_lines, path.c_str());
        EXPECT_TRUE(srv.ok());
        if (!srv) co_return;
        Result<Connection> a = co_await open_unix_connection(path.c_str());
        EXPECT_TRUE(a.ok());
        if (!a) co_return;
        EXPECT_EQ(co_await round_trip(*a, "one\n"), "one\n");
        EXPECT_EQ(srv->accept_failures(), 0u);

        // Every fd number below the limit taken, then one given back for the client's socket:
        // the server's accept has none left.
        rlimit low = saved;
        low.rlim_cur = static_cast<rlim_t>(highest_open_fd() + 4);
        EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
        for (int fd; (fd = ::dup(0)) >= 0;) fillers.push_back(fd);
        EXPECT_EQ(errno, EMFILE);
        EXPECT_FALSE(fillers.empty());
        ::close(fillers.back());
        fillers.pop_back();
        Result<Connection> b = co_await open_unix_connection(path.c_str());
        EXPECT_TRUE(b.ok()) << to_string(b.error());
        if (!b) co_return;
        EXPECT_TRUE(
            (co_await b->writer().write_all({reinterpret_cast<const uint8_t*>("two\n"), 4})));
        co_await sleep_ms(50);
        EXPECT_GT(srv->accept_failures(), 0u);  // seen, not silent
        EXPECT_EQ(srv->last_accept_errno(), EMFILE);
        EXPECT_EQ(srv->accepted(), 1u);
        EXPECT_EQ(co_await round_trip(*a, "still served\n"), "still served\n");

        // An fd comes free: the waiting connection is accepted and served.
        ::close(fillers.back());
        fillers.pop_back();
        Result<StreamReader::Bytes> two = co_await wait_for_ms(b->reader().readline(256), 2000);
        EXPECT_EQ(str(std::move(two)), "two\n");
        EXPECT_EQ(srv->accepted(), 2u);
        co_await srv->shutdown();
    };
    run(main());
}

// ---------------------------------------------------------------- SerialPort::configure

// A pty keeps 8 data bits without parity whatever it is asked (the kernel's pty_set_termios):
// configure() reads the settings back and reports the mismatch instead of ok.
TEST(BadInput, SerialConfigureReportsSettingsTheDeviceKept) {
    int master = -1, slave = -1;
    ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
    Result<SerialPort> port = SerialPort::adopt(slave);  // 115200 8N1: what a pty keeps
    ASSERT_TRUE(port.ok());
    SerialConfig cfg;
    cfg.data_bits = 7;
    cfg.parity = Parity::even;
    Result<void> r = port->configure(cfg);
    EXPECT_EQ(r.error(), Error::unsupported) << to_string(r.error());
    Result<SerialConfig> held = port->config();  // what the device holds, as it is
    ASSERT_TRUE(held.ok());
    EXPECT_EQ(held->data_bits, 8);
    EXPECT_EQ(held->parity, Parity::none);
    cfg = SerialConfig{};
    cfg.baud = 9600;
    EXPECT_TRUE(port->configure(cfg).ok());  // what it can hold is still ok

    // adopt() applies the settings the same way: refused, and the fd is closed.
    int master2 = -1, slave2 = -1;
    ASSERT_EQ(openpty(&master2, &slave2, nullptr, nullptr, nullptr), 0);
    cfg.parity = Parity::odd;
    EXPECT_EQ(SerialPort::adopt(slave2, cfg).error(), Error::unsupported);
    EXPECT_EQ(fcntl(slave2, F_GETFD), -1);
    ::close(master);
    ::close(master2);
}

}  // namespace

namespace {
// run() (or Loop::run) from a task of the running loop would wait for ever in a nested loop
// while its own loop stands still: a documented assertion.
Task<int> nested_run() {
    co_return irqio::run([]() -> Task<int> { co_return 1; }());
}
Task<int> nested_loop_run(Loop* outer) {
    co_return outer->run([]() -> Task<int> { co_return 2; }());
}
}  // namespace

TEST(BadInputDeathTest, RunFromATaskAsserts) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(irqio::run(nested_run()), "run\\(\\) called from a task");
    EXPECT_DEATH(
        {
            Loop loop(port::default_port());
            loop.run(nested_loop_run(&loop));
        },
        "run\\(\\) called from a task");
}

// The thread that owns a loop hands it out before any task runs: another thread schedules a
// callback on it at once, and the loop's main task sees it.
TEST(BadInput, LoopHandedOutBeforeTasksRun) {
    std::atomic<Loop*> handed{nullptr};
    std::atomic<bool> called{false};
    Event done;
    std::thread t([&] {
        int r = irqio::run(
            [&]() -> Task<int> {
                auto w = co_await wait_for_ms(done.wait(), 5000);
                co_return w.ok() ? 7 : -1;
            }(),
            [&](Loop& l) { handed.store(&l, std::memory_order_release); });
        EXPECT_EQ(r, 7);
    });
    Loop* l = nullptr;
    while (!(l = handed.load(std::memory_order_acquire))) std::this_thread::yield();
    struct Ctx {
        Event* done;
        std::atomic<bool>* called;
    } ctx{&done, &called};
    // Any context: the callback runs in the loop's task context.
    while (!l->schedule(
        [](void* p) {
            auto* c = static_cast<Ctx*>(p);
            c->called->store(true);
            c->done->set();
        },
        &ctx)) {
        std::this_thread::yield();
    }
    t.join();
    EXPECT_TRUE(called.load());
}

// wait_for on a TaskHandle<Result<V>> gives Result<V> (not nested), as for a Task or an awaitable.
TEST(BadInput, WaitForOnAHandleOfAResultIsNotNested) {
    auto main = []() -> Task<void> {
        auto inner = []() -> Task<Result<int>> { co_return Error::io; };
        auto good = []() -> Task<Result<int>> { co_return 5; };
        auto h1 = create_task(inner());
        auto h2 = create_task(good());
        auto r1 = co_await wait_for_ms(h1, 100);
        auto r2 = co_await wait_for_ms(h2, 100);
        static_assert(std::is_same_v<decltype(r1), Result<int>>, "not nested");
        EXPECT_EQ(r1.error(), Error::io);
        EXPECT_EQ(r2.value(), 5);
    };
    irqio::run(main());
}
