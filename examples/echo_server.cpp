// Echo server: every line a client sends comes back. Stops cleanly on SIGINT / SIGTERM (the signal
// handler sets an Event; shutdown cancels the connection handlers and waits for their cleanup).
//   echo_server [port]        (default 8888; "echo_client 127.0.0.1 8888" talks to it)
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "irqio/irqio.hpp"
#include "irqio/linux_io.hpp"

using namespace irqio;
using namespace irqio::linux_port;  // sockets, fd streams, serial ports

namespace {
Event g_stop;

Task<void> echo(Connection c) {
    for (;;) {
        auto line = co_await c.reader().readline(4096);
        if (!line) break;  // eof, reset, or a line too long for us
        if (!(co_await c.writer().write_all(line.value())).ok()) break;
    }
    (void)co_await c.writer().close();
}

Task<int> serve(uint16_t port) {
    Result<Server> server = start_server(echo, "0.0.0.0", port);
    if (!server) {
        fprintf(stderr, "echo_server: cannot listen on %u: %s\n", port, to_string(server.error()));
        co_return 1;
    }
    printf("echo_server: listening on port %u\n", server->port());
    fflush(stdout);
    co_await g_stop.wait();
    printf("echo_server: stopping after %llu connections\n",
           static_cast<unsigned long long>(server->accepted()));
    co_await server->shutdown();
    co_return 0;
}
}  // namespace

int main(int argc, char** argv) {
    uint16_t port = argc > 1 ? static_cast<uint16_t>(atoi(argv[1])) : 8888;
    auto on_signal = [](int, void*) { g_stop.set(); };  // Event::set works from a signal handler
    linux_port::attach_signal(SIGINT, on_signal, nullptr);
    linux_port::attach_signal(SIGTERM, on_signal, nullptr);
    return run(serve(port));
}
