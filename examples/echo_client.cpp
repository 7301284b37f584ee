// Line client: sends each line of standard input to a server and prints the reply line.
//   echo_client [host] [port]    (default 127.0.0.1 8888)
// Standard input is read through a stream too, so the loop never blocks on the terminal.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "irqio/irqio.hpp"
#include "irqio/linux_io.hpp"

using namespace irqio;
using namespace irqio::linux_port;  // sockets, fd streams, serial ports
using namespace std::chrono_literals;

namespace {
Task<int> client(const char* host, uint16_t port) {
    Result<Connection> conn = co_await open_connection(host, port);
    if (!conn) {
        fprintf(stderr, "echo_client: cannot connect to %s:%u: %s\n", host, port,
                to_string(conn.error()));
        co_return 1;
    }
    Result<FdStream> in = FdStream::adopt(dup(STDIN_FILENO));
    if (!in) co_return 1;
    for (;;) {
        auto line = co_await in->reader().readline(4096);
        if (!line) break;  // end of input
        if (!(co_await conn->writer().write_all(line.value())).ok()) break;
        auto reply = co_await wait_for(conn->reader().readline(4096), 5s);
        if (!reply) {
            fprintf(stderr, "echo_client: %s\n", to_string(reply.error()));
            co_return 1;
        }
        fwrite(reply->data(), 1, reply->size(), stdout);
        fflush(stdout);
    }
    (void)co_await conn->writer().close();
    co_return 0;
}
}  // namespace

int main(int argc, char** argv) {
    const char* host = argc > 1 ? argv[1] : "127.0.0.1";
    uint16_t port = argc > 2 ? static_cast<uint16_t>(atoi(argv[2])) : 8888;
    return run(client(host, port));
}
