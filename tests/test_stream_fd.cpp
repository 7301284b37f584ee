// fd readiness and streams over pipes and loopback sockets (TCP and UNIX), on the real Linux port.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

#include "byte_strings.hpp"
#include "irqio/irqio.hpp"
#include "irqio/linux_io.hpp"

using namespace irqio;
using namespace irqio::linux_port;  // sockets, fd streams, serial ports
using namespace std::chrono_literals;

namespace {

using irqio_test::bytes;
using irqio_test::str;

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() { EXPECT_EQ(pipe2(fd, O_NONBLOCK | O_CLOEXEC), 0); }
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) close_fd(f);
    }
    void close_end(int i) {
        close_fd(fd[i]);
        fd[i] = -1;
    }
};

void put(int fd, std::string_view s) {
    ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
}

// ---------------------------------------------------------------- readiness

TEST(Readiness, WaiterWakesWhenDataArrives) {
    Pipe p;
    auto writer = [&]() -> Task<void> {
        co_await sleep_ms(10);
        put(p.fd[1], "x");
    };
    auto main = [&]() -> Task<Result<void>> {
        auto h = create_task(writer());
        Result<void> r = co_await wait_for(readable(p.fd[0]), 2s);
        (void)co_await h;
        co_return r;
    };
    EXPECT_TRUE(run(main()).ok());
}

TEST(Readiness, SeveralTasksOnDifferentFds) {
    Pipe a, b, c;
    std::vector<int> order;
    auto waiter = [&](int fd, int id) -> Task<void> {
        Result<void> r = co_await wait_for(readable(fd), 2s);
        EXPECT_TRUE(r.ok());
        char buf[8];
        EXPECT_EQ(::read(fd, buf, sizeof buf), 1);
        order.push_back(id);
    };
    auto main = [&]() -> Task<void> {
        TaskGroup g;
        auto w1 = waiter(a.fd[0], 1);
        auto w2 = waiter(b.fd[0], 2);
        auto w3 = waiter(c.fd[0], 3);
        (void)g.create_task(std::move(w1));
        (void)g.create_task(std::move(w2));
        (void)g.create_task(std::move(w3));
        co_await sleep_ms(5);
        put(b.fd[1], "b");
        co_await sleep_ms(5);
        put(c.fd[1], "c");
        co_await sleep_ms(5);
        put(a.fd[1], "a");
        co_await g.join();
    };
    run(main());
    EXPECT_EQ(order, (std::vector<int>{2, 3, 1}));
}

TEST(Readiness, TimedOutWaiterLeavesNothingBehind) {
    Pipe p;
    auto main = [&]() -> Task<void> {
        for (int i = 0; i < 3; ++i) {
            Result<void> r = co_await wait_for(readable(p.fd[0]), 5ms);
            EXPECT_EQ(r.error(), Error::timed_out);
        }
        EXPECT_EQ(linux_port::waiting_on(p.fd[0], Direction::read), 0u);
        put(p.fd[1], "y");
        Result<void> r = co_await wait_for(readable(p.fd[0]), 2s);
        EXPECT_TRUE(r.ok());
    };
    run(main());
}

TEST(Readiness, CancelledTaskUnlinksItsWait) {
    Pipe p;
    auto blocked = [&]() -> Task<void> { (void)co_await readable(p.fd[0]); };
    auto main = [&]() -> Task<void> {
        auto h = create_task(blocked());
        co_await sleep_ms(2);
        EXPECT_EQ(linux_port::waiting_on(p.fd[0], Direction::read), 1u);
        h.cancel();
        Result<void> r = co_await h;
        EXPECT_EQ(r.error(), Error::cancelled);
        EXPECT_EQ(linux_port::waiting_on(p.fd[0], Direction::read), 0u);
    };
    run(main());
}

