// irqio echo server for the loopback echo workload (bench/echo/run_echo.sh): start_server with one
// handler task per connection, reading through the connection's StreamReader and answering
// through its StreamWriter. Stops cleanly on SIGTERM / SIGINT (Server::shutdown).
//
//   echo_irqio [--port=0] [--mode=chunk|line] [--read-buffer=4096] [--write-buffer=4096]
//              [--frame-cache]
//
// Prints "port N" on stdout once listening.
//   chunk (default): read(4096) then write_all, the same work as the Asio / asyncio / Tokio
//                    servers (async_read_some + async_write, read(4096) + write + drain, ...);
//   line:            readline(4096) then write_all (what examples/echo_server.cpp does).
// --frame-cache installs FrameCache below as the loop thread's FrameAllocator: an experiment for
// the analysis in docs/benchmarks.md (each echoed message creates three short-lived frames:
// read(), write_all() and the drain() inside it, and malloc/free are a third of the instructions).
// Not used by run_echo.sh's figures.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "irqio/irqio.hpp"
#include "irqio/linux_io.hpp"

using namespace irqio;
using namespace irqio::linux_port;  // sockets, fd streams, serial ports

namespace {

// Recycles frames by 64-byte size class (up to 2 KiB; larger ones go to malloc). A 16-byte header
// keeps the class, since deallocate() gets no size. One thread only, as frame allocators are.
class FrameCache final : public FrameAllocator {
  public:
    void* allocate(std::size_t bytes) noexcept override {
        std::size_t c = (bytes + 63) / 64;
        void* raw;
        if (c < kClasses && free_[c] != nullptr) {
            raw = free_[c];
            free_[c] = *static_cast<void**>(raw);
        } else {
            raw = std::malloc(kHeader + (c < kClasses ? c * 64 : bytes));
            if (raw == nullptr) return nullptr;
        }
        *static_cast<std::size_t*>(raw) = c;
        return static_cast<unsigned char*>(raw) + kHeader;
    }
    void deallocate(void* p) noexcept override {
        void* raw = static_cast<unsigned char*>(p) - kHeader;
        std::size_t c = *static_cast<std::size_t*>(raw);
        if (c >= kClasses) {
            std::free(raw);
            return;
        }
        *static_cast<void**>(raw) = free_[c];
        free_[c] = raw;
    }

  private:
    static constexpr std::size_t kHeader = 16, kClasses = 33;
    void* free_[kClasses] = {};
};

Event g_stop;
bool g_line = false;

Task<void> echo(Connection c) {
    for (;;) {
        auto data = g_line ? co_await c.reader().readline(4096) : co_await c.reader().read(4096);
        if (!data) break;  // eof, reset, or (line mode) a line too long
        if (!(co_await c.writer().write_all(data.value())).ok()) break;
    }
    (void)co_await c.writer().close();
}

Task<int> serve(uint16_t port, ServerOptions opts) {
    Result<Server> server = start_server(echo, "127.0.0.1", port, opts);
    if (!server) {
        std::fprintf(stderr, "echo_irqio: cannot listen: %s\n", to_string(server.error()));
        co_return 1;
    }
    std::printf("port %u\n", server->port());
    std::fflush(stdout);
    co_await g_stop.wait();
    co_await server->shutdown();
    co_return 0;
}
}  // namespace

int main(int argc, char** argv) {
    uint16_t port = 0;
    bool cache = false;
    ServerOptions opts;
    opts.backlog = 4096;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto eq = a.find('=');
        std::string k = a.substr(0, eq), v = eq == std::string::npos ? "" : a.substr(eq + 1);
        if (k == "--port")
            port = static_cast<uint16_t>(std::atoi(v.c_str()));
        else if (k == "--mode")
            g_line = v == "line";
        else if (k == "--frame-cache")
            cache = true;
        else if (k == "--read-buffer")
            opts.stream.read_buffer = std::strtoul(v.c_str(), nullptr, 10);
        else if (k == "--write-buffer")
            opts.stream.write_buffer = std::strtoul(v.c_str(), nullptr, 10);
        else {
            std::fprintf(stderr, "echo_irqio: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    auto on_signal = [](int, void*) { g_stop.set(); };
    linux_port::attach_signal(SIGINT, on_signal, nullptr);
    linux_port::attach_signal(SIGTERM, on_signal, nullptr);
    static FrameCache frames;
    if (cache) set_frame_allocator(&frames);
    return run(serve(port, opts));
}
