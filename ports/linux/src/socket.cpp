// Sockets: non-blocking connect (wait writable, then SO_ERROR), and an accept loop task that starts
// one handler task per connection in a TaskGroup, which is what makes shutdown clean.
#include "irqio/linux/socket.hpp"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

#include "errno_error.hpp"
#include "irqio/core/task_handle.hpp"
#include "irqio/linux/fd_ready.hpp"
#include "irqio/sync/task_group.hpp"
#include "irqio/time.hpp"

namespace irqio::linux_port {
namespace {

Error connect_error(int err) noexcept {
    return linux_port::error_from_errno(err);
}

void set_nodelay(int fd) noexcept {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A TCP connect to a free local port can pick that very port as its own and "connect" to itself
// (simultaneous open); nobody listens there, so it is a refusal.
bool self_connected(int fd) noexcept {
    sockaddr_storage a{}, b{};
    socklen_t al = sizeof a, bl = sizeof b;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &al) != 0) return false;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&b), &bl) != 0) return false;
    return al == bl && memcmp(&a, &b, al) == 0;
}

// Connects a fresh non-blocking socket; the fd on success, an error otherwise (the fd is closed).
Task<Result<int>> connect_socket(int family, const sockaddr* addr, socklen_t len) {
    int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) co_return Error::io;
    // Closes the fd unless it is handed out (also when this task is cancelled mid-connect).
    struct Guard {
        int fd;
        ~Guard() {
            if (fd >= 0) close_fd(fd);
        }
    } guard{fd};
    if (::connect(fd, addr, len) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN) co_return connect_error(errno);
        // An error here is the connect's own (readiness reads and clears SO_ERROR).
        Result<void> w = co_await writable(fd);
        if (!w) co_return w.error();
        int err = 0;
        socklen_t el = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0) err = errno;
        if (err != 0) co_return connect_error(err);
        sockaddr_storage peer{};
        socklen_t pl = sizeof peer;
        if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) co_return Error::closed;
    }
    if (family != AF_UNIX && self_connected(fd)) co_return Error::closed;
    guard.fd = -1;
    co_return fd;
}

}  // namespace

Task<Result<Connection>> open_connection(const char* host, uint16_t port, StreamOptions opts) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    addrinfo* list = nullptr;
    if (getaddrinfo(host, service, &hints, &list) != 0 || !list) co_return Error::invalid_argument;
    struct Free {
        addrinfo* l;
        ~Free() { freeaddrinfo(l); }
    } free_list{list};
    Error last = Error::closed;
    for (addrinfo* a = list; a; a = a->ai_next) {
        Result<int> fd = co_await connect_socket(a->ai_family, a->ai_addr, a->ai_addrlen);
        if (!fd) {
            last = fd.error();
            continue;
        }
        set_nodelay(fd.value());
        co_return FdStream::adopt(fd.value(), opts);
    }
    co_return last;
}

Task<Result<Connection>> open_unix_connection(const char* path, StreamOptions opts) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) co_return Error::invalid_argument;
    strcpy(addr.sun_path, path);
    Result<int> fd =
        co_await connect_socket(AF_UNIX, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    if (!fd) co_return fd.error();
    co_return FdStream::adopt(fd.value(), opts);
}

// --- server ---

struct Server::Impl {
    int fd = -1;
    uint16_t port = 0;
    bool tcp = true;
    std::string path;  // UNIX socket file to remove at close
    ConnectionHandler handler;
    ServerOptions opts;
    TaskGroup handlers;
    TaskHandle<void> acceptor;
    uint64_t accepted = 0;
    uint64_t accept_failures = 0;
    int last_accept_errno = 0;

    ~Impl() {
        stop();
        if (Loop::current())
            handlers.cancel();  // the group's destructor hands them to the loop to finish
    }
    void stop() noexcept {
        if (Loop::current()) acceptor.cancel();
        if (fd >= 0) {
            close_fd(fd);
            fd = -1;
            if (!path.empty()) ::unlink(path.c_str());
        }
    }
};

