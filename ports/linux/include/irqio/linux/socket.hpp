// TCP and UNIX-domain stream sockets: open_connection() for a client, start_server() for a server
// that runs one handler task per accepted connection and shuts down cleanly (stop accepting, cancel
// the handlers, wait until their cleanup has run).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "irqio/core/task.hpp"
#include "irqio/linux/fd_stream.hpp"
#include "irqio/result.hpp"

namespace irqio::linux_port {

// Connects to host:port (a numeric address or a name; name lookup blocks the loop, as
// getaddrinfo does). Error::closed when refused, Error::invalid_argument for an unknown host.
Task<Result<Connection>> open_connection(const char* host, uint16_t port, StreamOptions opts = {});
// Connects to the UNIX-domain stream socket at `path`. Error::not_found when nothing exists at
// `path`, Error::closed when a socket file is there but nobody listens on it,
// Error::invalid_argument for a path too long for a socket address.
Task<Result<Connection>> open_unix_connection(const char* path, StreamOptions opts = {});

// Runs for each accepted connection, as a task of the server's group.
using ConnectionHandler = std::function<Task<void>(Connection)>;

struct ServerOptions {
    int backlog = 1024;
    StreamOptions stream{};  // for each accepted connection
};

class Server {
  public:
    Server() noexcept = default;
    Server(Server&&) noexcept = default;
    Server& operator=(Server&&) noexcept = default;
    // Stops accepting and cancels the handlers (their cleanup finishes as the loop runs on).
    ~Server();

    // The bound port (useful after asking for port 0); 0 for a UNIX socket.
    uint16_t port() const noexcept;
    // Connections whose handler is still running.
    std::size_t connections() const noexcept;
    uint64_t accepted() const noexcept;
    // A failed accept (EMFILE / ENFILE: the process or the system is out of file descriptors;
    // ENOBUFS / ENOMEM; anything but a connection that went away) is counted here and its errno
    // kept; the server then waits 10 ms and tries again, serving its running connections
    // meanwhile, while the client waits in the listen backlog. A count that grows means clients
    // are being kept waiting: close connections or raise RLIMIT_NOFILE.
    uint64_t accept_failures() const noexcept;
    // The errno of the last failed accept (EMFILE, ENFILE, ...); 0 if none failed.
    int last_accept_errno() const noexcept;
    // Stops accepting new connections now; running handlers go on.
    void close() noexcept;
    // close(), cancels every running handler and waits until all have finished.
    Task<void> shutdown();
    // close(), then waits until every handler has finished by itself.
    Task<void> wait_closed();

    struct Impl;
    explicit Server(std::unique_ptr<Impl> impl) noexcept;

  private:
    std::unique_ptr<Impl> impl_;
};

// Listens on host:port (host nullptr or "" for every address; port 0 for any free port) and starts
// accepting in a task of the current loop.
Result<Server> start_server(ConnectionHandler handler, const char* host, uint16_t port,
                            const ServerOptions& opts = {});
// Listens on the UNIX-domain socket `path` (an existing socket file there is replaced).
Result<Server> start_unix_server(ConnectionHandler handler, const char* path,
                                 const ServerOptions& opts = {});

}  // namespace irqio::linux_port
