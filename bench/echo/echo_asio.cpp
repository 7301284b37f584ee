// Boost.Asio (Debian's Boost 1.74) echo server with C++20 coroutines, for the loopback echo
// workload (bench/echo/run_echo.sh): one io_context thread, co_spawn per accepted connection,
// async_read_some into a 4 KiB buffer in the coroutine frame, then async_write of what was read,
// both with use_awaitable. The ordinary Asio spelling (its own echo example does the same).
//
//   echo_asio [--port=0]        prints "port N" once listening; SIGTERM / SIGINT stop it.
#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

awaitable<void> echo(tcp::socket s) {
    try {
        char data[4096];
        for (;;) {
            std::size_t n = co_await s.async_read_some(asio::buffer(data), use_awaitable);
            co_await asio::async_write(s, asio::buffer(data, n), use_awaitable);
        }
    } catch (const std::exception&) {
        // eof or reset: the connection ends
    }
}

awaitable<void> listener(tcp::acceptor& acceptor) {
    auto ex = co_await asio::this_coro::executor;
    for (;;) {
        tcp::socket s = co_await acceptor.async_accept(use_awaitable);
        s.set_option(tcp::no_delay(true));  // as irqio's and asyncio's servers do
        asio::co_spawn(ex, echo(std::move(s)), asio::detached);
    }
}

}  // namespace

int main(int argc, char** argv) {
    unsigned short port = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--port=", 7) == 0) {
            port = static_cast<unsigned short>(std::atoi(argv[i] + 7));
        } else {
            std::fprintf(stderr, "echo_asio: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    // One thread: the concurrency hint lets Asio drop its locking, as for the other peers.
    asio::io_context io(1);
    tcp::acceptor acceptor(io);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    acceptor.open(ep.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(4096);
    std::printf("port %u\n", acceptor.local_endpoint().port());
    std::fflush(stdout);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, auto) { io.stop(); });
    asio::co_spawn(io, listener(acceptor), asio::detached);
    io.run();
    return 0;
}