TEST(Readiness, StaleEdgeIsCheckedNotTrusted) {
    Pipe p;
    auto main = [&]() -> Task<void> {
        put(p.fd[1], "z");
        EXPECT_TRUE((co_await readable(p.fd[0])).ok());
        char c;
        EXPECT_EQ(::read(p.fd[0], &c, 1), 1);  // drained behind the registry's back
        Result<void> r = co_await wait_for(readable(p.fd[0]), 10ms);
        EXPECT_EQ(r.error(), Error::timed_out);
    };
    run(main());
}

TEST(Readiness, HangupIsEof) {
    Pipe p;
    auto main = [&]() -> Task<void> {
        auto closer = [&]() -> Task<void> {
            co_await sleep_ms(5);
            p.close_end(1);
        };
        auto h = create_task(closer());
        Result<void> r = co_await wait_for(readable(p.fd[0]), 2s);
        EXPECT_EQ(r.error(), Error::eof);
        (void)co_await h;
    };
    run(main());
}

TEST(Readiness, WritableToAClosedPipeIsClosed) {
    Pipe p;
    p.close_end(0);
    auto main = [&]() -> Task<void> {
        Result<void> r = co_await wait_for(writable(p.fd[1]), 2s);
        EXPECT_EQ(r.error(), Error::closed);
    };
    run(main());
}

TEST(Readiness, ForgottenFdWakesWaitersWithClosed) {
    Pipe p;
    auto main = [&]() -> Task<void> {
        auto forgetter = [&]() -> Task<void> {
            co_await sleep_ms(5);
            p.close_end(0);
        };
        int fd = p.fd[0];
        auto h = create_task(forgetter());
        Result<void> r = co_await wait_for(readable(fd), 2s);
        EXPECT_EQ(r.error(), Error::closed);
        (void)co_await h;
    };
    run(main());
}

TEST(Readiness, BadFdIsInvalidArgument) {
    auto main = []() -> Task<void> {
        Result<void> r = co_await readable(-1);
        EXPECT_EQ(r.error(), Error::invalid_argument);
    };
    auto m = main;
    run(m());
}

// ---------------------------------------------------------------- streams over pipes

TEST(PipeStream, ReadlineAcrossPartialWrites) {
    Pipe p;
    Result<FdStream> in = FdStream::adopt(p.fd[0]);
    p.fd[0] = -1;
    ASSERT_TRUE(in.ok());
    auto feeder = [&]() -> Task<void> {
        for (char c : std::string_view("hello\nworld\n")) {
            put(p.fd[1], std::string_view(&c, 1));
            co_await sleep_ms(1);
        }
        p.close_end(1);
    };
    auto main = [&]() -> Task<void> {
        auto h = create_task(feeder());
        StreamReader& r = in->reader();
        auto a = co_await r.readline(64);
        EXPECT_TRUE(a.ok());
        if (a) {
            EXPECT_EQ(str(a.value()), "hello\n");
        }
        auto b = co_await r.readline(64);
        EXPECT_TRUE(b.ok());
        if (b) {
            EXPECT_EQ(str(b.value()), "world\n");
        }
        auto c = co_await r.readline(64);
        EXPECT_EQ(c.error(), Error::eof);
        EXPECT_TRUE(r.at_eof());
        (void)co_await h;
        in->close();
    };
    run(main());
}

// ---------------------------------------------------------------- TCP / UNIX

Task<void> echo_handler(Connection c) {
    for (;;) {
        auto line = co_await c.reader().readline(1024);
        if (!line) break;
        if (!(co_await c.writer().write_all(line.value())).ok()) break;
    }
    (void)co_await c.writer().close();
}

TEST(Tcp, EchoLines) {
    auto main = []() -> Task<void> {
        Result<Server> srv = start_server(echo_handler, "127.0.0.1", 0);
        EXPECT_TRUE(srv.ok());
        if (!srv) co_return;
        EXPECT_NE(srv->port(), 0);
        Result<Connection> c = co_await open_connection("127.0.0.1", srv->port());
        EXPECT_TRUE(c.ok());
        if (!c) co_return;
        for (int i = 0; i < 50; ++i) {
            std::string msg = "line " + std::to_string(i) + "\n";
            EXPECT_TRUE((co_await c->writer().write_all(bytes(msg))).ok());
            auto back = co_await wait_for(c->reader().readline(100), 2s);
            EXPECT_TRUE(back.ok());
            if (back) {
                EXPECT_EQ(str(back.value()), msg);
            }
        }
        EXPECT_TRUE((co_await c->writer().close()).ok());
        auto end = co_await wait_for(c->reader().read(10), 2s);
        EXPECT_EQ(end.error(), Error::eof);
        co_await srv->shutdown();
        EXPECT_EQ(srv->connections(), 0u);
    };
    auto m = main;
    run(m());
}