namespace {
Task<void> accept_loop(Server::Impl* s) {
    for (;;) {
        int c = ::accept4(s->fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c >= 0) {
            ++s->accepted;
            if (s->tcp) set_nodelay(c);
            Result<Connection> conn = FdStream::adopt(c, s->opts.stream);
            if (conn) (void)s->handlers.create_task(s->handler(std::move(conn).value()));
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            Result<void> r = co_await readable(s->fd);
            if (!r && r.error() == Error::closed) co_return;  // the listener was closed
            continue;
        }
        // Out of fds or memory: counted where the user sees it (accept_failures()), then back off
        // instead of spinning; connections wait in the backlog.
        ++s->accept_failures;
        s->last_accept_errno = errno;
        co_await sleep_ms(10);
    }
}

Result<Server> listen_on(int fd, Server::Impl* raw, const ServerOptions& opts) {
    std::unique_ptr<Server::Impl> impl(raw);
    if (::listen(fd, opts.backlog) != 0) {
        close_fd(fd);
        return Error::io;
    }
    impl->fd = fd;
    impl->opts = opts;
    impl->acceptor = create_task(accept_loop(impl.get()));
    return Server(std::move(impl));
}
}  // namespace

Server::Server(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}

Result<Server> start_server(ConnectionHandler handler, const char* host, uint16_t port,
                            const ServerOptions& opts) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    addrinfo* list = nullptr;
    if (getaddrinfo(host && *host ? host : nullptr, service, &hints, &list) != 0 || !list)
        return Error::invalid_argument;
    int fd = -1;
    int err = 0;
    for (addrinfo* a = list; a && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
            err = errno;
            ::close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    if (fd < 0) return err == EADDRINUSE ? Error::busy : Error::io;
    auto* impl = new Server::Impl;
    impl->handler = std::move(handler);
    sockaddr_storage bound{};
    socklen_t bl = sizeof bound;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bl) == 0) {
        if (bound.ss_family == AF_INET)
            impl->port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
        else if (bound.ss_family == AF_INET6)
            impl->port = ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
    }
    return listen_on(fd, impl, opts);
}

Result<Server> start_unix_server(ConnectionHandler handler, const char* path,
                                 const ServerOptions& opts) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) return Error::invalid_argument;
    strcpy(addr.sun_path, path);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error::io;
    ::unlink(path);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        Error e = errno == EADDRINUSE ? Error::busy : Error::io;
        ::close(fd);
        return e;
    }
    auto* impl = new Server::Impl;
    impl->handler = std::move(handler);
    impl->tcp = false;
    impl->path = path;
    return listen_on(fd, impl, opts);
}

Server::~Server() = default;

uint16_t Server::port() const noexcept {
    return impl_ ? impl_->port : 0;
}
std::size_t Server::connections() const noexcept {
    return impl_ ? impl_->handlers.size() : 0;
}
uint64_t Server::accepted() const noexcept {
    return impl_ ? impl_->accepted : 0;
}
uint64_t Server::accept_failures() const noexcept {
    return impl_ ? impl_->accept_failures : 0;
}
int Server::last_accept_errno() const noexcept {
    return impl_ ? impl_->last_accept_errno : 0;
}
void Server::close() noexcept {
    if (impl_) impl_->stop();
}

Task<void> Server::shutdown() {
    if (!impl_) co_return;
    Impl* s = impl_.get();
    s->stop();
    (void)co_await s->acceptor;  // its cancellation has run: nothing accepts any more
    s->handlers.cancel();
    co_await s->handlers.join();
}

Task<void> Server::wait_closed() {
    if (!impl_) co_return;
    Impl* s = impl_.get();
    s->stop();
    (void)co_await s->acceptor;
    co_await s->handlers.join();
}

}  // namespace irqio::linux_port