TEST(Tcp, PartialWritesAreReassembled) {
    auto main = []() -> Task<void> {
        auto slow = [](Connection c) -> Task<void> {
            for (char ch : std::string_view("0123456789ABCDEF")) {
                EXPECT_TRUE(
                    c.writer()
                        .write(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&ch), 1))
                        .ok());
                co_await sleep_ms(1);
            }
            (void)co_await c.writer().close();
        };
        Result<Server> srv = start_server(slow, "127.0.0.1", 0);
        if (!srv) co_return;
        Result<Connection> c = co_await open_connection("127.0.0.1", srv->port());
        if (!c) co_return;
        auto a = co_await wait_for(c->reader().readexactly(10), 2s);
        EXPECT_TRUE(a.ok());
        if (a) {
            EXPECT_EQ(str(a.value()), "0123456789");
        }
        std::vector<uint8_t> rest(16);
        std::string tail;
        for (;;) {
            auto n = co_await wait_for(c->reader().readinto(rest), 2s);
            if (!n) {
                EXPECT_EQ(n.error(), Error::eof);
                break;
            }
            tail.append(reinterpret_cast<char*>(rest.data()), n.value());
        }
        EXPECT_EQ(tail, "ABCDEF");
        co_await srv->shutdown();
    };
    auto m = main;
    run(m());
}

TEST(Tcp, ReadCancelledByTimeoutLosesNoByte) {
    auto main = []() -> Task<void> {
        auto talker = [](Connection c) -> Task<void> {
            (void)c.writer().write(bytes("hel"));
            co_await sleep_ms(40);
            (void)c.writer().write(bytes("lo\nrest"));
            co_await sleep_ms(40);
            (void)co_await c.writer().close();
        };
        Result<Server> srv = start_server(talker, "127.0.0.1", 0);
        if (!srv) co_return;
        Result<Connection> c = co_await open_connection("127.0.0.1", srv->port());
        if (!c) co_return;
        auto t1 = co_await wait_for(c->reader().readline(100), 10ms);
        EXPECT_EQ(t1.error(), Error::timed_out);
        auto t2 = co_await wait_for(c->reader().readexactly(50), 10ms);
        EXPECT_EQ(t2.error(), Error::timed_out);
        auto line = co_await wait_for(c->reader().readline(100), 2s);
        EXPECT_TRUE(line.ok());
        if (line) {
            EXPECT_EQ(str(line.value()), "hello\n");
        }
        auto last = co_await wait_for(c->reader().readline(100), 2s);
        EXPECT_TRUE(last.ok());
        if (last) {
            EXPECT_EQ(str(last.value()), "rest");
        }  // unterminated, at end of stream
        co_await srv->shutdown();
    };
    auto m = main;
    run(m());
}

TEST(Tcp, LineLongerThanMaxIsTooLong) {
    auto main = []() -> Task<void> {
        auto talker = [](Connection c) -> Task<void> {
            std::string big(300, 'a');
            big += "\nok\n";
            (void)co_await c.writer().write_all(bytes(big));
            (void)co_await c.writer().close();
        };
        StreamOptions small;
        small.read_buffer = 128;
        Result<Server> srv = start_server(talker, "127.0.0.1", 0);
        if (!srv) co_return;
        Result<Connection> c = co_await open_connection("127.0.0.1", srv->port(), small);
        if (!c) co_return;
        StreamReader& r = c->reader();
        auto l = co_await r.readline(100);
        EXPECT_EQ(l.error(), Error::too_long);
        EXPECT_LE(r.buffered(), 128u);  // bounded, whatever the peer sends
        // Skip the rest of the long line, then the next line reads normally.
        std::size_t skipped = 0;
        for (;;) {
            auto chunk = co_await r.read(64);
            if (!chunk) break;
            std::string s = str(chunk.value());
            auto nl = s.find('\n');
            if (nl != std::string::npos) {
                skipped += nl + 1;
                // put back is not possible: the remaining "ok\n" starts after nl in this chunk
                EXPECT_EQ(s.substr(nl + 1), std::string("ok\n").substr(0, s.size() - nl - 1));
                break;
            }
            skipped += s.size();
        }
        EXPECT_EQ(skipped, 301u);
        co_await srv->shutdown();
    };
    auto m = main;
    run(m());
}

TEST(Tcp, BackPressureBoundsMemoryAndLosesNothing) {
    constexpr std::size_t kTotal = 64 << 20;  // far more than the socket buffers hold
    auto main = []() -> Task<void> {
        Event start_reading;
        std::size_t received = 0;
        bool in_order = true;
        auto sink = [&](Connection c) -> Task<void> {
            co_await start_reading.wait();
            std::vector<uint8_t> buf(65536);
            for (;;) {
                auto n = co_await c.reader().readinto(buf);
                if (!n) break;
                for (std::size_t i = 0; i < n.value(); ++i)
                    if (buf[i] != static_cast<uint8_t>((received + i) * 7)) in_order = false;
                received += n.value();
            }
        };
        Result<Server> srv = start_server(sink, "127.0.0.1", 0);
        if (!srv) co_return;
        StreamOptions o;
        o.write_buffer = 16384;
        Result<Connection> c = co_await open_connection("127.0.0.1", srv->port(), o);
        if (!c) co_return;
        StreamWriter& w = c->writer();
        std::vector<uint8_t> chunk(65536);
        std::size_t sent = 0;
        auto fill = [&] {
            for (std::size_t i = 0; i < chunk.size(); ++i)
                chunk[i] = static_cast<uint8_t>((sent + i) * 7);
        };
        // Until the peer reads, the writer must stall instead of buffering without bound.
        bool stalled = false;
        while (!stalled && sent < kTotal) {
            fill();
            auto n = w.write(chunk);
            EXPECT_TRUE(n.ok());
            if (!n) co_return;
            sent += n.value();
            EXPECT_LE(w.buffered(), w.capacity());
            if (n.value() < chunk.size()) {
                auto d = co_await wait_for(w.drain(), 50ms);
                if (!d) {
                    EXPECT_EQ(d.error(), Error::timed_out);
                    stalled = true;
                }
            }
        }
        EXPECT_TRUE(stalled);
        start_reading.set();
        for (int i = 0; i < 16; ++i) {
            fill();
            EXPECT_TRUE((co_await w.write_all(chunk)).ok());
            EXPECT_LE(w.buffered(), w.capacity());
            sent += chunk.size();
        }
        EXPECT_TRUE((co_await w.close()).ok());
        for (int i = 0; i < 400 && received < sent; ++i) co_await sleep_ms(5);
        EXPECT_TRUE(in_order);
        EXPECT_EQ(received, sent);
        co_await srv->shutdown();
    };
    auto m = main;
    run(m());
}

TEST(Tcp, PeerResetIsReset) {
    auto main = []() -> Task<void> {
        auto resetter = [](Connection c) -> Task<void> {
            linger lg{1, 0};
            setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            co_await sleep_ms(10);
            c.close();  // RST instead of FIN
        };
        Result<Server> srv = start_server(resetter, "127.0.0.1", 0);
        if (!srv) co_return;
        Result<Connection> c = co_await open_connection("127.0.0.1", srv->port());
        if (!c) co_return;
        auto r = co_await wait_for(c->reader().read(10), 2s);
        EXPECT_EQ(r.error(), Error::reset);
        co_await srv->shutdown();
    };
    auto m = main;
    run(m());
}

TEST(Tcp, ConnectionRefusedIsClosed) {
    auto main = []() -> Task<void> {
        // Bind a port and close it again, so nobody listens there.
        int s = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
        getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
        ::close(s);
        Result<Connection> c = co_await open_connection("127.0.0.1", ntohs(a.sin_port));
        EXPECT_EQ(c.error(), Error::closed);
    };
    auto m = main;
    run(m());
}

TEST(Tcp, ManyConcurrentConnections) {
    static constexpr int kClients = 200, kLines = 10;
    auto main = []() -> Task<void> {
        Result<Server> srv = start_server(echo_handler, "127.0.0.1", 0);
        if (!srv) co_return;
        int ok = 0;
        auto client = [&](int id) -> Task<void> {
            Result<Connection> c = co_await open_connection("127.0.0.1", srv->port());
            if (!c) co_return;
            for (int i = 0; i < kLines; ++i) {
                std::string msg = std::to_string(id) + ":" + std::to_string(i) + "\n";
                if (!(co_await c->writer().write_all(bytes(msg))).ok()) co_return;
                auto back = co_await c->reader().readline(64);
                if (!back || str(back.value()) != msg) co_return;
            }
            ++ok;
        };
        TaskGroup g;
        for (int i = 0; i < kClients; ++i) (void)g.create_task(client(i));
        auto all = co_await wait_for(g.join(), 20s);
        EXPECT_TRUE(all.ok());
        EXPECT_EQ(ok, kClients);
        EXPECT_EQ(srv->accepted(), static_cast<uint64_t>(kClients));
        co_await srv->shutdown();
    };
    auto m = main;
    run(m());
}

TEST(Tcp, ShutdownCancelsHandlersAndRunsTheirCleanup) {
    auto main = []() -> Task<void> {
        int cleaned = 0;
        auto idle = [&](Connection c) -> Task<void> {
            struct Cleanup {
                int* n;
                ~Cleanup() { ++*n; }
            } cl{&cleaned};
            (void)co_await c.reader().read(1);  // never comes
        };
        Result<Server> srv = start_server(idle, "127.0.0.1", 0);
        if (!srv) co_return;
        std::vector<Connection> clients;
        for (int i = 0; i < 5; ++i) {
            Result<Connection> c = co_await open_connection("127.0.0.1", srv->port());
            if (c) clients.push_back(std::move(c).value());
        }
        for (int i = 0; i < 200 && srv->connections() < 5; ++i) co_await sleep_ms(1);
        EXPECT_EQ(srv->connections(), 5u);
        co_await srv->shutdown();
        EXPECT_EQ(cleaned, 5);
        EXPECT_EQ(srv->connections(), 0u);
        // The server's side closed: each client sees the end.
        for (Connection& c : clients) {
            auto r = co_await wait_for(c.reader().read(1), 2s);
            EXPECT_EQ(r.error(), Error::eof);
        }
        // And nobody listens any more.
        Result<Connection> late = co_await open_connection("127.0.0.1", srv->port());
        EXPECT_FALSE(late.ok());
    };
    auto m = main;
    run(m());
}

TEST(Unix, EchoOverUnixSocket) {
    auto main = []() -> Task<void> {
        std::string path = "/tmp/irqio_test_" + std::to_string(getpid()) + ".sock";
        Result<Server> srv = start_unix_server(echo_handler, path.c_str());
        EXPECT_TRUE(srv.ok());
        if (!srv) co_return;
        Result<Connection> c = co_await open_unix_connection(path.c_str());
        EXPECT_TRUE(c.ok());
        if (!c) co_return;
        EXPECT_TRUE((co_await c->writer().write_all(bytes("ping\n"))).ok());
        auto back = co_await wait_for(c->reader().readline(100), 2s);
        EXPECT_TRUE(back.ok());
        if (back) {
            EXPECT_EQ(str(back.value()), "ping\n");
        }
        co_await srv->shutdown();
        EXPECT_NE(access(path.c_str(), F_OK), 0);  // the socket file is removed
    };
    auto m = main;
    run(m());
}

}  // namespace
